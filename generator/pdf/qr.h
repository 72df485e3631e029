/*
 * QR codes on printed fiches, linking the paper to the web page.
 */
#ifndef FICHES_QR_H
#define FICHES_QR_H

#include <cairo.h>

/*
 * Draws a QR code for the UTF-8 text at (x, y), size points wide,
 * including its quiet zone, as filled rectangles (vector, crisp at any
 * print size). Returns 0, or -1 when the text cannot be encoded (nothing
 * drawn). Thread-safe.
 */
int qr_draw(cairo_t *cr, const char *text, double x, double y, double size);

#endif
