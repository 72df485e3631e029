/*
 * Pango's text drawn into Cairo without the soft hyphens' noise.
 *
 * The booklets' text carries a soft hyphen (U+00AD) at every point where a
 * word may be hyphenated (hyph.c): that is how Pango learns where it may
 * break. Pango's own Cairo renderer gives each one to Cairo as a cluster
 * of text with no glyph, and Cairo writes each such cluster as an empty
 * marked-content span whose ActualText is the soft hyphen: 22 873 spans,
 * a quarter of the guide's page content, cutting every hyphenable word's
 * text operators in two. Where a ligature spans a hyphenation point
 * (« af­fectent »), the soft hyphen also ended up inside the ligature's
 * ActualText, so the extracted text was not the word.
 *
 * This is a PangoRenderer of its own, the route Pango documents for
 * drawing its glyphs somewhere: it draws each run as Pango's Cairo
 * renderer does (same positions, colours, rules and fonts, so the pages
 * are the same), and builds the text clusters it gives
 * cairo_show_text_glyphs without the marks that draw nothing, and without
 * the ones inside a cluster with other text. A soft hyphen drawn as the
 * hyphen of a line broken there is a cluster of its own with a glyph, and
 * stays: the extracted text keeps the break as a soft hyphen, which is
 * what text extraction joins lines on.
 *
 * An earlier version replaced cairo_show_text_glyphs for the whole
 * process; when the look-up of Cairo's own failed, no text was drawn at
 * all. A renderer calls only Cairo's public functions, and needs no proof
 * at run time.
 */
#include "text_renderer.h"

#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

typedef struct {
	PangoRenderer parent;
	cairo_t *cr;
	double x0, y0;        /* the current point the text is drawn from */
	int text_glyphs;      /* the surface keeps text with its glyphs (PDF) */
	void (*at_run)(void *ctx, const PangoGlyphItem *run); /* or NULL */
	void *at_run_ctx;
} TextRenderer;

typedef struct {
	PangoRendererClass parent;
} TextRendererClass;

static GType text_renderer_get_type(void);
G_DEFINE_TYPE(TextRenderer, text_renderer, PANGO_TYPE_RENDERER)

static _Thread_local unsigned long dropped;

unsigned long text_renderer_dropped(void)
{
	return dropped;
}

/* As Pango's Cairo renderer: the part's colour and alpha, when set. */
static void set_color(TextRenderer *t, PangoRenderPart part)
{
	PangoRenderer *r = (PangoRenderer *)t;
	PangoColor *color = pango_renderer_get_color(r, part);
	guint16 a = pango_renderer_get_alpha(r, part);
	if (!a && !color)
		return;
	double red = 0, green = 0, blue = 0, alpha = 1;
	if (color) {
		red = color->red / 65535.;
		green = color->green / 65535.;
		blue = color->blue / 65535.;
	} else {
		cairo_pattern_t *p = cairo_get_source(t->cr);
		if (p && cairo_pattern_get_type(p) == CAIRO_PATTERN_TYPE_SOLID)
			cairo_pattern_get_rgba(p, &red, &green, &blue, &alpha);
	}
	if (a)
		alpha = a / 65535.;
	cairo_set_source_rgba(t->cr, red, green, blue, alpha);
}

/*
 * Bytes of an invisible break mark at s[0..n), or 0: a soft hyphen, the
 * U+034F that stands for one where the line breaking chose not to break
 * (linebreak.c), a zero-width space after a / or . of a web address
 * (hyph.c). None of them draws anything.
 */
static int mark_len(const char *s, int n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (n >= 2 && ((u[0] == 0xC2 && u[1] == 0xAD) || (u[0] == 0xCD && u[1] == 0x8F)))
		return 2;
	if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0x8B)
		return 3;
	return 0;
}

/* Bytes of s[0..n) without its marks, appended at out; returns the count. */
static int copy_without_marks(const char *s, int n, char *out)
{
	int k = 0;
	for (int i = 0; i < n;) {
		int m = mark_len(s + i, n - i);
		if (m) {
			i += m;
			continue;
		}
		out[k++] = s[i++];
	}
	return k;
}

/* A glyph Pango has no glyph for: an empty frame of its advance. */
static void draw_unknown(TextRenderer *t, const PangoGlyphInfo *gi, double x, double y, double h)
{
	double w = (double)gi->geometry.width / PANGO_SCALE;
	if (gi->glyph == (0x20 | PANGO_GLYPH_UNKNOWN_FLAG) || w <= 2)
		return;
	cairo_save(t->cr);
	cairo_set_line_width(t->cr, 0.5);
	cairo_rectangle(t->cr, x + 1, y - h, w - 2, h);
	cairo_stroke(t->cr);
	cairo_restore(t->cr);
}

/*
 * The run's glyphs at their positions, as Pango's Cairo renderer places
 * them; unknown glyphs are framed instead. Returns the count kept.
 */
static int place_glyphs(TextRenderer *t, PangoFont *font, PangoGlyphString *glyphs, int x, int y,
			cairo_glyph_t *out, int installed)
{
	double base_x = t->x0 + (double)x / PANGO_SCALE, base_y = t->y0 + (double)y / PANGO_SCALE;
	int have_height = 0;
	double h = 0;
	int count = 0, pos = 0;
	for (int i = 0; i < glyphs->num_glyphs; i++) {
		PangoGlyphInfo *gi = &glyphs->glyphs[i];
		if (gi->glyph != PANGO_GLYPH_EMPTY) {
			double cx = base_x + (double)(pos + gi->geometry.x_offset) / PANGO_SCALE;
			double cy = gi->geometry.y_offset == 0
					    ? base_y
					    : base_y + (double)gi->geometry.y_offset / PANGO_SCALE;
			if (!installed || (gi->glyph & PANGO_GLYPH_UNKNOWN_FLAG)) {
				if (!have_height) {
					PangoFontMetrics *m = pango_font_get_metrics(font, NULL);
					h = m ? (double)pango_font_metrics_get_ascent(m) / PANGO_SCALE : 8;
					if (m)
						pango_font_metrics_unref(m);
					have_height = 1;
				}
				draw_unknown(t, gi, cx, cy, h);
			} else {
				out[count++] = (cairo_glyph_t){gi->glyph, cx, cy};
			}
		}
		pos += gi->geometry.width;
	}
	return count;
}

static int install_font(PangoFont *font, cairo_t *cr)
{
	cairo_scaled_font_t *sf = font && PANGO_IS_CAIRO_FONT(font)
					  ? pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font))
					  : NULL;
	if (!sf || cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS)
		return 0;
	cairo_set_scaled_font(cr, sf);
	return 1;
}

static void draw_glyphs(PangoRenderer *r, PangoFont *font, PangoGlyphString *glyphs, int x, int y)
{
	TextRenderer *t = (TextRenderer *)r;
	cairo_save(t->cr);
	set_color(t, PANGO_RENDER_PART_FOREGROUND);
	int installed = install_font(font, t->cr);
	cairo_glyph_t *cg = xmalloc(((size_t)glyphs->num_glyphs + 1) * sizeof *cg);
	int n = place_glyphs(t, font, glyphs, x, y, cg, installed);
	if (installed && n)
		cairo_show_glyphs(t->cr, cg, n);
	free(cg);
	cairo_restore(t->cr);
}

/*
 * The clusters of a run for cairo_show_text_glyphs, with the text they
 * cover in text[]: Pango's clusters (empty and unknown glyphs not
 * counted, as Pango does), then the marks taken out.
 */
static int run_clusters(const char *text, PangoGlyphItem *gi, char *out_text, int *out_len,
			cairo_text_cluster_t *out)
{
	PangoGlyphString *glyphs = gi->glyphs;
	int backward = (gi->item->analysis.level & 1) != 0;
	PangoGlyphItemIter iter;
	int n = 0, len = 0;
	if (pango_glyph_item_iter_init_start(&iter, gi, text)) {
		do {
			int bytes = iter.end_index - iter.start_index;
			int count = backward ? iter.start_glyph - iter.end_glyph
					     : iter.end_glyph - iter.start_glyph;
			int lo = iter.start_glyph < iter.end_glyph + 1 ? iter.start_glyph : iter.end_glyph + 1;
			int hi = iter.start_glyph + 1 > iter.end_glyph ? iter.start_glyph + 1 : iter.end_glyph;
			for (int i = lo; i < hi; i++) {
				PangoGlyph g = glyphs->glyphs[i].glyph;
				if (g == PANGO_GLYPH_EMPTY || (g & PANGO_GLYPH_UNKNOWN_FLAG))
					count--;
			}
			const char *s = text + iter.start_index;
			int kept = copy_without_marks(s, bytes, out_text + len);
			if (kept == 0 && bytes > 0) {
				if (count == 0) {               /* draws nothing */
					dropped++;
					continue;
				}
				memcpy(out_text + len, s, (size_t)bytes); /* a broken line's hyphen */
				kept = bytes;
			}
			len += kept;
			out[n++] = (cairo_text_cluster_t){kept, count};
		} while (pango_glyph_item_iter_next_cluster(&iter));
	}
	*out_len = len;
	return n;
}

static void draw_glyph_item(PangoRenderer *r, const char *text, PangoGlyphItem *gi, int x, int y)
{
	TextRenderer *t = (TextRenderer *)r;
	PangoFont *font = gi->item->analysis.font;
	PangoGlyphString *glyphs = gi->glyphs;
	if (t->at_run)
		t->at_run(t->at_run_ctx, gi);
	if (!t->text_glyphs) {
		draw_glyphs(r, font, glyphs, x, y);
		return;
	}
	cairo_save(t->cr);
	set_color(t, PANGO_RENDER_PART_FOREGROUND);
	int installed = install_font(font, t->cr);
	cairo_glyph_t *cg = xmalloc(((size_t)glyphs->num_glyphs + 1) * sizeof *cg);
	int n = place_glyphs(t, font, glyphs, x, y, cg, installed);
	if (installed) {
		size_t nc = (size_t)glyphs->num_glyphs + 1;
		cairo_text_cluster_t *clusters = xmalloc(nc * sizeof *clusters);
		char *kept = xmalloc((size_t)gi->item->length + 1);
		int len = 0;
		int ncl = run_clusters(text, gi, kept, &len, clusters);
		int backward = (gi->item->analysis.level & 1) != 0;
		cairo_show_text_glyphs(t->cr, kept, len, cg, n, clusters, ncl,
				       backward ? CAIRO_TEXT_CLUSTER_FLAG_BACKWARD : 0);
		free(kept);
		free(clusters);
	}
	free(cg);
	cairo_restore(t->cr);
}

static void draw_rectangle(PangoRenderer *r, PangoRenderPart part, int x, int y, int w, int h)
{
	TextRenderer *t = (TextRenderer *)r;
	cairo_save(t->cr);
	set_color(t, part);
	cairo_rectangle(t->cr, t->x0 + (double)x / PANGO_SCALE, t->y0 + (double)y / PANGO_SCALE,
			(double)w / PANGO_SCALE, (double)h / PANGO_SCALE);
	cairo_fill(t->cr);
	cairo_restore(t->cr);
}

/* Trapezoids come in device space from Pango (error underlines). */
static void draw_trapezoid(PangoRenderer *r, PangoRenderPart part, double y1, double x11, double x21,
			   double y2, double x12, double x22)
{
	TextRenderer *t = (TextRenderer *)r;
	cairo_t *cr = t->cr;
	cairo_save(cr);
	set_color(t, part);
	double x = t->x0, y = t->y0;
	cairo_user_to_device_distance(cr, &x, &y);
	cairo_identity_matrix(cr);
	cairo_translate(cr, x, y);
	cairo_move_to(cr, x11, y1);
	cairo_line_to(cr, x21, y1);
	cairo_line_to(cr, x22, y2);
	cairo_line_to(cr, x12, y2);
	cairo_close_path(cr);
	cairo_fill(cr);
	cairo_restore(cr);
}

static void text_renderer_init(TextRenderer *t)
{
	(void)t;
}

static void text_renderer_class_init(TextRendererClass *klass)
{
	PangoRendererClass *r = PANGO_RENDERER_CLASS(klass);
	r->draw_glyphs = draw_glyphs;
	r->draw_glyph_item = draw_glyph_item;
	r->draw_rectangle = draw_rectangle;
	r->draw_trapezoid = draw_trapezoid;
}

/* A renderer for one drawing at cr's current point; the point is kept. */
static TextRenderer *begin(cairo_t *cr, int *had_point)
{
	TextRenderer *t = g_object_new(text_renderer_get_type(), NULL);
	t->cr = cr;
	*had_point = cairo_has_current_point(cr);
	cairo_get_current_point(cr, &t->x0, &t->y0);
	t->text_glyphs = cairo_surface_has_show_text_glyphs(cairo_get_target(cr));
	return t;
}

static void end(TextRenderer *t, int had_point)
{
	if (had_point)
		cairo_move_to(t->cr, t->x0, t->y0);
	else
		cairo_new_sub_path(t->cr);
	g_object_unref(t);
}

void text_show_layout(cairo_t *cr, PangoLayout *layout)
{
	int had;
	TextRenderer *t = begin(cr, &had);
	pango_renderer_draw_layout((PangoRenderer *)t, layout, 0, 0);
	end(t, had);
}

void text_show_layout_line(cairo_t *cr, PangoLayoutLine *line)
{
	int had;
	TextRenderer *t = begin(cr, &had);
	pango_renderer_draw_layout_line((PangoRenderer *)t, line, 0, 0);
	end(t, had);
}

void text_show_layout_line_runs(cairo_t *cr, PangoLayoutLine *line,
				void (*at_run)(void *ctx, const PangoGlyphItem *run), void *ctx)
{
	int had;
	TextRenderer *t = begin(cr, &had);
	t->at_run = at_run;
	t->at_run_ctx = ctx;
	pango_renderer_draw_layout_line((PangoRenderer *)t, line, 0, 0);
	end(t, had);
}
