/*
 * SIGINT/SIGTERM while `fiches serve` builds. The main thread reads the
 * stop signals (a signalfd) between builds, and the PDF pass polls them;
 * but a full build of the pages or an incremental update cannot be
 * interrupted, and at 10 000 fiches a full build takes seconds. A thread
 * watches the signalfd (without reading it) while the main thread is
 * busy: when a stop signal is still pending STOP_GRACE_MS later, the
 * process ends at once with status 0. Nothing is lost: the stage swaps
 * or renames complete files only, and the next build removes a staging
 * tree left behind.
 */
#ifndef FICHES_STOP_H
#define FICHES_STOP_H

/* Time given to the main thread (or the PDF pass) to act on a stop signal itself. */
#define STOP_GRACE_MS 500

struct stop_watch;

/* Starts watching sig_fd (a signalfd of SIGINT and SIGTERM). NULL when the thread cannot start. */
struct stop_watch *stop_watch_new(int sig_fd);

/* The main thread starts (busy = 1) or ends (0) something it cannot interrupt. */
void stop_watch_busy(struct stop_watch *w, int busy);

void stop_watch_free(struct stop_watch *w);

#endif
