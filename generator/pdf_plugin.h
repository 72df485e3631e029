/*
 * The PDF stack as a plugin (README, « Libraries »; HACKING, « Start-up »).
 *
 * Typesetting needs Pango, HarfBuzz, fontconfig, FreeType, libqrencode
 * and libhyphen, about fifty shared libraries with their own
 * dependencies; most commands (build --no-pdf, check, new, serve's pages)
 * need none of them. The objects of generator/pdf that call them are
 * linked into a shared object, fiches-pdf.so, that the program loads
 * (dlopen) the first time a PDF is wanted; pdf_plugin.c gives the
 * functions of pdf.h, pdf_cancel.h and the replacements' lines of
 * --version, each loading the plugin and calling through its table.
 * Test drivers linked with libfiches.a call the real functions directly.
 *
 * The plugin resolves the program's own functions (site model, stage,
 * diagnostics...) against the executable, which exports exactly those
 * (the Makefile lists them from the plugin's undefined symbols).
 */
#ifndef FICHES_PDF_PLUGIN_H
#define FICHES_PDF_PLUGIN_H

#include <stdio.h>

#include "pdf.h"
#include "plugin_load.h"

/* Raised whenever the table or what it passes changes: a stale plugin is refused. */
#define PDF_PLUGIN_ABI 1

struct pdf_plugin_entry {
	struct plugin_stamp stamp;  /* {PDF_PLUGIN_ABI, sizeof (struct pdf_plugin_entry)} */
	int (*build_site)(const struct site *s, struct stage *st, const struct pdf_options *o,
			  struct diag *d);
	int (*stream_site)(const struct site *s, const struct pdf_options *o, int fd,
			   struct diag *d);
	int (*build_adhoc)(const struct site *s, const struct pdf_adhoc *sel, const char *out_file,
			   struct diag *d, char **imposed_file);
	void (*fonts_warm_start)(void);
	void (*fonts_warm_wait)(void);
	void (*cancel_kill_worker)(void);
	/* The lines of --version about the replacements the PDF stack makes (replacements.c). */
	void (*replacements_print)(FILE *out);
};

/* The plugin's table, looked up by name (dlsym). */
#define PDF_PLUGIN_SYMBOL "fiches_pdf_plugin"
extern const struct pdf_plugin_entry fiches_pdf_plugin;

/*
 * The plugin's table, the plugin loaded at the first call (thread-safe),
 * or NULL when it cannot be loaded; then *why (static, French) says why.
 */
const struct pdf_plugin_entry *pdf_plugin(const char **why);

#endif
