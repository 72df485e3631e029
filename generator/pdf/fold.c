/*
 * Leaflets: typesetting and drawing the panels; see fold.h.
 *
 * Each panel is measured before anything is drawn: its title, then its
 * items stacked as the booklets stack blocks (space above a block, none at
 * the top of the frame). What does not fit is reported in lines of body
 * text and the leaflet is not drawn at all. Then:
 *  - dépliant: page 1 is the outside side (flap, back, cover from left to
 *    right), page 2 the inside side (three inner panels); each panel is a
 *    Sect of the structure tree, and the tree is put back in reading order
 *    (cover, inside panels, flap, back) once Cairo has written it, since
 *    Cairo orders it as drawn, page by page. The printer's file has the
 *    same two sides on a larger sheet, with crop and fold marks outside
 *    the trim and a line saying how to print it.
 *  - plaquette: four A5 pages in reading order, and the same pages imposed
 *    two-up on one A4 sheet in fold order (impose.c).
 */
#include "fold.h"
#include "layout_words.h"
#include "catalog.h"
#include "i18n.h"
#include "impose.h"
#include "layout.h"
#include "page.h"
#include "pdf_info.h"
#include "qr.h"
#include "style.h"
#include "text_renderer.h"
#include "typo.h"
#include "xalloc.h"

#include <cairo-pdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MM (72.0 / 25.4)
/* A4 landscape. */
#define SHEET_W 841.89
#define SHEET_H 595.28
/* A dépliant's panels: 100 mm, the flap that folds in 97 mm. */
#define PANEL_W (100 * MM)
#define FLAP_W (SHEET_W - 2 * PANEL_W)
/* Its text column, the same in every panel: the flap's width less 10 mm each side. */
#define DEPLIANT_TEXT_W (FLAP_W - 20 * MM)
#define DEPLIANT_TOP (13 * MM)
#define DEPLIANT_BOTTOM (12 * MM)
#define DEPLIANT_BODY 10.0
/* A plaquette's A5 pages. */
#define A5_W 419.53
#define A5_H 595.28
#define PLAQUETTE_SIDE (20 * MM)
#define PLAQUETTE_TOP (17 * MM)
#define PLAQUETTE_BOTTOM (15 * MM)
#define PLAQUETTE_BODY 10.0
/* The printer's file of a dépliant: this much paper around the trim for the marks. */
#define MARKS (12 * MM)
#define QR_SIZE 66.0

static const double ink[3] = {0.11, 0.26, 0.33};      /* covers and titles, as the booklets */
static const double theme_rgb[3] = {0.27, 0.24, 0.42}; /* fiches thématiques' bands */

enum piece_kind {
	PIECE_FLOW,     /* Markdown blocks, drawn by page.c */
	PIECE_BAND,     /* a logique: white label on its colour */
	PIECE_ENTRY,    /* a chip (number) or a left column, and text beside it */
	PIECE_CONTACT   /* a name, then its phone and e-mail */
};

struct piece {
	enum piece_kind kind;
	struct flow flow;           /* PIECE_FLOW */
	struct page_out placed;     /* PIECE_FLOW: its blocks at y from the piece's top */
	PangoLayout *a, *b;         /* label / chip text / name, and the text beside or below */
	PangoLayout *c;             /* PIECE_ENTRY: a smaller line under b, or NULL */
	double rgb[3];
	double col;                 /* PIECE_ENTRY: width of the left column */
	int chip;                   /* PIECE_ENTRY: a in a coloured square */
	/*
	 * Structure tags around the piece's own: opened before it (a list's
	 * L) and closed after it (the L it ends, the LBody and LI of the item
	 * a nested list belongs to). keep_open: its LI and LBody stay open for
	 * the nested list that follows.
	 */
	const char *pre[1], *post[4];
	int npre, npost, keep_open;
	double before, h;
};

struct panel {
	const struct fold_panel *def;
	int role;                   /* ROLE_* */
	int number;                 /* 1-based, in reading order */
	double x, w;                /* on its side */
	int side;                   /* 0 outside (or page), 1 inside */
	PangoLayout *title;
	struct piece *pieces;
	size_t npieces;
	double top, bottom;         /* the frame for the pieces */
	double used;                /* height the pieces take */
	/* Cover */
	PangoLayout *kicker, *headline, *subtitle, *edition;
	double block_h;             /* the coloured block at the top */
	/* Back */
	PangoLayout *web, *footer;
	double reserved;            /* room kept at the bottom (QR code, address, credits) */
};

enum { ROLE_COVER, ROLE_INSIDE, ROLE_FLAP, ROLE_BACK };

struct fold {
	const struct site *s;
	const struct book *b;
	const char *base_url;
	struct style style;
	struct lay *L;
	struct fold_def def;
	struct panel *panels;
	size_t npanels;
	double text_w, pitch;
	int tagged;
	struct ptrs alts;           /* char *: text alternatives of the Figures drawn, in order */
};

static void set_rgb(cairo_t *cr, const double rgb[3])
{
	cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
}

static double height(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

/*
 * A short text (label, title, list entry) with the booklets' typography,
 * broken between words, its lines at the font's natural distance: the
 * running text's extra leading would open the lines of a title or a
 * two-line entry wider than the space between entries.
 */
static PangoLayout *label(struct fold *F, const char *text, double size, int bold, int italic,
			  double w, PangoAlignment align)
{
	PangoLayout *l = lay_text(F->L, text, size, bold, italic, w, align);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD);
	pango_layout_set_line_spacing(l, 1.04f);
	return l;
}

static int no_page(void *ctx, const char *dest)
{
	(void)ctx;
	(void)dest;
	return 0;
}

static void tag_begin(const struct fold *F, cairo_t *cr, const char *tag)
{
	if (F->tagged)
		cairo_tag_begin(cr, tag, "");
}

static void tag_end(const struct fold *F, cairo_t *cr, const char *tag)
{
	if (F->tagged)
		cairo_tag_end(cr, tag);
}

/* ---- measuring ---- */

static struct piece *add_piece(struct panel *p, enum piece_kind kind, double before)
{
	p->pieces = xrealloc(p->pieces, (p->npieces + 1) * sizeof *p->pieces);
	struct piece *pc = &p->pieces[p->npieces++];
	memset(pc, 0, sizeof *pc);
	pc->kind = kind;
	pc->before = before;
	return pc;
}

/* Places a flow's blocks one under the other, as page.c does in a frame that never ends. */
static double place_flow(struct piece *pc)
{
	double y = 0;
	for (size_t i = 0; i < pc->flow.n; i++) {
		const struct blk *b = &pc->flow.v[i];
		if (b->footnote)
			continue;
		if (pc->placed.n)
			y += b->before;
		if (pc->placed.n == pc->placed.cap) {
			pc->placed.cap = pc->placed.cap ? 2 * pc->placed.cap : 16;
			pc->placed.v = xrealloc(pc->placed.v, pc->placed.cap * sizeof *pc->placed.v);
		}
		struct frag *fr = &pc->placed.v[pc->placed.n++];
		memset(fr, 0, sizeof *fr);
		fr->blk = i;
		fr->y = y;
		if (b->kind == BLK_TEXT || b->kind == BLK_TOC) {
			fr->line1 = b->nlines;
			y += b->line_top[b->nlines] - b->line_top[0];
		} else if (b->kind == BLK_TABLE) {
			size_t nh = 0;
			while (nh < b->nrows && b->rows[nh].header)
				nh++;
			fr->row0 = nh;
			fr->row1 = b->nrows;
			for (size_t r = 0; r < b->nrows; r++)
				y += b->rows[r].h;
		} else {
			y += b->h;
		}
		if (i + 1 < pc->flow.n)
			y += b->after;
	}
	return y;
}

static void measure_text(struct fold *F, struct panel *p, const char *md, double before)
{
	struct piece *pc = add_piece(p, PIECE_FLOW, before);
	lay_markdown(F->L, &pc->flow, md);
	pc->h = place_flow(pc);
}

/* One fiche: its number in a square of its colour, its title beside. */
static void measure_doc(struct fold *F, struct panel *p, const struct doc *d, double before,
			int first, int last)
{
	double bs = F->style.page.body_size, chip = bs * 1.6;
	struct piece *pc = add_piece(p, PIECE_ENTRY, before);
	lay_colour(d->kind == DOC_ACTION && d->logic ? d->logic->colour : NULL, pc->rgb,
	       d->kind == DOC_ACTION ? ink : theme_rgb);
	char num[16];
	snprintf(num, sizeof num, "%d", d->number);
	pc->chip = 1;
	pc->col = chip + bs * 0.6;
	pc->a = label(F, num, bs * 0.85, 1, 0, chip, PANGO_ALIGN_CENTER);
	pc->b = label(F, d->title, bs * 0.95, 0, 0, F->text_w - pc->col, PANGO_ALIGN_LEFT);
	double th = height(pc->b);
	pc->h = th > chip ? th : chip;
	if (first)
		pc->pre[pc->npre++] = "L";
	if (last)
		pc->post[pc->npost++] = "L";
}

static void measure_logics(struct fold *F, struct panel *p, int with_actions, double before)
{
	const struct site *s = F->s;
	double bs = F->style.page.body_size;
	for (size_t i = 0; i < s->nlogics; i++) {
		const struct taxon *t = &s->logics[i];
		struct piece *pc = add_piece(p, PIECE_BAND, i ? bs * (with_actions ? 0.9 : 0.3) : before);
		lay_colour(t->colour, pc->rgb, ink);
		pc->a = label(F, t->label, bs * 0.95, 1, 0, F->text_w - 14, PANGO_ALIGN_LEFT);
		pc->h = height(pc->a) + bs * 0.8;
		if (i == 0)
			pc->pre[pc->npre++] = "L";
		if (!with_actions || !t->docs.n) {
			if (i + 1 == s->nlogics)
				pc->post[pc->npost++] = "L";
			continue;
		}
		/* Its fiches: a list inside the logique's item, which they close. */
		pc->keep_open = 1;
		for (size_t k = 0; k < t->docs.n; k++)
			measure_doc(F, p, t->docs.v[k], bs * (k ? 0.3 : 0.45), k == 0,
				    k + 1 == t->docs.n);
		struct piece *last = &p->pieces[p->npieces - 1];
		last->post[last->npost++] = "LBody";
		last->post[last->npost++] = "LI";
		if (i + 1 == s->nlogics)
			last->post[last->npost++] = "L";
	}
}

/* Fiches by number and title, each with its logique's colour (themes: the themes' colour). */
static void measure_docs(struct fold *F, struct panel *p, const struct ptrs *docs, double before)
{
	double bs = F->style.page.body_size;
	for (size_t i = 0; i < docs->n; i++)
		measure_doc(F, p, docs->v[i], i ? bs * 0.5 : before, i == 0, i + 1 == docs->n);
}

static void measure_contacts(struct fold *F, struct panel *p, const struct ptrs *entries,
			     double before)
{
	double bs = F->style.page.body_size;
	for (size_t i = 0; i < entries->n; i++) {
		const struct entry *e = entries->v[i];
		struct piece *pc = add_piece(p, PIECE_CONTACT, i ? bs * 0.55 : before);
		pc->a = label(F, e->label, bs, 1, 0, F->text_w, PANGO_ALIGN_LEFT);
		struct buf how = BUF_INIT;
		const char *phone = lay_data_str(e->data, "phone"), *mail = lay_data_str(e->data, "email");
		const char *web = lay_data_str(e->data, "website");
		if (phone)
			buf_printf(&how, WORDS_FOLD_PHONE, phone);
		if (mail)
			buf_printf(&how, "%s%s", how.len ? "\n" : "", mail);
		if (!phone && !mail && web)
			buf_printf(&how, "%s", web);
		pc->h = height(pc->a);
		if (how.len) {
			pc->b = label(F, how.data, bs * 0.9, 0, 0, F->text_w, PANGO_ALIGN_LEFT);
			pc->h += height(pc->b);
		}
		buf_free(&how);
	}
}

static void measure_urgences(struct fold *F, struct panel *p, double before)
{
	const struct site *s = F->s;
	double bs = F->style.page.body_size, col = 0;
	/* The left column as wide as the longest number. */
	for (size_t i = 0; i < s->nemergencies; i++) {
		PangoLayout *n = label(F, s->emergencies[i].number, bs * 1.05, 1, 0, -1,
					  PANGO_ALIGN_LEFT);
		PangoRectangle r;
		pango_layout_get_extents(n, NULL, &r);
		if ((double)r.width / PANGO_SCALE > col)
			col = (double)r.width / PANGO_SCALE;
		g_object_unref(n);
	}
	col += bs * 0.8;
	for (size_t i = 0; i < s->nemergencies; i++) {
		const struct emergency *e = &s->emergencies[i];
		struct piece *pc = add_piece(p, PIECE_ENTRY, i ? bs * 0.45 : before);
		memcpy(pc->rgb, (double[3]){0.55, 0.13, 0.1}, sizeof pc->rgb);
		pc->col = col;
		pc->a = label(F, e->number, bs * 1.05, 1, 0, col, PANGO_ALIGN_LEFT);
		pc->b = label(F, e->label, bs * 0.95, 1, 0, F->text_w - col, PANGO_ALIGN_LEFT);
		if (e->description) {
			pc->c = label(F, e->description, bs * 0.85, 0, 0, F->text_w - col,
					 PANGO_ALIGN_LEFT);
		}
		double h1 = height(pc->a), h2 = height(pc->b) + (pc->c ? height(pc->c) : 0);
		pc->h = h1 > h2 ? h1 : h2;
		if (i == 0)
			pc->pre[pc->npre++] = "L";
		if (i + 1 == s->nemergencies)
			pc->post[pc->npost++] = "L";
	}
}

/* « Informations de juin 2016 »: the date of the content, as on every fiche. */
static char *edition_line(const struct site *s)
{
	static const char *const months[] = {WORDS_MONTHS};
	if (s->updated_year > 0 && s->updated_month >= 1 && s->updated_month <= 12)
		return xasprintf(WORDS_FOLD_DATE, months[s->updated_month - 1],
				 s->updated_year);
	return NULL;
}

static void measure_panel(struct fold *F, struct panel *p)
{
	const struct site *s = F->s;
	const struct book *b = F->b;
	double bs = F->style.page.body_size;
	const struct page_geom *g = &F->style.page;
	p->top = g->top;
	p->bottom = g->h - g->bottom;
	if (p->role == ROLE_COVER) {
		double tw = F->text_w;
		p->kicker = label(F, s->title ? s->title : "", bs * 0.95, 1, 0, tw,
				     PANGO_ALIGN_LEFT);
		p->headline = label(F, b->title, bs * 2.6, 1, 0, tw, PANGO_ALIGN_LEFT);
		pango_layout_set_line_spacing(p->headline, 0.92);
		if (b->subtitle && *b->subtitle) {
			p->subtitle = label(F, b->subtitle, bs * 1.2, 0, 1, tw, PANGO_ALIGN_LEFT);
		}
		double y = g->top + height(p->kicker) + bs * 2.2 + height(p->headline);
		if (p->subtitle)
			y += bs * 1.1 + height(p->subtitle);
		p->block_h = y + bs * 2.4;
		if (p->block_h < g->h * 0.5)
			p->block_h = g->h * 0.5;
		p->top = p->block_h + bs * 2.2;
		char *ed = edition_line(s);
		if (ed) {
			p->edition = label(F, ed, bs * 0.85, 0, 0, tw, PANGO_ALIGN_LEFT);
			p->bottom -= height(p->edition) + bs;
			free(ed);
		}
	} else if (p->def->title) {
		p->title = label(F, p->def->title, bs * 1.45, 1, 0, F->text_w, PANGO_ALIGN_LEFT);
		p->top += 6 + height(p->title) + bs * 0.9;
	}
	if (p->role == ROLE_BACK) {
		double r = 0;
		if (s->footer) {
			p->footer = label(F, s->footer, bs * 0.72, 0, 0, F->text_w, PANGO_ALIGN_LEFT);
			r += height(p->footer);
		}
		if (F->base_url) {
			char *t = xasprintf(WORDS_FOLD_ONLINE, F->base_url);
			p->web = label(F, t, bs * 0.9, 0, 0, F->text_w - QR_SIZE - bs, PANGO_ALIGN_LEFT);
			pango_layout_set_wrap(p->web, PANGO_WRAP_WORD_CHAR);
			free(t);
			double wh = height(p->web);
			r += (wh > QR_SIZE ? wh : QR_SIZE) + bs * 1.2;
		}
		p->reserved = r ? r + bs * 1.5 : 0;
		p->bottom -= p->reserved;
	}
	/* Between items a full line: a list and the paragraph after it must not run together. */
	double gap = F->pitch;
	for (size_t i = 0; i < p->def->nitems; i++) {
		const struct fold_item *it = &p->def->items[i];
		double before = p->npieces ? gap : 0;
		/* Under a heading that ends the text before, the list follows closely. */
		const struct piece *last = p->npieces ? &p->pieces[p->npieces - 1] : NULL;
		if (last && last->kind == PIECE_FLOW && last->flow.n &&
		    last->flow.v[last->flow.n - 1].tag[0] == 'H')
			before = last->flow.v[last->flow.n - 1].after;
		switch (it->kind) {
		case FOLD_TEXT:
			measure_text(F, p, it->text, before);
			break;
		case FOLD_LOGICS:
			measure_logics(F, p, it->with_actions, before);
			break;
		case FOLD_ACTIONS:
		case FOLD_THEMES:
			measure_docs(F, p, &it->refs, before);
			break;
		case FOLD_CONTACTS:
			measure_contacts(F, p, &it->refs, before);
			break;
		case FOLD_URGENCES:
			measure_urgences(F, p, before);
			break;
		}
	}
	p->used = 0;
	for (size_t i = 0; i < p->npieces; i++)
		p->used += (i ? p->pieces[i].before : 0) + p->pieces[i].h;
}

/* Lines of body text by which panel p is too long; 0 when it fits. */
static int overflow_lines(const struct fold *F, const struct panel *p)
{
	double excess = p->used - (p->bottom - p->top);
	if (excess <= 0.01)
		return 0;
	return (int)ceil(excess / F->pitch - 0.001);
}

/* ---- drawing ---- */

/* The six logiques' colours side by side: the identity the booklets' bands carry. */
static void draw_stripe(const struct fold *F, cairo_t *cr, double x, double y, double w, double h)
{
	size_t n = F->s->nlogics;
	for (size_t i = 0; i < n; i++) {
		double rgb[3];
		lay_colour(F->s->logics[i].colour, rgb, ink);
		set_rgb(cr, rgb);
		cairo_rectangle(cr, x + w * (double)i / (double)n, y, w / (double)n + 0.2, h);
		cairo_fill(cr);
	}
}

static void show(cairo_t *cr, PangoLayout *l, double x, double y)
{
	cairo_move_to(cr, x, y);
	text_show_layout(cr, l);
}

static void draw_piece(struct fold *F, cairo_t *cr, const struct piece *pc, double x, double y)
{
	double bs = F->style.page.body_size;
	for (int i = 0; i < pc->npre; i++)
		tag_begin(F, cr, pc->pre[i]);
	switch (pc->kind) {
	case PIECE_FLOW: {
		/* page.c draws at g->left and at each piece's y: move the origin to the piece. */
		struct page_geom g = F->style.page;
		g.left = 0;
		g.right = 0;
		g.w = F->text_w;
		g.top = 0;
		struct page_draw pd = {&pc->flow, &g, F->tagged, no_page, NULL, &F->alts};
		cairo_save(cr);
		cairo_translate(cr, x, y);
		page_draw(&pd, cr, &pc->placed);
		cairo_restore(cr);
		break;
	}
	case PIECE_BAND:
		tag_begin(F, cr, "LI");
		set_rgb(cr, pc->rgb);
		cairo_rectangle(cr, x, y, F->text_w, pc->h);
		cairo_fill(cr);
		tag_begin(F, cr, "LBody");
		tag_begin(F, cr, "P");
		cairo_set_source_rgb(cr, 1, 1, 1);
		show(cr, pc->a, x + 7, y + bs * 0.4);
		tag_end(F, cr, "P");
		if (!pc->keep_open) {
			tag_end(F, cr, "LBody");
			tag_end(F, cr, "LI");
		}
		break;
	case PIECE_ENTRY: {
		tag_begin(F, cr, "LI");
		tag_begin(F, cr, "Lbl");
		if (pc->chip) {
			double c = pc->col - bs * 0.6;
			set_rgb(cr, pc->rgb);
			cairo_rectangle(cr, x, y + 0.5, c, c);
			cairo_fill(cr);
			cairo_set_source_rgb(cr, 1, 1, 1);
			show(cr, pc->a, x, y + 0.5 + (c - height(pc->a)) / 2);
		} else {
			set_rgb(cr, pc->rgb);
			show(cr, pc->a, x, y);
		}
		tag_end(F, cr, "Lbl");
		tag_begin(F, cr, "LBody");
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		/* Chip: the first line centred on it; column: the baselines level. */
		double first = height(pc->b) / pango_layout_get_line_count(pc->b);
		double dy = pc->chip ? (pc->col - bs * 0.6 - first) / 2 + 0.5 :
			    (double)(pango_layout_get_baseline(pc->a) - pango_layout_get_baseline(pc->b)) /
			    PANGO_SCALE;
		show(cr, pc->b, x + pc->col, y + dy);
		if (pc->c) {
			cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
			show(cr, pc->c, x + pc->col, y + dy + height(pc->b));
		}
		tag_end(F, cr, "LBody");
		tag_end(F, cr, "LI");
		break;
	}
	case PIECE_CONTACT:
		tag_begin(F, cr, "P");
		set_rgb(cr, ink);
		show(cr, pc->a, x, y);
		if (pc->b) {
			cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
			show(cr, pc->b, x, y + height(pc->a));
		}
		tag_end(F, cr, "P");
		break;
	}
	for (int i = 0; i < pc->npost; i++)
		tag_end(F, cr, pc->post[i]);
}

static void draw_cover(struct fold *F, cairo_t *cr, const struct panel *p, double x0)
{
	const struct page_geom *g = &F->style.page;
	double bs = g->body_size, x = x0 + (p->w - F->text_w) / 2;
	set_rgb(cr, ink);
	cairo_rectangle(cr, x0, 0, p->w, p->block_h);
	cairo_fill(cr);
	draw_stripe(F, cr, x0, p->block_h - 6, p->w, 6);
	double y = g->top;
	cairo_set_source_rgba(cr, 1, 1, 1, 0.82);
	show(cr, p->kicker, x, y);
	/* A short rule under the kicker, in the colours of the logiques. */
	draw_stripe(F, cr, x, y + height(p->kicker) + bs * 0.6, bs * 4.2, 2.2);
	y += height(p->kicker) + bs * 2.2;
	tag_begin(F, cr, "H1");
	cairo_set_source_rgb(cr, 1, 1, 1);
	show(cr, p->headline, x, y);
	tag_end(F, cr, "H1");
	y += height(p->headline);
	if (p->subtitle) {
		y += bs * 1.1;
		tag_begin(F, cr, "P");
		cairo_set_source_rgba(cr, 1, 1, 1, 0.93);
		show(cr, p->subtitle, x, y);
		tag_end(F, cr, "P");
	}
	if (p->edition) {
		tag_begin(F, cr, "P");
		cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
		show(cr, p->edition, x, g->h - g->bottom - height(p->edition));
		tag_end(F, cr, "P");
	}
}

static void draw_back(struct fold *F, cairo_t *cr, const struct panel *p, double x)
{
	const struct page_geom *g = &F->style.page;
	double bs = g->body_size, y = g->h - g->bottom;
	if (p->footer) {
		y -= height(p->footer);
		tag_begin(F, cr, "P");
		cairo_set_source_rgb(cr, 0.38, 0.38, 0.38);
		show(cr, p->footer, x, y);
		tag_end(F, cr, "P");
	}
	if (p->web) {
		double wh = height(p->web), h = wh > QR_SIZE ? wh : QR_SIZE;
		y -= bs * 1.2 + h;
		cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
		cairo_set_line_width(cr, 0.5);
		cairo_move_to(cr, x, y - bs * 0.9);
		cairo_line_to(cr, x + F->text_w, y - bs * 0.9);
		cairo_stroke(cr);
		if (F->tagged) {
			cairo_tag_begin(cr, "Figure", "");
			ptrs_add(&F->alts, xasprintf(WORDS_FOLD_QR, F->base_url));
		}
		qr_draw(cr, F->base_url, x - 2, y, QR_SIZE);
		tag_end(F, cr, "Figure");
		double tx = x + QR_SIZE + bs * 0.6;
		tag_begin(F, cr, "P");
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		show(cr, p->web, tx, y + (QR_SIZE - wh) / 2);
		tag_end(F, cr, "P");
		if (F->tagged) {
			char *uri = page_quote(F->base_url);
			char *attrs = xasprintf("rect=[%.2f %.2f %.2f %.2f] uri=%s", x, y, F->text_w, h, uri);
			cairo_tag_begin(cr, CAIRO_TAG_LINK, attrs);
			cairo_tag_end(cr, CAIRO_TAG_LINK);
			free(attrs);
			free(uri);
		}
	}
}

/* Draws panel p with its left edge at x0 on the current side. */
static void draw_panel(struct fold *F, cairo_t *cr, const struct panel *p, double x0)
{
	double bs = F->style.page.body_size, x = x0 + (p->w - F->text_w) / 2;
	tag_begin(F, cr, "Sect");
	if (p->role == ROLE_COVER)
		draw_cover(F, cr, p, x0);
	if (p->title) {
		double y = F->style.page.top;
		draw_stripe(F, cr, x, y, bs * 4.2, 2.2);
		tag_begin(F, cr, "H2");
		set_rgb(cr, ink);
		show(cr, p->title, x, y + 6);
		tag_end(F, cr, "H2");
	}
	double y = p->top;
	for (size_t i = 0; i < p->npieces; i++) {
		const struct piece *pc = &p->pieces[i];
		if (i)
			y += pc->before;
		draw_piece(F, cr, pc, x, y);
		y += pc->h;
	}
	if (p->role == ROLE_BACK)
		draw_back(F, cr, p, x);
	tag_end(F, cr, "Sect");
}

/*
 * Draws one side of a dépliant (0 outside, 1 inside), or page `side` of a
 * plaquette. On the outside the cover is drawn first, then the flap and
 * the back: each panel at its place, whatever the order.
 */
static void draw_side(struct fold *F, cairo_t *cr, int side)
{
	if (F->b->fold == FOLD_DEPLIANT) {
		static const int drawn[2][3] = {{0, 4, 5}, {1, 2, 3}};
		for (int k = 0; k < 3; k++) {
			const struct panel *p = &F->panels[drawn[side][k]];
			draw_panel(F, cr, p, p->x);
		}
		return;
	}
	draw_panel(F, cr, &F->panels[side], 0);
}

static void impose_page(void *ctx, cairo_t *cr, int page)
{
	struct fold *F = ctx;
	draw_panel(F, cr, &F->panels[page - 1], 0);
}

/* ---- files ---- */

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int len)
{
	buf_put(closure, (const char *)data, len);
	return CAIRO_STATUS_SUCCESS;
}

/*
 * Puts the panels (the Sect children of the Document element, in drawing
 * order) in the order perm gives: element k of the new order is the
 * perm[k]-th drawn. The references only move, so every offset of the file
 * stays right. Returns 0, or -1 (file unchanged) when the tree is not as
 * expected.
 */
static int reorder_tree(struct buf *pdf, const int *perm, size_t n)
{
	const char *end = pdf->data + pdf->len;
	const char *doc = memmem(pdf->data, pdf->len, "/S /Document", 12);
	if (!doc)
		return -1;
	const char *k = memmem(doc, (size_t)(end - doc), "/K [", 4);
	const char *close = k ? memchr(k, ']', (size_t)(end - k)) : NULL;
	if (!k || !close || memmem(doc, (size_t)(k - doc), "endobj", 6))
		return -1;
	int obj[16], gen[16];
	size_t found = 0;
	const char *p = k + 4;
	while (p < close && found < 16) {
		int o, g, used = 0;
		if (sscanf(p, " %d %d R%n", &o, &g, &used) != 2 || used == 0)
			break;
		obj[found] = o;
		gen[found] = g;
		found++;
		p += used;
	}
	if (found != n)
		return -1;
	struct buf out = BUF_INIT;
	buf_puts(&out, "/K [");
	for (size_t i = 0; i < n; i++)
		buf_printf(&out, " %d %d R", obj[perm[i]], gen[perm[i]]);
	buf_puts(&out, " ");
	int ok = (size_t)(close - k) == out.len;
	if (ok)
		memcpy((char *)k, out.data, out.len);
	buf_free(&out);
	return ok ? 0 : -1;
}

/*
 * catalog_complete with /MarkInfo only when Cairo did not write it: Cairo
 * 1.16 writes it itself in a file without an outline, and qpdf --check
 * warns about a key given twice.
 */
static void complete(struct buf *pdf, const char *lang, int marked)
{
	const char *cat = memmem(pdf->data, pdf->len, "/Type /Catalog", 14);
	const char *end = cat ? memmem(cat, pdf->len - (size_t)(cat - pdf->data), "endobj", 6) : NULL;
	if (cat && end && memmem(cat, (size_t)(end - cat), "/MarkInfo", 9))
		marked = 0;
	catalog_complete(pdf, lang, marked);
}

static const char *const duplex_note = WORDS_FOLD_DUPLEX_NOTE;

/* Crop marks at the corners and fold marks above and below the trim, all outside it. */
static void draw_marks(cairo_t *cr, int side)
{
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 0.3);
	double x0 = MARKS, y0 = MARKS, x1 = MARKS + SHEET_W, y1 = MARKS + SHEET_H, gap = 3 * MM;
	double xs[2] = {x0, x1}, ys[2] = {y0, y1};
	for (int i = 0; i < 2; i++) {
		for (int j = 0; j < 2; j++) {
			double dx = i ? 1 : -1, dy = j ? 1 : -1;
			cairo_move_to(cr, xs[i] + dx * gap, ys[j]);
			cairo_line_to(cr, xs[i] + dx * (MARKS - 1), ys[j]);
			cairo_move_to(cr, xs[i], ys[j] + dy * gap);
			cairo_line_to(cr, xs[i], ys[j] + dy * (MARKS - 1));
		}
	}
	cairo_stroke(cr);
	double folds[2];
	if (side == 0) {
		folds[0] = FLAP_W;
		folds[1] = FLAP_W + PANEL_W;
	} else {
		folds[0] = PANEL_W;
		folds[1] = 2 * PANEL_W;
	}
	double dash[2] = {2, 1.5};
	cairo_set_dash(cr, dash, 2, 0);
	for (int i = 0; i < 2; i++) {
		cairo_move_to(cr, x0 + folds[i], y0 - gap);
		cairo_line_to(cr, x0 + folds[i], y0 - MARKS + 1);
		cairo_move_to(cr, x0 + folds[i], y1 + gap);
		cairo_line_to(cr, x0 + folds[i], y1 + MARKS - 1);
	}
	cairo_stroke(cr);
	cairo_set_dash(cr, NULL, 0, 0);
}

static void draw_print_note(struct fold *F, cairo_t *cr, int side)
{
	char *t = xasprintf("%s — %s", side ? WORDS_FOLD_INSIDE : WORDS_FOLD_OUTSIDE,
			    duplex_note);
	PangoLayout *l = label(F, t, 6, 0, 0, SHEET_W - 2 * MARKS, PANGO_ALIGN_LEFT);
	free(t);
	cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
	show(cr, l, MARKS + 12 * MM, MARKS + SHEET_H + 4 * MM);
	g_object_unref(l);
}

static void finish(cairo_surface_t *surf, struct fold_out *out)
{
	cairo_surface_finish(surf);
	if (!out->failed && cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS)
		out->failed = cairo_surface_status(surf);
	cairo_surface_destroy(surf);
}

/*
 * Bookmarks, one per panel in reading order (the cover by the leaflet's
 * title), each to its panel's place: a reader on a screen goes through
 * the leaflet as it unfolds.
 */
static void add_outline(struct fold *F, cairo_surface_t *surf)
{
	for (size_t i = 0; i < F->npanels; i++) {
		const struct panel *p = &F->panels[i];
		const char *t = p->role == ROLE_COVER ? F->b->title : p->def->title;
		if (!t)
			continue;
		int page = F->b->fold == FOLD_DEPLIANT ? p->side + 1 : (int)i + 1;
		char *title = typo_plain(t, strlen(t));
		char *link = xasprintf("page=%d pos=[%.2f 0]", page, p->x);
		cairo_pdf_surface_add_outline(surf, CAIRO_PDF_OUTLINE_ROOT, title, link, 0);
		free(link);
		free(title);
	}
}

static void write_depliant(struct fold *F, struct fold_out *out, long long epoch)
{
	const char *lang = F->s->language ? F->s->language : "fr";
	cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(write_buf, &out->pdf, SHEET_W,
								     SHEET_H);
	struct pdf_info meta;
	pdf_info_set(&meta, surf, F->s, F->b->title, F->b->subtitle, duplex_note, epoch);
	add_outline(F, surf);
	cairo_t *cr = cairo_create(surf);
	F->tagged = 1;
	/* One Document holding the six panels, so that they can be put in reading order. */
	cairo_tag_begin(cr, "Document", "");
	for (int side = 0; side < 2; side++) {
		draw_side(F, cr, side);
		if (side == 1)
			cairo_tag_end(cr, "Document");
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	finish(surf, out);
	/* Drawn: cover, flap, back, inside 1–3. Read: cover, inside 1–3, flap, back. */
	static const int reading[6] = {0, 3, 4, 5, 1, 2};
	if (!out->failed) {
		catalog_figure_alts(&out->pdf, &F->alts);
		reorder_tree(&out->pdf, reading, 6);
		complete(&out->pdf, lang, 1);
	}
	pdf_info_post(&out->pdf, &meta, 1, NULL, &out->failed);
	pdf_info_free(&meta);

	surf = cairo_pdf_surface_create_for_stream(write_buf, &out->print, SHEET_W + 2 * MARKS,
						   SHEET_H + 2 * MARKS);
	char *title = xasprintf(WORDS_FOLD_MARKS_TITLE, F->b->title);
	pdf_info_set(&meta, surf, F->s, title, F->b->subtitle, duplex_note, epoch);
	free(title);
	cr = cairo_create(surf);
	F->tagged = 0;
	for (int side = 0; side < 2; side++) {
		cairo_save(cr);
		cairo_translate(cr, MARKS, MARKS);
		cairo_rectangle(cr, 0, 0, SHEET_W, SHEET_H);
		cairo_clip(cr);
		draw_side(F, cr, side);
		cairo_restore(cr);
		draw_marks(cr, side);
		draw_print_note(F, cr, side);
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	finish(surf, out);
	if (!out->failed)
		complete(&out->print, lang, 0);
	pdf_info_post(&out->print, &meta, 0, NULL, &out->failed);
	pdf_info_free(&meta);
}

static void write_plaquette(struct fold *F, struct fold_out *out, long long epoch)
{
	const char *lang = F->s->language ? F->s->language : "fr";
	static const char *const note = WORDS_PLAQUETTE_NOTE;
	cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(write_buf, &out->pdf, A5_W, A5_H);
	struct pdf_info meta;
	pdf_info_set(&meta, surf, F->s, F->b->title, F->b->subtitle, note, epoch);
	add_outline(F, surf);
	cairo_t *cr = cairo_create(surf);
	F->tagged = 1;
	cairo_tag_begin(cr, "Document", "");
	for (size_t i = 0; i < F->npanels; i++) {
		draw_panel(F, cr, &F->panels[i], 0);
		if (i + 1 == F->npanels)
			cairo_tag_end(cr, "Document");
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	finish(surf, out);
	if (!out->failed) {
		catalog_figure_alts(&out->pdf, &F->alts);
		complete(&out->pdf, lang, 1);
	}
	pdf_info_post(&out->pdf, &meta, 1, NULL, &out->failed);
	pdf_info_free(&meta);

	surf = cairo_pdf_surface_create_for_stream(write_buf, &out->print, SHEET_W, SHEET_H);
	char *title = xasprintf(WORDS_IMPOSED_TITLE, F->b->title);
	pdf_info_set(&meta, surf, F->s, title, F->b->subtitle, note, epoch);
	free(title);
	F->tagged = 0;
	impose_draw(surf, (int)F->npanels, A5_W, A5_H, impose_page, F);
	finish(surf, out);
	if (!out->failed)
		complete(&out->print, lang, 0);
	pdf_info_post(&out->print, &meta, 0, NULL, &out->failed);
	pdf_info_free(&meta);
}

const char *fold_print_suffix(const struct book *b)
{
	return b->fold == FOLD_DEPLIANT ? "-traits" : "-imposee";
}

static void free_panels(struct fold *F)
{
	for (size_t i = 0; i < F->npanels; i++) {
		struct panel *p = &F->panels[i];
		for (size_t k = 0; k < p->npieces; k++) {
			struct piece *pc = &p->pieces[k];
			flow_free(&pc->flow);
			free(pc->placed.v);
			if (pc->a)
				g_object_unref(pc->a);
			if (pc->b)
				g_object_unref(pc->b);
			if (pc->c)
				g_object_unref(pc->c);
		}
		free(p->pieces);
		PangoLayout *ls[] = {p->title, p->kicker, p->headline, p->subtitle, p->edition, p->web,
				     p->footer};
		for (size_t k = 0; k < sizeof ls / sizeof *ls; k++)
			if (ls[k])
				g_object_unref(ls[k]);
	}
	free(F->panels);
	for (size_t i = 0; i < F->alts.n; i++)
		free(F->alts.v[i]);
	ptrs_free(&F->alts);
}

void fold_typeset(const struct site *s, const struct book *b, const struct hyph *h,
		  const char *family, const char *base_url, long long epoch, struct fold_out *out)
{
	struct fold F = {0};
	F.s = s;
	F.b = b;
	F.base_url = base_url;
	if (!b->def || fold_read(s, b->def, b->fold, &F.def, NULL) < 0) {
		fold_def_free(&F.def);
		out->failed = CAIRO_STATUS_INVALID_CONTENT;
		return;
	}
	int depliant = b->fold == FOLD_DEPLIANT;
	/* The booklets' type scale and spacing, on a leaflet's page. */
	F.style = *style_get(!depliant);
	if (depliant) {
		F.style.page = (struct page_geom){PANEL_W, SHEET_H, 10 * MM, 10 * MM, DEPLIANT_TOP,
						  DEPLIANT_BOTTOM, DEPLIANT_BODY};
		F.style.list_indent = 12;
		F.text_w = DEPLIANT_TEXT_W;
	} else {
		F.style.page = (struct page_geom){A5_W, A5_H, PLAQUETTE_SIDE, PLAQUETTE_SIDE,
						  PLAQUETTE_TOP, PLAQUETTE_BOTTOM, PLAQUETTE_BODY};
		F.text_w = A5_W - 2 * PLAQUETTE_SIDE;
	}
	struct lay_options lo = {family, F.text_w, F.style.page.body_size, &F.style, base_url,
				 no_page, NULL};
	F.L = lay_new(s, b, h, &lo);
	F.pitch = lay_pitch(F.L);
	F.npanels = F.def.npanels;
	F.panels = xcalloc(F.npanels, sizeof *F.panels);
	for (size_t i = 0; i < F.npanels; i++) {
		struct panel *p = &F.panels[i];
		p->def = &F.def.panels[i];
		p->number = (int)i + 1;
		p->role = i == 0 ? ROLE_COVER : i + 1 == F.npanels ? ROLE_BACK :
			  depliant && i == 4 ? ROLE_FLAP : ROLE_INSIDE;
		p->w = depliant ? (i == 3 || i == 4 ? FLAP_W : PANEL_W) : A5_W;
		/* Outside: flap 0, back 1, cover 2; inside: 1, 2, 3 (the third backs the flap). */
		static const double xs[6] = {FLAP_W + PANEL_W, 0, PANEL_W, 2 * PANEL_W, 0, FLAP_W};
		p->x = depliant ? xs[i] : 0;
		p->side = depliant && i >= 1 && i <= 3;
		measure_panel(&F, p);
	}
	for (size_t i = 0; i < F.npanels; i++) {
		int n = overflow_lines(&F, &F.panels[i]);
		if (!n)
			continue;
		const char *fmt = depliant ? (n == 1 ? _("1 line too many in panel %d") :
					      _("%d lines too many in panel %d")) :
				  (n == 1 ? _("1 line too many on page %d") :
				   _("%d lines too many on page %d"));
		char *msg = n == 1 ? xasprintf(fmt, F.panels[i].number) :
				     xasprintf(fmt, n, F.panels[i].number);
		buf_printf(&out->error, "%d:%d:%s\n", F.panels[i].def->line, F.panels[i].def->col, msg);
		free(msg);
	}
	if (!out->error.len) {
		if (depliant)
			write_depliant(&F, out, epoch);
		else
			write_plaquette(&F, out, epoch);
	}
	free_panels(&F);
	fold_def_free(&F.def);
	lay_free(F.L);
}
