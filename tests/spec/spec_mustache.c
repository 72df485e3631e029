/*
 * Conformance runner: the official Mustache spec against mustache.c.
 *
 * Input: the spec's JSON files in $FICHES_TESTDATA/mustache-spec/, else
 * ../shared/testdata/mustache-spec/ from the repository root (run.sh runs
 * from there and exports FICHES_ROOT). The data is never copied into the
 * repository. For each test: compile its partials and template into a
 * fresh set, render `data`, compare with `expected` byte for byte.
 * Output: one line per failing test, then "N passed, N failed, N skipped".
 * Exit status 1 when a test failed, else 0 (also when the data is absent:
 * every test is then skipped).
 */
#include "html/mustache.h"
#include "buf.h"
#include "diag.h"
#include "xalloc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The core modules the project implements (testdata/README.md). */
static const char *const modules[] = {
	"comments", "delimiters", "interpolation", "inverted", "partials", "sections",
};
/* Their test count, reported as skipped when the data is absent. */
#define SPEC_TESTS 136

static int passed, failed;

static char *testdata_dir(void)
{
	const char *env = getenv("FICHES_TESTDATA");
	if (env && *env)
		return xasprintf("%s/mustache-spec", env);
	const char *root = getenv("FICHES_ROOT");
	if (root && *root)
		return xasprintf("%s/../shared/testdata/mustache-spec", root);
	return xstrdup("../shared/testdata/mustache-spec");
}

/* Writes s with control characters made visible, for failure reports. */
static void show(const char *label, const char *s, size_t n)
{
	printf("    %s: \"", label);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\r')
			fputs("\\r", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	puts("\"");
}

static void run_test(const char *module, json_t *test)
{
	const char *name = json_string_value(json_object_get(test, "name"));
	json_t *tmpl = json_object_get(test, "template");
	json_t *expected = json_object_get(test, "expected");
	json_t *data = json_object_get(test, "data");
	json_t *partials = json_object_get(test, "partials");
	if (!name || !json_is_string(tmpl) || !json_is_string(expected)) {
		printf("%s: malformed test\n", module);
		failed++;
		return;
	}

	struct mustache_set *set = mustache_set_new();
	struct diag *d = diag_new();
	struct buf out = BUF_INIT;
	int ok = 1;
	const char *key;
	json_t *value;
	json_object_foreach(partials, key, value) {
		if (mustache_set_add(set, key, key, json_string_value(value),
				     json_string_length(value), d) < 0)
			ok = 0;
	}
	/* The test's own name cannot clash with a partial: partial names are words. */
	const char *main_name = " template";
	if (mustache_set_add(set, main_name, "template", json_string_value(tmpl),
			     json_string_length(tmpl), d) < 0)
		ok = 0;
	if (ok && mustache_render(set, main_name, data, &out, d) < 0)
		ok = 0;
	if (ok && out.len == json_string_length(expected) &&
	    memcmp(buf_cstr(&out), json_string_value(expected), out.len) == 0) {
		passed++;
	} else {
		failed++;
		printf("%s: %s\n", module, name);
		show("template", json_string_value(tmpl), json_string_length(tmpl));
		show("expected", json_string_value(expected), json_string_length(expected));
		if (ok)
			show("actual  ", buf_cstr(&out), out.len);
		if (diag_errors(d)) {
			char *msgs = diag_to_string(d);
			printf("    diagnostics:\n%s", msgs);
			free(msgs);
		}
	}
	buf_free(&out);
	diag_free(d);
	mustache_set_free(set);
}

int main(void)
{
	char *dir = testdata_dir();
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		printf("mustache spec data not found in %s: tests skipped\n", dir);
		printf("0 passed, 0 failed, %d skipped\n", SPEC_TESTS);
		free(dir);
		return 0;
	}
	for (size_t m = 0; m < sizeof modules / sizeof *modules; m++) {
		char *path = xasprintf("%s/%s.json", dir, modules[m]);
		json_error_t err;
		json_t *root = json_load_file(path, 0, &err);
		json_t *tests = json_object_get(root, "tests");
		if (!json_is_array(tests)) {
			printf("%s: cannot read: %s\n", path, root ? "no tests array" : err.text);
			failed++;
		} else {
			size_t i;
			json_t *test;
			json_array_foreach(tests, i, test)
				run_test(modules[m], test);
		}
		json_decref(root);
		free(path);
	}
	free(dir);
	printf("%d passed, %d failed, 0 skipped\n", passed, failed);
	return failed ? 1 : 0;
}
