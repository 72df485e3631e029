/*
 * `fiches new action|theme "Titre"`: scaffolds the next fiche of a series
 * with valid front matter and the sections site.yaml requires, so a
 * coordinator starts from a file that builds.
 */
#ifndef FICHES_NEW_H
#define FICHES_NEW_H

#include "diag.h"

/*
 * The texts a new fiche starts with, for the coordinator to replace. The
 * checks (resolve/lint.c) recognise them, so a fiche published with them
 * left in gets a warning.
 */
#define NEW_SUMMARY_PLACEHOLDER "Une ou deux phrases qui disent l’essentiel de la fiche."
#define NEW_SECTION_PLACEHOLDER "À compléter."

/*
 * Creates root/content/<actions|themes>/NN-slug.md for title. Never
 * overwrites. Prints the created path on stdout. Returns an exit status
 * (0, 1 content problem such as an unreadable site.yaml, 2 bad kind, 3 I/O).
 */
int new_fiche(const char *root, const char *kind, const char *title, struct diag *d);

/* new_fiche without printing: *created is the new file's path (caller frees), or NULL. */
int new_fiche_create(const char *root, const char *kind, const char *title, struct diag *d,
		     char **created);

#endif
