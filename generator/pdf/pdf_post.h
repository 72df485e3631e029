/*
 * What Cairo 1.16 cannot write into a PDF, added once the file is written:
 *  - page content drawn in no structure element (running heads, page
 *    numbers, rules, bands, dot leaders, the Notes pages' lines) marked as
 *    an artifact, so that nothing on a page is neither tagged nor an
 *    artifact (Cairo 1.16 has no Artifact tag);
 *  - an XMP metadata stream (title, creator, description, language, dates),
 *    the place PDF readers and archives look, which Cairo does not write;
 *  - /Tabs /S on the pages (annotations in structure order),
 *    /DisplayDocTitle, a /Contents text on each link annotation saying
 *    where it goes, and an /ID on each Note element, for screen readers.
 * The file is rewritten object by object with a new cross-reference table.
 */
#ifndef FICHES_PDF_POST_H
#define FICHES_PDF_POST_H

#include "buf.h"

#include <stddef.h>

struct content_marks;

/* What the XMP packet says; texts are UTF-8, NULL when absent. */
struct pdf_meta {
	const char *title;
	const char *author;
	const char *subject;
	const char *keywords;
	const char *lang;       /* BCP 47, as the catalog's /Lang */
	const char *date;       /* ISO 8601, as the Info dates */
	const char *producer;   /* the Info dictionary's, or NULL */
};

/*
 * Rewrites the PDF in pdf (as Cairo 1.16 writes it): with tagged set, marks
 * untagged page content as artifacts and sets /Tabs and /DisplayDocTitle;
 * always adds the XMP metadata of meta. Returns 0, or -1 when the file is
 * not laid out as expected (pdf is then left unchanged). marks, when not
 * NULL, holds page content streams already marked (content_marks.h).
 */
int pdf_post(struct buf *pdf, const struct pdf_meta *meta, int tagged, struct content_marks *marks);

/*
 * A page content stream (FlateDecode data[0..len)) inflated, marked
 * (pdf_mark_artifacts) and deflated again into *zdata (malloc'd, *zlen
 * bytes): what pdf_post writes for it. 0, or -1 when it does not inflate.
 */
int pdf_remark_stream(const char *data, size_t len, unsigned char **zdata, size_t *zlen);

/*
 * The content stream data[0..n) with every run of drawing outside marked
 * content wrapped in /Artifact BMC … EMC (never across BT, ET, q, Q or a
 * marked-content operator, never inside a path). Caller frees out.
 */
void pdf_mark_artifacts(const char *data, size_t n, struct buf *out);

/* The last what in s[0..n) (a file's trailer, its catalog), or NULL. */
const char *pdf_find_last(const char *s, size_t n, const char *what);

#endif
