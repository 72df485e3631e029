/*
 * The number of pages of a PDF the program wrote, read from the file
 * itself (the page tree's /Count), for the workshop's booklets page: no
 * poppler at run time. Cairo writes the page tree uncompressed.
 */
#ifndef FICHES_PDF_PAGES_H
#define FICHES_PDF_PAGES_H

#include <stddef.h>

/* Pages of the PDF held in d[0..n), or -1 when no page tree can be read. */
long pdf_pages_count(const char *d, size_t n);

/* pdf_pages_count of a file; -1 as well when it cannot be read. *size: its bytes (or 0). */
long pdf_pages_file(const char *path, size_t *size);

#endif
