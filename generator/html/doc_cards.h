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

struct doc_card {
	const struct doc *doc;           /* whose card; borrowed */
	const char *title_html;          /* NULL: not kept by the body store */
	const char *summary_html;        /* NULL: not kept (rendered for the page) */
	const char *publics, *territories; /* ids separated by spaces, in the table's arena */
	const char *out_path;            /* the document's, borrowed; NULL without a page */
	uint32_t title_len, summary_len, publics_len, territories_len;
	uint32_t out_len;                /* strlen(out_path) */
};

/* The table: of[k][i] is the card of s->docs[k][i]. */
struct doc_cards {
	struct doc_card *of[DOC_KINDS];  /* owned */
	size_t n[DOC_KINDS];
	struct arena arena;              /* the filter strings */
};

/*
 * The cards of every document of s, with the texts bodies kept (NULL:
 * none). s and bodies must outlive the table. Caller frees with
 * doc_cards_free.
 */
struct doc_cards *doc_cards_new(const struct site *s, const struct body_store *bodies);
void doc_cards_free(struct doc_cards *cards);

/* d's card in cards, or NULL (cards NULL, or d not in the table). Inline: every card asks. */
static inline const struct doc_card *doc_cards_of(const struct doc_cards *cards,
						  const struct doc *d)
{
	if (!cards || (size_t)d->kind >= DOC_KINDS || d->index >= cards->n[d->kind])
		return NULL;
	const struct doc_card *k = &cards->of[d->kind][d->index];
	return k->doc == d ? k : NULL;
}

/* The ids of a list of taxa (struct taxon *) separated by spaces, in a; its length in *len. */
char *doc_cards_id_words(struct arena *a, const struct ptrs *taxa, size_t *len);

#endif
