/*
 * Document bodies; see bodies.h.
 */
#include "bodies.h"
#include "lint.h"
#include "markdown.h"
#include "md_arena.h"
#include "md_paths.h"
#include "pool.h"
#include "xref.h"

#include <stdlib.h>

struct job {
	struct site *s;
	const struct body_sink *sink;
	struct diag *d;
};

static void process_doc(struct site *s, struct doc *doc, const struct body_sink *sink,
			struct diag *d)
{
	/*
	 * The tree lives in an arena of its own, let go as a whole once the
	 * sink has copied what it keeps (md_arena.h): no free per node.
	 */
	struct md_arena *arena = md_arena_open();
	struct lint_nodes nodes;
	lint_nodes_init(&nodes);
	cmark_node *root = markdown_parse_doc(s, doc, &nodes, d);
	xref_check_body(s, doc, &nodes, d);
	lint_nodes_free(&nodes);
	if (sink)
		sink->keep(sink->ctx, s, doc, root);
	md_arena_close(arena);
}

void bodies_process_doc(struct site *s, struct doc *doc, const struct body_sink *sink,
			struct diag *d)
{
	process_doc(s, doc, sink, d);
}

static void process_one(void *ctx, size_t i)
{
	struct job *j = ctx;
	process_doc(j->s, site_doc_at(j->s, i), j->sink, j->d);
}

void bodies_process(struct site *s, int jobs, const struct body_sink *sink, struct diag *d)
{
	struct job j = {s, sink, d};
	/* Before the threads start: they only read it. */
	md_paths_free(s->md_paths);
	s->md_paths = md_paths_build(s);
	pool_for(jobs, site_ndocs_all(s), process_one, &j);
	xref_finish(s, d);
}

cmark_node *bodies_tree(const struct site *s, const struct doc *doc)
{
	if (!doc->body && doc->body_len)
		abort(); /* let go as its HTML was kept (body_store_release_as_kept) */
	cmark_node *root = markdown_parse_body(doc);
	xref_resolve_quiet(s, doc, root);
	return root;
}
