/*
 * Saddle-stitch imposition; see impose.h.
 *
 * A booklet of n pages (n a multiple of 4) uses n/4 sheets. Sheet i
 * (0-based) carries the outermost pages still free: on its front the last
 * free page on the left and the first on the right, on its back the
 * reverse pair. The A5 pages are drawn again, translated, onto each half of
 * the sheet rather than copied: the drawing is vector, so nothing is lost.
 */
#include "impose.h"

int impose_padded(int n)
{
	if (n <= 0)
		return 4;
	return (n + 3) / 4 * 4;
}

void impose_side(int n, int side, int *left, int *right)
{
	int i = side / 2;
	if (side % 2 == 0) {
		*left = n - 2 * i;
		*right = 2 * i + 1;
	} else {
		*left = 2 * i + 2;
		*right = n - 2 * i - 1;
	}
}

int impose_draw(cairo_surface_t *sheet, int npages, double page_w, double page_h,
		impose_draw_fn draw, void *ctx)
{
	int n = impose_padded(npages);
	cairo_t *cr = cairo_create(sheet);
	int sides = n / 2;
	for (int side = 0; side < sides; side++) {
		int pages[2];
		impose_side(n, side, &pages[0], &pages[1]);
		for (int half = 0; half < 2; half++) {
			if (pages[half] > npages)
				continue;
			cairo_save(cr);
			cairo_translate(cr, half * page_w, 0);
			cairo_rectangle(cr, 0, 0, page_w, page_h);
			cairo_clip(cr);
			draw(ctx, cr, pages[half]);
			cairo_restore(cr);
		}
		/* A fold mark at the top and bottom of the spine, outside the text. */
		cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
		cairo_set_line_width(cr, 0.3);
		cairo_move_to(cr, page_w, 0);
		cairo_line_to(cr, page_w, 8);
		cairo_move_to(cr, page_w, page_h - 8);
		cairo_line_to(cr, page_w, page_h);
		cairo_stroke(cr);
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	return sides;
}
