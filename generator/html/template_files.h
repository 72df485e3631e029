/*
 * The templates and assets a build uses: the project's own templates/
 * directory over the set built into the program, file by file. A project
 * with no templates/ builds with the built-in set alone; a project's
 * templates/home.mustache (or assets/style.css) replaces that one file and
 * the rest still comes from the built-in set; a project file the built-in
 * set does not have is added.
 *
 * The built-in set is templates/ of the source tree at build time, turned
 * into C by scripts/embed-files.sh (build/gen/templates_embedded.c).
 */
#ifndef FICHES_TEMPLATE_FILES_H
#define FICHES_TEMPLATE_FILES_H

#include <stddef.h>

#include "diag.h"
#include "embedded.h"

struct template_file {
	char *path;     /* below templates/, '/'-separated: "home.mustache", "assets/style.css" */
	char *shown;    /* the name diagnostics give it */
	char *fs;       /* the project's file on disk; NULL for a built-in file */
	const struct embedded_file *builtin;  /* when fs is NULL */
	int irregular;  /* the project holds something else than a file there (left out) */
};

struct template_files {
	struct template_file *v;  /* sorted by path (bytes) */
	size_t n;
};

/*
 * Lists the set for the project templates directory dir (NULL or missing:
 * the built-in set alone). Project files are shown as "templates/PATH",
 * built-in ones as "templates/PATH (built into fiches)". Free with
 * template_files_free.
 */
void template_files_open(struct template_files *t, const char *dir);
void template_files_free(struct template_files *t);

/* The file at path, or NULL. */
const struct template_file *template_files_find(const struct template_files *t, const char *path);

/*
 * The bytes of f as they are, NUL-terminated (caller frees), and their
 * length. A project file that cannot be read, or is larger than max bytes,
 * is reported to d (when not NULL) and gives NULL.
 */
char *template_file_read(const struct template_file *f, size_t max, size_t *len,
			 struct diag *d);

#endif
