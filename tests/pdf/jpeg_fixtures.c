/*
 * Writes the JPEG files tests/pdf/t_pdf_jpeg.py prints in a booklet, with
 * libjpeg, into the directory given: each shows, once upright, four
 * quadrants magenta (top left), cyan (top right), yellow (bottom left)
 * and black (bottom right), so that a rendered page tells whether the
 * picture was turned the right way.
 *   photo.jpg        160×120 baseline
 *   portrait.jpg     120×160 upright, stored lying (160×120) with EXIF orientation 6
 *   progressif.jpg   160×120 progressive
 *   cmjn.jpg         160×120 CMYK, Adobe's inverted convention
 *   arithmetique.jpg 160×120 arithmetic coding (the booklets refuse it)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

static void upright_rgb(int x, int y, int w, int h, unsigned char rgb[3])
{
	static const unsigned char q[4][3] = {{255, 0, 255}, {0, 255, 255}, {255, 255, 0}, {0, 0, 0}};
	int i = (y >= h / 2) * 2 + (x >= w / 2);
	memcpy(rgb, q[i], 3);
}

enum kind { BASELINE, ROTATED, PROGRESSIVE, CMYK, ARITH };

static int write_one(const char *dir, const char *name, enum kind k)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr err;
	c.err = jpeg_std_error(&err);
	jpeg_create_compress(&c);
	jpeg_stdio_dest(&c, f);
	int w = 160, h = 120; /* as stored */
	c.image_width = (JDIMENSION)w;
	c.image_height = (JDIMENSION)h;
	c.input_components = k == CMYK ? 4 : 3;
	c.in_color_space = k == CMYK ? JCS_CMYK : JCS_RGB;
	jpeg_set_defaults(&c);
	if (k == CMYK)
		jpeg_set_colorspace(&c, JCS_CMYK); /* writes the Adobe marker */
	jpeg_set_quality(&c, 90, TRUE);
	if (k == PROGRESSIVE)
		jpeg_simple_progression(&c);
	if (k == ARITH)
		c.arith_code = TRUE;
	jpeg_start_compress(&c, TRUE);
	if (k == ROTATED) {
		/* Big-endian TIFF, one IFD entry: Orientation (0x0112), SHORT, 1, value 6. */
		static const unsigned char exif[] = {
			'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8,
			0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0};
		jpeg_write_marker(&c, JPEG_APP0 + 1, exif, sizeof exif);
	}
	unsigned char *row = malloc((size_t)w * 4);
	while (c.next_scanline < c.image_height) {
		int y = (int)c.next_scanline;
		for (int x = 0; x < w; x++) {
			unsigned char rgb[3];
			if (k == ROTATED)
				/* Orientation 6: stored (x, y) is seen at (h - 1 - y, x) in a 120×160 picture. */
				upright_rgb(h - 1 - y, x, h, w, rgb);
			else
				upright_rgb(x, y, w, h, rgb);
			if (k == CMYK) {
				/* Ink is 255 minus the colour; Adobe stores 255 minus the ink. */
				unsigned char *p = row + 4 * x;
				unsigned char kk = rgb[0] > rgb[1] ? rgb[0] : rgb[1];
				kk = kk > rgb[2] ? kk : rgb[2];
				p[3] = kk; /* 255 - ink K */
				for (int i = 0; i < 3; i++)
					p[i] = kk ? (unsigned char)(rgb[i] * 255 / kk) : 255;
			} else {
				memcpy(row + 3 * x, rgb, 3);
			}
		}
		JSAMPROW rows[1] = {row};
		jpeg_write_scanlines(&c, rows, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	free(row);
	return fclose(f) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: jpeg_fixtures DIR\n");
		return 2;
	}
	int bad = write_one(argv[1], "photo.jpg", BASELINE) | write_one(argv[1], "portrait.jpg", ROTATED) |
		  write_one(argv[1], "progressif.jpg", PROGRESSIVE) | write_one(argv[1], "cmjn.jpg", CMYK) |
		  write_one(argv[1], "arithmetique.jpg", ARITH);
	return bad ? 1 : 0;
}
