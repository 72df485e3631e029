/* Unit tests of the link parser (xref_parse): schemes, anchors, unsafe URLs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "xref.h"

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
	};
	return cmocka_run_group_tests_name("xref", tests, NULL, NULL);
}
