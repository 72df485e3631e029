/*
 * The pipeline for `fiches build` and `fiches check`: load content/,
 * validate, resolve, derive, render HTML (and PDF), then hand the files to
 * the stage, which swaps them into the output directory atomically. A run
 * whose diagnostics hold an error stops before the stage: the output
 * directory is left exactly as it was.
 */
#ifndef FICHES_BUILD_H
#define FICHES_BUILD_H

#include "diag.h"

struct pdf_cancel;
struct build_kept;
struct body_store;

struct build_options {
	const char *root;        /* project root: root/content is read ("." by default) */
	const char *out;         /* output directory; NULL means root/public */
	const char *templates;   /* templates directory; NULL: root/templates, else the installed ones */
	int strict;              /* warnings are errors */
	int jobs;                /* worker threads; 0 = number of cores */
	int no_pdf;              /* skip PDF files; those already published are kept */
	int pdf_later;           /* serve: pages link the PDFs, which are not remade now: the previous ones are kept */
	int check_only;          /* validate everything, write nothing */
	int serve;               /* output for `fiches serve`: inject the live-reload script */
	int quiet;               /* no progress or summary on stderr */
	/*
	 * serve: the process has threads, so the PDFs are typeset by a PDF
	 * worker program (pdf_options.worker_root), and this may abandon the
	 * pass (build_run then returns BUILD_CANCELLED, writing nothing).
	 */
	const struct pdf_cancel *pdf_cancel;
	/*
	 * serve: when not NULL and the build succeeds (and writes), *keep
	 * receives what it made (the checked model, the templates, the page
	 * options) instead of it being freed, for incremental rebuilds
	 * (incremental.h). Otherwise *keep is set to NULL.
	 */
	struct build_kept **keep;
	/*
	 * The process exits as soon as build_run returns (the command line's
	 * `fiches build` and `fiches check`): the model, the bodies and the
	 * templates are left to the exit, which gives their memory back at
	 * once, instead of being freed piece by piece. Ignored with keep, and
	 * under a leak checker (build_frees_everything), where everything is
	 * still freed. Any other caller leaves it 0.
	 */
	int exit_after;
};

/* What a build did, for `serve` and the tests. */
struct build_stats {
	unsigned pages;          /* files produced */
	unsigned written;        /* files whose bytes changed and were written */
	unsigned removed;        /* files of the previous build no longer produced */
	double seconds;          /* wall time */
};

enum build_status {
	BUILD_OK = 0,            /* built (or checked) without error */
	BUILD_CONTENT_ERROR = 1, /* content errors reported to d; nothing written */
	BUILD_USAGE = 2,         /* the options cannot work (output inside content/…) */
	BUILD_FAILURE = 3,       /* I/O or internal failure, reported to d */
	BUILD_CANCELLED = 4      /* pdf_cancel abandoned the PDF pass; nothing written */
};

struct site;

/*
 * Loads, checks and links the content (everything before rendering):
 * the site for `fiches booklet`. Problems go to d. Returns the site (caller
 * site_free's it) or NULL when content/ cannot be read.
 */
struct site *build_load(const struct build_options *opts, struct diag *d);

/*
 * Whether a build with these options typesets the PDFs (and print/ pages).
 * When it does not (--no-pdf, or serve's pages-first pass), the ones a
 * previous build published are kept as they are (the keep-previous rule
 * of output/output.h).
 */
int build_makes_pdfs(const struct build_options *opts);

/* With FICHES_TIMING set, prints the time since the last phase on stderr (for bench/). */
void build_phase(const char *name);

/*
 * Whether build_run frees what exit_after would leave to the exit, so
 * that leak checks still see every free: always under AddressSanitizer;
 * else as FICHES_FREE_ALL says when it is set (0: leave, anything else:
 * free); else under Valgrind only.
 */
int build_frees_everything(void);

/* Whether a build_run left its model to the exit (exit_after), for the tests. */
int build_left_to_exit(void);

/* Runs the pipeline. stats may be NULL. Returns a build_status. */
int build_run(const struct build_options *opts, struct diag *d,
	      struct build_stats *stats);

/* The page of one document, rendered from unsaved text (build_preview). */
struct build_preview_page {
	char *html;              /* the page as the build writes it, or NULL (owned) */
	size_t html_len;
	char *out_path;          /* its path in the site, e.g. "fiches-actions/x.html", or NULL (owned) */
};

/*
 * Loads and checks the whole project as a build does, with the document
 * shown as display ("content/actions/06-x.md") read from read_path instead
 * of its file, then renders that document's page alone. Diagnostics go to
 * d (every file's, as `fiches check` gives them). page->html is set only
 * when there is no error. Nothing is written. Thread-safe with a build
 * running elsewhere. Caller frees page->html and page->out_path. Returns
 * BUILD_OK when the page was rendered, else BUILD_CONTENT_ERROR.
 */
int build_preview(const struct build_options *o, const char *display, const char *read_path,
		  struct diag *d, struct build_preview_page *page);

/*
 * Checks the project as if the document shown as display were deleted
 * (its file left out); diagnostics go to d. The editor compares them with
 * a normal check to list what still refers to it. Returns a build_status.
 */
int build_check_without(const struct build_options *o, const char *display, struct diag *d);

/* ------------------------------------------------ kept builds (serve) */

struct page_plan;
struct doc;

void build_kept_free(struct build_kept *k);

/* The model the build made (owned by k; incremental.c updates it in place). */
struct site *build_kept_site(struct build_kept *k);

/* The texts rendered from k's bodies (html/body_store.h), the search texts among them. */
struct body_store *build_kept_bodies(struct build_kept *k);

/* What the build wrote, for the diagnostics of the next rebuild. */
const struct build_options *build_kept_options(const struct build_kept *k);

/* The title and summary HTML of one document, as the build makes them for each. */
void build_kept_summary(struct build_kept *k, struct doc *doc);

/*
 * Renders the pages of plan whose dirty[i] is set (dirty may be NULL:
 * none), and the outputs made again after an edit (the data files:
 * site.json, sitemap, search index; OUTPUT_AFTER_EDIT) when with_data is
 * set, with the options and templates of the kept build,
 * and writes those whose bytes changed into the output directory, leaving
 * every other file as it is (stage_set_patch). Returns a build_status.
 */
int build_kept_render(struct build_kept *k, const struct page_plan *plan,
		      const unsigned char *dirty, int with_data, struct diag *d,
		      struct build_stats *stats);

/* One page of plan rendered to memory (caller frees *html). BUILD_OK or BUILD_CONTENT_ERROR. */
int build_kept_page(struct build_kept *k, const struct page_plan *plan, size_t i,
		    struct diag *d, char **html, size_t *len);

#endif
