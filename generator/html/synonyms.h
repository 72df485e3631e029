/*
 * The search's synonyms, content/recherche.yaml (optional): the words
 * habitants type that the texts do not use (« shit », « flic », « maman »),
 * each with the words of the site to search instead:
 *
 *   synonymes:
 *     shit: cannabis
 *     maman: [parents, mère]
 *     deal: trafic de drogue        (a phrase: sections holding all its words)
 *
 * Read at build time, checked with file:line:col diagnostics, and shipped
 * in the search index (see search.c), where search.js applies them to
 * each query word.
 */
#ifndef FICHES_SYNONYMS_H
#define FICHES_SYNONYMS_H

#include <stddef.h>

#include "diag.h"
#include "model.h"

#define SYNONYMS_FILE "recherche.yaml"

struct synonym {
	char *word;             /* one word, as written */
	struct ptrs targets;    /* char * (owned): words or phrases of the site */
};

struct synonyms {
	struct synonym *v;
	size_t n;
};

/*
 * Loads content/recherche.yaml of s. Returns NULL when the file is absent;
 * on a mistake, reports it and leaves the entry (or the whole file, when
 * its shape is wrong) out. Caller synonyms_free's the result.
 */
struct synonyms *synonyms_load(const struct site *s, struct diag *d);

void synonyms_free(struct synonyms *syn);

#endif
