/*
 * QR codes with libqrencode, drawn as Cairo rectangles; see qr.h.
 *
 * Dark modules of a row are merged into runs so that a code is a few
 * hundred rectangles rather than a thousand, which keeps the PDF small.
 */
#include "qr.h"

#include <qrencode.h>

/* Modules of white border around the code, as the standard asks. */
#define QUIET 2

int qr_draw(cairo_t *cr, const char *text, double x, double y, double size)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return -1;
	int w = q->width;
	double m = size / (w + 2 * QUIET);
	cairo_save(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int row = 0; row < w; row++) {
		int col = 0;
		while (col < w) {
			if (!(q->data[row * w + col] & 1)) {
				col++;
				continue;
			}
			int start = col;
			while (col < w && (q->data[row * w + col] & 1))
				col++;
			cairo_rectangle(cr, x + (start + QUIET) * m, y + (row + QUIET) * m,
					(col - start) * m, m);
		}
	}
	cairo_fill(cr);
	cairo_restore(cr);
	QRcode_free(q);
	return 0;
}
