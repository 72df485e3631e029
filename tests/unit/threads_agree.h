/*
 * threads_agree.h: run one worker on several threads at once and count what
 * they got wrong. The thread-safety tests of the Markdown parser and of its
 * arena each start the same workers and add their counts; this is that code
 * once. Include after <cmocka.h> and <pthread.h>.
 *
 * worker receives a pointer to its own int, set to 0, and adds one for each
 * result that differs from what one thread alone makes.
 */
#ifndef FICHES_TESTS_THREADS_AGREE_H
#define FICHES_TESTS_THREADS_AGREE_H

enum { THREADS_AGREE_MAX = 16 };

static int threads_wrong_count(void *(*worker)(void *), int threads)
{
	pthread_t t[THREADS_AGREE_MAX];
	int wrong[THREADS_AGREE_MAX] = {0};
	assert_true(threads > 0 && threads <= THREADS_AGREE_MAX);
	for (int i = 0; i < threads; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, &wrong[i]), 0);
	int total = 0;
	for (int i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		total += wrong[i];
	}
	return total;
}

#endif
