/*
 * The table fiches-pdf.so hands the program (see pdf_plugin.h): linked
 * into the plugin only, next to the objects of generator/pdf it calls.
 */
#include "pdf_plugin.h"
#include "replacements.h"

const struct pdf_plugin_entry fiches_pdf_plugin = {
	.stamp = {PDF_PLUGIN_ABI, sizeof(struct pdf_plugin_entry)},
	.build_site = pdf_build_site,
	.stream_site = pdf_stream_site,
	.build_adhoc = pdf_build_adhoc,
	.fonts_warm_start = pdf_fonts_warm_start,
	.fonts_warm_wait = pdf_fonts_warm_wait,
	.cancel_kill_worker = pdf_cancel_kill_worker,
	.replacements_print = replacements_pdf_print,
};
