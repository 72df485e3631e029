/*
 * Unit tests of the YAML loader (generator/load/yaml.c): positions of
 * values and keys, input forms (CRLF, BOM, invalid UTF-8), the core-schema
 * choices front matter depends on, and every limit with a pathological
 * input and a time bound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "diag.h"
#include "utf8.h"
#include "yaml.h"

/* One load: the value (or NULL), its marks and the diagnostics text. */
struct res {
	int rc;
	json_t *v;
	struct yaml_marks *m;
	char *msgs; /* owned */
};

static struct res load_n(const char *text, size_t len, int offset)
{
	struct res r;
	struct diag *d = diag_new();
	r.rc = yaml_load("t.yaml", text, len, offset, d, &r.v, &r.m);
	/* diag_to_string on an empty collector trips UBSan (qsort of NULL). */
	r.msgs = diag_errors(d) || diag_warnings(d) ? diag_to_string(d) : strdup("");
	diag_free(d);
	if (r.rc == 0) {
		assert_non_null(r.v);
		assert_non_null(r.m);
	} else {
		assert_null(r.v);
		assert_null(r.m);
	}
	return r;
}

static struct res load(const char *text, int offset)
{
	return load_n(text, strlen(text), offset);
}

static void done(struct res *r)
{
	json_decref(r->v);
	yaml_marks_free(r->m);
	free(r->msgs);
}

/* Asserts a failed load whose first message starts with prefix. */
static void assert_error_at(struct res *r, const char *prefix)
{
	assert_int_equal(r->rc, -1);
	if (strstr(r->msgs, prefix) == NULL)
		fail_msg("expected '%s' in: %s", prefix, r->msgs);
}

static void assert_value_at(const struct res *r, const json_t *v, int line, int col)
{
	int l = 0, c = 0;
	assert_non_null(v);
	assert_true(yaml_marks_find(r->m, v, &l, &c));
	assert_int_equal(l, line);
	assert_int_equal(c, col);
}

static void assert_key_at(const struct res *r, const json_t *obj, const char *key,
			  int line, int col)
{
	int l = 0, c = 0;
	assert_true(yaml_marks_find_key(r->m, obj, key, &l, &c));
	assert_int_equal(l, line);
	assert_int_equal(c, col);
}

static void test_positions_with_offset(void **state)
{
	(void)state;
	struct res r = load("title: Habitants\n"
			    "themes: [cadre-de-vie, expertise]\n"
			    "number: 6\n"
			    "carrier:\n"
			    "  name: Agora\n"
			    "  list:\n"
			    "    - 1.5\n"
			    "active: true\n", 1);
	assert_int_equal(r.rc, 0);
	json_t *o = r.v;
	assert_value_at(&r, o, 2, 1);
	assert_key_at(&r, o, "title", 2, 1);
	assert_value_at(&r, json_object_get(o, "title"), 2, 8);
	assert_key_at(&r, o, "themes", 3, 1);
	json_t *themes = json_object_get(o, "themes");
	assert_value_at(&r, themes, 3, 9);
	assert_value_at(&r, json_array_get(themes, 1), 3, 24);
	assert_value_at(&r, json_object_get(o, "number"), 4, 9);
	json_t *carrier = json_object_get(o, "carrier");
	assert_value_at(&r, carrier, 6, 3);
	assert_key_at(&r, carrier, "name", 6, 3);
	assert_value_at(&r, json_object_get(carrier, "name"), 6, 9);
	json_t *list = json_object_get(carrier, "list");
	assert_value_at(&r, list, 8, 5);
	assert_value_at(&r, json_array_get(list, 0), 8, 7);
	/* Shared singletons have no position; the key holding them does. */
	int l, c;
	assert_false(yaml_marks_find(r.m, json_object_get(o, "active"), &l, &c));
	assert_key_at(&r, o, "active", 9, 1);
	assert_false(yaml_marks_find_key(r.m, o, "missing", &l, &c));
	done(&r);
}

static void test_columns_count_characters(void **state)
{
	(void)state;
	struct res r = load("é: ü\n\"ééé\": [x, «y»]\nœ: >\n  plié\n", 0);
	assert_int_equal(r.rc, 0);
	assert_value_at(&r, json_object_get(r.v, "é"), 1, 4);
	json_t *a = json_object_get(r.v, "ééé");
	assert_value_at(&r, a, 2, 8);
	assert_value_at(&r, json_array_get(a, 1), 2, 12);
	assert_key_at(&r, r.v, "œ", 3, 1);
	assert_string_equal(json_string_value(json_object_get(r.v, "œ")), "plié\n");
	done(&r);
}

static void test_alias_copy_positions(void **state)
{
	(void)state;
	struct res r = load("base: &b\n  k: v\nother: *b\n", 0);
	assert_int_equal(r.rc, 0);
	json_t *copy = json_object_get(r.v, "other");
	assert_ptr_not_equal(copy, json_object_get(r.v, "base"));
	assert_true(json_equal(copy, json_object_get(r.v, "base")));
	/* The copy itself is where the alias is; inside, where the original is. */
	assert_value_at(&r, copy, 3, 8);
	assert_value_at(&r, json_object_get(copy, "k"), 2, 6);
	assert_key_at(&r, copy, "k", 2, 3);
	done(&r);
}

static void test_crlf(void **state)
{
	(void)state;
	struct res r = load("a: 1\r\nb: x\r\nc: |\r\n  l1\r\n  l2\r\nd: 'q\r\n  r'\r\n", 0);
	assert_int_equal(r.rc, 0);
	assert_key_at(&r, r.v, "b", 2, 1);
	assert_value_at(&r, json_object_get(r.v, "b"), 2, 4);
	assert_string_equal(json_string_value(json_object_get(r.v, "b")), "x");
	assert_string_equal(json_string_value(json_object_get(r.v, "c")), "l1\nl2\n");
	assert_string_equal(json_string_value(json_object_get(r.v, "d")), "q r");
	assert_key_at(&r, r.v, "d", 6, 1);
	done(&r);
}

static void test_bom(void **state)
{
	(void)state;
	struct res r = load("\xEF\xBB\xBFtitle: Non\nn: 2\n", 0);
	assert_int_equal(r.rc, 0);
	assert_key_at(&r, r.v, "title", 1, 1);
	assert_value_at(&r, json_object_get(r.v, "title"), 1, 8);
	assert_string_equal(json_string_value(json_object_get(r.v, "title")), "Non");
	done(&r);
	/* A BOM then invalid UTF-8: the column ignores the BOM. */
	r = load("\xEF\xBB\xBF" "a: \xC3\n", 0);
	assert_error_at(&r, "t.yaml:1:4: error: invalid UTF-8");
	done(&r);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	struct res r = load("a: ok\nb: àx\xff\n", 0);
	assert_error_at(&r, "t.yaml:2:6: error: invalid UTF-8 (byte 0xff)");
	done(&r);
	r = load("a: ok\nb: \xE9t\xE9\n", 3);
	assert_error_at(&r, "t.yaml:5:4: error: invalid UTF-8 (byte 0xe9)");
	done(&r);
	r = load_n("a: x\0y\n", 7, 0);
	assert_error_at(&r, "t.yaml:1:5: error: NUL byte");
	done(&r);
}

static void test_duplicate_key(void **state)
{
	(void)state;
	struct res r = load("a: 1\nb:\n  c: 2\n  c: 3\n", 1);
	/* One line: where the first one is, in the message itself. */
	assert_error_at(&r, "t.yaml:5:3: error: duplicate field 'c' (the first is on line 4)");
	assert_null(strstr(r.msgs, "note:"));
	done(&r);
	/* Same text, different quoting: still the same key. */
	r = load("'1': a\n1: b\n", 0);
	assert_error_at(&r, "t.yaml:2:1: error: duplicate field '1'");
	done(&r);
}

/*
 * CPU-time limit of the tests that would blow up (billion laughs, deep
 * nesting, huge input) if a guard failed: a blow-up takes minutes, while
 * the sanitizer builds (ASan, TSan) are 5 to 20 times slower than -O2.
 * It catches the blow-up, never mere slowness.
 */
#define HANG_CPU_SECONDS 20.0

/* The classic billion laughs: 10^9 strings if expanded. */
static void test_alias_bomb(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	buf_puts(&b, "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (int i = 1; i < 9; i++) {
		buf_printf(&b, "%c: &%c [", 'a' + i, 'a' + i);
		for (int j = 0; j < 9; j++)
			buf_printf(&b, "%s*%c", j ? ", " : "", 'a' + i - 1);
		buf_puts(&b, "]\n");
	}
	clock_t t0 = clock();
	struct res r = load(buf_cstr(&b), 0);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_int_equal(r.rc, -1);
	assert_non_null(strstr(r.msgs, "expands to too many values"));
	/* Lines 1-6 make about 670 000 values; the first *f on line 7 would add 600 000. */
	assert_non_null(strstr(r.msgs, "t.yaml:7:"));
	assert_true(secs < HANG_CPU_SECONDS);
	done(&r);
	buf_free(&b);
}

static void test_alias_rules(void **state)
{
	(void)state;
	struct res r = load("a: *nope\n", 0);
	assert_error_at(&r, "t.yaml:1:4: error: unknown alias '*nope'");
	done(&r);
	r = load("a: &x [1, *x]\n", 0);
	assert_error_at(&r, "t.yaml:1:11: error: alias '*x' refers to a node that contains it");
	done(&r);
	/* An anchored key may serve as a key or a value later. */
	r = load("&k 12: a\nb: *k\n*k : c\n", 0);
	assert_error_at(&r, "t.yaml:3:1: error: duplicate field '12'");
	done(&r);
	r = load("&k 12: a\nb: *k\n", 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(json_integer_value(json_object_get(r.v, "b")), 12);
	done(&r);
}

static void test_depth(void **state)
{
	(void)state;
	size_t n = 10000;
	char *s = malloc(2 * n + 2);
	memset(s, '[', n);
	memset(s + n, ']', n);
	s[2 * n] = '\n';
	s[2 * n + 1] = '\0';
	clock_t t0 = clock();
	struct res r = load(s, 0);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < HANG_CPU_SECONDS);
	assert_error_at(&r, "t.yaml:1:65: error: mappings and sequences nested too deeply");
	done(&r);
	/* Exactly at the limit is fine. */
	memset(s, '[', YAML_MAX_DEPTH);
	memset(s + YAML_MAX_DEPTH, ']', YAML_MAX_DEPTH);
	s[2 * YAML_MAX_DEPTH] = '\0';
	r = load(s, 0);
	assert_int_equal(r.rc, 0);
	done(&r);
	/* An alias cannot smuggle depth in. */
	struct buf b = BUF_INIT;
	buf_puts(&b, "a: &d ");
	for (int i = 0; i < 40; i++)
		buf_putc(&b, '[');
	for (int i = 0; i < 40; i++)
		buf_putc(&b, ']');
	/* 1 (root) + 30 + 40 levels > YAML_MAX_DEPTH; the alias is at column 34. */
	buf_puts(&b, "\nb: ");
	for (int i = 0; i < 30; i++)
		buf_putc(&b, '[');
	buf_puts(&b, "*d");
	for (int i = 0; i < 30; i++)
		buf_putc(&b, ']');
	buf_putc(&b, '\n');
	r = load(buf_cstr(&b), 0);
	assert_error_at(&r, "t.yaml:2:34: error: alias '*d' nests too deeply");
	done(&r);
	buf_free(&b);
	free(s);
}

static void test_size_limit(void **state)
{
	(void)state;
	size_t n = 5u << 20;
	char *s = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = i % 16 == 15 ? '\n' : (i % 16 == 0 ? '-' : (i % 16 == 1 ? ' ' : 'x'));
	s[n] = '\0';
	clock_t t0 = clock();
	struct res r = load_n(s, n, 1);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < HANG_CPU_SECONDS);
	assert_error_at(&r, "t.yaml:2:1: error: YAML text too large");
	done(&r);
	free(s);
}

static void test_tab_indentation(void **state)
{
	(void)state;
	struct res r = load("title: x\nlist:\n  - a\n\t- b\n", 1);
	assert_error_at(&r, "t.yaml:5:1: error: invalid YAML: a tab is used here to shift the line: "
			    "replace it with spaces");
	done(&r);
}

static void test_libyaml_error(void **state)
{
	(void)state;
	struct res r = load("a: [b, c\nd: e\n", 0);
	/*
	 * libyaml notices at the ':' of the next line, where the flow cannot go
	 * on; the fix is where the '[' opens, and no libyaml English is shown.
	 */
	assert_error_at(&r, "t.yaml:1:4: error: invalid YAML: the '[' here is never closed: add ']' "
			    "at the end of the list");
	done(&r);
}

/* libyaml's problems come out as what to do, with the line's own text. */
static void test_problems_rewritten(void **state)
{
	(void)state;
	struct res r = load("number: 1\ntitle: Médiation de nuit : la Busserine\n", 1);
	assert_error_at(&r, "t.yaml:3:26: error: invalid YAML: the value of 'title' holds \" : \": "
			    "put the whole value between quotes: "
			    "title: \"Médiation de nuit : la Busserine\"");
	done(&r);
	r = load("title: \"Bus\" de nuit\n", 1);
	assert_error_at(&r, "t.yaml:2:14: error: invalid YAML: the value of 'title' starts with a "
			    "quote, so it must end with it: put the whole value between quotes: "
			    "title: '\"Bus\" de nuit'");
	done(&r);
	r = load("- id: a\n  name: A\n   kind: person\n", 0);
	assert_error_at(&r, "t.yaml:3:4: error: invalid YAML: 'kind' is indented more than 'name' "
			    "on the line above");
	done(&r);
	r = load("- id: a\n  name: A\n  id: b\n", 0);
	assert_error_at(&r, "t.yaml:3:3: error: a second 'id' in the same entry (the first is on "
			    "line 1): start the new entry with '- '");
	done(&r);
	r = load("a: [b, c\n", 0);
	assert_null(strstr(r.msgs, "while parsing"));
	done(&r);
}

/* A non-breaking space pasted into a field name: a warning, and the field is read. */
static void test_invisible_in_key(void **state)
{
	(void)state;
	struct res r = load("title: x\nlogic\xc2\xa0: y\n", 0);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.msgs, "t.yaml:2:6: warning: the field name 'logic' holds an "
				       "invisible character (non-breaking space, U+00A0) at column 6"));
	assert_string_equal(json_string_value(json_object_get(r.v, "logic")), "y");
	done(&r);
}

/* A slip in one list item drops that item only, and names its ids as lost. */
static void test_recover_drops_one_item(void **state)
{
	(void)state;
	const char *text = "- id: a\n  name: A\n- id: b\n  name: B\n   kind: x\n- id: c\n  name: C\n";
	struct diag *d = diag_new();
	json_t *v = NULL, *lost = json_object();
	struct yaml_marks *m = NULL;
	assert_int_equal(yaml_load_recover("t.yaml", text, strlen(text), d, &v, &m, lost), 0);
	assert_int_equal(diag_errors(d), 1);
	assert_int_equal(json_array_size(v), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(v, 1), "id")), "c");
	assert_non_null(json_object_get(lost, "b"));
	assert_int_equal(json_object_size(lost), 1);
	/* Lines keep their numbers after the drop. */
	int line = 0, col = 0;
	assert_true(yaml_marks_find(m, json_array_get(v, 1), &line, &col));
	assert_int_equal(line, 6);
	json_decref(v);
	yaml_marks_free(m);
	/* An unclosed '{' in a nested list: that item only. */
	text = "title: T\nlogics:\n  - {id: a, label: A\n  - {id: b, label: B}\npublics: []\n";
	json_object_clear(lost);
	assert_int_equal(yaml_load_recover("t.yaml", text, strlen(text), d, &v, &m, lost), 0);
	assert_int_equal(diag_errors(d), 2);
	assert_int_equal(json_array_size(json_object_get(v, "logics")), 1);
	assert_non_null(json_object_get(lost, "a"));
	json_decref(v);
	yaml_marks_free(m);
	/* A top-level field of a mapping is not an item: the load fails as before. */
	text = "title: a : b\nlogics: []\n";
	assert_int_equal(yaml_load_recover("t.yaml", text, strlen(text), d, &v, &m, lost), -1);
	assert_null(v);
	assert_int_equal(diag_errors(d), 3);
	json_decref(lost);
	diag_free(d);
}

static void test_yes_no_stay_strings(void **state)
{
	(void)state;
	struct res r = load("a: no\nb: yes\nc: on\nd: off\ne: Non\nf: y\ng: n\nh: Yes\n", 0);
	assert_int_equal(r.rc, 0);
	const char *keys = "abcdefgh";
	const char *want[] = {"no", "yes", "on", "off", "Non", "y", "n", "Yes"};
	for (int i = 0; keys[i]; i++) {
		char k[2] = {keys[i], 0};
		json_t *v = json_object_get(r.v, k);
		assert_true(json_is_string(v));
		assert_string_equal(json_string_value(v), want[i]);
	}
	done(&r);
	r = load("[true, True, FALSE, ~, null, '', tRue]", 0);
	assert_int_equal(r.rc, 0);
	assert_true(json_is_true(json_array_get(r.v, 0)));
	assert_true(json_is_true(json_array_get(r.v, 1)));
	assert_true(json_is_false(json_array_get(r.v, 2)));
	assert_true(json_is_null(json_array_get(r.v, 3)));
	assert_true(json_is_null(json_array_get(r.v, 4)));
	assert_string_equal(json_string_value(json_array_get(r.v, 5)), "");
	assert_string_equal(json_string_value(json_array_get(r.v, 6)), "tRue");
	done(&r);
}

static void test_numbers(void **state)
{
	(void)state;
	struct res r = load("since: 2012\nt: [13e, 14e]\ncolour: \"#1a2b3c\"\n"
			    "x: 0x1F\no: 0o17\nz: 012\nf: 1.5e3\ng: -.5\nh: 1.\n"
			    "inf: -.inf\nnan: .NaN\nbig: 99999999999999999999\n"
			    "min: -9223372036854775808\nnot: 1_000\nver: 1.2.3\n"
			    "huge: 1e999\nplus: +7\n", 0);
	assert_int_equal(r.rc, 0);
	json_t *o = r.v;
	assert_true(json_is_integer(json_object_get(o, "since")));
	assert_int_equal(json_integer_value(json_object_get(o, "since")), 2012);
	json_t *t = json_object_get(o, "t");
	assert_string_equal(json_string_value(json_array_get(t, 0)), "13e");
	assert_string_equal(json_string_value(json_array_get(t, 1)), "14e");
	assert_string_equal(json_string_value(json_object_get(o, "colour")), "#1a2b3c");
	assert_int_equal(json_integer_value(json_object_get(o, "x")), 31);
	assert_int_equal(json_integer_value(json_object_get(o, "o")), 15);
	assert_int_equal(json_integer_value(json_object_get(o, "z")), 12);
	assert_true(json_is_real(json_object_get(o, "f")));
	assert_true(json_real_value(json_object_get(o, "f")) == 1500.0);
	assert_true(json_real_value(json_object_get(o, "g")) == -0.5);
	assert_true(json_real_value(json_object_get(o, "h")) == 1.0);
	/* jansson has no infinity or NaN: kept as text. */
	assert_string_equal(json_string_value(json_object_get(o, "inf")), "-.inf");
	assert_string_equal(json_string_value(json_object_get(o, "nan")), ".NaN");
	assert_string_equal(json_string_value(json_object_get(o, "huge")), "1e999");
	/* Beyond int64: a real. */
	assert_true(json_is_real(json_object_get(o, "big")));
	assert_true(json_real_value(json_object_get(o, "big")) == 1e20);
	assert_true(json_integer_value(json_object_get(o, "min")) == INT64_MIN);
	assert_string_equal(json_string_value(json_object_get(o, "not")), "1_000");
	assert_string_equal(json_string_value(json_object_get(o, "ver")), "1.2.3");
	assert_int_equal(json_integer_value(json_object_get(o, "plus")), 7);
	done(&r);
}

static void test_tags(void **state)
{
	(void)state;
	struct res r = load("a: !!str 12\nb: !!int \"12\"\nc: !!float 3\nd: !!bool 'true'\n"
			    "e: !!null ''\nf: ! 12\ng: !custom 12\nh: '12'\ni: |\n  12\n"
			    "j: !!map {k: v}\n<<: {m: 1}\n", 0);
	assert_int_equal(r.rc, 0);
	json_t *o = r.v;
	assert_string_equal(json_string_value(json_object_get(o, "a")), "12");
	assert_int_equal(json_integer_value(json_object_get(o, "b")), 12);
	assert_true(json_is_real(json_object_get(o, "c")));
	assert_true(json_is_true(json_object_get(o, "d")));
	assert_true(json_is_null(json_object_get(o, "e")));
	assert_string_equal(json_string_value(json_object_get(o, "f")), "12");
	assert_int_equal(json_integer_value(json_object_get(o, "g")), 12);
	assert_string_equal(json_string_value(json_object_get(o, "h")), "12");
	assert_string_equal(json_string_value(json_object_get(o, "i")), "12\n");
	assert_true(json_is_object(json_object_get(o, "j")));
	/* No merge keys: "<<" is an ordinary key. */
	assert_true(json_is_object(json_object_get(o, "<<")));
	assert_null(json_object_get(o, "m"));
	done(&r);
	r = load("a: !!int twelve\n", 0);
	assert_error_at(&r, "t.yaml:1:4: error: 'twelve' is not an integer");
	done(&r);
	/* A long value is quoted in part, cut between characters. */
	struct buf b = BUF_INIT;
	buf_puts(&b, "a: !!int ");
	for (int i = 0; i < 100; i++)
		buf_puts(&b, "é");
	r = load(buf_cstr(&b), 0);
	assert_error_at(&r, "t.yaml:1:4: error: 'ééé");
	assert_true(strlen(r.msgs) < 120);
	assert_true(utf8_valid(r.msgs, strlen(r.msgs), NULL));
	done(&r);
	buf_free(&b);
	r = load("a: !!seq {b: c}\n", 0);
	assert_error_at(&r, "t.yaml:1:4: error: a mapping cannot have the tag !!seq");
	done(&r);
}

static void test_keys_and_documents(void **state)
{
	(void)state;
	struct res r = load("? [a, b]\n: c\n", 0);
	assert_error_at(&r, "t.yaml:1:3: error: complex mapping keys are not supported");
	done(&r);
	r = load("1: a\nnull: b\ntrue: c\n", 0);
	assert_int_equal(r.rc, 0);
	assert_string_equal(json_string_value(json_object_get(r.v, "1")), "a");
	assert_string_equal(json_string_value(json_object_get(r.v, "null")), "b");
	assert_string_equal(json_string_value(json_object_get(r.v, "true")), "c");
	done(&r);
	r = load("a: 1\n---\nb: 2\n", 0);
	assert_error_at(&r, "t.yaml:2:1: error: only one YAML document is allowed here");
	done(&r);
	r = load("", 0);
	assert_int_equal(r.rc, 0);
	assert_true(json_is_null(r.v));
	done(&r);
	r = load("# only a comment\n", 0);
	assert_int_equal(r.rc, 0);
	assert_true(json_is_null(r.v));
	done(&r);

	/* A stream: one array element per document, anchors per document. */
	struct diag *d = diag_new();
	json_t *v = NULL;
	struct yaml_marks *m = NULL;
	const char *s = "--- &a 1\n--- *a\n";
	assert_int_equal(yaml_load_stream("s.yaml", s, strlen(s), 0, d, &v, &m), -1);
	assert_null(v);
	s = "--- 1\n--- [x]\n...\n";
	assert_int_equal(yaml_load_stream("s.yaml", s, strlen(s), 0, d, &v, &m), 0);
	assert_int_equal(json_array_size(v), 2);
	int l, c;
	assert_true(yaml_marks_find(m, json_array_get(json_array_get(v, 1), 0), &l, &c));
	assert_int_equal(l, 2);
	assert_int_equal(c, 6);
	json_decref(v);
	yaml_marks_free(m);
	assert_int_equal(yaml_load_stream("s.yaml", "", 0, 0, d, &v, &m), 0);
	assert_int_equal(json_array_size(v), 0);
	json_decref(v);
	yaml_marks_free(m);
	diag_free(d);
}

/*
 * Every key and value keeps its place whatever the table's size: scanned
 * below 64 marks, indexed past them (and the index grown), copies too.
 */
static void test_positions_small_and_large(void **state)
{
	(void)state;
	static const int sizes[] = {1, 20, 31, 32, 33, 64, 65, 100, 300};
	for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
		int n = sizes[s];
		struct buf b = BUF_INIT;
		buf_puts(&b, "base: &b\n");
		for (int i = 0; i < n; i++)
			buf_printf(&b, "  k%d: [v%d]\n", i, i);
		buf_puts(&b, "copy: *b\n");
		struct res r = load(buf_cstr(&b), 0);
		assert_int_equal(r.rc, 0);
		json_t *base = json_object_get(r.v, "base");
		json_t *copy = json_object_get(r.v, "copy");
		assert_key_at(&r, r.v, "base", 1, 1);
		assert_key_at(&r, r.v, "copy", n + 2, 1);
		assert_value_at(&r, copy, n + 2, 7);
		for (int i = 0; i < n; i++) {
			char key[16];
			snprintf(key, sizeof key, "k%d", i);
			int col = 5 + (int)strlen(key);
			assert_key_at(&r, base, key, i + 2, 3);
			assert_key_at(&r, copy, key, i + 2, 3);
			assert_value_at(&r, json_object_get(base, key), i + 2, col);
			assert_value_at(&r, json_object_get(copy, key), i + 2, col);
			assert_value_at(&r, json_array_get(json_object_get(base, key), 0), i + 2, col + 1);
			assert_value_at(&r, json_array_get(json_object_get(copy, key), 0), i + 2, col + 1);
		}
		int l, c;
		assert_false(yaml_marks_find_key(r.m, base, "missing", &l, &c));
		assert_false(yaml_marks_find(r.m, json_object_get(r.v, "nothing"), &l, &c));
		done(&r);
		buf_free(&b);
	}
}

/* Many anchors and aliases stay fast (hashed, not scanned). */
static void test_many_anchors(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	for (int i = 0; i < 50000; i++)
		buf_printf(&b, "k%d: &a%d v%d\n", i, i, i);
	for (int i = 0; i < 50000; i++)
		buf_printf(&b, "r%d: *a%d\n", i, i);
	clock_t t0 = clock();
	struct res r = load(buf_cstr(&b), 0);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	assert_int_equal(r.rc, 0);
	assert_string_equal(json_string_value(json_object_get(r.v, "r49999")), "v49999");
	assert_value_at(&r, json_object_get(r.v, "r49999"), 100000, 9);
	done(&r);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positions_with_offset),
		cmocka_unit_test(test_columns_count_characters),
		cmocka_unit_test(test_alias_copy_positions),
		cmocka_unit_test(test_positions_small_and_large),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_alias_bomb),
		cmocka_unit_test(test_alias_rules),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_tab_indentation),
		cmocka_unit_test(test_libyaml_error),
		cmocka_unit_test(test_problems_rewritten),
		cmocka_unit_test(test_invisible_in_key),
		cmocka_unit_test(test_recover_drops_one_item),
		cmocka_unit_test(test_yes_no_stay_strings),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_keys_and_documents),
		cmocka_unit_test(test_many_anchors),
	};
	return cmocka_run_group_tests_name("yaml", tests, NULL, NULL);
}
