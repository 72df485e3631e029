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

/*
 * The hash of a spelling of more than 16 bytes, eight bytes at a time: key
 * is zero-padded to a multiple of 8 (short_hash for the others). Only the
 * table's order depends on it, which no output does (words are sorted,
 * tokens are ids).
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

/*
 * Counts the spelling key[0..n) (n <= SEARCH_WORD_MAX; zero-padded in
 * memory when longer than 16 bytes), head x0 x1 and hash h as
 * short_hash or spelling_hash gives them, and adds its token. The caller
 * has made room for the token, and the table has room for one more
 * spelling (vocab_room).
 */
static inline void vocab_count(struct vocab *vc, const char *key, size_t n, uint64_t x0, uint64_t x1,
			       unsigned long long h)
{
	struct vslot *sl = vocab_find(vc, key, n, h, x0, x1);
	if (sl->k0) {
		sl->count++;
		vc->toks.v[vc->toks.n++] = sl->id & ~VSLOT_LONG;
		return;
	}
	struct spelling *sp = vocab_insert(vc, sl, n, h, x0, x1);
	sl->count = 1;
	/* Kept zero-padded to a multiple of 8 (its NUL included). */
	size_t padded = (n + 8) & ~(size_t)7;
	sp->lower = xmalloc(padded);
	memcpy(sp->lower, key, n);
	memset(sp->lower + n, 0, padded - n);
	vc->toks.v[vc->toks.n++] = sp->id;
	/* Room for the next one: the table stays at most half full. */
	if ((vc->n + 1) * 2 > vc->cap)
		vocab_grow(vc);
}

/*
 * The hash of a spelling of n <= 16 bytes whose first 16 bytes are x0 x1,
 * zero past n: they tell its length too (a word holds no zero byte), so n
 * is not mixed in (a multiply less a word, for every word of the site).
 */
static inline unsigned long long short_hash(size_t n, uint64_t x0, uint64_t x1)
{
	unsigned long long h = x0 * UINT64_C(0xFF51AFD7ED558CCD);
	h ^= h >> 32;
	if (n > 8) {
		h = (h ^ x1) * UINT64_C(0xFF51AFD7ED558CCD);
		h ^= h >> 32;
	}
	return h;
}

/*
 * Counts the word key[0..n) (n <= SEARCH_WORD_MAX), key having room for
 * 16 bytes past n, whatever they hold.
 */
static inline void vocab_add_key(struct vocab *vc, char *key, size_t n)
{
	/*
	 * The word was written with 16-byte stores and what follows it left
	 * as it was: its head is read whole and masked here rather than
	 * zeroed in memory first, since an 8-byte load over a store of 8
	 * zeros at an odd place cannot take its bytes from the stores in
	 * flight and waits for them (most words are short). A word of more
	 * than 16 bytes is zero-padded in memory as spelling_hash and
	 * same_spelling read it.
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
		h = short_hash(n, x0, x1);
	} else {
		memset(key + n, 0, 8);
		h = spelling_hash(key, n);
	}
	vocab_count(vc, key, n, x0, x1, h);
}

/*
 * The tokens' pages populated this many bytes at a time, ahead of the
 * words (search_populate): at 10 000 fiches 5 700 pages of tokens were
 * faulted in one by one. At most one such slice a group is populated and
 * not used.
 */
#define TOKEN_SLICE ((uintptr_t)128 << 10)

/*
 * token_room's slow path: v grown when full, then its next slices
 * populated up to room for n more; a slice ends at a page's end, so that
 * none is left between two.
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void token_more(struct tokens *t, size_t n)
{
	if (t->n + n > t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 65536;
		if (t->alloc < t->n + n)
			t->alloc = t->n + n;
		t->v = xrealloc(t->v, t->alloc * sizeof *t->v);
		t->cap = t->n;  /* the copy has the pages of the tokens so far */
	}
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), v = (uintptr_t)t->v;
	uintptr_t v_end = v + t->alloc * sizeof *t->v;
	while (t->n + n > t->cap) {
		uintptr_t at = v + t->cap * sizeof *t->v, end = page ? (at + TOKEN_SLICE) & ~(page - 1) : 0;
		size_t cap = end > at && end < v_end ? (size_t)(end - v) / sizeof *t->v : t->alloc;
		search_populate(t->v + t->cap, (cap - t->cap) * sizeof *t->v);
		t->cap = cap;
	}
}

/* Room for n more tokens, their pages populated. */
static inline void token_room(struct tokens *t, size_t n)
{
	if (t->n + n > t->cap)
		token_more(t, n);
}

#ifndef __SSE2__
/* Counts the word that ws has just read (the splitter's path, where SSE2 is not there). */
static inline void vocab_add(struct vocab *vc, struct search_split *ws)
{
	token_room(&vc->toks, 1);
	if (ws->len > SEARCH_WORD_MAX)
		vc->toks.v[vc->toks.n++] = NO_WORD;
	else
		vocab_add_key(vc, ws->lower, ws->len);
}
#endif

#ifdef __SSE2__
/*
 * The words of a text 64 bytes at a time (search_split_next's, which
 * reads a word at a time, cost about 140 instructions a word). A block
 * gives the mask of the bytes of words, bit k for byte k: ASCII letters
 * and digits, and both bytes of U+00C0..U+017F but × and ÷. A word is a
 * run of it: its start and end come from two bit operations, and a word
 * crossing into the next block is carried over. A word of 16 bytes or
 * fewer, nearly all, gets its head in a register, as it is written: the
 * vocabulary keeps each spelling as written, and its lower case is made
 * once a spelling when the groups merge (search_vocab_merge), not once a
 * word (a word's lower case was a quarter of the word loop).
 */

/* x <= max, as unsigned bytes. */
static inline __m128i bytes_le(__m128i x, __m128i max)
{
	return _mm_cmpeq_epi8(_mm_min_epu8(x, max), x);
}

/*
 * The bytes of words among the 64 from p (p[0..81) readable), but the
 * second byte of a character whose first is the block's last: two_out
 * gets that one's bit (bit 63 of the first bytes of two-byte characters).
 */
static inline uint64_t block_words(const unsigned char *p, uint64_t *two_out)
{
	const __m128i bit5 = _mm_set1_epi8(0x20), a = _mm_set1_epi8('a'), z = _mm_set1_epi8('z' - 'a');
	const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
	const __m128i c3 = _mm_set1_epi8((char)0xC3), two_leads = _mm_set1_epi8(2);
	const __m128i top = _mm_set1_epi8((char)0xC0), cont = _mm_set1_epi8((char)0x80);
	const __m128i sign = _mm_set1_epi8((char)0xB7);
	uint64_t ascii = 0, two = 0;
	for (int k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
		__m128i next = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k + 1));
		__m128i letter = bytes_le(_mm_sub_epi8(_mm_or_si128(v, bit5), a), z);
		__m128i digit = bytes_le(_mm_sub_epi8(v, zero), nine);
		/* 0xC3..0xC5 before a continuation byte, but × (C3 97) and ÷ (C3 B7). */
		__m128i first = bytes_le(_mm_sub_epi8(v, c3), two_leads);
		__m128i second = _mm_cmpeq_epi8(_mm_and_si128(next, top), cont);
		__m128i not_letter = _mm_and_si128(_mm_cmpeq_epi8(v, c3),
						   _mm_cmpeq_epi8(_mm_or_si128(next, bit5), sign));
		__m128i lead = _mm_andnot_si128(not_letter, _mm_and_si128(first, second));
		ascii |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(letter, digit)) << (16 * k);
		two |= (uint64_t)(unsigned)_mm_movemask_epi8(lead) << (16 * k);
	}
	*two_out = two >> 63;
	return ascii | two | two << 1;
}

/* What the word loop keeps in registers: the table and where the next token goes. */
struct word_state {
	struct vocab *vc;
	struct vslot *slots;
	size_t mask;
	uint32_t *tok;
};

/* vc's tokens and table as the loop left and will find them (around a call that may change them). */
static inline void state_save(struct word_state *st)
{
	st->vc->toks.n = (size_t)(st->tok - st->vc->toks.v);
}

static inline void state_load(struct word_state *st)
{
	st->slots = st->vc->slots;
	st->mask = st->vc->cap - 1;
	st->tok = st->vc->toks.v + st->vc->toks.n;
}

/* A new spelling of n <= 16 bytes (head x0 x1, zero past n, hash h): the only time its bytes are in memory. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void insert_short(struct vocab *vc, size_t n, uint64_t x0, uint64_t x1, unsigned long long h)
{
	char key[24] = {0};
	memcpy(key, &x0, 8);
	memcpy(key + 8, &x1, 8);
	vocab_count(vc, key, n, x0, x1, h);
}

/* Counts the word p[0..n) (n <= 16), p[0..16) readable, as it is written. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void add_short(struct word_state *st, const unsigned char *p, size_t n)
{
	static const unsigned char ones[32] = {
		0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
		0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	};
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i in = _mm_loadu_si128((const __m128i *)(const void *)(ones + 16 - n));
	__m128i word = _mm_and_si128(v, in);
	uint64_t x0 = (uint64_t)_mm_cvtsi128_si64(word);
	uint64_t x1 = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(word, word));
	unsigned long long h = short_hash(n, x0, x1);
	for (size_t j = h & st->mask;; j = (j + 1) & st->mask) {
		struct vslot *sl = &st->slots[j];
		if (sl->k0 == x0 && sl->k1 == x1 && !(sl->id & VSLOT_LONG)) {
			sl->count++;
			*st->tok++ = sl->id;
			return;
		}
		if (!sl->k0) {
			state_save(st);
			insert_short(st->vc, n, x0, x1, h);
			state_load(st);
			return;
		}
	}
}

/* Counts a word p[0..n) of more than 16 bytes, as it is written. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void add_long(struct vocab *vc, const unsigned char *p, size_t n)
{
	if (n > SEARCH_WORD_MAX) {
		vc->toks.v[vc->toks.n++] = NO_WORD;
		return;
	}
	char key[SEARCH_WORD_MAX + 16];
	memcpy(key, p, n);
	vocab_add_key(vc, key, n);
}

#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void add_word(struct word_state *st, const unsigned char *p, size_t n)
{
	if (n <= 16) {
		add_short(st, p, n);
	} else {
		state_save(st);
		add_long(st->vc, p, n);
		state_load(st);
	}
}

/*
 * The words of a block that end in it, starts and ends their bits; returns
 * the starts left (a word going on into the next block).
 */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline uint64_t add_block_words(struct word_state *st, const unsigned char *p, uint64_t starts,
				       uint64_t ends)
{
	while (ends) {
		unsigned from = (unsigned)__builtin_ctzll(starts), to = (unsigned)__builtin_ctzll(ends);
		starts &= starts - 1;
		ends &= ends - 1;
		add_word(st, p + from, to - from);
	}
	return starts;
}

/* The words of s[0..len) (no NUL among them, s[len] is one) into vc. */
static void vocab_words(struct vocab *vc, const unsigned char *s, size_t len)
{
	/*
	 * A block reads 65 bytes from its start and a word 16 from its own:
	 * the text's last ones are read from a copy padded with zeros (no
	 * word bytes), never past the text.
	 */
	unsigned char tail[256];
	const unsigned char *base = s;
	const unsigned char *pending = NULL;    /* the start of a word running into the block */
	int pending_long = 0;                   /* or one already too long to index, before the copy */
	size_t end = len, pos = 0;
	uint64_t carry_two = 0, carry_word = 0; /* a second byte at bit 0; a word byte before it */
	int in_tail = 0;
	struct word_state st = {vc, NULL, 0, NULL};
	state_load(&st);
	while (pos < end || pending || pending_long) {
		if (!in_tail && end - pos < 96) {
			/*
			 * From the pending word's start, if any, so that a word is
			 * read from one piece of memory; a word too long already
			 * only needs its end.
			 */
			size_t from = pos;
			if (pending && pos - (size_t)(pending - base) <= SEARCH_WORD_MAX) {
				from = (size_t)(pending - base);
				carry_two = carry_word = 0;
			} else if (pending) {
				pending_long = 1;
			}
			pending = NULL;
			memset(tail, 0, sizeof tail);
			memcpy(tail, base + from, end - from);
			base = tail;
			end -= from;
			pos = 0;
			in_tail = 1;
		}
		const unsigned char *p = base + pos;
		uint64_t two;
		uint64_t word = block_words(p, &two) | carry_two;
		uint64_t before = word << 1 | carry_word;
		uint64_t starts = word & ~before, ends = ~word & before;
		carry_two = two;
		carry_word = word >> 63;
		/* At most 33 words end in 64 bytes. */
		if ((size_t)(st.tok - vc->toks.v) + 33 > vc->toks.cap) {
			state_save(&st);
			token_room(&vc->toks, 33);
			state_load(&st);
		}
		if ((pending || pending_long) && ends) {
			unsigned to = (unsigned)__builtin_ctzll(ends);
			ends &= ends - 1;
			if (pending_long)
				*st.tok++ = NO_WORD;
			else
				add_word(&st, pending, (size_t)(p + to - pending));
			pending = NULL;
			pending_long = 0;
		}
		starts = add_block_words(&st, p, starts, ends);
		if (starts)
			pending = p + __builtin_ctzll(starts);
		pos += 64;
	}
	state_save(&st);
}
#endif

/*
 * The lower case of spelling key[0..n), in place (a word's: every byte
 * a word byte; a character's lower case has as many bytes as itself).
 */
static void spelling_lower(char *key, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned b = search_word_byte[(unsigned char)key[i]];
		if (b > SEARCH_LEAD2) {
			key[i++] = (char)b;
		} else {
			uint32_t l = search_lower_tab[(((key[i] & 0x1F) << 6) | (key[i + 1] & 0x3F)) - 0xC0];
			key[i] = (char)(0xC0 | (l >> 6));
			key[i + 1] = (char)(0x80 | (l & 0x3F));
			i += 2;
		}
	}
}

/*
 * Moves part's spellings into vc, in part's id order, in lower case
 * (spellings differing only by case become one): a spelling vc has adds
 * its count, a new one takes the next id and is stemmed with vc's stemmer.
 * Then part's tokens, still part's ids, to *toks and the map of part's
 * ids to vc's to *map (the caller's now). No output depends on the ids
 * (see spelling_hash).
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
		spelling_lower(from->lower, from->len);
		spelling_head(from->lower, from->len, &x0, &x1);
		from->hash = from->len <= 16 ? short_hash(from->len, x0, x1) : spelling_hash(from->lower, from->len);
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
			/* Each spelling stemmed once, here (a part has no stemmer). */
			if (vc->sb)
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
	if ((vc->n + 1) * 2 > vc->cap)
		vocab_grow(vc);
#ifdef __SSE2__
	vocab_words(vc, (const unsigned char *)s, len);
#else
	struct search_split ws;
	search_split_init_len(&ws, s, len);
	while (search_split_next(&ws))
		vocab_add(vc, &ws);
#endif
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
