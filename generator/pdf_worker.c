/* The PDF worker; see pdf_worker.h. */
#include "pdf_worker.h"
#include "build.h"
#include "diag.h"
#include "i18n.h"
#include "model.h"
#include "pdf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How much lower than the server the PDF worker and its booklets run (nice(2)). */
#define PDF_WORKER_NICE 10

int pdf_worker_main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "fiches: %s ROOT JOBS BASE_URL EPOCH (used by fiches serve)\n",
			PDF_WORKER_COMMAND);
		return 2;
	}
	/*
	 * Background work for the server that spawned it: its requests, its page
	 * rebuilds and the browser reloading a page come first on two cores. Set
	 * before the booklets' processes are forked, which inherit it; failing
	 * leaves the priority as it was.
	 */
	errno = 0;
	if (nice(PDF_WORKER_NICE) == -1 && errno)
		errno = 0;
	struct build_options bo = {0};
	bo.root = argv[2];
	bo.jobs = atoi(argv[3]);
	bo.quiet = 1;
	struct diag *d = diag_new();
	struct site *s = build_load(&bo, d);
	int status = 1;
	/* The serving process reports content errors; a worker has nothing to typeset then. */
	if (s && !diag_errors(d)) {
		struct pdf_options po = {bo.jobs, *argv[4] ? argv[4] : NULL, atoll(argv[5]), 0, NULL,
					 NULL};
		status = pdf_stream_site(s, &po, 1, d) == 0 ? 0 : 1;
		if (diag_errors(d))
			status = 1;
	}
	if (status)
		diag_flush(d, stderr);
	site_free(s);
	diag_free(d);
	return status;
}
