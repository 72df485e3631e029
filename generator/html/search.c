/*
 * The search index; see search.h.
 *
 * Shape of assets/recherche-index.js (one line of JSON after the
 * assignment, keys in this order):
 *
 *   window.FICHES_RECHERCHE = {
 *     "v": 1,
 *     "kinds": ["Fiche-action", …],            type labels, by kind index
 *     "weights": [1, 1, 2, …],                 only when a kind weighs other than 1:
 *                                              its records' scores are multiplied by it
 *     "docs": [[kind, number, title, href, summary], …]   number 0 when none;
 *                                              href relative to the site root
 *     "sections": [[doc, heading, anchor, text], …]  section 0 of a record has
 *                                              heading and anchor ""; in text, "\n"
 *                                              ends a paragraph, list item or cell
 *     "words": " Aabandon Dord …",             folded vocabulary, sorted, front-coded,
 *                                              with the stem id of each word (put_words)
 *     "stop": "a au aux …",                    the stop words, for queries
 *     "syn": [["caarud", [stem ids]], …]       glossary sigle → stems of its expansion
 *     "alias": [["shit", [[stem ids], …]], …]  content/recherche.yaml: a folded word →
 *                                              its synonyms (a phrase: several stems)
 *   };
 *
 * Titles, headings and texts carry the French typography of the pages, so
 * snippets read like the site.
 */
#include "search.h"
#include "hash.h"
#include "markdown.h"
#include "offline.h"
#include "stage.h"
#include "synonyms.h"
#include "typo.h"
#include "utf8.h"
#include "xalloc.h"

#include <libstemmer.h>
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
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k == 0) {
			i++;
			continue;
		}
		if (cp < 0x80) {
			buf_putc(out, (char)ascii_tolower((int)cp));
		} else {
			char enc[4];
			uint32_t l = cp >= 0xC0 && cp < 0x180 ? lower_tab[cp - 0xC0] : cp;
			buf_put(out, enc, utf8_encode(l, enc));
		}
		i += k;
	}
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
};

struct section {
	size_t record;
	char *heading, *anchor;
	const char *shared;     /* a document's section: its text, owned by the document */
	struct buf text;        /* otherwise (contacts, glossary, bibliography): built here */
};

static const char *section_text(const struct section *sec)
{
	return sec->shared ? sec->shared : buf_cstr(&sec->text);
}

struct index {
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
					      summary && *summary ? typo(summary) : NULL};
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

/* Whether the text ends with a separator (a space, or the end of a block). */
static int ends_apart(const struct buf *b)
{
	return !b->len || b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\n';
}

/* Appends s with every run of white space made one space (none at the start). */
static void put_text(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (ascii_isspace((unsigned char)c)) {
			if (!ends_apart(b))
				buf_putc(b, ' ');
		} else {
			buf_putc(b, c);
		}
	}
}

static void put_separator(struct buf *b)
{
	if (!ends_apart(b))
		buf_putc(b, ' ');
}

static void trim(struct buf *b)
{
	while (b->len && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\n'))
		b->data[--b->len] = '\0';
}

/*
 * The end of a paragraph, list item or table cell: a newline, so that
 * search.js can show « item · item » in snippets instead of gluing a list
 * into one sentence.
 */
static void put_block_end(struct buf *b)
{
	trim(b);
	if (b->len)
		buf_putc(b, '\n');
}

static int is_block(cmark_node_type t)
{
	return (t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK;
}

/* Adds the trimmed text to out, at its own size: it stays for the whole build. */
static void keep_text(struct buf *text, struct ptrs *out)
{
	trim(text);
	size_t len = text->len;
	ptrs_add(out, xrealloc(buf_detach(text), len + 1));
}

void search_doc_texts(cmark_node *root, struct ptrs *out)
{
	struct buf text = BUF_INIT;
	int in_heading = 0;
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(node);
		if (type == CMARK_NODE_HEADING) {
			if (ev == CMARK_EVENT_ENTER) {
				keep_text(&text, out);
				in_heading = 1;
			} else {
				in_heading = 0;
			}
			continue;
		}
		if (in_heading)
			continue;
		if (ev == CMARK_EVENT_EXIT) {
			if (is_block(type))
				put_block_end(&text);
			continue;
		}
		switch (type) {
		case CMARK_NODE_TEXT: {
			const char *lit = cmark_node_get_literal(node);
			char *t = typo_plain(lit, strlen(lit));
			put_text(&text, t, strlen(t));
			free(t);
			break;
		}
		case CMARK_NODE_CODE:
		case CMARK_NODE_CODE_BLOCK: {
			const char *lit = cmark_node_get_literal(node);
			put_text(&text, lit, strlen(lit));
			put_separator(&text);
			break;
		}
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			put_separator(&text);
			break;
		default:
			if (is_block(type))
				put_block_end(&text);
			break;
		}
	}
	cmark_iter_free(it);
	keep_text(&text, out);
}

/* A document's record and its sections, at its headings, in the order html.c numbers them. */
static void add_doc(struct index *ix, const struct doc *d)
{
	int number = d->desc->list == LIST_NUMBERED ? d->number : 0;
	size_t rec = add_record(ix, record_kind(d->kind), number, d->title, d->out_path, d->summary);
	for (size_t i = 0; i < d->search_texts.n; i++) {
		const struct heading *h = i && i - 1 < d->nheadings ? &d->headings[i - 1] : NULL;
		struct section *sec = i ? add_section(ix, rec, h ? h->text : "", h ? h->anchor : NULL) :
					  add_section(ix, rec, NULL, NULL);
		sec->shared = d->search_texts.v[i];
	}
	if (!d->search_texts.n)
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
	put_separator(b);
	put_text(b, t, strlen(t));
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
			put_separator(&sec->text);
			put_text(&sec->text, v, strlen(v));
		}
	}
	trim(&sec->text);
}

static void add_glossary(struct index *ix, const struct entry *e)
{
	char *href = xasprintf("%s#%s", e->out_path, e->anchor);
	size_t rec = add_record(ix, KIND_GLOSSARY, 0, e->id, href, field_str(e, "expansion"));
	free(href);
	struct section *sec = add_section(ix, rec, NULL, NULL);
	put_markdown(&sec->text, field_str(e, "definition"));
	trim(&sec->text);
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
	trim(&sec->text);
}

/* ---- Vocabulary ---------------------------------------------------------- */

/* One distinct lower-case spelling met in the text. */
struct spelling {
	char *lower;            /* key */
	unsigned long long hash;
	char *folded;           /* NULL: stop word or too short, not indexed */
	char *stem;
	unsigned long count;
};

struct vocab {
	struct spelling *v;     /* open addressing, cap a power of two */
	size_t n, cap;
	struct sb_stemmer *sb;
	struct buf scratch;
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

/* Counts one word of the text (w[0..n) made of word characters). */
static void vocab_add(struct vocab *vc, const char *w, size_t n)
{
	buf_reset(&vc->scratch);
	lower(w, n, &vc->scratch);
	const char *key = buf_cstr(&vc->scratch);
	size_t klen = vc->scratch.len;
	if (klen > 64)
		return; /* not a word a reader types: a URL piece, a hash */
	if ((vc->n + 1) * 2 > vc->cap)
		vocab_grow(vc);
	unsigned long long h = hash_bytes(key, klen);
	size_t j = h & (vc->cap - 1);
	while (vc->v[j].lower) {
		if (vc->v[j].hash == h && strcmp(vc->v[j].lower, key) == 0) {
			vc->v[j].count++;
			return;
		}
		j = (j + 1) & (vc->cap - 1);
	}
	struct spelling *sp = &vc->v[j];
	sp->lower = xstrdup(key);
	sp->hash = h;
	sp->count = 1;
	vc->n++;
	struct buf f = BUF_INIT;
	search_fold(key, klen, &f);
	if (f.len >= 2 && !search_is_stop_word(buf_cstr(&f))) {
		sp->folded = buf_detach(&f);
		sp->stem = stem_with(vc->sb, key, klen);
	}
	buf_free(&f);
}

static void vocab_text(struct vocab *vc, const char *s)
{
	if (!s)
		return;
	size_t n = strlen(s), i = 0, start = 0;
	int in_word = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k == 0)
			k = 1, cp = 0xFFFD;
		int w = search_is_word_char(cp);
		if (w && !in_word)
			start = i;
		else if (!w && in_word)
			vocab_add(vc, s + start, i - start);
		in_word = w;
		i += k;
	}
	if (in_word)
		vocab_add(vc, s + start, n - start);
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

static void put_json_string(struct buf *out, const char *s)
{
	buf_putc(out, '"');
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '"': buf_puts(out, "\\\""); break;
		case '\\': buf_puts(out, "\\\\"); break;
		case '\n': buf_puts(out, "\\n"); break;
		case '\t': buf_puts(out, "\\t"); break;
		case '<': buf_puts(out, "\\u003c"); break; /* never "</script" in a script */
		default:
			if (*p < 0x20)
				buf_printf(out, "\\u%04x", *p);
			else if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
				/* U+2028/2029 end a line in older JavaScript string literals. */
				buf_puts(out, p[2] == 0xA8 ? "\\u2028" : "\\u2029");
				p += 2;
			} else
				buf_putc(out, (char)*p);
		}
	}
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

/* Stem ids of the indexed words of text, appended as a JSON array. */
static void put_stems_of(struct buf *out, const struct word *words, size_t nwords, const char *text)
{
	buf_putc(out, '[');
	size_t n = strlen(text), i = 0, start = 0, count = 0;
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
			if (at != (size_t)-1)
				buf_printf(out, "%s%zu", count++ ? "," : "", words[at].stem_id);
		}
		in_word = w;
		i += k;
	}
	buf_free(&f);
	buf_putc(out, ']');
}

/*
 * Appends the stem ids of phrase's words to out as a JSON array; returns 0
 * (out unchanged) when one of its words is nowhere in the site: a synonym
 * that cannot be found would only hide the others.
 */
static int put_phrase(struct buf *out, const char *phrase, struct sb_stemmer *sb,
		      const char **stems, const size_t *ids, size_t nstems)
{
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
				if (at)
					buf_printf(&arr, "%s%zu", count++ ? "," : "", ids[at - stems]);
				else
					ok = 0;
			}
		}
		in_word = w;
		i += k;
	}
	buf_putc(&arr, ']');
	ok = ok && count;
	if (ok)
		buf_put(out, arr.data, arr.len);
	buf_free(&arr);
	buf_free(&f);
	return ok;
}

/* The synonyms of content/recherche.yaml whose words the site holds (see the shape above). */
static void put_aliases(struct buf *out, const struct synonyms *syn, struct sb_stemmer *sb,
			const char **stems, const size_t *ids, size_t nstems)
{
	size_t nout = 0;
	struct buf f = BUF_INIT, phrases = BUF_INIT;
	for (size_t i = 0; syn && i < syn->n; i++) {
		buf_reset(&f);
		search_fold(syn->v[i].word, strlen(syn->v[i].word), &f);
		buf_reset(&phrases);
		size_t np = 0;
		for (size_t k = 0; k < syn->v[i].targets.n; k++) {
			size_t mark = phrases.len;
			if (np)
				buf_putc(&phrases, ',');
			if (put_phrase(&phrases, syn->v[i].targets.v[k], sb, stems, ids, nstems))
				np++;
			else
				phrases.len = mark;
		}
		if (!np || f.len < 2)
			continue;
		buf_puts(out, nout++ ? ",\n[" : "\n[");
		put_json_string(out, buf_cstr(&f));
		buf_puts(out, ",[");
		buf_put(out, phrases.data, phrases.len);
		buf_puts(out, "]]");
	}
	buf_free(&f);
	buf_free(&phrases);
}

void search_index_js(const struct site *s, struct buf *out)
{
	struct index ix = {0};
	for (size_t k = 0; k < site_nkinds(s); k++)
		for (size_t i = 0; i < s->ndocs[k] && site_kind(s, (int)k)->search_weight; i++)
			add_doc(&ix, s->docs[k][i]);
	for (size_t i = 0; i < s->ncontacts; i++)
		add_contact(&ix, &s->contacts[i]);
	for (size_t i = 0; i < s->nglossary; i++)
		add_glossary(&ix, &s->glossary[i]);
	for (size_t i = 0; i < s->nbiblio; i++)
		add_biblio(&ix, &s->biblio[i]);

	/* Every spelling of the shipped text, stemmed once. */
	struct vocab vc = {0};
	vc.sb = new_stemmer();
	for (size_t i = 0; i < ix.nrecs; i++) {
		vocab_text(&vc, ix.recs[i].title);
		vocab_text(&vc, ix.recs[i].summary);
	}
	for (size_t i = 0; i < ix.nsecs; i++) {
		vocab_text(&vc, ix.secs[i].heading);
		vocab_text(&vc, section_text(&ix.secs[i]));
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

	buf_puts(out, "/* fiches : index de recherche, produit par « fiches build ». */\n"
		      "window.FICHES_RECHERCHE = {\"v\":1,\"kinds\":[");
	int nlabels = KIND_EXTRA + (int)s->nextra_kinds, weighted = 0;
	for (int k = 0; k < nlabels; k++) {
		const struct kind *desc = record_desc(s, k);
		buf_puts(out, k ? "," : "");
		put_json_string(out, desc->label);
		weighted |= desc->search_weight != 1;
	}
	if (weighted) {
		buf_puts(out, "],\"weights\":[");
		for (int k = 0; k < nlabels; k++)
			buf_printf(out, "%s%d", k ? "," : "", record_desc(s, k)->search_weight);
	}
	buf_puts(out, "],\n\"docs\":[");
	for (size_t i = 0; i < ix.nrecs; i++) {
		const struct record *r = &ix.recs[i];
		buf_printf(out, "%s\n[%d,%d,", i ? "," : "", r->kind, r->number);
		put_json_string(out, r->title);
		buf_putc(out, ',');
		put_json_string(out, r->href);
		buf_putc(out, ',');
		put_json_string(out, r->summary);
		buf_putc(out, ']');
	}
	buf_puts(out, "],\n\"sections\":[");
	for (size_t i = 0; i < ix.nsecs; i++) {
		const struct section *sec = &ix.secs[i];
		buf_printf(out, "%s\n[%zu,", i ? "," : "", sec->record);
		put_json_string(out, sec->heading);
		buf_putc(out, ',');
		put_json_string(out, sec->anchor);
		buf_putc(out, ',');
		put_json_string(out, section_text(sec));
		buf_putc(out, ']');
	}
	buf_puts(out, "],\n\"words\":\"");
	put_words(out, all, nwords);
	buf_puts(out, "\",\n\"stop\":\"");
	for (size_t i = 0; i < sizeof stop_words / sizeof *stop_words; i++)
		buf_printf(out, "%s%s", i ? " " : "", stop_words[i]);
	buf_puts(out, "\",\n\"syn\":[");
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
		buf_puts(out, nsyn++ ? ",\n[" : "\n[");
		put_json_string(out, buf_cstr(&f));
		buf_putc(out, ',');
		put_stems_of(out, all, nwords, t);
		buf_putc(out, ']');
		free(t);
	}
	buf_free(&f);
	buf_free(&seen);
	buf_puts(out, "],\n\"alias\":[");
	put_aliases(out, s->synonyms, vc.sb, stems, ids, nstems);
	buf_puts(out, "]};\n");

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

void search_add_files(struct stage *st, const struct site *s, const struct page_plan *plan,
		      const struct template_files *tf, const struct build_options *o)
{
	struct buf index = BUF_INIT;
	search_index_js(s, &index);
	offline_add_files(st, s, plan, tf, index.data, index.len, !o->no_pdf, !o->serve);
	size_t len = index.len;
	stage_add(st, SEARCH_INDEX_PATH, buf_detach(&index), len);
}
