/*
 * The PDF booklets (pdf/; generator/pdf): typeset in one pass, in the
 * begin step, before any page, since each page gives its PDFs' sizes.
 * Only in builds that typeset the PDFs: --no-pdf and serve's pages-first
 * pass keep the previous ones. Their print pages are out_print.c's.
 */
#include "output.h"

#include "pdf.h"

static void begin(struct output_run *run, void **state)
{
	(void)state;
	const struct build_options *o = run->o;
	struct pdf_options po = {o->jobs, run->site->base_url, -1, !o->quiet, NULL, NULL};
	if (o->pdf_cancel) {
		/* serve has threads: the pass runs in a PDF worker it may cancel. */
		po.worker_root = o->root;
		po.cancel = o->pdf_cancel;
	}
	int pdf = pdf_build_site(run->site, run->stage, &po, run->d);
	if (pdf == PDF_CANCELLED) {
		run->status = BUILD_CANCELLED;
		return;
	}
	if (pdf < 0) {
		/* A leaflet too long for its panels is the content's fault, not the machine's. */
		run->status = pdf == PDF_TOO_LONG ? BUILD_CONTENT_ERROR : BUILD_FAILURE;
		return;
	}
	run->pdf_sizes = stage_sizes(run->stage, "pdf/", &run->npdf_sizes);
	run->copts->pdf_sizes = run->pdf_sizes;
	run->copts->npdf_sizes = run->npdf_sizes;
}

static size_t none(const struct output_run *run, void *state)
{
	(void)run;
	(void)state;
	return 0;
}

static const char *const owns[] = {"pdf/", NULL};

const struct output output_pdf = {
	.name = "pdf",
	.when = OUTPUT_PDF_PASS,
	.owns = owns,
	.begin = begin,
	.count = none,
};
