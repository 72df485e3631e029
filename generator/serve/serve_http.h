/*
 * The HTTP side of `fiches serve`: libmicrohttpd's daemon, its limits, and
 * where each request goes (the workshop under /_edit/, the event stream,
 * the files of the output). Why apart: the daemon's threads are the only
 * ones that call in here, and the limits that protect the server
 * (connections, timeouts, memory, paths) are all set in one place.
 *
 * Threads. libmicrohttpd's two polling threads answer requests while the
 * main thread builds; the build swaps the output directory in atomically,
 * so a request sees either the old site or the new one, never a mix
 * inside one file.
 */
#ifndef FICHES_SERVE_HTTP_H
#define FICHES_SERVE_HTTP_H

#include "edit.h"
#include "serve_cache.h"
#include "serve_events.h"

#include <microhttpd.h>

/* What the requests reach; lives until the daemon has stopped. */
struct serve_http {
	struct edit *edit;             /* the writing workshop (/_edit/), or NULL when off */
	struct serve_cache *cache;
	struct serve_events *events;
};

/*
 * Starts the daemon on listen_fd (a listening socket, then the daemon's;
 * ipv6: its family is AF_INET6). Raises the descriptor limit to fit its
 * connections. NULL when it cannot start (listen_fd is still the caller's).
 */
struct MHD_Daemon *serve_http_start(int listen_fd, int ipv6, struct serve_http *h);

#endif
