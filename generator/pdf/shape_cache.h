#ifndef FICHES_SHAPE_CACHE_H
#define FICHES_SHAPE_CACHE_H

/*
 * Answers Pango's repeated shaping of the parts of a paragraph from the
 * shaping of the whole (see shape_cache.c). Per thread.
 */

struct shape_stats {
	unsigned long requests;        /* hb_shape calls */
	unsigned long sliced;          /* answered with a slice of a kept shaping */
	unsigned long spliced;         /* a slice and a short hyphenated tail */
	unsigned long requested_chars; /* characters in all requests */
	unsigned long shaped_chars;    /* characters HarfBuzz actually shaped */
};

/* Frees the kept shapings; call before the fonts they name go away. */
void shape_cache_release(void);

/* Off: every request goes to HarfBuzz (also FICHES_SHAPE_CACHE=0). */
void shape_cache_enable(int on);

struct shape_stats shape_cache_stats(void);

#endif
