/*
 * What `fiches --version` says of the two places where fiches takes a
 * library function's place (see replacements.c).
 */
#ifndef FICHES_REPLACEMENTS_H
#define FICHES_REPLACEMENTS_H

#include <stdio.h>

/* The libraries' versions and whether each replacement is in effect. */
void replacements_print(FILE *out);

/* The lines about the PDF stack (replacements_pdf.c, in fiches-pdf.so). */
void replacements_pdf_print(FILE *out);

#endif
