/* A PDF's Info dictionary and XMP packet from the same texts; see pdf_info.h. */
#include "pdf_info.h"

#include "pdf_post.h"
#include "typo.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void pdf_info_set(struct pdf_info *m, cairo_surface_t *surf, const struct site *s,
		  const char *title, const char *subtitle, const char *keywords, long long epoch)
{
	memset(m, 0, sizeof *m);
	time_t when = (time_t)(epoch > 0 ? epoch : PDF_FIXED_EPOCH);
	struct tm tm;
	gmtime_r(&when, &tm);
	strftime(m->date, sizeof m->date, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* Texts from YAML get the typography of the pages (’, « », spaces). */
	m->title = typo_plain(title, strlen(title));
	m->author = typo_plain(s->title ? s->title : "", s->title ? strlen(s->title) : 0);
	m->lang = s->language ? s->language : "fr";
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, m->title);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_AUTHOR, m->author);
	if (!subtitle)
		subtitle = s->subtitle;
	if (subtitle) {
		m->subject = typo_plain(subtitle, strlen(subtitle));
		cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_SUBJECT, m->subject);
	}
	if (keywords) {
		m->keywords = xstrdup(keywords);
		cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_KEYWORDS, keywords);
	}
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "fiches");
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATE_DATE, m->date);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_MOD_DATE, m->date);
}

void pdf_info_post(struct buf *pdf, const struct pdf_info *m, int tagged, struct content_marks *marks,
		   cairo_status_t *failed)
{
	struct pdf_meta pm = {m->title, m->author, m->subject, m->keywords, m->lang, m->date, NULL};
	if (!*failed && pdf_post(pdf, &pm, tagged, marks) < 0)
		*failed = CAIRO_STATUS_WRITE_ERROR;
}

void pdf_info_free(struct pdf_info *m)
{
	free(m->title);
	free(m->author);
	free(m->subject);
	free(m->keywords);
	memset(m, 0, sizeof *m);
}
