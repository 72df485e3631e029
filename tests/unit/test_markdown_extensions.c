/*
 * markdown.c attaches to each parse only the syntax extensions its text
 * can need (a table needs a '|', strikethrough a '~', a footnote a '^',
 * an autolink "www.", "://" or '@'; a '&' may hide any of them). The trees
 * must be those of a parser with every extension: checked here, source
 * positions included, on texts that use each extension, that come close
 * to one without its byte, and with that byte taken out. The reference
 * parser's finish consolidates the tree twice (the library's, then
 * autolink's), markdown.c's once (cmark_special.c): the same trees, and
 * the second consolidation was indeed spared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmark_special.h"
#include "diag.h"
#include "lint.h"
#include "markdown.h"
#include "model.h"
#include "xalloc.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

static const char *const texts[] = {
	"| a | b |\n|---|---|\n| c | d |\n",
	"a | b\n--|--\nc | d\n",
	"~~barré~~ et ~simple~ et ~~~ pas fermé\n",
	"Voir www.exemple.org, WWW.EXEMPLE.ORG, https://tat.example/x?y=1 et ftp://f.example.\n",
	"Écrire à contact@exemple.org, mailto:a@b.example ou xmpp:c@d.example.\n",
	"Une note[^1] et une autre[^deux].\n\n[^1]: La première.\n[^deux]: La seconde.\n",
	"Appel sans note [^x], crochets [\\^y] et [^] vides.\n",
	"Entités : a&#64;b.example, &#126;&#126;x&#126;&#126;, [&#94;1] et &#124;\n\n[^1]: note\n",
	"www sans point, http:/ un seul trait, : deux points, wwww.x.example\n",
	"> Citation avec `code | pipe` et ~~barré~~\n>\n> - liste www.exemple.org\n",
	"```\n| pas un tableau |\n|---|\n```\n\n    ~~code~~\n",
	"*emphase* **forte** [lien](action:3) ![image](media/x.png) <span>html</span>\n",
	"Titre\n=====\n\n## Section\n\nTexte : avec des deux-points : partout.\n",
};

static char *full_xml(const char *text)
{
	cmark_parser *p = cmark_parser_new(CMARK_OPT_FOOTNOTES);
	static const char *const names[] = {"table", "strikethrough", "autolink", "tagfilter"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension(names[i]));
	cmark_parser_feed(p, text, strlen(text));
	cmark_node *root = cmark_parser_finish(p);
	char *x = cmark_render_xml(root, CMARK_OPT_SOURCEPOS);
	cmark_parser_free(p);
	cmark_node_free(root);
	return x;
}

/*
 * The text the library may be given: markdown.c writes a '[' followed by
 * "&#94;" as "&#91;^" because the library reads freed memory on the former
 * (test_caret_reference); the reference parser gets the same text, without
 * the read. The texts above hold no other form of the reference.
 */
static char *as_given(const char *text)
{
	char *out = malloc(strlen(text) + 1), *o = out;
	for (const char *p = text; *p;) {
		if (strncmp(p, "[&#94;", 6) == 0) {
			memcpy(o, "&#91;^", 6);
			o += 6;
			p += 6;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

static void same_tree(const char *text)
{
	cmark_node *root = markdown_parse_string(text, strlen(text));
	char *got = cmark_render_xml(root, CMARK_OPT_SOURCEPOS);
	cmark_node_free(root);
	char *given = strstr(text, "^") ? as_given(text) : NULL;
	char *want = full_xml(given ? given : text);
	free(given);
	if (strcmp(got, want) != 0)
		print_error("text: %s\n", text);
	assert_string_equal(got, want);
	free(got);
	free(want);
}

/* text without any of the bytes of drop (caller frees). */
static char *without(const char *text, const char *drop)
{
	char *out = malloc(strlen(text) + 1), *o = out;
	for (const char *p = text; *p; p++)
		if (!strchr(drop, *p))
			*o++ = *p;
	*o = '\0';
	return out;
}

static void test_same_trees(void **state)
{
	(void)state;
	markdown_init();
	unsigned long spared = cmark_special_spared();
	static const char *const drops[] = {"", "&", "&|", "&~", "&^", "&@", "&|~^@", "&:/"};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		for (size_t k = 0; k < sizeof drops / sizeof *drops; k++) {
			char *t = without(texts[i], drops[k]);
			same_tree(t);
			free(t);
		}
	/* All of them at once, in one document. */
	char all[4096] = "";
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		strcat(all, texts[i]);
		strcat(all, "\n");
	}
	for (size_t k = 0; k < sizeof drops / sizeof *drops; k++) {
		char *t = without(all, drops[k]);
		same_tree(t);
		free(t);
	}
	/* Where the library's own calls reach fiches' definitions (the proof of markdown.c). */
	if (markdown_inlines_in_parallel())
		assert_true(cmark_special_spared() > spared);
}

/*
 * markdown_parse_doc leaves the consolidation of texts and autolink's
 * e-mail pass to its own walk of the tree (markdown.c, merge_texts and
 * autolink_postprocess_unless_walked): its trees must be the library's,
 * source positions included, on e-mail addresses everywhere a text can
 * be, a link's text (left alone), an image's, several in one text, texts
 * the parser splits ('_', '*', '!', brackets, escapes, entities, line
 * ends), addresses that are not, and one text with more than the thousand
 * the library's pass goes through (the texts it makes are not passed
 * again).
 */
static void doc_trees(void)
{
	struct buf many = BUF_INIT;
	for (int i = 0; i < 1100; i++)
		buf_printf(&many, "n%d@x.example ", i);
	buf_puts(&many, "\n");
	const char *const docs[] = {
		"Écrire à contact@exemple.org ou à a.b+c@d-e.example, puis [x@y.example](mailto:x@y.example).\n",
		"![image de a@b.example](m.png) [lien a@b.example **c@d.example**](page:x) e@f.example\n",
		"*em a@b.example* et **fort_c@d.example_x** et `code@e.example` et e_f@g.example.\n",
		"# Titre a@b.example\n\n| a@b.example | c |\n|---|---|\n| [d@e.example](x) | f@g.example |\n",
		"pas@ @pas a@b @b.example a@b. a@.example a@b.example@c.example x@y.z. mailto:h@i.example\n",
		"> - a@b.example\n>   c@d.example ~~e@f.example~~ www.g.example h@i.example\n",
		"Adresse&#64;entité.example et a&#64;b.example et [a](b) c@d.example [e](f)\n",
		"Texte_coupé_ici [pas un lien] ! et \\*échappé\\* a\\_b@c.example * seul _ seul [^x] ] [\n"
		"ligne\\\nsuivante  \ndure &amp; &copy; `code` fin\n\n> [a [b] c](d) ![e [f] g](h) i_j_k\n",
		buf_cstr(&many),
	};
	struct site site = {0};
	for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
		struct doc *doc = xcalloc(1, sizeof *doc);
		doc->path = xstrdup("content/actions/01-x.md");
		doc->body = xstrdup(docs[i]);
		doc->body_len = strlen(docs[i]);
		struct diag *d = diag_new();
		struct lint_nodes nodes;
		lint_nodes_init(&nodes);
		cmark_node *root = markdown_parse_doc(&site, doc, &nodes, d);
		char *got = cmark_render_xml(root, CMARK_OPT_SOURCEPOS);
		char *want = full_xml(docs[i]);
		if (strcmp(got, want) != 0)
			print_error("text: %.200s\n", docs[i]);
		assert_string_equal(got, want);
		free(got);
		free(want);
		cmark_node_free(root);
		lint_nodes_free(&nodes);
		doc_free(doc);
		diag_free(d);
	}
	buf_free(&many);
}

static void test_doc_trees(void **state)
{
	(void)state;
	markdown_init();
	doc_trees();
}

/*
 * The walk reads cmark-gfm's node fields directly only once init has
 * proven their layout against the library's accessors: with Debian's
 * library the proof holds (else the speed is lost unnoticed), and the
 * accessors' way, taken when it fails, makes the same trees.
 */
static void test_doc_trees_through_accessors(void **state)
{
	(void)state;
	assert_int_equal(markdown_direct_fields(), 1);
	markdown_use_direct_fields(0);
	assert_int_equal(markdown_direct_fields(), 0);
	doc_trees();
	markdown_use_direct_fields(1);
	assert_int_equal(markdown_direct_fields(), 1);
}

/*
 * markdown_link_title gives each link's and image's title as the library's
 * accessor does, from the fields and through the accessors alike, with
 * its length ("" for none); the fields' bytes are not NUL-terminated.
 */
static void check_link_titles(void)
{
	static const char text[] =
		"[a](x) [b](y \"titre &amp; « suite »\") ![c](z 'u') [d](w ()) [e][r]\n"
		"<https://example.org> www.example.org a@b.example\n\n[r]: v (réf)\n";
	cmark_node *root = markdown_parse_string(text, sizeof text - 1);
	cmark_iter *it = cmark_iter_new(root);
	size_t seen = 0;
	for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (ev != CMARK_EVENT_ENTER || (t != CMARK_NODE_LINK && t != CMARK_NODE_IMAGE))
			continue;
		size_t len = SIZE_MAX;
		const char *mine = markdown_link_title(n, &len);
		const char *theirs = cmark_node_get_title(n);
		assert_int_equal(len, strlen(theirs));
		assert_memory_equal(mine, theirs, len);
		seen++;
	}
	cmark_iter_free(it);
	cmark_node_free(root);
	assert_int_equal(seen, 8);
}

static void test_link_titles(void **state)
{
	(void)state;
	assert_int_equal(markdown_direct_fields(), 1);
	check_link_titles();
	markdown_use_direct_fields(0);
	check_link_titles();
	markdown_use_direct_fields(1);
}

/*
 * markdown_url_room and markdown_url_set leave a link's or image's URL as
 * cmark_node_set_url does, from the fields and through the accessors
 * alike, over a URL of the parse or one set before.
 */
static void check_url_set(void)
{
	static const char text[] = "[a](x) ![b](y \"t\") <https://example.org> a@b.example\n";
	cmark_node *root = markdown_parse_string(text, sizeof text - 1);
	cmark_iter *it = cmark_iter_new(root);
	size_t seen = 0;
	for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (ev != CMARK_EVENT_ENTER || (t != CMARK_NODE_LINK && t != CMARK_NODE_IMAGE))
			continue;
		static const char *const urls[] = {"fiches:actions/a-1.html#b", "", "z"};
		for (size_t i = 0; i < sizeof urls / sizeof *urls; i++) {
			size_t len = strlen(urls[i]);
			char *room = markdown_url_room(n, len);
			memcpy(room, urls[i], len + 1);
			markdown_url_set(n, room, len);
			assert_string_equal(cmark_node_get_url(n), urls[i]);
		}
		seen++;
	}
	cmark_iter_free(it);
	cmark_node_free(root);
	assert_int_equal(seen, 4);
}

static void test_url_set(void **state)
{
	(void)state;
	assert_int_equal(markdown_direct_fields(), 1);
	check_url_set();
	markdown_use_direct_fields(0);
	check_url_set();
	markdown_use_direct_fields(1);
}

/* A '[' then a reference to '^': one text node "[^1]", read without error
 * (the sanitizer build catches the library's read of freed memory). */
static void test_caret_reference(void **state)
{
	(void)state;
	markdown_init();
	static const char *const texts_with_caret[] = {
		"[&#94;1]\n\n[^1]: note\n", "[&#x5E;1] et [&Hat;2]\n", "[&#0094;1] note[^a]\n\n[^a]: b\n",
	};
	static const char *const shown[] = {"[^1]", "[^1] et [^2]", "[^1] note"};
	for (size_t i = 0; i < sizeof texts_with_caret / sizeof *texts_with_caret; i++) {
		cmark_node *root = markdown_parse_string(texts_with_caret[i], strlen(texts_with_caret[i]));
		char *plain = cmark_render_plaintext(root, 0, 0);
		if (!strstr(plain, shown[i]))
			print_error("got: %s\n", plain);
		assert_non_null(strstr(plain, shown[i]));
		free(plain);
		cmark_node_free(root);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_trees),
		cmocka_unit_test(test_caret_reference),
		cmocka_unit_test(test_doc_trees),
		cmocka_unit_test(test_doc_trees_through_accessors),
		cmocka_unit_test(test_link_titles),
		cmocka_unit_test(test_url_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
