/*
 * Document bodies: parsed, checked and resolved once, then let go.
 *
 * A parsed body weighs about ten times its Markdown; a site of ten
 * thousand fiches would hold half a gigabyte of trees between the checks
 * and the pages. So each body is parsed, checked, resolved and mined for
 * what later stages need (headings, sigles, links, search texts) on its
 * own, and its tree freed at once; the page and the booklets that show a
 * body parse it again (bodies_tree), which costs less than keeping it.
 */
#ifndef FICHES_BODIES_H
#define FICHES_BODIES_H

#include "diag.h"
#include "model.h"

#include <cmark-gfm.h>

/*
 * Every document's body, on up to `jobs` threads (<= 0: one per core),
 * then the checks that need all of them (anchors in other documents,
 * backlinks). Diagnostics go to d.
 */
void bodies_process(struct site *s, int jobs, struct diag *d);

/*
 * One document's body, as bodies_process does for each (doc need not be
 * in s: serve checks a new version of a document against the site of the
 * last build). The checks that need every body are not made.
 */
void bodies_process_doc(struct site *s, struct doc *doc, struct diag *d);

/* doc's body parsed again with its links resolved. Caller frees with cmark_node_free. */
cmark_node *bodies_tree(const struct site *s, const struct doc *doc);

#endif
