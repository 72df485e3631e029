/*
 * Allocation wrappers: every allocation in fiches goes through these.
 * Out of memory is not an error the program can recover from, so the
 * wrappers print a message and abort (as cmark and sblg do); callers never
 * check for NULL.
 */
#ifndef FICHES_XALLOC_H
#define FICHES_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Caller frees. */
char *xstrdup(const char *s);
/* Copy of the first n bytes plus a NUL. Caller frees. */
char *xstrndup(const char *s, size_t n);
/*
 * Reports out of memory and aborts: for a library constructor that
 * returned NULL because it could not allocate.
 */
void xalloc_failed(void) __attribute__((noreturn));
/* printf into a new string. Caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
