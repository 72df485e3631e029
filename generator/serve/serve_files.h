/*
 * The answers of `fiches serve` for the files of the output directory:
 * each file read (a page with the snippet injected before </body>, a text
 * file compressed when the browser takes it), its response kept in the
 * cache, and the site's 404 page, a redirection for a directory, 403 for
 * a path leading out of the output. Why apart: what a file's answer is
 * (headers, injection, compression, what may be served at all) does not
 * depend on how requests reach it (serve_http.c) nor on how long it is
 * kept (serve_cache.c). The build output on disk never contains what is
 * injected.
 */
#ifndef FICHES_SERVE_FILES_H
#define FICHES_SERVE_FILES_H

#include "serve_cache.h"

#include <microhttpd.h>

/* Content-Type, Cache-Control: no-cache and nosniff, on every answer of the site. */
void serve_headers(struct MHD_Response *r, const char *type);

/* A short static plain-text body (French: the browser shows it) with status. */
enum MHD_Result serve_answer_text(struct MHD_Connection *conn, unsigned status, const char *text);

/*
 * The file rel (http_path_resolve's, below the output) requested as url:
 * from the cache, else read from the disk and offered to the cache.
 */
enum MHD_Result serve_answer_file(struct serve_cache *c, struct MHD_Connection *conn,
				  const char *url, const char *rel);

/* The site's own 404.html with status 404, else a built-in French page. */
enum MHD_Result serve_answer_not_found(struct serve_cache *c, struct MHD_Connection *conn);

#endif
