/* Derived relations; see derive.h. All lists come out in series order. */
#include "derive.h"
#include "pool.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int compare_doc_ptrs(const void *a, const void *b)
{
	const struct doc *x = *(struct doc *const *)a, *y = *(struct doc *const *)b;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return strcmp(x->slug, y->slug);
}

static void sort_docs(struct ptrs *p)
{
	if (p->n > 1)
		qsort(p->v, p->n, sizeof *p->v, compare_doc_ptrs);
}

static size_t shared(const struct ptrs *a, const struct ptrs *b)
{
	size_t n = 0;
	for (size_t i = 0; i < a->n; i++)
		n += ptrs_contains(b, a->v[i]);
	return n;
}

struct scored {
	struct doc *doc;
	size_t score;
};

static int compare_scored(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return compare_doc_ptrs(&x->doc, &y->doc);
}

/* A theme or action listed by more fiches than this says little about any of them. */
#define RELATED_MAX_FANOUT 500
/* Related fiches kept for each. */
#define RELATED_KEEP 3
/* Fiches of the same logique considered around each one, in series order. */
#define RELATED_LOGIC_WINDOW 4

struct scorer {
	size_t *score;        /* by doc index: points + 1, 0 = not a candidate */
	size_t *touched;      /* indexes of the candidates of the current doc */
	size_t ntouched;
};

/* Scores are kept plus one, so that 0 means "not a candidate yet". */
static void bump(struct scorer *sc, size_t o, size_t points)
{
	if (!sc->score[o]) {
		sc->touched[sc->ntouched++] = o;
		sc->score[o] = 1;
	}
	sc->score[o] += points;
}

/*
 * Related fiches of the same kind, at most RELATED_KEEP (three): shared themes (for
 * actions) or shared actions (for themes) weigh most, then links either
 * way, then the same logique, then shared publics. Candidates come from
 * the shared lists and a window of the same logique, never from a scan of
 * every pair, so the cost grows with the corpus, not with its square.
 *
 * Each document's list is its own: the documents are cut in runs scored on
 * every core (each run with its own scorer), since this ran alone on the
 * main thread between the bodies and the render (0.18 s at 10 000 fiches).
 */
struct related_job {
	struct site *s;
	enum doc_kind kind;
	/*
	 * By document index: the set of its publics as bits (taxon i of
	 * site.publics is bit i), and whether that set says all its list does
	 * (every public among the first 64, none twice). Then the publics two
	 * documents share are the bits they share: comparing the lists, one
	 * ptrs_contains per public per candidate, was 40 % of this loop.
	 */
	uint64_t *publics_bits;
	unsigned char *bits_exact;
	/* By document index: its logique (NULL: none), read for every candidate. */
	const struct taxon **logic;
	/*
	 * The candidates through the other kind, as indexes: for the
	 * document of index t of that kind (a theme of actions, an action of
	 * themes), the indexes of its own list of documents of this kind,
	 * via_index[via_first[t] .. via_first[t + 1]), none when it lists more
	 * than RELATED_MAX_FANOUT. Every candidate's index was read in its
	 * struct doc, a cache miss each at 10 000 fiches (a third of the
	 * related fiches' time), though the lists are shared by many documents.
	 */
	size_t *via_first;
	size_t *via_index;
};

/* Documents per run of derive_related's parallel loop. */
#define RELATED_RUN 256

/* The publics d and o (of index oi) share: |d->publics ∩ o->publics|, counted on d's list as shared() does. */
static size_t shared_publics(const struct related_job *j, const struct doc *d, size_t oi)
{
	/* Candidates are of d's kind (related_of), so oi is o's place in the bits. */
	if (j->bits_exact[d->index] && j->bits_exact[oi]) {
		/* A few bits: cleared one by one (no POPCNT in the baseline x86-64 build). */
		size_t c = 0;
		for (uint64_t both = j->publics_bits[d->index] & j->publics_bits[oi]; both;
		     both &= both - 1)
			c++;
		return c;
	}
	return shared(&d->publics, &j->s->docs[j->kind][oi]->publics);
}

/* The other kind, whose lists lead to candidates (a theme's actions are related through it). */
static enum doc_kind via_kind(enum doc_kind kind)
{
	return kind == DOC_ACTION ? DOC_THEME : DOC_ACTION;
}

/* Its list of documents of kind (an action's themes, a theme's actions). */
static const struct ptrs *back_list(const struct doc *t, enum doc_kind kind)
{
	return kind == DOC_ACTION ? &t->actions : &t->themes;
}

static void related_of(const struct related_job *job, struct doc *d, struct scorer *sc,
		       size_t *cap)
{
	enum doc_kind kind = job->kind;
	struct doc **docs = job->s->docs[kind];
	sc->ntouched = 0;
	/* Worst case of candidates for this doc, so bump never overflows. */
	size_t bound = d->links_to.n + d->cited_by.n + 2 * RELATED_LOGIC_WINDOW + 1;
	const struct ptrs *via = back_list(d, via_kind(kind));
	for (size_t j = 0; j < via->n; j++) {
		size_t t = ((const struct doc *)via->v[j])->index;
		bound += job->via_first[t + 1] - job->via_first[t];
	}
	if (bound > *cap) {
		*cap = bound;
		sc->touched = xrealloc(sc->touched, *cap * sizeof *sc->touched);
	}
	for (size_t j = 0; j < via->n; j++) {
		size_t t = ((const struct doc *)via->v[j])->index;
		for (size_t k = job->via_first[t]; k < job->via_first[t + 1]; k++)
			if (job->via_index[k] != d->index)
				bump(sc, job->via_index[k], 4);
	}
	const struct ptrs *links[2] = {&d->links_to, &d->cited_by};
	for (int l = 0; l < 2; l++)
		for (size_t k = 0; k < links[l]->n; k++) {
			struct doc *o = links[l]->v[k];
			if (o->kind == kind && o != d)
				bump(sc, o->index, 2);
		}
	if (d->logic) {
		const struct ptrs *same = &d->logic->docs;
		/* logic->docs is in series order: find d by bisection. */
		struct doc **hit = bsearch(&d, same->v, same->n, sizeof *same->v,
					   compare_doc_ptrs);
		size_t at = hit ? (size_t)((void **)hit - same->v) : 0;
		size_t lo = at > RELATED_LOGIC_WINDOW ? at - RELATED_LOGIC_WINDOW : 0;
		/*
		 * A project's kind may carry a logique too: its documents share
		 * the list, and are no candidates (nor may they be scored here,
		 * where the index is the position among this kind's documents).
		 */
		for (size_t k = lo; k < same->n && k <= at + RELATED_LOGIC_WINDOW; k++) {
			struct doc *o = same->v[k];
			if (o != d && o->kind == kind)
				bump(sc, o->index, 0);
		}
	}
	/*
	 * The best RELATED_KEEP in compare_scored's order, picked in one pass
	 * (sorting every candidate was most of this function's cost): a
	 * candidate goes after those it does not beat, so ties keep the
	 * order of the candidates, as the stable sort did. A candidate is
	 * read by its index; its struct doc only when its score ties.
	 */
	struct scored best[RELATED_KEEP];
	size_t m = 0;
	for (size_t k = 0; k < sc->ntouched; k++) {
		size_t oi = sc->touched[k];
		size_t score = sc->score[oi] - 1;
		sc->score[oi] = 0;
		if (d->logic && d->logic == job->logic[oi])
			score += 3;
		score += shared_publics(job, d, oi);
		if (score < 3)
			continue;
		struct scored c = {docs[oi], score};
		size_t at = m;
		while (at > 0 && compare_scored(&c, &best[at - 1]) < 0)
			at--;
		if (at == RELATED_KEEP)
			continue;
		if (m < RELATED_KEEP)
			m++;
		memmove(&best[at + 1], &best[at], (m - 1 - at) * sizeof *best);
		best[at] = c;
	}
	for (size_t j = 0; j < m; j++)
		ptrs_add(&d->related, best[j].doc);
}

/* Run r of derive_related: documents [r * RELATED_RUN, (r + 1) * RELATED_RUN). */
static void related_run(void *ctx, size_t r)
{
	struct related_job *j = ctx;
	size_t n = j->s->ndocs[j->kind];
	struct scorer sc = {xcalloc(n, sizeof *sc.score), NULL, 0};
	size_t cap = 64;
	sc.touched = xcalloc(cap, sizeof *sc.touched);
	size_t end = (r + 1) * RELATED_RUN < n ? (r + 1) * RELATED_RUN : n;
	for (size_t i = r * RELATED_RUN; i < end; i++)
		related_of(j, j->s->docs[j->kind][i], &sc, &cap);
	free(sc.touched);
	free(sc.score);
}

/* Run r of the publics' bits: documents [r * RELATED_RUN, (r + 1) * RELATED_RUN). */
static void bits_run(void *ctx, size_t r)
{
	struct related_job *j = ctx;
	const struct site *s = j->s;
	size_t n = s->ndocs[j->kind];
	size_t end = (r + 1) * RELATED_RUN < n ? (r + 1) * RELATED_RUN : n;
	uintptr_t base = (uintptr_t)s->publics;
	for (size_t i = r * RELATED_RUN; i < end; i++) {
		const struct ptrs *p = &s->docs[j->kind][i]->publics;
		uint64_t bits = 0;
		int exact = 1;
		for (size_t k = 0; k < p->n && exact; k++) {
			uintptr_t at = (uintptr_t)p->v[k];
			size_t t = (at - base) / sizeof *s->publics;
			exact = at >= base && (at - base) % sizeof *s->publics == 0 &&
				t < s->npublics && t < 64 && !(bits >> t & 1);
			if (exact)
				bits |= (uint64_t)1 << t;
		}
		j->publics_bits[i] = bits;
		j->bits_exact[i] = (unsigned char)exact;
		j->logic[i] = s->docs[j->kind][i]->logic;
	}
}

/* Run r of the candidates' indexes: documents [r * RELATED_RUN, (r + 1) * RELATED_RUN) of the other kind. */
static void via_run(void *ctx, size_t r)
{
	struct related_job *j = ctx;
	enum doc_kind other = via_kind(j->kind);
	size_t n = j->s->ndocs[other];
	size_t end = (r + 1) * RELATED_RUN < n ? (r + 1) * RELATED_RUN : n;
	for (size_t t = r * RELATED_RUN; t < end; t++) {
		const struct ptrs *back = back_list(j->s->docs[other][t], j->kind);
		size_t at = j->via_first[t];
		for (size_t k = 0; at < j->via_first[t + 1]; k++)
			j->via_index[at++] = ((const struct doc *)back->v[k])->index;
	}
}

static void derive_related(struct site *s, enum doc_kind kind)
{
	size_t n = s->ndocs[kind];
	if (n < 2)
		return;
	struct related_job j = {s, kind, xcalloc(n, sizeof *j.publics_bits), xcalloc(n, 1),
				xcalloc(n, sizeof *j.logic), NULL, NULL};
	enum doc_kind other = via_kind(kind);
	size_t nvia = s->ndocs[other];
	j.via_first = xcalloc(nvia + 1, sizeof *j.via_first);
	for (size_t t = 0; t < nvia; t++) {
		size_t len = back_list(s->docs[other][t], kind)->n;
		j.via_first[t + 1] = j.via_first[t] + (len <= RELATED_MAX_FANOUT ? len : 0);
	}
	j.via_index = xmalloc((j.via_first[nvia] ? j.via_first[nvia] : 1) * sizeof *j.via_index);
	size_t runs = (n + RELATED_RUN - 1) / RELATED_RUN;
	pool_for(0, runs, bits_run, &j);
	pool_for(0, (nvia + RELATED_RUN - 1) / RELATED_RUN, via_run, &j);
	pool_for(0, runs, related_run, &j);
	free(j.publics_bits);
	free(j.bits_exact);
	free(j.logic);
	free(j.via_first);
	free(j.via_index);
}

struct sort_job {
	struct site *s;
	size_t first[DOC_KINDS + 1];  /* item of each kind's first document */
	size_t nkinds;
};

static void sort_one(void *ctx, size_t i)
{
	struct sort_job *j = ctx;
	size_t k = 0;
	while (i >= j->first[k + 1])
		k++;
	struct doc *d = j->s->docs[k][i - j->first[k]];
	sort_docs(&d->themes);
	sort_docs(&d->actions);
	sort_docs(&d->cited_by);
}

/*
 * Each document's themes, actions and cited_by sorted on every core, when
 * no front matter names documents: then nothing is added to these lists
 * after the first two loops of derive_all, and sorting them all first
 * gives what sorting each in turn does. Returns 0 (nothing sorted) when
 * some document has fm_docs: the loop sorts in turn, as the order of its
 * additions to cited_by requires.
 */
static int sort_lists_first(struct site *s)
{
	struct sort_job j = {.s = s, .nkinds = DOC_KINDS};
	for (size_t k = 0; k < j.nkinds; k++) {
		for (size_t i = 0; i < s->ndocs[k]; i++)
			if (s->docs[k][i]->fm_docs.n)
				return 0;
		j.first[k + 1] = j.first[k] + s->ndocs[k];
	}
	pool_for(0, j.first[j.nkinds], sort_one, &j);
	return 1;
}

void derive_all(struct site *s)
{
	for (int k = 0; k < DOC_KINDS; k++)
		for (size_t i = 0; i < s->ndocs[k]; i++)
			s->docs[k][i]->index = i;
	struct doc **actions = s->docs[DOC_ACTION], **themes = s->docs[DOC_THEME];
	for (size_t i = 0; i < s->ndocs[DOC_ACTION]; i++) {
		struct doc *a = actions[i];
		for (size_t j = 0; j < a->fm_themes.n; j++) {
			struct doc *t = a->fm_themes.v[j];
			ptrs_add_unique(&a->themes, t);
			ptrs_add_unique(&t->actions, a);
		}
	}
	for (size_t i = 0; i < s->ndocs[DOC_THEME]; i++) {
		struct doc *t = themes[i];
		for (size_t j = 0; j < t->links_to.n; j++) {
			struct doc *a = t->links_to.v[j];
			if (a->kind != DOC_ACTION)
				continue;
			ptrs_add_unique(&t->actions, a);
			ptrs_add_unique(&a->themes, t);
		}
	}
	int sorted = sort_lists_first(s);
	for (int k = 0; k < DOC_KINDS; k++) {
		struct doc *prev = NULL;
		for (size_t i = 0; i < s->ndocs[k]; i++) {
			struct doc *d = s->docs[k][i];
			if (!sorted) {
				sort_docs(&d->themes);
				sort_docs(&d->actions);
				sort_docs(&d->cited_by);
			}
			if (d->desc->list != LIST_PLAIN) {
				d->prev = prev;
				if (prev)
					prev->next = d;
				prev = d;
			}
			if (d->logic)
				ptrs_add(&d->logic->docs, d);
			for (size_t j = 0; j < d->publics.n; j++)
				ptrs_add(&((struct taxon *)d->publics.v[j])->docs, d);
			for (size_t j = 0; j < d->territories.n; j++)
				ptrs_add(&((struct taxon *)d->territories.v[j])->docs, d);
			if (d->carrier) {
				ptrs_add_unless_last(&d->carrier->actions, d);
			}
			for (size_t j = 0; j < d->contacts.n; j++)
				ptrs_add_unless_last(&((struct entry *)d->contacts.v[j])->actions, d);
			for (size_t j = 0; j < d->includes.n; j++) {
				struct doc *inc = d->includes.v[j];
				if (!inc->included_in)
					inc->included_in = d;
			}
			/* Documents a front-matter field names cite it back. */
			for (size_t j = 0; j < d->fm_docs.n; j++)
				ptrs_add_unique(&((struct doc *)d->fm_docs.v[j])->cited_by, d);
			for (size_t j = 0; j < d->glossary_used.n; j++)
				((struct entry *)d->glossary_used.v[j])->used = 1;
		}
	}
	derive_related(s, DOC_ACTION);
	derive_related(s, DOC_THEME);
}
