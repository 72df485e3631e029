/*
 * Markdown trees and data entries → typeset blocks; see layout.h, and
 * layout_internal.h for the files the typesetter is made of. This one
 * holds its life, its entry points and the flow of blocks.
 */
#include "layout_internal.h"
#include "markdown.h"
#include "shape_cache.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lay_colour(const char *hex, double rgb[3], const double fallback[3])
{
	unsigned v;
	if (hex && hex[0] == '#' && strlen(hex) == 7 && sscanf(hex + 1, "%6x", &v) == 1) {
		rgb[0] = ((v >> 16) & 0xff) / 255.0;
		rgb[1] = ((v >> 8) & 0xff) / 255.0;
		rgb[2] = (v & 0xff) / 255.0;
	} else {
		memcpy(rgb, fallback, 3 * sizeof *rgb);
	}
}

struct blk *lay_new_blk(struct flow *f, enum blk_kind kind)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 64;
		f->v = xrealloc(f->v, f->cap * sizeof *f->v);
	}
	struct blk *b = &f->v[f->n++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	b->tag = "P";
	return b;
}

const char *lay_data_str(const json_t *data, const char *key)
{
	const json_t *v = json_object_get(data, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

struct lay *lay_new(const struct site *s, const struct book *b, const struct hyph *h,
		    const struct lay_options *o)
{
	struct lay *L = xcalloc(1, sizeof *L);
	L->s = s;
	L->b = b;
	L->h = h;
	L->o = *o;
	L->shaped = layout_cache_new();
	/*
	 * A font map of its own: fonts cached by an earlier booklet on the same
	 * thread changed justification slightly, and so the bytes of the PDF.
	 */
	L->map = pango_cairo_font_map_new();
	L->ctx = pango_font_map_create_context(L->map);
	/* Unhinted metrics: the layout does not depend on a device resolution. */
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(L->ctx, fo);
	cairo_font_options_destroy(fo);
	pango_cairo_context_set_resolution(L->ctx, 72);
	pango_context_set_language(L->ctx, pango_language_from_string("fr"));
	pango_context_set_round_glyph_positions(L->ctx, FALSE);
	L->font = pango_font_description_new();
	pango_font_description_set_family(L->font, o->family);
	pango_font_description_set_size(L->font, (gint)(o->body_size * PANGO_SCALE));
	PangoFontMetrics *m = pango_context_get_metrics(L->ctx, L->font, NULL);
	L->pitch = (double)pango_font_metrics_get_height(m) * o->style->leading / PANGO_SCALE;
	pango_font_metrics_unref(m);
	return L;
}

void lay_free(struct lay *L)
{
	if (!L)
		return;
	layout_cache_free(L->shaped);
	/* The kept shapings name this font map's fonts. */
	shape_cache_release();
	pango_font_description_free(L->font);
	g_object_unref(L->ctx);
	g_object_unref(L->map);
	free(L);
}

PangoContext *lay_context(struct lay *L)
{
	return L->ctx;
}

int lay_part(struct lay *L, struct flow *out, size_t i)
{
	unsigned before = L->page_refs;
	switch (L->b->parts[i].kind) {
	case PART_DOC:
		lay_document(L, out, L->b->parts[i].doc);
		break;
	case PART_GLOSSARY:
		lay_glossary(L, out);
		break;
	case PART_CONTACTS:
		lay_contacts(L, out);
		break;
	case PART_BIBLIO:
		lay_bibliography(L, out);
		break;
	}
	return L->page_refs != before;
}

void lay_markdown(struct lay *L, struct flow *out, const char *md)
{
	cmark_node *root = markdown_parse_string(md, strlen(md));
	struct where w = {0, 0, 0, 0, NULL};
	L->doc = NULL;
	L->tag_level = 1;
	lay_blocks(L, out, root, &w);
	cmark_node_free(root);
}

double lay_pitch(const struct lay *L)
{
	return L->pitch;
}

void lay_book(struct lay *L, struct flow *out)
{
	for (size_t i = 0; i < L->b->nparts; i++)
		lay_part(L, out, i);
}

void flow_move(struct flow *dst, struct flow *src, size_t from, size_t to)
{
	for (size_t k = from; k < to; k++) {
		struct blk *b = lay_new_blk(dst, src->v[k].kind);
		*b = src->v[k];
		memset(&src->v[k], 0, sizeof src->v[k]);
	}
}

void lay_toc_entry(struct lay *L, struct flow *out, int depth, int kind, const char *title,
		   const char *kicker, const char *dest)
{
	struct tb t;
	tb_init(&t, 0);
	if (kicker && *kicker) {
		tb_put_text(L, &t, kicker, strlen(kicker));
		tb_attr(&t, pango_attr_weight_new(PANGO_WEIGHT_BOLD), 0);
		tb_attr(&t, pango_attr_scale_new(0.85), 0);
		tb_put_raw(&t, " · ");
		t.typo = (struct typo_state)TYPO_STATE_INIT;
	}
	tb_put_text(L, &t, title, strlen(title));
	struct blk *b = lay_new_blk(out, BLK_TOC);
	b->tag = "TOCI";
	b->toc_depth = depth;
	/* Each level indented like a list level; parts bold, sections a size smaller. */
	b->indent = depth * L->o.style->list_indent;
	b->width = L->o.width - 40 - b->indent;
	double size = kind == 2 ? SIZE(contact) : L->o.body_size;
	b->layout = lay_make_layout(L, &t, size, kind == 0, 0, b->width, 0, PANGO_ALIGN_LEFT);
	b->toc_dest = xstrdup(dest);
	b->after = GAP(toc_entry);
	if (kind == 0) {
		b->before = GAP(h_before[1]);
		b->keep_next = 1;
	}
	b->atomic = 1;
	tb_free(&t);
	lay_measure(b);
}

static void free_links(struct lay_link *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].uri);
		free(v[i].dest);
	}
	free(v);
}

void flow_free(struct flow *f)
{
	for (size_t i = 0; i < f->n; i++) {
		struct blk *b = &f->v[i];
		if (b->layout)
			g_object_unref(b->layout);
		if (b->marker)
			g_object_unref(b->marker);
		if (b->kicker)
			g_object_unref(b->kicker);
		if (b->toc_number)
			g_object_unref(b->toc_number);
		if (b->image)
			cairo_surface_destroy(b->image);
		free_links(b->links, b->nlinks);
		free(b->line_top);
		free(b->baseline);
		free(b->hyphen);
		free(b->calls);
		for (size_t r = 0; r < b->nrows; r++) {
			for (size_t c = 0; c < b->ncols; c++) {
				if (b->rows[r].cells[c].layout)
					g_object_unref(b->rows[r].cells[c].layout);
				free_links(b->rows[r].cells[c].links, b->rows[r].cells[c].nlinks);
			}
			free(b->rows[r].cells);
		}
		free(b->rows);
		free(b->colw);
		free(b->align);
		free(b->alt);
		free(b->qr_url);
		free(b->running);
		free(b->toc_dest);
		free(b->dest);
		free(b->outline_title);
	}
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}
