/* The builds of `fiches serve` and their publication; see serve_rebuild.h. */
#include "serve_rebuild.h"

#include "buf.h"
#include "i18n.h"
#include "serve_timing.h"

#include <stdio.h>
#include <stdlib.h>

/*
 * The cache's next generation: the responses whose file the build left as
 * it was are kept (snippet: the new one, owned, or NULL to keep it).
 * FICHES_TIMING says how many.
 */
static void publish_cache(const struct rebuilder *r, char *snippet)
{
	struct cache_publish_stats st;
	serve_cache_publish(r->cache, r->out, snippet, &st);
	if (phase_enabled())
		fprintf(stderr, "fiches: cache after the build: %zu responses kept, %zu dropped\n", st.kept,
			st.dropped);
}

/*
 * Publishes the outcome of a build: new snippet (with the overlay when
 * diagnostics is not NULL), the cache's next generation; then wakes the
 * event streams.
 */
static void publish(const struct rebuilder *r, const char *diagnostics, int failed, int notify)
{
	struct buf b = BUF_INIT;
	panel_snippet(r->panel, &b, r->edit, diagnostics, failed);
	publish_cache(r, buf_detach(&b));
	if (notify || failed)
		serve_events_notify(r->events, failed ? "error" : "reload");
}

int serve_rebuild(const struct rebuilder *r, const struct build_options *opts, int first, int notify)
{
	struct diag *d = r->d;
	struct build_stats st = {0};
	struct build_kept *kept = NULL;
	struct build_options b = *opts;
	b.keep = &kept;
	diag_clear(d);
	/* Diagnostics in the site's language: the overlay shows them on its pages. */
	locale_t terminal = i18n_site_begin();
	int status = build_run(&b, d, &st);
	if (status == BUILD_CANCELLED) {
		/* Nothing was written: the pages and PDFs being served stay as they are, and the model. */
		i18n_site_end(terminal);
		phase_mark("pdf-cancelled", NULL);
		fprintf(stderr, _("fiches: PDF pass interrupted (a change or a stop); the pages come first\n"));
		return status;
	}
	/* The model of what is now on disk, for the next change (before the messages are flushed). */
	incr_reset(r->inc, kept, d);
	char *text = diag_to_string(d);
	size_t errors = diag_errors(d);
	diag_flush(d, stderr);
	i18n_site_end(terminal);
	if (status == BUILD_OK) {
		if (first)
			fprintf(stderr, ngettext("fiches: built %u file in %.2f s\n",
						 "fiches: built %u files in %.2f s\n", st.pages),
				st.pages, st.seconds);
		else
			fprintf(stderr, _("fiches: rebuilt in %.2f s (%u written, %u removed)\n"),
				st.seconds, st.written, st.removed);
		publish(r, diag_warnings(d) ? text : NULL, 0, notify);
	} else {
		fprintf(stderr, ngettext("fiches: %zu error: still serving the last good build\n",
					 "fiches: %zu errors: still serving the last good build\n", errors),
			errors);
		publish(r, text, 1, notify);
	}
	free(text);
	return status;
}

int serve_rebuild_changed(const struct rebuilder *r, const struct build_options *b,
			  const char *const *paths, size_t n, int *data_due, struct build_stats *pages)
{
	struct diag *d = r->d;
	if (!paths || !incr_ready(r->inc)) {
		*data_due = 0;
		return serve_rebuild(r, b, 0, 1);
	}
	struct phase ph;
	phase_begin(&ph);
	struct build_stats st = {0};
	diag_clear(d);
	locale_t terminal = i18n_site_begin();
	int status = incr_update(r->inc, paths, n, d, &st);
	if (status == INCR_FALLBACK) {
		i18n_site_end(terminal);
		*data_due = 0;
		return serve_rebuild(r, b, 0, 1);
	}
	char *text = diag_to_string(d);
	diag_flush(d, stderr);
	i18n_site_end(terminal);
	/* The open pages reload now; the data files (search index, site.json) follow. */
	publish(r, diag_warnings(d) ? text : NULL, 0, 1);
	phase_end(&ph, "pages-reload-sent");
	free(text);
	/* Changes made while data files were owed: one line when they are written, for all. */
	if (!*data_due)
		*pages = (struct build_stats){0};
	pages->seconds += st.seconds;
	pages->written += st.written;
	pages->removed += st.removed;
	*data_due = 1;
	return status;
}

int serve_rebuild_data(const struct rebuilder *r, const struct build_options *b,
		       const struct build_stats *pages)
{
	struct phase ph;
	phase_begin(&ph);
	struct build_stats data = {0};
	struct diag *failure = diag_new();
	locale_t terminal = i18n_site_begin();
	int written = incr_update_data(r->inc, failure, &data);
	i18n_site_end(terminal);
	if (written != BUILD_OK) {
		diag_flush(failure, stderr);
		diag_free(failure);
		return serve_rebuild(r, b, 0, 1);
	}
	diag_free(failure);
	/* What a request read meanwhile from the old data files is not kept (the overlay stays). */
	publish_cache(r, NULL);
	phase_end(&ph, "data-files");
	fprintf(stderr, _("fiches: rebuilt in %.2f s (%u written, %u removed), only what the change shows\n"),
		pages->seconds + data.seconds, pages->written + data.written, pages->removed + data.removed);
	return BUILD_OK;
}
