/* A booklet's parts laid out on two threads; see part_lanes.h. */
#include "part_lanes.h"
#include "pool.h"
#include "shape_cache.h"
#include "xalloc.h"

#include <dlfcn.h>
#include <hb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

/* ---- every font measured as Pango measures a font alone ---- */

/*
 * Pango 1.50 measures a font's approximate character width (which its
 * line breaking reads) only when no font is being measured at that
 * moment: not while the other lane measures one, nor, on one thread,
 * for a font first met inside another font's measuring (whose sample
 * text is set in a context of 96 dpi, so in fonts of other sizes). Such
 * a font keeps a width of 0, the result depending on the order in which
 * fonts are met. Each font is checked the moment Pango shapes with it,
 * which is before its line breaking reads the width, and a width of 0 is
 * replaced by what Pango computes for a font measured alone
 * (pangocairo-font.c, _pango_cairo_font_get_metrics): the width of the
 * language's sample text over its character count, and the widest
 * digit. PangoFontMetrics is a public structure, and the metrics Pango
 * keeps for a font are the ones pango_font_get_metrics returns.
 */
static _Thread_local int measuring;

/* Pango's pango_utf8_strwidth (pango-impl-utils.h). */
static long text_columns(const char *p)
{
	long n = 0;
	for (; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		n += g_unichar_iszerowidth(c) ? 0 : g_unichar_iswide(c) ? 2 : 1;
	}
	return n;
}

static int widest_glyph(PangoLayout *l)
{
	int w = 0;
	for (GSList *li = pango_layout_get_lines_readonly(l); li; li = li->next)
		for (GSList *ri = ((PangoLayoutLine *)li->data)->runs; ri; ri = ri->next) {
			const PangoGlyphString *gs = ((PangoGlyphItem *)ri->data)->glyphs;
			for (int g = 0; g < gs->num_glyphs; g++)
				if (gs->glyphs[g].geometry.width > w)
					w = gs->glyphs[g].geometry.width;
		}
	return w;
}

static void measure_alone(PangoFont *font, PangoLanguage *lang, PangoFontMetrics *m)
{
	PangoFontMap *map = pango_font_get_font_map(font);
	cairo_scaled_font_t *sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font));
	const char *sample = pango_language_get_sample_string(lang);
	long columns = text_columns(sample);
	if (!map || !sf || columns <= 0)
		return;
	PangoContext *ctx = pango_font_map_create_context(map);
	pango_context_set_language(ctx, lang);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_scaled_font_get_font_options(sf, fo);
	pango_cairo_context_set_font_options(ctx, fo);
	cairo_font_options_destroy(fo);
	cairo_matrix_t cm;
	cairo_scaled_font_get_ctm(sf, &cm);
	PangoMatrix pm = PANGO_MATRIX_INIT;
	pm.xx = cm.xx;
	pm.yx = cm.yx;
	pm.xy = cm.xy;
	pm.yy = cm.yy;
	pango_context_set_matrix(ctx, &pm);
	PangoLayout *l = pango_layout_new(ctx);
	PangoFontDescription *d = pango_font_describe_with_absolute_size(font);
	pango_layout_set_font_description(l, d);
	pango_font_description_free(d);
	pango_layout_set_text(l, sample, -1);
	PangoRectangle ext;
	pango_layout_get_extents(l, NULL, &ext);
	m->approximate_char_width = (int)(ext.width / columns);
	pango_layout_set_text(l, "0123456789", -1);
	m->approximate_digit_width = widest_glyph(l);
	g_object_unref(l);
	g_object_unref(ctx);
}

/* What Pango 1.50 gives HarfBuzz as a shaping's font data (shape.c, PangoHbShapeContext) begins so. */
struct pango_hb_context {
	PangoFont *font;
	hb_font_t *parent;
};

typedef void (*set_funcs_fn)(hb_font_t *, hb_font_funcs_t *, void *, hb_destroy_func_t);

static _Atomic(unsigned long) repaired;

/*
 * Takes the place of HarfBuzz's (like shape_cache.c's hb_shape): Pango
 * calls it once per shaping, with the PangoFont about to shape. Anything
 * else is passed on untouched. When Pango's calls do not reach it, the
 * lanes' race is still found afterwards (lay_fonts_measured).
 */
void hb_font_set_funcs(hb_font_t *font, hb_font_funcs_t *klass, void *font_data, hb_destroy_func_t destroy)
{
	static _Atomic(set_funcs_fn) library;
	static PangoLanguage *_Atomic fr;
	set_funcs_fn f = atomic_load(&library);
	if (!f) {
		f = (set_funcs_fn)dlsym(RTLD_NEXT, "hb_font_set_funcs");
		atomic_store(&library, f);
	}
	f(font, klass, font_data, destroy);
	const struct pango_hb_context *c = font_data;
	if (measuring || !c || c->parent != hb_font_get_parent(font) || !c->font || !PANGO_IS_CAIRO_FONT(c->font))
		return;
	PangoLanguage *lang = atomic_load(&fr);
	if (!lang) {
		/* The booklets' language (lay_new). */
		lang = pango_language_from_string("fr");
		atomic_store(&fr, lang);
	}
	/* A font once measured keeps its metrics: it is looked at once (the mark goes with it). */
	static GQuark _Atomic checked;
	GQuark q = atomic_load(&checked);
	if (!q) {
		q = g_quark_from_static_string("fiches-width-checked");
		atomic_store(&checked, q);
	}
	if (g_object_get_qdata(G_OBJECT(c->font), q))
		return;
	measuring = 1;
	PangoFontMetrics *m = pango_font_get_metrics(c->font, lang);
	if (m->approximate_char_width <= 0) {
		measure_alone(c->font, lang, m);
		atomic_fetch_add(&repaired, 1);
	}
	pango_font_metrics_unref(m);
	g_object_set_qdata(G_OBJECT(c->font), q, GINT_TO_POINTER(1));
	measuring = 0;
}

unsigned long part_lanes_fonts_repaired(void)
{
	return atomic_load(&repaired);
}

/* One call of part_lanes_lay: read by both lanes, each writing only the parts it takes. */
struct share {
	size_t n;
	const unsigned char *todo;
	const int *before;      /* owner[] as it was when the call began */
	int *owner;
	struct flow *out;
	int *again;
	const size_t *order;    /* the parts, longest text first */
	atomic_size_t next;     /* the next of order not owned before, for whichever lane is free */
};

struct part_lanes {
	struct lay *L;          /* the second lane's typesetter */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned long asked, done;  /* calls given to the lane, and finished by it */
	int quit;
	int joined;             /* the lane's thread has ended (part_lanes_idle_typesetter) */
	struct share *sh;
	double cpu[2];          /* CPU seconds each lane spent laying parts out (FICHES_TIMING) */
};

static double thread_cpu(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void lay_one(struct share *sh, struct lay *L, size_t i, int me)
{
	sh->owner[i] = me;
	sh->again[i] = lay_part(L, &sh->out[i], i);
}

/*
 * A lane's share of the parts: first those it laid out before (its
 * layout cache holds them), then any other part no lane owned, the
 * longest first, as each lane becomes free: the lanes end close together
 * when the short parts come last.
 */
static void lay_share(struct share *sh, struct lay *L, int me)
{
	for (size_t i = 0; i < sh->n; i++)
		if (sh->todo[i] && sh->before[i] == me)
			lay_one(sh, L, i, me);
	for (;;) {
		size_t k = atomic_fetch_add(&sh->next, 1);
		if (k >= sh->n)
			break;
		size_t i = sh->order[k];
		if (sh->todo[i] && sh->before[i] < 0)
			lay_one(sh, L, i, me);
	}
}

static void *lane_main(void *arg)
{
	struct part_lanes *pl = arg;
	unsigned long seen = 0;
	pthread_mutex_lock(&pl->lock);
	for (;;) {
		while (pl->asked == seen && !pl->quit)
			pthread_cond_wait(&pl->cond, &pl->lock);
		if (pl->asked == seen)
			break;
		seen = pl->asked;
		struct share *sh = pl->sh;
		pthread_mutex_unlock(&pl->lock);
		double t0 = thread_cpu();
		lay_share(sh, pl->L, 1);
		double t1 = thread_cpu();
		pthread_mutex_lock(&pl->lock);
		pl->cpu[1] += t1 - t0;
		pl->done = seen;
		pthread_cond_broadcast(&pl->cond);
	}
	pthread_mutex_unlock(&pl->lock);
	/* The kept shapings are this thread's, and name the lane's fonts. */
	shape_cache_release();
	return NULL;
}

int part_lanes_wanted(void)
{
	const char *v = getenv("FICHES_LAYOUT_LANES");
	if (v && strcmp(v, "1") == 0)
		return 1;
	return pool_cores() >= 2 ? 2 : 1;
}

struct part_lanes *part_lanes_start(const struct site *s, const struct book *b, const struct hyph *h,
				    const struct lay_options *o)
{
	struct part_lanes *pl = xcalloc(1, sizeof *pl);
	/* Made here, before the thread starts: lay_new measures the body font. */
	pl->L = lay_new(s, b, h, o);
	pthread_mutex_init(&pl->lock, NULL);
	pthread_cond_init(&pl->cond, NULL);
	if (pthread_create(&pl->thread, NULL, lane_main, pl) != 0) {
		pthread_cond_destroy(&pl->cond);
		pthread_mutex_destroy(&pl->lock);
		lay_free(pl->L);
		free(pl);
		return NULL;
	}
	return pl;
}

/* The length of part i's text: its document's Markdown (appendices count as short). */
static size_t part_weight(const struct book *b, size_t i)
{
	return b->parts[i].kind == PART_DOC && b->parts[i].doc ? b->parts[i].doc->body_len : 0;
}

void part_lanes_lay(struct part_lanes *pl, struct lay *L, const struct book *b, const unsigned char *todo,
		    int *owner, struct flow *out, int *again)
{
	size_t nparts = b->nparts;
	int *before = xmalloc((nparts ? nparts : 1) * sizeof *before);
	memcpy(before, owner, nparts * sizeof *before);
	/* Longest first; equal lengths in the booklet's order (insertion sort: tens of parts). */
	size_t *order = xmalloc((nparts ? nparts : 1) * sizeof *order);
	for (size_t i = 0; i < nparts; i++) {
		size_t k = i;
		while (k > 0 && part_weight(b, order[k - 1]) < part_weight(b, i)) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = i;
	}
	struct share sh = {nparts, todo, before, owner, out, again, order, 0};
	if (pl) {
		pthread_mutex_lock(&pl->lock);
		pl->sh = &sh;
		pl->asked++;
		pthread_cond_broadcast(&pl->cond);
		pthread_mutex_unlock(&pl->lock);
	} else {
		/* One lane: every part is this one's. */
		for (size_t i = 0; i < nparts; i++)
			if (before[i] > 0)
				before[i] = 0;
	}
	double t0 = thread_cpu();
	lay_share(&sh, L, 0);
	if (pl)
		pl->cpu[0] += thread_cpu() - t0;
	if (pl) {
		pthread_mutex_lock(&pl->lock);
		while (pl->done != pl->asked)
			pthread_cond_wait(&pl->cond, &pl->lock);
		pl->sh = NULL;
		pthread_mutex_unlock(&pl->lock);
	}
	free(before);
	free(order);
}

void part_lanes_finish(struct part_lanes *pl)
{
	if (!pl)
		return;
	pthread_mutex_lock(&pl->lock);
	pl->quit = 1;
	pthread_cond_broadcast(&pl->cond);
	pthread_mutex_unlock(&pl->lock);
}

struct lay *part_lanes_idle_typesetter(struct part_lanes *pl)
{
	if (!pl)
		return NULL;
	part_lanes_finish(pl);
	if (!pl->joined)
		pthread_join(pl->thread, NULL);
	pl->joined = 1;
	return pl->L;
}

void part_lanes_free(struct part_lanes *pl)
{
	if (!pl)
		return;
	part_lanes_finish(pl);
	if (!pl->joined)
		pthread_join(pl->thread, NULL);
	if (getenv("FICHES_TIMING"))
		fprintf(stderr, "fiches: parts laid out in %.3f s of CPU on this thread, %.3f s on the second\n",
			pl->cpu[0], pl->cpu[1]);
	pthread_cond_destroy(&pl->cond);
	pthread_mutex_destroy(&pl->lock);
	lay_free(pl->L);
	free(pl);
}

/* ---- Pango's in_get_metrics race ---- */

/* Fonts already looked at: a set of pointers (open addressing). */
struct font_set {
	const void **v;
	size_t cap, n;
};

/* 1 when p was not in the set (it is now). */
static int font_set_add(struct font_set *s, const void *p)
{
	if (2 * (s->n + 1) > s->cap) {
		struct font_set t = {xcalloc(s->cap ? 2 * s->cap : 64, sizeof *t.v), s->cap ? 2 * s->cap : 64, 0};
		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i])
				font_set_add(&t, s->v[i]);
		free(s->v);
		*s = t;
	}
	size_t i = ((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ull % s->cap;
	while (s->v[i]) {
		if (s->v[i] == p)
			return 0;
		i = (i + 1) % s->cap;
	}
	s->v[i] = p;
	s->n++;
	return 1;
}

/* 0 when a font of l's runs has no approximate character width. */
static int layout_measured(PangoLayout *l, struct font_set *seen)
{
	if (!l)
		return 1;
	for (GSList *li = pango_layout_get_lines_readonly(l); li; li = li->next) {
		for (GSList *ri = ((PangoLayoutLine *)li->data)->runs; ri; ri = ri->next) {
			const PangoAnalysis *a = &((PangoGlyphItem *)ri->data)->item->analysis;
			if (!a->font || !font_set_add(seen, a->font))
				continue;
			PangoFontMetrics *m = pango_font_get_metrics(a->font, a->language);
			int width = pango_font_metrics_get_approximate_char_width(m);
			pango_font_metrics_unref(m);
			if (width <= 0)
				return 0;
		}
	}
	return 1;
}

int lay_fonts_measured(const struct flow *f)
{
	struct font_set seen = {NULL, 0, 0};
	int ok = 1;
	for (size_t i = 0; i < f->n && ok; i++) {
		const struct blk *b = &f->v[i];
		ok = layout_measured(b->layout, &seen) && layout_measured(b->marker, &seen) &&
		     layout_measured(b->kicker, &seen) && layout_measured(b->toc_number, &seen);
		for (size_t r = 0; ok && r < b->nrows; r++)
			for (size_t c = 0; ok && c < b->ncols; c++)
				ok = layout_measured(b->rows[r].cells[c].layout, &seen);
	}
	free(seen.v);
	return ok;
}
