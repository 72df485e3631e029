/*
 * Line breaking of justified paragraphs, on top of Pango.
 *
 * Pango breaks lines greedily: each line takes all the words that fit,
 * which leaves loose lines, runs of hyphens and last lines of one
 * syllable. linebreak_total_fit chooses the breaks of a whole paragraph
 * at once (Knuth and Plass's total fit) over the widths Pango itself
 * measures, then lets Pango lay the paragraph out with every other break
 * opportunity switched off (PANGO_ATTR_ALLOW_BREAKS), so that Pango only
 * draws the chosen lines.
 *
 * linebreak_pull_in repairs what Pango 1.50 gets wrong at a soft hyphen:
 * a line broken there is justified as if its hyphen took no room, and the
 * hyphen then sticks out past the margin (141 of the guide's 566
 * hyphenated lines, by about 3 pt).
 */
#ifndef FICHES_LINEBREAK_H
#define FICHES_LINEBREAK_H

#include <pango/pango.h>

/*
 * Chooses l's line breaks by total fit and constrains l to them (l with its
 * width, text and attributes set; a layout not justified is broken for
 * an even right edge). At most two
 * hyphenated lines in a row, no word spaces stretched past 1.75 times
 * their width, no lone short last line when it can be helped; a paragraph
 * that cannot be justified without too loose a line is set flush left
 * (l's justification is turned off). Leaves l as Pango would break it when no better set of breaks
 * is found or Pango does not follow it. Returns 1 when the breaks changed.
 */
int linebreak_total_fit(PangoLayout *l);

/* Narrows the word spaces of every line of l that ends past its width. */
void linebreak_pull_in(PangoLayout *l);

#endif
