/* Slugs from French text; see slug.h. */
#include "slug.h"
#include "utf8.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

/* ASCII folding of Latin-1 Supplement letters U+00C0..U+00FF. */
static const char *const latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
};

const char *slug_fold_codepoint(unsigned cp)
{
	if (cp >= 0xC0 && cp <= 0xFF)
		return latin1[cp - 0xC0];
	switch (cp) {
	case 0x152: case 0x153: return "oe";
	case 0x178: return "y";
	case 0x100: case 0x101: case 0x102: case 0x103: case 0x104: case 0x105: return "a";
	case 0x106: case 0x107: case 0x10C: case 0x10D: return "c";
	case 0x118: case 0x119: case 0x11A: case 0x11B: case 0x112: case 0x113: return "e";
	case 0x141: case 0x142: return "l";
	case 0x143: case 0x144: case 0x147: case 0x148: return "n";
	case 0x160: case 0x161: case 0x15A: case 0x15B: return "s";
	case 0x17D: case 0x17E: case 0x179: case 0x17A: case 0x17B: case 0x17C: return "z";
	default: return "";
	}
}

/*
 * An ASCII byte in a slug: a letter lowered, a digit, else 0 (a dash's
 * place). One load per byte instead of four range tests: every heading's
 * anchor and lint's placeholder checks slug their texts.
 */
static const char ascii_slug[128] = {
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5',
	['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
	['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f',
	['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l',
	['M'] = 'm', ['N'] = 'n', ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r',
	['S'] = 's', ['T'] = 't', ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x',
	['Y'] = 'y', ['Z'] = 'z',
	['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f',
	['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l',
	['m'] = 'm', ['n'] = 'n', ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r',
	['s'] = 's', ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x',
	['y'] = 'y', ['z'] = 'z',
};

/* A slug keeps at most this many bytes. */
#define SLUG_MAX 128
/* The slug of a text without a letter or a digit. */
#define SLUG_EMPTY "section"

/*
 * Writes the slug of s[0..n) into out until the text ends or out holds
 * max bytes or more (a character adds at most a dash and a two-letter
 * folding: out needs max + 2 bytes); returns its length. The bytes
 * written never end with a dash: one is added only before a letter.
 */
static size_t slug_write(const char *s, size_t n, char *out, size_t max)
{
	size_t len = 0;
	int pending_dash = 0;
	size_t i = 0;
	while (i < n && len < max) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			/* Most of a French text: written here, without the folding's string. */
			i++;
			char o = ascii_slug[c];
			if (!o) {
				pending_dash = 1;
				continue;
			}
			if (pending_dash && len)
				out[len++] = '-';
			pending_dash = 0;
			out[len++] = o;
			/* The rest of the word, a byte at a time without the tests above. */
			while (i < n && len < max && (unsigned char)s[i] < 0x80 &&
			       (o = ascii_slug[(unsigned char)s[i]]) != 0) {
				out[len++] = o;
				i++;
			}
			continue;
		}
		uint32_t cp;
		i += utf8_decode(s + i, n - i, &cp);
		const char *fold = slug_fold_codepoint(cp);
		if (*fold) {
			if (pending_dash && len)
				out[len++] = '-';
			pending_dash = 0;
			while (*fold)
				out[len++] = *fold++;
		} else {
			pending_dash = 1;
		}
	}
	return len;
}

char *slug_from_text(const char *s, size_t n)
{
	/*
	 * Written byte by byte into a local array (every page's anchors and
	 * lint's placeholder check slug many short texts), then copied once.
	 */
	char out[SLUG_MAX + 2];
	size_t len = slug_write(s, n, out, SLUG_MAX);
	if (len > SLUG_MAX)
		len = SLUG_MAX;
	while (len && out[len - 1] == '-')
		len--;
	if (len == 0)
		return xstrdup(SLUG_EMPTY);
	return xstrndup(out, len);
}

char *slug_from_text_max(const char *s, size_t n, size_t max)
{
	if (max + 1 >= SLUG_MAX) {
		char *slug = slug_from_text(s, n);
		if (strlen(slug) <= max)
			return slug;
		free(slug);
		return NULL;
	}
	char out[SLUG_MAX + 2];
	size_t len = slug_write(s, n, out, max + 1);
	/*
	 * Below SLUG_MAX - 1 bytes the slug is neither cut nor ends with a
	 * dash, so the bytes written are all of it, or more than max.
	 */
	if (len == 0)
		return sizeof SLUG_EMPTY - 1 <= max ? xstrdup(SLUG_EMPTY) : NULL;
	return len <= max ? xstrndup(out, len) : NULL;
}

size_t slug_prefix(const char *s, size_t n, char *out, size_t max)
{
	return slug_write(s, n, out, max);
}

int slug_is_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 128 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(ascii_isdigit(s[i]) || (s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
			return 0;
	return 1;
}
