/*
 * Machine-readable outputs: site.json (the whole content model as data,
 * for other tools) and sitemap.xml (when base_url is set).
 */
#ifndef FICHES_SITEMAP_H
#define FICHES_SITEMAP_H

#include "buf.h"
#include "model.h"
#include "pages.h"

/* site.json, deterministic (sorted keys, fixed order of records). Appends to out. */
void sitemap_site_json(const struct site *s, struct buf *out);

/* sitemap.xml listing every page of the plan; nothing when base_url is unset. */
void sitemap_xml(const struct site *s, const struct page_plan *plan, struct buf *out);

#endif
