/*
 * HarfBuzz's colour-glyph checks, which Pango makes for every glyph it
 * shapes, answered from what each font face has (color_glyphs.c).
 */
#ifndef FICHES_COLOR_GLYPHS_H
#define FICHES_COLOR_GLYPHS_H

#include <hb-ot.h>

/* 1 when Pango's calls reach these definitions (proved by a real layout). */
int color_glyphs_reached(void);

#endif
