/*
 * PNG of a Cairo RGB24 image, made without libpng. An image of at most 256
 * colours (the offline icons: flat colours and their antialiased edges,
 * some sixty) is written as an indexed PNG (IHDR, PLTE in the order the
 * colours appear, a bKGD naming white, IDAT chunks of at most 8 192 bytes,
 * IEND; rows unfiltered, zlib's run-length strategy): a third of the bytes
 * to compress and no filter to choose, seven times fewer instructions than
 * the RGB image through zlib's default search, for files of about the same
 * size. Other images keep the bytes cairo_surface_write_to_png writes with
 * libpng 1.6 (IHDR, a white bKGD, IDAT chunks of at most 8 192 bytes, IEND;
 * each row filtered with the filter whose bytes have the smallest sum of
 * absolute values, the first on a tie; zlib at its default level with
 * Z_FILTERED); their rows come in bands whose filter is known from the row
 * before. tests/unit/test_icon_png.c reads the indexed ones back with Cairo
 * (the same pixels) and compares the others' bytes with Cairo's.
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
