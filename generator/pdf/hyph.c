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
#include "hash.h"
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

/*
 * The break points found for each word, by its lower-case form: a booklet
 * hyphenates the same words again and again (each part is laid out once
 * more when its page references change), and libhyphen was a tenth of the
 * time of the complete guide.
 */
struct memo_entry {
	char *word;           /* lower case; NULL: free slot */
	unsigned char *odd;   /* odd[c]: a break allowed after character c; NULL: none */
	uint32_t hash;
};

struct hyph {
	HyphenDict *dict;
	/* libhyphen does not promise thread safety; calls are short, so serialise them. */
	pthread_mutex_t lock;
	struct memo_entry *memo;
	size_t memo_cap, memo_n;  /* capacity: a power of two, at most half full */
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
	for (size_t i = 0; i < h->memo_cap; i++) {
		free(h->memo[i].word);
		free(h->memo[i].odd);
	}
	free(h->memo);
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

static uint32_t hash_word(const char *w)
{
	return (uint32_t)hash_str(w);
}

static struct memo_entry *memo_slot(struct memo_entry *memo, size_t cap, const char *word, uint32_t hash)
{
	size_t i = hash & (cap - 1);
	while (memo[i].word && (memo[i].hash != hash || strcmp(memo[i].word, word) != 0))
		i = (i + 1) & (cap - 1);
	return &memo[i];
}

static void memo_grow(struct hyph *h)
{
	size_t cap = h->memo_cap ? h->memo_cap * 2 : 1024;
	struct memo_entry *memo = xcalloc(cap, sizeof *memo);
	for (size_t i = 0; i < h->memo_cap; i++)
		if (h->memo[i].word)
			*memo_slot(memo, cap, h->memo[i].word, h->memo[i].hash) = h->memo[i];
	free(h->memo);
	h->memo = memo;
	h->memo_cap = cap;
}

/*
 * The break points of the lower-case word low (j bytes, nchars characters),
 * from the memo or from libhyphen. Called with h->lock held; the result
 * belongs to the memo.
 */
static const unsigned char *breaks_of(struct hyph *h, const char *low, size_t j, size_t nchars)
{
	uint32_t hash = hash_word(low);
	if (h->memo_cap) {
		struct memo_entry *e = memo_slot(h->memo, h->memo_cap, low, hash);
		if (e->word)
			return e->odd;
	}
	char hyphens[WORD_MAX * 4 + 5];
	char **rep = NULL;
	int *pos = NULL, *cut = NULL;
	memset(hyphens, 0, sizeof hyphens);
	int failed = hnj_hyphen_hyphenate3(h->dict, low, (int)j, hyphens, NULL, &rep, &pos, &cut,
					   LEFT_MIN, RIGHT_MIN, LEFT_MIN, RIGHT_MIN) != 0;
	unsigned char *odd = NULL;
	/* A pattern that changes the spelling at a break (rep) is not followed: no break. */
	if (!failed && !rep) {
		odd = xcalloc(nchars, 1);
		for (size_t c = 0; c < nchars; c++)
			odd[c] = c + 1 >= LEFT_MIN && c + 1 + RIGHT_MIN <= nchars && (hyphens[c] & 1);
	}
	if (rep) {
		for (size_t r = 0; r < j; r++)
			free(rep[r]);
		free(rep);
	}
	free(pos);
	free(cut);
	if (2 * (h->memo_n + 1) > h->memo_cap)
		memo_grow(h);
	struct memo_entry *e = memo_slot(h->memo, h->memo_cap, low, hash);
	e->word = xstrdup(low);
	e->odd = odd;
	e->hash = hash;
	h->memo_n++;
	return odd;
}

/* Copies the word w[0..n) of nchars characters, hyphenated. */
static void put_word(const struct hyph *h, const char *w, size_t n, size_t nchars,
		     struct buf *out)
{
	char low[WORD_MAX * 4 + 1];
	size_t i = 0, j = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(w + i, n - i, &cp);
		j += utf8_encode(to_lower(cp), low + j);
		i += k;
	}
	low[j] = '\0';
	if (j != n) {
		buf_put(out, w, n);
		return;
	}
	/* The memo changes under the lock; the patterns are only read. */
	struct hyph *mh = (struct hyph *)h;
	pthread_mutex_lock(&mh->lock);
	const unsigned char *odd = breaks_of(mh, low, j, nchars);
	size_t c = 0;
	i = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(w + i, n - i, &cp);
		buf_put(out, w + i, k);
		i += k;
		if (odd && odd[c])
			buf_put(out, "\xC2\xAD", 2);
		c++;
	}
	pthread_mutex_unlock(&mh->lock);
}

/* Length of a web address (scheme:// or www.) or e-mail address at s[0..n), or 0. */
static size_t address_len(const char *s, size_t n)
{
	size_t i = 0;
	if (n >= 4 && !strncmp(s, "www.", 4)) {
		i = 4;
	} else {
		while (i < n && (ascii_isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
			i++;
		int url = i > 0 && i + 3 <= n && !strncmp(s + i, "://", 3);
		int mail = i > 0 && i < n && s[i] == '@';
		if (!url && !mail)
			return 0;
		if (mail) {
			/* local@domain.tld: the domain needs a dot. */
			size_t j = i + 1, dot = 0;
			while (j < n && (ascii_isalnum((unsigned char)s[j]) || s[j] == '-' || s[j] == '.'))
				dot |= s[j++] == '.';
			return dot ? j - (s[j - 1] == '.') : 0;
		}
		i += 3;
	}
	while (i < n && s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && (unsigned char)s[i] >= 0x21 &&
	       !((unsigned char)s[i] == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0))
		i++;
	/* A sentence's final punctuation or closing bracket is not part of it. */
	while (i > 0 && (s[i - 1] == '.' || s[i - 1] == ',' || s[i - 1] == ';' || s[i - 1] == ':' ||
			 s[i - 1] == ')' || s[i - 1] == '!' || s[i - 1] == '?'))
		i--;
	return i;
}

void hyph_address(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		buf_putc(out, s[i]);
		int after = s[i] == '/' || s[i] == '.' || s[i] == '@' || s[i] == '-' || s[i] == '?' ||
			    s[i] == '&' || s[i] == '=' || s[i] == '_';
		/* Not inside « :// » or a run of slashes, nor at the end. */
		if (after && i + 1 < n && s[i + 1] != '/' && s[i + 1] != s[i])
			buf_puts(out, "\u200b");
	}
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
		size_t a;
		if (!is_letter(before) && !ascii_isdigit((int)before) && (a = address_len(s + i, n - i))) {
			/* Web and e-mail addresses: never hyphenated, broken after / . @ - only. */
			hyph_address(s + i, a, out);
			i += a;
			before = 'a';
			continue;
		}
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
