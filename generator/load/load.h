/*
 * Load stage: walks content/, reads each file once, checks it is text
 * (UTF-8, size), splits the front matter from the Markdown body and parses
 * every YAML part. Fills a fresh struct site with raw documents and data
 * files; schema.c then checks and interprets them.
 */
#ifndef FICHES_LOAD_H
#define FICHES_LOAD_H

#include "diag.h"
#include "model.h"

#define LOAD_MAX_FILE_BYTES (4u << 20)   /* no fiche or data file is this large */
#define LOAD_MAX_FILES 100000            /* per content directory */
#define LOAD_MAX_LINE_BYTES (1u << 20)   /* a longer line is not text */

/*
 * Reads root/content into a new site. Content problems go to d (the load
 * continues with the other files). Returns the site (caller site_free's
 * it), or NULL on an I/O failure that makes the build impossible (missing
 * content directory: reported to d).
 */
struct site *load_site(const char *root, struct diag *d);

/*
 * One document read from elsewhere: `fiches serve`'s editor checks and
 * previews unsaved text as if it were the file. The document keeps its
 * own path (diagnostics, relative links); only its bytes come from
 * read_path, through the same checks as any file.
 */
struct load_override {
	const char *display;     /* "content/actions/06-x.md" */
	const char *read_path;   /* file holding the text to use instead */
	int removed;             /* or: the document is left out, as if deleted */
};

/* load_site with ov (may be NULL) in place of one document's file. */
struct site *load_site_override(const char *root, const struct load_override *ov,
				struct diag *d);

/*
 * Reads the document of kind shown as display ("content/actions/06-x.md")
 * from read_path, as load_site does, into a new struct doc that is in no
 * site (serve's incremental rebuilds and the editor's checks put it in
 * place of the loaded one). Problems go to d. Caller frees with doc_free.
 */
struct doc *load_doc_alone(const struct site *s, enum doc_kind kind, const char *display,
			   const char *read_path, struct diag *d);

/*
 * Reads a whole file, checks size and UTF-8, normalises CRLF and BOM.
 * Returns the NUL-terminated text (caller frees) and its length, or NULL
 * after reporting the problem as display:line:col.
 */
char *load_text_file(const char *fs_path, const char *display, size_t *len,
		     struct diag *d);

/*
 * Splits text into front matter and body. When text starts with a "---"
 * line, sets *fm and *fm_len to the YAML between it and the closing "---" or
 * "..." line, *body to what follows and *body_offset to the file line
 * number of the closing line. Returns 1 when front matter was found, 0
 * when there is none (body = text, offset 0), -1 when it is unclosed.
 */
int load_split_front_matter(const char *text, size_t len, const char **fm,
			    size_t *fm_len, const char **body, int *body_offset);

#endif
