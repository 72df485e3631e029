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
	sec->raw_heading = NULL;
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
	/* Title, summary and headings typeset later (search_records_typeset), on the items' threads. */
	size_t rec = add_record(ix, record_kind(d->kind), number, NULL, d->out_path, NULL);
	ix->recs[rec].doc = d;
	size_t n = texts ? texts->n : 0;
	for (size_t i = 0; i < n; i++) {
		const struct heading *h = i && i - 1 < d->nheadings ? &d->headings[i - 1] : NULL;
		struct section *sec = add_section(ix, rec, NULL, h ? h->anchor : NULL);
		sec->raw_heading = i ? (h ? h->text : "") : NULL;
		sec->shared = texts->v[i];
	}
	if (!n)
		add_section(ix, rec, NULL, NULL);
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

static void add_contact(struct index *ix, const struct entry *e)
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
	size_t rec = add_record(ix, KIND_CONTACT, 0, e->label, e->out_path, buf_cstr(&summary));
	buf_free(&summary);
	struct section *sec = add_section(ix, rec, NULL, NULL);
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
	search_text_trim(&sec->text);
}

static void add_glossary(struct index *ix, const struct entry *e)
{
	char *href = xasprintf("%s#%s", e->out_path, e->anchor);
	size_t rec = add_record(ix, KIND_GLOSSARY, 0, e->id, href, search_field_str(e, "expansion"));
	free(href);
	struct section *sec = add_section(ix, rec, NULL, NULL);
	put_markdown(&sec->text, search_field_str(e, "definition"));
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
	const char *where = search_field_str(e, "publisher") ? search_field_str(e, "publisher") : search_field_str(e, "journal");
	if (where)
		buf_printf(&summary, "%s%s", summary.len ? ", " : "", where);
	char *href = xasprintf("%s#%s", e->out_path, e->anchor);
	size_t rec = add_record(ix, KIND_BIBLIO, 0, e->label, href, buf_cstr(&summary));
	free(href);
	buf_free(&summary);
	struct section *sec = add_section(ix, rec, NULL, NULL);
	put_markdown(&sec->text, search_field_str(e, "abstract"));
	search_text_trim(&sec->text);
}

/* The records and sections of site s (see search_index_files for the order). */
void search_records_collect(struct index *ix, const struct site *s, struct body_store *texts)
{
	ix->texts = texts;
	/*
	 * The records and sections counted first, so that their arrays are
	 * made once (92 000 sections at 10 000 fiches: doubling copied them
	 * and faulted twice their pages in, on the one thread working then).
	 */
	size_t nrecs = s->ncontacts + s->nglossary + s->nbiblio, nsecs = nrecs;
	for (size_t k = 0; k < site_nkinds(s); k++)
		for (size_t i = 0; i < s->ndocs[k] && site_kind(s, (int)k)->search_weight; i++) {
			const struct ptrs *t = body_store_texts(texts, s->docs[k][i]);
			nrecs++;
			nsecs += t && t->n ? t->n : 1;
		}
	ix->caprecs = nrecs + 1;
	ix->recs = xrealloc(ix->recs, ix->caprecs * sizeof *ix->recs);
	ix->capsecs = nsecs + 1;
	ix->secs = xrealloc(ix->secs, ix->capsecs * sizeof *ix->secs);
	for (size_t k = 0; k < site_nkinds(s); k++)
		for (size_t i = 0; i < s->ndocs[k] && site_kind(s, (int)k)->search_weight; i++)
			add_doc(ix, s->docs[k][i], body_store_texts(texts, s->docs[k][i]));
	for (size_t i = 0; i < s->ncontacts; i++)
		add_contact(ix, &s->contacts[i]);
	for (size_t i = 0; i < s->nglossary; i++)
		add_glossary(ix, &s->glossary[i]);
	for (size_t i = 0; i < s->nbiblio; i++)
		add_biblio(ix, &s->biblio[i]);
}

void search_records_typeset(struct index *ix, size_t r0, size_t r1, size_t s0, size_t s1)
{
	for (size_t i = r0; i < r1; i++) {
		struct record *r = &ix->recs[i];
		if (!r->doc)
			continue;
		r->title = typo(r->doc->title);
		r->summary = r->doc->summary && *r->doc->summary ? typo(r->doc->summary) : NULL;
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
		free(ix->secs[i].anchor);
		buf_free(&ix->secs[i].text);
	}
	free(ix->recs);
	free(ix->secs);
}
