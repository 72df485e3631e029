/*
 * Compressed answers of `fiches serve`: text files (the search index, CSS,
 * JavaScript…) go out gzipped to a browser that accepts it, compressed once
 * per build (the server's response cache keeps them until the next one).
 * Pages are sent as they are: the server adds its reload script to them.
 */
#ifndef FICHES_SERVE_GZIP_H
#define FICHES_SERVE_GZIP_H

/* The cache key of rel's gzipped answer. Caller frees. */
char *serve_gzip_key(const char *rel);

/*
 * 1 when accept_encoding (an Accept-Encoding header, or NULL) takes gzip
 * (« gzip », « x-gzip » or « * », not with q=0) and rel is a text file
 * other than a page that gains from it.
 */
int serve_gzip_wanted(const char *accept_encoding, const char *rel);

#endif
