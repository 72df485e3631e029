/* Parallel loop over indices with an atomic counter; see pool.h. */
#include "pool.h"
#include "xalloc.h"

#include <locale.h>
#include <pthread.h>
#include <signal.h>
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
	int helping;            /* helpers not done with it yet (helpers.lock) */
};

/*
 * The threads that help the callers of pool_for, kept from loop to loop.
 * A build runs eight loops or more; each started its threads and joined
 * them, and a thread's end made the allocator (mimalloc) sweep every page
 * that thread had used, while the caller waited in pthread_join: 51 M
 * instructions at 1 000 fiches, and the next loop's threads started on
 * fresh pages. A helper waits on its own condition between loops; one is
 * started only when none is idle (nested or concurrent loops start more).
 * Helpers block every signal, so that signals go to the program's own
 * threads as before. Idle helpers end before a fork() (see atfork_prepare).
 */
struct helper {
	pthread_t thread;
	pthread_cond_t wake;
	struct loop *loop;      /* what to work on; NULL while idle */
	int quit;               /* set while idle: end the thread */
	struct helper *next;    /* in helpers.idle */
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t done;    /* a loop's last helper is done with it */
	struct helper *idle;
	pthread_once_t atfork;
} helpers = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, PTHREAD_ONCE_INIT};

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

static void worker(struct loop *l)
{
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
}

static void *helper_main(void *arg)
{
	struct helper *h = arg;
	pthread_mutex_lock(&helpers.lock);
	for (;;) {
		while (!h->loop && !h->quit)
			pthread_cond_wait(&h->wake, &helpers.lock);
		if (h->quit)
			break;
		struct loop *l = h->loop;
		pthread_mutex_unlock(&helpers.lock);
		/* The caller's locale: workers translate messages as it does. */
		uselocale(l->locale);
		worker(l);
		uselocale(LC_GLOBAL_LOCALE);
		pthread_mutex_lock(&helpers.lock);
		h->loop = NULL;
		h->next = helpers.idle;
		helpers.idle = h;
		/* l may be freed once its caller sees this: not read again. */
		if (--l->helping == 0)
			pthread_cond_broadcast(&helpers.done);
	}
	pthread_mutex_unlock(&helpers.lock);
	return NULL;
}

/*
 * A fork() copies only the thread that calls it. The idle helpers end
 * first, so that a process whose only threads were the pool's forks as a
 * single thread, as before the helpers were kept: ThreadSanitizer refuses
 * threads in a child forked with several, and the PDF pass forks its
 * typesetters, which run loops. Busy helpers (a loop another thread runs)
 * cannot end: the child forgets them, and starts its own when it needs
 * them. The parent starts new helpers at its next loop.
 */
static void atfork_prepare(void)
{
	pthread_mutex_lock(&helpers.lock);
	struct helper *idle = helpers.idle;
	helpers.idle = NULL;
	for (struct helper *h = idle; h; h = h->next) {
		h->quit = 1;
		pthread_cond_signal(&h->wake);
	}
	pthread_mutex_unlock(&helpers.lock);
	while (idle) {
		struct helper *next = idle->next;
		pthread_join(idle->thread, NULL);
		pthread_cond_destroy(&idle->wake);
		free(idle);
		idle = next;
	}
	/* Held across the fork, so that the child's copy of the pool is whole. */
	pthread_mutex_lock(&helpers.lock);
}

static void atfork_parent(void)
{
	pthread_mutex_unlock(&helpers.lock);
}

static void atfork_child(void)
{
	helpers.idle = NULL;
	helpers.done = (pthread_cond_t)PTHREAD_COND_INITIALIZER;
	pthread_mutex_unlock(&helpers.lock);
}

static void atfork_register(void)
{
	if (pthread_atfork(atfork_prepare, atfork_parent, atfork_child) != 0)
		abort();
}

/* A helper on loop l: an idle one, or a new one. 0 when none could start. Under helpers.lock. */
static int helper_take(struct loop *l)
{
	struct helper *h = helpers.idle;
	if (h) {
		helpers.idle = h->next;
	} else {
		h = xcalloc(1, sizeof *h);
		pthread_cond_init(&h->wake, NULL);
		sigset_t all, old;
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		int started = pthread_create(&h->thread, NULL, helper_main, h) == 0;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (!started) {
			pthread_cond_destroy(&h->wake);
			free(h);
			return 0;
		}
	}
	h->loop = l;
	l->helping++;
	pthread_cond_signal(&h->wake);
	return 1;
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
		pthread_once(&helpers.atfork, atfork_register);
		pthread_mutex_lock(&helpers.lock);
		/* The calling thread works too; extra threads only when they start. */
		for (int t = 1; t < jobs; t++) {
			atomic_fetch_add(&l->active, 1);
			if (!helper_take(l))
				atomic_fetch_sub(&l->active, 1);
		}
		pthread_mutex_unlock(&helpers.lock);
		worker(l);
		pthread_mutex_lock(&helpers.lock);
		while (l->helping)
			pthread_cond_wait(&helpers.done, &helpers.lock);
		pthread_mutex_unlock(&helpers.lock);
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
