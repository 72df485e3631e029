/*
 * Request path → file under the output root, for `fiches serve`.
 *
 * Pure string work (no I/O), so it can be unit-tested and fuzzed on its
 * own: serve_files.c then opens the result relative to the output root and
 * checks with realpath that symbolic links do not lead outside it.
 */
#ifndef FICHES_HTTP_PATH_H
#define FICHES_HTTP_PATH_H

#include <stddef.h>

/* Longest request path accepted (before decoding); longer gets 414. */
#define HTTP_PATH_MAX 1024

enum http_path_status {
	HTTP_PATH_OK = 0,        /* *rel is set */
	HTTP_PATH_BAD = 400,     /* malformed or hostile: bad escape, %00, %2f, '..', '\\'… */
	HTTP_PATH_HIDDEN = 404,  /* a component starts with '.' (never served) */
	HTTP_PATH_TOO_LONG = 414 /* more than HTTP_PATH_MAX bytes */
};

/*
 * Resolves the request target `target` (the raw, still percent-encoded
 * path as sent by the client; anything from '?' or '#' on is ignored).
 *
 * The path is percent-decoded once. Refused (HTTP_PATH_BAD): a target not
 * starting with '/', an invalid escape, an encoded NUL, '/' or '\\', a
 * backslash, a control byte or invalid UTF-8 after decoding, an empty
 * component ("//etc/passwd", "/a//b"), a "." or ".." component.
 *
 * On HTTP_PATH_OK, *rel receives the decoded path relative to the output
 * root: "/" gives "index.html", "/dir/" gives "dir/index.html", "/a/b.html"
 * gives "a/b.html", "/dir" gives "dir" (serve_files.c redirects it to "/dir/"
 * when it is a directory). Caller frees *rel. On any other status *rel is
 * set to NULL. Returns an enum http_path_status, which is also the HTTP
 * status to answer with.
 */
int http_path_resolve(const char *target, char **rel);

/*
 * Length of the path part of target: the bytes before the first '?' or
 * '#'.
 */
size_t http_path_length(const char *target);

#endif
