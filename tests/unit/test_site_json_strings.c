/*
 * site.json's strings (html/sitemap.c's put_jstr) are the bytes jansson's
 * json_dumps writes for them: the search for the bytes to escape looks at a
 * string's last bytes sixteen or eight at once, so every length up to three
 * blocks is tried with each kind of byte at each place, alone and after an
 * earlier escape (the search then starts inside the string).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The file itself, for its static put_jstr; its two entry points renamed. */
#define sitemap_site_json test_sitemap_site_json
#define sitemap_xml test_sitemap_xml
#include "../../generator/html/sitemap.c"
#undef sitemap_site_json
#undef sitemap_xml

/* s as put_jstr writes it must be s as jansson dumps it. */
static void assert_as_jansson(const char *s)
{
	json_t *j = json_string(s);
	assert_non_null(j);
	char *want = json_dumps(j, JSON_ENCODE_ANY);
	json_decref(j);
	assert_non_null(want);
	struct buf b = BUF_INIT;
	/* Something before, as in the file: the string is not the buffer's start. */
	buf_puts(&b, "x");
	put_jstr(&b, s);
	if (strcmp(buf_cstr(&b) + 1, want) != 0)
		fail_msg("\"%s\": wrote %s, jansson %s", s, buf_cstr(&b) + 1, want);
	buf_free(&b);
	free(want);
}

static void test_strings_as_jansson(void **state)
{
	(void)state;
	/* The bytes escaped (control characters, quote, backslash), one that is not. */
	static const char specials[] = {'"', '\\', '\n', '\t', '\x01', '\x1f', '\b', '\f', '\r'};
	char s[64];
	size_t tried = 0;
	for (size_t len = 0; len <= 48; len++) {
		/* A string of this length and nothing to escape, in a block of its own. */
		char *alone = malloc(len + 1);
		assert_non_null(alone);
		for (size_t i = 0; i < len; i++)
			alone[i] = (char)('a' + i % 26);
		alone[len] = '\0';
		assert_as_jansson(alone);
		free(alone);
		for (size_t at = 0; at < len; at++)
			for (size_t k = 0; k < sizeof specials; k++) {
				for (size_t i = 0; i < len; i++)
					s[i] = (char)('a' + (i * 7) % 26);
				s[len] = '\0';
				s[at] = specials[k];
				assert_as_jansson(s);
				/* And a second one after it, at each later place. */
				for (size_t then = at + 1; then < len; then++) {
					char keep = s[then];
					s[then] = specials[(k + then) % sizeof specials];
					assert_as_jansson(s);
					s[then] = keep;
					tried++;
				}
				/* UTF-8 beside it: bytes above 0x7f are not escaped. */
				if (at + 2 < len) {
					s[at + 1] = '\xc3';
					s[at + 2] = '\xa9';
					assert_as_jansson(s);
				}
				tried++;
			}
	}
	assert_true(tried > 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings_as_jansson),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
