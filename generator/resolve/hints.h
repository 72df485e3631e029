/*
 * Unknown ids, reported once with a hint a coordinator can act on.
 *
 * The hint, in order of what is most likely: the id's file exists but is
 * not read (saved as ".MD"); the last build (public/site.json) had the id
 * and another fiche now has its title (renumbered, or renamed without
 * 'slug:'); a fiche's title gives the id (file renamed); a close id (did
 * you mean); else every valid id when there are at most ten, or the
 * closest ones. Every reference to the same unknown id is folded into one
 * error (« and N other references to it »).
 */
#ifndef FICHES_HINTS_H
#define FICHES_HINTS_H

#include "buf.h"
#include "diag.h"
#include "model.h"

/* Ids listed in full up to this many; beyond, the closest only. */
#define HINTS_MAX_LISTED 10

/*
 * Appends to msg the hint for id, unknown among known[0..n). s may be
 * NULL (no history, no files); doc_kind is a DOC_* when the id names a
 * document, else -1.
 */
void hints_append(struct buf *msg, const struct site *s, int doc_kind, const char *id,
		  const char *const *known, size_t n);

/*
 * Reports "unknown WHAT 'ID'" and its hint as an error at path:line:col,
 * folded with every other report of the same unknown id.
 */
void hints_report_unknown(struct diag *d, const struct site *s, int doc_kind, const char *what,
			  const char *path, int line, int col, const char *id,
			  const char *const *known, size_t n);

#endif
