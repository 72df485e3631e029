/* Phase timings of `fiches serve`; see serve_timing.h. */
#include "serve_timing.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int enabled;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void read_env(void)
{
	enabled = getenv("FICHES_TIMING") != NULL;
}

int phase_enabled(void)
{
	pthread_once(&once, read_env);
	return enabled;
}

static double seconds(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void phase_begin(struct phase *p)
{
	p->wall = seconds(CLOCK_MONOTONIC);
	p->cpu = seconds(CLOCK_THREAD_CPUTIME_ID);
}

double phase_end(struct phase *p, const char *name)
{
	double wall = seconds(CLOCK_MONOTONIC), cpu = seconds(CLOCK_THREAD_CPUTIME_ID);
	double ms = (wall - p->wall) * 1e3;
	if (phase_enabled())
		fprintf(stderr, "fiches: phase %s at %.3f ms: %.3f ms, cpu %.3f ms\n", name, wall * 1e3, ms,
			(cpu - p->cpu) * 1e3);
	p->wall = wall;
	p->cpu = cpu;
	return ms;
}

void phase_mark(const char *name, const char *what)
{
	if (phase_enabled())
		fprintf(stderr, "fiches: mark %s at %.3f ms: %s\n", name, seconds(CLOCK_MONOTONIC) * 1e3,
			what ? what : "");
}
