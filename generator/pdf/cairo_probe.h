/*
 * A one-page PDF drawn by Cairo into nothing: the run-time proof that a
 * replacement of a C library or zlib function is reached by Cairo's calls
 * (cairo_numbers.c, content_deflate.c).
 */
#ifndef FICHES_CAIRO_PROBE_H
#define FICHES_CAIRO_PROBE_H

/* Draws a 2 x 2 square at (x, 1) on a 10 x 10 pt PDF page whose bytes are
 * discarded, and finishes the document. When around_show is not NULL it is
 * called with 1 just before the page is shown (its content stream written)
 * and with 0 just after. */
void cairo_probe_page(double x, void (*around_show)(int on));

#endif
