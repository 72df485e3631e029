/*
 * Phase timings of `fiches serve` (FICHES_TIMING=1): for each phase of a
 * save, a rebuild or a check, its wall time and the CPU time of the thread
 * that ran it, on stderr. The CPU time does not depend on the machine's
 * load, which a wall time on a shared machine mostly measures. Each line
 * carries the monotonic clock at the phase's end, so that the phases of
 * different threads (the save in an HTTP thread, the rebuild in the main
 * one) can be lined up (bench/serve.mjs does).
 */
#ifndef FICHES_SERVE_TIMING_H
#define FICHES_SERVE_TIMING_H

struct phase {
	double wall, cpu;   /* seconds at the phase's start: CLOCK_MONOTONIC, this thread's CPU clock */
};

/* 1 when FICHES_TIMING is set (read once). */
int phase_enabled(void);

/* Starts timing a phase on this thread. */
void phase_begin(struct phase *p);

/*
 * Ends the phase begun on this thread: prints
 * "fiches: phase NAME at T ms: W ms, cpu C ms" (T: the monotonic clock now)
 * when enabled, and begins the next one. Returns the phase's wall time in ms.
 */
double phase_end(struct phase *p, const char *name);

/*
 * A moment rather than a phase, when enabled: prints
 * "fiches: mark NAME at T ms: WHAT" (T: the monotonic clock now), e.g. a
 * request's arrival or an event written to a page, so that the browser's
 * share of a reload can be lined up with the server's phases.
 */
void phase_mark(const char *name, const char *what);

#endif
