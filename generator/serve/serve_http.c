/* libmicrohttpd's daemon and where requests go; see serve_http.h. */
#include "serve_http.h"

#include "http_path.h"
#include "serve_files.h"
#include "serve_panel.h"
#include "serve_timing.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* Two polling threads: one per core of the machines we target. */
#define POOL_THREADS 2u
/*
 * Browsers open ~6 connections per site; this many also leaves room for a
 * normal request while a thousand idle sockets wait for their timeout
 * (the descriptor limit is raised to fit, see serve_http_start).
 */
#define MAX_CONNECTIONS 2048u
/* Seconds of silence before a connection is dropped (slowloris). */
#define CONNECTION_TIMEOUT 15u
/* Request line and headers must fit in this (HTTP_PATH_MAX plus headers). */
#define CONNECTION_MEMORY (32u * 1024u)

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
	struct serve_http *h = cls;
	(void)version;
	/* The editor checks its own requests (secret, Host, Origin) and reads bodies. */
	if (h->edit && edit_claims(url))
		return edit_handle(h->edit, conn, url, method, upload_data, upload_data_size,
				   req_cls);
	/* Refused at once: libmicrohttpd then discards any body and closes. */
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return serve_answer_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
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
	phase_mark("request", url);
	if (strcmp(url, EVENTS_PATH) == 0)
		return serve_events_answer(h->events, conn);
	if (strcmp(url, LOADED_PATH) == 0) {
		serve_events_loaded(h->events);
		return serve_answer_text(conn, MHD_HTTP_NO_CONTENT, "");
	}
	char *rel = NULL;
	enum MHD_Result ret;
	switch (http_path_resolve(url, &rel)) {
	case HTTP_PATH_OK:
		ret = serve_answer_file(h->cache, conn, url, rel);
		free(rel);
		return ret;
	case HTTP_PATH_TOO_LONG:
		return serve_answer_text(conn, MHD_HTTP_URI_TOO_LONG, "414 Chemin trop long\n");
	case HTTP_PATH_HIDDEN:
		return serve_answer_not_found(h->cache, conn);
	default:
		return serve_answer_text(conn, MHD_HTTP_BAD_REQUEST, "400 Requête refusée\n");
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

struct MHD_Daemon *serve_http_start(int listen_fd, int ipv6, struct serve_http *h)
{
	/* The usual soft limit of 1024 descriptors would cap connections below MAX_CONNECTIONS. */
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < MAX_CONNECTIONS + 64) {
		nofile.rlim_cur = nofile.rlim_max < MAX_CONNECTIONS + 64 ? nofile.rlim_max
									  : MAX_CONNECTIONS + 64;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC;
	if (ipv6)
		flags |= MHD_USE_IPv6;
	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, h,
				MHD_OPTION_LISTEN_SOCKET, listen_fd,
				MHD_OPTION_THREAD_POOL_SIZE, POOL_THREADS,
				MHD_OPTION_CONNECTION_LIMIT, MAX_CONNECTIONS,
				MHD_OPTION_CONNECTION_TIMEOUT, CONNECTION_TIMEOUT,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
				MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				MHD_OPTION_END);
}
