/*
 * Keeps cmark-gfm's extension special characters switched on, so documents
 * can be parsed on several threads at once; see cmark_special.c.
 */
#ifndef FICHES_CMARK_SPECIAL_H
#define FICHES_CMARK_SPECIAL_H

/*
 * 1 when the library's calls reach fiches' definition (it then found the
 * library's own to forward to); 0 when they do not, and parsing must not
 * run on more than one thread.
 */
int cmark_special_interposed(void);

#endif
