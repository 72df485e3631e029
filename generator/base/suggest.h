/*
 * "Did you mean" suggestions: the candidate closest to a mistyped id by
 * edit distance, when it is close enough to be a plausible typo.
 */
#ifndef FICHES_SUGGEST_H
#define FICHES_SUGGEST_H

#include <stddef.h>

/* Levenshtein distance in bytes, capped at limit+1 to stay cheap. */
size_t suggest_distance(const char *a, const char *b, size_t limit);

/*
 * The candidate closest to word within a distance of max(2, len/3), or
 * NULL. The pointer is one of the candidates (borrowed).
 */
const char *suggest_closest(const char *word, const char *const *candidates, size_t n);

#endif
