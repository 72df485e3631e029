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
 *
 * Kept across builds. A build rewrites only the files whose bytes
 * changed: every other file of the output keeps its inode, modification
 * time and size (the stage hard-links it into the new tree, or leaves it
 * in place). So a response is kept through a publication when the file
 * it was read from is still the same by that identity (device, inode,
 * modification time to the nanosecond, size; found at the same real path)
 * and, for a page, the snippet did not change; the style sheet and
 * scripts are then not read and compressed again after every save. A
 * file written less than CACHE_SETTLE_NS before it was read is not kept:
 * a rewrite in the same tick of the file system's clock (2 s on FAT)
 * could leave the same identity to other bytes. A file rewritten in place
 * with its old modification time put back by hand (touch -d) is not seen
 * either, as by make or rsync.
 */
#ifndef FICHES_SERVE_CACHE_H
#define FICHES_SERVE_CACHE_H

#include "http_etag.h"

#include <microhttpd.h>
#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

struct serve_cache;

/*
 * A file read this soon after its last write is not kept across builds:
 * longer than any local file system's timestamp step (FAT's 2 s).
 */
#define CACHE_SETTLE_NS (3LL * 1000000000LL)

/* An empty cache whose pages get snippet (copied). */
struct serve_cache *serve_cache_new(const char *snippet);
void serve_cache_free(struct serve_cache *c);

/*
 * A ready answer: the response (one reference, owned by whoever holds
 * the answer) and its entity tag, also in its ETag header.
 */
struct cache_answer {
	struct MHD_Response *resp;
	char etag[HTTP_ETAG_SIZE];           /* "": no validator */
};

/*
 * Queues a with status, or with 304 when status is 200 and
 * if_none_match (the request's If-None-Match, or NULL) lists its tag.
 * Other statuses ignore the condition (RFC 9110 §13.2.1). The 304 is the
 * same response: libmicrohttpd sends no body with a 304, and its headers
 * are the 200's (ETag, Cache-Control, Vary; Content-Length the 200's, as
 * RFC 9110 §8.6 allows).
 */
enum MHD_Result serve_queue_answer(struct MHD_Connection *conn, unsigned status,
				   const struct cache_answer *a, const char *if_none_match);

/*
 * Queues the cached answer for key with status (serve_queue_answer), if
 * there is one. Returns 1 and sets *ret when it did.
 */
int serve_cache_answer(struct serve_cache *c, struct MHD_Connection *conn, const char *key,
		       unsigned status, const char *if_none_match, enum MHD_Result *ret);

/* What a request that missed needs, taken at once under the read lock. */
struct cache_snapshot {
	unsigned long gen;     /* the generation the answer will be made under */
	const char *root;      /* the output directory's realpath, or NULL before the first build; lives as long as the cache */
	char *snippet;         /* what pages get before </body>; the caller frees it */
};
void serve_cache_snapshot(struct serve_cache *c, struct cache_snapshot *s);

/* What a response was made from: what says whether it still holds after a build. */
struct cache_origin {
	const char *rel;       /* the file below the output, or NULL: made from no file (never kept across builds) */
	const char *real;      /* its realpath when it was read */
	dev_t dev;             /* its identity when it was read (fstat of the descriptor read) */
	ino_t ino;
	struct timespec mtime;
	off_t size;
	int settled;           /* written CACHE_SETTLE_NS or more before it was read */
	int injected;          /* a page: made with the snippet */
};

/* Sets o's identity from st, the file's fstat taken after read_at (CLOCK_REALTIME). */
void cache_origin_set(struct cache_origin *o, const struct stat *st, const struct timespec *read_at);

/*
 * Hands a (its reference given up by the caller) to the cache if it was
 * made under generation gen and fits the budget; drops it otherwise. bytes: the body's size; from: what it was made from
 * (copied).
 */
void serve_cache_offer(struct serve_cache *c, const char *key, unsigned long gen,
		       const struct cache_answer *a, size_t bytes, const struct cache_origin *from);

/* What a publication did to the cache. */
struct cache_publish_stats {
	size_t kept, dropped;
};

/*
 * Publishes a build's output (main thread, once the build has written
 * it): the output directory out (its realpath is taken the first time),
 * the new snippet (owned; NULL keeps the current one), the responses
 * whose file did not change kept and the others dropped, the next
 * generation begun. Fills *stats when not NULL.
 */
void serve_cache_publish(struct serve_cache *c, const char *out, char *snippet,
			 struct cache_publish_stats *stats);

#endif
