/*
 * Completing the tagged PDF Cairo 1.16 writes: it builds the structure
 * tree but does not say so (/MarkInfo), has no call for the document
 * language (/Lang), and no way to give a figure its text alternative
 * (/Alt). All matter to screen readers, and /MarkInfo is what makes
 * readers (and pdfinfo) treat the file as tagged.
 */
#ifndef FICHES_CATALOG_H
#define FICHES_CATALOG_H

#include "buf.h"
#include "model.h"

/*
 * Adds /MarkInfo << /Marked true >> (when marked) and /Lang (lang) to the
 * catalog of the PDF in pdf, fixing the cross-reference offsets. Returns 0,
 * or -1 when the file is not laid out as Cairo writes it (left unchanged).
 */
int catalog_complete(struct buf *pdf, const char *lang, int marked);

/*
 * Cairo 1.16 takes no attributes on structure tags: gives the n-th Figure
 * element of the structure tree the n-th text of alts (char *, in drawing
 * order, which is the order Cairo writes the tree in) as its /Alt, the
 * text a screen reader says. Returns 0, or -1 when the Figures found do
 * not match alts (the PDF is left unchanged).
 */
int catalog_figure_alts(struct buf *pdf, const struct ptrs *alts);

/* A PDF text string: UTF-16BE with its byte order mark, in hexadecimal (<FEFF…>). Caller frees. */
char *catalog_text_string(const char *utf8);

#endif
