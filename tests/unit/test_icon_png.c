/*
 * The icons' PNG writer (generator/html/icon_png.c) against Cairo's own,
 * which it replaces: the same bytes for the same RGB24 image. Bands of
 * identical rows (the icons), noise (every filter, and compressed data
 * longer than one IDAT chunk), one-pixel and odd sizes.
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

/* Cairo's PNG of sf and icon_png_rgb24's must be the same bytes. */
static void assert_same_png(cairo_surface_t *sf)
{
	cairo_surface_flush(sf);
	struct buf want = BUF_INIT, got = BUF_INIT;
	assert_int_equal(cairo_surface_write_to_png_stream(sf, collect, &want), CAIRO_STATUS_SUCCESS);
	assert_int_equal(icon_png_rgb24(cairo_image_surface_get_data(sf),
					cairo_image_surface_get_width(sf),
					cairo_image_surface_get_height(sf),
					cairo_image_surface_get_stride(sf), &got), 0);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.data, want.data, want.len);
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
	assert_same_png(bands(192));
	assert_same_png(bands(512));
	assert_same_png(bands(37));
}

/* Noise with runs: every filter wins somewhere, and the data fills several IDAT chunks. */
static void test_noise(void **state)
{
	(void)state;
	int sizes[][2] = {{1, 1}, {1, 40}, {40, 1}, {3, 5}, {257, 131}};
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
		assert_same_png(sf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_icons),
		cmocka_unit_test(test_noise),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
