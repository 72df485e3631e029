/*
 * The search index, the offline files and site.json (html/search.c,
 * offline.c): one item, since the service worker's version hashes the
 * index and site.json. The longest single item of a build: first in the
 * table after the sitemap, so one core makes it while the other renders
 * pages.
 */
#include "output.h"

#include "search.h"

static void render(struct output_run *run, void *state, size_t i)
{
	(void)state;
	(void)i;
	search_add_files(run->stage, run->site, run->plan, run->tfiles, run->o);
}

const struct output output_search = {
	.name = "search",
	.when = OUTPUT_AFTER_EDIT,
	.render = render,
};
