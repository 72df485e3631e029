/*
 * Whether a path is a page of the site: what lint_relative_link asks of
 * every relative link that leads to no file of content/. It made the
 * whole page plan (pages_plan) and compared every page's path for each
 * such link, so the cost grew as links × pages (issue 16: no path may
 * grow faster than the corpus). The plan's paths are hashed once per site
 * instead, on the first question, and kept in the site (site_free frees
 * them).
 *
 * The « Que faire si… » page comes and goes with a theme's « Comment
 * faire ? » section, which other threads are parsing while the bodies
 * are checked and which an incremental update of one document may change
 * (incremental.c keeps the site; a change of any other page, a document's
 * path or a data file, rebuilds it): lint defers the links to it to
 * xref_check_anchors, once every heading is known, which asks for that
 * one path once; it is answered from a fresh plan each time, so the
 * answer is always the plan's of now.
 */
#ifndef FICHES_SITE_PAGES_H
#define FICHES_SITE_PAGES_H

#include "model.h"

struct site_pages;

/* 1 when the site's page plan has path (relative to the output root). Thread-safe. */
int site_pages_has(const struct site *s, const char *path);
void site_pages_free(struct site_pages *p);

#endif
