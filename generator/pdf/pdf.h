/*
 * Printable booklets: every PDF of the site (one per fiche, the automatic
 * and the defined booklets, their imposed versions) and ad-hoc booklets
 * for `fiches booklet`. The print/ HTML pages are an output of their own
 * (output/out_print.c, printhtml.h).
 *
 * Typesetting is Pango (shaping, French hyphenation, justification) on a
 * Cairo PDF surface written to memory; files go to the stage. Output is
 * deterministic: the same site gives the same bytes.
 */
#ifndef FICHES_PDF_H
#define FICHES_PDF_H

#include <stddef.h>

#include "diag.h"
#include "model.h"
#include "pdf_cancel.h"
#include "stage.h"

struct pdf_options {
	int jobs;                    /* worker threads; 0 = one per core */
	const char *base_url;        /* web address of the site ("https://x/"), or NULL: site's own */
	long long source_date_epoch; /* date printed and stored in the PDFs; < 0: from $SOURCE_DATE_EPOCH, else a fixed date */
	int progress;                /* draw a progress bar on stderr when it is a terminal */
	/*
	 * A process with live threads (serve) must not fork: with worker_root
	 * set, the pass runs in the program itself started anew as a PDF
	 * worker on that project root (posix_spawn), and cancel, when set, may
	 * abandon it (pdf_build_site then returns PDF_CANCELLED).
	 */
	const char *worker_root;
	const struct pdf_cancel *cancel;
};

/* The hidden subcommand of a PDF worker: fiches __pdf-worker ROOT JOBS BASE_URL EPOCH. */
#define PDF_WORKER_COMMAND "__pdf-worker"
/* pdf_build_site's status when cancel abandoned the pass: nothing was staged. */
#define PDF_CANCELLED (-2)
/* pdf_build_site's status when a leaflet's text does not fit (a content error, reported at its line). */
#define PDF_TOO_LONG (-3)

/* A selection for `fiches booklet`; unset fields are NULL / 0 / -1. */
struct pdf_adhoc {
	const char *name;            /* a booklet of content/booklets/ or an automatic one (guide-complet…) */
	/*
	 * A definition held in memory, read exactly as a content/booklets/
	 * NAME.yaml file (the workshop's ad-hoc booklets); its problems are
	 * reported at def->path. Then name is NULL.
	 */
	const struct booklet *def;
	const char *const *themes;   /* --theme ID…: actions of these themes, with the themes */
	size_t nthemes;
	const char *logic;           /* --logic ID: the actions of a logique */
	const char *public_id;       /* --public ID: the fiches for a public */
	const char *ids;             /* --ids action:6,theme:1,guide:introduction */
	const char *title;           /* cover title, or NULL for one made from the selection */
	int a5;                      /* --format: 1 a5, 0 a4, -1 the booklet's own (a4 by default) */
	int impose;                  /* --impose: 1, 0, -1 the booklet's own */
	const char *base_url;        /* as in pdf_options */
	long long source_date_epoch; /* as in pdf_options */
};

/*
 * Checks content/booklets/NAME.yaml: known keys, format, include items and
 * the ids they name, reported at file:line:col. Writes nothing.
 */
void pdf_check_booklets(const struct site *s, struct diag *d);

/*
 * Typesets every PDF of the site and hands each file to st:
 * pdf/action-N-slug.pdf and pdf/theme-N-slug.pdf (each fiche, A4),
 * pdf/fiches-actions.pdf, pdf/fiches-thematiques.pdf, pdf/guide-complet.pdf
 * (automatic), pdf/NAME.pdf for each content/booklets/NAME.yaml (replacing
 * an automatic booklet of the same name) and pdf/NAME-imposee.pdf when it
 * is imposed. The site must be
 * loaded, checked, resolved and derived. Returns 0, or -1 after reporting
 * a failure to d (missing font or hyphenation patterns: the message names
 * the Debian package), PDF_TOO_LONG after reporting a leaflet whose text
 * does not fit its panels, or PDF_CANCELLED (see pdf_options.cancel).
 */
int pdf_build_site(const struct site *s, struct stage *st, const struct pdf_options *o,
		   struct diag *d);

/*
 * The PDF worker's side of pdf_build_site: typesets every PDF of the site
 * and writes the files to fd as records for the process that spawned it.
 * Returns 0, or -1 after a failure (reported to d, or sent on fd).
 */
int pdf_stream_site(const struct site *s, const struct pdf_options *o, int fd, struct diag *d);

/*
 * Typesets the booklet sel describes into out_file (and, when imposed,
 * the imposed version beside it: FILE-imposee.pdf, whose path is then set
 * in *imposed_file when that is not NULL; caller frees, NULL when none was
 * written). Returns 0, 1 when the selection is wrong or empty (reported to
 * d), or -1 after reporting an I/O or typesetting failure.
 */
int pdf_build_adhoc(const struct site *s, const struct pdf_adhoc *sel, const char *out_file,
		    struct diag *d, char **imposed_file);

/*
 * fontconfig's first call reads its configuration and the font caches
 * (about 23 M instructions, a few milliseconds). A command that will
 * typeset in this process calls pdf_fonts_warm_start before loading the
 * project, so that this happens on another core meanwhile, and
 * pdf_fonts_warm_wait before typesetting. Only fontconfig is called (no
 * Pango, no GLib thread), and the thread has ended when the wait returns,
 * so nothing of it is left when the process forks. When the thread cannot
 * start, the wait does nothing and the first typesetting reads the
 * configuration as before.
 */
void pdf_fonts_warm_start(void);
void pdf_fonts_warm_wait(void);

#endif
