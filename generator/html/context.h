/*
 * One page's template context: the value a Mustache template sees
 * (mvalue.h), built from the model for one struct page; every URL in it is
 * relative to that page. Thread-safe: it reads the model, and what it
 * builds belongs to the page's context alone.
 */
#ifndef FICHES_CONTEXT_H
#define FICHES_CONTEXT_H

#include "buf.h"
#include "diag.h"
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

struct page_context;
struct mustache_set;

/*
 * The context for page p: s, plan, p and o must outlive it (its values
 * borrow the model's strings and read the model when rendered). Caller
 * frees with context_free.
 */
struct page_context *context_for_page(const struct site *s, const struct page_plan *plan,
				      const struct page *p, const struct context_options *o);

/*
 * What every page of a pass of the pages shares, made once before them:
 * the documents' cards (doc_cards.h) and the main menu's items as pages
 * show them (current or not), the same subjects on every page, so that
 * the menu's items are kept by directory like the cards. s and o must
 * outlive it. Read-only once made: threads rendering pages may share it.
 */
struct context_pass;
struct context_pass *context_pass_new(const struct site *s, const struct context_options *o);
void context_pass_free(struct context_pass *pass);

/*
 * The same as context_for_page, with what pass holds (which must outlive
 * the context) instead of making it for the page; NULL: made for the page.
 */
struct page_context *context_for_page_with(const struct site *s, const struct page_plan *plan,
					   const struct page *p, const struct context_options *o,
					   const struct context_pass *pass);

/* Renders template name of set with the page's context (mustache_render_value). */
int context_render(struct page_context *pc, const struct mustache_set *set,
		   const char *name, struct buf *out, struct diag *d);

/*
 * The same, writing again from cache (mustache_render_cached; NULL: none)
 * the lists' items rendered on earlier pages of the same directory, and
 * keeping there those it renders; threads rendering pages may share it.
 */
struct mustache_cache;
int context_render_cached(struct page_context *pc, const struct mustache_set *set,
			  const char *name, struct mustache_cache *cache, struct buf *out,
			  struct diag *d);

void context_free(struct page_context *pc);

#endif
