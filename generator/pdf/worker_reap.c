/*
 * Killed workers reaped on a thread; see worker_reap.h.
 *
 * A killed process still has to tear its memory down before it is a
 * zombie, and the worker runs at a lower priority (pdf_worker.c): waiting
 * for it in place delayed the cancelling edit by up to 120 ms under load.
 * Reaping it on a thread lets the edit go on; the cost moves to the exit,
 * where a server stopped during a pass would otherwise return while the
 * worker and its booklet processes, in its group, were still exiting.
 * At exit the groups are read from /proc: a process that still runs (not
 * a zombie) is waited for. Zombies are not: the worker is reaped here,
 * its children by whatever reaps orphans, which in a container may be
 * nobody (kill(-group, 0), which counts zombies, then waited for the
 * whole bound on every stop).
 */

#include "worker_reap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

/* 1 when a process of group pgid is running (not a zombie), by /proc. */
static int group_running(pid_t pgid)
{
	DIR *proc = opendir("/proc");
	if (!proc)
		return kill(-pgid, 0) == 0;
	int running = 0;
	for (struct dirent *e; !running && (e = readdir(proc));) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		char path[300], stat[512];
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, stat, sizeof stat - 1);
		close(fd);
		if (n <= 0)
			continue;
		stat[n] = '\0';
		/* "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses. */
		char *close_paren = strrchr(stat, ')');
		char state;
		int ppid, pgrp;
		if (close_paren && sscanf(close_paren + 1, " %c %d %d", &state, &ppid, &pgrp) == 3)
			running = pgrp == pgid && state != 'Z' && state != 'X';
	}
	closedir(proc);
	return running;
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
		while (group_running(groups[i]) && now() < until)
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
