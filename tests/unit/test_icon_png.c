/*
 * The icons' PNG writer (generator/html/icon_png.c) against Cairo's own,
 * which it replaces: images of at most 256 colours (the icons) as indexed
 * PNGs that Cairo reads back as the same pixels; others in the same bytes
 * as Cairo writes. Bands of identical rows (the icons), noise (every
 * filter, and compressed data longer than one IDAT chunk), one-pixel and
 * odd sizes, palettes full with and without white.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cairo.h>
#include <string.h>

#include "buf.h"
#include "icon_png.h"

static cairo_status_t collect(void *closure, const unsigned char *data, unsigned int len)
{
	buf_put(closure, (const char *)data, len);
	return CAIRO_STATUS_SUCCESS;
}

struct reader {
	const struct buf *png;
	size_t at;
};

static cairo_status_t feed(void *closure, unsigned char *data, unsigned int len)
{
	struct reader *r = closure;
	if (r->png->len - r->at < len)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, r->png->data + r->at, len);
	r->at += len;
	return CAIRO_STATUS_SUCCESS;
}

/* PNG colour types (IHDR's tenth byte). */
enum { RGB = 2, INDEXED = 3 };

/*
 * icon_png_rgb24's PNG of sf is of colour type `type`; an indexed one
 * reads back as sf's pixels, an RGB one is Cairo's bytes.
 */
static void assert_png(cairo_surface_t *sf, int type)
{
	cairo_surface_flush(sf);
	int w = cairo_image_surface_get_width(sf), h = cairo_image_surface_get_height(sf);
	int stride = cairo_image_surface_get_stride(sf);
	const unsigned char *px = cairo_image_surface_get_data(sf);
	struct buf want = BUF_INIT, got = BUF_INIT;
	assert_int_equal(icon_png_rgb24(px, w, h, stride, &got), 0);
	assert_true(got.len > 33);
	assert_memory_equal(got.data, "\x89PNG\r\n\x1a\n", 8);
	assert_int_equal((unsigned char)got.data[25], type);
	if (type == RGB) {
		assert_int_equal(cairo_surface_write_to_png_stream(sf, collect, &want),
				 CAIRO_STATUS_SUCCESS);
		assert_int_equal(got.len, want.len);
		assert_memory_equal(got.data, want.data, want.len);
	} else {
		struct reader r = {&got, 0};
		cairo_surface_t *back = cairo_image_surface_create_from_png_stream(feed, &r);
		assert_int_equal(cairo_surface_status(back), CAIRO_STATUS_SUCCESS);
		assert_int_equal(r.at, got.len);
		assert_int_equal(cairo_image_surface_get_width(back), w);
		assert_int_equal(cairo_image_surface_get_height(back), h);
		cairo_surface_flush(back);
		const unsigned char *bpx = cairo_image_surface_get_data(back);
		int bstride = cairo_image_surface_get_stride(back);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				uint32_t a = ((const uint32_t *)(const void *)(px + (size_t)y * stride))[x];
				uint32_t b = ((const uint32_t *)(const void *)(bpx + (size_t)y * bstride))[x];
				assert_int_equal(a & 0xffffff, b & 0xffffff);
			}
		cairo_surface_destroy(back);
	}
	buf_free(&want);
	buf_free(&got);
	cairo_surface_destroy(sf);
}

/* An icon as offline.c draws them: a flat colour, a sheet with a folded corner, bands. */
static cairo_surface_t *bands(int size)
{
	cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, size, size);
	cairo_t *cr = cairo_create(sf);
	double u = size / 100.0;
	cairo_set_source_rgb(cr, 0.12, 0.31, 0.47);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_move_to(cr, 28 * u, 20 * u);
	cairo_line_to(cr, 60 * u, 20 * u);
	cairo_line_to(cr, 72 * u, 32 * u);
	cairo_line_to(cr, 72 * u, 80 * u);
	cairo_line_to(cr, 28 * u, 80 * u);
	cairo_close_path(cr);
	cairo_fill(cr);
	for (int i = 0; i < 6; i++) {
		cairo_set_source_rgb(cr, 0.1 * i, 0.5, 1 - 0.15 * i);
		cairo_rectangle(cr, 34 * u, 36 * u + i * 6.6 * u, (i % 3 == 2 ? 22 : 32) * u, 3.6 * u);
		cairo_fill(cr);
	}
	cairo_destroy(cr);
	return sf;
}

static void test_icons(void **state)
{
	(void)state;
	assert_png(bands(192), INDEXED);
	assert_png(bands(512), INDEXED);
	assert_png(bands(37), INDEXED);
}

/* Noise with runs: every filter wins somewhere, and the data fills several IDAT chunks. */
static void test_noise(void **state)
{
	(void)state;
	int sizes[][2] = {{1, 1}, {1, 40}, {40, 1}, {3, 5}, {1, 300}, {300, 1}, {257, 131}};
	uint32_t seed = 12345;
	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		int w = sizes[k][0], h = sizes[k][1];
		cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
		cairo_surface_flush(sf);
		unsigned char *d = cairo_image_surface_get_data(sf);
		int stride = cairo_image_surface_get_stride(sf);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				seed = seed * 1103515245u + 12345u;
				uint32_t v = (seed >> 8) & 0xffffff;
				if (y % 7 < 3 && x > 0)
					v = ((uint32_t *)(d + (size_t)y * stride))[x - 1] + 0x010203;
				((uint32_t *)(d + (size_t)y * stride))[x] = v & 0xffffff;
			}
		cairo_surface_mark_dirty(sf);
		assert_png(sf, w * h > 256 ? RGB : INDEXED);
	}
}

/* n distinct colours in a 16 x 16 image: white is one of them, or not. */
static cairo_surface_t *colours(int n, int with_white)
{
	cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 16, 16);
	cairo_surface_flush(sf);
	unsigned char *d = cairo_image_surface_get_data(sf);
	int stride = cairo_image_surface_get_stride(sf);
	for (int i = 0; i < 256; i++) {
		uint32_t v = (uint32_t)(i % n);  /* blue i % n: never white */
		if (with_white && i % n == n - 1)
			v = 0xffffff;
		((uint32_t *)(void *)(d + (size_t)(i / 16) * stride))[i % 16] = v;
	}
	cairo_surface_mark_dirty(sf);
	return sf;
}

/* Up to 256 colours with white: a palette; 256 without: no room for bKGD's white, RGB. */
static void test_palette_bounds(void **state)
{
	(void)state;
	assert_png(colours(256, 1), INDEXED);
	assert_png(colours(255, 0), INDEXED);
	assert_png(colours(255, 1), INDEXED);
	assert_png(colours(1, 0), INDEXED);
	assert_png(colours(256, 0), RGB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_icons),
		cmocka_unit_test(test_noise),
		cmocka_unit_test(test_palette_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
