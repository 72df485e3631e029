/* The response cache of `fiches serve` and the published state; see serve_cache.h. */
#include "serve_cache.h"

#include "hash.h"
#include "path.h"
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
	struct cache_answer a;       /* its response: one reference owned by the cache */
	struct cache_origin from;    /* its strings owned (rel NULL: not kept across builds) */
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
	MHD_destroy_response(e->a.resp);
	free(e->key);
	free((char *)e->from.rel);
	free((char *)e->from.real);
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

enum MHD_Result serve_queue_answer(struct MHD_Connection *conn, unsigned status,
				   const struct cache_answer *a, const char *if_none_match)
{
	if (status == MHD_HTTP_OK && a->etag[0] && http_etag_none_match(if_none_match, a->etag))
		return MHD_queue_response(conn, MHD_HTTP_NOT_MODIFIED, a->resp);
	return MHD_queue_response(conn, status, a->resp);
}

int serve_cache_answer(struct serve_cache *c, struct MHD_Connection *conn, const char *key,
		       unsigned status, const char *if_none_match, enum MHD_Result *ret)
{
	uint32_t h = hash_key(key);
	pthread_rwlock_rdlock(&c->lock);
	struct entry *e = find(c, key, h);
	if (e)
		*ret = serve_queue_answer(conn, status, &e->a, if_none_match);
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

void cache_origin_set(struct cache_origin *o, const struct stat *st, const struct timespec *read_at)
{
	o->dev = st->st_dev;
	o->ino = st->st_ino;
	o->mtime = st->st_mtim;
	o->size = st->st_size;
	long long age = ((long long)read_at->tv_sec - (long long)st->st_mtim.tv_sec) * 1000000000LL +
			(read_at->tv_nsec - st->st_mtim.tv_nsec);
	o->settled = age >= CACHE_SETTLE_NS;
}

void serve_cache_offer(struct serve_cache *c, const char *key, unsigned long gen,
		       const struct cache_answer *a, size_t bytes, const struct cache_origin *from)
{
	uint32_t h = hash_key(key);
	/* Copied before the lock: the other threads wait for no allocation. */
	struct entry *e = xmalloc(sizeof *e);
	e->key = xstrdup(key);
	e->hash = h;
	e->bytes = bytes;
	e->a = *a;
	e->from = *from;
	e->from.rel = from->rel && from->real ? xstrdup(from->rel) : NULL;
	e->from.real = e->from.rel ? xstrdup(from->real) : NULL;
	pthread_rwlock_wrlock(&c->lock);
	if (c->gen == gen && !find(c, key, h) && c->bytes + bytes <= CACHE_MAX_BYTES) {
		e->next = c->buckets[h % CACHE_BUCKETS];
		c->buckets[h % CACHE_BUCKETS] = e;
		c->bytes += bytes;
		e = NULL;
	}
	pthread_rwlock_unlock(&c->lock);
	if (e)
		entry_free(e);
}

/*
 * An entry publish checks against the disk. Only the main thread frees
 * entries and the HTTP threads never change one once cached, so e stays
 * good and readable between the read and the write lock.
 */
struct check {
	const struct entry *e;
	int keep;
};

/* Caller holds c->lock. The entries that may be kept, to be checked against the disk. */
static struct check *checks_take(struct serve_cache *c, int snippet_changed, size_t *n)
{
	struct check *k = NULL;
	size_t cap = 0;
	*n = 0;
	for (size_t i = 0; i < CACHE_BUCKETS; i++) {
		for (const struct entry *e = c->buckets[i]; e; e = e->next) {
			if (!e->from.rel || !e->from.settled || (e->from.injected && snippet_changed))
				continue;
			if (*n == cap) {
				cap = cap ? cap * 2 : 64;
				k = xrealloc(k, cap * sizeof *k);
			}
			k[(*n)++] = (struct check){e, 0};
		}
	}
	return k;
}

/* 1 when from->rel below root is still the file it was read from (same real path and identity). */
static int unchanged(const char *root, const struct cache_origin *from)
{
	char *full = path_join(root, from->rel);
	char *real = realpath(full, NULL);
	free(full);
	int same = real && strcmp(real, from->real) == 0;
	free(real);
	struct stat st;
	return same && stat(from->real, &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == from->dev &&
	       st.st_ino == from->ino && st.st_size == from->size &&
	       st.st_mtim.tv_sec == from->mtime.tv_sec && st.st_mtim.tv_nsec == from->mtime.tv_nsec;
}

static int by_entry(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct check *)a)->e, y = (uintptr_t)((const struct check *)b)->e;
	return x < y ? -1 : x > y;
}

/* Whether e was checked and found unchanged; k sorted by entry. */
static int kept(const struct check *k, size_t n, const struct entry *e)
{
	struct check key = {.e = e};
	const struct check *found = n ? bsearch(&key, k, n, sizeof *k, by_entry) : NULL;
	return found && found->keep;
}

void serve_cache_publish(struct serve_cache *c, const char *out, char *snippet,
			 struct cache_publish_stats *stats)
{
	char *real = NULL;
	/* root_real and snippet are only written here, on the main thread: reading them unlocked is safe. */
	if (!c->root_real)
		real = realpath(out, NULL);
	const char *root = c->root_real ? c->root_real : real;
	int snippet_changed = snippet && strcmp(snippet, c->snippet) != 0;
	/*
	 * The entries are checked against the disk under the read lock only:
	 * requests are still answered from the cache meanwhile (the build has
	 * already written what they may read). An entry added then is not
	 * among the checked ones, and is dropped below with the changed ones.
	 */
	size_t n = 0;
	pthread_rwlock_rdlock(&c->lock);
	struct check *k = root ? checks_take(c, snippet_changed, &n) : NULL;
	pthread_rwlock_unlock(&c->lock);
	for (size_t i = 0; i < n; i++)
		k[i].keep = unchanged(root, &k[i].e->from);
	if (n)
		qsort(k, n, sizeof *k, by_entry);
	size_t nkept = 0, ndropped = 0;
	pthread_rwlock_wrlock(&c->lock);
	if (real)
		c->root_real = real;
	if (snippet) {
		free(c->snippet);
		c->snippet = snippet;
	}
	for (size_t i = 0; i < CACHE_BUCKETS; i++) {
		struct entry **at = &c->buckets[i];
		while (*at) {
			struct entry *e = *at;
			if (kept(k, n, e)) {
				at = &e->next;
				nkept++;
				continue;
			}
			*at = e->next;
			c->bytes -= e->bytes;
			entry_free(e);
			ndropped++;
		}
	}
	c->gen++;
	pthread_rwlock_unlock(&c->lock);
	free(k);
	if (stats)
		*stats = (struct cache_publish_stats){nkept, ndropped};
}
