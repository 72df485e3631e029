/*
 * Fuzz target: the whole in-memory pipeline on one fiche — front matter,
 * schema, Markdown, cross-references, derived relations, then the HTML of
 * its page (typography, glossary markup, link rewriting, raw-HTML filter)
 * through the real templates, and the search index of the site.
 *
 * At start-up the fixture project (tests/fixtures/basic, or $FUZZ_FIXTURE)
 * is copied to a temporary directory and the templates are compiled once.
 * Input: one option byte, then the file. Option bits 0-1 choose where the
 * file goes (actions/, themes/, guide/, pages/), bit 2 allows raw HTML,
 * bit 3 renders every page of the site instead of the fiche's only.
 * As in a build, pages are rendered only when the checks found no error.
 */
#include "bodies.h"
#include "body_store.h"
#include "buf.h"
#include "context.h"
#include "derive.h"
#include "diag.h"
#include "html.h"
#include "load.h"
#include "markdown.h"
#include "model.h"
#include "mustache.h"
#include "pages.h"
#include "schema.h"
#include "search.h"
#include "xref.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FUZZ_SOURCE_ROOT
#define FUZZ_SOURCE_ROOT "."
#endif

static char project[64];
static struct mustache_set *templates;

static void load_templates(const char *dir, const char *display)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	while (dp && (e = readdir(dp))) {
		size_t n = strlen(e->d_name);
		if (n <= 9 || strcmp(e->d_name + n - 9, ".mustache") != 0)
			continue;
		char path[4096], name[256];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		snprintf(name, sizeof name, "%.*s", (int)(n - 9), e->d_name);
		struct diag *d = diag_new();
		size_t len;
		char *text = load_text_file(path, display, &len, d);
		if (text)
			mustache_set_add(templates, name, path, text, len, d);
		free(text);
		diag_free(d);
	}
	if (dp)
		closedir(dp);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *fixture = getenv("FUZZ_FIXTURE");
	char cmd[8192];
	strcpy(project, "/tmp/fuzz-fiches-XXXXXX");
	if (!mkdtemp(project))
		abort();
	snprintf(cmd, sizeof cmd, "cp -R '%s/content' '%s/'",
		 fixture ? fixture : FUZZ_SOURCE_ROOT "/tests/fixtures/basic", project);
	if (system(cmd) != 0)
		abort();
	templates = mustache_set_new();
	load_templates(FUZZ_SOURCE_ROOT "/templates", "templates");
	load_templates(FUZZ_SOURCE_ROOT "/templates/partials", "templates/partials");
	markdown_init();
	return 0;
}

static void render_page(const struct site *s, const struct page_plan *plan,
			const struct page *p)
{
	struct context_options o = {.build_id = "fuzz"};
	struct page_context *ctx = context_for_page(s, plan, p, &o);
	struct buf out = BUF_INIT;
	const char *tmpl = mustache_set_has(templates, p->tmpl) ? p->tmpl : "taxa";
	context_render(ctx, templates, tmpl, &out, NULL);
	buf_free(&out);
	context_free(ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const dirs[] = {"actions/98-fuzz.md", "themes/9-fuzz.md",
					   "guide/98-fuzz.md", "pages/fuzz.md"};
	if (size < 1 || size > LOAD_MAX_FILE_BYTES)
		return 0;
	unsigned opt = data[0];
	char path[128];
	snprintf(path, sizeof path, "%s/content/%s", project, dirs[opt & 3]);
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data + 1, 1, size - 1, f);
	fclose(f);

	struct diag *d = diag_new();
	struct site *s = load_site(project, d);
	if (s) {
		schema_check(s, d);
		if (opt & 4)
			s->allow_html = 1;
		struct body_store *texts = body_store_new(s);
		struct body_sink sink = body_store_texts_sink(texts);
		bodies_process(s, 1, &sink, d);
		schema_check_sections(s, d);
		derive_all(s);
		/* The body again as a standalone string (data-file fields take this path). */
		struct buf out = BUF_INIT;
		for (size_t i = 0; i < s->ndocs[opt & 3]; i++)
			if (strstr(s->docs[opt & 3][i]->fs_path, "fuzz.md"))
				html_render_markdown(s, s->docs[opt & 3][i]->body, "pages/x.html",
						     opt & 16, &out);
		buf_free(&out);
		if (!diag_errors(d)) {
			struct page_plan plan = pages_plan(s);
			for (size_t i = 0; i < plan.n; i++) {
				const struct doc *doc = plan.pages[i].subject;
				if ((opt & 8) || (plan.pages[i].kind == PAGE_DOC && doc &&
						  strstr(doc->fs_path, "fuzz.md")))
					render_page(s, &plan, &plan.pages[i]);
			}
			struct search_files index = {0};
			search_index_files(s, texts, &index);
			search_files_free(&index);
			pages_free(&plan);
		}
		body_store_free(texts);
		site_free(s);
	}
	free(diag_to_string(d));
	diag_free(d);
	unlink(path);
	return 0;
}
