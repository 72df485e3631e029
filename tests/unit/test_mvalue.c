/*
 * Mustache values (mvalue.h) rendered by the engine: objects that extend a
 * base, views looked up by name, lists of views, and what a lookup falls
 * back to when a view has no such name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "mustache.h"
#include "mvalue.h"

/* A view over an int: "n" is the int, "twice" is computed, "none" is null. */
struct counted {
	int value;
};

static int counted_get(const void *subject, unsigned atom, const char *name, size_t n,
		       void *user, struct mval *out)
{
	(void)atom;
	const struct counted *c = subject;
	struct arena *a = user;
	if (n == 1 && name[0] == 'n') {
		*out = mv_int(c->value);
		return 1;
	}
	if (n == 5 && !memcmp(name, "twice", 5)) {
		char *s = arena_alloc(a, 16);
		s[0] = (char)('0' + 2 * c->value % 10);
		*out = mv_str(s);
		return 1;
	}
	if (n == 4 && !memcmp(name, "none", 4)) {
		*out = mv_null();
		return 1;
	}
	return 0;
}

static const struct mview counted_view = {counted_get, 0};

static char *render(const char *tmpl, const struct mval *v, struct arena *a)
{
	struct mustache_set *set = mustache_set_new();
	assert_int_equal(mustache_set_add(set, "t", "t", tmpl, strlen(tmpl), NULL), 0);
	struct buf out = BUF_INIT;
	assert_int_equal(mustache_render_value(set, "t", v, a, &out, NULL), 0);
	mustache_set_free(set);
	return buf_detach(&out);
}

static void expect(const char *tmpl, const struct mval *v, struct arena *a, const char *want)
{
	char *got = render(tmpl, v, a);
	assert_string_equal(got, want);
	free(got);
}

static void test_views(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct counted items[3] = {{1}, {2}, {3}};
	const void *ptrs[3] = {&items[0], &items[1], &items[2]};
	struct mobj *root = mobj_new(&a, mv_null());
	mobj_set(&a, root, "n", mv_int(9));
	mobj_set(&a, root, "none", mv_str("outer"));
	mobj_set(&a, root, "list", mv_views(&counted_view, ptrs, 3));
	mobj_set(&a, root, "empty", mv_views(&counted_view, NULL, 0));
	mobj_set(&a, root, "one", mv_view(&counted_view, &items[1]));
	struct mval v = mv_obj(root);
	/* Each item is on the stack: its own n, computed values, and "none" found null. */
	expect("{{#list}}{{n}}{{twice}}[{{none}}] {{/list}}", &v, &a, "12[] 24[] 36[] ");
	/* A name the view does not have is looked up below it. */
	expect("{{#one}}{{missing}}{{list.2.n}}{{/one}}", &v, &a, "3");
	expect("{{#empty}}x{{/empty}}{{^empty}}none{{/empty}}{{#list.0}}first{{/list.0}}", &v, &a, "nonefirst");
	expect("{{one.twice}}{{list.3.n}}", &v, &a, "4");
	arena_free(&a);
}

static void test_extension(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct counted item = {4};
	/* An object over a view: its own fields first, then the view's. */
	struct mobj *ext = mobj_new(&a, mv_view(&counted_view, &item));
	mobj_set(&a, ext, "extra", mv_str("e"));
	mobj_set(&a, ext, "twice", mv_str("own"));
	/* An object over an object, and a key set twice keeps the last value. */
	struct mobj *outer = mobj_new(&a, mv_obj(ext));
	mobj_set(&a, outer, "extra", mv_str("first"));
	mobj_set(&a, outer, "extra", mv_str("last"));
	struct mobj *root = mobj_new(&a, mv_null());
	mobj_set(&a, root, "x", mv_obj(outer));
	struct mval v = mv_obj(root);
	expect("{{#x}}{{n}} {{twice}} {{extra}}{{/x}}", &v, &a, "4 own last");
	arena_free(&a);
}

static void test_scalars(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct mobj *root = mobj_new(&a, mv_null());
	mobj_set(&a, root, "s", mv_strn("<a&b>xyz", 5));
	mobj_set(&a, root, "zero", mv_int(0));
	mobj_set(&a, root, "real", mv_real(1.5));
	mobj_set(&a, root, "t", mv_bool(1));
	mobj_set(&a, root, "f", mv_bool(0));
	mobj_set(&a, root, "empty", mv_str(""));
	struct mval v = mv_obj(root);
	expect("{{s}}|{{{s}}}|{{zero}}|{{real}}|{{t}}|{{f}}", &v, &a,
	       "&lt;a&amp;b&gt;|<a&b>|0|1.5|true|false");
	expect("{{#zero}}a{{/zero}}{{#f}}b{{/f}}{{#empty}}c{{/empty}}{{#t}}d{{/t}}{{#real}}e{{/real}}",
	       &v, &a, "de");
	arena_free(&a);
}

/* Every atom is found by its name (the list is in byte order), no other name is. */
static void test_atoms(void **state)
{
	(void)state;
	for (unsigned i = 1; i < MATOM_COUNT; i++) {
		assert_int_equal(matom_find(matom_name(i), matom_len(i)), i);
		assert_int_equal(strlen(matom_name(i)), matom_len(i));
		if (i > 1)
			assert_true(strcmp(matom_name(i - 1), matom_name(i)) < 0);
	}
	assert_int_equal(matom_find("title", 5), MA_title);
	assert_int_equal(matom_find("title_html", 10), MA_title_html);
	assert_int_equal(matom_find("title_htmlx", 11), MATOM_NONE);
	assert_int_equal(matom_find("titl", 4), MATOM_NONE);
	assert_int_equal(matom_find("", 0), MATOM_NONE);
	assert_int_equal(matom_find("zzz", 3), MATOM_NONE);
	assert_int_equal(matom_find("a", 1), MATOM_NONE);
	/* Bytes after the name do not count. */
	assert_int_equal(matom_find("hrefs", 4), MA_href);
	/* An atom's key is no name's quick key, not even a one-byte name's. */
	assert_true(mval_atom_key(MA_id) != mval_key("\0", 1));
	assert_true(mval_name_key("id", 2) == mval_atom_key(MA_id));
	assert_true(mval_name_key("ix", 2) == mval_key("ix", 2));
}

/* A view over a title: answers the atom title only, and says what it was asked. */
static int titled_get(const void *subject, unsigned atom, const char *name, size_t n,
		      void *user, struct mval *out)
{
	(void)user;
	if (atom == MA_title) {
		*out = mv_str(subject);
		return 1;
	}
	/* A name outside the list comes with its bytes. */
	if (atom == MATOM_NONE && n == 8 && !memcmp(name, "untitled", 8)) {
		*out = mv_str("none");
		return 1;
	}
	return 0;
}

static const struct mview titled_view = {titled_get, 0};

/*
 * Objects large enough to keep slots, set by atom, by a string that is an
 * atom's name and by names outside the list (long ones sharing their first
 * seven bytes), set twice, and objects too large for a slot's byte: every
 * name found, by the template's atoms and through its bytes.
 */
static void test_slots(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct mobj *o = mobj_new(&a, mv_view(&titled_view, "from the view"));
	mobj_set(&a, o, "unknown_name_1", mv_str("u1"));
	mobj_put(&a, o, MA_href, mv_str("h"));
	for (int i = 0; i < 20; i++) {
		char *key = arena_alloc(&a, 24);
		snprintf(key, 24, "field_%02d", i);
		mobj_set(&a, o, key, mv_int(i));
	}
	assert_non_null(o->slot);
	mobj_set(&a, o, "label", mv_str("by string"));
	mobj_put(&a, o, MA_colour, mv_str("c1"));
	mobj_set(&a, o, "colour", mv_str("c2"));
	mobj_set(&a, o, "unknown_name_2", mv_str("u2"));
	mobj_put(&a, o, MA_href, mv_str("h2"));
	mobj_set(&a, o, "unknown_name_1", mv_str("u1b"));
	struct mobj *root = mobj_new(&a, mv_null());
	mobj_set(&a, root, "o", mv_obj(o));
	mobj_put(&a, root, MA_id, mv_str("root id"));
	struct mval v = mv_obj(root);
	expect("{{#o}}{{href}} {{label}} {{colour}} {{unknown_name_1}} {{unknown_name_2}} "
	       "{{field_00}} {{field_19}} {{title}} {{untitled}} {{id}} [{{kind}}]{{/o}}",
	       &v, &a, "h2 by string c2 u1b u2 0 19 from the view none root id []");
	expect("{{o.label}} {{o.title}} {{o.field_07}} {{o.unknown_name_2}}", &v, &a,
	       "by string from the view 7 u2");
	struct mval got;
	assert_int_equal(mval_get(&v, "id", 2, NULL, &got), 1);
	assert_int_equal(mval_get(&v, "o", 1, NULL, &got), 1);
	assert_int_equal(mval_get(&got, "colour", 6, NULL, &got), 1);
	assert_string_equal(got.s, "c2");

	/* More fields than a slot numbers: scanned, still found. */
	struct mobj *big = mobj_new(&a, mv_null());
	for (int i = 0; i < 300; i++) {
		char *key = arena_alloc(&a, 16);
		snprintf(key, 16, "k%03d", i);
		mobj_set(&a, big, key, mv_int(i));
		if (i == 100)
			mobj_put(&a, big, MA_title, mv_str("t100"));
	}
	mobj_put(&a, big, MA_label, mv_str("after 300"));
	mobj_put(&a, big, MA_title, mv_str("t again"));
	assert_null(big->slot);
	mobj_set(&a, root, "big", mv_obj(big));
	expect("{{big.k000}} {{big.k299}} {{big.title}} {{big.label}} {{#big}}{{id}}{{/big}}", &v, &a,
	       "0 299 t again after 300 root id");

	/*
	 * Made with room and slots from the start: fields set by atom and by
	 * string, replaced, past the room made, and its base's names.
	 */
	struct mobj *sized = mobj_new_sized(&a, mv_view(&titled_view, "sized view"), 10);
	assert_non_null(sized->slot);
	mobj_put(&a, sized, MA_href, mv_str("s1"));
	mobj_set(&a, sized, "unknown_name_3", mv_str("u3"));
	mobj_set(&a, sized, "href", mv_str("s2"));
	for (int i = 0; i < 12; i++) {
		char *key = arena_alloc(&a, 24);
		snprintf(key, 24, "field_%02d", i);
		mobj_set(&a, sized, key, mv_int(i));
	}
	mobj_put(&a, sized, MA_label, mv_str("last"));
	assert_int_equal(sized->n, 15);
	mobj_set(&a, root, "sized", mv_obj(sized));
	expect("{{#sized}}{{href}} {{unknown_name_3}} {{field_00}} {{field_11}} {{label}} {{title}} "
	       "{{id}}{{/sized}}", &v, &a, "s2 u3 0 11 last sized view root id");
	/* Small room: scanned like any small object. */
	struct mobj *small = mobj_new_sized(&a, mv_null(), 2);
	assert_null(small->slot);
	mobj_put(&a, small, MA_href, mv_str("a"));
	mobj_put(&a, small, MA_href, mv_str("b"));
	mobj_put(&a, small, MA_label, mv_str("c"));
	mobj_put(&a, small, MA_colour, mv_str("d"));
	mobj_set(&a, root, "small", mv_obj(small));
	expect("{{small.href}}{{small.label}}{{small.colour}}", &v, &a, "bcd");
	arena_free(&a);
}

/* Large and many allocations all end with the arena (run under ASan/valgrind). */
static void test_arena(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	char *big = arena_alloc(&a, 100000);
	big[99999] = 'x';
	for (int i = 0; i < 10000; i++) {
		char *s = arena_strdup(&a, "some text");
		assert_string_equal(s, "some text");
	}
	char *kept = arena_adopt(&a, strdup("adopted"));
	assert_string_equal(kept, "adopted");
	assert_int_equal(big[99999], 'x');
	arena_free(&a);
	arena_free(&a); /* empty again: freeing twice is harmless */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_extension),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_atoms),
		cmocka_unit_test(test_slots),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
