/*
 * UTF-8 validation, input normalisation and locale-free ASCII classes.
 */
#ifndef FICHES_UTF8_H
#define FICHES_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Returns 1 when s[0..n) is valid UTF-8 (no overlongs, no surrogates, no
 * NUL byte). Otherwise returns 0 and sets *bad to the offset of the first
 * offending byte.
 */
int utf8_valid(const char *s, size_t n, size_t *bad);

/*
 * Normalises a file read from disk in place: drops a leading UTF-8 BOM and
 * turns CRLF and lone CR into LF. Returns the new length.
 */
size_t utf8_normalise_input(char *s, size_t n);

/* 1-based line and column (in characters) of byte offset off in s. */
void utf8_line_col(const char *s, size_t off, int *line, int *col);

/*
 * Decodes one code point at s (at most n bytes). Returns its length in
 * bytes (at least 1); an invalid sequence decodes as U+FFFD of length 1.
 * ASCII and two-byte sequences (é è à « » °…) inline, the rest by
 * utf8_decode_long, which decodes every input the same way.
 */
size_t utf8_decode_long(const char *s, size_t n, uint32_t *cp);

static inline size_t utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	if (n) {
		unsigned c = (unsigned char)s[0];
		if (c < 0x80) {
			*cp = c;
			return 1;
		}
		/* A lead C2-DF and a continuation byte: never overlong, a surrogate or beyond U+10FFFF. */
		if (c - 0xC2u <= 0xDFu - 0xC2u && n >= 2 && ((unsigned char)s[1] & 0xC0) == 0x80) {
			*cp = (c & 0x1Fu) << 6 | ((unsigned char)s[1] & 0x3Fu);
			return 2;
		}
	}
	return utf8_decode_long(s, n, cp);
}
/* Writes cp as UTF-8 into out (4 bytes room). Returns the length. */
size_t utf8_encode(uint32_t cp, char *out);

/*
 * Characters a word processor pastes that cannot be seen: non-breaking and
 * other fixed-width spaces, zero-width characters, soft hyphen, byte order
 * mark. Returns the name to show ("non-breaking space", translated), or
 * NULL for any other code point.
 */
const char *utf8_invisible_name(uint32_t cp);

/*
 * Finds the first invisible character (utf8_invisible_name) in s[0..n).
 * Returns 1 and sets *off (byte offset), *col (1-based character column
 * within s) and *cp; returns 0 when there is none.
 */
int utf8_find_invisible(const char *s, size_t n, size_t *off, int *col, uint32_t *cp);

static inline int ascii_isalpha(int c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static inline int ascii_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline int ascii_isalnum(int c) { return ascii_isalpha(c) || ascii_isdigit(c); }
static inline int ascii_isupper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int ascii_isspace(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
static inline int ascii_tolower(int c) { return ascii_isupper(c) ? c + 32 : c; }

#endif
