/*
 * Files built into the program at build time: scripts/embed-files.sh turns
 * a directory of the source tree into a table (build/gen/, not committed).
 * Five tables exist: the default templates and assets (templates/, read
 * through template_files.h) and the gzip of those assets, the example project `fiches init` writes
 * (skeleton/), the message catalogues (build/locale/, read by i18n.c) and
 * what `fiches serve` adds to pages (generator/serve/panel/, read by
 * serve_panel.c).
 */
#ifndef FICHES_EMBEDDED_H
#define FICHES_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *path;              /* relative, '/'-separated: "partials/card.mustache" */
	const unsigned char *data;     /* followed by a NUL not counted in len */
	size_t len;
};

/* Sorted by path (bytes); each table ends with an entry whose path is NULL. */
extern const struct embedded_file template_builtins[];
extern const size_t template_builtins_count;
extern const struct embedded_file project_skeleton[];
extern const size_t project_skeleton_count;
/* The compiled catalogues, "fr/LC_MESSAGES/fiches.mo" (see i18n.c). */
extern const struct embedded_file catalogue_builtins[];
extern const size_t catalogue_builtins_count;
/*
 * The gzip of each built-in asset a build precompresses, by the asset's path
 * ("assets/style.css": its bytes are that file's gzip), made when the program
 * was built (scripts/gzip-assets.c, read by html/precompress.c).
 */
extern const struct embedded_file template_gz_builtins[];
extern const size_t template_gz_builtins_count;
/* The preview server's scripts, style and pages: "reload.js", "404.html"… */
extern const struct embedded_file serve_panel_files[];
extern const size_t serve_panel_files_count;

#endif
