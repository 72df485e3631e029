/*
 * Shared by the search index's files; the rest of the program uses search.h.
 *
 *   search.c           the index files: shards, text fragments, phrase
 *                      files and the index itself (search_index_files)
 *   search_fold.c      word characters, lower case and folding, stop words
 *   search_stem.c      the Snowball stemmer, one per thread
 *   search_records.c   the records and sections taken from the site
 *   search_vocab.c     the vocabulary: spellings, their stems, the tokens
 *   search_words.c     JSON strings, the front-coded words, sigles and
 *                      synonyms as stem ids and phrases
 *   search_postings.c  the postings and their scores
 *   search_text.c      the texts, typeset with the page body (search_text.h)
 */
#ifndef FICHES_SEARCH_INTERNAL_H
#define FICHES_SEARCH_INTERNAL_H

#include "search.h"
#include "utf8.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

struct sb_stemmer;
struct synonyms;

/* ---- search_fold.c ---- */

/* Longest word indexed, in bytes: longer is not a word a reader types (a URL piece, a hash). */
#define SEARCH_WORD_MAX 64

/*
 * The words of a text as every part of the index splits it (search.js
 * alike): runs of word characters (search_is_word_char), one after the other,
 * each with its lower case.
 */
struct search_split {
	const unsigned char *s;
	const unsigned char *end; /* the text's NUL: blocks of 16 bytes are read up to it */
	size_t i;
	const char *word;       /* the current word: word[0..len) */
	size_t len;
	/*
	 * Its lower case (as many bytes) when len <= SEARCH_WORD_MAX, then
	 * (search_next_word; search_split_next leaves it to its caller) zeros
	 * up to the next multiple of 8 at least. Room for a block of 16
	 * written from its SEARCH_WORD_MAX-th byte.
	 */
	char lower[SEARCH_WORD_MAX + 16];
};

/* The words of s (NUL-terminated) from its start. */
void search_split_init(struct search_split *sp, const char *s);
/* The same when s's length is known (s[len] is its NUL). */
void search_split_init_len(struct search_split *sp, const char *s, size_t len);
/* The next word into sp; 0 at the end of the text. */
int search_next_word(struct search_split *sp);

/*
 * What each byte of a text is to the word splitter (search_fold.c): the
 * lower case of an ASCII word character (a letter or a digit),
 * SEARCH_LEAD2 for the first byte of a two-byte one (U+00C0..U+017F), 0
 * for the other bytes; and the lower case of U+00C0..U+017F.
 */
#define SEARCH_LEAD2 1
extern const unsigned char search_word_byte[256];
extern const uint16_t *const search_lower_tab;

/*
 * Whether p, whose first byte is SEARCH_LEAD2, starts a word character: U+00C0..
 * U+017F but for × and ÷, which are not letters. p[1] may be the text's
 * NUL, which is no continuation byte.
 */
static inline int search_word_char2(const unsigned char *p)
{
	return (p[1] & 0xC0) == 0x80 && !(p[0] == 0xC3 && (p[1] == 0x97 || p[1] == 0xB7));
}

/*
 * A word character is ASCII or two bytes (search_is_word_char), so any
 * other byte from 0x80 up is stepped over one at a time: the bytes a
 * decoder would take with it are continuation bytes, which start no word,
 * so the words are those found by decoding every character. The text's NUL
 * ends every loop (it is no word character). Each word is put in lower
 * case as it is read: this runs on every byte of the site's text, and a
 * character's lower case has as many bytes as itself.
 */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int search_split_next(struct search_split *sp)
{
	const unsigned char *p = sp->s + sp->i;
	for (;; p++) {
		unsigned b = search_word_byte[*p];
		if (b > SEARCH_LEAD2 || (b == SEARCH_LEAD2 && search_word_char2(p)))
			break;
		if (!*p) {
			sp->i = (size_t)(p - sp->s);
			return 0;
		}
	}
	const unsigned char *from = p;
	/* Lower case for the first SEARCH_WORD_MAX bytes (a character more fits: lower has room). */
	char *w = sp->lower, *end = sp->lower + SEARCH_WORD_MAX;
	while (w < end) {
#ifdef __SSE2__
		/*
		 * A run of ASCII letters and digits, 16 bytes a step (most words
		 * are ASCII): their lower case is the byte with 0x20 set (digits
		 * have it). The 16 bytes read end at the text's NUL at most; the
		 * 16 written may pass the word's end (lower has room, and what
		 * follows the word is set below).
		 */
		if (sp->end - p >= 15) {
			__m128i v = _mm_loadu_si128((const __m128i *)p);
			__m128i low = _mm_or_si128(v, _mm_set1_epi8(0x20));
			__m128i letter = _mm_and_si128(_mm_cmpgt_epi8(low, _mm_set1_epi8('a' - 1)),
						       _mm_cmplt_epi8(low, _mm_set1_epi8('z' + 1)));
			__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
						      _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(letter, digit));
			_mm_storeu_si128((__m128i *)w, low);
			unsigned run = (unsigned)__builtin_ctz(~m);
			p += run;
			w += run;
			if (run == 16)
				continue;
			if (search_word_byte[*p] != SEARCH_LEAD2)
				goto done;
		}
#endif
		unsigned b = search_word_byte[*p];
		if (b > SEARCH_LEAD2) {
			*w++ = (char)b;
			p++;
		} else if (b == SEARCH_LEAD2 && search_word_char2(p)) {
			uint32_t l = search_lower_tab[(((p[0] & 0x1F) << 6) | (p[1] & 0x3F)) - 0xC0];
			*w++ = (char)(0xC0 | (l >> 6));
			*w++ = (char)(0x80 | (l & 0x3F));
			p += 2;
		} else {
			goto done;
		}
	}
	/* A longer word (never indexed): only where it ends. */
	for (;;) {
		unsigned b = search_word_byte[*p];
		if (b > SEARCH_LEAD2)
			p++;
		else if (b == SEARCH_LEAD2 && search_word_char2(p))
			p += 2;
		else
			break;
	}
done:
	sp->word = (const char *)from;
	sp->len = (size_t)(p - from);
	sp->i = (size_t)(p - sp->s);
	return 1;
}

/* Lower case without folding: the form the Snowball stemmer expects. Appends to out. */
void search_lower(const char *s, size_t n, struct buf *out);

/* The stop words, sorted; the index ships them for queries. */
extern const char *const search_stop_words[];
extern const size_t search_nstop_words;

/* ---- search_stem.c ---- */

/* The folded stem of s[0..n) with stemmer sb. Caller frees. */
char *search_stem_with(struct sb_stemmer *sb, const char *s, size_t n);

/* A new French stemmer (never NULL). Caller deletes it (sb_stemmer_delete). */
struct sb_stemmer *search_new_stemmer(void);

/* ---- search_records.c ---- */

/*
 * Record kinds, the index of their label in the index's "kinds": the
 * built-in document kinds, the data kinds, then the project's own kinds.
 */
enum { KIND_CONTACT = DOC_BUILTIN, KIND_GLOSSARY, KIND_BIBLIO, KIND_EXTRA };

struct record {
	int kind, number;
	char *title, *href, *summary; /* a document's: NULL until search_records_typeset */
	const struct doc *doc;  /* a document's record: its texts are in the index's store */
};

struct section {
	size_t record;
	char *heading;
	const char *anchor;     /* a document's heading's (the model's: it outlives the index), or NULL */
	const char *raw_heading; /* a document's heading, typeset by search_records_typeset */
	const char *shared;     /* a document's section: its text, owned by the body store */
	struct buf text;        /* otherwise (contacts, glossary, bibliography): built here */
};

struct index {
	struct body_store *texts; /* the documents' sections' texts (body_store.h), or NULL */
	struct record *recs;
	size_t nrecs, caprecs;
	struct section *secs;
	size_t nsecs, capsecs;
	size_t *text_len;       /* each section's text's bytes (strlen once, when collected) */
	size_t entry_rec, entry_sec; /* the data entries' first record and section */
};

/* The descriptor of record kind k. */
const struct kind *search_record_desc(const struct site *s, int k);
/* A section's text, wherever it is held. */
const char *search_section_text(const struct section *sec);
/* A data entry's string field, or NULL. */
const char *search_field_str(const struct entry *e, const char *key);
/*
 * Fills ix (zeroed) with the records and sections of s, on jobs threads
 * (as pool_for's); texts as for search_index_files.
 */
void search_records_collect(struct index *ix, const struct site *s, struct body_store *texts, int jobs);
/*
 * The typography of the documents' titles, summaries and headings of
 * records [r0, r1) and sections [s0, s1), left by search_records_collect
 * to the index's items (the pages' typography is most of collecting).
 */
void search_records_typeset(struct index *ix, size_t r0, size_t r1, size_t s0, size_t s1);
void search_records_free(struct index *ix);

/* ---- search_vocab.c ---- */

/*
 * One distinct spelling met in the text: as written in a group's
 * vocabulary (search_vocab_text), in lower case once merged into the
 * index's (search_vocab_merge).
 */
struct spelling {
	char *lower;            /* key, zero-padded to a multiple of 8 bytes (lower case once merged) */
	uint32_t len;           /* its bytes */
	uint32_t id;            /* order of first meeting: what token lists hold; its place in v */
	unsigned long long hash;
	char *folded;           /* NULL: stop word or too short, not indexed */
	char *stem;
	unsigned long count;
};

/*
 * A place of the spellings' hash table: the spelling's first 16 bytes
 * (zero-padded) in the slot itself, so that looking a word up reads one
 * slot of a small table (24 bytes a place) and, for most words, nothing
 * else. k0 == 0: empty (a word's first byte is never 0).
 */
struct vslot {
	uint64_t k0, k1;
	uint32_t id;            /* VSLOT_LONG set: a spelling of more than 16 bytes */
	uint32_t count;         /* in this vocabulary's texts (search_vocab_text) */
};
#define VSLOT_LONG 0x80000000u

/* The words of the text in order, as spelling ids (NO_WORD: counted, never indexed). */
#define NO_WORD UINT32_MAX

struct tokens {
	uint32_t *v;
	size_t n;
	size_t cap;             /* the room to fill: v[0..cap) has its pages (search_populate) */
	size_t alloc;           /* v's size, cap <= alloc */
};

/*
 * Gives the whole pages of p[0..len) their memory in one system call, for
 * an array about to be written there: the index's large arrays are fresh
 * memory (11 500 pages at 10 000 fiches), and in this VM a page faulted in
 * on its first write costs ~2.1 µs of CPU, one of 32 populated at once
 * ~1.6 µs (a microbenchmark's getrusage, 32 MiB). Pages already there
 * are left as they are; where the call is missing or fails, the writes
 * fault them in as before.
 */
static inline void search_populate(void *p, size_t len)
{
#ifdef MADV_POPULATE_WRITE
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t from = ((uintptr_t)p + page - 1) & ~(page - 1), to = ((uintptr_t)p + len) & ~(page - 1);
	if (page && to > from)
		(void)madvise((void *)from, to - from, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)len;
#endif
}

/* One text (a title, a summary, a heading, a section's body) in the token list. */
struct span {
	size_t from, to;
};

struct vocab {
	struct spelling *v;     /* by id: v[0..n) */
	size_t n, capv;
	struct vslot *slots;    /* open addressing, cap a power of two */
	size_t cap;
	struct sb_stemmer *sb;
	struct tokens toks;
};

/* A folded word and the stem it gets (several spellings may fold alike). */
struct word {
	const char *folded, *stem;
	unsigned long count;
	size_t stem_id;
};

/*
 * Counts the words of s and returns where their tokens are. vc has no
 * stemmer: its spellings are kept as written, put in lower case, folded
 * and stemmed when merged (search_vocab_merge).
 */
struct span search_vocab_text(struct vocab *vc, const char *s);
/* The same for s of len bytes (s[len] is its NUL): the long texts' length is known. */
struct span search_vocab_text_len(struct vocab *vc, const char *s, size_t len);
/*
 * Moves part's spellings into vc, in lower case, and hands its tokens,
 * still part's ids, to *toks (the spans into them stand); part is left
 * empty. Returns the map of part's ids to vc's (*nmap of them; caller
 * frees).
 */
uint32_t *search_vocab_merge(struct vocab *vc, struct vocab *part, struct tokens *toks, size_t *nmap);
/* Frees vc's spellings, tokens and stemmer. */
void search_vocab_free(struct vocab *vc);
/* qsort orders: words by folded form, the most frequent spelling first; stems (strings). */
int search_compare_word_choice(const void *a, const void *b);
/* Inline, so that the bsearch of stems (inline in glibc) inlines it too. */
static inline int search_compare_stem(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}
/* The index of folded in the sorted, distinct words, or (size_t)-1. */
size_t search_find_word(const struct word *words, size_t n, const char *folded);

/* ---- search_words.c ---- */

/*
 * The phrases of several words (a sigle's expansion, a synonym of
 * content/recherche.yaml) whose postings the index ships already
 * intersected (put_phrase_files): their stem ids, phrase q being
 * ids[from[q]..from[q + 1]).
 */
struct phrases {
	size_t *ids, nids, capids;
	size_t *from, n, cap;   /* from[n] == nids */
};

/* A number in decimal, as printf's %lld writes it (printf costs more than the texts it separates). */
void search_put_number(struct buf *out, long long v);
/* s as a JSON string that a <script> can hold (NULL: ""). */
void search_put_json_string(struct buf *out, const char *s);
/* The same for s of len bytes (s[len] is its NUL). */
void search_put_json_string_len(struct buf *out, const char *s, size_t len);
/* The vocabulary in one string, front-coded (see search_words.c). */
void search_put_words(struct buf *out, const struct word *words, size_t nwords);
/* Stem ids of the indexed words of text, as a JSON array; then « ,q », q their phrase in ph. */
void search_put_stems_of(struct buf *out, const struct word *words, size_t nwords, const char *text,
			 struct phrases *ph);
/* The synonyms of content/recherche.yaml whose words the site holds (see search.c). */
void search_put_aliases(struct buf *out, const struct synonyms *syn, struct sb_stemmer *sb,
			const char **stems, const size_t *ids, size_t nstems, struct phrases *ph);
void search_phrases_free(struct phrases *ph);

/* ---- search_postings.c ---- */

/*
 * Scores travel as 12 bits on a log scale from 2^-12 to 2^12 (steps of
 * 0.4 %): two characters of the 64-letter alphabet below.
 */
#define SCORE_LEVELS 4096
#define SCORE_RANGE 24.0

/*
 * A stem found in more sections than this is shipped twice: its best
 * HEAD_POSTINGS sections (by score) in its shard, all of them in a file
 * of its own, fetched only when the query names the word itself (not for
 * a prefix being typed). The best HEAD_POSTINGS give the exact first
 * results of a one-word prefix: a section among the first n is among the
 * first n of the stem that gives it its score.
 */
#define HEAD_POSTINGS 512

struct postings {
	size_t nstems;
	size_t *start;          /* stem k's postings: [start[k], start[k + 1]), by section */
	uint32_t *sec;
	uint16_t *score;        /* quantised */
	size_t nsec;
	struct numbered {
		size_t sec;     /* the first section of a numbered record */
		int number;     /* and its number */
	} *numbered;            /* in section order */
	size_t nnumbered, capnumbered;
};

/* The 64 characters of the index's numbers: none needs escaping in a JavaScript string. */
extern const char search_digits64[];
/* An unsigned number, five bits per character, low bits first; 32 marks « more follows ». */
void search_put_varint(struct buf *b, size_t v);
/* A score on SCORE_LEVELS levels (log scale). */
unsigned search_quantise(double v);
/*
 * The postings of the nstems stems, from the tokens of the records' and
 * sections' texts: section k's and its record's spans point into toks_of[k]
 * (its group's list); stem_of[g][t + 1], the stem id of token t of the
 * g-th list in section order (-1: not indexed), stem_of[g][0] NO_WORD's
 * (-1), so that one look-up tells both. The lists are used up: their
 * tokens are scanned once, in section order, and what has been read may
 * be written over.
 */
void search_compute_postings(const struct site *s, const struct index *ix, uint32_t *const *toks_of,
			     const int32_t *const *stem_of, size_t nstems, const struct span *rspan,
			     const struct span *sspan, struct postings *p);
void search_postings_free(struct postings *p);
/* Postings as section deltas and scores. */
void search_put_postings(struct buf *b, const uint32_t *sec, const uint16_t *score, size_t n);
/*
 * The best HEAD_POSTINGS postings of stem k, in section order; count:
 * SCORE_LEVELS + SCORE_LEVELS / 64 zeros, left so (a calloc of them for
 * each frequent stem cost more than the rest).
 */
void search_put_head(struct buf *b, const struct postings *p, size_t k, uint32_t *count);
/*
 * The scores as search.js reads them, by level (a table: its readers
 * take it once, not a pthread_once a posting); a stem's idf as search.js
 * computes it.
 */
const double *search_levels(void);
double search_idf(const struct postings *p, size_t k);

#endif
