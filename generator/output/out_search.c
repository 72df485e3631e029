/*
 * The search index (html/search.c): assets/recherche-index.js and its
 * parts under assets/recherche/. One item, the longest of a build: first
 * in the table after the sitemap, so one core makes it while the other
 * renders pages. Its first file, fetched by every visitor who searches,
 * is precompressed (not for a preview).
 */
#include "output.h"

#include "precompress.h"
#include "search.h"

static void render(struct output_run *run, void *state, size_t i)
{
	(void)state;
	(void)i;
	struct search_files files = {0};
	files.stage = run->stage;
	search_index_files(run->site, run->copts->bodies, &files);
	if (!run->o->serve && files.n)
		precompress_add(run->stage, files.v[0].path, files.v[0].data, files.v[0].len);
	/* The parts are staged already; the index is left. */
	for (size_t k = 0; k < files.n; k++) {
		if (!files.v[k].data)
			continue;
		stage_add(run->stage, files.v[k].path, files.v[k].data, files.v[k].len);
		files.v[k].data = NULL;
	}
	search_files_free(&files);
}

const struct output output_search = {
	.name = "search",
	.when = OUTPUT_AFTER_EDIT,
	.render = render,
};
