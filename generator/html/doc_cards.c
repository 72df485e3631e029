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

static void card_make(struct doc_cards *cards, const struct body_store *bodies,
		      const struct doc *d, struct doc_card *k)
{
	size_t len = 0;
	k->doc = d;
	k->title_html = body_store_title_html(bodies, d, &len);
	k->title_len = k->title_html ? len32(len) : 0;
	len = 0;
	k->summary_html = body_store_summary_html(bodies, d, &len);
	k->summary_len = k->summary_html ? len32(len) : 0;
	k->publics = doc_cards_id_words(&cards->arena, &d->publics, &len);
	k->publics_len = len32(len);
	k->territories = doc_cards_id_words(&cards->arena, &d->territories, &len);
	k->territories_len = len32(len);
	k->out_path = d->out_path;
	k->out_len = d->out_path ? len32(strlen(d->out_path)) : 0;
}

struct doc_cards *doc_cards_new(const struct site *s, const struct body_store *bodies)
{
	struct doc_cards *cards = xcalloc(1, sizeof *cards);
	cards->arena = (struct arena)ARENA_INIT;
	for (size_t k = 0; k < site_nkinds(s) && k < DOC_KINDS; k++) {
		size_t n = s->ndocs[k];
		cards->of[k] = xcalloc(n ? n : 1, sizeof *cards->of[k]);
		cards->n[k] = n;
		for (size_t i = 0; i < n; i++)
			card_make(cards, bodies, s->docs[k][i], &cards->of[k][i]);
	}
	return cards;
}

void doc_cards_free(struct doc_cards *cards)
{
	if (!cards)
		return;
	for (size_t k = 0; k < DOC_KINDS; k++)
		free(cards->of[k]);
	arena_free(&cards->arena);
	free(cards);
}
