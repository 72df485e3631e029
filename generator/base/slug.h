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
