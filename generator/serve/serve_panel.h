/*
 * What `fiches serve` adds to the site's pages, never written to the built
 * site: the live-reload script, the workshop's « Modifier » links and the
 * overlay of the last build's diagnostics; and the 404 page served when
 * the site has none. Their text is in generator/serve/panel/ (real .js,
 * .css, .html and Mustache files), built into the program by the Makefile
 * through scripts/embed-files.sh (serve_panel_files, embedded.h).
 */
#ifndef FICHES_SERVE_PANEL_H
#define FICHES_SERVE_PANEL_H

#include "buf.h"

#include <stddef.h>

/* The Server-Sent Events stream the reload script listens to. */
#define EVENTS_PATH "/__fiches/events"
/* What the reload script requests once its page has loaded (serve_events_loaded). */
#define LOADED_PATH "/__fiches/charge"

struct panel;

/* The overlay's template compiled. Caller frees; one thread at a time. */
struct panel *panel_new(void);
void panel_free(struct panel *p);

/*
 * Appends what goes before a page's </body>: the reload script; with edit,
 * the workshop's links and their style; with diagnostics (one per line),
 * the overlay listing them as errors (failed) or warnings.
 */
void panel_snippet(const struct panel *p, struct buf *out, int edit, const char *diagnostics,
		   int failed);

/* The built-in « Page introuvable »: a NUL-terminated page of *len bytes. */
const char *panel_404(size_t *len);

#endif
