/*
 * `fiches init DIR`: writes a new project that builds at once: a commented
 * content/site.yaml, one example of each kind of document (a fiche-action,
 * a fiche thématique, a guide chapter, a page), the data files (contacts,
 * glossary, bibliography) and a booklet, all in French. The files are the
 * source tree's skeleton/, built into the program (embedded.h); the
 * templates come from the program too, so the project has no templates/.
 */
#ifndef FICHES_INIT_H
#define FICHES_INIT_H

#include <stdio.h>

#include "diag.h"

/*
 * Writes the project into dir, which must not exist yet or be an empty
 * directory (its parents are created when missing). Never overwrites: a
 * non-empty dir is refused and nothing is written; when writing fails half
 * way, what was created is removed again. On success, prints on out what
 * was created and what to do next. Returns an exit status: 0, 1 refused
 * (dir not empty, or not a directory), 3 I/O failure; problems go to d.
 */
int init_project(const char *dir, struct diag *d, FILE *out);

#endif
