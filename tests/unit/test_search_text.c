/*
 * Unit tests of the search index's plain text (html/search_text.c): white
 * space made one space, across the pieces it is given in; the HTML and
 * the plain text written in one pass; typo_apply_inert's inert spans
 * copied to both as they are.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "buf.h"
#include "search_text.h"
#include "typo.h"

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
/*
 * Writes into text (of size cap) at most most - 1 pieces of parts, drawn
 * from seed's sequence; returns the length written.
 */
static size_t random_text(unsigned *seed, const char *const *parts, size_t nparts, int most,
			  char *text, size_t cap)
{
	size_t len = 0;
	*seed = *seed * 1103515245u + 12345u;
	int nbits = (int)(*seed >> 16) % most;
	for (int k = 0; k < nbits; k++) {
		*seed = *seed * 1103515245u + 12345u;
		const char *bit = parts[(*seed >> 16) % nparts];
		size_t n = strlen(bit);
		assert_true(len + n <= cap);
		memcpy(text + len, bit, n);
		len += n;
	}
	return len;
}

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
			size_t len = random_text(&seed, parts, nparts, 24, text, sizeof text);
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

/* Where a typesetting goes, as html.c's renderer writes a body and its search text. */
struct sink {
	struct buf html, plain;
	size_t inert, lines;   /* the spans that came as TYPO_INERT, TYPO_INERT_LINES */
};

static void emit_both(void *ctx, enum typo_span kind, const char *s, size_t n)
{
	struct sink *k = ctx;
	if (kind == TYPO_SUPERSCRIPT)
		buf_puts(&k->html, "<sup>");
	search_text_put_html(&k->html, &k->plain, s, n);
	if (kind == TYPO_SUPERSCRIPT)
		buf_puts(&k->html, "</sup>");
}

static int white(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* As html.c's emit_typo_plain, checking what an inert span promises. */
static void emit_inert(void *ctx, enum typo_span kind, const char *s, size_t n)
{
	struct sink *k = ctx;
	if (kind < TYPO_INERT) {
		emit_both(ctx, kind, s, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		assert_null(strchr("&<>\"'", s[i] ? s[i] : 'a'));
		if (!white(s[i]))
			continue;
		assert_true(s[i] == ' ' || (s[i] == '\n' && kind == TYPO_INERT_LINES));
		assert_false(i + 1 < n && white(s[i + 1]));
		/* A first '\n' follows what went before (a superscript: « 1er\nmot »). */
		if (s[i] == '\n')
			assert_true(i + 1 < n && (i == 0 || !white(s[i - 1])));
	}
	k->inert += kind == TYPO_INERT;
	k->lines += kind == TYPO_INERT_LINES;
	search_text_put_inert(&k->html, &k->plain, s, n, kind == TYPO_INERT_LINES);
}

/*
 * Texts made of typography's pieces, escaped and white bytes, typeset in
 * runs of a block as the renderer does (the joined lines of a paragraph
 * among them): typo_apply_inert with its inert spans copied gives the
 * HTML and the search text that typo_apply and search_text_put_html give,
 * byte for byte, and the spans it calls inert hold what the kind says.
 */
static void test_put_inert(void **state)
{
	(void)state;
	static const char *const parts[] = {
		"a", "mot", "é", "Questions de réseaux", " ", "  ", "\n", "\t", "\r", " \n", "\n ",
		"&", "<", ">", "\"", "'", "l'", " ; ", ";", "!", "?", " :", ": ", "«", "»", "« ", " »",
		"...", "10 %", "5 km", "9 h 30", "1er", "XIXe", "2,5e", "3e", "http://a.b/?x=1&y='2'",
		"a@b.fr", "www.x.fr", "\xe2\x80\xaf", "\xc2\xa0", "\xe2\x82\xac", "0123456789abcdef",
		"x\ny", "fin.\nDebut", "\x01", "\xff",
	};
	const size_t nparts = sizeof parts / sizeof *parts;
	unsigned seed = 11;
	size_t inert = 0, lines = 0;
	for (int round = 0; round < 3000; round++) {
		struct sink want = {BUF_INIT, BUF_INIT, 0, 0}, got = {BUF_INIT, BUF_INIT, 0, 0};
		struct typo_state st_want = TYPO_STATE_INIT, st_got = TYPO_STATE_INIT;
		if (round % 3 == 1) {
			/* A block ended before: the text ends with a newline. */
			buf_puts(&want.plain, "avant\n");
			buf_puts(&got.plain, "avant\n");
		} else if (round % 3 == 2) {
			buf_puts(&want.plain, "avant");
			buf_puts(&got.plain, "avant");
		}
		for (int run = 0; run < 4; run++) {
			char text[1024];
			size_t len = random_text(&seed, parts, nparts, 12, text, sizeof text);
			typo_apply(text, len, &st_want, emit_both, &want);
			typo_apply_inert(text, len, &st_got, emit_inert, &got);
			assert_memory_equal(&st_got, &st_want, sizeof st_want);
			assert_string_equal(buf_cstr(&got.html), buf_cstr(&want.html));
			assert_string_equal(buf_cstr(&got.plain), buf_cstr(&want.plain));
			/* Something between runs, as an emphasis's tags. */
			buf_puts(&want.html, "<em>");
			buf_puts(&got.html, "<em>");
		}
		inert += got.inert;
		lines += got.lines;
		buf_free(&want.html);
		buf_free(&want.plain);
		buf_free(&got.html);
		buf_free(&got.plain);
	}
	/* The copies were made (without them the test proves nothing). */
	assert_true(inert > 1000);
	assert_true(lines > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spaces),
		cmocka_unit_test(test_after_block_end),
		cmocka_unit_test(test_put_html),
		cmocka_unit_test(test_put_inert),
	};
	return cmocka_run_group_tests_name("search_text", tests, NULL, NULL);
}
