/*
 * Unit tests for http_path_resolve: the request-path rules of
 * `fiches serve` (traversal, encodings, limits, index mapping).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http_path.h"

#include <stdlib.h>
#include <string.h>

/* Resolves target, checks the status and, when OK, the relative path. */
static void expect(const char *target, int status, const char *want)
{
	char *rel = (char *)1;
	int got = http_path_resolve(target, &rel);
	if (got != status)
		fail_msg("%s: status %d, expected %d", target, got, status);
	if (status == HTTP_PATH_OK) {
		assert_non_null(rel);
		assert_string_equal(rel, want);
	} else {
		assert_null(rel);
	}
	free(rel);
}

static void test_root_and_index(void **state)
{
	(void)state;
	expect("/", HTTP_PATH_OK, "index.html");
	expect("/actions/", HTTP_PATH_OK, "actions/index.html");
	expect("/actions", HTTP_PATH_OK, "actions");
	expect("/actions/x.html", HTTP_PATH_OK, "actions/x.html");
	expect("/pdf/a/b/c.pdf", HTTP_PATH_OK, "pdf/a/b/c.pdf");
}

static void test_query_and_fragment_ignored(void **state)
{
	(void)state;
	expect("/actions/x.html?y=1", HTTP_PATH_OK, "actions/x.html");
	expect("/?../../etc/passwd", HTTP_PATH_OK, "index.html");
	expect("/a.html#../x", HTTP_PATH_OK, "a.html");
	expect("/actions/?q=%00", HTTP_PATH_OK, "actions/index.html");
}

static void test_dot_segments(void **state)
{
	(void)state;
	expect("/..", HTTP_PATH_BAD, NULL);
	expect("/../etc/passwd", HTTP_PATH_BAD, NULL);
	expect("..", HTTP_PATH_BAD, NULL);
	expect("/a/../b", HTTP_PATH_BAD, NULL);
	expect("/a/..", HTTP_PATH_BAD, NULL);
	expect("/a/./b", HTTP_PATH_BAD, NULL);
	expect("/.", HTTP_PATH_BAD, NULL);
	expect("/./", HTTP_PATH_BAD, NULL);
	expect("/%2e%2e", HTTP_PATH_BAD, NULL);
	expect("/%2E%2e/", HTTP_PATH_BAD, NULL);
	expect("/%2e%2e/%2e%2e/etc/passwd", HTTP_PATH_BAD, NULL);
	expect("/.%2e/x", HTTP_PATH_BAD, NULL);
	expect("/a/%2e/b", HTTP_PATH_BAD, NULL);
	/* Hidden names are not served, but a later ".." is still an attack. */
	expect("/.git/config", HTTP_PATH_HIDDEN, NULL);
	expect("/a/.env", HTTP_PATH_HIDDEN, NULL);
	expect("/.git/../../x", HTTP_PATH_BAD, NULL);
	/* Dots inside names are ordinary. */
	expect("/a..b.html", HTTP_PATH_OK, "a..b.html");
	expect("/...", HTTP_PATH_HIDDEN, NULL);
}

static void test_absolute_and_empty_components(void **state)
{
	(void)state;
	expect("//etc/passwd", HTTP_PATH_BAD, NULL);
	expect("/a//b", HTTP_PATH_BAD, NULL);
	expect("///", HTTP_PATH_BAD, NULL);
	expect("", HTTP_PATH_BAD, NULL);
	expect("etc/passwd", HTTP_PATH_BAD, NULL);
	expect("http://example.org/", HTTP_PATH_BAD, NULL);
	expect("*", HTTP_PATH_BAD, NULL);
	expect("/%2f%2fetc/passwd", HTTP_PATH_BAD, NULL);
}

static void test_bad_escapes(void **state)
{
	(void)state;
	expect("/a%00b", HTTP_PATH_BAD, NULL);
	expect("/a%00", HTTP_PATH_BAD, NULL);
	expect("/%zz", HTTP_PATH_BAD, NULL);
	expect("/%", HTTP_PATH_BAD, NULL);
	expect("/a%", HTTP_PATH_BAD, NULL);
	expect("/a%2", HTTP_PATH_BAD, NULL);
	expect("/a%g0", HTTP_PATH_BAD, NULL);
	expect("/a%2fb", HTTP_PATH_BAD, NULL);
	expect("/a%2Fb", HTTP_PATH_BAD, NULL);
	expect("/a%5cb", HTTP_PATH_BAD, NULL);
	expect("/a%5Cb", HTTP_PATH_BAD, NULL);
	/* Decoded once only: %25 is a literal '%', not a second round. */
	expect("/a%252e%252e", HTTP_PATH_OK, "a%2e%2e");
	expect("/%41.html", HTTP_PATH_OK, "A.html");
	expect("/a%20b.html", HTTP_PATH_OK, "a b.html");
}

static void test_backslashes_and_controls(void **state)
{
	(void)state;
	expect("/a\\b", HTTP_PATH_BAD, NULL);
	expect("/..\\..\\etc\\passwd", HTTP_PATH_BAD, NULL);
	expect("\\", HTTP_PATH_BAD, NULL);
	expect("/a\tb", HTTP_PATH_BAD, NULL);
	expect("/a b", HTTP_PATH_BAD, NULL);
	expect("/a\x7f", HTTP_PATH_BAD, NULL);
	expect("/a%0d%0aSet-Cookie:x", HTTP_PATH_BAD, NULL);
	expect("/a%1b", HTTP_PATH_BAD, NULL);
	expect("/a%7f", HTTP_PATH_BAD, NULL);
}

static void test_utf8(void **state)
{
	(void)state;
	expect("/%C3%A9.html", HTTP_PATH_OK, "\xc3\xa9.html");
	expect("/%c3%a9t%c3%a9/", HTTP_PATH_OK, "\xc3\xa9t\xc3\xa9/index.html");
	/* Raw UTF-8 (some clients do not encode) is accepted as is. */
	expect("/\xc3\xa9.html", HTTP_PATH_OK, "\xc3\xa9.html");
	/* Invalid UTF-8: lone continuation, overlong '/', truncated sequence. */
	expect("/%80.html", HTTP_PATH_BAD, NULL);
	expect("/%C0%AF", HTTP_PATH_BAD, NULL);
	expect("/%C0%AE%C0%AE/x", HTTP_PATH_BAD, NULL);
	expect("/%C3", HTTP_PATH_BAD, NULL);
	expect("/%ED%A0%80", HTTP_PATH_BAD, NULL);
}

static void test_length(void **state)
{
	(void)state;
	char longest[HTTP_PATH_MAX + 2];
	longest[0] = '/';
	memset(longest + 1, 'a', HTTP_PATH_MAX - 1);
	longest[HTTP_PATH_MAX] = '\0';
	char *rel = NULL;
	assert_int_equal(http_path_resolve(longest, &rel), HTTP_PATH_OK);
	assert_int_equal(strlen(rel), HTTP_PATH_MAX - 1);
	free(rel);

	longest[HTTP_PATH_MAX] = 'a';
	longest[HTTP_PATH_MAX + 1] = '\0';
	expect(longest, HTTP_PATH_TOO_LONG, NULL);

	/* Length counts the path only: a long query is not the path's fault. */
	char *big = malloc(100000);
	assert_non_null(big);
	memcpy(big, "/a.html?", 8);
	memset(big + 8, 'q', 100000 - 9);
	big[100000 - 1] = '\0';
	expect(big, HTTP_PATH_OK, "a.html");
	memset(big, 'a', 100000 - 1);
	big[0] = '/';
	expect(big, HTTP_PATH_TOO_LONG, NULL);
	free(big);

	assert_int_equal(http_path_length("/a?b#c"), 2);
	assert_int_equal(http_path_length("/a#b?c"), 2);
	assert_int_equal(http_path_length("/abc"), 4);
}

/* Every byte value in every position: never crashes, never lets ".." through. */
static void test_exhaustive_pairs(void **state)
{
	(void)state;
	char target[8];
	for (int a = 1; a < 256; a++) {
		for (int b = 1; b < 256; b++) {
			target[0] = '/';
			target[1] = (char)a;
			target[2] = (char)b;
			target[3] = '\0';
			char *rel = NULL;
			int st = http_path_resolve(target, &rel);
			if (st == HTTP_PATH_OK) {
				assert_null(strstr(rel, ".."));
				assert_null(strchr(rel, '\\'));
				assert_true(rel[0] != '/');
			}
			free(rel);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_and_index),
		cmocka_unit_test(test_query_and_fragment_ignored),
		cmocka_unit_test(test_dot_segments),
		cmocka_unit_test(test_absolute_and_empty_components),
		cmocka_unit_test(test_bad_escapes),
		cmocka_unit_test(test_backslashes_and_controls),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_exhaustive_pairs),
	};
	return cmocka_run_group_tests_name("http_path", tests, NULL, NULL);
}
