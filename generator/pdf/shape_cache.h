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
	unsigned long joined;          /* soft hyphens become joiners: the words holding one shaped again */
	unsigned long joiners_skipped; /* joiners answered from the soft hyphen's shaping instead */
	unsigned long worded;          /* new requests answered from their words' shapings */
	unsigned long pieces_kept;     /* words answered from an earlier shaping of theirs */
	unsigned long requested_chars; /* characters in all requests */
	unsigned long shaped_chars;    /* characters HarfBuzz actually shaped */
};

/* Frees the kept shapings; call before the fonts they name go away. */
void shape_cache_release(void);

/* Off: every request goes to HarfBuzz (also FICHES_SHAPE_CACHE=0). */
void shape_cache_enable(int on);

struct shape_stats shape_cache_stats(void);

enum shape_cache_status {
	SHAPE_CACHE_ACTIVE,       /* Pango's calls reach it, HarfBuzz covered */
	SHAPE_CACHE_OFF,          /* FICHES_SHAPE_CACHE=0 */
	SHAPE_CACHE_NOT_BUILT,    /* compiled against an uncovered HarfBuzz */
	SHAPE_CACHE_LIBRARY_NEWER, /* the HarfBuzz loaded is uncovered */
	SHAPE_CACHE_NOT_REACHED,  /* a real Pango layout did not call it */
};

/*
 * Whether the kept shapings are in use, proved once by shaping a word
 * through Pango (says why not once on stderr with FICHES_DEBUG).
 */
enum shape_cache_status shape_cache_status(void);
const char *shape_cache_status_text(enum shape_cache_status st);

#endif
