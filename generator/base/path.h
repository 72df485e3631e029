/*
 * Paths inside the output tree. Output paths are always relative,
 * '/'-separated, with no '.', '..' or empty components, so they cannot
 * leave the output root; links between pages are relative so the site
 * works from any sub-path and from file://.
 */
#ifndef FICHES_PATH_H
#define FICHES_PATH_H

/*
 * Returns 1 when p is a safe relative output path: non-empty, no leading
 * '/', no empty, '.' or '..' component, no backslash or control byte.
 */
int path_is_safe(const char *p);

/*
 * Relative URL from the page at output path `from` to the output path `to`
 * (both relative to the output root, e.g. "actions/x.html" to
 * "themes/y.html" gives "../themes/y.html"). Caller frees.
 */
char *path_relative(const char *from, const char *to);

/* a + "/" + b, without doubling the slash. Caller frees. */
char *path_join(const char *a, const char *b);

/* The last component of p (borrowed, points into p). */
const char *path_basename(const char *p);

#endif
