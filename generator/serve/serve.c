/*
 * `fiches serve`: the preview server.
 *
 * Stage: a driver, beside build.c. Input: the serve options. Output: HTTP
 * responses for the files under the output directory, and rebuilds of that
 * directory whenever content/ or templates/ change. Owns the listening
 * socket, the libmicrohttpd daemon, the response cache, the list of
 * live-reload clients and the watcher.
 *
 * Threads. The main thread builds, waits for changes (watch.c) and
 * rebuilds; libmicrohttpd's two polling threads answer requests meanwhile.
 * The build swaps the output directory in atomically, so a request sees
 * either the old site or the new one, never a mix inside one file.
 *
 * Cache. Every file answered is kept as a ready libmicrohttpd response
 * (HTML with the live-reload snippet already injected) keyed by its
 * relative path. After each build the main thread empties the cache and
 * bumps a generation counter under the write lock; a request that read a
 * file under an older generation does not insert it. Responses are
 * reference-counted by libmicrohttpd, so a cached one is queued while the
 * read lock is held and may then be dropped from the cache at any time.
 *
 * Injection happens here only: the build output on disk never contains the
 * live-reload script or the error overlay.
 *
 * Live reload. /__fiches/events is a Server-Sent Events stream. Its
 * connections are suspended while there is nothing to say and resumed by
 * the main thread after a build ("data: reload" or "data: error") or every
 * HEARTBEAT_MS (a comment line, which also reveals closed connections).
 */
#include "serve.h"

#include "buf.h"
#include "diag.h"
#include "edit.h"
#include "gzip.h"
#include "hash.h"
#include "http_path.h"
#include "i18n.h"
#include "incremental.h"
#include "mime.h"
#include "serve_panel.h"
#include "path.h"
#include "pdf_cancel.h"
#include "stop.h"
#include "serve_gzip.h"
#include "serve_timing.h"
#include "watch.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEARTBEAT_MS 15000
/*
 * After an incremental update's reload event, the data files (search
 * index, site.json) and then the PDF pass wait this long, so that the open
 * pages reload (their HTML, style sheet, scripts) without sharing the two
 * cores with them. A change meanwhile is built first.
 */
#define DATA_DELAY_MS 150
/* Two polling threads: one per core of the machines we target. */
#define POOL_THREADS 2u
/*
 * Browsers open ~6 connections per site; this many also leaves room for a
 * normal request while a thousand idle sockets wait for their timeout
 * (the descriptor limit is raised to fit, see serve_run).
 */
#define MAX_CONNECTIONS 2048u
/* Seconds of silence before a connection is dropped (slowloris). */
#define CONNECTION_TIMEOUT 15u
/* Request line and headers must fit in this (HTTP_PATH_MAX plus headers). */
#define CONNECTION_MEMORY (32u * 1024u)
/* Files up to this size are cached in memory; larger ones are sent from disk. */
#define CACHE_FILE_MAX (4u * 1024u * 1024u)
/* HTML files are read whole to inject the snippet; beyond this, served as is. */
#define HTML_MAX (32u * 1024u * 1024u)
#define CACHE_MAX_BYTES ((size_t)256 * 1024 * 1024)
#define CACHE_BUCKETS 1024u
/* Key of the built-in 404 page in the cache: no request path is empty. */
#define BUILTIN_404_KEY ""

/* One cached response. */
struct entry {
	char *key;                   /* relative path, owned */
	uint32_t hash;
	size_t bytes;                /* body size, for the cache budget */
	struct MHD_Response *resp;   /* one reference owned by the cache */
	struct entry *next;
};

struct sse_client {
	struct server *srv;
	struct MHD_Connection *conn;
	unsigned seen_event;         /* server's event_seq when last told */
	unsigned seen_beat;
	int greeted;                 /* the retry: line was sent */
	int suspended;
	struct sse_client *prev, *next;
};

struct server {
	char *root_real;             /* realpath of the output directory; set once, freed at the end */
	pthread_rwlock_t lock;       /* guards the fields below down to snippet */
	struct entry *buckets[CACHE_BUCKETS];
	size_t cache_bytes;
	unsigned long gen;           /* bumped after each build */
	char *snippet;               /* injected before </body>: script, plus overlay after a failed build; owned */

	pthread_mutex_t sse_lock;    /* guards the fields below */
	struct sse_client *clients;
	unsigned event_seq;          /* bumped after each build */
	const char *event_name;      /* "reload" or "error" (static) */
	unsigned beat_seq;
	int stopping;

	struct edit *edit;           /* the writing workshop (/_edit/), or NULL when off */
	struct panel *panel;         /* what pages get injected (main thread) */
};

/* ---------------------------------------------------------------- cache */

static uint32_t hash_key(const char *s)
{
	/* FNV-1a: paths are short and not attacker-chosen in bulk (loopback). */
	return (uint32_t)hash_str(s);
}

/* Caller holds s->lock. */
static struct entry *cache_find(struct server *s, const char *key, uint32_t h)
{
	for (struct entry *e = s->buckets[h % CACHE_BUCKETS]; e; e = e->next)
		if (e->hash == h && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

/* Caller holds s->lock for writing. */
static void cache_clear(struct server *s)
{
	for (size_t i = 0; i < CACHE_BUCKETS; i++) {
		struct entry *e = s->buckets[i];
		while (e) {
			struct entry *next = e->next;
			MHD_destroy_response(e->resp);
			free(e->key);
			free(e);
			e = next;
		}
		s->buckets[i] = NULL;
	}
	s->cache_bytes = 0;
}

/*
 * Queues the cached response for key with status, if there is one.
 * Returns 1 and sets *ret when it did.
 */
static int cache_serve(struct server *s, struct MHD_Connection *conn, const char *key,
		       unsigned status, enum MHD_Result *ret)
{
	uint32_t h = hash_key(key);
	pthread_rwlock_rdlock(&s->lock);
	struct entry *e = cache_find(s, key, h);
	if (e)
		*ret = MHD_queue_response(conn, status, e->resp);
	pthread_rwlock_unlock(&s->lock);
	return e != NULL;
}

/*
 * Hands resp (one reference, given up by the caller) to the cache if it
 * was made under generation gen and fits the budget; drops it otherwise.
 */
static void cache_offer(struct server *s, const char *key, unsigned long gen,
			struct MHD_Response *resp, size_t bytes)
{
	uint32_t h = hash_key(key);
	pthread_rwlock_wrlock(&s->lock);
	if (s->gen == gen && !cache_find(s, key, h) &&
	    s->cache_bytes + bytes <= CACHE_MAX_BYTES) {
		struct entry *e = xmalloc(sizeof *e);
		e->key = xstrdup(key);
		e->hash = h;
		e->bytes = bytes;
		e->resp = resp;
		e->next = s->buckets[h % CACHE_BUCKETS];
		s->buckets[h % CACHE_BUCKETS] = e;
		s->cache_bytes += bytes;
		resp = NULL;
	}
	pthread_rwlock_unlock(&s->lock);
	if (resp)
		MHD_destroy_response(resp);
}

/* ----------------------------------------------------------- responses */

static void common_headers(struct MHD_Response *r, const char *type)
{
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
}

/* Answers with a short static plain-text body (French: the browser shows it). */
static enum MHD_Result answer_text(struct MHD_Connection *conn, unsigned status,
				   const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text,
								 MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	common_headers(r, "text/plain; charset=utf-8");
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
		common_headers(r, "text/plain; charset=utf-8");
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, location);
		ret = MHD_queue_response(conn, MHD_HTTP_MOVED_PERMANENTLY, r);
		MHD_destroy_response(r);
	}
	free(location);
	return ret;
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
 * A response for an HTML page with the snippet injected before </body>
 * (appended when there is none). Takes html (heap) and frees it.
 */
static struct MHD_Response *html_response(char *html, size_t n, const char *snippet,
					  size_t *bytes)
{
	size_t sn = strlen(snippet), at = body_end(html, n);
	char *out = xmalloc(n + sn + 1);
	memcpy(out, html, at);
	memcpy(out + at, snippet, sn);
	memcpy(out + at + sn, html + at, n - at);
	free(html);
	*bytes = n + sn;
	struct MHD_Response *r = MHD_create_response_from_buffer(n + sn, out, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(out);
		return NULL;
	}
	common_headers(r, "text/html; charset=utf-8");
	return r;
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
	struct MHD_Response *resp;   /* LOAD_FILE: one reference, for the caller */
	int cacheable;
	size_t bytes;
};

/*
 * Opens rel under the output root and prepares its response. Symbolic
 * links are followed only while they stay below the root (realpath), so a
 * link in the output pointing at /etc is refused, not served.
 */
static struct loaded load_file(const char *root, const char *rel, const char *snippet, int gz)
{
	struct loaded L = {LOAD_MISSING, NULL, 0, 0};
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
	free(real);
	if (fd < 0)
		return L;
	struct stat st;
	if (fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
		close(fd);
		return L;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		L.kind = LOAD_DIR;
		return L;
	}
	size_t size = (size_t)st.st_size;
	int html = mime_is_html(rel);
	if ((html && size <= HTML_MAX) || size <= CACHE_FILE_MAX) {
		char *data = read_all(fd, size);
		close(fd);
		if (!data) {
			L.kind = LOAD_FAILED;
			return L;
		}
		if (html) {
			L.resp = html_response(data, size, snippet, &L.bytes);
		} else {
			/* gz: the client takes gzip and the file is text (serve_gzip.h). */
			size_t zlen = 0;
			char *z = gz ? gzip_compress(data, size, &zlen) : NULL;
			if (z) {
				free(data);
				data = z;
				size = zlen;
			}
			L.resp = MHD_create_response_from_buffer(size, data, MHD_RESPMEM_MUST_FREE);
			if (L.resp) {
				common_headers(L.resp, mime_type(rel));
				if (z)
					MHD_add_response_header(L.resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
				if (gz)
					MHD_add_response_header(L.resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
			} else {
				free(data);
			}
			L.bytes = size;
		}
		L.cacheable = 1;
	} else {
		/* Big PDFs: sent from the descriptor, which libmicrohttpd closes. */
		L.resp = MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
		if (L.resp)
			common_headers(L.resp, mime_type(rel));
		else
			close(fd);
	}
	L.kind = L.resp ? LOAD_FILE : LOAD_FAILED;
	return L;
}

/* Snapshot of what a miss needs, taken under the read lock. */
static void snapshot(struct server *s, unsigned long *gen, const char **root, char **snippet)
{
	pthread_rwlock_rdlock(&s->lock);
	*gen = s->gen;
	*root = s->root_real;
	*snippet = xstrdup(s->snippet);
	pthread_rwlock_unlock(&s->lock);
}

/* The site's own 404.html with status 404, else a built-in French page. */
static enum MHD_Result answer_not_found(struct server *s, struct MHD_Connection *conn)
{
	enum MHD_Result ret;
	if (cache_serve(s, conn, "404.html", MHD_HTTP_NOT_FOUND, &ret) ||
	    cache_serve(s, conn, BUILTIN_404_KEY, MHD_HTTP_NOT_FOUND, &ret))
		return ret;
	unsigned long gen;
	const char *root;
	char *snippet;
	snapshot(s, &gen, &root, &snippet);
	struct loaded L = load_file(root, "404.html", snippet, 0);
	const char *key = "404.html";
	if (L.kind != LOAD_FILE) {
		key = BUILTIN_404_KEY;
		size_t n;
		const char *page = panel_404(&n);
		L.resp = html_response(xstrndup(page, n), n, snippet, &L.bytes);
		L.cacheable = 1;
	}
	free(snippet);
	if (!L.resp)
		return MHD_NO;
	ret = MHD_queue_response(conn, MHD_HTTP_NOT_FOUND, L.resp);
	if (L.cacheable)
		cache_offer(s, key, gen, L.resp, L.bytes);
	else
		MHD_destroy_response(L.resp);
	return ret;
}

static enum MHD_Result answer_file(struct server *s, struct MHD_Connection *conn,
				   const char *url, const char *rel)
{
	enum MHD_Result ret;
	int gz = serve_gzip_wanted(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							       MHD_HTTP_HEADER_ACCEPT_ENCODING), rel);
	char *gzkey = gz ? serve_gzip_key(rel) : NULL;
	const char *key = gz ? gzkey : rel;
	if (cache_serve(s, conn, key, MHD_HTTP_OK, &ret)) {
		free(gzkey);
		return ret;
	}
	unsigned long gen;
	const char *root;
	char *snippet;
	snapshot(s, &gen, &root, &snippet);
	struct loaded L = load_file(root, rel, snippet, gz);
	free(snippet);
	if (L.kind != LOAD_FILE) {
		free(gzkey);
		gzkey = NULL;
	}
	switch (L.kind) {
	case LOAD_FILE:
		ret = MHD_queue_response(conn, MHD_HTTP_OK, L.resp);
		if (L.cacheable)
			cache_offer(s, key, gen, L.resp, L.bytes);
		else
			MHD_destroy_response(L.resp);
		free(gzkey);
		return ret;
	case LOAD_DIR:
		return answer_redirect(conn, url);
	case LOAD_OUTSIDE:
		return answer_text(conn, MHD_HTTP_FORBIDDEN, "403 Accès refusé\n");
	case LOAD_FAILED:
		return answer_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				   "500 Erreur de lecture\n");
	case LOAD_MISSING:
		break;
	}
	return answer_not_found(s, conn);
}

/* ------------------------------------------------------ live reload (SSE) */

/*
 * Content reader of an event stream: writes what the client has not been
 * told yet, or suspends the connection until the main thread resumes it.
 */
static ssize_t sse_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct sse_client *c = cls;
	struct server *s = c->srv;
	char text[128];
	size_t n = 0;
	(void)pos;
	pthread_mutex_lock(&s->sse_lock);
	if (s->stopping) {
		pthread_mutex_unlock(&s->sse_lock);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	if (!c->greeted) {
		/* Reconnect quickly after the server restarts. */
		n += (size_t)snprintf(text + n, sizeof text - n, "retry: 1000\n: fiches\n\n");
		c->greeted = 1;
	}
	if (c->seen_event != s->event_seq) {
		n += (size_t)snprintf(text + n, sizeof text - n, "data: %s\n\n", s->event_name);
		c->seen_event = s->event_seq;
		c->seen_beat = s->beat_seq;
	} else if (c->seen_beat != s->beat_seq) {
		n += (size_t)snprintf(text + n, sizeof text - n, ": heartbeat\n\n");
		c->seen_beat = s->beat_seq;
	}
	if (n == 0) {
		c->suspended = 1;
		MHD_suspend_connection(c->conn);
		pthread_mutex_unlock(&s->sse_lock);
		return 0;
	}
	pthread_mutex_unlock(&s->sse_lock);
	if (n > max)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	memcpy(out, text, n);
	return (ssize_t)n;
}

static void sse_free(void *cls)
{
	struct sse_client *c = cls;
	struct server *s = c->srv;
	pthread_mutex_lock(&s->sse_lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&s->sse_lock);
	free(c);
}

static enum MHD_Result answer_events(struct server *s, struct MHD_Connection *conn)
{
	struct sse_client *c = xcalloc(1, sizeof *c);
	c->srv = s;
	c->conn = conn;
	pthread_mutex_lock(&s->sse_lock);
	/* A new page has already seen every past build. */
	c->seen_event = s->event_seq;
	c->seen_beat = s->beat_seq;
	c->next = s->clients;
	if (s->clients)
		s->clients->prev = c;
	s->clients = c;
	pthread_mutex_unlock(&s->sse_lock);
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 256,
								   sse_read, c, sse_free);
	if (!r) {
		sse_free(c);
		return MHD_NO;
	}
	common_headers(r, "text/event-stream; charset=utf-8");
	enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/*
 * Tells every event stream that something happened: event (static string)
 * after a build, or NULL for a heartbeat.
 */
static void sse_notify(struct server *s, const char *event)
{
	pthread_mutex_lock(&s->sse_lock);
	if (event) {
		s->event_name = event;
		s->event_seq++;
	} else {
		s->beat_seq++;
	}
	for (struct sse_client *c = s->clients; c; c = c->next) {
		if (c->suspended) {
			c->suspended = 0;
			MHD_resume_connection(c->conn);
		}
	}
	pthread_mutex_unlock(&s->sse_lock);
}

static void sse_stop(struct server *s)
{
	pthread_mutex_lock(&s->sse_lock);
	s->stopping = 1;
	pthread_mutex_unlock(&s->sse_lock);
	sse_notify(s, NULL);
}

/* ------------------------------------------------------------- requests */

/* Keeps the target as sent: http_path_resolve decodes it, exactly once. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

/* Marks a request announced but not answered yet (first call of on_request). */
static int first_call_marker;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **req_cls)
{
	struct server *s = cls;
	(void)version;
	/* The editor checks its own requests (secret, Host, Origin) and reads bodies. */
	if (s->edit && edit_claims(url))
		return edit_handle(s->edit, conn, url, method, upload_data, upload_data_size,
				   req_cls);
	/* Refused at once: libmicrohttpd then discards any body and closes. */
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return answer_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				   "405 Méthode non autorisée\n");
	/*
	 * The first call only announces the request; answering then would
	 * make libmicrohttpd close the connection (the body, if any, is not
	 * read yet), which costs a TCP handshake per request.
	 */
	if (*req_cls == NULL) {
		*req_cls = &first_call_marker;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		/* A GET with a body: ignore the body, answer when it is over. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (strcmp(url, EVENTS_PATH) == 0)
		return answer_events(s, conn);
	char *rel = NULL;
	enum MHD_Result ret;
	switch (http_path_resolve(url, &rel)) {
	case HTTP_PATH_OK:
		ret = answer_file(s, conn, url, rel);
		free(rel);
		return ret;
	case HTTP_PATH_TOO_LONG:
		return answer_text(conn, MHD_HTTP_URI_TOO_LONG, "414 Chemin trop long\n");
	case HTTP_PATH_HIDDEN:
		return answer_not_found(s, conn);
	default:
		return answer_text(conn, MHD_HTTP_BAD_REQUEST, "400 Requête refusée\n");
	}
}

/* Frees what the editor kept for a finished request. */
static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	if (*req_cls && *req_cls != &first_call_marker)
		edit_request_done(*req_cls);
	*req_cls = NULL;
}

/* ------------------------------------------------------- build and state */

/*
 * Publishes the outcome of a build: new snippet (with the overlay when
 * diagnostics is not NULL), empty cache, next generation; then wakes the
 * event streams.
 */
static void publish(struct server *s, const char *out, const char *diagnostics, int failed,
		    int notify)
{
	struct buf b = BUF_INIT;
	panel_snippet(s->panel, &b, s->edit != NULL, diagnostics, failed);
	char *snippet = buf_detach(&b);
	char *real = NULL;
	if (!s->root_real)
		real = realpath(out, NULL);
	pthread_rwlock_wrlock(&s->lock);
	if (real)
		s->root_real = real;
	free(s->snippet);
	s->snippet = snippet;
	cache_clear(s);
	s->gen++;
	pthread_rwlock_unlock(&s->lock);
	if (notify || failed)
		sse_notify(s, failed ? "error" : "reload");
}

/* Empties the cache for the next generation, the snippet (and overlay) kept. */
static void cache_forget(struct server *s)
{
	pthread_rwlock_wrlock(&s->lock);
	cache_clear(s);
	s->gen++;
	pthread_rwlock_unlock(&s->lock);
}

/*
 * Runs one build, prints its outcome and publishes it; open pages reload
 * when notify is set (or on errors). Returns its build_status.
 */
static int rebuild(struct server *s, struct incr *inc, const struct build_options *opts,
		   const char *out, struct diag *d, int first, int notify)
{
	struct build_stats st = {0};
	struct build_kept *kept = NULL;
	struct build_options b = *opts;
	b.keep = &kept;
	diag_clear(d);
	/* Diagnostics in the site's language: the overlay shows them on its pages. */
	locale_t terminal = i18n_site_begin();
	int status = build_run(&b, d, &st);
	if (status == BUILD_CANCELLED) {
		/* Nothing was written: the pages and PDFs being served stay as they are, and the model. */
		i18n_site_end(terminal);
		fprintf(stderr, _("fiches: PDF pass interrupted (a change or a stop); the pages come first\n"));
		return status;
	}
	/* The model of what is now on disk, for the next change (before the messages are flushed). */
	incr_reset(inc, kept, d);
	char *text = diag_to_string(d);
	size_t errors = diag_errors(d);
	diag_flush(d, stderr);
	i18n_site_end(terminal);
	if (status == BUILD_OK) {
		if (first)
			fprintf(stderr, ngettext("fiches: built %u file in %.2f s\n",
						 "fiches: built %u files in %.2f s\n", st.pages),
				st.pages, st.seconds);
		else
			fprintf(stderr, _("fiches: rebuilt in %.2f s (%u written, %u removed)\n"),
				st.seconds, st.written, st.removed);
		publish(s, out, diag_warnings(d) ? text : NULL, 0, notify);
	} else {
		fprintf(stderr, ngettext("fiches: %zu error: still serving the last good build\n",
					 "fiches: %zu errors: still serving the last good build\n", errors),
			errors);
		publish(s, out, text, 1, notify);
	}
	free(text);
	return status;
}

/*
 * After the files paths[0..n) changed (NULL: unknown changes): the
 * incremental rebuild when it can be made (incremental.h), else a full
 * one with b. Publishes the outcome like rebuild. Returns a build_status.
 * An incremental update writes the pages and reloads the open ones; its
 * data files are then owed (*data_due set, pages: what was written), for
 * rebuild_data once the reload had the machine to itself.
 */
static int rebuild_changed(struct server *s, struct incr *inc, const struct build_options *b,
			   const char *out, struct diag *d, const char *const *paths, size_t n,
			   int *data_due, struct build_stats *pages)
{
	if (!paths || !incr_ready(inc)) {
		*data_due = 0;
		return rebuild(s, inc, b, out, d, 0, 1);
	}
	struct phase ph;
	phase_begin(&ph);
	struct build_stats st = {0};
	diag_clear(d);
	locale_t terminal = i18n_site_begin();
	int status = incr_update(inc, paths, n, d, &st);
	if (status == INCR_FALLBACK) {
		i18n_site_end(terminal);
		*data_due = 0;
		return rebuild(s, inc, b, out, d, 0, 1);
	}
	char *text = diag_to_string(d);
	diag_flush(d, stderr);
	i18n_site_end(terminal);
	/* The open pages reload now; the data files (search index, site.json) follow. */
	publish(s, out, diag_warnings(d) ? text : NULL, 0, 1);
	phase_end(&ph, "pages-reload-sent");
	free(text);
	/* Changes made while data files were owed: one line when they are written, for all. */
	if (!*data_due)
		*pages = (struct build_stats){0};
	pages->seconds += st.seconds;
	pages->written += st.written;
	pages->removed += st.removed;
	*data_due = 1;
	return status;
}

/* The data files owed after incremental updates (rebuild_changed); a full build if they fail. */
static int rebuild_data(struct server *s, struct incr *inc, const struct build_options *b,
			const char *out, struct diag *d, const struct build_stats *pages)
{
	struct phase ph;
	phase_begin(&ph);
	struct build_stats data = {0};
	struct diag *failure = diag_new();
	locale_t terminal = i18n_site_begin();
	int written = incr_update_data(inc, failure, &data);
	i18n_site_end(terminal);
	if (written != BUILD_OK) {
		diag_flush(failure, stderr);
		diag_free(failure);
		return rebuild(s, inc, b, out, d, 0, 1);
	}
	diag_free(failure);
	/* What a request read meanwhile from the old data files is not kept (the overlay stays). */
	cache_forget(s);
	phase_end(&ph, "data-files");
	fprintf(stderr, _("fiches: rebuilt in %.2f s (%u written, %u removed), only what the change shows\n"),
		pages->seconds + data.seconds, pages->written + data.written, pages->removed + data.removed);
	return BUILD_OK;
}

/* ------------------------------------------------------------ listening */

struct listen_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	int loopback;
	char shown[INET6_ADDRSTRLEN + 4];   /* as in a URL: brackets around IPv6 */
};

/*
 * Parses host (numeric IPv4 or IPv6, optionally in brackets, or
 * "localhost"). Returns 0, or -1 when it is not one.
 */
static int parse_host(const char *host, int port, struct listen_addr *a)
{
	memset(a, 0, sizeof *a);
	if (!host || !*host || strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	char bare[INET6_ADDRSTRLEN + 1];
	size_t n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		if (n - 2 >= sizeof bare)
			return -1;
		memcpy(bare, host + 1, n - 2);
		bare[n - 2] = '\0';
	} else {
		if (n >= sizeof bare)
			return -1;
		memcpy(bare, host, n + 1);
	}
	struct sockaddr_in *v4 = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a->ss;
	if (inet_pton(AF_INET, bare, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		a->len = sizeof *v4;
		a->loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
		snprintf(a->shown, sizeof a->shown, "%s", bare);
	} else if (inet_pton(AF_INET6, bare, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		a->len = sizeof *v6;
		a->loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
		snprintf(a->shown, sizeof a->shown, "[%s]", bare);
	} else {
		return -1;
	}
	return 0;
}

/* A listening socket on a, or -1 (errno set). Fills in the port actually bound. */
static int open_listener(struct listen_addr *a, int *port)
{
	int fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (a->ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&a->ss, a->len) < 0 || listen(fd, 128) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	struct sockaddr_storage got;
	socklen_t len = sizeof got;
	if (getsockname(fd, (struct sockaddr *)&got, &len) == 0)
		*port = ntohs(got.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&got)->sin6_port
							: ((struct sockaddr_in *)&got)->sin_port);
	return fd;
}

/* ----------------------------------------------------------------- run */

/* Waits for a change, timeout_ms or a signal: watch_wait's codes. */
static int wait_event(struct watch *w, int sig_fd, int timeout_ms)
{
	if (w)
		return watch_wait(w, sig_fd, timeout_ms);
	struct pollfd p = {.fd = sig_fd, .events = POLLIN};
	int r = poll(&p, 1, timeout_ms);
	if (r < 0)
		return errno == EINTR ? WATCH_TIMEOUT : WATCH_ERROR;
	return r > 0 ? WATCH_STOP : WATCH_TIMEOUT;
}

/* What may interrupt the PDF pass: a stop signal, or a relevant change. */
struct pdf_stop {
	struct watch *w;
	int sig_fd;
};

/* pdf_cancel's question: the signal is left for the main loop to read, the change for watch_wait. */
static int pdf_should_stop(void *ctx, int fd)
{
	struct pdf_stop *p = ctx;
	if (fd == p->sig_fd || !p->w)
		return 1;
	return watch_absorb(p->w) != 0;
}

int serve_run(const struct serve_options *opts)
{
	int rc = 0, listen_fd = -1, sig_fd = -1;
	struct MHD_Daemon *daemon = NULL;
	struct watch *w = NULL;
	struct diag *d = NULL;
	struct incr *inc = NULL;
	struct watch_expect *expect = watch_expect_new(); /* the workshop's saves, announced to the watcher */
	struct stop_watch *stopper = NULL;
	char *out = NULL, *content = NULL, *templates = NULL;
	struct server *s = xcalloc(1, sizeof *s);
	pthread_rwlock_init(&s->lock, NULL);
	pthread_mutex_init(&s->sse_lock, NULL);
	s->panel = panel_new();
	struct buf first = BUF_INIT;
	panel_snippet(s->panel, &first, 0, NULL, 0);
	s->snippet = buf_detach(&first);
	s->event_name = "reload";

	sigset_t stop_set, old_set;
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGINT);
	sigaddset(&stop_set, SIGTERM);
	struct sigaction ignore = {.sa_handler = SIG_IGN}, old_pipe;
	sigaction(SIGPIPE, &ignore, &old_pipe);
	/* Blocked before any thread starts, so only the signalfd sees them. */
	pthread_sigmask(SIG_BLOCK, &stop_set, &old_set);

	struct build_options b = opts->build;
	const char *root = b.root ? b.root : ".";
	out = b.out ? xstrdup(b.out) : path_join(root, "public");
	b.out = out;
	/* The build writes the same bytes as `fiches build`: injection is ours. */
	b.serve = 0;
	content = path_join(root, "content");
	templates = b.templates ? xstrdup(b.templates) : path_join(root, "templates");

	struct listen_addr addr;
	int port = opts->port;
	if (parse_host(opts->host, port, &addr) < 0) {
		fprintf(stderr, _("fiches: --host takes a numeric IP address such as 127.0.0.1 or ::1, not '%s'\n"),
			opts->host);
		rc = 2;
		goto out;
	}
	if (!addr.loopback)
		fprintf(stderr, _("fiches: warning: %s is not a loopback address: anyone who can reach it can read the site\n"),
			addr.shown);
	/* Bind before building: a port in use fails at once. */
	listen_fd = open_listener(&addr, &port);
	if (listen_fd < 0) {
		fprintf(stderr, _("fiches: cannot listen on %s port %d: %s\n"), addr.shown,
			opts->port, strerror(errno));
		rc = 3;
		goto out;
	}
	sig_fd = signalfd(-1, &stop_set, SFD_CLOEXEC);
	if (sig_fd < 0) {
		fprintf(stderr, _("fiches: cannot handle signals: %s\n"), strerror(errno));
		rc = 3;
		goto out;
	}

	inc = incr_new();
	struct edit_options eo = {&b, port, addr.shown, addr.loopback, opts->edit_password_file, inc, expect};
	s->edit = edit_new(&eo);

	d = diag_new();
	diag_set_strict(d, b.strict);
	/*
	 * A stop signal during a build that cannot be interrupted ends the
	 * process (stop.h). With PDFs, the first build forks one process per
	 * booklet, which a process with threads must not do: the watch starts
	 * after it then.
	 */
	if (!build_makes_pdfs(&b))
		stopper = stop_watch_new(sig_fd);
	stop_watch_busy(stopper, 1);
	int status = rebuild(s, inc, &b, out, d, 1, 1);
	stop_watch_busy(stopper, 0);
	if (!stopper)
		stopper = stop_watch_new(sig_fd);
	if (status == BUILD_USAGE || status == BUILD_FAILURE) {
		rc = status == BUILD_USAGE ? 2 : 3;
		goto out;
	}

	/* The usual soft limit of 1024 descriptors would cap connections below MAX_CONNECTIONS. */
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < MAX_CONNECTIONS + 64) {
		nofile.rlim_cur = nofile.rlim_max < MAX_CONNECTIONS + 64 ? nofile.rlim_max
									  : MAX_CONNECTIONS + 64;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC;
	if (addr.ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				  MHD_OPTION_LISTEN_SOCKET, listen_fd,
				  MHD_OPTION_THREAD_POOL_SIZE, POOL_THREADS,
				  MHD_OPTION_CONNECTION_LIMIT, MAX_CONNECTIONS,
				  MHD_OPTION_CONNECTION_TIMEOUT, CONNECTION_TIMEOUT,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
				  MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
				  MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				  MHD_OPTION_END);
	if (!daemon) {
		fprintf(stderr, _("fiches: cannot start the HTTP server\n"));
		rc = 3;
		goto out;
	}
	listen_fd = -1; /* the daemon's now */

	const char *dirs[2] = {content, templates};
	w = watch_new(dirs, 2);
	if (w)
		watch_set_expect(w, expect);
	if (!w)
		fprintf(stderr, _("fiches: cannot watch for changes (%s): no automatic rebuilds\n"),
			strerror(errno));
	fprintf(stderr, _("Serving %s at http://%s:%d/ (Ctrl-C to stop)\n"), out, addr.shown, port);
	if (s->edit)
		edit_announce(s->edit);

	/*
	 * After an edit the pages are rebuilt first (previous PDFs kept) and
	 * published; the PDF pass comes next, in a PDF worker process (this
	 * one has the HTTP threads and must not fork), and any further edit
	 * or a stop signal abandons it at once: the edit's pages are rebuilt,
	 * then the PDF pass starts over. pdf_due: a PDF pass is owed.
	 */
	struct pdf_stop stop = {NULL, sig_fd};
	int stop_fds[2], nstop = 0;
	struct pdf_cancel cancel = {stop_fds, 0, pdf_should_stop, &stop};
	struct build_options full = b;
	full.pdf_cancel = &cancel;
	int pdf_due = 0;
	/* data_due: an incremental update's data files are owed (rebuild_data), pages: its stats so far. */
	int data_due = 0;
	struct build_stats pages = {0};
	struct build_options fast = b;
	fast.pdf_later = build_makes_pdfs(&b);
	for (;;) {
		stop.w = w;
		nstop = 0;
		stop_fds[nstop++] = sig_fd;
		if (w)
			stop_fds[nstop++] = watch_fd(w);
		cancel.nfds = (size_t)nstop;
		int ev = wait_event(w, sig_fd, data_due ? DATA_DELAY_MS : pdf_due ? 0 : HEARTBEAT_MS);
		if (ev == WATCH_STOP) {
			/* Consumed, so that it does not fire once unblocked. */
			struct signalfd_siginfo info;
			if (read(sig_fd, &info, sizeof info) < 0)
				info.ssi_signo = 0;
			break;
		}
		stop_watch_busy(stopper, 1);
		if (ev == WATCH_TIMEOUT && data_due) {
			data_due = 0;
			int built = rebuild_data(s, inc, &fast, out, d, &pages);
			pdf_due = build_makes_pdfs(&b) && built == BUILD_OK;
		} else if (ev == WATCH_TIMEOUT && pdf_due) {
			/* The PDFs, without reloading the pages again; cancelled: still owed. */
			pdf_due = rebuild(s, inc, &full, out, d, 0, 0) == BUILD_CANCELLED;
		} else if (ev == WATCH_TIMEOUT) {
			sse_notify(s, NULL);
		} else if (ev == WATCH_CHANGED) {
			/* Only what changed is read again and only the pages it shows are made again. */
			size_t nchanged;
			const char *const *changed = watch_changes(w, &nchanged);
			char **names = NULL;
			if (changed) {
				names = xcalloc(nchanged + 1, sizeof *names);
				for (size_t i = 0; i < nchanged; i++)
					names[i] = xstrdup(changed[i]);
			}
			watch_changes_clear(w);
			int built = rebuild_changed(s, inc, &fast, out, d, (const char *const *)names,
						     nchanged, &data_due, &pages);
			pdf_due = build_makes_pdfs(&b) && built == BUILD_OK;
			for (size_t i = 0; names && i < nchanged; i++)
				free(names[i]);
			free(names);
		} else {
			fprintf(stderr, _("fiches: watching for changes failed: %s\n"), strerror(errno));
			watch_free(w);
			w = NULL;
		}
		stop_watch_busy(stopper, 0);
	}

out:
	if (daemon) {
		/* Every suspended stream must be resumed before the daemon stops. */
		sse_stop(s);
		usleep(50 * 1000);
		MHD_stop_daemon(daemon);
	}
	stop_watch_free(stopper);
	if (listen_fd >= 0)
		close(listen_fd);
	if (sig_fd >= 0)
		close(sig_fd);
	watch_free(w);
	if (d)
		diag_free(d);
	cache_clear(s);
	edit_free(s->edit);
	watch_expect_free(expect);
	incr_free(inc);
	free(s->snippet);
	panel_free(s->panel);
	free(s->root_real);
	pthread_rwlock_destroy(&s->lock);
	pthread_mutex_destroy(&s->sse_lock);
	free(s);
	free(out);
	free(content);
	free(templates);
	pthread_sigmask(SIG_SETMASK, &old_set, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	return rc;
}
