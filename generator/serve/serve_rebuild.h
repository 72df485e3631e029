/*
 * The builds of `fiches serve` and their publication: a full build, an
 * incremental update after a change (its pages first, reloaded at once),
 * the data files it owes, then each outcome printed and published (the
 * cache's new generation, the snippet with or without the overlay of
 * diagnostics, the reload or error event). Why apart: which build runs
 * when is the main loop's business (serve.c); what a build's outcome does
 * to what is served is this file's.
 */
#ifndef FICHES_SERVE_REBUILD_H
#define FICHES_SERVE_REBUILD_H

#include "build.h"
#include "diag.h"
#include "incremental.h"
#include "serve_cache.h"
#include "serve_events.h"
#include "serve_panel.h"

/* Where builds go and what they are published to (all owned by serve_run). */
struct rebuilder {
	const char *out;               /* the output directory */
	struct incr *inc;              /* the model the last build kept */
	struct diag *d;                /* the last build's diagnostics */
	struct serve_cache *cache;
	struct serve_events *events;
	const struct panel *panel;
	int edit;                      /* the workshop is on: pages get its links */
};

/*
 * Runs one build with b, prints its outcome and publishes it; open pages
 * reload when notify is set (or on errors). first: the server's first
 * build (its message says how many files). Returns its build_status.
 */
int serve_rebuild(const struct rebuilder *r, const struct build_options *b, int first, int notify);

/*
 * After the files paths[0..n) changed (NULL: unknown changes): the
 * incremental update when it can be made (incremental.h), else a full
 * build with b. Publishes the outcome like serve_rebuild. Returns a
 * build_status. An incremental update writes the pages and reloads the
 * open ones; its data files are then owed (*data_due set, *pages: what
 * was written so far), for serve_rebuild_data once the reload had the
 * machine to itself.
 */
int serve_rebuild_changed(const struct rebuilder *r, const struct build_options *b,
			  const char *const *paths, size_t n, int *data_due, struct build_stats *pages);

/* The data files owed after incremental updates; a full build with b if they fail. */
int serve_rebuild_data(const struct rebuilder *r, const struct build_options *b,
		       const struct build_stats *pages);

#endif
