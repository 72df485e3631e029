/*
 * Worker threads for the parallel stages (Markdown parsing, page
 * rendering, PDF typesetting). A parallel loop over indices: results are
 * stored by index, so output never depends on thread timing.
 */
#ifndef FICHES_POOL_H
#define FICHES_POOL_H

#include <stddef.h>
#include <time.h>

/* Number of online cores (at least 1). */
int pool_cores(void);

/*
 * Calls fn(ctx, i) for every i in [0, n) on up to jobs threads (jobs <= 0:
 * one per core), and returns when all are done.
 */
void pool_for(int jobs, size_t n, void (*fn)(void *ctx, size_t i), void *ctx);

/*
 * pool_for, and each thread, once no item is left for it, calls
 * idle(ctx, last) before it returns: last is 1 for the last thread to run
 * out (the others may still be inside fn until then), 0 for the others,
 * which may wait there for work the last hands them until it is done.
 */
void pool_for_idle(int jobs, size_t n, void (*fn)(void *ctx, size_t i),
		   void (*idle)(void *ctx, int last), void *ctx);

/* FICHES_TIMING's level: 0 unset, 1 phases, 2 also each thread of each loop (read once). */
int pool_timing(void);

/* clock_gettime(id) in seconds. */
double pool_clock(clockid_t id);

/*
 * FICHES_TIMING=2: what the parallel loops cost since the last call, in
 * CPU seconds (thread CPU clocks, so a loaded machine changes them little):
 * span, the sum of each loop's busiest thread (its length on idle cores);
 * work, every thread's; caller, the calling thread's share; idle, what the
 * cores a loop was given left unused while its busiest thread worked.
 */
struct pool_time {
	double span, work, caller, idle;
	unsigned loops;
	int cores;      /* the last loop's number of threads asked for (kept across calls) */
};
void pool_time_take(struct pool_time *t);

#endif
