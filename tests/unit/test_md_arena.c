/*
 * The arena of the bodies' trees (generator/load/md_arena.h): a tree
 * parsed in it is the tree parsed with malloc, on one thread or on
 * several at once, however large the document (allocations bigger than a
 * block, buffers grown in place or moved); nodes made while it is open
 * join it; with none open, trees take malloc again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "markdown.h"
#include "threads_agree.h"
#include "md_arena.h"

#include <cmark-gfm.h>

#define THREADS 4
#define PARSES_PER_THREAD 150

static const char doc[] =
	"# Titre\n\nUn paragraphe avec un [lien](action:3 \"titre\"), `du code`, *de l’emphase*\n"
	"et une note[^1]. Voir www.exemple.org, ~~barré~~ et contact@exemple.org.\n\n"
	"> Une citation\n> - avec une liste\n> - de deux éléments\n\n"
	"| a | b |\n|---|---|\n| c | **d** |\n\n"
	"```\ndu code\nen bloc\n```\n\n[^1]: La note.\n";

/* The tree's XML with source positions, copied out of the tree's memory (caller frees). */
static char *xml_of(cmark_node *root)
{
	char *x = cmark_render_xml(root, CMARK_OPT_SOURCEPOS);
	char *copy = strdup(x);
	if (md_arena_mem() == cmark_get_default_mem_allocator())
		free(x);
	return copy;
}

static char *xml_with_malloc(const char *text, size_t len)
{
	cmark_node *root = markdown_parse_string(text, len);
	char *x = cmark_render_xml(root, CMARK_OPT_SOURCEPOS);
	cmark_node_free(root);
	return x;
}

static char *xml_in_arena(const char *text, size_t len)
{
	struct md_arena *a = md_arena_open();
	assert_true(md_arena_mem() != cmark_get_default_mem_allocator());
	cmark_node *root = markdown_parse_string(text, len);
	char *x = xml_of(root);
	md_arena_close(a);
	return x;
}

static void test_same_tree(void **state)
{
	(void)state;
	markdown_init();
	assert_true(md_arena_mem() == cmark_get_default_mem_allocator());
	char *want = xml_with_malloc(doc, sizeof doc - 1);
	char *got = xml_in_arena(doc, sizeof doc - 1);
	assert_string_equal(got, want);
	free(want);
	free(got);
	assert_true(md_arena_mem() == cmark_get_default_mem_allocator());
}

/* One paragraph of 200 KB (a buffer grown far past a block), then many small blocks. */
static void test_large_document(void **state)
{
	(void)state;
	size_t n = 0, cap = 600000;
	char *text = malloc(cap);
	while (n < 200000)
		n += (size_t)snprintf(text + n, cap - n, "mot%zu *emphase* [lien](page:x) ", n);
	text[n++] = '\n';
	for (int i = 0; n + 100 < cap && i < 3000; i++)
		n += (size_t)snprintf(text + n, cap - n, "\n- élément %d\n", i);
	char *want = xml_with_malloc(text, n);
	char *got = xml_in_arena(text, n);
	assert_string_equal(got, want);
	free(want);
	free(got);
	free(text);
}

/* A node made with md_arena_mem() while the arena is open goes with the tree. */
static void test_new_node_joins(void **state)
{
	(void)state;
	struct md_arena *a = md_arena_open();
	cmark_node *root = markdown_parse_string("[](page:x)\n", 11);
	cmark_node *link = cmark_node_first_child(cmark_node_first_child(root));
	assert_int_equal(cmark_node_get_type(link), CMARK_NODE_LINK);
	cmark_node *t = cmark_node_new_with_mem(CMARK_NODE_TEXT, md_arena_mem());
	cmark_node_set_literal(t, "Le titre de la page");
	assert_true(cmark_node_append_child(link, t));
	cmark_node_set_url(link, "fiches:/pages/x.html");
	assert_string_equal(cmark_node_get_literal(cmark_node_first_child(link)), "Le titre de la page");
	assert_string_equal(cmark_node_get_url(link), "fiches:/pages/x.html");
	md_arena_close(a);
}

static void *worker(void *arg)
{
	int *wrong = arg;
	char *want = xml_with_malloc(doc, sizeof doc - 1);
	for (int i = 0; i < PARSES_PER_THREAD; i++) {
		char *got = xml_in_arena(doc, sizeof doc - 1);
		if (strcmp(got, want) != 0)
			(*wrong)++;
		free(got);
	}
	free(want);
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	assert_int_equal(threads_wrong_count(worker, THREADS), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_tree),
		cmocka_unit_test(test_large_document),
		cmocka_unit_test(test_new_node_joins),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
