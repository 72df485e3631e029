/* Derived relations; see derive.h. All lists come out in series order. */
#include "derive.h"
#include "xalloc.h"

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

/*
 * Related fiches of the same kind: shared themes (or actions) weigh most,
 * then the same logic, then shared publics. At most three, none unrelated.
 */
static void derive_related(struct site *s, enum doc_kind kind)
{
	size_t n = s->ndocs[kind];
	if (n < 2)
		return;
	struct scored *v = xcalloc(n, sizeof *v);
	for (size_t i = 0; i < n; i++) {
		struct doc *d = s->docs[kind][i];
		size_t m = 0;
		for (size_t j = 0; j < n; j++) {
			struct doc *o = s->docs[kind][j];
			if (o == d)
				continue;
			size_t score = kind == DOC_ACTION ? 4 * shared(&d->themes, &o->themes) :
							    4 * shared(&d->actions, &o->actions);
			if (d->logic && d->logic == o->logic)
				score += 3;
			score += shared(&d->publics, &o->publics);
			score += 2 * (ptrs_contains(&d->links_to, o) + ptrs_contains(&o->links_to, d));
			if (score >= 3)
				v[m++] = (struct scored){o, score};
		}
		qsort(v, m, sizeof *v, compare_scored);
		for (size_t j = 0; j < m && j < 3; j++)
			ptrs_add(&d->related, v[j].doc);
	}
	free(v);
}

void derive_all(struct site *s)
{
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
	for (int k = 0; k < DOC_KINDS; k++) {
		struct doc *prev = NULL;
		for (size_t i = 0; i < s->ndocs[k]; i++) {
			struct doc *d = s->docs[k][i];
			sort_docs(&d->themes);
			sort_docs(&d->actions);
			sort_docs(&d->cited_by);
			if (k != DOC_PAGE) {
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
				ptrs_add_unique(&d->carrier->actions, d);
			}
			for (size_t j = 0; j < d->contacts.n; j++)
				ptrs_add_unique(&((struct entry *)d->contacts.v[j])->actions, d);
			for (size_t j = 0; j < d->includes.n; j++) {
				struct doc *inc = d->includes.v[j];
				if (!inc->included_in)
					inc->included_in = d;
			}
			for (size_t j = 0; j < d->glossary_used.n; j++)
				((struct entry *)d->glossary_used.v[j])->used = 1;
		}
	}
	derive_related(s, DOC_ACTION);
	derive_related(s, DOC_THEME);
}
