/*
 * The plain front matters' reader (generator/load/yaml_fast.h) against
 * libyaml: for every text it accepts, the events must be libyaml's, the
 * same types in the same order, and for each one the loader reads (the
 * document's, the collections' and the scalars' starts) the same line and
 * column, and for scalars the same bytes and style, without tag or anchor.
 * The texts: the yaml-test-suite's (../shared/testdata/yaml-suite or
 * $FICHES_TESTDATA/yaml-suite), the repository's YAML files and front
 * matters (content/, tests/; more directories in $FICHES_YAML_FAST_DIRS,
 * separated by ':'), fixed cases at the edges of the shape, and variants
 * of the accepted texts: a byte deleted, or one of the bytes that matter
 * to YAML inserted, at every place (every seventh place unless
 * $FICHES_YAML_FAST_ALL is set: the whole sweep takes minutes).
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
#include <sys/stat.h>

#include <yaml.h>

#include "fileio.h"
#include "load.h"
#include "utf8.h"
#include "xalloc.h"
#include "yaml_fast.h"

static size_t accepted, compared_texts;

/* Where the reader and libyaml part, for the failure message. */
static void differ(const char *what, const char *text, size_t len, size_t i)
{
	fail_msg("%s: event %zu differs for the text:\n%.*s", what, i, (int)len, text);
}

/*
 * Compares the reader's events for text with libyaml's. Returns 1 when
 * the reader accepted the text (and the events agree: a difference
 * fails the test), 0 when it left it to libyaml.
 */
static int check(const char *what, const char *text, size_t len)
{
	size_t bad;
	/* yaml.c gives the reader only valid UTF-8 without a BOM. */
	if (!utf8_valid(text, len, &bad) || (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0))
		return 0;
	struct yaml_fast f;
	if (!yaml_fast_events(text, len, &f))
		return 0;
	yaml_parser_t p;
	assert_true(yaml_parser_initialize(&p));
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	for (size_t i = 0; i < f.n; i++) {
		const struct yaml_fast_event *fe = &f.v[i];
		yaml_event_t e;
		if (!yaml_parser_parse(&p, &e)) {
			fprintf(stderr, "%s: libyaml refuses the text at event %zu (%s, line %zu col %zu)\n",
				what, i, p.problem ? p.problem : "?", p.problem_mark.line,
				p.problem_mark.column);
			differ(what, text, len, i);
		}
		yaml_event_t as; /* the reader's event as yaml.c hands it on */
		yaml_fast_event_as_libyaml(fe, &as);
		int same = e.type == as.type;
		if (same && fe->type != YAML_FAST_STREAM_END && fe->type != YAML_FAST_DOCUMENT_END &&
		    fe->type != YAML_FAST_SEQUENCE_END && fe->type != YAML_FAST_MAPPING_END)
			same = e.start_mark.line == fe->line && e.start_mark.column == fe->column;
		if (same && fe->type == YAML_FAST_SCALAR)
			same = e.data.scalar.length == fe->length &&
			       memcmp(e.data.scalar.value, fe->value, fe->length) == 0 &&
			       fe->value[fe->length] == '\0' &&
			       e.data.scalar.style == as.data.scalar.style && !e.data.scalar.tag &&
			       !e.data.scalar.anchor;
		if (same && fe->type == YAML_FAST_SEQUENCE_START)
			same = !e.data.sequence_start.tag && !e.data.sequence_start.anchor;
		if (same && fe->type == YAML_FAST_MAPPING_START)
			same = !e.data.mapping_start.tag && !e.data.mapping_start.anchor;
		if (!same) {
			fprintf(stderr, "%s: event %zu: reader type %d line %zu col %zu '%.*s'; "
				"libyaml type %d line %zu col %zu '%.*s'\n", what, i, (int)fe->type,
				fe->line, fe->column, fe->value ? (int)fe->length : 0,
				fe->value ? fe->value : "", (int)e.type, e.start_mark.line,
				e.start_mark.column,
				e.type == YAML_SCALAR_EVENT ? (int)e.data.scalar.length : 0,
				e.type == YAML_SCALAR_EVENT ? (const char *)e.data.scalar.value : "");
			differ(what, text, len, i);
		}
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	yaml_fast_free(&f);
	accepted++;
	return 1;
}

static void check_kept(const char *what, const char *t, size_t n);

/* Texts the reader must take (the shapes of the bench's and TAT's front matters). */
static const char *const must_accept[] = {
	"number: 1\ntitle: Enquête du soir dans le 16e\nsummary: >-\n  La peur et l'environnement\n"
	"  racontent ensemble.\nthemes: [a-b, c-d]\ncontacts: []\nsince: 2016\nstatus: active\n",
	"title: Un titre, avec une virgule\nurl: https://example.org/a?b=c#d\n",
	"a: 1\n\n\nb: [ x y ,  z ]\n",
	"texte: |\n  ligne 1\n  ligne 2\nfin: oui\n",
	"texte: |-\n    deux\n    lignes\n",
};

/* Texts it must leave to libyaml. */
static const char *const must_refuse[] = {
	"", "\n\n", "# comment\na: 1\n", "a: 1 # comment\n", "a:\n  - x\n", "a:\n", "a: 'x'\n",
	"a: \"x\"\n", "a: [x,\n  y]\n", "a: b: c\n", "a: x\n  continued\n", "a: >-\n\n  x\n",
	"a: >-\n  x\n\n  y\n", "a: >-\n  x\n   y\n", "a: >+\n  x\n", "a: >2\n  x\n", "a: &x 1\n",
	"a: *x\n", "a: !!str 1\n", "- a\n", "---\na: 1\n", "a: 1\n...\n", "a:\tb\n", "a: b\r\n",
	"a: {b: c}\n", "a: [b, [c]]\n", "a: [b, ]\n", "a: [b,,c]\n", "a: x]\n", "? a\n: b\n",
	"a : b\n", "a: b\xc2\x85\n", "a: b\xe2\x80\xa8\n", "a: \xf0\x9f\x98\x80\n", "a: -1\n",
	"a: >\n  x", "a: [b] x\n", "a: @b\n", "a: `b`\n", "a: %b\n", "résumé: non\n",
};

static void test_fixed_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof must_accept / sizeof *must_accept; i++) {
		const char *t = must_accept[i];
		size_t before = accepted;
		check_kept("must_accept", t, strlen(t));
		assert_int_equal(accepted, before + 1);
	}
	for (size_t i = 0; i < sizeof must_refuse / sizeof *must_refuse; i++) {
		const char *t = must_refuse[i];
		struct yaml_fast f;
		if (yaml_fast_events(t, strlen(t), &f)) {
			yaml_fast_free(&f);
			fail_msg("accepted: %s", t);
		}
	}
}

/* Accepted texts kept as seeds for the variants (owned). */
static char *seeds[24];
static size_t seed_len[24], nseeds;

static void check_kept(const char *what, const char *t, size_t n)
{
	compared_texts++;
	if (check(what, t, n) && nseeds < sizeof seeds / sizeof *seeds) {
		/* Different shapes first: a seed per directory is enough. */
		for (size_t i = 0; i < nseeds; i++)
			if (seed_len[i] == n && memcmp(seeds[i], t, n) == 0)
				return;
		seeds[nseeds] = xmalloc(n + 1);
		memcpy(seeds[nseeds], t, n);
		seeds[nseeds][n] = '\0';
		seed_len[nseeds++] = n;
	}
}

/* Every .yaml file and .md front matter under dir, recursively. */
static void walk(const char *dir)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		char *p = xasprintf("%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			walk(p);
		} else if (S_ISREG(st.st_mode)) {
			size_t n = strlen(p), len;
			int md = n > 3 && strcmp(p + n - 3, ".md") == 0;
			int yml = n > 5 && strcmp(p + n - 5, ".yaml") == 0;
			char *t = md || yml ? file_read(p, &len) : NULL;
			if (t && yml)
				check_kept(p, t, len);
			if (t && md) {
				const char *fm, *body;
				size_t fm_len;
				int off;
				if (load_split_front_matter(t, len, &fm, &fm_len, &body, &off) == 1)
					check_kept(p, fm, fm_len);
			}
			free(t);
		}
		free(p);
	}
	closedir(dp);
}

static void test_repository_and_suite(void **state)
{
	(void)state;
	const char *env = getenv("FICHES_TESTDATA");
	char *suite = xasprintf("%s/yaml-suite", env && *env ? env : "../shared/testdata");
	walk(suite);
	free(suite);
	walk("content");
	walk("tests");
	const char *more = getenv("FICHES_YAML_FAST_DIRS");
	if (more && *more) {
		char *list = xstrdup(more), *save = NULL;
		for (char *d = strtok_r(list, ":", &save); d; d = strtok_r(NULL, ":", &save))
			walk(d);
		free(list);
	}
	fprintf(stderr, "yaml_fast: %zu texts, %zu read by the reader, all as libyaml\n",
		compared_texts, accepted);
	/* The repository's own front matters are of the shape: some must have been read. */
	assert_true(accepted > 0);
}

static void test_variants(void **state)
{
	(void)state;
	static const char bytes[] = ":# -[],\n'\">|&*!?{}@%`\t\\.x ";
	size_t step = getenv("FICHES_YAML_FAST_ALL") ? 1 : 7, before = accepted, tried = 0;
	for (size_t s = 0; s < nseeds; s++) {
		size_t n = seed_len[s];
		char *v = xmalloc(n + 4);
		for (size_t p = s % step; p <= n; p += step) {
			if (p < n) {
				memcpy(v, seeds[s], p);
				memcpy(v + p, seeds[s] + p + 1, n - p - 1);
				check("variant (deleted)", v, n - 1);
				tried++;
			}
			for (const char *b = bytes; *b; b++) {
				memcpy(v, seeds[s], p);
				v[p] = *b;
				memcpy(v + p + 1, seeds[s] + p, n - p);
				check("variant (inserted)", v, n + 1);
				tried++;
			}
			/* A two-byte character, and a C1 control. */
			memcpy(v, seeds[s], p);
			memcpy(v + p, "\xc3\xa9", 2);
			memcpy(v + p + 2, seeds[s] + p, n - p);
			check("variant (é)", v, n + 2);
			memcpy(v + p, "\xc2\x85", 2);
			check("variant (NEL)", v, n + 2);
			tried += 2;
		}
		free(v);
		free(seeds[s]);
	}
	fprintf(stderr, "yaml_fast: %zu variants of %zu texts, %zu read by the reader, all as "
		"libyaml\n", tried, nseeds, accepted - before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_cases),
		cmocka_unit_test(test_repository_and_suite),
		cmocka_unit_test(test_variants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
