/*
 * Markdown blocks → blocks of the flow (layout.h): each block-level node
 * becomes one struct blk, its text gathered by a text builder
 * (layout_text.c). Paragraphs, figures, headings, lists, code, tables.
 */
#include "layout_internal.h"
#include "image.h"
#include "markdown.h"
#include "utf8.h"
#include "xalloc.h"
#include "xref.h"

#include <cmark-gfm-core-extensions.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct blk *lay_text_blk(struct lay *L, struct flow *f, struct tb *t, const struct where *w,
			 double size, int bold, int italic, int justify)
{
	struct blk *b = lay_new_blk(f, BLK_TEXT);
	b->indent = w->indent;
	b->width = L->o.width - w->indent;
	b->quote = w->quote;
	b->layout = lay_shaped_layout(L, t, size, bold, italic, b->width, justify);
	tb_take_links(t, &b->links, &b->nlinks);
	lay_measure(b);
	if (t->ncalls) {
		b->calls = xcalloc(t->ncalls, sizeof *b->calls);
		for (size_t i = 0; i < t->ncalls; i++) {
			int line = 0, x;
			pango_layout_index_to_line_x(b->layout, t->calls[i].offset, 0, &line, &x);
			b->calls[i] = (struct blk_call){line, t->calls[i].number, 0};
		}
		b->ncalls = t->ncalls;
	}
	return b;
}

/* A paragraph that is only an emphasised quotation (« *…* ») is set apart. */
static int is_quotation(cmark_node *para)
{
	int emph = 0;
	for (cmark_node *c = cmark_node_first_child(para); c; c = cmark_node_next(c)) {
		cmark_node_type ty = cmark_node_get_type(c);
		if (ty == CMARK_NODE_EMPH) {
			emph++;
		} else if (ty == CMARK_NODE_TEXT) {
			for (const char *p = cmark_node_get_literal(c); *p; p++)
				if (ascii_isalnum(*p))
					return 0;
		} else if (ty != CMARK_NODE_SOFTBREAK) {
			return 0;
		}
	}
	return emph == 1;
}

static void block(struct lay *L, struct flow *f, cmark_node *node, struct where *w);

void lay_blocks(struct lay *L, struct flow *f, cmark_node *node, struct where *w)
{
	for (cmark_node *c = cmark_node_first_child(node); c; c = cmark_node_next(c))
		block(L, f, c, w);
}

static void paragraph(struct lay *L, struct flow *f, cmark_node *node, struct where *w)
{
	double size = L->o.body_size;
	struct where inner = *w;
	int quotation = !w->quote && is_quotation(node);
	if (quotation) {
		inner.indent += L->o.style->quote_indent;
		inner.quote = 1;
	}
	/* A paragraph made of one image is a figure. */
	cmark_node *only = cmark_node_first_child(node);
	if (only && !cmark_node_next(only) && cmark_node_get_type(only) == CMARK_NODE_IMAGE) {
		const char *url = cmark_node_get_url(only);
		size_t pl = strlen(XREF_INTERNAL);
		cairo_surface_t *img = NULL;
		int orientation = 1;
		if (url && strncmp(url, XREF_INTERNAL, pl) == 0) {
			/* PNG, or JPEG embedded as it is (image.h); the check warned about the others. */
			char *fs = xasprintf("%s/%s", L->s->content_dir, url + pl);
			img = image_load_printable(fs, &orientation);
			free(fs);
		}
		if (img) {
			struct blk *b = lay_new_blk(f, BLK_IMAGE);
			b->tag = "Figure";
			b->image = img;
			b->orientation = orientation;
			b->alt = markdown_plain_text(only);
			b->indent = w->indent;
			double iw, ih;
			image_oriented_size(orientation, cairo_image_surface_get_width(img),
					    cairo_image_surface_get_height(img), &iw, &ih);
			/* 150 dpi at most, and never wider than the frame. */
			double scale = 72.0 / 150.0;
			b->width = iw * scale;
			if (b->width > L->o.width - w->indent)
				scale = (L->o.width - w->indent) / iw;
			if (ih * scale > L->o.width)
				scale = L->o.width / ih;
			b->width = iw * scale;
			b->h = ih * scale;
			b->before = b->after = GAP(block);
			b->atomic = 1;
			return;
		}
	}
	struct tb t;
	tb_init(&t, 1);
	t.italic_base = inner.quote;
	lay_inlines(L, &t, node);
	struct blk *b = lay_text_blk(L, f, &t, &inner, inner.quote ? SIZE(quote) : size, 0,
				 inner.quote, 1);
	tb_free(&t);
	if (w->list_depth) {
		b->tag = "LI";
		b->marker = w->marker;
		w->marker = NULL;
		b->after = w->tight ? GAP(item) : GAP(item_loose);
	} else {
		b->after = GAP(para);
	}
	if (quotation) {
		b->tag = "BlockQuote";
		b->before = GAP(block);
		b->after = GAP(block);
	}
}

/*
 * The structure tag of a heading of Markdown level `level`: never more than
 * one level below the heading before it (a « ### » right under the title
 * is an H2 for screen readers), the document's band being the H1.
 */
const char *lay_heading_tag(struct lay *L, int level)
{
	static const char *const tags[] = {"H1", "H2", "H3", "H4", "H5", "H6"};
	if (level < 1)
		level = 1;
	if (L->tag_level < 1)
		L->tag_level = 1;
	if (level > L->tag_level + 1)
		level = L->tag_level + 1;
	if (level > 6)
		level = 6;
	L->tag_level = level;
	return tags[level - 1];
}

static void heading(struct lay *L, struct flow *f, cmark_node *node, struct where *w)
{
	int level = cmark_node_get_heading_level(node);
	const struct heading *hd = L->doc && L->heading < L->doc->nheadings ?
				   &L->doc->headings[L->heading++] : NULL;
	const struct style *st = L->o.style;
	double size = L->o.body_size * (level <= 1 ? st->h1 : level == 2 ? st->h2 : level == 3 ? st->h3 : st->h4);
	struct tb t;
	tb_init(&t, 0);
	lay_inlines(L, &t, node);
	if (L->doc) {
		/* Headings in the document's colour, darkened to read as text; links keep theirs. */
		double rgb[3];
		lay_colour(L->doc->logic ? L->doc->logic->colour : NULL, rgb,
			   (const double[3]){0.2, 0.25, 0.35});
		PangoAttribute *a = pango_attr_foreground_new((guint16)(rgb[0] * 0.8 * 65535),
							      (guint16)(rgb[1] * 0.8 * 65535),
							      (guint16)(rgb[2] * 0.8 * 65535));
		a->start_index = 0;
		a->end_index = (guint)t.text.len;
		pango_attr_list_insert_before(t.attrs, a);
	}
	struct blk *b = lay_text_blk(L, f, &t, w, size, 1, level >= 4, 0);
	tb_free(&t);
	b->tag = lay_heading_tag(L, level);
	b->before = L->pitch * st->h_before[level < 1 ? 0 : level > 4 ? 3 : level - 1];
	b->after = GAP(h_after);
	b->keep_next = 1;
	if (hd && L->doc) {
		b->dest = lay_doc_dest(L->doc, hd->anchor);
		/* Every level: the booklet's `sommaire:` depth chooses (toc.c). */
		b->outline = level < 2 ? 2 : level;
		b->outline_title = typo_plain(hd->text, strlen(hd->text));
	}
}

static void list(struct lay *L, struct flow *f, cmark_node *node, struct where *w)
{
	int ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
	int number = cmark_node_get_list_start(node);
	struct where inner = *w;
	inner.list_depth++;
	inner.indent += L->o.style->list_indent;
	inner.tight = cmark_node_get_list_tight(node);
	inner.quote = w->quote;
	for (cmark_node *item = cmark_node_first_child(node); item; item = cmark_node_next(item)) {
		char mark[32];
		if (ordered)
			snprintf(mark, sizeof mark, "%d.", number++);
		else
			snprintf(mark, sizeof mark, "%s", inner.list_depth % 2 ? "•" : "–");
		inner.marker = lay_text(L, mark, L->o.body_size, 0, 0, L->o.style->list_indent,
					PANGO_ALIGN_LEFT);
		size_t first = f->n;
		lay_blocks(L, f, item, &inner);
		if (inner.marker) {
			/* An item with no paragraph (empty): keep the bullet anyway. */
			g_object_unref(inner.marker);
			inner.marker = NULL;
		}
		(void)first;
	}
	if (f->n)
		f->v[f->n - 1].after = GAP(list_end);
}

static void code_block(struct lay *L, struct flow *f, cmark_node *node, struct where *w)
{
	struct tb t;
	tb_init(&t, 0);
	const char *lit = cmark_node_get_literal(node);
	size_t n = strlen(lit);
	while (n && lit[n - 1] == '\n')
		n--;
	buf_put(&t.text, lit, n);
	tb_attr(&t, pango_attr_family_new("DejaVu Sans Mono"), 0);
	struct where inner = *w;
	inner.indent += 8;
	struct blk *b = lay_text_blk(L, f, &t, &inner, SIZE(code), 0, 0, 0);
	b->tag = "Code";
	b->before = b->after = GAP(block);
	tb_free(&t);
}

static int cell_align(cmark_node *table, size_t col)
{
	uint8_t *aligns = cmark_gfm_extensions_get_table_alignments(table);
	uint16_t ncols = cmark_gfm_extensions_get_table_columns(table);
	if (!aligns || col >= ncols)
		return 0;
	return aligns[col] == 'c' ? 1 : aligns[col] == 'r' ? 2 : 0;
}

#define CELL_PAD 4.0
/* The smallest size a wide table is set in, against its own (7.4 pt for 9.2). */
#define TABLE_MIN_SCALE 0.8

/* Width of the widest word of an unwrapped layout (its hyphenation points ignored). */
static double widest_word(PangoLayout *l)
{
	const char *text = pango_layout_get_text(l);
	int widest = 0;
	for (int i = 0; text[i];) {
		while (text[i] == ' ' || text[i] == '\n')
			i++;
		int j = i;
		while (text[j] && text[j] != ' ' && text[j] != '\n')
			j++;
		if (j > i) {
			PangoRectangle a, z;
			pango_layout_index_to_pos(l, i, &a);
			pango_layout_index_to_pos(l, j, &z);
			int w = z.x - a.x;
			if (z.y == a.y && w > widest)
				widest = w;
		}
		i = j;
	}
	return (double)widest / PANGO_SCALE;
}

/* Each column's unwrapped and widest-word width, cells set in size points. */
static void measure_columns(struct lay *L, const struct blk *b, struct tb *cells, double size,
			    double *natural, double *least)
{
	size_t ncols = b->ncols;
	memset(natural, 0, ncols * sizeof *natural);
	memset(least, 0, ncols * sizeof *least);
	for (size_t r = 0; r < b->nrows; r++)
		for (size_t c = 0; c < ncols; c++) {
			struct tb *t = &cells[r * ncols + c];
			PangoLayout *probe = lay_make_layout(L, t, size, b->rows[r].header, 0, -1, 0,
							 PANGO_ALIGN_LEFT);
			pango_layout_set_width(probe, -1);
			int pw, ph;
			pango_layout_get_size(probe, &pw, &ph);
			double wpt = (double)pw / PANGO_SCALE + 2 * CELL_PAD + 1;
			if (wpt > natural[c])
				natural[c] = wpt;
			double mpt = widest_word(probe) + 2 * CELL_PAD + 1;
			if (mpt > least[c])
				least[c] = mpt;
			g_object_unref(probe);
		}
}

static void table(struct lay *L, struct flow *f, cmark_node *node, struct where *w)
{
	size_t ncols = cmark_gfm_extensions_get_table_columns(node), nrows = 0;
	for (cmark_node *r = cmark_node_first_child(node); r; r = cmark_node_next(r))
		nrows++;
	if (!ncols || !nrows)
		return;
	struct blk *b = lay_new_blk(f, BLK_TABLE);
	b->tag = "Table";
	b->indent = w->indent;
	b->width = L->o.width - w->indent;
	b->ncols = ncols;
	b->nrows = nrows;
	b->rows = xcalloc(nrows, sizeof *b->rows);
	b->colw = xcalloc(ncols, sizeof *b->colw);
	b->align = xcalloc(ncols, sizeof *b->align);
	double size = SIZE(table);
	double *natural = xcalloc(ncols, sizeof *natural);
	double *least = xcalloc(ncols, sizeof *least);
	size_t ri = 0;
	/* Pass 1: each cell's text. */
	struct tb *cells = xcalloc(nrows * ncols, sizeof *cells);
	for (cmark_node *r = cmark_node_first_child(node); r; r = cmark_node_next(r), ri++) {
		b->rows[ri].header = cmark_gfm_extensions_get_table_row_is_header(r);
		b->rows[ri].cells = xcalloc(ncols, sizeof *b->rows[ri].cells);
		size_t ci = 0;
		for (cmark_node *c = cmark_node_first_child(r); c && ci < ncols; c = cmark_node_next(c), ci++) {
			tb_init(&cells[ri * ncols + ci], 1);
			lay_inlines(L, &cells[ri * ncols + ci], c);
		}
		for (; ci < ncols; ci++)
			tb_init(&cells[ri * ncols + ci], 0);
	}
	/*
	 * The natural (unwrapped) and least (widest word) width of each column.
	 * When even the widest words do not fit the frame side by side, they
	 * would be cut anywhere (« Homm/es »): the table is measured again in a
	 * smaller size, as a typesetter sets a wide table, down to
	 * TABLE_MIN_SCALE of its own size.
	 */
	double pads = (double)ncols * (2 * CELL_PAD + 1), room = b->width - pads;
	for (int attempt = 0; attempt < 2; attempt++) {
		measure_columns(L, b, cells, size, natural, least);
		double words = -pads, smallest = SIZE(table) * TABLE_MIN_SCALE;
		for (size_t c = 0; c < ncols; c++)
			words += least[c];
		if (words <= room || size <= smallest || room <= 0)
			break;
		/* Text widths scale with the size; a little under, for rounding. */
		double smaller = size * room / words * 0.98;
		size = smaller > smallest ? smaller : smallest;
	}
	for (size_t c = 0; c < ncols; c++)
		b->align[c] = cell_align(node, c);
	/*
	 * Column widths as browsers size an automatic table: each column gets
	 * at least its widest word (its minimum) and, when the frame allows,
	 * its unwrapped width (its preferred width); the room between the two
	 * is shared in proportion to what each column lacks.
	 */
	double total = 0, least_total = 0;
	for (size_t c = 0; c < ncols; c++) {
		if (least[c] > natural[c])
			natural[c] = least[c];
		total += natural[c];
		least_total += least[c];
	}
	for (size_t c = 0; c < ncols; c++) {
		if (total <= b->width)
			b->colw[c] = natural[c] * b->width / total;
		else if (least_total >= b->width)
			b->colw[c] = least[c] * b->width / least_total;
		else
			b->colw[c] = least[c] + (natural[c] - least[c]) * (b->width - least_total) /
						(total - least_total);
	}
	/* Pass 2: lay each cell out at its column's width. */
	for (size_t r = 0; r < nrows; r++) {
		double h = 0;
		for (size_t c = 0; c < ncols; c++) {
			struct tb *t = &cells[r * ncols + c];
			struct lay_cell *cell = &b->rows[r].cells[c];
			PangoAlignment al = b->align[c] == 1 ? PANGO_ALIGN_CENTER :
					    b->align[c] == 2 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
			cell->layout = lay_make_layout(L, t, size, b->rows[r].header, 0,
						   b->colw[c] - 2 * CELL_PAD, 0, al);
			tb_take_links(t, &cell->links, &cell->nlinks);
			int pw, ph;
			pango_layout_get_size(cell->layout, &pw, &ph);
			if ((double)ph / PANGO_SCALE > h)
				h = (double)ph / PANGO_SCALE;
			tb_free(t);
		}
		b->rows[r].h = h + 2 * CELL_PAD;
	}
	free(cells);
	free(natural);
	free(least);
	b->before = GAP(block);
	b->after = GAP(block);
}

static void block(struct lay *L, struct flow *f, cmark_node *node, struct where *w)
{
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_PARAGRAPH:
		paragraph(L, f, node, w);
		return;
	case CMARK_NODE_HEADING:
		heading(L, f, node, w);
		return;
	case CMARK_NODE_LIST:
		list(L, f, node, w);
		return;
	case CMARK_NODE_ITEM:
		lay_blocks(L, f, node, w);
		return;
	case CMARK_NODE_BLOCK_QUOTE: {
		struct where inner = *w;
		inner.indent += L->o.style->quote_indent;
		inner.quote = 1;
		size_t first = f->n;
		lay_blocks(L, f, node, &inner);
		for (size_t i = first; i < f->n; i++)
			if (strcmp(f->v[i].tag, "P") == 0)
				f->v[i].tag = "BlockQuote";
		if (f->n > first)
			f->v[f->n - 1].after = GAP(block);
		return;
	}
	case CMARK_NODE_CODE_BLOCK:
		code_block(L, f, node, w);
		return;
	case CMARK_NODE_THEMATIC_BREAK: {
		struct blk *b = lay_new_blk(f, BLK_RULE);
		b->tag = "Sect";
		b->indent = w->indent;
		b->h = 1;
		b->before = b->after = GAP(block);
		return;
	}
	case CMARK_NODE_HTML_BLOCK:
	case CMARK_NODE_FOOTNOTE_DEFINITION:
		return;
	default:
		break;
	}
	if (strcmp(cmark_node_get_type_string(node), "table") == 0)
		table(L, f, node, w);
	else
		lay_blocks(L, f, node, w);
}
