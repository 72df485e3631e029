/*
 * Unit tests of French typography (resolve/typo.c).
 *
 * Most cases live in tests/corpus/typo/ (read relative to the current
 * directory, the repository root under tests/run.sh): NAME.in is the input
 * text, NAME.out the expected spans, each file one line. In both,
 * {NNBSP} stands for U+202F and {NBSP} for U+00A0 so the files stay
 * readable; in .in, {RUN} splits the text into successive runs of the same
 * block (as emphasis or a link splits a paragraph); in .out, ^{x} is a
 * superscript span. Every case is one cmocka test, and each also checks
 * that the rules applied to their own output change nothing.
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

#include "buf.h"
#include "typo.h"
#include "xalloc.h"

#define CORPUS "tests/corpus/typo"
#define MIN_CASES 40

struct tcase {
	char *name;
	char *in;   /* raw .in text, escapes not yet expanded */
	char *want; /* .out text, in the escaped notation */
};

static const char NNBSP_UTF8[] = "\xe2\x80\xaf";
static const char NBSP_UTF8[] = "\xc2\xa0";

/* Spans rendered in the .out notation. */
static void emit_escaped(void *ctx, enum typo_span kind, const char *s, size_t n)
{
	struct buf *b = ctx;
	if (kind == TYPO_SUPERSCRIPT) {
		buf_puts(b, "^{");
		buf_put(b, s, n);
		buf_puts(b, "}");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (i + 3 <= n && memcmp(s + i, NNBSP_UTF8, 3) == 0) {
			buf_puts(b, "{NNBSP}");
			i += 2;
		} else if (i + 2 <= n && memcmp(s + i, NBSP_UTF8, 2) == 0) {
			buf_puts(b, "{NBSP}");
			i += 1;
		} else {
			buf_putc(b, s[i]);
		}
	}
}

/* Spans concatenated as real text. */
static void emit_plain(void *ctx, enum typo_span kind, const char *s, size_t n)
{
	(void)kind;
	buf_put(ctx, s, n);
}

/* {NNBSP} and {NBSP} to real characters; {RUN} kept. Caller frees. */
static char *unescape(const char *s)
{
	struct buf b = BUF_INIT;
	while (*s) {
		if (strncmp(s, "{NNBSP}", 7) == 0) {
			buf_puts(&b, NNBSP_UTF8);
			s += 7;
		} else if (strncmp(s, "{NBSP}", 6) == 0) {
			buf_puts(&b, NBSP_UTF8);
			s += 6;
		} else {
			buf_putc(&b, *s++);
		}
	}
	return buf_detach(&b);
}

/*
 * Applies the rules to text split at {RUN}, one block. With keep_runs the
 * output has {RUN} at the same boundaries, so it can be fed back in the
 * same shape. Caller frees.
 */
static char *apply_runs(const char *text, typo_emit_fn emit, int keep_runs)
{
	struct buf out = BUF_INIT;
	struct typo_state st = TYPO_STATE_INIT;
	const char *p = text, *q;
	while ((q = strstr(p, "{RUN}"))) {
		typo_apply(p, (size_t)(q - p), &st, emit, &out);
		if (keep_runs)
			buf_puts(&out, "{RUN}");
		p = q + 5;
	}
	typo_apply(p, strlen(p), &st, emit, &out);
	return buf_detach(&out);
}

static char *read_line_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t got;
	if (!f)
		return NULL;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(&b, chunk, got);
	fclose(f);
	if (b.len && b.data[b.len - 1] == '\n')
		b.data[--b.len] = '\0';
	return buf_detach(&b);
}

static void test_case(void **state)
{
	const struct tcase *c = *state;
	char *in = unescape(c->in);
	char *got = apply_runs(in, emit_escaped, 0);
	char *plain = apply_runs(in, emit_plain, 1);
	char *again;

	if (strcmp(got, c->want) != 0)
		print_error("case %s:\n  input: %s\n  want:  %s\n  got:   %s\n",
			    c->name, c->in, c->want, got);
	assert_string_equal(got, c->want);

	/* Idempotence: the output, applied again in the same runs, is unchanged. */
	again = apply_runs(plain, emit_escaped, 0);
	if (strcmp(again, c->want) != 0)
		print_error("case %s not idempotent: %s\n", c->name, again);
	assert_string_equal(again, c->want);
	free(again);

	/* typo_plain agrees with the spans for single-run inputs. */
	if (!strstr(in, "{RUN}")) {
		again = typo_plain(in, strlen(in));
		assert_string_equal(again, plain);
		free(again);
	}
	free(in);
	free(got);
	free(plain);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct tcase *)a)->name, ((const struct tcase *)b)->name);
}

/* Loads every NAME.in with its NAME.out; sets *n. Caller frees. */
static struct tcase *load_corpus(size_t *n)
{
	DIR *d = opendir(CORPUS);
	struct dirent *e;
	struct tcase *cases = NULL;
	size_t cap = 0;
	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		char *path;
		if (l < 4 || strcmp(e->d_name + l - 3, ".in") != 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			cases = xrealloc(cases, cap * sizeof *cases);
		}
		struct tcase *c = &cases[(*n)++];
		c->name = xstrndup(e->d_name, l - 3);
		path = xasprintf("%s/%s.in", CORPUS, c->name);
		c->in = read_line_file(path);
		free(path);
		path = xasprintf("%s/%s.out", CORPUS, c->name);
		c->want = read_line_file(path);
		free(path);
		/* A missing .out fails that case rather than the whole run. */
		if (!c->in)
			c->in = xstrdup("");
		if (!c->want)
			c->want = xstrdup("(missing .out file)");
	}
	closedir(d);
	if (*n)
		qsort(cases, *n, sizeof *cases, by_name);
	return cases;
}

static size_t corpus_size;

static void test_corpus_size(void **state)
{
	(void)state;
	if (corpus_size < MIN_CASES)
		print_error("only %zu cases found in %s (run from the repository root)\n",
			    corpus_size, CORPUS);
	assert_true(corpus_size >= MIN_CASES);
}

static void test_state_continuation(void **state)
{
	(void)state;
	struct typo_state st = TYPO_STATE_INIT;
	struct buf b = BUF_INIT;
	typo_apply("mot", 3, &st, emit_escaped, &b);
	assert_int_equal(st.prev, 't');
	typo_apply("!", 1, &st, emit_escaped, &b);
	assert_string_equal(buf_cstr(&b), "mot{NNBSP}!");
	buf_reset(&b);

	/* The same "!" at block start gets nothing. */
	st = (struct typo_state)TYPO_STATE_INIT;
	typo_apply("!", 1, &st, emit_escaped, &b);
	assert_string_equal(buf_cstr(&b), "!");
	buf_reset(&b);

	/* in_quote follows « and ». */
	st = (struct typo_state)TYPO_STATE_INIT;
	typo_apply("« a", strlen("« a"), &st, emit_escaped, &b);
	assert_int_equal(st.in_quote, 1);
	typo_apply(" b »", strlen(" b »"), &st, emit_escaped, &b);
	assert_int_equal(st.in_quote, 0);
	assert_string_equal(buf_cstr(&b), "«{NNBSP}a b{NNBSP}»");
	buf_free(&b);
}

struct spans {
	int n;
	enum typo_span kind[8];
	char text[8][32];
};

static void emit_record(void *ctx, enum typo_span kind, const char *s, size_t n)
{
	struct spans *sp = ctx;
	assert_true(sp->n < 8 && n < 32);
	sp->kind[sp->n] = kind;
	memcpy(sp->text[sp->n], s, n);
	sp->text[sp->n][n] = '\0';
	sp->n++;
}

static void test_spans(void **state)
{
	(void)state;
	struct typo_state st = TYPO_STATE_INIT;
	struct spans sp = {0};
	const char *s = "au XXIème siècle";
	typo_apply(s, strlen(s), &st, emit_record, &sp);
	assert_int_equal(sp.n, 3);
	assert_int_equal(sp.kind[0], TYPO_TEXT);
	assert_string_equal(sp.text[0], "au XXI");
	assert_int_equal(sp.kind[1], TYPO_SUPERSCRIPT);
	assert_string_equal(sp.text[1], "ème");
	assert_int_equal(sp.kind[2], TYPO_TEXT);
	assert_string_equal(sp.text[2], " siècle");
	assert_int_equal(st.prev, 'e');
}

static void test_plain(void **state)
{
	(void)state;
	char *p = typo_plain("le 1er", 6);
	assert_string_equal(p, "le 1er");
	free(p);
	p = typo_plain("", 0);
	assert_string_equal(p, "");
	free(p);
	p = typo_plain("Quoi?", 5);
	assert_string_equal(p, "Quoi\xe2\x80\xaf?");
	free(p);
	/* typo_plain_put appends, each text typeset from a block's start. */
	struct buf b = BUF_INIT;
	buf_puts(&b, "« ");
	typo_plain_put("Quoi?", 5, &b);
	typo_plain_put("?", 1, &b);
	assert_string_equal(buf_cstr(&b), "« Quoi\xe2\x80\xaf??");
	buf_free(&b);
}

static void test_word_chars(void **state)
{
	(void)state;
	assert_true(typo_is_word_char('a'));
	assert_true(typo_is_word_char('7'));
	assert_true(typo_is_word_char(0xE9));   /* é */
	assert_true(typo_is_word_char(0x153));  /* œ */
	assert_false(typo_is_word_char(' '));
	assert_false(typo_is_word_char('\''));
	assert_false(typo_is_word_char(0x2019)); /* ’ */
	assert_false(typo_is_word_char(0xAB));   /* « */
	assert_false(typo_is_word_char(0xA0));
	assert_false(typo_is_word_char(0x202F));
	assert_false(typo_is_word_char(0x20AC)); /* € */
	assert_false(typo_is_word_char(0));
}

/*
 * Texts assembled from the pieces the rules look at, with a fixed seed:
 * applying the rules to their own output must change nothing, whatever
 * the neighbours.
 */
static void test_random_idempotence(void **state)
{
	(void)state;
	static const char *pieces[] = {
		" ", "\xc2\xa0", "\xe2\x80\xaf", "a", "Qu", "l", "e", "er", "re",
		"\xc3\xa8me", "nd", "XIX", "I", "II", "C", "M", "13", "1", "2", ",",
		".", "...", ":", ";", "!", "?", "\xc2\xab", "\xc2\xbb", "'", "\"",
		"%", "\xe2\x82\xac", "km", "m\xc2\xb2", "kg", "http://x.fr/a?b",
		"www.", "x@y.fr", "@", "/", "(", ")", "\xc3\xa9", "\xe2\x80\x99",
		"10:55", "-", "\n",
	};
	size_t np = sizeof pieces / sizeof pieces[0];
	uint32_t seed = 12345;
	for (int round = 0; round < 20000; round++) {
		struct buf in = BUF_INIT;
		int len = 1 + (int)(seed % 12);
		for (int k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			buf_puts(&in, pieces[(seed >> 8) % np]);
		}
		char *once = typo_plain(buf_cstr(&in), in.len);
		char *twice = typo_plain(once, strlen(once));
		if (strcmp(once, twice) != 0)
			print_error("not idempotent: [%s] -> [%s] -> [%s]\n",
				    buf_cstr(&in), once, twice);
		assert_string_equal(once, twice);
		free(once);
		free(twice);
		buf_free(&in);
	}
}

/*
 * The scan's shortcuts (a word's letters sixteen or eight at a time, the
 * Latin-1 letters without decoding) against the byte-by-byte scan: the
 * same file compiled again with TYPO_PLAIN_SCAN, its functions renamed.
 * Texts from pieces that put a rule's first byte, a word start, an
 * accented letter or the end of a block at every offset (each text is
 * also given from each of its first sixteen bytes), with entry states of
 * every kind: the same spans, the same state after; from
 * typo_apply_inert, the same spans called inert (the shortcuts go over
 * letters and the spaces between them without looking at each byte).
 */
#define TYPO_PLAIN_SCAN
#define typo_apply ref_typo_apply
#define typo_apply_inert ref_typo_apply_inert
#define typo_plain ref_typo_plain
#define typo_plain_put ref_typo_plain_put
#define typo_is_word_char ref_typo_is_word_char
#include "../../generator/resolve/typo.c"
#undef typo_apply
#undef typo_apply_inert
#undef typo_plain
#undef typo_plain_put
#undef typo_is_word_char
#undef TYPO_PLAIN_SCAN

static void emit_marked(void *ctx, enum typo_span kind, const char *s, size_t n)
{
	buf_putc(ctx, "|^IL"[kind]);
	buf_put(ctx, s, n);
}

static void test_scan_shortcuts(void **state)
{
	(void)state;
	static const char *pieces[] = {
		"a", "e", "z", "Le ", "La", "Il", "DDCS", "XIXe", "XXI\xc3\xa8me", "1er", "2nd",
		"13e", "I", "X", "Ce", " ", "  ", "\t", "\n", "www.x.fr", "WWW.x", "ww", "w",
		"km", "kg", "km\xc2\xb2", "m\xc2\xb2", "k", "m", "mm", "h", "h ", "9 h 30",
		"jean.dupont@example.org", "http://a.b/c", "\xc3\xa9", "\xc3\x89", "\xc3\x97",
		"\xc3\xb7", "\xc3", "\x80", "\xc2\xa0", "\xe2\x80\xaf", "\xc2\xab", "\xc2\xbb",
		"'", "\"", ";", "!", "?", ":", "%", "\xe2\x82\xac", "...", ".", ",", "-", "(",
		"42", "1,5e", "solidarit\xc3\xa9", "l'immeuble", "Voir aussi ", "mairie",
		"hommes", "wagon", "Xavier", "Ir\xc3\xa8ne", "h\xc3\xa9", "abcdefghijklmnop",
		"&", "<", ">", "x\ny", "mot \n", "\r",
	};
	static const uint32_t prevs[] = {0, ' ', 'a', '1', 0xAB, 0xBB, 0x202F, ',', 0xE9};
	const size_t np = sizeof pieces / sizeof *pieces, nprev = sizeof prevs / sizeof *prevs;
	uint32_t seed = 2026;
	for (int round = 0; round < 4000; round++) {
		struct buf in = BUF_INIT;
		int len = (int)(seed % 30);
		for (int k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			buf_puts(&in, pieces[(seed >> 8) % np]);
		}
		seed = seed * 1103515245u + 12345u;
		struct typo_state entry = {prevs[(seed >> 8) % nprev], (int)(seed >> 20) % 3};
		for (size_t off = 0; off < 17 && off < in.len; off++) {
			struct buf got = BUF_INIT, want = BUF_INIT;
			struct typo_state st_got = entry, st_want = entry;
			if (round % 2) {
				typo_apply(in.data + off, in.len - off, &st_got, emit_marked, &got);
				ref_typo_apply(in.data + off, in.len - off, &st_want, emit_marked, &want);
			} else {
				typo_apply_inert(in.data + off, in.len - off, &st_got, emit_marked, &got);
				ref_typo_apply_inert(in.data + off, in.len - off, &st_want, emit_marked,
						     &want);
			}
			if (strcmp(buf_cstr(&got), buf_cstr(&want)) != 0)
				print_error("shortcuts: [%s] -> [%s], byte by byte: [%s]\n",
					    in.data + off, buf_cstr(&got), buf_cstr(&want));
			assert_string_equal(buf_cstr(&got), buf_cstr(&want));
			assert_int_equal(st_got.prev, st_want.prev);
			assert_int_equal(st_got.in_quote, st_want.in_quote);
			buf_free(&got);
			buf_free(&want);
		}
		buf_free(&in);
	}
}

int main(void)
{
	size_t n, i;
	struct tcase *cases = load_corpus(&n);
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_corpus_size),
		cmocka_unit_test(test_state_continuation),
		cmocka_unit_test(test_spans),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_word_chars),
		cmocka_unit_test(test_random_idempotence),
		cmocka_unit_test(test_scan_shortcuts),
	};
	size_t nfixed = sizeof fixed / sizeof fixed[0];
	struct CMUnitTest *tests = xcalloc(n + nfixed, sizeof *tests);
	int rc;

	corpus_size = n;
	memcpy(tests, fixed, sizeof fixed);
	for (i = 0; i < n; i++) {
		tests[nfixed + i].name = cases[i].name;
		tests[nfixed + i].test_func = test_case;
		tests[nfixed + i].initial_state = &cases[i];
	}
	rc = _cmocka_run_group_tests("typo", tests, n + nfixed, NULL, NULL);
	for (i = 0; i < n; i++) {
		free(cases[i].name);
		free(cases[i].in);
		free(cases[i].want);
	}
	free(cases);
	free(tests);
	return rc;
}
