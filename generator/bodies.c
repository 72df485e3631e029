/*
 * Document bodies; see bodies.h.
 */
#include "bodies.h"
#include "lint.h"
#include "markdown.h"
#include "md_paths.h"
#include "pool.h"
#include "search.h"
#include "xref.h"

struct job {
	struct site *s;
	struct diag *d;
};

void bodies_process_doc(struct site *s, struct doc *doc, struct diag *d)
{
	cmark_node *root = markdown_parse_doc(s, doc, d);
	lint_body(s, doc, root, d);
	xref_resolve_doc(s, doc, root, d);
	search_doc_texts(root, &doc->search_texts);
	cmark_node_free(root);
}

static void process_one(void *ctx, size_t i)
{
	struct job *j = ctx;
	bodies_process_doc(j->s, site_doc_at(j->s, i), j->d);
}

void bodies_process(struct site *s, int jobs, struct diag *d)
{
	struct job j = {s, d};
	/* Before the threads start: they only read it. */
	md_paths_free(s->md_paths);
	s->md_paths = md_paths_build(s);
	pool_for(jobs, site_ndocs_all(s), process_one, &j);
	xref_finish(s, d);
}

cmark_node *bodies_tree(const struct site *s, const struct doc *doc)
{
	cmark_node *root = markdown_parse_body(doc);
	xref_resolve_quiet(s, doc, root);
	return root;
}
