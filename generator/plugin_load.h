/*
 * Loading one of the program's plugins (fiches-pdf.so, fiches-serve.so:
 * see pdf_plugin.h, serve_plugin.h): parts of fiches built as shared
 * objects so that the commands that do not need their libraries do not
 * map them at start-up (README, « Libraries »).
 */
#ifndef FICHES_PLUGIN_LOAD_H
#define FICHES_PLUGIN_LOAD_H

#include <stddef.h>

/*
 * Opens the plugin NAME ("pdf", "serve") and returns its symbol `symbol`,
 * or NULL after writing why (French, without the program's name) into
 * why. Where the plugin is: beside the program, named after it
 * (build/fiches loads build/fiches-NAME.so, build/tests/fiches-unreached
 * loads build/tests/fiches-unreached-NAME.so), then in ../lib/fiches/
 * from the program's directory (`make install`), then in PKGLIBDIR. The
 * program is /proc/self/exe, as for the message catalogues (base/i18n.c).
 * The plugin stays loaded to the end of the process.
 */
/*
 * The first member of every plugin's table: the table's version and size
 * as the plugin was built. A plugin from another build of fiches has a
 * different stamp and is refused rather than called through a table of
 * another shape.
 */
struct plugin_stamp {
	unsigned abi;   /* the table's ABI number (PDF_PLUGIN_ABI, SERVE_PLUGIN_ABI) */
	unsigned size;  /* sizeof the whole table */
};

/*
 * ... and checks that the symbol, a table whose first member is a struct
 * plugin_stamp, carries the stamp {abi, size} this program expects.
 */
const void *plugin_load(const char *name, const char *symbol, unsigned abi, unsigned size,
			char *why, size_t whysize);

#endif
