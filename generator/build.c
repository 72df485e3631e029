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
#include "body_store.h"
#include "buf.h"
#include "context.h"
#include "html.h"
#include "derive.h"
#include "i18n.h"
#include "load.h"
#include "markdown.h"
#include "model.h"
#include "mustache.h"
#include "output.h"
#include "pages.h"
#include "path.h"
#include "pdf.h"
#include "pool.h"
#include "schema.h"
#include "synonyms.h"
#include "stage.h"
#include "template_files.h"
#include "xalloc.h"
#include "xref.h"

#include <limits.h>
#include <pthread.h>
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
	struct body_store *bodies;   /* the bodies rendered at their first pass, until their pages take them */
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

/* The phases' sums since the first, for build_phase_total. */
static struct {
	double wall, cpu, critical, idle;
} phase_sum;

/*
 * FICHES_TIMING=1 prints the time of each phase on stderr (for bench/);
 * FICHES_TIMING=2 adds its CPU time, its critical path (the main thread's
 * serial part plus each parallel loop's busiest thread: its length on idle
 * cores, whatever the load) and the core time left idle meanwhile.
 */
void build_phase(const char *name)
{
	static double last, last_cpu, last_main;
	int level = pool_timing();
	if (!level)
		return;
	double t = now();
	if (last > 0)
		fprintf(stderr, "fiches: %-12s %.3f s  %6ld MiB resident\n", name, t - last,
			resident_kib() / 1024);
	if (level >= 2) {
		double cpu = pool_clock(CLOCK_PROCESS_CPUTIME_ID);
		double main_cpu = pool_clock(CLOCK_THREAD_CPUTIME_ID);
		struct pool_time pt;
		pool_time_take(&pt);
		if (last == 0)
			fprintf(stderr, "fiches: %-12s cpu %.3f s before it (start-up)\n", name, cpu);
		if (last > 0) {
			int cores = pt.cores > 0 ? pt.cores : pool_cores();
			double serial = main_cpu - last_main - pt.caller;
			if (serial < 0)
				serial = 0;
			double critical = serial + pt.span, idle = pt.idle + serial * (cores - 1);
			fprintf(stderr,
				"fiches: %-12s cpu %.3f s, critical path %.3f s (serial %.3f, "
				"parallel %.3f), idle cores %.3f s\n",
				"", cpu - last_cpu, critical, serial, pt.span, idle);
			phase_sum.wall += t - last;
			phase_sum.cpu += cpu - last_cpu;
			phase_sum.critical += critical;
			phase_sum.idle += idle;
		}
		last_cpu = cpu;
		last_main = main_cpu;
	}
	last = t;
}

/* FICHES_TIMING=2: the sums of the phases printed since the start. */
static void build_phase_total(void)
{
	if (pool_timing() < 2)
		return;
	fprintf(stderr,
		"fiches: %-12s %.3f s, cpu %.3f s, critical path %.3f s, idle cores %.3f s\n",
		"total", phase_sum.wall, phase_sum.cpu, phase_sum.critical, phase_sum.idle);
	memset(&phase_sum, 0, sizeof phase_sum);
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

/* Titles and summaries appear on many pages: each rendered once, into the body store. */
static void summary_one(void *ctx, size_t i)
{
	struct build *b = ctx;
	body_store_summarise(b->bodies, b->site, site_doc_at(b->site, i));
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

int build_makes_pdfs(const struct build_options *o)
{
	return !o->no_pdf && !o->pdf_later;
}

/*
 * The store's sink, after the check of the document's required sections,
 * on the thread that processed it: that check may quote its Markdown (a
 * section written another way, lint_section_near_miss), which the store
 * may let go as it keeps the HTML (body_store_release_as_kept).
 */
struct checked_sink {
	struct body_sink store;
	struct diag *d;
};

static void check_then_keep(void *ctx, const struct site *s, const struct doc *doc,
			    cmark_node *root)
{
	const struct checked_sink *c = ctx;
	schema_check_doc_sections(s, doc, c->d);
	c->store.keep(c->store.ctx, s, doc, root);
}

/*
 * build_load, with one document's text read from elsewhere (ov may be NULL);
 * with bodies, each body is also rendered into a new store there.
 */
static struct site *load_checked(const struct build_options *o, const struct load_override *ov,
				 struct body_store **bodies, struct diag *d)
{
	struct build b = {0};
	b.o = o;
	b.d = d;
	markdown_init();
	build_phase("start");
	b.site = load_site_override(o->root ? o->root : ".", ov, d);
	if (!b.site)
		return NULL;
	build_phase("load");
	lint_content_files(b.site, d);
	schema_check(b.site, d);
	lint_data_values(b.site, d);
	b.site->synonyms = synonyms_load(b.site, d);
	build_phase("schema");
	struct checked_sink checked;
	struct body_sink sink = {check_then_keep, &checked};
	if (bodies) {
		*bodies = body_store_new(b.site);
		checked = (struct checked_sink){body_store_sink(*bodies), d};
		/*
		 * No booklet and no later rebuild: only the kept HTML is read
		 * after the pass, and each source can go as its HTML is kept.
		 */
		if (o->no_pdf && !o->pdf_later && !o->keep)
			body_store_release_as_kept(*bodies);
	}
	bodies_process(b.site, o->jobs, bodies ? &sink : NULL, d);
	build_phase("bodies");
	if (!bodies)
		schema_check_sections(b.site, d);
	derive_all(b.site);
	pdf_check_booklets(b.site, d);
	build_phase("derive");
	return b.site;
}

struct site *build_load(const struct build_options *o, struct diag *d)
{
	return load_checked(o, NULL, NULL, d);
}

struct build_kept {
	struct build_options o;   /* as the build ran; root, out and templates owned below */
	char *root;
	struct site *site;
	char *out;
	char *templates;
	struct template_files tfiles;
	struct mustache_set *tmpl;
	struct context_options copts;  /* pdf_sizes owned; bodies: the store below */
	struct body_store *bodies;     /* the search texts, renewed for each document read again */
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
	/* Its HTML is let go: later pages parse their body again. */
	k->bodies = b->bodies;
	b->bodies = NULL;
	body_store_release_bodies(k->bodies);
	k->pdf_sizes = pdf_sizes;
	k->npdf_sizes = npdf_sizes;
	*o->keep = k;
}

void build_kept_free(struct build_kept *k)
{
	if (!k)
		return;
	body_store_free(k->bodies);
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

struct body_store *build_kept_bodies(struct build_kept *k)
{
	return k->bodies;
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
	body_store_summarise(k->bodies, k->site, doc);
}

/* What the outputs read, over b (whose plan and stage are set). */
static void output_run_of(struct output_run *run, struct build *b)
{
	memset(run, 0, sizeof *run);
	run->o = b->o;
	run->d = b->d;
	run->site = b->site;
	run->plan = &b->plan;
	run->tfiles = &b->tfiles;
	run->tmpl = b->tmpl;
	run->copts = &b->copts;
	run->stage = b->stage;
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
	struct output_run run;
	output_run_of(&run, &b);
	output_run_pass(&run, OUTPUT_EDIT_PAGES | (with_data ? OUTPUT_EDIT_DATA : 0), dirty);
	int status;
	if (atomic_load(&run.failed) || diag_errors(d))
		status = BUILD_CONTENT_ERROR;
	else
		status = stage_commit(b.stage, d, stats) == 0 ? BUILD_OK : BUILD_FAILURE;
	build_phase("stage");
	if (stats)
		stats->seconds = now() - t0;
	stage_free(b.stage);
	return status;
}

int build_kept_page(struct build_kept *k, const struct page_plan *plan, size_t i,
		    struct diag *d, char **html, size_t *len)
{
	struct buf out = BUF_INIT;
	int rc = output_page_html(k->tmpl, k->site, plan, &plan->pages[i], &k->copts, d, &out);
	*len = out.len;
	*html = buf_detach(&out);
	if (rc < 0) {
		free(*html);
		*html = NULL;
		return BUILD_CONTENT_ERROR;
	}
	return BUILD_OK;
}

/* What a build that keeps nothing no longer reads once its outputs are made. */
struct model_parts {
	struct body_store *bodies;
	struct page_plan plan;
	struct mustache_set *tmpl;
	struct site *site;
};

static void *free_model(void *arg)
{
	struct model_parts *m = arg;
	body_store_free(m->bodies);
	pages_free(&m->plan);
	if (m->tmpl)
		mustache_set_free(m->tmpl);
	site_free(m->site);
	return NULL;
}

/*
 * What a one-shot build leaves to the process's exit (exit_after): held
 * here so that it stays reachable, as a checker run without the switch
 * below then reports it (« still reachable »), not as lost.
 */
static struct model_parts left_to_exit;

#if defined __SANITIZE_ADDRESS__
#define FICHES_LEAK_CHECKED 1
#elif defined __has_feature
#if __has_feature(address_sanitizer)
#define FICHES_LEAK_CHECKED 1
#endif
#endif
#if !defined FICHES_LEAK_CHECKED && defined __has_include
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define FICHES_VALGRIND 1
#endif
#endif

int build_frees_everything(void)
{
#ifdef FICHES_LEAK_CHECKED
	return 1;
#else
	/* Set, it decides: FICHES_FREE_ALL=0 measures a one-shot build under callgrind. */
	const char *all = getenv("FICHES_FREE_ALL");
	if (all && *all)
		return strcmp(all, "0") != 0;
#ifdef FICHES_VALGRIND
	if (RUNNING_ON_VALGRIND)
		return 1;
#endif
	return 0;
#endif
}

int build_left_to_exit(void)
{
	return left_to_exit.site != NULL;
}

/*
 * Whether b's model is left to the exit rather than freed: freeing it was
 * 0.9 % of a 1 000-fiche build's instructions (8.6 M, every document, body
 * and string touched once more), which the exit does in one unmapping.
 */
static int leaves_model(const struct build_options *o)
{
	return o->exit_after && !o->keep && !build_frees_everything();
}

/* Takes b's model into left_to_exit (when it has one). */
static void leave_model(struct build *b)
{
	if (!b->site && !b->bodies && !b->tmpl && !b->plan.n)
		return;
	/* One build a process, but a second one would not lose the first's. */
	if (left_to_exit.site)
		free_model(&left_to_exit);
	left_to_exit = (struct model_parts){b->bodies, b->plan, b->tmpl, b->site};
	b->bodies = NULL;
	memset(&b->plan, 0, sizeof b->plan);
	b->tmpl = NULL;
	b->site = NULL;
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
	b.site = load_checked(&defaults, NULL, &b.bodies, d);
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

	/* Only the index reads the search texts, once, unless a later rebuild makes it again. */
	if (!o->keep)
		body_store_texts_once(b.bodies);
	pool_for(o->jobs, site_ndocs_all(b.site), summary_one, &b);
	context_prepare(b.site);
	build_phase("summaries");
	b.stage = stage_new(b.out);
	b.copts.with_pdf = !o->no_pdf;
	b.copts.bodies = b.bodies;
	b.plan = pages_plan(b.site);
	struct output_run run;
	output_run_of(&run, &b);
	status = output_run_pass(&run, OUTPUT_FULL, NULL);
	/* The PDF pass's sizes, which the pages gave: kept for serve's rebuilds. */
	pdf_sizes = run.pdf_sizes;
	npdf_sizes = run.npdf_sizes;
	if (status != BUILD_OK)
		goto out;
	if (atomic_load(&run.failed) || diag_errors(d)) {
		status = BUILD_CONTENT_ERROR;
		goto out;
	}
	/*
	 * The model goes on another thread while the commit waits for the
	 * disk, or is left to the exit.
	 */
	if (leaves_model(o))
		leave_model(&b);
	pthread_t freer;
	struct model_parts parts = {b.bodies, b.plan, b.tmpl, b.site};
	int freeing = !o->keep && b.site && pthread_create(&freer, NULL, free_model, &parts) == 0;
	if (freeing) {
		b.bodies = NULL;
		memset(&b.plan, 0, sizeof b.plan);
		b.tmpl = NULL;
		b.site = NULL;
	}
	status = stage_commit(b.stage, d, stats) == 0 ? BUILD_OK : BUILD_FAILURE;
	if (freeing)
		pthread_join(freer, NULL);
	build_phase("stage");
	build_phase_total();
	if (status == BUILD_OK && o->keep) {
		keep_build(&b, &defaults, pdf_sizes, npdf_sizes);
		pdf_sizes = NULL;
		npdf_sizes = 0;
	}
out:
	if (stats)
		stats->seconds = now() - t0;
	if (leaves_model(o))
		leave_model(&b);
	stage_sizes_free(pdf_sizes, npdf_sizes);
	stage_free(b.stage);
	body_store_free(b.bodies);
	pages_free(&b.plan);
	if (b.tmpl)
		mustache_set_free(b.tmpl);
	site_free(b.site);
	free(b.out);
	free(b.templates);
	template_files_free(&b.tfiles);
	build_phase("free");
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
	b.site = load_checked(&defaults, &ov, NULL, d);
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
	/* No body store: the page renders the titles and summaries it shows. */
	context_prepare(b.site);
	b.copts.with_pdf = !o->no_pdf;
	b.plan = pages_plan(b.site);
	for (size_t i = 0; i < b.plan.n; i++) {
		const struct page *p = &b.plan.pages[i];
		if (p->kind != PAGE_DOC || p->subject != doc)
			continue;
		struct buf html = BUF_INIT;
		if (output_page_html(b.tmpl, b.site, &b.plan, p, &b.copts, d, &html) == 0) {
			page->html_len = html.len;
			page->html = buf_detach(&html);
		}
		buf_free(&html);
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
	struct site *s = load_checked(&defaults, &ov, NULL, d);
	if (!s)
		return BUILD_CONTENT_ERROR;
	site_free(s);
	return diag_errors(d) ? BUILD_CONTENT_ERROR : BUILD_OK;
}
