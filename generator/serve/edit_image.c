/* Uploaded images; see edit_image.h. */
#include "edit_image.h"

#include "buf.h"
#include "edit_save.h"
#include "image.h"
#include "path.h"
#include "slug.h"
#include "xalloc.h"

#include <cairo.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
/* jpeglib.h needs FILE and size_t first. */
#include <jpeglib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ PNG */

struct reader {
	const unsigned char *d;
	size_t n, at;
};

static cairo_status_t read_png(void *closure, unsigned char *out, unsigned int len)
{
	struct reader *r = closure;
	if (r->n - r->at < len)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(out, r->d + r->at, len);
	r->at += len;
	return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int len)
{
	buf_put(closure, (const char *)data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* surface scaled to width w (height in proportion). */
static cairo_surface_t *scaled(cairo_surface_t *src, int w, cairo_format_t format)
{
	int sw = cairo_image_surface_get_width(src), sh = cairo_image_surface_get_height(src);
	int h = (int)((double)sh * w / sw + 0.5);
	if (h < 1)
		h = 1;
	cairo_surface_t *dst = cairo_image_surface_create(format, w, h);
	cairo_t *cr = cairo_create(dst);
	cairo_scale(cr, (double)w / sw, (double)h / sh);
	cairo_set_source_surface(cr, src, 0, 0);
	cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
	cairo_paint(cr);
	cairo_destroy(cr);
	return dst;
}

/* The PNG to store: the upload itself, or scaled down. NULL when it does not decode. */
static char *png_out(const unsigned char *d, size_t n, size_t *out_len)
{
	unsigned w = (unsigned)d[16] << 24 | (unsigned)d[17] << 16 | (unsigned)d[18] << 8 | d[19];
	unsigned h = (unsigned)d[20] << 24 | (unsigned)d[21] << 16 | (unsigned)d[22] << 8 | d[23];
	if (w == 0 || h == 0 || (unsigned long long)w * h > EDIT_IMAGE_MAX_PIXELS)
		return NULL;
	struct reader r = {d, n, 0};
	cairo_surface_t *src = cairo_image_surface_create_from_png_stream(read_png, &r);
	if (cairo_surface_status(src) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(src);
		return NULL;
	}
	char *out;
	if (w <= EDIT_IMAGE_MAX_WIDTH) {
		out = xmalloc(n);
		memcpy(out, d, n);
		*out_len = n;
	} else {
		cairo_surface_t *dst = scaled(src, EDIT_IMAGE_MAX_WIDTH, CAIRO_FORMAT_ARGB32);
		struct buf b = BUF_INIT;
		cairo_surface_write_to_png_stream(dst, write_buf, &b);
		cairo_surface_destroy(dst);
		*out_len = b.len;
		out = buf_detach(&b);
	}
	cairo_surface_destroy(src);
	return out;
}

/* ----------------------------------------------------------------- JPEG */

struct jerr {
	struct jpeg_error_mgr pub;
	jmp_buf jump;
};

static void jpeg_fail(j_common_ptr c)
{
	longjmp(((struct jerr *)c->err)->jump, 1);
}

/*
 * Decodes (image.h: grey and CMYK made RGB), turns upright as its EXIF
 * orientation says (the metadata is dropped below, the picture must not
 * end up lying on its side), scales to at most EDIT_IMAGE_MAX_WIDTH and
 * encodes again (no metadata).
 */
static char *jpeg_out(const unsigned char *d, size_t n, size_t *out_len)
{
	struct image_info info;
	if (image_probe(d, n, &info) < 0 ||
	    (unsigned long long)info.width * (unsigned long long)info.height > EDIT_IMAGE_MAX_PIXELS)
		return NULL;
	double upright_w, upright_h;
	image_oriented_size(info.orientation, info.width, info.height, &upright_w, &upright_h);
	/* libjpeg halves for free while decoding: as long as the result stays wide enough. */
	int denom = 1;
	while (denom < 8 && upright_w / (denom * 2) >= EDIT_IMAGE_MAX_WIDTH)
		denom *= 2;
	cairo_surface_t *stored = image_jpeg_decode(d, n, denom);
	if (!stored)
		return NULL;
	cairo_surface_t *src = image_oriented(stored, info.orientation);
	cairo_surface_destroy(stored);
	struct jerr err;
	cairo_surface_t *volatile dst = NULL;
	unsigned char *volatile row = NULL;
	/* In memory, not a register: libjpeg moves the buffer as it grows, longjmp may come after. */
	unsigned char **mem = xcalloc(1, sizeof *mem);
	unsigned long *mem_len = xcalloc(1, sizeof *mem_len);
	char *volatile out = NULL;
	struct jpeg_compress_struct enc;
	enc.err = jpeg_std_error(&err.pub);
	err.pub.error_exit = jpeg_fail;
	jpeg_create_compress(&enc);
	if (setjmp(err.jump))
		goto out;
	int w = cairo_image_surface_get_width(src);
	cairo_surface_t *img = src;
	if (w > EDIT_IMAGE_MAX_WIDTH) {
		dst = scaled(src, EDIT_IMAGE_MAX_WIDTH, CAIRO_FORMAT_RGB24);
		img = dst;
	}
	cairo_surface_flush(img);
	int ow = cairo_image_surface_get_width(img), oh = cairo_image_surface_get_height(img);
	unsigned char *opx = cairo_image_surface_get_data(img);
	int ostride = cairo_image_surface_get_stride(img);
	free(row);
	row = xmalloc((size_t)ow * 3);
	jpeg_mem_dest(&enc, mem, mem_len);
	enc.image_width = (JDIMENSION)ow;
	enc.image_height = (JDIMENSION)oh;
	enc.input_components = 3;
	enc.in_color_space = JCS_RGB;
	jpeg_set_defaults(&enc);
	jpeg_set_quality(&enc, 85, TRUE);
	jpeg_start_compress(&enc, TRUE);
	while (enc.next_scanline < enc.image_height) {
		const uint32_t *line = (const uint32_t *)(opx + (size_t)enc.next_scanline * (size_t)ostride);
		for (int x = 0; x < ow; x++) {
			row[3 * x] = (unsigned char)(line[x] >> 16);
			row[3 * x + 1] = (unsigned char)(line[x] >> 8);
			row[3 * x + 2] = (unsigned char)line[x];
		}
		JSAMPROW rows[1] = {row};
		jpeg_write_scanlines(&enc, rows, 1);
	}
	jpeg_finish_compress(&enc);
	out = xmalloc(*mem_len ? *mem_len : 1);
	memcpy(out, *mem, *mem_len);
	*out_len = *mem_len;
out:
	jpeg_destroy_compress(&enc);
	free(*mem);
	free(mem);
	free(mem_len);
	free(row);
	if (dst)
		cairo_surface_destroy(dst);
	if (src)
		cairo_surface_destroy(src);
	return out;
}

/* ------------------------------------------------------------------ name */

char *edit_image_store(const char *media_dir, const char *name, const unsigned char *data,
		       size_t n, const char **err)
{
	*err = NULL;
	if (n > EDIT_IMAGE_MAX_BYTES) {
		*err = "Image trop lourde (10 Mo au plus).";
		return NULL;
	}
	/* By content (image.h), never by name. */
	struct image_info info;
	enum image_kind t = image_probe(data, n, &info) == 0 ? info.kind :
			    n >= 4 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff ? IMAGE_JPEG :
			    IMAGE_UNKNOWN;
	if (t == IMAGE_UNKNOWN) {
		*err = "Ce fichier n’est ni une image PNG ni une photo JPEG (son contenu a été vérifié, pas seulement son nom).";
		return NULL;
	}
	size_t len = 0;
	char *bytes = t == IMAGE_PNG ? png_out(data, n, &len) : jpeg_out(data, n, &len);
	if (!bytes) {
		*err = "Cette image est abîmée ou trop grande pour être lue.";
		return NULL;
	}
	/* "Photo de l'atelier (1).JPG" → "photo-de-l-atelier-1.jpg" */
	const char *base = name ? name : "";
	const char *dot = strrchr(base, '.');
	char *slug = slug_from_text(base, dot ? (size_t)(dot - base) : strlen(base));
	if (!*slug) {
		free(slug);
		slug = xstrdup("image");
	}
	if (strlen(slug) > 60)
		slug[60] = '\0';
	const char *ext = t == IMAGE_PNG ? "png" : "jpg";
	mkdir(media_dir, 0755);
	char *stored = NULL;
	for (int i = 1; i < 1000 && !stored; i++) {
		char *file = i == 1 ? xasprintf("%s.%s", slug, ext) : xasprintf("%s-%d.%s", slug, i, ext);
		char *path = path_join(media_dir, file);
		/* O_EXCL reserves the name; the atomic write then fills it. */
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (fd >= 0) {
			close(fd);
			if (edit_write_atomic(path, bytes, len) == 0) {
				stored = file;
				file = NULL;
			} else {
				unlink(path);
				*err = "L’image n’a pas pu être écrite dans content/media/.";
				i = 1000;
			}
		} else if (errno != EEXIST) {
			*err = "Le dossier content/media/ n’accepte pas de nouveau fichier.";
			i = 1000;
		}
		free(path);
		free(file);
	}
	if (!stored && !*err)
		*err = "Trop d’images de ce nom dans content/media/.";
	free(slug);
	free(bytes);
	return stored;
}
