#ifndef FICHES_TEXT_RENDERER_H
#define FICHES_TEXT_RENDERER_H

#include <cairo.h>
#include <pango/pango.h>

/*
 * Draws Pango layouts into a Cairo context like pango_cairo_show_layout
 * and pango_cairo_show_layout_line (at the current point, which is kept),
 * with the soft hyphens that only mark hyphenation points kept out of the
 * PDF's text (see text_renderer.c). Every booklet text goes through these.
 */
void text_show_layout(cairo_t *cr, PangoLayout *layout);
void text_show_layout_line(cairo_t *cr, PangoLayoutLine *line);

/*
 * text_show_layout_line, calling at_run(ctx, run) just before each glyph
 * run is drawn: page.c opens there the structure element (Link, Span) the
 * run's text belongs to.
 */
void text_show_layout_line_runs(cairo_t *cr, PangoLayoutLine *line,
				void (*at_run)(void *ctx, const PangoGlyphItem *run), void *ctx);

/* Soft hyphens kept out of the text so far on this thread. */
unsigned long text_renderer_dropped(void);

#endif
