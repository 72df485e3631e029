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

/* Nodes in document order: the links and images lint_body_links met. */
struct lint_links {
	cmark_node **v;         /* stack while it fits, else allocated (lint_links_free) */
	size_t n, cap;
	cmark_node *stack[64];
};

/*
 * lint_body, also appending every link and image of the tree to *links
 * (initialised by the caller with lint_links_init), in the order a walk
 * of the tree enters them: xref resolves them then without walking the
 * tree a second time (xref_check_body).
 */
void lint_body_links(const struct site *s, const struct doc *doc, cmark_node *root,
		     struct diag *d, struct lint_links *links);
void lint_links_init(struct lint_links *links);
void lint_links_free(struct lint_links *links);

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
 * a warning when the address does not read as one.
 */
void lint_relative_link(const struct site *s, const struct doc *doc, int line, int byte_col,
			struct lint_lines **lines, const char *url, struct diag *d);

/* The warning of a relative link url, at line:col of doc, that leads to no file nor page. */
void lint_report_missing_page(const struct doc *doc, int line, int col, const char *url,
			      struct diag *d);

#endif
