/*
 * The preview server's additions to pages, from the files of panel/ built
 * into the program; see panel.h.
 */
#include "serve_panel.h"

#include "diag.h"
#include "edit.h"
#include "embedded.h"
#include "mustache.h"
#include "xalloc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The overlay lists at most this many diagnostics. */
#define OVERLAY_MAX_LINES 200

struct panel {
	struct mustache_set *templates;  /* "overlay" */
};

/* The built-in file panel/name; a missing one is a build mistake. */
static const struct embedded_file *file(const char *name)
{
	for (const struct embedded_file *f = serve_panel_files; f->path; f++)
		if (strcmp(f->path, name) == 0)
			return f;
	fprintf(stderr, "fiches: generator/serve/panel/%s is not built in\n", name);
	abort();
}

struct panel *panel_new(void)
{
	struct panel *p = xcalloc(1, sizeof *p);
	p->templates = mustache_set_new();
	const struct embedded_file *f = file("overlay.mustache");
	struct diag *d = diag_new();
	if (mustache_set_add(p->templates, "overlay", "generator/serve/panel/overlay.mustache",
			     (const char *)f->data, f->len, d) != 0) {
		diag_flush(d, stderr);
		abort();
	}
	diag_free(d);
	return p;
}

void panel_free(struct panel *p)
{
	if (!p)
		return;
	mustache_set_free(p->templates);
	free(p);
}

static void put_file(struct buf *out, const char *name)
{
	const struct embedded_file *f = file(name);
	buf_put(out, (const char *)f->data, f->len);
}

static void put_style(struct buf *out, const char *name)
{
	buf_puts(out, "<style>\n");
	put_file(out, name);
	buf_puts(out, "</style>\n");
}

/*
 * The overlay: each non-empty line of diagnostics an item (escaped by the
 * template), at most OVERLAY_MAX_LINES, then how many more.
 */
static void overlay(const struct panel *p, struct buf *out, const char *diagnostics, int failed)
{
	json_t *lines = json_array();
	int count = 0, more = 0;
	for (const char *s = diagnostics; *s;) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		if (n > 0) {
			/* nocheck: a diagnostic may quote bytes that are not UTF-8; they go out as read. */
			if (count < OVERLAY_MAX_LINES)
				json_array_append_new(lines, json_stringn_nocheck(s, n));
			else
				more++;
			count++;
		}
		s += n + (nl != NULL);
	}
	json_t *ctx = json_object();
	json_object_set_new(ctx, "failed", json_boolean(failed));
	json_object_set_new(ctx, "lines", lines);
	if (more) {
		json_t *m = json_object();
		json_object_set_new(m, "count", json_integer(more));
		json_object_set_new(m, "word", json_string(more > 1 ? "autres" : "autre"));
		json_object_set_new(ctx, "more", m);
	}
	mustache_render(p->templates, "overlay", ctx, out, NULL);
	json_decref(ctx);
}

void panel_snippet(const struct panel *p, struct buf *out, int edit, const char *diagnostics,
		   int failed)
{
	buf_puts(out, "<script data-events=\"" EVENTS_PATH "\" data-loaded=\"" LOADED_PATH "\">\n");
	put_file(out, "reload.js");
	buf_puts(out, "</script>\n");
	if (edit) {
		put_style(out, "edit-link.css");
		buf_puts(out, "<script data-open=\"" EDIT_PREFIX "/ouvrir\">\n");
		put_file(out, "edit-link.js");
		buf_puts(out, "</script>\n");
	}
	if (diagnostics) {
		put_style(out, "overlay.css");
		overlay(p, out, diagnostics, failed);
	}
}

const char *panel_404(size_t *len)
{
	const struct embedded_file *f = file("404.html");
	*len = f->len;
	return (const char *)f->data;
}
