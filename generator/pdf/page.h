/*
 * Cutting a flow of blocks into pages, and drawing those pages with Cairo.
 * Pagination is pure arithmetic on the block heights layout.c measured,
 * so it can run again cheaply; drawing reads its result.
 */
#ifndef FICHES_PAGE_H
#define FICHES_PAGE_H

#include <cairo.h>

#include "layout.h"
#include "style.h"

/* A piece of a block on a page. */
struct frag {
	size_t blk;            /* index in the flow */
	int line0, line1;      /* text: lines [line0, line1) */
	size_t row0, row1;     /* table: body rows [row0, row1) */
	int repeat_header;     /* table continued: header rows drawn again first */
	double y;              /* top of the piece on the page */
};

struct page_out {
	struct frag *v;
	size_t n, cap;
	struct frag *notes;    /* footnotes at the foot of the page, in order */
	size_t nnotes, notes_cap;
	double notes_h;        /* the room they take with the rule above them; 0: none */
	const char *running;   /* running head (borrowed from the flow), or NULL */
	int opens_doc;         /* a band sits at its top: no running head */
};

struct page_list {
	struct page_out *v;
	size_t n, cap;
};

/*
 * Cuts f into pages: headings and bands kept with the two first lines of
 * what follows, no paragraph line alone at the top or bottom of a page
 * (widows and orphans), tables cut between rows with their header
 * repeated, atomic blocks moved whole, footnotes at the foot of the page
 * of their call (a line whose note does not fit goes over with it); then
 * mended: no page holding a single line, or a single list item after a
 * page of its list, and no page ending on a hyphenated line, lines or
 * blocks being moved over to the next page where that helps.
 * Caller frees with page_list_free.
 */
void page_break_flow(const struct flow *f, const struct page_geom *g, struct page_list *out);
void page_list_free(struct page_list *p);

/* What the drawing needs besides the flow. */
struct page_draw {
	const struct flow *f;
	const struct page_geom *g;
	int tagged;            /* structure tags, links and destinations (not when imposed) */
	int (*page_of)(void *ctx, const char *dest);
	void *ctx;
	struct ptrs *alts;     /* tagged: gets the alt text (char *) of each Figure drawn */
};

/* Draws page p's pieces on cr (running heads and numbers are the caller's). */
void page_draw(const struct page_draw *pd, cairo_t *cr, const struct page_out *p);

/* Quotes v for a Cairo tag attribute ('…' with \ and ' escaped). Caller frees. */
char *page_quote(const char *v);

#endif
