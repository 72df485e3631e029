/*
 * Unit tests of the link parser (xref_parse): schemes, anchors, unsafe
 * URLs, and every field the same as the parser it replaced (kept below as
 * ref_parse: a name lowered into a copy, then compared with each scheme)
 * on URLs made of every scheme in several cases, with blanks, anchors,
 * queries and .md paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "utf8.h"
#include "xref.h"

#include <stdio.h>

/* The parser before session 12, word for word. */
#define SCHEME(s) s, sizeof s - 1
static const struct {
	const char *name;
	size_t len;
	enum xref_scheme scheme;
} ref_schemes[] = {
	{SCHEME("javascript"), XREF_UNSAFE}, {SCHEME("vbscript"), XREF_UNSAFE},
	{SCHEME("data"), XREF_UNSAFE}, {SCHEME("file"), XREF_UNSAFE},
	{SCHEME("action"), XREF_ACTION}, {SCHEME("theme"), XREF_THEME},
	{SCHEME("guide"), XREF_GUIDE}, {SCHEME("page"), XREF_PAGE},
	{SCHEME("contact"), XREF_CONTACT}, {SCHEME("glossary"), XREF_GLOSSARY},
	{SCHEME("biblio"), XREF_BIBLIO},
	{SCHEME("http"), XREF_NONE}, {SCHEME("https"), XREF_NONE}, {SCHEME("mailto"), XREF_NONE},
	{SCHEME("tel"), XREF_NONE}, {SCHEME("ftp"), XREF_NONE}, {SCHEME("ftps"), XREF_NONE},
	{SCHEME("geo"), XREF_NONE}, {SCHEME("sms"), XREF_NONE},
};
#undef SCHEME

static int ref_ends_with_md(const char *s, size_t n)
{
	return n > 3 && memcmp(s + n - 3, ".md", 3) == 0;
}

static void ref_parse(const char *url, struct xref *out)
{
	memset(out, 0, sizeof *out);
	out->scheme = XREF_NONE;
	out->key = url;
	size_t n = strlen(url);
	/* Whitespace and control bytes before a scheme are how filters get fooled. */
	size_t start = 0;
	while (start < n && (unsigned char)url[start] <= ' ')
		start++;
	const char *u = url + start;
	size_t un = n - start;
	size_t i = 0;
	while (i < un && (ascii_isalnum(u[i]) || u[i] == '+' || u[i] == '-' || u[i] == '.' ||
			  u[i] == '\t' || u[i] == '\n'))
		i++;
	const char *hash = memchr(u, '#', un);
	if (i > 0 && i < un && u[i] == ':' && ascii_isalpha(u[0])) {
		char name[16];
		size_t k = 0;
		for (size_t j = 0; j < i && k < sizeof name - 1; j++)
			if (u[j] != '\t' && u[j] != '\n')
				name[k++] = (char)ascii_tolower(u[j]);
		name[k] = '\0';
		for (size_t j = 0; j < sizeof ref_schemes / sizeof *ref_schemes; j++) {
			if (ref_schemes[j].len != k || memcmp(name, ref_schemes[j].name, k) != 0)
				continue;
			enum xref_scheme sc = ref_schemes[j].scheme;
			if (sc == XREF_UNSAFE) {
				out->scheme = XREF_UNSAFE;
				return;
			}
			if (sc == XREF_NONE)
				return; /* an address */
			/* A tab or a newline inside the name: no cross-reference (nor an address). */
			if (i != k)
				break;
			out->scheme = sc;
			out->key = u + i + 1;
			out->key_len = hash ? (size_t)(hash - out->key) : un - i - 1;
			out->anchor = hash ? hash + 1 : u + un;
			out->anchor_len = hash ? (size_t)(u + un - hash - 1) : 0;
			return;
		}
		out->scheme = XREF_UNKNOWN;
		out->key = u;
		out->key_len = i;
		return;
	}
	size_t path_len = hash ? (size_t)(hash - u) : un;
	const char *q = memchr(u, '?', path_len);
	if (q)
		path_len = (size_t)(q - u);
	if (path_len && ref_ends_with_md(u, path_len) && !memchr(u, ':', path_len)) {
		out->scheme = XREF_MARKDOWN;
		out->key = u;
		out->key_len = path_len;
		out->anchor = hash ? hash + 1 : u + un;
		out->anchor_len = hash ? (size_t)(u + un - hash - 1) : 0;
	}
}

static void same_as_before(const char *url)
{
	struct xref got, want;
	xref_parse(url, &got);
	ref_parse(url, &want);
	if (got.scheme != want.scheme || got.key != want.key || got.key_len != want.key_len ||
	    got.anchor != want.anchor || got.anchor_len != want.anchor_len)
		fail_msg("'%s': scheme %d key %+td/%zu anchor %+td/%zu, before %d %+td/%zu %+td/%zu",
			 url, got.scheme, got.key - url, got.key_len,
			 got.anchor ? got.anchor - url : -1, got.anchor_len, want.scheme,
			 want.key - url, want.key_len, want.anchor ? want.anchor - url : -1,
			 want.anchor_len);
}

static void test_same_as_before(void **state)
{
	(void)state;
	static const char *const names[] = {
		"javascript", "vbscript", "data", "file", "action", "theme", "guide", "page",
		"contact", "glossary", "biblio", "http", "https", "mailto", "tel", "ftp", "ftps",
		"geo", "sms", "ressource", "actoin", "a", "x-y.z+1", "abcdefghijklmnop", "9action",
		"ACTION", "Theme", "GlOsSaRy", "HTTPS", "JavaScript", "act\tion", "the\nme", "\taction",
		"java\tscript", "abcdefghijklmn\to", ""};
	static const char *const rests[] = {":6", ":cadre-de-vie#comment-faire", ":x#", ":#a", ":",
					    "://exemple.org/a.md", ":a?b#c", "", "#anchor", ".md",
					    "/x.md#y", ":../a.md"};
	static const char *const heads[] = {"", " ", "\t ", "\x01"};
	char url[128];
	for (size_t h = 0; h < sizeof heads / sizeof *heads; h++)
		for (size_t n = 0; n < sizeof names / sizeof *names; n++)
			for (size_t r = 0; r < sizeof rests / sizeof *rests; r++) {
				snprintf(url, sizeof url, "%s%s%s", heads[h], names[n], rests[r]);
				same_as_before(url);
			}
	static const char *const others[] = {"../actions/06-x.md#acteurs", "06-x.md", "a.md?x=1",
					     "#section", "mailto:a@b.fr", "c:\\x.md", "x.md:y",
					     "", " ", "action", "action:", ":action"};
	for (size_t i = 0; i < sizeof others / sizeof *others; i++)
		same_as_before(others[i]);
}

static void expect(const char *url, enum xref_scheme scheme, const char *key, const char *anchor)
{
	struct xref x;
	xref_parse(url, &x);
	assert_int_equal(x.scheme, scheme);
	if (key) {
		assert_int_equal(x.key_len, strlen(key));
		assert_memory_equal(x.key, key, x.key_len);
	}
	if (anchor) {
		assert_int_equal(x.anchor_len, strlen(anchor));
		assert_memory_equal(x.anchor, anchor, x.anchor_len);
	}
}

static void test_schemes(void **state)
{
	(void)state;
	expect("action:6", XREF_ACTION, "6", "");
	expect("theme:cadre-de-vie#comment-faire", XREF_THEME, "cadre-de-vie", "comment-faire");
	expect("guide:introduction#contexte", XREF_GUIDE, "introduction", "contexte");
	expect("contact:reseaux-13", XREF_CONTACT, "reseaux-13", NULL);
	expect("glossary:CAARUD", XREF_GLOSSARY, "CAARUD", NULL);
	expect("biblio:roche-2013", XREF_BIBLIO, "roche-2013", NULL);
	expect("page:credits", XREF_PAGE, "credits", NULL);
	expect("../actions/06-x.md#acteurs", XREF_MARKDOWN, "../actions/06-x.md", "acteurs");
	expect("06-x.md", XREF_MARKDOWN, "06-x.md", "");
	expect("https://example.org/a.md", XREF_NONE, NULL, NULL);
	expect("mailto:a@b.fr", XREF_NONE, NULL, NULL);
	expect("#section", XREF_NONE, NULL, NULL);
	expect("actoin:6", XREF_UNKNOWN, "actoin", NULL);
}

static void test_unsafe(void **state)
{
	(void)state;
	expect("javascript:alert(1)", XREF_UNSAFE, NULL, NULL);
	expect("JavaScript:alert(1)", XREF_UNSAFE, NULL, NULL);
	expect(" javascript:alert(1)", XREF_UNSAFE, NULL, NULL);
	expect("java\tscript:alert(1)", XREF_UNSAFE, NULL, NULL);
	expect("vbscript:x", XREF_UNSAFE, NULL, NULL);
	expect("data:text/html,<script>", XREF_UNSAFE, NULL, NULL);
	expect("file:///etc/passwd", XREF_UNSAFE, NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schemes),
		cmocka_unit_test(test_unsafe),
		cmocka_unit_test(test_same_as_before),
	};
	return cmocka_run_group_tests_name("xref", tests, NULL, NULL);
}
