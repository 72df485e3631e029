/*
 * Soft hyphens kept out of the PDF's text.
 *
 * The booklets' text carries a soft hyphen (U+00AD) at every point where a
 * word may be hyphenated (hyph.c): that is how Pango learns where it may
 * break. Pango gives each one to Cairo as a cluster of text with no glyph,
 * and Cairo writes each such cluster as an empty marked-content span whose
 * ActualText is the soft hyphen: 22 873 spans, a quarter of the guide's
 * page content, cutting every hyphenable word's text operators in two.
 * Where a ligature spans a hyphenation point (« af­fectent »), the soft
 * hyphen also ended up inside the ligature's ActualText, so the extracted
 * text was not the word.
 *
 * This definition of cairo_show_text_glyphs takes the place of Cairo's for
 * Pango (which calls it through its PLT, like cmark_special.c). It drops
 * the soft hyphens that draw nothing and the ones inside a cluster with
 * other text, and passes the rest on. A soft hyphen drawn as the hyphen of
 * a line broken there is a cluster of its own with a glyph, and stays:
 * the extracted text keeps the break as a soft hyphen, which is what text
 * extraction joins lines on.
 */
#include "soft_hyphens.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

typedef void (*show_fn)(cairo_t *, const char *, int, const cairo_glyph_t *, int,
			const cairo_text_cluster_t *, int, cairo_text_cluster_flags_t);

static show_fn library_show;
static _Thread_local unsigned long dropped;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void find_library_show(void)
{
	library_show = (show_fn)dlsym(RTLD_NEXT, "cairo_show_text_glyphs");
}

/*
 * Bytes of an invisible break mark at s[0..n), or 0: a soft hyphen, the
 * U+034F that stands for one where the line breaking chose not to break
 * (linebreak.c), a zero-width space after a / or . of a web address
 * (hyph.c). None of them draws anything.
 */
static int mark_len(const char *s, int n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (n >= 2 && ((u[0] == 0xC2 && u[1] == 0xAD) || (u[0] == 0xCD && u[1] == 0x8F)))
		return 2;
	if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0x8B)
		return 3;
	return 0;
}

/* Bytes of s[0..n) without its marks, appended at out; returns the count. */
static int copy_without_shy(const char *s, int n, char *out)
{
	int k = 0;
	for (int i = 0; i < n;) {
		int m = mark_len(s + i, n - i);
		if (m) {
			i += m;
			continue;
		}
		out[k++] = s[i++];
	}
	return k;
}

static int holds_shy(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (mark_len(s + i, n - i))
			return 1;
	return 0;
}

void cairo_show_text_glyphs(cairo_t *cr, const char *utf8, int utf8_len, const cairo_glyph_t *glyphs,
			    int num_glyphs, const cairo_text_cluster_t *clusters, int num_clusters,
			    cairo_text_cluster_flags_t cluster_flags)
{
	pthread_once(&once, find_library_show);
	if (utf8_len < 0 && utf8)
		utf8_len = (int)strlen(utf8);
	if (!library_show || !utf8 || !clusters || num_clusters <= 0 || !holds_shy(utf8, utf8_len)) {
		if (library_show)
			library_show(cr, utf8, utf8_len, glyphs, num_glyphs, clusters, num_clusters,
				     cluster_flags);
		return;
	}
	char *text = xmalloc((size_t)utf8_len + 1);
	cairo_text_cluster_t *kept = xmalloc((size_t)num_clusters * sizeof *kept);
	int tlen = 0, nkept = 0, at = 0;
	for (int c = 0; c < num_clusters; c++) {
		const char *s = utf8 + at;
		int n = clusters[c].num_bytes;
		at += n;
		int only_shy = n > 0 && copy_without_shy(s, n, text + tlen) == 0;
		if (only_shy && clusters[c].num_glyphs == 0) {
			dropped++;                              /* draws nothing */
			continue;
		}
		int len;
		if (only_shy) {
			memcpy(text + tlen, s, (size_t)n);      /* the hyphen of a broken line */
			len = n;
		} else {
			len = copy_without_shy(s, n, text + tlen);
		}
		tlen += len;
		kept[nkept++] = (cairo_text_cluster_t){len, clusters[c].num_glyphs};
	}
	text[tlen] = '\0';
	library_show(cr, text, tlen, glyphs, num_glyphs, kept, nkept, cluster_flags);
	free(kept);
	free(text);
}

unsigned long soft_hyphens_dropped(void)
{
	return dropped;
}

int soft_hyphens_interposed(void)
{
	pthread_once(&once, find_library_show);
	return library_show != NULL && library_show != (show_fn)cairo_show_text_glyphs;
}
