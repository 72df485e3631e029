/*
 * A PDF file's metadata, written twice from the same texts: into the Info
 * dictionary, by Cairo, when the file is begun (pdf_info_set), and into
 * the XMP packet pdf_post adds once Cairo has written the file
 * (pdf_info_post). The booklets (pdf.c) and the leaflets (fold.c) both
 * take this way.
 */
#ifndef FICHES_PDF_INFO_H
#define FICHES_PDF_INFO_H

#include <cairo-pdf.h>

#include "buf.h"
#include "model.h"

/* When no date is given: the TAT report's month, so builds stay reproducible. */
#define PDF_FIXED_EPOCH 1464739200LL

struct pdf_info {
	char *title, *author, *subject, *keywords;  /* owned; subject and keywords may be NULL */
	const char *lang;                           /* the site's language (borrowed) */
	char date[32];                              /* ISO 8601, UTC */
};

/*
 * Fills m for a file of site s and sets surf's Info dictionary from it:
 * title, the site's title as author, subtitle (NULL: the site's) as
 * subject, keywords (or none), creator « fiches », dated epoch (0 or
 * less: PDF_FIXED_EPOCH). Texts from YAML get the typography of the
 * pages. Free with pdf_info_free.
 */
void pdf_info_set(struct pdf_info *m, cairo_surface_t *surf, const struct site *s,
		  const char *title, const char *subtitle, const char *keywords, long long epoch);

/*
 * pdf_post (pdf_post.h) with m's texts as the XMP packet's and the page
 * content streams marks holds (NULL: none), unless *failed is set
 * already; sets it when the file is not as expected.
 */
struct content_marks;
void pdf_info_post(struct buf *pdf, const struct pdf_info *m, int tagged, struct content_marks *marks,
		   cairo_status_t *failed);

void pdf_info_free(struct pdf_info *m);

#endif
