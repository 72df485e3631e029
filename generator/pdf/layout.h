/*
 * Markdown trees and data entries → a flow of typeset blocks (Pango
 * layouts, tables, images, fiche bands) ready to be cut into pages. The
 * flow knows nothing of pages except through page_of, which tells the page
 * a destination starts on (0 while unknown) so that cross-references can
 * print « voir fiche-action 6, p. 14 ».
 *
 * A struct lay belongs to one thread (it owns a PangoContext).
 */
#ifndef FICHES_LAYOUT_H
#define FICHES_LAYOUT_H

#include <cairo.h>
#include <pango/pangocairo.h>

#include "booklet.h"
#include "hyph.h"
#include "model.h"
#include "style.h"

/* A link over text[start, end) of a layout: to uri, or to a destination of the PDF. */
struct lay_link {
	int start, end;      /* byte offsets in the layout's text */
	char *uri;           /* external (http, mailto…), or NULL */
	char *dest;          /* internal destination name, or NULL */
};

struct lay_cell {
	PangoLayout *layout;
	struct lay_link *links;
	size_t nlinks;
};

/* A footnote call in a text block. */
struct blk_call {
	int line;               /* the line it is on */
	int number;             /* the note's number in its document */
	size_t note;            /* the note's block is this many blocks after the call's, or 0 */
};

struct lay_row {
	struct lay_cell *cells;  /* ncols of them */
	double h;                /* height with padding */
	int header;              /* repeated at the top of each page the table spans */
};

enum blk_kind {
	BLK_TEXT,    /* a paragraph, heading, list item, quotation, code block */
	BLK_TABLE,   /* a GFM table, cut between rows */
	BLK_IMAGE,   /* a PNG image */
	BLK_RULE,    /* a thematic break */
	BLK_BAND,    /* a document's coloured title band */
	BLK_TOC      /* a sommaire entry: title, dot leaders, page number */
};

struct blk {
	enum blk_kind kind;
	const char *tag;        /* structure tag: "P", "H1", "H2", "H3", "LI", "Code", "Note"… */
	double indent;          /* from the text frame's left edge */
	double width;           /* text width */
	double before, after;   /* space above and below */
	int keep_next;          /* stays on the page of what follows (headings) */
	int page_break;         /* starts a new page */
	int quote;              /* a rule in the margin (quotations) */
	int atomic;             /* never cut across pages */

	/* BLK_TEXT, BLK_TOC, BLK_BAND (title) */
	PangoLayout *layout;
	PangoLayout *marker;    /* list bullet or number, hung left of indent */
	struct lay_link *links;
	size_t nlinks;
	int nlines;
	double *line_top;       /* nlines + 1 offsets: top of each line, then the bottom */
	double *baseline;       /* nlines baselines, from the layout's top */
	unsigned char *hyphen;  /* nlines flags: the line ends with a hyphen (a word cut there) */

	/* Footnotes called from this text: each is set at the foot of the page of its line. */
	struct blk_call *calls;
	size_t ncalls;
	int footnote;           /* a footnote: placed with its call, not in the stream */

	/* BLK_TABLE */
	struct lay_row *rows;
	size_t nrows, ncols;
	double *colw;
	int *align;             /* per column: 0 left, 1 centre, 2 right */

	/* BLK_IMAGE */
	cairo_surface_t *image;
	char *alt;
	int orientation;        /* EXIF orientation of image (image.h), applied when drawn */

	/* BLK_BAND */
	const struct doc *doc;  /* the document it opens, or NULL (appendix) */
	double rgb[3];
	PangoLayout *kicker;    /* « FICHE-ACTION 6 · Mobilisation des habitants » */
	char *qr_url;           /* web page of the fiche, or NULL */
	int small;              /* summaries: a coloured title line, no new page */
	char *running;          /* running head from this band on */

	/* BLK_TOC */
	char *toc_dest;
	int toc_depth;          /* depth in the sommaire's tree: TOC elements nest by it */
	PangoLayout *toc_number;/* filled at drawing time */

	double h;               /* height (non-text blocks; text: line_top[nlines]) */

	/* Navigation */
	char *dest;             /* destination named at the block's top, or NULL */
	int outline;            /* 1 document (band), 2.. a heading of that Markdown level, 0 none */
	char *outline_title;
};

struct flow {
	struct blk *v;
	size_t n, cap;
};

/* Page where destination name starts, or 0 when not (yet) known. */
typedef int (*lay_page_fn)(void *ctx, const char *dest);

struct lay_options {
	const char *family;     /* font family with regular, italic and bold */
	double width;           /* text frame width */
	double body_size;       /* body text size in points */
	const struct style *style; /* type scale and spacing */
	const char *base_url;   /* web address of the site ending in '/', or NULL */
	lay_page_fn page_of;
	void *page_ctx;
};

/* A typesetter for book b (borrowed, as site, hyphenator and options). Caller frees. */
struct lay *lay_new(const struct site *s, const struct book *b, const struct hyph *h,
		    const struct lay_options *o);
void lay_free(struct lay *L);
PangoContext *lay_context(struct lay *L);

/* Appends the blocks of the whole booklet (documents and appendices). */
void lay_book(struct lay *L, struct flow *out);

/*
 * Lays out part i of the booklet only, appending to out. Returns 1 when its
 * text printed page numbers of the booklet (« voir …, p. N »): only such
 * parts need laying out again once the numbers are known.
 */
int lay_part(struct lay *L, struct flow *out, size_t i);

/*
 * Lays out Markdown text that belongs to no document (a leaflet's panel),
 * appending its blocks to out; headings are tagged from H2 (the panel's
 * title is its H1).
 */
void lay_markdown(struct lay *L, struct flow *out, const char *md);

/* A paragraph of plain text with the typography of the booklets (hyphenated). */
struct blk *lay_para(struct lay *L, struct flow *out, const char *text, double size, int bold,
		     int italic, double indent, int justify);

/* Distance between two lines of body text. */
double lay_pitch(const struct lay *L);

/* Moves blocks [from, to) of src to the end of dst; src keeps empty blocks. */
void flow_move(struct flow *dst, struct flow *src, size_t from, size_t to);

/*
 * One sommaire entry pointing to dest, indented by its depth in the tree;
 * kind 0 a part (bold, kept with the next entry), 1 a document, 2 a section
 * (a size smaller): the values of enum toc_kind (toc.h).
 */
void lay_toc_entry(struct lay *L, struct flow *out, int depth, int kind, const char *title,
		   const char *kicker, const char *dest);

/* A plain layout of UTF-8 text with French typography, for covers and running heads. */
PangoLayout *lay_text(struct lay *L, const char *text, double size, int bold, int italic,
		      double width, PangoAlignment align);

/* Destination name of a document, or of one of its sections when anchor is set. Caller frees. */
char *lay_doc_dest(const struct doc *d, const char *anchor);

/* A colour the content writes #rrggbb, or fallback when it writes none (or another form). */
void lay_colour(const char *hex, double rgb[3], const double fallback[3]);

/* The string under key in an entry's data (contacts, glossary…), or NULL. */
const char *lay_data_str(const json_t *data, const char *key);

/* Computes line metrics of a text block (called by lay_* for every block). */
void lay_measure(struct blk *b);

void flow_free(struct flow *f);

#endif
