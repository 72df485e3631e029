/*
 * The replacements of library functions, as they are in this process.
 *
 * fiches takes the place of library functions for the libraries that
 * call them: cmark-gfm's switch of its extensions' special characters
 * (load/cmark_special.c, a thread-safety fix), HarfBuzz's hb_shape for
 * Pango (pdf/shape_cache.c, a cache), HarfBuzz's colour-glyph checks for
 * Pango (pdf/color_glyphs.c, answered once per font face) and zlib's
 * deflateInit_ for Cairo (pdf/content_deflate.c: page content streams
 * written stored, since pdf_post deflates them) and glibc's __snprintf_chk
 * for Cairo (pdf/cairo_numbers.c: the numbers it writes, formatted without
 * stdio). None can be trusted from
 * a symbol look-up, so each is proved by a real call through the library.
 * When the first two are not reached the program takes the library's own
 * path: inline passes one at a time, every shaping done by HarfBuzz
 * (FICHES_DEBUG says so on stderr when it happens); the last three give the
 * same answers and bytes either way, only slower. --version says it
 * always. The soft hyphens'
 * filter is a PangoRenderer of its own (pdf/text_renderer.c) and needs no
 * proof.
 */
#include "replacements.h"

#include <cairo.h>
#include <cmark-gfm.h>
#include <hb.h>
#include <pango/pango.h>

#include "cmark_special.h"
#include "color_glyphs.h"
#include "cairo_numbers.h"
#include "content_deflate.h"
#include "i18n.h"
#include "markdown.h"
#include "shape_cache.h"

void replacements_print(FILE *out)
{
	const char *parsing =
		markdown_inlines_in_parallel()
			? _("documents parsed in parallel (the thread-safety fix is reached)")
		: !cmark_special_built()
			? _("documents' inline passes one at a time (linked statically: built without "
			    "the thread-safety fix)")
			: _("documents' inline passes one at a time (the library's calls do not reach "
			    "the thread-safety fix)");
	fprintf(out, "cmark-gfm %s: %s\n", cmark_version_string(), parsing);
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
