/*
 * Unit tests of struct ptrs (model.c): ptrs_add_unique and ptrs_contains
 * give the same answers with and without the hash set a long list gets,
 * after the list is reordered in place, and for NULL items; doc_display_title
 * writes what printf did.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kind.h"
#include "model.h"

#define N 5000

static int compare_desc(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;
	return x < y ? 1 : x > y ? -1 : 0;
}

static void test_unique(void **state)
{
	(void)state;
	static char items[N];
	struct ptrs p = {0};
	/* Every item three times, interleaved: only the first of each stays, in order. */
	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < N; i++)
			ptrs_add_unique(&p, &items[(i * 7 + (size_t)round) % N]);
	assert_int_equal(p.n, N);
	assert_non_null(p.set);
	for (size_t i = 0; i < N; i++)
		assert_ptr_equal(p.v[i], &items[(i * 7) % N]);
	for (size_t i = 0; i < N; i++)
		assert_true(ptrs_contains(&p, &items[i]));
	static char other[4];
	assert_false(ptrs_contains(&p, &other[0]));
	assert_false(ptrs_contains(&p, NULL));
	/* Reordered in place, the set still answers. */
	qsort(p.v, p.n, sizeof *p.v, compare_desc);
	for (size_t i = 0; i < N; i++)
		assert_true(ptrs_contains(&p, &items[i]));
	/* Plain adds after the set exists keep it in step. */
	ptrs_add(&p, &other[1]);
	assert_true(ptrs_contains(&p, &other[1]));
	ptrs_add_unique(&p, &other[1]);
	assert_int_equal(p.n, N + 1);
	ptrs_free(&p);
	assert_null(p.v);
	assert_null(p.set);
	assert_int_equal(p.n, 0);
}

static void test_short_lists(void **state)
{
	(void)state;
	static char items[PTRS_SET_MIN];
	struct ptrs p = {0};
	ptrs_add(&p, NULL);
	assert_true(ptrs_contains(&p, NULL));
	for (size_t i = 0; i + 2 < PTRS_SET_MIN; i++)
		ptrs_add_unique(&p, &items[i]);
	ptrs_add_unique(&p, &items[0]);
	ptrs_add_unique(&p, &items[PTRS_SET_MIN - 2]);
	assert_int_equal(p.n, PTRS_SET_MIN);
	assert_null(p.set); /* short lists stay plain arrays */
	/* The next unique add builds the set; NULL, in v, is still found. */
	ptrs_add_unique(&p, &items[PTRS_SET_MIN - 1]);
	assert_non_null(p.set);
	assert_true(ptrs_contains(&p, NULL));
	assert_true(ptrs_contains(&p, &items[PTRS_SET_MIN - 1]));
	ptrs_add_unique(&p, &items[3]);
	ptrs_add_unique(&p, NULL);
	assert_int_equal(p.n, PTRS_SET_MIN + 1);
	ptrs_free(&p);
}

/* doc_display_title writes by hand what "%s %d · %s" printed. */
static void test_display_title(void **state)
{
	(void)state;
	static const int numbers[] = {0, 7, 42, 2026, -3, INT_MAX, INT_MIN};
	struct kind k = {0};
	k.label = "Fiche-action";
	k.list = LIST_NUMBERED;
	struct doc d = {0};
	d.desc = &k;
	d.title = "Maraude « de nuit »";
	for (size_t i = 0; i < sizeof numbers / sizeof *numbers; i++) {
		char want[128];
		d.number = numbers[i];
		snprintf(want, sizeof want, "%s %d · %s", k.label, d.number, d.title);
		char *got = doc_display_title(&d);
		assert_string_equal(got, want);
		free(got);
	}
	k.list = LIST_PLAIN;
	char *plain = doc_display_title(&d);
	assert_string_equal(plain, d.title);
	free(plain);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unique),
		cmocka_unit_test(test_short_lists),
		cmocka_unit_test(test_display_title),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
