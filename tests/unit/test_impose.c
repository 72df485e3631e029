/*
 * Unit tests for the saddle-stitch order (impose.c): every page appears
 * exactly once, facing pages of each folded sheet add up to n + 1, and the
 * first and last sheets match the printer's convention.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "impose.h"

static void padding(void **state)
{
	(void)state;
	assert_int_equal(impose_padded(0), 4);
	assert_int_equal(impose_padded(1), 4);
	assert_int_equal(impose_padded(4), 4);
	assert_int_equal(impose_padded(5), 8);
	assert_int_equal(impose_padded(13), 16);
}

static void eight_pages(void **state)
{
	(void)state;
	static const int want[4][2] = {{8, 1}, {2, 7}, {6, 3}, {4, 5}};
	for (int side = 0; side < 4; side++) {
		int l, r;
		impose_side(8, side, &l, &r);
		assert_int_equal(l, want[side][0]);
		assert_int_equal(r, want[side][1]);
	}
}

static void each_page_once(void **state)
{
	(void)state;
	for (int n = 4; n <= 64; n += 4) {
		int seen[65] = {0};
		for (int side = 0; side < n / 2; side++) {
			int l, r;
			impose_side(n, side, &l, &r);
			assert_true(l >= 1 && l <= n && r >= 1 && r <= n);
			assert_int_equal(l + r, n + 1);
			seen[l]++;
			seen[r]++;
		}
		for (int p = 1; p <= n; p++)
			assert_int_equal(seen[p], 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(padding),
		cmocka_unit_test(eight_pages),
		cmocka_unit_test(each_page_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
