/* The answers for the files of the output directory; see serve_files.h. */
#include "serve_files.h"

#include "gzip.h"
#include "http_etag.h"
#include "mime.h"
#include "path.h"
#include "serve_gzip.h"
#include "serve_panel.h"
#include "serve_timing.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Files up to this size are cached in memory; larger ones are sent from disk. */
#define CACHE_FILE_MAX (4u * 1024u * 1024u)
/* HTML files are read whole to inject the snippet; beyond this, served as is. */
#define HTML_MAX (32u * 1024u * 1024u)
/* Key of the built-in 404 page in the cache: no request path is empty. */
#define BUILTIN_404_KEY ""

void serve_headers(struct MHD_Response *r, const char *type)
{
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
}

enum MHD_Result serve_answer_text(struct MHD_Connection *conn, unsigned status, const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text,
								 MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	serve_headers(r, "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	enum MHD_Result ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result answer_redirect(struct MHD_Connection *conn, const char *url)
{
	/* url passed http_path_resolve: no control byte can reach the header. */
	char *location = xasprintf("%s/", url);
	struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret = MHD_NO;
	if (r) {
		serve_headers(r, "text/plain; charset=utf-8");
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, location);
		ret = MHD_queue_response(conn, MHD_HTTP_MOVED_PERMANENTLY, r);
		MHD_destroy_response(r);
	}
	free(location);
	return ret;
}

/*
 * Gives a (its response made) a validator: the tag of body[0..n), the
 * uncompressed bytes it sends (gz: sent gzipped), kept in a and sent as
 * its ETag header.
 */
static void add_validator(struct cache_answer *a, const void *body, size_t n, int gz)
{
	http_etag_make(a->etag, body, n, gz);
	if (MHD_add_response_header(a->resp, MHD_HTTP_HEADER_ETAG, a->etag) != MHD_YES)
		a->etag[0] = '\0';
}

/* Position of the last "</body" in html[0..n), case-insensitively, or n. */
static size_t body_end(const char *html, size_t n)
{
	static const char tag[] = "</body";
	size_t m = sizeof tag - 1;
	for (size_t i = n >= m ? n - m + 1 : 0; i-- > 0;) {
		if (html[i] != '<')
			continue;
		size_t k = 1;
		while (k < m && (html[i + k] | 0x20) == tag[k])
			k++;
		if (k == m)
			return i;
	}
	return n;
}

/*
 * The answer for an HTML page with the snippet injected before </body>
 * (appended when there is none), its tag made from the bytes sent. Takes
 * html (heap) and frees it. a->resp NULL when out of memory.
 */
static struct cache_answer html_response(char *html, size_t n, const char *snippet,
					 size_t *bytes)
{
	struct cache_answer a = {0};
	size_t sn = strlen(snippet), at = body_end(html, n);
	char *out = xmalloc(n + sn + 1);
	memcpy(out, html, at);
	memcpy(out + at, snippet, sn);
	memcpy(out + at + sn, html + at, n - at);
	free(html);
	*bytes = n + sn;
	a.resp = MHD_create_response_from_buffer(n + sn, out, MHD_RESPMEM_MUST_FREE);
	if (!a.resp) {
		free(out);
		return a;
	}
	serve_headers(a.resp, "text/html; charset=utf-8");
	/* out lives as long as the response, which is still ours. */
	add_validator(&a, out, n + sn, 0);
	return a;
}

/* Reads exactly n bytes from fd into a new buffer (caller frees), or NULL. */
static char *read_all(int fd, size_t n)
{
	char *data = xmalloc(n + 1);
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, data + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(data);
			return NULL;
		}
		got += (size_t)r;
	}
	data[n] = '\0';
	return data;
}

enum load_kind { LOAD_FILE, LOAD_DIR, LOAD_OUTSIDE, LOAD_MISSING, LOAD_FAILED };

struct loaded {
	enum load_kind kind;
	struct cache_answer a;       /* LOAD_FILE: one reference to its response, for the caller */
	int cacheable;
	size_t bytes;
	struct cache_origin from;    /* what resp was made from (LOAD_FILE; rel NULL otherwise) */
	char *real;                  /* from.real, owned: free with loaded_free */
};

static void loaded_free(struct loaded *L)
{
	free(L->real);
	L->real = NULL;
}

/*
 * Queues L's answer (If-None-Match inm), then hands its response to the
 * cache under key when it may be kept there, or lets it go; frees L.
 */
static enum MHD_Result queue_loaded(struct serve_cache *c, struct MHD_Connection *conn, unsigned status,
				    const char *key, unsigned long gen, struct loaded *L, const char *inm)
{
	enum MHD_Result ret = serve_queue_answer(conn, status, &L->a, inm);
	if (L->cacheable)
		serve_cache_offer(c, key, gen, &L->a, L->bytes, &L->from);
	else
		MHD_destroy_response(L->a.resp);
	loaded_free(L);
	return ret;
}

/*
 * Opens rel under the output root and prepares its response. Symbolic
 * links are followed only while they stay below the root (realpath), so a
 * link in the output pointing at /etc is refused, not served.
 */
static struct loaded load_file(const char *root, const char *rel, const char *snippet, int gz)
{
	struct loaded L = {.kind = LOAD_MISSING};
	if (!root)
		return L;
	char *full = path_join(root, rel);
	char *real = realpath(full, NULL);
	free(full);
	if (!real)
		return L;
	size_t rn = strlen(root);
	if (strcmp(real, root) == 0) {
		L.kind = LOAD_DIR;
		free(real);
		return L;
	}
	if (strncmp(real, root, rn) != 0 || real[rn] != '/') {
		L.kind = LOAD_OUTSIDE;
		free(real);
		return L;
	}
	int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		free(real);
		return L;
	}
	/* Before the fstat: how long before its reading the file was last written. */
	struct timespec read_at;
	clock_gettime(CLOCK_REALTIME, &read_at);
	struct stat st;
	if (fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
		close(fd);
		free(real);
		return L;
	}
	L.real = real;
	L.from.rel = rel;
	L.from.real = real;
	L.from.injected = mime_is_html(rel);
	cache_origin_set(&L.from, &st, &read_at);
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		loaded_free(&L);
		L.kind = LOAD_DIR;
		return L;
	}
	size_t size = (size_t)st.st_size;
	int html = mime_is_html(rel);
	if ((html && size <= HTML_MAX) || size <= CACHE_FILE_MAX) {
		char *data = read_all(fd, size);
		close(fd);
		if (!data) {
			loaded_free(&L);
			L.kind = LOAD_FAILED;
			return L;
		}
		if (html) {
			L.a = html_response(data, size, snippet, &L.bytes);
		} else {
			/* gz: the client takes gzip and the file is text (serve_gzip.h). */
			size_t zlen = 0;
			char *z = gz ? gzip_compress(data, size, &zlen) : NULL;
			char *sent = z ? z : data;
			size_t sent_n = z ? zlen : size;
			L.a.resp = MHD_create_response_from_buffer(sent_n, sent, MHD_RESPMEM_MUST_FREE);
			if (L.a.resp) {
				serve_headers(L.a.resp, mime_type(rel));
				if (z)
					MHD_add_response_header(L.a.resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
				if (gz)
					MHD_add_response_header(L.a.resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
				/* Tagged from the plain bytes, marked when sent gzipped (http_etag.h). */
				add_validator(&L.a, data, size, z != NULL);
			} else {
				free(sent);
			}
			if (z)
				free(data);
			L.bytes = sent_n;
		}
		L.cacheable = 1;
	} else {
		/* Big PDFs: sent from the descriptor, which libmicrohttpd closes. */
		/* No validator: it would mean reading the whole file at every request. */
		L.a.resp = MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
		if (L.a.resp)
			serve_headers(L.a.resp, mime_type(rel));
		else
			close(fd);
	}
	L.kind = L.a.resp ? LOAD_FILE : LOAD_FAILED;
	return L;
}

enum MHD_Result serve_answer_not_found(struct serve_cache *c, struct MHD_Connection *conn)
{
	enum MHD_Result ret;
	if (serve_cache_answer(c, conn, "404.html", MHD_HTTP_NOT_FOUND, NULL, &ret) ||
	    serve_cache_answer(c, conn, BUILTIN_404_KEY, MHD_HTTP_NOT_FOUND, NULL, &ret))
		return ret;
	struct cache_snapshot now;
	serve_cache_snapshot(c, &now);
	struct loaded L = load_file(now.root, "404.html", now.snippet, 0);
	const char *key = "404.html";
	if (L.kind != LOAD_FILE) {
		/* Made from no file: not kept across builds (a 404.html may come). */
		key = BUILTIN_404_KEY;
		loaded_free(&L);
		L.from = (struct cache_origin){0};
		size_t n;
		const char *page = panel_404(&n);
		L.a = html_response(xstrndup(page, n), n, now.snippet, &L.bytes);
		L.cacheable = 1;
	}
	free(now.snippet);
	if (!L.a.resp) {
		loaded_free(&L);
		return MHD_NO;
	}
	return queue_loaded(c, conn, MHD_HTTP_NOT_FOUND, key, now.gen, &L, NULL);
}

enum MHD_Result serve_answer_file(struct serve_cache *c, struct MHD_Connection *conn,
				   const char *url, const char *rel)
{
	enum MHD_Result ret;
	int gz = serve_gzip_wanted(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							       MHD_HTTP_HEADER_ACCEPT_ENCODING), rel);
	char *gzkey = gz ? serve_gzip_key(rel) : NULL;
	const char *key = gz ? gzkey : rel;
	const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						      MHD_HTTP_HEADER_IF_NONE_MATCH);
	if (serve_cache_answer(c, conn, key, MHD_HTTP_OK, inm, &ret)) {
		free(gzkey);
		return ret;
	}
	struct phase ph;
	phase_begin(&ph);
	struct cache_snapshot now;
	serve_cache_snapshot(c, &now);
	struct loaded L = load_file(now.root, rel, now.snippet, gz);
	free(now.snippet);
	if (L.kind != LOAD_FILE) {
		loaded_free(&L);
		free(gzkey);
		gzkey = NULL;
	}
	switch (L.kind) {
	case LOAD_FILE:
		/* A miss: the file read, its page injected or its text compressed. */
		phase_end(&ph, "answer-read");
		ret = queue_loaded(c, conn, MHD_HTTP_OK, key, now.gen, &L, inm);
		free(gzkey);
		return ret;
	case LOAD_DIR:
		return answer_redirect(conn, url);
	case LOAD_OUTSIDE:
		return serve_answer_text(conn, MHD_HTTP_FORBIDDEN, "403 Accès refusé\n");
	case LOAD_FAILED:
		return serve_answer_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				   "500 Erreur de lecture\n");
	case LOAD_MISSING:
		break;
	}
	return serve_answer_not_found(c, conn);
}
