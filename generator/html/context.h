/*
 * One page's template context: the jansson value a Mustache template sees.
 * Built from the model for one struct page; every URL in it is relative to
 * that page. Thread-safe (reads the model, builds a fresh value).
 */
#ifndef FICHES_CONTEXT_H
#define FICHES_CONTEXT_H

#include <jansson.h>

#include "model.h"
#include "pages.h"

/* Options that change what pages show. */
struct stage_size;
struct body_store;

struct context_options {
	int with_pdf;           /* link each fiche's PDF */
	const struct stage_size *pdf_sizes; /* the PDFs typeset, sorted by path, or NULL */
	size_t npdf_sizes;
	const char *build_id;   /* short hash of the build, for cache busting (service worker) */
	struct body_store *bodies; /* bodies rendered at their first pass (body_store.h), or NULL */
};

/*
 * Typesets once, before the pages are rendered, the labels that appear on
 * thousands of pages (taxa, contacts' names): each page then copies them.
 * Pages render without it too, typesetting them each time.
 */
void context_prepare(struct site *s);

/* The context for page p. Caller json_decref's it. */
json_t *context_for_page(const struct site *s, const struct page_plan *plan,
			 const struct page *p, const struct context_options *o);

/* The whole content model as data (site.json). Caller json_decref's it. */
json_t *context_site_json(const struct site *s);

#endif
