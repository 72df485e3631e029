/*
 * Saddle-stitch imposition: A5 pages two-up on landscape A4 sheets, in the
 * order that makes a booklet once the sheets are printed recto-verso
 * (flip on the short edge), stacked, folded and stapled.
 */
#ifndef FICHES_IMPOSE_H
#define FICHES_IMPOSE_H

#include <cairo.h>

/* n rounded up to a multiple of 4 (a folded sheet carries 4 pages); 4 for n <= 0. */
int impose_padded(int n);

/*
 * The 1-based reading-order pages printed on the left and right halves of
 * sheet side `side` (0-based: side 2i is the front of sheet i, 2i+1 its
 * back), for a booklet of n pages (n a multiple of 4). With i 0-based,
 * front = (n-2i, 2i+1), back = (2i+2, n-2i-1).
 */
void impose_side(int n, int side, int *left, int *right);

/* Draws reading-order page `page` (1-based) of an A5 booklet on cr, origin at its top left. */
typedef void (*impose_draw_fn)(void *ctx, cairo_t *cr, int page);

/*
 * Draws the imposed sheets of a booklet of npages A5 pages (padded here
 * with blank pages) onto sheet, a PDF surface of A4 landscape pages, one
 * side per page. draw is not called for padding pages. Returns the
 * number of sheet sides drawn.
 */
int impose_draw(cairo_surface_t *sheet, int npages, double page_w, double page_h,
		impose_draw_fn draw, void *ctx);

#endif
