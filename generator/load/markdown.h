/*
 * Markdown stage: each document's body parsed with cmark-gfm and the
 * extensions it can need (table, strikethrough, autolink, footnotes), its
 * headings and their anchors collected, and the glossary sigles its text
 * uses. Positions are file positions: body line + the front matter's offset.
 */
#ifndef FICHES_MARKDOWN_H
#define FICHES_MARKDOWN_H

#include "diag.h"
#include "model.h"

#include <cmark-gfm.h>

/*
 * Blocks and inlines nested deeper than this (block quotes, lists,
 * emphasis) are cut from the tree; in a document it is an error.
 */
#define MARKDOWN_MAX_DEPTH 100

/* Registers the GFM extensions; call once before any thread parses. */
void markdown_init(void);

/*
 * 1 when documents' inline passes run in parallel: cmark-gfm's calls were
 * shown to reach the fix of cmark_special.c (markdown.c, init_once).
 */
int markdown_inlines_in_parallel(void);

/*
 * 1 when markdown_parse_doc's walk reads cmark-gfm's node fields directly:
 * init proved <cmark-gfm/node.h>'s layout against the library's accessors
 * (markdown.c, same_through_fields); 0 when it goes through the accessors.
 */
int markdown_direct_fields(void);

/*
 * A link's or image's title and its length in bytes: what
 * cmark_node_get_title gives, but read from the node's fields when they
 * are proven (markdown_direct_fields), without the library's copy of it
 * (an allocation per link, most titles being empty). The bytes are not
 * NUL-terminated then: use len. "" when the node has none.
 */
const char *markdown_link_title(cmark_node *node, size_t *len);

/*
 * A link's or image's new URL of len bytes, written by the caller into
 * markdown_url_room's len + 1 bytes (the last a NUL) then given to
 * markdown_url_set: the node's URL as cmark_node_set_url would leave it,
 * without the library's zeroed copy and strlen when the fields are proven
 * (the room is then the node's own memory); else through the accessor.
 */
char *markdown_url_room(cmark_node *link, size_t len);
void markdown_url_set(cmark_node *link, char *url, size_t len);

/*
 * For tests, with no parse under way: 0 makes the walk go through the
 * accessors, as when the proof fails; 1 reads the fields again, if proven.
 */
void markdown_use_direct_fields(int on);

/*
 * Parses doc->body, fills doc->headings and doc->glossary_used, and
 * returns the tree (caller frees with cmark_node_free, or with the arena
 * open on this thread: every parse below allocates in it, md_arena.h). Thread-safe for
 * distinct documents (reads s->gloss and s->glossary only). Raw HTML is
 * reported (a warning) unless the site allows it. Appends to *nodes
 * (lint.h, initialised by the caller) the nodes lint_body_nodes and
 * xref_check_body read, in document order.
 */
struct lint_nodes;
cmark_node *markdown_parse_doc(const struct site *s, struct doc *doc, struct lint_nodes *nodes,
			       struct diag *d);

/*
 * Parses doc's body again, as markdown_parse_doc did (same tree, same
 * limits), without checking or recording anything. Caller frees with
 * cmark_node_free.
 */
cmark_node *markdown_parse_body(const struct doc *doc);

/* Parses a standalone Markdown string (a summary, a data-file field). Caller frees with cmark_node_free. */
cmark_node *markdown_parse_string(const char *text, size_t len);

/* Plain text of a node's inline content (headings, link texts). Caller frees. */
char *markdown_plain_text(cmark_node *node);

/* The same, or NULL when it is longer than max bytes (found without making all of it). */
char *markdown_plain_text_max(cmark_node *node, size_t max);

/* File line of a node of doc. */
int markdown_line(const struct doc *doc, cmark_node *node);
int markdown_col(cmark_node *node);

#endif
