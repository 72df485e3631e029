/*
 * Shared by the typesetter's files; the rest of the program uses layout.h.
 *
 *   layout.c           the typesetter's life (lay_new, lay_free), its entry
 *                      points (lay_part, lay_markdown, lay_toc_entry…) and
 *                      the flow of blocks (lay_new_blk, flow_free)
 *   layout_text.c      the text builder (struct tb) and Pango layouts made
 *                      from it, through layout_cache.c for body paragraphs
 *   layout_inline.c    Markdown inlines into a text builder, links and the
 *                      page references they print on paper
 *   layout_block.c     Markdown blocks into blocks: paragraphs, headings,
 *                      lists, code, tables, figures
 *   layout_doc.c       a document's furniture: band, summary, details,
 *                      footnotes, contacts, its web address
 *   layout_appendix.c  the appendices: sigles, contacts, bibliography
 */
#ifndef FICHES_LAYOUT_INTERNAL_H
#define FICHES_LAYOUT_INTERNAL_H

#include "buf.h"
#include "layout.h"
#include "layout_cache.h"
#include "typo.h"

#include <cmark-gfm.h>
#include <jansson.h>

/* A size of the type scale, and a space in lines of body text (style.h). */
#define SIZE(name) (L->o.body_size * L->o.style->name)
#define GAP(name) (L->pitch * L->o.style->name)

struct lay {
	const struct site *s;
	const struct book *b;
	const struct hyph *h;
	struct lay_options o;
	PangoFontMap *map;
	PangoContext *ctx;
	PangoFontDescription *font;

	/*
	 * Paragraph layouts already shaped, by text, attributes and settings:
	 * the passes after the first lay out again the parts that print page
	 * numbers, and all but the few paragraphs holding a « p. N » come out
	 * the same. Shaping is most of the cost of a booklet.
	 */
	struct layout_cache *shaped;

	/* Per document being laid out. */
	const struct doc *doc;
	size_t heading;         /* index into doc->headings */
	int tag_level;          /* level of the last heading tagged (the band is 1) */
	size_t nnotes;          /* footnotes called so far in the document */
	double pitch;           /* distance between two lines of body text */
	unsigned page_refs;     /* page numbers asked so far (see lay_part) */
};

/* The text of one layout being built. */
struct tb {
	struct buf text;
	PangoAttrList *attrs;
	struct lay_link *links;
	size_t nlinks;
	struct typo_state typo;
	int hyphenate;
	int italic_base;        /* quotations: emphasis sets roman */
	int in_link;
	/*
	 * What a link adds for paper (« , p. 44 », « (voir fiche-action 6,
	 * p. 14) », a web address) waits here until the closing quotation
	 * mark that follows the link is written: « Santal » (voir …), not
	 * « Santal (voir …) ».
	 */
	char *pending;
	char *pending_uri, *pending_dest;
	/* Footnote calls: byte offset and number. */
	struct {
		int offset, number;
	} *calls;
	size_t ncalls;
};

/* Where a block sits: list nesting, quotation. */
struct where {
	double indent;
	int quote;
	int list_depth;
	int tight;
	PangoLayout *marker;    /* to hang on the next paragraph (first of a list item) */
};

/* layout.c */
struct blk *lay_new_blk(struct flow *f, enum blk_kind kind);

/* layout_text.c: the text builder */
void tb_init(struct tb *t, int hyphenate);
void tb_free(struct tb *t);
/* Sets attribute a over the text from start to the end so far. */
void tb_attr(struct tb *t, PangoAttribute *a, size_t start);
/* Text with French typography (and hyphenation points when t hyphenates). */
void tb_put_text(struct lay *L, struct tb *t, const char *s, size_t n);
/* Text as it is. */
void tb_put_raw(struct tb *t, const char *s);
void tb_add_link(struct tb *t, size_t start, const char *uri, const char *dest);
void tb_flush_pending(struct tb *t);
/* Keeps text (taken) to write after the closing quotation marks that follow. */
void tb_set_pending(struct tb *t, char *text, const char *uri, const char *dest);
void tb_take_links(struct tb *t, struct lay_link **links, size_t *n);
PangoLayout *lay_make_layout(struct lay *L, struct tb *t, double size, int bold, int italic,
			     double width, int justify, PangoAlignment align);
PangoLayout *lay_shaped_layout(struct lay *L, struct tb *t, double size, int bold, int italic,
			       double width, int justify);

/* layout_inline.c */
void lay_inlines(struct lay *L, struct tb *t, cmark_node *node);

/* layout_block.c */
struct blk *lay_text_blk(struct lay *L, struct flow *f, struct tb *t, const struct where *w,
			 double size, int bold, int italic, int justify);
void lay_blocks(struct lay *L, struct flow *f, cmark_node *node, struct where *w);
const char *lay_heading_tag(struct lay *L, int level);

/* layout_doc.c */
void lay_band(struct lay *L, struct flow *f, const struct doc *doc, const char *kicker,
	      const char *title, const char *dest, int small);
void lay_document(struct lay *L, struct flow *f, const struct doc *doc);

/* layout_appendix.c */
void lay_contact_entry(struct lay *L, struct flow *f, const struct entry *e, int with_dest);
void lay_glossary(struct lay *L, struct flow *f);
void lay_contacts(struct lay *L, struct flow *f);
void lay_bibliography(struct lay *L, struct flow *f);

#endif
