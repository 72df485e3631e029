/*
 * An arena: many small allocations that end together. Memory is handed out
 * from chunks and given back all at once by arena_free; nothing is freed
 * one by one. A malloc'd block can be adopted, to be freed with the arena
 * (a large buffer built elsewhere, kept without a copy).
 *
 * One owner, one thread: an arena is not shared between threads.
 */
#ifndef FICHES_ARENA_H
#define FICHES_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *chunk;	/* the one handed out from, then older ones; owned */
	size_t used;			/* bytes of chunk used */
	void **adopted;			/* blocks freed with the arena; owned */
	size_t nadopted, capadopted;
};

#define ARENA_INIT {NULL, 0, NULL, 0, 0}

/* size bytes aligned for any type, zeroed. Never NULL. */
void *arena_alloc(struct arena *a, size_t size);

/* A copy of s[0..n) plus a NUL, in the arena. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);

/* The arena now owns p (from malloc), freed by arena_free. Returns p. */
void *arena_adopt(struct arena *a, void *p);

/* Frees every chunk and adopted block; a is then empty and reusable. */
void arena_free(struct arena *a);

#endif
