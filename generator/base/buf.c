/* Growable byte buffer; see buf.h. */
#include "buf.h"
#include "bytescan.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/*
 * Grows b (BUF_MAY_MAP or BUF_MAPPED) to cap bytes of mapped memory
 * (cap: 64 times a power of two, so a whole number of pages). 0 when no
 * mapping could be made: b stays on the heap.
 */
static int map_grow(struct buf *b, size_t cap)
{
	void *p;
	if (b->map == BUF_MAPPED) {
		p = mremap(b->data, b->cap, cap, MREMAP_MAYMOVE);
		if (p == MAP_FAILED)
			xalloc_failed();
	} else {
		p = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 0;
		if (b->data)
			memcpy(p, b->data, b->len + 1);
		free(b->data);
		b->map = BUF_MAPPED;
	}
	b->data = p;
	b->cap = cap;
	return 1;
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	if (b->sink && b->len >= BUF_SINK_MIN && b->sink->take(b->sink, b->data, b->len)) {
		b->len = 0;
		b->data[0] = '\0';
		need = extra + 1;
		if (need <= b->cap)
			return;
	}
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	if (b->map && cap >= BUF_MAP_MIN && map_grow(b, cap))
		return;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

/* Gives b's memory back; b keeps its opt-in to mapped memory. */
static void release(struct buf *b)
{
	if (b->map == BUF_MAPPED) {
		munmap(b->data, b->cap);
		b->map = BUF_MAY_MAP;
	} else {
		free(b->data);
	}
	b->data = NULL;
	b->len = b->cap = 0;
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	if (n >= 0) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
		b->len += (size_t)n;
	}
	va_end(again);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *buf_detach(struct buf *b)
{
	if (b->map == BUF_MAPPED) {
		char *p = xstrndup(b->data, b->len);
		release(b);
		return p;
	}
	char *p = b->data ? b->data : xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

const char *buf_cstr(const struct buf *b)
{
	return b->data ? b->data : "";
}

void buf_free(struct buf *b)
{
	release(b);
}

void buf_put_uint(struct buf *b, size_t v)
{
	char tmp[24];
	size_t k = sizeof tmp;
	do {
		tmp[--k] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf_put_small(b, tmp + k, sizeof tmp - k);
}

void buf_put_html(struct buf *b, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = bytescan_next_html(s, n, 0); i < n; i = bytescan_next_html(s, n, start)) {
		const char *rep = NULL;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		default: rep = "&#39;"; break;
		}
		buf_put(b, s + start, i - start);
		buf_puts(b, rep);
		start = i + 1;
	}
	buf_put(b, s + start, n - start);
}
