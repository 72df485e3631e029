/*
 * What the search index holds: one record per document, contact, glossary
 * entry and bibliography reference, split into sections at its headings,
 * with the French typography of the pages. Apart from the index because it
 * is the one part that reads the model (documents, data entries, the body
 * store's texts); the rest of the index only sees records and sections.
 */
#include "search_internal.h"
#include "body_store.h"
#include "markdown.h"
#include "pool.h"
#include "search_text.h"
#include "typo.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static int record_kind(enum doc_kind k)
{
	return k < DOC_BUILTIN ? (int)k : KIND_EXTRA + (int)(k - DOC_BUILTIN);
}

/* The descriptor of a record kind. */
const struct kind *search_record_desc(const struct site *s, int k)
{
	return k < DOC_BUILTIN ? kind_builtin(k) :
	       k < KIND_EXTRA ? kind_data(TARGET_CONTACT + k - KIND_CONTACT) :
				site_kind(s, DOC_BUILTIN + k - KIND_EXTRA);
}

const char *search_section_text(const struct section *sec)
{
	return sec->shared ? sec->shared : buf_cstr(&sec->text);
}

/* Plain text with French typography, or NULL. Caller frees. */
static char *typo(const char *s)
{
	return s ? typo_plain(s, strlen(s)) : NULL;
}

/* kept, typo(s) made by the body store (body_store_summarise), else typo(s). Caller frees. */
static char *kept_or_typo(const char *kept, const char *s)
{
	return kept ? xstrdup(kept) : typo(s);
}

/* Record rec (its place is fixed: see search_records_collect). */
static void set_record(struct index *ix, size_t rec, int kind, int number, const char *title,
		       const char *href, const char *summary)
{
	ix->recs[rec] = (struct record){kind, number, typo(title), xstrdup(href),
					summary && *summary ? typo(summary) : NULL, NULL};
}

/* Section k of record rec. */
static struct section *set_section(struct index *ix, size_t k, size_t rec, const char *anchor)
{
	struct section *sec = &ix->secs[k];
	sec->record = rec;
	sec->heading = NULL;
	sec->raw_heading = NULL;
	sec->anchor = anchor;
	sec->shared = NULL;
	sec->text = (struct buf)BUF_INIT;
	return sec;
}

/*
 * Document rec's record and its sections from k, at its headings, in the
 * order html.c numbers them; texts (body_store.h) holds the sections'
 * plain texts, NULL when the store has none for the document. Each
 * section's text length into ix->text_len.
 */
static void put_doc(struct index *ix, size_t rec, size_t k, const struct doc *d, const struct ptrs *texts)
{
	int number = d->desc->list == LIST_NUMBERED ? d->number : 0;
	/* Title, summary and headings typeset later (search_records_typeset), on the items' threads. */
	set_record(ix, rec, record_kind(d->kind), number, NULL, d->out_path, NULL);
	ix->recs[rec].doc = d;
	size_t n = texts ? texts->n : 0;
	for (size_t i = 0; i < n; i++) {
		const struct heading *h = i && i - 1 < d->nheadings ? &d->headings[i - 1] : NULL;
		struct section *sec = set_section(ix, k + i, rec, h ? h->anchor : NULL);
		/* A heading the store typeset is copied now; the others are typeset later. */
		const char *kept = h ? body_store_heading_plain(ix->texts, d, i - 1) : NULL;
		if (kept)
			sec->heading = xstrdup(kept);
		else
			sec->raw_heading = i ? (h ? h->text : "") : NULL;
		sec->shared = texts->v[i];
		ix->text_len[k + i] = strlen(search_section_text(sec));
	}
	if (!n) {
		set_section(ix, k, rec, NULL);
		ix->text_len[k] = 0;
	}
}

const char *search_field_str(const struct entry *e, const char *key)
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

/* An entry's one section is done: its text's length. */
static void end_entry(struct index *ix, size_t k)
{
	struct section *sec = &ix->secs[k];
	search_text_trim(&sec->text);
	ix->text_len[k] = strlen(search_section_text(sec));
}

static void put_contact(struct index *ix, size_t rec, const struct entry *e)
{
	struct buf summary = BUF_INIT;
	const char *role = search_field_str(e, "role");
	if (role)
		buf_puts(&summary, role);
	if (e->organisation) {
		if (summary.len)
			buf_puts(&summary, ", ");
		buf_puts(&summary, e->organisation->label);
	}
	set_record(ix, rec, KIND_CONTACT, 0, e->label, e->out_path, buf_cstr(&summary));
	buf_free(&summary);
	struct section *sec = set_section(ix, ix->entry_sec + (rec - ix->entry_rec), rec, NULL);
	put_markdown(&sec->text, search_field_str(e, "description"));
	put_markdown(&sec->text, search_field_str(e, "note"));
	static const char *const plain_fields[] = {"address", "email", "phone", "website"};
	for (size_t i = 0; i < sizeof plain_fields / sizeof *plain_fields; i++) {
		const char *v = search_field_str(e, plain_fields[i]);
		if (v) {
			search_text_separator(&sec->text);
			search_text_put(&sec->text, v, strlen(v));
		}
	}
	end_entry(ix, (size_t)(sec - ix->secs));
}

static void put_glossary(struct index *ix, size_t rec, const struct entry *e)
{
	char *href = xasprintf("%s#%s", e->out_path, e->anchor);
	set_record(ix, rec, KIND_GLOSSARY, 0, e->id, href, search_field_str(e, "expansion"));
	free(href);
	struct section *sec = set_section(ix, ix->entry_sec + (rec - ix->entry_rec), rec, NULL);
	put_markdown(&sec->text, search_field_str(e, "definition"));
	end_entry(ix, (size_t)(sec - ix->secs));
}

static void put_biblio(struct index *ix, size_t rec, const struct entry *e)
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
	const char *where = search_field_str(e, "publisher") ? search_field_str(e, "publisher") : search_field_str(e, "journal");
	if (where)
		buf_printf(&summary, "%s%s", summary.len ? ", " : "", where);
	char *href = xasprintf("%s#%s", e->out_path, e->anchor);
	set_record(ix, rec, KIND_BIBLIO, 0, e->label, href, buf_cstr(&summary));
	free(href);
	buf_free(&summary);
	struct section *sec = set_section(ix, ix->entry_sec + (rec - ix->entry_rec), rec, NULL);
	put_markdown(&sec->text, search_field_str(e, "abstract"));
	end_entry(ix, (size_t)(sec - ix->secs));
}

/* The documents a collect item fills, and the data entries (each a record of one section). */
#define COLLECT_DOCS 64
#define COLLECT_ENTRIES 16

struct collect {
	struct index *ix;
	const struct site *s;
	const struct doc **docs;        /* the indexed documents, in record order */
	const struct ptrs **texts;      /* and their texts */
	size_t *first_sec;              /* each document's first section */
	size_t ndocs, doc_items;
};

static void collect_item(void *ctx, size_t item)
{
	struct collect *c = ctx;
	struct index *ix = c->ix;
	const struct site *s = c->s;
	if (item < c->doc_items) {
		size_t to = (item + 1) * COLLECT_DOCS;
		for (size_t i = item * COLLECT_DOCS; i < to && i < c->ndocs; i++)
			put_doc(ix, i, c->first_sec[i], c->docs[i], c->texts[i]);
		return;
	}
	size_t from = (item - c->doc_items) * COLLECT_ENTRIES;
	for (size_t e = from; e < from + COLLECT_ENTRIES; e++) {
		size_t rec = ix->entry_rec + e;
		if (e < s->ncontacts)
			put_contact(ix, rec, &s->contacts[e]);
		else if (e - s->ncontacts < s->nglossary)
			put_glossary(ix, rec, &s->glossary[e - s->ncontacts]);
		else if (e - s->ncontacts - s->nglossary < s->nbiblio)
			put_biblio(ix, rec, &s->biblio[e - s->ncontacts - s->nglossary]);
	}
}

/*
 * The records and sections of site s (see search_index_files for the
 * order): the documents', then the contacts', the glossary's and the
 * bibliography's. Each record's place is counted first, then they are
 * filled on jobs threads (at 10 000 fiches, 92 000 sections whose texts'
 * lengths are read here: one core did it while the other waited).
 */
void search_records_collect(struct index *ix, const struct site *s, struct body_store *texts, int jobs)
{
	ix->texts = texts;
	size_t ndocs = 0;
	for (size_t k = 0; k < site_nkinds(s); k++)
		if (site_kind(s, (int)k)->search_weight)
			ndocs += s->ndocs[k];
	size_t nentries = s->ncontacts + s->nglossary + s->nbiblio;
	struct collect c = {ix, s, xmalloc((ndocs + 1) * sizeof *c.docs), xmalloc((ndocs + 1) * sizeof *c.texts),
			    xmalloc((ndocs + 1) * sizeof *c.first_sec), ndocs, (ndocs + COLLECT_DOCS - 1) / COLLECT_DOCS};
	size_t d = 0, nsecs = 0;
	for (size_t k = 0; k < site_nkinds(s); k++)
		for (size_t i = 0; i < s->ndocs[k] && site_kind(s, (int)k)->search_weight; i++) {
			const struct ptrs *t = body_store_texts(texts, s->docs[k][i]);
			c.docs[d] = s->docs[k][i];
			c.texts[d] = t;
			c.first_sec[d++] = nsecs;
			nsecs += t && t->n ? t->n : 1;
		}
	ix->nrecs = ndocs + nentries;
	ix->entry_rec = ndocs;
	ix->entry_sec = nsecs;
	ix->nsecs = nsecs + nentries;
	/* Every place is written by an item (neither array is read before). */
	ix->caprecs = ix->nrecs + 1;
	ix->recs = xmalloc(ix->caprecs * sizeof *ix->recs);
	ix->capsecs = ix->nsecs + 1;
	ix->secs = xmalloc(ix->capsecs * sizeof *ix->secs);
	ix->text_len = xmalloc(ix->capsecs * sizeof *ix->text_len);
	size_t items = c.doc_items + (nentries + COLLECT_ENTRIES - 1) / COLLECT_ENTRIES;
	if (jobs == 1 || items < 2) {
		for (size_t i = 0; i < items; i++)
			collect_item(&c, i);
	} else {
		pool_for(jobs, items, collect_item, &c);
	}
	free(c.docs);
	free(c.texts);
	free(c.first_sec);
}

void search_records_typeset(struct index *ix, size_t r0, size_t r1, size_t s0, size_t s1)
{
	for (size_t i = r0; i < r1; i++) {
		struct record *r = &ix->recs[i];
		if (!r->doc)
			continue;
		r->title = kept_or_typo(body_store_title_plain(ix->texts, r->doc), r->doc->title);
		r->summary = r->doc->summary && *r->doc->summary ?
				     kept_or_typo(body_store_summary_plain(ix->texts, r->doc), r->doc->summary) :
				     NULL;
	}
	for (size_t i = s0; i < s1; i++)
		if (ix->secs[i].raw_heading)
			ix->secs[i].heading = typo(ix->secs[i].raw_heading);
}

void search_records_free(struct index *ix)
{
	for (size_t i = 0; i < ix->nrecs; i++) {
		free(ix->recs[i].title);
		free(ix->recs[i].href);
		free(ix->recs[i].summary);
	}
	for (size_t i = 0; i < ix->nsecs; i++) {
		free(ix->secs[i].heading);
		buf_free(&ix->secs[i].text);
	}
	free(ix->recs);
	free(ix->secs);
	free(ix->text_len);
}
