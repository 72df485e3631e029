/*
 * gzip (RFC 1952) of a buffer in memory, through zlib: what `fiches serve`
 * sends to a browser that accepts it, and the .gz siblings the build writes
 * for static hosts (html/precompress.h).
 */
#ifndef FICHES_GZIP_H
#define FICHES_GZIP_H

#include <stddef.h>

/*
 * data[0..len) compressed at zlib's best level, in a gzip member whose
 * header carries no time (the same bytes every build), or NULL when that
 * would not save at least a tenth of len. *out_len gets its size. Caller frees.
 */
char *gzip_compress(const char *data, size_t len, size_t *out_len);

/* 1 when a file of this path is text a browser gains to receive compressed (CSS, JavaScript, JSON, SVG…). */
int gzip_worth_type(const char *path);

#endif
