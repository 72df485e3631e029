/*
 * Paragraph layouts kept by the text they were made from (settings, text
 * and serialised attributes: the key): a booklet is laid out several
 * times until its page numbers settle, and most paragraphs come out the
 * same each time. Not shape_cache.c, which keeps HarfBuzz's shapings
 * below Pango; this one keeps whole Pango layouts. One per typesetter
 * (struct lay), so per thread.
 */
#ifndef FICHES_LAYOUT_CACHE_H
#define FICHES_LAYOUT_CACHE_H

#include <pango/pango.h>
#include <stddef.h>

struct layout_cache;

struct layout_cache *layout_cache_new(void);

/* Drops the cache's references to its layouts. */
void layout_cache_free(struct layout_cache *c);

/*
 * The layout kept under key[0, len) with a reference for the caller, or
 * NULL; *hash gets the key's hash, for layout_cache_put.
 */
PangoLayout *layout_cache_get(struct layout_cache *c, const char *key, size_t len,
			      unsigned long long *hash);

/* Keeps layout (taking one reference) under key (taken: malloc'd, len bytes). */
void layout_cache_put(struct layout_cache *c, unsigned long long hash, char *key, size_t len,
		      PangoLayout *layout);

#endif
