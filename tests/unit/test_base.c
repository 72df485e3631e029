/* Unit tests of the base modules: slugs, paths, UTF-8, suggestions, diagnostics, HTML escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "path.h"
#include "slug.h"
#include "suggest.h"
#include "utf8.h"

static void check_slug(const char *in, const char *want)
{
	char *s = slug_from_text(in, strlen(in));
	assert_string_equal(s, want);
	assert_true(slug_is_valid(s));
	free(s);
}

/* Every ASCII byte between two letters: kept (a letter lowered, a digit) or a dash. */
static void test_slug_ascii_bytes(void **state)
{
	(void)state;
	for (int c = 1; c < 0x80; c++) {
		char in[4] = {'x', (char)c, 'y', 0};
		char want[4] = {'x', '-', 'y', 0};
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))
			want[1] = (char)c;
		else if (c >= 'A' && c <= 'Z')
			want[1] = (char)(c + 32);
		check_slug(in, want);
	}
}

static void test_slugs(void **state)
{
	(void)state;
	check_slug("Sur les habitants", "sur-les-habitants");
	check_slug("L'expertise des habitants", "l-expertise-des-habitants");
	check_slug("Économie de la débrouille", "economie-de-la-debrouille");
	check_slug("Qu'est-ce que cela produit ?", "qu-est-ce-que-cela-produit");
	check_slug("Œuvre « cœur » 13e", "oeuvre-coeur-13e");
	check_slug("???", "section");
	/* Cut at 128 bytes, within a word or at a dash (which goes). */
	char word[201], want[129];
	memset(word, 'A', 200);
	word[200] = 0;
	memset(want, 'a', 128);
	want[128] = 0;
	check_slug(word, want);
	memset(word, 'b', 127);
	memcpy(word + 127, " cde", 5);
	memset(want, 'b', 127);
	want[127] = 0;
	check_slug(word, want);
	assert_false(slug_is_valid("../etc"));
	assert_false(slug_is_valid("-a"));
	assert_false(slug_is_valid("A"));
	assert_false(slug_is_valid(""));
}

/* slug_prefix's first bytes are those of the whole slug, however the text goes on. */
static void check_slug_prefix(const char *in, size_t max, const char *want)
{
	char out[16];
	size_t len = slug_prefix(in, strlen(in), out, max);
	assert_true(len >= strlen(want));
	assert_memory_equal(out, want, strlen(want));
	char *whole = slug_from_text(in, strlen(in));
	size_t k = len < max ? len : max;
	assert_true(len >= max || strlen(whole) == len);
	assert_memory_equal(out, whole, k);
	free(whole);
}

static void test_slug_prefix(void **state)
{
	(void)state;
	check_slug_prefix("À compléter par l’équipe.", 8, "a-comple");
	check_slug_prefix("Œuvre « cœur »", 4, "oeuv");
	check_slug_prefix("  -- Le local", 8, "le-local");
	check_slug_prefix("TBD", 8, "tbd");
	check_slug_prefix("a ; b", 2, "a-");
	char out[4];
	assert_int_equal(slug_prefix("« ? »", strlen("« ? »"), out, 2), 0);
}

static void check_rel(const char *from, const char *to, const char *want)
{
	char *r = path_relative(from, to);
	assert_string_equal(r, want);
	free(r);
}

static void check_join(const char *a, const char *b, const char *want)
{
	char *j = path_join(a, b);
	assert_string_equal(j, want);
	free(j);
}

static void test_paths(void **state)
{
	(void)state;
	check_join("content/fiches-actions", "12-santal.md", "content/fiches-actions/12-santal.md");
	check_join("content/", "site.yaml", "content/site.yaml");
	check_join("", "site.yaml", "site.yaml");
	check_join("/", "tmp", "/tmp");
	check_join("a", "", "a/");
	check_join("", "", "");
	check_join("a//", "/b", "a///b");
	check_rel("index.html", "fiches-actions/x.html", "fiches-actions/x.html");
	check_rel("fiches-actions/x.html", "fiches-thematiques/y.html", "../fiches-thematiques/y.html");
	check_rel("fiches-actions/x.html", "fiches-actions/z.html", "z.html");
	check_rel("a/b/c.html", "index.html", "../../index.html");
	check_rel("fiches-actions/x.html", "fiches-actions/x.html#s", "x.html#s");
	assert_true(path_is_safe("a/b.html"));
	assert_false(path_is_safe("../a"));
	assert_false(path_is_safe("a/../b"));
	assert_false(path_is_safe("/etc/passwd"));
	assert_false(path_is_safe("a//b"));
	assert_false(path_is_safe("a/./b"));
	assert_false(path_is_safe("a\\b"));
	assert_false(path_is_safe(""));
}

static void test_utf8(void **state)
{
	(void)state;
	size_t bad;
	assert_true(utf8_valid("é«»", strlen("é«»"), &bad));
	assert_false(utf8_valid("a\xC3(", 3, &bad));
	assert_int_equal(bad, 1);
	assert_false(utf8_valid("\xC0\xAF", 2, &bad)); /* overlong '/' */
	assert_false(utf8_valid("\xED\xA0\x80", 3, &bad)); /* surrogate */
	assert_false(utf8_valid("a\0b", 3, &bad));
	assert_int_equal(bad, 1);
	char text[] = "\xEF\xBB\xBF" "a\r\nb\rc";
	size_t n = utf8_normalise_input(text, strlen(text));
	assert_int_equal(n, 5);
	assert_memory_equal(text, "a\nb\nc", 5);
	/* Past the eight-byte ASCII blocks: a NUL, a stray byte, a BOM and CR far in. */
	assert_false(utf8_valid("abcdefgh\0ijklmnop", 17, &bad));
	assert_int_equal(bad, 8);
	assert_false(utf8_valid("abcdefghijklmn\xC3(", 16, &bad));
	assert_int_equal(bad, 14);
	assert_true(utf8_valid("abcdefghé«»ijklmnopqrstu", strlen("abcdefghé«»ijklmnopqrstu"),
			       &bad));
	char far[] = "\xEF\xBB\xBF" "abcdefghijkl\r\nmnop";
	n = utf8_normalise_input(far, strlen(far));
	assert_int_equal(n, 17);
	assert_memory_equal(far, "abcdefghijkl\nmnop", 18);
	char plain[] = "\xEF\xBB\xBF" "no return";
	n = utf8_normalise_input(plain, strlen(plain));
	assert_string_equal(plain, "no return");
	assert_int_equal(n, 9);
	int line, col;
	utf8_line_col("ab\néé x", 8, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 4);
}

static void test_suggest(void **state)
{
	(void)state;
	const char *ids[] = {"cadre-de-vie", "expertise-des-habitants", "economie"};
	assert_string_equal(suggest_closest("cadre-de-vi", ids, 3), "cadre-de-vie");
	assert_null(suggest_closest("zzzzzz", ids, 3));
	assert_int_equal(suggest_distance("kitten", "sitting", 10), 3);
}

static void test_diag(void **state)
{
	(void)state;
	struct diag *d = diag_new();
	diag_warning(d, "b.md", 3, 1, "second");
	diag_error(d, "a.md", 10, 2, "first %d", 1);
	diag_warning(d, "a.md", 2, 5, "zero");
	assert_int_equal(diag_errors(d), 1);
	char *s = diag_to_string(d);
	assert_string_equal(s, "a.md:2:5: warning: zero\na.md:10:2: error: first 1\nb.md:3:1: warning: second\n");
	free(s);
	diag_set_strict(d, 1);
	assert_int_equal(diag_errors(d), 3);
	diag_free(d);
}

/* Escapes at the first and last byte, side by side, and none at all. */
static void test_html_escape(void **state)
{
	(void)state;
	static const struct { const char *in, *want; } cases[] = {
		{"", ""},
		{"rien à échapper", "rien à échapper"},
		{"<a href=\"x\">l'été & co</a>", "&lt;a href=&quot;x&quot;&gt;l&#39;été &amp; co&lt;/a&gt;"},
		{"&&<<>>\"\"''", "&amp;&amp;&lt;&lt;&gt;&gt;&quot;&quot;&#39;&#39;"},
		{"é&", "é&amp;"},
		/* Longer than a 16-byte block: entities before, across and after blocks. */
		{"0123456789abcde<0123456789abcdef>0123456789abcdef0\"x'",
		 "0123456789abcde&lt;0123456789abcdef&gt;0123456789abcdef0&quot;x&#39;"},
		{"0123456789abcdef0123456789abcdef&", "0123456789abcdef0123456789abcdef&amp;"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf b = BUF_INIT;
		buf_puts(&b, "[");
		buf_put_html(&b, cases[i].in, strlen(cases[i].in));
		assert_string_equal(buf_cstr(&b) + 1, cases[i].want);
		buf_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slugs),
		cmocka_unit_test(test_slug_ascii_bytes),
		cmocka_unit_test(test_slug_prefix),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_diag),
		cmocka_unit_test(test_html_escape),
	};
	return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
