/*
 * Pango's colour-glyph checks answered once per font face; see color_glyphs.h.
 *
 * After every shaping, Pango 1.50 asks of each glyph whether it is a
 * colour glyph (shape.c, glyph_has_color): HarfBuzz's
 * hb_ot_color_glyph_get_layers, then hb_ot_color_has_png and
 * hb_ot_color_has_svg, three look-ups in the face's tables per glyph. The
 * complete guide shapes 1.46 million glyphs: 194 M instructions, about 4 %
 * of a booklet, for fonts that have no colour table at all. Whether a face
 * has COLR layers, PNG or SVG glyphs does not change: the three answers
 * are kept per face, and a face without COLR layers has no layers for any
 * glyph (HarfBuzz answers 0 for it, with *layer_count set to 0). A face
 * that has them is asked of HarfBuzz, glyph by glyph, as before.
 *
 * These definitions take the place of HarfBuzz's for the libraries that
 * call them through their PLT (like shape_cache.c's hb_shape); each calls
 * the library's own (dlsym RTLD_NEXT) for what it does not keep. When
 * Pango's calls do not reach them, HarfBuzz answers as it always did:
 * the same answers, only slower. tests/replacements/unreached.ver hides
 * them, and t_replacements.py compares that program's bytes with these.
 */

#include "color_glyphs.h"
#include "pango_probe.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <stddef.h>

typedef unsigned (*get_layers_fn)(hb_face_t *, hb_codepoint_t, unsigned, unsigned *, hb_ot_color_layer_t *);
typedef hb_bool_t (*has_fn)(hb_face_t *);

static atomic_ulong reached;   /* faces asked here (color_glyphs_reached) */
static atomic_uint faces_gone; /* bumped when a face whose answers were kept goes */
static hb_user_data_key_t kept_key;

enum { HAS_LAYERS = 1, HAS_PNG = 2, HAS_SVG = 4 };

/* The last face asked on this thread, while no kept face has gone since. */
static _Thread_local struct {
	hb_face_t *face;
	unsigned gone;
	unsigned flags;
} last;

static void face_gone(void *data)
{
	(void)data;
	atomic_fetch_add_explicit(&faces_gone, 1, memory_order_relaxed);
}

static void *library(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

/* The three answers of face, asked of HarfBuzz (flags_of missed). */
static __attribute__((noinline)) unsigned flags_asked(hb_face_t *face, unsigned gone)
{
	atomic_fetch_add_explicit(&reached, 1, memory_order_relaxed);
	static _Atomic(has_fn) has_png_lib, has_svg_lib;
	if (!has_png_lib)
		has_png_lib = (has_fn)library("hb_ot_color_has_png");
	if (!has_svg_lib)
		has_svg_lib = (has_fn)library("hb_ot_color_has_svg");
	/* Not found (HarfBuzz is linked: cannot happen): every glyph is asked. */
	unsigned flags = HAS_LAYERS | HAS_PNG | HAS_SVG;
	if (has_png_lib && has_svg_lib) {
		flags = (hb_ot_color_has_layers(face) ? HAS_LAYERS : 0) | (has_png_lib(face) ? HAS_PNG : 0) |
			(has_svg_lib(face) ? HAS_SVG : 0);
		hb_face_set_user_data(face, &kept_key, &kept_key, face_gone, 0);
	}
	last.face = face;
	last.gone = gone;
	last.flags = flags;
	return flags;
}

/*
 * The three answers of face, kept on this thread: asked three times a
 * glyph, so the path that finds them is kept short. A face freed and
 * another made at the same address would otherwise inherit its answers:
 * the face carries user data whose destruction moves faces_gone on.
 */
static inline unsigned flags_of(hb_face_t *face)
{
	unsigned gone = atomic_load_explicit(&faces_gone, memory_order_relaxed);
	if (face == last.face && gone == last.gone)
		return last.flags;
	return flags_asked(face, gone);
}

unsigned int hb_ot_color_glyph_get_layers(hb_face_t *face, hb_codepoint_t glyph, unsigned int start_offset,
					  unsigned int *layer_count, hb_ot_color_layer_t *layers)
{
	if (!(flags_of(face) & HAS_LAYERS)) {
		if (layer_count)
			*layer_count = 0;
		return 0;
	}
	static _Atomic(get_layers_fn) lib;
	if (!lib)
		lib = (get_layers_fn)library("hb_ot_color_glyph_get_layers");
	return lib ? lib(face, glyph, start_offset, layer_count, layers) : 0;
}

hb_bool_t hb_ot_color_has_png(hb_face_t *face)
{
	return (flags_of(face) & HAS_PNG) != 0;
}

hb_bool_t hb_ot_color_has_svg(hb_face_t *face)
{
	return (flags_of(face) & HAS_SVG) != 0;
}

/* Lays out a word through a new font map: its face is asked here, or not. */
int color_glyphs_reached(void)
{
	static _Atomic int status = -1;
	if (status >= 0)
		return status;
	unsigned long before = atomic_load(&reached);
	pango_probe_word();
	status = atomic_load(&reached) > before;
	return status;
}
