/*
 * French hyphenation through libhyphen; see hyph.h.
 *
 * The text is cut into words (runs of Latin letters); each word long
 * enough is lower-cased (the patterns are lower case), given to
 * hnj_hyphen_hyphenate3, and copied back with U+00AD at the odd positions
 * of the vector. The patterns file is UTF-8, so libhyphen indexes that
 * vector by character, not by byte.
 */
#include "hyph.h"
#include "i18n.h"
#include "utf8.h"
#include "xalloc.h"

#include <hyphen.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* French print convention: two letters at least before a break, three after. */
#define LEFT_MIN 2
#define RIGHT_MIN 3
#define WORD_MIN 6
/* Longer "words" are not words (identifiers, runs of letters): left whole. */
#define WORD_MAX 64

struct hyph {
	HyphenDict *dict;
	/* libhyphen does not promise thread safety; calls are short, so serialise them. */
	pthread_mutex_t lock;
};

struct hyph *hyph_new(const char *dict_path, struct diag *d)
{
	const char *p = dict_path ? dict_path : HYPH_FR_DICT;
	HyphenDict *dict = hnj_hyphen_load(p);
	if (!dict) {
		diag_error(d, p, 0, 0,
			   _("French hyphenation patterns not found: install the Debian package hyphen-fr"));
		return NULL;
	}
	struct hyph *h = xcalloc(1, sizeof *h);
	h->dict = dict;
	pthread_mutex_init(&h->lock, NULL);
	return h;
}

void hyph_free(struct hyph *h)
{
	if (!h)
		return;
	hnj_hyphen_free(h->dict);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

/* Latin letters, with the accented ones French uses (Latin-1 and Latin Extended-A). */
static int is_letter(uint32_t cp)
{
	if (cp < 0x80)
		return ascii_isalpha((int)cp);
	return cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7;
}

static int is_upper(uint32_t cp)
{
	if (cp < 0x80)
		return ascii_isupper((int)cp);
	if (cp >= 0xC0 && cp <= 0xDE)
		return cp != 0xD7;
	return cp >= 0x100 && cp <= 0x17F && cp % 2 == 0;
}

/* Lower case of a letter; keeps the UTF-8 length (both forms in one block). */
static uint32_t to_lower(uint32_t cp)
{
	if (cp < 0x80)
		return (uint32_t)ascii_tolower((int)cp);
	if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
		return cp + 0x20;
	if (cp >= 0x100 && cp <= 0x17F && cp % 2 == 0)
		return cp + 1;
	return cp;
}

/* Copies the word w[0..n) of nchars characters, hyphenated. */
static void put_word(const struct hyph *h, const char *w, size_t n, size_t nchars,
		     struct buf *out)
{
	char low[WORD_MAX * 4 + 1];
	char hyphens[WORD_MAX * 4 + 5];
	size_t i = 0, j = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(w + i, n - i, &cp);
		j += utf8_encode(to_lower(cp), low + j);
		i += k;
	}
	low[j] = '\0';
	char **rep = NULL;
	int *pos = NULL, *cut = NULL;
	memset(hyphens, 0, sizeof hyphens);
	int failed = j != n;
	if (!failed) {
		pthread_mutex_lock((pthread_mutex_t *)&h->lock);
		failed = hnj_hyphen_hyphenate3(h->dict, low, (int)j, hyphens, NULL, &rep, &pos, &cut,
					       LEFT_MIN, RIGHT_MIN, LEFT_MIN, RIGHT_MIN) != 0;
		pthread_mutex_unlock((pthread_mutex_t *)&h->lock);
	}
	if (failed) {
		buf_put(out, w, n);
		goto out;
	}
	/* hyphens[c] odd: a break is allowed after character c. */
	size_t c = 0;
	i = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(w + i, n - i, &cp);
		buf_put(out, w + i, k);
		i += k;
		if (!rep && c + 1 >= LEFT_MIN && c + 1 + RIGHT_MIN <= nchars && (hyphens[c] & 1))
			buf_put(out, "\xC2\xAD", 2);
		c++;
	}
out:
	if (rep) {
		for (size_t r = 0; r < j; r++)
			free(rep[r]);
		free(rep);
	}
	free(pos);
	free(cut);
}

void hyph_insert(const struct hyph *h, const char *s, size_t n, struct buf *out)
{
	if (!h) {
		buf_put(out, s, n);
		return;
	}
	size_t i = 0;
	uint32_t before = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (!is_letter(cp)) {
			buf_put(out, s + i, k);
			before = cp;
			i += k;
			continue;
		}
		size_t start = i, nchars = 0, upper = 0;
		while (i < n) {
			k = utf8_decode(s + i, n - i, &cp);
			if (!is_letter(cp))
				break;
			upper += is_upper(cp);
			nchars++;
			i += k;
		}
		int glued = ascii_isdigit((int)before) || (i < n && ascii_isdigit(s[i])) ||
			    (i < n && s[i] == '@') || before == '@' || before == '/' || before == '_';
		if (nchars < WORD_MIN || nchars > WORD_MAX || upper > 1 || glued)
			buf_put(out, s + start, i - start);
		else
			put_word(h, s + start, i - start, nchars, out);
		before = 'a';
	}
}
