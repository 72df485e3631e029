/*
 * Change watcher for `fiches serve`: inotify on content/ and templates/,
 * recursive, debounced, blind to editor scratch files.
 */
#ifndef FICHES_WATCH_H
#define FICHES_WATCH_H

#include <stddef.h>

/* Quiet time that ends a burst of events (an editor's save, a git checkout). */
#define WATCH_DEBOUNCE_MS 25

struct watch;

/*
 * Starts watching every directory in dirs[0..n) and all directories below
 * them; directories created later are picked up. A directory that does not
 * exist is skipped. Returns NULL when inotify itself is unavailable (errno
 * set). Caller frees with watch_free.
 */
struct watch *watch_new(const char *const *dirs, size_t n);

enum watch_event {
	WATCH_ERROR = -1,   /* reading inotify failed (errno set) */
	WATCH_TIMEOUT = 0,  /* timeout_ms passed without a relevant change */
	WATCH_CHANGED = 1,  /* something relevant changed and the burst settled */
	WATCH_STOP = 2      /* stop_fd became readable; it is not read */
};

/*
 * Waits for a relevant change, then keeps absorbing events until none came
 * for WATCH_DEBOUNCE_MS (at most one second, so that a file written without
 * pause still triggers rebuilds). stop_fd (-1 for none) ends the wait.
 * timeout_ms < 0 waits forever; 0 looks once at what is already there.
 * Returns an enum watch_event.
 */
int watch_wait(struct watch *w, int stop_fd, int timeout_ms);

/*
 * The inotify descriptor, to poll while doing something else (serve's PDF
 * pass); when it is readable, watch_absorb reads what is pending without
 * waiting and returns 1 when a relevant change is among it (0 when not,
 * -1 on error). The change is not lost: the next watch_wait returns
 * WATCH_CHANGED for it once the burst settles.
 */
int watch_fd(const struct watch *w);
int watch_absorb(struct watch *w);

/*
 * The files changed since watch_changes_clear (or watch_new), as
 * "DIR/NAME" under the directories given to watch_new, each once, in the
 * order first seen; *n their number. Returns NULL when the changes cannot
 * all be named (a directory created, removed or moved, the kernel's queue
 * overflowed, too many files): then anything may have changed. The
 * strings belong to w until watch_changes_clear.
 */
const char *const *watch_changes(const struct watch *w, size_t *n);
void watch_changes_clear(struct watch *w);

/*
 * Files this program writes whole itself (the workshop's saves: written
 * beside, synced, then renamed into place). Their burst is over as soon as
 * the rename is seen, so waiting for WATCH_DEBOUNCE_MS of quiet would only
 * delay the reload. Shared between the thread that writes (any) and the
 * one that waits (watch_wait); it outlives the watch, which may be dropped.
 */
struct watch_expect;
struct watch_expect *watch_expect_new(void);
void watch_expect_free(struct watch_expect *x);
/*
 * Announces that the file with this device and inode (the temporary file,
 * before it is renamed into place) is about to appear. Thread-safe. An
 * announcement not seen within a second is forgotten.
 */
void watch_expect_file(struct watch_expect *x, unsigned long long dev, unsigned long long ino);
/*
 * From now on, a burst whose changed files are all announced ones (by
 * device and inode, so any spelling of the path matches) ends at once.
 */
void watch_set_expect(struct watch *w, struct watch_expect *x);

/* Number of directories watched (for messages and tests). */
size_t watch_count(const struct watch *w);

void watch_free(struct watch *w);

/*
 * 1 when a file name is an editor's scratch file whose changes must not
 * trigger a rebuild: ".name.swp"/".swx" (vim), "name~" (backups), "4913"
 * (vim's write test), ".#name" (emacs locks), "#name#" (emacs autosave),
 * ".goutputstream-*" (GNOME), "*.tmp". Pure; name has no '/'.
 */
int watch_ignored_name(const char *name);

#endif
