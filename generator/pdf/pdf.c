/*
 * The PDF stage; see pdf.h.
 *
 * For each booklet (one per worker at a time, booklets being independent):
 *  1. lay the booklet out (layout.c) and cut it into pages (page.c);
 *  2. give every destination (document, section, appendix entry) its page;
 *     when a cross-reference printed a page number that is now wrong, go
 *     back to 1 with the new numbers (at most MAX_PASSES times; the text
 *     « p. 9 » → « p. 10 » rarely moves anything);
 *  3. draw: cover, sommaire (its length does not depend on page numbers,
 *     so it is laid out once), the pages with running heads and numbers,
 *     back cover; structure tags, links, destinations and the outline
 *     make the file navigable and tagged;
 *  4. when imposed, draw the same pages again two-up on A4 (impose.c).
 * The PDF goes to memory and then to the stage. Cairo's dates come from
 * SOURCE_DATE_EPOCH, so equal sources give equal bytes.
 */
#include "pdf.h"
#include "layout_words.h"
#include "pdf_info.h"
#include "fileio.h"
#include "booklet.h"
#include "buf.h"
#include "catalog.h"
#include "colophon.h"
#include "content_deflate.h"
#include "content_marks.h"
#include "fold.h"
#include "hyph.h"
#include "i18n.h"
#include "impose.h"
#include "layout.h"
#include "page.h"
#include "part_lanes.h"
#include "pool.h"
#include "qr.h"
#include "shape_cache.h"
#include "spawn_self.h"
#include "style.h"
#include "text_renderer.h"
#include "toc.h"
#include "typo.h"
#include "worker_reap.h"
#include "xalloc.h"

#include <cairo-pdf.h>
#include <pango/pangofc-fontmap.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#define MAX_PASSES 4
#define DEST_BUCKETS 1024

/* ---- destinations: name → page, remembering what the layout was told ---- */

struct dest {
	char *name;
	int page;       /* 0: not placed */
	int told;       /* value returned to the layout */
	int asked;
	struct dest *next;
};

struct dests {
	struct dest *b[DEST_BUCKETS];
};


/* The PDF worker's process group while one runs, else 0 (pdf_cancel_kill_worker). */
static atomic_int worker_group;

void pdf_cancel_kill_worker(void)
{
	int pid = atomic_load(&worker_group);
	if (pid > 0)
		kill(-pid, SIGKILL);
}

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % DEST_BUCKETS;
}

static struct dest *dest_get(struct dests *m, const char *name)
{
	unsigned h = hash(name);
	for (struct dest *e = m->b[h]; e; e = e->next)
		if (strcmp(e->name, name) == 0)
			return e;
	struct dest *e = xcalloc(1, sizeof *e);
	e->name = xstrdup(name);
	e->next = m->b[h];
	m->b[h] = e;
	return e;
}

static int page_of(void *ctx, const char *name)
{
	struct dest *e = dest_get(ctx, name);
	e->asked = 1;
	e->told = e->page;
	return e->page;
}

/* page_of for typesetters on two threads (part_lanes.h). */
struct locked_dests {
	struct dests *m;
	pthread_mutex_t lock;
};

static int page_of_locked(void *ctx, const char *name)
{
	struct locked_dests *ld = ctx;
	pthread_mutex_lock(&ld->lock);
	int page = page_of(ld->m, name);
	pthread_mutex_unlock(&ld->lock);
	return page;
}

/* 1 when every page number given to the layout is still right. */
static int dests_stable(struct dests *m)
{
	for (size_t i = 0; i < DEST_BUCKETS; i++)
		for (struct dest *e = m->b[i]; e; e = e->next)
			if (e->asked && e->told != e->page)
				return 0;
	return 1;
}

static void dests_free(struct dests *m)
{
	for (size_t i = 0; i < DEST_BUCKETS; i++) {
		struct dest *e = m->b[i];
		while (e) {
			struct dest *n = e->next;
			free(e->name);
			free(e);
			e = n;
		}
		m->b[i] = NULL;
	}
}

/* ---- fonts ---- */

struct font_choice {
	const char *family;
	const char *package;
};

static const struct font_choice fonts[] = {
	{"Carlito", "fonts-crosextra-carlito"},
	{"DejaVu Sans", "fonts-dejavu-core"},
};

static pthread_t fonts_warm_thread;
static int fonts_warming;

static void *fonts_warm(void *unused)
{
	(void)unused;
	FcInit();
	return NULL;
}

void pdf_fonts_warm_start(void)
{
	if (!fonts_warming)
		fonts_warming = pthread_create(&fonts_warm_thread, NULL, fonts_warm, NULL) == 0;
}

void pdf_fonts_warm_wait(void)
{
	if (fonts_warming)
		pthread_join(fonts_warm_thread, NULL);
	fonts_warming = 0;
}

/* The first family with regular, bold and italic faces installed, or NULL. */
static const char *find_family(void)
{
	FcInit();
	for (size_t i = 0; i < sizeof fonts / sizeof *fonts; i++) {
		FcPattern *p = FcPatternCreate();
		FcPatternAddString(p, FC_FAMILY, (const FcChar8 *)fonts[i].family);
		FcObjectSet *os = FcObjectSetBuild(FC_WEIGHT, FC_SLANT, NULL);
		FcFontSet *set = FcFontList(NULL, p, os);
		int regular = 0, bold = 0, italic = 0;
		for (int k = 0; set && k < set->nfont; k++) {
			int w = 0, sl = 0;
			FcPatternGetInteger(set->fonts[k], FC_WEIGHT, 0, &w);
			FcPatternGetInteger(set->fonts[k], FC_SLANT, 0, &sl);
			regular |= w == FC_WEIGHT_REGULAR && sl == FC_SLANT_ROMAN;
			bold |= w >= FC_WEIGHT_BOLD && sl == FC_SLANT_ROMAN;
			italic |= sl != FC_SLANT_ROMAN && w == FC_WEIGHT_REGULAR;
		}
		if (set)
			FcFontSetDestroy(set);
		FcObjectSetDestroy(os);
		FcPatternDestroy(p);
		if (regular && bold && italic)
			return fonts[i].family;
	}
	return NULL;
}

/* ---- one booklet ---- */

struct job {
	const struct site *s;
	const struct book *b;
	const struct hyph *h;
	const char *family;
	const char *base_url;
	long long epoch;
	struct buf pdf, imposed;
	cairo_status_t failed;  /* CAIRO_STATUS_SUCCESS (0) or why the PDF is wrong */
	struct buf error;       /* a leaflet's text too long: "LINE:COL:message" lines (fold.h) */
	int lanes;              /* threads its parts may be laid out on (part_lanes.h); 0 is one */
};

/* Everything drawn for one booklet, shared by the reading-order and imposed files. */
struct furniture;

struct doc_pages {
	struct job *j;
	struct page_geom g;
	const struct style *style;
	struct lay *L;
	struct flow body, toc;
	struct page_list bp, tp;
	struct dests map;
	struct ptrs alts;   /* char *: text alternatives of the Figures, in drawing order */
	int front;          /* pages before the body: cover and sommaire */
	int total;          /* pages of the reading-order file */
	int back;           /* page number of the back cover, 0 when none */
	int colophon;       /* page number of the colophon (the page before the back cover), or 0 */
	cairo_surface_t *surface; /* while drawing the reading-order file */
	struct toc items;   /* what the sommaire and the bookmarks list */
	struct head *heads; /* running heads laid out so far (running_head_of) */
	size_t nheads;
	struct furniture *fur; /* page numbers and running heads laid out ahead, or NULL */
};

/* A running head's layout, kept: the same few heads come back on every page of a chapter. */
struct head {
	char *text;
	int recto;
	PangoLayout *layout;
};

static const char *const months[] = {WORDS_MONTHS};

static void show(cairo_t *cr, PangoLayout *l, double x, double y)
{
	cairo_move_to(cr, x, y);
	text_show_layout(cr, l);
}

/* show, the text being a structure element tag (P, H1) when the drawing is tagged. */
static void show_as(cairo_t *cr, int tagged, const char *tag, PangoLayout *l, double x, double y)
{
	if (tagged)
		cairo_tag_begin(cr, tag, "");
	show(cr, l, x, y);
	if (tagged)
		cairo_tag_end(cr, tag);
}

static double layout_h(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static void draw_cover(struct doc_pages *dp, cairo_t *cr, int tagged)
{
	const struct book *b = dp->j->b;
	const struct site *s = dp->j->s;
	const struct page_geom *g = &dp->g;
	double fw = g->w - g->left - g->right, bs = g->body_size;
	cairo_set_source_rgb(cr, 0.11, 0.26, 0.33);
	cairo_rectangle(cr, 0, 0, g->w, g->h * 0.58);
	cairo_fill(cr);
	double y = g->h * 0.16;
	PangoLayout *k = lay_text(dp->L, s->title ? s->title : "", bs * 1.1, 1, 0, fw,
				  PANGO_ALIGN_LEFT);
	cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
	show_as(cr, tagged, "P", k, g->left, y);
	y += layout_h(k) + bs * 1.5;
	g_object_unref(k);
	PangoLayout *t = lay_text(dp->L, b->title, bs * 3.2, 1, 0, fw, PANGO_ALIGN_LEFT);
	/* The booklet's title is its first heading: H1, as the sommaire and the documents. */
	cairo_set_source_rgb(cr, 1, 1, 1);
	show_as(cr, tagged, "H1", t, g->left, y);
	y += layout_h(t) + bs;
	g_object_unref(t);
	if (b->subtitle && *b->subtitle) {
		PangoLayout *st = lay_text(dp->L, b->subtitle, bs * 1.5, 0, 1, fw, PANGO_ALIGN_LEFT);
		cairo_set_source_rgba(cr, 1, 1, 1, 0.92);
		show_as(cr, tagged, "P", st, g->left, y);
		g_object_unref(st);
	}
	struct buf lines = BUF_INIT;
	if (s->subtitle)
		buf_printf(&lines, "%s\n", s->subtitle);
	if (dp->j->epoch > 0) {
		time_t when = (time_t)dp->j->epoch;
		struct tm tm;
		gmtime_r(&when, &tm);
		buf_printf(&lines, WORDS_EDITION, months[tm.tm_mon], tm.tm_year + 1900);
	}
	PangoLayout *f = lay_text(dp->L, lines.data ? lines.data : "", bs * 1.05, 0, 0, fw,
				  PANGO_ALIGN_LEFT);
	cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
	if (tagged && lines.len)
		cairo_tag_begin(cr, "P", "");
	show(cr, f, g->left, g->h - g->bottom - layout_h(f));
	if (tagged && lines.len)
		cairo_tag_end(cr, "P");
	g_object_unref(f);
	buf_free(&lines);
}

static void draw_back_cover(struct doc_pages *dp, cairo_t *cr, int tagged)
{
	const struct site *s = dp->j->s;
	const struct page_geom *g = &dp->g;
	double fw = g->w - g->left - g->right, bs = g->body_size, y = g->h * 0.45;
	cairo_set_source_rgb(cr, 0.11, 0.26, 0.33);
	cairo_rectangle(cr, 0, g->h * 0.42, g->w, g->h * 0.58);
	cairo_fill(cr);
	struct buf t = BUF_INIT;
	buf_printf(&t, "%s\n", s->title ? s->title : "");
	/* The démarche's contacts: the organisations of contacts.yaml. */
	int shown = 0;
	for (size_t i = 0; i < s->ncontacts && shown < 8; i++) {
		const struct entry *e = &s->contacts[i];
		const char *kind = json_string_value(json_object_get(e->data, "kind"));
		const char *mail = json_string_value(json_object_get(e->data, "email"));
		if (!kind || strcmp(kind, "organisation") != 0)
			continue;
		buf_printf(&t, "\n%s%s%s", e->label, mail ? " — " : "", mail ? mail : "");
		shown++;
	}
	if (s->footer)
		buf_printf(&t, "\n\n%s", s->footer);
	if (dp->j->base_url)
		buf_printf(&t, "\n\n%s", dp->j->base_url);
	PangoLayout *l = lay_text(dp->L, t.data, bs, 0, 0, fw - (dp->j->base_url ? 80 : 0),
				  PANGO_ALIGN_LEFT);
	cairo_set_source_rgb(cr, 1, 1, 1);
	show_as(cr, tagged, "P", l, g->left, y);
	g_object_unref(l);
	buf_free(&t);
	if (dp->j->base_url) {
		if (tagged) {
			cairo_tag_begin(cr, "Figure", "");
			ptrs_add(&dp->alts, xstrdup(WORDS_SITE_QR));
		}
		qr_draw(cr, dp->j->base_url, g->w - g->right - 64, y, 64);
		if (tagged)
			cairo_tag_end(cr, "Figure");
	}
}

/*
 * A running head no wider than width: cut after a whole word, with « … »,
 * never inside a word. Caller unrefs.
 */
static PangoLayout *running_head(struct lay *L, const char *text, double size, int italic,
				 double width, PangoAlignment align)
{
	PangoLayout *l = lay_text(L, text, size, 0, italic, 1e5, align);
	pango_layout_set_width(l, -1);
	int w, h;
	pango_layout_get_size(l, &w, &h);
	char *cut = xstrdup(text);
	size_t n = strlen(cut);
	while ((double)w / PANGO_SCALE > width && n > 0) {
		/* Back to the previous space, then drop the punctuation before it. */
		while (n > 0 && cut[n - 1] != ' ')
			n--;
		while (n > 0 && (cut[n - 1] == ' ' || cut[n - 1] == ',' || cut[n - 1] == ':' ||
				 cut[n - 1] == ';' || cut[n - 1] == '-'))
			n--;
		if (n == 0)
			break;
		char *shown = xasprintf("%.*s…", (int)n, cut);
		g_object_unref(l);
		l = lay_text(L, shown, size, 0, italic, 1e5, align);
		pango_layout_set_width(l, -1);
		free(shown);
		pango_layout_get_size(l, &w, &h);
	}
	free(cut);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_alignment(l, align);
	return l;
}

/*
 * The running head of text on a recto or a verso (in the chapter's
 * italic or not), laid out once per booklet: drawing the same layout
 * again writes the same bytes.
 */
static PangoLayout *running_head_of(const struct doc_pages *dp, struct lay *L, struct head **heads,
				    size_t *nheads, const char *text, int recto, int italic)
{
	for (size_t i = 0; i < *nheads; i++)
		if ((*heads)[i].recto == recto && strcmp((*heads)[i].text, text) == 0)
			return (*heads)[i].layout;
	const struct page_geom *g = &dp->g;
	/* italic is recto && a running head: the text alone does not say it. */
	PangoLayout *l = running_head(L, text, g->body_size * dp->style->furniture, italic,
				      g->w - g->left - g->right, recto ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	*heads = xrealloc(*heads, (*nheads + 1) * sizeof **heads);
	(*heads)[(*nheads)++] = (struct head){xstrdup(text), recto, l};
	return l;
}

/* The running head page `number` shows above p (a recto shows its document's), or NULL. */
static const char *head_text(const struct doc_pages *dp, int number, const struct page_out *p)
{
	if (p->opens_doc)
		return NULL;
	const char *book = dp->j->b->single ? (dp->j->s->title ? dp->j->s->title : "") : dp->j->b->title;
	return number % 2 == 1 && p->running ? p->running : book;
}

/* Page `number`'s number, laid out by L (caller unrefs). */
static PangoLayout *number_layout(const struct doc_pages *dp, struct lay *L, int number)
{
	const struct page_geom *g = &dp->g;
	char num[16];
	snprintf(num, sizeof num, "%d", number);
	return lay_text(L, num, g->body_size * dp->style->furniture, 0, 0, g->w - g->left - g->right,
			number % 2 == 1 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
}

/*
 * The page furniture, laid out ahead on the idle core. With two lanes the
 * second lane's typesetter has nothing left to do once the parts are laid
 * out (part_lanes_idle_typesetter), and the second core little: a thread
 * of its own lays out each page's number and running head with it, in
 * page order, while this thread draws and Cairo writes the pages. Fonts of
 * either lane's font map give the same glyphs and positions (as for the
 * parts the lanes lay out), so the bytes do not change; the layouts are
 * the furniture's, freed with the booklet's (release_now).
 */
struct furniture {
	const struct doc_pages *dp;
	struct part_lanes *pl;
	struct lay *L;             /* the idle lane's typesetter: this thread's alone */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int total;
	const struct page_out **page; /* [total + 1]: what page n's furniture was laid out for */
	PangoLayout **num;         /* [total + 1]: page n's number */
	PangoLayout **head;        /* [total + 1]: page n's running head (in heads), or NULL */
	struct head *heads;        /* the distinct heads, laid out once each */
	size_t nheads;
	int ready;                 /* pages 1 to ready are laid out */
};

/* What draw_page passes draw_furniture for page n, or NULL when it draws none (covers). */
static const struct page_out *furniture_page(const struct doc_pages *dp, int n, const struct page_out *none)
{
	if (dp->front && n == 1)
		return NULL;
	if (n <= dp->front)
		return n >= 2 && (size_t)(n - 2) < dp->tp.n ? &dp->tp.v[n - 2] : NULL;
	if (n - dp->front <= (int)dp->bp.n)
		return &dp->bp.v[n - dp->front - 1];
	return n == dp->back ? NULL : none;
}

/*
 * l with its lines laid out on this thread. Pango lays a layout out when
 * it is first measured or drawn, and linebreak_total_fit leaves the lines
 * to do; done on the drawing thread, that would use the idle lane's font
 * map (its fontset cache, its fonts) while this thread lays the next
 * pages out with it, and Pango's font maps are one thread's at a time.
 * Measured here, the lines and their extents are kept in the layout, and
 * drawing only reads them.
 */
static PangoLayout *laid_out(PangoLayout *l)
{
	if (l)
		pango_layout_get_size(l, NULL, NULL);
	return l;
}

static void *furniture_main(void *arg)
{
	struct furniture *fu = arg;
	static const struct page_out none = {.opens_doc = 1};
	/* Waited for here, not on the drawing thread: the lane lets go of its kept shapings as it ends. */
	fu->L = part_lanes_idle_typesetter(fu->pl);
	for (int n = 1; n <= fu->total; n++) {
		const struct page_out *p = furniture_page(fu->dp, n, &none);
		PangoLayout *num = p ? laid_out(number_layout(fu->dp, fu->L, n)) : NULL, *head = NULL;
		const char *text = p ? head_text(fu->dp, n, p) : NULL;
		if (text)
			head = laid_out(running_head_of(fu->dp, fu->L, &fu->heads, &fu->nheads, text, n % 2 == 1,
							n % 2 == 1 && p->running));
		pthread_mutex_lock(&fu->lock);
		fu->page[n] = p;
		fu->num[n] = num;
		fu->head[n] = head;
		fu->ready = n;
		pthread_cond_broadcast(&fu->cond);
		pthread_mutex_unlock(&fu->lock);
	}
	/* The kept shapings are this thread's, and name the lane's fonts. */
	shape_cache_release();
	return NULL;
}

/* Starts laying the furniture out with the second lane's typesetter; NULL with one lane. */
static struct furniture *furniture_start(const struct doc_pages *dp, struct part_lanes *pl)
{
	if (!pl)
		return NULL;
	struct furniture *fu = xcalloc(1, sizeof *fu);
	fu->dp = dp;
	fu->pl = pl;
	fu->total = dp->total;
	fu->page = xcalloc((size_t)dp->total + 1, sizeof *fu->page);
	fu->num = xcalloc((size_t)dp->total + 1, sizeof *fu->num);
	fu->head = xcalloc((size_t)dp->total + 1, sizeof *fu->head);
	pthread_mutex_init(&fu->lock, NULL);
	pthread_cond_init(&fu->cond, NULL);
	if (pthread_create(&fu->thread, NULL, furniture_main, fu) != 0) {
		pthread_cond_destroy(&fu->cond);
		pthread_mutex_destroy(&fu->lock);
		free(fu->page);
		free(fu->num);
		free(fu->head);
		free(fu);
		return NULL;
	}
	return fu;
}

/* Page n's furniture from fu, waiting for it; 0 when fu laid it out for another page_out than p. */
static int furniture_take(struct furniture *fu, int n, const struct page_out *p, PangoLayout **num,
			  PangoLayout **head)
{
	if (!fu || n < 1 || n > fu->total)
		return 0;
	pthread_mutex_lock(&fu->lock);
	while (fu->ready < n)
		pthread_cond_wait(&fu->cond, &fu->lock);
	int ok = fu->page[n] == p || (fu->page[n] && p && fu->page[n]->opens_doc && p->opens_doc &&
				       !fu->page[n]->running && !p->running);
	*num = fu->num[n];
	*head = fu->head[n];
	pthread_mutex_unlock(&fu->lock);
	return ok && *num;
}

/* Waits for fu's thread and frees its layouts (before the typesetter they name). */
static void furniture_free(struct furniture *fu)
{
	if (!fu)
		return;
	pthread_join(fu->thread, NULL);
	for (int n = 1; n <= fu->total; n++)
		if (fu->num[n])
			g_object_unref(fu->num[n]);
	for (size_t i = 0; i < fu->nheads; i++) {
		free(fu->heads[i].text);
		g_object_unref(fu->heads[i].layout);
	}
	free(fu->heads);
	free(fu->page);
	free(fu->num);
	free(fu->head);
	pthread_cond_destroy(&fu->cond);
	pthread_mutex_destroy(&fu->lock);
	free(fu);
}

/*
 * Running head and page number, mirrored: on a verso (even page) the
 * booklet's title at the left and the number in the outer (left) corner;
 * on a recto the current document's title at the right and the number in
 * the right corner.
 */
static void draw_furniture(struct doc_pages *dp, cairo_t *cr, int number, const struct page_out *p)
{
	const struct page_geom *g = &dp->g;
	int recto = number % 2 == 1;
	PangoLayout *ahead_num = NULL, *ahead_head = NULL;
	int ahead = furniture_take(dp->fur, number, p, &ahead_num, &ahead_head);
	cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
	if (!p->opens_doc) {
		const char *head = head_text(dp, number, p);
		show(cr, ahead ? ahead_head : running_head_of(dp, dp->L, &dp->heads, &dp->nheads, head, recto,
							     recto && p->running),
		     g->left, g->top - 30);
		cairo_set_line_width(cr, 0.4);
		cairo_move_to(cr, g->left, g->top - 16);
		cairo_line_to(cr, g->w - g->right, g->top - 16);
		cairo_stroke(cr);
	}
	PangoLayout *n = ahead ? ahead_num : number_layout(dp, dp->L, number);
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	show(cr, n, g->left, g->h - g->bottom + 22);
	if (!ahead)
		g_object_unref(n);
}

/*
 * The bookmarks: under the booklet's title (outline item root), the same
 * tree as the sommaire, each item a child of the last one a level up.
 */
static void add_outline(struct doc_pages *dp, int root)
{
	int parent[BOOKLET_TOC_MAX + 4];
	int top = (int)(sizeof parent / sizeof *parent) - 1;
	parent[0] = root;
	for (size_t i = 0; i < dp->items.n; i++) {
		const struct toc_item *it = &dp->items.v[i];
		int d = it->depth < top ? it->depth : top - 1;
		char *label = toc_label(it);
		char *dest = page_quote(it->dest);
		char *link = xasprintf("dest=%s", dest);
		parent[d + 1] = cairo_pdf_surface_add_outline(dp->surface, parent[d], label, link,
							      it->kind == TOC_PART ?
							      CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
		free(link);
		free(dest);
		free(label);
	}
}

/*
 * A page left over before the back cover (so that it falls on a verso, or
 * the sheets of an imposed booklet are full): a « Notes » page, ruled for
 * the reader's own notes, rather than a blank one.
 */
static void draw_notes_page(struct doc_pages *dp, cairo_t *cr, int number, int tagged)
{
	const struct page_geom *g = &dp->g;
	double fw = g->w - g->left - g->right;
	PangoLayout *t = lay_text(dp->L, WORDS_NOTES, g->body_size * dp->style->h1, 1, 0, fw, PANGO_ALIGN_LEFT);
	cairo_set_source_rgb(cr, 0.11, 0.26, 0.33);
	show_as(cr, tagged, "H1", t, g->left, g->top);
	double y = g->top + layout_h(t) + g->body_size * 2;
	g_object_unref(t);
	cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
	cairo_set_line_width(cr, 0.4);
	for (double step = g->body_size * 2.2; y < g->h - g->bottom; y += step) {
		cairo_move_to(cr, g->left, y);
		cairo_line_to(cr, g->w - g->right, y);
	}
	cairo_stroke(cr);
	struct page_out none = {0};
	none.opens_doc = 1;
	draw_furniture(dp, cr, number, &none);
}

/*
 * The colophon (colophon.c), on the page before the back cover: a heading,
 * then its paragraphs in the small size of the appendices.
 */
static void draw_colophon(struct doc_pages *dp, cairo_t *cr, int number, int tagged)
{
	const struct page_geom *g = &dp->g;
	double fw = g->w - g->left - g->right, bs = g->body_size;
	PangoLayout *t = lay_text(dp->L, WORDS_COLOPHON, bs * dp->style->h1, 1, 0, fw, PANGO_ALIGN_LEFT);
	cairo_set_source_rgb(cr, 0.11, 0.26, 0.33);
	show_as(cr, tagged, "H1", t, g->left, g->top);
	double y = g->top + layout_h(t) + bs * 1.2;
	g_object_unref(t);
	struct ptrs paras = {0};
	colophon_paragraphs(dp->j->s, dp->j->b, dp->j->epoch, dp->j->base_url, &paras);
	cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
	for (size_t i = 0; i < paras.n; i++) {
		PangoLayout *l = lay_text(dp->L, paras.v[i], bs * dp->style->contact, 0, 0, fw,
					  PANGO_ALIGN_LEFT);
		show_as(cr, tagged, "P", l, g->left, y);
		y += layout_h(l) + bs * 0.8;
		g_object_unref(l);
		free(paras.v[i]);
	}
	ptrs_free(&paras);
	struct page_out none = {0};
	none.opens_doc = 1;
	draw_furniture(dp, cr, number, &none);
}

/* Draws reading-order page `number` (1-based). */
static void draw_page(struct doc_pages *dp, cairo_t *cr, int number, int tagged)
{
	struct page_draw pd = {&dp->body, &dp->g, tagged, page_of, &dp->map, &dp->alts};
	if (dp->front && number == 1) {
		draw_cover(dp, cr, tagged);
	} else if (number <= dp->front) {
		if (number == 2) {
			PangoLayout *t = lay_text(dp->L, WORDS_CONTENTS, dp->g.body_size * dp->style->toc_title, 1, 0,
						  dp->g.w - dp->g.left - dp->g.right, PANGO_ALIGN_LEFT);
			cairo_set_source_rgb(cr, 0.11, 0.26, 0.33);
			show_as(cr, tagged, "H1", t, dp->g.left, dp->g.top);
			g_object_unref(t);
		}
		pd.f = &dp->toc;
		const struct page_out *p = &dp->tp.v[number - 2];
		draw_furniture(dp, cr, number, p);
		page_draw(&pd, cr, p);
	} else if (number - dp->front <= (int)dp->bp.n) {
		const struct page_out *p = &dp->bp.v[number - dp->front - 1];
		draw_furniture(dp, cr, number, p);
		page_draw(&pd, cr, p);
	} else if (number == dp->colophon) {
		draw_colophon(dp, cr, number, tagged);
	} else if (number == dp->back) {
		draw_back_cover(dp, cr, tagged);
	} else {
		draw_notes_page(dp, cr, number, tagged);
	}
}

static void impose_cb(void *ctx, cairo_t *cr, int page)
{
	draw_page(ctx, cr, page, 0);
}

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int len)
{
	buf_put(closure, (const char *)data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* Records the page of every destination; 1 when some printed number changed. */
static void place_dests(struct doc_pages *dp)
{
	for (size_t i = 0; i < DEST_BUCKETS; i++)
		for (struct dest *e = dp->map.b[i]; e; e = e->next)
			e->page = 0;
	for (size_t p = 0; p < dp->bp.n; p++) {
		const struct page_out *pg = &dp->bp.v[p];
		for (size_t i = 0; i < pg->n; i++) {
			const struct blk *b = &dp->body.v[pg->v[i].blk];
			if (b->dest && pg->v[i].line0 == 0 && pg->v[i].row0 == 0) {
				struct dest *e = dest_get(&dp->map, b->dest);
				if (!e->page)
					e->page = dp->front + (int)p + 1;
			}
		}
	}
}

/* Pages the body of j's booklet takes in style st (its page numbers unknown). */
static size_t body_pages(struct job *j, const struct style *st)
{
	struct dests map = {0};
	struct lay_options lo = {j->family, st->page.w - st->page.left - st->page.right,
				 st->page.body_size, st, j->base_url, page_of, &map};
	struct lay *L = lay_new(j->s, j->b, j->h, &lo);
	struct flow f = {0};
	lay_book(L, &f);
	struct page_list pl;
	page_break_flow(&f, &st->page, &pl);
	size_t n = pl.n;
	page_list_free(&pl);
	flow_free(&f);
	lay_free(L);
	dests_free(&map);
	return n;
}

/*
 * A fiche alone fits one page when its text does: one that spills onto a
 * second page is tried a little tighter (style_tighten), and set so when
 * that holds it on one page.
 */
static const struct style *fitting_style(struct job *j, const struct style *base, struct style *tight)
{
	if (!j->b->single || body_pages(j, base) != 2)
		return base;
	for (int step = 1; step <= STYLE_TIGHTEN_STEPS; step++) {
		style_tighten(base, step, tight);
		if (body_pages(j, tight) == 1)
			return tight;
	}
	return base;
}

/*
 * Lays the booklet out until the page numbers it prints are those of its
 * pages (at most MAX_PASSES times), the sommaire once. Pass 0 lays out
 * every part; later passes lay out again only the parts that print page
 * numbers, and move the others' blocks over. With pl, the parts are laid
 * out on two lanes (part_lanes.h); returns -1 when Pango's race caught a
 * font there, else 0.
 */
static int lay_passes(struct doc_pages *dp, struct part_lanes *pl)
{
	struct job *j = dp->j;
	size_t nparts = j->b->nparts;
	size_t *start = xcalloc(nparts + 1, sizeof *start);
	int *again = xcalloc(nparts + 1, sizeof *again);
	int *owner = xmalloc((nparts + 1) * sizeof *owner);
	unsigned char *todo = xcalloc(nparts + 1, 1);
	struct flow *parts = xcalloc(nparts + 1, sizeof *parts);
	int caught = 0;
	for (size_t i = 0; i < nparts; i++)
		owner[i] = -1;
	for (int pass = 0; pass < MAX_PASSES; pass++) {
		page_list_free(&dp->bp);
		for (size_t i = 0; i < nparts; i++)
			todo[i] = pass == 0 || again[i];
		part_lanes_lay(pl, dp->L, j->b, todo, owner, parts, again);
		struct flow next = {0};
		for (size_t i = 0; i < nparts; i++) {
			size_t at = next.n;
			if (todo[i]) {
				flow_move(&next, &parts[i], 0, parts[i].n);
				flow_free(&parts[i]);
			} else {
				flow_move(&next, &dp->body, start[i], start[i + 1]);
			}
			start[i] = at;
		}
		start[nparts] = next.n;
		flow_free(&dp->body);
		dp->body = next;
		if (pl && !lay_fonts_measured(&dp->body)) {
			caught = 1;
			break;
		}
		if (pass == 0) {
			/* A fiche alone has no sommaire; its bookmarks go down to its sections. */
			toc_collect(&dp->body, j->b, j->b->single ? 2 : booklet_toc_depth(j->b), &dp->items);
		}
		if (pass == 0 && !j->b->single) {
			for (size_t i = 0; i < dp->items.n; i++) {
				const struct toc_item *it = &dp->items.v[i];
				lay_toc_entry(dp->L, &dp->toc, it->depth, (int)it->kind, it->title, it->kicker,
					      it->dest);
			}
			struct page_geom tg = dp->g;
			tg.top += dp->g.body_size * 4;
			page_break_flow(&dp->toc, &tg, &dp->tp);
			dp->front = 1 + (int)dp->tp.n;
		}
		page_break_flow(&dp->body, &dp->g, &dp->bp);
		place_dests(dp);
		if (dests_stable(&dp->map))
			break;
	}
	free(start);
	free(again);
	free(owner);
	free(todo);
	free(parts);
	return caught ? -1 : 0;
}

/*
 * What a booklet's typesetting holds until its file is made: the flows'
 * layouts, the running heads, the typesetters and their font maps (about
 * 23 M instructions to free in the complete guide). With two lanes the
 * second core is idle once the pages are drawn, so they are freed there
 * while this thread completes the file (catalog, pdf_post); typeset joins
 * that thread before it returns. From release_start on, only the thread
 * frees or reads them.
 */
struct release {
	struct doc_pages *dp;
	struct part_lanes *pl;
	pthread_t thread;
	int state; /* 0: not released, 1: released here, 2: a thread releases them */
};

static void release_now(struct doc_pages *dp, struct part_lanes *pl)
{
	furniture_free(dp->fur);
	dp->fur = NULL;
	for (size_t i = 0; i < dp->nheads; i++) {
		free(dp->heads[i].text);
		g_object_unref(dp->heads[i].layout);
	}
	free(dp->heads);
	flow_free(&dp->body);
	flow_free(&dp->toc);
	toc_free(&dp->items);
	page_list_free(&dp->bp);
	page_list_free(&dp->tp);
	dests_free(&dp->map);
	lay_free(dp->L);
	part_lanes_free(pl);
}

static void *release_main(void *arg)
{
	struct release *r = arg;
	release_now(r->dp, r->pl);
	return NULL;
}

/* No page is drawn from here: dp's layouts and typesetters released, on a thread with two lanes. */
static void release_start(struct release *r, struct doc_pages *dp, struct part_lanes *pl)
{
	if (r->state)
		return;
	r->dp = dp;
	r->pl = pl;
	r->state = 1;
	if (pl) {
		/* The kept shapings are this thread's own (shape_cache.c): released here, as lay_free would. */
		shape_cache_release();
		if (pthread_create(&r->thread, NULL, release_main, r) == 0) {
			r->state = 2;
			return;
		}
	}
	release_now(dp, pl);
}

static void release_join(struct release *r)
{
	if (r->state == 2)
		pthread_join(r->thread, NULL);
	r->state = 1;
}

static void typeset(struct job *j)
{
	if (j->b->fold) {
		struct fold_out fo = {BUF_INIT, BUF_INIT, BUF_INIT, 0};
		fold_typeset(j->s, j->b, j->h, j->family, j->base_url, j->epoch, &fo);
		j->pdf = fo.pdf;
		j->imposed = fo.print;
		j->error = fo.error;
		j->failed = fo.failed;
		return;
	}
	struct doc_pages dp = {0};
	dp.j = j;
	struct style tight;
	const struct style *style = fitting_style(j, style_get(j->b->a5), &tight);
	dp.g = style->page;
	dp.style = style;
	struct locked_dests ld = {&dp.map, PTHREAD_MUTEX_INITIALIZER};
	struct lay_options lo = {j->family, dp.g.w - dp.g.left - dp.g.right, dp.g.body_size, style,
				 j->base_url, page_of_locked, &ld};
	dp.L = lay_new(j->s, j->b, j->h, &lo);
	struct part_lanes *pl = j->lanes > 1 && j->b->nparts > 1 ?
				part_lanes_start(j->s, j->b, j->h, &lo) : NULL;
	if (lay_passes(&dp, pl) < 0) {
		if (getenv("FICHES_TIMING"))
			fprintf(stderr, "fiches: %s: a font caught by Pango's race, laid out again on one thread\n",
				j->b->name);
		/*
		 * Pango's race caught a font (part_lanes.h): everything laid out
		 * again on this thread alone, from a typesetter and page numbers
		 * as new.
		 */
		part_lanes_free(pl);
		pl = NULL;
		flow_free(&dp.body);
		flow_free(&dp.toc);
		toc_free(&dp.items);
		page_list_free(&dp.bp);
		page_list_free(&dp.tp);
		dests_free(&dp.map);
		dp.front = 0;
		lay_free(dp.L);
		dp.L = lay_new(j->s, j->b, j->h, &lo);
		lay_passes(&dp, NULL);
	}
	/* No part is laid out from here: the second lane ends while the pages are drawn. */
	part_lanes_finish(pl);
	dp.total = dp.front + (int)dp.bp.n;
	if (!j->b->single) {
		/* The colophon, then the back cover. */
		dp.total += 2;
		/* The back cover is a verso: padded with « Notes » pages (draw_notes_page). */
		if (j->b->impose)
			dp.total = impose_padded(dp.total);
		else if (dp.total % 2)
			dp.total++;
		dp.back = dp.total;
		dp.colophon = dp.total - 1;
	}
	/* With two lanes, the page numbers and running heads are laid out ahead on the idle core. */
	dp.fur = furniture_start(&dp, pl);

	/* Reading order. */
	cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(write_buf, &j->pdf, dp.g.w, dp.g.h);
	dp.surface = surf;
	struct pdf_info meta;
	pdf_info_set(&meta, surf, j->s, j->b->title, j->b->subtitle, NULL, j->epoch);
	cairo_t *cr = cairo_create(surf);
	char *root_title = typo_plain(j->b->title, strlen(j->b->title));
	int root = cairo_pdf_surface_add_outline(surf, CAIRO_PDF_OUTLINE_ROOT, root_title, "page=1",
						 CAIRO_PDF_OUTLINE_FLAG_OPEN);
	free(root_title);
	add_outline(&dp, root);
	/*
	 * With two lanes, the second core is idle from here: each page's
	 * content stream is marked there (content_marks.h) while the next
	 * page is drawn.
	 */
	struct content_marks *marks = pl ? content_marks_start() : NULL;
	for (int n = 1; n <= dp.total; n++) {
		draw_page(&dp, cr, n, 1);
		/* Cairo writes the page's content stream now; pdf_post deflates it. */
		size_t from = j->pdf.len;
		content_deflate_stored(1);
		cairo_show_page(cr);
		content_deflate_stored(0);
		content_marks_page(marks, j->pdf.data, from, j->pdf.len);
	}
	cairo_destroy(cr);
	cairo_surface_finish(surf);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS)
		j->failed = cairo_surface_status(surf);
	cairo_surface_destroy(surf);
	struct release rel = {0};
	if (!j->b->impose)
		release_start(&rel, &dp, pl);
	content_marks_done(marks);
	if (!j->failed) {
		catalog_figure_alts(&j->pdf, &dp.alts);
		catalog_complete(&j->pdf, meta.lang, 1);
		pdf_info_post(&j->pdf, &meta, 1, marks, &j->failed);
	}
	content_marks_free(marks);
	pdf_info_free(&meta);
	for (size_t i = 0; i < dp.alts.n; i++)
		free(dp.alts.v[i]);
	ptrs_free(&dp.alts);

	/* Imposed: the same pages two-up, without tags or links. */
	if (j->b->impose && !j->failed) {
		cairo_surface_t *sheet = cairo_pdf_surface_create_for_stream(write_buf, &j->imposed,
									     dp.g.h * 2 > 841 ? 841.89 : dp.g.h * 2,
									     dp.g.h);
		char *title = xasprintf(WORDS_IMPOSED_TITLE, j->b->title);
		/* Said in the file: it is for the printer, and carries no structure. */
		pdf_info_set(&meta, sheet, j->s, title, j->b->subtitle, WORDS_IMPOSED_KEYWORDS,
			     j->epoch);
		free(title);
		dp.surface = NULL;
		impose_draw(sheet, dp.total, dp.g.w, dp.g.h, impose_cb, &dp);
		cairo_surface_finish(sheet);
		if (cairo_surface_status(sheet) != CAIRO_STATUS_SUCCESS)
			j->failed = cairo_surface_status(sheet);
		cairo_surface_destroy(sheet);
		release_start(&rel, &dp, pl);
		if (!j->failed) {
			catalog_complete(&j->imposed, meta.lang, 0);
			pdf_info_post(&j->imposed, &meta, 0, NULL, &j->failed);
		}
		pdf_info_free(&meta);
	}
	release_start(&rel, &dp, pl);
	release_join(&rel);
	if (getenv("FICHES_TIMING")) {
		struct shape_stats st = shape_cache_stats();
		fprintf(stderr, "fiches: %s: shaping %lu requests, %lu sliced, %lu spliced, %lu joined "
			"(%lu words kept), %lu of %lu characters shaped; %lu soft hyphens kept out of the text; "
			"%lu fonts measured again\n",
			j->b->name, st.requests, st.sliced, st.spliced, st.joined, st.pieces_kept,
			st.shaped_chars, st.requested_chars, text_renderer_dropped(), part_lanes_fonts_repaired());
	}
}

/* ---- the site ---- */

struct run {
	struct job *jobs;
	size_t *order;
	size_t n;
	atomic_size_t done;
	int progress;
	pthread_mutex_t lock;
};

static void progress(struct run *r)
{
	size_t done = atomic_fetch_add(&r->done, 1) + 1;
	if (!r->progress)
		return;
	pthread_mutex_lock(&r->lock);
	int width = 30, filled = (int)(done * (size_t)width / (r->n ? r->n : 1));
	fprintf(stderr, "\rPDF [%.*s%*s] %zu/%zu", filled, "##############################",
		width - filled, "", done, r->n);
	if (done == r->n)
		fputc('\n', stderr);
	pthread_mutex_unlock(&r->lock);
}


/*
 * A child process typesets one booklet and sends back, on its pipe: the
 * status, then the PDF, the imposed PDF and a leaflet's errors, each as a
 * length and its bytes.
 */
/*
 * Typesets one booklet in a child and sends the result. The first child
 * also proves, with FICHES_DEBUG, whether Pango's shaping reaches the
 * kept shapings (the parent must not start Pango: see prepare).
 */
static void child_typeset(struct job *j, int fd, int first)
{
	if (first && getenv("FICHES_DEBUG"))
		shape_cache_status();
	typeset(j);
	long long status = j->failed;
	const struct buf *parts[3] = {&j->pdf, &j->imposed, &j->error};
	int ok = fd_write_all(fd, &status, sizeof status) == 0;
	for (int k = 0; ok && k < 3; k++) {
		unsigned long long len = parts[k]->len;
		ok = fd_write_all(fd, &len, sizeof len) == 0 &&
		     fd_write_all(fd, buf_cstr(parts[k]), parts[k]->len) == 0;
	}
	_exit(ok ? 0 : 1);
}

/* Splits what a child sent into the job's buffers; 0, or -1 when it is incomplete. */
static int take_result(struct job *j, const struct buf *msg)
{
	size_t off = 0;
	long long status;
	if (msg->len < sizeof status)
		return -1;
	memcpy(&status, msg->data, sizeof status);
	off += sizeof status;
	j->failed = (int)status;
	struct buf *parts[3] = {&j->pdf, &j->imposed, &j->error};
	for (int k = 0; k < 3; k++) {
		unsigned long long len;
		if (msg->len - off < sizeof len)
			return -1;
		memcpy(&len, msg->data + off, sizeof len);
		off += sizeof len;
		if (msg->len - off < len)
			return -1;
		buf_reset(parts[k]);
		if (len)
			buf_put(parts[k], msg->data + off, (size_t)len);
		off += (size_t)len;
	}
	return 0;
}

/*
 * Typesets every job, at most `jobs` at a time, each in its own child
 * process. Why processes: Pango, Cairo and FreeType keep process-wide
 * caches, and with threads the order in which booklets warm them shows in
 * the glyph positions written to the PDF. A child forked from a parent
 * that has typeset nothing always starts from the same state, so a
 * booklet's bytes never depend on the others, on -j or on timing.
 * Returns 0, or -1 when a child could not be started or died.
 */
static int typeset_all(struct run *r, int jobs)
{
	if (jobs <= 0)
		jobs = pool_cores();
	struct slot {
		pid_t pid;
		int fd;
		size_t job;
		struct buf msg;
	} *slots = xcalloc((size_t)jobs, sizeof *slots);
	size_t next = 0, running = 0;
	int status = 0;
	fflush(NULL);
	while (next < r->n || running) {
		while (next < r->n && running < (size_t)jobs) {
			int fds[2];
			if (pipe(fds) < 0) {
				status = -1;
				next = r->n;
				break;
			}
			size_t job = r->order[next++];
			pid_t pid = fork();
			if (pid < 0) {
				close(fds[0]);
				close(fds[1]);
				status = -1;
				next = r->n;
				break;
			}
			if (pid == 0) {
				close(fds[0]);
				child_typeset(&r->jobs[job], fds[1], next == 1);
			}
			close(fds[1]);
			for (int k = 0; k < jobs; k++) {
				if (slots[k].pid == 0) {
					slots[k] = (struct slot){pid, fds[0], job, BUF_INIT};
					break;
				}
			}
			running++;
		}
		if (!running)
			break;
		struct pollfd pfd[jobs];
		int map[jobs], np = 0;
		for (int k = 0; k < jobs; k++) {
			if (slots[k].pid) {
				pfd[np] = (struct pollfd){slots[k].fd, POLLIN, 0};
				map[np++] = k;
			}
		}
		if (poll(pfd, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			status = -1;
			break;
		}
		for (int q = 0; q < np; q++) {
			if (!(pfd[q].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			struct slot *sl = &slots[map[q]];
			char chunk[65536];
			ssize_t got = read(sl->fd, chunk, sizeof chunk);
			if (got < 0 && errno == EINTR)
				continue;
			if (got > 0) {
				buf_put(&sl->msg, chunk, (size_t)got);
				continue;
			}
			close(sl->fd);
			int wstatus = 0;
			while (waitpid(sl->pid, &wstatus, 0) < 0 && errno == EINTR)
				;
			struct job *j = &r->jobs[sl->job];
			if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0 ||
			    take_result(j, &sl->msg) < 0) {
				j->failed = CAIRO_STATUS_WRITE_ERROR;
				status = -1;
			}
			buf_free(&sl->msg);
			sl->pid = 0;
			running--;
			progress(r);
		}
	}
	for (int k = 0; k < jobs; k++) {
		if (slots[k].pid) {
			close(slots[k].fd);
			waitpid(slots[k].pid, NULL, 0);
			buf_free(&slots[k].msg);
		}
	}
	free(slots);
	return status;
}

static long long resolve_epoch(long long given)
{
	if (given >= 0)
		return given;
	const char *env = getenv("SOURCE_DATE_EPOCH");
	if (env && *env) {
		char *end;
		long long v = strtoll(env, &end, 10);
		if (!*end && v > 0)
			return v;
	}
	return 0;
}

/* Base URL ending in '/', or NULL. Caller frees. */
static char *base_url(const struct site *s, const char *given)
{
	const char *u = given ? given : s->base_url;
	if (!u || !*u)
		return NULL;
	size_t n = strlen(u);
	return u[n - 1] == '/' ? xstrdup(u) : xasprintf("%s/", u);
}

static const char *prepare(struct diag *d, struct hyph **h)
{
	const char *family = find_family();
	if (!family) {
		diag_error(d, NULL, 0, 0,
			   _("no font for the PDF booklets: install the Debian package fonts-crosextra-carlito"));
		return NULL;
	}
	*h = hyph_new(NULL, d);
	if (!*h)
		return NULL;
	/*
	 * Nothing here touches Pango: a Pango font map initialises fontconfig
	 * on a GLib worker thread, which stays alive afterwards and takes GLib's
	 * locks. The booklets are typeset in children forked from this process;
	 * had such a thread held a lock at fork time, a child would wait for it
	 * forever (a build hung that way). Each child starts Pango on its own.
	 */
	return family;
}

void pdf_check_booklets(const struct site *s, struct diag *d)
{
	booklet_check(s, d);
}

static size_t weight(const struct book *b)
{
	return b->nparts * (b->summaries ? 1 : 8) + b->impose;
}

/*
 * Where a pass's files go: the stage, or (in a PDF worker) a pipe to the
 * process that owns the stage, as records:
 *   'F' u64 path length, path, u64 data length, data   a file
 *   'M' u64 length, message                             an error to report
 *   'L' u64 path length, path, u64 length, "LINE:COL:message"
 *                                                       a leaflet too long, at its line
 *   'D'                                                 the pass is complete
 */
struct sink {
	struct stage *st;
	int fd;
	int failed;             /* writing to fd failed */
};

static void put_record(struct sink *k, char type, const char *a, size_t alen, const char *b,
		       size_t blen, int with_b)
{
	unsigned long long n = alen;
	k->failed = k->failed || fd_write_all(k->fd, &type, 1) < 0 ||
		    fd_write_all(k->fd, &n, sizeof n) < 0 || fd_write_all(k->fd, a, alen) < 0;
	if (with_b) {
		n = blen;
		k->failed = k->failed || fd_write_all(k->fd, &n, sizeof n) < 0 ||
			    fd_write_all(k->fd, b, blen) < 0;
	}
}

/* Hands a file to the sink, which frees data. */
static void sink_file(struct sink *k, const char *path, char *data, size_t len)
{
	if (k->st) {
		stage_add(k->st, path, data, len);
		return;
	}
	put_record(k, 'F', path, strlen(path), data ? data : "", len, 1);
	free(data);
}

static void sink_error(struct sink *k, struct diag *d, const char *msg)
{
	if (k->st)
		diag_error(d, NULL, 0, 0, "%s", msg);
	else
		put_record(k, 'M', msg, strlen(msg), NULL, 0, 0);
}

/*
 * Reports each "LINE:COL:message" of a leaflet's errors at its line of the
 * definition (to d, or as a record of a worker's pipe); k NULL: to d.
 */
static void report_fold_errors(const struct job *j, struct sink *k, struct diag *d)
{
	const char *path = j->b->def ? j->b->def->path : NULL;
	char *text = xstrndup(j->error.data, j->error.len), *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		int line = 0, col = 0, used = 0;
		if (sscanf(l, "%d:%d:%n", &line, &col, &used) < 2 || !used)
			continue;
		if (k && !k->st) {
			put_record(k, 'L', path ? path : "", path ? strlen(path) : 0, l, strlen(l), 1);
		} else {
			diag_error(d, path, line, col, "%s", l + used);
		}
	}
	free(text);
}

/* Typesets every booklet of the site into the sink; 0, or -1 after reporting a failure. */
static int site_pass(const struct site *s, const struct pdf_options *o, struct diag *d,
		     struct sink *k)
{
	struct hyph *h = NULL;
	const char *family = prepare(d, &h);
	if (!family) {
		hyph_free(h);
		return -1;
	}
	size_t n;
	struct book *books = booklet_site(s, &n);
	char *url = base_url(s, o->base_url);
	struct run r = {0};
	r.jobs = xcalloc(n ? n : 1, sizeof *r.jobs);
	r.order = xcalloc(n ? n : 1, sizeof *r.order);
	r.n = n;
	r.progress = o->progress && isatty(2);
	pthread_mutex_init(&r.lock, NULL);
	long long epoch = resolve_epoch(o->source_date_epoch);
	for (size_t i = 0; i < n; i++) {
		r.jobs[i] = (struct job){s, &books[i], h, family, url, epoch, BUF_INIT, BUF_INIT,
					 0, BUF_INIT, 1};
		r.order[i] = i;
	}
	/* Longest first, so the big booklets do not end the run alone on one core. */
	for (size_t i = 1; i < n; i++)
		for (size_t k2 = i; k2 > 0 && weight(&books[r.order[k2]]) > weight(&books[r.order[k2 - 1]]); k2--) {
			size_t t = r.order[k2];
			r.order[k2] = r.order[k2 - 1];
			r.order[k2 - 1] = t;
		}
	int status = typeset_all(&r, o->jobs);
	for (size_t i = 0; i < n; i++) {
		struct job *j = &r.jobs[i];
		if (j->failed) {
			char *msg = xasprintf(_("cannot typeset the booklet '%s': %s"), j->b->name,
					      cairo_status_to_string(j->failed));
			sink_error(k, d, msg);
			free(msg);
			status = -1;
		}
		if (j->error.len) {
			/* A leaflet that does not fit: reported, and none of its files. */
			report_fold_errors(j, k, d);
			if (status == 0)
				status = PDF_TOO_LONG;
			buf_free(&j->error);
			buf_free(&j->pdf);
			buf_free(&j->imposed);
			continue;
		}
		char *path = xasprintf("pdf/%s.pdf", j->b->name);
		size_t len = j->pdf.len;
		sink_file(k, path, buf_detach(&j->pdf), len);
		free(path);
		if (j->imposed.len) {
			path = xasprintf("pdf/%s%s.pdf", j->b->name,
					 j->b->fold ? fold_print_suffix(j->b) : "-imposee");
			len = j->imposed.len;
			sink_file(k, path, buf_detach(&j->imposed), len);
			free(path);
		}
		buf_free(&j->imposed);
	}
	pthread_mutex_destroy(&r.lock);
	free(r.jobs);
	free(r.order);
	free(url);
	booklet_free_all(books, n);
	hyph_free(h);
	return status;
}

int pdf_stream_site(const struct site *s, const struct pdf_options *o, int fd, struct diag *d)
{
	struct sink k = {NULL, fd, 0};
	int status = site_pass(s, o, d, &k);
	if (status == 0 || !diag_errors(d))
		put_record(&k, 'D', "", 0, NULL, 0, 0);
	return k.failed ? -1 : status;
}

/* Reads a u64-length-prefixed field of msg at *off; NULL when msg is cut short. */
static const char *take_field(const struct buf *msg, size_t *off, size_t *len)
{
	unsigned long long n;
	if (msg->len - *off < sizeof n)
		return NULL;
	memcpy(&n, msg->data + *off, sizeof n);
	*off += sizeof n;
	if (msg->len - *off < n)
		return NULL;
	const char *p = msg->data + *off;
	*off += (size_t)n;
	*len = (size_t)n;
	return p;
}

/* Stages the files of a worker's records; 0, or -1 when they are incomplete or report errors. */
static int take_records(const struct buf *msg, struct stage *st, struct diag *d)
{
	size_t off = 0;
	int status = 0;
	while (off < msg->len) {
		char type = msg->data[off++];
		size_t alen, blen;
		const char *a = take_field(msg, &off, &alen), *b = NULL;
		if (!a)
			return -1;
		if (type == 'D')
			return off == msg->len ? status : -1;
		if (type == 'M') {
			diag_error(d, NULL, 0, 0, "%.*s", (int)alen, a);
			status = -1;
			continue;
		}
		if (type == 'L') {
			if (!(b = take_field(msg, &off, &blen)))
				return -1;
			char *path = xstrndup(a, alen), *where = xstrndup(b, blen);
			int line = 0, col = 0, used = 0;
			if (sscanf(where, "%d:%d:%n", &line, &col, &used) >= 2 && used)
				diag_error(d, alen ? path : NULL, line, col, "%s", where + used);
			free(path);
			free(where);
			if (status == 0)
				status = PDF_TOO_LONG;
			continue;
		}
		if (type != 'F' || !(b = take_field(msg, &off, &blen)))
			return -1;
		char *path = xstrndup(a, alen);
		char *data = xmalloc(blen + 1);
		memcpy(data, b, blen);
		stage_add(st, path, data, blen);
		free(path);
	}
	return -1;
}

/* 1 when one of the cancel descriptors is readable and its owner says stop. */
static int cancel_requested(const struct pdf_cancel *c, const struct pollfd *p)
{
	for (size_t i = 0; i < c->nfds; i++)
		if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) && c->stop(c->ctx, c->fds[i]))
			return 1;
	return 0;
}

/*
 * The pass in a separate program: this process has threads (the HTTP
 * server's), and forking a process with live threads can leave a child
 * waiting forever for a lock some thread held (docs/HARDENING.md). The
 * program itself is started with posix_spawn as a PDF worker
 * (PDF_WORKER_COMMAND), in a process group of its own: it loads the
 * project again and typesets as `fiches build` does, forking one child per
 * booklet from a process without threads, and sends the files back on a
 * pipe. When o->cancel says stop, the whole group is killed at once.
 */
static int spawn_pass(const struct site *s, struct stage *st, const struct pdf_options *o,
		      struct diag *d)
{
	char jobs[24], epoch[24];
	snprintf(jobs, sizeof jobs, "%d", o->jobs);
	snprintf(epoch, sizeof epoch, "%lld", resolve_epoch(o->source_date_epoch));
	const char *url = o->base_url ? o->base_url : s->base_url;
	char *const argv[] = {"fiches", PDF_WORKER_COMMAND, (char *)o->worker_root, jobs,
			      (char *)(url ? url : ""), epoch, NULL};
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0) {
		diag_error(d, NULL, 0, 0, _("cannot start the PDF worker: %s"), strerror(errno));
		return -1;
	}
	pid_t pid;
	int err = spawn_self(argv, NULL, fds[1], 0, &pid);
	if (!err)
		atomic_store(&worker_group, pid);
	close(fds[1]);
	if (err) {
		close(fds[0]);
		diag_error(d, NULL, 0, 0, _("cannot start the PDF worker: %s"), strerror(err));
		return -1;
	}
	const struct pdf_cancel *c = o->cancel;
	size_t nc = c ? c->nfds : 0;
	struct pollfd pfd[1 + nc];
	struct buf msg = BUF_INIT;
	int cancelled = 0, status = 0;
	for (;;) {
		for (size_t i = 0; i < nc; i++)
			pfd[i] = (struct pollfd){c->fds[i], POLLIN, 0};
		pfd[nc] = (struct pollfd){fds[0], POLLIN, 0};
		if (poll(pfd, (nfds_t)(nc + 1), -1) < 0) {
			if (errno == EINTR)
				continue;
			status = -1;
			break;
		}
		if (nc && cancel_requested(c, pfd)) {
			cancelled = 1;
			break;
		}
		if (!(pfd[nc].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		char chunk[65536];
		ssize_t got = read(fds[0], chunk, sizeof chunk);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		buf_put(&msg, chunk, (size_t)got);
	}
	if (cancelled || status < 0)
		kill(-pid, SIGKILL);
	close(fds[0]);
	if (cancelled) {
		/*
		 * Its children, in its group, die with it. Reaped by a thread of its
		 * own: the edit that cancelled the pass does not wait while the
		 * killed processes (at a lower priority, pdf_worker.c) tear down.
		 */
		atomic_store(&worker_group, 0);
		worker_reap_later(pid);
		buf_free(&msg);
		return PDF_CANCELLED;
	}
	int wstatus = 0;
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	atomic_store(&worker_group, 0);
	if (status == 0)
		status = take_records(&msg, st, d);
	buf_free(&msg);
	if (!WIFEXITED(wstatus) || (WEXITSTATUS(wstatus) != 0 && status == 0)) {
		diag_error(d, NULL, 0, 0, _("the PDF worker stopped before the booklets were typeset"));
		status = -1;
	} else if (status < 0 && !diag_errors(d)) {
		diag_error(d, NULL, 0, 0, _("the PDF worker stopped before the booklets were typeset"));
	}
	return status;
}

int pdf_build_site(const struct site *s, struct stage *st, const struct pdf_options *o,
		   struct diag *d)
{
	if (o->worker_root)
		return spawn_pass(s, st, o, d);
	struct sink k = {st, -1, 0};
	return site_pass(s, o, d, &k);
}

/* Writes data to path through a temporary file and a rename. */
static int write_file(const char *path, const struct buf *data, struct diag *d)
{
	char *tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	int ok = f && fwrite(data->data ? data->data : "", 1, data->len, f) == data->len;
	if (f && fclose(f) != 0)
		ok = 0;
	if (ok && rename(tmp, path) != 0)
		ok = 0;
	if (!ok) {
		diag_error(d, path, 0, 0, _("cannot write the booklet: %s"), strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return ok ? 0 : -1;
}

int pdf_build_adhoc(const struct site *s, const struct pdf_adhoc *sel, const char *out_file,
		    struct diag *d, char **imposed_file)
{
	if (imposed_file)
		*imposed_file = NULL;
	struct book *b = booklet_adhoc(s, sel, d);
	if (!b)
		return 1;
	struct hyph *h = NULL;
	const char *family = prepare(d, &h);
	int status = -1;
	char *url = base_url(s, sel->base_url);
	if (family) {
		struct job j = {s, b, h, family, url, resolve_epoch(sel->source_date_epoch),
				BUF_INIT, BUF_INIT, 0, BUF_INIT, part_lanes_wanted()};
		/*
		 * One booklet in this process: its parts on two lanes. A site's
		 * booklets are typeset one per core already (typeset_all).
		 */
		typeset(&j);
		if (j.error.len) {
			/* Too long for its panels: said at its line, and nothing written. */
			report_fold_errors(&j, NULL, d);
			status = 1;
		} else if (j.failed) {
			diag_error(d, out_file, 0, 0, _("cannot typeset the booklet '%s': %s"), b->name,
				   cairo_status_to_string(j.failed));
		} else {
			status = write_file(out_file, &j.pdf, d);
			if (status == 0 && j.imposed.len) {
				size_t n = strlen(out_file);
				const char *suffix = b->fold ? fold_print_suffix(b) : "-imposee";
				char *imp = n > 4 && strcmp(out_file + n - 4, ".pdf") == 0 ?
					    xasprintf("%.*s%s.pdf", (int)(n - 4), out_file, suffix) :
					    xasprintf("%s%s.pdf", out_file, suffix);
				status = write_file(imp, &j.imposed, d);
				if (status == 0 && imposed_file)
					*imposed_file = imp;
				else
					free(imp);
			}
		}
		buf_free(&j.pdf);
		buf_free(&j.imposed);
		buf_free(&j.error);
	}
	free(url);
	hyph_free(h);
	booklet_free(b);
	free(b);
	return status;
}
