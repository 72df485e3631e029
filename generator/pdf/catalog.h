/*
 * Completing the document catalog Cairo 1.16 writes: it builds the
 * structure tree of a tagged PDF but does not say so (/MarkInfo), and has
 * no call for the document language (/Lang). Both matter to screen
 * readers, and /MarkInfo is what makes readers (and pdfinfo) treat the
 * file as tagged.
 */
#ifndef FICHES_CATALOG_H
#define FICHES_CATALOG_H

#include "buf.h"

/*
 * Adds /MarkInfo << /Marked true >> (when marked) and /Lang (lang) to the
 * catalog of the PDF in pdf, fixing the cross-reference offsets. Returns 0,
 * or -1 when the file is not laid out as Cairo writes it (left unchanged).
 */
int catalog_complete(struct buf *pdf, const char *lang, int marked);

#endif
