/*
 * What a build writes, one output at a time: the PDF booklets, their
 * print pages, the HTML pages, the sitemap, the search index, site.json,
 * the offline files, the template assets, the media. Each output is a
 * `struct output` in its own file of this directory (out_*.c); the table
 * of them is outputs.c, and build.c runs whatever that table lists
 * (output_run_pass): a new output (an EPUB, say) is one file here and one
 * line in the table.
 *
 * An output is begin / render each item / finish, as a lowdown renderer
 * is new / render / free. Items are rendered on the build's threads, all
 * outputs' items in one parallel loop, in table order: the outputs of one
 * item each that take long (the search index) come first, so one core
 * makes them while the other renders pages. The pages that gather many
 * documents (the largest) come after half of the others, never last; and
 * a thread left without items writes and hashes the files the others
 * still make (stage_help), so neither core waits for the other's end.
 *
 * An output that reads files of others (the offline files, whose service
 * worker's version covers the search index and site.json) names them in
 * its needs: its items run once theirs are done, on the thread that
 * finished the last of them, and it reads what they made from the stage
 * (stage_hashes: each file's path and hash), never from them.
 *
 * The keep-previous rule lives here alone: an output that does not run in
 * a build (the PDFs under --no-pdf or serve's pages-first pass) keeps the
 * files it made last time, under the prefixes it owns, instead of their
 * being removed as files no longer produced.
 */
#ifndef FICHES_OUTPUT_H
#define FICHES_OUTPUT_H

#include <stdatomic.h>
#include <stddef.h>

#include "bufpool.h"
#include "build.h"
#include "context.h"
#include "diag.h"
#include "model.h"
#include "mustache.h"
#include "pages.h"
#include "stage.h"
#include "template_files.h"

/* What every output reads and where it writes (filled by build.c). */
struct output_run {
	const struct build_options *o;   /* root is set */
	struct diag *d;
	struct site *site;               /* loaded, checked, derived; summaries made */
	const struct page_plan *plan;    /* every page of the site */
	const struct template_files *tfiles;
	struct mustache_set *tmpl;
	struct context_options *copts;   /* the PDF pass sets pdf_sizes for the pages */
	struct stage *stage;             /* every file goes here */
	/* The PDFs' sizes, set by the PDF pass (copts points at them); owned by the build. */
	struct stage_size *pdf_sizes;
	size_t npdf_sizes;
	atomic_int failed;               /* an item failed (reported to d): no commit */
	/*
	 * Buffers for the items' files, reused from one to the next
	 * (bufpool.h, stage_add_buf): made and freed by output_run_pass.
	 */
	struct bufpool bufs;
	/* Set by an output's begin when the build must stop (a build_status), else 0. */
	int status;
};

/* When an output runs (struct output.when). */
enum {
	/* Only in builds that typeset the PDFs (build_makes_pdfs); others keep its files. */
	OUTPUT_PDF_PASS = 1 << 0,
	/* One item per page of the plan; after an edit, only the pages that show it. */
	OUTPUT_PER_PAGE = 1 << 1,
	/* Made again whole after an edit, once the pages are written (serve). */
	OUTPUT_AFTER_EDIT = 1 << 2,
	/*
	 * Its items run on the calling thread after every other item, in
	 * table order (the media, copied last).
	 */
	OUTPUT_SERIAL = 1 << 3,
};

struct output {
	const char *name;             /* for FICHES_TIMING and the tests */
	unsigned when;                /* OUTPUT_* */
	/* Path prefixes of the files it writes and no other output does ("pdf/"); NULL-ended, or NULL. */
	const char *const *owns;
	/*
	 * The outputs whose files it reads from the stage, NULL-ended, or
	 * NULL: its items start after all of theirs in a pass that makes
	 * them (they must come before it in the table, as in any table
	 * order). In a pass that does not make one of them, it does not wait
	 * for it, and finds in the stage only what the pass made.
	 */
	const struct output *const *needs;
	/*
	 * Before any item, on the calling thread, in table order (may be
	 * NULL): sets *state for the calls below. An output made in one pass
	 * that others need first (the PDFs, whose sizes the pages give) does
	 * its whole work here; setting run->status stops the build.
	 */
	void (*begin)(struct output_run *run, void **state);
	/* Its number of items (NULL: one; OUTPUT_PER_PAGE: the plan's pages). */
	size_t (*count)(const struct output_run *run, void *state);
	/* Item i, on any thread (may be NULL). Files go to run->stage; failures to run->d and run->failed. */
	void (*render)(struct output_run *run, void *state, size_t i);
	/* After every item, on the calling thread (may be NULL): frees state. */
	void (*finish)(struct output_run *run, void *state);
};

/* The table (outputs.c): every output of the program, in the order they run, NULL-ended. */
extern const struct output *const output_table[];

/* The outputs of the table, for a test's own table (tests/unit/test_output.c). */
extern const struct output output_pdf, output_print, output_sitemap, output_search,
	output_site_json, output_offline, output_pages, output_assets, output_media;

/* Which outputs a call to output_run_pass makes (OUTPUT_FULL, or the two others or'ed). */
enum output_pass {
	OUTPUT_FULL = 1,       /* a build: every output that runs with run->o */
	OUTPUT_EDIT_PAGES = 2, /* after an edit: the OUTPUT_PER_PAGE outputs, pages with dirty[i] set */
	OUTPUT_EDIT_DATA = 4,  /* after an edit: the OUTPUT_AFTER_EDIT outputs, whole */
};

/*
 * Runs the outputs of the table that pass makes: each begin, every item
 * on o->jobs threads, then each finish; for OUTPUT_FULL, first tells the
 * stage to keep the files of those that do not run (the keep-previous
 * rule). dirty (OUTPUT_EDIT_PAGES) has one flag per page of the plan
 * (NULL: none). FICHES_TIMING phases are named after the outputs with a
 * begin, then "render" and "extras" (the serial items). Returns BUILD_OK,
 * or run->status when an output's begin stopped the build (no item then
 * runs). Items that failed set run->failed instead.
 */
int output_run_pass(struct output_run *run, unsigned pass, const unsigned char *dirty);

/*
 * The HTML of page p (out_pages.c), for builds that render one page to
 * memory (serve's preview). Returns 0, or -1 after reporting to d.
 */
int output_page_html(struct mustache_set *tmpl, const struct site *s, const struct page_plan *plan,
		     const struct page *p, const struct context_options *copts, struct diag *d,
		     struct buf *out);

#endif
