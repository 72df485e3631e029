/*
 * Unit tests of struct ptrs (model.c): ptrs_add_unique and ptrs_contains
 * give the same answers with and without the hash set a long list gets,
 * after the list is reordered in place, and for NULL items.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unique),
		cmocka_unit_test(test_short_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
