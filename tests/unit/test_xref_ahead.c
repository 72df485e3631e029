/*
 * xref_check_body parses a document's links first and fetches their
 * targets' table slots ahead (site_probe_doc, site_probe_entry), then
 * resolves them in document order with the images checked in between:
 * every link must still get its own target, text and messages. A page of
 * tests/fixtures/basic with links of every kind (numbers, slugs, entries,
 * .md paths, anchors, addresses, empty texts) and images, more of them
 * than xref.c keeps on the stack, and one with a few: each paragraph's
 * link checked against its target; an unknown target reported at its own
 * line, on either side of the stack's size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "build.h"
#include "diag.h"
#include "fileio.h"
#include "xalloc.h"

static char root[] = "/tmp/fiches-test-xref-ahead-XXXXXX";

/* Each paragraph's link (or image), and what its page shows for it. */
static const struct {
	const char *markdown, *html;
} links[] = {
	{"[](action:2)", "<a href=\"../fiches-actions/maraude.html\">Fiche-action 2 · Maraude de réduction des risques</a>"},
	{"[deux](action:maraude)", "<a href=\"../fiches-actions/maraude.html\">deux</a>"},
	{"[](theme:cadre-de-vie)", "<a href=\"../fiches-thematiques/cadre-de-vie.html\">Fiche thématique 1 · Le cadre de vie</a>"},
	{"[c](contact:marie-durand)", "<a href=\"../contacts/marie-durand.html\">c</a>"},
	{"[v](../actions/03-veille.md)", "<a href=\"../fiches-actions/veille.html\">v</a>"},
	{"![carte](../media/carte.png)", "<img src=\"../media/carte.png\" alt=\"carte\""},
	{"[w](https://exemple.org/)", "<a href=\"https://exemple.org/\" rel=\"noopener\">w</a>"},
	{"[](action:1#acteurs)", "<a href=\"../fiches-actions/atelier-habitants.html#acteurs\">Fiche-action 1 · Atelier des habitants</a>"},
	{"[s](contact:association-sud)", "<a href=\"../contacts/association-sud.html\">s</a>"},
};
#define NKINDS (sizeof links / sizeof *links)

static void sh(const char *fmt, const char *a)
{
	char *cmd = xasprintf(fmt, a);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/*
 * content/pages/liens.md with n paragraphs « Lien i : LINK. », the link of
 * paragraph i being links[i % NKINDS], but paragraph bad's (when not -1),
 * which links to an unknown fiche-action. Paragraph i is on line 5 + 2i.
 */
static void write_page(size_t n, long bad)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "---\ntitle: Liens\nsummary: Des liens.\n---\n");
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "Lien %zu : %s.\n\n", i,
			   (long)i == bad ? "[x](action:99)" : links[i % NKINDS].markdown);
	char *path = xasprintf("%s/content/pages/liens.md", root);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(b.data, 1, b.len, f), b.len);
	assert_int_equal(fclose(f), 0);
	free(path);
	buf_free(&b);
}

/* Builds root into root/out; the messages in *messages (caller frees). */
static int build(char **messages)
{
	char *out = xasprintf("%s/out", root);
	struct build_options o = {0};
	o.root = root;
	o.out = out;
	o.templates = "templates";
	o.no_pdf = 1;
	o.quiet = 1;
	o.jobs = 2;
	struct diag *d = diag_new();
	int status = build_run(&o, d, NULL);
	*messages = diag_to_string(d);
	diag_free(d);
	free(out);
	return status;
}

/* Every paragraph of the built page shows its own link. */
static void check_page(size_t n)
{
	char *messages;
	int status = build(&messages);
	if (status != BUILD_OK)
		fail_msg("build: %d\n%s", status, messages);
	free(messages);
	char *path = xasprintf("%s/out/pages/liens.html", root);
	size_t len;
	char *html = file_read(path, &len);
	assert_non_null(html);
	for (size_t i = 0; i < n; i++) {
		/* Typography puts a no-break space before the colon. */
		char *want = xasprintf("<p>Lien %zu\u00a0: %s", i, links[i % NKINDS].html);
		if (!strstr(html, want))
			fail_msg("paragraph %zu: no '%s'", i, want);
		free(want);
	}
	free(html);
	free(path);
}

/* An unknown target in paragraph bad of n: reported at its line, the build stopped. */
static void check_unknown(size_t n, long bad)
{
	write_page(n, bad);
	char *messages;
	assert_int_equal(build(&messages), BUILD_CONTENT_ERROR);
	char *at = xasprintf("liens.md:%ld:", 5 + 2 * bad);
	if (!strstr(messages, at) || !strstr(messages, "99"))
		fail_msg("no message at %s:\n%s", at, messages);
	free(at);
	free(messages);
}

static void test_links_resolved_in_order(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(root));
	sh("cp -r tests/fixtures/basic/content '%s/content'", root);
	/* 75 paragraphs, 67 links: more than the 64 parsed ahead on the stack. */
	write_page(75, -1);
	check_page(75);
	/* A few: on the stack. */
	write_page(12, -1);
	check_page(12);
	check_unknown(75, 3);
	check_unknown(75, 70);
	check_unknown(12, 11);
	sh("rm -rf '%s'", root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_links_resolved_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
