/*
 * Total-fit line breaking over Pango's measures; see linebreak.h.
 */
#include "linebreak.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static int is_space_at(const char *p)
{
	return *p == ' ' || ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0);
}

/*
 * The glyphs of a line are Pango's own, public structures: narrowing the
 * spaces there is what Pango's justification would have done had it
 * counted the hyphen. Widths are summed from the glyphs (not asked of
 * Pango, whose cached extents would then hold the width before the fix).
 */
void linebreak_pull_in(PangoLayout *l)
{
	int width = pango_layout_get_width(l);
	if (width <= 0 || !pango_layout_get_justify(l))
		return;
	const char *text = pango_layout_get_text(l);
	for (GSList *li = pango_layout_get_lines_readonly(l); li; li = li->next) {
		PangoLayoutLine *line = li->data;
		int w = 0, spaces = 0;
		for (GSList *ri = line->runs; ri; ri = ri->next) {
			PangoGlyphItem *run = ri->data;
			PangoGlyphString *gs = run->glyphs;
			for (int g = 0; g < gs->num_glyphs; g++) {
				w += gs->glyphs[g].geometry.width;
				if (gs->glyphs[g].geometry.width > 0 &&
				    is_space_at(text + run->item->offset + gs->log_clusters[g]))
					spaces++;
			}
		}
		int over = w - width;
		if (over <= 0 || !spaces)
			continue;
		for (GSList *ri = line->runs; ri && over > 0; ri = ri->next) {
			PangoGlyphItem *run = ri->data;
			PangoGlyphString *gs = run->glyphs;
			for (int g = 0; g < gs->num_glyphs && over > 0; g++) {
				PangoGlyphGeometry *geo = &gs->glyphs[g].geometry;
				if (geo->width <= 0 || !is_space_at(text + run->item->offset + gs->log_clusters[g]))
					continue;
				int cut = (over + spaces - 1) / spaces;
				if (cut > geo->width / 2)
					cut = geo->width / 2;
				geo->width -= cut;
				over -= cut;
				spaces--;
			}
		}
	}
}
