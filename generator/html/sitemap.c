/* site.json and sitemap.xml; see sitemap.h. */
#include "sitemap.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#ifdef __SSE2__
/* Bit i set when v's byte i is one that JSON escapes: c <= 0x1f (unsigned), '"' or '\\'. */
static inline unsigned jspecial_bits(__m128i v)
{
	const __m128i ctl = _mm_set1_epi8(0x1f), quot = _mm_set1_epi8('"'),
		      bs = _mm_set1_epi8('\\');
	__m128i hit = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v),
				   _mm_or_si128(_mm_cmpeq_epi8(v, quot), _mm_cmpeq_epi8(v, bs)));
	return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/*
 * The first byte of p[0..end) that JSON escapes (control, '"', '\\'), or
 * end; the string began at start (start <= p), so the bytes before p may be
 * read again, never those outside it. The last bytes are looked at sixteen
 * or eight at once too: a byte at a time, the tails of the ids, slugs and
 * headings were a fifth of site.json's instructions (callgrind, c1000).
 */
static const char *next_jspecial(const char *start, const char *p, const char *end)
{
#ifdef __SSE2__
	/* Sixteen bytes at a time (every x86-64 has SSE2). */
	for (; end - p >= 16; p += 16) {
		unsigned mask = jspecial_bits(_mm_loadu_si128((const __m128i *)(const void *)p));
		if (mask)
			return p + __builtin_ctz(mask);
	}
	if (p == end)
		return end;
	if (end - start >= 16) {
		/* The tail: the string's last sixteen bytes, those before p left out. */
		const char *q = end - 16;
		unsigned mask = jspecial_bits(_mm_loadu_si128((const __m128i *)(const void *)q)) >>
				(unsigned)(p - q);
		return mask ? p + __builtin_ctz(mask) : end;
	}
	if (end - p >= 8) {
		/* 8 to 15 bytes: the first eight and the last eight, at once. */
		__m128i v = _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)(const void *)p),
					       _mm_loadl_epi64((const __m128i *)(const void *)(end - 8)));
		unsigned mask = jspecial_bits(v);
		if (mask & 0xff)
			return p + __builtin_ctz(mask);
		return mask ? end - 8 + (__builtin_ctz(mask) - 8) : end;
	}
#else
	(void)start;
#endif
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == '"' || c == '\\')
			break;
	}
	return p;
}

/*
 * A string as jansson's json_dumps writes it (without JSON_ENSURE_ASCII):
 * \\ \" \b \f \n \r \t, other control characters as \u00XX in capitals, the
 * rest as it is. The documents are written here directly, without
 * jansson objects (a quarter of the cost of site.json was building,
 * sorting and freeing them), in the same bytes.
 */
static void put_jstr_body(struct buf *b, const char *s)
{
	const char *p = s, *end = s + strlen(s);
	for (;;) {
		const char *run = p;
		p = next_jspecial(s, p, end);
		if (p > run)
			buf_put(b, run, (size_t)(p - run));
		if (p == end)
			return;
		unsigned char c = (unsigned char)*p++;
		switch (c) {
		case '"': buf_put(b, "\\\"", 2); break;
		case '\\': buf_put(b, "\\\\", 2); break;
		case '\b': buf_put(b, "\\b", 2); break;
		case '\f': buf_put(b, "\\f", 2); break;
		case '\n': buf_put(b, "\\n", 2); break;
		case '\r': buf_put(b, "\\r", 2); break;
		case '\t': buf_put(b, "\\t", 2); break;
		default: buf_printf(b, "\\u%04X", c); break;
		}
	}
}

static void put_jstr(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	put_jstr_body(b, s);
	buf_putc(b, '"');
}

/* "key": of an object whose first member is at *count == 0. */
static void put_jkey(struct buf *b, int *count, const char *key)
{
	buf_puts(b, (*count)++ ? ",\"" : "{\"");
	buf_puts(b, key);
	buf_puts(b, "\":");
}

/* A string member; none when value is NULL (as jansson leaves out a NULL value). */
static void put_jstr_member(struct buf *b, int *count, const char *key, const char *value)
{
	if (!value)
		return;
	put_jkey(b, count, key);
	put_jstr(b, value);
}

/* value in decimal, as "%lld" writes it (buf_printf cost a tenth of site.json). */
static void put_jint(struct buf *b, long long value)
{
	char digits[24], *end = digits + sizeof digits, *p = end;
	unsigned long long u = value < 0 ? 0ULL - (unsigned long long)value : (unsigned long long)value;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (value < 0)
		*--p = '-';
	buf_put(b, p, (size_t)(end - p));
}

static void put_jint_member(struct buf *b, int *count, const char *key, long long value)
{
	put_jkey(b, count, key);
	put_jint(b, value);
}

/*
 * Each document's reference as site.json writes it, "kind:slug" with its
 * quotes: made once, copied wherever a list names the document (tens of
 * thousands of times, where escaping both strings each time was half of
 * site.json's cost).
 */
struct doc_ref {
	const struct doc *doc;  /* NULL: an empty place */
	size_t at, len;         /* its reference is text[at..at + len) */
};

/*
 * Found by the document's address, in a table of some hundred kilobytes
 * that stays in the cache: a list names documents all over the model, and
 * reading each one's kind and place (its struct, cold) was a third of the
 * lists' cost at 10 000 fiches.
 */
struct doc_refs {
	struct buf text;
	struct doc_ref *tab;    /* open addressing, linear probing; owned */
	size_t cap;             /* a power of two, more than twice the documents */
};

static size_t doc_ref_hash(const struct doc *d)
{
	uint64_t h = (uint64_t)(uintptr_t)d * 0x9e3779b97f4a7c15u;
	return (size_t)(h ^ (h >> 29));
}

static struct doc_ref *doc_ref_place(const struct doc_refs *r, const struct doc *d)
{
	size_t mask = r->cap - 1;
	for (size_t i = doc_ref_hash(d) & mask;; i = (i + 1) & mask)
		if (!r->tab[i].doc || r->tab[i].doc == d)
			return &r->tab[i];
}

static void put_doc_ref_now(struct buf *b, const struct doc *d)
{
	buf_putc(b, '"');
	put_jstr_body(b, d->desc->name);
	buf_putc(b, ':');
	put_jstr_body(b, d->slug);
	buf_putc(b, '"');
}

static void doc_refs_make(struct doc_refs *r, const struct site *s)
{
	size_t n = 0;
	for (size_t k = 0; k < DOC_KINDS; k++)
		n += s->ndocs[k];
	*r = (struct doc_refs){.text = BUF_INIT, .cap = 16};
	while (r->cap <= 2 * n)
		r->cap *= 2;
	r->tab = xcalloc(r->cap, sizeof *r->tab);
	for (size_t k = 0; k < DOC_KINDS; k++)
		for (size_t i = 0; i < s->ndocs[k]; i++) {
			const struct doc *d = s->docs[k][i];
			struct doc_ref *place = doc_ref_place(r, d);
			if (place->doc)
				continue;
			size_t at = r->text.len;
			put_doc_ref_now(&r->text, d);
			*place = (struct doc_ref){d, at, r->text.len - at};
		}
}

static void doc_refs_free(struct doc_refs *r)
{
	free(r->tab);
	buf_free(&r->text);
}

static void put_doc_ref(struct buf *b, const struct doc_refs *r, const struct doc *d)
{
	const struct doc_ref *ref = doc_ref_place(r, d);
	if (ref->doc)
		buf_put(b, r->text.data + ref->at, ref->len);
	else
		put_doc_ref_now(b, d);
}

/* ["kind:slug",…]: the documents of p by reference. */
static void put_doc_list(struct buf *b, const struct doc_refs *r, const struct ptrs *p)
{
	buf_putc(b, '[');
	for (size_t i = 0; i < p->n; i++) {
		const struct doc *d = p->v[i];
		if (i)
			buf_putc(b, ',');
		put_doc_ref(b, r, d);
	}
	buf_putc(b, ']');
}

static void put_doc_ids(struct buf *b, const struct doc_refs *r, int *count, const char *key,
			const struct ptrs *p)
{
	put_jkey(b, count, key);
	put_doc_list(b, r, p);
}

static void put_taxon_ids(struct buf *b, int *count, const char *key, const struct ptrs *p)
{
	put_jkey(b, count, key);
	buf_putc(b, '[');
	for (size_t i = 0; i < p->n; i++) {
		if (i)
			buf_putc(b, ',');
		put_jstr(b, ((const struct taxon *)p->v[i])->id);
	}
	buf_putc(b, ']');
}

static void put_entry_ids(struct buf *b, int *count, const char *key, const struct ptrs *p)
{
	put_jkey(b, count, key);
	buf_putc(b, '[');
	for (size_t i = 0; i < p->n; i++) {
		if (i)
			buf_putc(b, ',');
		put_jstr(b, ((const struct entry *)p->v[i])->id);
	}
	buf_putc(b, ']');
}

/* A document's record, its members in the order of JSON_SORT_KEYS (strcmp). */
static void put_doc(struct buf *b, const struct doc_refs *r, const struct doc *d)
{
	int n = 0;
	put_doc_ids(b, r, &n, "actions", &d->actions);
	if (d->carrier)
		put_jstr_member(b, &n, "carrier", d->carrier->id);
	put_doc_ids(b, r, &n, "cited_by", &d->cited_by);
	put_entry_ids(b, &n, "contacts", &d->contacts);
	if (d->kind >= DOC_BUILTIN && d->meta) {
		put_jkey(b, &n, "fields");
		char *text = json_dumps(d->meta, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		buf_puts(b, text ? text : "null");
		free(text);
	}
	put_entry_ids(b, &n, "glossary", &d->glossary_used);
	put_jkey(b, &n, "headings");
	buf_putc(b, '[');
	for (size_t i = 0, k = 0; i < d->nheadings; i++) {
		const struct heading *h = &d->headings[i];
		if (!h->text || !h->anchor)
			continue;       /* json_pack gave NULL: nothing appended */
		buf_puts(b, k++ ? ",{\"anchor\":" : "{\"anchor\":");
		put_jstr(b, h->anchor);
		buf_puts(b, ",\"level\":");
		put_jint(b, h->level);
		buf_puts(b, ",\"text\":");
		put_jstr(b, h->text);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
	put_jstr_member(b, &n, "id", d->slug);
	put_doc_ids(b, r, &n, "includes", &d->includes);
	put_jstr_member(b, &n, "kind", d->desc->name);
	put_doc_ids(b, r, &n, "links_to", &d->links_to);
	if (d->logic)
		put_jstr_member(b, &n, "logic", d->logic->id);
	if (d->number)
		put_jint_member(b, &n, "number", d->number);
	put_jstr_member(b, &n, "part", d->part);
	put_taxon_ids(b, &n, "publics", &d->publics);
	if (d->fm_docs.n)
		put_doc_ids(b, r, &n, "refs", &d->fm_docs);
	if (d->since)
		put_jint_member(b, &n, "since", d->since);
	put_jstr_member(b, &n, "source", d->path);
	put_jstr_member(b, &n, "status", d->status);
	put_jstr_member(b, &n, "summary", d->summary);
	put_taxon_ids(b, &n, "territories", &d->territories);
	put_doc_ids(b, r, &n, "themes", &d->themes);
	put_jstr_member(b, &n, "title", d->title);
	put_jstr_member(b, &n, "url", d->out_path);
	buf_putc(b, '}');
}

/* value as json_dumps writes it, compact, keys sorted. */
static void put_jvalue(struct buf *b, const json_t *value)
{
	const char *str = json_string_value(value);
	if (str && strlen(str) == json_string_length(value)) {
		put_jstr(b, str);
		return;
	}
	char *text = json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	buf_puts(b, text ? text : "null");
	free(text);
}

/* A member of an entry's record: a key of its YAML mapping, or one added here. */
struct entry_member {
	const char *key;
	const json_t *value;    /* NULL for the added ones */
};

static int compare_entry_members(const void *a, const void *b)
{
	return strcmp(((const struct entry_member *)a)->key, ((const struct entry_member *)b)->key);
}

/*
 * An entry's record: its YAML mapping with url, cited_by (and actions for
 * contacts) set over it, keys sorted, as dumping a copy of the mapping with
 * those members set would write it (the copies were a third of site.json's
 * cost). Not for an entry without data, which that copy left out.
 */
static void put_entry(struct buf *b, const struct doc_refs *r, const struct entry *e,
		      int with_actions)
{
	if (!json_is_object(e->data)) {
		put_jvalue(b, e->data);
		return;
	}
	struct entry_member *v = xmalloc((json_object_size(e->data) + 3) * sizeof *v);
	size_t n = 0;
	const char *key;
	json_t *value;
	json_object_foreach(e->data, key, value) {
		if ((e->out_path && !strcmp(key, "url")) || !strcmp(key, "cited_by") ||
		    (with_actions && !strcmp(key, "actions")))
			continue;
		v[n++] = (struct entry_member){key, value};
	}
	if (e->out_path)
		v[n++] = (struct entry_member){"url", NULL};
	v[n++] = (struct entry_member){"cited_by", NULL};
	if (with_actions)
		v[n++] = (struct entry_member){"actions", NULL};
	qsort(v, n, sizeof *v, compare_entry_members);
	buf_putc(b, '{');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ',');
		put_jstr(b, v[i].key);
		buf_putc(b, ':');
		if (v[i].value)
			put_jvalue(b, v[i].value);
		else if (!strcmp(v[i].key, "url"))
			put_jstr(b, e->out_path);
		else
			put_doc_list(b, r, !strcmp(v[i].key, "cited_by") ? &e->cited_by : &e->actions);
	}
	buf_putc(b, '}');
	free(v);
}

static void put_entries(struct buf *b, const struct doc_refs *r, const struct entry *v, size_t n,
			int with_actions)
{
	buf_putc(b, '[');
	/* Only appends (site.json is written as it is made: stage_stream). */
	for (size_t i = 0, k = 0; i < n; i++) {
		if (!v[i].data)
			continue;
		if (k++)
			buf_putc(b, ',');
		put_entry(b, r, &v[i], with_actions);
	}
	buf_putc(b, ']');
}

/* Logics, publics or territories: {colour, documents, id, label, url}, as json_pack made them. */
static void put_taxa(struct buf *b, const struct doc_refs *r, const struct taxon *v, size_t n)
{
	buf_putc(b, '[');
	for (size_t i = 0, k = 0; i < n; i++) {
		if (!v[i].id || !v[i].label || !v[i].out_path)
			continue;       /* json_pack gave NULL: nothing appended */
		buf_puts(b, k++ ? ",{" : "{");
		if (v[i].colour) {
			buf_puts(b, "\"colour\":");
			put_jstr(b, v[i].colour);
			buf_putc(b, ',');
		}
		buf_puts(b, "\"documents\":");
		put_doc_list(b, r, &v[i].docs);
		buf_puts(b, ",\"id\":");
		put_jstr(b, v[i].id);
		buf_puts(b, ",\"label\":");
		put_jstr(b, v[i].label);
		buf_puts(b, ",\"url\":");
		put_jstr(b, v[i].out_path);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
}

/* Appends value as compact JSON with sorted keys, then frees it. */
static void put_json(struct buf *out, json_t *value)
{
	char *text = json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	buf_puts(out, text);
	free(text);
	json_decref(value);
}

/* An object being written member by member. */
struct members {
	struct buf *out;
	int count;
	const struct doc_refs *refs;
};

static void put_key(struct members *m, const char *key)
{
	buf_puts(m->out, m->count++ ? ",\"" : "{\"");
	buf_puts(m->out, key);
	buf_puts(m->out, "\":");
}

/* "key": value, then frees value; nothing when value is NULL. */
static void put_member(struct members *m, const char *key, json_t *value)
{
	if (!value)
		return;
	put_key(m, key);
	put_json(m->out, value);
}

static void put_docs(struct members *m, const char *key, const struct site *s, enum doc_kind kind)
{
	put_key(m, key);
	buf_putc(m->out, '[');
	for (size_t i = 0; i < s->ndocs[kind]; i++) {
		if (i)
			buf_putc(m->out, ',');
		put_doc(m->out, m->refs, s->docs[kind][i]);
	}
	buf_putc(m->out, ']');
}

enum member_value { M_DOCS, M_BASE_URL, M_BIBLIO, M_CONTACTS, M_GLOSSARY, M_LANGUAGE, M_LOGICS,
	      M_PUBLICS, M_SUBTITLE, M_TERRITORIES, M_TITLE };

struct site_member {
	const char *key;
	enum member_value what;
	int kind;       /* M_DOCS: the kind, listed under its content directory's name */
};

static int compare_members(const void *a, const void *b)
{
	return strcmp(((const struct site_member *)a)->key, ((const struct site_member *)b)->key);
}

/* A member of the site's object other than the documents. */
static void put_site_member(struct members *m, const char *key, const struct site *s,
			    enum member_value what)
{
	switch (what) {
	case M_BASE_URL: put_member(m, key, s->base_url ? json_string_nocheck(s->base_url) : NULL); break;
	case M_LANGUAGE: put_member(m, key, json_string_nocheck(s->language)); break;
	case M_SUBTITLE: put_member(m, key, s->subtitle ? json_string_nocheck(s->subtitle) : NULL); break;
	case M_TITLE: put_member(m, key, json_string_nocheck(s->title)); break;
	case M_BIBLIO: put_key(m, key); put_entries(m->out, m->refs, s->biblio, s->nbiblio, 0); break;
	case M_CONTACTS: put_key(m, key); put_entries(m->out, m->refs, s->contacts, s->ncontacts, 1); break;
	case M_GLOSSARY: put_key(m, key); put_entries(m->out, m->refs, s->glossary, s->nglossary, 0); break;
	case M_LOGICS: put_key(m, key); put_taxa(m->out, m->refs, s->logics, s->nlogics); break;
	case M_PUBLICS: put_key(m, key); put_taxa(m->out, m->refs, s->publics, s->npublics); break;
	case M_TERRITORIES: put_key(m, key); put_taxa(m->out, m->refs, s->territories, s->nterritories); break;
	case M_DOCS: break;
	}
}

/*
 * The same bytes as dumping one object holding everything with sorted keys
 * (the members are sorted here), but written a document at a time: the
 * whole site as jansson objects weighed several times the file.
 */
void sitemap_site_json(const struct site *s, struct buf *out)
{
	struct site_member v[DOC_KINDS + 10] = {
		{"base_url", M_BASE_URL, 0}, {"bibliography", M_BIBLIO, 0},
		{"contacts", M_CONTACTS, 0}, {"glossary", M_GLOSSARY, 0},
		{"language", M_LANGUAGE, 0}, {"logics", M_LOGICS, 0}, {"publics", M_PUBLICS, 0},
		{"subtitle", M_SUBTITLE, 0}, {"territories", M_TERRITORIES, 0},
		{"title", M_TITLE, 0},
	};
	size_t n = 10;
	for (size_t k = 0; k < site_nkinds(s); k++)
		v[n++] = (struct site_member){site_kind(s, (int)k)->content_dir, M_DOCS, (int)k};
	qsort(v, n, sizeof *v, compare_members);
	struct doc_refs refs;
	doc_refs_make(&refs, s);
	struct members m = {out, 0, &refs};
	for (size_t i = 0; i < n; i++) {
		if (v[i].what == M_DOCS)
			put_docs(&m, v[i].key, s, (enum doc_kind)v[i].kind);
		else
			put_site_member(&m, v[i].key, s, v[i].what);
	}
	buf_puts(out, "}\n");
	doc_refs_free(&refs);
}

static void put_xml(struct buf *out, const char *s)
{
	buf_put_html(out, s, strlen(s));
}

void sitemap_xml(const struct site *s, const struct page_plan *plan, struct buf *out)
{
	if (!s->base_url)
		return;
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (size_t i = 0; i < plan->n; i++) {
		const char *p = plan->pages[i].path;
		if (plan->pages[i].kind == PAGE_NOT_FOUND)
			continue;
		buf_puts(out, "<url><loc>");
		put_xml(out, s->base_url);
		if (strcmp(p, "index.html") != 0)
			put_xml(out, p);
		buf_puts(out, "</loc></url>\n");
	}
	buf_puts(out, "</urlset>\n");
}
