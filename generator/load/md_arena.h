/*
 * An arena for the Markdown trees of one document's first pass (bodies.c):
 * while it is open on a thread, every tree that thread parses or builds
 * (markdown_parse_*, nodes made with markdown_mem()) takes its memory from
 * it, and closing it lets all of them go at once: no free per node or
 * string, no walk of the tree to free it.
 *
 * cmark-gfm's own arena (cmark_get_arena_mem_allocator) is one for the
 * whole process, unlocked, so two threads cannot use it; its allocator
 * interface passes no context either, so this one is found through a
 * thread-local pointer: each thread has its own, and a tree must stay on
 * the thread that made it (the bodies' pass does).
 *
 * Nothing made in an arena may outlive its close: what must stay (the
 * rendered HTML, headings, anchors, diagnostics) is copied out before.
 * Built with AddressSanitizer, the unused part of each block is poisoned,
 * so that a tree used after the close, or a write past an allocation, is
 * reported as it would be with malloc.
 */
#ifndef FICHES_MD_ARENA_H
#define FICHES_MD_ARENA_H

#include <cmark-gfm.h>

struct md_arena;

/*
 * Opens an arena on the calling thread: the trees made on it until
 * md_arena_close live there. Arenas nest (the inner one is used until
 * it is closed).
 */
struct md_arena *md_arena_open(void);

/*
 * Closes a (the calling thread's innermost open arena), freeing every
 * tree made in it; they must not be used (nor freed) any more.
 */
void md_arena_close(struct md_arena *a);

/*
 * The allocator a tree made now on this thread takes: the open arena's,
 * or cmark-gfm's default (malloc) when none is open.
 */
cmark_mem *md_arena_mem(void);

#endif
