/*
 * A booklet's parts laid out on two threads ("lanes"): the calling thread
 * with its own typesetter, and a second thread with a typesetter of its
 * own (its own Pango font map and context, as Pango requires of threads).
 * The parts are independent: each is laid out into a flow of its own,
 * which the caller joins in the booklet's order, so the blocks are those
 * one thread lays out. Most of a booklet's time is its layout (HACKING,
 * « Booklet instructions »): the second core takes about half of it.
 *
 * Pango 1.50 has one race here: a font whose metrics are first asked
 * while the other thread is measuring another font's approximate
 * character width keeps a width of 0 (pangocairo-font.c's process-wide
 * in_get_metrics), and Pango's line breaking then looks at break
 * opportunities differently. lay_fonts_measured finds such a font in the
 * layouts; the caller then lays the booklet out again on one thread.
 */
#ifndef FICHES_PART_LANES_H
#define FICHES_PART_LANES_H

#include "layout.h"

struct part_lanes;

/*
 * Starts the second lane: a typesetter made here with o (its page_of must
 * be safe to call from two threads), on a thread that waits for work.
 */
struct part_lanes *part_lanes_start(const struct site *s, const struct book *b, const struct hyph *h,
				    const struct lay_options *o);

/*
 * Lays out every part i of booklet b with todo[i] into out[i] (an empty
 * flow), again[i] getting lay_part's answer: on L (the caller's thread)
 * and, when pl is not NULL, on the second lane at the same time. owner[i]
 * is the lane that laid part i out before (-1: none yet, either takes
 * it; 0: L; 1: the second lane), whose cache holds its paragraphs; it is
 * set for the parts laid out here.
 */
void part_lanes_lay(struct part_lanes *pl, struct lay *L, const struct book *b, const unsigned char *todo,
		    int *owner, struct flow *out, int *again);

/*
 * Lets the second lane go (no part is laid out after this): it lets go of
 * its kept shapings and ends, while the caller draws.
 */
void part_lanes_finish(struct part_lanes *pl);

/*
 * Lets the second lane go and waits for its thread to end; its typesetter,
 * idle from then on, is the caller's to use on one thread at a time until
 * part_lanes_free (pdf.c lays the page furniture out with it). NULL for NULL.
 */
struct lay *part_lanes_idle_typesetter(struct part_lanes *pl);

/* Waits for the lane's thread and frees its typesetter (after the flows are drawn). */
void part_lanes_free(struct part_lanes *pl);

/*
 * 1 when every font of f's layouts has its approximate character width;
 * 0 when one was caught by Pango's race (see above).
 */
int lay_fonts_measured(const struct flow *f);

/* Fonts whose approximate width was measured again (see part_lanes.c), since the start. */
unsigned long part_lanes_fonts_repaired(void);

/* How many lanes the booklets of this process may use: 2, or 1 when FICHES_LAYOUT_LANES=1 or one core. */
int part_lanes_wanted(void);

#endif
