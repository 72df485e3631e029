/*
 * The response cache of `fiches serve`, with the published state its
 * answers are made from: the output directory's real path, the snippet
 * pages get (serve_panel.h) and a generation counter.
 *
 * Why: a page is read, its snippet injected and a text file compressed
 * once, not at every request; at tens of thousands of requests a second
 * the HTTP threads then only look a key up. Every file answered is kept as
 * a ready libmicrohttpd response, keyed by its path relative to the output
 * (serve_gzip_key for the compressed answer). Responses are
 * reference-counted by libmicrohttpd, so a cached one is queued while the
 * read lock is held and may be dropped from the cache at any time after.
 *
 * Generations. The main thread publishes each build (serve_cache_publish)
 * under the write lock and bumps the generation; a request that read a
 * file under an older generation does not put it in the cache, so what a
 * request read during a build never outlives it.
 */
#ifndef FICHES_SERVE_CACHE_H
#define FICHES_SERVE_CACHE_H

#include <microhttpd.h>
#include <stddef.h>

struct serve_cache;

/* An empty cache whose pages get snippet (copied). */
struct serve_cache *serve_cache_new(const char *snippet);
void serve_cache_free(struct serve_cache *c);

/*
 * Queues the cached response for key with status, if there is one.
 * Returns 1 and sets *ret when it did.
 */
int serve_cache_answer(struct serve_cache *c, struct MHD_Connection *conn, const char *key,
		       unsigned status, enum MHD_Result *ret);

/* What a request that missed needs, taken at once under the read lock. */
struct cache_snapshot {
	unsigned long gen;     /* the generation the answer will be made under */
	const char *root;      /* the output directory's realpath, or NULL before the first build; lives as long as the cache */
	char *snippet;         /* what pages get before </body>; the caller frees it */
};
void serve_cache_snapshot(struct serve_cache *c, struct cache_snapshot *s);

/*
 * Hands resp (one reference, given up by the caller) to the cache if it
 * was made under generation gen and fits the budget; drops it otherwise.
 * bytes: its body's size.
 */
void serve_cache_offer(struct serve_cache *c, const char *key, unsigned long gen,
		       struct MHD_Response *resp, size_t bytes);

/*
 * Publishes a build's output (main thread): the output directory out
 * (its realpath is taken the first time), the new snippet (owned; NULL
 * keeps the current one), the cache emptied and the next generation begun.
 */
void serve_cache_publish(struct serve_cache *c, const char *out, char *snippet);

#endif
