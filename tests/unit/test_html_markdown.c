/*
 * Unit tests of html_render_markdown's plain paragraphs (html/html.c): a
 * text that cmark-gfm would parse into one paragraph of one text node is
 * typeset without the parse. Against the same file compiled again with
 * HTML_ALWAYS_PARSE (its public functions renamed), which parses every
 * text: the same HTML for texts made of pieces that put Markdown syntax,
 * autolinks, sigles and typography's rules at every place; and for every
 * text taken without the parse, cmark-gfm's tree is that one text node.
 * html_render_summary and html_typo_breakable_plain, which typeset once
 * for the HTML and typo_plain's text, against the two done apart, and the
 * title's inert spans copied against every span escaped. Bodies
 * whose paragraphs have several lines, rendered with the lines of texts
 * without sigles typeset in one call (put_lines), against the same file's
 * render one text node and one soft break at a time (HTML_LINE_BY_LINE).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HTML_ALWAYS_PARSE
#define HTML_LINE_BY_LINE
#define html_url ref_html_url
#define html_typo ref_html_typo
#define html_typo_breakable ref_html_typo_breakable
#define html_abbr_titles ref_html_abbr_titles
#define html_abbr_titles_free ref_html_abbr_titles_free
#define html_prepare_glossary ref_html_prepare_glossary
#define html_render_doc ref_html_render_doc
#define html_what_to_do ref_html_what_to_do
#define html_render_body ref_html_render_body
#define html_put_body ref_html_put_body
#define html_body_free ref_html_body_free
#define html_render_markdown ref_html_render_markdown
#define html_render_summary ref_html_render_summary
#define html_typo_breakable_plain ref_html_typo_breakable_plain
#include "../../generator/html/html.c"
#undef html_url
#undef html_typo
#undef html_typo_breakable
#undef html_abbr_titles
#undef html_abbr_titles_free
#undef html_prepare_glossary
#undef html_render_doc
#undef html_what_to_do
#undef html_render_body
#undef html_put_body
#undef html_body_free
#undef html_render_markdown
#undef html_render_summary
#undef html_typo_breakable_plain
#undef HTML_ALWAYS_PARSE
#undef HTML_LINE_BY_LINE

/* The library's, which html.h declared under the names above. */
void html_render_markdown(const struct site *s, const char *text, const char *page_path,
			  int inline_only, struct buf *out);
void html_render_summary(const struct site *s, const char *text, struct buf *html,
			 struct buf *plain);
void html_typo_breakable_plain(const char *text, struct buf *html, struct buf *plain);
void html_render_body(const struct site *s, const struct doc *doc, cmark_node *root,
		      struct html_body *body, struct ptrs *texts, char **what_to_do,
		      const char *const *abbr_titles);
void html_body_free(struct html_body *body);

static const char *const sigles[] = {"CSAPA", "ARS", "TAT 13", "ÉTAPE"};
#define NSIGLES (sizeof sigles / sizeof *sigles)

/* A site with only a glossary of sigles (their expansions for <abbr>). */
static void site_with_glossary(struct site *s)
{
	memset(s, 0, sizeof *s);
	s->nglossary = NSIGLES;
	s->glossary = xcalloc(NSIGLES, sizeof *s->glossary);
	for (size_t i = 0; i < NSIGLES; i++) {
		struct entry *e = &s->glossary[i];
		e->kind = TARGET_GLOSSARY;
		e->id = xstrdup(sigles[i]);
		e->label = xstrdup(sigles[i]);
		e->anchor = xstrdup("sigle");
		e->out_path = xstrdup("glossaire.html");
		e->data = json_pack("{s:s}", "expansion", "l'expansion « d'un » sigle");
	}
	s->gloss = gloss_index_new(sigles, NSIGLES);
}

static void site_free_glossary(struct site *s)
{
	for (size_t i = 0; i < NSIGLES; i++) {
		struct entry *e = &s->glossary[i];
		free(e->id);
		free(e->label);
		free(e->anchor);
		free(e->out_path);
		json_decref(e->data);
	}
	free(s->glossary);
	gloss_index_free(s->gloss);
}

/* Pieces of summaries: prose, typography's rules, sigles, and Markdown's syntax. */
static const char *const pieces[] = {
	"Le ", "projet", " ", "  ", "l'action", "aujourd'hui", "CSAPA", "ARS ", "TAT 13", "ÉTAPE",
	"1er", "XIXe", "2nde", "« ", " »", "«", "»", "\"", "?", " ?", ";", " :", ":", "!", " !",
	"10 %", "5 km", "...", "é", "à ", "Ça", "www.x.fr", "WWW.", "http://a.b", "a@b.fr", "*",
	"_", "[", "]", "(", ")", "`", "&amp;", "&", "<b>", ">", "\n", "\t", "# ", "- ", "+ ",
	"1. ", "2) ", "|", "~", "^", "\\", "’", "'", "9 h 30", "=", "---", "’s", ", ", ".",
	"\xc2\xa0", "\xe2\x80\xaf", "/", "x/y", "{", "}", "$", "#",
};
#define NPIECES (sizeof pieces / sizeof *pieces)

static uint64_t rng = 0x9e3779b97f4a7c15u;

static size_t next_rand(size_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (size_t)(rng % n);
}

/* One paragraph of one text node, text itself (what plain_paragraph claims). */
static int parsed_as_one_text(const char *text)
{
	cmark_node *root = markdown_parse_string(text, strlen(text));
	cmark_node *p = cmark_node_first_child(root);
	cmark_node *t = p ? cmark_node_first_child(p) : NULL;
	int one = p && !cmark_node_next(p) && cmark_node_get_type(p) == CMARK_NODE_PARAGRAPH && t &&
		  !cmark_node_next(t) && cmark_node_get_type(t) == CMARK_NODE_TEXT &&
		  strcmp(cmark_node_get_literal(t), text) == 0;
	cmark_node_free(root);
	return one;
}

static void test_plain_paragraphs_as_parsed(void **state)
{
	(void)state;
	struct site s;
	site_with_glossary(&s);
	size_t plain = 0, total = 0;
	struct buf parsed_title = BUF_INIT;
	for (size_t round = 0; round < 40000; round++) {
		struct buf text = BUF_INIT;
		size_t k = 1 + next_rand(8);
		for (size_t i = 0; i < k; i++)
			buf_puts(&text, pieces[next_rand(NPIECES)]);
		const char *t = buf_cstr(&text);
		struct buf fast = BUF_INIT, parsed = BUF_INIT;
		html_render_markdown(&s, t, "actions/x.html", 1, &fast);
		ref_html_render_markdown(&s, t, "actions/x.html", 1, &parsed);
		if (strcmp(buf_cstr(&fast), buf_cstr(&parsed)) != 0)
			fail_msg("«%s»: «%s» without the parse, «%s» parsed", t, buf_cstr(&fast),
				 buf_cstr(&parsed));
		/* A summary: the same HTML, and typo_plain's text beside it. */
		struct buf summary = BUF_INIT, summary_plain = BUF_INIT;
		html_render_summary(&s, t, &summary, &summary_plain);
		assert_string_equal(buf_cstr(&summary), buf_cstr(&parsed));
		char *typeset = typo_plain(t, text.len);
		assert_string_equal(buf_cstr(&summary_plain), typeset);
		/* A title: html_typo_breakable's HTML, typo_plain's text. */
		struct buf title = BUF_INIT, title_plain = BUF_INIT;
		html_typo_breakable_plain(t, &title, &title_plain);
		ref_html_typo_breakable(t, &parsed_title);
		assert_string_equal(buf_cstr(&title), buf_cstr(&parsed_title));
		assert_string_equal(buf_cstr(&title_plain), typeset);
		/* The same from typo_apply's spans, every one escaped (none given as inert). */
		struct typo_state st = TYPO_STATE_INIT;
		struct buf escaped = BUF_INIT;
		typo_apply(t, text.len, &st, emit_title_typo, &escaped);
		assert_string_equal(buf_cstr(&title), buf_cstr(&escaped));
		buf_free(&escaped);
		free(typeset);
		buf_free(&summary);
		buf_free(&summary_plain);
		buf_free(&title);
		buf_free(&title_plain);
		buf_reset(&parsed_title);
		if (plain_paragraph(t, text.len)) {
			plain++;
			if (!parsed_as_one_text(t))
				fail_msg("«%s» taken as one text node, which cmark-gfm does not make", t);
		}
		total++;
		buf_free(&fast);
		buf_free(&parsed);
		buf_free(&text);
	}
	buf_free(&parsed_title);
	/* The pieces give both kinds in good numbers. */
	assert_true(plain > total / 20);
	assert_true(plain < total - total / 20);
	site_free_glossary(&s);
}

static void test_plain_paragraph_bounds(void **state)
{
	(void)state;
	assert_true(plain_paragraph("Le projet", 9));
	assert_true(plain_paragraph("Été 2016 : « Ça » ?", strlen("Été 2016 : « Ça » ?")));
	assert_false(plain_paragraph("", 0));
	assert_false(plain_paragraph(" Le", 3));
	assert_false(plain_paragraph("Le ", 3));
	assert_false(plain_paragraph("1. Le", 5));
	assert_false(plain_paragraph("Le\nprojet", 9));
	assert_false(plain_paragraph("Voir www.x.fr", 13));
	assert_false(plain_paragraph("Voir Www.x.fr", 13));
	assert_false(plain_paragraph("Voir http://x.fr", 16));
	assert_false(plain_paragraph("Attention !", 11));
	assert_true(parsed_as_one_text("Le projet : « x » ; 10 % ?"));
	assert_false(parsed_as_one_text("Voir *ceci*"));
}

/*
 * text parsed, its texts marked as markdown_parse_doc marks them: those
 * outside links in which s's glossary finds no sigle (none when s has no
 * glossary).
 */
static cmark_node *parsed_and_marked(const struct site *s, const char *text)
{
	cmark_node *root = markdown_parse_string(text, strlen(text));
	if (!s->gloss)
		return root;
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	int in_link = 0;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (cmark_node_get_type(n) == CMARK_NODE_LINK)
			in_link += ev == CMARK_EVENT_ENTER ? 1 : -1;
		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != CMARK_NODE_TEXT || in_link)
			continue;
		const char *lit = cmark_node_get_literal(n);
		size_t pos, len, which;
		if (!gloss_index_find(s->gloss, lit, strlen(lit), 0, &pos, &len, &which))
			cmark_node_set_user_data(n, GLOSS_NO_SIGLE);
	}
	cmark_iter_free(it);
	return root;
}

/* Renders text as a body, with its search texts joined into texts (one line each). */
static void render_as_body(const struct site *s, const struct doc *doc, const char *text, int by_line,
			   struct buf *html, struct buf *texts)
{
	cmark_node *root = parsed_and_marked(s, text);
	struct html_body body = {0};
	struct ptrs sections = {0};
	if (by_line)
		ref_html_render_body(s, doc, root, &body, &sections, NULL, NULL);
	else
		html_render_body(s, doc, root, &body, &sections, NULL, NULL);
	buf_put(html, body.html, body.len);
	for (size_t i = 0; i < sections.n; i++) {
		buf_puts(texts, sections.v[i]);
		buf_putc(texts, '|');
		free(sections.v[i]);
	}
	ptrs_free(&sections);
	html_body_free(&body);
	cmark_node_free(root);
}

static void test_lines_joined_as_one_by_one(void **state)
{
	(void)state;
	struct site with, without;
	site_with_glossary(&with);
	memset(&without, 0, sizeof without);
	struct doc doc;
	memset(&doc, 0, sizeof doc);
	doc.out_path = "actions/x.html";
	size_t joined = 0;
	for (size_t round = 0; round < 20000; round++) {
		/* Lines of pieces, most of them ending with a soft break. */
		struct buf text = BUF_INIT;
		size_t k = 2 + next_rand(16);
		for (size_t i = 0; i < k; i++) {
			buf_puts(&text, pieces[next_rand(NPIECES)]);
			if (next_rand(3) == 0)
				buf_putc(&text, '\n');
		}
		const char *t = buf_cstr(&text);
		const struct site *s = round % 2 ? &with : &without;
		/* Half of them read the nodes through the accessors. */
		markdown_use_direct_fields(round % 4 < 2);
		struct buf html = BUF_INIT, texts = BUF_INIT, ref = BUF_INIT, ref_texts = BUF_INIT;
		render_as_body(s, &doc, t, 0, &html, &texts);
		render_as_body(s, &doc, t, 1, &ref, &ref_texts);
		if (strcmp(buf_cstr(&html), buf_cstr(&ref)) != 0 ||
		    strcmp(buf_cstr(&texts), buf_cstr(&ref_texts)) != 0)
			fail_msg("«%s»: «%s» («%s») with the lines joined, «%s» («%s») one by one", t,
				 buf_cstr(&html), buf_cstr(&texts), buf_cstr(&ref), buf_cstr(&ref_texts));
		joined += strstr(t, "\n") != NULL;
		buf_free(&html);
		buf_free(&texts);
		buf_free(&ref);
		buf_free(&ref_texts);
		buf_free(&text);
	}
	markdown_use_direct_fields(1);
	assert_true(joined > 10000);
	site_free_glossary(&with);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_paragraph_bounds),
		cmocka_unit_test(test_plain_paragraphs_as_parsed),
		cmocka_unit_test(test_lines_joined_as_one_by_one),
	};
	return cmocka_run_group_tests_name("html_markdown", tests, NULL, NULL);
}
