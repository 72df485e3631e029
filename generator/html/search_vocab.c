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

/* The table twice as large, its spellings placed again by their hashes. */
static void vocab_grow(struct vocab *vc)
{
	size_t cap = vc->cap ? vc->cap * 2 : 4096;
	struct vslot *t = xcalloc(cap, sizeof *t);
	for (size_t i = 0; i < vc->cap; i++) {
		if (!vc->slots[i].k0)
			continue;
		size_t j = vc->v[vc->slots[i].id & ~VSLOT_LONG].hash & (cap - 1);
		while (t[j].k0)
			j = (j + 1) & (cap - 1);
		t[j] = vc->slots[i];
	}
	free(vc->slots);
	vc->slots = t;
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

/*
 * A spelling's first 16 bytes as a slot holds them: key is zero-padded
 * to a multiple of 8 and for 8 bytes past its end at least, so a word of
 * 8 bytes or fewer has zeros up to 8, and one of 9 to 15 up to 16.
 */
static inline void spelling_head(const char *key, size_t n, uint64_t *x0, uint64_t *x1)
{
	memcpy(x0, key, 8);
	*x1 = 0;
	if (n > 8)
		memcpy(x1, key + 8, 8);
}

/*
 * The slot of spelling key (n bytes, zero-padded, hash h, head x0 x1), or
 * the empty slot where it goes. The slot decides for words of 16 bytes or
 * fewer; a longer one is compared past its head with the spelling's bytes.
 */
static inline struct vslot *vocab_find(const struct vocab *vc, const char *key, size_t n,
				       unsigned long long h, uint64_t x0, uint64_t x1)
{
	size_t mask = vc->cap - 1, j = h & mask;
	for (;; j = (j + 1) & mask) {
		struct vslot *sl = &vc->slots[j];
		if (!sl->k0)
			return sl;
		if (sl->k0 != x0 || sl->k1 != x1)
			continue;
		if (n <= 16) {
			if (!(sl->id & VSLOT_LONG))
				return sl;
			continue;
		}
		if (!(sl->id & VSLOT_LONG))
			continue;
		const struct spelling *sp = &vc->v[sl->id & ~VSLOT_LONG];
		if (sp->len == n && same_spelling(sp->lower + 16, key + 16, n - 16))
			return sl;
	}
}

/* A new spelling in v, at the empty slot sl; returns it (its id is vc->n - 1). */
static struct spelling *vocab_insert(struct vocab *vc, struct vslot *sl, size_t n, unsigned long long h,
				     uint64_t x0, uint64_t x1)
{
	if (vc->n == vc->capv) {
		vc->capv = vc->capv ? vc->capv * 2 : 1024;
		vc->v = xrealloc(vc->v, vc->capv * sizeof *vc->v);
	}
	uint32_t id = (uint32_t)vc->n++;
	*sl = (struct vslot){x0, x1, id | (n > 16 ? VSLOT_LONG : 0), 0};
	struct spelling *sp = &vc->v[id];
	*sp = (struct spelling){NULL, (uint32_t)n, id, h, NULL, NULL, 0};
	return sp;
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
static inline void vocab_add(struct vocab *vc, struct search_split *ws)
{
	size_t n = ws->len;
	if (n > SEARCH_WORD_MAX) {
		put_token(&vc->toks, NO_WORD);
		return;
	}
	char *key = ws->lower;
	if ((vc->n + 1) * 2 > vc->cap)
		vocab_grow(vc);
	/*
	 * search_split_next wrote the word with 16-byte stores and left what
	 * follows it as it was: its head is read whole and masked here
	 * rather than zeroed in memory first, since an 8-byte load over a
	 * store of 8 zeros at an odd place cannot take its bytes from the
	 * stores in flight and waits for them (most words are short). A word
	 * of more than 16 bytes is zero-padded in memory as spelling_hash and
	 * same_spelling read it. The hash is spelling_hash's.
	 */
	uint64_t x0, x1;
	unsigned long long h;
	memcpy(&x0, key, 8);
	memcpy(&x1, key + 8, 8);
	if (n <= 16) {
		if (n < 8) {
			x0 &= (UINT64_C(1) << (8 * n)) - 1;
			x1 = 0;
		} else if (n == 8) {
			x1 = 0;
		} else if (n < 16) {
			x1 &= (UINT64_C(1) << (8 * (n - 8))) - 1;
		}
		h = n * UINT64_C(0x9E3779B97F4A7C15);
		h = (h ^ x0) * UINT64_C(0xFF51AFD7ED558CCD);
		h ^= h >> 32;
		if (n > 8) {
			h = (h ^ x1) * UINT64_C(0xFF51AFD7ED558CCD);
			h ^= h >> 32;
		}
	} else {
		memset(key + n, 0, 8);
		h = spelling_hash(key, n);
	}
	struct vslot *sl = vocab_find(vc, key, n, h, x0, x1);
	if (sl->k0) {
		sl->count++;
		put_token(&vc->toks, sl->id & ~VSLOT_LONG);
		return;
	}
	struct spelling *sp = vocab_insert(vc, sl, n, h, x0, x1);
	sl->count = 1;
	/* Kept zero-padded to a multiple of 8 (its NUL included). */
	size_t padded = (n + 8) & ~(size_t)7;
	sp->lower = xmalloc(padded);
	memcpy(sp->lower, key, n);
	memset(sp->lower + n, 0, padded - n);
	put_token(&vc->toks, sp->id);
	if (vc->sb)
		spelling_stem(vc, sp);
}

/*
 * Moves part's spellings into vc, in part's id order: a spelling vc has
 * adds its count, a new one takes the next id and is stemmed with vc's
 * stemmer if part had none. Then part's tokens, still part's ids, to *toks
 * and the map of part's ids to vc's to *map (the caller's now). No output
 * depends on the ids (see spelling_hash).
 */
uint32_t *search_vocab_merge(struct vocab *vc, struct vocab *part, struct tokens *toks, size_t *nmap)
{
	/* part's counts, from its slots, where search_vocab_text kept them. */
	for (size_t i = 0; i < part->cap; i++)
		if (part->slots[i].k0)
			part->v[part->slots[i].id & ~VSLOT_LONG].count += part->slots[i].count;
	uint32_t *map = xmalloc((part->n + 1) * sizeof *map);
	for (size_t i = 0; i < part->n; i++) {
		struct spelling *from = &part->v[i];
		if ((vc->n + 1) * 2 > vc->cap)
			vocab_grow(vc);
		uint64_t x0, x1;
		spelling_head(from->lower, from->len, &x0, &x1);
		struct vslot *sl = vocab_find(vc, from->lower, from->len, from->hash, x0, x1);
		struct spelling *to;
		if (sl->k0) {
			to = &vc->v[sl->id & ~VSLOT_LONG];
			to->count += from->count;
			free(from->lower);
			free(from->folded);
			free(from->stem);
		} else {
			to = vocab_insert(vc, sl, from->len, from->hash, x0, x1);
			uint32_t id = to->id;
			*to = *from;
			to->id = id;
			/* A part read without a stemmer: each spelling stemmed once, here. */
			if (!to->folded && vc->sb)
				spelling_stem(vc, to);
		}
		map[from->id] = to->id;
	}
	/*
	 * part's tokens keep its ids: their readers look them up through the
	 * map (a pass writing vc's ids over every token of the index cost a
	 * read and a write of its largest array, under the merge's lock).
	 */
	*toks = part->toks;
	*nmap = part->n;
	free(part->v);
	free(part->slots);
	*part = (struct vocab){0};
	return map;
}

void search_vocab_free(struct vocab *vc)
{
	for (size_t i = 0; i < vc->n; i++) {
		free(vc->v[i].lower);
		free(vc->v[i].folded);
		free(vc->v[i].stem);
	}
	free(vc->v);
	free(vc->slots);
	free(vc->toks.v);
	if (vc->sb)
		sb_stemmer_delete(vc->sb);
	*vc = (struct vocab){0};
}

/* Counts the words of s and returns where their tokens are. */
struct span search_vocab_text(struct vocab *vc, const char *s)
{
	return search_vocab_text_len(vc, s, s ? strlen(s) : 0);
}

struct span search_vocab_text_len(struct vocab *vc, const char *s, size_t len)
{
	struct span sp = {vc->toks.n, vc->toks.n};
	if (!s)
		return sp;
	struct search_split ws;
	search_split_init_len(&ws, s, len);
	while (search_split_next(&ws))
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
