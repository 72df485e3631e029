/*
 * Unit tests for http_etag: the tags of `fiches serve`'s answers and the
 * If-None-Match rules (RFC 9110 §13.1.2: weak comparison, "*", lists).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http_etag.h"

#include <string.h>

static void test_make(void **state)
{
	(void)state;
	char plain[HTTP_ETAG_SIZE], gz[HTTP_ETAG_SIZE], other[HTTP_ETAG_SIZE];
	http_etag_make(plain, "", 0, 0);
	/* FNV-1a of no bytes is its offset basis. */
	assert_string_equal(plain, "\"0-cbf29ce484222325\"");
	http_etag_make(plain, "body{}", 6, 0);
	http_etag_make(gz, "body{}", 6, 1);
	http_etag_make(other, "body{ }", 7, 0);
	assert_int_equal(strncmp(plain, "\"6-", 3), 0);
	assert_string_not_equal(plain, gz);
	assert_int_equal(strncmp(gz, plain, strlen(plain) - 1), 0);
	assert_string_equal(gz + strlen(gz) - 4, "-gz\"");
	assert_string_not_equal(plain, other);
}

static void test_none_match(void **state)
{
	(void)state;
	const char *t = "\"6-00ff\"";
	assert_true(http_etag_none_match("\"6-00ff\"", t));
	assert_true(http_etag_none_match("W/\"6-00ff\"", t));
	assert_true(http_etag_none_match("\"a\", \"6-00ff\"", t));
	assert_true(http_etag_none_match(" \"a\" ,\t W/\"6-00ff\" , ", t));
	assert_true(http_etag_none_match("*", t));
	assert_true(http_etag_none_match("  *  ", t));
	assert_false(http_etag_none_match(NULL, t));
	assert_false(http_etag_none_match("", t));
	assert_false(http_etag_none_match("\"a\"", t));
	assert_false(http_etag_none_match("\"6-00ff-gz\"", t));
	assert_false(http_etag_none_match("\"6-00f\"", t));
	assert_false(http_etag_none_match("6-00ff", t));
	assert_false(http_etag_none_match("\"6-00ff", t));
	assert_false(http_etag_none_match("*, \"a\"", t));
	/* Malformed from the start of an entry: nothing after it matches. */
	assert_false(http_etag_none_match("\"a\" x, \"6-00ff\"", t));
	assert_false(http_etag_none_match("w/\"6-00ff\"", t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make),
		cmocka_unit_test(test_none_match),
	};
	return cmocka_run_group_tests_name("http_etag", tests, NULL, NULL);
}
