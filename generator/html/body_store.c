/* Bodies rendered at their first pass; see body_store.h. */
#include "body_store.h"
#include "pages.h"
#include "typo.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	struct doc *doc;         /* borrowed: the slot's document, NULL when unused (not const: see keep) */
	struct html_body body;   /* empty until kept, and again once taken */
	int kept;
	struct ptrs texts;       /* char *: the search texts of its sections (owned) */
	char *what_to_do;        /* a theme's « Comment faire ? » for « Que faire si… » (owned), or NULL */
	int what_to_do_kept;     /* what_to_do is kept, NULL when the body has no such section */
	/*
	 * What body_store_summarise typesets for the search index besides
	 * the lists (owned, NULL until then): the title and the summary as
	 * typo_plain gives them (NULL: no summary), and the headings' texts,
	 * as plain text and, for level-2 headings (the table of contents),
	 * as HTML, one block each.
	 */
	char *title_plain, *summary_plain;
	char *heads_plain, *heads_html;
	struct kept_heading *heads; /* nheads, one per heading of the document */
	size_t nheads;
};

/* Where a heading's texts are in the slot's blocks: offsets, NO_TEXT when not kept. */
struct kept_heading {
	uint32_t plain, html, html_len;
};

#define NO_TEXT UINT32_MAX

/*
 * Slots in open addressing keyed by the document's address (documents'
 * positions are final only after derive_all, which runs after the bodies).
 * The table is complete before any thread starts and never grows: threads
 * only fill and empty the slots of their own documents.
 */
/*
 * The texts that list pages ask for most (a title per fiche listed:
 * hundreds of thousands of lookups at 10 000 fiches, in no order), apart
 * from the slots, at the same places: a lookup reads one line of a table
 * of 32 bytes a place, and the lengths come with the texts.
 */
struct listed {
	const struct doc *doc;   /* borrowed: as its slot's */
	char *title_html;        /* the title with French typography (owned), or NULL */
	char *summary_html;      /* the summary when no link makes it page-dependent (owned), or NULL */
	uint32_t title_len, summary_len;
};

struct body_store {
	struct slot *slots;
	struct listed *listed;   /* cap places, beside the slots */
	size_t cap;              /* a power of two, more than twice the documents */
	int texts_once;          /* the search texts are let go once read */
	int release_as_kept;     /* keep() lets go of a document's source once its HTML is kept */
	const struct site *site; /* borrowed: the site the store was made for */
	char **abbr_titles;      /* html_abbr_titles(site), shared by the renders (owned) */
	size_t nabbr_titles;     /* its length: the site's glossary entries */
};

static size_t doc_hash(const struct doc *doc)
{
	uintptr_t h = (uintptr_t)doc;
	h ^= h >> 17;
	h *= (uintptr_t)0x9e3779b97f4a7c15u;
	return (size_t)(h >> 7);
}

static size_t slot_at(const struct body_store *st, const struct doc *doc)
{
	size_t i = doc_hash(doc) & (st->cap - 1);
	while (st->slots[i].doc && st->slots[i].doc != doc)
		i = (i + 1) & (st->cap - 1);
	return i;
}

/* The same place, found in the listed texts' table. */
static const struct listed *listed_of(const struct body_store *st, const struct doc *doc)
{
	size_t i = doc_hash(doc) & (st->cap - 1);
	while (st->listed[i].doc && st->listed[i].doc != doc)
		i = (i + 1) & (st->cap - 1);
	return st->listed[i].doc ? &st->listed[i] : NULL;
}

struct body_store *body_store_new(const struct site *s)
{
	struct body_store *st = xcalloc(1, sizeof *st);
	size_t n = site_ndocs_all(s);
	st->cap = 16;
	while (st->cap < 2 * n + 1)
		st->cap *= 2;
	st->slots = xcalloc(st->cap, sizeof *st->slots);
	st->listed = xcalloc(st->cap, sizeof *st->listed);
	/* The sigles' <abbr> titles, typeset once for every body rather than at each use. */
	st->site = s;
	st->abbr_titles = html_abbr_titles(s);
	st->nabbr_titles = s->nglossary;
	for (size_t k = 0; k < DOC_KINDS; k++)
		for (size_t i = 0; i < s->ndocs[k]; i++) {
			size_t at = slot_at(st, s->docs[k][i]);
			st->slots[at].doc = s->docs[k][i];
			st->listed[at].doc = s->docs[k][i];
		}
	return st;
}

/* doc's slot, or NULL when doc is not one the store was made for. */
/* doc's slot, or NULL (no store, or doc has none). */
static const struct slot *slot_found(const struct body_store *st, const struct doc *doc)
{
	if (!st)
		return NULL;
	const struct slot *slot = &st->slots[slot_at(st, doc)];
	return slot->doc == doc ? slot : NULL;
}

static struct slot *slot_of(struct body_store *st, const struct doc *doc)
{
	return (struct slot *)slot_found(st, doc);
}

static void texts_free(struct ptrs *texts)
{
	for (size_t i = 0; i < texts->n; i++)
		free(texts->v[i]);
	ptrs_free(texts);
}

static void keep(void *ctx, const struct site *s, const struct doc *doc, cmark_node *root)
{
	struct slot *slot = slot_of(ctx, doc);
	if (!slot || !doc->out_path)
		return;
	html_body_free(&slot->body);
	texts_free(&slot->texts);
	free(slot->what_to_do);
	slot->what_to_do = NULL;
	slot->what_to_do_kept = doc->kind == DOC_THEME && doc_find_anchor(doc, PAGES_WHAT_TO_DO_ANCHOR);
	const struct body_store *st = ctx;
	html_render_body(s, doc, root, &slot->body, &slot->texts,
			 slot->what_to_do_kept ? &slot->what_to_do : NULL,
			 s == st->site ? (const char *const *)st->abbr_titles : NULL);
	slot->kept = 1;
	/* Its memory serves the HTML of the next documents on this thread. */
	if (st->release_as_kept)
		doc_release_source(slot->doc);
}

/* As keep, the search texts only: the page will parse its body again. */
static void keep_texts(void *ctx, const struct site *s, const struct doc *doc, cmark_node *root)
{
	struct slot *slot = slot_of(ctx, doc);
	if (!slot || !doc->out_path)
		return;
	texts_free(&slot->texts);
	struct html_body scratch = {0};
	const struct body_store *st = ctx;
	html_render_body(s, doc, root, &scratch, &slot->texts, NULL,
			 s == st->site ? (const char *const *)st->abbr_titles : NULL);
	html_body_free(&scratch);
}

struct body_sink body_store_sink(struct body_store *st)
{
	return (struct body_sink){keep, st};
}

struct body_sink body_store_texts_sink(struct body_store *st)
{
	return (struct body_sink){keep_texts, st};
}

const struct ptrs *body_store_texts(const struct body_store *st, const struct doc *doc)
{
	const struct slot *slot = slot_found(st, doc);
	return slot ? &slot->texts : NULL;
}

/* b's bytes, owned by the caller, and their length in *len; NULL when too long to be kept. */
static char *detach_measured(struct buf *b, uint32_t *len)
{
	if (b->len > UINT32_MAX) {
		buf_free(b);
		return NULL;
	}
	*len = (uint32_t)b->len;
	buf_grow(b, 0); /* NUL-terminated even when empty */
	return buf_detach(b);
}

static void slot_typeset_free(struct slot *slot)
{
	free(slot->title_plain);
	free(slot->summary_plain);
	free(slot->heads_plain);
	free(slot->heads_html);
	free(slot->heads);
	slot->title_plain = slot->summary_plain = slot->heads_plain = slot->heads_html = NULL;
	slot->heads = NULL;
	slot->nheads = 0;
}

/* An offset into a block of at most UINT32_MAX bytes, NO_TEXT past that (not kept). */
static uint32_t offset_of(const struct buf *b)
{
	return b->len < NO_TEXT ? (uint32_t)b->len : NO_TEXT;
}

/* Each of doc's headings typeset once: the search index's plain text, the table of contents' HTML. */
static void typeset_headings(struct slot *slot, const struct doc *doc)
{
	if (!doc->nheadings)
		return;
	struct buf plain = BUF_INIT, html = BUF_INIT;
	slot->heads = xcalloc(doc->nheadings, sizeof *slot->heads);
	slot->nheads = doc->nheadings;
	for (size_t i = 0; i < doc->nheadings; i++) {
		const struct heading *h = &doc->headings[i];
		struct kept_heading *k = &slot->heads[i];
		*k = (struct kept_heading){NO_TEXT, NO_TEXT, 0};
		if (!h->text)
			continue;
		k->plain = offset_of(&plain);
		if (h->level == 2) {
			size_t at = html.len;
			html_typo_breakable_plain(h->text, &html, &plain);
			if (html.len < NO_TEXT) {
				k->html = (uint32_t)at;
				k->html_len = (uint32_t)(html.len - at);
			}
			buf_putc(&html, '\0');
		} else {
			typo_plain_put(h->text, strlen(h->text), &plain);
		}
		buf_putc(&plain, '\0');
	}
	slot->heads_plain = buf_detach(&plain);
	slot->heads_html = buf_detach(&html);
}

void body_store_summarise(struct body_store *st, const struct site *s, const struct doc *doc)
{
	struct slot *slot = slot_of(st, doc);
	if (!slot)
		return;
	struct listed *l = &st->listed[slot_at(st, doc)];
	free(l->title_html);
	free(l->summary_html);
	l->summary_html = NULL;
	slot_typeset_free(slot);
	struct buf out = BUF_INIT, plain = BUF_INIT;
	html_typo_breakable_plain(doc->title, &out, &plain);
	l->title_html = detach_measured(&out, &l->title_len);
	slot->title_plain = buf_detach(&plain);
	typeset_headings(slot, doc);
	if (!doc->summary)
		return;
	if (strstr(doc->summary, "](")) {
		/* A link's path depends on the page: only the plain text is kept. */
		if (*doc->summary)
			slot->summary_plain = typo_plain(doc->summary, strlen(doc->summary));
		return;
	}
	html_render_summary(s, doc->summary, &out, &plain);
	l->summary_html = detach_measured(&out, &l->summary_len);
	if (*doc->summary)
		slot->summary_plain = buf_detach(&plain);
	else
		buf_free(&plain);
}

const char *body_store_title_plain(const struct body_store *st, const struct doc *doc)
{
	const struct slot *slot = slot_found(st, doc);
	return slot ? slot->title_plain : NULL;
}

const char *body_store_summary_plain(const struct body_store *st, const struct doc *doc)
{
	const struct slot *slot = slot_found(st, doc);
	return slot ? slot->summary_plain : NULL;
}

/* doc's heading i as kept, or NULL. */
static const struct kept_heading *kept_heading(const struct body_store *st, const struct doc *doc,
					       size_t i, const struct slot **slot)
{
	*slot = slot_found(st, doc);
	if (!*slot || i >= (*slot)->nheads)
		return NULL;
	return &(*slot)->heads[i];
}

const char *body_store_heading_plain(const struct body_store *st, const struct doc *doc, size_t i)
{
	const struct slot *slot;
	const struct kept_heading *k = kept_heading(st, doc, i, &slot);
	return k && k->plain != NO_TEXT ? slot->heads_plain + k->plain : NULL;
}

const char *body_store_heading_html(const struct body_store *st, const struct doc *doc, size_t i,
				    size_t *len)
{
	const struct slot *slot;
	const struct kept_heading *k = kept_heading(st, doc, i, &slot);
	if (!k || k->html == NO_TEXT)
		return NULL;
	*len = k->html_len;
	return slot->heads_html + k->html;
}

const char *body_store_title_html(const struct body_store *st, const struct doc *doc, size_t *len)
{
	const struct listed *l = st ? listed_of(st, doc) : NULL;
	if (!l || !l->title_html)
		return NULL;
	*len = l->title_len;
	return l->title_html;
}

const char *body_store_summary_html(const struct body_store *st, const struct doc *doc,
				    size_t *len)
{
	const struct listed *l = st ? listed_of(st, doc) : NULL;
	if (!l || !l->summary_html)
		return NULL;
	*len = l->summary_len;
	return l->summary_html;
}

int body_store_take_what_to_do(struct body_store *st, const struct doc *doc, char **part)
{
	struct slot *slot = st ? slot_of(st, doc) : NULL;
	if (!slot || !slot->what_to_do_kept)
		return 0;
	*part = slot->what_to_do;
	slot->what_to_do = NULL;
	slot->what_to_do_kept = 0;
	return 1;
}

int body_store_take(struct body_store *st, const struct doc *doc, struct html_body *body)
{
	struct slot *slot = slot_of(st, doc);
	if (!slot || !slot->kept)
		return 0;
	*body = slot->body;
	slot->body = (struct html_body){0};
	slot->kept = 0;
	return 1;
}

void body_store_release_as_kept(struct body_store *st)
{
	st->release_as_kept = 1;
}

void body_store_texts_once(struct body_store *st)
{
	st->texts_once = 1;
}

void body_store_texts_read(struct body_store *st, const struct doc *doc)
{
	if (!st || !st->texts_once)
		return;
	struct slot *slot = slot_of(st, doc);
	if (slot)
		texts_free(&slot->texts);
}

void body_store_release_bodies(struct body_store *st)
{
	for (size_t i = 0; i < st->cap; i++) {
		html_body_free(&st->slots[i].body);
		st->slots[i].kept = 0;
		free(st->slots[i].what_to_do);
		st->slots[i].what_to_do = NULL;
		st->slots[i].what_to_do_kept = 0;
	}
}

void body_store_free(struct body_store *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->cap; i++) {
		html_body_free(&st->slots[i].body);
		texts_free(&st->slots[i].texts);
		free(st->slots[i].what_to_do);
		slot_typeset_free(&st->slots[i]);
		free(st->listed[i].title_html);
		free(st->listed[i].summary_html);
	}
	free(st->slots);
	free(st->listed);
	html_abbr_titles_free(st->abbr_titles, st->nabbr_titles);
	free(st);
}
