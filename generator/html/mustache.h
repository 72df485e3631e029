/*
 * The project's Mustache engine: a set of named, compiled templates and a
 * renderer over jansson values. It knows nothing of fiches.
 *
 * Conforms to the official Mustache spec (interpolation, sections,
 * inverted, comments, partials, set delimiters). {{x}} escapes & < > " '
 * as HTML; {{{x}}} and {{&x}} do not.
 *
 * A set is built once (single thread), then read-only: mustache_render may
 * be called from several threads at once on the same set.
 */
#ifndef FICHES_MUSTACHE_H
#define FICHES_MUSTACHE_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "diag.h"

struct mustache_set;

/* An empty set. Caller frees with mustache_set_free. */
struct mustache_set *mustache_set_new(void);
void mustache_set_free(struct mustache_set *set);

/*
 * Compiles text[0..len) and stores it under name (replacing any template of
 * that name); it is then both renderable and usable as a partial
 * {{> name}}. path is the file name used in diagnostics. Returns 0, or -1
 * after reporting each syntax error (unclosed tag, unclosed or mismatched
 * section, bad delimiters, nesting deeper than the limit) as
 * path:line:col to d; the set is then unchanged.
 */
int mustache_set_add(struct mustache_set *set, const char *name,
		     const char *path, const char *text, size_t len,
		     struct diag *d);

/* Returns 1 when the set holds a template of that name. */
int mustache_set_has(const struct mustache_set *set, const char *name);

/*
 * Renders template `name` with context as the bottom of the context stack,
 * appending to out. A missing partial renders as the empty string (spec).
 * Partial recursion deeper than MUSTACHE_MAX_DEPTH is an error. Returns 0,
 * or -1 when name is unknown or the depth limit is hit (reported to d when
 * d is not NULL).
 */
#define MUSTACHE_MAX_DEPTH 64
int mustache_render(const struct mustache_set *set, const char *name,
		    const json_t *context, struct buf *out, struct diag *d);

#endif
