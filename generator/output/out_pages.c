/*
 * The HTML pages: one item per page of the plan, each rendered with its
 * template from the page's context (html/context.c). The PDF pass runs
 * before (output table order), so each page can give its PDFs' sizes.
 */
#include "output.h"

#include "buf.h"
#include "pool.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>

/*
 * The items of lists kept from page to page (mustache_render_cached), at
 * most this many bytes per thread: a directory's cards at 10 000 fiches
 * are some 6 MB; a cache that fills up starts again empty.
 */
#define PAGE_CACHE_MAX ((size_t)12 << 20)

/*
 * The caches of the pass: a thread takes one for a page and gives it
 * back, so each is used by one thread at a time, and there are never more
 * than the threads rendering at once. Made on first use, freed by finish.
 */
struct page_caches {
	pthread_mutex_t lock;
	struct mustache_cache **idle; /* given back; owned */
	size_t n, cap;
};

static void begin(struct output_run *run, void **state)
{
	(void)run;
	struct page_caches *pc = xcalloc(1, sizeof *pc);
	pthread_mutex_init(&pc->lock, NULL);
	*state = pc;
}

static struct mustache_cache *cache_take(struct page_caches *pc)
{
	pthread_mutex_lock(&pc->lock);
	struct mustache_cache *c = pc->n ? pc->idle[--pc->n] : NULL;
	pthread_mutex_unlock(&pc->lock);
	return c ? c : mustache_cache_new(PAGE_CACHE_MAX);
}

static void cache_give(struct page_caches *pc, struct mustache_cache *c)
{
	pthread_mutex_lock(&pc->lock);
	if (pc->n == pc->cap) {
		pc->cap = pc->cap ? 2 * pc->cap : 4;
		pc->idle = xrealloc(pc->idle, pc->cap * sizeof *pc->idle);
	}
	pc->idle[pc->n++] = c;
	pthread_mutex_unlock(&pc->lock);
}

static void finish(struct output_run *run, void *state)
{
	(void)run;
	struct page_caches *pc = state;
	struct mustache_cache_stats all = {0, 0};
	for (size_t i = 0; i < pc->n; i++) {
		struct mustache_cache_stats one = mustache_cache_stats(pc->idle[i]);
		all.hits += one.hits;
		all.stored += one.stored;
		mustache_cache_free(pc->idle[i]);
	}
	if (pool_timing() >= 2)
		fprintf(stderr, "fiches: pages' list items: %zu rendered and kept, %zu written again\n",
			all.stored, all.hits);
	free(pc->idle);
	pthread_mutex_destroy(&pc->lock);
	free(pc);
}

/* Page p's HTML into out, with the items of cache (NULL: none). */
static int page_html(struct mustache_set *tmpl, const struct site *s, const struct page_plan *plan,
		     const struct page *p, const struct context_options *copts,
		     struct mustache_cache *cache, struct diag *d, struct buf *out)
{
	const char *name = p->tmpl;
	/* A project's templates from before the pages index show it with the taxa's. */
	if (p->kind == PAGE_PAGES_INDEX && !mustache_set_has(tmpl, name))
		name = "taxa";
	struct page_context *context = context_for_page(s, plan, p, copts);
	int rc = context_render_cached(context, tmpl, name, cache, out, d);
	context_free(context);
	return rc < 0 ? -1 : 0;
}

int output_page_html(struct mustache_set *tmpl, const struct site *s, const struct page_plan *plan,
		     const struct page *p, const struct context_options *copts, struct diag *d,
		     struct buf *out)
{
	return page_html(tmpl, s, plan, p, copts, NULL, d, out);
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
	struct mustache_cache *cache = cache_take(state);
	stage_stream(run->stage, p->path, out);
	if (page_html(run->tmpl, run->site, run->plan, p, run->copts, cache, run->d, out) < 0)
		atomic_store(&run->failed, 1);
	cache_give(state, cache);
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
