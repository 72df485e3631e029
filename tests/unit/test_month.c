/* month_parse and month_phrase (base/month.c): the dates coordinators type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "month.h"

static void accepts(const char *text, int year, int month)
{
	int y = 0, m = 0;
	if (!month_parse(text, &y, &m))
		fail_msg("refused « %s »", text);
	assert_int_equal(y, year);
	assert_int_equal(m, month);
}

static void refuses(const char *text)
{
	int y = 0, m = 0;
	if (month_parse(text, &y, &m))
		fail_msg("accepted « %s » as %d-%d", text, y, m);
}

static void test_forms(void **state)
{
	(void)state;
	accepts("2016-06", 2016, 6);
	accepts("2016-06-15", 2016, 6);
	accepts("06/2016", 2016, 6);
	accepts("6/2016", 2016, 6);
	accepts("juin 2016", 2016, 6);
	accepts("Juin 2016", 2016, 6);
	accepts("février 2020", 2020, 2);
	accepts("fevrier 2020", 2020, 2);
	accepts("août 2019", 2019, 8);
	accepts("aout 2019", 2019, 8);
	accepts("  décembre   2001 ", 2001, 12);
}

static void test_refused(void **state)
{
	(void)state;
	refuses("");
	refuses("2016");
	refuses("2016-13");
	refuses("2016-00");
	refuses("2016-06-32");
	refuses("13/2016");
	refuses("juinn 2016");
	refuses("juin");
	refuses("juin 16");
	refuses("juin 2016 et après");
	refuses("1850-01");
}

static void test_phrase(void **state)
{
	(void)state;
	char *a = month_phrase(2016, 6), *b = month_phrase(2016, 4), *c = month_phrase(2016, 8),
	     *d = month_phrase(2016, 10);
	assert_string_equal(a, "de juin 2016");
	assert_string_equal(b, "d’avril 2016");
	assert_string_equal(c, "d’août 2016");
	assert_string_equal(d, "d’octobre 2016");
	free(a), free(b), free(c), free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_phrase),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
