/* site.json and sitemap.xml; see sitemap.h. */
#include "sitemap.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static json_t *ids_of_docs(const struct ptrs *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->n; i++) {
		const struct doc *d = p->v[i];
		char *ref = xasprintf("%s:%s", d->desc->name, d->slug);
		json_array_append_new(a, json_string_nocheck(ref));
		free(ref);
	}
	return a;
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
	const char *run = s;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_put(b, run, (size_t)(p - run));
		run = p + 1;
		switch (c) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\b': buf_puts(b, "\\b"); break;
		case '\f': buf_puts(b, "\\f"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		default: buf_printf(b, "\\u%04X", c); break;
		}
	}
	buf_puts(b, run);
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

static void put_jint_member(struct buf *b, int *count, const char *key, long long value)
{
	put_jkey(b, count, key);
	buf_printf(b, "%lld", value);
}

static void put_doc_ids(struct buf *b, int *count, const char *key, const struct ptrs *p)
{
	put_jkey(b, count, key);
	buf_putc(b, '[');
	for (size_t i = 0; i < p->n; i++) {
		const struct doc *d = p->v[i];
		buf_puts(b, i ? ",\"" : "\"");
		put_jstr_body(b, d->desc->name);
		buf_putc(b, ':');
		put_jstr_body(b, d->slug);
		buf_putc(b, '"');
	}
	buf_putc(b, ']');
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
static void put_doc(struct buf *b, const struct doc *d)
{
	int n = 0;
	put_doc_ids(b, &n, "actions", &d->actions);
	if (d->carrier)
		put_jstr_member(b, &n, "carrier", d->carrier->id);
	put_doc_ids(b, &n, "cited_by", &d->cited_by);
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
		buf_printf(b, ",\"level\":%d,\"text\":", h->level);
		put_jstr(b, h->text);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
	put_jstr_member(b, &n, "id", d->slug);
	put_doc_ids(b, &n, "includes", &d->includes);
	put_jstr_member(b, &n, "kind", d->desc->name);
	put_doc_ids(b, &n, "links_to", &d->links_to);
	if (d->logic)
		put_jstr_member(b, &n, "logic", d->logic->id);
	if (d->number)
		put_jint_member(b, &n, "number", d->number);
	put_jstr_member(b, &n, "part", d->part);
	put_taxon_ids(b, &n, "publics", &d->publics);
	if (d->fm_docs.n)
		put_doc_ids(b, &n, "refs", &d->fm_docs);
	if (d->since)
		put_jint_member(b, &n, "since", d->since);
	put_jstr_member(b, &n, "source", d->path);
	put_jstr_member(b, &n, "status", d->status);
	put_jstr_member(b, &n, "summary", d->summary);
	put_taxon_ids(b, &n, "territories", &d->territories);
	put_doc_ids(b, &n, "themes", &d->themes);
	put_jstr_member(b, &n, "title", d->title);
	put_jstr_member(b, &n, "url", d->out_path);
	buf_putc(b, '}');
}

static json_t *entries_json(const struct entry *v, size_t n, int with_actions)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_deep_copy(v[i].data);
		json_object_set_new(e, "url", json_string_nocheck(v[i].out_path));
		json_object_set_new(e, "cited_by", ids_of_docs(&v[i].cited_by));
		if (with_actions)
			json_object_set_new(e, "actions", ids_of_docs(&v[i].actions));
		json_array_append_new(a, e);
	}
	return a;
}

static json_t *taxa_json(const struct taxon *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_pack("{s:s, s:s, s:s}", "id", v[i].id, "label", v[i].label, "url",
				      v[i].out_path);
		if (v[i].colour)
			json_object_set_new(t, "colour", json_string_nocheck(v[i].colour));
		json_object_set_new(t, "documents", ids_of_docs(&v[i].docs));
		json_array_append_new(a, t);
	}
	return a;
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
		put_doc(m->out, s->docs[kind][i]);
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

static json_t *member_json(const struct site *s, enum member_value what)
{
	switch (what) {
	case M_BASE_URL: return s->base_url ? json_string_nocheck(s->base_url) : NULL;
	case M_BIBLIO: return entries_json(s->biblio, s->nbiblio, 0);
	case M_CONTACTS: return entries_json(s->contacts, s->ncontacts, 1);
	case M_GLOSSARY: return entries_json(s->glossary, s->nglossary, 0);
	case M_LANGUAGE: return json_string_nocheck(s->language);
	case M_LOGICS: return taxa_json(s->logics, s->nlogics);
	case M_PUBLICS: return taxa_json(s->publics, s->npublics);
	case M_SUBTITLE: return s->subtitle ? json_string_nocheck(s->subtitle) : NULL;
	case M_TERRITORIES: return taxa_json(s->territories, s->nterritories);
	case M_TITLE: return json_string_nocheck(s->title);
	case M_DOCS: break;
	}
	return NULL;
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
	struct members m = {out, 0};
	for (size_t i = 0; i < n; i++) {
		if (v[i].what == M_DOCS)
			put_docs(&m, v[i].key, s, (enum doc_kind)v[i].kind);
		else
			put_member(&m, v[i].key, member_json(s, v[i].what));
	}
	buf_puts(out, "}\n");
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
