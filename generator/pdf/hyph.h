/*
 * French hyphenation for justified print: soft hyphens (U+00AD) are put
 * into words at the points libhyphen finds with the hyphen-fr patterns, so
 * that Pango may break a line there and draws the hyphen only when it
 * does.
 */
#ifndef FICHES_HYPH_H
#define FICHES_HYPH_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

/* Where Debian's hyphen-fr package puts the French patterns. */
#define HYPH_FR_DICT "/usr/share/hyphen/hyph_fr.dic"

struct hyph;

/*
 * Loads the French patterns from dict_path (NULL: HYPH_FR_DICT). Returns
 * the hyphenator (caller frees with hyph_free), or NULL after reporting
 * to d which Debian package is missing.
 */
struct hyph *hyph_new(const char *dict_path, struct diag *d);
void hyph_free(struct hyph *h);

/*
 * Appends s[0..n) (valid UTF-8) to out with U+00AD at the hyphenation
 * points of its words. Words shorter than six letters, words written in
 * capitals (sigles) and words glued to digits are left whole, and web
 * and e-mail addresses are set with hyph_address. h may be
 * NULL (text copied unchanged). Thread-safe: the patterns are only read, and
 * the memo of the words already hyphenated is kept under a lock.
 */
void hyph_insert(const struct hyph *h, const char *s, size_t n, struct buf *out);

/*
 * Appends the web or e-mail address s[0..n) to out with a zero-width space
 * (U+200B) after each / . @ - ? & = _ inside it: a line may break there,
 * and no hyphen is ever added to an address.
 */
void hyph_address(const char *s, size_t n, struct buf *out);

#endif
