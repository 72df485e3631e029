/*
 * print/NAME.html: a booklet as one HTML page, for printing from a
 * browser (the site's print stylesheet does the rest).
 */
#ifndef FICHES_PRINTHTML_H
#define FICHES_PRINTHTML_H

#include "booklet.h"
#include "buf.h"
#include "model.h"

/* Appends the page for booklet b to out. Thread-safe: reads the model only. */
void print_html(const struct site *s, const struct book *b, struct buf *out);

#endif
