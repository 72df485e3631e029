/*
 * Unit tests of the value checks of lint_files.c (e-mail addresses, phone
 * numbers, web addresses, the intended name of an unread file) and of the
 * folding of diagnostics (diag_report_folded), the links and images
 * lint_body_links lists for xref (every one, in document order), and the
 * same nodes gathered by markdown_parse_doc's walk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "lint.h"
#include "lint_files.h"
#include "markdown.h"
#include "xalloc.h"

#include <cmark-gfm.h>

static void test_email(void **state)
{
	(void)state;
	assert_null(lint_email_problem("contact@centre-nord.example"));
	assert_null(lint_email_problem("a.b+c@sous.domaine.fr"));
	assert_null(lint_email_problem("élise@exemple.fr"));
	assert_non_null(lint_email_problem("contact@nuitcalme .org"));
	assert_non_null(lint_email_problem("contact@nuitcalme\xC2\xA0.org"));
	assert_non_null(lint_email_problem("contact.nuitcalme.org"));
	assert_non_null(lint_email_problem("a@@b.org"));
	assert_non_null(lint_email_problem("@b.org"));
	assert_non_null(lint_email_problem("a@b"));
	assert_non_null(lint_email_problem("a@b..org"));
	assert_non_null(lint_email_problem("a@b.org."));
	assert_non_null(lint_email_problem("a,b@b.org"));
	assert_non_null(lint_email_problem("a@b_c.org"));
}

static void test_phone(void **state)
{
	(void)state;
	assert_true(lint_is_phone("04 95 04 96 32"));
	assert_true(lint_is_phone("04.95.04.96.32"));
	assert_true(lint_is_phone("+33 (0)4 95 04 96 32"));
	assert_true(lint_is_phone("04\xC2\xA0" "95\xE2\x80\xAF" "04 96 32"));
	assert_true(lint_is_phone("3919"));
	assert_true(lint_is_phone("115"));
	assert_false(lint_is_phone("voir le site"));
	assert_false(lint_is_phone("04 95 O4 96 32"));
	assert_false(lint_is_phone("12"));
	assert_false(lint_is_phone("04 95 +33"));
	assert_false(lint_is_phone("1234567890123456"));
}

static void test_url(void **state)
{
	(void)state;
	assert_null(lint_url_problem("https://www.addap13.org"));
	assert_null(lint_url_problem("http://pmb.cereq.fr/doc_num.php?explnum_id=881"));
	assert_null(lint_url_problem("https://localhost:8000/x"));
	assert_non_null(lint_url_problem("https://www.tapaj org"));
	assert_non_null(lint_url_problem("https://"));
	assert_non_null(lint_url_problem("https:///chemin"));
	assert_non_null(lint_url_problem("https://intranet/page"));
	assert_non_null(lint_url_problem("https://www..org"));
	assert_non_null(lint_url_problem("https://ex_ample.org"));
}

static void test_url_space_after_host(void **state)
{
	(void)state;
	/* A space anywhere: the address breaks in a browser. */
	assert_non_null(lint_url_problem("https://exemple.org/mon fichier.pdf"));
}

static void expect_name(const char *name, const char *suffix, const char *want)
{
	char *got = lint_intended_name(name, suffix);
	if (!want) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_intended_name(void **state)
{
	(void)state;
	expect_name("02-maraude.MD", ".md", "02-maraude.md");
	expect_name("02-maraude.Md", ".md", "02-maraude.md");
	expect_name("02-maraude.md.txt", ".md", "02-maraude.md");
	expect_name("02-maraude.markdown", ".md", "02-maraude.md");
	expect_name("02-maraude.txt", ".md", "02-maraude.md");
	expect_name("02-maraude.docx", ".md", NULL);
	expect_name("atelier.yml", ".yaml", "atelier.yaml");
	expect_name("atelier.YAML", ".yaml", "atelier.yaml");
	expect_name("atelier.yaml.txt", ".yaml", "atelier.yaml");
}

static void test_folding(void **state)
{
	(void)state;
	struct diag *d = diag_new();
	diag_report_folded(d, DIAG_ERROR, "k", "b.md", 5, 1, "unknown theme 'x'");
	diag_report_folded(d, DIAG_ERROR, "k", "a.md", 9, 2, "unknown theme 'x'");
	diag_report_folded(d, DIAG_ERROR, "k", "a.md", 3, 4, "unknown theme 'x'");
	diag_report_folded(d, DIAG_ERROR, "other", "a.md", 1, 1, "unknown theme 'y'");
	diag_error(d, "a.md", 2, 1, "something else");
	assert_int_equal(diag_errors(d), 3);
	char *text = diag_to_string(d);
	assert_string_equal(text,
			    "a.md:1:1: error: unknown theme 'y'\n"
			    "a.md:2:1: error: something else\n"
			    "a.md:3:4: error: unknown theme 'x' (and 2 other references to it)\n");
	free(text);
	diag_free(d);
}

/* The links and images of root as cmark_iter enters them. */
static size_t iter_links(cmark_node *root, cmark_node **out, size_t max)
{
	size_t n = 0;
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(node);
		if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) && n < max)
			out[n++] = node;
	}
	cmark_iter_free(it);
	return n;
}

static void test_links_listed(void **state)
{
	(void)state;
	/* Links inside emphasis, a quote, a list and a table cell; an image inside a link; more than the list's stack holds. */
	struct buf md = BUF_INIT;
	buf_puts(&md, "Un [lien](action:a) et ![image](media/x.png), *[b](theme:b)*,\n"
		      "[![i](m.png)](page:c) [](action:vide)\n\n> [d](#x)\n\n- [e](https://exemple.org)\n\n");
	for (int i = 0; i < 150; i++)
		buf_printf(&md, "[%d](action:n%d) **![%d](i%d.png)** ", i, i, i, i);
	buf_puts(&md, "\n");
	struct site site = {0};
	struct doc doc = {0};
	doc.path = "content/actions/01-x.md";
	doc.body = (char *)buf_cstr(&md);
	doc.body_len = strlen(doc.body);
	cmark_node *root = cmark_parse_document(doc.body, doc.body_len, CMARK_OPT_DEFAULT);
	cmark_node *want[400];
	size_t nwant = iter_links(root, want, 400);
	assert_int_equal(nwant, 8 + 300);
	struct diag *d = diag_new();
	struct lint_nodes nodes;
	lint_nodes_init(&nodes);
	lint_body_links(&site, &doc, root, d, &nodes);
	size_t n = 0;
	for (size_t i = 0; i < nodes.n; i++) {
		if (nodes.v[i].type != CMARK_NODE_LINK && nodes.v[i].type != CMARK_NODE_IMAGE)
			continue;
		assert_true(n < nwant);
		assert_ptr_equal(nodes.v[i].node, want[n]);
		n++;
	}
	assert_int_equal(n, nwant);
	assert_int_equal(diag_warnings(d), 0);
	lint_nodes_free(&nodes);
	assert_int_equal(nodes.n, 0);
	diag_free(d);
	cmark_node_free(root);
	buf_free(&md);
}

/* The type and the text (or the address) of each node, one a line. */
static char *describe(const struct lint_nodes *nodes)
{
	struct buf out = BUF_INIT;
	for (size_t i = 0; i < nodes->n; i++) {
		cmark_node *node = nodes->v[i].node;
		assert_int_equal(nodes->v[i].type, cmark_node_get_type(node));
		const char *what = nodes->v[i].type == CMARK_NODE_TEXT ? cmark_node_get_literal(node) :
				   nodes->v[i].type == CMARK_NODE_LINK ||
						   nodes->v[i].type == CMARK_NODE_IMAGE ?
								     cmark_node_get_url(node) :
								     "";
		buf_printf(&out, "%s %d:%d %s\n", cmark_node_get_type_string(node),
			   cmark_node_get_start_line(node), cmark_node_get_start_column(node), what);
	}
	return buf_detach(&out);
}

static void test_parse_doc_gathers(void **state)
{
	(void)state;
	/*
	 * Texts with brackets inside and outside links and images, a
	 * level-1 heading and others, paragraphs, a table, footnote calls,
	 * raw HTML, and nesting cut for depth: the nodes markdown_parse_doc
	 * gathers are lint_body_links's, in the same order.
	 */
	struct buf md = BUF_INIT;
	buf_puts(&md, "# Titre [x]\n\n## Acteurs\n\nUn [lien [a]](action:a) et ![image [b]](media/x.png),\n"
		      "*[b](theme:b) texte [c] suivi*, [texte](cible avec espaces) et [^1].\n\n"
		      "[![i](m.png) ]](page:c) [](action:vide) <b>[gras]</b>\n\n"
		      "| a | b |\n|---|---|\n| [x](action:x) | ] |\n\n#Acteurs\n\n"
		      "> - [d](#x) [e]\n>   ### Sous [titre]\n\n~~[barré](action:z)~~ www.exemple.org\n\n");
	for (int i = 0; i < MARKDOWN_MAX_DEPTH + 10; i++)
		buf_puts(&md, "> ");
	buf_puts(&md, "[profond](action:p) ]\n\n");
	for (int i = 0; i < 70; i++)
		buf_printf(&md, "[%d](action:n%d) **![%d](i%d.png)** [%d] ", i, i, i, i, i);
	buf_puts(&md, "\n");
	markdown_init();
	struct site site = {0};
	struct doc doc = {0};
	doc.path = "content/actions/01-x.md";
	doc.body = (char *)buf_cstr(&md);
	doc.body_len = strlen(doc.body);
	struct diag *d = diag_new();
	struct lint_nodes gathered, walked;
	lint_nodes_init(&gathered);
	lint_nodes_init(&walked);
	cmark_node *root = markdown_parse_doc(&site, &doc, &gathered, d);
	lint_body_links(&site, &doc, root, d, &walked);
	assert_true(gathered.n > 64 * 2);
	char *a = describe(&gathered), *b = describe(&walked);
	assert_string_equal(a, b);
	assert_true(strstr(a, "heading 1:1 \n") != NULL);
	assert_true(strstr(a, "text 6:14  texte [c] suivi\n") != NULL);
	assert_true(strstr(a, "text 17:9 Sous [titre]\n") != NULL);
	assert_null(strstr(a, "[a]"));
	assert_null(strstr(a, "profond"));
	/* The table, the autolink: the extensions were on. */
	assert_true(strstr(a, "text 12:19 ]\n") != NULL);
	assert_true(strstr(a, "link 19:23 http://www.exemple.org\n") != NULL);
	free(a);
	free(b);
	lint_nodes_free(&gathered);
	lint_nodes_free(&walked);
	for (size_t i = 0; i < doc.nheadings; i++) {
		free(doc.headings[i].text);
		free(doc.headings[i].anchor);
	}
	free(doc.headings);
	ptrs_free(&doc.glossary_used);
	diag_free(d);
	cmark_node_free(root);
	buf_free(&md);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_url_space_after_host),
		cmocka_unit_test(test_intended_name),
		cmocka_unit_test(test_folding),
		cmocka_unit_test(test_links_listed),
		cmocka_unit_test(test_parse_doc_gathers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
