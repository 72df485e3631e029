/*
 * Checks of a document's body for mistakes that would otherwise be
 * published silently: Markdown that cmark reads as plain text (a link or an
 * image whose target has spaces, a heading without a space after its '#'),
 * footnotes called without a definition or defined without a call, a
 * level-1 heading in a body, and the placeholder texts `fiches new` writes.
 * Each is a warning at the mistake's own line and column (an error with
 * --strict).
 */
#ifndef FICHES_LINT_H
#define FICHES_LINT_H

#include "diag.h"
#include "model.h"

#include <cmark-gfm.h>

/* Checks doc's parsed body (root, before or after xref) and its summary. */
void lint_body(const struct site *s, const struct doc *doc, cmark_node *root, struct diag *d);

/* A node of lint_nodes, with its type (asked of cmark once). */
struct lint_node {
	cmark_node *node;
	cmark_node_type type;
};

/*
 * The nodes of a tree lint's checks read and every link and image (which
 * xref resolves), in the order a walk of the tree enters them. A walk
 * that has other work to do (markdown_parse_doc's) gathers them, so that
 * neither lint nor xref walks the tree again.
 */
struct lint_nodes {
	struct lint_node *v;    /* stack while it fits, else allocated (lint_nodes_free) */
	size_t n, cap;
	size_t nlinks;          /* of them links (xref_check_body parses them ahead) */
	struct lint_node stack[64];
};

void lint_nodes_init(struct lint_nodes *nodes);
void lint_nodes_free(struct lint_nodes *nodes);
void lint_nodes_add(struct lint_nodes *nodes, cmark_node *node, cmark_node_type type);

/*
 * Called by a walk for every node it enters, in document order; texts
 * go to lint_nodes_enter_text instead, and only those outside links and
 * images (their texts are not checked).
 */
static inline void lint_nodes_enter(struct lint_nodes *nodes, cmark_node *node,
				    cmark_node_type type)
{
	switch (type) {
	case CMARK_NODE_LINK:
	case CMARK_NODE_IMAGE:
	case CMARK_NODE_PARAGRAPH:
		lint_nodes_add(nodes, node, type);
		break;
	case CMARK_NODE_HEADING:
		if (cmark_node_get_heading_level(node) == 1)
			lint_nodes_add(nodes, node, type);
		break;
	default:
		break;
	}
}

/*
 * A text node outside links and images, with its literal text: kept when
 * it has a '[' or a ']', which both of its checks need ("](", "[^"); most
 * texts have none.
 */
void lint_nodes_enter_text(struct lint_nodes *nodes, cmark_node *node, const char *text);

/* lint_body on the nodes a walk of the tree gathered (lint_nodes_enter). */
void lint_body_nodes(const struct site *s, const struct doc *doc, const struct lint_nodes *nodes,
		     struct diag *d);

/* lint_body, also gathering the tree's nodes into *nodes (initialised by the caller). */
void lint_body_links(const struct site *s, const struct doc *doc, cmark_node *root,
		     struct diag *d, struct lint_nodes *nodes);

/*
 * Where doc's body writes the required section name in a form that is not
 * a level-2 heading: a heading of another level ("# Acteurs", "### Acteurs")
 * or a line "##Acteurs" without the space. Returns 0 when there is none;
 * 1 for a heading of another level than 1 (the caller reports it, at
 * *line, *col, with its level in *level); 2 when lint_body already reports
 * it (a level-1 heading or a missing space).
 */
int lint_section_near_miss(const struct doc *doc, const char *name, int *line, int *col,
			   int *level);

/*
 * Where each line of a document's body starts, so that a byte column
 * (cmark's) becomes a character column (every diagnostic's) in constant
 * time, however many problems a long document has.
 */
struct lint_lines;
struct lint_lines *lint_lines_new(const struct doc *doc);
void lint_lines_free(struct lint_lines *l);
/* The character column of byte column byte_col (1-based) of file line file_line. */
int lint_lines_col(struct lint_lines *l, int file_line, int byte_col);

/*
 * Checks a link target that is not a cross-reference, found at line and
 * byte column byte_col of doc (the message gives the character column,
 * counted with *lines, which it makes when NULL; the caller frees it). Without a scheme ("www.reseaux13.fr",
 * "../docs/plan.pdf"): a warning when it leads to no file of content/ nor
 * to a page of the site, with the fix when it is a web or e-mail address
 * written without its https:// or mailto:. With mailto:, tel:, http(s)::
 * a warning when the address does not read as one. Returns 1 when url is
 * such an address and reads as one: the same url anywhere else would be
 * found so again, and need not be checked.
 */
int lint_relative_link(const struct site *s, const struct doc *doc, int line, int byte_col,
		       struct lint_lines **lines, const char *url, struct diag *d);

/* The warning of a relative link url, at line:col of doc, that leads to no file nor page. */
void lint_report_missing_page(const struct doc *doc, int line, int col, const char *url,
			      struct diag *d);

#endif
