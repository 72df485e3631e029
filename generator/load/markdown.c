/*
 * Markdown stage: body text → cmark-gfm tree, headings, glossary usage.
 */
#include "markdown.h"
#include "buf.h"
#include "glossary.h"
#include "i18n.h"
#include "slug.h"
#include "xalloc.h"

#include <cmark-gfm-core-extensions.h>
#include <stdlib.h>
#include <string.h>

static const char *const extension_names[] = {"table", "strikethrough", "autolink",
					      "tagfilter"};

void markdown_init(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

static cmark_node *parse(const char *text, size_t len)
{
	cmark_parser *parser = cmark_parser_new(CMARK_OPT_FOOTNOTES);
	for (size_t i = 0; i < sizeof extension_names / sizeof *extension_names; i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(extension_names[i]);
		if (ext)
			cmark_parser_attach_syntax_extension(parser, ext);
	}
	cmark_parser_feed(parser, text, len);
	cmark_node *root = cmark_parser_finish(parser);
	cmark_parser_free(parser);
	return root;
}

cmark_node *markdown_parse_string(const char *text, size_t len)
{
	return parse(text, len);
}

static void plain_text(cmark_node *node, struct buf *out)
{
	for (cmark_node *c = cmark_node_first_child(node); c; c = cmark_node_next(c)) {
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			buf_puts(out, cmark_node_get_literal(c));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_putc(out, ' ');
			break;
		default:
			plain_text(c, out);
		}
	}
}

char *markdown_plain_text(cmark_node *node)
{
	struct buf out = BUF_INIT;
	plain_text(node, &out);
	return buf_detach(&out);
}

int markdown_line(const struct doc *doc, cmark_node *node)
{
	int line = cmark_node_get_start_line(node);
	/* Inline nodes carry no position in cmark-gfm: use the enclosing block's. */
	while (line == 0 && cmark_node_parent(node)) {
		node = cmark_node_parent(node);
		line = cmark_node_get_start_line(node);
	}
	return doc->body_offset + (line > 0 ? line : 1);
}

int markdown_col(cmark_node *node)
{
	int col = cmark_node_get_start_column(node);
	return col > 0 ? col : 1;
}

static void add_heading(struct doc *doc, cmark_node *node, size_t *cap)
{
	if (doc->nheadings == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		doc->headings = xrealloc(doc->headings, *cap * sizeof *doc->headings);
	}
	struct heading *h = &doc->headings[doc->nheadings];
	h->text = markdown_plain_text(node);
	h->level = cmark_node_get_heading_level(node);
	h->line = markdown_line(doc, node);
	char *base = slug_from_text(h->text, strlen(h->text));
	h->anchor = xstrdup(base);
	/* Repeated headings get -2, -3… so every anchor is unique in the page. */
	for (int n = 2;; n++) {
		int taken = 0;
		for (size_t i = 0; i < doc->nheadings && !taken; i++)
			taken = strcmp(doc->headings[i].anchor, h->anchor) == 0;
		if (!taken)
			break;
		free(h->anchor);
		h->anchor = xasprintf("%s-%d", base, n);
	}
	free(base);
	doc->nheadings++;
}

static void find_sigles(const struct site *s, struct doc *doc, const char *text)
{
	size_t n = strlen(text), start = 0, pos, len, which;
	while (gloss_index_find(s->gloss, text, n, start, &pos, &len, &which)) {
		ptrs_add_unique(&doc->glossary_used, &s->glossary[which]);
		start = pos + len;
	}
}

void markdown_parse_doc(const struct site *s, struct doc *doc, struct diag *d)
{
	doc->root = parse(doc->body, doc->body_len);
	size_t cap = 0;
	cmark_iter *it = cmark_iter_new(doc->root);
	cmark_event_type ev;
	int in_link = 0;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(node);
		if (type == CMARK_NODE_LINK) {
			in_link += ev == CMARK_EVENT_ENTER ? 1 : -1;
			continue;
		}
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (type) {
		case CMARK_NODE_HEADING:
			add_heading(doc, node, &cap);
			break;
		case CMARK_NODE_TEXT:
			if (!in_link && s->gloss)
				find_sigles(s, doc, cmark_node_get_literal(node));
			break;
		case CMARK_NODE_HTML_BLOCK:
		case CMARK_NODE_HTML_INLINE:
			if (!s->allow_html)
				diag_warning(d, doc->path, markdown_line(doc, node), markdown_col(node),
					     _("raw HTML is left out of the site (set 'allow_raw_html: true' in site.yaml to keep it)"));
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	/* The title and summary count too: a sigle in a title is marked up there. */
	if (s->gloss) {
		if (doc->title)
			find_sigles(s, doc, doc->title);
		if (doc->summary)
			find_sigles(s, doc, doc->summary);
	}
}
