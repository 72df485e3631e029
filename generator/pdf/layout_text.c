/*
 * The text builder (struct tb): the UTF-8 string Pango lays out, plus a
 * Pango attribute list (emphasis, bold, code, superscripts, link colour)
 * and the byte ranges of links, so no markup is ever parsed or escaped.
 * Every text run goes through typo_apply (French spaces, apostrophes,
 * ordinals) and, in justified text, through the hyphenator (soft
 * hyphens). Then the Pango layouts made from it, and their line metrics.
 */
#include "layout_internal.h"
#include "linebreak.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#define LINK_RGB 0x1a, 0x4f, 0x8b

void tb_attr(struct tb *t, PangoAttribute *a, size_t start)
{
	a->start_index = (guint)start;
	a->end_index = (guint)t->text.len;
	pango_attr_list_insert(t->attrs, a);
}

void tb_init(struct tb *t, int hyphenate)
{
	memset(t, 0, sizeof *t);
	t->attrs = pango_attr_list_new();
	t->typo = (struct typo_state)TYPO_STATE_INIT;
	t->hyphenate = hyphenate;
}

void tb_free(struct tb *t)
{
	free(t->calls);
	free(t->pending);
	free(t->pending_uri);
	free(t->pending_dest);
	buf_free(&t->text);
	if (t->attrs)
		pango_attr_list_unref(t->attrs);
	for (size_t i = 0; i < t->nlinks; i++) {
		free(t->links[i].uri);
		free(t->links[i].dest);
	}
	free(t->links);
}

struct emit {
	struct lay *L;
	struct tb *t;
};

static void emit_typo(void *ctx, enum typo_span kind, const char *s, size_t n)
{
	struct emit *e = ctx;
	size_t start = e->t->text.len;
	if (kind == TYPO_SUPERSCRIPT) {
		buf_put(&e->t->text, s, n);
		tb_attr(e->t, pango_attr_rise_new(4 * PANGO_SCALE), start);
		tb_attr(e->t, pango_attr_scale_new(0.7), start);
	} else if (e->t->hyphenate) {
		hyph_insert(e->L->h, s, n, &e->t->text);
	} else {
		buf_put(&e->t->text, s, n);
	}
}

void tb_put_text(struct lay *L, struct tb *t, const char *s, size_t n)
{
	struct emit e = {L, t};
	typo_apply(s, n, &t->typo, emit_typo, &e);
}

void tb_put_raw(struct tb *t, const char *s)
{
	buf_puts(&t->text, s);
	size_t n = strlen(s);
	if (n)
		t->typo.prev = (unsigned char)s[n - 1];
}

void tb_add_link(struct tb *t, size_t start, const char *uri, const char *dest)
{
	if (t->text.len == start)
		return;
	t->links = xrealloc(t->links, (t->nlinks + 1) * sizeof *t->links);
	t->links[t->nlinks++] = (struct lay_link){(int)start, (int)t->text.len,
						  uri ? xstrdup(uri) : NULL, dest ? xstrdup(dest) : NULL};
	tb_attr(t, pango_attr_foreground_new(LINK_RGB * 257), start);
}

/*
 * Writes the pending reference: text with the part between \x01 and \x02
 * made a link (the markers are dropped).
 */
void tb_flush_pending(struct tb *t)
{
	if (!t->pending)
		return;
	char *p = t->pending;
	t->pending = NULL;
	char *open = strchr(p, '\x01'), *close = open ? strchr(open, '\x02') : NULL;
	if (open && close) {
		buf_put(&t->text, p, (size_t)(open - p));
		size_t s = t->text.len;
		if (t->pending_uri)
			hyph_address(open + 1, (size_t)(close - open - 1), &t->text);
		else
			buf_put(&t->text, open + 1, (size_t)(close - open - 1));
		tb_add_link(t, s, t->pending_uri, t->pending_dest);
		buf_puts(&t->text, close + 1);
	} else {
		buf_puts(&t->text, p);
	}
	size_t n = t->text.len;
	if (n)
		t->typo.prev = (unsigned char)t->text.data[n - 1];
	free(p);
	free(t->pending_uri);
	free(t->pending_dest);
	t->pending_uri = t->pending_dest = NULL;
}

void tb_set_pending(struct tb *t, char *text, const char *uri, const char *dest)
{
	tb_flush_pending(t);
	t->pending = text;
	t->pending_uri = uri ? xstrdup(uri) : NULL;
	t->pending_dest = dest ? xstrdup(dest) : NULL;
}

PangoLayout *lay_make_layout(struct lay *L, struct tb *t, double size, int bold, int italic,
			     double width, int justify, PangoAlignment align)
{
	tb_flush_pending(t);
	PangoLayout *l = pango_layout_new(L->ctx);
	PangoFontDescription *f = pango_font_description_copy(L->font);
	pango_font_description_set_size(f, (gint)(size * PANGO_SCALE));
	if (bold)
		pango_font_description_set_weight(f, PANGO_WEIGHT_BOLD);
	if (italic)
		pango_font_description_set_style(f, PANGO_STYLE_ITALIC);
	pango_layout_set_font_description(l, f);
	pango_font_description_free(f);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_justify(l, justify);
	pango_layout_set_alignment(l, align);
	pango_layout_set_line_spacing(l, (float)L->o.style->leading);
	pango_layout_set_text(l, t->text.data ? t->text.data : "", (int)t->text.len);
	pango_layout_set_attributes(l, t->attrs);
	if (width > 0) {
		linebreak_total_fit(l);
		if (justify)
			linebreak_pull_in(l);
	}
	return l;
}

/*
 * lay_make_layout for a body paragraph, through the cache. The layout
 * returned is shared: callers do not change it (lay_text_blk only
 * measures it).
 */
PangoLayout *lay_shaped_layout(struct lay *L, struct tb *t, double size, int bold, int italic,
			       double width, int justify)
{
	tb_flush_pending(t);
	struct buf key = BUF_INIT;
	buf_printf(&key, "%a %d %d %a %d\n", size, bold, italic, width, justify);
	if (t->text.len)
		buf_put(&key, t->text.data, t->text.len);
	char *attrs = pango_attr_list_to_string(t->attrs);
	buf_putc(&key, '\0');
	buf_puts(&key, attrs);
	g_free(attrs);
	unsigned long long h;
	size_t len = key.len;
	PangoLayout *kept = layout_cache_get(L->shaped, key.data, len, &h);
	if (kept) {
		buf_free(&key);
		return kept;
	}
	PangoLayout *l = lay_make_layout(L, t, size, bold, italic, width, justify, PANGO_ALIGN_LEFT);
	layout_cache_put(L->shaped, h, buf_detach(&key), len, l);
	return g_object_ref(l);
}

/* Distance between the baselines of two lines of l's text (its font, its spacing). */
static double line_pitch(PangoLayout *l)
{
	float spacing = pango_layout_get_line_spacing(l);
	const PangoFontDescription *fd = pango_layout_get_font_description(l);
	PangoFontMetrics *m = pango_context_get_metrics(pango_layout_get_context(l), fd, NULL);
	double h = (double)pango_font_metrics_get_height(m) * (spacing > 0 ? spacing : 1) / PANGO_SCALE;
	pango_font_metrics_unref(m);
	return h;
}

void lay_measure(struct blk *b)
{
	if (!b->layout)
		return;
	int n = pango_layout_get_line_count(b->layout);
	b->nlines = n;
	b->line_top = xcalloc((size_t)n + 1, sizeof *b->line_top);
	b->baseline = xcalloc((size_t)n + 1, sizeof *b->baseline);
	b->hyphen = xcalloc((size_t)n + 1, 1);
	const char *text = pango_layout_get_text(b->layout);
	PangoLayoutIter *it = pango_layout_get_iter(b->layout);
	int i = 0;
	do {
		PangoLayoutLine *ln = pango_layout_iter_get_line_readonly(it);
		int end = ln->start_index + ln->length;
		b->hyphen[i] = end >= 2 && i + 1 < n &&
			       (((unsigned char)text[end - 2] == 0xC2 && (unsigned char)text[end - 1] == 0xAD) ||
				(text[end - 1] == '-' && end >= 2 && text[end - 2] != ' '));
		PangoRectangle logical;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		b->line_top[i] = (double)logical.y / PANGO_SCALE;
		b->baseline[i] = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		b->line_top[i + 1] = (double)(logical.y + logical.height) / PANGO_SCALE;
		i++;
	} while (i < n && pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	/*
	 * Pango puts the line spacing between lines only: the last line ends
	 * at its glyphs' height. It is given its whole pitch, so that the
	 * spaces set between blocks (style.h) come on top of one line of
	 * text, and the gap between two items is never below that between
	 * two lines of one item.
	 */
	if (n > 0) {
		double pitch = n >= 2 ? b->line_top[n - 1] - b->line_top[n - 2] : line_pitch(b->layout);
		if (b->line_top[n] - b->line_top[n - 1] < pitch)
			b->line_top[n] = b->line_top[n - 1] + pitch;
	}
	if (b->kind == BLK_TEXT || b->kind == BLK_TOC)
		b->h = b->line_top[n];
}

/* Moves the builder's links into the block (the builder is freed after). */
void tb_take_links(struct tb *t, struct lay_link **links, size_t *n)
{
	*links = t->links;
	*n = t->nlinks;
	t->links = NULL;
	t->nlinks = 0;
}

PangoLayout *lay_text(struct lay *L, const char *text, double size, int bold, int italic,
		      double width, PangoAlignment align)
{
	struct tb t;
	tb_init(&t, 0);
	tb_put_text(L, &t, text, strlen(text));
	PangoLayout *l = lay_make_layout(L, &t, size, bold, italic, width, 0, align);
	tb_free(&t);
	return l;
}
