/* Stop signals during builds; see stop.h. */
#include "stop.h"
#include "i18n.h"
#include "pdf_cancel.h"
#include "xalloc.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct stop_watch {
	int sig_fd;
	int quit[2];          /* a pipe: written by stop_watch_free */
	atomic_int busy;
	pthread_t thread;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 when fd is readable within ms (a stop signal pending), 0 otherwise; quit ends the wait with -1. */
static int readable(const struct stop_watch *w, int ms)
{
	struct pollfd p[2] = {{w->sig_fd, POLLIN, 0}, {w->quit[0], POLLIN, 0}};
	int r = poll(p, 2, ms);
	if (r < 0)
		return errno == EINTR ? 0 : -1;
	if (p[1].revents)
		return -1;
	return (p[0].revents & POLLIN) != 0;
}

static void *watch_main(void *arg)
{
	struct stop_watch *w = arg;
	for (;;) {
		int r = readable(w, -1);
		if (r < 0)
			return NULL;
		if (r == 0)
			continue;
		/* A stop signal: the main thread reads it when it is idle, the PDF pass at once. */
		long long since = now_ms();
		while (now_ms() - since < STOP_GRACE_MS) {
			if (!atomic_load(&w->busy) || readable(w, 0) <= 0)
				break;
			usleep(20 * 1000);
		}
		if (atomic_load(&w->busy) && readable(w, 0) > 0) {
			pdf_cancel_kill_worker();
			fprintf(stderr, _("fiches: stopped during a build; the next build completes the output\n"));
			fflush(stderr);
			_exit(0);
		}
		/* Read by the main thread, which is stopping: wait for the end of the process. */
		if (readable(w, 200) < 0)
			return NULL;
	}
}

struct stop_watch *stop_watch_new(int sig_fd)
{
	struct stop_watch *w = xcalloc(1, sizeof *w);
	w->sig_fd = sig_fd;
	atomic_init(&w->busy, 0);
	if (pipe(w->quit) < 0) {
		free(w);
		return NULL;
	}
	if (pthread_create(&w->thread, NULL, watch_main, w) != 0) {
		close(w->quit[0]);
		close(w->quit[1]);
		free(w);
		return NULL;
	}
	return w;
}

void stop_watch_busy(struct stop_watch *w, int busy)
{
	if (w)
		atomic_store(&w->busy, busy);
}

void stop_watch_free(struct stop_watch *w)
{
	if (!w)
		return;
	char c = 0;
	if (write(w->quit[1], &c, 1) < 0)
		perror("fiches: stop watch");
	pthread_join(w->thread, NULL);
	close(w->quit[0]);
	close(w->quit[1]);
	free(w);
}
