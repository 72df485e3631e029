/*
 * Markdown trees' arena; see md_arena.h.
 *
 * Memory comes in blocks, each allocation preceded by its size (realloc
 * must know how much to copy). The last allocation of the current block
 * grows in place, as cmark-gfm's buffers do while a line or a paragraph
 * is read; any other moves, its old bytes left until the close. An
 * allocation larger than a quarter of the first block gets a block of its
 * own, so that the current one is not left half used.
 */
#include "md_arena.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define MD_ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MD_ARENA_ASAN 1
#endif
#endif

/* Payloads are aligned as malloc's are. */
#define ALIGN alignof(max_align_t)
/* Before each payload: its size, in a whole alignment unit. */
#define HEADER ALIGN

#ifdef MD_ARENA_ASAN
#include <sanitizer/asan_interface.h>
/* A poisoned gap after each allocation, so that writing past one is caught. */
#define REDZONE ALIGN
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define REDZONE 0
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* The first block: a typical fiche's tree and parser fit in one or two. */
#define FIRST_BLOCK ((size_t)64 * 1024)
#define OWN_BLOCK (FIRST_BLOCK / 4)

struct block {
	struct block *prev;
	size_t size;  /* bytes of data */
	size_t used;
	size_t last;  /* offset of the last allocation's header, SIZE_MAX when none */
	alignas(max_align_t) unsigned char data[];
};

struct md_arena {
	struct block *top;     /* where small allocations go */
	struct block *own;     /* blocks of one large allocation each */
};

static _Thread_local struct md_arena *current;

/*
 * The block the last arena closed on this thread worked in, kept for the
 * next one: every document's arena took fresh blocks from malloc and gave
 * them back, and the allocator handed their pages back to the system in
 * between (a fifth of a build's page faults at 10 000 fiches: one 64 KiB
 * block or more a fiche, touched anew). Kept up to SPARE_MAX: a rare
 * large document's blocks go back. The key frees it when its thread ends.
 */
#define SPARE_MAX ((size_t)1024 * 1024)
static _Thread_local struct block *spare;
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static inline size_t round_up(size_t n)
{
	return (n + ALIGN - 1) & ~(ALIGN - 1);
}

/* Bytes an allocation of size takes in a block; aborts on overflow. */
static inline size_t footprint(size_t size)
{
	return HEADER + round_up(size) + REDZONE;
}

static struct block *new_block(size_t size, struct block *prev)
{
	struct block *b = xmalloc(sizeof *b + size);
	b->prev = prev;
	b->size = size;
	b->used = 0;
	b->last = SIZE_MAX;
	POISON(b->data, size);
	return b;
}

/* size's allocation at the end of b, which has room for its footprint need. */
static inline void *place(struct block *b, size_t size, size_t need)
{
	unsigned char *h = b->data + b->used;
	UNPOISON(h, HEADER + size);
	memcpy(h, &size, sizeof size);
	b->last = b->used;
	b->used += need;
	return h + HEADER;
}

/* Where the current block is full, or the allocation is large. */
static void *alloc_slow(struct md_arena *a, size_t size)
{
	if (size > SIZE_MAX / 2)
		abort();
	size_t need = footprint(size);
	if (need > OWN_BLOCK) {
		a->own = new_block(need, a->own);
		return place(a->own, size, need);
	}
	struct block *b = a->top;
	if (!b || b->size - b->used < need)
		a->top = b = new_block(b ? b->size * 2 : FIRST_BLOCK, b);
	return place(b, size, need);
}

static inline void *alloc(struct md_arena *a, size_t size)
{
	struct block *b = a->top;
	/*
	 * The usual case, kept short: cmark-gfm allocates half a million
	 * times per thousand fiches. A size up to OWN_BLOCK cannot overflow
	 * its footprint, which is computed once.
	 */
	if (b && size <= OWN_BLOCK) {
		size_t need = footprint(size);
		if (need <= b->size - b->used)
			return place(b, size, need);
	}
	return alloc_slow(a, size);
}

/* The arena of the tree being changed: a tree never leaves its thread nor outlives its arena. */
static inline struct md_arena *arena(void)
{
	if (!current)
		abort();
	return current;
}

static void *arena_calloc(size_t n, size_t size)
{
	size_t bytes;
	if (__builtin_mul_overflow(n, size, &bytes))
		abort();
	void *p = alloc(arena(), bytes);
	memset(p, 0, bytes);
	return p;
}

static void *arena_realloc(void *ptr, size_t size)
{
	struct md_arena *a = arena();
	if (!ptr)
		return alloc(a, size);
	unsigned char *h = (unsigned char *)ptr - HEADER;
	size_t old;
	memcpy(&old, h, sizeof old);
	struct block *b = a->top;
	/*
	 * The last allocation of the current block grows or shrinks where it
	 * is. A block's bytes past `used` are never handed out twice, so a
	 * shrunk allocation keeps its room.
	 */
	if (b && b->last != SIZE_MAX && h == b->data + b->last && size <= OWN_BLOCK &&
	    footprint(size) <= b->size - b->last) {
		UNPOISON(h, HEADER + size);
		if (size < old)
			POISON((unsigned char *)ptr + size, old - size);
		memcpy(h, &size, sizeof size);
		if (b->last + footprint(size) > b->used)
			b->used = b->last + footprint(size);
		return ptr;
	}
	void *p = alloc(a, size);
	memcpy(p, ptr, old < size ? old : size);
	return p;
}

static void arena_free(void *ptr)
{
	/* Let go with the whole arena. */
	(void)ptr;
}

static cmark_mem arena_mem = {arena_calloc, arena_realloc, arena_free};

static void free_blocks(struct block *b)
{
	while (b) {
		struct block *prev = b->prev;
		UNPOISON(b->data, b->size);
		free(b);
		b = prev;
	}
}

static void spare_free(void *b)
{
	free_blocks(b);
}

static void spare_key_create(void)
{
	if (pthread_key_create(&spare_key, spare_free) != 0)
		abort();
}

struct md_arena *md_arena_open(void)
{
	/* One at a time: a tree of an outer arena changed meanwhile would take the inner's memory. */
	if (current)
		abort();
	current = xcalloc(1, sizeof *current);
	if (spare) {
		/* The arena's now: its blocks may be freed at its close. */
		if (pthread_setspecific(spare_key, NULL) != 0)
			abort();
		current->top = spare;
		spare = NULL;
	}
	return current;
}

void md_arena_close(struct md_arena *a)
{
	if (a != current)
		abort();
	current = NULL;
	struct block *keep = a->top;
	if (keep && keep->size <= SPARE_MAX) {
		a->top = keep->prev;
		keep->prev = NULL;
		keep->used = 0;
		keep->last = SIZE_MAX;
		/* Its trees are gone: a use of one is caught as after a free. */
		POISON(keep->data, keep->size);
		if (pthread_once(&spare_once, spare_key_create) != 0 ||
		    pthread_setspecific(spare_key, keep) != 0)
			abort();
		spare = keep;
	}
	free_blocks(a->top);
	free_blocks(a->own);
	free(a);
}

cmark_mem *md_arena_mem(void)
{
	return current ? &arena_mem : cmark_get_default_mem_allocator();
}
