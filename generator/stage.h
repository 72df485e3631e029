/*
 * The stage: the only code that writes to disk. It receives every output
 * file (and writes the changed ones beside the output at once, so the site
 * is never held in memory whole), then makes the output directory hold
 * exactly them:
 *
 *  - nothing changed (same paths, same bytes as the manifest records):
 *    nothing is written, mtimes are kept;
 *  - otherwise a complete new tree is built beside the output directory
 *    (unchanged files hard-linked from the old tree so they keep their
 *    mtimes, changed ones written), synced, and swapped in with one atomic
 *    renameat2(RENAME_EXCHANGE); the old tree is then removed.
 *
 * A build killed at any moment leaves the old complete tree or the new one.
 * An output directory given as a symbolic link is swapped where the link
 * leads (the link itself is left alone). An output directory that is a
 * mount point (a USB stick, a share) cannot be renamed, so nothing can be
 * swapped with it: the new files are then staged inside it and renamed
 * into place one by one, after a manifest that lists every file the build
 * may leave there; a build killed at any moment leaves every file whole
 * (its old or its new bytes) and listed, and the next build completes the
 * site, but the site may be a mixture of the two until then.
 * Files in the output directory that fiches did not create (not in its
 * manifest) are carried over, never deleted.
 */
#ifndef FICHES_STAGE_H
#define FICHES_STAGE_H

#include <stddef.h>

#include "buf.h"
#include "build.h"
#include "diag.h"

/* Name of the manifest kept in the output directory. */
#define STAGE_MANIFEST ".fiches-manifest"
/* Staging tree inside an output directory that is a mount point. */
#define STAGE_IN_PLACE_DIR ".fiches-new"

struct stage;

/*
 * A stage for out_dir (need not exist yet); reads its manifest. Caller frees
 * with stage_free, which removes a staging tree that was not committed.
 */
/*
 * Grows the file-descriptor table to what a build's stage may use, once,
 * while the process has a single thread (call it before any thread
 * starts): growing it later makes every thread wait (see stage.c).
 */
void stage_reserve_fds(void);
struct stage *stage_new(const char *out_dir);
void stage_free(struct stage *st);

/*
 * Adds a file at path (relative, checked with path_is_safe: an unsafe path
 * is an internal error reported at commit). Takes ownership of data (heap),
 * freed before it returns: written to the staging tree when the output does
 * not hold these bytes already. Write failures are reported at commit.
 * Thread-safe.
 */
void stage_add(struct stage *st, const char *path, char *data, size_t len);

/*
 * stage_add of data whose hash_content the caller has made already (hash,
 * what the manifest records): the stage does not hash the bytes again.
 */
void stage_add_hashed(struct stage *st, const char *path, char *data, size_t len,
		      unsigned long long hash);

/*
 * stage_add of b's bytes, which stay b's: b is left empty with its memory,
 * to make the next file in (a buffer reused from file to file, bufpool.h),
 * or, when the file is handed to a helper, with none (the helper frees
 * them). b must end with buf_free (it may be mapped, buf.h).
 */
void stage_add_buf(struct stage *st, const char *path, struct buf *b);

/*
 * For a file that may be large (site.json, « Que faire si… », 30 MB at
 * 10 000 fiches), before anything is written to b: its bytes go to the
 * staging tree as b fills (b->sink, buf.h), instead of b holding them
 * whole, and stage_add_buf(st, path, b) writes the rest. Only when the
 * previous build made no file there, or once b's bytes exceed its size:
 * a file that may be unchanged is held whole, hashed, and not written
 * (stage_add). A small file never reaches the disk before stage_add_buf.
 * b's writers must only append to it (buf.h, struct buf_sink).
 */
void stage_stream(struct stage *st, const char *path, struct buf *b);

/*
 * For a thread with nothing else to do while others still make files
 * (the outputs' loop once it has no item left): writes, with their hashes,
 * the files the other threads' stage_add hand it, until stage_help_end.
 * While a thread waits here, stage_add queues its file (a few at most)
 * and returns instead of writing it. stage_hashes, stage_sizes and
 * stage_commit see every file added before them, handed or not.
 */
void stage_help(struct stage *st);
/* No more hand-offs: the helpers return once the queue is written; returns when it is. */
void stage_help_end(struct stage *st);
/* Returns when every file handed to a helper so far is written (on this thread if need be). */
void stage_flush(struct stage *st);

/*
 * Files of the previous build under prefix (e.g. "pdf/") that this build
 * does not produce are kept as they are instead of removed: `serve` shows
 * an edit at once and typesets the PDFs in a second pass.
 */
void stage_keep_prefix(struct stage *st, const char *prefix);

/*
 * Patch mode, for `fiches serve`'s incremental rebuilds: the files added
 * are only those that may have changed, and every other file of the
 * previous build stays as it is (as stage_keep_prefix("") would). Commit
 * renames the changed files into the output one by one, between two
 * manifests (the first lists every file that may be left there, with no
 * hash for the new ones), like an output that is a mount point: a
 * process killed at any moment leaves every file whole and the next
 * build completes the site. Nothing is synced to the disk: a preview's
 * output is remade by any build, and a sync would cost more than the
 * rebuild. Call before the first stage_add.
 */
void stage_set_patch(struct stage *st);

/* A staged file's path and size. */
struct stage_size {
	char *path;
	size_t len;
};

/*
 * The files added so far whose path starts with prefix, sorted by path (for
 * bsearch with stage_size_compare). Caller frees with stage_sizes_free.
 */
struct stage_size *stage_sizes(struct stage *st, const char *prefix, size_t *n);
int stage_size_compare(const void *a, const void *b);
void stage_sizes_free(struct stage_size *v, size_t n);

/* A staged file's path and hash (hash_content of its bytes, as the manifest records them). */
struct stage_hash {
	char *path;
	unsigned long long hash;
};

/*
 * The files added so far whose path starts with prefix, with their
 * hashes, sorted by path: what an output reads of the files others made
 * (output.h, needs). Caller frees with stage_hashes_free.
 */
struct stage_hash *stage_hashes(struct stage *st, const char *prefix, size_t *n);
void stage_hashes_free(struct stage_hash *v, size_t n);

/*
 * Makes the output directory hold exactly the added files (see above).
 * Returns 0, or -1 after reporting an I/O failure to d, in which case the
 * output directory is as it was.
 */
int stage_commit(struct stage *st, struct diag *d, struct build_stats *stats);

#endif
