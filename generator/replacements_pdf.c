/*
 * The lines of --version about the replacements the PDF stack makes
 * (see replacements.c): linked into fiches-pdf.so, so that each proof is
 * made by the libraries the plugin loads, through the program's scope.
 */
#include "replacements.h"

#include <cairo.h>
#include <hb.h>
#include <pango/pango.h>
#include <zlib.h>

#include "cairo_numbers.h"
#include "color_glyphs.h"
#include "content_deflate.h"
#include "i18n.h"
#include "shape_cache.h"

void replacements_pdf_print(FILE *out)
{
	const char *shaping = "";
	switch (shape_cache_status()) {
	case SHAPE_CACHE_ACTIVE:
		shaping = _("shapings kept and reused (Pango's calls reach the cache)");
		break;
	case SHAPE_CACHE_OFF:
		shaping = _("kept shapings off (FICHES_SHAPE_CACHE=0)");
		break;
	case SHAPE_CACHE_NOT_BUILT:
	case SHAPE_CACHE_LIBRARY_NEWER:
		shaping = _("every shaping done by HarfBuzz (kept shapings cover HarfBuzz 3.3 to 6.x)");
		break;
	case SHAPE_CACHE_NOT_REACHED:
		shaping = _("every shaping done by HarfBuzz (Pango's calls do not reach the cache)");
		break;
	}
	fprintf(out, "HarfBuzz %s: %s\n", hb_version_string(), shaping);
	fprintf(out, "Pango %s, HarfBuzz %s: %s\n", pango_version_string(), hb_version_string(),
		color_glyphs_reached() ? _("colour-glyph checks answered once per font face (Pango's calls reach them)")
				       : _("colour-glyph checks made by HarfBuzz for every glyph (Pango's calls do not "
					   "reach fiches' answers)"));
	fprintf(out, "Cairo %s, zlib %s: %s\n", cairo_version_string(), zlibVersion(),
		content_deflate_reached()
			? _("page content streams deflated once (Cairo's calls reach fiches' deflateInit_)")
			: _("page content streams deflated twice (Cairo's calls do not reach fiches' "
			    "deflateInit_)"));
	fprintf(out, "Cairo %s: %s\n", cairo_version_string(),
		cairo_numbers_reached()
			? _("numbers of the pages formatted without stdio (Cairo's calls reach fiches' "
			    "__snprintf_chk)")
			: _("numbers of the pages formatted by glibc (Cairo's calls do not reach fiches' "
			    "__snprintf_chk)"));
	fprintf(out, "Pango %s, Cairo %s: %s\n", pango_version_string(), cairo_version_string(),
		_("text drawn by fiches' own Pango renderer (soft hyphens kept out of the text)"));
}
