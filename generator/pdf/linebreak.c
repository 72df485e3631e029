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

/* ---- total fit ---- */

/* Demerits, in TeX's terms (The TeXbook, ch. 14), on Pango's widths. */
#define LINE_PENALTY 10.0
#define HYPHEN_PENALTY 50.0
#define DOUBLE_HYPHEN_DEMERITS 3000.0
#define FINAL_HYPHEN_DEMERITS 5000.0
#define ADJ_DEMERITS 3000.0
#define SHORT_LAST_DEMERITS 5000.0
#define NO_SPACE_BADNESS 20000.0  /* worse than any loose line: Pango would space the letters */
/*
 * Constraints rather than preferences: a line whose word spaces stretch
 * past MAX_SPACING times their width, or a paragraph ending on the short
 * end of a word cut on the line before (« adapta-/tion. »), is only taken
 * when nothing else fits. Such a line left in a justified paragraph makes
 * it ragged (see linebreak_total_fit), where it can mostly be helped.
 */
#define TOO_LOOSE_DEMERITS 1e10
#define FRAGMENT_DEMERITS 1e8
#define OVERFULL_DEMERITS 1e12
/*
 * A word space may stretch by half its width before the line counts as
 * loose, and shrink by a fifth (linebreak_pull_in narrows the spaces of a
 * line set wider than the frame). Spaces wider than 1.75 times their width
 * are too loose: the booklets allow 1.8 (tests/pdf/t_typography.py), and
 * the reader's eye sees rivers beyond.
 */
#define STRETCH 0.5
#define SHRINK 0.2
#define MAX_SPACING 1.75
/* Ragged right: a line may fall short of the frame by this many ems before it counts as short. */
#define RAGGED_STRETCH 3.0
/* At most this many hyphenated lines in a row. */
#define MAX_HYPHENS 2
/* A last line of fewer characters is a lone fragment. */
#define SHORT_LAST 8

/* A place where a line may end, and the next one start. */
struct cand {
	int next_chr;     /* the next line starts at this character */
	int end_vis;      /* characters before this line's ink ends, soft hyphens not counted */
	int next_vis;     /* characters before the next line, soft hyphens not counted */
	int next_x;       /* x of that character in the unwrapped paragraph */
	int end_x;        /* x where this line's ink ends, its hyphen included */
	int spaces;       /* expandable spaces before this line end, counted from the paragraph start */
	int next_spaces;  /* expandable spaces before the next line's start */
	int hyphen;       /* the line ends with a hyphen, added (soft hyphen) or the word's own */
	int traps_to;     /* traps (see choose) before this line's end */
	int traps_from;   /* traps after the next line's first character */
};

struct node {
	double demerits;  /* best total up to here; < 0: not reached */
	int from;         /* candidate the line starts after; -1: the paragraph start */
	int from_state;
	int loose;        /* the line ending here is too loose, or a lone fragment */
};

/* State of a node: hyphenated lines in a row (0..MAX_HYPHENS) and fitness class (0..3). */
#define STATES ((MAX_HYPHENS + 1) * 4)

/* TeX's fitness classes: 0 tight, 1 decent, 2 loose, 3 very loose. */
static int fitness_of(double r)
{
	return r < -0.5 ? 0 : r <= 0.5 ? 1 : r <= 1.0 ? 2 : 3;
}

/*
 * Chooses the breaks of one paragraph: c[0..n) are its break opportunities
 * in order, c[n - 1] its end; c[-1] stands for its start (first). Writes
 * the chosen candidates into out (ascending, ending with n - 1) and
 * returns their count; *too_loose tells whether one of the lines chosen
 * has its spaces stretched past MAX_SPACING, or is a lone fragment. With ragged > 0 the lines
 * are set flush left: a line may fall short by ragged (Pango units) at
 * no more cost than a justified one stretched by STRETCH, and none is
 * too loose.
 */
/*
 * The line from one candidate to another, whatever the state it starts
 * in: measured once and read by each of the up to STATES states reached
 * at its start (most of the cost of choose when measured per state).
 */
struct span {
	int from;         /* the candidate the line starts after, for which this is valid; -2: none */
	int overfull;     /* wider than the frame even with its spaces shrunk */
	int past;         /* no later line from the same start can fit */
	int fit;          /* fitness class (not overfull) */
	int loose;        /* too loose (not overfull) */
	double d;         /* demerits of its spacing alone (not overfull) */
};

static void measure_span(struct span *sp_out, const struct cand *a, const struct cand *b, int last,
			 int width, double space_w, double ragged)
{
	int w = b->end_x - a->next_x;
	int sp = b->spaces - a->next_spaces;
	/*
	 * Pango may break a line too wide for its frame inside it
	 * (after a dash, an apostrophe…), breaks disallowed or
	 * not: a line holding such a place (a trap, found when
	 * Pango did it) is never shrunk.
	 */
	int glued = b->traps_to > a->traps_from;
	double shrink = ragged > 0 || glued ? 0 : sp * space_w * SHRINK;
	sp_out->past = w > width + shrink;
	sp_out->overfull = w > width && (last || w - width > shrink);
	sp_out->loose = 0;
	sp_out->fit = 1;
	sp_out->d = 0;
	if (sp_out->overfull)
		return;
	double r, bad;
	int loose = 0;
	if (last) {
		r = 0;
		bad = 0;
	} else if (w > width) {
		r = -(double)(w - width) / shrink;
		bad = -100 * r * r * r;
	} else if (ragged > 0) {
		r = (double)(width - w) / ragged;
		bad = 100 * r * r * r;
		if (bad > 10000)
			bad = 10000;
	} else if (sp > 0) {
		r = (double)(width - w) / (sp * space_w * STRETCH);
		bad = 100 * r * r * r;
		if (bad > 10000)
			bad = 10000;
		loose = 1 + (double)(width - w) / (sp * space_w) > MAX_SPACING;
	} else {
		r = 1;
		bad = NO_SPACE_BADNESS;
		loose = 1;
	}
	sp_out->fit = fitness_of(r);
	double d = (LINE_PENALTY + bad) * (LINE_PENALTY + bad);
	if (loose)
		d += TOO_LOOSE_DEMERITS;
	sp_out->d = d;
	sp_out->loose = loose;
}

static int choose(const struct cand *c, int n, const struct cand *first, int width,
		  double space_w, double ragged, int *out, int *too_loose)
{
	struct node *nodes = xmalloc((size_t)n * STATES * sizeof *nodes);
	for (int i = 0; i < n * STATES; i++)
		nodes[i].demerits = -1;
	struct span *spans = xmalloc((size_t)n * sizeof *spans);
	for (int i = 0; i < n; i++)
		spans[i].from = -2;
	for (int from = -1; from < n - 1; from++) {
		const struct cand *a = from < 0 ? first : &c[from];
		for (int st = 0; st < STATES; st++) {
			double base;
			if (from < 0) {
				if (st != 1)          /* the start: no hyphen before, decent fitness */
					continue;
				base = 0;
			} else {
				base = nodes[from * STATES + st].demerits;
				if (base < 0)
					continue;
			}
			int run = st / 4, prev_fit = st % 4;
			int fits_once = 0;
			for (int j = from + 1; j < n; j++) {
				const struct cand *b = &c[j];
				int last = j == n - 1;
				struct span *span = &spans[j];
				if (span->from != from) {
					measure_span(span, a, b, last, width, space_w, ragged);
					span->from = from;
				}
				double d;
				int fit;
				int loose = 0;
				if (span->overfull) {
					/* Overfull: only when nothing from here fits at all. */
					if (fits_once)
						break;
					d = OVERFULL_DEMERITS;
					fit = 1;
				} else {
					d = span->d;
					fit = span->fit;
					loose = span->loose;
					fits_once = 1;
				}
				if (b->hyphen) {
					if (run >= MAX_HYPHENS)
						continue;
					d += HYPHEN_PENALTY * HYPHEN_PENALTY;
					if (run)
						d += DOUBLE_HYPHEN_DEMERITS;
				}
				if (last && from >= 0 && c[from].hyphen)
					d += FINAL_HYPHEN_DEMERITS;
				if (last && from >= 0 && b->end_vis - a->next_vis < SHORT_LAST) {
					if (c[from].hyphen) {
						d += FRAGMENT_DEMERITS;
						loose = 1;
					} else {
						d += SHORT_LAST_DEMERITS;
					}
				}
				if (abs(fit - prev_fit) > 1)
					d += ADJ_DEMERITS;
				int nst = (b->hyphen ? run + 1 : 0) * 4 + fit;
				struct node *nd = &nodes[j * STATES + nst];
				if (nd->demerits < 0 || base + d < nd->demerits) {
					nd->demerits = base + d;
					nd->from = from;
					nd->from_state = st;
					nd->loose = loose;
				}
				if (span->past)
					break;
			}
		}
	}
	free(spans);
	int best = -1;
	for (int st = 0; st < STATES; st++) {
		double dm = nodes[(n - 1) * STATES + st].demerits;
		if (dm >= 0 && (best < 0 || dm < nodes[(n - 1) * STATES + best].demerits))
			best = st;
	}
	int count = 0;
	*too_loose = 0;
	if (best >= 0) {
		/* Back from the end; then reversed in place. */
		int j = n - 1, st = best;
		while (j >= 0) {
			out[count++] = j;
			const struct node *nd = &nodes[j * STATES + st];
			*too_loose |= nd->loose;
			j = nd->from;
			st = nd->from_state;
		}
		for (int a = 0, z = count - 1; a < z; a++, z--) {
			int t = out[a];
			out[a] = out[z];
			out[z] = t;
		}
	}
	free(nodes);
	return count;
}

/*
 * x[c] for every character c of the layout u, laid out unwrapped (n characters):
 * where it starts on its line, from the glyphs' logical widths, in one
 * pass (asking Pango index by index walks the runs each time).
 */
static void char_x(PangoLayout *u, const char *text, int n, const int *off, int *x)
{
	for (int c = 0; c <= n; c++)
		x[c] = 0;
	for (GSList *li = pango_layout_get_lines_readonly(u); li; li = li->next) {
		PangoLayoutLine *line = li->data;
		int at = 0;
		for (GSList *ri = line->runs; ri; ri = ri->next) {
			PangoGlyphItem *run = ri->data;
			int first = (int)g_utf8_pointer_to_offset(text, text + run->item->offset);
			int count = run->item->num_chars;
			int *w = xmalloc((size_t)(count ? count : 1) * sizeof *w);
			pango_glyph_item_get_logical_widths(run, text, w);
			for (int k = 0; k < count && first + k < n; k++) {
				x[first + k] = at;
				at += w[k];
			}
			if (first + count <= n)
				x[first + count] = at;
			free(w);
		}
		/* The line's end (before its newline) keeps the last x. */
		int end = (int)g_utf8_pointer_to_offset(text, text + line->start_index + line->length);
		if (end <= n && line->length)
			x[end] = x[end] ? x[end] : at;
	}
	(void)off;
}

/* The hyphen widths hyphen_width measured in a context, by font description. */
struct hyphen_widths {
	guint serial;       /* the context's, when they were measured */
	GHashTable *by_font;
};

static void hyphen_widths_free(gpointer p)
{
	struct hyphen_widths *hw = p;
	g_hash_table_unref(hw->by_font);
	g_free(hw);
}

/*
 * Width of a hyphen in l's font: a layout of "-" in l's context and font
 * (nothing else of l), measured once per font and kept on the context
 * until the context changes (pango_context_get_serial). A context is only
 * used on its own typesetter's thread.
 */
static int hyphen_width(PangoLayout *l)
{
	PangoContext *ctx = pango_layout_get_context(l);
	const PangoFontDescription *fd = pango_layout_get_font_description(l);
	struct hyphen_widths *hw = g_object_get_data(G_OBJECT(ctx), "fiches-hyphen-widths");
	if (!hw) {
		hw = g_new0(struct hyphen_widths, 1);
		hw->serial = pango_context_get_serial(ctx);
		hw->by_font = g_hash_table_new_full((GHashFunc)pango_font_description_hash,
						    (GEqualFunc)pango_font_description_equal,
						    (GDestroyNotify)pango_font_description_free, NULL);
		g_object_set_data_full(G_OBJECT(ctx), "fiches-hyphen-widths", hw, hyphen_widths_free);
	} else if (hw->serial != pango_context_get_serial(ctx)) {
		g_hash_table_remove_all(hw->by_font);
		hw->serial = pango_context_get_serial(ctx);
	}
	gpointer kept;
	if (fd && g_hash_table_lookup_extended(hw->by_font, fd, NULL, &kept))
		return GPOINTER_TO_INT(kept);
	PangoLayout *h = pango_layout_new(ctx);
	pango_layout_set_font_description(h, fd);
	pango_layout_set_text(h, "-", 1);
	int w, ht;
	pango_layout_get_size(h, &w, &ht);
	g_object_unref(h);
	if (fd)
		g_hash_table_insert(hw->by_font, pango_font_description_copy(fd), GINT_TO_POINTER(w));
	return w;
}

/*
 * Does Pango's own (greedy) breaking of l need redoing: a line whose word
 * spaces stretch past LOOSE times their width (set at MAX_SPACING: from
 * 1.5, a quarter of the paragraphs would be laid out again, for 7 % of a
 * booklet's time, to bring 200 lines of the TAT booklets under 1.5x), more than MAX_HYPHENS
 * hyphenated lines in a row, or a paragraph ending on a short fragment
 * after a hyphen? Most paragraphs are set well enough greedily, and laying
 * one out again costs a second shaping: only these are.
 */
#define LOOSE MAX_SPACING
/* Characters of text[0, n) that show: soft hyphens and line ends left out. */
static int visible_chars(const char *text, int n)
{
	int count = 0;
	for (const char *p = text; p < text + n; p = g_utf8_next_char(p))
		count += !((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xAD) && *p != '\n';
	return count;
}

static int needs_total_fit(PangoLayout *l, const char *text)
{
	int n = pango_layout_get_line_count(l);
	if (n < 2)
		return 0;
	int len = (int)strlen(text), justified = pango_layout_get_justify(l);
	/* The width of a space, from the last line (not justified), or the font. */
	double space = pango_font_description_get_size(pango_layout_get_font_description(l)) * 0.2261;
	int run = 0, prev_hyphen = 0;
	for (GSList *li = pango_layout_get_lines_readonly(l); li; li = li->next) {
		PangoLayoutLine *line = li->data;
		int end = line->start_index + line->length;
		/* The last line of a paragraph: of the layout, or before a line break. */
		int last = end >= len || end == 0 || text[end - 1] == '\n' || text[end] == '\n';
		if (last) {
			if (prev_hyphen && visible_chars(text + line->start_index, line->length) < SHORT_LAST)
				return 1;
			run = prev_hyphen = 0;
			continue;
		}
		int e = end;
		while (e > line->start_index && text[e - 1] == ' ')
			e--;
		int hyphen = e >= 2 && (((unsigned char)text[e - 2] == 0xC2 && (unsigned char)text[e - 1] == 0xAD) ||
					text[e - 1] == '-');
		run = hyphen ? run + 1 : 0;
		if (run > MAX_HYPHENS)
			return 1;
		prev_hyphen = hyphen;
		if (!justified)
			continue;
		for (GSList *ri = line->runs; ri; ri = ri->next) {
			PangoGlyphItem *gi = ri->data;
			for (int g = 0; g < gi->glyphs->num_glyphs; g++) {
				const char *p = text + gi->item->offset + gi->glyphs->log_clusters[g];
				if (*p == ' ' && gi->glyphs->glyphs[g].geometry.width > LOOSE * space)
					return 1;
			}
		}
	}
	return 0;
}

int linebreak_total_fit(PangoLayout *l)
{
	int width = pango_layout_get_width(l);
	const char *text = pango_layout_get_text(l);
	int len = (int)strlen(text);
	if (width <= 0 || len == 0)
		return 0;
	if (!needs_total_fit(l, text))
		return 0;
	/*
	 * The break opportunities are those of l's own layout (a change of
	 * width keeps them, Pango finds them again only for a new text or new
	 * attributes), copied: l's text is replaced below. The widths are
	 * those of l laid out unwrapped, its width set back after: a copy of
	 * l would find the break opportunities a second time.
	 */
	int nattrs;
	const PangoLogAttr *l_attrs = pango_layout_get_log_attrs_readonly(l, &nattrs);
	PangoLogAttr *la = xmalloc((size_t)nattrs * sizeof *la);
	memcpy(la, l_attrs, (size_t)nattrs * sizeof *la);
	int nchars = nattrs - 1;
	int *off = xmalloc((size_t)(nchars + 1) * sizeof *off);
	int *xs = xmalloc((size_t)(nchars + 1) * sizeof *xs);
	int *spaces = xmalloc((size_t)(nchars + 1) * sizeof *spaces);
	const char *p = text;
	int sp = 0, space_total = 0, space_count = 0;
	for (int k = 0; k < nchars; k++) {
		off[k] = (int)(p - text);
		spaces[k] = sp;
		if (is_space_at(p))
			sp++;
		p = g_utf8_next_char(p);
	}
	off[nchars] = len;
	spaces[nchars] = sp;
	/* vis[c]: characters before c that are not soft hyphens (the length of a lone fragment). */
	int *vis = xmalloc((size_t)(nchars + 1) * sizeof *vis);
	vis[0] = 0;
	for (int k = 0; k < nchars; k++)
		vis[k + 1] = vis[k] + !((unsigned char)text[off[k]] == 0xC2 && (unsigned char)text[off[k] + 1] == 0xAD);
	pango_layout_set_width(l, -1);
	char_x(l, text, nchars, off, xs);
	pango_layout_set_width(l, width);
	for (int k = 0; k < nchars && space_count < 64; k++) {
		if (text[off[k]] == ' ' && xs[k + 1] > xs[k]) {
			space_total += xs[k + 1] - xs[k];
			space_count++;
		}
	}
	double space_w = space_count ? (double)space_total / space_count :
				       pango_font_description_get_size(pango_layout_get_font_description(l)) * 0.23;
	int hyw = hyphen_width(l);
	struct cand *cands = xmalloc((size_t)(nchars + 1) * sizeof *cands);
	int *chosen = xmalloc((size_t)(nchars + 1) * sizeof *chosen);
	int *starts = xmalloc((size_t)(nchars + 2) * sizeof *starts);
	/* A layout set flush left is only ever broken ragged. */
	int flush_left = !pango_layout_get_justify(l);
	int nstarts = 0, ok = 1, ragged = flush_left, changed = 0;
	/* keep[i]: the soft hyphen at byte i is a chosen break. */
	unsigned char *keep = xcalloc((size_t)len + 1, 1);
	/* trap[c]: Pango broke a line too wide for its frame at character c (see choose). */
	unsigned char *trap = xcalloc((size_t)nchars + 1, 1);
	double em = pango_font_description_get_size(pango_layout_get_font_description(l));
	/* l's text is replaced below, and the one read until then freed: a copy is read. */
	char *orig_text = xstrdup(text);
	text = orig_text;
	PangoAttrList *orig = pango_layout_get_attributes(l);
	if (orig)
		pango_attr_list_ref(orig);
	/*
	 * Justified first; when some line cannot be set without spaces too
	 * loose (a long word that cannot be cut, a narrow column), the
	 * paragraph is set flush left instead, as a typographer would, and
	 * its breaks chosen again for an even right edge. When Pango does not
	 * follow the breaks chosen, the place where it broke instead is
	 * noted and the breaks chosen again, a few times at most.
	 */
	/* traps[c]: how many before character c. */
	int *traps = xcalloc((size_t)nchars + 2, sizeof *traps);
	for (int attempt = 0; attempt < 4 && !changed; attempt++) {
		for (int c = 0; c < nchars; c++)
			traps[c + 1] = traps[c] + trap[c];
		traps[nchars + 1] = traps[nchars];
		for (;;) {
			int too_loose = 0;
			nstarts = 0;
			ok = 1;
			memset(keep, 0, (size_t)len + 1);
			/* Paragraph by paragraph: Pango ends one at each mandatory break. */
			int seg = 0;
			while (seg < nchars && ok) {
				int end = seg + 1;
				while (end < nchars && !la[end].is_mandatory_break)
					end++;
				/* The paragraph's own text ends before its newline. */
				int stop = end;
				while (stop > seg && (text[off[stop - 1]] == '\n' || text[off[stop - 1]] == '\r'))
					stop--;
				struct cand start = {seg, vis[seg], vis[seg], xs[seg], 0, spaces[seg], spaces[seg], 0, 0,
						     traps[seg + 1]};
				int n = 0;
				for (int k = seg + 1; k <= stop; k++) {
					int is_end = k == stop;
					if (!is_end && !la[k].is_line_break)
						continue;
					struct cand *cd = &cands[n++];
					cd->next_chr = is_end ? end : k;
					cd->next_x = is_end ? 0 : xs[k];
					int e = k;
					while (e > seg && la[e - 1].is_white)
						e--;
					int shy = !is_end && e == k && (unsigned char)text[off[k - 1]] == 0xC2 &&
						  (unsigned char)text[off[k - 1] + 1] == 0xAD;
					/*
					 * A line ending on a word's own hyphen (« fiche-⏎action »,
					 * or « réseaux- » typed so) counts as hyphenated too.
					 */
					int dash = !is_end && e - 1 > seg && text[off[e - 1]] == '-' &&
						   g_unichar_isalpha(g_utf8_get_char(text + off[e - 2]));
					cd->hyphen = shy || dash;
					cd->end_x = xs[e] + (shy ? hyw : 0);
					cd->spaces = spaces[e];
					cd->end_vis = vis[e];
					cd->next_vis = vis[cd->next_chr];
					cd->next_spaces = spaces[is_end ? end : k];
					cd->traps_to = traps[k];
					cd->traps_from = traps[k + 1 <= nchars ? k + 1 : nchars];
				}
				starts[nstarts++] = off[seg];
				if (n > 1) {
					int loose = 0;
					int count = choose(cands, n, &start, width, space_w,
							   ragged ? RAGGED_STRETCH * em : 0, chosen, &loose);
					too_loose |= loose;
					if (!count)
						ok = 0;
					for (int i = 0; i + 1 < count; i++) {
						starts[nstarts++] = off[cands[chosen[i]].next_chr];
						if (cands[chosen[i]].hyphen && off[cands[chosen[i]].next_chr] >= 2)
							keep[off[cands[chosen[i]].next_chr] - 2] = 1;
					}
				}
				seg = end;
			}
			if (!ok || !too_loose || ragged)
				break;
			ragged = 1;
		}
		if (!ok)
			break;
		/*
		 * Pango lets a line break at a soft hyphen even inside a range
		 * where breaks are not allowed: the hyphenation points not chosen
		 * become U+034F COMBINING GRAPHEME JOINER, two bytes like the soft
		 * hyphen (no offset moves), invisible and shaped the same (an
		 * empty glyph), and no break opportunity. text_renderer.c keeps it
		 * out of the PDF's text.
		 */
		char *t2 = xstrdup(orig_text);
		for (int i = 0; i + 1 < len; i++)
			if ((unsigned char)t2[i] == 0xC2 && (unsigned char)t2[i + 1] == 0xAD && !keep[i]) {
				t2[i] = (char)0xCD;
				t2[i + 1] = (char)0x8F;
			}
		pango_layout_set_text(l, t2, len);
		free(t2);
		PangoAttrList *attrs = orig ? pango_attr_list_copy(orig) : pango_attr_list_new();
		for (int i = 0; i < nstarts; i++) {
			PangoAttribute *at = pango_attr_allow_breaks_new(FALSE);
			at->start_index = (guint)starts[i];
			at->end_index = (guint)(i + 1 < nstarts ? starts[i + 1] : len);
			pango_attr_list_insert(attrs, at);
		}
		pango_layout_set_attributes(l, attrs);
		pango_attr_list_unref(attrs);
		pango_layout_set_justify(l, !ragged);
		/* Where Pango's lines first differ from those chosen, or -1. */
		int wrong = -1, i = 0;
		for (GSList *li = pango_layout_get_lines_readonly(l); li && wrong < 0; li = li->next, i++) {
			int at = ((PangoLayoutLine *)li->data)->start_index;
			if (i >= nstarts || at != starts[i])
				wrong = at;
		}
		if (wrong < 0 && i != nstarts)
			wrong = len;
		if (wrong < 0) {
			changed = 1;
			break;
		}
		/* Back to Pango's own breaks, and the place it broke at noted. */
		pango_layout_set_text(l, orig_text, len);
		pango_layout_set_attributes(l, orig);
		pango_layout_set_justify(l, !flush_left);
		int lo = 0, hi = nchars;
		while (lo < hi) {
			int mid = (lo + hi) / 2;
			if (off[mid] < wrong)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo >= nchars || trap[lo])
			break;
		trap[lo] = 1;
		ragged = flush_left;
	}
	free(la);
	if (orig)
		pango_attr_list_unref(orig);
	free(orig_text);
	free(trap);
	free(traps);
	free(vis);
	free(xs);
	free(keep);
	free(off);
	free(spaces);
	free(cands);
	free(chosen);
	free(starts);
	return changed;
}

