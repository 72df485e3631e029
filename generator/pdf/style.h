/*
 * The booklets' page and type: page size and margins, the type scale and
 * the vertical spacing, set down in one place for each format, so that
 * layout.c and pdf.c never carry a size of their own (and the plaquette
 * can bring a style of its own).
 *
 * The measure is what fixes the rest: a comfortable line holds 60 to 75
 * characters. In Carlito a French line averages 0.416 em per character,
 * so a 68-character line is 28 em: 310 pt at 11 pt (A4), 283 pt at 10 pt
 * (A5). A4 gets one column with wide margins rather than two columns:
 * two columns of 60 characters would need 9.5 pt type and narrow margins,
 * and would cut tables, bands and lists at the gutter; one wide margin
 * also leaves room for the reader's notes.
 */
#ifndef FICHES_STYLE_H
#define FICHES_STYLE_H

/* Page size and text frame, in points (1/72 inch). */
struct page_geom {
	double w, h;
	double left, right, top, bottom;   /* margins */
	double body_size;
};

struct style {
	struct page_geom page;
	double leading;      /* Pango line-spacing factor of running text */

	/* Type scale: sizes as multiples of the body size. */
	double h1, h2, h3, h4;        /* headings in the text */
	double band, band_small;      /* a document's title in its band */
	double kicker;                /* « FICHE-ACTION 6 · … » above a title */
	double summary;               /* a fiche's summary, italic */
	double meta;                  /* porteur, publics, territoires */
	double quote;                 /* quotations */
	double table;                 /* table cells */
	double code;                  /* code blocks */
	double note;                  /* footnotes */
	double contact;               /* contacts, sigles, bibliography */
	double furniture;             /* running heads and page numbers */
	double toc_title;             /* « Sommaire » */

	/* Vertical space, in lines of body text (multiples of its pitch). */
	double para;                  /* between paragraphs */
	double item, item_loose;      /* between items of a tight, a loose list */
	double list_end;              /* after a list */
	double block;                 /* around quotations, code, tables, figures */
	double h_before[4], h_after;  /* around headings of level 1..4 */
	double entry;                 /* between contacts, sigles, references */
	double toc_entry;             /* between sommaire entries */

	double list_indent;           /* points: each list level */
	double quote_indent;          /* points: quotations */
};

/* The style of A5 (a5 = 1) or A4 booklets. */
const struct style *style_get(int a5);

/*
 * base set a little tighter, for a fiche alone that spills a few lines
 * onto a second page: step 1 closes the leading and the spaces between
 * blocks, step 2 also takes half a point off the body size. Within the
 * limits of comfortable reading (leading 1.14, 10.5 pt in A4, a measure
 * still under 75 characters).
 */
void style_tighten(const struct style *base, int step, struct style *out);
#define STYLE_TIGHTEN_STEPS 2

#endif
