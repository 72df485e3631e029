/*
 * Glossary sigle matching.
 *
 * Stage: resolve (used by markdown.c to record the sigles a document uses
 * and by html.c to mark them up). Input: the sigles of glossary.yaml
 * (borrowed) and text runs. Output: match positions. Owns: the index, a
 * hash table of entries and one list of lengths per first byte, all freed
 * by gloss_index_free.
 *
 * A sigle can only start where a word starts, and must end where a word
 * ends. The scan looks only at the bytes that begin some sigle (found
 * sixteen bytes at a time: sigles are mostly capitals, which are few in
 * text), and at those that start a word and whose next byte is the second
 * of some sigle beginning so, it tries that byte's sigle lengths, longest
 * first: a length is looked up in the hash table only when the text has a
 * word boundary right after it. The cost is linear in the text, times the
 * few distinct lengths sharing a first byte, whatever the number of
 * sigles. Sigles may contain separators ("TAT 13"), hence the lengths
 * rather than a lookup of the whole word.
 *
 * Word characters are those of typo_is_word_char (letters and digits,
 * including non-ASCII letters; ’ « » and the no-break spaces are not), so
 * "l’ARS" and "« ARS »" match and "éARS" or "CAARUDs" do not.
 */
#include "glossary.h"
#include "bytescan.h"
#include "hash.h"
#include "typo.h"
#include "utf8.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

char gloss_no_sigle;

struct slot {
	const char *s;  /* borrowed sigle; NULL for an empty slot */
	size_t len;
	size_t which;   /* index given to gloss_index_new */
	uint64_t hash;
};

struct gloss_index {
	struct slot *slots;  /* open addressing, size mask + 1 (a power of 2) */
	size_t mask;
	size_t *lens[256];   /* per first byte: distinct lengths, longest first */
	size_t nlens[256];
	int any;             /* some sigle is indexed */
	unsigned char lo, hi; /* the first bytes of the sigles lie in [lo, hi] */
	/* Sixteen copies of lo and of hi - lo, for the scan's range test (bytescan_in_span). */
	unsigned char lo16[16], span16[16];
	/* Bit (first << 8 | second): some sigle starts with those bytes (any second for one byte). */
	uint64_t pairs[65536 / 64];
};

static void add_pair(struct gloss_index *g, unsigned char first, unsigned char second)
{
	unsigned k = (unsigned)first << 8 | second;
	g->pairs[k / 64] |= (uint64_t)1 << (k % 64);
}

static int has_pair(const struct gloss_index *g, unsigned char first, unsigned char second)
{
	unsigned k = (unsigned)first << 8 | second;
	return (int)(g->pairs[k / 64] >> (k % 64) & 1);
}

static const struct slot *lookup(const struct gloss_index *g, const char *s,
				 size_t n)
{
	uint64_t h = hash_bytes(s, n);
	for (size_t i = (size_t)h & g->mask;; i = (i + 1) & g->mask) {
		const struct slot *e = &g->slots[i];
		if (!e->s)
			return NULL;
		if (e->hash == h && e->len == n && memcmp(e->s, s, n) == 0)
			return e;
	}
}

static int by_length_desc(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? 1 : x > y ? -1 : 0;
}

static void add_length(struct gloss_index *g, unsigned char first, size_t len)
{
	size_t k = g->nlens[first];
	for (size_t i = 0; i < k; i++)
		if (g->lens[first][i] == len)
			return;
	g->lens[first] = xrealloc(g->lens[first], (k + 1) * sizeof(size_t));
	g->lens[first][k] = len;
	g->nlens[first] = k + 1;
}

struct gloss_index *gloss_index_new(const char *const *sigles, size_t n)
{
	struct gloss_index *g = xcalloc(1, sizeof *g);
	size_t size = 16;
	/* At most half full, so probe chains stay short. */
	while (size < 2 * n)
		size *= 2;
	g->slots = xcalloc(size, sizeof *g->slots);
	g->mask = size - 1;
	for (size_t w = 0; w < n; w++) {
		const char *s = sigles[w];
		size_t len = s ? strlen(s) : 0;
		uint64_t h;
		size_t i;
		if (len == 0)
			continue;
		h = hash_bytes(s, len);
		/* A duplicate keeps its first index. */
		if (lookup(g, s, len))
			continue;
		for (i = (size_t)h & g->mask; g->slots[i].s; i = (i + 1) & g->mask)
			;
		g->slots[i] = (struct slot){s, len, w, h};
		unsigned char first = (unsigned char)s[0];
		add_length(g, first, len);
		if (len == 1)
			for (unsigned c = 0; c < 256; c++)
				add_pair(g, first, (unsigned char)c);
		else
			add_pair(g, first, (unsigned char)s[1]);
		if (!g->any || first < g->lo)
			g->lo = first;
		if (!g->any || first > g->hi)
			g->hi = first;
		g->any = 1;
	}
	memset(g->lo16, g->lo, sizeof g->lo16);
	memset(g->span16, g->hi - g->lo, sizeof g->span16);
	for (size_t c = 0; c < 256; c++)
		if (g->nlens[c] > 1)
			qsort(g->lens[c], g->nlens[c], sizeof(size_t), by_length_desc);
	return g;
}

void gloss_index_free(struct gloss_index *g)
{
	if (!g)
		return;
	for (size_t c = 0; c < 256; c++)
		free(g->lens[c]);
	free(g->slots);
	free(g);
}

/* Decodes the code point at s[i..n); its length in *len. */
static uint32_t cp_at(const char *s, size_t n, size_t i, size_t *len)
{
	uint32_t cp;
	if ((unsigned char)s[i] < 0x80) {
		*len = 1;
		return (unsigned char)s[i];
	}
	*len = utf8_decode(s + i, n - i, &cp);
	return cp;
}

/* ASCII letters and digits: the ASCII word characters of typo_is_word_char. */
static const unsigned char ascii_word[256] = {
	['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1,
};

/* 1 when a word character ends just before byte i of s. */
static int word_before(const char *s, size_t i)
{
	size_t j = i;
	uint32_t cp;
	if (i == 0)
		return 0;
	if ((unsigned char)s[i - 1] < 0x80)
		return ascii_word[(unsigned char)s[i - 1]];
	/* Back over at most three continuation bytes to the lead byte. */
	while (j > 0 && i - j < 3 && ((unsigned char)s[j - 1] & 0xC0) == 0x80)
		j--;
	if (j > 0)
		j--;
	utf8_decode(s + j, i - j, &cp);
	return typo_is_word_char(cp);
}

/*
 * Whether a sigle starts at s[p], a word start whose first byte begins
 * some sigle: tries that byte's lengths, longest first.
 */
static int match_at(const struct gloss_index *g, const char *s, size_t n, size_t p,
		    size_t *pos, size_t *len, size_t *which)
{
	unsigned char c = (unsigned char)s[p];
	for (size_t k = 0; k < g->nlens[c]; k++) {
		size_t L = g->lens[c][k], after;
		const struct slot *e;
		if (L > n - p)
			continue;
		if (p + L < n && typo_is_word_char(cp_at(s, n, p + L, &after)))
			continue;
		if ((e = lookup(g, s + p, L))) {
			*pos = p;
			*len = L;
			*which = e->which;
			return 1;
		}
	}
	return 0;
}

/*
 * Whether the pair (s[p], s[p + 1]) begins some sigle, s[p] a byte in
 * [g->lo, g->hi] (the last byte of s: whether it begins one).
 */
static inline int pair_at(const struct gloss_index *g, const char *s, size_t n, size_t p)
{
	unsigned char c = (unsigned char)s[p];
	return p + 1 < n ? has_pair(g, c, (unsigned char)s[p + 1]) : g->nlens[c] != 0;
}

/*
 * The first of the bytes base + k of s (k the bits of mask) that begins
 * a pair of some sigle; SIZE_MAX if none.
 */
static inline size_t pair_in(const struct gloss_index *g, const char *s, size_t n, size_t base,
			     unsigned mask)
{
	for (; mask; mask &= mask - 1) {
		size_t p = base + (size_t)__builtin_ctz(mask);
		if (pair_at(g, s, n, p))
			return p;
	}
	return SIZE_MAX;
}

#if BYTESCAN_SIMD
/* The eight bytes at a as a block's low half, the eight at b as its high half. */
static inline bytescan_v join8(const char *a, const char *b)
{
	return _mm_unpacklo_epi64(bytescan_load8(a), bytescan_load8(b));
}
#endif

/*
 * The first byte of s[i..n), i < n, that begins a pair of some sigle (a
 * candidate), or n. It calls nothing, so that a lookup which finds none
 * (most texts) needs no registers saved.
 */
static inline __attribute__((always_inline)) size_t
next_candidate(const struct gloss_index *g, const char *s, size_t n, size_t i)
{
	size_t p;
#if BYTESCAN_SIMD
	/*
	 * The bytes where every sigle's first byte lies, sixteen at a time
	 * (sigles are mostly capitals, few in text). Text nodes are short
	 * (half of them under 22 bytes): the last bytes of a text of sixteen
	 * or more come from the sixteen that end it, and eight to fifteen
	 * bytes are one block made of their first and last eight, the bytes
	 * looked at twice masked off (a byte loop over the tails cost a sixth
	 * of the lookup).
	 */
	const bytescan_v lo_v = bytescan_load16((const char *)g->lo16);
	const bytescan_v span_v = bytescan_load16((const char *)g->span16);
	if (n >= 16) {
		for (; n - i >= 16; i += 16)
			if ((p = pair_in(g, s, n, i, bytescan_in_span(bytescan_load16(s + i), lo_v, span_v))) !=
			    SIZE_MAX)
				return p;
		if (i == n)
			return n;
		size_t base = n - 16;
		p = pair_in(g, s, n, base, bytescan_in_span(bytescan_load16(s + base), lo_v, span_v) &
			    ~bytescan_all((unsigned)(i - base)));
		return p != SIZE_MAX ? p : n;
	}
	if (n >= 8) {
		size_t base = n - 8;
		if (n - i < 8) {
			p = pair_in(g, s, n, base, bytescan_in_span(bytescan_load8(s + base), lo_v, span_v) &
				    bytescan_all(8) & ~bytescan_all((unsigned)(i - base)));
			return p != SIZE_MAX ? p : n;
		}
		/* s[i..i+8) in the low half, s[base..n) in the high half: bit 8 + k for byte base + k. */
		unsigned mask = bytescan_in_span(join8(s + i, s + base), lo_v, span_v);
		if ((p = pair_in(g, s, n, i, mask & bytescan_all(8))) != SIZE_MAX)
			return p;
		/* The high half's bytes before i + 8 were the low half's last ones. */
		p = pair_in(g, s, n, base, mask >> 8 & ~bytescan_all((unsigned)(i + 8 - base)));
		return p != SIZE_MAX ? p : n;
	}
#endif
	/* A text of fewer than eight bytes, byte by byte. */
	unsigned char span = (unsigned char)(g->hi - g->lo);
	for (; i < n; i++)
		if ((unsigned char)((unsigned char)s[i] - g->lo) <= span && pair_at(g, s, n, i))
			return i;
	return n;
}

/*
 * From the candidate p on: the first candidate at which a sigle starts.
 * Byte p is a code point's first (a continuation byte begins no sigle),
 * so word_before tells what a scan from the text's start would have
 * found there.
 */
static __attribute__((noinline)) int
find_from(const struct gloss_index *g, const char *s, size_t n, size_t p, size_t *pos, size_t *len,
	  size_t *which)
{
	for (;;) {
		if (!word_before(s, p) && match_at(g, s, n, p, pos, len, which))
			return 1;
		if (++p == n || (p = next_candidate(g, s, n, p)) == n)
			return 0;
	}
}

int gloss_index_find(const struct gloss_index *g, const char *s, size_t n,
		     size_t start, size_t *pos, size_t *len, size_t *which)
{
	if (!g || !g->any || start >= n)
		return 0;
	size_t p = next_candidate(g, s, n, start);
	return p < n && find_from(g, s, n, p, pos, len, which);
}
