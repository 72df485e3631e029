/*
 * Unit tests of the search index's plain text (html/search_text.c): white
 * space made one space, across the pieces it is given in.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spaces),
		cmocka_unit_test(test_after_block_end),
	};
	return cmocka_run_group_tests_name("search_text", tests, NULL, NULL);
}
