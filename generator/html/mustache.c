/*
 * Mustache template set and renderer (see mustache.h).
 *
 * Stage: HTML rendering. Input: templates compiled by mustache_parse.c and
 * a value (mvalue.h) as context. Output: appended to the caller's buffer.
 *
 * The set is a hash table of compiled templates, owned by the set. Rendering
 * walks the node tree; all its state (context stack, indentation, depth
 * counters) lives in a struct render on the caller's stack, and the set and
 * the context are only read, so any number of threads may render from one
 * set at once.
 */
#include "mustache.h"
#include "mustache_parse.h"
#include "mvalue_json.h"
#include "xalloc.h"
#include "i18n.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/*
 * Sections and partials open at once while rendering. Compile-time limits
 * already bound it (MUSTACHE_MAX_NEST sections per template times
 * MUSTACHE_MAX_DEPTH partials); this lower bound keeps the C stack used by
 * the recursive walk small enough for worker threads.
 */
#define MAX_RENDER_NEST 1024

struct mustache_set {
	struct mtemplate **slots;	/* open addressing, linear probing; owned */
	size_t cap;			/* a power of two */
	size_t count;
};

struct render {
	const struct mustache_set *set;
	struct buf *out;
	struct diag *d;
	void *user;		/* handed to views (mvalue.h) */
	struct mval *ctx;	/* the context stack, bottom first; owned */
	size_t nctx, capctx;
	/*
	 * Indentation of the standalone partials being rendered, concatenated;
	 * the current one is indent.data[ind_from..indent.len).
	 */
	struct buf indent;
	size_t ind_from;
	/*
	 * nctx when the top of the stack is a value with no names (a string,
	 * a number, true) that a section pushed, else less (see var.top).
	 */
	size_t scalar_top;
	int partials;		/* partials open */
	int nest;		/* sections and partials open */
	/*
	 * Items kept (mustache_render_cached), NULL for none, under scope.
	 * While an item that may be kept renders, floor is its place on the
	 * context stack (else 0) and tainted is set by a lookup that did not
	 * find its name at or above floor: the item then depends on the page
	 * around it and is not kept.
	 */
	struct mustache_cache *cache;
	unsigned scope;
	size_t floor;
	int tainted;
	size_t stored, hits;	/* added to the cache's counts at the end */
};

/*
 * An item kept: the bytes that what (a section's node, for its kids, or the
 * one partial they are) wrote for subject, a view of class view, under scope.
 *
 * A place of the table is 32 bytes, half a cache line, so that a probe
 * reads one line: the view's class, which every probe that finds its item
 * compares and hardly any other, is in the chunk, just before the bytes
 * (kept_view). The tables are a good part of the cache's budget, and what
 * they spare keeps more items (at 10 000 fiches, 48-byte places: 121 000
 * items rendered; 32-byte ones: about 114 000, a simulation of the build's
 * lookups in order).
 */
struct kept_item {
	const void *what;		/* NULL: an empty place of the table */
	const void *subject;
	const char *bytes;		/* in one of the stripe's chunks, after the view */
	uint32_t len;
	uint32_t scope;
};

/* A block of a stripe's bytes: items one after the other, never moved. */
struct chunk {
	char *p;			/* owned */
	size_t cap;
};

/*
 * A part of the cache: the items whose hash picks it (kept_stripe), under
 * its own lock, in its own table and chunks.
 *
 * The threads rendering pages take a lock once per list item, and never
 * wait for one: a stripe being changed is not read (the item is rendered),
 * a stripe being read or changed is not stored into (the item is not kept
 * this time). With one mutex for the whole cache, waited for, a thread
 * found it taken only a few times in the 44 700 lookups and stores of a
 * build of 1 000 fiches, but then mostly because the other thread had been
 * preempted holding it (a loaded machine, a VM's vCPU): the waiter slept
 * for the holder's whole time slice, and those waits were a third of the
 * render phase's context switches (perf sched_switch). The stripes keep
 * the cost of such a moment small: the items of the one stripe held are
 * rendered meanwhile, the others still read and kept. Two threads writing
 * the same list at once, as on two pages of a directory, read the same
 * items together under the reader lock.
 *
 * Since a lock is only ever tried, it is one atomic integer (try_read,
 * try_write), not a pthread_rwlock_t: glibc's try and unlock took some 60
 * instructions a hit, for waiters that never exist here (callgrind at
 * 10 000 fiches, 353 000 tries and 353 000 unlocks).
 *
 * Aligned apart, so that a lock taken on one core does not take its
 * neighbours' cache line from the other.
 */
struct stripe {
	alignas(64) atomic_int lock;	/* readers holding it, or -1: a writer (try_read) */
	struct kept_item *tab;		/* open addressing, linear probing; owned */
	size_t cap, n;			/* cap 0 or a power of two */
	/*
	 * The items' bytes, in chunks that are never moved or copied as the
	 * stripe grows (a buffer doubled up to the budget would copy and fault
	 * in twice what it keeps); after a clear they are filled again from
	 * the first. chunks[cur] is being filled, used bytes of it so far.
	 * A hit copies its bytes under the lock: a clear, under it too, is
	 * what lets them be written over.
	 */
	struct chunk *chunks;		/* owned */
	size_t nchunks, cur, used;
};

/*
 * The stripes' number: as many as the budget gives each this much (a small
 * budget stays one stripe, its table and items not spread thin), at most
 * MAX_STRIPES: 8 for the pages' 16 MB.
 */
#define STRIPE_MIN_BYTES ((size_t)1 << 20)
#define MAX_STRIPES 8

struct mustache_cache {
	struct stripe stripes[MAX_STRIPES];
	unsigned nstripes;		/* a power of two, at most MAX_STRIPES */
	/*
	 * The stripes' tables and chunks together, at most max bytes: one
	 * budget, taken as they grow (budget_take), so that an item of up to
	 * a quarter of it is kept whichever stripe it falls in. Once it is
	 * spent, a stripe that is full forgets its items and fills its own
	 * memory again; the others keep theirs.
	 */
	size_t max;
	atomic_size_t held;
	/* Items kept and written again, added once per render (struct render). */
	atomic_size_t stored, hits;
	/*
	 * Every scope seen (owned copies): its number is its place. Read
	 * once per render, added to on a directory's first page.
	 */
	pthread_rwlock_t scopes_lock;
	struct slice *scopes;		/* owned */
	size_t nscopes;
};

struct mustache_set *mustache_set_new(void)
{
	struct mustache_set *set = xcalloc(1, sizeof *set);
	set->cap = 16;
	set->slots = xcalloc(set->cap, sizeof *set->slots);
	return set;
}

void mustache_set_free(struct mustache_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->cap; i++)
		mustache_parse_free(set->slots[i]);
	free(set->slots);
	free(set);
}

/* The slot holding name, or the empty slot where it would go. */
static size_t slot_of(const struct mustache_set *set, const char *name, size_t n,
		      uint32_t hash)
{
	size_t mask = set->cap - 1;
	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		const struct mtemplate *t = set->slots[i];
		if (!t || (t->hash == hash && t->namelen == n &&
			   memcmp(t->name, name, n) == 0))
			return i;
	}
}

static const struct mtemplate *find(const struct mustache_set *set,
				    const char *name, size_t n, uint32_t hash)
{
	return set->slots[slot_of(set, name, n, hash)];
}

static void grow(struct mustache_set *set)
{
	struct mtemplate **old = set->slots;
	size_t oldcap = set->cap;
	set->cap *= 2;
	set->slots = xcalloc(set->cap, sizeof *set->slots);
	for (size_t i = 0; i < oldcap; i++) {
		struct mtemplate *t = old[i];
		if (t)
			set->slots[slot_of(set, t->name, t->namelen, t->hash)] = t;
	}
	free(old);
}

int mustache_set_add(struct mustache_set *set, const char *name,
		     const char *path, const char *text, size_t len,
		     struct diag *d)
{
	struct mtemplate *t = mustache_parse(name, path, text, len, d);
	if (!t)
		return -1;
	if (2 * (set->count + 1) > set->cap)
		grow(set);
	size_t i = slot_of(set, t->name, t->namelen, t->hash);
	if (set->slots[i])
		mustache_parse_free(set->slots[i]);
	else
		set->count++;
	set->slots[i] = t;
	return 0;
}

int mustache_set_has(const struct mustache_set *set, const char *name)
{
	size_t n = strlen(name);
	return find(set, name, n, mustache_parse_hash(name, n)) != NULL;
}

/* ---- items kept from one render to the next ---- */

/*
 * Items of lighter sections are rendered again: looking one up and copying
 * it would cost about as much as writing its one tag. Two tags already pay
 * (a link and a title in a list of fiches or taxa: each view's answer costs
 * a lookup down the stack and a switch; callgrind at 1 000 fiches, pages
 * 135.4 M instructions with 8 as the least weight kept, 121.3 M with 4,
 * 119.2 M with 2).
 */
#define KEEP_MIN_WEIGHT 2

struct mustache_cache *mustache_cache_new(size_t max_bytes)
{
	/* aligned_alloc: the stripes' alignment; the size is a multiple of it. */
	struct mustache_cache *c = aligned_alloc(alignof(struct mustache_cache), sizeof *c);
	if (!c)
		xalloc_failed();
	memset(c, 0, sizeof *c);
	unsigned n = 1;
	while (n < MAX_STRIPES && max_bytes / (2 * n) >= STRIPE_MIN_BYTES)
		n *= 2;
	c->nstripes = n;
	for (unsigned i = 0; i < n; i++)
		atomic_init(&c->stripes[i].lock, 0);
	c->max = max_bytes;
	atomic_init(&c->held, 0);
	atomic_init(&c->stored, 0);
	atomic_init(&c->hits, 0);
	pthread_rwlock_init(&c->scopes_lock, NULL);
	return c;
}

void mustache_cache_free(struct mustache_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nscopes; i++)
		free((char *)c->scopes[i].p);
	free(c->scopes);
	pthread_rwlock_destroy(&c->scopes_lock);
	for (unsigned k = 0; k < c->nstripes; k++) {
		struct stripe *s = &c->stripes[k];
		free(s->tab);
		for (size_t i = 0; i < s->nchunks; i++)
			free(s->chunks[i].p);
		free(s->chunks);
	}
	free(c);
}

struct mustache_cache_stats mustache_cache_stats(struct mustache_cache *c)
{
	return (struct mustache_cache_stats){atomic_load(&c->hits), atomic_load(&c->stored)};
}

/*
 * A stripe's lock (struct stripe), taken by a reader when no writer holds
 * it: 1 when taken. Acquire: what the last writer did before end_write is
 * seen.
 */
static inline int try_read(atomic_int *lock)
{
	int n = atomic_load_explicit(lock, memory_order_relaxed);
	while (n >= 0)
		if (atomic_compare_exchange_weak_explicit(lock, &n, n + 1, memory_order_acquire,
							  memory_order_relaxed))
			return 1;
	return 0;
}

/* Release: the writer that takes the lock next comes after this reader's reads. */
static inline void end_read(atomic_int *lock)
{
	atomic_fetch_sub_explicit(lock, 1, memory_order_release);
}

/* Taken by a writer when nobody holds it: 1 when taken. */
static inline int try_write(atomic_int *lock)
{
	int free_ = 0;
	return atomic_compare_exchange_strong_explicit(lock, &free_, -1, memory_order_acquire,
						       memory_order_relaxed);
}

static inline void end_write(atomic_int *lock)
{
	atomic_store_explicit(lock, 0, memory_order_release);
}

/* The place of scope[0..n) in c->scopes, or c->nscopes; under scopes_lock. */
static size_t scope_place(const struct mustache_cache *c, const char *scope, size_t n)
{
	size_t i = 0;
	while (i < c->nscopes &&
	       !(c->scopes[i].n == n && (n == 0 || memcmp(c->scopes[i].p, scope, n) == 0)))
		i++;
	return i;
}

/*
 * The number of scope[0..n) in c, given to it on first sight: looked up
 * under the reader lock (every page), added under the writer lock (a
 * directory's first page), where it is looked up again, as another thread
 * may have added it between the two.
 */
static unsigned cache_scope(struct mustache_cache *c, const char *scope, size_t n)
{
	pthread_rwlock_rdlock(&c->scopes_lock);
	size_t i = scope_place(c, scope, n);
	int found = i < c->nscopes;
	pthread_rwlock_unlock(&c->scopes_lock);
	if (found)
		return (unsigned)i;
	pthread_rwlock_wrlock(&c->scopes_lock);
	i = scope_place(c, scope, n);
	if (i == c->nscopes) {
		c->scopes = xrealloc(c->scopes, (c->nscopes + 1) * sizeof *c->scopes);
		char *copy = xmalloc(n + 1);
		if (n)
			memcpy(copy, scope, n);
		copy[n] = '\0';
		c->scopes[c->nscopes++] = (struct slice){copy, n};
	}
	pthread_rwlock_unlock(&c->scopes_lock);
	return (unsigned)i;
}

static uint64_t kept_hash(const void *what, const void *subject, unsigned scope)
{
	uint64_t h = (uint64_t)(uintptr_t)subject * 0x9e3779b97f4a7c15u;
	h ^= (uint64_t)(uintptr_t)what * 0xc2b2ae3d27d4eb4fu;
	h ^= (uint64_t)scope * 0x165667b19e3779f9u;
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9u;
	return h ^ (h >> 29);
}

/* The stripe of an item of hash h: its high bits (a table's place takes the low ones). */
static struct stripe *kept_stripe(struct mustache_cache *c, uint64_t h)
{
	return &c->stripes[(h >> 48) & (c->nstripes - 1)];
}

/* The class of the views whose item e is, kept before its bytes. */
static const struct mview *kept_view(const struct kept_item *e)
{
	const struct mview *view;
	memcpy(&view, e->bytes - sizeof view, sizeof view);
	return view;
}

/* The place of the item of hash h, or the empty place where it would go; s->cap > 0. */
static struct kept_item *kept_place(const struct stripe *s, uint64_t h, const void *what,
				    const struct mview *view, const void *subject, unsigned scope)
{
	size_t mask = s->cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct kept_item *e = &s->tab[i];
		if (!e->what || (e->what == what && e->subject == subject && e->scope == scope &&
				 kept_view(e) == view))
			return e;
	}
}

/* The empty place where an item of hash h goes, among items all different; s->cap > 0. */
static struct kept_item *kept_empty_place(const struct stripe *s, uint64_t h)
{
	size_t mask = s->cap - 1;
	size_t i = (size_t)h & mask;
	while (s->tab[i].what)
		i = (i + 1) & mask;
	return &s->tab[i];
}

static const struct kept_item *kept_find(const struct stripe *s, uint64_t h, const void *what,
					 const struct mview *view, const void *subject,
					 unsigned scope)
{
	if (!s->n)
		return NULL;
	const struct kept_item *e = kept_place(s, h, what, view, subject, scope);
	return e->what ? e : NULL;
}

/* Forgets every item of s (the memory stays for the next ones). */
static void stripe_clear(struct stripe *s)
{
	if (s->cap)
		memset(s->tab, 0, s->cap * sizeof *s->tab);
	s->n = 0;
	s->cur = 0;
	s->used = 0;
}

/* Takes n bytes of c's budget for a stripe's table or chunk; 0 when they would pass it. */
static int budget_take(struct mustache_cache *c, size_t n)
{
	size_t held = atomic_load_explicit(&c->held, memory_order_relaxed);
	do {
		if (n > c->max || held > c->max - n)
			return 0;
	} while (!atomic_compare_exchange_weak_explicit(&c->held, &held, held + n,
						       memory_order_relaxed, memory_order_relaxed));
	return 1;
}

/*
 * Room for s's table at cap places, more than it has; 0 when it would pass
 * the budget (the old table, freed here, is not counted).
 */
static int stripe_table(struct mustache_cache *c, struct stripe *s, size_t cap)
{
	struct kept_item *old = s->tab;
	size_t oldcap = s->cap;
	if (!budget_take(c, (cap - oldcap) * sizeof *s->tab))
		return 0;
	/* Aligned on a cache line (cap is at least 64), so that no place spans two. */
	s->tab = aligned_alloc(64, cap * sizeof *s->tab);
	if (!s->tab)
		xalloc_failed();
	memset(s->tab, 0, cap * sizeof *s->tab);
	s->cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].what)
			*kept_empty_place(s, kept_hash(old[i].what, old[i].subject, old[i].scope)) =
				old[i];
	free(old);
	return 1;
}

/*
 * Where the next n bytes of s's items go: in the chunk being filled, in
 * the next chunk already made (after a clear), or in a new chunk within the
 * budget; NULL when there is no room.
 */
static char *stripe_room(struct mustache_cache *c, struct stripe *s, size_t n)
{
	if (s->cur < s->nchunks && s->chunks[s->cur].cap - s->used >= n)
		return s->chunks[s->cur].p + s->used;
	while (s->cur + 1 < s->nchunks) {
		s->cur++;
		s->used = 0;
		if (s->chunks[s->cur].cap >= n)
			return s->chunks[s->cur].p;
	}
	/* A sixteenth of a stripe's share of the budget, at most 256 KB, or the item's size. */
	size_t share = c->max / c->nstripes;
	size_t cap = share / 16 < ((size_t)256 << 10) ? share / 16 : (size_t)256 << 10;
	if (cap < n)
		cap = n;
	if (!budget_take(c, cap))
		return NULL;
	s->chunks = xrealloc(s->chunks, (s->nchunks + 1) * sizeof *s->chunks);
	s->chunks[s->nchunks] = (struct chunk){xmalloc(cap ? cap : 1), cap};
	s->cur = s->nchunks++;
	s->used = 0;
	return s->chunks[s->cur].p;
}

/*
 * Keeps b[0..n) as the item of hash h in its stripe s, whose lock the
 * caller holds as writer, and returns 1, or 0 when it does not keep it.
 * The tables and the bytes stay within c's budget (their places and their
 * chunks, max bytes at most): when the item does not fit, every other item
 * of the stripe is forgotten first.
 */
static int kept_store(struct mustache_cache *c, struct stripe *s, uint64_t h, const void *what,
		      const struct mview *view, const void *subject, unsigned scope,
		      const char *b, size_t n)
{
	if (n > c->max / 4 || n > UINT32_MAX)
		return 0; /* an item that large would leave room for few others */
	if (kept_find(s, h, what, view, subject, scope))
		return 0; /* kept by another thread meanwhile */
	if (2 * (s->n + 1) > s->cap && !stripe_table(c, s, s->cap ? 2 * s->cap : 64)) {
		stripe_clear(s);
		if (2 * (s->n + 1) > s->cap)
			return 0; /* not even a small table fits */
	}
	/* The view's class, then the bytes (struct kept_item). */
	size_t room = sizeof view + n;
	char *to = stripe_room(c, s, room);
	if (!to) {
		stripe_clear(s);
		if (!(to = stripe_room(c, s, room)))
			return 0;
	}
	memcpy(to, &view, sizeof view);
	if (n)
		memcpy(to + sizeof view, b, n);
	*kept_place(s, h, what, view, subject, scope) =
		(struct kept_item){what, subject, to + sizeof view, (uint32_t)n, scope};
	s->used += room;
	s->n++;
	return 1;
}

/* ---- rendering ---- */

/*
 * Appends to the page being rendered. The buffer keeps room for its NUL,
 * written once at the end of the render (mustache_render_value), not after
 * every piece.
 */
static inline void put(struct buf *out, const char *s, size_t n)
{
	if (out->cap - out->len <= n)
		buf_grow(out, n);
	char *d = out->data + out->len;
	out->len += n;
	/*
	 * Most pieces are short (an attribute, a word between tags, a link):
	 * copied with two overlapping moves instead of a call to memcpy, or,
	 * up to 64 bytes, sixteen bytes at a time, the last sixteen
	 * overlapping (memcpy's call and dispatch cost more than the copy).
	 */
	if (n > 64) {
		memcpy(d, s, n);
#ifdef __SSE2__
	} else if (n > 16) {
		for (size_t i = 0; i + 16 < n; i += 16)
			_mm_storeu_si128((__m128i *)(void *)(d + i),
					 _mm_loadu_si128((const __m128i *)(const void *)(s + i)));
		_mm_storeu_si128((__m128i *)(void *)(d + n - 16),
				 _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16)));
#else
	} else if (n > 16) {
		memcpy(d, s, n);
#endif
	} else if (n >= 8) {
		uint64_t a, b;
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &b, 8);
	} else if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		memcpy(d, &a, 4);
		memcpy(d + n - 4, &b, 4);
	} else if (n) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	}
}

/* The bytes HTML escaping replaces, with their entity. */
static const char *const html_entity[256] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
};
static const unsigned char html_entity_len[256] = {
	['&'] = 5, ['<'] = 4, ['>'] = 4, ['"'] = 6, ['\''] = 5,
};

#ifdef __SSE2__
/* Bit i set when v's byte i is one that HTML escaping replaces. */
static inline unsigned special_bits(__m128i v)
{
	__m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('&')),
						_mm_cmpeq_epi8(v, _mm_set1_epi8('<'))),
				   _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('>')),
						_mm_cmpeq_epi8(v, _mm_set1_epi8('"'))));
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8('\''))));
}
#endif

/*
 * The first byte of p[0..end) that HTML escaping replaces, or end; the
 * string began at start (start <= p), so the bytes before p may be read
 * again, never those outside it.
 */
static const unsigned char *next_special(const unsigned char *start, const unsigned char *p,
					 const unsigned char *end)
{
#ifdef __SSE2__
	/* Sixteen bytes at a time (every x86-64 has SSE2). */
	for (; end - p >= 16; p += 16) {
		unsigned mask = special_bits(_mm_loadu_si128((const __m128i *)(const void *)p));
		if (mask)
			return p + __builtin_ctz(mask);
	}
	if (p == end)
		return end;
	if (end - start >= 16) {
		/* The tail: the string's last sixteen bytes, those before p left out. */
		const unsigned char *q = end - 16;
		unsigned mask = special_bits(_mm_loadu_si128((const __m128i *)(const void *)q)) >>
				(unsigned)(p - q);
		return mask ? p + __builtin_ctz(mask) : end;
	}
	if (end - p >= 8) {
		/* 8 to 15 bytes: the first eight and the last eight, at once. */
		__m128i v = _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)(const void *)p),
					       _mm_loadl_epi64((const __m128i *)(const void *)(end - 8)));
		unsigned mask = special_bits(v);
		if (mask & 0xff)
			return p + __builtin_ctz(mask);
		return mask ? end - 8 + (__builtin_ctz(mask) - 8) : end;
	}
#endif
	while (p < end && !html_entity_len[*p])
		p++;
	return p;
}

/* s[0..n) escaped for HTML text and attributes: runs of safe bytes copied at once. */
static void put_html(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		const unsigned char *run = p;
		p = next_special((const unsigned char *)s, p, end);
		put(out, (const char *)run, (size_t)(p - run));
		if (p == end)
			break;
		put(out, html_entity[*p], html_entity_len[*p]);
		p++;
	}
}

/* A decimal integer, as printf's %lld writes it. */
static void put_int(struct buf *out, long long x)
{
	char s[24], *p = s + sizeof s;
	unsigned long long u = x < 0 ? 0 - (unsigned long long)x : (unsigned long long)x;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (x < 0)
		*--p = '-';
	put(out, p, (size_t)(s + sizeof s - p));
}

static inline void push(struct render *r, struct mval v)
{
	if (r->nctx == r->capctx) {
		r->capctx = r->capctx ? r->capctx * 2 : 16;
		r->ctx = xrealloc(r->ctx, r->capctx * sizeof *r->ctx);
	}
	r->ctx[r->nctx++] = v;
}

/*
 * An extension to the spec (whose names never index lists): "list.0" is the
 * first item, so a template can test "is this list non-empty" once.
 */
static int list_index(const struct mval *list, const struct slice *part, struct mval *out)
{
	size_t i = 0;
	if (part->n == 0 || part->n > 9)
		return 0;
	for (size_t k = 0; k < part->n; k++) {
		if (part->p[k] < '0' || part->p[k] > '9')
			return 0;
		i = i * 10 + (size_t)(part->p[k] - '0');
	}
	if (i >= mval_count(list))
		return 0;
	*out = mval_item(list, i);
	return 1;
}

/*
 * mval_get for one part of a name, here so that the scan of an object's
 * fields is compiled into the lookup: a page makes some 400 lookups. The
 * part's atom and key were found when the template was compiled
 * (mustache_parse.h): an object with slots answers an atom at once, a
 * smaller one compares one integer a field, and a view switches on the
 * atom. Equal keys are equal names for an atom and for a part of at most
 * 7 bytes (the quick key holds the length and the first 7 bytes).
 */
static inline int get_part(const struct render *r, const struct mval *v, const struct slice *part,
			   uint64_t key, unsigned atom, struct mval *out)
{
	for (;;) {
		if (v->type == MVAL_OBJ) {
			const struct mobj *o = v->obj;
			if (atom && o->slot) {
				unsigned i = o->slot[atom];
				if (i) {
					*out = o->f[i - 1].v;
					return 1;
				}
				v = &o->base;
				continue;
			}
			/* By index: an empty object may have no field array (f NULL), and
			 * NULL + 0 is undefined behaviour in C. */
			for (size_t i = 0; i < o->n; i++) {
				const struct mfield *f = &o->f[i];
				if (f->k == key && (atom || part->n <= 7 || (f->keylen == part->n &&
					memcmp(f->key + 7, part->p + 7, part->n - 7) == 0))) {
					*out = f->v;
					return 1;
				}
			}
			v = &o->base;
		} else if (v->type == MVAL_VIEW) {
			return v->view->get(v->subject, atom, part->p, part->n, r->user, out);
		} else {
			return 0;
		}
	}
}

/*
 * The spec's lookup: "." is the top of the stack; otherwise the first part
 * is searched from the top of the stack down, and the other parts only
 * inside what it found. 0 when not found.
 */
static inline __attribute__((always_inline)) int lookup(struct render *r, const struct mname *name, struct mval *out)
{
	if (name->nparts == 0) {
		*out = r->ctx[r->nctx - 1];
		return 1;
	}
	int found = 0;
	size_t i = r->nctx;
	while (!found && i > 0) {
		i--;
		found = get_part(r, &r->ctx[i], &name->parts[0], name->keys[0], name->atoms[0], out);
	}
	/* Found below the item being kept, or not at all: it depends on the page (struct render). */
	r->tainted |= !found | (i < r->floor);
	for (size_t k = 1; found && k < name->nparts; k++) {
		struct mval v = *out;
		if (v.type == MVAL_LIST || v.type == MVAL_VIEWS)
			found = list_index(&v, &name->parts[k], out);
		else
			found = get_part(r, &v, &name->parts[k], name->keys[k], name->atoms[k], out);
	}
	return found;
}

/* Falsey as in JavaScript Mustache: missing, null, false, "", 0, []. */
static inline int truthy(const struct mval *v)
{
	switch (v->type) {
	case MVAL_NULL:
	case MVAL_FALSE:
		return 0;
	case MVAL_LIST:
	case MVAL_VIEWS:
		return mval_count(v) > 0;
	case MVAL_STR:
		return v->n > 0;
	case MVAL_INT:
		return v->i != 0;
	case MVAL_REAL:
		return v->r != 0.0;
	default:
		return 1;
	}
}

/* The shortest of %.15g..%.17g that reads back as the same double. */
static void put_real(struct buf *out, double x)
{
	char s[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(s, sizeof s, "%.*g", prec, x);
		if (strtod(s, NULL) == x)
			break;
	}
	put(out, s, strlen(s));
}

static void put_value(struct buf *out, const struct mval *v, int raw)
{
	switch (v->type) {
	case MVAL_STR:
		if (raw)
			put(out, v->s, v->n);
		else
			put_html(out, v->s, v->n);
		break;
	case MVAL_INT:
		put_int(out, v->i);
		break;
	case MVAL_REAL:
		put_real(out, v->r);
		break;
	case MVAL_TRUE:
		put(out, "true", 4);
		break;
	case MVAL_FALSE:
		put(out, "false", 5);
		break;
	default:
		/* Objects and lists have no text form; null is empty (spec). */
		break;
	}
}

static int render_nodes(struct render *r, const struct mtemplate *t,
			const struct mnode *nodes, size_t n);

/*
 * The items of a list render alike: once the first is written, room for the
 * rest at once (up to RESERVE_MAX), rather than doubling the page as it
 * grows, each time copying it into fresh memory: a list page of 10 000
 * fiches is megabytes. The room only changes where the page is written.
 */
#define RESERVE_MAX ((size_t)64 << 20)
static void reserve_items(struct buf *out, size_t item, size_t more)
{
	if (item == 0 || out->sink)
		return;  /* a buffer with a sink never grows past its slices (buf.h) */
	size_t room = item > RESERVE_MAX / more ? RESERVE_MAX : item * more;
	buf_grow(out, room);
}

static int enter(struct render *r, const struct mtemplate *t, const struct mnode *node)
{
	if (r->nest >= MAX_RENDER_NEST) {
		if (r->d)
			diag_error(r->d, t->path, node->line, node->col,
				   _("sections and partials nested deeper than %d while rendering"),
				   MAX_RENDER_NEST);
		return -1;
	}
	r->nest++;
	return 0;
}

/*
 * Writes the item of hash h kept for (what, view, subject, scope) in
 * stripe st to out and returns 1, or returns 0 when there is none. The
 * bytes are copied under the stripe's lock (a clear would let them be
 * written over), into room made before taking it: growing out may hand
 * its bytes to its sink (a file written), which is not done holding a lock.
 */
static int put_kept(struct stripe *st, uint64_t h, const void *what, const struct mview *view,
		    const void *subject, unsigned scope, struct buf *out)
{
	for (int tries = 0; tries < 2; tries++) {
		if (!try_read(&st->lock))
			return 0; /* being changed (struct stripe): rendered */
		const struct kept_item *e = kept_find(st, h, what, view, subject, scope);
		if (!e) {
			end_read(&st->lock);
			return 0;
		}
		size_t len = e->len;
		if (out->cap - out->len > len) {
			put(out, e->bytes, len);
			end_read(&st->lock);
			return 1;
		}
		end_read(&st->lock);
		buf_grow(out, len);
	}
	return 0; /* forgotten meanwhile, or larger than the room made: rendered */
}

/*
 * The items of the list of views v, each written from the cache or
 * rendered and kept (mustache_render_cached). An item renders with no
 * partial's indentation (the caller checks), which then only depends on
 * what it pushes itself. A buffer with a sink (buf.h) may give its bytes
 * away as it grows: it holds an item's bytes until they are kept (its
 * sink set aside meanwhile), and gives what it holds before, so that it
 * does not grow past the sink's size because of the items.
 */
static int render_kept_items(struct render *r, const struct mtemplate *t,
			     const struct mnode *node, const struct mval *v)
{
	struct mustache_cache *c = r->cache;
	struct buf *out = r->out;
	/*
	 * Kids that are one partial ({{#fiches}}{{> card}}{{/fiches}}) write what
	 * the partial writes, whichever section of whichever template: kept by
	 * the partial, a card rendered for one list is written again in others.
	 */
	const void *what = node;
	const struct mnode *kid = node->sec.kids;
	if (node->sec.nkids == 1 && kid->kind == MNODE_PARTIAL && !kid->partial.standalone) {
		const struct mtemplate *p = find(r->set, kid->partial.name.p, kid->partial.name.n,
						 kid->partial.hash);
		if (p)
			what = p;
	}
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < v->n; i++) {
		const void *subject = v->items[i];
		uint64_t h = kept_hash(what, subject, r->scope);
		struct stripe *st = kept_stripe(c, h);
		if (put_kept(st, h, what, v->view, subject, r->scope, out)) {
			r->hits++;
			continue;
		}
		struct buf_sink *sink = out->sink;
		if (sink && out->len >= BUF_SINK_MIN && sink->take(sink, out->data, out->len)) {
			/* What buf_grow would do later: done before the item, while it may. */
			out->len = 0;
			out->data[0] = '\0';
		}
		out->sink = NULL;
		size_t before = out->len;
		push(r, mv_view(v->view, subject));
		r->floor = r->nctx - 1;
		r->tainted = 0;
		rc = render_nodes(r, t, node->sec.kids, node->sec.nkids);
		r->nctx--;
		r->floor = 0;
		if (rc == 0 && !r->tainted) {
			/* Being read or changed (struct stripe): not kept this time. */
			if (try_write(&st->lock)) {
				r->stored += (size_t)kept_store(c, st, h, what, v->view, subject,
								r->scope, out->data + before,
								out->len - before);
				end_write(&st->lock);
			}
		}
		out->sink = sink;
		if (i == 0 && v->n > 1)
			reserve_items(out, out->len - before, v->n - 1);
	}
	return rc;
}

static int render_section(struct render *r, const struct mtemplate *t,
			  const struct mnode *node)
{
	struct mval v;
	if (!lookup(r, &node->sec.name, &v))
		v = mv_null();
	int rc = 0;
	if (node->kind == MNODE_INVERTED) {
		if (truthy(&v))
			return 0;
		if (enter(r, t, node) < 0)
			return -1;
		rc = render_nodes(r, t, node->sec.kids, node->sec.nkids);
		r->nest--;
		return rc;
	}
	if (!truthy(&v))
		return 0;
	if (enter(r, t, node) < 0)
		return -1;
	if (v.type == MVAL_VIEWS && r->cache && !r->floor && v.view->scoped &&
	    node->sec.weight >= KEEP_MIN_WEIGHT && r->indent.len == r->ind_from) {
		rc = render_kept_items(r, t, node, &v);
	} else if (v.type == MVAL_LIST || v.type == MVAL_VIEWS) {
		size_t n = mval_count(&v);
		for (size_t i = 0; rc == 0 && i < n; i++) {
			size_t before = r->out->len;
			push(r, mval_item(&v, i));
			rc = render_nodes(r, t, node->sec.kids, node->sec.nkids);
			r->nctx--;
			if (i == 0 && n > 1)
				reserve_items(r->out, r->out->len - before, n - 1);
		}
	} else {
		size_t scalar_top = r->scalar_top;
		push(r, v);
		if (v.type == MVAL_STR || v.type == MVAL_INT || v.type == MVAL_REAL ||
		    v.type == MVAL_TRUE)
			r->scalar_top = r->nctx;
		rc = render_nodes(r, t, node->sec.kids, node->sec.nkids);
		r->nctx--;
		r->scalar_top = scalar_top;
	}
	r->nest--;
	return rc;
}
/*
 * A standalone partial indents each line of its template by the tag's
 * indentation, on top of the indentation it is itself rendered with; an
 * inline partial indents nothing.
 */
static int render_partial(struct render *r, const struct mtemplate *t,
			  const struct mnode *node)
{
	const struct mtemplate *p = find(r->set, node->partial.name.p,
					 node->partial.name.n, node->partial.hash);
	if (!p)
		return 0;	/* a missing partial is empty (spec) */
	if (r->partials >= MUSTACHE_MAX_DEPTH) {
		if (r->d)
			diag_error(r->d, t->path, node->line, node->col,
				   _("partials nested deeper than %d (is '%.*s' recursive?)"),
				   MUSTACHE_MAX_DEPTH, (int)node->partial.name.n,
				   node->partial.name.p);
		return -1;
	}
	if (enter(r, t, node) < 0)
		return -1;
	size_t old_len = r->indent.len, old_from = r->ind_from;
	if (node->partial.standalone)
		buf_put(&r->indent, node->partial.indent.p, node->partial.indent.n);
	else
		r->ind_from = r->indent.len;
	r->partials++;
	int rc = render_nodes(r, p, p->nodes, p->nnodes);
	r->partials--;
	r->indent.len = old_len;
	if (r->indent.data)
		r->indent.data[old_len] = '\0';
	r->ind_from = old_from;
	r->nest--;
	return rc;
}

static int render_nodes(struct render *r, const struct mtemplate *t,
			const struct mnode *nodes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct mnode *node = &nodes[i];
		switch (node->kind) {
		case MNODE_RUN:
			if (r->indent.len == r->ind_from) {
				put(r->out, node->run.text.p, node->run.text.n);
				i += node->run.skip;
			}
			break;
		case MNODE_TEXT:
			put(r->out, node->text.p, node->text.n);
			break;
		case MNODE_INDENT:
			if (r->indent.len > r->ind_from)
				put(r->out, r->indent.data + r->ind_from,
				    r->indent.len - r->ind_from);
			break;
		case MNODE_VAR: {
			struct mval v;
			if (node->var.top && r->scalar_top == r->nctx)
				put_value(r->out, &r->ctx[r->nctx - 1], node->var.raw);
			else if (lookup(r, &node->var.name, &v))
				put_value(r->out, &v, node->var.raw);
			break;
		}
		case MNODE_SECTION:
		case MNODE_INVERTED:
			if (render_section(r, t, node) < 0)
				return -1;
			break;
		case MNODE_PARTIAL:
			if (render_partial(r, t, node) < 0)
				return -1;
			break;
		}
	}
	return 0;
}

int mustache_render_value(const struct mustache_set *set, const char *name,
			  const struct mval *context, void *user, struct buf *out,
			  struct diag *d)
{
	return mustache_render_cached(set, name, context, user, NULL, NULL, 0, out, d);
}

int mustache_render_cached(const struct mustache_set *set, const char *name,
			   const struct mval *context, void *user, struct mustache_cache *cache,
			   const char *scope, size_t nscope, struct buf *out, struct diag *d)
{
	size_t n = strlen(name);
	const struct mtemplate *t = find(set, name, n, mustache_parse_hash(name, n));
	if (!t) {
		if (d)
			diag_error(d, NULL, 0, 0, _("unknown template '%s'"), name);
		return -1;
	}
	struct render r = {0};
	r.set = set;
	r.out = out;
	r.d = d;
	r.user = user;
	if (cache) {
		r.cache = cache;
		r.scope = cache_scope(cache, scope, nscope);
	}
	push(&r, *context);
	/* Even an empty result leaves out NUL-terminated, as buf promises. */
	buf_grow(out, 0);
	out->data[out->len] = '\0';
	int rc = render_nodes(&r, t, t->nodes, t->nnodes);
	out->data[out->len] = '\0';
	if (cache) {
		atomic_fetch_add_explicit(&cache->stored, r.stored, memory_order_relaxed);
		atomic_fetch_add_explicit(&cache->hits, r.hits, memory_order_relaxed);
	}
	free(r.ctx);
	buf_free(&r.indent);
	return rc;
}

int mustache_render(const struct mustache_set *set, const char *name,
		    const json_t *context, struct buf *out, struct diag *d)
{
	struct arena a = ARENA_INIT;
	struct mval v = mval_from_json(&a, context);
	int rc = mustache_render_value(set, name, &v, NULL, out, d);
	arena_free(&a);
	return rc;
}
