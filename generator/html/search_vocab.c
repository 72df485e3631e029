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

static void put_token(struct tokens *t, uint32_t id)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 65536;
		t->v = xrealloc(t->v, t->cap * sizeof *t->v);
	}
	t->v[t->n++] = id;
}

/* Counts one word of the text (w[0..n) made of word characters). */
static void vocab_add(struct vocab *vc, const char *w, size_t n)
{
	buf_reset(&vc->scratch);
	search_lower(w, n, &vc->scratch);
	const char *key = buf_cstr(&vc->scratch);
	size_t klen = vc->scratch.len;
	if (klen > 64) {
		put_token(&vc->toks, NO_WORD); /* not a word a reader types: a URL piece, a hash */
		return;
	}
	if ((vc->n + 1) * 2 > vc->cap)
		vocab_grow(vc);
	unsigned long long h = hash_bytes(key, klen);
	size_t j = h & (vc->cap - 1);
	while (vc->v[j].lower) {
		if (vc->v[j].hash == h && strcmp(vc->v[j].lower, key) == 0) {
			vc->v[j].count++;
			put_token(&vc->toks, vc->v[j].id);
			return;
		}
		j = (j + 1) & (vc->cap - 1);
	}
	struct spelling *sp = &vc->v[j];
	sp->lower = xstrdup(key);
	sp->hash = h;
	sp->count = 1;
	sp->id = (uint32_t)vc->n++;
	put_token(&vc->toks, sp->id);
	struct buf f = BUF_INIT;
	search_fold(key, klen, &f);
	if (f.len >= 2 && !search_is_stop_word(buf_cstr(&f))) {
		sp->folded = buf_detach(&f);
		sp->stem = search_stem_with(vc->sb, key, klen);
	}
	buf_free(&f);
}

/* Counts the words of s and returns where their tokens are. */
struct span search_vocab_text(struct vocab *vc, const char *s)
{
	struct span sp = {vc->toks.n, vc->toks.n};
	if (!s)
		return sp;
	size_t n = strlen(s), i = 0, start = 0;
	int in_word = 0;
	while (i < n) {
		uint32_t cp = (unsigned char)s[i];
		size_t k = 1;
		if (cp >= 0x80 && (k = utf8_decode(s + i, n - i, &cp)) == 0)
			k = 1, cp = 0xFFFD;
		int w = cp < 0x80 ? ascii_isalnum((int)cp) : search_word_char(cp);
		if (w && !in_word)
			start = i;
		else if (!w && in_word)
			vocab_add(vc, s + start, i - start);
		in_word = w;
		i += k;
	}
	if (in_word)
		vocab_add(vc, s + start, n - start);
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
