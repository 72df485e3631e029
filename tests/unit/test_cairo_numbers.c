/*
 * Unit tests of pdf/cairo_numbers.c: its __snprintf_chk (what Cairo calls
 * for every number of a page) gives glibc's very bytes for the formats it
 * takes over, on random doubles of every magnitude, exact ties (rounded
 * half to even), negative values rounding to zero, and truncated buffers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairo_numbers.h"

int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...);

/* glibc's answer: vsnprintf does not go through __snprintf_chk. */
static int glibc(char *s, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(s, n, fmt, ap);
	va_end(ap);
	return r;
}

static uint64_t state = 88172645463325252ull;
static uint64_t next(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static void same(double d, int prec)
{
	char a[400], b[400];
	int ra = glibc(a, sizeof a, "%.*f", prec, d);
	int rb = __snprintf_chk(b, sizeof b, 1, sizeof b, "%.*f", prec, d);
	if (ra != rb || strcmp(a, b) != 0)
		fail_msg("%.17g with %d decimals: glibc %s, here %s", d, prec, a, b);
	if (prec == 6) {
		rb = __snprintf_chk(b, sizeof b, 1, sizeof b, "%f", d);
		assert_int_equal(ra, rb);
		assert_string_equal(a, b);
	}
	if (prec == 18) {
		rb = __snprintf_chk(b, sizeof b, 1, sizeof b, "%.18f", d);
		assert_int_equal(ra, rb);
		assert_string_equal(a, b);
	}
}

static void test_random_doubles(void **st)
{
	(void)st;
	for (int i = 0; i < 100000; i++) {
		uint64_t bits = (next() & ((1ull << 52) - 1)) | (uint64_t)(next() % 140 + 1023 - 75) << 52 |
				(next() & 1) << 63;
		double d;
		memcpy(&d, &bits, sizeof d);
		same(d, (int)(next() % 19));
		/* Numbers as Cairo writes them: points with a few decimals. */
		same((double)((int64_t)(next() % 2000000) - 1000000) / 1000.0, (int)(next() % 19));
		/* Any bit pattern: NaN, infinities and huge values go to glibc. */
		bits = next();
		memcpy(&d, &bits, sizeof d);
		same(d, (int)(next() % 19));
	}
}

static void test_ties_and_edges(void **st)
{
	(void)st;
	const double v[] = {0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.0078125, -0.0078125, 0.125, 0.375, 5e-7,
			    -5e-7, 1e-320, 9.9999995, 999999.9999995, 9.2e18, 1e30, INFINITY, -INFINITY, NAN};
	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		for (int p = 0; p <= 18; p++)
			same(v[i], p);
	/* Odd multiples of 2^-k: the exact ties of every precision. */
	for (int k = 1; k <= 40; k++)
		for (long j = 1; j < 700; j += 2)
			for (int p = 0; p <= 18; p++) {
				same(ldexp((double)j, -k), p);
				same(-ldexp((double)j, -k), p);
			}
}

static void test_integers_and_truncation(void **st)
{
	(void)st;
	const int v[] = {0, 1, -1, 42, -999, 2147483647, -2147483647 - 1};
	char a[32], b[32];
	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		assert_int_equal(glibc(a, sizeof a, "%d", v[i]), __snprintf_chk(b, sizeof b, 1, sizeof b, "%d", v[i]));
		assert_string_equal(a, b);
	}
	for (int i = 0; i < 100000; i++) {
		int x = (int)next();
		assert_int_equal(glibc(a, sizeof a, "%d", x), __snprintf_chk(b, sizeof b, 1, sizeof b, "%d", x));
		assert_string_equal(a, b);
	}
	/* A short buffer keeps what fits, and the answer is the whole length. */
	for (size_t n = 0; n < 8; n++) {
		memset(a, 'x', sizeof a);
		memset(b, 'x', sizeof b);
		assert_int_equal(glibc(a, n, "%f", -123.456), __snprintf_chk(b, n, 1, sizeof b, "%f", -123.456));
		assert_memory_equal(a, b, sizeof a);
	}
	/* Other formats are glibc's. */
	assert_int_equal(__snprintf_chk(b, sizeof b, 1, sizeof b, "%s-%02x", "ab", 10), 5);
	assert_string_equal(b, "ab-0a");
}

/* The integer formats Cairo's output streams use, and their neighbours, against glibc. */
static void test_integer_formats(void **st)
{
	(void)st;
	static const char *const ints[] = {"%d", "%5d", "%05d", "%u", "%03o", "%o", "%04x", "%02x",
					   "%x", "%04X", "%X", "%12u", "%040d", "%41d"};
	static const char *const longs[] = {"%ld", "%010ld", "%lu", "%lx", "%020lX", "%3ld"};
	static const int widths[] = {0, 1, 2, 4, 7, 40, 41, -3};
	char a[64], b[64];
	for (int i = 0; i < 20000; i++) {
		uint64_t r = next();
		/* Small, large and extreme values, both signs. */
		int x = i % 4 == 0 ? (int)(r % 300) - 150 : i % 4 == 1 ? (int)r : i % 4 == 2 ? -2147483647 - 1 : 2147483647;
		long l = i % 3 == 0 ? (long)r : i % 3 == 1 ? (long)(r % 100000) - 50000 : (long)(-9223372036854775807L - 1);
		for (size_t k = 0; k < sizeof ints / sizeof *ints; k++) {
			assert_int_equal(glibc(a, sizeof a, ints[k], x), __snprintf_chk(b, sizeof b, 1, sizeof b, ints[k], x));
			assert_string_equal(a, b);
		}
		for (size_t k = 0; k < sizeof longs / sizeof *longs; k++) {
			assert_int_equal(glibc(a, sizeof a, longs[k], l), __snprintf_chk(b, sizeof b, 1, sizeof b, longs[k], l));
			assert_string_equal(a, b);
		}
		int w = widths[i % (int)(sizeof widths / sizeof *widths)];
		assert_int_equal(glibc(a, sizeof a, "%0*x", w, (unsigned)x),
				 __snprintf_chk(b, sizeof b, 1, sizeof b, "%0*x", w, (unsigned)x));
		assert_string_equal(a, b);
	}
	/* Truncated: what fits is kept, the answer is the whole length. */
	for (size_t n = 0; n < 12; n++) {
		memset(a, 'x', sizeof a);
		memset(b, 'x', sizeof b);
		assert_int_equal(glibc(a, n, "%010ld", 1234567L), __snprintf_chk(b, n, 1, sizeof b, "%010ld", 1234567L));
		assert_memory_equal(a, b, sizeof a);
	}
}

static void test_reached(void **st)
{
	(void)st;
	/* Linked into this program, Cairo's calls reach the definition. */
	assert_true(cairo_numbers_reached());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_doubles),
		cmocka_unit_test(test_ties_and_edges),
		cmocka_unit_test(test_integers_and_truncation),
		cmocka_unit_test(test_integer_formats),
		cmocka_unit_test(test_reached),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
