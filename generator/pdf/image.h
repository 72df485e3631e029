/*
 * Images of content/media/ as the booklets print them and the workshop
 * stores them: PNG (Cairo reads it) and JPEG (libjpeg decodes it).
 *
 * A JPEG is printed through the route Cairo documents for it: the pixels
 * are decoded (Cairo needs a surface of the right size and content) and
 * the file's own bytes are attached with cairo_surface_set_mime_data
 * (CAIRO_MIME_TYPE_JPEG), so the PDF embeds the DCT stream unchanged
 * instead of a much larger re-encoded copy. The EXIF orientation a
 * phone writes is applied when drawing (image_orientation_matrix), since
 * the embedded stream keeps the pixels as the camera stored them.
 */
#ifndef FICHES_IMAGE_H
#define FICHES_IMAGE_H

#include <cairo.h>
#include <stddef.h>

enum image_kind { IMAGE_UNKNOWN, IMAGE_PNG, IMAGE_JPEG };

/* Larger images are not decoded (a decompression bomb is refused). */
#define IMAGE_MAX_PIXELS (60ull * 1000 * 1000)

struct image_info {
	enum image_kind kind;
	int width, height;     /* as stored, before orientation */
	int components;        /* JPEG: 1 grey, 3 colour, 4 CMYK */
	int orientation;       /* EXIF orientation 1..8 (1: none or absent) */
	int passthrough;       /* JPEG whose bytes a PDF can embed as they are */
	/*
	 * NULL when the booklets can print the image; otherwise why not, as a
	 * msgid completing "image '%s' cannot be printed in the booklets: "
	 * (to be passed through gettext).
	 */
	const char *unprintable;
};

/*
 * Reads the kind, size, colour components and orientation from the first
 * bytes of a file (up to the JPEG's frame header). Returns 0, or -1 when d
 * is neither PNG nor JPEG or its header is cut short or damaged.
 */
int image_probe(const unsigned char *d, size_t n, struct image_info *info);

/* image_probe on a file; -1 as well when it cannot be read. */
int image_probe_file(const char *path, struct image_info *info);

/*
 * Decodes a JPEG into an RGB24 surface (grey and CMYK converted), at
 * 1/scale_denom of its size (1, 2, 4 or 8: libjpeg scales while decoding),
 * before orientation. NULL when it does not decode or is too large.
 */
cairo_surface_t *image_jpeg_decode(const unsigned char *d, size_t n, int scale_denom);

/*
 * The surface to print for the PNG or JPEG file at path, or NULL. A JPEG
 * that image_probe says can pass through carries its bytes as
 * CAIRO_MIME_TYPE_JPEG. *orientation is set to its EXIF orientation.
 */
cairo_surface_t *image_load_printable(const char *path, int *orientation);

/* Width and height of a w×h stored image once orientation is applied. */
void image_oriented_size(int orientation, double w, double h, double *ow, double *oh);

/*
 * The transformation that draws a w×h stored image upright into the box
 * (0,0)–image_oriented_size: compose it after translating to the box.
 */
void image_orientation_matrix(cairo_matrix_t *m, int orientation, double w, double h);

/* A new surface holding src turned upright (orientation 1: a new reference to src). */
cairo_surface_t *image_oriented(cairo_surface_t *src, int orientation);

#endif
