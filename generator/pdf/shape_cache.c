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
 *     last cut that is safe to concatenate before its end, followed by the
 *     real shaping of the rest and the hyphen (HarfBuzz's own recipe).
 *   - when the part is the same text with grapheme joiners in place of
 *     some soft hyphens (linebreak.c, once it has chosen the breaks),
 *     as the text with the soft hyphens, when HarfBuzz shapes each
 *     joiner as the soft hyphen (joiner_skippable, joiner_as_soft): the
 *     lines total fit chose are then drawn with the glyphs the paragraph
 *     was shaped with; else with the slices of the words without one and
 *     the words holding one shaped on their own, joined where HarfBuzz
 *     marks both sides safe to concatenate (answer_joined); such words
 *     are kept by text.
 * Any other request is assembled from its words, each shaped on its own
 * (or kept from an earlier paragraph) and joined where HarfBuzz marks
 * both sides safe to concatenate (shape_by_words), or, when some join is
 * not safe, shaped by HarfBuzz (hb_shape_full); either way it is kept.
 * Only left-to-right Latin and common text is answered this way: other
 * scripts' shapers read the context around a part, which a buffer does
 * not give back.
 *
 * tests/pdf/t_pdf.py builds every booklet of the TAT corpus with and
 * without the kept shapings (FICHES_SHAPE_CACHE=0) and compares the bytes.
 *
 * A kept shaping answers only a request with the same setting (struct
 * setting): every input of hb_shape that HarfBuzz 3.3 to 6.x has. Later
 * versions added some (synthetic bold in 7.0), which the comparison would
 * miss, so the cache is compiled only against a HarfBuzz in that range
 * (HB_VERSION_ATLEAST, at build time) and used only when the library
 * loaded at run time is in it too (hb_version_atleast: a library updated
 * without a rebuild). Outside it, and when Pango's calls do not reach this
 * definition (shape_cache_status proves it with a real layout), every
 * request is shaped by HarfBuzz itself: slower, never wrong.
 */
#include "shape_cache.h"
#include "pango_probe.h"

#include <hb.h>
#include <hb-ot.h>
#include <pango/pangocairo.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "xalloc.h"

/* The HarfBuzz versions whose shaping inputs struct setting covers. */
#define HB_COVERED(atleast) (atleast(3, 3, 0) && !atleast(7, 0, 0))
#define SHAPE_CACHE_BUILT HB_COVERED(HB_VERSION_ATLEAST)

static atomic_ulong reached; /* hb_shape calls that arrived here */

#if SHAPE_CACHE_BUILT
/* Cuts tried before a hyphenated part is shaped again whole. */
#define MAX_TRIES 4
#define KEPT 8

/* Everything besides the text that decides what HarfBuzz returns. */
struct setting {
	/*
	 * The font whose functions answer (Pango's own for hinted fonts). Pango
	 * shapes with a sub-font made for each request and destroyed after it,
	 * so this is the sub-font's parent, which lives as long as its PangoFont.
	 */
	hb_font_t *font;
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
static _Atomic int enabled = -1; /* -1: not decided yet (FICHES_SHAPE_CACHE) */

static void setting_of(struct setting *s, hb_font_t *font, hb_buffer_t *buf,
		       const hb_feature_t *features, unsigned nfeatures)
{
	hb_font_t *parent = hb_font_get_parent(font);
	s->font = parent && parent != hb_font_get_empty() ? parent : font;
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
	return a->font == b->font && a->face == b->face && a->x_scale == b->x_scale && a->y_scale == b->y_scale &&
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

static void pieces_free(void);

void shape_cache_release(void)
{
	pieces_free();
	for (size_t i = 0; i < KEPT; i++)
		kept_clear(&kept[i]);
	if (scratch)
		hb_buffer_destroy(scratch);
	scratch = NULL;
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

#define SOFT_HYPHEN 0x00AD
#define GRAPHEME_JOINER 0x034F

/*
 * Does a grapheme joiner at req[i] (of n) shape as a soft hyphen would?
 * HarfBuzz hides a joiner from the font's lookups (it is not skipped by
 * them, where a soft hyphen is) only to keep marks from being reordered
 * across it: after normalisation it makes skippable again every joiner
 * that is neither the first nor the last character of the buffer and
 * whose next character has the combining class 0 (hb-ot-shape-normalize.cc,
 * HarfBuzz issue 554). Both are then default ignorables, skipped by every
 * lookup that does not name their glyph (see joiner_as_soft), zero-width
 * and drawn as the invisible glyph. The next character must not be a mark
 * either: its own class comes from the font, not from Unicode.
 */
static int joiner_skippable(hb_unicode_funcs_t *uf, const hb_glyph_info_t *req, unsigned i, unsigned n)
{
	if (i == 0 || i + 1 >= n)
		return 0;
	hb_codepoint_t next = req[i + 1].codepoint;
	if (hb_unicode_combining_class(uf, next) != HB_UNICODE_COMBINING_CLASS_NOT_REORDERED)
		return 0;
	switch (hb_unicode_general_category(uf, next)) {
	case HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK:
	case HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK:
	case HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK:
		return 0;
	default:
		return next != GRAPHEME_JOINER && next != SOFT_HYPHEN;
	}
}

/*
 * Where in k the request's text starts, and how many characters match;
 * *joined counts those where k has a soft hyphen and the request a
 * grapheme joiner in its place (linebreak.c: a hyphenation point not
 * chosen), *skippable those of them joiner_skippable finds shaped as
 * the soft hyphen was.
 */
static int locate(const struct kept *k, const hb_glyph_info_t *req, unsigned n, hb_unicode_funcs_t *uf,
		  unsigned *start, unsigned *matched, unsigned *joined, unsigned *skippable)
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
	unsigned m = 0, j = 0, sk = 0;
	while (m < n && lo + m < k->n && k->clusters[lo + m] == req[m].cluster) {
		if (k->chars[lo + m] != req[m].codepoint) {
			if (k->chars[lo + m] != SOFT_HYPHEN || req[m].codepoint != GRAPHEME_JOINER)
				break;
			j++;
			sk += joiner_skippable(uf, req, m, n);
		}
		m++;
	}
	*start = lo;
	*matched = m;
	*joined = j;
	*skippable = sk;
	return 1;
}

static int put_glyphs(hb_buffer_t *buf, const hb_glyph_info_t *infos, const hb_glyph_position_t *pos,
		      unsigned n, const hb_glyph_info_t *infos2, const hb_glyph_position_t *pos2,
		      unsigned n2)
{
	/* Out of memory, the buffer is left as it was, to be shaped for real. */
	if (!hb_buffer_set_length(buf, n + n2))
		return 0;
	hb_buffer_set_content_type(buf, HB_BUFFER_CONTENT_TYPE_GLYPHS);
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
 * Glyph index where k's text may be cut before character i and the part
 * after it shaped on its own and joined back, or -1: a glyph starts that
 * character's cluster and HarfBuzz did not mark it unsafe to concatenate
 * (which it also does where it is unsafe to break).
 */
static long concat_cut(const struct kept *k, unsigned i)
{
	long g = safe_cut(k, i);
	if (g < 0 || (unsigned long)g >= k->nglyphs ||
	    (hb_glyph_info_get_glyph_flags(&k->infos[g]) & HB_GLYPH_FLAG_UNSAFE_TO_CONCAT))
		return -1;
	return g;
}

/* Shapes k's characters [t, e) and the hyphen into scratch, k's text around as context. */
static void shape_tail(const struct kept *k, hb_font_t *font, const struct setting *set, unsigned t,
		       unsigned e, const hb_glyph_info_t *hyphen)
{
	if (!scratch)
		scratch = hb_buffer_create();
	hb_buffer_reset(scratch);
	hb_buffer_set_segment_properties(scratch, &set->props);
	hb_buffer_set_flags(scratch, (set->flags & ~(hb_buffer_flags_t)HB_BUFFER_FLAG_BOT) |
					     HB_BUFFER_FLAG_PRODUCE_UNSAFE_TO_CONCAT);
	hb_buffer_set_cluster_level(scratch, set->level);
	hb_buffer_set_invisible_glyph(scratch, set->invisible);
	hb_buffer_set_replacement_codepoint(scratch, set->replacement);
	hb_buffer_set_not_found_glyph(scratch, set->not_found);
	hb_buffer_add_codepoints(scratch, k->chars, (int)k->n, t, (int)(e - t));
	hb_glyph_info_t *in = hb_buffer_get_glyph_infos(scratch, NULL);
	for (unsigned i = 0; i < e - t; i++)
		in[i].cluster = k->clusters[t + i];
	/* hb_buffer_add drops the post-context, as in Pango's own request. */
	hb_buffer_add(scratch, hyphen->codepoint, hyphen->cluster);
	hb_shape_full(font, scratch, set->features, set->nfeatures, NULL);
	stats.shaped_chars += e - t + 1;
}

/*
 * The request is k's characters [s, e) and a hyphen. HarfBuzz's recipe
 * for a line break with a hyphen (hb-buffer.h, HB_GLYPH_FLAG_UNSAFE_TO_CONCAT):
 * go back from the end to a cut that is safe to concatenate, shape from
 * there to the end with the hyphen, and keep the result if its own first
 * glyph is safe to concatenate too; else go further back.
 */
static int answer_hyphenated(const struct kept *k, hb_font_t *font, hb_buffer_t *buf,
			     const struct setting *set, unsigned s, unsigned e,
			     const hb_glyph_info_t *hyphen)
{
	long g0 = safe_cut(k, s);
	if (g0 < 0)
		return 0;
	int tries = 0;
	for (unsigned t = e - 1; t > s && tries < MAX_TRIES; t--) {
		long gt = concat_cut(k, t);
		if (gt < 0)
			continue;
		tries++;
		shape_tail(k, font, set, t, e, hyphen);
		unsigned n2;
		const hb_glyph_info_t *i2 = hb_buffer_get_glyph_infos(scratch, &n2);
		if (n2 && (hb_glyph_info_get_glyph_flags(&i2[0]) & HB_GLYPH_FLAG_UNSAFE_TO_CONCAT))
			continue;
		const hb_glyph_position_t *p2 = hb_buffer_get_glyph_positions(scratch, NULL);
		return put_glyphs(buf, k->infos + g0, k->pos + g0, (unsigned)(gt - g0), i2, p2, n2);
	}
	return 0;
}

static int answer_joined(const struct kept *k, hb_font_t *font, hb_buffer_t *buf, const struct setting *set,
			 unsigned s);

/* Answers of joiner_as_soft, on the face: 1 no, 2 yes. */
static hb_user_data_key_t joiner_key;

/*
 * Do the face's lookups skip a soft hyphen and a grapheme joiner alike?
 * A default ignorable that a lookup skips may still be matched when the
 * lookup names its glyph (OT::skipping_iterator_t: a skippable glyph that
 * matches is taken). So neither the soft hyphen's glyph nor the joiner's
 * (nor the glyph HarfBuzz puts for a character the font lacks) may be in
 * any glyph set of a GSUB or GPOS lookup. Asked once per face (its user
 * data: a face made later at a freed face's address does not inherit it).
 */
static int joiner_as_soft(const struct setting *set)
{
	void *said = hb_face_get_user_data(set->face, &joiner_key);
	if (said)
		return said == (void *)2;
	hb_codepoint_t glyphs[3], g;
	unsigned ng = 0;
	if (hb_font_get_nominal_glyph(set->font, SOFT_HYPHEN, &g))
		glyphs[ng++] = g;
	if (hb_font_get_nominal_glyph(set->font, GRAPHEME_JOINER, &g))
		glyphs[ng++] = g;
	glyphs[ng++] = set->not_found;
	hb_set_t *named = hb_set_create();
	static const hb_tag_t tables[] = {HB_OT_TAG_GSUB, HB_OT_TAG_GPOS};
	for (size_t t = 0; t < sizeof tables / sizeof *tables; t++) {
		unsigned lookups = hb_ot_layout_table_get_lookup_count(set->face, tables[t]);
		for (unsigned l = 0; l < lookups; l++)
			hb_ot_layout_lookup_collect_glyphs(set->face, tables[t], l, named, named, named, named);
	}
	int ok = hb_set_allocation_successful(named);
	for (unsigned i = 0; i < ng && ok; i++)
		ok = !hb_set_has(named, glyphs[i]);
	hb_set_destroy(named);
	hb_face_set_user_data(set->face, &joiner_key, (void *)(uintptr_t)(ok ? 2 : 1), NULL, 1);
	return ok;
}

static int answer(hb_font_t *font, hb_buffer_t *buf, const struct setting *set)
{
	unsigned n;
	const hb_glyph_info_t *req = hb_buffer_get_glyph_infos(buf, &n);
	hb_unicode_funcs_t *uf = hb_buffer_get_unicode_funcs(buf);
	for (size_t i = 0; i < KEPT; i++) {
		struct kept *k = &kept[i];
		unsigned s, m, joined, skippable;
		if (!k->n || !same_setting(&k->set, set) || !locate(k, req, n, uf, &s, &m, &joined, &skippable))
			continue;
		/*
		 * Every joiner shaped as the soft hyphen k has there: the
		 * request is k's text for HarfBuzz, answered as below.
		 */
		if (joined && (skippable < joined || !joiner_as_soft(set))) {
			if (m == n && answer_joined(k, font, buf, set, s)) {
				stats.joined++;
				return 1;
			}
			continue;
		}
		if (joined)
			stats.joiners_skipped += joined;
		if (m == n) {
			long g0 = safe_cut(k, s), g1 = safe_cut(k, s + m);
			if (g0 < 0 || g1 < 0)
				continue;
			k->used = ++clock_tick;
			stats.sliced++;
			return put_glyphs(buf, k->infos + g0, k->pos + g0, (unsigned)(g1 - g0), NULL, NULL, 0);
		}
		if (m + 1 == n && m > 1 && is_hyphen(req[m].codepoint) &&
		    answer_hyphenated(k, font, buf, set, s, s + m, &req[m])) {
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

/* The entry to replace: the least recently used, emptied. */
static struct kept *kept_slot(void)
{
	struct kept *k = &kept[0];
	for (size_t i = 1; i < KEPT; i++)
		if (kept[i].used < k->used)
			k = &kept[i];
	kept_clear(k);
	return k;
}

/* Keeps in k the setting and the glyphs of buf, the shaping of k's text. */
static void keep_glyphs(struct kept *k, hb_buffer_t *buf, const struct setting *set)
{
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

static int shape_by_words(const struct kept *k, hb_font_t *font, hb_buffer_t *buf, const struct setting *set);

/*
 * Shapes (from its words' shapings when they join, else for real) and
 * keeps the result in place of the least recently used.
 */
static void shape_and_keep(hb_font_t *font, hb_buffer_t *buf, const struct setting *set)
{
	struct kept *k = kept_slot();
	unsigned n;
	const hb_glyph_info_t *in = hb_buffer_get_glyph_infos(buf, &n);
	k->n = n;
	k->chars = xmalloc(n * sizeof *k->chars);
	k->clusters = xmalloc(n * sizeof *k->clusters);
	for (unsigned i = 0; i < n; i++) {
		k->chars[i] = in[i].codepoint;
		k->clusters[i] = in[i].cluster;
	}
	/* Marks where joining separately shaped text is safe (answer_hyphenated, answer_joined). */
	hb_buffer_set_flags(buf, set->flags | HB_BUFFER_FLAG_PRODUCE_UNSAFE_TO_CONCAT);
	if (shape_by_words(k, font, buf, set)) {
		stats.worded++;
	} else {
		hb_shape_full(font, buf, set->features, set->nfeatures, NULL);
		stats.shaped_chars += n;
	}
	keep_glyphs(k, buf, set);
}

/* Where a word starts in k, after a space, at a cut safe to concatenate. */
static int word_cut(const struct kept *k, unsigned i)
{
	return i > 0 && k->chars[i - 1] == ' ' && concat_cut(k, i) >= 0;
}

/* Glyphs being gathered (answer_joined). */
struct glyph_run {
	hb_glyph_info_t *infos;
	hb_glyph_position_t *pos;
	unsigned n, cap;
};

static void run_add(struct glyph_run *r, const hb_glyph_info_t *infos, const hb_glyph_position_t *pos,
		    unsigned n)
{
	if (r->n + n > r->cap) {
		r->cap = (r->n + n) * 2;
		r->infos = xrealloc(r->infos, r->cap * sizeof *r->infos);
		r->pos = xrealloc(r->pos, r->cap * sizeof *r->pos);
	}
	if (n) {
		memcpy(r->infos + r->n, infos, n * sizeof *infos);
		memcpy(r->pos + r->n, pos, n * sizeof *pos);
	}
	r->n += n;
}

/*
 * The words answer_joined shapes, by setting and text: the same words
 * come back in paragraph after paragraph (« dé-mar-che » with its
 * hyphenation points not chosen). Their glyphs' clusters are kept
 * relative to the word's first character, whose bytes are the same
 * wherever the word is.
 */
struct piece {
	struct piece *next;
	uint64_t hash;
	char *key;
	size_t key_len;
	long np;                        /* glyphs before the probe; -1: does not join */
	hb_glyph_info_t *infos;
	hb_glyph_position_t *pos;
};

#define PIECE_BUCKETS 4096
static _Thread_local struct piece **pieces;

static void pieces_free(void)
{
	for (size_t i = 0; pieces && i < PIECE_BUCKETS; i++) {
		struct piece *p = pieces[i];
		while (p) {
			struct piece *next = p->next;
			free(p->key);
			free(p->infos);
			free(p->pos);
			free(p);
			p = next;
		}
	}
	free(pieces);
	pieces = NULL;
}

/* Everything shape_piece's answer depends on, as bytes: asked once a word. */
static void piece_key(struct buf *key, const struct setting *set, hb_buffer_flags_t flags, int at_start,
		      const hb_codepoint_t *text, unsigned len)
{
	const struct setting *s = set;
	struct {
		hb_font_t *font;
		hb_face_t *face;
		int x_scale, y_scale;
		unsigned x_ppem, y_ppem;
		float ptem, slant;
		unsigned ncoords, nfeatures;
		hb_direction_t direction;
		hb_script_t script;
		hb_language_t language;
		hb_buffer_flags_t flags;
		hb_buffer_cluster_level_t level;
		hb_codepoint_t invisible, replacement, not_found;
		int at_start;
	} fixed;
	/* Padding bytes too are compared. */
	memset(&fixed, 0, sizeof fixed);
	fixed.font = s->font;
	fixed.face = s->face;
	fixed.x_scale = s->x_scale;
	fixed.y_scale = s->y_scale;
	fixed.x_ppem = s->x_ppem;
	fixed.y_ppem = s->y_ppem;
	fixed.ptem = s->ptem;
	fixed.slant = s->slant;
	fixed.ncoords = s->ncoords;
	fixed.nfeatures = s->nfeatures;
	fixed.direction = s->props.direction;
	fixed.script = s->props.script;
	fixed.language = s->props.language;
	fixed.flags = flags;
	fixed.level = s->level;
	fixed.invisible = s->invisible;
	fixed.replacement = s->replacement;
	fixed.not_found = s->not_found;
	fixed.at_start = at_start;
	size_t need = sizeof fixed + s->ncoords * sizeof *s->coords + s->nfeatures * sizeof *s->features +
		      len * sizeof *text;
	buf_grow(key, need);
	buf_put(key, (const char *)&fixed, sizeof fixed);
	if (s->ncoords)
		buf_put(key, (const char *)s->coords, s->ncoords * sizeof *s->coords);
	if (s->nfeatures)
		buf_put(key, (const char *)s->features, s->nfeatures * sizeof *s->features);
	buf_put(key, (const char *)text, len * sizeof *text);
}

/*
 * Shapes text[a, b) (k's clusters), and the character at b when probe,
 * and checks that it joins the glyphs around it: its first glyph safe to
 * concatenate when a is not the request's start, and the probe's too
 * (HarfBuzz's recipe for the end of a part: shape a little more, and
 * read the flag there). Returns the entry holding the glyphs before the
 * probe (np < 0 when it does not join).
 */
static const struct piece *shape_piece(const struct kept *k, hb_font_t *font, const struct setting *set,
				       const hb_codepoint_t *text, unsigned a, unsigned b, int probe,
				       int at_start, int at_end)
{
	hb_buffer_flags_t flags = set->flags | HB_BUFFER_FLAG_PRODUCE_UNSAFE_TO_CONCAT;
	if (!at_start)
		flags &= ~(hb_buffer_flags_t)HB_BUFFER_FLAG_BOT;
	if (!at_end)
		flags &= ~(hb_buffer_flags_t)HB_BUFFER_FLAG_EOT;
	unsigned len = b - a + (probe ? 1 : 0);
	struct buf key = BUF_INIT;
	piece_key(&key, set, flags, at_start, text + a, len);
	uint64_t h = hash_bytes(key.data, key.len);
	if (!pieces)
		pieces = xcalloc(PIECE_BUCKETS, sizeof *pieces);
	struct piece **slot = &pieces[h % PIECE_BUCKETS];
	for (struct piece *p = *slot; p; p = p->next) {
		if (p->hash == h && p->key_len == key.len && !memcmp(p->key, key.data, key.len)) {
			buf_free(&key);
			stats.pieces_kept++;
			return p;
		}
	}
	struct piece *p = xcalloc(1, sizeof *p);
	p->hash = h;
	p->key_len = key.len;
	p->key = buf_detach(&key);
	p->next = *slot;
	*slot = p;
	p->np = -1;
	if (!scratch)
		scratch = hb_buffer_create();
	hb_buffer_reset(scratch);
	hb_buffer_set_segment_properties(scratch, &set->props);
	hb_buffer_set_flags(scratch, flags);
	hb_buffer_set_cluster_level(scratch, set->level);
	hb_buffer_set_invisible_glyph(scratch, set->invisible);
	hb_buffer_set_replacement_codepoint(scratch, set->replacement);
	hb_buffer_set_not_found_glyph(scratch, set->not_found);
	hb_buffer_add_codepoints(scratch, text, (int)k->n, a, (int)len);
	hb_glyph_info_t *in = hb_buffer_get_glyph_infos(scratch, NULL);
	uint32_t c0 = k->clusters[a];
	for (unsigned i = 0; i < len; i++)
		in[i].cluster = k->clusters[a + i] - c0;
	hb_shape_full(font, scratch, set->features, set->nfeatures, NULL);
	stats.shaped_chars += len;
	unsigned np;
	const hb_glyph_info_t *pi = hb_buffer_get_glyph_infos(scratch, &np);
	if (!at_start && (!np || pi[0].cluster != 0 ||
			  (hb_glyph_info_get_glyph_flags(&pi[0]) & HB_GLYPH_FLAG_UNSAFE_TO_CONCAT)))
		return p;
	unsigned g = np;
	if (probe) {
		uint32_t cb = k->clusters[b] - c0;
		g = 0;
		while (g < np && pi[g].cluster < cb)
			g++;
		if (g >= np || pi[g].cluster != cb ||
		    (hb_glyph_info_get_glyph_flags(&pi[g]) & HB_GLYPH_FLAG_UNSAFE_TO_CONCAT))
			return p;
	}
	p->np = g;
	p->infos = copy(pi, g * sizeof *p->infos);
	p->pos = copy(hb_buffer_get_glyph_positions(scratch, NULL), g * sizeof *p->pos);
	return p;
}

/*
 * The request is k's characters from s, with grapheme joiners where k has
 * soft hyphens: the text linebreak.c gives Pango once it has chosen the
 * breaks, when some joiner may not shape as the soft hyphen did (it is
 * not always skipped by the font's lookups as a soft hyphen is:
 * joiner_skippable, joiner_as_soft), so the words holding one may shape
 * otherwise. The other words keep
 * k's glyphs: the request is cut where words start at a place k's shaping
 * marks safe to concatenate, each word with a joiner shaped for real, and
 * the parts joined where HarfBuzz says joining is safe on both sides
 * (hb-buffer.h, HB_GLYPH_FLAG_UNSAFE_TO_CONCAT). The result is kept, for
 * Pango's requests of its lines. 0 when some join is not safe.
 */
static int answer_joined(const struct kept *k, hb_font_t *font, hb_buffer_t *buf, const struct setting *set,
			 unsigned s)
{
	unsigned n;
	const hb_glyph_info_t *req = hb_buffer_get_glyph_infos(buf, &n);
	unsigned e = s + n;
	long g_start = safe_cut(k, s), g_end = safe_cut(k, e);
	if (g_start < 0 || g_end < 0)
		return 0;
	hb_codepoint_t *text = copy(k->chars, k->n * sizeof *text);
	for (unsigned i = 0; i < n; i++)
		text[s + i] = req[i].codepoint;
	struct glyph_run out = {0};
	unsigned i = s;
	long g = g_start;
	int ok = 1;
	while (ok) {
		unsigned q = i;
		while (q < e && text[q] == k->chars[q])
			q++;
		if (q >= e) {
			run_add(&out, k->infos + g, k->pos + g, (unsigned)(g_end - g));
			break;
		}
		unsigned a = q, b = q + 1;
		while (a > i && !word_cut(k, a))
			a--;
		while (b < e && !word_cut(k, b))
			b++;
		long ga = a == s ? g_start : concat_cut(k, a);
		long gb = b == e ? g_end : concat_cut(k, b);
		const struct piece *p = ga < 0 || gb < 0 ? NULL :
					shape_piece(k, font, set, text, a, b, b < e, a == s, b == e);
		if (!p || p->np < 0) {
			ok = 0;
			break;
		}
		run_add(&out, k->infos + g, k->pos + g, (unsigned)(ga - g));
		unsigned at = out.n;
		run_add(&out, p->infos, p->pos, (unsigned)p->np);
		for (unsigned c = at; c < out.n; c++)
			out.infos[c].cluster += k->clusters[a];
		i = b;
		g = gb;
	}
	free(text);
	if (ok) {
		hb_codepoint_t *chars = xmalloc(n * sizeof *chars);
		uint32_t *clusters = xmalloc(n * sizeof *clusters);
		for (unsigned c = 0; c < n; c++) {
			chars[c] = req[c].codepoint;
			clusters[c] = req[c].cluster;
		}
		ok = put_glyphs(buf, out.infos, out.pos, out.n, NULL, NULL, 0);
		if (ok) {
			/* k may be the entry replaced: it is not read from here on. */
			struct kept *nk = kept_slot();
			nk->n = n;
			nk->chars = chars;
			nk->clusters = clusters;
			keep_glyphs(nk, buf, set);
		} else {
			free(chars);
			free(clusters);
		}
	}
	free(out.infos);
	free(out.pos);
	return ok;
}

/*
 * A request no kept shaping answers, from the shapings of its words: each
 * paragraph's text was shaped whole, though most of its words come back
 * from paragraph to paragraph (« de », « les », « réduction »), and
 * HarfBuzz's work per character is the same for a word alone. The text
 * k holds (the request) is cut before each space, each piece (« ␣mot, »)
 * shaped in its context with the character after it as a probe, and kept
 * by text and setting (shape_piece, the same pieces answer_joined keeps).
 * The pieces are joined where HarfBuzz marks both sides safe to
 * concatenate (the first glyph of a piece, and the probe: hb-buffer.h,
 * HB_GLYPH_FLAG_UNSAFE_TO_CONCAT), which gives the glyphs of the whole
 * shaped at once. 0 when some join is not safe: the caller shapes it whole.
 */
static int shape_by_words(const struct kept *k, hb_font_t *font, hb_buffer_t *buf, const struct setting *set)
{
	unsigned n = k->n;
	struct glyph_run out = {0};
	int ok = 1;
	for (unsigned a = 0, b; a < n && ok; a = b) {
		b = a + 1;
		while (b < n && !(k->chars[b - 1] == ' ' && k->chars[b] != ' '))
			b++;
		const struct piece *p = shape_piece(k, font, set, k->chars, a, b, b < n, a == 0, b == n);
		if (p->np < 0) {
			ok = 0;
			break;
		}
		unsigned at = out.n;
		run_add(&out, p->infos, p->pos, (unsigned)p->np);
		for (unsigned c = at; c < out.n; c++)
			out.infos[c].cluster += k->clusters[a];
	}
	if (ok)
		ok = put_glyphs(buf, out.infos, out.pos, out.n, NULL, NULL, 0);
	free(out.infos);
	free(out.pos);
	return ok;
}

static int library_covered(int a, int b, int c)
{
	return hb_version_atleast((unsigned)a, (unsigned)b, (unsigned)c);
}

void hb_shape(hb_font_t *font, hb_buffer_t *buf, const hb_feature_t *features, unsigned int num_features)
{
	atomic_fetch_add_explicit(&reached, 1, memory_order_relaxed);
	if (enabled < 0) {
		const char *e = getenv("FICHES_SHAPE_CACHE");
		enabled = !(e && strcmp(e, "0") == 0) && HB_COVERED(library_covered);
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
#else
static _Thread_local struct shape_stats stats;
static _Atomic int enabled = 0;

void shape_cache_release(void)
{
}
#endif

void shape_cache_enable(int on)
{
	enabled = on && SHAPE_CACHE_BUILT;
}

struct shape_stats shape_cache_stats(void)
{
	return stats;
}

enum shape_cache_status shape_cache_status(void)
{
	static _Atomic int status = -1;
	if (status >= 0)
		return (enum shape_cache_status)status;
	enum shape_cache_status st;
	const char *e = getenv("FICHES_SHAPE_CACHE");
	if (!SHAPE_CACHE_BUILT) {
		st = SHAPE_CACHE_NOT_BUILT;
	} else if (!hb_version_atleast(3, 3, 0) || hb_version_atleast(7, 0, 0)) {
		st = SHAPE_CACHE_LIBRARY_NEWER;
	} else if (e && !strcmp(e, "0")) {
		st = SHAPE_CACHE_OFF;
	} else {
		unsigned long before = atomic_load(&reached);
		pango_probe_word();
		st = atomic_load(&reached) > before ? SHAPE_CACHE_ACTIVE : SHAPE_CACHE_NOT_REACHED;
	}
	status = (int)st;
	if (st != SHAPE_CACHE_ACTIVE && st != SHAPE_CACHE_OFF && getenv("FICHES_DEBUG"))
		fprintf(stderr, "fiches: HarfBuzz %s: %s; every request is shaped by HarfBuzz\n",
			hb_version_string(), shape_cache_status_text(st));
	return st;
}

const char *shape_cache_status_text(enum shape_cache_status st)
{
	switch (st) {
	case SHAPE_CACHE_ACTIVE:
		return "kept shapings in use";
	case SHAPE_CACHE_OFF:
		return "kept shapings off (FICHES_SHAPE_CACHE=0)";
	case SHAPE_CACHE_NOT_BUILT:
		return "kept shapings not built for this HarfBuzz version";
	case SHAPE_CACHE_LIBRARY_NEWER:
		return "kept shapings off: the HarfBuzz loaded is outside the versions they cover";
	case SHAPE_CACHE_NOT_REACHED:
		return "Pango's calls do not reach the kept shapings";
	}
	return "";
}
