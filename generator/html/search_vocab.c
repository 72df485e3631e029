/*
 * The vocabulary of the index: every distinct spelling of the shipped text,
 * folded and stemmed once, and each text as a run of tokens (spelling ids)
 * that the postings are counted from. Apart from the index because it is
 * the hot loop of the build's search (it runs on every word of the site)
 * and has its own data structure, an open-addressing hash of spellings.
 */
#include "search_internal.h"
#include "hash.h"
#include "utf8.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static void vocab_grow(struct vocab *vc)
{
	size_t cap = vc->cap ? vc->cap * 2 : 4096;
	struct spelling *v = xcalloc(cap, sizeof *v);
	for (size_t i = 0; i < vc->cap; i++) {
		if (!vc->v[i].lower)
			continue;
		size_t j = vc->v[i].hash & (cap - 1);
		while (v[j].lower)
			j = (j + 1) & (cap - 1);
		v[j] = vc->v[i];
	}
	free(vc->v);
	vc->v = v;
	vc->cap = cap;
}

static inline void put_token(struct tokens *t, uint32_t id)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 65536;
		t->v = xrealloc(t->v, t->cap * sizeof *t->v);
	}
	t->v[t->n++] = id;
}

/*
 * The hash of a spelling, eight bytes at a time: key is zero-padded to a
 * multiple of 8. Only the table's order depends on it, which no output
 * does (words are sorted, tokens are ids).
 */
static inline unsigned long long spelling_hash(const char *key, size_t n)
{
	uint64_t h = n * UINT64_C(0x9E3779B97F4A7C15);
	for (size_t i = 0; i < n; i += 8) {
		uint64_t x;
		memcpy(&x, key + i, 8);
		h = (h ^ x) * UINT64_C(0xFF51AFD7ED558CCD);
		h ^= h >> 32;
	}
	return h;
}

/* Whether two spellings of n bytes, both zero-padded to a multiple of 8, are the same. */
static inline int same_spelling(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t x, y;
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return 0;
	}
	return 1;
}

/* Counts the word that ws has just read. */
static void vocab_add(struct vocab *vc, const struct search_split *ws)
{
	size_t n = ws->len;
	if (n > SEARCH_WORD_MAX) {
		put_token(&vc->toks, NO_WORD);
		return;
	}
	const char *key = ws->lower;
	if ((vc->n + 1) * 2 > vc->cap)
		vocab_grow(vc);
	unsigned long long h = spelling_hash(key, n);
	size_t j = h & (vc->cap - 1);
	while (vc->v[j].lower) {
		if (vc->v[j].hash == h && vc->v[j].len == n && same_spelling(vc->v[j].lower, key, n)) {
			vc->v[j].count++;
			put_token(&vc->toks, vc->v[j].id);
			return;
		}
		j = (j + 1) & (vc->cap - 1);
	}
	struct spelling *sp = &vc->v[j];
	/* Kept zero-padded like key, which is (its NUL included). */
	size_t padded = (n + 8) & ~(size_t)7;
	sp->lower = xmalloc(padded);
	memcpy(sp->lower, key, padded);
	sp->len = (uint32_t)n;
	sp->hash = h;
	sp->count = 1;
	sp->id = (uint32_t)vc->n++;
	put_token(&vc->toks, sp->id);
	struct buf f = BUF_INIT;
	search_fold(key, n, &f);
	if (f.len >= 2 && !search_is_stop_word(buf_cstr(&f))) {
		sp->folded = buf_detach(&f);
		sp->stem = search_stem_with(vc->sb, key, n);
	}
	buf_free(&f);
}

/* Counts the words of s and returns where their tokens are. */
struct span search_vocab_text(struct vocab *vc, const char *s)
{
	struct span sp = {vc->toks.n, vc->toks.n};
	if (!s)
		return sp;
	struct search_split ws;
	search_split_init(&ws, s);
	while (search_next_word(&ws))
		vocab_add(vc, &ws);
	sp.to = vc->toks.n;
	return sp;
}

int search_compare_word_choice(const void *a, const void *b)
{
	const struct word *x = a, *y = b;
	int c = strcmp(x->folded, y->folded);
	if (c)
		return c;
	/* The most frequent spelling decides; ties by stem, so the choice is reproducible. */
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->stem, y->stem);
}

size_t search_find_word(const struct word *words, size_t n, const char *folded)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(words[mid].folded, folded);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (size_t)-1;
}
