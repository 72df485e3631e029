/* Paragraph layouts kept by their key; see layout_cache.h. */
#include "layout_cache.h"
#include "hash.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#define BUCKETS 4096

struct shaped {
	struct shaped *next;
	unsigned long long hash;
	char *key;              /* settings, text and serialised attributes */
	size_t key_len;
	PangoLayout *layout;    /* one reference held by the cache */
};

struct layout_cache {
	struct shaped **buckets;  /* BUCKETS lists, allocated at the first look-up */
};

struct layout_cache *layout_cache_new(void)
{
	return xcalloc(1, sizeof(struct layout_cache));
}

void layout_cache_free(struct layout_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; c->buckets && i < BUCKETS; i++) {
		struct shaped *e = c->buckets[i];
		while (e) {
			struct shaped *next = e->next;
			g_object_unref(e->layout);
			free(e->key);
			free(e);
			e = next;
		}
	}
	free(c->buckets);
	free(c);
}

PangoLayout *layout_cache_get(struct layout_cache *c, const char *key, size_t len,
			      unsigned long long *hash)
{
	unsigned long long h = hash_bytes(key, len);
	*hash = h;
	if (!c->buckets)
		c->buckets = xcalloc(BUCKETS, sizeof *c->buckets);
	for (struct shaped *e = c->buckets[h % BUCKETS]; e; e = e->next)
		if (e->hash == h && e->key_len == len && !memcmp(e->key, key, len))
			return g_object_ref(e->layout);
	return NULL;
}

void layout_cache_put(struct layout_cache *c, unsigned long long hash, char *key, size_t len,
		      PangoLayout *layout)
{
	if (!c->buckets)
		c->buckets = xcalloc(BUCKETS, sizeof *c->buckets);
	struct shaped **slot = &c->buckets[hash % BUCKETS];
	struct shaped *e = xcalloc(1, sizeof *e);
	e->hash = hash;
	e->key_len = len;
	e->key = key;
	e->layout = layout;
	e->next = *slot;
	*slot = e;
}
