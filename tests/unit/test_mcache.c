/*
 * Items of lists kept from one render to the next (mustache_render_cached):
 * the bytes written again must be those a render without the cache writes,
 * whatever the item looks up, the scope, the indentation, the budget, or a
 * buffer that gives its bytes away as it grows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "mustache.h"
#include "mvalue.h"

/* What the views read besides their subject: the "directory" links are made from. */
struct page {
	const char *dir;
	int asked;       /* lookups the views answered */
	struct arena *a; /* the links made */
};

struct item {
	int n;
	const char *name;
};

/* "n", "name", "href" (the directory and the name: the scope's part), "none" (null). */
static int item_get(const void *subject, unsigned atom, const char *name, size_t n, void *user,
		    struct mval *out)
{
	(void)atom;
	const struct item *it = subject;
	struct page *p = user;
	p->asked++;
	if (n == 1 && name[0] == 'n') {
		*out = mv_int(it->n);
		return 1;
	}
	if (n == 4 && !memcmp(name, "name", 4)) {
		*out = mv_str(it->name);
		return 1;
	}
	if (n == 4 && !memcmp(name, "href", 4)) {
		char *s = arena_alloc(p->a, 64);
		snprintf(s, 64, "%s%s.html", p->dir, it->name);
		*out = mv_str(s);
		return 1;
	}
	if (n == 4 && !memcmp(name, "none", 4)) {
		*out = mv_null();
		return 1;
	}
	return 0;
}

static const struct mview scoped_view = {item_get, 1};
static const struct mview unscoped_view = {item_get, 0};

static struct item items[4] = {{1, "un"}, {2, "deux"}, {3, "trois"}, {1, "un-bis"}};
static const void *ptrs[4] = {&items[0], &items[1], &items[2], &items[3]};

/* A card, heavy enough to be kept (KEEP_MIN_WEIGHT). */
#define CARD "<li><a href=\"{{href}}\">{{name}}</a> {{n}}{{#none}}x{{/none}}{{^none}}.{{/none}}" \
	"{{name}}{{n}}{{href}}{{name}}</li>"

static struct mustache_set *set_of(const char *tmpl, const char *partial)
{
	struct mustache_set *set = mustache_set_new();
	assert_int_equal(mustache_set_add(set, "t", "t", tmpl, strlen(tmpl), NULL), 0);
	if (partial)
		assert_int_equal(mustache_set_add(set, "p", "p", partial, strlen(partial), NULL), 0);
	return set;
}

/* The root: "list" (views of view), "outer" a string, "title" a string. */
static struct mval root_of(struct arena *a, const struct mview *view, const char *outer)
{
	struct mobj *root = mobj_new(a, mv_null());
	mobj_set(a, root, "list", mv_views(view, ptrs, 4));
	mobj_set(a, root, "outer", mv_str(outer));
	return mv_obj(root);
}

/* Renders t of set in the directory dir, with cache (or none), into a new string. */
static char *render(const struct mustache_set *set, const struct mval *root, const char *dir,
		    struct mustache_cache *cache, int *asked)
{
	struct arena a = ARENA_INIT;
	struct page p = {dir, 0, &a};
	struct buf out = BUF_INIT;
	assert_int_equal(mustache_render_cached(set, "t", root, &p, cache, dir, strlen(dir), &out,
						NULL), 0);
	arena_free(&a);
	if (asked)
		*asked = p.asked;
	buf_grow(&out, 0);
	return buf_detach(&out);
}

/* Renders with and without the cache: the same bytes; returns the views' lookups with it. */
static int same(const struct mustache_set *set, const struct mval *root, const char *dir,
		struct mustache_cache *cache)
{
	int asked;
	char *plain = render(set, root, dir, NULL, NULL);
	char *kept = render(set, root, dir, cache, &asked);
	assert_string_equal(kept, plain);
	free(plain);
	free(kept);
	return asked;
}

static void test_kept_and_written_again(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct mustache_set *set = set_of("<ul>{{#list}}" CARD "{{/list}}</ul>", NULL);
	struct mval root = root_of(&a, &scoped_view, "o");
	struct mustache_cache *c = mustache_cache_new(1 << 20);
	int first = same(set, &root, "d/", c);
	assert_true(first > 0);
	assert_int_equal(mustache_cache_stats(c).stored, 4);
	assert_int_equal(mustache_cache_stats(c).hits, 0);
	/* The same directory: every item written from the cache, no view asked. */
	assert_int_equal(same(set, &root, "d/", c), 0);
	assert_int_equal(mustache_cache_stats(c).hits, 4);
	/* Another directory: rendered again, with its own links, and kept too. */
	assert_int_equal(same(set, &root, "e/", c), first);
	assert_int_equal(mustache_cache_stats(c).stored, 8);
	assert_int_equal(same(set, &root, "d/", c), 0);
	assert_int_equal(same(set, &root, "e/", c), 0);
	assert_int_equal(mustache_cache_stats(c).hits, 12);
	mustache_cache_free(c);
	mustache_set_free(set);
	arena_free(&a);
}

static void test_partial_card(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	/*
	 * A card as a partial, in two lists: kept once for both. A section
	 * with more than the partial keeps its own.
	 */
	struct mustache_set *set = set_of("{{#list}}{{> p}}{{/list}}|{{#list.0}}{{#list}}{{> p}}{{/list}}"
					  "{{/list.0}}|{{#list}}{{> p}}.{{/list}}", CARD);
	struct mval root = root_of(&a, &scoped_view, "o");
	struct mustache_cache *c = mustache_cache_new(1 << 20);
	same(set, &root, "", c);
	assert_int_equal(mustache_cache_stats(c).stored, 8);
	assert_int_equal(mustache_cache_stats(c).hits, 4);
	same(set, &root, "", c);
	assert_int_equal(mustache_cache_stats(c).hits, 16);
	mustache_cache_free(c);
	mustache_set_free(set);
	arena_free(&a);
}

static void test_not_kept(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct mustache_cache *c = mustache_cache_new(1 << 20);
	/* A name found below the item, in the page: the item depends on the page. */
	struct mustache_set *set = set_of("{{#list}}" CARD "{{outer}}{{/list}}", NULL);
	struct mval one = root_of(&a, &scoped_view, "1"), two = root_of(&a, &scoped_view, "2");
	same(set, &one, "d/", c);
	same(set, &two, "d/", c);
	char *got = render(set, &two, "d/", c, NULL);
	assert_non_null(strstr(got, "</li>2"));
	free(got);
	/* A name found nowhere: it could be found on another page. */
	mustache_set_free(set);
	set = set_of("{{#list}}" CARD "{{missing}}{{/list}}", NULL);
	same(set, &one, "d/", c);
	/* Views that do not say their answers depend on the scope alone. */
	mustache_set_free(set);
	set = set_of("{{#list}}" CARD "{{/list}}", NULL);
	struct mval unscoped = root_of(&a, &unscoped_view, "1");
	same(set, &unscoped, "d/", c);
	/* A section too light to be worth it (one tag). */
	mustache_set_free(set);
	set = set_of("{{#list}}<b>{{name}}</b>{{/list}}", NULL);
	same(set, &one, "d/", c);
	assert_int_equal(mustache_cache_stats(c).stored, 0);
	assert_int_equal(mustache_cache_stats(c).hits, 0);
	/* A name found in what the item pushed, or in the item under it, keeps it. */
	mustache_set_free(set);
	set = set_of("{{#list}}" CARD "{{#name}}{{n}}{{name}}{{/name}}{{/list}}", NULL);
	same(set, &one, "d/", c);
	assert_int_equal(mustache_cache_stats(c).stored, 4);
	mustache_cache_free(c);
	mustache_set_free(set);
	arena_free(&a);
}

static void test_indentation(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	/*
	 * The list inside a standalone partial: its lines are indented, so its
	 * items are rendered each time, and a list outside keeps its own.
	 */
	struct mustache_set *set = set_of("<div>\n  {{> p}}\n</div>\n{{#list}}" CARD "\n{{/list}}",
					  "{{#list}}\n" CARD "\n{{/list}}\n");
	struct mval root = root_of(&a, &scoped_view, "o");
	struct mustache_cache *c = mustache_cache_new(1 << 20);
	same(set, &root, "d/", c);
	same(set, &root, "d/", c);
	assert_int_equal(mustache_cache_stats(c).stored, 4);
	assert_int_equal(mustache_cache_stats(c).hits, 4);
	char *got = render(set, &root, "d/", c, NULL);
	assert_non_null(strstr(got, "\n  <li><a href=\"d/un.html\">"));
	free(got);
	mustache_cache_free(c);
	mustache_set_free(set);
	arena_free(&a);
}

static void test_budget(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct mustache_set *set = set_of("{{#list}}" CARD "{{/list}}", NULL);
	struct mval root = root_of(&a, &scoped_view, "o");
	/* Room for the table and a few items: forgotten and kept again, never wrong. */
	struct mustache_cache *c = mustache_cache_new(64 * 48 + 300);
	const char *dirs[] = {"a/", "b/", "c/", "a/", "d/", "a/", "b/"};
	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
		same(set, &root, dirs[i], c);
	assert_true(mustache_cache_stats(c).stored > 4);
	mustache_cache_free(c);
	/* A budget too small for anything: nothing kept. */
	c = mustache_cache_new(100);
	same(set, &root, "a/", c);
	same(set, &root, "a/", c);
	assert_int_equal(mustache_cache_stats(c).stored, 0);
	mustache_cache_free(c);
	mustache_set_free(set);
	arena_free(&a);
}

/* A sink that takes the buffer's bytes as it fills (the stage writing a large page). */
struct collect {
	struct buf_sink sink;
	struct buf all;
	int taken;
};

static int take(struct buf_sink *sink, const char *data, size_t len)
{
	struct collect *c = (struct collect *)sink;
	buf_put(&c->all, data, len);
	c->taken++;
	return 1;
}

static void test_sink(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	/* Thousands of items, some 650 KB: the sink takes them once or more. */
	enum { N = 6000 };
	static struct item many[N];
	static char names[N][16];
	const void **v = malloc(N * sizeof *v);
	for (size_t i = 0; i < N; i++) {
		snprintf(names[i], sizeof names[i], "n%zu", i % 700);
		many[i] = (struct item){(int)(i % 700), names[i]};
		/* Each subject four times in a row: the last three come from the cache. */
		v[i] = &many[(i / 4) % 700];
	}
	struct mobj *obj = mobj_new(&a, mv_null());
	mobj_set(&a, obj, "list", mv_views(&scoped_view, v, N));
	struct mval root = mv_obj(obj);
	struct mustache_set *set = set_of("{{#list}}" CARD CARD "{{/list}}", NULL);
	char *plain = render(set, &root, "dir/", NULL, NULL);
	/* Small: forgotten every hundred items or so, so that items are rendered all along. */
	struct mustache_cache *c = mustache_cache_new(16 << 10);
	struct collect col = {{take}, BUF_INIT, 0};
	struct buf out = BUF_INIT;
	out.sink = &col.sink;
	struct arena links = ARENA_INIT;
	struct page p = {"dir/", 0, &links};
	assert_int_equal(mustache_render_cached(set, "t", &root, &p, c, "dir/", 4, &out, NULL), 0);
	buf_put(&col.all, out.data, out.len);
	assert_true(col.taken > 0);
	assert_true(mustache_cache_stats(c).hits > 0);
	assert_int_equal(col.all.len, strlen(plain));
	assert_true(memcmp(col.all.data, plain, col.all.len) == 0);
	arena_free(&links);
	buf_free(&out);
	buf_free(&col.all);
	free(plain);
	free(v);
	mustache_cache_free(c);

	/* Items larger than the sink's size: each is held whole until kept. */
	char *big = malloc(300001);
	memset(big, 'x', 300000);
	big[300000] = '\0';
	struct item large[2] = {{1, big}, {2, big + 1000}};
	const void *abab[4] = {&large[0], &large[1], &large[0], &large[1]};
	mobj_set(&a, obj, "list", mv_views(&scoped_view, abab, 4));
	plain = render(set, &root, "dir/", NULL, NULL);
	c = mustache_cache_new(8 << 20);
	col = (struct collect){{take}, BUF_INIT, 0};
	out = (struct buf)BUF_INIT;
	out.sink = &col.sink;
	links = (struct arena)ARENA_INIT;
	p = (struct page){"dir/", 0, &links};
	assert_int_equal(mustache_render_cached(set, "t", &root, &p, c, "dir/", 4, &out, NULL), 0);
	buf_put(&col.all, out.data, out.len);
	assert_true(col.taken > 0);
	assert_int_equal(mustache_cache_stats(c).hits, 2);
	assert_int_equal(col.all.len, strlen(plain));
	assert_true(memcmp(col.all.data, plain, col.all.len) == 0);
	arena_free(&links);
	buf_free(&out);
	buf_free(&col.all);
	free(plain);
	free(big);
	mustache_cache_free(c);
	mustache_set_free(set);
	arena_free(&a);
}

/* Threads sharing one cache: each render is what a render without it writes. */
struct shared {
	const struct mustache_set *set;
	const struct mval *root;
	struct mustache_cache *cache;
	const char *want[3];
	int rounds;	/* renders per thread, the directories in turn */
	int wrong;
};

static const char *const shared_dirs[3] = {"a/", "b/", ""};

static void *render_shared(void *arg)
{
	struct shared *sh = arg;
	for (int k = 0; k < sh->rounds; k++) {
		int d = k % 3;
		struct arena a = ARENA_INIT;
		struct page p = {shared_dirs[d], 0, &a};
		struct buf out = BUF_INIT;
		if (mustache_render_cached(sh->set, "t", sh->root, &p, sh->cache, shared_dirs[d],
					   strlen(shared_dirs[d]), &out, NULL) != 0 ||
		    out.len != strlen(sh->want[d]) || memcmp(out.data, sh->want[d], out.len) != 0)
			__atomic_add_fetch(&sh->wrong, 1, __ATOMIC_RELAXED);
		buf_free(&out);
		arena_free(&a);
	}
	return NULL;
}

/* Four threads rendering with sh's cache at once: none may write a page that differs. */
static void run_shared(struct shared *sh)
{
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, render_shared, sh), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(sh->wrong, 0);
}

static void test_threads(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct mustache_set *set = set_of("{{#list}}{{> p}}{{/list}}{{#list}}" CARD "{{/list}}", CARD);
	struct mval root = root_of(&a, &scoped_view, "o");
	struct shared sh = {set, &root, mustache_cache_new(1 << 20), {NULL}, 60, 0};
	for (int d = 0; d < 3; d++)
		sh.want[d] = render(set, &root, shared_dirs[d], NULL, NULL);
	run_shared(&sh);
	/* 24 items (4 subjects, 2 lists, 3 directories), each kept once. */
	assert_int_equal(mustache_cache_stats(sh.cache).stored, 24);
	assert_true(mustache_cache_stats(sh.cache).hits > 0);
	mustache_cache_free(sh.cache);
	/* Room for 20 items or so: forgotten now and then while the others read. */
	sh.cache = mustache_cache_new(64 * 32 + 1100);
	run_shared(&sh);
	assert_true(mustache_cache_stats(sh.cache).stored > 24);
	for (int d = 0; d < 3; d++)
		free((char *)sh.want[d]);
	mustache_cache_free(sh.cache);
	mustache_set_free(set);
	arena_free(&a);
}

/*
 * Threads sharing a cache of several stripes (a budget of a few MB), items
 * large enough that stripes fill and are emptied while the other threads
 * read and store: every render is still what a render without it writes.
 */
static void test_threads_stripes(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	enum { N = 400, NAME = 1000 };
	static struct item many[N];
	static char names[N][NAME + 8];
	const void **v = malloc(N * sizeof *v);
	for (size_t i = 0; i < N; i++) {
		memset(names[i], 'a' + (char)(i % 26), NAME);
		snprintf(names[i] + NAME, 8, "%zu", i);
		many[i] = (struct item){(int)i, names[i]};
		v[i] = &many[i];
	}
	struct mobj *obj = mobj_new(&a, mv_null());
	mobj_set(&a, obj, "list", mv_views(&scoped_view, v, N));
	struct mval root = mv_obj(obj);
	/* Some 4 KB an item, 3.2 MB a directory's two lists: 4 MB hold one directory at most. */
	struct mustache_set *set = set_of("{{#list}}{{> p}}{{/list}}{{#list}}" CARD "{{/list}}", CARD);
	struct shared sh = {set, &root, mustache_cache_new(4 << 20), {NULL}, 6, 0};
	for (int d = 0; d < 3; d++)
		sh.want[d] = render(set, &root, shared_dirs[d], NULL, NULL);
	run_shared(&sh);
	struct mustache_cache_stats st = mustache_cache_stats(sh.cache);
	/* Kept again after being forgotten: more than the 2 400 items there are. */
	assert_true(st.stored > 2 * N * 3);
	assert_true(st.hits > 0);
	for (int d = 0; d < 3; d++)
		free((char *)sh.want[d]);
	mustache_cache_free(sh.cache);
	mustache_set_free(set);
	free(v);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kept_and_written_again),
		cmocka_unit_test(test_partial_card),
		cmocka_unit_test(test_not_kept),
		cmocka_unit_test(test_indentation),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_sink),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_threads_stripes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
