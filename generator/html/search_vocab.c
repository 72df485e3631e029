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

#include <libstemmer.h>
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

/* The folded form and stem of a new spelling (neither for a stop word or a one-letter word). */
static void spelling_stem(struct vocab *vc, struct spelling *sp)
{
	struct buf f = BUF_INIT;
	search_fold(sp->lower, sp->len, &f);
	if (f.len >= 2 && !search_is_stop_word(buf_cstr(&f))) {
		sp->folded = buf_detach(&f);
		sp->stem = search_stem_with(vc->sb, sp->lower, sp->len);
	}
	buf_free(&f);
}

/* Counts the word that ws has just read; stems it when new, if vc has a stemmer. */
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
	if (vc->sb)
		spelling_stem(vc, sp);
}

/*
 * Moves part's spellings into vc, in part's table order: a spelling vc
 * has adds its count, a new one takes the next id and is stemmed with
 * vc's stemmer if part had none. Then part's tokens, as vc's ids, to
 * *toks (the caller's now). No output depends on
 * the ids (see spelling_hash).
 */
void search_vocab_merge(struct vocab *vc, struct vocab *part, struct tokens *toks)
{
	uint32_t *map = xmalloc((part->n + 1) * sizeof *map);
	for (size_t i = 0; i < part->cap; i++) {
		struct spelling *from = &part->v[i];
		if (!from->lower)
			continue;
		if ((vc->n + 1) * 2 > vc->cap)
			vocab_grow(vc);
		size_t j = from->hash & (vc->cap - 1);
		while (vc->v[j].lower && !(vc->v[j].hash == from->hash && vc->v[j].len == from->len &&
					   same_spelling(vc->v[j].lower, from->lower, from->len)))
			j = (j + 1) & (vc->cap - 1);
		struct spelling *to = &vc->v[j];
		if (to->lower) {
			to->count += from->count;
			free(from->lower);
			free(from->folded);
			free(from->stem);
		} else {
			*to = *from;
			to->id = (uint32_t)vc->n++;
			/* A part read without a stemmer: each spelling stemmed once, here. */
			if (!to->folded && vc->sb)
				spelling_stem(vc, to);
		}
		map[from->id] = to->id;
	}
	/* part's tokens become vc's ids where they are: no copy of the largest array of the index. */
	uint32_t *t = part->toks.v;
	for (size_t i = 0, n = part->toks.n; i < n; i++)
		t[i] = t[i] == NO_WORD ? NO_WORD : map[t[i]];
	*toks = part->toks;
	free(map);
	free(part->v);
	*part = (struct vocab){0};
}

void search_vocab_free(struct vocab *vc)
{
	for (size_t i = 0; i < vc->cap; i++) {
		free(vc->v[i].lower);
		free(vc->v[i].folded);
		free(vc->v[i].stem);
	}
	free(vc->v);
	free(vc->toks.v);
	free(vc->by_id);
	if (vc->sb)
		sb_stemmer_delete(vc->sb);
	*vc = (struct vocab){0};
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
