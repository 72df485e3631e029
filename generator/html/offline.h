/*
 * The files that let a phone keep the site after one visit over http(s):
 *
 *  - sw.js at the site root: a service worker whose scope is the root and
 *    whose cache name is « fiches-<hash of the build> », so a rebuild with
 *    any change installs a new worker that fills a new cache and deletes
 *    the old one; it precaches every HTML page, the assets, the media and
 *    the search index, and caches anything else (PDFs) when first fetched;
 *  - manifest.webmanifest: French name and short name, start_url ".",
 *    standalone, the colours of the site's style sheet;
 *  - assets/icone-192.png, assets/icone-512.png drawn with cairo in those
 *    colours and the colours of the logiques d'action, unless the project's
 *    templates/assets/ has its own.
 *
 * assets/sw-register.js registers the worker only over http: and https:
 * (not from a USB stick, where file:// has no service workers).
 */
#ifndef FICHES_OFFLINE_H
#define FICHES_OFFLINE_H

#include <stddef.h>

#include "model.h"
#include "pages.h"

struct stage;
struct template_files;

/*
 * Adds manifest.webmanifest, the icons and, when with_worker, sw.js to the
 * stage. The search index's files and site.json must be in the stage
 * already: the cache version covers them through the stage's hashes (on a
 * site small enough to precache every page, the index's parts are all
 * precached, else only its first file, the others being cached as queries
 * use them). with_pdf tells whether pages link PDFs. Deterministic.
 */
void offline_add_files(struct stage *st, const struct site *s, const struct page_plan *plan,
		       const struct template_files *tf, int with_pdf, int with_worker);

/*
 * Whether path (below the output) is a file the build writes itself under
 * assets/ and a project's templates/assets/ may not replace: the search
 * index and its parts (a project's copy would be staged twice and would
 * not match the pages). The icons are not: a project's own icon is kept.
 */
int offline_reserved_asset(const char *path);

/* The colour of a custom property (« --accent: #1f4e79; ») in css, as "#rrggbb", or NULL. Caller frees. */
char *offline_css_colour(const char *css, const char *property);

#endif
