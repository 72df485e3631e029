/*
 * The print pages: print/NAME.html for every booklet of several documents
 * (not a fiche's own PDF, not a leaflet), a booklet as one HTML page for
 * printing from a browser (pdf/printhtml.c). One item per booklet. They go
 * with the PDFs, so in the same builds: --no-pdf and serve's pages-first
 * pass keep the previous ones (tests/e2e/t_no_pdf.py).
 */
#include "output.h"

#include "booklet.h"
#include "buf.h"
#include "printhtml.h"
#include "xalloc.h"

#include <stdlib.h>

/* The site's booklets, listed by begin and freed by finish. */
struct books {
	struct book *v;
	size_t n;
};

static void begin(struct output_run *run, void **state)
{
	struct books *b = xcalloc(1, sizeof *b);
	b->v = booklet_site(run->site, &b->n);
	*state = b;
}

static size_t count(const struct output_run *run, void *state)
{
	(void)run;
	return ((const struct books *)state)->n;
}

static void render(struct output_run *run, void *state, size_t i)
{
	const struct book *b = &((struct books *)state)->v[i];
	if (b->single || b->fold)
		return;
	struct buf html = BUF_INIT;
	print_html(run->site, b, &html);
	char *path = xasprintf("print/%s.html", b->name);
	size_t len = html.len;
	stage_add(run->stage, path, buf_detach(&html), len);
	free(path);
}

static void finish(struct output_run *run, void *state)
{
	(void)run;
	struct books *b = state;
	booklet_free_all(b->v, b->n);
	free(b);
}

static const char *const owns[] = {"print/", NULL};

const struct output output_print = {
	.name = "print",
	.when = OUTPUT_PDF_PASS,
	.owns = owns,
	.begin = begin,
	.count = count,
	.render = render,
	.finish = finish,
};
