/*
 * The booklet's table of contents, one list for the sommaire and the
 * bookmarks (PDF outline), so that both always show the same tree: the
 * guide's parts (« Première partie : … »), the documents, the fiches a
 * chapter includes, their sections, down to the depth the booklet asks
 * (booklet `sommaire:`, booklet_toc_depth).
 */
#ifndef FICHES_TOC_H
#define FICHES_TOC_H

#include "booklet.h"
#include "layout.h"

enum toc_kind {
	TOC_PART,      /* a part of the guide: points to its first chapter */
	TOC_DOC,       /* a document or an appendix */
	TOC_SECTION    /* a heading of a document */
};

struct toc_item {
	enum toc_kind kind;
	int depth;          /* in the tree: 0 at the top, a child one more than its parent */
	char *title;        /* typographed text */
	char *kicker;       /* « Fiche-action 6 », or NULL */
	char *dest;         /* destination (a later pass frees the flow's copy) */
};

struct toc {
	struct toc_item *v;
	size_t n, cap;
};

/*
 * The entries of the booklet b laid out in body, down to level max_level
 * (1 documents, 2 sections and included fiches, …). Caller frees.
 */
void toc_collect(const struct flow *body, const struct book *b, int max_level, struct toc *out);
void toc_free(struct toc *t);

/* « Fiche-action 6 · Titre », or the title: the text of a bookmark. Caller frees. */
char *toc_label(const struct toc_item *it);

#endif
