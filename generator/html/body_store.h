/*
 * The bodies a build's pages show, rendered during the bodies' first pass
 * (bodies.h) from the tree that pass parsed, and kept until each fiche's
 * page takes its own: each body is parsed once per build instead of twice.
 * The HTML output owns it; the model holds no rendered body.
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
 * Moves doc's rendered body into *body and returns 1, or returns 0 when the
 * store has none for doc. Caller frees *body with html_body_free.
 */
int body_store_take(struct body_store *st, const struct doc *doc, struct html_body *body);

/*
 * Lets go of the Markdown of each document whose page's HTML is kept
 * (doc->body NULL), so that the kept HTML does not come on top of it
 * during the render, except where another page parses it again (a fiche
 * thématique's « Comment faire ? » section). Only when nothing else of the
 * build will read the bodies (no booklets, no later rebuild) and every
 * check that quotes them is done.
 */
void body_store_release_sources(const struct body_store *st, struct site *s);

void body_store_free(struct body_store *st);

#endif
