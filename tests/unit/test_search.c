/*
 * Unit tests of the search index (html/search*.c) and the offline files
 * (html/offline.c): folding, word characters, stop words, Snowball stems,
 * then a real build of tests/fixtures/basic (with the repository's
 * templates) whose index, service worker and manifest are checked, and
 * built twice to check the bytes are the same.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "build.h"
#include "diag.h"
#include "offline.h"
#include "search.h"
#include "search_internal.h"
#include "utf8.h"
#include "xalloc.h"

static char *fold(const char *s)
{
	struct buf b = BUF_INIT;
	search_fold(s, strlen(s), &b);
	return b.data ? buf_detach(&b) : xstrdup("");
}

static void test_fold(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"École", "ecole"}, {"relogés", "reloges"}, {"CAARUD", "caarud"},
		{"Œuvre", "oeuvre"}, {"cœur", "coeur"}, {"Ça", "ca"}, {"naïf", "naif"},
		{"ÆSOP", "aesop"}, {"straße", "strasse"}, {"Łódź", "lodz"}, {"13e", "13e"},
		{"ÿ", "y"}, {"Ÿ", "y"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *f = fold(cases[i][0]);
		assert_string_equal(f, cases[i][1]);
		free(f);
	}
}

static void test_word_chars(void **state)
{
	(void)state;
	assert_true(search_is_word_char('a'));
	assert_true(search_is_word_char('Z'));
	assert_true(search_is_word_char('7'));
	assert_true(search_is_word_char(0xE9));   /* é */
	assert_true(search_is_word_char(0x153));  /* œ */
	assert_false(search_is_word_char(0xD7));  /* × */
	assert_false(search_is_word_char(0xF7));  /* ÷ */
	assert_false(search_is_word_char('\''));
	assert_false(search_is_word_char(0x2019)); /* ’ splits « l’école » */
	assert_false(search_is_word_char(0x202F));
	assert_false(search_is_word_char('-'));
	assert_false(search_is_word_char(0xAB));  /* « */
}

/*
 * The words of s as a decoder finds them (every character decoded, a word
 * a run of search_is_word_char), each as its bytes and lower case:
 * « word|lower » joined by spaces.
 */
static char *words_decoded(const char *s)
{
	struct buf out = BUF_INIT;
	size_t n = strlen(s), i = 0, start = 0;
	int in_word = 0;
	while (i <= n) {
		uint32_t cp = 0;
		size_t k = i < n ? utf8_decode(s + i, n - i, &cp) : 1;
		int w = i < n && search_is_word_char(cp);
		if (w && !in_word)
			start = i;
		else if (!w && in_word) {
			buf_put(&out, s + start, i - start);
			buf_putc(&out, '|');
			search_lower(s + start, i - start, &out);
			buf_putc(&out, ' ');
		}
		in_word = w;
		i += k;
	}
	return buf_detach(&out);
}

/* The same from search_next_word, which steps over other bytes one at a time. */
static char *words_split(const char *s)
{
	struct buf out = BUF_INIT;
	struct search_split sp;
	search_split_init(&sp, s);
	while (search_next_word(&sp)) {
		buf_put(&out, sp.word, sp.len);
		buf_putc(&out, '|');
		if (sp.len <= SEARCH_WORD_MAX) {
			buf_put(&out, sp.lower, sp.len);
			for (size_t i = sp.len; i % 8; i++)
				assert_int_equal(sp.lower[i], 0);
		} else {
			search_lower(sp.word, sp.len, &out);
		}
		buf_putc(&out, ' ');
	}
	return buf_detach(&out);
}

static void test_split_words(void **state)
{
	(void)state;
	static const char *const cases[] = {
		"", "École ÉCOLE Œuvre", "a×b c÷d", "l’été « ŸÀ » 13e",
		"\xC3", "x\xC3", "\xC3\xA9\xC3", "\xE2\xC3\xA9" "t\xC3\xA9", "\xF0\x9F\xC3\xA9",
		"\xC0\x80" "a\xE0\x80\x80" "b\xED\xA0\x80" "c", "\xC4\xB0stanbul \xC5\xBF",
		"\xC2\xA0mot\xC6\x80mot\xC5",
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
		"ééééééééééééééééééééééééééééééééé ééééééééééééééééééééééééééééééééx",
		/* 64 bytes, 65 and 64 with a last character of two bytes, 65 with one across 64 */
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd",
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcÉ",
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabÉ.",
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdÉ",
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *a = words_decoded(cases[i]), *b = words_split(cases[i]);
		assert_string_equal(b, a);
		free(a);
		free(b);
	}
	/* Random bytes, weighted towards the lead and continuation bytes of words. */
	static const unsigned char alphabet[] = {'a', 'Z', '7', ' ', '-', 0x80, 0x97, 0xA9, 0xB7,
						 0xBF, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xE2, 0xF0};
	uint32_t seed = 12345;
	char text[40];
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(round % 39);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			text[i] = (char)alphabet[(seed >> 16) % sizeof alphabet];
		}
		text[n] = '\0';
		char *a = words_decoded(text), *b = words_split(text);
		assert_string_equal(b, a);
		free(a);
		free(b);
	}
	/*
	 * Longer texts, mostly ASCII, with the bytes either side of the letter
	 * and digit ranges: search_next_word reads them 16 bytes at a time.
	 */
	static const unsigned char ascii[] = {'a', 'z', 'A', 'Z', '0', '9', 'm', 'M', '5', '@', '[',
					      '`', '{', '/', ':', ' ', 0x7F, 0xC3, 0xA9, 0x97, 0xC5, 0x92};
	char longer[100];
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(round % 99);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = (seed >> 16) % 64;
			longer[i] = (char)(r < sizeof ascii ? ascii[r] : 'a' + r % 26);
		}
		longer[n] = '\0';
		char *a = words_decoded(longer), *b = words_split(longer);
		assert_string_equal(b, a);
		free(a);
		free(b);
	}
}

/* The lower case of each word of s as search_next_word reads it, « - » for one too long to index. */
static char *words_lower(const char *s)
{
	struct buf out = BUF_INIT;
	struct search_split sp;
	search_split_init(&sp, s);
	while (search_next_word(&sp)) {
		if (sp.len <= SEARCH_WORD_MAX)
			buf_put(&out, sp.lower, sp.len);
		else
			buf_putc(&out, '-');
		buf_putc(&out, ' ');
	}
	return out.data ? buf_detach(&out) : xstrdup("");
}

/*
 * The same from the tokens search_vocab_text_len gives s, through their
 * spellings (kept as written: put in lower case here).
 */
static char *words_counted(struct vocab *vc, const char *s)
{
	struct buf out = BUF_INIT;
	struct span sp = search_vocab_text_len(vc, s, strlen(s));
	for (size_t i = sp.from; i < sp.to; i++) {
		uint32_t t = vc->toks.v[i];
		if (t == NO_WORD) {
			buf_putc(&out, '-');
		} else {
			const struct spelling *w = &vc->v[t];
			search_lower(w->lower, w->len, &out);
			/* Zero-padded to a multiple of 8, as the table compares them. */
			for (size_t k = w->len; k == w->len || k % 8; k++)
				assert_int_equal(w->lower[k], 0);
		}
		buf_putc(&out, ' ');
	}
	return out.data ? buf_detach(&out) : xstrdup("");
}

/*
 * The vocabulary reads texts 64 bytes at a time, words crossing from one
 * block to the next and the last bytes from a copy: its tokens are the
 * words search_next_word finds, on texts of every length up to several
 * blocks, with short and long words, every kind of two-byte character and
 * the bytes around them.
 */
static void test_vocab_words(void **state)
{
	(void)state;
	static const char *const cases[] = {
		"", "a", "École ÉCOLE Œuvre straße STRASSE ß ÿ Ÿ", "a×b c÷d", "l’été « ŸÀ » 13e",
		"\xC3", "x\xC3", "\xC3\xA9\xC3", "\xC4\xB0stanbul \xC5\xBF \xC5\x93uvre",
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd",
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcÉ",
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdÉ",
	};
	struct vocab vc = {0};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *a = words_lower(cases[i]), *b = words_counted(&vc, cases[i]);
		assert_string_equal(b, a);
		free(a);
		free(b);
	}
	/* Pieces of words and separators; a round's word length is set by how often separators come. */
	static const char *const pieces[] = {
		"a", "Z", "7", "m", "Q", "0", "é", "É", "ß", "à", "À", "Þ", "þ", "ÿ", "œ", "Œ", "ą", "Ą",
		"İ", "ſ", "ı", "\xC3", "\xC4", "\xC5", "\x80", "\xBF", "\xC3\x97", "\xC3\xB7", "@", "[",
		"`", "{", "/", ":", "\x7F", "\xE2\x80\x99", "\xC2\xA0",
	};
	static const char *const separators[] = {" ", "  ", ", ", "\n", "’", "-", "« "};
	uint32_t seed = 4242;
	char text[700];
	for (int round = 0; round < 6000; round++) {
		size_t n = 0, want = (size_t)(round % 600);
		unsigned gap = 2 + (unsigned)(round % 7) * (round % 13 == 0 ? 40 : 3);
		while (n + 8 < want) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = (seed >> 16) % 1000;
			const char *piece = r % gap == 0 ? separators[r % (sizeof separators / sizeof *separators)]
				: r < 600 ? (char[2]){(char)('a' + r % 26), 0}
				: pieces[r % (sizeof pieces / sizeof *pieces)];
			size_t k = strlen(piece);
			memcpy(text + n, piece, k);
			n += k;
		}
		text[n] = '\0';
		char *a = words_lower(text), *b = words_counted(&vc, text);
		assert_string_equal(b, a);
		free(a);
		free(b);
	}
	search_vocab_free(&vc);
}

/*
 * A group's vocabulary keeps spellings as written; merged, those that
 * differ only by case are one spelling in lower case, with their counts
 * summed, and the tokens map to it.
 */
static void test_vocab_merge_case(void **state)
{
	(void)state;
	struct vocab part = {0}, all = {0};
	static const char text[] = "École ÉCOLE école ŒUVRE œuvre Œuvre STRASSE straße "
				   "ANTICONSTITUTIONNELLEMENT anticonstitutionnellement Žluť";
	struct span sp = search_vocab_text(&part, text);
	assert_int_equal(sp.to - sp.from, 11);
	struct tokens toks;
	size_t nmap;
	uint32_t *map = search_vocab_merge(&all, &part, &toks, &nmap);
	static const char *const want[] = {"école", "école", "école", "œuvre", "œuvre", "œuvre",
					   "strasse", "straße", "anticonstitutionnellement",
					   "anticonstitutionnellement", "žluť"};
	static const unsigned long want_count[] = {3, 3, 3, 3, 3, 3, 1, 1, 2, 2, 1};
	for (size_t i = 0; i < 11; i++) {
		const struct spelling *w = &all.v[map[toks.v[sp.from + i]]];
		assert_int_equal(w->len, strlen(want[i]));
		assert_memory_equal(w->lower, want[i], w->len);
		assert_int_equal(w->count, want_count[i]);
	}
	assert_int_equal(all.n, 6);
	free(map);
	free(toks.v);
	search_vocab_free(&part);
	search_vocab_free(&all);
}

/* search_put_json_string's rules, one byte at a time. */
static char *json_reference(const char *s)
{
	struct buf b = BUF_INIT;
	buf_putc(&b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"')
			buf_puts(&b, "\\\"");
		else if (*p == '\\')
			buf_puts(&b, "\\\\");
		else if (*p == '\n')
			buf_puts(&b, "\\n");
		else if (*p == '\t')
			buf_puts(&b, "\\t");
		else if (*p == '<')
			buf_puts(&b, "\\u003c");
		else if (*p < 0x20)
			buf_printf(&b, "\\u%04x", *p);
		else if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
			buf_puts(&b, p[2] == 0xA8 ? "\\u2028" : "\\u2029");
			p += 2;
		} else
			buf_putc(&b, (char)*p);
	}
	buf_putc(&b, '"');
	return buf_detach(&b);
}

/* JSON strings (read 16 bytes at a time) against the rules, on random texts of every length. */
static void test_json_strings(void **state)
{
	(void)state;
	static const unsigned char alphabet[] = {'a', ' ', '"', '\\', '<', '\n', '\t', 0x01, 0x1F, 0x20,
						 0x7F, 0x80, 0xA8, 0xA9, 0xE2, 0xE2, 0xC3, 0xFF};
	uint32_t seed = 4242;
	char text[100];
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(round % 99);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = (seed >> 16) % 48;
			text[i] = (char)(r < sizeof alphabet ? alphabet[r] : 'a' + r % 26);
		}
		text[n] = '\0';
		struct buf b = BUF_INIT;
		search_put_json_string(&b, text);
		char *want = json_reference(text);
		assert_string_equal(buf_cstr(&b), want);
		free(want);
		buf_free(&b);
	}
	struct buf b = BUF_INIT;
	search_put_json_string(&b, NULL);
	assert_string_equal(buf_cstr(&b), "\"\"");
	buf_free(&b);
}

/* Numbers as printf's %lld writes them, one digit or many, after what the buffer holds. */
static void test_put_number(void **state)
{
	(void)state;
	static const long long values[] = {0, 1, 9, 10, 11, 99, 100, 12345, -1, -9, -10, 4294967296LL,
					   LLONG_MAX, LLONG_MIN};
	for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
		struct buf b = BUF_INIT;
		buf_puts(&b, ",");
		search_put_number(&b, values[i]);
		char want[32];
		snprintf(want, sizeof want, ",%lld", values[i]);
		assert_string_equal(buf_cstr(&b), want);
		buf_free(&b);
	}
}

/*
 * A frequent stem's head against its definition: its HEAD_POSTINGS best
 * postings, ties to the first sections, written in section order; for
 * stems of scores spread wide, bunched on a few levels, or all alike, one
 * after the other with the same count (zeroed again between stems).
 */
static void test_put_head(void **state)
{
	(void)state;
	enum { N = 3000, STEMS = 3 };
	struct postings p = {0};
	p.nstems = STEMS;
	p.start = xcalloc(STEMS + 1, sizeof *p.start);
	p.sec = xcalloc(STEMS * N, sizeof *p.sec);
	p.score = xcalloc(STEMS * N, sizeof *p.score);
	uint32_t seed = 99;
	for (size_t k = 0; k < STEMS; k++) {
		p.start[k + 1] = p.start[k] + N;
		for (size_t i = 0; i < N; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = seed >> 16;
			p.sec[k * N + i] = (uint32_t)(i * 3 + r % 3);
			p.score[k * N + i] = (uint16_t)(k == 0 ? r % SCORE_LEVELS : k == 1 ? 2000 + r % 4 : 7);
		}
	}
	uint32_t *count = xcalloc(SCORE_LEVELS + SCORE_LEVELS / 64, sizeof *count);
	for (size_t k = 0; k < STEMS; k++) {
		struct buf got = BUF_INIT, want = BUF_INIT;
		search_put_head(&got, &p, k, count);
		/* The lowest score kept, and how many of it: by a count from the top. */
		size_t above = 0;
		unsigned low = SCORE_LEVELS;
		while (above < HEAD_POSTINGS) {
			low--;
			for (size_t i = 0; i < N; i++)
				above += p.score[k * N + i] == low;
		}
		size_t at_low = HEAD_POSTINGS;
		for (size_t i = 0; i < N; i++)
			at_low -= p.score[k * N + i] > low;
		uint32_t sec[HEAD_POSTINGS];
		uint16_t score[HEAD_POSTINGS];
		size_t m = 0;
		for (size_t i = 0; i < N; i++) {
			uint16_t sc = p.score[k * N + i];
			if (sc > low || (sc == low && at_low && at_low--)) {
				sec[m] = p.sec[k * N + i];
				score[m++] = sc;
			}
		}
		assert_int_equal(m, HEAD_POSTINGS);
		search_put_postings(&want, sec, score, m);
		assert_string_equal(buf_cstr(&got), buf_cstr(&want));
		buf_free(&got);
		buf_free(&want);
	}
	free(count);
	free(p.start);
	free(p.sec);
	free(p.score);
}

static void test_stop_words(void **state)
{
	(void)state;
	assert_true(search_is_stop_word("de"));
	assert_true(search_is_stop_word("les"));
	assert_true(search_is_stop_word("etre"));
	assert_true(search_is_stop_word("vous"));
	assert_false(search_is_stop_word("ecole"));
	assert_false(search_is_stop_word("caarud"));
	assert_false(search_is_stop_word(""));
}

static void test_stems(void **state)
{
	(void)state;
	char *a = search_stem("relogement", 10), *b = search_stem("reloger", 7);
	char *c = search_stem("relogés", strlen("relogés")), *d = search_stem("RELOGÉS", strlen("RELOGÉS"));
	assert_string_equal(a, b);
	assert_string_equal(a, c);
	assert_string_equal(a, d);
	char *e = search_stem("école", strlen("école")), *f = search_stem("écoles", strlen("écoles"));
	assert_string_equal(e, f);
	assert_string_equal(e, "ecol"); /* folded after stemming */
	free(a); free(b); free(c); free(d); free(e); free(f);
}

static void test_css_colour(void **state)
{
	(void)state;
	const char *css = ":root {\n  --accent-fonce: #163a5a;\n  --accent: #1F4E79;\n  --fond: #ffffff;\n}";
	char *a = offline_css_colour(css, "--accent"), *f = offline_css_colour(css, "--fond");
	assert_string_equal(a, "#1f4e79");
	assert_string_equal(f, "#ffffff");
	assert_null(offline_css_colour(css, "--focus"));
	assert_null(offline_css_colour("--accent: red;", "--accent"));
	free(a);
	free(f);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t r;
	while ((r = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_put(&b, chunk, r);
	fclose(fp);
	if (len)
		*len = b.len;
	return b.data ? buf_detach(&b) : xstrdup("");
}

static char *build_fixture(const char *tmp, const char *name)
{
	char *out = xasprintf("%s/%s", tmp, name);
	struct build_options o = {0};
	o.root = "tests/fixtures/basic";
	o.out = out;
	o.templates = "templates";
	o.no_pdf = 1;
	o.quiet = 1;
	o.jobs = 2;
	struct diag *d = diag_new();
	assert_int_equal(build_run(&o, d, NULL), BUILD_OK);
	diag_free(d);
	return out;
}

static void remove_tree(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void test_build_outputs(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/fiches-test-search-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	char *one = build_fixture(tmpl, "one"), *two = build_fixture(tmpl, "two");
	static const char *const files[] = {"assets/recherche-index.js", "assets/recherche/p0.js",
					    "assets/recherche/t0.js", "assets/recherche/d0.js", "sw.js", "manifest.webmanifest",
					    "assets/icone-192.png", "assets/icone-512.png"};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		char *p1 = xasprintf("%s/%s", one, files[i]), *p2 = xasprintf("%s/%s", two, files[i]);
		size_t l1 = 0, l2 = 0;
		char *a = slurp(p1, &l1), *b = slurp(p2, &l2);
		assert_non_null(a);
		assert_non_null(b);
		assert_true(l1 > 0);
		assert_int_equal(l1, l2);
		assert_memory_equal(a, b, l1); /* reproducible */
		free(a); free(b); free(p1); free(p2);
	}
	char *ip = xasprintf("%s/assets/recherche-index.js", one);
	char *index = slurp(ip, NULL);
	assert_non_null(strstr(index, "FichesRechercheData(\"index\",{\"v\":3,\"kinds\":[\"Fiche-action\""));
	assert_non_null(strstr(index, "\"words\":\" A"));
	assert_non_null(strstr(index, "\"df\":\""));
	assert_non_null(strstr(index, "\"shards\":\"A")); /* the first shard starts at stem 0 */
	assert_non_null(strstr(index, "\"texts\":\"A"));  /* the first fragment at section 0 */
	assert_non_null(strstr(index, "\"docs\":\"A"));   /* the first record list at section 0 */
	assert_non_null(strstr(index, "\"dbytes\":"));
	assert_non_null(strstr(index, "\"syn\":["));
	assert_non_null(strstr(index, "\"alias\":[")); /* content/recherche.yaml: none here */
	/* The parts: a postings shard and a text fragment, with the records' pages. */
	char *pp = xasprintf("%s/assets/recherche/p0.js", one), *tp = xasprintf("%s/assets/recherche/t0.js", one);
	char *shard = slurp(pp, NULL), *text = slurp(tp, NULL);
	assert_non_null(shard);
	assert_non_null(text);
	assert_non_null(strstr(shard, "FichesRechercheData(\"p0\",[\""));
	assert_non_null(strstr(text, "FichesRechercheData(\"t0\",{\"r\":0,\"s\":0,\"docs\":["));
	assert_null(strstr(text, "</")); /* '<' is escaped in strings */
	/* Section anchors are the page's heading ids. */
	assert_non_null(strstr(text, "fiches-actions/"));
	assert_non_null(strstr(text, "\"secs\":["));
	/* What a result list shows before the snippets: kinds, numbers, counts of sections, titles. */
	char *dp = xasprintf("%s/assets/recherche/d0.js", one);
	char *docs = slurp(dp, NULL);
	assert_non_null(docs);
	assert_non_null(strstr(docs, "FichesRechercheData(\"d0\",{\"r\":0,\"s\":0,\"k\":\""));
	assert_non_null(strstr(docs, "\",\"n\":\""));
	assert_non_null(strstr(docs, "\",\"c\":\""));
	assert_non_null(strstr(docs, "\",\"t\":[\""));
	assert_null(strstr(docs, "</"));
	assert_null(strstr(docs, "fiches-actions/")); /* the links come with the texts */
	free(docs); free(dp);
	free(shard); free(text); free(pp); free(tp);
	char *sp = xasprintf("%s/sw.js", one);
	char *sw = slurp(sp, NULL);
	assert_non_null(strstr(sw, "var VERSION = \"fiches-"));
	assert_non_null(strstr(sw, "\"index.html\""));
	assert_non_null(strstr(sw, "\"assets/recherche-index.js\""));
	assert_non_null(strstr(sw, "\"assets/recherche/p0.js\"")); /* a small site: every part */
	assert_non_null(strstr(sw, "\"assets/recherche/t0.js\""));
	assert_non_null(strstr(sw, "\"assets/recherche/d0.js\""));
	/* Relative URLs only in the precache list. */
	char *list = strstr(sw, "var PRECACHE = ["), *end = list ? strstr(list, "];") : NULL;
	assert_non_null(end);
	*end = '\0';
	assert_null(strstr(list, "\"/"));
	assert_null(strstr(list, "http"));
	char *mp = xasprintf("%s/manifest.webmanifest", one);
	char *mf = slurp(mp, NULL);
	assert_non_null(strstr(mf, "\"start_url\": \".\""));
	assert_non_null(strstr(mf, "\"display\": \"standalone\""));
	assert_non_null(strstr(mf, "\"lang\": \"fr\""));
	free(index); free(ip); free(sw); free(sp); free(mf); free(mp);
	remove_tree(tmpl);
	free(one);
	free(two);
}

/*
 * The postings from tokens laid out as the groups lay them out (each
 * text where it is scanned: the pairs are written over the tokens read),
 * from the same texts in another order (a list the pairs cannot share:
 * they get their own array, the tokens are left as they were) and with
 * more stems than a packed pair holds: the same postings each time.
 */
struct postings_case {
	uint32_t toks[64];
	struct span rspan[4], sspan[8];
};

/* Texts: title, summary of 2 records; heading, body of 4 sections (records 0, 0, 0, 1). */
static const uint32_t case_texts[12][6] = {
	{0, 1, 9}, {2, 3}, {0}, {3, 3, 4, NO_WORD, 5, 3}, {6}, {7, 2, 2},
	{0}, {1, 8, 4}, {8, 0}, {5}, {0}, {4, 4, 6, 0},
};
static const size_t case_lens[12] = {3, 2, 0, 6, 1, 3, 0, 3, 2, 1, 0, 4};
/* Where each text is in the list: as the groups scan them, then backwards. */
static const int case_order[2][12] = {
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
	{11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
};

static void lay_out(struct postings_case *c, int order)
{
	size_t at = 0;
	for (int i = 0; i < 12; i++) {
		int t = case_order[order][i];
		struct span sp = {at, at + case_lens[t]};
		memcpy(c->toks + at, case_texts[t], case_lens[t] * sizeof *c->toks);
		at += case_lens[t];
		/* Texts 0-1: record 0's, 8-9: record 1's; the others, sections 0-2's heading and body; 10-11: section 3's. */
		if (t < 2)
			c->rspan[t] = sp;
		else if (t < 8)
			c->sspan[t - 2] = sp;
		else if (t < 10)
			c->rspan[t - 6] = sp;
		else
			c->sspan[t - 4] = sp;
	}
}

static void test_postings_layouts(void **state)
{
	(void)state;
	struct site site;
	memset(&site, 0, sizeof site);
	struct record recs[2] = {{0, 0, "T", "a.html", NULL, NULL}, {0, 0, "U", "b.html", NULL, NULL}};
	struct section secs[4];
	memset(secs, 0, sizeof secs);
	char h1[] = "Titre", a1[] = "titre", h2[] = "Suite", a2[] = "suite";
	secs[0].record = 0;
	secs[1] = (struct section){.record = 0, .heading = h1, .anchor = a1};
	secs[2] = (struct section){.record = 0, .heading = h2, .anchor = a2};
	secs[3].record = 1;
	struct index ix = {.recs = recs, .nrecs = 2, .secs = secs, .nsecs = 4};
	/* NO_WORD, then spellings 0-9, to stems; 9 is a stop word. */
	static const int32_t stem_of[11] = {-1, 0, 1, 2, 3, 4, 1, 5, 6, 7, -1};
	struct postings want = {0};
	for (int run = 0; run < 3; run++) {
		struct postings_case c;
		memset(&c, 0, sizeof c);
		lay_out(&c, run == 1);
		uint32_t before[64];
		memcpy(before, c.toks, sizeof before);
		uint32_t *toks_of[4] = {c.toks, c.toks, c.toks, c.toks};
		size_t nstems = run == 2 ? ((size_t)1 << 20) + 1 : 8;
		struct postings p = {0};
		const int32_t *list_stems[1] = {stem_of};
		search_compute_postings(&site, &ix, toks_of, list_stems, nstems, c.rspan, c.sspan, &p);
		/* In place only when the texts are where they are scanned and a pair is a word. */
		assert_int_equal(memcmp(before, c.toks, sizeof before) != 0, run == 0);
		assert_int_equal(p.nsec, 4);
		if (run == 0) {
			want = p;
			/* Stem 0 (spelling 0): section 0 (its record's title), 3 (title, body). */
			assert_int_equal(p.start[1] - p.start[0], 2);
			assert_int_equal(p.sec[p.start[0]], 0);
			assert_int_equal(p.sec[p.start[0] + 1], 3);
			/* Stem 1 (spellings 1 and 5): sections 0 (title, body), 2 (body), 3 (summary). */
			assert_int_equal(p.start[2] - p.start[1], 3);
			assert_int_equal(p.sec[p.start[1]], 0);
			assert_int_equal(p.sec[p.start[1] + 1], 2);
			assert_int_equal(p.sec[p.start[1] + 2], 3);
			/* Stem 3 (spelling 3, three times in section 0's body, once in its summary) outscores its one-time stem 4. */
			assert_true(p.score[p.start[3]] > p.score[p.start[4]]);
			assert_int_equal(p.nnumbered, 0);
			continue;
		}
		for (size_t k = 0; k <= 8; k++)
			assert_int_equal(p.start[k], want.start[k]);
		assert_memory_equal(p.sec, want.sec, want.start[8] * sizeof *p.sec);
		assert_memory_equal(p.score, want.score, want.start[8] * sizeof *p.score);
		search_postings_free(&p);
	}
	search_postings_free(&want);
}

/*
 * Postings from many tokens in several lists (each section's texts in an
 * array of its own, as when the groups' lists differ) against the same
 * texts in one list: the same postings, each stem's sections in order.
 * The placing (scatter) reads pairs ahead of the one it places, up to
 * each list's last: lists longer than that reach its bound.
 */
#define MANY_SECS 6
#define MANY_TOKS 48
#define MANY_WORDS 40

static void test_postings_lists(void **state)
{
	(void)state;
	struct site site;
	memset(&site, 0, sizeof site);
	struct record recs[1] = {{0, 0, "T", "a.html", NULL, NULL}};
	struct section secs[MANY_SECS];
	memset(secs, 0, sizeof secs);
	/* 16 bytes: room for any int, which GCC at -O1 cannot rule out. */
	char heads[MANY_SECS][16], anchors[MANY_SECS][16];
	for (int i = 1; i < MANY_SECS; i++) {
		snprintf(heads[i], sizeof heads[i], "H%d", i);
		snprintf(anchors[i], sizeof anchors[i], "h%d", i);
		secs[i] = (struct section){.record = 0, .heading = heads[i], .anchor = anchors[i]};
	}
	struct index ix = {.recs = recs, .nrecs = 1, .secs = secs, .nsecs = MANY_SECS};
	/* NO_WORD, then spellings 0 to MANY_WORDS - 1 to stems (two share one; the last is a stop word). */
	int32_t stem_of[MANY_WORDS + 1];
	stem_of[0] = -1;
	for (int w = 0; w < MANY_WORDS; w++)
		stem_of[w + 1] = w == MANY_WORDS - 1 ? -1 : w == 7 ? 3 : w;
	size_t nstems = MANY_WORDS - 1;
	/*
	 * Section i's texts: (record's title, summary for section 0, else its
	 * heading), then its body, MANY_TOKS tokens each, a simple mix.
	 */
	uint32_t texts[MANY_SECS][3][MANY_TOKS];
	unsigned x = 12345;
	for (int i = 0; i < MANY_SECS; i++)
		for (int t = 0; t < 3; t++)
			for (int k = 0; k < MANY_TOKS; k++) {
				x = x * 1103515245u + 12345u;
				texts[i][t][k] = (x >> 16) % MANY_WORDS;
			}
	struct postings p[2];
	for (int run = 0; run < 2; run++) {
		/* Run 0: one list, in scan order; run 1: a list each section. */
		static uint32_t one[MANY_SECS * 3 * MANY_TOKS];
		static uint32_t own[MANY_SECS][3 * MANY_TOKS];
		uint32_t *toks_of[MANY_SECS];
		const int32_t *list_stems[MANY_SECS];
		struct span rspan[2], sspan[2 * MANY_SECS];
		size_t at = 0;
		for (int i = 0; i < MANY_SECS; i++) {
			uint32_t *v = run == 0 ? one : own[i];
			if (run == 1)
				at = 0;
			toks_of[i] = v;
			list_stems[i] = stem_of;
			int ntexts = i == 0 ? 3 : 2;
			for (int t = 0; t < ntexts; t++) {
				struct span sp = {at, at + MANY_TOKS};
				memcpy(v + at, texts[i][t], sizeof texts[i][t]);
				at += MANY_TOKS;
				if (i == 0 && t < 2)
					rspan[t] = sp;
				else if (t == 0)
					sspan[2 * i] = sp;
				else
					sspan[2 * i + 1] = sp;
			}
		}
		memset(&p[run], 0, sizeof p[run]);
		search_compute_postings(&site, &ix, toks_of, list_stems, nstems, rspan, sspan, &p[run]);
	}
	size_t n = p[0].start[nstems];
	assert_true(n > 64);
	for (size_t k = 0; k <= nstems; k++)
		assert_int_equal(p[1].start[k], p[0].start[k]);
	assert_memory_equal(p[1].sec, p[0].sec, n * sizeof *p[0].sec);
	assert_memory_equal(p[1].score, p[0].score, n * sizeof *p[0].score);
	/* Each stem's sections: those whose texts hold one of its spellings, in order. */
	for (size_t k = 0; k < nstems; k++) {
		size_t at = p[0].start[k];
		for (int i = 0; i < MANY_SECS; i++) {
			int has = 0;
			for (int t = 0; t < (i == 0 ? 3 : 2); t++)
				for (int j = 0; j < MANY_TOKS; j++)
					has |= stem_of[texts[i][t][j] + 1] == (int32_t)k;
			if (has)
				assert_int_equal(p[0].sec[at++], i);
		}
		assert_int_equal(at, p[0].start[k + 1]);
	}
	search_postings_free(&p[0]);
	search_postings_free(&p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_word_chars),
		cmocka_unit_test(test_split_words),
		cmocka_unit_test(test_vocab_words),
		cmocka_unit_test(test_vocab_merge_case),
		cmocka_unit_test(test_json_strings),
		cmocka_unit_test(test_put_number),
		cmocka_unit_test(test_put_head),
		cmocka_unit_test(test_stop_words),
		cmocka_unit_test(test_stems),
		cmocka_unit_test(test_css_colour),
		cmocka_unit_test(test_postings_layouts),
		cmocka_unit_test(test_postings_lists),
		cmocka_unit_test(test_build_outputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
