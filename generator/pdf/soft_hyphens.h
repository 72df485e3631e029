#ifndef FICHES_SOFT_HYPHENS_H
#define FICHES_SOFT_HYPHENS_H

#include <cairo.h>

/*
 * Keeps the soft hyphens that only mark hyphenation points out of the
 * PDF's text (see soft_hyphens.c); Pango's calls to cairo_show_text_glyphs
 * reach it.
 */

/* Soft hyphens dropped so far on this thread. */
unsigned long soft_hyphens_dropped(void);

/* 1 when Pango's calls reach this file's cairo_show_text_glyphs. */
int soft_hyphens_interposed(void);

#endif
