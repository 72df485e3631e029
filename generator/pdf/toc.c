/*
 * The booklet's table of contents; see toc.h.
 *
 * One walk over the laid-out blocks: a band opens a document (and, when
 * the document starts a new part of the guide, the part first); a heading
 * with a destination is a section of the current document. A fiche that a
 * chapter before it includes (« Les actions… » brings the fiches-actions)
 * sits one level below that chapter. Depths never jump by more than one,
 * so the outline is a tree even when a « ### » follows a title directly.
 */
#include "toc.h"
#include "typo.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Adds an entry; title is typographed already (the flow's outline titles are). */
static void add(struct toc *t, enum toc_kind kind, int depth, const char *title,
		char *kicker, const char *dest)
{
	/* A child is one level below its parent, never more. */
	int most = t->n ? t->v[t->n - 1].depth + 1 : 0;
	if (depth > most)
		depth = most;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 32;
		t->v = xrealloc(t->v, t->cap * sizeof *t->v);
	}
	t->v[t->n++] = (struct toc_item){kind, depth, xstrdup(title), kicker, xstrdup(dest)};
}

/* 1 when a document placed before doc in b includes it. */
static int included(const struct book *b, const struct doc *doc)
{
	for (size_t i = 0; i < b->nparts; i++) {
		const struct doc *d = b->parts[i].doc;
		if (d == doc)
			return 0;
		if (d && ptrs_contains(&d->includes, doc))
			return 1;
	}
	return 0;
}

void toc_collect(const struct flow *body, const struct book *b, int max_level, struct toc *out)
{
	memset(out, 0, sizeof *out);
	const char *part = NULL;
	int have_doc = 0, doc_level = 1, doc_depth = 0, last_depth = -1;
	for (size_t i = 0; i < body->n; i++) {
		const struct blk *k = &body->v[i];
		if (!k->dest || !k->outline_title)
			continue;
		if (k->kind == BLK_BAND) {
			const struct doc *doc = k->doc;
			int inner = doc && included(b, doc);
			if (!inner) {
				const char *p = doc ? doc->part : NULL;
				if (p && (!part || strcmp(p, part) != 0)) {
					/* Front matter text: it gets the typography of the pages. */
					char *t = typo_plain(p, strlen(p));
					add(out, TOC_PART, 0, t, NULL, k->dest);
					free(t);
				}
				part = p;
			}
			doc_level = 1 + inner;
			doc_depth = (part ? 1 : 0) + inner;
			have_doc = 1;
			if (doc_level > max_level)
				continue;
			char *kicker = doc && doc->desc->list == LIST_NUMBERED ?
				       xasprintf("%s %d", doc->desc->label, doc->number) : NULL;
			add(out, TOC_DOC, doc_depth, k->outline_title, kicker, k->dest);
			last_depth = doc_depth;
		} else if (have_doc && k->outline >= 2) {
			int level = doc_level + k->outline - 1;
			int depth = doc_depth + k->outline - 1;
			if (level > max_level || last_depth < doc_depth)
				continue;
			if (depth > last_depth + 1)
				depth = last_depth + 1;
			add(out, TOC_SECTION, depth, k->outline_title, NULL, k->dest);
			last_depth = depth;
		}
	}
}

void toc_free(struct toc *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].title);
		free(t->v[i].kicker);
		free(t->v[i].dest);
	}
	free(t->v);
	memset(t, 0, sizeof *t);
}

char *toc_label(const struct toc_item *it)
{
	return it->kicker ? xasprintf("%s · %s", it->kicker, it->title) : xstrdup(it->title);
}
