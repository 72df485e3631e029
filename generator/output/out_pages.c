/*
 * The HTML pages: one item per page of the plan, each rendered with its
 * template from the page's context (html/context.c). The PDF pass runs
 * before (output table order), so each page can give its PDFs' sizes.
 */
#include "output.h"

#include "buf.h"
#include "pool.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>

/*
 * The items of lists kept from page to page (mustache_render_cached), one
 * cache for the pass, which the threads share: each card is rendered once
 * for all of them. At most this many bytes: a directory's cards at 10 000
 * fiches are some 6 MB; a cache that fills up starts again empty.
 */
#define PAGE_CACHE_MAX ((size_t)16 << 20)

/* What the pass's pages share: the items kept, the cards and menu (context_pass_new). */
struct pages_state {
	struct mustache_cache *cache;
	struct context_pass *pass;
};

static void begin(struct output_run *run, void **state)
{
	struct pages_state *st = xmalloc(sizeof *st);
	st->cache = mustache_cache_new(PAGE_CACHE_MAX);
	st->pass = context_pass_new(run->site, run->copts);
	*state = st;
}

static void finish(struct output_run *run, void *state)
{
	(void)run;
	struct pages_state *st = state;
	struct mustache_cache_stats all = mustache_cache_stats(st->cache);
	mustache_cache_free(st->cache);
	context_pass_free(st->pass);
	free(st);
	if (pool_timing() >= 2)
		fprintf(stderr, "fiches: pages' list items: %zu rendered and kept, %zu written again\n",
			all.stored, all.hits);
}

/* Page p's HTML into out, with the items of cache and what pass shares (NULL: none). */
static int page_html(struct mustache_set *tmpl, const struct site *s, const struct page_plan *plan,
		     const struct page *p, const struct context_options *copts,
		     struct mustache_cache *cache, const struct context_pass *pass, struct diag *d,
		     struct buf *out)
{
	const char *name = p->tmpl;
	/* A project's templates from before the pages index show it with the taxa's. */
	if (p->kind == PAGE_PAGES_INDEX && !mustache_set_has(tmpl, name))
		name = "taxa";
	struct page_context *context = context_for_page_with(s, plan, p, copts, pass);
	int rc = context_render_cached(context, tmpl, name, cache, out, d);
	context_free(context);
	return rc < 0 ? -1 : 0;
}

int output_page_html(struct mustache_set *tmpl, const struct site *s, const struct page_plan *plan,
		     const struct page *p, const struct context_options *copts, struct diag *d,
		     struct buf *out)
{
	return page_html(tmpl, s, plan, p, copts, NULL, NULL, d, out);
}

static void render(struct output_run *run, void *state, size_t i)
{
	const struct page *p = &run->plan->pages[i];
	/*
	 * A buffer already resident, kept from page to page (bufpool.h); a
	 * large page (« Que faire si… », 30 MB at 10 000 fiches) is written
	 * as it is rendered (stage_stream).
	 */
	struct buf *out = bufpool_take(&run->bufs);
	stage_stream(run->stage, p->path, out);
	const struct pages_state *st = state;
	if (page_html(run->tmpl, run->site, run->plan, p, run->copts, st->cache, st->pass, run->d,
		      out) < 0)
		atomic_store(&run->failed, 1);
	stage_add_buf(run->stage, p->path, out);
	bufpool_give(&run->bufs, out);
}

const struct output output_pages = {
	.name = "pages",
	.when = OUTPUT_PER_PAGE,
	.begin = begin,
	.render = render,
	.finish = finish,
};
