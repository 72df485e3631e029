/*
 * One word laid out through a fresh Pango font map: the run-time proof that
 * a replacement of a HarfBuzz function is reached by Pango's calls.
 */
#ifndef FICHES_PANGO_PROBE_H
#define FICHES_PANGO_PROBE_H

/* Lays out « Fiches » with a new font map, context and layout, and frees
 * them: the fonts are looked up and the word shaped, as a booklet does. */
void pango_probe_word(void);

#endif
