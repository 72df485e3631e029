/*
 * The editor's own script and style, built into the program (so the
 * editor works wherever the binary runs, and never lands in public/), and
 * CodeMirror 5 from Debian's libjs-codemirror: built in too, as one
 * minified script and its style sheet (scripts/codemirror-bundle.sh), or,
 * when FICHES_CODEMIRROR_DIR names another copy or nothing was built in,
 * read file by file from its installed directory. No CDN, works offline.
 */
#include "edit_internal.h"

#include "edit_save.h"
#include "path.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#ifndef FICHES_CODEMIRROR_DIR
#define FICHES_CODEMIRROR_DIR "/usr/share/javascript/codemirror"
#endif

/* editor.js and editor.css, embedded at build time (the Makefile tracks them). */
#define EMBED(sym, file)                                                        \
	__asm__(".section .rodata\n.global " #sym "\n.balign 16\n" #sym ":\n"   \
		".incbin \"" file "\"\n.global " #sym "_end\n" #sym "_end:\n"   \
		".byte 0\n.previous\n");                                        \
	extern const char sym[], sym##_end[]

EMBED(fiches_editor_js, "generator/serve/editor/editor.js");
EMBED(fiches_editor_css, "generator/serve/editor/editor.css");
EMBED(fiches_livrets_js, "generator/serve/editor/livrets.js");
EMBED(fiches_livrets_css, "generator/serve/editor/livrets.css");
EMBED(fiches_rename_js, "generator/serve/editor/rename.js");
/* Made by the Makefile from libjs-codemirror (empty without it). */
EMBED(fiches_cm_js, "build/gen/codemirror-atelier.js");
EMBED(fiches_cm_css, "build/gen/codemirror-atelier.css");

enum MHD_Result edit_asset(struct MHD_Connection *conn, const char *name)
{
	const char *data, *end, *type;
	if (strcmp(name, "editor.js") == 0) {
		data = fiches_editor_js;
		end = fiches_editor_js_end;
		type = "text/javascript; charset=utf-8";
	} else if (strcmp(name, "rename.js") == 0) {
		data = fiches_rename_js;
		end = fiches_rename_js_end;
		type = "text/javascript; charset=utf-8";
	} else if (strcmp(name, "editor.css") == 0) {
		data = fiches_editor_css;
		end = fiches_editor_css_end;
		type = "text/css; charset=utf-8";
	} else if (strcmp(name, "livrets.js") == 0) {
		data = fiches_livrets_js;
		end = fiches_livrets_js_end;
		type = "text/javascript; charset=utf-8";
	} else if (strcmp(name, "livrets.css") == 0) {
		data = fiches_livrets_css;
		end = fiches_livrets_css_end;
		type = "text/css; charset=utf-8";
	} else {
		return edit_send_text(conn, MHD_HTTP_NOT_FOUND, "404 Introuvable.\n");
	}
	size_t n = (size_t)(end - data);
	char *copy = xmalloc(n + 1);
	memcpy(copy, data, n);
	/* Built into this binary: fixed for the run. */
	return edit_send_cached(conn, MHD_HTTP_OK, type, copy, n, "private, max-age=3600");
}

static const char *const codemirror_files[] = {
	"lib/codemirror.js",
	"lib/codemirror.css",
	"addon/mode/overlay.js",
	"mode/markdown/markdown.js",
	"mode/yaml/yaml.js",
	"mode/yaml-frontmatter/yaml-frontmatter.js",
	"addon/edit/continuelist.js",
};

int edit_codemirror_built_in(void)
{
	const char *dir = getenv("FICHES_CODEMIRROR_DIR");
	return !(dir && *dir) && fiches_cm_js_end - fiches_cm_js > 0;
}

enum MHD_Result edit_codemirror(struct MHD_Connection *conn, const char *rel)
{
	if (strcmp(rel, "atelier.js") == 0 || strcmp(rel, "atelier.css") == 0) {
		int js = rel[8] == 'j';
		const char *data = js ? fiches_cm_js : fiches_cm_css;
		size_t n = (size_t)((js ? fiches_cm_js_end : fiches_cm_css_end) - data);
		if (n == 0)
			return edit_send_text(conn, MHD_HTTP_NOT_FOUND,
					      "404 CodeMirror manque\u202f: installez le paquet Debian libjs-codemirror.\n");
		char *copy = xmalloc(n + 1);
		memcpy(copy, data, n);
		/* Built into this binary: fixed for the run. */
		return edit_send_cached(conn, MHD_HTTP_OK,
					js ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8", copy, n,
					"private, max-age=3600");
	}
	int known = 0;
	for (size_t i = 0; i < sizeof codemirror_files / sizeof *codemirror_files; i++)
		if (strcmp(rel, codemirror_files[i]) == 0)
			known = 1;
	if (!known)
		return edit_send_text(conn, MHD_HTTP_NOT_FOUND, "404 Introuvable.\n");
	const char *dir = getenv("FICHES_CODEMIRROR_DIR");
	char *path = path_join(dir && *dir ? dir : FICHES_CODEMIRROR_DIR, rel);
	size_t n = 0;
	char *data = edit_read(path, 4u << 20, &n);
	free(path);
	if (!data)
		/* editor.js falls back to a plain text area. */
		return edit_send_text(conn, MHD_HTTP_NOT_FOUND,
				      "404 CodeMirror manque\u202f: installez le paquet Debian libjs-codemirror.\n");
	size_t len = strlen(rel);
	const char *type = strcmp(rel + len - 4, ".css") == 0 ? "text/css; charset=utf-8"
							       : "text/javascript; charset=utf-8";
	/* Debian's files do not change while the program runs. */
	return edit_send_cached(conn, MHD_HTTP_OK, type, data, n, "private, max-age=3600");
}
