/*
 * The project's Mustache engine: a set of named, compiled templates and a
 * renderer over values (mvalue.h: built in an arena, or views over the
 * caller's own data), or over jansson values through an adapter. It knows
 * nothing of fiches.
 *
 * Conforms to the official Mustache spec (interpolation, sections,
 * inverted, comments, partials, set delimiters). {{x}} escapes & < > " '
 * as HTML; {{{x}}} and {{&x}} do not.
 *
 * A set is built once (single thread), then read-only: mustache_render may
 * be called from several threads at once on the same set.
 *
 * Values: a string renders as its text, an integer in decimal, a real in
 * its shortest round-trip form (1.5, 2 for 2.0), true and false as "true"
 * and "false"; null, missing names, objects and arrays render as nothing.
 * Sections: missing, null, false, "", 0, 0.0 and [] are falsey (as in
 * mustache.js); a non-empty array renders once per element, any other
 * truthy value is pushed on the context stack. Lambdas are not supported.
 *
 * Limits: sections nested deeper than MUSTACHE_MAX_NEST (100, in
 * mustache_parse.h) in one template are a syntax error; at most 50 syntax
 * errors per template are reported (then one note with the rest's count);
 * sections and partials open at once while rendering are bounded (1024).
 */
#ifndef FICHES_MUSTACHE_H
#define FICHES_MUSTACHE_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "diag.h"
#include "mvalue.h"

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
 * appending to out; user is handed to the views' lookups (mvalue.h). A missing partial renders as the empty string (spec).
 * Partial recursion deeper than MUSTACHE_MAX_DEPTH is an error. Returns 0,
 * or -1 when name is unknown or the depth limit is hit (reported to d when
 * d is not NULL).
 */
#define MUSTACHE_MAX_DEPTH 64
int mustache_render_value(const struct mustache_set *set, const char *name,
			  const struct mval *context, void *user, struct buf *out,
			  struct diag *d);

/*
 * The same over JSON data (the spec's tests, the preview server's panel):
 * context is converted for the render (mvalue_json.h), then let go.
 */
int mustache_render(const struct mustache_set *set, const char *name,
		    const json_t *context, struct buf *out, struct diag *d);

#endif
