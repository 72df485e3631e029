/* Unit tests of the one hash: FNV-1a 64 against the published test vectors. */
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
	/* Hashing in pieces is hashing the whole. */
	assert_int_equal(hash_more(hash_bytes("foo", 3), "bar", 3), hash_bytes("foobar", 6));
	assert_int_equal(hash_more(HASH_FNV1A64_BASIS, "", 0), HASH_FNV1A64_BASIS);
	/* Bytes above 0x7f are hashed as unsigned. */
	assert_int_equal(hash_bytes("\xc3\xa9", 2), hash_str("é"));
	assert_true(hash_bytes("\xc3\xa9", 2) != hash_bytes("\x43\x29", 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_continued),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
