/*
 * Unit tests of the search index's plain text (html/search_text.c): white
 * space made one space, across the pieces it is given in; the HTML and
 * the plain text written in one pass.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "buf.h"
#include "search_text.h"

/* Puts each piece in turn, as the HTML renderer gives text runs. */
static void check(const char *const *pieces, size_t n, const char *want)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		search_text_put(&b, pieces[i], strlen(pieces[i]));
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static void test_spaces(void **state)
{
	(void)state;
	const char *one[] = {"  un\t\tdeux \n trois\r\f\v"};
	check(one, 1, "un deux trois ");
	const char *runs[] = {"", "a ", " ", "\n", "b", " c", "", "\td"};
	check(runs, 8, "a b c d");
	/* Only ASCII white space: U+00A0 and U+202F are kept as they are. */
	const char *nbsp[] = {"42\xc2\xa0%", " ", "Quoi\xe2\x80\xaf?"};
	check(nbsp, 3, "42\xc2\xa0% Quoi\xe2\x80\xaf?");
	const char *none[] = {""};
	check(none, 1, "");
}

static void test_after_block_end(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	search_text_put(&b, "fin", 3);
	search_text_block_end(&b);
	search_text_put(&b, " suite  ", 8);
	assert_string_equal(buf_cstr(&b), "fin\nsuite ");
	buf_free(&b);
}

/*
 * search_text_put_html gives what buf_put_html and search_text_put give
 * apart, piece after piece: entities and white space in the sixteen-byte
 * blocks and in the tail, at their edges, and runs across pieces.
 */
static void test_put_html(void **state)
{
	(void)state;
	static const char *const parts[] = {
		"a", "é", " ", "  ", "\t", "\n", "\r\f\v", "&", "<", ">", "\"", "'", "\x01",
		"\xe2\x80\xaf", "mot", "Questions de réseaux", "0123456789abcdef",
		/* Bytes the sixteen-byte test takes along with the special ones, copied to both. */
		"!", "%", "#$", "=",
	};
	const size_t nparts = sizeof parts / sizeof *parts;
	unsigned seed = 7;
	for (int round = 0; round < 400; round++) {
		struct buf html = BUF_INIT, plain = BUF_INIT, want_html = BUF_INIT, want_plain = BUF_INIT;
		buf_puts(&html, "<p>");
		buf_puts(&want_html, "<p>");
		if (round % 3 == 1) {
			/* A block ended before: the text ends with a newline. */
			buf_puts(&plain, "avant\n");
			buf_puts(&want_plain, "avant\n");
		}
		for (int piece = 0; piece < 6; piece++) {
			char text[512];
			size_t len = 0;
			seed = seed * 1103515245u + 12345u;
			int nbits = (int)(seed >> 16) % 24;
			for (int k = 0; k < nbits; k++) {
				seed = seed * 1103515245u + 12345u;
				const char *bit = parts[(seed >> 16) % nparts];
				memcpy(text + len, bit, strlen(bit));
				len += strlen(bit);
			}
			search_text_put_html(&html, &plain, text, len);
			buf_put_html(&want_html, text, len);
			search_text_put(&want_plain, text, len);
			assert_string_equal(buf_cstr(&html), buf_cstr(&want_html));
			assert_string_equal(buf_cstr(&plain), buf_cstr(&want_plain));
		}
		buf_free(&html);
		buf_free(&plain);
		buf_free(&want_html);
		buf_free(&want_plain);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spaces),
		cmocka_unit_test(test_after_block_end),
		cmocka_unit_test(test_put_html),
	};
	return cmocka_run_group_tests_name("search_text", tests, NULL, NULL);
}
