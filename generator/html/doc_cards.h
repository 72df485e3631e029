/*
 * What a document's card shows the same on every page, made once for a
 * pass of the pages: its title and summary as HTML (the body store's), the
 * ids of its publics and territories as the list filters read them, and
 * its page's path with its length.
 *
 * A card is rendered once per directory and list (mustache_render_cached),
 * some 120 000 times at 10 000 fiches: each render made the filter strings
 * again, probed the body store's table twice and measured the path. The
 * cards of one kind sit side by side in series order, as lists show them.
 *
 * Read-only once made: any number of threads may read one table.
 */
#ifndef FICHES_DOC_CARDS_H
#define FICHES_DOC_CARDS_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "model.h"

struct body_store;

/*
 * A card reads nothing of its document: a document's struct is some 300
 * bytes, cold at 10 000 fiches, and a card's render read three of its
 * cache lines (its kind and place to find the card, its kind, number,
 * status and logic), then the texts where the model and the body store
 * keep them. The card holds those fields, found by the document's address
 * (doc_cards_of), and its texts are copies side by side in the table's
 * arena, in series order: a card's render reads its two lines and one run
 * of bytes.
 */
struct doc_card {
	const struct doc *doc;           /* whose card; borrowed */
	const struct kind *desc;         /* d->desc */
	const struct taxon *logic;       /* d->logic */
	const char *title;               /* copy of d->title; NULL: none */
	const char *title_html;          /* NULL: not kept by the body store */
	const char *summary_html;        /* NULL: not kept (rendered for the page) */
	const char *publics, *territories; /* ids separated by spaces */
	const char *out_path;            /* copy of the document's; NULL without a page */
	const char *status;              /* copy of d->status; NULL: none */
	/*
	 * The status's label as a card shows it (doc_get's status_label), when
	 * status_shown; the status's field's own string (kind.h), or NULL: the
	 * kind has no label for it.
	 */
	const char *status_label;
	uint32_t title_len, summary_len, publics_len, territories_len;
	uint32_t out_len, status_len;
	int number;                      /* d->number */
	unsigned char kind;              /* d->kind */
	unsigned char numbered;          /* d->desc->list != LIST_PLAIN: number is shown */
	unsigned char status_shown;      /* a status other than its kind's first */
};

/* The table: of[k][i] is the card of s->docs[k][i]. */
struct doc_cards {
	struct doc_card *of[DOC_KINDS];  /* owned */
	size_t n[DOC_KINDS];
	/*
	 * The cards by their document's address: open addressing, linear
	 * probing, at most two thirds full; a place holds the address, so a
	 * probe reads no card but the one found. Owned.
	 */
	struct doc_card_place {
		const struct doc *doc;   /* NULL: empty */
		const struct doc_card *card;
	} *by_doc;
	size_t mask;                     /* places - 1, a power of two less one */
	struct arena arena;              /* the cards' texts */
};

/*
 * The cards of every document of s, with the texts bodies kept (NULL:
 * none). s and bodies must outlive the table. Caller frees with
 * doc_cards_free.
 */
struct doc_cards *doc_cards_new(const struct site *s, const struct body_store *bodies);
void doc_cards_free(struct doc_cards *cards);
/*
 * d's card made into k, its texts copied into a (which must outlive k):
 * what doc_cards_new does for each document.
 */
void doc_card_make(struct arena *a, const struct body_store *bodies, const struct doc *d,
		   struct doc_card *k);
/*
 * The same card with its texts borrowed from d and bodies (which must
 * outlive k), only its lists of ids made in a: what a page rendered outside
 * a pass (no table) makes for each document it shows, without copying them.
 */
void doc_card_borrow(struct arena *a, const struct body_store *bodies, const struct doc *d,
		     struct doc_card *k);

/* The place of d's address in a table of mask + 1 places. */
static inline size_t doc_cards_hash(const struct doc *d, size_t mask)
{
	uint64_t h = (uint64_t)(uintptr_t)d * 0x9e3779b97f4a7c15u;
	return (size_t)(h >> 32) & mask;
}

/*
 * d's card in cards, or NULL (cards NULL, or d not in the table), without
 * reading d. Inline: every card asks.
 */
static inline const struct doc_card *doc_cards_of(const struct doc_cards *cards,
						  const struct doc *d)
{
	if (!cards)
		return NULL;
	for (size_t i = doc_cards_hash(d, cards->mask);; i = (i + 1) & cards->mask) {
		const struct doc_card_place *p = &cards->by_doc[i];
		if (p->doc == d)
			return p->card;
		if (!p->doc)
			return NULL;
	}
}

/* The ids of a list of taxa (struct taxon *) separated by spaces, in a; its length in *len. */
char *doc_cards_id_words(struct arena *a, const struct ptrs *taxa, size_t *len);

#endif
