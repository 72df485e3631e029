/*
 * Killed workers reaped on a thread; see worker_reap.h.
 *
 * A killed process still has to tear its memory down before it is a
 * zombie, and the worker runs at a lower priority (pdf_worker.c): waiting
 * for it in place delayed the cancelling edit by up to 120 ms under load.
 * Reaping it on a thread lets the edit go on; the cost moves to the exit,
 * where a server stopped during a pass would otherwise return while the
 * worker and its booklet processes, in its group, were still exiting.
 * kill(-group, 0) answers until the last of them, zombies included, is
 * gone (the worker reaped here, its children by init).
 */

#include "worker_reap.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

/* The groups killed last; older ones are long gone. */
#define KEPT 4

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t killed[KEPT];
static unsigned nkilled;
static pthread_once_t at_exit_once = PTHREAD_ONCE_INIT;

static void *reap(void *arg)
{
	pid_t pid = (pid_t)(intptr_t)arg;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return NULL;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* At exit: the killed groups given a bounded time to be gone. */
static void wait_killed(void)
{
	double until = now() + WORKER_REAP_EXIT_WAIT_MS / 1000.0;
	pthread_mutex_lock(&lock);
	unsigned n = nkilled < KEPT ? nkilled : KEPT;
	pid_t groups[KEPT];
	for (unsigned i = 0; i < n; i++)
		groups[i] = killed[i];
	pthread_mutex_unlock(&lock);
	for (unsigned i = 0; i < n; i++)
		while (kill(-groups[i], 0) == 0 && now() < until)
			nanosleep(&(struct timespec){0, 2000000}, NULL);
}

static void register_at_exit(void)
{
	atexit(wait_killed);
}

void worker_reap_later(pid_t pid)
{
	pthread_once(&at_exit_once, register_at_exit);
	pthread_mutex_lock(&lock);
	killed[nkilled++ % KEPT] = pid;
	pthread_mutex_unlock(&lock);
	pthread_t t;
	pthread_attr_t a;
	int started = pthread_attr_init(&a) == 0;
	if (started) {
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		started = pthread_create(&t, &a, reap, (void *)(intptr_t)pid) == 0;
		pthread_attr_destroy(&a);
	}
	if (!started)
		reap((void *)(intptr_t)pid);
}
