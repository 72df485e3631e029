/*
 * The program's side of the PDF plugin (see pdf_plugin.h): the functions
 * of pdf.h, each loading fiches-pdf.so the first time and calling through
 * its table. Linked into the program only, not into libfiches.a, whose
 * test drivers have the real functions.
 * Where the plugin is found: plugin_load.h.
 */
#include "pdf_plugin.h"

#include <pthread.h>
#include <stdatomic.h>

#include "booklet.h"
#include "plugin_load.h"

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static _Atomic(const struct pdf_plugin_entry *) loaded;
static char why_not[2048];  /* French, without the program's name */

static void load(void)
{
	atomic_store(&loaded, (const struct pdf_plugin_entry *)plugin_load(
				      "pdf", PDF_PLUGIN_SYMBOL, PDF_PLUGIN_ABI,
				      sizeof(struct pdf_plugin_entry), why_not, sizeof why_not));
}

const struct pdf_plugin_entry *pdf_plugin(const char **why)
{
	pthread_once(&load_once, load);
	const struct pdf_plugin_entry *e = atomic_load(&loaded);
	if (!e && why)
		*why = why_not;
	return e;
}

/* The plugin or, reported to d, why not. */
static const struct pdf_plugin_entry *plugin_or_report(struct diag *d)
{
	const char *why = NULL;
	const struct pdf_plugin_entry *e = pdf_plugin(&why);
	if (!e)
		diag_error(d, NULL, 0, 0, "%s", why);
	return e;
}

/* Reads the booklet definitions only (booklet.c): no typesetting, no plugin. */
void pdf_check_booklets(const struct site *s, struct diag *d)
{
	booklet_check(s, d);
}

int pdf_build_site(const struct site *s, struct stage *st, const struct pdf_options *o,
		   struct diag *d)
{
	const struct pdf_plugin_entry *e = plugin_or_report(d);
	return e ? e->build_site(s, st, o, d) : -1;
}

int pdf_stream_site(const struct site *s, const struct pdf_options *o, int fd, struct diag *d)
{
	const struct pdf_plugin_entry *e = plugin_or_report(d);
	return e ? e->stream_site(s, o, fd, d) : -1;
}

int pdf_build_adhoc(const struct site *s, const struct pdf_adhoc *sel, const char *out_file,
		    struct diag *d, char **imposed_file)
{
	if (imposed_file)
		*imposed_file = NULL;
	const struct pdf_plugin_entry *e = plugin_or_report(d);
	return e ? e->build_adhoc(s, sel, out_file, d, imposed_file) : -1;
}

/* Loads the plugin too: a command that typesets pays for it while nothing else runs yet. */
void pdf_fonts_warm_start(void)
{
	const struct pdf_plugin_entry *e = pdf_plugin(NULL);
	if (e)
		e->fonts_warm_start();
}

void pdf_fonts_warm_wait(void)
{
	const struct pdf_plugin_entry *e = atomic_load(&loaded);
	if (e)
		e->fonts_warm_wait();
}

/* Async-signal-safe: no worker can run unless the plugin was loaded before. */
void pdf_cancel_kill_worker(void)
{
	const struct pdf_plugin_entry *e = atomic_load(&loaded);
	if (e)
		e->cancel_kill_worker();
}
