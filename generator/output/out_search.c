/*
 * The search index (html/search.c): assets/recherche-index.js and its
 * parts under assets/recherche/. Its items (search_job_run: a group of
 * records' words and text fragments each, the last to end making the
 * postings and the index) come first in the table after the sitemap, so
 * both cores make them before turning to the pages, and the last, the
 * longest, runs beside pages. Its first file, fetched by every visitor who
 * searches, is precompressed (not for a preview).
 */
#include "output.h"

#include "precompress.h"
#include "search.h"
#include "xalloc.h"

#include <stdlib.h>

struct search_state {
	struct search_files files;
	struct search_job *job;
};

/* The records are collected here, on the calling thread, before any item. */
static void begin(struct output_run *run, void **state)
{
	struct search_state *st = xcalloc(1, sizeof *st);
	st->files.stage = run->stage;
	st->job = search_job_new(run->site, run->copts->bodies, &st->files, run->o->jobs);
	*state = st;
}

static size_t count(const struct output_run *run, void *state)
{
	(void)run;
	return search_job_items(((struct search_state *)state)->job);
}

static void render(struct output_run *run, void *state, size_t i)
{
	struct search_state *st = state;
	if (!search_job_run(st->job, i))
		return;
	struct search_files *files = &st->files;
	if (!run->o->serve && files->n)
		precompress_add(run->stage, files->v[0].path, files->v[0].data, files->v[0].len);
	/* The parts are staged already; the index is left. */
	for (size_t k = 0; k < files->n; k++) {
		if (!files->v[k].data)
			continue;
		stage_add(run->stage, files->v[k].path, files->v[k].data, files->v[k].len);
		files->v[k].data = NULL;
	}
}

static void finish(struct output_run *run, void *state)
{
	(void)run;
	struct search_state *st = state;
	if (!st)
		return;
	search_job_free(st->job);
	search_files_free(&st->files);
	free(st);
}

const struct output output_search = {
	.name = "search",
	.when = OUTPUT_AFTER_EDIT,
	.begin = begin,
	.count = count,
	.render = render,
	.finish = finish,
};
