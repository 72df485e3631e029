/* Parallel loop over indices with an atomic counter; see pool.h. */
#include "pool.h"
#include "xalloc.h"

#include <locale.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* FICHES_TIMING=2: the threads of one loop, at most this many. */
#define POOL_TIMED_MAX 16

struct loop {
	atomic_size_t next;
	size_t n;
	void (*fn)(void *ctx, size_t i);
	void *ctx;
	locale_t locale;        /* the caller's: workers translate messages as it does */
	void (*idle)(void *ctx, int last);   /* pool_for_idle's, or NULL */
	atomic_int active;      /* threads that have not run out of items */
	/*
	 * FICHES_TIMING=2 only. Each thread's CPU clock and CPU seconds; when
	 * one runs out of items, the others' CPU clocks then (tail[k][j]):
	 * what a thread burned after another stopped is that one's idle time,
	 * on a loaded machine as on an idle one.
	 */
	int timed;
	pthread_mutex_t lock;
	atomic_int threads;
	clockid_t clock[POOL_TIMED_MAX];
	double cpu0[POOL_TIMED_MAX], cpu[POOL_TIMED_MAX], done[POOL_TIMED_MAX];
	int finished[POOL_TIMED_MAX];
	double seen[POOL_TIMED_MAX][POOL_TIMED_MAX];
	int last;               /* the thread that ran out of items last */
};

/* What the loops since the last pool_time_take cost (FICHES_TIMING=2). */
static struct {
	pthread_mutex_t lock;
	struct pool_time sum;
} spent = {PTHREAD_MUTEX_INITIALIZER, {0, 0, 0, 0, 0, 0}};

static int level = -1;
static pthread_once_t level_once = PTHREAD_ONCE_INIT;

static void read_level(void)
{
	const char *v = getenv("FICHES_TIMING");
	level = !v ? 0 : atoi(v) > 1 ? atoi(v) : 1;
}

int pool_timing(void)
{
	pthread_once(&level_once, read_level);
	return level;
}

double pool_clock(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int pool_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

/* FICHES_TIMING=2: thread k ran out of items; what each other thread's CPU clock reads now. */
static void ran_out(struct loop *l, int k)
{
	pthread_mutex_lock(&l->lock);
	l->cpu[k] = pool_clock(CLOCK_THREAD_CPUTIME_ID) - l->cpu0[k];
	l->done[k] = pool_clock(CLOCK_MONOTONIC);
	l->finished[k] = 1;
	l->last = k;
	int n = atomic_load(&l->threads);
	for (int j = 0; j < n; j++)
		l->seen[k][j] = l->finished[j] ? l->cpu[j] : pool_clock(l->clock[j]) - l->cpu0[j];
	pthread_mutex_unlock(&l->lock);
}

static void *worker(void *arg)
{
	struct loop *l = arg;
	if (l->locale != LC_GLOBAL_LOCALE)
		uselocale(l->locale);
	int k = 0;
	if (l->timed) {
		pthread_mutex_lock(&l->lock);
		k = atomic_fetch_add(&l->threads, 1);
		pthread_getcpuclockid(pthread_self(), &l->clock[k]);
		l->cpu0[k] = pool_clock(l->clock[k]);
		pthread_mutex_unlock(&l->lock);
	}
	for (;;) {
		size_t i = atomic_fetch_add(&l->next, 1);
		if (i >= l->n)
			break;
		l->fn(l->ctx, i);
	}
	if (l->idle)
		l->idle(l->ctx, atomic_fetch_sub(&l->active, 1) == 1);
	if (l->timed)
		ran_out(l, k);
	return NULL;
}

/*
 * FICHES_TIMING=2: one line per loop, and its sums kept for
 * pool_time_take. A loop's idle time is, for each thread, what the last
 * one to run out burned after it stopped, plus a whole share for each
 * core the loop did not use; its span, the length it would have on idle
 * cores: (work + idle) / cores.
 */
static void report(struct loop *l, int cores, double start, double caller)
{
	double end = pool_clock(CLOCK_MONOTONIC), work = 0, idle = 0;
	int threads = atomic_load(&l->threads), last = l->last;
	for (int k = 0; k < threads; k++) {
		work += l->cpu[k];
		if (k != last)
			idle += l->cpu[last] - l->seen[k][last];
	}
	idle += (double)(cores - threads) * l->cpu[last];
	double span = (work + idle) / cores;
	pthread_mutex_lock(&spent.lock);
	spent.sum.span += span;
	spent.sum.work += work;
	spent.sum.caller += caller;
	spent.sum.idle += idle;
	spent.sum.loops++;
	spent.sum.cores = cores;
	pthread_mutex_unlock(&spent.lock);
	if (span < 0.001)
		return;
	fprintf(stderr, "fiches:   loop of %zu on %d: cpu", l->n, threads);
	for (int k = 0; k < threads; k++)
		fprintf(stderr, "%s%.3f", k ? " + " : " ", l->cpu[k]);
	fprintf(stderr, " s, idle %.3f s; out of items at", idle);
	for (int k = 0; k < threads; k++)
		fprintf(stderr, "%s%.3f", k ? " / " : " ", l->done[k] - start);
	fprintf(stderr, " of %.3f s wall\n", end - start);
}

void pool_for(int jobs, size_t n, void (*fn)(void *ctx, size_t i), void *ctx)
{
	pool_for_idle(jobs, n, fn, NULL, ctx);
}

void pool_for_idle(int jobs, size_t n, void (*fn)(void *ctx, size_t i),
		   void (*idle)(void *ctx, int last), void *ctx)
{
	struct loop *l = xcalloc(1, sizeof *l);
	atomic_init(&l->next, 0);
	atomic_init(&l->threads, 0);
	/* The calling thread counts from the start: no other is the last before it ran out. */
	atomic_init(&l->active, 1);
	l->n = n;
	l->fn = fn;
	l->idle = idle;
	l->ctx = ctx;
	l->locale = uselocale((locale_t)0);
	if (jobs <= 0)
		jobs = pool_cores();
	int cores = jobs;
	if ((size_t)jobs > n)
		jobs = (int)n;
	double start = 0, caller0 = 0;
	if (pool_timing() >= 2 && cores <= POOL_TIMED_MAX) {
		l->timed = 1;
		pthread_mutex_init(&l->lock, NULL);
		start = pool_clock(CLOCK_MONOTONIC);
		caller0 = pool_clock(CLOCK_THREAD_CPUTIME_ID);
	}
	if (jobs <= 1) {
		worker(l);
	} else {
		pthread_t *threads = xcalloc((size_t)jobs, sizeof *threads);
		int started = 0;
		/* The calling thread works too; extra threads only when they start. */
		for (int t = 1; t < jobs; t++) {
			atomic_fetch_add(&l->active, 1);
			if (pthread_create(&threads[started], NULL, worker, l) == 0)
				started++;
			else
				atomic_fetch_sub(&l->active, 1);
		}
		worker(l);
		for (int t = 0; t < started; t++)
			pthread_join(threads[t], NULL);
		free(threads);
	}
	if (l->timed) {
		if (n)
			report(l, cores, start, pool_clock(CLOCK_THREAD_CPUTIME_ID) - caller0);
		pthread_mutex_destroy(&l->lock);
	}
	free(l);
}

void pool_time_take(struct pool_time *t)
{
	pthread_mutex_lock(&spent.lock);
	*t = spent.sum;
	spent.sum = (struct pool_time){.cores = t->cores};
	pthread_mutex_unlock(&spent.lock);
}
