/*
 * Unit tests of derive.c's related fiches: the publics two fiches share
 * are counted from bits when every public of both is among the site's
 * first 64, and from the lists otherwise (a fiche with the 70th public);
 * both ways must give the same scores, so the same related fiches in the
 * same order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "kind.h"
#include "model.h"
#include "xalloc.h"

#define NACTIONS 5
#define NPUBLICS 70

static struct doc *new_doc(const struct kind *k, enum doc_kind kind, const char *slug, int number)
{
	struct doc *d = xcalloc(1, sizeof *d);
	d->kind = kind;
	d->desc = k;
	d->slug = xstrdup(slug);
	d->number = number;
	return d;
}

static void expect_related(const struct doc *d, struct doc *a, struct doc *b, struct doc *c)
{
	assert_int_equal(d->related.n, 3);
	assert_ptr_equal(d->related.v[0], a);
	assert_ptr_equal(d->related.v[1], b);
	assert_ptr_equal(d->related.v[2], c);
}

static void test_related_publics(void **state)
{
	(void)state;
	struct kind numbered = {0};
	numbered.list = LIST_NUMBERED;
	struct site *s = xcalloc(1, sizeof *s);
	s->npublics = NPUBLICS;
	s->publics = xcalloc(NPUBLICS, sizeof *s->publics);
	struct doc *theme = new_doc(&numbered, DOC_THEME, "theme", 1);
	s->docs[DOC_THEME] = xcalloc(2, sizeof *s->docs[DOC_THEME]);
	s->docs[DOC_THEME][s->ndocs[DOC_THEME]++] = theme;
	/* Five actions of one theme: 4 points each pair, then 1 per public shared. */
	s->docs[DOC_ACTION] = xcalloc(NACTIONS + 1, sizeof *s->docs[DOC_ACTION]);
	struct doc *a[NACTIONS];
	for (int i = 0; i < NACTIONS; i++) {
		char slug[32];
		snprintf(slug, sizeof slug, "action-%d", i);
		a[i] = new_doc(&numbered, DOC_ACTION, slug, i + 1);
		ptrs_add(&a[i]->fm_themes, theme);
		s->docs[DOC_ACTION][s->ndocs[DOC_ACTION]++] = a[i];
	}
	struct taxon *p1 = &s->publics[1], *p2 = &s->publics[2], *p69 = &s->publics[69];
	/* a0 and a3 have the 70th public (lists); a1, a2 and a4 bits only. */
	ptrs_add(&a[0]->publics, p1);
	ptrs_add(&a[0]->publics, p2);
	ptrs_add(&a[0]->publics, p69);
	ptrs_add(&a[2]->publics, p1);
	ptrs_add(&a[2]->publics, p2);
	ptrs_add(&a[3]->publics, p69);
	ptrs_add(&a[4]->publics, p2);
	ptrs_add(&a[4]->publics, p1);
	derive_all(s);
	/* Ties in series order. a0: a2 and a4 share 2, a3 1 (the 70th), a1 none. */
	expect_related(a[0], a[2], a[4], a[3]);
	/* a1 shares none. */
	expect_related(a[1], a[0], a[2], a[3]);
	/* a2: a0 (lists) and a4 (bits) share 2; then a1 and a3 tie. */
	expect_related(a[2], a[0], a[4], a[1]);
	/* a3: a0 shares the 70th. */
	expect_related(a[3], a[0], a[1], a[2]);
	/* a4: a0 (lists) and a2 (bits) share 2. */
	expect_related(a[4], a[0], a[2], a[1]);
	for (int k = 0; k < DOC_KINDS; k++) {
		for (size_t i = 0; i < s->ndocs[k]; i++)
			doc_free(s->docs[k][i]);
		free(s->docs[k]);
	}
	for (size_t i = 0; i < NPUBLICS; i++)
		ptrs_free(&s->publics[i].docs);
	free(s->publics);
	free(s);
}

/*
 * A project's kind may carry a logique too (a taxon field on logics), so
 * a logique's documents mix kinds. An action's related fiches are
 * actions: the neighbours of another kind in its logique's window are
 * not candidates (they were scored in the actions' array at their own
 * kind's index, and one was listed as a related fiche-action).
 */
static void test_related_logic_other_kind(void **state)
{
	(void)state;
	struct kind numbered = {0};
	numbered.list = LIST_NUMBERED;
	enum doc_kind other = DOC_BUILTIN + 1;
	struct site *s = xcalloc(1, sizeof *s);
	struct taxon *logic = xcalloc(1, sizeof *logic);
	logic->is_logic = 1;
	s->docs[DOC_ACTION] = xcalloc(2, sizeof *s->docs[DOC_ACTION]);
	s->docs[other] = xcalloc(2, sizeof *s->docs[other]);
	struct doc *a0 = new_doc(&numbered, DOC_ACTION, "action-0", 1);
	struct doc *a1 = new_doc(&numbered, DOC_ACTION, "action-1", 2);
	struct doc *r = new_doc(&numbered, other, "ressource", 1);
	struct doc *all[] = {a0, a1, r};
	for (size_t i = 0; i < 3; i++) {
		all[i]->logic = logic;
		s->docs[all[i]->kind][s->ndocs[all[i]->kind]++] = all[i];
	}
	derive_all(s);
	/* Same logique: 3 points each way; the ressource is no fiche-action. */
	assert_int_equal(a0->related.n, 1);
	assert_ptr_equal(a0->related.v[0], a1);
	assert_int_equal(a1->related.n, 1);
	assert_ptr_equal(a1->related.v[0], a0);
	for (int k = 0; k < DOC_KINDS; k++) {
		for (size_t i = 0; i < s->ndocs[k]; i++)
			doc_free(s->docs[k][i]);
		free(s->docs[k]);
	}
	ptrs_free(&logic->docs);
	free(logic);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_related_publics),
		cmocka_unit_test(test_related_logic_other_kind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
