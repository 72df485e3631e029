/*
 * Slugs: lower-case ASCII identifiers made from French text, used for ids,
 * file names and heading anchors. « Sur les habitants » → sur-les-habitants,
 * « L'expertise des habitants » → l-expertise-des-habitants.
 */
#ifndef FICHES_SLUG_H
#define FICHES_SLUG_H

#include <stddef.h>

/* Slug of s[0..n). Empty text gives "section". Caller frees. */
char *slug_from_text(const char *s, size_t n);

/*
 * slug_from_text(s, n), or NULL when it would be longer than max bytes:
 * then only the text that makes its first max + 1 bytes is read.
 */
char *slug_from_text_max(const char *s, size_t n, size_t max);

/*
 * Writes into out (room for max + 2 bytes, max below 100) the first bytes of the slug of
 * s[0..n), reading no more of the text than they need; returns how many:
 * max or more, or fewer when the slug is shorter (then all of it, 0 for a
 * text without a letter or a digit, whose slug is "section"). Its first
 * max bytes, or all when fewer, are the slug's own: a caller can rule a
 * slug out by its start without making it. Not NUL-terminated.
 */
size_t slug_prefix(const char *s, size_t n, char *out, size_t max);

/*
 * Returns 1 when s is a valid slug: 1 to 128 characters of [a-z0-9-],
 * not starting or ending with '-'. Such a slug is always a safe single
 * path component.
 */
int slug_is_valid(const char *s);

/*
 * Appends to out (NUL-terminated, room outsize) the ASCII folding of the
 * code point cp: é → e, œ → oe, ß → ss; returns "" for code points
 * without a folding.
 */
const char *slug_fold_codepoint(unsigned cp);

#endif
