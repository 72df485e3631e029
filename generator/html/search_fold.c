/*
 * The search's word characters and folding (search.h): the lower case and
 * folded form of U+00C0..U+017F, the French stop words. Apart from the
 * index because assets/search.js must fold exactly alike: these tables are
 * written and checked by scripts/gen-fold-tables.py, and the tests compare
 * them with search.js's, so they live in a file of their own.
 */
#include "search_internal.h"
#include "utf8.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


/*
 * Lower case of U+00C0..U+017F (İ has no one-letter lower case). This table
 * and fold_str are written and checked by scripts/gen-fold-tables.py.
 */
static const uint16_t lower_tab[192] = {
	0x0e0, 0x0e1, 0x0e2, 0x0e3, 0x0e4, 0x0e5, 0x0e6, 0x0e7, 0x0e8, 0x0e9, 0x0ea, 0x0eb,
	0x0ec, 0x0ed, 0x0ee, 0x0ef, 0x0f0, 0x0f1, 0x0f2, 0x0f3, 0x0f4, 0x0f5, 0x0f6, 0x0d7,
	0x0f8, 0x0f9, 0x0fa, 0x0fb, 0x0fc, 0x0fd, 0x0fe, 0x0df, 0x0e0, 0x0e1, 0x0e2, 0x0e3,
	0x0e4, 0x0e5, 0x0e6, 0x0e7, 0x0e8, 0x0e9, 0x0ea, 0x0eb, 0x0ec, 0x0ed, 0x0ee, 0x0ef,
	0x0f0, 0x0f1, 0x0f2, 0x0f3, 0x0f4, 0x0f5, 0x0f6, 0x0f7, 0x0f8, 0x0f9, 0x0fa, 0x0fb,
	0x0fc, 0x0fd, 0x0fe, 0x0ff, 0x101, 0x101, 0x103, 0x103, 0x105, 0x105, 0x107, 0x107,
	0x109, 0x109, 0x10b, 0x10b, 0x10d, 0x10d, 0x10f, 0x10f, 0x111, 0x111, 0x113, 0x113,
	0x115, 0x115, 0x117, 0x117, 0x119, 0x119, 0x11b, 0x11b, 0x11d, 0x11d, 0x11f, 0x11f,
	0x121, 0x121, 0x123, 0x123, 0x125, 0x125, 0x127, 0x127, 0x129, 0x129, 0x12b, 0x12b,
	0x12d, 0x12d, 0x12f, 0x12f, 0x130, 0x131, 0x133, 0x133, 0x135, 0x135, 0x137, 0x137,
	0x138, 0x13a, 0x13a, 0x13c, 0x13c, 0x13e, 0x13e, 0x140, 0x140, 0x142, 0x142, 0x144,
	0x144, 0x146, 0x146, 0x148, 0x148, 0x149, 0x14b, 0x14b, 0x14d, 0x14d, 0x14f, 0x14f,
	0x151, 0x151, 0x153, 0x153, 0x155, 0x155, 0x157, 0x157, 0x159, 0x159, 0x15b, 0x15b,
	0x15d, 0x15d, 0x15f, 0x15f, 0x161, 0x161, 0x163, 0x163, 0x165, 0x165, 0x167, 0x167,
	0x169, 0x169, 0x16b, 0x16b, 0x16d, 0x16d, 0x16f, 0x16f, 0x171, 0x171, 0x173, 0x173,
	0x175, 0x175, 0x177, 0x177, 0x0ff, 0x17a, 0x17a, 0x17c, 0x17c, 0x17e, 0x17e, 0x17f,
};

/*
 * Folded form of U+00C0..U+017F, "|"-separated (× and ÷ empty: not letters).
 * assets/search.js carries the same string (FOLD): scripts/gen-fold-tables.py
 * computes both from Unicode's data and tests/web/t_fold_tables.py checks them.
 */
static const char fold_str[] =
	"a|a|a|a|a|a|ae|c|e|e|e|e|i|i|i|i|d|n|o|o|o|o|o||o|u|u|u|u|y|th|ss|"
	"a|a|a|a|a|a|ae|c|e|e|e|e|i|i|i|i|d|n|o|o|o|o|o||o|u|u|u|u|y|th|y|"
	"a|a|a|a|a|a|c|c|c|c|c|c|c|c|d|d|d|d|e|e|e|e|e|e|e|e|e|e|g|g|g|g|g|g|g|g|"
	"h|h|h|h|i|i|i|i|i|i|i|i|i|i|ij|ij|j|j|k|k|k|l|l|l|l|l|l|l|l|l|l|"
	"n|n|n|n|n|n|n|n|n|o|o|o|o|o|o|oe|oe|r|r|r|r|r|r|s|s|s|s|s|s|s|s|"
	"t|t|t|t|t|t|u|u|u|u|u|u|u|u|u|u|u|u|w|w|y|y|y|z|z|z|z|z|z|s";

/* Offsets of each entry of fold_str, computed once (the table is constant). */
static const char *fold_entry(uint32_t cp, size_t *len)
{
	size_t want = cp - 0xC0, i = 0;
	const char *p = fold_str;
	while (i < want) {
		if (*p++ == '|')
			i++;
	}
	const char *end = strchr(p, '|');
	*len = end ? (size_t)(end - p) : strlen(p);
	return p;
}

/* The fold of each code point, filled on first use: the string above stays the one source. */
static struct {
	char s[3];
	unsigned char n;
} fold_cache[192];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

static void fold_fill(void)
{
	for (uint32_t cp = 0xC0; cp < 0x180; cp++) {
		size_t n;
		const char *p = fold_entry(cp, &n);
		memcpy(fold_cache[cp - 0xC0].s, p, n);
		fold_cache[cp - 0xC0].n = (unsigned char)n;
	}
}

/* Several rendering threads fold text: the first fills the table, the others wait for it. */
static void fold_init(void)
{
	pthread_once(&fold_once, fold_fill);
}

/* The rule search_next_word applies to bytes (search_word_char2), for one character. */
int search_is_word_char(uint32_t cp)
{
	if (cp < 0x80)
		return ascii_isalnum((int)cp);
	return cp >= 0xC0 && cp < 0x180 && cp != 0xD7 && cp != 0xF7;
}

void search_fold(const char *s, size_t n, struct buf *out)
{
	fold_init();
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k == 0)
			k = 1, cp = 0xFFFD;
		if (cp < 0x80)
			buf_putc(out, (char)ascii_tolower((int)cp));
		else if (cp >= 0xC0 && cp < 0x180)
			buf_put(out, fold_cache[cp - 0xC0].s, fold_cache[cp - 0xC0].n);
		i += k;
	}
}

/* Lower case without folding: the form the Snowball stemmer expects. */
void search_lower(const char *s, size_t n, struct buf *out)
{
	/*
	 * Written in place, a byte at a time without a call for ASCII: this
	 * runs on every word of the site. A code point's lower case has as many
	 * bytes as itself; 4 bytes each is room enough whatever the input.
	 */
	buf_grow(out, 4 * n);
	char *w = out->data + out->len;
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			*w++ = (char)ascii_tolower(c);
			i++;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k == 0) {
			i++;
			continue;
		}
		uint32_t l = cp >= 0xC0 && cp < 0x180 ? lower_tab[cp - 0xC0] : cp;
		w += utf8_encode(l, w);
		i += k;
	}
	out->len = (size_t)(w - out->data);
	out->data[out->len] = '\0';
}

/*
 * What each byte of a text is to the word splitter: the lower case of an
 * ASCII word character (a letter or a digit), SEARCH_LEAD2 for the first byte of
 * a two-byte one (U+00C0..U+017F), 0 for the other bytes.
 */
const unsigned char search_word_byte[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 0, 0, 0, 0, 0, 0,
	0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0, 0, 0, 0, 0,
	0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0, 0, 0, 0, 0,
	[0xC3] = SEARCH_LEAD2, [0xC4] = SEARCH_LEAD2, [0xC5] = SEARCH_LEAD2,
};

/* The header's inline splitter reads lower_tab through this (the table stays where the script checks it). */
const uint16_t *const search_lower_tab = lower_tab;

void search_split_init(struct search_split *sp, const char *s)
{
	search_split_init_len(sp, s, strlen(s));
}

void search_split_init_len(struct search_split *sp, const char *s, size_t len)
{
	sp->s = (const unsigned char *)s;
	sp->end = sp->s + len;
	sp->i = 0;
	sp->word = s;
	sp->len = 0;
}

/* See search_split_next (search_internal.h), inline where every word of the site is read. */
int search_next_word(struct search_split *sp)
{
	if (!search_split_next(sp))
		return 0;
	if (sp->len <= SEARCH_WORD_MAX)
		memset(sp->lower + sp->len, 0, 8);
	return 1;
}

/* Folded French stop words, sorted (bsearch). Words a reader never searches for alone. */
const char *const search_stop_words[] = {
	"ai", "au", "aux", "avec", "ce", "ces", "cet", "cette", "dans", "de", "des", "du",
	"elle", "elles", "en", "est", "et", "etaient", "etait", "ete", "etre", "eux", "il",
	"ils", "je", "la", "le", "les", "leur", "leurs", "lui", "ma", "mais", "me", "mes",
	"moi", "mon", "ne", "ni", "nos", "notre", "nous", "on", "ont", "ou", "par", "pas",
	"qu", "que", "qui", "sa", "se", "ses", "si", "son", "sont", "sur", "ta", "te", "tes",
	"toi", "ton", "tu", "un", "une", "vos", "votre", "vous",
};
const size_t search_nstop_words = sizeof search_stop_words / sizeof *search_stop_words;

static int compare_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int search_is_stop_word(const char *folded)
{
	return bsearch(&folded, search_stop_words, sizeof search_stop_words / sizeof *search_stop_words,
		       sizeof *search_stop_words, compare_str) != NULL;
}
