/*
 * Live reload of `fiches serve`: /__fiches/events, a Server-Sent Events
 * stream that the script injected in every page listens to. Why apart:
 * its connections live across builds, and their end is part of the
 * server's shutdown (serve_events_end), not of any one request.
 *
 * A stream is suspended while there is nothing to say, so an open tab
 * costs no CPU, and resumed by the main thread after a build ("data:
 * reload" or "data: error") or a heartbeat (a comment line, which also
 * reveals closed connections).
 */
#ifndef FICHES_SERVE_EVENTS_H
#define FICHES_SERVE_EVENTS_H

#include <microhttpd.h>

struct serve_events;

struct serve_events *serve_events_new(void);

/* Freed after the daemon stopped: no stream is left then. */
void serve_events_free(struct serve_events *e);

/* Answers a request for the event stream: it sees the builds that come after. */
enum MHD_Result serve_events_answer(struct serve_events *e, struct MHD_Connection *conn);

/*
 * Tells every stream that something happened: event (a static string,
 * "reload" or "error") after a build, or NULL for a heartbeat.
 */
void serve_events_notify(struct serve_events *e, const char *event);

/*
 * A page says it has loaded (its load event; the reload script requests
 * LOADED_PATH then): counted against the pages the last reload event went
 * to. Thread-safe.
 */
void serve_events_loaded(struct serve_events *e);

/*
 * How many of the pages the last "reload" or "error" event went to have
 * not said yet that they loaded again (0 when all have, or none was open);
 * *told: how many it went to. The data files and the PDF pass wait for
 * them (serve.c): on two cores they would take the CPU the browser's
 * reload needs.
 */
unsigned serve_events_reloading(struct serve_events *e, unsigned *told);

/*
 * Ends every stream and waits until libmicrohttpd has let go of each of
 * them (their last bytes sent), at most END_WAIT_MS for clients that do
 * not read; a stream opened meanwhile ends at once. Called before
 * MHD_stop_daemon, which must find no suspended connection.
 */
void serve_events_end(struct serve_events *e);

#endif
