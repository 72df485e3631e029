/*
 * Service worker, web app manifest and icons; see offline.h.
 *
 * The cache version hashes what the pages are made from, since the pages
 * themselves are rendered in parallel straight into the stage: the content
 * model (site.json), the search index (all the text), every template and
 * asset, the media files, the list of pages and whether PDFs are linked.
 * Any edit a coordinator can make changes one of them. The index and
 * site.json are other outputs' files (out_offline.c needs them): their
 * hashes are the stage's, taken as each file was added, so their bytes
 * are not hashed a second time here.
 */
#include "offline.h"
#include "buf.h"
#include "hash.h"
#include "icon_png.h"
#include "path.h"
#include "search.h"
#include "stage.h"
#include "template_files.h"
#include "tree.h"
#include "xalloc.h"

#include <cairo.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Above this many pages, only the lists are precached: the fiches come on demand. */
#define OFFLINE_MAX_PRECACHE_PAGES 1000

static int compare_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The list being made by list_files, and the prefix of its paths. */
struct listing {
	const char *prefix;
	struct ptrs *out;
};

static void add_regular(void *ctx, const struct tree_entry *e)
{
	const struct listing *l = ctx;
	if (e->regular)
		ptrs_add(l->out, *l->prefix ? path_join(l->prefix, e->rel) : xstrdup(e->rel));
}

/* Relative paths of the regular files below dir (prefix/name…), sorted. */
static void list_files(const char *dir, const char *prefix, struct ptrs *out)
{
	struct listing l = {prefix, out};
	tree_walk(dir, add_regular, &l);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, compare_str);
}

/* Whole file, or NULL (then the hash simply does not see it). Caller frees. */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t r;
	while ((r = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(&b, chunk, r);
	fclose(f);
	*len = b.len;
	return b.data ? buf_detach(&b) : xstrdup("");
}

/* Every file of the template set, path and bytes, in path order. */
static unsigned long long hash_templates(unsigned long long h, const struct template_files *tf)
{
	for (size_t i = 0; i < tf->n; i++) {
		const struct template_file *f = &tf->v[i];
		if (f->irregular)
			continue;
		size_t len = 0;
		char *data = template_file_read(f, (size_t)-1, &len, NULL);
		h = hash_more(h, f->path, strlen(f->path) + 1);
		if (data)
			h = hash_more(h, data, len);
		free(data);
	}
	return h;
}

static unsigned long long hash_tree(unsigned long long h, const char *dir)
{
	struct ptrs files = {0};
	list_files(dir, "", &files);
	for (size_t i = 0; i < files.n; i++) {
		char *fs = path_join(dir, files.v[i]);
		size_t len = 0;
		char *data = read_all(fs, &len);
		h = hash_more(h, files.v[i], strlen(files.v[i]) + 1);
		if (data)
			h = hash_more(h, data, len);
		free(data);
		free(fs);
		free(files.v[i]);
	}
	ptrs_free(&files);
	return h;
}

int offline_reserved_asset(const char *path)
{
	size_t n = strlen(SEARCH_PARTS_DIR);
	return !strncmp(path, SEARCH_INDEX_PATH, strlen(SEARCH_INDEX_PATH)) ||
	       (!strncmp(path, SEARCH_PARTS_DIR, n) && path[n] == '/');
}

char *offline_css_colour(const char *css, const char *property)
{
	if (!css)
		return NULL;
	size_t n = strlen(property);
	for (const char *p = strstr(css, property); p; p = strstr(p + 1, property)) {
		const char *q = p + n;
		while (*q == ' ')
			q++;
		if (*q != ':')
			continue;
		q++;
		while (*q == ' ')
			q++;
		int ok = q[0] == '#';
		for (int i = 1; i <= 6 && ok; i++)
			ok = (q[i] >= '0' && q[i] <= '9') || ((q[i] | 32) >= 'a' && (q[i] | 32) <= 'f');
		if (ok && (q[7] == ';' || q[7] == ' ' || q[7] == '}' || q[7] == '\n')) {
			char *c = xstrndup(q, 7);
			for (char *k = c; *k; k++)
				if (*k >= 'A' && *k <= 'F')
					*k += 32;
			return c;
		}
	}
	return NULL;
}

static void put_json_string(struct buf *out, const char *s)
{
	buf_putc(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_printf(out, "\\%c", *p);
		else if (*p < 0x20)
			buf_printf(out, "\\u%04x", *p);
		else
			buf_putc(out, (char)*p);
	}
	buf_putc(out, '"');
}

/* ---- Icons --------------------------------------------------------------- */

static void set_hex(cairo_t *cr, const char *hex)
{
	unsigned v = 0;
	if (hex && hex[0] == '#')
		v = (unsigned)strtoul(hex + 1, NULL, 16);
	cairo_set_source_rgb(cr, ((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0,
			     (v & 255) / 255.0);
}

/*
 * A fiche on the site's colour: a white sheet with a folded corner and one
 * line per logique d'action in its colour. The drawing stays inside the
 * central 80 % so the icon also works masked to a circle.
 */
static void draw_icon(const struct site *s, const char *accent, int size, struct buf *out)
{
	cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, size, size);
	cairo_t *cr = cairo_create(sf);
	double u = size / 100.0;
	set_hex(cr, accent);
	cairo_paint(cr);
	/* The sheet, its top-right corner folded. */
	double x0 = 28 * u, y0 = 20 * u, x1 = 72 * u, y1 = 80 * u, fold = 12 * u;
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_move_to(cr, x0, y0);
	cairo_line_to(cr, x1 - fold, y0);
	cairo_line_to(cr, x1, y0 + fold);
	cairo_line_to(cr, x1, y1);
	cairo_line_to(cr, x0, y1);
	cairo_close_path(cr);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0.85, 0.83, 0.79);
	cairo_move_to(cr, x1 - fold, y0);
	cairo_line_to(cr, x1 - fold, y0 + fold);
	cairo_line_to(cr, x1, y0 + fold);
	cairo_close_path(cr);
	cairo_fill(cr);
	size_t lines = s->nlogics ? s->nlogics : 4;
	if (lines > 6)
		lines = 6;
	double step = 40 * u / (double)lines, h = step * 0.55;
	for (size_t i = 0; i < lines; i++) {
		set_hex(cr, s->nlogics ? s->logics[i].colour : accent);
		double w = (i % 3 == 2 ? 22 : 32) * u;
		cairo_rectangle(cr, x0 + 6 * u, 36 * u + (double)i * step, w, h);
		cairo_fill(cr);
	}
	cairo_destroy(cr);
	cairo_surface_flush(sf);
	icon_png_rgb24(cairo_image_surface_get_data(sf), size, size, cairo_image_surface_get_stride(sf),
		       out);
	cairo_surface_destroy(sf);
}

/*
 * The icons depend only on the accent colour and the logiques' colours, yet
 * drawing them and encoding them as PNG (zlib over 512 x 512 pixels) is half
 * of what `fiches serve` spends on the data files after each save. The last
 * icon of each size is kept with the colours it was drawn from, for the life
 * of the process; a change of colour draws it again.
 */
struct kept_icon {
	char *key;		/* accent and logique colours, as draw_icon reads them */
	char *png;
	size_t len;
};

static pthread_mutex_t kept_icons_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kept_icon kept_icons[2];	/* [0]: 192 px, [1]: 512 px */

/* What draw_icon's drawing depends on besides the size. Caller frees. */
static char *icon_key(const struct site *s, const char *accent)
{
	struct buf key = BUF_INIT;
	buf_puts(&key, accent);
	for (size_t i = 0; i < s->nlogics && i < 6; i++) {
		buf_putc(&key, '\n');
		buf_puts(&key, s->logics[i].colour ? s->logics[i].colour : "");
	}
	if (!s->nlogics)
		buf_puts(&key, "\n-");
	return buf_detach(&key);
}

/* Appends the PNG of the icon at this size to out, drawn or kept. */
static void put_icon(const struct site *s, const char *accent, int size, struct buf *out)
{
	struct kept_icon *kept = &kept_icons[size == 192 ? 0 : 1];
	char *key = icon_key(s, accent);
	pthread_mutex_lock(&kept_icons_lock);
	if (!kept->key || strcmp(kept->key, key) != 0) {
		struct buf png = BUF_INIT;
		draw_icon(s, accent, size, &png);
		free(kept->key);
		free(kept->png);
		kept->len = png.len;
		kept->png = buf_detach(&png);
		kept->key = key;
		key = NULL;
	}
	buf_put(out, kept->png, kept->len);
	pthread_mutex_unlock(&kept_icons_lock);
	free(key);
}

/* ---- Manifest ------------------------------------------------------------ */

/* site.yaml short_title, else the title when short, else its initials (« TAT »). Caller frees. */
static char *short_name(const struct site *s)
{
	const json_t *v = json_object_get(s->config, "short_title");
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (strlen(s->title) <= 12)
		return xstrdup(s->title);
	struct buf b = BUF_INIT;
	int start = 1;
	for (const unsigned char *p = (const unsigned char *)s->title; *p; p++) {
		int letter = *p >= 0x80 || ((*p | 32) >= 'a' && (*p | 32) <= 'z');
		if (letter && start && *p < 0x80)
			buf_putc(&b, (char)(*p & ~32));
		start = !letter && *p != '\'';
	}
	if (b.len < 2 || b.len > 12) {
		buf_free(&b);
		return xstrndup(s->title, 12);
	}
	return buf_detach(&b);
}

static void manifest(const struct site *s, const char *accent, const char *background,
		     struct buf *out)
{
	char *sn = short_name(s);
	buf_puts(out, "{\n  \"name\": ");
	put_json_string(out, s->title);
	buf_puts(out, ",\n  \"short_name\": ");
	put_json_string(out, sn);
	free(sn);
	if (s->subtitle) {
		buf_puts(out, ",\n  \"description\": ");
		put_json_string(out, s->subtitle);
	}
	buf_puts(out, ",\n  \"lang\": ");
	put_json_string(out, s->language ? s->language : "fr");
	buf_printf(out, ",\n  \"start_url\": \".\",\n  \"scope\": \".\",\n"
			"  \"display\": \"standalone\",\n"
			"  \"background_color\": \"%s\",\n  \"theme_color\": \"%s\",\n"
			"  \"icons\": [\n"
			"    {\"src\": \"assets/icone-192.png\", \"sizes\": \"192x192\", \"type\": \"image/png\", \"purpose\": \"any maskable\"},\n"
			"    {\"src\": \"assets/icone-512.png\", \"sizes\": \"512x512\", \"type\": \"image/png\", \"purpose\": \"any maskable\"}\n"
			"  ]\n}\n",
		   background, accent);
}

/* ---- Service worker ------------------------------------------------------ */

/* The hash h continued over a staged file's path and the stage's hash of its bytes. */
static unsigned long long hash_staged(unsigned long long h, const struct stage_hash *f)
{
	/* "%016llx" written by hand: one snprintf a file was most of this. */
	char hex[16];
	unsigned long long v = f->hash;
	for (int i = 15; i >= 0; i--, v >>= 4)
		hex[i] = "0123456789abcdef"[v & 15];
	h = hash_more(h, f->path, strlen(f->path) + 1);
	return hash_more(h, hex, 16);
}

void offline_add_files(struct stage *st, const struct site *s, const struct page_plan *plan,
		       const struct template_files *tf, int with_pdf, int with_worker)
{
	const struct template_file *css_file = template_files_find(tf, "assets/style.css");
	size_t css_len = 0;
	char *css = css_file && !css_file->irregular ?
		template_file_read(css_file, (size_t)-1, &css_len, NULL) : NULL;
	char *accent = offline_css_colour(css, "--accent");
	char *background = offline_css_colour(css, "--fond");
	if (!accent)
		accent = xstrdup("#1f4e79");
	if (!background)
		background = xstrdup("#ffffff");

	/*
	 * A project that puts its own logo in templates/assets/icone-192.png
	 * (or -512) keeps it: the assets' output copies it, and the drawn one
	 * is not made. The worker's version still covers it (hash_templates).
	 */
	unsigned long long h = hash_bytes("fiches-sw-2", 11);
	static const int icon_sizes[] = {192, 512};
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < sizeof icon_sizes / sizeof *icon_sizes; i++) {
		char path[32];
		snprintf(path, sizeof path, "assets/icone-%d.png", icon_sizes[i]);
		const struct template_file *own = template_files_find(tf, path);
		if (own && !own->irregular)
			continue;
		put_icon(s, accent, icon_sizes[i], &b);
		size_t icon_len = b.len;
		h = hash_more(h, b.data, b.len);
		stage_add(st, path, buf_detach(&b), icon_len);
	}
	manifest(s, accent, background, &b);
	size_t len = b.len;
	h = hash_more(h, b.data, b.len);
	stage_add(st, "manifest.webmanifest", buf_detach(&b), len);

	/* The version: see the comment at the top. The index, its parts (by path), site.json. */
	size_t nindex, nparts, njson;
	struct stage_hash *index = stage_hashes(st, SEARCH_INDEX_PATH, &nindex);
	struct stage_hash *parts = stage_hashes(st, SEARCH_PARTS_DIR "/", &nparts);
	struct stage_hash *json = stage_hashes(st, "site.json", &njson);
	for (size_t i = 0; i < nindex; i++)
		if (!strcmp(index[i].path, SEARCH_INDEX_PATH))
			h = hash_staged(h, &index[i]);
	for (size_t i = 0; i < nparts; i++)
		h = hash_staged(h, &parts[i]);
	for (size_t i = 0; i < njson; i++)
		if (!strcmp(json[i].path, "site.json"))
			h = hash_staged(h, &json[i]);
	h = hash_templates(h, tf);
	char *media = path_join(s->content_dir, "media");
	h = hash_tree(h, media);
	h = hash_more(h, with_pdf ? "pdf" : "nopdf", with_pdf ? 3 : 5);
	for (size_t i = 0; i < plan->n; i++)
		h = hash_more(h, plan->pages[i].path, strlen(plan->pages[i].path) + 1);

	/* What to precache: pages in plan order, then assets and media, sorted. */
	struct ptrs assets = {0}, media_files = {0};
	for (size_t i = 0; i < tf->n; i++)
		if (!strncmp(tf->v[i].path, "assets/", 7) && !tf->v[i].irregular)
			ptrs_add(&assets, xstrdup(tf->v[i].path));
	list_files(media, "media", &media_files);
	int all_pages = plan->n <= OFFLINE_MAX_PRECACHE_PAGES;
	buf_printf(&b, "/* fiches : service worker, produit par « fiches build ». */\n"
		       "\"use strict\";\n"
		       "var VERSION = \"fiches-%016llx\";\n"
		       "var ALL_PAGES = %s;\n"
		       "var PRECACHE = [", h, all_pages ? "true" : "false");
	size_t count = 0;
	for (size_t i = 0; i < plan->n; i++) {
		const struct page *p = &plan->pages[i];
		if (!all_pages && (p->kind == PAGE_DOC || p->kind == PAGE_CONTACT || p->kind == PAGE_TAXON))
			continue;
		buf_puts(&b, count++ ? ",\n  " : "\n  ");
		put_json_string(&b, p->path);
	}
	static const char *const generated[] = {"assets/icone-192.png", "assets/icone-512.png",
						SEARCH_INDEX_PATH, "manifest.webmanifest"};
	for (size_t i = 0; i < sizeof generated / sizeof *generated; i++) {
		buf_puts(&b, ",\n  ");
		put_json_string(&b, generated[i]);
	}
	/* The index's parts: all of them with all the pages, else as queries use them. */
	for (size_t i = 0; all_pages && i < nparts; i++) {
		buf_puts(&b, ",\n  ");
		put_json_string(&b, parts[i].path);
	}
	for (size_t i = 0; i < assets.n; i++) {
		/* Listed once: an icon of the project's is already above. */
		int dup = 0;
		for (size_t j = 0; j < sizeof generated / sizeof *generated; j++)
			dup |= strcmp(assets.v[i], generated[j]) == 0;
		if (!dup) {
			buf_puts(&b, ",\n  ");
			put_json_string(&b, assets.v[i]);
		}
	}
	for (size_t i = 0; i < media_files.n; i++) {
		buf_puts(&b, ",\n  ");
		put_json_string(&b, media_files.v[i]);
	}
	buf_puts(&b, "\n];\n\n");
	/*
	 * What every version does: templates/service-worker.js, the project's
	 * or the built-in one. Without it the site has no worker, and
	 * sw-register.js then registers none.
	 */
	const struct template_file *body_file = template_files_find(tf, "service-worker.js");
	size_t body_len = 0;
	char *body = body_file && !body_file->irregular ?
		template_file_read(body_file, (size_t)-1, &body_len, NULL) : NULL;
	if (body)
		buf_put(&b, body, body_len);
	free(body);
	len = b.len;
	if (with_worker && body)
		stage_add(st, "sw.js", buf_detach(&b), len);
	buf_free(&b);

	for (size_t i = 0; i < assets.n; i++)
		free(assets.v[i]);
	for (size_t i = 0; i < media_files.n; i++)
		free(media_files.v[i]);
	ptrs_free(&assets);
	ptrs_free(&media_files);
	stage_hashes_free(index, nindex);
	stage_hashes_free(parts, nparts);
	stage_hashes_free(json, njson);
	free(media);
	free(accent);
	free(background);
	free(css);
}
