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
 *
 * The lines about the PDF stack come from fiches-pdf.so
 * (replacements_pdf.c), loaded for them: what is reached is what the
 * libraries loaded with the plugin call.
 */
#include "replacements.h"

#include <cmark-gfm.h>

#include "cmark_special.h"
#include "i18n.h"
#include "markdown.h"
#include "pdf_plugin.h"

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
	const char *why = NULL;
	const struct pdf_plugin_entry *pdf = pdf_plugin(&why);
	if (pdf)
		pdf->replacements_print(out);
	else
		fprintf(out, "fiches: %s\n", why);
}
