/*
 * The parallel loop (generator/pool.h), whose helper threads live from
 * loop to loop: every index runs once whatever came before (loops in a
 * row, loops nested in an item, loops started by two threads at once,
 * a loop in a child of fork()), items run on the caller and on helpers,
 * helpers are reused rather than started anew, take the caller's locale
 * and receive no signal; idle() is called once per thread, last once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pool.h"

#define N 2000
#define MAX_THREADS 64

struct count {
	atomic_int hits[N];
	size_t n;
	int want;       /* items wait (10 s at most) until this many threads ran some */
	/* The distinct threads that ran items. */
	pthread_mutex_t lock;
	pid_t seen[MAX_THREADS];       /* kernel thread ids: a new thread never takes a live one's */
	int nseen;
};

static void note_thread(struct count *c)
{
	pthread_mutex_lock(&c->lock);
	pid_t self = gettid();
	int k = 0;
	while (k < c->nseen && c->seen[k] != self)
		k++;
	if (k == c->nseen && c->nseen < MAX_THREADS)
		c->seen[c->nseen++] = self;
	pthread_mutex_unlock(&c->lock);
}

/*
 * Waits until c->want threads have run items, so that a loaded machine
 * cannot let the caller run them all before a helper wakes.
 */
static void meet(struct count *c)
{
	note_thread(c);
	for (int waited = 0; waited < 10000; waited++) {
		pthread_mutex_lock(&c->lock);
		int enough = c->nseen >= c->want;
		pthread_mutex_unlock(&c->lock);
		if (enough)
			return;
		usleep(1000);
	}
}

static void count_one(void *ctx, size_t i)
{
	struct count *c = ctx;
	atomic_fetch_add(&c->hits[i], 1);
	meet(c);
}

static struct count *count_new(size_t n, int want)
{
	struct count *c = calloc(1, sizeof *c);
	c->n = n;
	c->want = want;
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

static int each_once(const struct count *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (atomic_load(&c->hits[i]) != 1)
			return 0;
	return 1;
}

static void count_free(struct count *c)
{
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static int seen_thread(const struct count *c, pid_t t)
{
	for (int k = 0; k < c->nseen; k++)
		if (c->seen[k] == t)
			return 1;
	return 0;
}

/* Loops in a row: each index once; the second loop's helper is the first's. */
static void test_loops_in_a_row(void **state)
{
	(void)state;
	struct count *first = count_new(N, 2), *second = count_new(N, 2);
	pool_for(2, N, count_one, first);
	pool_for(2, N, count_one, second);
	assert_true(each_once(first));
	assert_true(each_once(second));
	assert_int_equal(first->nseen, 2);
	assert_int_equal(second->nseen, 2);
	pid_t helper = first->seen[0] == gettid() ? first->seen[1] : first->seen[0];
	assert_true(seen_thread(second, helper));
	assert_true(seen_thread(first, gettid()));
	count_free(first);
	count_free(second);
}

/* Fewer items than threads, no item, one job. */
static void test_small_loops(void **state)
{
	(void)state;
	struct count *c = count_new(1, 1);
	pool_for(4, 1, count_one, c);
	assert_true(each_once(c));
	assert_int_equal(c->nseen, 1);
	count_free(c);
	c = count_new(0, 1);
	pool_for(4, 0, count_one, c);
	count_free(c);
	c = count_new(N, 1);
	pool_for(1, N, count_one, c);
	assert_true(each_once(c));
	assert_int_equal(c->nseen, 1);
	count_free(c);
}

/* An item that runs a loop of its own: helpers busy in the outer loop are not waited for. */
struct nest {
	struct count *outer;
	struct count *inner[8];
};

static void nest_one(void *ctx, size_t i)
{
	struct nest *t = ctx;
	atomic_fetch_add(&t->outer->hits[i], 1);
	pool_for(3, N, count_one, t->inner[i]);
}

static void test_nested(void **state)
{
	(void)state;
	struct nest t = {count_new(8, 1), {0}};
	for (int i = 0; i < 8; i++)
		t.inner[i] = count_new(N, 3);
	pool_for(2, 8, nest_one, &t);
	assert_true(each_once(t.outer));
	for (int i = 0; i < 8; i++) {
		assert_true(each_once(t.inner[i]));
		count_free(t.inner[i]);
	}
	count_free(t.outer);
}

/* Two threads that each run loops at the same time. */
static void *loops_thread(void *arg)
{
	int *wrong = arg;
	for (int r = 0; r < 20; r++) {
		struct count *c = count_new(N, 2);
		pool_for(2, N, count_one, c);
		if (!each_once(c) || c->nseen != 2)
			(*wrong)++;
		count_free(c);
	}
	return NULL;
}

static void test_concurrent(void **state)
{
	(void)state;
	pthread_t t[2];
	int wrong[2] = {0, 0};
	for (int k = 0; k < 2; k++)
		assert_int_equal(pthread_create(&t[k], NULL, loops_thread, &wrong[k]), 0);
	for (int k = 0; k < 2; k++)
		pthread_join(t[k], NULL);
	assert_int_equal(wrong[0] + wrong[1], 0);
}

/* A child of fork() has no helper of its parent's: its loops still end. */
static void test_fork(void **state)
{
	(void)state;
	struct count *c = count_new(N, 2);
	pool_for(2, N, count_one, c);
	count_free(c);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct count *d = count_new(N, 2);
		pool_for(2, N, count_one, d);
		_exit(each_once(d) && d->nseen == 2 ? 0 : 1);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Each thread's locale while it runs an item, and whether it blocks SIGTERM. */
struct env {
	atomic_int wrong_locale, unblocked_helpers;
	locale_t want;
	struct count *threads;
};

static void env_one(void *ctx, size_t i)
{
	(void)i;
	struct env *e = ctx;
	if (uselocale((locale_t)0) != e->want)
		atomic_fetch_add(&e->wrong_locale, 1);
	sigset_t now;
	pthread_sigmask(SIG_SETMASK, NULL, &now);
	if (!sigismember(&now, SIGTERM))
		atomic_fetch_add(&e->unblocked_helpers, 1);
	meet(e->threads);
}

static void test_locale_and_signals(void **state)
{
	(void)state;
	locale_t loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	assert_non_null(loc);
	locale_t old = uselocale(loc);
	struct env e = {0, 0, loc, count_new(0, 2)};
	pool_for(2, 200, env_one, &e);
	assert_int_equal(e.threads->nseen, 2);
	assert_int_equal(atomic_load(&e.wrong_locale), 0);
	/* The caller's own items: SIGTERM is not blocked here, the helpers' are. */
	assert_true(atomic_load(&e.unblocked_helpers) > 0);
	assert_true(atomic_load(&e.unblocked_helpers) < 200);
	uselocale(old);
	/* A loop with the global locale after it: the helper does not keep the last one. */
	struct env g = {0, 0, LC_GLOBAL_LOCALE, count_new(0, 2)};
	pool_for(2, 200, env_one, &g);
	assert_int_equal(atomic_load(&g.wrong_locale), 0);
	assert_int_equal(g.threads->nseen, 2);
	count_free(e.threads);
	count_free(g.threads);
	freelocale(loc);
}

/* idle(ctx, last): once per thread that took part, last exactly once. */
struct idle_count {
	atomic_int calls, lasts;
};

static void nothing(void *ctx, size_t i)
{
	(void)ctx;
	if (i % 16 == 0)
		usleep(100);
}

static void on_idle(void *ctx, int last)
{
	struct idle_count *c = ctx;
	atomic_fetch_add(&c->calls, 1);
	if (last)
		atomic_fetch_add(&c->lasts, 1);
}

static void test_idle(void **state)
{
	(void)state;
	for (int r = 0; r < 20; r++) {
		struct idle_count c = {0, 0};
		pool_for_idle(2, 500, nothing, on_idle, &c);
		assert_int_equal(atomic_load(&c.calls), 2);
		assert_int_equal(atomic_load(&c.lasts), 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loops_in_a_row),
		cmocka_unit_test(test_small_loops),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_fork),
		cmocka_unit_test(test_locale_and_signals),
		cmocka_unit_test(test_idle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
