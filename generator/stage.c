/*
 * Staging and atomic swap of the output directory; see stage.h.
 *
 * Files are written as they come, by the threads that render them, so no
 * build holds the whole site in memory:
 *  - stage_new reads the old manifest;
 *  - stage_add hashes the file; when the manifest says the output already
 *    holds these bytes, nothing is written; otherwise the file is written
 *    at once into ".NAME.fiches-new" beside the output (created, after
 *    removing a killed build's leftovers, when the first changed file
 *    comes);
 *  - stage_commit: 1. refuses unsafe or duplicate paths; 2. decides what
 *    changed or went; 3. stops there when nothing did; 4. completes the
 *    staging tree: hard links for unchanged files and for files fiches did
 *    not create, the manifest; 5. syncfs (a thread has started the
 *    write-back of every 16 MiB written meanwhile, and dropped the pages
 *    of the files then on the disk from the cache), then exchanges it with the
 *    output directory (or renames it in place when there was none), syncs
 *    the parent directory; 6. removes the old tree, now at the staging
 *    name.
 * A staging tree that is not committed is removed by stage_free.
 */
#include "stage.h"
#include "hex.h"
#include "fileio.h"
#include "buf.h"
#include "hash.h"
#include "i18n.h"
#include "model.h"
#include "path.h"
#include "xalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

struct out_file {
	char *path;
	size_t len;
	unsigned long long hash;
	int unchanged;          /* the output holds these bytes already */
	int refused;            /* not a path the stage may write (path_is_safe, the manifest's) */
};

/*
 * The manifest's first line: the format and the hash its lines hold
 * (hash_content). Older manifests are still read:
 *  - "manifest 2" holds FNV-1a 64 (hash_fnv1a_more): a file is unchanged
 *    when its bytes have that FNV-1a, and the manifest written then holds
 *    XXH3 (the FNV-1a is computed only in that one build, only for files
 *    of the same size);
 *  - a manifest without a first line was written before the hash was fixed
 *    (FNV-1a with a truncated offset basis): its paths still say which
 *    files are ours, but its hashes match nothing, so every file is
 *    written again, once.
 */
#define MANIFEST_HEADER "# fiches manifest 3: size and XXH3 64 of each file fiches wrote here\n"
#define MANIFEST_HEADER_FNV1A "# fiches manifest 2: size and FNV-1a 64 of each file fiches wrote here\n"

/* What an old manifest's hashes are. */
enum manifest_hashes {
	HASHES_UNKNOWN,  /* no first line: match nothing */
	HASHES_FNV1A,    /* manifest 2 */
	HASHES_XXH3,     /* manifest 3, MANIFEST_HEADER: hash_content */
};

/* What the previous build recorded. */
struct manifest_entry {
	char *path;
	unsigned long long hash;
	size_t len;
};

struct stage {
	char *out;            /* output directory as given */
	char *parent, *name;  /* of out */
	char *staging;        /* ".NAME.fiches-new" beside it (inside it when in_place) */
	int in_place;         /* out is a mount point: files are renamed into it one by one */
	int patch;            /* stage_set_patch: in place, every old file kept, no sync */
	struct ptrs keep;     /* char *: prefixes of old files kept when not produced */
	struct manifest_entry *old; /* sorted; read by stage_new, then only read */
	size_t nold;
	enum manifest_hashes old_hashes; /* what the old manifest's hashes are */
	pthread_mutex_t lock; /* guards what follows */
	struct out_file *files;
	size_t n, cap;
	int staging_made;     /* 1: created and ours; -1: could not be created */
	int staging_errno;
	int staging_fd;       /* the staging directory, which files are created in, or -1 */
	int committed;
	char *write_failed;   /* first file that could not be written, and why */
	int write_errno;
	/*
	 * Files handed to threads that have nothing else to do (stage_help):
	 * queued only while one waits, so nothing piles up in memory while
	 * every thread renders. Guarded by lock; helpers is also read without it.
	 */
	pthread_cond_t handed;      /* a file was queued, the queue closed, or the last in flight done */
	struct handoff *queue, *queue_tail;
	size_t queued, in_flight;
	atomic_int helpers;         /* threads waiting in stage_help */
	int closed;                 /* stage_help_end: no more hand-offs */
	/*
	 * Early write-back (flusher_main): a thread that asks the kernel to
	 * write the files staged so far while the build goes on. flush_fd,
	 * the staging directory opened before any file is written
	 * (staging_fd, which owns it), also serves the final syncfs, so a
	 * write-back error since then is reported whichever syncfs meets it.
	 * The flags are guarded by lock.
	 */
	int flush_fd;               /* -1 when none (patch mode, or not staged yet) */
	int flusher_started;
	int flush_wanted, flush_stop;
	int flush_errno;            /* the first failed background syncfs */
	pthread_t flusher;
	pthread_cond_t flush_cond;
	atomic_size_t unflushed;    /* bytes written since the last request */
	/*
	 * Staged files written whole but still open (guarded by lock): the
	 * flusher drops their pages from the cache once a syncfs has put
	 * them on the disk, then closes them (see retire_fd).
	 */
	int *written_fds;
	size_t nwritten_fds, capwritten_fds;
	size_t max_written_fds;     /* 0: every file is closed at once */
};

/* A file stage_add handed to a helper: its path (copied) and bytes (taken). */
struct handoff {
	struct handoff *next;
	char *path;
	struct buf data;
	int hashed;                 /* hash is data's hash_content, from the caller */
	unsigned long long hash;
};

/* At most this many files wait for a helper; past it, the thread that made one writes it. */
#define STAGE_HANDOFF_MAX 64

/*
 * Bytes written into the staging tree after which their write-back is
 * started (flusher_main). The kernel keeps a build's files dirty in
 * memory until the final syncfs (below its background threshold, a tenth
 * of the memory), which then waited for all of them at once: 0.4 s at
 * 10 000 fiches (374 MB) with the machine's CPUs idle. Written back by
 * slices while the pages render, the final syncfs finds only the last
 * slice and the metadata.
 */
#define STAGE_FLUSH_BYTES ((size_t)16 << 20)

/*
 * Staged files of at least STAGE_DROP_MIN bytes are held open for the
 * flusher to drop their pages from the cache (retire_fd), at most
 * STAGE_WRITTEN_FDS_MAX at once (and a quarter of RLIMIT_NOFILE). Smaller
 * files are closed at once: a drop costs a system call per file, and at
 * 10 000 fiches the files under 16 KiB are 56 % of the files, 12 % of the
 * bytes.
 */
#define STAGE_DROP_MIN ((size_t)16 << 10)
#define STAGE_WRITTEN_FDS_MAX 2048
/* Descriptors a build may have open besides those retire_fd holds (stage_reserve_fds). */
#define STAGE_OTHER_FDS 64

static int compare_files(const void *a, const void *b)
{
	return strcmp(((const struct out_file *)a)->path, ((const struct out_file *)b)->path);
}

static int compare_manifest(const void *a, const void *b)
{
	return strcmp(((const struct manifest_entry *)a)->path,
		      ((const struct manifest_entry *)b)->path);
}

/*
 * One manifest line, as "%016llx %zu %s\n" prints it. Written by hand: at
 * 10 000 fiches a manifest has 20 000 lines and `fiches serve` writes it
 * twice per save, where printf's formatting was the larger part of the
 * commit before the page reloads.
 */
static void manifest_line(struct buf *b, unsigned long long hash, size_t len, const char *path)
{
	static const char hex[] = "0123456789abcdef";
	char head[16 + 1 + 20 + 1];
	for (int i = 15; i >= 0; i--, hash >>= 4)
		head[i] = hex[hash & 15];
	head[16] = ' ';
	char digits[20];
	int nd = 0;
	do {
		digits[nd++] = (char)('0' + len % 10);
		len /= 10;
	} while (len);
	size_t k = 17;
	while (nd)
		head[k++] = digits[--nd];
	head[k++] = ' ';
	buf_put(b, head, k);
	buf_puts(b, path);
	buf_putc(b, '\n');
}

/*
 * What sscanf(line, "%16llx %zu %n", h, len, off) reads, with its count
 * of conversions. The lines manifest_line writes (16 hex digits, a space,
 * up to 18 digits, a space) are read by hand, the reading of 20 000 lines
 * per commit at 10 000 fiches; any other line goes to sscanf itself.
 */
static int manifest_fields(const char *line, unsigned long long *h, size_t *len, int *off)
{
	const char *p = line;
	unsigned long long x = 0;
	for (int i = 0; i < 16; i++, p++) {
		int d = hex_value(*p);
		if (d < 0)
			return sscanf(line, "%16llx %zu %n", h, len, off);
		x = x << 4 | (unsigned)d;
	}
	if (*p != ' ' || p[1] < '0' || p[1] > '9')
		return sscanf(line, "%16llx %zu %n", h, len, off);
	p++;
	size_t n = 0;
	int nd = 0;
	for (; *p >= '0' && *p <= '9'; p++, nd++)
		n = n * 10 + (size_t)(*p - '0');
	if (nd > 18 || *p != ' ')
		return sscanf(line, "%16llx %zu %n", h, len, off);
	while (isspace((unsigned char)*p))
		p++;
	*h = x;
	*len = n;
	*off = (int)(p - line);
	return 2;
}

static struct manifest_entry *read_manifest(const char *out, size_t *count,
					    enum manifest_hashes *hashes)
{
	*count = 0;
	*hashes = HASHES_UNKNOWN;
	char *p = path_join(out, STAGE_MANIFEST);
	FILE *f = fopen(p, "r");
	free(p);
	if (!f)
		return NULL;
	struct manifest_entry *v = NULL;
	size_t cap = 0;
	char line[PATH_MAX + 64];
	for (int first = 1; fgets(line, sizeof line, f); first = 0) {
		if (first && !strcmp(line, MANIFEST_HEADER)) {
			*hashes = HASHES_XXH3;
			continue;
		}
		if (first && !strcmp(line, MANIFEST_HEADER_FNV1A)) {
			*hashes = HASHES_FNV1A;
			continue;
		}
		unsigned long long h;
		size_t len;
		int off = 0;
		if (manifest_fields(line, &h, &len, &off) != 2 || off <= 0)
			continue;
		char *path = line + off;
		path[strcspn(path, "\n")] = '\0';
		if (!path_is_safe(path))
			continue;
		if (*count == cap) {
			cap = cap ? cap * 2 : 256;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[(*count)++] = (struct manifest_entry){xstrdup(path), h, len};
	}
	fclose(f);
	/* Written in path order: sorted again only when a hand or a crash left it otherwise. */
	size_t sorted = 1;
	while (sorted < *count && compare_manifest(&v[sorted - 1], &v[sorted]) < 0)
		sorted++;
	if (sorted < *count)
		qsort(v, *count, sizeof *v, compare_manifest);
	return v;
}

static struct manifest_entry *find_manifest(struct manifest_entry *v, size_t n, const char *path)
{
	struct manifest_entry key = {(char *)path, 0, 0};
	return n ? bsearch(&key, v, n, sizeof *v, compare_manifest) : NULL;
}

/* Whether m records data[0..len), whose hash_content is h, in the old manifest's hash. */
static int recorded(const struct stage *st, const struct manifest_entry *m, unsigned long long h,
		    const char *data, size_t len)
{
	if (m->len != len)
		return 0;
	switch (st->old_hashes) {
	case HASHES_XXH3:
		return m->hash == h;
	case HASHES_FNV1A:
		return m->hash == hash_fnv1a_more(HASH_FNV1A64_BASIS, data, len);
	case HASHES_UNKNOWN:
		break;
	}
	return 0;
}

/*
 * The hash the new manifest records for an old file kept as it is: its
 * own from a manifest 3; from a manifest 2, hash_content of the file when
 * it still holds the bytes recorded (read once, in the first build after
 * the change of hash); else the old value, which matches nothing, so the
 * file is written again when the site makes it next.
 */
static unsigned long long kept_hash(const struct stage *st, const struct manifest_entry *m)
{
	if (st->old_hashes != HASHES_FNV1A)
		return m->hash;
	char *p = path_join(st->out, m->path);
	size_t len = 0;
	char *data = file_read(p, &len);
	unsigned long long h = m->hash;
	if (data && len == m->len && hash_fnv1a_more(HASH_FNV1A64_BASIS, data, len) == m->hash)
		h = hash_content(data, len);
	free(data);
	free(p);
	return h;
}

/* The first line of a manifest whose hashes are of this kind ("" for none). */
static const char *manifest_header(enum manifest_hashes kind)
{
	return kind == HASHES_XXH3 ? MANIFEST_HEADER :
	       kind == HASHES_FNV1A ? MANIFEST_HEADER_FNV1A : "";
}

static int mkdirs_for(const char *root, const char *rel)
{
	char *full = path_join(root, rel);
	for (char *p = full + strlen(root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(full, 0755) < 0 && errno != EEXIST) {
			free(full);
			return -1;
		}
		*p = '/';
	}
	free(full);
	return 0;
}

static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0)
		return -1;
	struct buf b = BUF_INIT;
	char chunk[65536];
	ssize_t r;
	while ((r = read(in, chunk, sizeof chunk)) > 0)
		buf_put(&b, chunk, (size_t)r);
	close(in);
	int rc = r < 0 ? -1 : file_write(to, buf_cstr(&b), b.len);
	buf_free(&b);
	if (rc == 0) {
		struct stat st;
		if (stat(from, &st) == 0) {
			struct timespec times[2] = {st.st_atim, st.st_mtim};
			utimensat(AT_FDCWD, to, times, 0);
		}
	}
	return rc;
}

/* Removes a tree fiches created (staging or old output). Only regular files, links and directories. */
static void remove_tree(const char *dir)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *p = path_join(dir, e->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(p);
		else
			unlink(p);
		free(p);
	}
	closedir(dp);
	rmdir(dir);
}

/* Every file below dir, relative paths, for carrying over files fiches did not create. */
static void list_tree(const char *root, const char *rel, struct ptrs *out)
{
	char *dir = *rel ? path_join(root, rel) : xstrdup(root);
	DIR *dp = opendir(dir);
	if (!dp) {
		free(dir);
		return;
	}
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *sub = *rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
		char *full = path_join(root, sub);
		struct stat st;
		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			list_tree(root, sub, out);
			free(sub);
		} else {
			ptrs_add(out, sub);
		}
		free(full);
	}
	closedir(dp);
	free(dir);
}

static char *parent_of(const char *path)
{
	char *p = xstrdup(path);
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	char *slash = strrchr(p, '/');
	if (!slash) {
		free(p);
		return xstrdup(".");
	}
	if (slash == p)
		slash[1] = '\0';
	else
		*slash = '\0';
	return p;
}

static char *base_of(const char *path)
{
	char *p = xstrdup(path);
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	char *slash = strrchr(p, '/');
	char *b = xstrdup(slash ? slash + 1 : p);
	free(p);
	return b;
}

/*
 * Removes ".NAME.fiches-new" and ".NAME.fiches-old" left by a killed build
 * beside the output, and the staging tree of a killed in-place build
 * inside it.
 */
static void clean_leftovers(const char *parent, const char *name, const char *out)
{
	const char *suffixes[] = {"fiches-new", "fiches-old"};
	for (int i = 0; i < 3; i++) {
		char *p = i < 2 ? xasprintf("%s/.%s.%s", parent, name, suffixes[i])
				: path_join(out, STAGE_IN_PLACE_DIR);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(p);
		free(p);
	}
}

#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif

/*
 * 1 when dir is the root of a mounted file system (a USB stick, a share, a
 * bind mount): it cannot be renamed, so no tree can be swapped with it.
 */
static int is_mount_root(const char *dir, const char *parent)
{
	struct statx sx;
	if (statx(AT_FDCWD, dir, AT_STATX_SYNC_AS_STAT, 0, &sx) == 0 &&
	    (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
	struct stat a, b;  /* kernels before 5.8: a device of its own */
	return stat(dir, &a) == 0 && stat(parent, &b) == 0 && S_ISDIR(a.st_mode) &&
	       a.st_dev != b.st_dev;
}

/* fsync of a directory (its entries), or of the whole file system with whole_fs: 0 or -1 (errno set). */
static int sync_path(const char *dir, int whole_fs)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = whole_fs ? syncfs(fd) : fsync(fd);
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

/*
 * After the swap: the new site is in place, only its durability across a
 * power cut is in doubt, so a failure is a warning (the next build
 * rewrites what a crash lost).
 */
static void sync_dir_after(struct diag *d, const char *dir)
{
	if (sync_path(dir, 0) < 0)
		diag_warning(d, dir, 0, 0, _("cannot write: %s"), strerror(errno));
}

/*
 * The directory the stage swaps: out_dir itself, or, when out_dir is a
 * symbolic link (public -> /var/www/tat, the usual way to publish), the
 * directory it leads to. The new tree is then built beside that directory
 * and exchanged with it there: the link is left as the user made it and
 * still names the old complete site or the new one. Caller frees.
 */
static char *swapped_dir(const char *out_dir)
{
	struct stat st;
	if (lstat(out_dir, &st) == 0 && S_ISLNK(st.st_mode)) {
		char *real = realpath(out_dir, NULL);
		if (real && stat(real, &st) == 0 && S_ISDIR(st.st_mode))
			return real;
		free(real);
	}
	return xstrdup(out_dir);
}

/*
 * Closes n staged files written whole; with drop (a syncfs put them on the
 * disk since they were written), first drops their pages from the page
 * cache. 0, or -1 with *e set to the first close's failure.
 */
static int drop_written(const int *fds, size_t n, int drop, int *e)
{
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		if (drop)
			posix_fadvise(fds[i], 0, 0, POSIX_FADV_DONTNEED);
		if (close(fds[i]) < 0 && rc == 0) {
			rc = -1;
			*e = errno;
		}
	}
	return rc;
}

/*
 * The early write-back thread: a syncfs of the staging tree's file system
 * each time STAGE_FLUSH_BYTES more were written. The kernel's flusher does
 * the writing; this thread only waits for it, so the renderers go on.
 * Errors are kept for the final sync (sync_staging) to report.
 */
static void *flusher_main(void *arg)
{
	struct stage *st = arg;
	pthread_mutex_lock(&st->lock);
	for (;;) {
		while (!st->flush_wanted && !st->flush_stop)
			pthread_cond_wait(&st->flush_cond, &st->lock);
		if (st->flush_stop)
			break;
		st->flush_wanted = 0;
		int *fds = st->written_fds;
		size_t n = st->nwritten_fds;
		st->written_fds = NULL;
		st->nwritten_fds = st->capwritten_fds = 0;
		pthread_mutex_unlock(&st->lock);
		int rc = syncfs(st->flush_fd), e = errno, close_e = 0;
		if (drop_written(fds, n, rc == 0, &close_e) < 0 && rc == 0) {
			rc = -1;
			e = close_e;
		}
		free(fds);
		pthread_mutex_lock(&st->lock);
		if (rc < 0 && !st->flush_errno)
			st->flush_errno = e;
	}
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

/* How many written files retire_fd may hold open: STAGE_WRITTEN_FDS_MAX, and a quarter of RLIMIT_NOFILE. */
static size_t written_fds_max(void)
{
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) != 0)
		return 0;
	rlim_t quarter = nofile.rlim_cur / 4;
	return quarter < STAGE_WRITTEN_FDS_MAX ? (size_t)quarter : STAGE_WRITTEN_FDS_MAX;
}

/*
 * The kernel grows a process's file-descriptor table by powers of two as
 * descriptor numbers rise (64, 128, 256 ... entries), and while the
 * process has more than one thread each growth waits for an RCU grace
 * period, every thread that opens a file meanwhile waiting with it: 8 to
 * 23 ms each on the benchmark's machine (strace -T), in a build whose
 * retire_fd holds up to 2 048 files open, so that their numbers cross four
 * to six such sizes while both renderers create files. One descriptor
 * numbered past everything the stage may hold, made while the process has
 * one thread and closed at once, grows the table there without the wait;
 * a table never shrinks. F_DUPFD takes the lowest free number from there,
 * never one already open. Nothing depends on it: when it fails, the table
 * grows as before.
 */
void stage_reserve_fds(void)
{
	size_t held = written_fds_max();
	if (held == 0)
		return;
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) != 0)
		return;
	/* Besides the files held: directories, the files being written and read, the standard ones. */
	rlim_t want = (rlim_t)held + STAGE_OTHER_FDS;
	if (nofile.rlim_cur != RLIM_INFINITY && want >= nofile.rlim_cur)
		want = nofile.rlim_cur - 1;
	for (int src = 0; src <= 2; src++) {
		int fd = fcntl(src, F_DUPFD_CLOEXEC, (int)want);
		if (fd >= 0) {
			close(fd);
			return;
		}
		if (errno != EBADF)
			return;
	}
}

/* Starts the flusher for a staging directory just made; call with the lock held. */
static void flusher_start(struct stage *st)
{
	if (st->patch)
		return;  /* a preview's patch is never synced */
	st->flush_fd = st->staging_fd;
	if (st->flush_fd < 0)
		return;  /* the final sync opens the directory itself */
	/* Signals stay with the main thread. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	st->flusher_started = pthread_create(&st->flusher, NULL, flusher_main, st) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (st->flusher_started)
		st->max_written_fds = written_fds_max();
}

/*
 * A staged file written whole: closed, or handed to the flusher to drop
 * its pages from the cache once they are on the disk. A build writes
 * hundreds of megabytes it never reads again; written into pages the
 * cache already had (those of the files before, dropped), the copy costs
 * less than into fresh memory (a virtual machine's first touch of a page
 * it gave back to its host is ten times slower), and the build leaves the
 * cache to the user's own files. 0, or -1 with errno set.
 */
static int retire_fd(struct stage *st, int fd, size_t len)
{
	if (len < STAGE_DROP_MIN)
		return close(fd);
	pthread_mutex_lock(&st->lock);
	if (!st->flusher_started || st->flush_stop || st->nwritten_fds >= st->max_written_fds) {
		pthread_mutex_unlock(&st->lock);
		return close(fd);
	}
	if (st->nwritten_fds == st->capwritten_fds) {
		st->capwritten_fds = st->capwritten_fds ? st->capwritten_fds * 2 : 256;
		st->written_fds = xrealloc(st->written_fds, st->capwritten_fds * sizeof *st->written_fds);
	}
	st->written_fds[st->nwritten_fds++] = fd;
	if (st->nwritten_fds >= st->max_written_fds / 2) {
		/* Held open until a syncfs: not too many at once. */
		st->flush_wanted = 1;
		pthread_cond_signal(&st->flush_cond);
	}
	pthread_mutex_unlock(&st->lock);
	return 0;
}

/* Asks for the write-back of what was written since the last request, once there is enough. */
static void flusher_count(struct stage *st, size_t len)
{
	if (!st->flusher_started ||
	    atomic_fetch_add(&st->unflushed, len) + len < STAGE_FLUSH_BYTES)
		return;
	atomic_store(&st->unflushed, 0);
	pthread_mutex_lock(&st->lock);
	st->flush_wanted = 1;
	pthread_cond_signal(&st->flush_cond);
	pthread_mutex_unlock(&st->lock);
}

/*
 * Asks for the write-back of every file written so far, whatever its
 * amount: the commit's own work (sorting, the manifest) then overlaps it,
 * and its final syncfs finds only the manifest and the last metadata.
 */
static void flusher_now(struct stage *st)
{
	pthread_mutex_lock(&st->lock);
	if (st->flusher_started && atomic_load(&st->unflushed)) {
		atomic_store(&st->unflushed, 0);
		st->flush_wanted = 1;
		pthread_cond_signal(&st->flush_cond);
	}
	pthread_mutex_unlock(&st->lock);
}

/* Stops the flusher (after the syncfs it is in, if any). */
static void flusher_stop(struct stage *st)
{
	pthread_mutex_lock(&st->lock);
	int started = st->flusher_started;
	st->flush_stop = 1;
	st->flusher_started = 0;
	pthread_cond_signal(&st->flush_cond);
	pthread_mutex_unlock(&st->lock);
	if (started)
		pthread_join(st->flusher, NULL);
}

/*
 * The staging tree's file system flushed to the disk before anything is
 * swapped in: 0, or -1 with errno set (a background syncfs's failure
 * included).
 */
static int sync_staging(struct stage *st)
{
	flusher_stop(st);
	int e = 0;
	/* The files still open are closed before the sync: a close may report a write's failure. */
	int closed = drop_written(st->written_fds, st->nwritten_fds, 0, &e);
	st->nwritten_fds = 0;
	if (st->flush_errno || closed < 0) {
		errno = st->flush_errno ? st->flush_errno : e;
		return -1;
	}
	if (st->flush_fd >= 0)
		return syncfs(st->flush_fd);
	return sync_path(st->staging, 1);
}

struct stage *stage_new(const char *out_dir)
{
	struct stage *st = xcalloc(1, sizeof *st);
	st->out = swapped_dir(out_dir);
	st->parent = parent_of(out_dir);
	st->name = base_of(out_dir);
	st->in_place = is_mount_root(st->out, st->parent);
	st->staging = st->in_place ? path_join(st->out, STAGE_IN_PLACE_DIR)
				   : xasprintf("%s/.%s.fiches-new", st->parent, st->name);
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->handed, NULL);
	pthread_cond_init(&st->flush_cond, NULL);
	atomic_init(&st->helpers, 0);
	atomic_init(&st->unflushed, 0);
	st->flush_fd = -1;
	st->staging_fd = -1;
	struct stat out_st;
	if (lstat(st->out, &out_st) == 0 && S_ISDIR(out_st.st_mode))
		st->old = read_manifest(st->out, &st->nold, &st->old_hashes);
	return st;
}

void stage_free(struct stage *st)
{
	if (!st)
		return;
	flusher_stop(st);
	int e;
	drop_written(st->written_fds, st->nwritten_fds, 0, &e);
	free(st->written_fds);
	if (st->staging_fd >= 0)
		close(st->staging_fd);  /* and flush_fd, the same */
	if (st->staging_made == 1 && !st->committed)
		remove_tree(st->staging);
	for (size_t i = 0; i < st->n; i++)
		free(st->files[i].path);
	free(st->files);
	for (size_t i = 0; i < st->nold; i++)
		free(st->old[i].path);
	free(st->old);
	for (size_t i = 0; i < st->keep.n; i++)
		free(st->keep.v[i]);
	ptrs_free(&st->keep);
	free(st->out);
	free(st->parent);
	free(st->name);
	free(st->staging);
	free(st->write_failed);
	for (struct handoff *h = st->queue, *next; h; h = next) {
		next = h->next;
		free(h->path);
		buf_free(&h->data);
		free(h);
	}
	pthread_cond_destroy(&st->handed);
	pthread_cond_destroy(&st->flush_cond);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

int stage_size_compare(const void *a, const void *b)
{
	return strcmp(((const struct stage_size *)a)->path, ((const struct stage_size *)b)->path);
}

struct stage_size *stage_sizes(struct stage *st, const char *prefix, size_t *n)
{
	size_t plen = strlen(prefix), count = 0;
	stage_flush(st);
	pthread_mutex_lock(&st->lock);
	struct stage_size *v = xcalloc(st->n + 1, sizeof *v);
	for (size_t i = 0; i < st->n; i++) {
		if (strncmp(st->files[i].path, prefix, plen) != 0)
			continue;
		v[count].path = xstrdup(st->files[i].path);
		v[count++].len = st->files[i].len;
	}
	pthread_mutex_unlock(&st->lock);
	qsort(v, count, sizeof *v, stage_size_compare);
	*n = count;
	return v;
}

void stage_sizes_free(struct stage_size *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

static int compare_hashes(const void *a, const void *b)
{
	return strcmp(((const struct stage_hash *)a)->path, ((const struct stage_hash *)b)->path);
}

struct stage_hash *stage_hashes(struct stage *st, const char *prefix, size_t *n)
{
	size_t plen = strlen(prefix), count = 0;
	stage_flush(st);
	pthread_mutex_lock(&st->lock);
	struct stage_hash *v = xcalloc(st->n + 1, sizeof *v);
	for (size_t i = 0; i < st->n; i++) {
		if (strncmp(st->files[i].path, prefix, plen) != 0)
			continue;
		v[count].path = xstrdup(st->files[i].path);
		v[count++].hash = st->files[i].hash;
	}
	pthread_mutex_unlock(&st->lock);
	qsort(v, count, sizeof *v, compare_hashes);
	*n = count;
	return v;
}

void stage_hashes_free(struct stage_hash *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

void stage_keep_prefix(struct stage *st, const char *prefix)
{
	ptrs_add(&st->keep, xstrdup(prefix));
}

void stage_set_patch(struct stage *st)
{
	st->patch = 1;
	st->in_place = 1;
	free(st->staging);
	st->staging = path_join(st->out, STAGE_IN_PLACE_DIR);
	stage_keep_prefix(st, "");
}

static int kept(const struct stage *st, const char *path)
{
	for (size_t i = 0; i < st->keep.n; i++)
		if (strncmp(path, st->keep.v[i], strlen(st->keep.v[i])) == 0)
			return 1;
	return 0;
}

/* Creates the staging directory once; call with the lock held. 0 or -1. */
static int make_staging(struct stage *st)
{
	if (st->staging_made == 0) {
		/*
		 * Past a file size limit (ulimit -f), write() fails with EFBIG,
		 * reported, instead of SIGXFSZ killing the build.
		 */
		signal(SIGXFSZ, SIG_IGN);
		clean_leftovers(st->parent, st->name, st->out);
		if (mkdir(st->staging, 0755) == 0) {
			st->staging_made = 1;
			/* Files are created relative to it: no walk of the path above for each. */
			st->staging_fd = open(st->staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			flusher_start(st);
		} else {
			st->staging_made = -1;
			st->staging_errno = errno;
		}
	}
	return st->staging_made == 1 ? 0 : -1;
}

/*
 * Creates rel below the staging directory for writing, making its
 * directories when missing: a descriptor, or -1 with errno set.
 */
static int open_staged(struct stage *st, const char *rel)
{
	int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW;
	if (st->staging_fd < 0) {
		/* The directory could not be opened: its path, walked each time. */
		char *dest = path_join(st->staging, rel);
		int fd = open(dest, flags, 0644);
		if (fd < 0 && errno == ENOENT && mkdirs_for(st->staging, rel) == 0)
			fd = open(dest, flags, 0644);
		int e = errno;
		free(dest);
		errno = e;
		return fd;
	}
	int fd = openat(st->staging_fd, rel, flags, 0644);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	char *dir = xstrdup(rel);
	for (char *p = strchr(dir, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		int made = mkdirat(st->staging_fd, dir, 0755) == 0 || errno == EEXIST;
		*p = '/';
		if (!made) {
			int e = errno;
			free(dir);
			errno = e;
			return -1;
		}
	}
	free(dir);
	return openat(st->staging_fd, rel, flags, 0644);
}

/* Writes rel below the staging directory, making its directories when missing. */
static int write_staged(struct stage *st, const char *rel, const char *data, size_t len)
{
	int fd = open_staged(st, rel);
	if (fd < 0)
		return -1;
	if (fd_write_all(fd, data, len) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return retire_fd(st, fd, len);
}

/* Notes the first file that could not be written. */
static void write_failure(struct stage *st, const char *path, int e)
{
	pthread_mutex_lock(&st->lock);
	if (!st->write_failed) {
		st->write_failed = path_join(st->staging, path);
		st->write_errno = e;
	}
	pthread_mutex_unlock(&st->lock);
}

/*
 * stage_add's work, on the thread that calls it; data stays the caller's.
 * known: data's hash_content when the caller has it, else NULL.
 */
static void add_now(struct stage *st, const char *path, const char *data, size_t len,
		    const unsigned long long *known)
{
	unsigned long long h = known ? *known : hash_content(data, len);
	int unchanged = 0;
	int writable = path_is_safe(path) && strcmp(path, STAGE_MANIFEST) != 0;
	struct manifest_entry *m = writable ? find_manifest(st->old, st->nold, path) : NULL;
	if (m && recorded(st, m, h, data, len)) {
		char *p = path_join(st->out, path);
		struct stat fs;
		/* Trust the manifest only while the file on disk still looks the same. */
		unchanged = lstat(p, &fs) == 0 && S_ISREG(fs.st_mode) && (size_t)fs.st_size == len;
		free(p);
	}
	if (writable && !unchanged) {
		pthread_mutex_lock(&st->lock);
		int ready = make_staging(st) == 0;
		pthread_mutex_unlock(&st->lock);
		if (ready && write_staged(st, path, data, len) == 0)
			flusher_count(st, len);
		else if (ready)
			write_failure(st, path, errno);
	}
	pthread_mutex_lock(&st->lock);
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 256;
		st->files = xrealloc(st->files, st->cap * sizeof *st->files);
	}
	st->files[st->n++] = (struct out_file){xstrdup(path), len, h, unchanged, !writable};
	pthread_mutex_unlock(&st->lock);
}

/*
 * A file written into the staging tree as its buffer fills (stage_stream):
 * the buffer's sink. The stage's lock guards none of it: one thread makes
 * the file.
 */
struct stream {
	struct buf_sink sink;       /* first: the buffer points at it */
	struct stage *st;
	char *path;
	size_t old_len;             /* the previous build's size of path, or SIZE_MAX: none */
	int fd;                     /* -1 until the first bytes are written */
	int gave_up;                /* could not be written: the bytes stay in the buffer */
	size_t written;
	struct hash_stream *hash;   /* made with the file */
};

/* Opens the staged file for s: 0, or -1 with errno set. */
static int stream_open(struct stream *s)
{
	struct stage *st = s->st;
	pthread_mutex_lock(&st->lock);
	int ready = make_staging(st) == 0;
	pthread_mutex_unlock(&st->lock);
	if (!ready) {
		errno = st->staging_errno;
		return -1;
	}
	s->fd = open_staged(st, s->path);
	return s->fd < 0 ? -1 : 0;
}

/* The buffer is full: writes its bytes, unless the file may still be the previous build's. */
static int stream_take(struct buf_sink *sink, const char *data, size_t len)
{
	struct stream *s = (struct stream *)sink;
	/*
	 * Until it is longer than the file the previous build made there, the
	 * file may be the same, written by no one (stage_add): held whole.
	 */
	if (s->gave_up || (s->old_len != SIZE_MAX && s->written + len <= s->old_len))
		return 0;
	if (s->fd < 0) {
		if (stream_open(s) < 0) {
			s->gave_up = 1;  /* stage_add_buf tries again with every byte, and reports */
			return 0;
		}
		s->hash = hash_stream_new();
	}
	hash_stream_add(s->hash, data, len);
	if (fd_write_all(s->fd, data, len) < 0)
		write_failure(s->st, s->path, errno);
	s->written += len;
	flusher_count(s->st, len);
	return 1;
}

void stage_stream(struct stage *st, const char *path, struct buf *b)
{
	if (!path_is_safe(path) || !strcmp(path, STAGE_MANIFEST) ||
	    (st->old_hashes == HASHES_FNV1A && st->nold))
		return;  /* reported, or hashed whole, by stage_add_buf */
	struct stream *s = xcalloc(1, sizeof *s);
	s->sink.take = stream_take;
	s->st = st;
	s->path = xstrdup(path);
	const struct manifest_entry *m = find_manifest(st->old, st->nold, path);
	s->old_len = m ? m->len : SIZE_MAX;
	s->fd = -1;
	b->sink = &s->sink;
}

/*
 * stage_add_buf of a streamed buffer: 1 when its file was written (the
 * rest of its bytes now), 0 when nothing was, and b holds every byte.
 */
static int stream_end(struct stage *st, struct buf *b)
{
	struct stream *s = (struct stream *)b->sink;
	b->sink = NULL;
	int streamed = s->fd >= 0;
	if (streamed) {
		hash_stream_add(s->hash, buf_cstr(b), b->len);
		if (fd_write_all(s->fd, buf_cstr(b), b->len) < 0) {
			write_failure(st, s->path, errno);
			close(s->fd);
		} else if (retire_fd(st, s->fd, s->written + b->len) < 0) {
			write_failure(st, s->path, errno);
		} else {
			flusher_count(st, b->len);
		}
		size_t len = s->written + b->len;
		unsigned long long h = hash_stream_end(s->hash);
		/*
		 * Written: longer than the previous build's file, or new, so
		 * never one the output holds already.
		 */
		pthread_mutex_lock(&st->lock);
		if (st->n == st->cap) {
			st->cap = st->cap ? st->cap * 2 : 256;
			st->files = xrealloc(st->files, st->cap * sizeof *st->files);
		}
		st->files[st->n++] = (struct out_file){xstrdup(s->path), len, h, 0, 0};
		pthread_mutex_unlock(&st->lock);
		buf_reset(b);
	}
	free(s->path);
	free(s);
	return streamed;
}

/*
 * Queues data (taken) for a helper when one waits and there is room: 1,
 * else 0 and data is left where it is. known as add_now's.
 */
static int hand_off(struct stage *st, const char *path, struct buf *data,
		    const unsigned long long *known)
{
	if (atomic_load(&st->helpers) == 0)
		return 0;
	pthread_mutex_lock(&st->lock);
	if (atomic_load(&st->helpers) == 0 || st->closed || st->queued >= STAGE_HANDOFF_MAX) {
		pthread_mutex_unlock(&st->lock);
		return 0;
	}
	struct handoff *h = xmalloc(sizeof *h);
	*h = (struct handoff){NULL, xstrdup(path), *data, known != NULL, known ? *known : 0};
	if (st->queue_tail)
		st->queue_tail->next = h;
	else
		st->queue = h;
	st->queue_tail = h;
	st->queued++;
	pthread_cond_signal(&st->handed);
	pthread_mutex_unlock(&st->lock);
	return 1;
}

/* stage_add, known as add_now's. */
static void add_taken(struct stage *st, const char *path, char *data, size_t len,
		      const unsigned long long *known)
{
	struct buf b = {data, len, len + 1, 0, NULL};
	if (hand_off(st, path, &b, known))
		return;
	add_now(st, path, data, len, known);
	free(data);
}

void stage_add(struct stage *st, const char *path, char *data, size_t len)
{
	add_taken(st, path, data, len, NULL);
}

void stage_add_hashed(struct stage *st, const char *path, char *data, size_t len,
		      unsigned long long hash)
{
	add_taken(st, path, data, len, &hash);
}

void stage_add_buf(struct stage *st, const char *path, struct buf *b)
{
	if (b->sink && stream_end(st, b))
		return;
	if (hand_off(st, path, b, NULL)) {
		/* Its bytes are the helper's now; b starts again empty. */
		*b = (struct buf){NULL, 0, 0, b->map ? BUF_MAY_MAP : 0, NULL};
		return;
	}
	add_now(st, path, buf_cstr(b), b->len, NULL);
	buf_reset(b);
}

/*
 * With the lock held: takes the queue's first file, writes it without the
 * lock, and takes the lock again. 0 when the queue was empty.
 */
static int write_one_handed(struct stage *st)
{
	struct handoff *h = st->queue;
	if (!h)
		return 0;
	st->queue = h->next;
	if (!st->queue)
		st->queue_tail = NULL;
	st->queued--;
	st->in_flight++;
	pthread_mutex_unlock(&st->lock);
	add_now(st, h->path, buf_cstr(&h->data), h->data.len, h->hashed ? &h->hash : NULL);
	buf_free(&h->data);
	free(h->path);
	free(h);
	pthread_mutex_lock(&st->lock);
	if (--st->in_flight == 0 && !st->queue)
		pthread_cond_broadcast(&st->handed);
	return 1;
}

void stage_help(struct stage *st)
{
	pthread_mutex_lock(&st->lock);
	atomic_fetch_add(&st->helpers, 1);
	while (!st->closed || st->queue) {
		if (!write_one_handed(st))
			pthread_cond_wait(&st->handed, &st->lock);
	}
	atomic_fetch_sub(&st->helpers, 1);
	pthread_mutex_unlock(&st->lock);
}

void stage_help_end(struct stage *st)
{
	pthread_mutex_lock(&st->lock);
	st->closed = 1;
	pthread_cond_broadcast(&st->handed);
	pthread_mutex_unlock(&st->lock);
	stage_flush(st);
}

void stage_flush(struct stage *st)
{
	pthread_mutex_lock(&st->lock);
	while (write_one_handed(st))
		;
	while (st->in_flight)
		pthread_cond_wait(&st->handed, &st->lock);
	pthread_mutex_unlock(&st->lock);
}

/* Hard-links (or copies) rel from the output into the staging tree. */
static int keep_staged(struct stage *st, const char *rel)
{
	char *src = path_join(st->out, rel), *dest = path_join(st->staging, rel);
	int ok = link(src, dest) == 0;
	if (!ok && errno == ENOENT && mkdirs_for(st->staging, rel) == 0)
		ok = link(src, dest) == 0;
	if (!ok)
		ok = copy_file(src, dest) == 0;
	free(src);
	free(dest);
	return ok ? 0 : -1;
}

/* Writes a manifest into the output through the staging tree (same file system) and a rename. */
static int put_manifest(struct stage *st, const struct buf *text)
{
	char *tmp = path_join(st->staging, STAGE_MANIFEST), *dest = path_join(st->out, STAGE_MANIFEST);
	int rc = file_write(tmp, buf_cstr(text), text->len);
	if (rc == 0 && !st->patch)
		rc = file_sync(tmp);
	if (rc == 0)
		rc = rename(tmp, dest);
	free(tmp);
	free(dest);
	return rc;
}


/*
 * Commit into an output that is a mount point (see stage.h): 1. a manifest
 * listing every file this commit may leave there: the old entries of the
 * files it leaves as they are, and every file it writes (new or changed)
 * with a size and hash no content has; 2. the staged files synced, then
 * renamed into place one by one; 3. the files no longer produced removed;
 * 4. the final manifest. A changed file must not keep its old entry: after
 * a kill between its rename and the final manifest it holds the new bytes,
 * and the next build, if it makes the old bytes again (the site edited
 * back), would trust the entry and leave the new ones there.
 */
static int commit_in_place(struct stage *st, struct diag *d, const struct buf *final,
			   const struct ptrs *carried)
{
	struct buf interim = BUF_INIT;
	/* The old entries' hashes are the old manifest's kind. */
	buf_puts(&interim, manifest_header(st->old_hashes));
	for (size_t i = 0; i < st->nold; i++) {
		const struct manifest_entry *m = &st->old[i];
		struct out_file key = {m->path, 0, 0, 0, 0};
		const struct out_file *f = bsearch(&key, st->files, st->n, sizeof *st->files, compare_files);
		if (f && !f->unchanged)
			manifest_line(&interim, 0ULL, (size_t)0, m->path);
		else
			manifest_line(&interim, m->hash, m->len, m->path);
	}
	for (size_t i = 0; i < st->n; i++)
		if (!find_manifest(st->old, st->nold, st->files[i].path))
			manifest_line(&interim, 0ULL, (size_t)0, st->files[i].path);
	int rc = put_manifest(st, &interim);
	buf_free(&interim);
	if (rc < 0) {
		diag_error(d, st->out, 0, 0, _("cannot write: %s"), strerror(errno));
		return -1;
	}
	if (!st->patch && sync_staging(st) < 0) {
		diag_error(d, st->staging, 0, 0, _("cannot write: %s"), strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < st->n; i++) {
		const struct out_file *f = &st->files[i];
		if (f->unchanged)
			continue;
		char *src = path_join(st->staging, f->path), *dest = path_join(st->out, f->path);
		int ok = rename(src, dest) == 0;
		if (!ok && errno == ENOENT && mkdirs_for(st->out, f->path) == 0)
			ok = rename(src, dest) == 0;
		if (!ok)
			diag_error(d, dest, 0, 0, _("cannot write: %s"), strerror(errno));
		free(src);
		free(dest);
		if (!ok)
			return -1;
	}
	for (size_t i = 0; i < st->nold; i++) {
		const struct manifest_entry *m = &st->old[i];
		struct out_file key = {m->path, 0, 0, 0, 0};
		if (bsearch(&key, st->files, st->n, sizeof *st->files, compare_files) ||
		    ptrs_contains(carried, m))  /* produced, or kept as it is */
			continue;
		char *p = path_join(st->out, m->path);
		if (unlink(p) == 0)
			dir_remove_empty_parents(st->out, m->path);
		free(p);
	}
	if (put_manifest(st, final) < 0) {
		diag_error(d, st->out, 0, 0, _("cannot write: %s"), strerror(errno));
		return -1;
	}
	st->committed = 1;
	if (!st->patch)
		sync_dir_after(d, st->out);
	remove_tree(st->staging);
	return 0;
}

int stage_commit(struct stage *st, struct diag *d, struct build_stats *stats)
{
	int rc = -1;
	struct ptrs existing = {0};
	struct ptrs carried = {0};  /* struct manifest_entry *: old files kept as they are */
	struct buf manifest = BUF_INIT;
	buf_puts(&manifest, MANIFEST_HEADER);
	stage_flush(st);
	flusher_now(st);

	/* Phase 1. */
	qsort(st->files, st->n, sizeof *st->files, compare_files);
	size_t paths_len = 0;
	for (size_t i = 0; i < st->n; i++) {
		/* Checked when added (add_now; a streamed file's path is safe). */
		if (st->files[i].refused || (i && !strcmp(st->files[i].path, st->files[i - 1].path))) {
			diag_error(d, NULL, 0, 0, _("internal error: refusing output path '%s'"),
				   st->files[i].path);
			goto out;
		}
		paths_len += strlen(st->files[i].path);
	}

	/* Phase 2. */
	struct stat out_st;
	int have_out = lstat(st->out, &out_st) == 0;
	if (have_out && S_ISLNK(out_st.st_mode)) {
		diag_error(d, st->out, 0, 0,
			   _("the output is a symbolic link to a directory that does not exist: create that directory or remove the link"));
		goto out;
	}
	if (have_out && !S_ISDIR(out_st.st_mode)) {
		diag_error(d, st->out, 0, 0, _("output exists and is not a directory"));
		goto out;
	}
	if (st->staging_made < 0) {
		diag_error(d, st->staging, 0, 0, _("cannot create the staging directory: %s"),
			   strerror(st->staging_errno));
		goto out;
	}
	if (st->write_failed) {
		diag_error(d, st->write_failed, 0, 0, _("cannot write: %s"),
			   strerror(st->write_errno));
		goto out;
	}
	size_t changed = 0;
	/* A line is the hash, the size (at most 20 digits), the path, two spaces and a newline. */
	buf_grow(&manifest, st->n * (16 + 20 + 3) + paths_len);
	for (size_t i = 0; i < st->n; i++) {
		const struct out_file *f = &st->files[i];
		if (!f->unchanged)
			changed++;
		manifest_line(&manifest, f->hash, f->len, f->path);
	}
	size_t removed = 0;
	for (size_t i = 0; i < st->nold; i++) {
		struct manifest_entry *m = &st->old[i];
		struct out_file key = {m->path, 0, 0, 0, 0};
		if (bsearch(&key, st->files, st->n, sizeof *st->files, compare_files))
			continue;
		if (st->patch) {
			/* Not looked at one by one (thousands): a file gone is written again by the next build. */
			ptrs_add_unique(&carried, m);
			continue;
		}
		char *p = path_join(st->out, m->path);
		struct stat fs;
		if (kept(st, m->path) && lstat(p, &fs) == 0 && S_ISREG(fs.st_mode))
			ptrs_add_unique(&carried, m);
		else
			removed++;
		free(p);
	}
	if (carried.n) {
		/* Kept files among the others in path order: the manifest a full build would write. */
		buf_free(&manifest);
		buf_puts(&manifest, MANIFEST_HEADER);
		size_t c = 0;
		for (size_t i = 0; i < st->n || c < carried.n;) {
			const struct manifest_entry *m = c < carried.n ? carried.v[c] : NULL;
			const struct out_file *f = i < st->n ? &st->files[i] : NULL;
			if (m && (!f || strcmp(m->path, f->path) < 0)) {
				manifest_line(&manifest, kept_hash(st, m), m->len, m->path);
				c++;
			} else {
				manifest_line(&manifest, f->hash, f->len, f->path);
				i++;
			}
		}
	}
	if (stats) {
		stats->pages = (unsigned)st->n;
		stats->written = (unsigned)changed;
		stats->removed = (unsigned)removed;
	}

	/* Phase 3: even when nothing else changes, a killed build's leftovers go. */
	if (st->staging_made == 0)
		clean_leftovers(st->parent, st->name, st->out);
	/* (An older manifest is written anew in the current format, once.) */
	if (have_out && st->old && changed == 0 && removed == 0 && st->old_hashes == HASHES_XXH3) {
		rc = 0;
		goto out;
	}

	/* Phase 4. */
	pthread_mutex_lock(&st->lock);
	int ready = make_staging(st) == 0;
	pthread_mutex_unlock(&st->lock);
	if (!ready) {
		diag_error(d, st->staging, 0, 0, _("cannot create the staging directory: %s"),
			   strerror(st->staging_errno));
		goto out;
	}
	if (st->in_place) {
		rc = commit_in_place(st, d, &manifest, &carried);
		goto out;
	}
	for (size_t i = 0; i < st->n; i++) {
		const struct out_file *f = &st->files[i];
		if (f->unchanged && keep_staged(st, f->path) < 0) {
			char *dest = path_join(st->staging, f->path);
			diag_error(d, dest, 0, 0, _("cannot write: %s"), strerror(errno));
			free(dest);
			goto out;
		}
	}
	for (size_t i = 0; i < carried.n; i++) {
		const struct manifest_entry *m = carried.v[i];
		if (keep_staged(st, m->path) < 0) {
			char *src = path_join(st->out, m->path);
			diag_error(d, src, 0, 0, _("cannot keep file: %s"), strerror(errno));
			free(src);
			goto out;
		}
	}
	if (have_out) {
		list_tree(st->out, "", &existing);
		for (size_t i = 0; i < existing.n; i++) {
			const char *rel = existing.v[i];
			struct out_file key = {(char *)rel, 0, 0, 0, 0};
			if (!strcmp(rel, STAGE_MANIFEST) || find_manifest(st->old, st->nold, rel) ||
			    bsearch(&key, st->files, st->n, sizeof *st->files, compare_files))
				continue;
			/* Not ours: carried over untouched. */
			if (keep_staged(st, rel) < 0) {
				char *src = path_join(st->out, rel);
				diag_error(d, src, 0, 0, _("cannot keep file: %s"), strerror(errno));
				free(src);
				goto out;
			}
		}
	}
	char *mpath = path_join(st->staging, STAGE_MANIFEST);
	int mok = file_write(mpath, buf_cstr(&manifest), manifest.len) == 0;
	free(mpath);
	if (!mok) {
		diag_error(d, st->staging, 0, 0, _("cannot write: %s"), strerror(errno));
		goto out;
	}

	/* Phase 5. */
	/* Nothing is swapped in before it is on the disk: a failure leaves the old site. */
	if (sync_staging(st) < 0) {
		diag_error(d, st->staging, 0, 0, _("cannot write: %s"), strerror(errno));
		goto out;
	}
	if (have_out) {
		if (syscall(SYS_renameat2, AT_FDCWD, st->staging, AT_FDCWD, st->out,
			    RENAME_EXCHANGE) < 0) {
			diag_error(d, st->out, 0, 0, _("cannot swap in the new site: %s"),
				   strerror(errno));
			goto out;
		}
	} else if (rename(st->staging, st->out) < 0) {
		diag_error(d, st->out, 0, 0, _("cannot create the output directory: %s"),
			   strerror(errno));
		goto out;
	}
	st->committed = 1;
	sync_dir_after(d, st->parent);

	/* Phase 6: the staging name now holds the old tree. */
	if (have_out)
		remove_tree(st->staging);
	rc = 0;
out:
	/* On failure the staging tree goes with stage_free. */
	for (size_t i = 0; i < existing.n; i++)
		free(existing.v[i]);
	ptrs_free(&existing);
	ptrs_free(&carried);
	buf_free(&manifest);
	return rc;
}
