/*
 * Leaflets: booklets folded from one sheet (booklet.h, enum book_fold).
 *
 * A dépliant is an A4 sheet printed on both sides in landscape and
 * roll-folded in three: six panels. The outside side holds, left to right,
 * the inner flap, the back panel and the cover; the inside side the three
 * inner panels in reading order. The flap folds in first, so it is 3 mm
 * narrower (97 mm, against 100 mm for the others) and the leaflet closes
 * flat. Printed duplex, the sheet turns over on its short edge.
 *
 * A plaquette is an A4 sheet folded in half: four A5 pages (cover, two
 * inside pages, back), published in reading order and imposed two-up on
 * one A4 sheet in fold order (impose.c).
 *
 * The content is the definition's `panels` list, in reading order: cover,
 * inside panels, then (dépliant) the inner flap, and the back panel. Each
 * panel is set with the booklets' typography (layout.c: same fonts,
 * hyphenation, French spacing, line breaking) and must fit: a panel whose
 * text is too long is an error at its line in the definition (« 6 lignes
 * de trop dans le volet 3 »), and no file is made.
 */
#ifndef FICHES_FOLD_H
#define FICHES_FOLD_H

#include <cairo.h>

#include "booklet.h"
#include "buf.h"
#include "diag.h"
#include "hyph.h"
#include "model.h"

/* Panels of each fold, in reading order. */
#define FOLD_DEPLIANT_PANELS 6
#define FOLD_PLAQUETTE_PANELS 4

/* One thing a panel shows, in the order the definition writes them. */
enum fold_item_kind {
	FOLD_TEXT,      /* Markdown text */
	FOLD_LOGICS,    /* the logiques d'action, each as a band of its colour (with its fiches-actions) */
	FOLD_ACTIONS,   /* fiches-actions by number and title, with their logique's colour */
	FOLD_THEMES,    /* fiches thématiques by number and title */
	FOLD_CONTACTS,  /* contacts: name, phone, e-mail */
	FOLD_URGENCES   /* the numbers to call of site.yaml's urgences */
};

struct fold_item {
	enum fold_item_kind kind;
	const char *text;       /* FOLD_TEXT: borrowed from the definition */
	int with_actions;       /* FOLD_LOGICS: each logique's fiches-actions under its band */
	struct ptrs refs;       /* FOLD_ACTIONS, FOLD_THEMES: struct doc *; FOLD_CONTACTS: struct entry * */
};

struct fold_panel {
	const char *title;      /* heading, or NULL (borrowed) */
	struct fold_item *items;
	size_t nitems;
	int line, col;          /* where the panel is written in the definition */
};

struct fold_def {
	struct fold_panel *panels;
	size_t npanels;
};

/*
 * Reads the `panels` of definition def for a leaflet of kind fold,
 * reporting every problem to d when d is set (unknown key, id or panel
 * count; `include` or a non-leaflet format given with `panels`). Returns
 * 0 when the panels can be typeset, -1 otherwise. Caller frees out with
 * fold_def_free in both cases.
 */
int fold_read(const struct site *s, const struct booklet *def, enum book_fold fold,
	      struct fold_def *out, struct diag *d);
void fold_def_free(struct fold_def *fd);

/* fold_read for `fiches check` and the build's check: reports only. */
void fold_check(const struct site *s, const struct booklet *def, enum book_fold fold,
		struct diag *d);

/* What typesetting a leaflet gives. */
struct fold_out {
	struct buf pdf;       /* reading order, tagged: the file for screens and duplex printing */
	struct buf print;     /* for the printer: imposed (plaquette) or with marks (dépliant) */
	struct buf error;     /* "LINE:COL:message" when a panel overflows; then pdf and print are empty */
	cairo_status_t failed;
};

/* The file name suffix of fold_out.print: "-imposee" or "-traits". */
const char *fold_print_suffix(const struct book *b);

/*
 * Typesets leaflet b (b->fold set, b->def its definition) into out, whose
 * buffers must be empty. family is the booklets' font, base_url the
 * site's address ending in '/' or NULL (then no QR code is printed).
 */
void fold_typeset(const struct site *s, const struct book *b, const struct hyph *h,
		  const char *family, const char *base_url, long long epoch, struct fold_out *out);

#endif
