/*
 * The output table (generator/output): an output is one descriptor and one
 * table entry. This test links its own table instead of the program's
 * (generator/output/outputs.c, alone in its file for that): the program's
 * outputs but the PDFs (no fonts needed), plus two of its own, and builds
 * a copy of tests/fixtures/basic with it:
 *
 *  - « notes », one item per document, made again after an edit: called
 *    once with every document in each build, between its begin and its
 *    finish; its files follow the documents (a deleted one's is removed);
 *  - « epub », in the PDF pass and owning epub/: not called under
 *    --no-pdf, and then its files are kept as the previous build left
 *    them (the keep-previous rule), even a deleted document's, which the
 *    next build with the PDF pass removes.
 *
 *  - « toc », one item that needs « notes » and « epub » (output.h,
 *    needs): it runs after every item of « notes », reads their files
 *    from the stage, and does not wait for « epub » when it does not run.
 *
 * serve's incremental rebuild (build_kept_render) makes « notes » and
 * « toc » again after an edit and never « epub ».
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "build.h"
#include "output.h"
#include "pages.h"
#include "xalloc.h"

/* What one test output saw in the last pass that ran it. */
struct seen {
	int begun, finished;     /* begin and finish calls */
	size_t ndocs;            /* documents of the site at begin */
	atomic_int *calls;       /* calls per document index, while between begin and finish */
	atomic_int items_after_finish; /* a render outside begin…finish (must stay 0) */
	atomic_int total;        /* render calls */
};

static struct seen notes_seen, epub_seen;

/* « toc »: its calls, and what it found done when it ran. */
static atomic_int toc_calls;
static size_t toc_notes_done, toc_notes_staged, toc_ndocs;

static void seen_begin(struct seen *s, const struct output_run *run)
{
	s->begun++;
	s->ndocs = site_ndocs_all(run->site);
	free(s->calls);
	s->calls = xcalloc(s->ndocs + 1, sizeof *s->calls);
}

static size_t count_docs(const struct output_run *run, void *state)
{
	(void)state;
	return site_ndocs_all(run->site);
}

/* The file of document i for the output under dir: dir/KIND-SLUG.txt, holding its title. */
static void put_doc_file(struct output_run *run, const char *dir, size_t i)
{
	const struct doc *doc = site_doc_at(run->site, i);
	char *path = xasprintf("%s/%s-%s.txt", dir, doc->desc->name, doc->slug);
	char *text = xasprintf("%s\n", doc->title);
	stage_add(run->stage, path, text, strlen(text));
	free(path);
}

static void seen_render(struct seen *s, size_t i)
{
	if (s->finished >= s->begun || i >= s->ndocs)
		atomic_fetch_add(&s->items_after_finish, 1);
	else
		atomic_fetch_add(&s->calls[i], 1);
	atomic_fetch_add(&s->total, 1);
}

static void notes_begin(struct output_run *run, void **state)
{
	seen_begin(&notes_seen, run);
	*state = &notes_seen;
}

static void notes_render(struct output_run *run, void *state, size_t i)
{
	assert_ptr_equal(state, &notes_seen);
	/*
	 * The last document slowly: were « toc » in the loop like any
	 * output, the other thread would take it meanwhile and see « notes »
	 * unfinished. (No time is measured; the pause only widens that window.)
	 */
	if (i + 1 == notes_seen.ndocs)
		usleep(100 * 1000);
	seen_render(&notes_seen, i);
	put_doc_file(run, "notes", i);
}

static void notes_finish(struct output_run *run, void *state)
{
	(void)run;
	assert_ptr_equal(state, &notes_seen);
	notes_seen.finished++;
}

static void epub_begin(struct output_run *run, void **state)
{
	(void)state;
	seen_begin(&epub_seen, run);
}

static void epub_render(struct output_run *run, void *state, size_t i)
{
	(void)state;
	seen_render(&epub_seen, i);
	put_doc_file(run, "epub", i);
}

static void epub_finish(struct output_run *run, void *state)
{
	(void)run;
	(void)state;
	epub_seen.finished++;
}

static const struct output output_notes = {
	.name = "notes",
	.when = OUTPUT_AFTER_EDIT,
	.begin = notes_begin,
	.count = count_docs,
	.render = notes_render,
	.finish = notes_finish,
};

static const char *const epub_owns[] = {"epub/", NULL};

static const struct output output_epub = {
	.name = "epub",
	.when = OUTPUT_PDF_PASS,
	.owns = epub_owns,
	.begin = epub_begin,
	.count = count_docs,
	.render = epub_render,
	.finish = epub_finish,
};

/* Records how much of « notes » was done, and writes a file listing what it staged. */
static void toc_render(struct output_run *run, void *state, size_t i)
{
	(void)state;
	(void)i;
	atomic_fetch_add(&toc_calls, 1);
	toc_ndocs = site_ndocs_all(run->site);
	toc_notes_done = (size_t)atomic_load(&notes_seen.total);
	size_t n;
	struct stage_hash *v = stage_hashes(run->stage, "notes/", &n);
	toc_notes_staged = n;
	struct buf list = BUF_INIT;
	for (size_t k = 0; k < n; k++)
		buf_printf(&list, "%s %016llx\n", v[k].path, v[k].hash);
	stage_hashes_free(v, n);
	size_t len = list.len;
	stage_add(run->stage, "toc.txt", buf_detach(&list), len);
}

static const struct output *const toc_needs[] = {&output_notes, &output_epub, NULL};

static const struct output output_toc = {
	.name = "toc",
	.when = OUTPUT_AFTER_EDIT,
	.needs = toc_needs,
	.render = toc_render,
};

/* This binary's table: it replaces generator/output/outputs.c at link time. */
const struct output *const output_table[] = {
	&output_sitemap, &output_search, &output_site_json, &output_offline, &output_epub,
	&output_notes,   &output_toc,    &output_pages,     &output_assets,  &output_media,
	NULL,
};

/* « toc » ran once, after every item of « notes », and saw all their files. */
static void assert_toc_after_notes(void)
{
	assert_int_equal(atomic_load(&toc_calls), 1);
	assert_true(toc_ndocs >= 5);
	assert_int_equal(toc_notes_done, toc_ndocs);
	assert_int_equal(toc_notes_staged, toc_ndocs);
}

static char root[] = "/tmp/fiches-test-output-XXXXXX";

static void sh(const char *fmt, const char *a, const char *b)
{
	char *cmd = xasprintf(fmt, a, b);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static int exists(const char *rel)
{
	char *p = xasprintf("%s/out/%s", root, rel);
	struct stat st;
	int ok = stat(p, &st) == 0;
	free(p);
	return ok;
}

static void reset(struct seen *s)
{
	free(s->calls);
	memset(s, 0, sizeof *s);
}

/* Builds root's project into root/out; with_pdf: the PDF pass runs. */
static void build(int with_pdf, struct build_kept **keep)
{
	reset(&notes_seen);
	reset(&epub_seen);
	atomic_store(&toc_calls, 0);
	char *out = xasprintf("%s/out", root);
	struct build_options o = {0};
	o.root = root;
	o.out = out;
	o.templates = "templates";
	o.no_pdf = !with_pdf;
	o.quiet = 1;
	o.jobs = 2;
	o.keep = keep;
	struct diag *d = diag_new();
	int status = build_run(&o, d, NULL);
	if (status != BUILD_OK)
		diag_flush(d, stderr);
	assert_int_equal(status, BUILD_OK);
	diag_free(d);
	free(out);
}

/* Every document once, inside begin…finish. */
static void assert_every_doc_once(const struct seen *s)
{
	assert_int_equal(s->begun, 1);
	assert_int_equal(s->finished, 1);
	assert_int_equal(atomic_load(&s->items_after_finish), 0);
	assert_true(s->ndocs >= 5);
	assert_int_equal((size_t)atomic_load(&s->total), s->ndocs);
	for (size_t i = 0; i < s->ndocs; i++)
		assert_int_equal(atomic_load(&s->calls[i]), 1);
}

static void test_outputs_from_table(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(root));
	sh("cp -r tests/fixtures/basic/content '%s/content'%s", root, "");
	sh("printf -- '---\\ntitle: Page en trop\\nsummary: Supprimée ensuite.\\n---\\nTexte.\\n' > '%s/content/pages/en-trop.md'%s",
	   root, "");

	/* A build with the PDF pass: both outputs see every document. */
	build(1, NULL);
	assert_every_doc_once(&notes_seen);
	assert_every_doc_once(&epub_seen);
	assert_true(exists("notes/page-en-trop.txt"));
	assert_true(exists("epub/page-en-trop.txt"));
	assert_true(exists("notes/page-la-demarche.txt"));
	assert_true(exists("epub/page-la-demarche.txt"));
	assert_toc_after_notes();
	assert_true(exists("toc.txt"));
	assert_true(exists("index.html"));
	assert_true(exists("assets/recherche-index.js"));
	assert_true(exists("site.json"));
	assert_true(exists("sw.js"));
	assert_false(exists("pdf")); /* no PDF output in this table */

	/* The page deleted, --no-pdf: « epub » does not run and keeps its files. */
	sh("rm '%s/content/pages/en-trop.md'%s", root, "");
	build(0, NULL);
	assert_every_doc_once(&notes_seen);
	assert_toc_after_notes(); /* not waiting for « epub », which does not run */
	assert_int_equal(epub_seen.begun, 0);
	assert_int_equal(atomic_load(&epub_seen.total), 0);
	assert_false(exists("notes/page-en-trop.txt"));
	assert_true(exists("notes/page-la-demarche.txt"));
	assert_true(exists("epub/page-en-trop.txt"));
	assert_true(exists("epub/page-la-demarche.txt"));

	/* The PDF pass again: the deleted page's epub file goes. */
	build(1, NULL);
	assert_every_doc_once(&epub_seen);
	assert_false(exists("epub/page-en-trop.txt"));
	assert_true(exists("epub/page-la-demarche.txt"));

	/* serve's rebuild after an edit: « notes » made again whole, « epub » not. */
	struct build_kept *kept = NULL;
	build(0, &kept);
	assert_non_null(kept);
	reset(&notes_seen);
	reset(&epub_seen);
	atomic_store(&toc_calls, 0);
	struct page_plan plan = pages_plan(build_kept_site(kept));
	struct diag *d = diag_new();
	assert_int_equal(build_kept_render(kept, &plan, NULL, 1, d, NULL), BUILD_OK);
	assert_every_doc_once(&notes_seen);
	assert_toc_after_notes();
	assert_int_equal(epub_seen.begun, 0);
	/* The pages alone: none of them. */
	reset(&notes_seen);
	atomic_store(&toc_calls, 0);
	unsigned char *dirty = xcalloc(plan.n, 1);
	dirty[0] = 1;
	assert_int_equal(build_kept_render(kept, &plan, dirty, 0, d, NULL), BUILD_OK);
	assert_int_equal(notes_seen.begun, 0);
	assert_int_equal(epub_seen.begun, 0);
	assert_int_equal(atomic_load(&toc_calls), 0);
	assert_true(exists("epub/page-la-demarche.txt"));
	free(dirty);
	diag_free(d);
	pages_free(&plan);
	build_kept_free(kept);
	reset(&notes_seen);
	reset(&epub_seen);
	sh("rm -rf '%s'%s", root, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outputs_from_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
