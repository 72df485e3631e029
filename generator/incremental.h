/*
 * Incremental rebuilds for `fiches serve`.
 *
 * A full build leaves its checked model in memory (build_options.keep).
 * When Markdown documents that model knows change on disk, only they are
 * read again: each is loaded, checked and resolved alone, put in place of
 * its old version (the same struct doc, so every pointer to it stays
 * good), then the relations that follow from all documents (backlinks,
 * themes and actions, series, related fiches, taxonomies, contacts'
 * actions) and the whole-site checks are made again from the documents'
 * own data, which is linear and cheap. Only the pages whose inputs may
 * differ are rendered again (a page's inputs: the documents, entries and
 * taxa it lists or links; it is rendered again when one of them changed or
 * when the list itself did), with the data files (site.json, sitemap,
 * search index); the stage writes those whose bytes changed and leaves
 * every other file of the output as it is.
 *
 * The result is meant to be byte for byte what a full build of the same
 * content writes (tests/serve/t_serve_incremental.py checks it), with the
 * same diagnostics. Whenever that cannot be shown cheaply the update gives
 * up and the caller runs a full build: anything but existing documents
 * changed (site.yaml, data files, booklets, kinds, templates, media, a new
 * or deleted file), a document whose number, slug or page changed, a title
 * shown in a menu or in Markdown outside bodies, a different page plan, or
 * any error (the full build reports it as usual).
 */
#ifndef FICHES_INCREMENTAL_H
#define FICHES_INCREMENTAL_H

#include <stddef.h>

#include "build.h"
#include "diag.h"

/*
 * Every function below may be called from any thread: the state has a
 * lock of its own. Returned by incr_update when a full build is needed
 * (nothing was written).
 */
#define INCR_FALLBACK (-1)

struct incr;

struct incr *incr_new(void);
void incr_free(struct incr *inc);

/*
 * Takes over what a successful full build kept (kept, may be NULL: the
 * state is then empty) with the diagnostics d it reported (read, not
 * changed). The previous state is freed.
 */
void incr_reset(struct incr *inc, struct build_kept *kept, struct diag *d);

/* Forgets the state (after a failed build, or when content/ is changed outside). */
void incr_drop(struct incr *inc);

/* 1 when an update can be tried. */
int incr_ready(const struct incr *inc);

/*
 * After the files paths[0..n) changed (as the watcher names them, under
 * the project's content/ or templates/): updates the model and the output
 * as described above. On BUILD_OK, d holds every diagnostic a full build
 * would give (warnings only) and stats what was written. On
 * INCR_FALLBACK the state is dropped and nothing was written: run a full
 * build. Other build_status values: an I/O failure writing the output
 * (reported to d; the state is dropped).
 */
int incr_update(struct incr *inc, const char *const *paths, size_t n, struct diag *d,
		struct build_stats *stats);

/*
 * The data files (site.json, sitemap, search index) after an update:
 * incr_update writes the pages only, so that the open page can reload at
 * once; these follow (at 10 000 fiches they weigh 75 MB). BUILD_OK when
 * written (or none was due); otherwise the state is dropped and a full
 * build is needed (reported to d). stats may be NULL.
 */
int incr_update_data(struct incr *inc, struct diag *d, struct build_stats *stats);

/*
 * Calls read(site, ctx) on the kept model with the state locked, so that
 * no update or preview changes it meanwhile (read must not change it
 * either, nor keep pointers into it), and returns 0; INCR_FALLBACK
 * without calling it when no model is kept (the last build failed). For
 * the editor's lists, which would otherwise load the whole project.
 */
int incr_read_site(struct incr *inc, void (*read)(const struct site *s, void *ctx), void *ctx);

/*
 * The editor's check and preview of unsaved text (build_preview's
 * contract) against the kept model, without loading the project: the
 * document shown as display is read from read_path, checked and resolved
 * alone in place of its saved version, the relations and whole-site
 * checks are made again, its page is rendered when there is no error,
 * then the saved version is put back. d receives every diagnostic of the
 * project as `fiches check` gives them. INCR_FALLBACK when the state
 * cannot answer (none kept, a new document, a changed number, slug or
 * page): call build_preview. Thread-safe with the updates above (one at a
 * time).
 */
int incr_preview(struct incr *inc, const char *display, const char *read_path, struct diag *d,
		 struct build_preview_page *page);

#endif
