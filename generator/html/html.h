/*
 * Markdown tree → HTML fragment for one output page: French typography on
 * text, glossary sigles marked up (<abbr> linked to the glossary), internal
 * links made relative to the page, heading anchors, GFM tables, footnotes
 * and strikethrough; raw HTML left out unless the site allows it; URLs
 * escaped. Thread-safe: reads the model only.
 */
#ifndef FICHES_HTML_H
#define FICHES_HTML_H

#include "buf.h"
#include "model.h"

#include <cmark-gfm.h>

/* Renders doc's body as seen from the output page page_path. Appends to out. */
void html_render_doc(const struct site *s, const struct doc *doc, const char *page_path,
		     struct buf *out);

/*
 * A body as its own page shows it, rendered from the tree of the body's
 * first pass (bodies.h) so that it need not be parsed again: the HTML up
 * to its notes, and the sigles linked in it, whose definitions close the
 * page (html_put_body writes them, as html_render_doc does).
 */
struct html_body {
	char *html;           /* owned */
	size_t len;
	size_t *sigles;       /* indexes into site->glossary, ascending (owned) */
	size_t nsigles;
};

/*
 * Renders root, doc's resolved tree, as seen from doc->out_path. Thread-safe.
 * When texts is not NULL, the plain text of each section (search_text.h)
 * is appended to it as it is typeset, as a char * the caller owns: first
 * what comes before the first heading, then one per heading. When
 * what_to_do is not NULL, *what_to_do is what html_what_to_do(s, doc, root)
 * returns, cut from the same render (caller frees).
 */
void html_render_body(const struct site *s, const struct doc *doc, cmark_node *root,
		      struct html_body *body, struct ptrs *texts, char **what_to_do,
		      const char *const *abbr_titles);
/*
 * Per glossary entry of s, its expansion with French typography, escaped
 * for the title of a sigle's <abbr>: what html_render_body takes as
 * abbr_titles (NULL there: each render makes those it uses). Made once
 * for a build, shared by the renders of every thread; freed by
 * html_abbr_titles_free(titles, s->nglossary).
 */
char **html_abbr_titles(const struct site *s);
void html_abbr_titles_free(char **titles, size_t n);
/*
 * The « Comment faire ? » section of doc's body (PAGES_WHAT_TO_DO_ANCHOR)
 * as the « Que faire si… » page shows it: the HTML under that heading, up
 * to the next one of its level, the notes or the sigles' template, with
 * no ids and same-page links made links to doc's page. From root, doc's
 * resolved tree, or when NULL from doc's Markdown parsed again. NULL when
 * the body has no such section. Caller frees.
 */
char *html_what_to_do(const struct site *s, const struct doc *doc, cmark_node *root);

/* Appends what html_render_doc(s, doc, doc->out_path, out) appends, from body. */
void html_put_body(const struct site *s, const struct doc *doc, const struct html_body *body,
		   struct buf *out);
void html_body_free(struct html_body *body);

/*
 * Renders a standalone Markdown string (a summary, a data-file field) with
 * the same rules, inline only when inline is set (no <p>). Appends to out.
 */
void html_render_markdown(const struct site *s, const char *text, const char *page_path,
			  int inline_only, struct buf *out);

/*
 * Renders once, before the pages, the glossary definitions that pages carry
 * for their sigles (entry.sigle_html) when they are the same on every page.
 */
void html_prepare_glossary(struct site *s);

/* Plain text with French typography, HTML-escaped, ordinals in <sup>. Appends to out. */
void html_typo(const char *text, struct buf *out);
/* As html_typo, with a break opportunity (<wbr>) after a slash between two
 * words: for titles shown in the page, never inside <title> or attributes. */
void html_typo_breakable(const char *text, struct buf *out);
/*
 * As html_typo_breakable(text) into html, and in the same pass what
 * typo_plain(text) returns into plain (titles and headings: lists and the
 * search index show both).
 */
void html_typo_breakable_plain(const char *text, struct buf *html, struct buf *plain);

/*
 * A summary as lists show it, html_render_markdown(s, text, "", 1, html),
 * and what typo_plain(text) returns (the search index's), into plain: one
 * typesetting for both when the summary is one plain line without sigles.
 */
void html_render_summary(const struct site *s, const char *text, struct buf *html,
			 struct buf *plain);

/* The URL to write in page_path for an internal URL ("fiches:/x/y.html#a") or any other. Caller frees. */
char *html_url(const char *url, const char *page_path);

#endif
