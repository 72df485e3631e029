/* Live reload over Server-Sent Events; see serve_events.h. */
#include "serve_events.h"

#include "serve_files.h"
#include "serve_timing.h"
#include "xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/*
 * How long serve_events_end waits for the streams to be gone. They end
 * within a poll of libmicrohttpd's threads; only a client that stopped
 * reading (its socket buffer full) can hold one longer, and then the
 * daemon's stop closes it.
 */
#define END_WAIT_MS 1000

struct client {
	struct serve_events *events;
	struct MHD_Connection *conn;
	unsigned seen_event;         /* event_seq when last told */
	unsigned seen_beat;
	int greeted;                 /* the retry: line was sent */
	int suspended;
	struct client *prev, *next;
};

struct serve_events {
	pthread_mutex_t lock;        /* guards the fields below */
	pthread_cond_t gone;         /* signalled when a client is freed */
	struct client *clients;
	unsigned event_seq;          /* bumped after each build */
	const char *event_name;      /* "reload" or "error" (static) */
	unsigned beat_seq;
	int stopping;
	unsigned told;               /* streams open when the last event went out */
	unsigned loaded;             /* pages that said they loaded (serve_events_loaded), ever */
	unsigned loaded_at_event;    /* loaded when the last event went out */
};

struct serve_events *serve_events_new(void)
{
	struct serve_events *e = xcalloc(1, sizeof *e);
	pthread_mutex_init(&e->lock, NULL);
	/* serve_events_end's limit is on the monotonic clock, which no clock setting moves. */
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&e->gone, &attr);
	pthread_condattr_destroy(&attr);
	e->event_name = "reload";
	return e;
}

void serve_events_free(struct serve_events *e)
{
	if (!e)
		return;
	pthread_cond_destroy(&e->gone);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

/*
 * Content reader of an event stream: writes what the client has not been
 * told yet, or suspends the connection until the main thread resumes it.
 */
static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct client *c = cls;
	struct serve_events *e = c->events;
	char text[128];
	size_t n = 0;
	const char *sent = NULL;     /* the event written, for FICHES_TIMING */
	(void)pos;
	pthread_mutex_lock(&e->lock);
	if (e->stopping) {
		pthread_mutex_unlock(&e->lock);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	if (!c->greeted) {
		/* Reconnect quickly after the server restarts. */
		n += (size_t)snprintf(text + n, sizeof text - n, "retry: 1000\n: fiches\n\n");
		c->greeted = 1;
	}
	if (c->seen_event != e->event_seq) {
		n += (size_t)snprintf(text + n, sizeof text - n, "data: %s\n\n", e->event_name);
		sent = e->event_name;
		c->seen_event = e->event_seq;
		c->seen_beat = e->beat_seq;
	} else if (c->seen_beat != e->beat_seq) {
		n += (size_t)snprintf(text + n, sizeof text - n, ": heartbeat\n\n");
		c->seen_beat = e->beat_seq;
	}
	if (n == 0) {
		c->suspended = 1;
		MHD_suspend_connection(c->conn);
		pthread_mutex_unlock(&e->lock);
		return 0;
	}
	pthread_mutex_unlock(&e->lock);
	if (sent)
		phase_mark("event-sent", sent);
	if (n > max)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	memcpy(out, text, n);
	return (ssize_t)n;
}

/* libmicrohttpd is done with the stream's response: the client leaves the list. */
static void stream_free(void *cls)
{
	struct client *c = cls;
	struct serve_events *e = c->events;
	pthread_mutex_lock(&e->lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		e->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_cond_broadcast(&e->gone);
	pthread_mutex_unlock(&e->lock);
	free(c);
}

enum MHD_Result serve_events_answer(struct serve_events *e, struct MHD_Connection *conn)
{
	struct client *c = xcalloc(1, sizeof *c);
	c->events = e;
	c->conn = conn;
	pthread_mutex_lock(&e->lock);
	/* A new page has already seen every past build. */
	c->seen_event = e->event_seq;
	c->seen_beat = e->beat_seq;
	c->next = e->clients;
	if (e->clients)
		e->clients->prev = c;
	e->clients = c;
	pthread_mutex_unlock(&e->lock);
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 256,
								   stream_read, c, stream_free);
	if (!r) {
		stream_free(c);
		return MHD_NO;
	}
	serve_headers(r, "text/event-stream; charset=utf-8");
	enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/*
 * 1 when the client has closed its end: a page that reloaded closed its
 * stream after the event, but a suspended stream's socket is not watched,
 * so libmicrohttpd only finds out when the next event is written. Caller
 * holds e->lock (so the connection is alive).
 */
static int peer_gone(struct client *c)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(c->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (!info)
		return 0;
	char byte;
	ssize_t r = recv(info->connect_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
	return r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

/* Caller holds e->lock. */
static void resume_all(struct serve_events *e)
{
	for (struct client *c = e->clients; c; c = c->next) {
		if (c->suspended) {
			c->suspended = 0;
			MHD_resume_connection(c->conn);
		}
	}
}

void serve_events_notify(struct serve_events *e, const char *event)
{
	pthread_mutex_lock(&e->lock);
	if (event) {
		e->event_name = event;
		e->event_seq++;
		/* Each open page reloads now and will say when it has loaded again. */
		e->told = 0;
		for (struct client *c = e->clients; c; c = c->next)
			e->told += !peer_gone(c);
		e->loaded_at_event = e->loaded;
	} else {
		e->beat_seq++;
	}
	resume_all(e);
	pthread_mutex_unlock(&e->lock);
}

void serve_events_loaded(struct serve_events *e)
{
	pthread_mutex_lock(&e->lock);
	e->loaded++;
	pthread_mutex_unlock(&e->lock);
}

unsigned serve_events_reloading(struct serve_events *e, unsigned *told)
{
	pthread_mutex_lock(&e->lock);
	unsigned back = e->loaded - e->loaded_at_event; /* unsigned: wraps correctly */
	unsigned left = back >= e->told ? 0 : e->told - back;
	*told = e->told;
	pthread_mutex_unlock(&e->lock);
	return left;
}

void serve_events_end(struct serve_events *e)
{
	struct timespec limit;
	clock_gettime(CLOCK_MONOTONIC, &limit);
	limit.tv_sec += END_WAIT_MS / 1000;
	limit.tv_nsec += (long)(END_WAIT_MS % 1000) * 1000000L;
	if (limit.tv_nsec >= 1000000000L) {
		limit.tv_sec++;
		limit.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&e->lock);
	/* From now on a stream's reader ends it instead of suspending it. */
	e->stopping = 1;
	resume_all(e);
	/* Each resumed stream is read once more, ends, and its response is freed (stream_free). */
	while (e->clients) {
		int err = pthread_cond_timedwait(&e->gone, &e->lock, &limit);
		if (err == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&e->lock);
}
