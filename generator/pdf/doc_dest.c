/*
 * lay_doc_dest (layout.h), apart from layout.c: the print pages
 * (printhtml.c) name their anchors with it in every build, and the
 * program links them without the typesetter, which is in fiches-pdf.so
 * (pdf_plugin.h).
 */
#include "layout.h"
#include "xalloc.h"

char *lay_doc_dest(const struct doc *d, const char *anchor)
{
	if (anchor && *anchor)
		return xasprintf("%s-%s-%s", d->desc->name, d->slug, anchor);
	return xasprintf("%s-%s", d->desc->name, d->slug);
}
