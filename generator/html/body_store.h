/*
 * The texts rendered from the bodies during their first pass (bodies.h),
 * from the tree that pass parsed: the HTML each page shows, kept until the
 * page takes it, so that each body is parsed once per build instead of
 * twice; and the plain text of each section for the search index, written
 * as the body is typeset (html_render_body), so that it is typeset once.
 * A theme's « Comment faire ? » section, which « Que faire si… » shows,
 * is cut from the same tree, and each title and summary rendered once
 * for the lists (body_store_summarise). The render phase owns them; the
 * model holds no rendered text.
 *
 * A slot is filled by the thread that processed its document and taken by
 * the thread that renders its page, never both at once (the bodies' pass
 * ends before the pages start). A document that has no body here (processed
 * again elsewhere, as by `fiches serve`) is simply parsed again.
 */
#ifndef FICHES_BODY_STORE_H
#define FICHES_BODY_STORE_H

#include "bodies.h"
#include "html.h"
#include "model.h"

struct body_store;

/* A store with a slot for each document of s (its documents must not change until freed). */
struct body_store *body_store_new(const struct site *s);

/* The sink that fills it, for bodies_process. */
struct body_sink body_store_sink(struct body_store *st);

/*
 * A sink that renews the search texts only (serve's rebuilds, whose pages
 * parse their body again): a document's slot must exist.
 */
struct body_sink body_store_texts_sink(struct body_store *st);

/*
 * The search texts of doc's sections (char *, owned by the store): first
 * what comes before the first heading, then one per heading. NULL when st
 * is NULL or has no slot for doc; empty when doc has no page.
 */
const struct ptrs *body_store_texts(const struct body_store *st, const struct doc *doc);

/*
 * Moves doc's rendered body into *body and returns 1, or returns 0 when the
 * store has none for doc. Caller frees *body with html_body_free.
 */
int body_store_take(struct body_store *st, const struct doc *doc, struct html_body *body);

/*
 * Renders doc's title and summary as lists and links show them (on many
 * pages: once), into doc's slot; a summary holding a link depends on the
 * page and is not kept. Thread-safe for distinct documents.
 */
void body_store_summarise(struct body_store *st, const struct site *s, const struct doc *doc);

/*
 * doc's title with French typography, as HTML, its length in *len, or NULL
 * when not kept (st may be NULL).
 */
const char *body_store_title_html(const struct body_store *st, const struct doc *doc, size_t *len);

/* doc's summary as HTML, its length in *len, or NULL when not kept (then rendered for the page at hand). */
const char *body_store_summary_html(const struct body_store *st, const struct doc *doc,
				    size_t *len);

/*
 * Typeset by body_store_summarise too, so that the search index and the
 * pages need not typeset them again (borrowed, NULL when not kept: st
 * NULL, or doc not summarised): typo_plain of doc's title, of its summary
 * (NULL when it has none or an empty one) and of the text of its heading
 * i (doc->headings[i]).
 */
const char *body_store_title_plain(const struct body_store *st, const struct doc *doc);
const char *body_store_summary_plain(const struct body_store *st, const struct doc *doc);
const char *body_store_heading_plain(const struct body_store *st, const struct doc *doc, size_t i);

/*
 * The text of doc's heading i as html_typo_breakable writes it, its length
 * in *len, for the table of contents: level-2 headings only, NULL for the
 * others and when not kept.
 */
const char *body_store_heading_html(const struct body_store *st, const struct doc *doc, size_t i,
				    size_t *len);

/*
 * Moves into *part a theme's « Comment faire ? » section as « Que faire
 * si… » shows it (html_what_to_do; NULL when the body has none) and
 * returns 1, or returns 0 when the store has none for doc (st may be NULL).
 * Caller frees *part.
 */
int body_store_take_what_to_do(struct body_store *st, const struct doc *doc, char **part);

/*
 * From now on, keep() lets go of each document's source as soon as it has
 * kept its page's HTML (doc_release_source: doc->body and doc->marks NULL),
 * so that the source's memory serves the HTML of the documents after it.
 * Set before bodies_process, only when nothing else of the build will read
 * the bodies (no booklets, no later rebuild) and the checks that quote them
 * run inside the pass (build.c checks each document's sections before keep).
 */
void body_store_release_as_kept(struct body_store *st);

/*
 * The search texts are read once (a build that is not kept, as serve's
 * is): body_store_texts_read then lets a document's go, so that they are
 * not all held while the index's files are made.
 */
void body_store_texts_once(struct body_store *st);

/* The index is done with doc's search texts (its thread only reads doc's). */
void body_store_texts_read(struct body_store *st, const struct doc *doc);

/* Lets go of the HTML not taken (pages rendered later parse their body again); the texts stay. */
void body_store_release_bodies(struct body_store *st);

void body_store_free(struct body_store *st);

#endif
