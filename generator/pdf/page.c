/*
 * Pagination and drawing of a flow; see page.h.
 *
 * Pagination walks the blocks once with a cursor y in the text frame:
 *  1. a block that starts a page (a document's band) opens a new page;
 *  2. before placing a block, the room for its "minimal start" is checked:
 *     two lines of a paragraph (all of a short one), a table's header and
 *     first row, an atomic block whole; a block kept with the next one
 *     (headings, bands) adds the next block's minimal start, so a heading
 *     never ends a page;
 *  3. a paragraph that does not fit is cut: at least two lines stay at the
 *     bottom (no orphan) and two go to the next page (no widow); one of
 *     fewer than four lines moves whole; a line ending with a cut word
 *     does not end the page when a line can go over with it;
 *  4. a table is cut between rows and its header rows drawn again on the
 *     next page.
 * A block taller than a whole page is placed anyway, so the loop always
 * progresses. The pages are then read for faults the walk cannot see
 * ahead (a last page holding one line or one item, a word cut across the
 * page turn that the rule of 3. could not move): each forces a break a
 * little earlier, and the flow is cut again (find_fault).
 */
#include "page.h"
#include "layout_words.h"
#include "image.h"
#include "qr.h"
#include "text_renderer.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Lines a paragraph keeps together at a page boundary. */
#define MIN_LINES 2

static struct page_out *new_page(struct page_list *p, const char *running)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		p->v = xrealloc(p->v, p->cap * sizeof *p->v);
	}
	struct page_out *pg = &p->v[p->n++];
	memset(pg, 0, sizeof *pg);
	pg->running = running;
	return pg;
}

static struct frag *add_frag(struct page_out *pg, size_t blk, double y)
{
	if (pg->n == pg->cap) {
		pg->cap = pg->cap ? 2 * pg->cap : 16;
		pg->v = xrealloc(pg->v, pg->cap * sizeof *pg->v);
	}
	struct frag *fr = &pg->v[pg->n++];
	memset(fr, 0, sizeof *fr);
	fr->blk = blk;
	fr->y = y;
	return fr;
}

static size_t header_rows(const struct blk *b)
{
	size_t n = 0;
	while (n < b->nrows && b->rows[n].header)
		n++;
	return n;
}

static double rows_h(const struct blk *b, size_t r0, size_t r1)
{
	double h = 0;
	for (size_t r = r0; r < r1; r++)
		h += b->rows[r].h;
	return h;
}

static double full_h(const struct blk *b)
{
	if (b->kind == BLK_TABLE)
		return rows_h(b, 0, b->nrows);
	return b->h;
}

/* Room above the footnotes for their rule. */
static double rule_room(const struct page_geom *g)
{
	return g->body_size * 1.1;
}

static double note_h(const struct blk *nb, int l0, int l1)
{
	return nb->line_top[l1] - nb->line_top[l0] + nb->after;
}

/* Is note block `note` (index) already among pg's footnotes? */
static int has_note(const struct page_out *pg, size_t note)
{
	for (size_t i = 0; i < pg->nnotes; i++)
		if (pg->notes[i].blk == note)
			return 1;
	return 0;
}

/* Room the notes called on line `line` of block i would add to pg. */
static double line_notes_h(const struct flow *f, size_t i, int line, const struct page_out *pg,
			   const struct page_geom *g, double pending)
{
	const struct blk *b = &f->v[i];
	double h = 0;
	for (size_t c = 0; c < b->ncalls; c++) {
		if (b->calls[c].line != line || !b->calls[c].note)
			continue;
		size_t note = i + b->calls[c].note;
		if (note >= f->n || has_note(pg, note))
			continue;
		h += note_h(&f->v[note], 0, f->v[note].nlines);
	}
	if (h > 0 && pg->notes_h == 0 && pending == 0)
		h += rule_room(g);
	return h;
}

static void add_note(struct page_out *pg, size_t note, int l0, int l1, double h, double rule)
{
	if (pg->nnotes == pg->notes_cap) {
		pg->notes_cap = pg->notes_cap ? 2 * pg->notes_cap : 4;
		pg->notes = xrealloc(pg->notes, pg->notes_cap * sizeof *pg->notes);
	}
	struct frag *fr = &pg->notes[pg->nnotes++];
	memset(fr, 0, sizeof *fr);
	fr->blk = note;
	fr->line0 = l0;
	fr->line1 = l1;
	if (pg->notes_h == 0)
		pg->notes_h = rule;
	pg->notes_h += h;
}

/*
 * Sets on pg the notes called from lines [l0, l1) of block i; the text of
 * the page ends at y_end. A note taller than the room left keeps what fits
 * (two lines at least) and the rest goes to the next page (*carry).
 */
static void attach_notes(const struct flow *f, size_t i, int l0, int l1, struct page_out *pg,
			 const struct page_geom *g, double y_end, size_t *carry, int *carry_line)
{
	const struct blk *b = &f->v[i];
	double bottom = g->h - g->bottom;
	for (size_t c = 0; c < b->ncalls; c++) {
		if (b->calls[c].line < l0 || b->calls[c].line >= l1 || !b->calls[c].note)
			continue;
		size_t note = i + b->calls[c].note;
		if (note >= f->n || has_note(pg, note))
			continue;
		const struct blk *nb = &f->v[note];
		double rule = pg->notes_h == 0 ? rule_room(g) : 0;
		double room = bottom - y_end - pg->notes_h - rule;
		int m = nb->nlines;
		while (m > 0 && note_h(nb, 0, m) > room + 0.01)
			m--;
		if (m == nb->nlines || (m >= 2 && !*carry)) {
			add_note(pg, note, 0, m, note_h(nb, 0, m), rule);
			if (m < nb->nlines) {
				*carry = note;
				*carry_line = m;
			}
		} else {
			/* Forced (a line alone on its page): set it whole anyway. */
			add_note(pg, note, 0, nb->nlines, note_h(nb, 0, nb->nlines), rule);
		}
	}
}

/* A new page, starting with the rest of a note cut at the foot of the last one. */
static struct page_out *next_page(struct page_list *out, const char *running, const struct flow *f,
				  const struct page_geom *g, size_t *carry, int *carry_line)
{
	struct page_out *pg = new_page(out, running);
	if (*carry) {
		const struct blk *nb = &f->v[*carry];
		add_note(pg, *carry, *carry_line, nb->nlines, note_h(nb, *carry_line, nb->nlines),
			 rule_room(g));
		*carry = 0;
	}
	return pg;
}

/* Height of the smallest piece block i may start a page with (see 2. above). */
static double min_start(const struct flow *f, size_t i, double frame)
{
	const struct blk *b = &f->v[i];
	double h;
	if (b->kind == BLK_TEXT && !b->atomic && b->nlines >= 2 * MIN_LINES)
		h = b->line_top[MIN_LINES];
	else if (b->kind == BLK_TABLE)
		h = rows_h(b, 0, header_rows(b) + (header_rows(b) < b->nrows));
	else
		h = full_h(b);
	if (b->keep_next && i + 1 < f->n && !f->v[i + 1].page_break)
		h += b->after + f->v[i + 1].before + min_start(f, i + 1, frame);
	return h < frame ? h : frame;
}

/* A page break forced before line `line` of block `blk` (0: before the block). */
struct force {
	size_t blk;
	int line;
};

static int forced_before(const struct force *fv, size_t nf, size_t blk)
{
	for (size_t k = 0; k < nf; k++)
		if (fv[k].blk == blk && fv[k].line == 0)
			return 1;
	return 0;
}

/* The first line after `line` of block blk before which a break is forced, or 0. */
static int forced_line(const struct force *fv, size_t nf, size_t blk, int line)
{
	int best = 0;
	for (size_t k = 0; k < nf; k++)
		if (fv[k].blk == blk && fv[k].line > line && (!best || fv[k].line < best))
			best = fv[k].line;
	return best;
}

static void paginate(const struct flow *f, const struct page_geom *g, struct page_list *out,
		     const struct force *fv, size_t nf)
{
	double top = g->top, bottom = g->h - g->bottom, frame = bottom - top;
	const char *running = NULL;
	memset(out, 0, sizeof *out);
	struct page_out *pg = new_page(out, running);
	double y = top;
	size_t carry = 0;   /* a footnote continued on the next page, from carry_line */
	int carry_line = 0;
	for (size_t i = 0; i < f->n; i++) {
		const struct blk *b = &f->v[i];
		if (b->footnote)
			continue;
		if (b->page_break && pg->n) {
			pg = next_page(out, running, f, g, &carry, &carry_line);
			y = top;
		}
		if (b->running)
			running = b->running;
		double space = y > top ? b->before : 0;
		if (y > top && (forced_before(fv, nf, i) ||
				y + space + min_start(f, i, frame) > bottom - pg->notes_h)) {
			pg = next_page(out, running, f, g, &carry, &carry_line);
			y = top;
			space = 0;
		}
		y += space;
		if (b->kind == BLK_BAND && !b->small && y == top)
			pg->opens_doc = 1;
		if (b->kind == BLK_TEXT && !b->atomic) {
			int line = 0;
			while (line < b->nlines) {
				double base = b->line_top[line];
				int k = line;
				double notes = 0;   /* room for the notes called from lines [line, k) */
				while (k < b->nlines) {
					double add = b->ncalls ? line_notes_h(f, i, k, pg, g, notes) : 0;
					if (y + b->line_top[k + 1] - base > bottom - pg->notes_h - notes - add + 0.01)
						break;
					notes += add;
					k++;
				}
				int cut = forced_line(fv, nf, i, line);
				if (cut && cut <= k && cut < b->nlines) {
					struct frag *fr = add_frag(pg, i, y);
					fr->line0 = line;
					fr->line1 = cut;
					if (b->ncalls)
						attach_notes(f, i, line, cut, pg, g, y + b->line_top[cut] - base,
							     &carry, &carry_line);
					line = cut;
					pg = next_page(out, running, f, g, &carry, &carry_line);
					y = top;
					continue;
				}
				if (k == b->nlines) {
					struct frag *fr = add_frag(pg, i, y);
					fr->line0 = line;
					fr->line1 = k;
					y += b->line_top[k] - base;
					if (b->ncalls)
						attach_notes(f, i, line, k, pg, g, y, &carry, &carry_line);
					break;
				}
				int left = b->nlines - line, here = k - line;
				if (left - here < MIN_LINES)
					here = left - MIN_LINES;
				/* No word cut across the page turn: its first half goes over too. */
				if (here > MIN_LINES && b->hyphen && b->hyphen[line + here - 1])
					here--;
				if (here < MIN_LINES || (line == 0 && b->nlines < 2 * MIN_LINES))
					here = 0;
				if (here == 0 && y == top)
					here = k - line > 0 ? k - line : 1;
				if (here > 0) {
					struct frag *fr = add_frag(pg, i, y);
					fr->line0 = line;
					fr->line1 = line + here;
					if (b->ncalls)
						attach_notes(f, i, line, line + here, pg, g,
							     y + b->line_top[line + here] - base, &carry, &carry_line);
					line += here;
				}
				pg = next_page(out, running, f, g, &carry, &carry_line);
				y = top;
			}
		} else if (b->kind == BLK_TABLE) {
			size_t nh = header_rows(b), r = nh;
			double hh = rows_h(b, 0, nh);
			int repeat = 0;
			if (r == b->nrows) {
				struct frag *fr = add_frag(pg, i, y);
				fr->row0 = fr->row1 = r;
				y += hh;
			}
			while (r < b->nrows) {
				size_t k = r;
				double h = hh;
				while (k < b->nrows && y + h + b->rows[k].h <= bottom - pg->notes_h + 0.01)
					h += b->rows[k++].h;
				if (k == r && y == top)
					h += b->rows[k++].h;
				if (k > r) {
					struct frag *fr = add_frag(pg, i, y);
					fr->row0 = r;
					fr->row1 = k;
					fr->repeat_header = repeat;
					y += h;
					r = k;
				}
				if (r < b->nrows) {
					pg = next_page(out, running, f, g, &carry, &carry_line);
					y = top;
					repeat = 1;
				}
			}
		} else {
			struct frag *fr = add_frag(pg, i, y);
			fr->line1 = b->nlines;
			y += full_h(b);
		}
		y += b->after;
	}
}

/* Text lines on page pg (a table row or another block counts as two). */
static int page_lines(const struct flow *f, const struct page_out *pg)
{
	int n = 0;
	for (size_t k = 0; k < pg->n; k++) {
		const struct blk *b = &f->v[pg->v[k].blk];
		if (b->kind == BLK_TEXT || b->kind == BLK_TOC)
			n += pg->v[k].line1 - pg->v[k].line0;
		else
			n += 2;
	}
	return n;
}

/*
 * Where to force a break so that the end of page p (from its frag k on)
 * goes over to the next page: before the frag's block, or a paragraph's
 * last lines, keeping MIN_LINES on each side and a heading with what
 * follows it. *fx is set and 1 returned, or 0 when nothing can move
 * (the piece starts the page).
 */
static int move_over(const struct flow *f, const struct page_out *pg, size_t k, int lines,
		     struct force *fx)
{
	const struct frag *fr = &pg->v[k];
	const struct blk *b = &f->v[fr->blk];
	if (b->kind == BLK_TEXT && !b->atomic && fr->line1 - lines - fr->line0 >= MIN_LINES &&
	    b->nlines - (fr->line1 - lines) >= MIN_LINES) {
		fx->blk = fr->blk;
		fx->line = fr->line1 - lines;
		return 1;
	}
	if (fr->line0 > 0 || fr->row0 > 0 || fr->repeat_header)
		return 0;
	/* The whole block, with the headings kept with it. */
	while (k > 0 && f->v[pg->v[k - 1].blk].keep_next && pg->v[k - 1].line0 == 0)
		k--;
	if (k == 0)
		return 0;
	fx->blk = pg->v[k].blk;
	fx->line = 0;
	return 1;
}

/*
 * The first fault of a pagination a break can mend, as the break that
 * mends it: a page holding a single line, or a single list item after a
 * page of the same list (balanced with lines of the page before); a page
 * ending on a hyphenated line (the line goes over, or the paragraph).
 */
static int find_fault(const struct flow *f, const struct page_list *pl, struct force *fx)
{
	for (size_t p = 0; p < pl->n; p++) {
		const struct page_out *pg = &pl->v[p];
		if (!pg->n)
			continue;
		const struct frag *last = &pg->v[pg->n - 1];
		const struct blk *lb = &f->v[last->blk];
		if (p + 1 < pl->n && lb->kind == BLK_TEXT && lb->hyphen && last->line1 < lb->nlines &&
		    last->line1 > 0 && lb->hyphen[last->line1 - 1] &&
		    move_over(f, pg, pg->n - 1, 1, fx))
			return 1;
		if (p == 0 || f->v[pg->v[0].blk].page_break || pg->opens_doc)
			continue;
		const struct page_out *prev = &pl->v[p - 1];
		if (!prev->n)
			continue;
		const struct blk *first = &f->v[pg->v[0].blk];
		int single_item = pg->n == 1 && !strcmp(first->tag, "LI") && pg->v[0].line0 == 0 &&
				  !strcmp(f->v[prev->v[prev->n - 1].blk].tag, "LI");
		if ((page_lines(f, pg) == 1 || single_item) &&
		    move_over(f, prev, prev->n - 1, MIN_LINES, fx))
			return 1;
	}
	return 0;
}

void page_break_flow(const struct flow *f, const struct page_geom *g, struct page_list *out)
{
	/*
	 * Paginated, then mended: each fault found forces a break earlier
	 * and the flow is paginated again (it is only arithmetic), until
	 * none is left or a few rounds have passed.
	 */
	struct force *fv = NULL;
	size_t nf = 0;
	paginate(f, g, out, fv, nf);
	for (int round = 0; round < 24; round++) {
		struct force fx;
		if (!find_fault(f, out, &fx))
			break;
		int known = 0;
		for (size_t k = 0; k < nf; k++)
			known |= fv[k].blk == fx.blk && fv[k].line == fx.line;
		if (known)
			break;
		fv = xrealloc(fv, (nf + 1) * sizeof *fv);
		fv[nf++] = fx;
		struct page_list next;
		paginate(f, g, &next, fv, nf);
		page_list_free(out);
		*out = next;
	}
	free(fv);
}

void page_list_free(struct page_list *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].v);
		free(p->v[i].notes);
	}
	free(p->v);
	memset(p, 0, sizeof *p);
}

/* ---- drawing ---- */

char *page_quote(const char *v)
{
	size_t n = strlen(v);
	char *out = xmalloc(2 * n + 3), *o = out;
	*o++ = '\'';
	for (; *v; v++) {
		if (*v == '\'' || *v == '\\')
			*o++ = '\\';
		*o++ = *v;
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

static void set_rgb(cairo_t *cr, const double rgb[3])
{
	cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
}

/* Index of the link over byte `at` of the text, or -1 (a destination not placed is no link). */
static int link_at(const struct page_draw *pd, const struct lay_link *links, size_t n, int at)
{
	for (size_t i = 0; i < n; i++)
		if (at >= links[i].start && at < links[i].end)
			return links[i].dest && pd->page_of(pd->ctx, links[i].dest) <= 0 ? -1 : (int)i;
	return -1;
}

/* 1 when some link of the text is drawn as one. */
static int has_live_link(const struct page_draw *pd, const struct lay_link *links, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!links[i].dest || pd->page_of(pd->ctx, links[i].dest) > 0)
			return 1;
	return 0;
}

static double run_width(const PangoGlyphItem *run)
{
	return (double)(run->start_x_offset + pango_glyph_string_get_width(run->glyphs) +
			run->end_x_offset) / PANGO_SCALE;
}

/* The runs of one line grouped by the link they belong to, while it is drawn. */
struct line_groups {
	const struct page_draw *pd;
	cairo_t *cr;
	const struct lay_link *links;
	const PangoGlyphItem **runs;  /* the line's runs, in order */
	int *group;                   /* per run: its group */
	int *link;                    /* per group: link index, or -1 (Span) */
	double *x, *w;                /* per group: its extent on the line */
	size_t nruns;
	int open;                     /* the group whose element is open, or -1 */
	double top, height;           /* the line's box */
};

static void close_group(struct line_groups *lg)
{
	if (lg->open < 0)
		return;
	cairo_tag_end(lg->cr, lg->link[lg->open] >= 0 ? CAIRO_TAG_LINK : "Span");
	lg->open = -1;
}

/* Called by the renderer before each run: opens the element of the run's group. */
static void at_run(void *ctx, const PangoGlyphItem *run)
{
	struct line_groups *lg = ctx;
	size_t i = 0;
	while (i < lg->nruns && lg->runs[i] != run)
		i++;
	if (i == lg->nruns || lg->group[i] == lg->open)
		return;
	close_group(lg);
	int g = lg->group[i];
	if (lg->link[g] >= 0) {
		const struct lay_link *lk = &lg->links[lg->link[g]];
		char *target = page_quote(lk->uri ? lk->uri : lk->dest);
		char *attrs = xasprintf("rect=[%.2f %.2f %.2f %.2f] %s=%s", lg->x[g], lg->top, lg->w[g],
					lg->height, lk->uri ? "uri" : "dest", target);
		cairo_tag_begin(lg->cr, CAIRO_TAG_LINK, attrs);
		free(attrs);
		free(target);
	} else {
		cairo_tag_begin(lg->cr, "Span", "");
	}
	lg->open = g;
}

/*
 * Draws one line of a text holding links: the runs of a link inside a
 * Link element (the annotation over them, so that the element holds its
 * OBJR and the marked content of its text), the other runs in Span
 * elements. Cairo 1.16 marks the content of leaf elements only: the text
 * of a P holding a Link, drawn in the P itself, would be in no element.
 */
static void draw_line_linked(const struct page_draw *pd, cairo_t *cr, PangoLayoutLine *line,
			     const struct lay_link *links, size_t nlinks, double x, double base,
			     double top, double height)
{
	struct line_groups lg = {pd, cr, links, NULL, NULL, NULL, NULL, NULL, 0, -1, top, height};
	size_t n = g_slist_length(line->runs);
	lg.runs = xcalloc(n + 1, sizeof *lg.runs);
	lg.group = xcalloc(n + 1, sizeof *lg.group);
	lg.link = xcalloc(n + 1, sizeof *lg.link);
	lg.x = xcalloc(n + 1, sizeof *lg.x);
	lg.w = xcalloc(n + 1, sizeof *lg.w);
	int ng = 0;
	double at = x;
	for (GSList *r = line->runs; r; r = r->next) {
		const PangoGlyphItem *run = r->data;
		int li = link_at(pd, links, nlinks, run->item->offset);
		if (!ng || lg.link[ng - 1] != li) {
			lg.link[ng] = li;
			lg.x[ng] = at;
			ng++;
		}
		lg.w[ng - 1] += run_width(run);
		lg.runs[lg.nruns] = run;
		lg.group[lg.nruns++] = ng - 1;
		at += run_width(run);
	}
	cairo_move_to(cr, x, base);
	text_show_layout_line_runs(cr, line, at_run, &lg);
	close_group(&lg);
	free(lg.runs);
	free(lg.group);
	free(lg.link);
	free(lg.x);
	free(lg.w);
}

/*
 * Draws lines [line0, line1) of a layout with the top of line0 at (x, y),
 * its links tagged and annotated when the drawing is (see draw_line_linked).
 * Every text of the page comes through here: paragraphs, table cells,
 * sommaire entries.
 */
static void draw_text_lines(const struct page_draw *pd, cairo_t *cr, PangoLayout *layout,
			    const struct lay_link *links, size_t nlinks, int line0, int line1,
			    double x, double y)
{
	int linked = pd->tagged && has_live_link(pd, links, nlinks);
	PangoLayoutIter *it = pango_layout_get_iter(layout);
	int line = 0;
	double first_top = 0;
	do {
		PangoRectangle lr;
		pango_layout_iter_get_line_extents(it, NULL, &lr);
		if (line == line0)
			first_top = (double)lr.y / PANGO_SCALE;
		if (line >= line0) {
			double base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
			PangoLayoutLine *ln = pango_layout_iter_get_line_readonly(it);
			if (linked) {
				draw_line_linked(pd, cr, ln, links, nlinks, x + (double)lr.x / PANGO_SCALE,
						 y + base - first_top, y + (double)lr.y / PANGO_SCALE - first_top,
						 (double)lr.height / PANGO_SCALE);
			} else {
				cairo_move_to(cr, x + (double)lr.x / PANGO_SCALE, y + base - first_top);
				text_show_layout_line(cr, ln);
			}
		}
		line++;
	} while (line < line1 && pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

static void tag_begin(const struct page_draw *pd, cairo_t *cr, const char *tag, const char *attrs)
{
	if (pd->tagged)
		cairo_tag_begin(cr, tag, attrs ? attrs : "");
}

static void tag_end(const struct page_draw *pd, cairo_t *cr, const char *tag)
{
	if (pd->tagged)
		cairo_tag_end(cr, tag);
}

/* A Figure element; its text alternative is added to the file afterwards (catalog_figure_alts). */
static void figure_begin(const struct page_draw *pd, cairo_t *cr, const char *alt)
{
	if (!pd->tagged)
		return;
	cairo_tag_begin(cr, "Figure", "");
	if (pd->alts)
		ptrs_add(pd->alts, xstrdup(alt));
}

static void draw_dest(const struct page_draw *pd, cairo_t *cr, const char *dest, double x, double y)
{
	if (!pd->tagged || !dest)
		return;
	char *name = page_quote(dest);
	char *attrs = xasprintf("name=%s x=%.2f y=%.2f", name, x, y);
	cairo_tag_begin(cr, CAIRO_TAG_DEST, attrs);
	cairo_tag_end(cr, CAIRO_TAG_DEST);
	free(attrs);
	free(name);
}

static int is_item(const struct blk *b)
{
	return b->kind == BLK_TEXT && b->tag && strcmp(b->tag, "LI") == 0;
}

/*
 * A list item's paragraphs on a page are one LI: Lbl (its bullet or number,
 * when the item starts here) and LBody holding a P per paragraph. open_item
 * and close_item say whether this fragment opens and closes that LI.
 */
static void draw_text(const struct page_draw *pd, cairo_t *cr, const struct blk *b,
		      const struct frag *fr, int open_item, int close_item)
{
	double x = pd->g->left + b->indent;
	double top = b->line_top[fr->line0];
	double h = b->line_top[fr->line1] - top;
	if (fr->line0 == 0)
		draw_dest(pd, cr, b->dest, pd->g->left, fr->y);
	if (b->quote) {
		cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
		cairo_rectangle(cr, x - 10, fr->y + 1, 2, h - 2);
		cairo_fill(cr);
	}
	if (strcmp(b->tag, "Code") == 0) {
		cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
		cairo_rectangle(cr, x - 5, fr->y - 2, b->width + 5, h + 4);
		cairo_fill(cr);
	}
	int item = is_item(b);
	if (item && open_item)
		tag_begin(pd, cr, "LI", NULL);
	cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
	if (b->marker && fr->line0 == 0) {
		tag_begin(pd, cr, "Lbl", NULL);
		int mw, mh;
		pango_layout_get_size(b->marker, &mw, &mh);
		cairo_move_to(cr, x - 4 - (double)mw / PANGO_SCALE,
			      fr->y + b->baseline[0] - b->line_top[0] -
			      (double)pango_layout_get_baseline(b->marker) / PANGO_SCALE);
		text_show_layout(cr, b->marker);
		tag_end(pd, cr, "Lbl");
	}
	if (item && open_item)
		tag_begin(pd, cr, "LBody", NULL);
	const char *tag = item ? "P" : b->tag;
	tag_begin(pd, cr, tag, NULL);
	draw_text_lines(pd, cr, b->layout, b->links, b->nlinks, fr->line0, fr->line1, x, fr->y);
	tag_end(pd, cr, tag);
	if (item && close_item) {
		tag_end(pd, cr, "LBody");
		tag_end(pd, cr, "LI");
	}
}

static void draw_row(const struct page_draw *pd, cairo_t *cr, const struct blk *b, size_t r,
		     double y)
{
	const struct lay_row *row = &b->rows[r];
	double x = pd->g->left + b->indent;
	if (row->header) {
		cairo_set_source_rgb(cr, 0.92, 0.92, 0.9);
		cairo_rectangle(cr, x, y, b->width, row->h);
		cairo_fill(cr);
	}
	tag_begin(pd, cr, "TR", NULL);
	for (size_t c = 0; c < b->ncols; c++) {
		const struct lay_cell *cell = &row->cells[c];
		tag_begin(pd, cr, row->header ? "TH" : "TD", NULL);
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		draw_text_lines(pd, cr, cell->layout, cell->links, cell->nlinks, 0,
				pango_layout_get_line_count(cell->layout), x + 4, y + 4);
		tag_end(pd, cr, row->header ? "TH" : "TD");
		x += b->colw[c];
	}
	tag_end(pd, cr, "TR");
	cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
	cairo_set_line_width(cr, row->header ? 0.8 : 0.4);
	cairo_move_to(cr, pd->g->left + b->indent, y + row->h);
	cairo_line_to(cr, pd->g->left + b->indent + b->width, y + row->h);
	cairo_stroke(cr);
}

static void draw_table(const struct page_draw *pd, cairo_t *cr, const struct blk *b,
		       const struct frag *fr)
{
	double y = fr->y;
	size_t nh = header_rows(b);
	tag_begin(pd, cr, "Table", NULL);
	if (fr->row0 == nh || fr->repeat_header)
		for (size_t r = 0; r < nh; r++) {
			draw_row(pd, cr, b, r, y);
			y += b->rows[r].h;
		}
	for (size_t r = fr->row0; r < fr->row1; r++) {
		draw_row(pd, cr, b, r, y);
		y += b->rows[r].h;
	}
	tag_end(pd, cr, "Table");
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	cairo_set_line_width(cr, 0.8);
	cairo_move_to(cr, pd->g->left + b->indent, fr->y);
	cairo_line_to(cr, pd->g->left + b->indent + b->width, fr->y);
	cairo_stroke(cr);
}

static void draw_image(const struct page_draw *pd, cairo_t *cr, const struct blk *b,
		       const struct frag *fr)
{
	figure_begin(pd, cr, b->alt ? b->alt : "");
	double sw = cairo_image_surface_get_width(b->image);
	double sh = cairo_image_surface_get_height(b->image);
	double iw, ih;
	image_oriented_size(b->orientation, sw, sh, &iw, &ih);
	double x = pd->g->left + b->indent;
	cairo_matrix_t upright;
	image_orientation_matrix(&upright, b->orientation, sw, sh);
	cairo_save(cr);
	cairo_translate(cr, x, fr->y);
	cairo_scale(cr, b->width / iw, b->width / iw);
	cairo_transform(cr, &upright);
	cairo_set_source_surface(cr, b->image, 0, 0);
	cairo_paint(cr);
	cairo_restore(cr);
	tag_end(pd, cr, "Figure");
}

static void draw_band(const struct page_draw *pd, cairo_t *cr, const struct blk *b,
		      const struct frag *fr)
{
	double x = pd->g->left, y = fr->y, pad = b->small ? 5 : 12;
	draw_dest(pd, cr, b->dest, x, y);
	if (b->small) {
		cairo_set_source_rgba(cr, b->rgb[0], b->rgb[1], b->rgb[2], 0.12);
		cairo_rectangle(cr, x, y, b->width, b->h);
		cairo_fill(cr);
		set_rgb(cr, b->rgb);
		cairo_rectangle(cr, x, y, 4, b->h);
		cairo_fill(cr);
	} else {
		set_rgb(cr, b->rgb);
		cairo_rectangle(cr, x, y, b->width, b->h);
		cairo_fill(cr);
	}
	int kw, kh;
	pango_layout_get_size(b->kicker, &kw, &kh);
	if (b->small)
		set_rgb(cr, b->rgb);
	else
		cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
	cairo_move_to(cr, x + pad + (b->small ? 4 : 0), y + pad);
	/* « FICHE-ACTION 6 · Logique », the part of a chapter: text, read before the title. */
	tag_begin(pd, cr, "P", NULL);
	text_show_layout(cr, b->kicker);
	tag_end(pd, cr, "P");
	tag_begin(pd, cr, "H1", NULL);
	if (b->small)
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
	else
		cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_move_to(cr, x + pad + (b->small ? 4 : 0), y + pad + (double)kh / PANGO_SCALE + 3);
	text_show_layout(cr, b->layout);
	tag_end(pd, cr, "H1");
	if (b->qr_url) {
		double s = b->h - 2 * pad < 64 ? b->h - 2 * pad : 64;
		double qx = x + b->width - pad - s, qy = y + (b->h - s) / 2;
		/* A Link holding the Figure: the annotation and what it shows are one element. */
		if (pd->tagged) {
			char *uri = page_quote(b->qr_url);
			char *attrs = xasprintf("rect=[%.2f %.2f %.2f %.2f] uri=%s", qx, qy, s, s, uri);
			cairo_tag_begin(cr, CAIRO_TAG_LINK, attrs);
			free(attrs);
			free(uri);
		}
		figure_begin(pd, cr, WORDS_FICHE_QR);
		qr_draw(cr, b->qr_url, qx, qy, s);
		tag_end(pd, cr, "Figure");
		if (pd->tagged)
			cairo_tag_end(cr, CAIRO_TAG_LINK);
	}
}

/*
 * A sommaire entry: title, dot leaders, page number flush right. For
 * screen readers the sommaire is a TOC of TOCI elements, nested as the
 * entries are (a TOCI whose next entry is deeper holds a TOC of its
 * children); each TOCI holds a Reference whose Link holds the entry's text
 * and page number with the annotation. The leaders are no text: they stay
 * out of every leaf element, and so are marked as artifacts (pdf_post.c).
 */
static void draw_toc(const struct page_draw *pd, cairo_t *cr, const struct blk *b,
		     const struct frag *fr)
{
	double x = pd->g->left + b->indent, right = pd->g->w - pd->g->right;
	const struct blk *next = fr->blk + 1 < pd->f->n ? &pd->f->v[fr->blk + 1] : NULL;
	int page = pd->page_of(pd->ctx, b->toc_dest);
	if (fr->blk == 0)
		tag_begin(pd, cr, "TOC", NULL);
	tag_begin(pd, cr, "TOCI", NULL);
	tag_begin(pd, cr, "Reference", NULL);
	if (pd->tagged && page > 0) {
		char *dest = page_quote(b->toc_dest);
		char *attrs = xasprintf("rect=[%.2f %.2f %.2f %.2f] dest=%s", x, fr->y, right - x,
					b->h, dest);
		cairo_tag_begin(cr, CAIRO_TAG_LINK, attrs);
		free(attrs);
		free(dest);
	}
	cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
	draw_text_lines(pd, cr, b->layout, NULL, 0, 0, b->nlines, x, fr->y);
	char num[16];
	snprintf(num, sizeof num, "%d", page);
	PangoLayout *nl = pango_layout_new(pango_layout_get_context(b->layout));
	pango_layout_set_font_description(nl, pango_layout_get_font_description(b->layout));
	pango_layout_set_text(nl, num, -1);
	int nw, nh;
	pango_layout_get_size(nl, &nw, &nh);
	PangoLayoutIter *it = pango_layout_get_iter(b->layout);
	while (pango_layout_iter_next_line(it))
		;
	PangoRectangle lr;
	pango_layout_iter_get_line_extents(it, NULL, &lr);
	double base = fr->y + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE - b->line_top[0];
	pango_layout_iter_free(it);
	double nx = right - (double)nw / PANGO_SCALE;
	cairo_move_to(cr, nx, base - (double)pango_layout_get_baseline(nl) / PANGO_SCALE);
	text_show_layout(cr, nl);
	if (pd->tagged && page > 0)
		cairo_tag_end(cr, CAIRO_TAG_LINK);
	double dots_from = x + (double)(lr.x + lr.width) / PANGO_SCALE + 6;
	cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
	/* The page number left a current point: without this, a hairline ran from it to the first dot. */
	cairo_new_path(cr);
	for (double dx = right - (double)nw / PANGO_SCALE - 8; dx > dots_from; dx -= 4.5) {
		cairo_arc(cr, dx, base - 1, 0.45, 0, 6.2832);
		cairo_fill(cr);
	}
	g_object_unref(nl);
	tag_end(pd, cr, "Reference");
	if (next && next->toc_depth > b->toc_depth) {
		/* Its children follow, in a TOC of their own inside this TOCI. */
		tag_begin(pd, cr, "TOC", NULL);
		return;
	}
	tag_end(pd, cr, "TOCI");
	for (int d = b->toc_depth, nd = next ? next->toc_depth : 0; d > nd; d--) {
		tag_end(pd, cr, "TOC");
		tag_end(pd, cr, "TOCI");
	}
	if (!next)
		tag_end(pd, cr, "TOC");
}

/*
 * The fragment goes on the list item of the fragment before it: a later
 * paragraph of the item, or the rest of a paragraph cut by the page. Only
 * the first paragraph of an item carries its bullet.
 */
static int continues_item(const struct blk *b, const struct frag *fr)
{
	return is_item(b) && !(b->marker && fr->line0 == 0);
}

void page_draw(const struct page_draw *pd, cairo_t *cr, const struct page_out *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct frag *fr = &p->v[i];
		const struct blk *b = &pd->f->v[fr->blk];
		const struct blk *prev = i ? &pd->f->v[p->v[i - 1].blk] : NULL;
		const struct blk *next = i + 1 < p->n ? &pd->f->v[p->v[i + 1].blk] : NULL;
		/* A run of list items on the page is one list (L) for screen readers. */
		if (is_item(b) && !(prev && is_item(prev)))
			tag_begin(pd, cr, "L", NULL);
		switch (b->kind) {
		case BLK_TEXT:
			draw_text(pd, cr, b, fr, !(continues_item(b, fr) && prev && is_item(prev)),
				  !(next && continues_item(next, &p->v[i + 1])));
			break;
		case BLK_TABLE:
			draw_table(pd, cr, b, fr);
			break;
		case BLK_IMAGE:
			draw_image(pd, cr, b, fr);
			break;
		case BLK_RULE:
			cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
			cairo_set_line_width(cr, 0.6);
			cairo_move_to(cr, pd->g->w / 2 - 40, fr->y);
			cairo_line_to(cr, pd->g->w / 2 + 40, fr->y);
			cairo_stroke(cr);
			break;
		case BLK_BAND:
			draw_band(pd, cr, b, fr);
			break;
		case BLK_TOC:
			draw_toc(pd, cr, b, fr);
			break;
		}
		if (is_item(b) && !(next && is_item(next)))
			tag_end(pd, cr, "L");
	}
	if (p->nnotes) {
		/* The footnotes: a short rule, then each note, up from the bottom margin. */
		double y = pd->g->h - pd->g->bottom - p->notes_h;
		double x = pd->g->left, w = pd->g->w - pd->g->left - pd->g->right;
		cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
		cairo_set_line_width(cr, 0.5);
		cairo_move_to(cr, x, y + rule_room(pd->g) * 0.45);
		cairo_line_to(cr, x + w * 0.3, y + rule_room(pd->g) * 0.45);
		cairo_stroke(cr);
		y += rule_room(pd->g);
		for (size_t i = 0; i < p->nnotes; i++) {
			struct frag fr = p->notes[i];
			const struct blk *nb = &pd->f->v[fr.blk];
			fr.y = y;
			draw_text(pd, cr, nb, &fr, 0, 0);
			y += note_h(nb, fr.line0, fr.line1);
		}
	}
}
