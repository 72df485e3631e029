/*
 * Worker threads for the parallel stages (Markdown parsing, page
 * rendering, PDF typesetting). A parallel loop over indices: results are
 * stored by index, so output never depends on thread timing.
 */
#ifndef FICHES_POOL_H
#define FICHES_POOL_H

#include <stddef.h>

/* Number of online cores (at least 1). */
int pool_cores(void);

/*
 * Calls fn(ctx, i) for every i in [0, n) on up to jobs threads (jobs <= 0:
 * one per core), and returns when all are done.
 */
void pool_for(int jobs, size_t n, void (*fn)(void *ctx, size_t i), void *ctx);

#endif
