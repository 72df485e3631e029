/* Parallel loop over indices with an atomic counter; see pool.h. */
#include "pool.h"
#include "xalloc.h"

#include <locale.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

struct loop {
	atomic_size_t next;
	size_t n;
	void (*fn)(void *ctx, size_t i);
	void *ctx;
	locale_t locale;        /* the caller's: workers translate messages as it does */
};

int pool_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

static void *worker(void *arg)
{
	struct loop *l = arg;
	if (l->locale != LC_GLOBAL_LOCALE)
		uselocale(l->locale);
	for (;;) {
		size_t i = atomic_fetch_add(&l->next, 1);
		if (i >= l->n)
			break;
		l->fn(l->ctx, i);
	}
	return NULL;
}

void pool_for(int jobs, size_t n, void (*fn)(void *ctx, size_t i), void *ctx)
{
	struct loop l = {0, n, fn, ctx, uselocale((locale_t)0)};
	if (jobs <= 0)
		jobs = pool_cores();
	if ((size_t)jobs > n)
		jobs = (int)n;
	if (jobs <= 1) {
		worker(&l);
		return;
	}
	pthread_t *threads = xcalloc((size_t)jobs, sizeof *threads);
	int started = 0;
	/* The calling thread works too; extra threads only when they start. */
	for (int t = 1; t < jobs; t++)
		if (pthread_create(&threads[started], NULL, worker, &l) == 0)
			started++;
	worker(&l);
	for (int t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	free(threads);
}
