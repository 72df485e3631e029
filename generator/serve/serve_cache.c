/* The response cache of `fiches serve` and the published state; see serve_cache.h. */
#include "serve_cache.h"

#include "hash.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_MAX_BYTES ((size_t)256 * 1024 * 1024)
#define CACHE_BUCKETS 1024u

/* One cached response. */
struct entry {
	char *key;                   /* relative path, owned */
	uint32_t hash;
	size_t bytes;                /* body size, for the cache budget */
	struct MHD_Response *resp;   /* one reference owned by the cache */
	struct entry *next;
};

struct serve_cache {
	char *root_real;             /* realpath of the output directory; set once, freed at the end */
	pthread_rwlock_t lock;       /* guards the fields below */
	struct entry *buckets[CACHE_BUCKETS];
	size_t bytes;
	unsigned long gen;           /* bumped after each build */
	char *snippet;               /* injected before </body>; owned */
};

static uint32_t hash_key(const char *s)
{
	/* FNV-1a: paths are short and not attacker-chosen in bulk (loopback). */
	return (uint32_t)hash_str(s);
}

/* Caller holds c->lock. */
static struct entry *find(struct serve_cache *c, const char *key, uint32_t h)
{
	for (struct entry *e = c->buckets[h % CACHE_BUCKETS]; e; e = e->next)
		if (e->hash == h && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

static void entry_free(struct entry *e)
{
	MHD_destroy_response(e->resp);
	free(e->key);
	free(e);
}

/* Caller holds c->lock for writing, or is the last user. */
static void clear(struct serve_cache *c)
{
	for (size_t i = 0; i < CACHE_BUCKETS; i++) {
		struct entry *e = c->buckets[i];
		while (e) {
			struct entry *next = e->next;
			entry_free(e);
			e = next;
		}
		c->buckets[i] = NULL;
	}
	c->bytes = 0;
}

struct serve_cache *serve_cache_new(const char *snippet)
{
	struct serve_cache *c = xcalloc(1, sizeof *c);
	pthread_rwlock_init(&c->lock, NULL);
	c->snippet = xstrdup(snippet);
	return c;
}

void serve_cache_free(struct serve_cache *c)
{
	if (!c)
		return;
	clear(c);
	free(c->snippet);
	free(c->root_real);
	pthread_rwlock_destroy(&c->lock);
	free(c);
}

int serve_cache_answer(struct serve_cache *c, struct MHD_Connection *conn, const char *key,
		       unsigned status, enum MHD_Result *ret)
{
	uint32_t h = hash_key(key);
	pthread_rwlock_rdlock(&c->lock);
	struct entry *e = find(c, key, h);
	if (e)
		*ret = MHD_queue_response(conn, status, e->resp);
	pthread_rwlock_unlock(&c->lock);
	return e != NULL;
}

void serve_cache_snapshot(struct serve_cache *c, struct cache_snapshot *s)
{
	pthread_rwlock_rdlock(&c->lock);
	s->gen = c->gen;
	s->root = c->root_real;
	s->snippet = xstrdup(c->snippet);
	pthread_rwlock_unlock(&c->lock);
}

void serve_cache_offer(struct serve_cache *c, const char *key, unsigned long gen,
		       struct MHD_Response *resp, size_t bytes)
{
	uint32_t h = hash_key(key);
	pthread_rwlock_wrlock(&c->lock);
	if (c->gen == gen && !find(c, key, h) && c->bytes + bytes <= CACHE_MAX_BYTES) {
		struct entry *e = xmalloc(sizeof *e);
		e->key = xstrdup(key);
		e->hash = h;
		e->bytes = bytes;
		e->resp = resp;
		e->next = c->buckets[h % CACHE_BUCKETS];
		c->buckets[h % CACHE_BUCKETS] = e;
		c->bytes += bytes;
		resp = NULL;
	}
	pthread_rwlock_unlock(&c->lock);
	if (resp)
		MHD_destroy_response(resp);
}

void serve_cache_publish(struct serve_cache *c, const char *out, char *snippet)
{
	char *real = NULL;
	/* root_real is only written here, on the main thread: reading it unlocked is safe. */
	if (!c->root_real)
		real = realpath(out, NULL);
	pthread_rwlock_wrlock(&c->lock);
	if (real)
		c->root_real = real;
	if (snippet) {
		free(c->snippet);
		c->snippet = snippet;
	}
	clear(c);
	c->gen++;
	pthread_rwlock_unlock(&c->lock);
}
