/*
 * Cairo's page content streams written stored (deflate level 0), since
 * pdf_post.c inflates and deflates them again (content_deflate.c).
 */
#ifndef FICHES_CONTENT_DEFLATE_H
#define FICHES_CONTENT_DEFLATE_H

#include <zlib.h>

/* While on, on this thread, zlib streams begun are stored, not deflated. */
void content_deflate_stored(int on);

/* 1 when Cairo's calls reach content_deflate.c (proved by a page written). */
int content_deflate_reached(void);

#endif
