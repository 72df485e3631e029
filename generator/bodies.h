/*
 * Document bodies: parsed, checked and resolved once, then let go.
 *
 * A parsed body weighs about ten times its Markdown; a site of ten
 * thousand fiches would hold half a gigabyte of trees between the checks
 * and the pages. So each body is parsed, checked, resolved and mined for
 * what later stages need (headings, sigles, links) on its own, and its
 * tree freed at once. An output that shows the bodies keeps what it needs
 * of each tree through a sink before it goes (the HTML output renders the
 * body once, with the search index's texts: html/body_store.h); the
 * booklets, and the pages when nothing was kept, parse the body again
 * (bodies_tree).
 */
#ifndef FICHES_BODIES_H
#define FICHES_BODIES_H

#include "diag.h"
#include "model.h"

#include <cmark-gfm.h>

/*
 * What an output keeps of each body: keep() is called on the thread that
 * processed doc, with its tree parsed, resolved and mined, just before the
 * tree is freed. It must not change the tree nor the site, and must copy
 * what it keeps: the tree, its strings and any tree keep() parses on the
 * way live in an arena let go right after (load/md_arena.h).
 */
struct body_sink {
	void (*keep)(void *ctx, const struct site *s, const struct doc *doc, cmark_node *root);
	void *ctx;
};

/*
 * Every document's body, on up to `jobs` threads (<= 0: one per core),
 * then the checks that need all of them (anchors in other documents,
 * backlinks). Each tree is handed to sink first when sink is not NULL.
 * Diagnostics go to d.
 */
void bodies_process(struct site *s, int jobs, const struct body_sink *sink, struct diag *d);

/*
 * One document's body, as bodies_process does for each (doc need not be
 * in s: serve checks a new version of a document against the site of the
 * last build), its tree handed to sink when not NULL. The checks that need
 * every body are not made.
 */
void bodies_process_doc(struct site *s, struct doc *doc, const struct body_sink *sink,
			struct diag *d);

/*
 * doc's body parsed again with its links resolved (doc->body must not have
 * been let go). Caller frees with cmark_node_free.
 */
cmark_node *bodies_tree(const struct site *s, const struct doc *doc);

#endif
