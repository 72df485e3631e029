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
 * Items of lists rendered once and written again: a fiche's card is the
 * same on every page of a directory that lists it (its links are relative
 * to the directory), and a page of 10 000 fiches' « Que faire si… » shows
 * a thousand contacts' cards 34 times each. Threads rendering at once may
 * share a cache, split in stripes by the items' hash, each under its own
 * lock, and never wait for one another: an item whose stripe another
 * thread holds is rendered, or not kept. It holds at most max_bytes (its
 * bytes and its tables); when a new item would pass that, the items of
 * its stripe are forgotten and the stripe fills again.
 */
struct mustache_cache;
struct mustache_cache *mustache_cache_new(size_t max_bytes);
void mustache_cache_free(struct mustache_cache *cache);

/* Items written from the cache and items rendered into it since it was made. */
struct mustache_cache_stats {
	size_t hits, stored;
};
struct mustache_cache_stats mustache_cache_stats(struct mustache_cache *cache);

/*
 * mustache_render_value, keeping in cache (NULL: none) the items of the
 * lists it renders when they are worth it: a list of views whose class says
 * their answers depend only on the subject and the scope (struct mview's
 * scoped), an item whose lookups all found their name in the item or in
 * what it pushed (never in the page around it), rendered with no partial's
 * indentation. scope[0..nscope) names what the views' answers depend on
 * besides the subject (the page's directory); items kept under another
 * scope are not used.
 */
int mustache_render_cached(const struct mustache_set *set, const char *name,
			   const struct mval *context, void *user, struct mustache_cache *cache,
			   const char *scope, size_t nscope, struct buf *out, struct diag *d);

/*
 * The same over JSON data (the spec's tests, the preview server's panel):
 * context is converted for the render (mvalue_json.h), then let go.
 */
int mustache_render(const struct mustache_set *set, const char *name,
		    const json_t *context, struct buf *out, struct diag *d);

#endif
