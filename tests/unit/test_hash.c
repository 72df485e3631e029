/*
 * Unit tests of the hashes: FNV-1a 64 (tables, old manifests) against the
 * published test vectors; XXH3 64 (fingerprints) against the library's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hash.h"

/*
 * From the FNV reference test suite (test_fnv.c, fnv1a_64_vector, in
 * http://www.isthe.com/chongo/src/fnv/): the empty string is the offset
 * basis itself.
 */
static const struct {
	const char *text;
	uint64_t want;
} vectors[] = {
	{"", UINT64_C(0xcbf29ce484222325)},
	{"a", UINT64_C(0xaf63dc4c8601ec8c)},
	{"foo", UINT64_C(0xdcb27518fed9d577)},
	{"foobar", UINT64_C(0x85944171f73967e8)},
	{"chongo was here!\n", UINT64_C(0x46810940eff5f915)},
};

static void test_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof vectors / sizeof *vectors; i++) {
		const char *t = vectors[i].text;
		assert_int_equal(hash_bytes(t, strlen(t)), vectors[i].want);
		assert_int_equal(hash_str(t), vectors[i].want);
	}
	assert_int_equal(HASH_FNV1A64_BASIS, UINT64_C(0xcbf29ce484222325));
}

static void test_continued(void **state)
{
	(void)state;
	/* FNV-1a in pieces is FNV-1a of the whole (what old manifests recorded). */
	assert_int_equal(hash_fnv1a_more(hash_bytes("foo", 3), "bar", 3), hash_bytes("foobar", 6));
	assert_int_equal(hash_fnv1a_more(HASH_FNV1A64_BASIS, "", 0), HASH_FNV1A64_BASIS);
	/* Bytes above 0x7f are hashed as unsigned. */
	assert_int_equal(hash_bytes("\xc3\xa9", 2), hash_str("é"));
	assert_true(hash_bytes("\xc3\xa9", 2) != hash_bytes("\x43\x29", 2));
}

/*
 * XXH3 64: the empty input's value from xxHash's own sanity check
 * (sanity_test_vectors.h: XXH3_64bits of no bytes, seed 0), so a
 * different XXH3 (or another hash) would be seen here.
 */
static void test_content(void **state)
{
	(void)state;
	assert_int_equal(hash_content("", 0), UINT64_C(0x2D06800538D394C2));
	/* Every length class of XXH3 (0-16, 17-128, 129-240, longer) tells bytes apart. */
	char a[1000], b[1000];
	for (size_t i = 0; i < sizeof a; i++)
		a[i] = b[i] = (char)(i * 7 + 3);
	size_t lens[] = {1, 3, 8, 16, 17, 100, 128, 129, 240, 241, 1000};
	for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
		size_t n = lens[i];
		assert_int_equal(hash_content(a, n), hash_content(b, n));
		b[n / 2] ^= 1;
		assert_true(hash_content(a, n) != hash_content(b, n));
		b[n / 2] ^= 1;
		assert_true(hash_content(a, n) != hash_content(a, n - 1));
	}
}

static void test_more(void **state)
{
	(void)state;
	/* hash_more: the piece under a seed; seeds and pieces both count. */
	uint64_t h = hash_more(HASH_FNV1A64_BASIS, "foo", 3);
	assert_int_equal(hash_more(HASH_FNV1A64_BASIS, "foo", 3), h);
	assert_true(hash_more(h, "bar", 3) != hash_more(h, "baz", 3));
	assert_true(hash_more(h, "bar", 3) != hash_more(h + 1, "bar", 3));
	assert_true(hash_more(h, "", 0) != h);
	assert_true(hash_more(hash_more(h, "foo", 3), "bar", 3) != hash_more(hash_more(h, "bar", 3), "foo", 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_continued),
		cmocka_unit_test(test_content),
		cmocka_unit_test(test_more),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
