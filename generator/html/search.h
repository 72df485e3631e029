/*
 * The search index: every fiche, guide chapter, page, contact, glossary
 * entry and bibliography reference, split into sections at its headings,
 * written as scripts (assets/recherche-index.js and assets/recherche/…)
 * that each call a global function, so assets/search.js can load them with
 * <script> tags, which work from file:// where fetch() does not.
 *
 * Words are the runs of ASCII letters and digits and Latin-1/Latin
 * Extended-A letters (U+00C0–U+017F except × ÷); they are lower-cased,
 * accent-folded (é → e, œ → oe) and stemmed with the Snowball French
 * stemmer at build time, and the postings (which sections hold each stem,
 * with its score there) computed here too. The browser first loads a small
 * script with the vocabulary, then only the postings shards and the text
 * fragments (for snippets) a query needs, each a script too, so that a
 * query on a large site transfers a few hundred kilobytes at most.
 * assets/search.js folds and splits with the same rules: keep both in step
 * (the unit test and the browser test check the shared table).
 *
 * Stop words and one-letter words are left out of the vocabulary. Glossary
 * expansions are shipped as synonyms of their sigle, and the synonyms of
 * content/recherche.yaml (synonyms.h) as stems of the site's words.
 */
#ifndef FICHES_SEARCH_H
#define FICHES_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include <cmark-gfm.h>

#include "buf.h"
#include "build.h"
#include "model.h"
#include "pages.h"

struct body_store;
struct stage;
struct template_files;

/* Path of the index in the output. */
#define SEARCH_INDEX_PATH "assets/recherche-index.js"

/* 1 when cp belongs to a word (see above). */
int search_is_word_char(uint32_t cp);

/* The folded form of a word: lower case, no accents, ASCII only. Appends to out. */
void search_fold(const char *s, size_t n, struct buf *out);

/* 1 when folded is a French stop word the index leaves out. */
int search_is_stop_word(const char *folded);

/* The folded Snowball stem of a word (any case, accents allowed). Caller frees. Not thread-safe. */
char *search_stem(const char *s, size_t n);

/* Where the index's other parts go: postings shards, large stems, text fragments. */
#define SEARCH_PARTS_DIR "assets/recherche"

/* One file of the index: a path in the output and its bytes (owned). */
struct search_file {
	char *path;
	char *data;
	size_t len;
};

struct search_files {
	struct search_file *v;
	size_t n, cap;
	/*
	 * When not NULL, search_index_files stages each part as soon as it is
	 * made (its data is then NULL in v), so that a large site's parts (78 MB
	 * at 10 000 fiches) are not all held until the index is done; the index
	 * file itself, made last, stays in v with its bytes.
	 */
	struct stage *stage;
	unsigned long long version; /* the parts' hash so far, for the index */
};

/*
 * The index of site s, in pieces (see the shape at the top of search.c):
 * SEARCH_INDEX_PATH first, then the parts. Appends to out. Deterministic.
 * The documents' texts are those texts holds (body_store.h; NULL: none),
 * each marked read once written (body_store_texts_read).
 */
void search_index_files(const struct site *s, struct body_store *texts,
			struct search_files *out);

/*
 * The same index in work items that may run on several threads at once
 * (output/out_search.c), with the same bytes however they are scheduled:
 * search_job_new collects the records (reading the model and texts, on
 * jobs threads as pool_for's), each
 * item reads the words of a group of records, writes their text
 * fragments and merges the words into the index's vocabulary, and the
 * item that ends last makes the rest and fills out as search_index_files
 * does. out must live until then.
 */
struct search_job;
struct search_job *search_job_new(const struct site *s, struct body_store *texts,
				  struct search_files *out, int jobs);
size_t search_job_items(const struct search_job *j);
/* Item i (any thread, each once); returns 1 when it was the last, out then being complete. */
int search_job_run(struct search_job *j, size_t i);
void search_job_free(struct search_job *j);

void search_files_free(struct search_files *f);

#endif
