/*
 * Output buffers reused from one file to the next. A build renders
 * thousands of pages of 10-40 KB: a buffer malloc'd, grown and freed for
 * each one, handed by the allocator's free lists from page to page of
 * memory, makes the kernel fault some of it in again after each purge. A
 * pool keeps a few buffers, each already resident and large enough for
 * the next page of its kind, for the threads to take and give back. The
 * buffers opt in to mapped memory (buf.h, BUF_MAY_MAP), so a page of
 * 30 MB grows without copies; such a large one is freed when given back,
 * not kept.
 *
 * Thread-safe (a mutex; taken twice per file).
 */
#ifndef FICHES_BUFPOOL_H
#define FICHES_BUFPOOL_H

#include <pthread.h>
#include <stddef.h>

#include "buf.h"

struct bufpool {
	pthread_mutex_t lock;
	struct buf **idle;    /* buffers given back, empty; owned */
	size_t n, cap;
	size_t hint;          /* room a buffer taken has at least */
};

/* An empty pool whose buffers start with room for hint bytes. */
void bufpool_init(struct bufpool *p, size_t hint);

/* An empty buffer (BUF_MAY_MAP) with room for the hint; give it back with bufpool_give. */
struct buf *bufpool_take(struct bufpool *p);

/*
 * Takes b back (emptied, its memory kept for the next file unless it grew
 * past BUFPOOL_KEEP_MAX, then freed).
 */
void bufpool_give(struct bufpool *p, struct buf *b);

/* Frees every buffer given back; every one taken must have been. */
void bufpool_free(struct bufpool *p);

/* Buffers larger than this are freed when given back rather than kept. */
#define BUFPOOL_KEEP_MAX ((size_t)1 << 20)

#endif
