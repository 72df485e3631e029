/*
 * The build pipeline; see build.h.
 *
 * Phases: load → schema → bodies (parallel: Markdown, cross-references,
 * search texts; trees let go) → sections → derived relations → templates → [stop here on any error, or for check]
 * → page plan → render pages (parallel) → assets, media, data files, PDFs
 * → stage commit (the only disk write).
 */
#include "build.h"
#include "lint_files.h"
#include "bodies.h"
#include "buf.h"
#include "context.h"
#include "html.h"
#include "derive.h"
#include "i18n.h"
#include "load.h"
#include "markdown.h"
#include "model.h"
#include "mustache.h"
#include "pages.h"
#include "precompress.h"
#include "path.h"
#include "pdf.h"
#include "pool.h"
#include "schema.h"
#include "search.h"
#include "synonyms.h"
#include "sitemap.h"
#include "stage.h"
#include "template_files.h"
#include "xalloc.h"
#include "xref.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct build {
	const struct build_options *o;
	struct diag *d;
	struct site *site;
	char *out;
	char *templates;          /* the project's templates directory (need not exist) */
	struct template_files tfiles;  /* it over the built-in set */
	struct mustache_set *tmpl;
	struct stage *stage;
	struct page_plan plan;
	struct context_options copts;
	atomic_int render_failed;  /* set by the rendering threads */
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Resident memory of the process now, from /proc (0 when unknown). */
static long resident_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = 0;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

/* FICHES_TIMING=1 prints the time of each phase on stderr (for bench/). */
static void phase(const char *name)
{
	static double last;
	static int on = -1;
	if (on < 0)
		on = getenv("FICHES_TIMING") != NULL;
	if (!on)
		return;
	double t = now();
	if (last > 0)
		fprintf(stderr, "fiches: %-12s %.3f s  %6ld MiB resident\n", name, t - last,
			resident_kib() / 1024);
	last = t;
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Absolute, normalised path of p even when it does not exist yet. Caller frees. */
static char *absolute(const char *p)
{
	char *real = realpath(p, NULL);
	if (real)
		return real;
	char *copy = xstrdup(p), *slash = strrchr(copy, '/');
	char *parent_real = NULL;
	const char *leaf = p;
	if (slash) {
		*slash = '\0';
		parent_real = realpath(*copy ? copy : "/", NULL);
		leaf = slash + 1;
	} else {
		parent_real = realpath(".", NULL);
	}
	char *out = parent_real ? path_join(parent_real, leaf) : xstrdup(p);
	free(parent_real);
	free(copy);
	return out;
}

static int inside(const char *child, const char *parent)
{
	size_t n = strlen(parent);
	return strncmp(child, parent, n) == 0 && (child[n] == '/' || child[n] == '\0');
}

/* The output directory must not hold or sit in the sources. */
static int check_output_location(struct build *b)
{
	char *out = absolute(b->out);
	char *root = absolute(b->o->root);
	char *content = path_join(root, "content");
	char *templates = absolute(b->templates);
	int ok = 1;
	if (inside(out, content) || inside(content, out) || inside(templates, out) ||
	    inside(out, templates) || strcmp(out, "/") == 0) {
		diag_error(b->d, b->out, 0, 0,
			   _("the output directory must not contain or be inside content/ or templates/"));
		ok = 0;
	}
	free(out);
	free(root);
	free(content);
	free(templates);
	return ok;
}

/* Summaries appear on many pages: render each once, unless a link makes it page-dependent. */
static void summary_one(void *ctx, size_t i)
{
	struct build *b = ctx;
	struct doc *d = site_doc_at(b->site, i);
	struct buf out = BUF_INIT;
	html_typo_breakable(d->title, &out);
	d->title_html = buf_detach(&out);
	if (!d->summary || strstr(d->summary, "]("))
		return;
	html_render_markdown(b->site, d->summary, "", 1, &out);
	d->summary_html = buf_detach(&out);
}

static void render_one(void *ctx, size_t i);
static void data_file_one(void *ctx, size_t i);

/* Items 0 and 1 are the data files, then one item per page. */
static void render_or_data_one(void *ctx, size_t i)
{
	if (i < 2)
		data_file_one(ctx, i);
	else
		render_one(ctx, i - 2);
}

/* Adds the templates of one level of the set: "" (top) or "partials/". */
static void load_template_level(struct build *b, const char *prefix)
{
	size_t plen = strlen(prefix);
	for (size_t i = 0; i < b->tfiles.n; i++) {
		const struct template_file *f = &b->tfiles.v[i];
		const char *name = f->path + plen;
		size_t n = strlen(name);
		if (strncmp(f->path, prefix, plen) || strchr(name, '/') || n <= 9 ||
		    strcmp(name + n - 9, ".mustache") || f->irregular)
			continue;
		size_t len;
		char *text = f->fs ? load_text_file(f->fs, f->shown, &len, b->d) :
				     template_file_read(f, (size_t)-1, &len, b->d);
		if (text) {
			char *tname = xstrndup(name, n - 9);
			mustache_set_add(b->tmpl, tname, f->shown, text, len, b->d);
			free(tname);
			free(text);
		}
	}
}

static void load_templates(struct build *b)
{
	b->tmpl = mustache_set_new();
	load_template_level(b, "");
	load_template_level(b, "partials/");
	static const char *const needed[] = {"home", "action", "theme", "chapter", "page",
					     "list-actions", "list-themes", "guide-index",
					     "contacts", "contact", "glossary", "bibliography",
					     "taxa", "taxon", "search", "404"};
	for (size_t i = 0; i < sizeof needed / sizeof *needed; i++)
		if (!mustache_set_has(b->tmpl, needed[i]))
			diag_error(b->d, b->templates, 0, 0, _("missing template '%s.mustache'"),
				   needed[i]);
	/* A project's own kinds bring their templates. */
	for (size_t k = DOC_BUILTIN; k < site_nkinds(b->site); k++) {
		const struct kind *desc = site_kind(b->site, (int)k);
		const char *names[] = {desc->page_template, desc->list_template};
		for (size_t i = 0; i < 2; i++)
			if (names[i] && !mustache_set_has(b->tmpl, names[i]))
				diag_error(b->d, b->templates, 0, 0,
					   _("missing template '%s.mustache'"), names[i]);
	}
}

static void render_one(void *ctx, size_t i)
{
	struct build *b = ctx;
	const struct page *p = &b->plan.pages[i];
	const char *tmpl = p->tmpl;
	if (p->kind == PAGE_PAGES_INDEX && !mustache_set_has(b->tmpl, tmpl))
		tmpl = "taxa";
	json_t *context = context_for_page(b->site, &b->plan, p, &b->copts);
	struct buf out = BUF_INIT;
	if (mustache_render(b->tmpl, tmpl, context, &out, b->d) < 0)
		atomic_store(&b->render_failed, 1);
	json_decref(context);
	size_t len = out.len;
	stage_add(b->stage, p->path, buf_detach(&out), len);
}

/* Copies the set's assets/ into the output's assets/. */
static void add_assets(struct build *b)
{
	for (size_t i = 0; i < b->tfiles.n; i++) {
		const struct template_file *f = &b->tfiles.v[i];
		if (strncmp(f->path, "assets/", 7))
			continue;
		if (f->irregular) {
			diag_warning(b->d, f->shown, 0, 0, _("not a regular file: left out"));
			continue;
		}
		size_t len;
		char *data = template_file_read(f, LOAD_MAX_FILE_BYTES * 16ULL, &len, b->d);
		if (data && !b->o->serve)
			precompress_add(b->stage, f->path, data, len); /* before stage_add takes data */
		if (data)
			stage_add(b->stage, f->path, data, len);
	}
}

/* Copies every regular file below src into the output under prefix. */
static void add_tree(struct build *b, const char *src, const char *display, const char *prefix)
{
	DIR *dp = opendir(src);
	if (!dp)
		return;
	struct ptrs names = {0};
	struct dirent *e;
	while ((e = readdir(dp)))
		if (e->d_name[0] != '.')
			ptrs_add(&names, xstrdup(e->d_name));
	closedir(dp);
	for (size_t i = 0; i < names.n; i++) {
		const char *name = names.v[i];
		char *fs = path_join(src, name), *shown = path_join(display, name);
		char *dest = path_join(prefix, name);
		struct stat st;
		if (lstat(fs, &st) == 0 && S_ISDIR(st.st_mode)) {
			add_tree(b, fs, shown, dest);
		} else if (lstat(fs, &st) == 0 && S_ISREG(st.st_mode)) {
			if ((unsigned long long)st.st_size > LOAD_MAX_FILE_BYTES * 16ULL) {
				diag_error(b->d, shown, 0, 0, _("file too large to publish"));
			} else {
				FILE *f = fopen(fs, "rb");
				struct buf data = BUF_INIT;
				char chunk[65536];
				size_t r;
				while (f && (r = fread(chunk, 1, sizeof chunk, f)) > 0)
					buf_put(&data, chunk, r);
				if (f)
					fclose(f);
				else
					diag_error(b->d, shown, 0, 0, _("cannot read: %s"), strerror(errno));
				size_t len = data.len;
				stage_add(b->stage, dest, buf_detach(&data), len);
			}
		} else {
			diag_warning(b->d, shown, 0, 0, _("not a regular file: left out"));
		}
		free(fs);
		free(shown);
		free(dest);
		free(names.v[i]);
	}
	ptrs_free(&names);
}

static void add_buffer(struct build *b, const char *path, struct buf *data)
{
	size_t len = data->len;
	stage_add(b->stage, path, buf_detach(data), len);
}

/* Task 0: sitemap.xml; task 1: the search index and offline files, site.json with them. */
static void data_file_one(void *ctx, size_t i)
{
	struct build *b = ctx;
	if (i == 1) {
		search_add_files(b->stage, b->site, &b->plan, &b->tfiles, b->o);
		return;
	}
	struct buf data = BUF_INIT;
	if (b->site->base_url) {
		sitemap_xml(b->site, &b->plan, &data);
		add_buffer(b, "sitemap.xml", &data);
	}
}

int build_makes_pdfs(const struct build_options *o)
{
	return !o->no_pdf && !o->pdf_later;
}

/* build_load, with one document's text read from elsewhere (ov may be NULL). */
static struct site *load_checked(const struct build_options *o, const struct load_override *ov,
				 struct diag *d)
{
	struct build b = {0};
	b.o = o;
	b.d = d;
	markdown_init();
	phase("start");
	b.site = load_site_override(o->root ? o->root : ".", ov, d);
	if (!b.site)
		return NULL;
	phase("load");
	lint_content_files(b.site, d);
	schema_check(b.site, d);
	lint_data_values(b.site, d);
	b.site->synonyms = synonyms_load(b.site, d);
	phase("schema");
	bodies_process(b.site, o->jobs, d);
	phase("bodies");
	schema_check_sections(b.site, d);
	derive_all(b.site);
	pdf_check_booklets(b.site, d);
	phase("derive");
	return b.site;
}

struct site *build_load(const struct build_options *o, struct diag *d)
{
	return load_checked(o, NULL, d);
}

struct build_kept {
	struct build_options o;   /* as the build ran; root, out and templates owned below */
	char *root;
	struct site *site;
	char *out;
	char *templates;
	struct template_files tfiles;
	struct mustache_set *tmpl;
	struct context_options copts;  /* pdf_sizes owned */
	struct stage_size *pdf_sizes;
	size_t npdf_sizes;
};

/* Moves what b made into *o->keep (see build_options.keep). */
static void keep_build(struct build *b, const struct build_options *o,
		       struct stage_size *pdf_sizes, size_t npdf_sizes)
{
	struct build_kept *k = xcalloc(1, sizeof *k);
	k->o = *o;
	k->root = xstrdup(o->root);
	k->o.root = k->root;
	k->o.keep = NULL;
	k->o.pdf_cancel = NULL;
	k->site = b->site;
	b->site = NULL;
	k->out = b->out;
	b->out = NULL;
	k->o.out = k->out;
	k->templates = b->templates;
	b->templates = NULL;
	k->o.templates = o->templates ? k->templates : NULL;
	k->tfiles = b->tfiles;
	memset(&b->tfiles, 0, sizeof b->tfiles);
	k->tmpl = b->tmpl;
	b->tmpl = NULL;
	k->copts = b->copts;
	k->pdf_sizes = pdf_sizes;
	k->npdf_sizes = npdf_sizes;
	*o->keep = k;
}

void build_kept_free(struct build_kept *k)
{
	if (!k)
		return;
	site_free(k->site);
	if (k->tmpl)
		mustache_set_free(k->tmpl);
	template_files_free(&k->tfiles);
	stage_sizes_free(k->pdf_sizes, k->npdf_sizes);
	free(k->out);
	free(k->templates);
	free(k->root);
	free(k);
}

struct site *build_kept_site(struct build_kept *k)
{
	return k->site;
}

const struct build_options *build_kept_options(const struct build_kept *k)
{
	return &k->o;
}

/* A struct build over k, for the rendering functions above. */
static void build_from_kept(struct build *b, struct build_kept *k, struct diag *d)
{
	memset(b, 0, sizeof *b);
	b->o = &k->o;
	b->d = d;
	b->site = k->site;
	b->out = k->out;
	b->templates = k->templates;
	b->tfiles = k->tfiles;
	b->tmpl = k->tmpl;
	b->copts = k->copts;
}

void build_kept_summary(struct build_kept *k, struct doc *doc)
{
	struct build b;
	build_from_kept(&b, k, NULL);
	free(doc->title_html);
	free(doc->summary_html);
	doc->title_html = doc->summary_html = NULL;
	/* summary_one takes an index: doc's among every kind's. */
	size_t at = doc->index;
	for (size_t kind = 0; kind < (size_t)doc->kind; kind++)
		at += k->site->ndocs[kind];
	summary_one(&b, at);
}

struct kept_render {
	struct build *b;
	size_t ndata;             /* 2 with the data files, else 0 */
	size_t *pages;            /* indices into b->plan of the pages to render */
	size_t npages;
};

static void kept_render_one(void *ctx, size_t i)
{
	struct kept_render *r = ctx;
	if (i < r->ndata)
		data_file_one(r->b, i);
	else
		render_one(r->b, r->pages[i - r->ndata]);
}

int build_kept_render(struct build_kept *k, const struct page_plan *plan,
		      const unsigned char *dirty, int with_data, struct diag *d,
		      struct build_stats *stats)
{
	double t0 = now();
	struct build b;
	build_from_kept(&b, k, d);
	b.plan = *plan;
	b.stage = stage_new(k->out);
	stage_set_patch(b.stage);
	struct kept_render r = {&b, with_data ? 2 : 0, xcalloc(plan->n + 1, sizeof *r.pages), 0};
	for (size_t i = 0; dirty && i < plan->n; i++)
		if (dirty[i])
			r.pages[r.npages++] = i;
	pool_for(k->o.jobs, r.npages + r.ndata, kept_render_one, &r);
	phase("render");
	int status;
	if (atomic_load(&b.render_failed) || diag_errors(d))
		status = BUILD_CONTENT_ERROR;
	else
		status = stage_commit(b.stage, d, stats) == 0 ? BUILD_OK : BUILD_FAILURE;
	phase("stage");
	if (stats)
		stats->seconds = now() - t0;
	stage_free(b.stage);
	free(r.pages);
	return status;
}

int build_kept_page(struct build_kept *k, const struct page_plan *plan, size_t i,
		    struct diag *d, char **html, size_t *len)
{
	struct build b;
	build_from_kept(&b, k, d);
	const struct page *p = &plan->pages[i];
	const char *tmpl = p->tmpl;
	if (p->kind == PAGE_PAGES_INDEX && !mustache_set_has(b.tmpl, tmpl))
		tmpl = "taxa";
	json_t *context = context_for_page(k->site, plan, p, &k->copts);
	struct buf out = BUF_INIT;
	int rc = mustache_render(b.tmpl, tmpl, context, &out, d);
	json_decref(context);
	*len = out.len;
	*html = buf_detach(&out);
	if (rc < 0) {
		free(*html);
		*html = NULL;
		return BUILD_CONTENT_ERROR;
	}
	return BUILD_OK;
}

int build_run(const struct build_options *o, struct diag *d, struct build_stats *stats)
{
	double t0 = now();
	if (o->keep)
		*o->keep = NULL;
	struct build b = {0};
	b.o = o;
	b.d = d;
	struct stage_size *pdf_sizes = NULL;
	size_t npdf_sizes = 0;
	int status = BUILD_FAILURE;
	const char *root = o->root ? o->root : ".";
	struct build_options defaults = *o;
	defaults.root = root;
	b.o = &defaults;
	b.out = o->out ? xstrdup(o->out) : path_join(root, "public");
	b.templates = o->templates ? xstrdup(o->templates) : path_join(root, "templates");
	template_files_open(&b.tfiles, b.templates);
	if (o->templates && !is_dir(o->templates)) {
		diag_error(d, o->templates, 0, 0, _("the templates directory given with --templates does not exist"));
		status = BUILD_USAGE;
		goto out;
	}
	if (!check_output_location(&b)) {
		status = BUILD_USAGE;
		goto out;
	}
	b.site = build_load(&defaults, d);
	if (!b.site) {
		status = BUILD_CONTENT_ERROR;
		goto out;
	}
	load_templates(&b);
	if (diag_errors(d)) {
		status = BUILD_CONTENT_ERROR;
		goto out;
	}
	if (o->check_only) {
		status = BUILD_OK;
		goto out;
	}

	pool_for(o->jobs, site_ndocs_all(b.site), summary_one, &b);
	context_prepare(b.site);
	phase("summaries");
	b.stage = stage_new(b.out);
	b.copts.with_pdf = !o->no_pdf;
	if (!build_makes_pdfs(o))
		pdf_keep_previous(b.stage);
	if (build_makes_pdfs(o)) {
		struct pdf_options po = {o->jobs, b.site->base_url, -1, !o->quiet, NULL, NULL};
		if (o->pdf_cancel) {
			po.worker_root = root;
			po.cancel = o->pdf_cancel;
		}
		int pdf = pdf_build_site(b.site, b.stage, &po, d);
		if (pdf == PDF_CANCELLED) {
			status = BUILD_CANCELLED;
			goto out;
		}
		if (pdf < 0) {
			/* A leaflet too long for its panels is the content's fault, not the machine's. */
			status = pdf == PDF_TOO_LONG ? BUILD_CONTENT_ERROR : BUILD_FAILURE;
			goto out;
		}
		/* Typeset first, so that each page can give its PDF's size. */
		pdf_sizes = stage_sizes(b.stage, "pdf/", &npdf_sizes);
		b.copts.pdf_sizes = pdf_sizes;
		b.copts.npdf_sizes = npdf_sizes;
		phase("pdf");
	}
	b.plan = pages_plan(b.site);
	/*
	 * The data files (site.json, search index) do not depend on the pages:
	 * they go first in the same loop, so one core builds the index while
	 * the other renders pages.
	 */
	pool_for(o->jobs, b.plan.n + 2, render_or_data_one, &b);
	phase("render");
	add_assets(&b);
	char *media = path_join(b.site->content_dir, "media");
	add_tree(&b, media, "content/media", "media");
	free(media);
	if (atomic_load(&b.render_failed) || diag_errors(d)) {
		status = BUILD_CONTENT_ERROR;
		goto out;
	}
	phase("extras");
	status = stage_commit(b.stage, d, stats) == 0 ? BUILD_OK : BUILD_FAILURE;
	phase("stage");
	if (status == BUILD_OK && o->keep) {
		keep_build(&b, &defaults, pdf_sizes, npdf_sizes);
		pdf_sizes = NULL;
		npdf_sizes = 0;
	}
out:
	if (stats)
		stats->seconds = now() - t0;
	stage_sizes_free(pdf_sizes, npdf_sizes);
	stage_free(b.stage);
	pages_free(&b.plan);
	if (b.tmpl)
		mustache_set_free(b.tmpl);
	site_free(b.site);
	free(b.out);
	free(b.templates);
	template_files_free(&b.tfiles);
	return status;
}

int build_preview(const struct build_options *o, const char *display, const char *read_path,
		  struct diag *d, struct build_preview_page *page)
{
	struct build b = {0};
	const char *root = o->root ? o->root : ".";
	struct build_options defaults = *o;
	defaults.root = root;
	defaults.quiet = 1;
	b.o = &defaults;
	b.d = d;
	memset(page, 0, sizeof *page);
	b.templates = o->templates ? xstrdup(o->templates) : path_join(root, "templates");
	template_files_open(&b.tfiles, b.templates);
	struct load_override ov = {display, read_path, 0};
	int status = BUILD_CONTENT_ERROR;
	b.site = load_checked(&defaults, &ov, d);
	if (!b.site)
		goto out;
	load_templates(&b);
	struct doc *doc = NULL;
	for (size_t k = 0; k < site_nkinds(b.site) && !doc; k++)
		for (size_t i = 0; i < b.site->ndocs[k] && !doc; i++)
			if (strcmp(b.site->docs[k][i]->path, display) == 0)
				doc = b.site->docs[k][i];
	if (doc && doc->out_path)
		page->out_path = xstrdup(doc->out_path);
	/* Rendering assumes a checked model: with errors, no page. */
	if (diag_errors(d) || !doc)
		goto out;
	pool_for(o->jobs, site_ndocs_all(b.site), summary_one, &b);
	context_prepare(b.site);
	b.copts.with_pdf = !o->no_pdf;
	b.plan = pages_plan(b.site);
	for (size_t i = 0; i < b.plan.n; i++) {
		const struct page *p = &b.plan.pages[i];
		if (p->kind != PAGE_DOC || p->subject != doc)
			continue;
		json_t *context = context_for_page(b.site, &b.plan, p, &b.copts);
		struct buf html = BUF_INIT;
		if (mustache_render(b.tmpl, p->tmpl, context, &html, d) == 0) {
			page->html_len = html.len;
			page->html = buf_detach(&html);
		}
		buf_free(&html);
		json_decref(context);
		break;
	}
	status = page->html ? BUILD_OK : BUILD_CONTENT_ERROR;
out:
	pages_free(&b.plan);
	if (b.tmpl)
		mustache_set_free(b.tmpl);
	site_free(b.site);
	template_files_free(&b.tfiles);
	free(b.templates);
	return status;
}

int build_check_without(const struct build_options *o, const char *display, struct diag *d)
{
	struct build_options defaults = *o;
	defaults.root = o->root ? o->root : ".";
	defaults.quiet = 1;
	struct load_override ov = {display, NULL, 1};
	struct site *s = load_checked(&defaults, &ov, d);
	if (!s)
		return BUILD_CONTENT_ERROR;
	site_free(s);
	return diag_errors(d) ? BUILD_CONTENT_ERROR : BUILD_OK;
}
