/* The arena allocator; see arena.h. */
#include "arena.h"
#include "xalloc.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

/* Most pages' contexts fit in one chunk; larger requests get their own. */
#define CHUNK_SIZE (16 * 1024)

struct arena_chunk {
	struct arena_chunk *prev;
	size_t size;	/* bytes of data */
	alignas(max_align_t) unsigned char data[];
};

static struct arena_chunk *chunk_new(struct arena_chunk *prev, size_t size)
{
	struct arena_chunk *c = xmalloc(sizeof *c + size);
	c->prev = prev;
	c->size = size;
	return c;
}

void *arena_alloc(struct arena *a, size_t size)
{
	const size_t align = alignof(max_align_t);
	size = (size + align - 1) & ~(align - 1);
	if (size == 0)
		size = align;
	if (!a->chunk || a->chunk->size - a->used < size) {
		if (size > CHUNK_SIZE / 4) {
			/* A large block: its own chunk, behind the current one. */
			struct arena_chunk *big = chunk_new(a->chunk ? a->chunk->prev : NULL, size);
			if (a->chunk)
				a->chunk->prev = big;
			else {
				a->chunk = big;
				a->used = size;
			}
			memset(big->data, 0, size);
			return big->data;
		}
		a->chunk = chunk_new(a->chunk, CHUNK_SIZE);
		a->used = 0;
	}
	void *p = a->chunk->data + a->used;
	a->used += size;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void *arena_adopt(struct arena *a, void *p)
{
	if (a->nadopted == a->capadopted) {
		a->capadopted = a->capadopted ? a->capadopted * 2 : 8;
		a->adopted = xrealloc(a->adopted, a->capadopted * sizeof *a->adopted);
	}
	a->adopted[a->nadopted++] = p;
	return p;
}

void arena_free(struct arena *a)
{
	for (struct arena_chunk *c = a->chunk, *prev; c; c = prev) {
		prev = c->prev;
		free(c);
	}
	for (size_t i = 0; i < a->nadopted; i++)
		free(a->adopted[i]);
	free(a->adopted);
	*a = (struct arena)ARENA_INIT;
}
