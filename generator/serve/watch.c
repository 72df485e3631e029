/*
 * Change watcher for `fiches serve`.
 *
 * Input: the directories to watch (content/ and templates/). Output: a
 * "something changed" signal from watch_wait, once per burst of edits.
 * Owns the inotify descriptor and the table mapping each watch descriptor
 * to its directory's path (needed to add watches on new subdirectories).
 *
 * inotify is not recursive, so every directory gets its own watch, and a
 * directory created or moved in later is added (with its whole tree) when
 * its event arrives. Saving a file in an editor produces a burst of events
 * (vim alone writes "4913", renames to "x~", writes, chmods, deletes),
 * so events are absorbed until WATCH_DEBOUNCE_MS pass in quiet and the
 * caller rebuilds once. Names that only editors use are dropped before
 * they count as changes, so opening a file in vim rebuilds nothing.
 */
#include "watch.h"

#include "serve_timing.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Deep enough for any real content tree; stops a pathological one. */
#define MAX_DEPTH 32
/* A burst longer than this still triggers a rebuild. */
#define MAX_SETTLE_MS 1000

#define MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | \
	      IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | \
	      IN_ONLYDIR | IN_DONT_FOLLOW)

struct watched {
	int wd;
	char *path;   /* owned */
};

struct watch {
	int fd;
	struct watched *dirs;   /* owned, with their paths */
	size_t n, cap;
	int pending;            /* watch_absorb saw a relevant change not yet returned by watch_wait */
	char **changed;         /* owned: "DIR/NAME" of each file changed, once */
	size_t nchanged, capchanged;
	int unnamed;            /* a change that no file name says (see watch_changes) */
	struct watch_expect *expect; /* borrowed, or NULL */
};

/* Announced writes: few at a time (one save), forgotten after EXPECT_MS. */
#define EXPECT_MAX 16
#define EXPECT_MS 1000

struct watch_expect {
	pthread_mutex_t lock;
	struct {
		unsigned long long dev, ino;
		long long until;    /* now_ms() after which it is forgotten */
	} v[EXPECT_MAX];
	size_t n;
};

static const char *path_of(const struct watch *w, int wd);

/* Beyond this many files changed at once, a full rebuild is as quick. */
#define MAX_NAMED 1024

/* Notes that the file name in directory wd changed. */
static void note_change(struct watch *w, int wd, const struct inotify_event *ev)
{
	const char *dir = path_of(w, wd);
	if (!dir || !ev->len || (ev->mask & (IN_ISDIR | IN_DELETE_SELF | IN_MOVE_SELF)) ||
	    w->nchanged >= MAX_NAMED) {
		w->unnamed = 1;
		return;
	}
	char *path = xasprintf("%s/%s", dir, ev->name);
	for (size_t i = 0; i < w->nchanged; i++)
		if (strcmp(w->changed[i], path) == 0) {
			free(path);
			return;
		}
	if (w->nchanged == w->capchanged) {
		w->capchanged = w->capchanged ? w->capchanged * 2 : 8;
		w->changed = xrealloc(w->changed, w->capchanged * sizeof *w->changed);
	}
	w->changed[w->nchanged++] = path;
}

const char *const *watch_changes(const struct watch *w, size_t *n)
{
	*n = w->nchanged;
	return w->unnamed ? NULL : (const char *const *)w->changed;
}

void watch_changes_clear(struct watch *w)
{
	for (size_t i = 0; i < w->nchanged; i++)
		free(w->changed[i]);
	w->nchanged = 0;
	w->unnamed = 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int watch_ignored_name(const char *name)
{
	size_t n = strlen(name);
	if (n == 0)
		return 1;
	if (strcmp(name, "4913") == 0)
		return 1;
	if (name[n - 1] == '~')
		return 1;
	if (name[0] == '.' && (ends_with(name, ".swp") || ends_with(name, ".swx") ||
			       ends_with(name, ".swo")))
		return 1;
	if (strncmp(name, ".#", 2) == 0)
		return 1;
	if (n >= 2 && name[0] == '#' && name[n - 1] == '#')
		return 1;
	if (strncmp(name, ".goutputstream-", 15) == 0)
		return 1;
	if (ends_with(name, ".tmp"))
		return 1;
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct watch_expect *watch_expect_new(void)
{
	struct watch_expect *x = xcalloc(1, sizeof *x);
	pthread_mutex_init(&x->lock, NULL);
	return x;
}

void watch_expect_free(struct watch_expect *x)
{
	if (!x)
		return;
	pthread_mutex_destroy(&x->lock);
	free(x);
}

/* Drops the announcements past their time; caller holds x->lock. */
static void expect_prune(struct watch_expect *x, long long now)
{
	for (size_t i = x->n; i-- > 0;)
		if (x->v[i].until < now)
			x->v[i] = x->v[--x->n];
}

void watch_expect_file(struct watch_expect *x, unsigned long long dev, unsigned long long ino)
{
	if (!x)
		return;
	long long now = now_ms();
	pthread_mutex_lock(&x->lock);
	expect_prune(x, now);
	if (x->n == EXPECT_MAX)
		x->v[0] = x->v[--x->n];   /* the oldest slot goes; at worst a burst waits its quiet time */
	x->v[x->n].dev = dev;
	x->v[x->n].ino = ino;
	x->v[x->n].until = now + EXPECT_MS;
	x->n++;
	pthread_mutex_unlock(&x->lock);
}

void watch_set_expect(struct watch *w, struct watch_expect *x)
{
	w->expect = x;
}

/*
 * 1 when every change of the burst so far is a file announced with
 * watch_expect_file (those announcements are then used up).
 */
static int all_expected(struct watch *w)
{
	if (!w->expect || w->unnamed || w->nchanged == 0)
		return 0;
	struct watch_expect *x = w->expect;
	pthread_mutex_lock(&x->lock);
	long long now = now_ms();
	expect_prune(x, now);
	unsigned char used[EXPECT_MAX] = {0};
	int all = 1;
	for (size_t i = 0; i < w->nchanged && all; i++) {
		struct stat st;
		all = 0;
		if (lstat(w->changed[i], &st) != 0)
			break;
		for (size_t j = 0; j < x->n && !all; j++)
			if (x->v[j].dev == (unsigned long long)st.st_dev &&
			    x->v[j].ino == (unsigned long long)st.st_ino)
				all = used[j] = 1;
	}
	if (all) {
		/* Used up: past their time, so the next prune drops them. */
		for (size_t j = 0; j < x->n; j++)
			if (used[j])
				x->v[j].until = now - 1;
		expect_prune(x, now);
	}
	pthread_mutex_unlock(&x->lock);
	return all;
}

static void remember(struct watch *w, int wd, const char *path)
{
	for (size_t i = 0; i < w->n; i++) {
		if (w->dirs[i].wd == wd) {
			/* Same inode seen again (a rename): keep the newest name. */
			free(w->dirs[i].path);
			w->dirs[i].path = xstrdup(path);
			return;
		}
	}
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->dirs = xrealloc(w->dirs, w->cap * sizeof *w->dirs);
	}
	w->dirs[w->n].wd = wd;
	w->dirs[w->n].path = xstrdup(path);
	w->n++;
}

static void forget(struct watch *w, int wd)
{
	for (size_t i = 0; i < w->n; i++) {
		if (w->dirs[i].wd == wd) {
			free(w->dirs[i].path);
			w->dirs[i] = w->dirs[--w->n];
			return;
		}
	}
}

static const char *path_of(const struct watch *w, int wd)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->dirs[i].wd == wd)
			return w->dirs[i].path;
	return NULL;
}

/*
 * Watches dir and every directory below it. Failures on single directories
 * (removed meanwhile, permission, inotify watch limit) are skipped: a
 * rebuild still happens for the others.
 */
static void add_tree(struct watch *w, const char *dir, int depth)
{
	if (depth > MAX_DEPTH)
		return;
	int wd = inotify_add_watch(w->fd, dir, MASK);
	if (wd < 0)
		return;
	remember(w, wd, dir);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *sub = xasprintf("%s/%s", dir, e->d_name);
		int is_dir = e->d_type == DT_DIR;
		if (e->d_type == DT_UNKNOWN) {
			struct stat st;
			is_dir = lstat(sub, &st) == 0 && S_ISDIR(st.st_mode);
		}
		if (is_dir)
			add_tree(w, sub, depth + 1);
		free(sub);
	}
	closedir(d);
}

struct watch *watch_new(const char *const *dirs, size_t n)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct watch *w = xcalloc(1, sizeof *w);
	w->fd = fd;
	for (size_t i = 0; i < n; i++)
		if (dirs[i])
			add_tree(w, dirs[i], 0);
	return w;
}

size_t watch_count(const struct watch *w)
{
	return w->n;
}

void watch_free(struct watch *w)
{
	if (!w)
		return;
	close(w->fd);
	for (size_t i = 0; i < w->n; i++)
		free(w->dirs[i].path);
	free(w->dirs);
	watch_changes_clear(w);
	free(w->changed);
	free(w);
}

/*
 * Reads every pending event. Returns 1 when one of them is a relevant
 * change, 0 when none is, -1 on a read error.
 */
static int drain(struct watch *w)
{
	/* Aligned as the kernel's records are; large enough for many events. */
	char buffer[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	int relevant = 0;
	for (;;) {
		ssize_t got = read(w->fd, buffer, sizeof buffer);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return relevant;
			return -1;
		}
		if (got == 0)
			return relevant;
		for (char *p = buffer; p < buffer + got;) {
			const struct inotify_event *ev = (const struct inotify_event *)(void *)p;
			p += sizeof *ev + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				relevant = 1;
				w->unnamed = 1;
				continue;
			}
			if (ev->mask & IN_IGNORED) {
				forget(w, ev->wd);
				continue;
			}
			if (ev->len && watch_ignored_name(ev->name))
				continue;
			note_change(w, ev->wd, ev);
			if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
				const char *parent = path_of(w, ev->wd);
				if (parent) {
					char *sub = xasprintf("%s/%s", parent, ev->name);
					add_tree(w, sub, 0);
					free(sub);
				}
			}
			relevant = 1;
		}
	}
}

/*
 * Polls the inotify descriptor and stop_fd for at most timeout_ms (< 0:
 * forever). Returns 1 when inotify is readable, 0 on timeout, WATCH_STOP,
 * or -1 on error.
 */
static int wait_fds(struct watch *w, int stop_fd, int timeout_ms)
{
	struct pollfd fds[2] = {
		{.fd = w->fd, .events = POLLIN},
		{.fd = stop_fd, .events = POLLIN},
	};
	int r = poll(fds, stop_fd >= 0 ? 2 : 1, timeout_ms);
	if (r < 0)
		return errno == EINTR ? 0 : -1;
	if (stop_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)))
		return WATCH_STOP;
	return r > 0;
}

int watch_fd(const struct watch *w)
{
	return w->fd;
}

int watch_absorb(struct watch *w)
{
	int r = drain(w);
	if (r > 0)
		w->pending = 1;
	return r;
}

int watch_wait(struct watch *w, int stop_fd, int timeout_ms)
{
	long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	while (!w->pending) {
		int left = -1;
		if (deadline >= 0) {
			long long rest = deadline - now_ms();
			left = rest > 0 ? (int)rest : 0;
		}
		/* Polled at least once, so that a zero timeout still sees what is there. */
		int r = wait_fds(w, stop_fd, left);
		if (r == WATCH_STOP || r < 0)
			return r;
		if (r == 0) {
			if (deadline >= 0 && now_ms() >= deadline)
				return WATCH_TIMEOUT;
			continue;
		}
		r = drain(w);
		if (r < 0)
			return WATCH_ERROR;
		if (r > 0)
			break;
	}
	w->pending = 0;
	/* A relevant change: let the burst settle (at once when it is our own announced write). */
	long long settle_end = now_ms() + MAX_SETTLE_MS;
	struct phase ph;
	phase_begin(&ph);
	for (;;) {
		long long rest = settle_end - now_ms();
		if (rest <= 0) {
			phase_end(&ph, "watch-settle");
			return WATCH_CHANGED;
		}
		if (all_expected(w)) {
			phase_end(&ph, "watch-announced");
			return WATCH_CHANGED;
		}
		int r = wait_fds(w, stop_fd, rest < WATCH_DEBOUNCE_MS ? (int)rest : WATCH_DEBOUNCE_MS);
		if (r == WATCH_STOP || r < 0)
			return r;
		if (r == 0) {
			phase_end(&ph, "watch-settle");
			return WATCH_CHANGED;
		}
		if (drain(w) < 0)
			return WATCH_ERROR;
	}
}
