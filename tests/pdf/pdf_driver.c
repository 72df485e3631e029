/*
 * Test driver for the PDF stage: loads a project with the same calls
 * build.c makes, then typesets every PDF into OUT (via the stage), with the
 * print pages of the print output (output/out_print.c) as a build writes
 * them beside, or one ad-hoc booklet into a file.
 *
 *   pdf_driver ROOT OUT [BASE_URL]                    whole site → OUT/pdf, OUT/print
 *   pdf_driver ROOT --booklet NAME|- FILE [a5] [impose] [--ids LIST] [--theme ID]
 *   pdf_driver ROOT --check                           booklet definitions only
 *
 * Prints the diagnostics and the time spent typesetting on stderr.
 */
#include "bodies.h"
#include "derive.h"
#include "diag.h"
#include "load.h"
#include "output.h"
#include "markdown.h"
#include "pdf.h"
#include "schema.h"
#include "stage.h"
#include "xref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: pdf_driver ROOT OUT [BASE_URL] | ROOT --booklet NAME FILE ... | ROOT --check\n");
		return 2;
	}
	struct diag *d = diag_new();
	markdown_init();
	struct site *s = load_site(argv[1], d);
	if (!s) {
		diag_flush(d, stderr);
		return 1;
	}
	schema_check(s, d);
	bodies_process(s, 1, NULL, d);
	schema_check_sections(s, d);
	derive_all(s);
	pdf_check_booklets(s, d);
	int status = 0;
	if (diag_errors(d)) {
		status = 1;
	} else if (strcmp(argv[2], "--check") == 0) {
		status = 0;
	} else if (strcmp(argv[2], "--booklet") == 0 && argc >= 5) {
		struct pdf_adhoc sel = {0};
		const char *themes[8];
		sel.name = strcmp(argv[3], "-") == 0 ? NULL : argv[3];
		sel.a5 = -1;
		sel.impose = -1;
		sel.source_date_epoch = -1;
		for (int i = 5; i < argc; i++) {
			if (strcmp(argv[i], "a5") == 0)
				sel.a5 = 1;
			else if (strcmp(argv[i], "impose") == 0)
				sel.impose = 1;
			else if (strcmp(argv[i], "--ids") == 0 && i + 1 < argc)
				sel.ids = argv[++i];
			else if (strcmp(argv[i], "--theme") == 0 && i + 1 < argc && sel.nthemes < 8)
				themes[sel.nthemes++] = argv[++i];
			else if (strcmp(argv[i], "--logic") == 0 && i + 1 < argc)
				sel.logic = argv[++i];
		}
		sel.themes = themes;
		double t0 = now();
		status = pdf_build_adhoc(s, &sel, argv[4], d, NULL);
		fprintf(stderr, "booklet: %.3f s\n", now() - t0);
	} else {
		struct stage *st = stage_new(argv[2]);
		struct pdf_options o = {getenv("PDF_JOBS") ? atoi(getenv("PDF_JOBS")) : 0,
					argc > 3 ? argv[3] : NULL, -1, 1, NULL, NULL};
		double t0 = now();
		status = pdf_build_site(s, st, &o, d) ? 3 : 0;
		fprintf(stderr, "typeset: %.3f s\n", now() - t0);
		if (!status) {
			struct output_run run = {.d = d, .site = s, .stage = st};
			void *state = NULL;
			output_print.begin(&run, &state);
			for (size_t i = 0, n = output_print.count(&run, state); i < n; i++)
				output_print.render(&run, state, i);
			output_print.finish(&run, state);
		}
		if (!status && stage_commit(st, d, NULL) != 0)
			status = 3;
		stage_free(st);
	}
	diag_flush(d, stderr);
	site_free(s);
	diag_free(d);
	return status;
}
