/* Images printed in the booklets and stored by the workshop; see image.h. */
#include "image.h"
#include "i18n.h"
#include "xalloc.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* jpeglib.h needs FILE and size_t first. */
#include <jpeglib.h>

/* ------------------------------------------------------------- probing */

static unsigned be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

/* The Orientation tag (0x0112) of an APP1 "Exif\0\0" segment's payload, or 1. */
static int exif_orientation(const unsigned char *p, size_t n)
{
	if (n < 14 || memcmp(p, "Exif\0\0", 6) != 0)
		return 1;
	const unsigned char *t = p + 6; /* TIFF header: offsets count from here */
	size_t tn = n - 6;
	int le = t[0] == 'I' && t[1] == 'I';
	if (!le && !(t[0] == 'M' && t[1] == 'M'))
		return 1;
#define U16(q) (le ? (unsigned)(q)[0] | (unsigned)(q)[1] << 8 : be16(q))
#define U32(q) (le ? (unsigned long)(q)[0] | (unsigned long)(q)[1] << 8 | \
		     (unsigned long)(q)[2] << 16 | (unsigned long)(q)[3] << 24 : be32(q))
	if (U16(t + 2) != 42)
		return 1;
	unsigned long ifd = U32(t + 4);
	if (ifd > tn || tn - ifd < 2)
		return 1;
	unsigned count = U16(t + ifd);
	for (unsigned i = 0; i < count; i++) {
		unsigned long at = ifd + 2 + 12ul * i;
		if (at > tn || tn - at < 12)
			break;
		if (U16(t + at) == 0x0112 && U16(t + at + 2) == 3) {
			unsigned v = U16(t + at + 8);
			return v >= 1 && v <= 8 ? (int)v : 1;
		}
	}
#undef U16
#undef U32
	return 1;
}

static int probe_jpeg(const unsigned char *d, size_t n, struct image_info *info)
{
	size_t at = 2;
	info->kind = IMAGE_JPEG;
	info->orientation = 1;
	while (at + 4 <= n) {
		if (d[at] != 0xff)
			return -1;
		unsigned char m = d[at + 1];
		if (m == 0xff) { /* fill byte */
			at++;
			continue;
		}
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd8)) {
			at += 2;
			continue;
		}
		size_t len = be16(d + at + 2);
		if (len < 2 || n - at - 2 < len)
			return -1;
		const unsigned char *seg = d + at + 4;
		size_t sn = len - 2;
		if (m == 0xe1 && info->orientation == 1)
			info->orientation = exif_orientation(seg, sn);
		int sof = m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
		if (sof) {
			if (sn < 6)
				return -1;
			info->height = (int)be16(seg + 1);
			info->width = (int)be16(seg + 3);
			info->components = seg[5];
			if (info->width <= 0 || info->height <= 0)
				return -1;
			int huffman = m == 0xc0 || m == 0xc1 || m == 0xc2;
			if (!huffman)
				info->unprintable = N_("it is an arithmetic-coded or lossless JPEG, which PDF readers do not all show; save it again as an ordinary JPEG");
			else if (seg[0] != 8)
				info->unprintable = N_("it is a 12-bit JPEG; save it again as an ordinary 8-bit JPEG");
			else if (info->components != 1 && info->components != 3 && info->components != 4)
				info->unprintable = N_("its colours are neither grey, RGB nor CMYK");
			/* CMYK is printed from its decoded pixels: Adobe's inverted CMYK would print as a negative. */
			info->passthrough = !info->unprintable && info->components != 4;
			return 0;
		}
		if (m == 0xda || m == 0xd9)
			return -1; /* image data before any frame header */
		at += 2 + len;
	}
	return -1;
}

int image_probe(const unsigned char *d, size_t n, struct image_info *info)
{
	static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	memset(info, 0, sizeof *info);
	info->orientation = 1;
	int status = -1;
	if (n >= 24 && memcmp(d, png, 8) == 0 && memcmp(d + 12, "IHDR", 4) == 0) {
		info->kind = IMAGE_PNG;
		unsigned long w = be32(d + 16), h = be32(d + 20);
		info->width = w > 0x7fffffff ? 0 : (int)w;
		info->height = h > 0x7fffffff ? 0 : (int)h;
		status = info->width > 0 && info->height > 0 ? 0 : -1;
	} else if (n >= 4 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff) {
		status = probe_jpeg(d, n, info);
	}
	if (status == 0 && !info->unprintable &&
	    (unsigned long long)info->width * (unsigned long long)info->height > IMAGE_MAX_PIXELS) {
		info->unprintable = N_("it has more than 60 million pixels; make it smaller");
		info->passthrough = 0;
	}
	if (status < 0)
		info->kind = IMAGE_UNKNOWN;
	return status;
}

/* A JPEG's frame header comes after its APP segments: 64 KiB each at most, a few of them. */
#define PROBE_BYTES (1u << 20)

int image_probe_file(const char *path, struct image_info *info)
{
	memset(info, 0, sizeof *info);
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	unsigned char *head = xmalloc(PROBE_BYTES);
	size_t n = fread(head, 1, PROBE_BYTES, f);
	fclose(f);
	int status = image_probe(head, n, info);
	free(head);
	return status;
}

/* ------------------------------------------------------------- decoding */

struct jerr {
	struct jpeg_error_mgr pub;
	jmp_buf jump;
};

static void jpeg_fail(j_common_ptr c)
{
	longjmp(((struct jerr *)c->err)->jump, 1);
}

/* libjpeg's warnings (a truncated file) are not ours to print. */
static void jpeg_quiet(j_common_ptr c, int level)
{
	(void)c;
	(void)level;
}

cairo_surface_t *image_jpeg_decode(const unsigned char *d, size_t n, int scale_denom)
{
	struct jpeg_decompress_struct in;
	struct jerr err;
	cairo_surface_t *volatile surf = NULL;
	unsigned char *volatile row = NULL;
	volatile int ok = 0;
	in.err = jpeg_std_error(&err.pub);
	err.pub.error_exit = jpeg_fail;
	err.pub.emit_message = jpeg_quiet;
	jpeg_create_decompress(&in);
	if (setjmp(err.jump))
		goto out;
	jpeg_mem_src(&in, d, (unsigned long)n);
	jpeg_read_header(&in, TRUE);
	if ((unsigned long long)in.image_width * in.image_height > IMAGE_MAX_PIXELS)
		goto out;
	int cmyk = in.jpeg_color_space == JCS_CMYK || in.jpeg_color_space == JCS_YCCK;
	in.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
	in.scale_num = 1;
	in.scale_denom = (unsigned)(scale_denom == 2 || scale_denom == 4 || scale_denom == 8 ? scale_denom : 1);
	jpeg_start_decompress(&in);
	int w = (int)in.output_width, h = (int)in.output_height, comps = in.output_components;
	if (w <= 0 || h <= 0 || w > 32767 || h > 32767 || comps != (cmyk ? 4 : 3))
		goto out;
	surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS)
		goto out;
	unsigned char *px = cairo_image_surface_get_data(surf);
	int stride = cairo_image_surface_get_stride(surf);
	/* Photoshop writes CMYK inverted, with an Adobe marker saying so. */
	int inverted = in.saw_Adobe_marker;
	row = xmalloc((size_t)w * (size_t)comps);
	while (in.output_scanline < in.output_height) {
		JSAMPROW rows[1] = {row};
		int y = (int)in.output_scanline;
		if (jpeg_read_scanlines(&in, rows, 1) != 1)
			goto out;
		uint32_t *line = (uint32_t *)(px + (size_t)y * (size_t)stride);
		for (int x = 0; x < w; x++) {
			const unsigned char *p = row + (size_t)comps * (size_t)x;
			unsigned r, g, b;
			if (cmyk) {
				unsigned c = p[0], m = p[1], ye = p[2], k = p[3];
				if (!inverted) {
					c = 255 - c;
					m = 255 - m;
					ye = 255 - ye;
					k = 255 - k;
				}
				r = c * k / 255;
				g = m * k / 255;
				b = ye * k / 255;
			} else {
				r = p[0];
				g = p[1];
				b = p[2];
			}
			line[x] = 0xff000000u | (uint32_t)r << 16 | (uint32_t)g << 8 | (uint32_t)b;
		}
	}
	jpeg_finish_decompress(&in);
	cairo_surface_mark_dirty(surf);
	ok = 1;
out:
	jpeg_destroy_decompress(&in);
	free(row);
	if (!ok && surf) {
		cairo_surface_destroy(surf);
		surf = NULL;
	}
	return surf;
}

static unsigned char *read_all(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	unsigned char *d = xmalloc(cap);
	for (;;) {
		if (n == cap) {
			if (cap >= max) {
				free(d);
				fclose(f);
				return NULL;
			}
			cap *= 2;
			d = xrealloc(d, cap);
		}
		size_t got = fread(d + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(d);
		return NULL;
	}
	*len = n;
	return d;
}

/* A JPEG printed in a booklet is at most this large (the workshop stores far smaller ones). */
#define PRINT_MAX_BYTES ((size_t)64 << 20)

cairo_surface_t *image_load_printable(const char *path, int *orientation)
{
	*orientation = 1;
	struct image_info info;
	if (image_probe_file(path, &info) < 0 || info.unprintable)
		return NULL;
	if (info.kind == IMAGE_PNG) {
		cairo_surface_t *s = cairo_image_surface_create_from_png(path);
		if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
			cairo_surface_destroy(s);
			return NULL;
		}
		return s;
	}
	size_t n = 0;
	unsigned char *d = read_all(path, PRINT_MAX_BYTES, &n);
	if (!d)
		return NULL;
	cairo_surface_t *s = image_jpeg_decode(d, n, 1);
	if (!s || cairo_image_surface_get_width(s) != info.width ||
	    cairo_image_surface_get_height(s) != info.height) {
		if (s)
			cairo_surface_destroy(s);
		free(d);
		return NULL;
	}
	*orientation = info.orientation;
	if (info.passthrough &&
	    cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_JPEG, d, n, free, d) == CAIRO_STATUS_SUCCESS)
		return s; /* the surface owns d now */
	free(d);
	return s;
}

/* ------------------------------------------------------------ orientation */

void image_oriented_size(int orientation, double w, double h, double *ow, double *oh)
{
	int turned = orientation >= 5 && orientation <= 8;
	*ow = turned ? h : w;
	*oh = turned ? w : h;
}

void image_orientation_matrix(cairo_matrix_t *m, int orientation, double w, double h)
{
	/* EXIF orientations: where stored pixel (x, y) is seen once upright. */
	switch (orientation) {
	case 2: cairo_matrix_init(m, -1, 0, 0, 1, w, 0); break;   /* mirrored */
	case 3: cairo_matrix_init(m, -1, 0, 0, -1, w, h); break;  /* upside down */
	case 4: cairo_matrix_init(m, 1, 0, 0, -1, 0, h); break;   /* mirrored upside down */
	case 5: cairo_matrix_init(m, 0, 1, 1, 0, 0, 0); break;    /* transposed */
	case 6: cairo_matrix_init(m, 0, 1, -1, 0, h, 0); break;   /* turned a quarter clockwise */
	case 7: cairo_matrix_init(m, 0, -1, -1, 0, h, w); break;  /* transversed */
	case 8: cairo_matrix_init(m, 0, -1, 1, 0, 0, w); break;   /* turned a quarter anticlockwise */
	default: cairo_matrix_init_identity(m); break;
	}
}

cairo_surface_t *image_oriented(cairo_surface_t *src, int orientation)
{
	if (orientation < 2 || orientation > 8)
		return cairo_surface_reference(src);
	double w = cairo_image_surface_get_width(src), h = cairo_image_surface_get_height(src);
	double ow, oh;
	image_oriented_size(orientation, w, h, &ow, &oh);
	cairo_surface_t *dst = cairo_image_surface_create(cairo_image_surface_get_format(src),
							  (int)ow, (int)oh);
	cairo_t *cr = cairo_create(dst);
	cairo_matrix_t m;
	image_orientation_matrix(&m, orientation, w, h);
	cairo_transform(cr, &m);
	cairo_set_source_surface(cr, src, 0, 0);
	cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
	cairo_paint(cr);
	cairo_destroy(cr);
	return dst;
}
