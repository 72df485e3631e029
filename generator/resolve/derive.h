/*
 * Derived relations, never typed by hand: theme ↔ action (front matter and
 * body links), contact → actions, taxonomy pages, previous/next in each
 * series, related fiches, glossary usage and the chapter that includes
 * each fiche. Runs after xref_resolve_all (it uses the link edges).
 */
#ifndef FICHES_DERIVE_H
#define FICHES_DERIVE_H

#include "model.h"

void derive_all(struct site *s);

#endif
