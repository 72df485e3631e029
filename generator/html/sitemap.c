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

static json_t *ids_of_taxa(const struct ptrs *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->n; i++)
		json_array_append_new(a, json_string_nocheck(((const struct taxon *)p->v[i])->id));
	return a;
}

static json_t *ids_of_entries(const struct ptrs *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->n; i++)
		json_array_append_new(a, json_string_nocheck(((const struct entry *)p->v[i])->id));
	return a;
}

static json_t *doc_json(const struct doc *d)
{
	json_t *v = json_object();
	json_object_set_new(v, "id", json_string_nocheck(d->slug));
	json_object_set_new(v, "kind", json_string_nocheck(d->desc->name));
	if (d->number)
		json_object_set_new(v, "number", json_integer(d->number));
	json_object_set_new(v, "title", json_string_nocheck(d->title));
	if (d->summary)
		json_object_set_new(v, "summary", json_string_nocheck(d->summary));
	json_object_set_new(v, "url", json_string_nocheck(d->out_path));
	json_object_set_new(v, "source", json_string_nocheck(d->path));
	if (d->logic)
		json_object_set_new(v, "logic", json_string_nocheck(d->logic->id));
	if (d->status)
		json_object_set_new(v, "status", json_string_nocheck(d->status));
	if (d->since)
		json_object_set_new(v, "since", json_integer(d->since));
	if (d->part)
		json_object_set_new(v, "part", json_string_nocheck(d->part));
	if (d->carrier)
		json_object_set_new(v, "carrier", json_string_nocheck(d->carrier->id));
	json_object_set_new(v, "publics", ids_of_taxa(&d->publics));
	json_object_set_new(v, "territories", ids_of_taxa(&d->territories));
	json_object_set_new(v, "contacts", ids_of_entries(&d->contacts));
	json_object_set_new(v, "themes", ids_of_docs(&d->themes));
	json_object_set_new(v, "actions", ids_of_docs(&d->actions));
	json_object_set_new(v, "links_to", ids_of_docs(&d->links_to));
	json_object_set_new(v, "cited_by", ids_of_docs(&d->cited_by));
	json_object_set_new(v, "includes", ids_of_docs(&d->includes));
	if (d->fm_docs.n)
		json_object_set_new(v, "refs", ids_of_docs(&d->fm_docs));
	if (d->kind >= DOC_BUILTIN)
		json_object_set_new(v, "fields", json_deep_copy(d->meta));
	json_object_set_new(v, "glossary", ids_of_entries(&d->glossary_used));
	json_t *h = json_array();
	for (size_t i = 0; i < d->nheadings; i++)
		json_array_append_new(h, json_pack("{s:s, s:s, s:i}", "text", d->headings[i].text,
						   "anchor", d->headings[i].anchor, "level",
						   d->headings[i].level));
	json_object_set_new(v, "headings", h);
	return v;
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
		put_json(m->out, doc_json(s->docs[kind][i]));
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
