/*
 * A one-shot build's model left to the process's exit (build_options'
 * exit_after, build.c): left only when asked, never for a build that keeps
 * its model (serve), never under a leak checker or FICHES_FREE_ALL=1, and
 * the site written is the same as when everything is freed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "xalloc.h"

static char root[] = "/tmp/fiches-test-build-exit-XXXXXX";

static void sh(const char *fmt, const char *a, const char *b)
{
	char *cmd = xasprintf(fmt, a, b);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* Builds root's project into root/OUT (check_only: checks it), returning its status. */
static int build(const char *out_name, int exit_after, int check_only, struct build_kept **keep)
{
	char *out = xasprintf("%s/%s", root, out_name);
	struct build_options o = {0};
	o.root = root;
	o.out = out;
	o.templates = "templates";
	o.no_pdf = 1;
	o.quiet = 1;
	o.jobs = 2;
	o.check_only = check_only;
	o.keep = keep;
	o.exit_after = exit_after;
	struct diag *d = diag_new();
	int status = build_run(&o, d, NULL);
	diag_free(d);
	free(out);
	return status;
}

static void test_left_to_exit(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(root));
	sh("cp -r tests/fixtures/basic/content '%s/content'%s", root, "");

	/* Freed when not asked, and when asked under FICHES_FREE_ALL=1. */
	assert_int_equal(setenv("FICHES_FREE_ALL", "1", 1), 0);
	assert_int_equal(build("freed", 0, 0, NULL), BUILD_OK);
	assert_false(build_left_to_exit());
	assert_true(build_frees_everything());
	assert_int_equal(build("freed-too", 1, 0, NULL), BUILD_OK);
	assert_false(build_left_to_exit());

	/* FICHES_FREE_ALL=0: left, unless the program is built with AddressSanitizer. */
	assert_int_equal(setenv("FICHES_FREE_ALL", "0", 1), 0);
	int leaves = !build_frees_everything();
	assert_int_equal(build("left", 1, 0, NULL), BUILD_OK);
	assert_int_equal(build_left_to_exit(), leaves);
	/* The same site, byte for byte. */
	sh("diff -r '%s/freed' '%s/left' >/dev/null", root, root);
	/* A second one-shot build frees the first's model (no loss), and a check leaves its too. */
	assert_int_equal(build("unused", 1, 1, NULL), BUILD_OK);
	assert_int_equal(build_left_to_exit(), leaves);

	/* A build that keeps its model (serve) gets it, whatever exit_after says. */
	struct build_kept *kept = NULL;
	assert_int_equal(build("kept", 1, 0, &kept), BUILD_OK);
	assert_non_null(kept);
	assert_non_null(build_kept_site(kept));
	build_kept_free(kept);

	unsetenv("FICHES_FREE_ALL");
	sh("rm -rf '%s'%s", root, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_left_to_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
