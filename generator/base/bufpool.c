/* Output buffers reused from one file to the next; see bufpool.h. */
#include "bufpool.h"
#include "xalloc.h"

#include <stdlib.h>

void bufpool_init(struct bufpool *p, size_t hint)
{
	pthread_mutex_init(&p->lock, NULL);
	p->idle = NULL;
	p->n = p->cap = 0;
	p->hint = hint;
}

struct buf *bufpool_take(struct bufpool *p)
{
	struct buf *b = NULL;
	pthread_mutex_lock(&p->lock);
	if (p->n)
		b = p->idle[--p->n];
	pthread_mutex_unlock(&p->lock);
	if (!b) {
		b = xmalloc(sizeof *b);
		*b = (struct buf)BUF_INIT;
		b->map = BUF_MAY_MAP;
	}
	if (b->cap < p->hint)
		buf_grow(b, p->hint);
	buf_reset(b);
	return b;
}

void bufpool_give(struct bufpool *p, struct buf *b)
{
	b->sink = NULL;
	if (b->cap > BUFPOOL_KEEP_MAX)
		buf_free(b);
	buf_reset(b);
	pthread_mutex_lock(&p->lock);
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 4;
		p->idle = xrealloc(p->idle, p->cap * sizeof *p->idle);
	}
	p->idle[p->n++] = b;
	pthread_mutex_unlock(&p->lock);
}

void bufpool_free(struct bufpool *p)
{
	for (size_t i = 0; i < p->n; i++) {
		buf_free(p->idle[i]);
		free(p->idle[i]);
	}
	free(p->idle);
	p->idle = NULL;
	p->n = p->cap = 0;
	pthread_mutex_destroy(&p->lock);
}
