/* The documents' cards made once for the pages; see doc_cards.h. */
#include "doc_cards.h"
#include "body_store.h"
#include "kind.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

char *doc_cards_id_words(struct arena *a, const struct ptrs *taxa, size_t *len)
{
	/* The first ids' lengths kept for the copy (a fiche has a few taxa). */
	size_t lens[16], n = taxa->n ? taxa->n - 1 : 0;
	for (size_t i = 0; i < taxa->n; i++) {
		size_t idlen = strlen(((const struct taxon *)taxa->v[i])->id);
		if (i < 16)
			lens[i] = idlen;
		n += idlen;
	}
	char *s = arena_alloc(a, n + 1), *w = s;
	for (size_t i = 0; i < taxa->n; i++) {
		const char *id = ((const struct taxon *)taxa->v[i])->id;
		size_t idlen = i < 16 ? lens[i] : strlen(id);
		if (i)
			*w++ = ' ';
		memcpy(w, id, idlen);
		w += idlen;
	}
	*w = '\0';
	*len = n;
	return s;
}

/* A length as a card keeps it; the texts of a page are far below 4 GB. */
static uint32_t len32(size_t n)
{
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* A copy of s[0..n) in a, NUL-terminated, or s itself when a is NULL; NULL for NULL. */
static const char *keep(struct arena *a, const char *s, size_t n)
{
	return s && a ? arena_strndup(a, s, n) : s;
}

/* d's card into k; its texts copied into copies, or borrowed when copies is NULL. */
static void card_fill(struct arena *a, struct arena *copies, const struct body_store *bodies,
		      const struct doc *d, struct doc_card *k)
{
	memset(k, 0, sizeof *k);
	size_t len = 0;
	k->doc = d;
	k->desc = d->desc;
	k->logic = d->logic;
	k->number = d->number;
	k->kind = (unsigned char)d->kind;
	k->numbered = d->desc->list != LIST_PLAIN;
	/* The texts one after the other, in the order a card shows them. */
	k->territories = doc_cards_id_words(a, &d->territories, &len);
	k->territories_len = len32(len);
	k->publics = doc_cards_id_words(a, &d->publics, &len);
	k->publics_len = len32(len);
	const char *status = d->status;
	k->status_len = status ? len32(strlen(status)) : 0;
	k->status = keep(copies, status, k->status_len);
	if (status) {
		const struct kind_field *field = kind_field(d->desc, "status");
		k->status_shown = field && strcmp(status, field->values[0].id) != 0;
		k->status_label = k->status_shown ? kind_enum_label(field, status) : NULL;
	}
	k->out_len = d->out_path ? len32(strlen(d->out_path)) : 0;
	k->out_path = keep(copies, d->out_path, k->out_len);
	const char *html = body_store_title_html(bodies, d, &len);
	k->title_len = html ? len32(len) : 0;
	k->title_html = keep(copies, html, k->title_len);
	html = body_store_summary_html(bodies, d, &len);
	k->summary_len = html ? len32(len) : 0;
	k->summary_html = keep(copies, html, k->summary_len);
	k->title = d->title ? keep(copies, d->title, strlen(d->title)) : NULL;
}

void doc_card_make(struct arena *a, const struct body_store *bodies, const struct doc *d,
		   struct doc_card *k)
{
	card_fill(a, a, bodies, d, k);
}

void doc_card_borrow(struct arena *a, const struct body_store *bodies, const struct doc *d,
		     struct doc_card *k)
{
	card_fill(a, NULL, bodies, d, k);
}

/* Adds k to cards' table by its document's address. */
static void place(struct doc_cards *cards, const struct doc_card *k)
{
	size_t i = doc_cards_hash(k->doc, cards->mask);
	while (cards->by_doc[i].doc)
		i = (i + 1) & cards->mask;
	cards->by_doc[i] = (struct doc_card_place){k->doc, k};
}

struct doc_cards *doc_cards_new(const struct site *s, const struct body_store *bodies)
{
	struct doc_cards *cards = xcalloc(1, sizeof *cards);
	cards->arena = (struct arena)ARENA_INIT;
	size_t total = 0;
	for (size_t k = 0; k < site_nkinds(s) && k < DOC_KINDS; k++)
		total += s->ndocs[k];
	size_t places = 16;
	while (2 * places < 3 * total)
		places *= 2;
	cards->by_doc = xcalloc(places, sizeof *cards->by_doc);
	cards->mask = places - 1;
	for (size_t k = 0; k < site_nkinds(s) && k < DOC_KINDS; k++) {
		size_t n = s->ndocs[k];
		cards->of[k] = xcalloc(n ? n : 1, sizeof *cards->of[k]);
		cards->n[k] = n;
		for (size_t i = 0; i < n; i++) {
			doc_card_make(&cards->arena, bodies, s->docs[k][i], &cards->of[k][i]);
			place(cards, &cards->of[k][i]);
		}
	}
	return cards;
}

void doc_cards_free(struct doc_cards *cards)
{
	if (!cards)
		return;
	for (size_t k = 0; k < DOC_KINDS; k++)
		free(cards->of[k]);
	free(cards->by_doc);
	arena_free(&cards->arena);
	free(cards);
}
