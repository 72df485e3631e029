/*
 * The probe color_glyphs.c and shape_cache.c run before trusting their
 * replacements (see pango_probe.h). A new font map, not the booklets' own,
 * so that the face is opened and its tables asked again, whatever was
 * cached before.
 */

#include "pango_probe.h"

#include <pango/pangocairo.h>

void pango_probe_word(void)
{
	PangoFontMap *map = pango_cairo_font_map_new();
	PangoContext *ctx = pango_font_map_create_context(map);
	PangoLayout *l = pango_layout_new(ctx);
	pango_layout_set_text(l, "Fiches", -1);
	int w, h;
	pango_layout_get_size(l, &w, &h);
	g_object_unref(l);
	g_object_unref(ctx);
	g_object_unref(map);
}
