/*
 * Markdown parsed on several threads at once gives the same trees as on
 * one: cmark-gfm's extension characters (autolinks, strikethrough) must
 * not be switched off by one thread while another parses (see
 * generator/load/cmark_special.c). Before that fix, this test lost
 * autolinks within a few hundred documents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <string.h>

#include "cmark_special.h"
#include "markdown.h"
#include "threads_agree.h"

#include <cmark-gfm.h>

#define THREADS 4
#define DOCS_PER_THREAD 1500

static const char doc[] =
	"Voir www.exemple.org et https://tat.example/fiches, ~~barré~~ puis\n"
	"contact@exemple.org ; encore ~~un~~ lien : www.autre.example.\n\n"
	"| a | b |\n|---|---|\n| www.tableau.example | ~~c~~ |\n";

static void count(cmark_node *root, int *links, int *struck)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cmark_node *n = cmark_iter_get_node(it);
		if (cmark_node_get_type(n) == CMARK_NODE_LINK)
			(*links)++;
		else if (strcmp(cmark_node_get_type_string(n), "strikethrough") == 0)
			(*struck)++;
	}
	cmark_iter_free(it);
}

static int expected_links, expected_struck;

static void *worker(void *arg)
{
	int *wrong = arg;
	for (int i = 0; i < DOCS_PER_THREAD; i++) {
		cmark_node *root = markdown_parse_string(doc, sizeof doc - 1);
		int links = 0, struck = 0;
		count(root, &links, &struck);
		if (links != expected_links || struck != expected_struck)
			(*wrong)++;
		cmark_node_free(root);
	}
	return NULL;
}

static void test_parallel_parses_agree(void **state)
{
	(void)state;
	markdown_init();
	assert_true(markdown_inlines_in_parallel());
	cmark_node *root = markdown_parse_string(doc, sizeof doc - 1);
	count(root, &expected_links, &expected_struck);
	cmark_node_free(root);
	assert_int_equal(expected_links, 5);
	assert_int_equal(expected_struck, 3);
	assert_int_equal(threads_wrong_count(worker, THREADS), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parallel_parses_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
