/*
 * Entity tags of `fiches serve`'s answers and the If-None-Match test
 * (RFC 9110 §8.8.3, §13.1.2).
 *
 * Why: answers carry `Cache-Control: no-cache`, so the browser asks again
 * at every reload (a changed style sheet must be seen at once); with a
 * validator it asks with If-None-Match and gets an empty 304 when nothing
 * changed, and keeps its parsed and compiled copy instead of fetching and
 * compiling the style sheet and scripts again after every save.
 *
 * The tag is strong and made from the bytes sent: the size and the 64-bit
 * FNV-1a (hash.h) of the uncompressed body, and a "-gz" suffix on the
 * gzipped answer of the same file. The two encodings are two
 * representations (Vary: Accept-Encoding) and so get two tags; the gzip
 * bytes are a function of the plain ones (same zlib, same level), so a tag
 * always names one byte sequence. Pure string work, unit-testable.
 */
#ifndef FICHES_HTTP_ETAG_H
#define FICHES_HTTP_ETAG_H

#include <stddef.h>

/* Room for a tag: quotes, 16 + 1 + 16 hex digits, "-gz", NUL. */
#define HTTP_ETAG_SIZE 48

/* Writes the quoted tag of body[0..n) into out; gz: the gzipped answer's. */
void http_etag_make(char out[HTTP_ETAG_SIZE], const void *body, size_t n, int gz);

/*
 * 1 when the If-None-Match value if_none_match (NULL: absent) lists etag
 * or is "*": the answer is then 304. Weak comparison (a W/ prefix on
 * either side is ignored), as §13.1.2 asks. A malformed list matches
 * nothing from where it goes wrong (the full answer is the safe one).
 */
int http_etag_none_match(const char *if_none_match, const char *etag);

#endif
