/*
 * Shaping each paragraph once instead of three times.
 *
 * Pango 1.50 breaks a paragraph into lines by shaping: a whole item first,
 * then, for each line, the part of the item up to each break opportunity
 * near the end of the line (with a hyphen when it breaks inside a word),
 * and the rest of the item again when it fits on the last line
 * (pango-layout.c, process_item). Body text was shaped 2.85 times per
 * character, and shaping was a third of the time of a booklet.
 *
 * HarfBuzz marks each glyph where cutting the text could change the
 * result (HB_GLYPH_FLAG_UNSAFE_TO_BREAK). Where a glyph is not marked, the
 * glyphs of either side of the cut are the glyphs of the whole, sliced:
 * that is the contract HarfBuzz documents for line breaking. This
 * definition of hb_shape takes the place of the library's for Pango
 * (which calls it through its PLT, like cmark_special.c), keeps the last
 * shapings, and answers a request for a part of one of them:
 *   - with the slice, when both ends of the part are safe cuts;
 *   - when Pango adds a hyphen after the part, with the slice up to the
 *     last safe cut a few characters before its end, followed by the real
 *     shaping of those characters and the hyphen.
 * Any other request goes to HarfBuzz (hb_shape_full), and is kept.
 * Only left-to-right Latin and common text is answered this way: other
 * scripts' shapers read the context around a part, which a buffer does
 * not give back.
 *
 * tests/pdf/t_pdf.py builds every booklet of the TAT corpus with and
 * without the kept shapings (FICHES_SHAPE_CACHE=0) and compares the bytes.
 */
#include "shape_cache.h"

#include <hb.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* A part shorter than this is shaped again whole rather than spliced. */
#define TAIL_CHARS 4
#define KEPT 8

/* Everything besides the text that decides what HarfBuzz returns. */
struct setting {
	hb_face_t *face;
	int x_scale, y_scale;
	unsigned x_ppem, y_ppem;
	float ptem, slant;
	unsigned ncoords;
	const int *coords;
	hb_segment_properties_t props;
	hb_buffer_flags_t flags;
	hb_buffer_cluster_level_t level;
	hb_codepoint_t invisible, replacement, not_found;
	const hb_feature_t *features;
	unsigned nfeatures;
};

/* One real shaping: its setting (owning copies), its text and its glyphs. */
struct kept {
	struct setting set;
	int *coords;
	hb_feature_t *features;
	unsigned n;
	hb_codepoint_t *chars;
	uint32_t *clusters;
	unsigned nglyphs;
	hb_glyph_info_t *infos;
	hb_glyph_position_t *pos;
	unsigned long long used;
};

static _Thread_local struct kept kept[KEPT];
static _Thread_local unsigned long long clock_tick;
static _Thread_local struct shape_stats stats;
static _Thread_local hb_buffer_t *scratch;
static int enabled = -1; /* -1: not decided yet (FICHES_SHAPE_CACHE) */

static void setting_of(struct setting *s, hb_font_t *font, hb_buffer_t *buf,
		       const hb_feature_t *features, unsigned nfeatures)
{
	s->face = hb_font_get_face(font);
	hb_font_get_scale(font, &s->x_scale, &s->y_scale);
	hb_font_get_ppem(font, &s->x_ppem, &s->y_ppem);
	s->ptem = hb_font_get_ptem(font);
	s->slant = hb_font_get_synthetic_slant(font);
	s->coords = hb_font_get_var_coords_normalized(font, &s->ncoords);
	hb_buffer_get_segment_properties(buf, &s->props);
	s->flags = hb_buffer_get_flags(buf);
	s->level = hb_buffer_get_cluster_level(buf);
	s->invisible = hb_buffer_get_invisible_glyph(buf);
	s->replacement = hb_buffer_get_replacement_codepoint(buf);
	s->not_found = hb_buffer_get_not_found_glyph(buf);
	s->features = features;
	s->nfeatures = nfeatures;
}

static int same_setting(const struct setting *a, const struct setting *b)
{
	return a->face == b->face && a->x_scale == b->x_scale && a->y_scale == b->y_scale &&
	       a->x_ppem == b->x_ppem && a->y_ppem == b->y_ppem && a->ptem == b->ptem &&
	       a->slant == b->slant && a->ncoords == b->ncoords &&
	       (a->ncoords == 0 || memcmp(a->coords, b->coords, a->ncoords * sizeof *a->coords) == 0) &&
	       hb_segment_properties_equal(&a->props, &b->props) && a->flags == b->flags &&
	       a->level == b->level && a->invisible == b->invisible &&
	       a->replacement == b->replacement && a->not_found == b->not_found &&
	       a->nfeatures == b->nfeatures &&
	       (a->nfeatures == 0 ||
		memcmp(a->features, b->features, a->nfeatures * sizeof *a->features) == 0);
}

/* Only settings whose shaping does not look beyond the buffer are answered. */
static int answerable(const struct setting *s)
{
	hb_script_t sc = s->props.script;
	return s->props.direction == HB_DIRECTION_LTR && s->level == HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS &&
	       (sc == HB_SCRIPT_LATIN || sc == HB_SCRIPT_COMMON || sc == HB_SCRIPT_INHERITED);
}

static void kept_clear(struct kept *k)
{
	free(k->coords);
	free(k->features);
	free(k->chars);
	free(k->clusters);
	free(k->infos);
	free(k->pos);
	memset(k, 0, sizeof *k);
}

void shape_cache_release(void)
{
	for (size_t i = 0; i < KEPT; i++)
		kept_clear(&kept[i]);
	if (scratch)
		hb_buffer_destroy(scratch);
	scratch = NULL;
}

void shape_cache_enable(int on)
{
	enabled = on;
}

struct shape_stats shape_cache_stats(void)
{
	return stats;
}

/* First glyph whose cluster is at least c (clusters rise with the glyphs). */
static unsigned glyph_at(const struct kept *k, uint32_t c)
{
	unsigned lo = 0, hi = k->nglyphs;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (k->infos[mid].cluster < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Glyph index where k's text may be cut before character i, or -1. A cut
 * is safe where a glyph starts exactly that character's cluster and
 * HarfBuzz did not mark it unsafe to break.
 */
static long safe_cut(const struct kept *k, unsigned i)
{
	if (i == 0)
		return 0;
	if (i == k->n)
		return k->nglyphs;
	unsigned g = glyph_at(k, k->clusters[i]);
	if (g >= k->nglyphs || k->infos[g].cluster != k->clusters[i] ||
	    (hb_glyph_info_get_glyph_flags(&k->infos[g]) & HB_GLYPH_FLAG_UNSAFE_TO_BREAK))
		return -1;
	return g;
}

static int is_hyphen(hb_codepoint_t c)
{
	return c == 0x2010 || c == '-';
}

/* Where in k the request's text starts, and how many characters match. */
static int locate(const struct kept *k, const hb_glyph_info_t *req, unsigned n, unsigned *start,
		  unsigned *matched)
{
	unsigned lo = 0, hi = k->n;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (k->clusters[mid] < req[0].cluster)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= k->n || k->clusters[lo] != req[0].cluster)
		return 0;
	unsigned m = 0;
	while (m < n && lo + m < k->n && k->chars[lo + m] == req[m].codepoint &&
	       k->clusters[lo + m] == req[m].cluster)
		m++;
	*start = lo;
	*matched = m;
	return 1;
}

static int put_glyphs(hb_buffer_t *buf, const hb_glyph_info_t *infos, const hb_glyph_position_t *pos,
		      unsigned n, const hb_glyph_info_t *infos2, const hb_glyph_position_t *pos2,
		      unsigned n2)
{
	hb_buffer_set_content_type(buf, HB_BUFFER_CONTENT_TYPE_GLYPHS);
	if (!hb_buffer_set_length(buf, n + n2))
		return 0;
	hb_glyph_info_t *oi = hb_buffer_get_glyph_infos(buf, NULL);
	hb_glyph_position_t *op = hb_buffer_get_glyph_positions(buf, NULL);
	if (n) {
		memcpy(oi, infos, n * sizeof *oi);
		memcpy(op, pos, n * sizeof *op);
	}
	if (n2) {
		memcpy(oi + n, infos2, n2 * sizeof *oi);
		memcpy(op + n, pos2, n2 * sizeof *op);
	}
	return 1;
}

/*
 * The request is k's characters [s, s + m) and a hyphen: k's glyphs up to
 * a safe cut t at least TAIL_CHARS characters before the end, then
 * [t, s + m) and the hyphen shaped for real, with k's text around as
 * context.
 */
static int answer_hyphenated(const struct kept *k, hb_font_t *font, hb_buffer_t *buf,
			     const struct setting *set, unsigned s, unsigned m,
			     const hb_glyph_info_t *hyphen)
{
	if (m <= TAIL_CHARS)
		return 0;
	long g0 = safe_cut(k, s), gt = -1;
	if (g0 < 0)
		return 0;
	unsigned t = s + m - TAIL_CHARS;
	for (; t > s; t--)
		if ((gt = safe_cut(k, t)) >= 0)
			break;
	if (t == s)
		return 0;
	if (!scratch)
		scratch = hb_buffer_create();
	hb_buffer_reset(scratch);
	hb_buffer_set_segment_properties(scratch, &set->props);
	hb_buffer_set_flags(scratch, set->flags & ~(hb_buffer_flags_t)HB_BUFFER_FLAG_BOT);
	hb_buffer_set_cluster_level(scratch, set->level);
	hb_buffer_set_invisible_glyph(scratch, set->invisible);
	hb_buffer_set_replacement_codepoint(scratch, set->replacement);
	hb_buffer_set_not_found_glyph(scratch, set->not_found);
	hb_buffer_add_codepoints(scratch, k->chars, (int)k->n, t, (int)(s + m - t));
	hb_glyph_info_t *in = hb_buffer_get_glyph_infos(scratch, NULL);
	for (unsigned i = 0; i < s + m - t; i++)
		in[i].cluster = k->clusters[t + i];
	/* hb_buffer_add drops the post-context, as in Pango's own request. */
	hb_buffer_add(scratch, hyphen->codepoint, hyphen->cluster);
	hb_shape_full(font, scratch, set->features, set->nfeatures, NULL);
	unsigned n2;
	const hb_glyph_info_t *i2 = hb_buffer_get_glyph_infos(scratch, &n2);
	const hb_glyph_position_t *p2 = hb_buffer_get_glyph_positions(scratch, NULL);
	stats.shaped_chars += s + m - t + 1;
	return put_glyphs(buf, k->infos + g0, k->pos + g0, (unsigned)(gt - g0), i2, p2, n2);
}

static int answer(hb_font_t *font, hb_buffer_t *buf, const struct setting *set)
{
	unsigned n;
	const hb_glyph_info_t *req = hb_buffer_get_glyph_infos(buf, &n);
	for (size_t i = 0; i < KEPT; i++) {
		struct kept *k = &kept[i];
		unsigned s, m;
		if (!k->n || !same_setting(&k->set, set) || !locate(k, req, n, &s, &m))
			continue;
		if (m == n) {
			long g0 = safe_cut(k, s), g1 = safe_cut(k, s + m);
			if (g0 < 0 || g1 < 0)
				continue;
			k->used = ++clock_tick;
			stats.sliced++;
			return put_glyphs(buf, k->infos + g0, k->pos + g0, (unsigned)(g1 - g0), NULL, NULL, 0);
		}
		if (m + 1 == n && is_hyphen(req[m].codepoint) &&
		    answer_hyphenated(k, font, buf, set, s, m, &req[m])) {
			k->used = ++clock_tick;
			stats.spliced++;
			return 1;
		}
	}
	return 0;
}

static void *copy(const void *p, size_t size)
{
	if (!size)
		return NULL;
	void *c = xmalloc(size);
	memcpy(c, p, size);
	return c;
}

/* Shapes for real and keeps the result in place of the least recently used. */
static void shape_and_keep(hb_font_t *font, hb_buffer_t *buf, const struct setting *set)
{
	struct kept *k = &kept[0];
	for (size_t i = 1; i < KEPT; i++)
		if (kept[i].used < k->used)
			k = &kept[i];
	kept_clear(k);
	unsigned n;
	const hb_glyph_info_t *in = hb_buffer_get_glyph_infos(buf, &n);
	k->n = n;
	k->chars = xmalloc(n * sizeof *k->chars);
	k->clusters = xmalloc(n * sizeof *k->clusters);
	for (unsigned i = 0; i < n; i++) {
		k->chars[i] = in[i].codepoint;
		k->clusters[i] = in[i].cluster;
	}
	hb_shape_full(font, buf, set->features, set->nfeatures, NULL);
	stats.shaped_chars += n;
	const hb_glyph_info_t *out = hb_buffer_get_glyph_infos(buf, &k->nglyphs);
	k->infos = copy(out, k->nglyphs * sizeof *k->infos);
	k->pos = copy(hb_buffer_get_glyph_positions(buf, NULL), k->nglyphs * sizeof *k->pos);
	k->set = *set;
	k->coords = copy(set->coords, set->ncoords * sizeof *set->coords);
	k->features = copy(set->features, set->nfeatures * sizeof *set->features);
	k->set.coords = k->coords;
	k->set.features = k->features;
	k->used = ++clock_tick;
}

void hb_shape(hb_font_t *font, hb_buffer_t *buf, const hb_feature_t *features, unsigned int num_features)
{
	if (enabled < 0) {
		const char *e = getenv("FICHES_SHAPE_CACHE");
		enabled = !(e && strcmp(e, "0") == 0);
	}
	unsigned n = hb_buffer_get_length(buf);
	stats.requests++;
	stats.requested_chars += n;
	struct setting set;
	setting_of(&set, font, buf, features, num_features);
	if (!enabled || n == 0 || hb_buffer_get_content_type(buf) != HB_BUFFER_CONTENT_TYPE_UNICODE ||
	    !answerable(&set)) {
		hb_shape_full(font, buf, features, num_features, NULL);
		stats.shaped_chars += n;
		return;
	}
	if (answer(font, buf, &set))
		return;
	shape_and_keep(font, buf, &set);
}
