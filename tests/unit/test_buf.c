/*
 * Unit tests of the output buffers: a buffer grown into mapped memory
 * (buf.h, BUF_MAY_MAP), the pool that keeps buffers from file to file
 * (bufpool.h), and the stage writing a reused buffer (stage_add_buf).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "hash.h"
#include "bufpool.h"
#include "diag.h"
#include "fileio.h"
#include "path.h"
#include "build.h"
#include "stage.h"
#include "xalloc.h"

/* The byte at offset i of the test pattern. */
static char pattern(size_t i)
{
	return (char)('a' + (i * 7 + i / 4096) % 26);
}

static void put_pattern(struct buf *b, size_t from, size_t n)
{
	char chunk[1000];
	while (n) {
		size_t k = n < sizeof chunk ? n : sizeof chunk;
		for (size_t i = 0; i < k; i++)
			chunk[i] = pattern(from + i);
		buf_put(b, chunk, k);
		from += k;
		n -= k;
	}
}

static void assert_pattern(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != pattern(i))
			fail_msg("byte %zu differs", i);
	assert_int_equal(p[n], '\0');
}

/* A buffer that opts in moves to a mapping past BUF_MAP_MIN and keeps every byte. */
static void test_mapped_growth(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	b.map = BUF_MAY_MAP;
	size_t n = 5 * BUF_MAP_MIN + 123;
	put_pattern(&b, 0, BUF_MAP_MIN / 4);
	assert_int_equal(b.map, BUF_MAY_MAP);
	put_pattern(&b, BUF_MAP_MIN / 4, n - BUF_MAP_MIN / 4);
	assert_int_equal(b.map, BUF_MAPPED);
	assert_int_equal(b.len, n);
	assert_true(b.cap > n);
	assert_pattern(b.data, n);
	buf_printf(&b, "%d", 42);
	assert_string_equal(b.data + n, "42");
	b.len = n;
	b.data[n] = '\0';

	/* detach hands malloc'd bytes (freed with free) and leaves the opt-in. */
	char *copy = buf_detach(&b);
	assert_pattern(copy, n);
	free(copy);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.map, BUF_MAY_MAP);

	put_pattern(&b, 0, 2 * BUF_MAP_MIN);
	assert_int_equal(b.map, BUF_MAPPED);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_cstr(&b), "");
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.map, BUF_MAY_MAP);

	/* A buffer that does not opt in stays on the heap. */
	struct buf h = BUF_INIT;
	put_pattern(&h, 0, 2 * BUF_MAP_MIN);
	assert_int_equal(h.map, 0);
	assert_pattern(h.data, 2 * BUF_MAP_MIN);
	buf_free(&h);
}

/* The pool gives back the buffer it was given, empty, with its room; a large one is not kept. */
static void test_pool(void **state)
{
	(void)state;
	struct bufpool pool;
	bufpool_init(&pool, 1000);
	struct buf *a = bufpool_take(&pool);
	assert_true(a->cap >= 1000);
	assert_int_equal(a->len, 0);
	assert_int_equal(a->map, BUF_MAY_MAP);
	struct buf *b = bufpool_take(&pool);
	assert_ptr_not_equal(a, b);
	put_pattern(a, 0, 5000);
	size_t cap = a->cap;
	char *data = a->data;
	bufpool_give(&pool, a);
	struct buf *again = bufpool_take(&pool);
	assert_ptr_equal(again, a);
	assert_ptr_equal(again->data, data);
	assert_int_equal(again->cap, cap);
	assert_int_equal(again->len, 0);
	assert_string_equal(buf_cstr(again), "");

	put_pattern(again, 0, 3 * BUFPOOL_KEEP_MAX);
	bufpool_give(&pool, again);
	again = bufpool_take(&pool);
	assert_true(again->cap >= 1000 && again->cap <= BUFPOOL_KEEP_MAX);
	bufpool_give(&pool, again);
	bufpool_give(&pool, b);
	bufpool_free(&pool);
}

static char root[] = "/tmp/fiches-test-buf-XXXXXX";

/* Commits st, which must succeed with no error reported; stats may be NULL. */
static void commit_ok(struct stage *st, struct build_stats *stats)
{
	struct diag *d = diag_new();
	assert_int_equal(stage_commit(st, d, stats), 0);
	assert_int_equal(diag_errors(d), 0);
	diag_free(d);
}

/* Removes the test's tree (root, made by mkdtemp), frees out and resets root for the next test. */
static void remove_root(char *out)
{
	char *cmd = NULL;
	assert_true(asprintf(&cmd, "rm -rf '%s'", root) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(out);
	strcpy(root, "/tmp/fiches-test-buf-XXXXXX");
}

static void check_file(const char *out, const char *rel, const char *want, size_t n)
{
	char *p = path_join(out, rel);
	size_t len = 0;
	char *data = file_read(p, &len);
	assert_non_null(data);
	assert_int_equal(len, n);
	assert_memory_equal(data, want, n);
	free(data);
	free(p);
}

/* stage_add_buf writes a buffer's bytes and leaves it empty with its memory, for the next file. */
static void test_stage_add_buf(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(root));
	char *out = path_join(root, "site");
	struct stage *st = stage_new(out);
	struct bufpool pool;
	bufpool_init(&pool, 64);
	struct buf *b = bufpool_take(&pool);
	buf_puts(b, "<p>un</p>");
	char *data = b->data;
	stage_add_buf(st, "un.html", b);
	assert_int_equal(b->len, 0);
	assert_ptr_equal(b->data, data);
	put_pattern(b, 0, 3 * BUF_MAP_MIN);
	stage_add_buf(st, "grand/deux.html", b);
	assert_int_equal(b->len, 0);
	buf_puts(b, "{}");
	stage_add_buf(st, "site.json", b);
	bufpool_give(&pool, b);
	bufpool_free(&pool);
	commit_ok(st, NULL);
	stage_free(st);

	check_file(out, "un.html", "<p>un</p>", 9);
	check_file(out, "site.json", "{}", 2);
	struct buf want = BUF_INIT;
	put_pattern(&want, 0, 3 * BUF_MAP_MIN);
	check_file(out, "grand/deux.html", want.data, want.len);
	buf_free(&want);

	remove_root(out);
}

/*
 * stage_add_hashed writes the bytes and records the hash it is given, the
 * one stage_add would have made (hash_content), as the manifest's.
 */
static void test_stage_add_hashed(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(root));
	char *out = path_join(root, "site");
	struct stage *st = stage_new(out);
	static const char text[] = "{\"t\":[\"un texte\"]}";
	unsigned long long h = hash_content(text, sizeof text - 1);
	stage_add_hashed(st, "recherche/t0.js", xstrdup(text), sizeof text - 1, h);
	stage_add(st, "recherche/t1.js", xstrdup(text), sizeof text - 1);
	size_t n = 0;
	struct stage_hash *v = stage_hashes(st, "recherche/", &n);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].path, "recherche/t0.js");
	assert_true(v[0].hash == h);
	assert_true(v[1].hash == h);
	stage_hashes_free(v, n);
	commit_ok(st, NULL);
	stage_free(st);
	check_file(out, "recherche/t0.js", text, sizeof text - 1);
	remove_root(out);
}

/* One build of out with a single file, big.json, of n pattern bytes from offset, streamed. */
static void build_streamed(const char *out, size_t from, size_t n, struct build_stats *stats,
			   int *seen_early)
{
	struct stage *st = stage_new(out);
	struct buf b = BUF_INIT;
	b.map = BUF_MAY_MAP;
	stage_stream(st, "data/big.json", &b);
	char *staged = NULL;
	assert_true(asprintf(&staged, "%s/.site.fiches-new/data/big.json", root) > 0);
	*seen_early = 0;
	for (size_t done = 0; done < n; done += 4096) {
		size_t k = n - done < 4096 ? n - done : 4096;
		struct buf piece = BUF_INIT;
		put_pattern(&piece, from + done, k);
		buf_put(&b, piece.data, piece.len);
		buf_free(&piece);
		*seen_early |= access(staged, F_OK) == 0;
	}
	free(staged);
	stage_add_buf(st, "data/big.json", &b);
	assert_null(b.sink);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	commit_ok(st, stats);
	stage_free(st);
	struct buf want = BUF_INIT;
	put_pattern(&want, from, n);
	check_file(out, "data/big.json", want.data, want.len);
	buf_free(&want);
}

/*
 * A streamed file reaches the staging tree while it is made when the
 * output had none; its manifest line is the one a whole file gets (the
 * same bytes again are not written); a file that may be the previous
 * build's is held whole until it is longer.
 */
static void test_stage_stream(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(root));
	char *out = path_join(root, "site");
	struct build_stats stats = {0};
	int early = 0;
	size_t n = 3 * BUF_SINK_MIN + 777;
	build_streamed(out, 0, n, &stats, &early);
	assert_true(early);
	assert_int_equal(stats.written, 1);

	/* The same bytes: held whole (same size as before), found unchanged. */
	build_streamed(out, 0, n, &stats, &early);
	assert_false(early);
	assert_int_equal(stats.written, 0);

	/* Other bytes of the same size: held whole, written. */
	build_streamed(out, 1, n, &stats, &early);
	assert_false(early);
	assert_int_equal(stats.written, 1);

	/* Longer: streamed once past the old size. */
	build_streamed(out, 0, 2 * n, &stats, &early);
	assert_true(early);
	assert_int_equal(stats.written, 1);
	build_streamed(out, 0, 2 * n, &stats, &early);
	assert_int_equal(stats.written, 0);

	remove_root(out);
}

/* The descriptors this process has open. */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	assert_non_null(d);
	int n = 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/*
 * Files large enough to be held open after their write (their pages
 * dropped once on the disk, stage.c retire_fd), more than the flusher
 * holds at once: every byte committed, and no descriptor left open,
 * whether the stage is committed or freed without a commit.
 */
static void test_stage_written_held(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(root));
	char *out = path_join(root, "site");
	int before = open_fds();
	const size_t nfiles = 1100, size = 17 * 1024;
	struct buf page = BUF_INIT;
	put_pattern(&page, 0, size);
	for (int commit = 1; commit >= 0; commit--) {
		struct stage *st = stage_new(out);
		for (size_t i = 0; i < nfiles; i++) {
			char rel[64];
			snprintf(rel, sizeof rel, "pages/p%zu.html", i);
			stage_add(st, rel, xstrndup(page.data, page.len), page.len);
			/* A new build's bytes for the second, uncommitted stage. */
			if (!commit && i == 0)
				page.data[0] = 'z';
		}
		if (commit) {
			commit_ok(st, NULL);
			/* Only the staging directory's, which stage_free closes. */
			assert_true(open_fds() <= before + 1);
		}
		stage_free(st);
		assert_int_equal(open_fds(), before);
	}
	page.data[0] = pattern(0);
	check_file(out, "pages/p0.html", page.data, size);
	check_file(out, "pages/p1099.html", page.data, size);
	buf_free(&page);

	remove_root(out);
}

/*
 * A path the stage must not write (out of the tree, the manifest's) or
 * one added twice fails the commit, whether it came alone or streamed,
 * and leaves no output.
 */
static void test_stage_refused(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(root));
	char *out = path_join(root, "site");
	const char *bad[] = {"../dehors.html", STAGE_MANIFEST, "/absolu.html", "double.html"};
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
		struct stage *st = stage_new(out);
		stage_add(st, "index.html", xstrdup("<p>ok</p>"), 9);
		if (!strcmp(bad[k], "double.html"))
			stage_add(st, bad[k], xstrdup("un"), 2);
		struct buf b = BUF_INIT;
		stage_stream(st, bad[k], &b);
		put_pattern(&b, 0, 3 * BUF_SINK_MIN);
		stage_add_buf(st, bad[k], &b);
		buf_free(&b);
		struct diag *d = diag_new();
		assert_int_equal(stage_commit(st, d, NULL), -1);
		assert_int_equal(diag_errors(d), 1);
		diag_free(d);
		stage_free(st);
		assert_int_equal(access(out, F_OK), -1);
	}
	remove_root(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapped_growth),
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_stage_add_buf),
		cmocka_unit_test(test_stage_add_hashed),
		cmocka_unit_test(test_stage_stream),
		cmocka_unit_test(test_stage_written_held),
		cmocka_unit_test(test_stage_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
