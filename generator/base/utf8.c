/* UTF-8 helpers; see utf8.h. */
#include "utf8.h"
#include "bytescan.h"
#include "i18n.h"

#include <string.h>

size_t utf8_decode_long(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	if (n == 0) {
		*cp = 0xFFFD;
		return 1;
	}
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	uint32_t v, min;
	if ((c & 0xE0) == 0xC0) { len = 2; v = c & 0x1F; min = 0x80; }
	else if ((c & 0xF0) == 0xE0) { len = 3; v = c & 0x0F; min = 0x800; }
	else if ((c & 0xF8) == 0xF0) { len = 4; v = c & 0x07; min = 0x10000; }
	else { *cp = 0xFFFD; return 1; }
	if (len > n) {
		*cp = 0xFFFD;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = 0xFFFD;
		return 1;
	}
	*cp = v;
	return len;
}

size_t utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;
	if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * The bytes of v (in memory order) that are not in 1..0x7F, as their high
 * bits: 0 for eight ASCII bytes without NUL. A 0 byte borrows into its own
 * high bit; a borrow only marks bytes above one already marked, so the
 * lowest mark is exact.
 */
static uint64_t not_ascii(uint64_t v)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	return (v | (v - ones)) & highs;
}

int utf8_valid(const char *s, size_t n, size_t *bad)
{
	size_t i = 0;
	while (i < n) {
#if BYTESCAN_SIMD
		/* Sixteen bytes at a time, straight to the first not in 1..0x7F. */
		if (n - i >= 16) {
			bytescan_v v = bytescan_load16(s + i);
			unsigned mark = bytescan_mask(v) | bytescan_eq(v, 0);
			if (!mark) {
				i += 16;
				continue;
			}
			i += (size_t)__builtin_ctz(mark);
		} else
#endif
		/*
		 * Eight ASCII bytes at a time: French text is mostly ASCII, and
		 * every file read is checked whole (1.5 % of a build, byte by byte).
		 */
		if (n - i >= 8) {
			uint64_t v;
			memcpy(&v, s + i, 8);
			uint64_t mark = not_ascii(v);
			if (!mark) {
				i += 8;
				continue;
			}
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			/* Straight to the first byte that is not ASCII (accents are frequent). */
			i += (size_t)__builtin_ctzll(mark) / 8;
#endif
		}
		unsigned char c = (unsigned char)s[i];
		if (c == 0) {
			if (bad)
				*bad = i;
			return 0;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		/*
		 * Two bytes (é è à ç ô…: most of what is not ASCII in French): a
		 * lead byte C2-DF and a continuation byte are valid, never an
		 * overlong form, a surrogate or NUL, as utf8_decode would find.
		 */
		if (c >= 0xC2 && c <= 0xDF && n - i >= 2 && ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
			i += 2;
			continue;
		}
		uint32_t cp;
		size_t len = utf8_decode(s + i, n - i, &cp);
		if (cp == 0xFFFD && len == 1) {
			/* U+FFFD itself is 3 bytes, so a length of 1 means invalid. */
			if (bad)
				*bad = i;
			return 0;
		}
		i += len;
	}
	return 1;
}

size_t utf8_normalise_input(char *s, size_t n)
{
	size_t r = 0, w = 0;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		r = 3;
	/* Up to the first CR nothing changes but the BOM's place: memchr, not a byte loop. */
	const char *cr = memchr(s + r, '\r', n - r);
	size_t keep = (cr ? (size_t)(cr - s) : n) - r;
	if (r)
		memmove(s, s + r, keep);
	r += keep;
	w = keep;
	while (r < n) {
		char c = s[r++];
		if (c == '\r') {
			if (r < n && s[r] == '\n')
				r++;
			c = '\n';
		}
		s[w++] = c;
	}
	if (w < n)
		s[w] = '\0';
	return w;
}

void utf8_line_col(const char *s, size_t off, int *line, int *col)
{
	int l = 1, c = 1;
	for (size_t i = 0; i < off && s[i]; i++) {
		if (s[i] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)s[i] & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

const char *utf8_invisible_name(uint32_t cp)
{
	switch (cp) {
	case 0x00A0: return _("non-breaking space");
	case 0x202F: return _("narrow non-breaking space");
	case 0x2007: case 0x2008: case 0x2009: case 0x200A:
	case 0x2002: case 0x2003: case 0x2004: case 0x2005: case 0x2006:
		return _("fixed-width space");
	case 0x200B: return _("zero-width space");
	case 0x200C: case 0x200D: case 0x2060: return _("zero-width joiner");
	case 0x200E: case 0x200F: return _("direction mark");
	case 0x00AD: return _("soft hyphen");
	case 0xFEFF: return _("byte order mark");
	default: return NULL;
	}
}

int utf8_find_invisible(const char *s, size_t n, size_t *off, int *col, uint32_t *cp)
{
	int c = 1;
	for (size_t i = 0; i < n;) {
		uint32_t u;
		size_t k = utf8_decode(s + i, n - i, &u);
		if (utf8_invisible_name(u)) {
			*off = i;
			*col = c;
			*cp = u;
			return 1;
		}
		i += k;
		c++;
	}
	return 0;
}
