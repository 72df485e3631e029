/*
 * The kept shapings (generator/pdf/shape_cache.c) must give Pango exactly
 * the glyphs HarfBuzz gives: the same paragraphs, broken into lines at
 * many widths, with the cache off and on, must produce the same glyphs,
 * advances, offsets and clusters on every line; and with the cache on,
 * Pango's requests must actually have been answered from it (sliced, and
 * spliced with a hyphen), which also shows that Pango reaches our hb_shape.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "shape_cache.h"

/* Soft hyphens (U+00AD) where libhyphen would put them; NNBSP before « : ». */
#define S "\u00AD"
#define NB "\u202F"
static const char *const paragraphs[] = {
	"La dé" S "mar" S "che TAT re" S "pose sur une qua" S "li" S "fi" S "ca" S "tion mu" S
	"tuelle des ac" S "teurs" NB ": habi" S "tants, pro" S "fes" S "sion" S "nels et ins" S
	"ti" S "tu" S "tions, af" S "fi" S "chage, ef" S "fi" S "ca" S "ci" S "té, «" NB "On ap" S
	"prend à met" S "tre sa fier" S "té dans le ti" S "roir" NB "». AVANT, Ta" S "ble, Ty" S
	"po" S "gra" S "phie, 1er, 13e ar" S "ron" S "dis" S "se" S "ment, 2016 ; fi" S "ches-ac" S
	"tions et fiches thé" S "ma" S "tiques, www.exemple.org/fiches.",
	"Pré" S "ven" S "tion des con" S "duites ad" S "dic" S "tives" NB "; ac" S "com" S "pa" S
	"gne" S "ment des jeu" S "nes et de leurs fa" S "milles" NB "? Oui" NB "! Anti" S "cons" S
	"ti" S "tu" S "tion" S "nel" S "le" S "ment, officiellement, œuvre, cœur, Wavy WAVE Yo Va "
	"To Te LT AT, — tiret — et tra" S "fics.",
};

static PangoContext *context(PangoFontMap *map)
{
	PangoContext *ctx = pango_font_map_create_context(map);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(ctx, fo);
	cairo_font_options_destroy(fo);
	pango_cairo_context_set_resolution(ctx, 72);
	pango_context_set_language(ctx, pango_language_from_string("fr"));
	pango_context_set_round_glyph_positions(ctx, FALSE);
	return ctx;
}

/* Every line's runs and glyphs of a paragraph laid out width points wide. */
static void describe(PangoContext *ctx, const char *text, int width, int styled, struct buf *out)
{
	PangoLayout *l = pango_layout_new(ctx);
	PangoFontDescription *f = pango_font_description_from_string("Carlito, DejaVu Sans 10");
	pango_layout_set_font_description(l, f);
	pango_font_description_free(f);
	pango_layout_set_width(l, width * PANGO_SCALE);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_justify(l, TRUE);
	pango_layout_set_text(l, text, -1);
	if (styled) {
		PangoAttrList *attrs = pango_attr_list_new();
		PangoAttribute *a = pango_attr_style_new(PANGO_STYLE_ITALIC);
		a->start_index = 40;
		a->end_index = 120;
		pango_attr_list_insert(attrs, a);
		a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
		a->start_index = 200;
		a->end_index = 260;
		pango_attr_list_insert(attrs, a);
		pango_layout_set_attributes(l, attrs);
		pango_attr_list_unref(attrs);
	}
	char num[96];
	for (GSList *lines = pango_layout_get_lines_readonly(l); lines; lines = lines->next) {
		PangoLayoutLine *line = lines->data;
		snprintf(num, sizeof num, "line %d %d\n", line->start_index, line->length);
		buf_puts(out, num);
		for (GSList *r = line->runs; r; r = r->next) {
			PangoGlyphItem *run = r->data;
			snprintf(num, sizeof num, " run %d %d\n", run->item->offset, run->item->length);
			buf_puts(out, num);
			for (int g = 0; g < run->glyphs->num_glyphs; g++) {
				PangoGlyphInfo *gi = &run->glyphs->glyphs[g];
				snprintf(num, sizeof num, "  %u %d %d %d %d\n", gi->glyph, gi->geometry.width,
					 gi->geometry.x_offset, gi->geometry.y_offset,
					 run->glyphs->log_clusters[g]);
				buf_puts(out, num);
			}
		}
	}
	g_object_unref(l);
}

static void describe_all(PangoContext *ctx, struct buf *out)
{
	for (size_t p = 0; p < sizeof paragraphs / sizeof *paragraphs; p++)
		for (int width = 60; width <= 480; width += 7)
			for (int styled = 0; styled <= 1; styled++)
				describe(ctx, paragraphs[p], width, styled, out);
}

static void same_glyphs_with_and_without(void **state)
{
	(void)state;
	PangoFontMap *map = pango_cairo_font_map_new();
	PangoContext *ctx = context(map);
	struct buf plain = {0}, kept = {0};

	shape_cache_enable(0);
	describe_all(ctx, &plain);
	struct shape_stats before = shape_cache_stats();
	assert_true(before.requests > 0); /* Pango calls our hb_shape */
	assert_int_equal(before.sliced + before.spliced, 0);

	shape_cache_enable(1);
	describe_all(ctx, &kept);
	struct shape_stats after = shape_cache_stats();
	assert_true(after.sliced > before.sliced);
	assert_true(after.spliced > before.spliced);
	unsigned long shaped = after.shaped_chars - before.shaped_chars;
	unsigned long requested = after.requested_chars - before.requested_chars;
	assert_true(shaped * 2 < requested);

	assert_int_equal(plain.len, kept.len);
	assert_memory_equal(plain.data, kept.data, plain.len);

	shape_cache_release();
	buf_free(&plain);
	buf_free(&kept);
	g_object_unref(ctx);
	g_object_unref(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_glyphs_with_and_without),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
