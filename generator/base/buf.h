/*
 * Owned growable byte buffer (struct buf) and borrowed slice (struct slice).
 * A buf owns its bytes and is always NUL-terminated after any append; a
 * slice points into memory someone else owns and is never freed.
 */
#ifndef FICHES_BUF_H
#define FICHES_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
	char *data;   /* NUL-terminated once anything was appended; NULL when empty and never grown */
	size_t len;   /* bytes used, excluding the terminating NUL */
	size_t cap;   /* bytes allocated */
	int map;      /* BUF_MAY_MAP, BUF_MAPPED, or 0: data is malloc'd (the default) */
	struct buf_sink *sink; /* NULL, or where full bytes go instead of growing (below); not owned */
};

/*
 * Where a buffer's bytes may go as it fills, instead of being held whole
 * (the stage writing a file of 30 MB as it is rendered, stage.h). Once the
 * buffer holds BUF_SINK_MIN bytes, each time it would grow it first offers
 * them to take(): when take returns 1 it has taken data[0..len) and the
 * buffer starts again empty in the same memory. Only for a buffer its
 * writers only append to: nothing may read, rewrite or cut bytes it wrote
 * before (they may be gone).
 */
struct buf_sink {
	int (*take)(struct buf_sink *sink, const char *data, size_t len);
};
#define BUF_SINK_MIN ((size_t)256 << 10)

/*
 * A buffer that may grow large (a page of 30 MB, site.json) can opt in to
 * mapped memory: past BUF_MAP_MIN its bytes move once to an anonymous
 * mapping, which then grows with mremap. Doubling a malloc'd buffer copies
 * every byte into fresh memory at each step, and the kernel faults in each
 * new page: about twice the final size touched and copied. A mapping grows
 * by moving its page tables: each byte is written once, each page faulted
 * in once. Only for buffers whose owner ends them with buf_free, buf_reset
 * or buf_detach (which copies mapped bytes to the heap), never free(data):
 * set map = BUF_MAY_MAP on such a buffer before it grows.
 */
enum {
	BUF_MAY_MAP = 1,  /* malloc'd until it needs BUF_MAP_MIN bytes */
	BUF_MAPPED = 2,   /* data is an anonymous mapping of cap bytes */
};
#define BUF_MAP_MIN ((size_t)1 << 20)

struct slice {
	const char *p; /* borrowed, not NUL-terminated */
	size_t n;
};

#define BUF_INIT {NULL, 0, 0, 0, NULL}

void buf_grow(struct buf *b, size_t extra);

/*
 * The appends are inline: they are called millions of times a build
 * (Mustache, the body HTML, the search index), mostly for a few bytes,
 * and buf_grow is called only when the room is short. buf_puts of a
 * literal gets its length when compiling.
 */
static inline void buf_put(struct buf *b, const char *s, size_t n)
{
	if (b->cap < b->len + n + 1)
		buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

static inline void buf_putc(struct buf *b, char c)
{
	if (b->cap < b->len + 2)
		buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/*
 * Returns the bytes (never NULL, NUL-terminated, malloc'd: a mapped buffer's
 * are copied) and leaves b empty. Caller frees.
 */
char *buf_detach(struct buf *b);
/* Read-only view: never NULL. */
const char *buf_cstr(const struct buf *b);
/* Frees the bytes: b is empty and reusable (an opt-in to mapped memory stays). */
void buf_free(struct buf *b);

/* Appends s with HTML escaping of & < > " '. */
void buf_put_html(struct buf *b, const char *s, size_t n);

/*
 * Appends a string literal: its length known at compile time, the copy
 * inlined, buf_grow called only when the room is short. For the tags a
 * renderer writes around every node (strlen and two calls each otherwise).
 */
#define buf_put_lit(b, lit) buf_put_small((b), "" lit, sizeof(lit) - 1)

static inline void buf_put_small(struct buf *b, const char *s, size_t n)
{
	if (b->cap < b->len + n + 1)
		buf_grow(b, n);
	__builtin_memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Appends v in decimal (no printf: headings and note numbers are written per node). */
void buf_put_uint(struct buf *b, size_t v);

#endif
