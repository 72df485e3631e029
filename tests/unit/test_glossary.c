/*
 * Unit tests of glossary sigle matching (resolve/glossary.c): word
 * boundaries in French text and UTF-8, longest match, offsets, agreement
 * with a naive matcher on random text, and speed on a large glossary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "glossary.h"
#include "typo.h"
#include "utf8.h"
#include "xalloc.h"

static const char *const tat[] = {
	"CAARUD", "CSAPA", "MILDECA", "ARS", "CLSPD", "PJJ", "RdRD",
	"CopilTAT", "TAT", "TAT 13", "ÉTAPE",
};
#define NTAT (sizeof tat / sizeof tat[0])

/*
 * Every match in text, as "SIGLE@pos" joined by spaces, scanning as the
 * renderers do (each search starts after the previous match). Caller frees.
 */
static char *matches(const struct gloss_index *g, const char *const *sigles,
		     const char *text)
{
	struct buf b = BUF_INIT;
	size_t n = strlen(text), start = 0, pos, len, which;
	while (gloss_index_find(g, text, n, start, &pos, &len, &which)) {
		assert_true(pos >= start);
		assert_int_equal(len, strlen(sigles[which]));
		assert_memory_equal(text + pos, sigles[which], len);
		buf_printf(&b, "%s%s@%zu", b.len ? " " : "", sigles[which], pos);
		start = pos + len;
	}
	return buf_detach(&b);
}

static void check(const struct gloss_index *g, const char *text, const char *want)
{
	char *got = matches(g, tat, text);
	if (strcmp(got, want) != 0)
		print_error("text: %s\n  want: %s\n  got:  %s\n", text, want, got);
	assert_string_equal(got, want);
	free(got);
}

static void test_french_boundaries(void **state)
{
	(void)state;
	struct gloss_index *g = gloss_index_new(tat, NTAT);
	check(g, "l'ARS", "ARS@2");
	check(g, "l’ARS finance", "ARS@4");
	check(g, "le (CSAPA) et le CAARUD.", "CSAPA@4 CAARUD@17");
	check(g, "les CAARUDs", "");
	check(g, "CAARUD", "CAARUD@0");
	check(g, "un CSAPA", "CSAPA@3");
	check(g, "ARS", "ARS@0");
	check(g, "ARS2 2ARS ARS_ ARS-", "ARS@10 ARS@15");  /* _ is no letter */
	check(g, "le CopilTAT", "CopilTAT@3");
	check(g, "CopilTAT, TAT", "CopilTAT@0 TAT@10");
	check(g, "ars Ars ARs", "");
	check(g, "la RdRD/PJJ", "RdRD@3 PJJ@8");
	gloss_index_free(g);
}

static void test_utf8_neighbours(void **state)
{
	(void)state;
	struct gloss_index *g = gloss_index_new(tat, NTAT);
	check(g, "éARS", "");
	check(g, "ARSé", "");
	check(g, "œARS ARSœ", "");
	check(g, "« ARS »", "ARS@3");
	check(g, "«\xe2\x80\xaf" "ARS\xe2\x80\xaf»", "ARS@5");
	check(g, "42\xc2\xa0" "ARS", "ARS@4");
	check(g, "ARS\xe2\x80\xa6", "ARS@0");          /* … */
	check(g, "—ARS—", "ARS@3");
	check(g, "l’ÉTAPE", "ÉTAPE@4");
	check(g, "éÉTAPE ÉTAPEs", "");
	gloss_index_free(g);
}

static void test_longest_match(void **state)
{
	(void)state;
	struct gloss_index *g = gloss_index_new(tat, NTAT);
	check(g, "le TAT 13 et le TAT", "TAT 13@3 TAT@16");
	check(g, "le TAT 135", "TAT@3");
	gloss_index_free(g);

	/* Order of the sigles given does not matter. */
	const char *const rev[] = {"TAT 13", "TAT"};
	g = gloss_index_new(rev, 2);
	char *got = matches(g, rev, "TAT 13");
	assert_string_equal(got, "TAT 13@0");
	free(got);
	gloss_index_free(g);
}

static void test_offsets(void **state)
{
	(void)state;
	struct gloss_index *g = gloss_index_new(tat, NTAT);
	const char *t = "CopilTAT ARS";
	size_t pos, len, which;
	/* A start inside a word does not make a word start. */
	assert_int_equal(gloss_index_find(g, t, strlen(t), 5, &pos, &len, &which), 1);
	assert_int_equal(pos, 9);
	assert_string_equal(tat[which], "ARS");
	/* A start after a non-letter is a word start. */
	t = "xx ARS";
	assert_int_equal(gloss_index_find(g, t, strlen(t), 3, &pos, &len, &which), 1);
	assert_int_equal(pos, 3);
	/* After an accented letter it is not. */
	t = "é" "ARS";
	assert_int_equal(gloss_index_find(g, t, strlen(t), 2, &pos, &len, &which), 0);
	/* Only s[0..n) is looked at. */
	t = "ARSENAL";
	assert_int_equal(gloss_index_find(g, t, 3, 0, &pos, &len, &which), 1);
	assert_int_equal(gloss_index_find(g, t, 7, 0, &pos, &len, &which), 0);
	assert_int_equal(gloss_index_find(g, t, 3, 3, &pos, &len, &which), 0);
	assert_int_equal(gloss_index_find(g, t, 3, 99, &pos, &len, &which), 0);
	gloss_index_free(g);
}

static void test_degenerate(void **state)
{
	(void)state;
	size_t pos, len, which;
	struct gloss_index *g = gloss_index_new(NULL, 0);
	assert_int_equal(gloss_index_find(g, "ARS", 3, 0, &pos, &len, &which), 0);
	gloss_index_free(g);

	const char *const dup[] = {"", "ARS", "ARS"};
	g = gloss_index_new(dup, 3);
	assert_int_equal(gloss_index_find(g, "ARS", 3, 0, &pos, &len, &which), 1);
	assert_int_equal(which, 1);
	assert_int_equal(gloss_index_find(g, "", 0, 0, &pos, &len, &which), 0);
	gloss_index_free(g);
	gloss_index_free(NULL);
}

static uint32_t rnd(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* The obvious matcher, one sigle at a time, for comparison. */
static int naive_find(const char *const *sigles, size_t ns, const char *s,
		      size_t n, size_t start, size_t *pos, size_t *len)
{
	for (size_t p = start; p < n; p++) {
		uint32_t cp;
		if (((unsigned char)s[p] & 0xC0) == 0x80)
			continue;
		if (p > 0) {
			size_t j = p - 1;
			while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
				j--;
			utf8_decode(s + j, p - j, &cp);
			if (typo_is_word_char(cp))
				continue;
		}
		size_t best = 0;
		for (size_t k = 0; k < ns; k++) {
			size_t l = strlen(sigles[k]);
			if (l == 0 || l > n - p || memcmp(s + p, sigles[k], l) != 0)
				continue;
			if (p + l < n) {
				utf8_decode(s + p + l, n - p - l, &cp);
				if (typo_is_word_char(cp))
					continue;
			}
			if (l > best)
				best = l;
		}
		if (best) {
			*pos = p;
			*len = best;
			return 1;
		}
	}
	return 0;
}

static void test_agrees_with_naive(void **state)
{
	(void)state;
	static const char *pieces[] = {
		"A", "R", "S", "T", "A", "é", "É", " ", "’", "'", "«", "»",
		"\xc2\xa0", "-", "1", "s", "(", ")", ".",
	};
	const char *const sigles[] = {
		"ARS", "AR", "A", "TAT", "TA", "ÉTA", "AS-TA", "A A", "S1", "RS",
		"ST", "TATA", "ÉÉ", "A.R.S.",
	};
	size_t ns = sizeof sigles / sizeof sigles[0];
	size_t np = sizeof pieces / sizeof pieces[0];
	struct gloss_index *g = gloss_index_new(sigles, ns);
	uint32_t seed = 42;
	size_t total = 0;
	for (int round = 0; round < 3000; round++) {
		struct buf t = BUF_INIT;
		int len = (int)(rnd(&seed) % 30);
		for (int k = 0; k < len; k++)
			buf_puts(&t, pieces[rnd(&seed) % np]);
		const char *s = buf_cstr(&t);
		size_t start = 0, p1 = 0, l1 = 0, w1 = 0, p2 = 0, l2 = 0;
		for (;;) {
			int a = gloss_index_find(g, s, t.len, start, &p1, &l1, &w1);
			int b = naive_find(sigles, ns, s, t.len, start, &p2, &l2);
			if (a != b || (a && (p1 != p2 || l1 != l2)))
				print_error("text [%s] from %zu: index %d@%zu+%zu, naive %d@%zu+%zu\n",
					    s, start, a, p1, l1, b, p2, l2);
			assert_int_equal(a, b);
			if (!a)
				break;
			assert_int_equal(p1, p2);
			assert_int_equal(l1, l2);
			assert_int_equal(strlen(sigles[w1]), l1);
			assert_memory_equal(sigles[w1], s + p1, l1);
			total++;
			start = p1 + l1;
		}
		buf_free(&t);
	}
	/* The random texts did exercise matches. */
	assert_true(total > 1000);
	gloss_index_free(g);
}

/*
 * Every length up to 48 bytes and every start in it, the text in a block of
 * exactly its size (so that a load past its end is caught by ASan): the
 * lookup reads texts of 8 to 15 bytes as one block of their first and last
 * eight, and the last bytes of longer ones as the sixteen that end them,
 * each byte once; a candidate in either half, in the bytes both halves
 * hold, or as the last byte must be found as the naive matcher finds it.
 */
static void test_every_length_and_start(void **state)
{
	(void)state;
	static const char *pieces[] = {"A", "R", "S", "T", "a", "é", " ", "’", "(", "1"};
	const char *const sigles[] = {"ARS", "AR", "A", "TAT", "RS", "ST", "S"};
	size_t ns = sizeof sigles / sizeof sigles[0];
	size_t np = sizeof pieces / sizeof pieces[0];
	struct gloss_index *g = gloss_index_new(sigles, ns);
	uint32_t seed = 1234;
	size_t total = 0;
	for (size_t want = 0; want <= 48; want++) {
		for (int round = 0; round < 40; round++) {
			struct buf t = BUF_INIT;
			while (t.len < want) {
				const char *piece = pieces[rnd(&seed) % np];
				if (t.len + strlen(piece) > want)
					piece = " ";
				buf_puts(&t, piece);
			}
			char *s = xmalloc(t.len ? t.len : 1);
			if (t.len)
				memcpy(s, t.data, t.len);
			for (size_t start = 0; start <= t.len; start++) {
				/* A start inside a code point is no place the renderers search from. */
				if (start < t.len && ((unsigned char)s[start] & 0xC0) == 0x80)
					continue;
				size_t p1 = 0, l1 = 0, w1 = 0, p2 = 0, l2 = 0;
				int a = gloss_index_find(g, s, t.len, start, &p1, &l1, &w1);
				int b = naive_find(sigles, ns, s, t.len, start, &p2, &l2);
				if (a != b || (a && (p1 != p2 || l1 != l2)))
					print_error("text [%.*s] from %zu: index %d@%zu+%zu, naive %d@%zu+%zu\n",
						    (int)t.len, t.data, start, a, p1, l1, b, p2, l2);
				assert_int_equal(a, b);
				if (a) {
					assert_int_equal(p1, p2);
					assert_int_equal(l1, l2);
					total++;
				}
			}
			free(s);
			buf_free(&t);
		}
	}
	/* The random texts did exercise matches (9 369 with this seed). */
	assert_true(total > 5000);
	gloss_index_free(g);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * 10 000 sigles and 1 MB of text: capitalised filler words (they start
 * every sigle bucket but never match), and sigles placed with known
 * neighbours, some glued to letters so they must not count.
 */
static void test_speed(void **state)
{
	(void)state;
	enum { NSIG = 10000, TEXT = 1 << 20 };
	char **store = xcalloc(NSIG, sizeof *store);
	const char **sigles = xcalloc(NSIG, sizeof *sigles);
	uint32_t seed = 7;
	for (size_t i = 0; i < NSIG; i++) {
		/* Distinct by construction: the index written in base 26. */
		char tmp[16];
		size_t k = 0, v = i;
		tmp[k++] = (char)('A' + rnd(&seed) % 26);
		do {
			tmp[k++] = (char)('A' + v % 26);
			v /= 26;
		} while (v);
		tmp[k] = (char)('A' + k);  /* the length, for variety of lengths */
		k++;
		store[i] = xstrndup(tmp, k);
		sigles[i] = store[i];
	}
	struct buf t = BUF_INIT;
	size_t expected = 0;
	static const char *before[] = {" ", " (", " l’", " « ", " é"};
	static const char *after[] = {" ", ") ", " » ", ", ", "s "};
	while (t.len < TEXT) {
		size_t words = 1 + rnd(&seed) % 8;
		for (size_t w = 0; w < words; w++) {
			size_t wl = 2 + rnd(&seed) % 8;
			buf_putc(&t, (char)('A' + rnd(&seed) % 26));
			for (size_t k = 1; k < wl; k++)
				buf_putc(&t, (char)('a' + rnd(&seed) % 26));
			buf_putc(&t, ' ');
		}
		size_t b = rnd(&seed) % 5, a = rnd(&seed) % 5;
		buf_puts(&t, before[b]);
		buf_puts(&t, sigles[rnd(&seed) % NSIG]);
		buf_puts(&t, after[a]);
		if (b != 4 && a != 4)
			expected++;
	}
	double t0 = now();
	struct gloss_index *g = gloss_index_new(sigles, NSIG);
	size_t start = 0, pos, len, which, found = 0;
	while (gloss_index_find(g, t.data, t.len, start, &pos, &len, &which)) {
		found++;
		start = pos + len;
	}
	double dt = now() - t0;
	print_message("10000 sigles, %zu bytes: %zu matches in %.3f s\n", t.len, found, dt);
	assert_int_equal(found, expected);
	/*
	 * CPU time, generous: a scan that grew as sigles × text would take
	 * minutes here; the limit catches that, not a slow or sanitized build.
	 */
	assert_true(dt < 20.0);
	gloss_index_free(g);
	buf_free(&t);
	for (size_t i = 0; i < NSIG; i++)
		free(store[i]);
	free(store);
	free(sigles);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_french_boundaries),
		cmocka_unit_test(test_utf8_neighbours),
		cmocka_unit_test(test_longest_match),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_degenerate),
		cmocka_unit_test(test_agrees_with_naive),
		cmocka_unit_test(test_every_length_and_start),
		cmocka_unit_test(test_speed),
	};
	return cmocka_run_group_tests_name("glossary", tests, NULL, NULL);
}
