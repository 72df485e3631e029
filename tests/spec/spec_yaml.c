/*
 * Conformance runner for the YAML loader against the yaml-test-suite.
 *
 * Input: ../shared/testdata/yaml-suite/ (or $FICHES_TESTDATA/yaml-suite/),
 * one directory per test with in.yaml and either in.json (zero or more
 * concatenated JSON values, one per document) or an empty file "error".
 * Each in.yaml goes through yaml_load_stream, exactly as a data file would.
 * JSON tests must load and give the same values (numbers compared by
 * value, so 1 equals 1.0; object key order ignored); error tests must fail.
 *
 * Exclusions are the tests that libyaml 0.2.5 itself cannot get right,
 * listed with the reason in the suite's libyaml-baseline.tsv (documented in
 * docs/YAML.md): the loader only sees libyaml's events. They are reported
 * and counted as skipped; one that passes anyway is reported as an
 * unexpected pass and counted as passed.
 *
 * Output: one line per failure, the exclusions, and the summary line
 * "N passed, N failed, N skipped". Exit status 1 on any failure.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "fileio.h"
#include "xalloc.h"
#include "yaml.h"

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* Numbers by value, objects regardless of key order, the rest exactly. */
static int same(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	if (json_typeof(a) != json_typeof(b))
		return 0;
	switch (json_typeof(a)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *v;
		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_foreach((json_t *)a, k, v) {
			json_t *w = json_object_get(b, k);
			if (!w || !same(v, w))
				return 0;
		}
		return 1;
	}
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!same(json_array_get(a, i), json_array_get(b, i)))
				return 0;
		return 1;
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		       memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
	default:
		return 1; /* true, false, null: same type is enough */
	}
}

/* in.json as an array of its values (caller decrefs), NULL on a JSON error. */
static json_t *parse_expected(const char *text, size_t len)
{
	json_t *all = json_array();
	size_t pos = 0;
	for (;;) {
		while (pos < len && strchr(" \t\r\n", text[pos]))
			pos++;
		if (pos >= len)
			return all;
		json_error_t err;
		json_t *v = json_loadb(text + pos, len - pos,
				       JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &err);
		if (!v) {
			fprintf(stderr, "in.json: %s\n", err.text);
			json_decref(all);
			return NULL;
		}
		json_array_append_new(all, v);
		pos += (size_t)err.position;
	}
}

/* The libyaml-baseline.tsv detail of tests libyaml cannot pass, by id. */
struct baseline {
	char **id, **why; /* owned */
	size_t n;
};

static void baseline_read(struct baseline *b, const char *suite)
{
	size_t len;
	char *path = xasprintf("%s/libyaml-baseline.tsv", suite);
	char *text = file_read(path, &len);
	free(path);
	memset(b, 0, sizeof *b);
	if (!text)
		return;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4] = {0};
		char *p = line;
		for (int i = 0; i < 4 && p; i++) {
			f[i] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		if (!f[2] || strcmp(f[0], "id") == 0 || strcmp(f[2], "pass") == 0)
			continue;
		b->id = xrealloc(b->id, (b->n + 1) * sizeof *b->id);
		b->why = xrealloc(b->why, (b->n + 1) * sizeof *b->why);
		b->id[b->n] = xstrdup(f[0]);
		b->why[b->n] = xasprintf("libyaml 0.2.5 %s%s%s", f[2], f[3] ? ": " : "", f[3] ? f[3] : "");
		b->n++;
	}
	free(text);
}

static const char *baseline_why(const struct baseline *b, const char *id)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->id[i], id) == 0)
			return b->why[i];
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	const char *env = getenv("FICHES_TESTDATA");
	char *suite = xasprintf("%s/yaml-suite", env && *env ? env : "../shared/testdata");
	DIR *dir = opendir(suite);
	if (!dir) {
		printf("yaml-suite not found at %s: tests skipped\n", suite);
		printf("0 passed, 0 failed, 1 skipped\n");
		free(suite);
		return 0;
	}
	char **ids = NULL;
	size_t nids = 0;
	struct dirent *de;
	while ((de = readdir(dir))) {
		char *p = xasprintf("%s/%s/in.yaml", suite, de->d_name);
		int ok = de->d_name[0] != '.' && exists(p);
		free(p);
		if (!ok)
			continue;
		ids = xrealloc(ids, (nids + 1) * sizeof *ids);
		ids[nids++] = xstrdup(de->d_name);
	}
	closedir(dir);
	qsort(ids, nids, sizeof *ids, cmp_str);

	struct baseline base;
	baseline_read(&base, suite);
	int passed = 0, failed = 0, skipped = 0, unexpected = 0;
	char **excluded = xcalloc(nids ? nids : 1, sizeof *excluded);
	size_t nexcluded = 0;

	for (size_t i = 0; i < nids; i++) {
		size_t len = 0, jlen;
		char *p = xasprintf("%s/%s/in.yaml", suite, ids[i]);
		char *yaml = file_read(p, &len);
		free(p);
		p = xasprintf("%s/%s/error", suite, ids[i]);
		int want_error = exists(p);
		free(p);
		struct diag *d = diag_new();
		json_t *got = NULL;
		struct yaml_marks *marks = NULL;
		int rc = yaml ? yaml_load_stream(ids[i], yaml, len, 0, d, &got, &marks) : -1;
		/* diag_to_string on an empty collector trips UBSan (qsort of NULL). */
		char *msgs = diag_errors(d) ? diag_to_string(d) : xstrdup("");
		const char *problem = NULL;
		if (!yaml) {
			problem = "cannot read in.yaml";
		} else if (want_error) {
			if (rc == 0)
				problem = "loaded, but the input is invalid YAML";
		} else if (rc != 0) {
			problem = "refused valid YAML";
		} else {
			p = xasprintf("%s/%s/in.json", suite, ids[i]);
			char *js = file_read(p, &jlen);
			free(p);
			json_t *want = js ? parse_expected(js, jlen) : NULL;
			if (!want)
				problem = "cannot read in.json";
			else if (!same(got, want))
				problem = "wrong value";
			if (problem && want && got) {
				char *g = json_dumps(got, JSON_ENCODE_ANY | JSON_COMPACT);
				char *w = json_dumps(want, JSON_ENCODE_ANY | JSON_COMPACT);
				fprintf(stderr, "%s: got %s\n%s: want %s\n", ids[i], g, ids[i], w);
				free(g);
				free(w);
			}
			json_decref(want);
			free(js);
		}
		const char *why = baseline_why(&base, ids[i]);
		if (problem && why) {
			excluded[nexcluded++] = xasprintf("%s (%s)", ids[i], why);
			skipped++;
		} else if (problem) {
			printf("FAIL %s: %s\n%s", ids[i], problem, msgs);
			failed++;
		} else {
			if (why) {
				printf("unexpected pass %s (baseline: %s)\n", ids[i], why);
				unexpected++;
			}
			passed++;
		}
		free(msgs);
		json_decref(got);
		yaml_marks_free(marks);
		diag_free(d);
		free(yaml);
		free(ids[i]);
	}
	printf("excluded, limits of libyaml 0.2.5 (see docs/YAML.md): %zu\n", nexcluded);
	for (size_t i = 0; i < nexcluded; i++) {
		printf("  %s\n", excluded[i]);
		free(excluded[i]);
	}
	if (unexpected)
		printf("%d unexpected passes\n", unexpected);
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	for (size_t i = 0; i < base.n; i++) {
		free(base.id[i]);
		free(base.why[i]);
	}
	free(base.id);
	free(base.why);
	free(excluded);
	free(ids);
	free(suite);
	return failed ? 1 : 0;
}
