/*
 * The outputs of the program, in the order they run (output.h): the PDFs
 * first (the pages give their sizes), the one-item outputs before the
 * pages (one core makes the search index while the other makes the data
 * files, the assets and pages), the media copied last. A new output: its file in this directory and a
 * line here. Alone in its file so that a test can link its own table.
 */
#include "output.h"

const struct output *const output_table[] = {
	&output_pdf,
	&output_sitemap,
	&output_search,
	&output_site_json,
	&output_offline,
	&output_assets,
	&output_print,
	&output_pages,
	&output_media,
	NULL,
};
