/*
 * The search index; see search.h.
 *
 * Every file is a script calling FichesRechercheData(name, data), so that
 * assets/search.js loads it with a <script> tag (file:// included). Numbers
 * in strings are written with the 64 characters of digits64, five bits per
 * character, low bits first, 32 meaning « more follows » (put_varint).
 *
 * assets/recherche-index.js, name "index", loaded first (keys in this order):
 *   "v": 2, "kinds": [label, …]            type labels, by kind index
 *   "weights": [6, 6, …]                   only when a kind weighs other than 1 (already
 *                                          in the scores; for readers of the index)
 *   "nsec", "nrec"                         sections and records
 *   "head": 512, "levels", "range"         see HEAD_POSTINGS and quantise
 *   "words": " Aabandon Dord …"            folded vocabulary, sorted, front-coded, with the
 *                                          stem id of each word (put_words)
 *   "df": numbers                          sections holding each stem, by stem id
 *   "shards": numbers                      first stem of each postings shard, as gaps
 *   "pbytes"                               the shards' bytes (search.js preloads them when few)
 *   "texts": numbers                       first section of each text fragment, as gaps
 *                                          (about one record a fragment on a large site)
 *   "tbytes"                               the fragments' bytes (search.js loads them all
 *                                          when the reader touches a field of a small site)
 *   "h": "…"                               version of the parts (search.js asks ?v=h)
 *   "num": numbers                         (section gap, number) of numbered records'
 *                                          first sections: « 9 » finds fiche 9
 *   "stop": "a au aux …"                   the stop words, for queries
 *   "fshards": numbers                     first phrase of each phrase shard, as gaps
 *   "syn": [["caarud", [stem ids], q], …]  glossary sigle → stems of its expansion; q, its
 *                                          phrase number, when it has two stems or more
 *   "alias": [["shit", [[stem ids], …], [q, …]], …] content/recherche.yaml: a folded word →
 *                                          its synonyms (a phrase: several stems); the
 *                                          phrase numbers (-1: one stem) only when one has
 *                                          several stems
 *
 * assets/recherche/pN.js, "pN": [postings of each stem of the shard, in stem order]: a
 *   string of (section gap, score in two characters) pairs by section; for a stem in
 *   more than HEAD_POSTINGS sections, only its best HEAD_POSTINGS.
 * assets/recherche/mK.js, "mK": all the postings of such a stem K.
 * assets/recherche/fN.js, "fN": [postings of each phrase of the shard]: the sections
 *   holding every stem of the phrase, scored with the sum of score × idf of its stems.
 * assets/recherche/tN.js, "tN": {"r": first record, "s": first section,
 *   "docs": [[kind, number, title, href, summary], …]   number 0 when none; href
 *                                                        relative to the site root
 *   "secs": [[record - r, heading, anchor, text], …]}   a record's section 0 has heading
 *                                                        and anchor ""; in text, "\n"
 *                                                        ends a paragraph, list item or cell
 *
 * Titles, headings and texts carry the French typography of the pages, so
 * snippets read like the site.
 */
#include "search.h"
#include "body_store.h"
#include "search_text.h"
#include "hash.h"
#include "markdown.h"
#include "stage.h"
#include "synonyms.h"
#include "typo.h"
#include "utf8.h"
#include "xalloc.h"

#include <libstemmer.h>
#include <math.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/*
 * Lower case of U+00C0..U+017F (İ has no one-letter lower case). This table
 * and fold_str are written and checked by scripts/gen-fold-tables.py.
 */
static const uint16_t lower_tab[192] = {
	0x0e0, 0x0e1, 0x0e2, 0x0e3, 0x0e4, 0x0e5, 0x0e6, 0x0e7, 0x0e8, 0x0e9, 0x0ea, 0x0eb,
	0x0ec, 0x0ed, 0x0ee, 0x0ef, 0x0f0, 0x0f1, 0x0f2, 0x0f3, 0x0f4, 0x0f5, 0x0f6, 0x0d7,
	0x0f8, 0x0f9, 0x0fa, 0x0fb, 0x0fc, 0x0fd, 0x0fe, 0x0df, 0x0e0, 0x0e1, 0x0e2, 0x0e3,
	0x0e4, 0x0e5, 0x0e6, 0x0e7, 0x0e8, 0x0e9, 0x0ea, 0x0eb, 0x0ec, 0x0ed, 0x0ee, 0x0ef,
	0x0f0, 0x0f1, 0x0f2, 0x0f3, 0x0f4, 0x0f5, 0x0f6, 0x0f7, 0x0f8, 0x0f9, 0x0fa, 0x0fb,
	0x0fc, 0x0fd, 0x0fe, 0x0ff, 0x101, 0x101, 0x103, 0x103, 0x105, 0x105, 0x107, 0x107,
	0x109, 0x109, 0x10b, 0x10b, 0x10d, 0x10d, 0x10f, 0x10f, 0x111, 0x111, 0x113, 0x113,
	0x115, 0x115, 0x117, 0x117, 0x119, 0x119, 0x11b, 0x11b, 0x11d, 0x11d, 0x11f, 0x11f,
	0x121, 0x121, 0x123, 0x123, 0x125, 0x125, 0x127, 0x127, 0x129, 0x129, 0x12b, 0x12b,
	0x12d, 0x12d, 0x12f, 0x12f, 0x130, 0x131, 0x133, 0x133, 0x135, 0x135, 0x137, 0x137,
	0x138, 0x13a, 0x13a, 0x13c, 0x13c, 0x13e, 0x13e, 0x140, 0x140, 0x142, 0x142, 0x144,
	0x144, 0x146, 0x146, 0x148, 0x148, 0x149, 0x14b, 0x14b, 0x14d, 0x14d, 0x14f, 0x14f,
	0x151, 0x151, 0x153, 0x153, 0x155, 0x155, 0x157, 0x157, 0x159, 0x159, 0x15b, 0x15b,
	0x15d, 0x15d, 0x15f, 0x15f, 0x161, 0x161, 0x163, 0x163, 0x165, 0x165, 0x167, 0x167,
	0x169, 0x169, 0x16b, 0x16b, 0x16d, 0x16d, 0x16f, 0x16f, 0x171, 0x171, 0x173, 0x173,
	0x175, 0x175, 0x177, 0x177, 0x0ff, 0x17a, 0x17a, 0x17c, 0x17c, 0x17e, 0x17e, 0x17f,
};

/*
 * Folded form of U+00C0..U+017F, "|"-separated (× and ÷ empty: not letters).
 * assets/search.js carries the same string (FOLD): scripts/gen-fold-tables.py
 * computes both from Unicode's data and tests/web/t_fold_tables.py checks them.
 */
static const char fold_str[] =
	"a|a|a|a|a|a|ae|c|e|e|e|e|i|i|i|i|d|n|o|o|o|o|o||o|u|u|u|u|y|th|ss|"
	"a|a|a|a|a|a|ae|c|e|e|e|e|i|i|i|i|d|n|o|o|o|o|o||o|u|u|u|u|y|th|y|"
	"a|a|a|a|a|a|c|c|c|c|c|c|c|c|d|d|d|d|e|e|e|e|e|e|e|e|e|e|g|g|g|g|g|g|g|g|"
	"h|h|h|h|i|i|i|i|i|i|i|i|i|i|ij|ij|j|j|k|k|k|l|l|l|l|l|l|l|l|l|l|"
	"n|n|n|n|n|n|n|n|n|o|o|o|o|o|o|oe|oe|r|r|r|r|r|r|s|s|s|s|s|s|s|s|"
	"t|t|t|t|t|t|u|u|u|u|u|u|u|u|u|u|u|u|w|w|y|y|y|z|z|z|z|z|z|s";

/* Offsets of each entry of fold_str, computed once (the table is constant). */
static const char *fold_entry(uint32_t cp, size_t *len)
{
	size_t want = cp - 0xC0, i = 0;
	const char *p = fold_str;
	while (i < want) {
		if (*p++ == '|')
			i++;
	}
	const char *end = strchr(p, '|');
	*len = end ? (size_t)(end - p) : strlen(p);
	return p;
}

/* The fold of each code point, filled on first use: the string above stays the one source. */
static struct {
	char s[3];
	unsigned char n;
} fold_cache[192];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

static void fold_fill(void)
{
	for (uint32_t cp = 0xC0; cp < 0x180; cp++) {
		size_t n;
		const char *p = fold_entry(cp, &n);
		memcpy(fold_cache[cp - 0xC0].s, p, n);
		fold_cache[cp - 0xC0].n = (unsigned char)n;
	}
}

/* Several rendering threads fold text: the first fills the table, the others wait for it. */
static void fold_init(void)
{
	pthread_once(&fold_once, fold_fill);
}

int search_is_word_char(uint32_t cp)
{
	if (cp < 0x80)
		return ascii_isalnum((int)cp);
	return cp >= 0xC0 && cp < 0x180 && cp != 0xD7 && cp != 0xF7;
}

void search_fold(const char *s, size_t n, struct buf *out)
{
	fold_init();
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k == 0)
			k = 1, cp = 0xFFFD;
		if (cp < 0x80)
			buf_putc(out, (char)ascii_tolower((int)cp));
		else if (cp >= 0xC0 && cp < 0x180)
			buf_put(out, fold_cache[cp - 0xC0].s, fold_cache[cp - 0xC0].n);
		i += k;
	}
}

/* Lower case without folding: the form the Snowball stemmer expects. */
static void lower(const char *s, size_t n, struct buf *out)
{
	/*
	 * Written in place, a byte at a time without a call for ASCII: this
	 * runs on every word of the site. A code point's lower case has as many
	 * bytes as itself; 4 bytes each is room enough whatever the input.
	 */
	buf_grow(out, 4 * n);
	char *w = out->data + out->len;
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			*w++ = (char)ascii_tolower(c);
			i++;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k == 0) {
			i++;
			continue;
		}
		uint32_t l = cp >= 0xC0 && cp < 0x180 ? lower_tab[cp - 0xC0] : cp;
		w += utf8_encode(l, w);
		i += k;
	}
	out->len = (size_t)(w - out->data);
	out->data[out->len] = '\0';
}

/* Folded French stop words, sorted (bsearch). Words a reader never searches for alone. */
static const char *const stop_words[] = {
	"ai", "au", "aux", "avec", "ce", "ces", "cet", "cette", "dans", "de", "des", "du",
	"elle", "elles", "en", "est", "et", "etaient", "etait", "ete", "etre", "eux", "il",
	"ils", "je", "la", "le", "les", "leur", "leurs", "lui", "ma", "mais", "me", "mes",
	"moi", "mon", "ne", "ni", "nos", "notre", "nous", "on", "ont", "ou", "par", "pas",
	"qu", "que", "qui", "sa", "se", "ses", "si", "son", "sont", "sur", "ta", "te", "tes",
	"toi", "ton", "tu", "un", "une", "vos", "votre", "vous",
};

static int compare_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int search_is_stop_word(const char *folded)
{
	return bsearch(&folded, stop_words, sizeof stop_words / sizeof *stop_words,
		       sizeof *stop_words, compare_str) != NULL;
}

static char *stem_with(struct sb_stemmer *sb, const char *s, size_t n)
{
	struct buf l = BUF_INIT, f = BUF_INIT;
	lower(s, n, &l);
	const sb_symbol *st = sb_stemmer_stem(sb, (const sb_symbol *)buf_cstr(&l), (int)l.len);
	if (st)
		search_fold((const char *)st, (size_t)sb_stemmer_length(sb), &f);
	else
		search_fold(buf_cstr(&l), l.len, &f);
	buf_free(&l);
	if (!f.data)
		return xstrdup("");
	return buf_detach(&f);
}

/* One stemmer per thread for search_stem (a stemmer is not thread-safe). */
static pthread_key_t stemmer_key;
static pthread_once_t stemmer_once = PTHREAD_ONCE_INIT;

static void stemmer_free(void *sb)
{
	sb_stemmer_delete(sb);
}

static void stemmer_key_create(void)
{
	pthread_key_create(&stemmer_key, stemmer_free);
}

/* A French stemmer; with "french" built into libstemmer, NULL can only mean out of memory. */
static struct sb_stemmer *new_stemmer(void)
{
	struct sb_stemmer *sb = sb_stemmer_new("french", "UTF_8");
	if (!sb)
		xalloc_failed();
	return sb;
}

char *search_stem(const char *s, size_t n)
{
	pthread_once(&stemmer_once, stemmer_key_create);
	struct sb_stemmer *sb = pthread_getspecific(stemmer_key);
	if (!sb) {
		sb = new_stemmer();
		pthread_setspecific(stemmer_key, sb);
	}
	return stem_with(sb, s, n);
}

/* ---- Records and sections ------------------------------------------------ */

/*
 * Record kinds, the index of their label in the index's "kinds": the
 * built-in document kinds, the data kinds, then the project's own kinds.
 */
enum { KIND_CONTACT = DOC_BUILTIN, KIND_GLOSSARY, KIND_BIBLIO, KIND_EXTRA };

static int record_kind(enum doc_kind k)
{
	return k < DOC_BUILTIN ? (int)k : KIND_EXTRA + (int)(k - DOC_BUILTIN);
}

/* The descriptor of a record kind. */
static const struct kind *record_desc(const struct site *s, int k)
{
	return k < DOC_BUILTIN ? kind_builtin(k) :
	       k < KIND_EXTRA ? kind_data(TARGET_CONTACT + k - KIND_CONTACT) :
				site_kind(s, DOC_BUILTIN + k - KIND_EXTRA);
}

struct record {
	int kind, number;
	char *title, *href, *summary;
	const struct doc *doc;  /* a document's record: its texts are in the index's store */
};

struct section {
	size_t record;
	char *heading, *anchor;
	const char *shared;     /* a document's section: its text, owned by the body store */
	struct buf text;        /* otherwise (contacts, glossary, bibliography): built here */
};

static const char *section_text(const struct section *sec)
{
	return sec->shared ? sec->shared : buf_cstr(&sec->text);
}

struct index {
	struct body_store *texts; /* the documents' sections' texts (body_store.h), or NULL */
	struct record *recs;
	size_t nrecs, caprecs;
	struct section *secs;
	size_t nsecs, capsecs;
};

/* Plain text with French typography, or NULL. Caller frees. */
static char *typo(const char *s)
{
	return s ? typo_plain(s, strlen(s)) : NULL;
}

static size_t add_record(struct index *ix, int kind, int number, const char *title,
			 const char *href, const char *summary)
{
	if (ix->nrecs == ix->caprecs) {
		ix->caprecs = ix->caprecs ? ix->caprecs * 2 : 64;
		ix->recs = xrealloc(ix->recs, ix->caprecs * sizeof *ix->recs);
	}
	ix->recs[ix->nrecs] = (struct record){kind, number, typo(title), xstrdup(href),
					      summary && *summary ? typo(summary) : NULL, NULL};
	return ix->nrecs++;
}

static struct section *add_section(struct index *ix, size_t rec, const char *heading,
				   const char *anchor)
{
	if (ix->nsecs == ix->capsecs) {
		ix->capsecs = ix->capsecs ? ix->capsecs * 2 : 256;
		ix->secs = xrealloc(ix->secs, ix->capsecs * sizeof *ix->secs);
	}
	struct section *sec = &ix->secs[ix->nsecs++];
	sec->record = rec;
	sec->heading = heading ? typo(heading) : NULL;
	sec->anchor = anchor ? xstrdup(anchor) : NULL;
	sec->shared = NULL;
	sec->text = (struct buf)BUF_INIT;
	return sec;
}

/*
 * A document's record and its sections, at its headings, in the order html.c
 * numbers them; texts (body_store.h) holds the sections' plain texts, NULL
 * when the store has none for the document.
 */
static void add_doc(struct index *ix, const struct doc *d, const struct ptrs *texts)
{
	int number = d->desc->list == LIST_NUMBERED ? d->number : 0;
	size_t rec = add_record(ix, record_kind(d->kind), number, d->title, d->out_path, d->summary);
	ix->recs[rec].doc = d;
	size_t n = texts ? texts->n : 0;
	for (size_t i = 0; i < n; i++) {
		const struct heading *h = i && i - 1 < d->nheadings ? &d->headings[i - 1] : NULL;
		struct section *sec = i ? add_section(ix, rec, h ? h->text : "", h ? h->anchor : NULL) :
					  add_section(ix, rec, NULL, NULL);
		sec->shared = texts->v[i];
	}
	if (!n)
		add_section(ix, rec, NULL, NULL);
}

static const char *field_str(const struct entry *e, const char *key)
{
	const json_t *v = json_object_get(e->data, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A data-file field may hold Markdown (links, emphasis): index its plain text. */
static void put_markdown(struct buf *b, const char *text)
{
	if (!text)
		return;
	cmark_node *root = markdown_parse_string(text, strlen(text));
	char *plain = markdown_plain_text(root);
	char *t = typo_plain(plain, strlen(plain));
	search_text_separator(b);
	search_text_put(b, t, strlen(t));
	free(t);
	free(plain);
	cmark_node_free(root);
}

static void add_contact(struct index *ix, const struct entry *e)
{
	struct buf summary = BUF_INIT;
	const char *role = field_str(e, "role");
	if (role)
		buf_puts(&summary, role);
	if (e->organisation) {
		if (summary.len)
			buf_puts(&summary, ", ");
		buf_puts(&summary, e->organisation->label);
	}
	size_t rec = add_record(ix, KIND_CONTACT, 0, e->label, e->out_path, buf_cstr(&summary));
	buf_free(&summary);
	struct section *sec = add_section(ix, rec, NULL, NULL);
	put_markdown(&sec->text, field_str(e, "description"));
	put_markdown(&sec->text, field_str(e, "note"));
	static const char *const plain_fields[] = {"address", "email", "phone", "website"};
	for (size_t i = 0; i < sizeof plain_fields / sizeof *plain_fields; i++) {
		const char *v = field_str(e, plain_fields[i]);
		if (v) {
			search_text_separator(&sec->text);
			search_text_put(&sec->text, v, strlen(v));
		}
	}
	search_text_trim(&sec->text);
}

static void add_glossary(struct index *ix, const struct entry *e)
{
	char *href = xasprintf("%s#%s", e->out_path, e->anchor);
	size_t rec = add_record(ix, KIND_GLOSSARY, 0, e->id, href, field_str(e, "expansion"));
	free(href);
	struct section *sec = add_section(ix, rec, NULL, NULL);
	put_markdown(&sec->text, field_str(e, "definition"));
	search_text_trim(&sec->text);
}

static void add_biblio(struct index *ix, const struct entry *e)
{
	struct buf summary = BUF_INIT;
	const json_t *authors = json_object_get(e->data, "authors");
	size_t k;
	const json_t *a;
	if (json_is_string(authors))
		buf_puts(&summary, json_string_value(authors));
	json_array_foreach(authors, k, a) {
		if (k)
			buf_puts(&summary, ", ");
		if (json_is_string(a))
			buf_puts(&summary, json_string_value(a));
	}
	const json_t *year = json_object_get(e->data, "year");
	if (json_is_integer(year))
		buf_printf(&summary, "%s%lld", summary.len ? ", " : "", (long long)json_integer_value(year));
	const char *where = field_str(e, "publisher") ? field_str(e, "publisher") : field_str(e, "journal");
	if (where)
		buf_printf(&summary, "%s%s", summary.len ? ", " : "", where);
	char *href = xasprintf("%s#%s", e->out_path, e->anchor);
	size_t rec = add_record(ix, KIND_BIBLIO, 0, e->label, href, buf_cstr(&summary));
	free(href);
	buf_free(&summary);
	struct section *sec = add_section(ix, rec, NULL, NULL);
	put_markdown(&sec->text, field_str(e, "abstract"));
	search_text_trim(&sec->text);
}

/* ---- Vocabulary ---------------------------------------------------------- */

/* One distinct lower-case spelling met in the text. */
struct spelling {
	char *lower;            /* key */
	unsigned long long hash;
	char *folded;           /* NULL: stop word or too short, not indexed */
	char *stem;
	unsigned long count;
	uint32_t id;            /* order of first meeting: what token lists hold */
};

/* The words of the text in order, as spelling ids (NO_WORD: counted, never indexed). */
#define NO_WORD UINT32_MAX

struct tokens {
	uint32_t *v;
	size_t n, cap;
};

/* One text (a title, a summary, a heading, a section's body) in the token list. */
struct span {
	size_t from, to;
};

struct vocab {
	struct spelling *v;     /* open addressing, cap a power of two */
	size_t n, cap;
	struct sb_stemmer *sb;
	struct buf scratch;
	struct spelling **by_id; /* by id; pointers into v, valid once counting is over */
	struct tokens toks;
};

static void vocab_grow(struct vocab *vc)
{
	size_t cap = vc->cap ? vc->cap * 2 : 4096;
	struct spelling *v = xcalloc(cap, sizeof *v);
	for (size_t i = 0; i < vc->cap; i++) {
		if (!vc->v[i].lower)
			continue;
		size_t j = vc->v[i].hash & (cap - 1);
		while (v[j].lower)
			j = (j + 1) & (cap - 1);
		v[j] = vc->v[i];
	}
	free(vc->v);
	vc->v = v;
	vc->cap = cap;
}

static void put_token(struct tokens *t, uint32_t id)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 65536;
		t->v = xrealloc(t->v, t->cap * sizeof *t->v);
	}
	t->v[t->n++] = id;
}

/* Counts one word of the text (w[0..n) made of word characters). */
static void vocab_add(struct vocab *vc, const char *w, size_t n)
{
	buf_reset(&vc->scratch);
	lower(w, n, &vc->scratch);
	const char *key = buf_cstr(&vc->scratch);
	size_t klen = vc->scratch.len;
	if (klen > 64) {
		put_token(&vc->toks, NO_WORD); /* not a word a reader types: a URL piece, a hash */
		return;
	}
	if ((vc->n + 1) * 2 > vc->cap)
		vocab_grow(vc);
	unsigned long long h = hash_bytes(key, klen);
	size_t j = h & (vc->cap - 1);
	while (vc->v[j].lower) {
		if (vc->v[j].hash == h && strcmp(vc->v[j].lower, key) == 0) {
			vc->v[j].count++;
			put_token(&vc->toks, vc->v[j].id);
			return;
		}
		j = (j + 1) & (vc->cap - 1);
	}
	struct spelling *sp = &vc->v[j];
	sp->lower = xstrdup(key);
	sp->hash = h;
	sp->count = 1;
	sp->id = (uint32_t)vc->n++;
	put_token(&vc->toks, sp->id);
	struct buf f = BUF_INIT;
	search_fold(key, klen, &f);
	if (f.len >= 2 && !search_is_stop_word(buf_cstr(&f))) {
		sp->folded = buf_detach(&f);
		sp->stem = stem_with(vc->sb, key, klen);
	}
	buf_free(&f);
}

/* Counts the words of s and returns where their tokens are. */
static struct span vocab_text(struct vocab *vc, const char *s)
{
	struct span sp = {vc->toks.n, vc->toks.n};
	if (!s)
		return sp;
	size_t n = strlen(s), i = 0, start = 0;
	int in_word = 0;
	while (i < n) {
		uint32_t cp = (unsigned char)s[i];
		size_t k = 1;
		if (cp >= 0x80 && (k = utf8_decode(s + i, n - i, &cp)) == 0)
			k = 1, cp = 0xFFFD;
		int w = cp < 0x80 ? ascii_isalnum((int)cp) : search_is_word_char(cp);
		if (w && !in_word)
			start = i;
		else if (!w && in_word)
			vocab_add(vc, s + start, i - start);
		in_word = w;
		i += k;
	}
	if (in_word)
		vocab_add(vc, s + start, n - start);
	sp.to = vc->toks.n;
	return sp;
}

/* A folded word and the stem it gets (several spellings may fold alike). */
struct word {
	const char *folded, *stem;
	unsigned long count;
	size_t stem_id;
};

static int compare_word_choice(const void *a, const void *b)
{
	const struct word *x = a, *y = b;
	int c = strcmp(x->folded, y->folded);
	if (c)
		return c;
	/* The most frequent spelling decides; ties by stem, so the choice is reproducible. */
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->stem, y->stem);
}

static int compare_stem(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- Output -------------------------------------------------------------- */

/* Whether byte p starts something put_json_string escapes. */
static int json_escaped(const unsigned char *p)
{
	return *p < 0x20 || *p == '"' || *p == '\\' || *p == '<' ||
	       (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9));
}

/* s as a JSON string that a <script> can hold; the runs between escapes are copied whole. */
static void put_json_string(struct buf *out, const char *s)
{
	buf_putc(out, '"');
	const unsigned char *p = (const unsigned char *)(s ? s : ""), *run = p;
	for (; *p; p++) {
		if (!json_escaped(p))
			continue;
		buf_put(out, (const char *)run, (size_t)(p - run));
		switch (*p) {
		case '"': buf_puts(out, "\\\""); break;
		case '\\': buf_puts(out, "\\\\"); break;
		case '\n': buf_puts(out, "\\n"); break;
		case '\t': buf_puts(out, "\\t"); break;
		case '<': buf_puts(out, "\\u003c"); break; /* never "</script" in a script */
		case 0xE2:
			/* U+2028/2029 end a line in older JavaScript string literals. */
			buf_puts(out, p[2] == 0xA8 ? "\\u2028" : "\\u2029");
			p += 2;
			break;
		default:
			buf_printf(out, "\\u%04x", *p);
		}
		run = p + 1;
	}
	buf_put(out, (const char *)run, (size_t)(p - run));
	buf_putc(out, '"');
}

/*
 * The vocabulary in one string, front-coded. Each word is written as a
 * separator, one capital letter giving how many leading bytes it shares
 * with the previous word (A = 0 … Z = 25), then the rest of the word
 * (folded words are lower-case ASCII, so the letter cannot be misread).
 * The separator gives the stem: « » a new stem (the next id), « + » the
 * previous word's stem, « |N » stem N, met earlier. Words sharing a stem
 * sort next to each other nearly always, so stems cost about one byte.
 */
static void put_words(struct buf *out, const struct word *words, size_t nwords)
{
	size_t next_id = 0;
	for (size_t i = 0; i < nwords; i++) {
		const char *w = words[i].folded;
		size_t common = 0;
		if (i) {
			const char *p = words[i - 1].folded;
			while (common < 25 && p[common] && p[common] == w[common])
				common++;
		}
		if (i && words[i].stem_id == words[i - 1].stem_id)
			buf_putc(out, '+');
		else if (words[i].stem_id == next_id) {
			buf_putc(out, ' ');
			next_id++;
		} else
			buf_printf(out, "|%zu", words[i].stem_id);
		buf_putc(out, (char)('A' + common));
		buf_puts(out, w + common);
	}
}

static size_t find_word(const struct word *words, size_t n, const char *folded)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(words[mid].folded, folded);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (size_t)-1;
}

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

static void phrase_id(struct phrases *ph, size_t id)
{
	if (ph->nids == ph->capids) {
		ph->capids = ph->capids ? ph->capids * 2 : 64;
		ph->ids = xrealloc(ph->ids, ph->capids * sizeof *ph->ids);
	}
	ph->ids[ph->nids++] = id;
}

/* Keeps the ids added since the last phrase as phrase n (returned) when there are two or more; else drops them, -1. */
static long phrase_close(struct phrases *ph)
{
	if (ph->n + 2 > ph->cap) {
		ph->cap = ph->cap ? ph->cap * 2 : 16;
		ph->from = xrealloc(ph->from, ph->cap * sizeof *ph->from);
	}
	if (!ph->n)
		ph->from[0] = 0;
	if (ph->nids - ph->from[ph->n] < 2) {
		ph->nids = ph->from[ph->n];
		return -1;
	}
	ph->from[++ph->n] = ph->nids;
	return (long)ph->n - 1;
}

static void phrases_free(struct phrases *ph)
{
	free(ph->ids);
	free(ph->from);
}

/*
 * Stem ids of the indexed words of text, appended as a JSON array; with
 * two or more, then « ,q », q its phrase in ph.
 */
static void put_stems_of(struct buf *out, const struct word *words, size_t nwords, const char *text,
			 struct phrases *ph)
{
	buf_putc(out, '[');
	size_t n = strlen(text), i = 0, start = 0, count = 0;
	if (!ph->n && ph->cap == 0)
		phrase_close(ph);       /* from[0] = 0 */
	int in_word = 0;
	struct buf f = BUF_INIT;
	while (i <= n) {
		uint32_t cp = 0;
		size_t k = i < n ? utf8_decode(text + i, n - i, &cp) : 1;
		if (k == 0)
			k = 1, cp = 0xFFFD;
		int w = i < n && search_is_word_char(cp);
		if (w && !in_word)
			start = i;
		else if (!w && in_word) {
			buf_reset(&f);
			search_fold(text + start, i - start, &f);
			size_t at = f.len ? find_word(words, nwords, buf_cstr(&f)) : (size_t)-1;
			if (at != (size_t)-1) {
				buf_printf(out, "%s%zu", count++ ? "," : "", words[at].stem_id);
				phrase_id(ph, words[at].stem_id);
			}
		}
		in_word = w;
		i += k;
	}
	buf_free(&f);
	buf_putc(out, ']');
	long q = phrase_close(ph);
	if (q >= 0)
		buf_printf(out, ",%ld", q);
}

/*
 * Appends the stem ids of phrase's words to out as a JSON array; returns 0
 * (out unchanged) when one of its words is nowhere in the site: a synonym
 * that cannot be found would only hide the others.
 */
static int put_phrase(struct buf *out, const char *phrase, struct sb_stemmer *sb,
		      const char **stems, const size_t *ids, size_t nstems, struct phrases *ph,
		      long *q)
{
	if (!ph->n && ph->cap == 0)
		phrase_close(ph);       /* from[0] = 0 */
	struct buf arr = BUF_INIT, f = BUF_INIT;
	size_t n = strlen(phrase), i = 0, start = 0, count = 0;
	int in_word = 0, ok = 1;
	buf_putc(&arr, '[');
	while (i <= n && ok) {
		uint32_t cp = 0;
		size_t k = i < n ? utf8_decode(phrase + i, n - i, &cp) : 1;
		if (k == 0)
			k = 1, cp = 0xFFFD;
		int w = i < n && search_is_word_char(cp);
		if (w && !in_word)
			start = i;
		else if (!w && in_word) {
			buf_reset(&f);
			search_fold(phrase + start, i - start, &f);
			if (f.len >= 2 && !search_is_stop_word(buf_cstr(&f))) {
				char *st = stem_with(sb, phrase + start, i - start);
				const char **at = bsearch(&st, stems, nstems, sizeof *stems, compare_stem);
				free(st);
				if (at) {
					buf_printf(&arr, "%s%zu", count++ ? "," : "", ids[at - stems]);
					phrase_id(ph, ids[at - stems]);
				} else {
					ok = 0;
				}
			}
		}
		in_word = w;
		i += k;
	}
	buf_putc(&arr, ']');
	ok = ok && count;
	if (ok) {
		buf_put(out, arr.data, arr.len);
		*q = phrase_close(ph);
	} else {
		ph->nids = ph->from[ph->n];
	}
	buf_free(&arr);
	buf_free(&f);
	return ok;
}

/* The synonyms of content/recherche.yaml whose words the site holds (see the shape above). */
static void put_aliases(struct buf *out, const struct synonyms *syn, struct sb_stemmer *sb,
			const char **stems, const size_t *ids, size_t nstems, struct phrases *ph)
{
	size_t nout = 0;
	struct buf f = BUF_INIT, phrases = BUF_INIT, qs = BUF_INIT;
	for (size_t i = 0; syn && i < syn->n; i++) {
		buf_reset(&f);
		search_fold(syn->v[i].word, strlen(syn->v[i].word), &f);
		buf_reset(&phrases);
		buf_reset(&qs);
		size_t np = 0;
		int any_q = 0;
		if (f.len < 2)
			continue;
		for (size_t k = 0; k < syn->v[i].targets.n; k++) {
			size_t mark = phrases.len;
			long q = -1;
			if (np)
				buf_putc(&phrases, ',');
			if (put_phrase(&phrases, syn->v[i].targets.v[k], sb, stems, ids, nstems, ph, &q)) {
				buf_printf(&qs, "%s%ld", np ? "," : "", q);
				any_q |= q >= 0;
				np++;
			} else {
				phrases.len = mark;
			}
		}
		if (!np)
			continue;
		buf_puts(out, nout++ ? ",\n[" : "\n[");
		put_json_string(out, buf_cstr(&f));
		buf_puts(out, ",[");
		buf_put(out, phrases.data, phrases.len);
		if (any_q) {
			buf_puts(out, "],[");
			buf_put(out, qs.data, qs.len);
		}
		buf_puts(out, "]]");
	}
	buf_free(&f);
	buf_free(&phrases);
	buf_free(&qs);
}

/* ---- Postings ------------------------------------------------------------ */

/*
 * The score of a stem in a section, BM25-like: the body's term frequency
 * saturated (K1) and normalised by the section's length (B); plus bonuses
 * for the title (more for a short title), the headings and the summary;
 * all multiplied by the weight of the record's kind. search.js multiplies
 * it by the stem's idf, which it computes from the stem's section count.
 */
#define BM25_K1 1.2
#define BM25_B 0.75
#define F_TITLE 3.0
#define F_HEAD 2.0
#define F_SUMM 1.5

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
/* A postings shard closes once it holds this many bytes. */
#define SHARD_BYTES 16384
/*
 * A text fragment closes once it holds this many bytes of text. Every
 * result shown needs its fragment, so on a large site, where the eight
 * results of a keystroke come from eight fragments, a fragment holds about
 * one record, as Pagefind's per-page fragments do (eight 16 KB fragments
 * made 150 KB to read for one keystroke at 10 000 fiches). A small site's
 * whole index loads on first touch: there fewer, larger files are cheaper.
 */
#define TEXT_BYTES 16384
#define TEXT_BYTES_LARGE 4096
#define LARGE_TEXTS (1024 * 1024)

/* The 64 characters of the index's numbers: none needs escaping in a JavaScript string. */
static const char digits64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* An unsigned number, five bits per character, low bits first; 32 marks « more follows ». */
static void put_varint(struct buf *b, size_t v)
{
	while (v >= 32) {
		buf_putc(b, digits64[32 | (v & 31)]);
		v >>= 5;
	}
	buf_putc(b, digits64[v]);
}

static unsigned quantise(double v)
{
	double q = (log2(v) + SCORE_RANGE / 2) * SCORE_LEVELS / SCORE_RANGE;
	if (!(q > 0))
		return 0;
	if (q > SCORE_LEVELS - 1)
		return SCORE_LEVELS - 1;
	return (unsigned)lround(q);
}

struct postings {
	size_t nstems;
	size_t *start;          /* stem k's postings: [start[k], start[k + 1]), by section */
	uint32_t *sec;
	uint16_t *score;        /* quantised */
	size_t nsec;
	struct ptrs numbered;   /* first sections of numbered records, as "sec,number" pairs */
};

/* Per-section state of the scan: which stems the section holds, where and how often. */
struct scan {
	uint8_t *field;         /* 1 title, 2 heading, 4 summary */
	uint16_t *body;
	uint32_t *touched;
	size_t ntouched;
	const int32_t *stem_of; /* spelling id → stem id, -1 when not indexed */
	const uint32_t *toks;
};

/* Adds a text's words to the section's counts; returns how many words it has. */
static size_t scan_span(struct scan *sc, struct span sp, int bit)
{
	for (size_t i = sp.from; i < sp.to; i++) {
		uint32_t t = sc->toks[i];
		if (t == NO_WORD || sc->stem_of[t] < 0)
			continue;
		uint32_t k = (uint32_t)sc->stem_of[t];
		if (!sc->field[k] && !sc->body[k])
			sc->touched[sc->ntouched++] = k;
		if (bit)
			sc->field[k] |= (uint8_t)bit;
		else if (sc->body[k] < 65535)
			sc->body[k]++;
	}
	return sp.to - sp.from;
}

/* A record's first section: no heading, no anchor (what search.js shows as the record itself). */
static int is_first_section(const struct section *sec)
{
	return (!sec->heading || !*sec->heading) && (!sec->anchor || !*sec->anchor);
}

/* Scans section si: its words, title and summary (first section) or heading. Returns the body's length. */
static size_t scan_section(struct scan *sc, const struct index *ix, size_t si,
			   const struct span *rspan, const struct span *sspan, size_t *titlelen)
{
	const struct section *sec = &ix->secs[si];
	*titlelen = 0;
	if (is_first_section(sec)) {
		*titlelen = scan_span(sc, rspan[2 * sec->record], 1);
		scan_span(sc, rspan[2 * sec->record + 1], 4);
	} else {
		scan_span(sc, sspan[2 * si], 2);
	}
	return scan_span(sc, sspan[2 * si + 1], 0);
}

static void compute_postings(const struct site *s, const struct index *ix, const struct vocab *vc,
			     const int32_t *stem_of, size_t nstems, const struct span *rspan,
			     const struct span *sspan, struct postings *p)
{
	struct scan sc = {xcalloc(nstems + 1, 1), xcalloc(nstems + 1, sizeof(uint16_t)),
			  xcalloc(nstems + 1, sizeof(uint32_t)), 0, stem_of, vc->toks.v};
	size_t nsec = ix->nsecs, *df = xcalloc(nstems + 1, sizeof *df);
	uint32_t *seclen = xcalloc(nsec + 1, sizeof *seclen), *titlelen = xcalloc(nsec + 1, sizeof *titlelen);
	double total = 0;
	for (size_t si = 0; si < nsec; si++) {
		size_t tl;
		seclen[si] = (uint32_t)scan_section(&sc, ix, si, rspan, sspan, &tl);
		titlelen[si] = (uint32_t)tl;
		total += seclen[si];
		for (size_t t = 0; t < sc.ntouched; t++) {
			df[sc.touched[t]]++;
			sc.field[sc.touched[t]] = 0;
			sc.body[sc.touched[t]] = 0;
		}
		sc.ntouched = 0;
	}
	p->nstems = nstems;
	p->nsec = nsec;
	p->start = xcalloc(nstems + 1, sizeof *p->start);
	for (size_t k = 0; k < nstems; k++)
		p->start[k + 1] = p->start[k] + df[k];
	size_t n = p->start[nstems];
	p->sec = xmalloc((n + 1) * sizeof *p->sec);
	p->score = xmalloc((n + 1) * sizeof *p->score);
	int nkinds = KIND_EXTRA + (int)s->nextra_kinds;
	double *weight = xmalloc((size_t)nkinds * sizeof *weight);
	for (int k = 0; k < nkinds; k++)
		weight[k] = record_desc(s, k)->search_weight;
	double avg = nsec && total > 0 ? total / (double)nsec : 1;
	for (size_t k = 0; k < nstems; k++)
		df[k] = p->start[k];    /* now the next free place of each stem */
	for (size_t si = 0; si < nsec; si++) {
		size_t tl;
		scan_section(&sc, ix, si, rspan, sspan, &tl);
		const struct record *r = &ix->recs[ix->secs[si].record];
		for (size_t t = 0; t < sc.ntouched; t++) {
			uint32_t k = sc.touched[t];
			unsigned tf = sc.body[k], f = sc.field[k];
			double v = tf ? (BM25_K1 + 1) * tf /
				(tf + BM25_K1 * (1 - BM25_B + BM25_B * seclen[si] / avg)) : 0;
			if (f & 1)
				v += F_TITLE * (0.5 + 1.5 / sqrt(titlelen[si] > 1 ? titlelen[si] : 1));
			if (f & 2)
				v += F_HEAD;
			if (f & 4)
				v += F_SUMM;
			size_t at = df[k]++;
			p->sec[at] = (uint32_t)si;
			p->score[at] = (uint16_t)quantise(v * weight[r->kind]);
			sc.field[k] = 0;
			sc.body[k] = 0;
		}
		sc.ntouched = 0;
		if (is_first_section(&ix->secs[si]) && r->number)
			ptrs_add(&p->numbered, xasprintf("%zu,%d", si, r->number));
	}
	free(weight);
	free(df);
	free(seclen);
	free(titlelen);
	free(sc.field);
	free(sc.body);
	free(sc.touched);
}

static void postings_free(struct postings *p)
{
	free(p->start);
	free(p->sec);
	free(p->score);
	for (size_t i = 0; i < p->numbered.n; i++)
		free(p->numbered.v[i]);
	ptrs_free(&p->numbered);
}

/* Postings as section deltas and scores (see put_varint and quantise). */
static void put_postings(struct buf *b, const uint32_t *sec, const uint16_t *score, size_t n)
{
	uint32_t prev = 0;
	for (size_t i = 0; i < n; i++) {
		put_varint(b, sec[i] - prev);
		prev = sec[i];
		buf_putc(b, digits64[score[i] >> 6]);
		buf_putc(b, digits64[score[i] & 63]);
	}
}

/*
 * The best HEAD_POSTINGS postings of stem k, in section order: the
 * highest scores, ties going to the first sections. Scores have
 * SCORE_LEVELS values, so the lowest score kept comes from a count of
 * each; the postings, already in section order, are then filtered in one
 * pass (two sorts of every posting of each frequent stem before).
 */
static void put_head(struct buf *b, const struct postings *p, size_t k)
{
	size_t from = p->start[k], n = p->start[k + 1] - from;
	uint32_t *count = xcalloc(SCORE_LEVELS, sizeof *count);
	for (size_t i = 0; i < n; i++)
		count[p->score[from + i]]++;
	size_t above = 0;       /* postings scoring more than low */
	unsigned low = SCORE_LEVELS - 1;
	while (above + count[low] < HEAD_POSTINGS) {
		above += count[low];
		low--;
	}
	size_t at_low = HEAD_POSTINGS - above; /* the first ones by section of score low */
	free(count);
	uint32_t *sec = xmalloc(HEAD_POSTINGS * sizeof *sec);
	uint16_t *score = xmalloc(HEAD_POSTINGS * sizeof *score);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		uint16_t sc = p->score[from + i];
		int keep = sc > low || (sc == low && at_low > 0);
		if (keep && sc == low)
			at_low--;
		if (keep) {
			sec[m] = p->sec[from + i];
			score[m++] = sc;
		}
	}
	put_postings(b, sec, score, m);
	free(sec);
	free(score);
}

/* A score as search.js reads it (Engine's level table). */
static double level(unsigned q)
{
	return pow(2, q * SCORE_RANGE / SCORE_LEVELS - SCORE_RANGE / 2);
}

/* A stem's idf, as search.js computes it from the section counts. */
static double idf(const struct postings *p, size_t k)
{
	double df = (double)(p->start[k + 1] - p->start[k]);
	return log(1 + ((double)p->nsec - df + 0.5) / (df + 0.5));
}

#define PART_CALL "FichesRechercheData("

static void add_file(struct search_files *out, char *path, struct buf *b);

/*
 * The postings of the phrases (fN.js, "fN": [postings of each phrase from
 * the shard's first, in phrase order]): the sections holding every stem of
 * the phrase, each with the sum of the stems' scores times their idf, what
 * search.js computed from the stems' whole postings before (a sigle's
 * expansion needed the full postings of several frequent words, 380 KB at
 * 10 000 fiches, where its intersection is a few kilobytes). Shards close
 * at SHARD_BYTES; the first phrase of each to meta, as gaps.
 */
static void put_phrase_files(const struct postings *p, const struct phrases *ph, struct buf *meta,
			     struct search_files *out)
{
	struct buf b = BUF_INIT;
	size_t first = 0, prev_first = 0, nshards = 0;
	for (size_t q = 0; q <= ph->n; q++) {
		if (q == ph->n || (q > first && b.len >= SHARD_BYTES)) {
			if (q == first)
				break;
			struct buf file = BUF_INIT;
			buf_printf(&file, PART_CALL "\"f%zu\",[\"", nshards);
			buf_put(&file, b.data, b.len);
			buf_puts(&file, "\"]);\n");
			add_file(out, xasprintf(SEARCH_PARTS_DIR "/f%zu.js", nshards), &file);
			buf_reset(&b);
			put_varint(meta, first - prev_first);
			prev_first = first;
			nshards++;
			first = q;
			if (q == ph->n)
				break;
		}
		if (q > first)
			buf_puts(&b, "\",\"");
		const size_t *ids = ph->ids + ph->from[q];
		size_t nids = ph->from[q + 1] - ph->from[q];
		size_t k0 = ids[0], n = p->start[k0 + 1] - p->start[k0];
		uint32_t *sec = xmalloc((n + 1) * sizeof *sec);
		double *v = xmalloc((n + 1) * sizeof *v);
		double w0 = idf(p, k0);
		for (size_t i = 0; i < n; i++) {
			sec[i] = p->sec[p->start[k0] + i];
			v[i] = level(p->score[p->start[k0] + i]) * w0;
		}
		for (size_t j = 1; j < nids && n; j++) {
			size_t k = ids[j], at = p->start[k], end = p->start[k + 1], kept = 0;
			double w = idf(p, k);
			for (size_t i = 0; i < n; i++) {
				while (at < end && p->sec[at] < sec[i])
					at++;
				if (at < end && p->sec[at] == sec[i]) {
					sec[kept] = sec[i];
					v[kept++] = v[i] + level(p->score[at]) * w;
				}
			}
			n = kept;
		}
		uint32_t prev = 0;
		for (size_t i = 0; i < n; i++) {
			unsigned sc = quantise(v[i]);
			put_varint(&b, sec[i] - prev);
			prev = sec[i];
			buf_putc(&b, digits64[sc >> 6]);
			buf_putc(&b, digits64[sc & 63]);
		}
		free(sec);
		free(v);
	}
	buf_free(&b);
}

/* ---- Output files -------------------------------------------------------- */

static void add_file(struct search_files *out, char *path, struct buf *b)
{
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 64;
		out->v = xrealloc(out->v, out->cap * sizeof *out->v);
	}
	size_t len = b->len;
	char *data = b->data ? buf_detach(b) : xstrdup("");
	out->version = hash_more(out->version, data, len);
	if (out->stage) {
		stage_add(out->stage, path, data, len);
		data = NULL;
	}
	out->v[out->n++] = (struct search_file){path, data, len};
}

void search_files_free(struct search_files *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].path);
		free(f->v[i].data);
	}
	free(f->v);
	*f = (struct search_files){0};
}

/*
 * The postings shards and the files of the large stems; the first stem of
 * each shard to meta. Returns the bytes of the shards.
 */
static size_t put_shards(const struct postings *p, struct buf *meta, struct search_files *out)
{
	struct buf b = BUF_INIT;
	size_t nshards = 0, first = 0, prev_first = 0, bytes = 0;
	for (size_t k = 0; k <= p->nstems; k++) {
		if (k == p->nstems || (k > first && b.len >= SHARD_BYTES)) {
			if (k == first)
				break;
			buf_puts(&b, "\"]);\n");
			struct buf file = BUF_INIT;
			buf_printf(&file, PART_CALL "\"p%zu\",[\"", nshards);
			buf_put(&file, b.data, b.len);
			bytes += file.len;
			add_file(out, xasprintf(SEARCH_PARTS_DIR "/p%zu.js", nshards), &file);
			buf_reset(&b);
			put_varint(meta, first - prev_first);
			prev_first = first;
			nshards++;
			first = k;
			if (k == p->nstems)
				break;
		}
		if (k > first)
			buf_puts(&b, "\",\"");
		size_t df = p->start[k + 1] - p->start[k];
		if (df > HEAD_POSTINGS) {
			put_head(&b, p, k);
			struct buf file = BUF_INIT;
			buf_printf(&file, PART_CALL "\"m%zu\",\"", k);
			put_postings(&file, p->sec + p->start[k], p->score + p->start[k], df);
			buf_puts(&file, "\");\n");
			add_file(out, xasprintf(SEARCH_PARTS_DIR "/m%zu.js", k), &file);
		} else {
			put_postings(&b, p->sec + p->start[k], p->score + p->start[k], df);
		}
	}
	buf_free(&b);
	return bytes;
}

/*
 * The text fragments: whole records, their sections' texts for snippets.
 * First section of each to meta. Returns the fragments' bytes.
 */
static size_t put_texts(const struct index *ix, struct buf *meta, struct search_files *out)
{
	struct buf b = BUF_INIT;
	size_t nfrags = 0, rec = 0, sec = 0, prev_sec = 0, total = 0, all = 0;
	for (size_t k = 0; k < ix->nsecs; k++)
		all += strlen(section_text(&ix->secs[k])) + 64;
	size_t frag_bytes = all > LARGE_TEXTS ? TEXT_BYTES_LARGE : TEXT_BYTES;
	while (rec < ix->nrecs) {
		size_t first_rec = rec, first_sec = sec, bytes = 0, k = sec;
		buf_printf(&b, PART_CALL "\"t%zu\",{\"r\":%zu,\"s\":%zu,\"docs\":[", nfrags, first_rec, first_sec);
		while (rec < ix->nrecs && (rec == first_rec || bytes < frag_bytes)) {
			const struct record *r = &ix->recs[rec];
			buf_printf(&b, "%s\n[%d,%d,", rec > first_rec ? "," : "", r->kind, r->number);
			put_json_string(&b, r->title);
			buf_putc(&b, ',');
			put_json_string(&b, r->href);
			buf_putc(&b, ',');
			put_json_string(&b, r->summary);
			buf_putc(&b, ']');
			for (; k < ix->nsecs && ix->secs[k].record == rec; k++)
				bytes += strlen(section_text(&ix->secs[k])) + 64;
			rec++;
		}
		buf_puts(&b, "],\"secs\":[");
		for (; sec < ix->nsecs && ix->secs[sec].record < rec; sec++) {
			const struct section *sc = &ix->secs[sec];
			buf_printf(&b, "%s\n[%zu,", sec > first_sec ? "," : "", sc->record - first_rec);
			put_json_string(&b, sc->heading);
			buf_putc(&b, ',');
			put_json_string(&b, sc->anchor);
			buf_putc(&b, ',');
			put_json_string(&b, section_text(sc));
			buf_putc(&b, ']');
		}
		buf_puts(&b, "]});\n");
		/* Nothing reads these texts again: the store lets them go if the build does not keep them. */
		for (size_t r = first_rec; r < rec; r++)
			if (ix->recs[r].doc)
				body_store_texts_read(ix->texts, ix->recs[r].doc);
		total += b.len;
		add_file(out, xasprintf(SEARCH_PARTS_DIR "/t%zu.js", nfrags), &b);
		put_varint(meta, first_sec - prev_sec);
		prev_sec = first_sec;
		nfrags++;
	}
	return total;
}

void search_index_files(const struct site *s, struct body_store *texts,
			struct search_files *out)
{
	size_t base = out->n;
	out->version = hash_bytes("fiches-recherche-2", 18);
	struct index ix = {0};
	ix.texts = texts;
	for (size_t k = 0; k < site_nkinds(s); k++)
		for (size_t i = 0; i < s->ndocs[k] && site_kind(s, (int)k)->search_weight; i++)
			add_doc(&ix, s->docs[k][i], body_store_texts(texts, s->docs[k][i]));
	for (size_t i = 0; i < s->ncontacts; i++)
		add_contact(&ix, &s->contacts[i]);
	for (size_t i = 0; i < s->nglossary; i++)
		add_glossary(&ix, &s->glossary[i]);
	for (size_t i = 0; i < s->nbiblio; i++)
		add_biblio(&ix, &s->biblio[i]);

	/* Every spelling of the shipped text, stemmed once; the words of each text as tokens. */
	struct vocab vc = {0};
	vc.sb = new_stemmer();
	struct span *rspan = xcalloc(2 * ix.nrecs + 1, sizeof *rspan);
	struct span *sspan = xcalloc(2 * ix.nsecs + 1, sizeof *sspan);
	for (size_t i = 0; i < ix.nrecs; i++) {
		rspan[2 * i] = vocab_text(&vc, ix.recs[i].title);
		rspan[2 * i + 1] = vocab_text(&vc, ix.recs[i].summary);
	}
	for (size_t i = 0; i < ix.nsecs; i++) {
		sspan[2 * i] = vocab_text(&vc, ix.secs[i].heading);
		sspan[2 * i + 1] = vocab_text(&vc, section_text(&ix.secs[i]));
	}

	/* Folded words, one stem each; stems numbered in sorted order. */
	struct word *all = xcalloc(vc.n + 1, sizeof *all);
	size_t nall = 0;
	for (size_t i = 0; i < vc.cap; i++)
		if (vc.v[i].lower && vc.v[i].folded)
			all[nall++] = (struct word){vc.v[i].folded, vc.v[i].stem, vc.v[i].count, 0};
	qsort(all, nall, sizeof *all, compare_word_choice);
	size_t nwords = 0;
	for (size_t i = 0; i < nall; i++)
		if (!nwords || strcmp(all[nwords - 1].folded, all[i].folded) != 0)
			all[nwords++] = all[i];
	const char **stems = xcalloc(nwords + 1, sizeof *stems);
	for (size_t i = 0; i < nwords; i++)
		stems[i] = all[i].stem;
	qsort(stems, nwords, sizeof *stems, compare_stem);
	size_t nstems = 0;
	for (size_t i = 0; i < nwords; i++)
		if (!nstems || strcmp(stems[nstems - 1], stems[i]) != 0)
			stems[nstems++] = stems[i];
	/* Ids in order of first use along the sorted words: see put_words. */
	size_t *ids = xmalloc((nstems + 1) * sizeof *ids), next_id = 0;
	for (size_t i = 0; i < nstems; i++)
		ids[i] = (size_t)-1;
	for (size_t i = 0; i < nwords; i++) {
		const char **at = bsearch(&all[i].stem, stems, nstems, sizeof *stems, compare_stem);
		size_t k = (size_t)(at - stems);
		if (ids[k] == (size_t)-1)
			ids[k] = next_id++;
		all[i].stem_id = ids[k];
	}
	/* Each spelling's stem, as search.js finds it: through its folded form. */
	int32_t *stem_of = xmalloc((vc.n + 1) * sizeof *stem_of);
	for (size_t i = 0; i < vc.cap; i++) {
		const struct spelling *sp = &vc.v[i];
		if (!sp->lower)
			continue;
		size_t at = sp->folded ? find_word(all, nwords, sp->folded) : (size_t)-1;
		stem_of[sp->id] = at == (size_t)-1 ? -1 : (int32_t)all[at].stem_id;
	}
	struct postings post = {0};
	compute_postings(s, &ix, &vc, stem_of, next_id, rspan, sspan, &post);
	/* The texts as tokens served the postings only: let them go before the files are made. */
	free(rspan);
	free(sspan);
	free(vc.toks.v);
	vc.toks = (struct tokens){0};

	struct buf meta = BUF_INIT;
	buf_puts(&meta, "/* fiches : index de recherche, produit par « fiches build ». */\n"
		      PART_CALL "\"index\",{\"v\":2,\"kinds\":[");
	int nlabels = KIND_EXTRA + (int)s->nextra_kinds, weighted = 0;
	for (int k = 0; k < nlabels; k++) {
		const struct kind *desc = record_desc(s, k);
		buf_puts(&meta, k ? "," : "");
		put_json_string(&meta, desc->label);
		weighted |= desc->search_weight != 1;
	}
	if (weighted) {
		/* Already in the scores; written for whoever reads the index. */
		buf_puts(&meta, "],\"weights\":[");
		for (int k = 0; k < nlabels; k++)
			buf_printf(&meta, "%s%d", k ? "," : "", record_desc(s, k)->search_weight);
	}
	buf_printf(&meta, "],\n\"nsec\":%zu,\"nrec\":%zu,\"head\":%d,\"levels\":%d,\"range\":%g,\n\"words\":\"",
		   ix.nsecs, ix.nrecs, HEAD_POSTINGS, SCORE_LEVELS, SCORE_RANGE);
	put_words(&meta, all, nwords);
	buf_puts(&meta, "\",\n\"df\":\"");
	for (size_t k = 0; k < post.nstems; k++)
		put_varint(&meta, post.start[k + 1] - post.start[k]);
	buf_puts(&meta, "\",\n\"shards\":\"");
	size_t shard_bytes = put_shards(&post, &meta, out);
	buf_printf(&meta, "\",\n\"pbytes\":%zu,\"texts\":\"", shard_bytes);
	size_t text_bytes = put_texts(&ix, &meta, out);
	buf_printf(&meta, "\",\n\"tbytes\":%zu,", text_bytes);
	/*
	 * The sigles and synonyms first: their phrases' files are parts of the
	 * index, which the version covers.
	 */
	struct buf tail = BUF_INIT;
	struct phrases phr = {0};
	buf_puts(&tail, "\",\n\"syn\":[");
	/* Sigles of one word; spellings folding alike (MILDECA, MILDeCA) keep the first. */
	size_t nsyn = 0;
	struct buf f = BUF_INIT, seen = BUF_INIT;
	buf_putc(&seen, ' ');
	for (size_t i = 0; i < s->nglossary; i++) {
		const struct entry *e = &s->glossary[i];
		const char *expansion = field_str(e, "expansion");
		buf_reset(&f);
		search_fold(e->id, strlen(e->id), &f);
		int one_word = f.len >= 2;
		for (const char *p = e->id; *p && one_word; p++)
			one_word = (unsigned char)*p >= 0x80 || ascii_isalnum((unsigned char)*p);
		if (!expansion || !one_word || find_word(all, nwords, buf_cstr(&f)) == (size_t)-1)
			continue;
		char *key = xasprintf(" %s ", buf_cstr(&f));
		int dup = strstr(buf_cstr(&seen), key) != NULL;
		if (!dup)
			buf_puts(&seen, key + 1);
		free(key);
		if (dup)
			continue;
		char *t = typo_plain(expansion, strlen(expansion));
		buf_puts(&tail, nsyn++ ? ",\n[" : "\n[");
		put_json_string(&tail, buf_cstr(&f));
		buf_putc(&tail, ',');
		put_stems_of(&tail, all, nwords, t, &phr);
		buf_putc(&tail, ']');
		free(t);
	}
	buf_free(&f);
	buf_free(&seen);
	buf_puts(&tail, "],\n\"alias\":[");
	put_aliases(&tail, s->synonyms, vc.sb, stems, ids, nstems, &phr);
	buf_puts(&tail, "]});\n");
	struct buf fshards = BUF_INIT;
	put_phrase_files(&post, &phr, &fshards, out);
	phrases_free(&phr);

	/* The parts' version: search.js asks for them with it (?v=), so no cache mixes two builds. */
	/* Every part is made: their hash is the version. */
	buf_printf(&meta, "\"h\":\"%016llx", out->version);
	buf_puts(&meta, "\",\n\"num\":\"");
	size_t prev_sec = 0;
	for (size_t i = 0; i < post.numbered.n; i++) {
		size_t sec = 0;
		int number = 0;
		sscanf(post.numbered.v[i], "%zu,%d", &sec, &number);
		put_varint(&meta, sec - prev_sec);
		put_varint(&meta, (size_t)number);
		prev_sec = sec;
	}
	buf_puts(&meta, "\",\n\"stop\":\"");
	for (size_t i = 0; i < sizeof stop_words / sizeof *stop_words; i++)
		buf_printf(&meta, "%s%s", i ? " " : "", stop_words[i]);
	buf_puts(&meta, "\",\n\"fshards\":\"");
	buf_put(&meta, fshards.data, fshards.len);
	buf_free(&fshards);
	buf_put(&meta, tail.data, tail.len);
	buf_free(&tail);
	/* The index first: out_search.c precompresses it, and the tests count on it. */
	struct stage *stage = out->stage;
	out->stage = NULL;
	add_file(out, xstrdup(SEARCH_INDEX_PATH), &meta);
	out->stage = stage;
	struct search_file first = out->v[out->n - 1];
	memmove(out->v + base + 1, out->v + base, (out->n - 1 - base) * sizeof *out->v);
	out->v[base] = first;

	postings_free(&post);
	free(stem_of);
	free(ids);
	free(stems);
	free(all);
	for (size_t i = 0; i < vc.cap; i++) {
		free(vc.v[i].lower);
		free(vc.v[i].folded);
		free(vc.v[i].stem);
	}
	free(vc.v);
	buf_free(&vc.scratch);
	sb_stemmer_delete(vc.sb);
	for (size_t i = 0; i < ix.nrecs; i++) {
		free(ix.recs[i].title);
		free(ix.recs[i].href);
		free(ix.recs[i].summary);
	}
	for (size_t i = 0; i < ix.nsecs; i++) {
		free(ix.secs[i].heading);
		free(ix.secs[i].anchor);
		buf_free(&ix.secs[i].text);
	}
	free(ix.recs);
	free(ix.secs);
}
