/*
 * The offline files (html/offline.c): sw.js, manifest.webmanifest and the
 * icons, one item. The service worker's version must change when any file
 * it caches does, the search index and site.json among them: it needs
 * those two outputs, and reads their files' hashes from the stage once
 * they are made. No service worker for a preview, which must never come
 * from a cache.
 */
#include "output.h"

#include "offline.h"

static void render(struct output_run *run, void *state, size_t i)
{
	(void)state;
	(void)i;
	offline_add_files(run->stage, run->site, run->plan, run->tfiles, !run->o->no_pdf,
			  !run->o->serve);
}

static const struct output *const needs[] = {&output_search, &output_site_json, NULL};

const struct output output_offline = {
	.name = "offline",
	.when = OUTPUT_AFTER_EDIT,
	.needs = needs,
	.render = render,
};
