/*
 * The colophon of a booklet: the page before the back cover that says what
 * the booklet is, how recent its information is, where it comes from, who
 * made it, under which licence, and that fiches typeset it.
 */
#ifndef FICHES_COLOPHON_H
#define FICHES_COLOPHON_H

#include "booklet.h"
#include "model.h"

/*
 * Appends to paras (char *, typographed UTF-8, caller frees each) the
 * colophon's paragraphs for booklet b of site s, typeset at epoch (the
 * edition's date; <= 0: none) and published at base_url (or NULL).
 */
void colophon_paragraphs(const struct site *s, const struct book *b, long long epoch,
			 const char *base_url, struct ptrs *paras);

#endif
