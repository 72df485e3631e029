/*
 * Which files the editor of `fiches serve` may read and write: paths as
 * the browser names them ("actions/06-x.md"), checked as strings first
 * (pure, unit-tested), then against the file system, so that no request
 * reaches a file outside content/.
 */
#ifndef FICHES_EDIT_PATH_H
#define FICHES_EDIT_PATH_H

#include <stddef.h>

#define EDIT_PATH_MAX 512

/*
 * Checks rel, a document path relative to content/: exactly
 * "DIR/NAME.md" with DIR one of actions, themes, guide, pages; NAME not
 * hidden, without '/', '\\', control bytes or invalid UTF-8; no "." or
 * ".." anywhere, no absolute path. Returns 1 when acceptable.
 */
int edit_path_ok(const char *rel);

/*
 * Confines rel (already edit_path_ok) to the content directory whose
 * realpath is content_real: the directory DIR must resolve inside it,
 * and the file, when it exists, must be a regular file that is not a
 * symbolic link. Returns the path to open (caller frees) or NULL (errno:
 * EACCES when something leads outside, ENOENT when the directory is
 * missing).
 */
char *edit_path_confine(const char *content_real, const char *rel);

#endif
