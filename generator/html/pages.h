/*
 * The page plan: every file of the website, its output path, its template
 * and the record it shows. Planning is cheap and single-threaded; the
 * pages are then rendered in parallel (context.c + mustache).
 */
#ifndef FICHES_PAGES_H
#define FICHES_PAGES_H

#include "model.h"

enum page_kind {
	PAGE_HOME, PAGE_DOC, PAGE_LIST_ACTIONS, PAGE_LIST_THEMES, PAGE_GUIDE_INDEX,
	PAGE_PAGES_INDEX, PAGE_CONTACTS, PAGE_CONTACT, PAGE_GLOSSARY, PAGE_BIBLIO,
	PAGE_TAXON, PAGE_TAXA_INDEX, PAGE_SEARCH, PAGE_NOT_FOUND,
	PAGE_LIST_KIND,        /* the list of a project's own kind (taxa_kind: the doc kind) */
	PAGE_WHAT_TO_DO        /* « Que faire si… »: emergency numbers and « Comment faire ? » */
};

struct page {
	enum page_kind kind;
	char *path;            /* output path, relative to the output root (owned) */
	const char *tmpl;      /* template name */
	const void *subject;   /* struct doc *, struct entry *, struct taxon *, or NULL */
	int taxa_kind;         /* PAGE_TAXA_INDEX / PAGE_TAXON: 0 logics, 1 publics, 2 territories;
				  PAGE_LIST_KIND: the enum doc_kind listed */
};

struct page_plan {
	struct page *pages;
	size_t n;
	int has_what_to_do;    /* the plan holds que-faire.html (every page links it) */
};

/*
 * The « Que faire si… » page exists when site.yaml lists emergency numbers or
 * a fiche thématique has a « Comment faire ? » section (this anchor).
 */
#define PAGES_WHAT_TO_DO_ANCHOR "comment-faire"
#define PAGES_WHAT_TO_DO_PATH "que-faire.html"

/* Plans every HTML page of the site. Caller frees with pages_free. */
struct page_plan pages_plan(const struct site *s);
void pages_free(struct page_plan *plan);

#endif
