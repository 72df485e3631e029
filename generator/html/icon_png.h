/*
 * PNG of a Cairo RGB24 image, in the bytes cairo_surface_write_to_png
 * writes with libpng 1.6 (IHDR, a white bKGD, IDAT chunks of at most
 * 8 192 bytes, IEND; each row filtered with the filter whose bytes have the
 * smallest sum of absolute values, the first on a tie; zlib at its default
 * level with Z_FILTERED), made without libpng: its filter choice tried the
 * five filters on every row and was 60 % of the offline files' cost, while
 * the icons are bands of identical rows whose choice is known from the row
 * before (tests/unit/test_icon_png.c compares the bytes with Cairo's).
 */
#ifndef FICHES_ICON_PNG_H
#define FICHES_ICON_PNG_H

#include "buf.h"

/*
 * Appends the PNG of width x height pixels (rows of stride bytes, each
 * pixel a native uint32 0x00RRGGBB, as CAIRO_FORMAT_RGB24 holds them) to
 * out. Returns 0, or -1 when zlib fails (out is then as it was).
 */
int icon_png_rgb24(const unsigned char *data, int width, int height, int stride, struct buf *out);

#endif
