/*
 * Booklet contents: what goes into each PDF, in order. A booklet is a
 * list of parts (documents and appendices) with a title and a format; it
 * comes from a content/booklets/NAME.yaml definition, from the automatic
 * set (each fiche, all actions, all themes, the complete guide) or from a
 * `fiches booklet` selection. Documents are borrowed from the site.
 */
#ifndef FICHES_BOOKLET_H
#define FICHES_BOOKLET_H

#include "diag.h"
#include "model.h"
#include "pdf.h"

enum part_kind {
	PART_DOC,       /* a fiche, guide chapter or page */
	PART_GLOSSARY,  /* appendix: the sigles the booklet's documents use */
	PART_CONTACTS,  /* appendix: the contacts of its fiches */
	PART_BIBLIO     /* appendix: the bibliography */
};

struct part {
	enum part_kind kind;
	struct doc *doc;   /* PART_DOC: borrowed */
};

/* Booklets folded from one sheet rather than bound (fold.h). */
enum book_fold {
	FOLD_NONE,
	FOLD_DEPLIANT,   /* A4 landscape, both sides, roll-folded in three: six panels */
	FOLD_PLAQUETTE   /* A4 folded in half: four A5 pages, printed two-up */
};

struct book {
	char *name;        /* output base name: "guide-complet", "action-6-slug" */
	char *title;       /* cover title */
	char *subtitle;    /* or NULL */
	int a5;            /* A5 pages (else A4) */
	int impose;        /* also publish NAME-imposee.pdf */
	int summaries;     /* each fiche reduced to its summary */
	int single;        /* one fiche alone: no cover, sommaire or back cover */
	/*
	 * Depth of the sommaire and of the bookmarks: 1 the documents (under
	 * their parts), 2 also their sections (« ## ») and the fiches a chapter
	 * includes, 3 one level more. 0: not said, booklet_toc_depth decides.
	 */
	int toc_depth;
	enum book_fold fold; /* a leaflet: its content is def's `panels`, not parts */
	const struct booklet *def; /* its content/booklets/ definition (borrowed), or NULL */
	struct part *parts;
	size_t nparts, cap;
};

/*
 * Every booklet of the site in output order: each fiche, the automatic
 * booklets, the defined ones (a definition replaces the automatic booklet
 * of its name). Definitions are assumed checked (booklet_check); bad
 * items are skipped. Caller frees with booklet_free_all.
 */
struct book *booklet_site(const struct site *s, size_t *n);
void booklet_free_all(struct book *v, size_t n);
void booklet_free(struct book *b);

/* Reports every problem of content/booklets/NAME.yaml to d. */
void booklet_check(const struct site *s, struct diag *d);

/*
 * The booklet of a `fiches booklet` selection. Returns it (caller frees
 * with booklet_free and then free), or NULL after reporting to d an
 * unknown name or id, or an empty selection.
 */
struct book *booklet_adhoc(const struct site *s, const struct pdf_adhoc *sel, struct diag *d);

/* The sommaire depth of b: its own, else 2 when it holds guide chapters, else 1. */
int booklet_toc_depth(const struct book *b);

/* The largest `sommaire:` a definition may ask. */
#define BOOKLET_TOC_MAX 3

/* Index of doc in b's parts, or -1. */
long booklet_find(const struct book *b, const struct doc *doc);

#endif
