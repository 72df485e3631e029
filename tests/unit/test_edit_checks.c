/*
 * Unit tests for the writing workshop's string checks: which document
 * paths the editor accepts (edit_path_ok), which Host headers
 * (edit_host_ok: no domain name, right port) and Origins (edit_origin_ok).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "edit_check.h"
#include "edit_path.h"

#include <stdlib.h>
#include <string.h>

static void test_paths_accepted(void **state)
{
	(void)state;
	assert_true(edit_path_ok("actions/06-habitants.md"));
	assert_true(edit_path_ok("themes/1-cadre-de-vie.md"));
	assert_true(edit_path_ok("guide/01-introduction.md"));
	assert_true(edit_path_ok("pages/crédits.md"));
	assert_true(edit_path_ok("pages/a..b.md"));
}

static void test_paths_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "/", "actions", "actions/", "actions/.md", "actions/..md", "actions/.x.md",
		"../actions/x.md", "actions/../x.md", "actions/../../etc/passwd.md", "/etc/passwd",
		"/actions/x.md", "actions//x.md", "actions/sub/x.md", "actions/x.md/", "actions\\x.md",
		"actions/x\\y.md", "actions/x.txt", "actions/x.MD", "actions/x.md.bak", "site.yaml",
		"contacts.yaml", "media/x.md", "templates/x.md", "Actions/x.md", "./actions/x.md",
		"actions/./x.md", "actions/x\n.md", "actions/x\x7f.md", "actions/\xc0\xae.md",
		"actions/\xff.md",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (edit_path_ok(bad[i]))
			fail_msg("accepted: %s", bad[i]);
	assert_false(edit_path_ok(NULL));
	char longp[EDIT_PATH_MAX + 16];
	memset(longp, 'a', sizeof longp);
	memcpy(longp, "actions/", 8);
	strcpy(longp + sizeof longp - 4, ".md");
	assert_false(edit_path_ok(longp));
}

static void test_hosts(void **state)
{
	(void)state;
	assert_true(edit_host_ok("127.0.0.1:8000", 8000));
	assert_true(edit_host_ok("localhost:8000", 8000));
	assert_true(edit_host_ok("[::1]:8000", 8000));
	assert_true(edit_host_ok("192.168.1.20:8000", 8000));
	static const char *const bad[] = {
		"127.0.0.1", "127.0.0.1:8001", "127.0.0.1:80000", "evil.example:8000",
		"127.0.0.1.nip.io:8000", "localhost.evil.example:8000", "LOCALHOST.:8000",
		"[::1]", "::1:8000", "[evil]:8000", ":8000", "", "127.1:8000", "0x7f000001:8000",
		"127.0.0.1 :8000", "127.0.0.1:8000 ", "127.0.0.1:+8000",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (edit_host_ok(bad[i], 8000))
			fail_msg("accepted Host: %s", bad[i]);
	assert_false(edit_host_ok(NULL, 8000));
}

static void test_origins(void **state)
{
	(void)state;
	assert_true(edit_origin_ok("http://127.0.0.1:8000", "127.0.0.1:8000"));
	assert_false(edit_origin_ok("https://127.0.0.1:8000", "127.0.0.1:8000"));
	assert_false(edit_origin_ok("http://127.0.0.1:8001", "127.0.0.1:8000"));
	assert_false(edit_origin_ok("http://evil.example", "127.0.0.1:8000"));
	assert_false(edit_origin_ok("null", "127.0.0.1:8000"));
	assert_false(edit_origin_ok(NULL, "127.0.0.1:8000"));
	assert_false(edit_origin_ok("http://127.0.0.1:8000/", "127.0.0.1:8000"));
	assert_false(edit_origin_ok("http://127.0.0.1:8000.evil", "127.0.0.1:8000"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths_accepted),
		cmocka_unit_test(test_paths_refused),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_origins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
