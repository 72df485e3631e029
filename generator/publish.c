/*
 * Publishing the built site; see publish.h.
 *
 * Both ways start from the same lists: the site's files (path, size,
 * XXH3 64 of the bytes, as the stage's manifest) and
 * DEST/.fiches-published, the files a previous publish put there. While a
 * publish runs, the list at the destination names every file it may have
 * created, marked
 * "pending" (bytes unknown) for those being written, so that a publish
 * interrupted at any moment still leaves every file of fiches listed, and
 * the next publish replaces or removes it.
 *
 * To a directory: 1. plan without writing: unchanged files (listed with
 * the same bytes and size) are skipped; a file at the destination that is
 * not listed is adopted when it holds the same bytes, and otherwise stops
 * the publish (it is someone else's); a listed file changed since it was
 * published is not overwritten or removed either. 2. the list, with the
 * files about to be written pending; 3. each changed file written as
 * ".NAME.fiches-tmp" beside its place, everything synced, then renamed
 * into place; 4. files gone from the site removed (and the directories
 * they leave empty); 5. the final list, synced.
 *
 * Over ssh: the same list is fetched with rsync; the pending list is sent,
 * then one rsync run sends the site with --delete restricted by filter
 * rules to the files of the site and of the old list (the rest of the
 * destination is excluded, so rsync neither sends nor deletes it), then
 * the final list. rsync itself writes each file under a temporary name
 * and renames it.
 */
#include "publish.h"
#include "fileio.h"
#include "buf.h"
#include "hash.h"
#include "i18n.h"
#include "model.h"
#include "path.h"
#include "stage.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Conflicts reported one by one up to this many, then counted. */
#define MAX_SHOWN 10

struct pub_file {
	char *path;
	unsigned long long hash;
	size_t len;
	int pending;   /* being written: bytes unknown */
};

/* What a published list's hashes are: the current one, or an older one, translated once. */
enum list_hashes {
	LIST_XXH3,         /* PUBLISH_LIST_HEADER: hash_content */
	LIST_FNV1A,        /* PUBLISH_LIST_HEADER_FNV1A: FNV-1a 64 */
	LIST_FNV1A_LEGACY, /* no such first line: FNV-1a from LEGACY_BASIS */
};

struct list {
	struct pub_file *v;
	size_t n, cap;
	enum list_hashes hashes; /* as parsed; translate_legacy makes it LIST_XXH3 */
};

/*
 * The published list's first line. Lists written before are translated
 * once by translate_legacy: "publish 2" holds FNV-1a 64; a list without
 * either line was written before the hash was fixed: FNV-1a from a
 * truncated offset basis.
 */
#define PUBLISH_LIST_HEADER \
	"# fiches publish 3: the files fiches published here (size, XXH3 64), replaced or removed only by it.\n"
#define PUBLISH_LIST_HEADER_FNV1A \
	"# fiches publish 2: the files fiches published here (size, FNV-1a 64), replaced or removed only by it.\n"
#define LEGACY_BASIS UINT64_C(1469598103934665603)

static void list_add(struct list *l, const char *path, unsigned long long hash, size_t len,
		     int pending)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 128;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = (struct pub_file){xstrdup(path), hash, len, pending};
}

static int compare_entries(const void *a, const void *b)
{
	return strcmp(((const struct pub_file *)a)->path, ((const struct pub_file *)b)->path);
}

static void list_sort(struct list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, compare_entries);
}

static struct pub_file *list_find(const struct list *l, const char *path)
{
	struct pub_file key = {(char *)path, 0, 0, 0};
	return l->n ? bsearch(&key, l->v, l->n, sizeof *l->v, compare_entries) : NULL;
}

static void list_free(struct list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	*l = (struct list){0};
}

/* Hash and size of a file, or -1 (errno set). */
static int hash_file(const char *path, unsigned long long *hash, size_t *len)
{
	char *data = file_read(path, len);
	if (!data)
		return -1;
	*hash = hash_content(data, *len);
	free(data);
	return 0;
}

/* Every regular file below root/rel, hashed; the stage's manifest left out. */
static int list_site(const char *root, const char *rel, struct list *out, struct diag *d)
{
	char *dir = *rel ? path_join(root, rel) : xstrdup(root);
	DIR *dp = opendir(dir);
	if (!dp) {
		diag_error(d, dir, 0, 0, _("cannot read: %s"), strerror(errno));
		free(dir);
		return -1;
	}
	struct ptrs names = {0};
	struct dirent *e;
	while ((e = readdir(dp)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			ptrs_add(&names, xstrdup(e->d_name));
	closedir(dp);
	int rc = 0;
	for (size_t i = 0; i < names.n; i++) {
		const char *name = names.v[i];
		char *sub = *rel ? xasprintf("%s/%s", rel, name) : xstrdup(name);
		char *full = path_join(root, sub);
		struct stat st;
		unsigned long long h;
		size_t len;
		if (!*rel && (!strcmp(name, STAGE_MANIFEST) || !strcmp(name, PUBLISH_MANIFEST))) {
			/* fiches' own bookkeeping */
		} else if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (list_site(root, sub, out, d) < 0)
				rc = -1;
		} else if (lstat(full, &st) == 0 && S_ISREG(st.st_mode) && path_is_safe(sub)) {
			if (hash_file(full, &h, &len) < 0) {
				diag_error(d, full, 0, 0, _("cannot read: %s"), strerror(errno));
				rc = -1;
			} else {
				list_add(out, sub, h, len, 0);
			}
		} else {
			diag_warning(d, full, 0, 0, _("not a regular file: left out"));
		}
		free(full);
		free(sub);
		free(names.v[i]);
	}
	ptrs_free(&names);
	free(dir);
	return rc;
}

/* Parses a published list; a missing file is an empty list. */
static void parse_published(const char *text, struct list *out)
{
	const char *p = text;
	out->hashes = !p || !*p || !strncmp(p, PUBLISH_LIST_HEADER, strlen(PUBLISH_LIST_HEADER)) ? LIST_XXH3 :
		      !strncmp(p, PUBLISH_LIST_HEADER_FNV1A, strlen(PUBLISH_LIST_HEADER_FNV1A)) ? LIST_FNV1A :
		      LIST_FNV1A_LEGACY;
	while (p && *p) {
		const char *end = strchr(p, '\n');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *line = xstrndup(p, n);
		unsigned long long h;
		size_t len;
		int off = 0;
		if (!strncmp(line, "? ", 2) && path_is_safe(line + 2))
			list_add(out, line + 2, 0, 0, 1);
		else if (sscanf(line, "%16llx %zu %n", &h, &len, &off) == 2 && off > 0 &&
			 path_is_safe(line + off))
			list_add(out, line + off, h, len, 0);
		free(line);
		p = end ? end + 1 : NULL;
	}
	list_sort(out);
}

static void manifest_text(const struct list *l, struct buf *b)
{
	buf_puts(b, PUBLISH_LIST_HEADER);
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].pending)
			buf_printf(b, "? %s\n", l->v[i].path);
		else
			buf_printf(b, "%016llx %zu %s\n", l->v[i].hash, l->v[i].len, l->v[i].path);
	}
}

/* dir/rel's temporary twin: dir/sub/.NAME.fiches-tmp. Caller frees. */
static char *temp_name(const char *rel)
{
	const char *slash = strrchr(rel, '/');
	if (!slash)
		return xasprintf(".%s.fiches-tmp", rel);
	return xasprintf("%.*s/.%s.fiches-tmp", (int)(slash - rel), rel, slash + 1);
}

/* Writes data to dir/rel through a temporary file renamed into place (synced first). */
static int replace_file(const char *dir, const char *rel, const char *data, size_t len)
{
	char *tmp_rel = temp_name(rel);
	char *tmp = path_join(dir, tmp_rel), *dest = path_join(dir, rel);
	int rc = file_write(tmp, data, len);
	/* Not renamed into place before its bytes are on the disk (a USB stick pulled out). */
	if (rc == 0)
		rc = file_sync(tmp);
	if (rc == 0)
		rc = rename(tmp, dest);
	if (rc < 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
	}
	free(tmp_rel);
	free(tmp);
	free(dest);
	return rc;
}

static int write_published(const char *dest, const struct list *l)
{
	struct buf b = BUF_INIT;
	manifest_text(l, &b);
	int rc = replace_file(dest, PUBLISH_MANIFEST, buf_cstr(&b), b.len);
	buf_free(&b);
	return rc;
}

/* Makes the directories of rel below root. 0, or -1 (errno). */
static int mkdirs_for(const char *root, const char *rel)
{
	char *full = path_join(root, rel);
	int rc = 0;
	for (char *p = full + strlen(root) + 1; *p && rc == 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(full, 0755) < 0 && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	free(full);
	return rc;
}


/* syncfs of dir's file system: 0, or -1 (errno set). */
static int sync_tree(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = syncfs(fd);
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

/* The first component of rel's parents that exists and is not a directory, or NULL. */
static char *blocking_parent(const char *dest, const char *rel)
{
	char *p = xstrdup(rel);
	for (char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		char *full = path_join(dest, p);
		struct stat st;
		int blocked = lstat(full, &st) == 0 && !S_ISDIR(st.st_mode);
		if (blocked) {
			free(p);
			return full;
		}
		free(full);
		*s = '/';
	}
	free(p);
	return NULL;
}

enum action { KEEP, WRITE, ADOPT };

/*
 * A list written with an older hash: each listed file still holding the
 * bytes it was published with (same size, same old hash) gets the
 * hash_content of those bytes; the others keep a hash their bytes do not
 * have, so they count as changed here, as they were.
 */
static void translate_legacy(const char *dest, struct list *l)
{
	uint64_t basis = l->hashes == LIST_FNV1A ? HASH_FNV1A64_BASIS : LEGACY_BASIS;
	for (size_t i = 0; i < l->n && l->hashes != LIST_XXH3; i++) {
		struct pub_file *m = &l->v[i];
		if (m->pending)
			continue;
		char *full = path_join(dest, m->path);
		size_t len;
		char *data = file_read(full, &len);
		if (data && len == m->len && hash_fnv1a_more(basis, data, len) == m->hash)
			m->hash = hash_content(data, len);
		free(data);
		free(full);
	}
	l->hashes = LIST_XXH3;
}

static int publish_dir(const char *site, const struct list *files, const char *dest,
		       struct diag *d, struct publish_stats *stats)
{
	struct stat st;
	if (lstat(dest, &st) == 0 && !S_ISDIR(st.st_mode) &&
	    !(S_ISLNK(st.st_mode) && stat(dest, &st) == 0 && S_ISDIR(st.st_mode))) {
		diag_error(d, dest, 0, 0, _("exists and is not a directory: nothing published"));
		return 2;
	}
	if (stat(dest, &st) < 0 && mkdir(dest, 0755) < 0) {
		diag_error(d, dest, 0, 0,
			   errno == ENOENT ? _("cannot create the destination: its parent directory does not exist (is the USB stick or the share mounted?)")
					   : _("cannot create: %s"), strerror(errno));
		return errno == ENOENT ? 2 : 3;
	}

	struct list old = {0}, next = {0};
	char *mpath = path_join(dest, PUBLISH_MANIFEST);
	size_t mlen;
	char *mtext = file_read(mpath, &mlen);
	if (!mtext && errno != ENOENT) {
		diag_error(d, mpath, 0, 0, _("cannot read: %s"), strerror(errno));
		free(mpath);
		return 3;
	}
	parse_published(mtext, &old);
	translate_legacy(dest, &old);

	/* 1. The plan. */
	enum action *act = xcalloc(files->n + 1, sizeof *act);
	size_t conflicts = 0, nwrite = 0;
	for (size_t i = 0; i < files->n; i++) {
		const struct pub_file *f = &files->v[i];
		const struct pub_file *m = list_find(&old, f->path);
		char *full = path_join(dest, f->path);
		char *blocker = blocking_parent(dest, f->path);
		unsigned long long h = 0;
		size_t len = 0;
		int exists = lstat(full, &st) == 0;
		const char *why = NULL;
		if (blocker) {
			why = _("this file is in the way of the site's '%s': move it away; nothing was published");
		} else if (!exists) {
			act[i] = WRITE;
		} else if (!S_ISREG(st.st_mode)) {
			why = _("this is in the way of the site's '%s' and was not published by fiches: move it away; nothing was published");
		} else if (m && !m->pending && m->hash == f->hash && m->len == f->len &&
			   (size_t)st.st_size == f->len) {
			act[i] = KEEP;
		} else if (hash_file(full, &h, &len) < 0) {
			diag_error(d, full, 0, 0, _("cannot read: %s"), strerror(errno));
			conflicts++;
		} else if (h == f->hash && len == f->len) {
			act[i] = ADOPT;  /* already these bytes (a copy made by hand, an interrupted publish) */
		} else if (!m) {
			why = _("this file was not published by fiches and differs from the site's '%s': move it away; nothing was published");
		} else if (!m->pending && (m->hash != h || m->len != len)) {
			why = _("this file was changed here since fiches published it, so the site's '%s' does not replace it: move it away; nothing was published");
		} else {
			act[i] = WRITE;
		}
		if (why) {
			if (conflicts < MAX_SHOWN)
				diag_error(d, blocker ? blocker : full, 0, 0, why, f->path);
			conflicts++;
		}
		if (act[i] == WRITE)
			nwrite++;
		free(blocker);
		free(full);
	}
	if (conflicts > MAX_SHOWN)
		diag_error(d, dest, 0, 0, ngettext("and %zu more file in the way", "and %zu more files in the way",
						   conflicts - MAX_SHOWN), conflicts - MAX_SHOWN);
	struct ptrs gone = {0};  /* struct pub_file *: listed, no longer in the site */
	for (size_t i = 0; i < old.n && !conflicts; i++) {
		struct pub_file *m = &old.v[i];
		if (list_find(files, m->path))
			continue;
		char *full = path_join(dest, m->path);
		unsigned long long h;
		size_t len;
		if (lstat(full, &st) < 0 || !S_ISREG(st.st_mode)) {
			/* already gone */
		} else if (!m->pending && (hash_file(full, &h, &len) < 0 || h != m->hash || len != m->len)) {
			diag_warning(d, full, 0, 0,
				     _("this file was changed here since fiches published it: left in place, although the site no longer has it"));
		} else {
			ptrs_add(&gone, m);
		}
		free(full);
	}
	int status = conflicts ? 1 : 0;
	if (status)
		goto out;

	/* 2. Every file this run may create, listed before it exists. */
	for (size_t i = 0; i < old.n; i++)
		list_add(&next, old.v[i].path, old.v[i].hash, old.v[i].len, old.v[i].pending);
	size_t nlisted = next.n;  /* sorted up to here */
	for (size_t i = 0; i < files->n; i++) {
		const struct pub_file *f = &files->v[i];
		struct pub_file key = {f->path, 0, 0, 0};
		struct pub_file *m = nlisted ? bsearch(&key, next.v, nlisted, sizeof *next.v, compare_entries) : NULL;
		if (act[i] == WRITE && m)
			m->pending = 1;
		else if (act[i] == WRITE)
			list_add(&next, f->path, 0, 0, 1);
		else if (!m)
			list_add(&next, f->path, f->hash, f->len, 0);
		if (act[i] == WRITE) {
			char *tmp = temp_name(f->path);
			key.path = tmp;
			if (!(nlisted && bsearch(&key, next.v, nlisted, sizeof *next.v, compare_entries)))
				list_add(&next, tmp, 0, 0, 1);
			free(tmp);
		}
	}
	list_sort(&next);
	if (nwrite && write_published(dest, &next) < 0) {
		diag_error(d, mpath, 0, 0, _("cannot write: %s"), strerror(errno));
		status = 3;
		goto out;
	}

	/* 3. The changed files, each written beside its place and renamed. */
	for (size_t i = 0; i < files->n && !status; i++) {
		if (act[i] != WRITE)
			continue;
		const struct pub_file *f = &files->v[i];
		char *src = path_join(site, f->path);
		size_t len;
		char *data = file_read(src, &len);
		if (!data) {
			diag_error(d, src, 0, 0, _("cannot read: %s"), strerror(errno));
			status = 3;
		} else if (mkdirs_for(dest, f->path) < 0 || replace_file(dest, f->path, data, len) < 0) {
			char *full = path_join(dest, f->path);
			diag_error(d, full, 0, 0, _("cannot write: %s"), strerror(errno));
			free(full);
			status = 3;
		} else {
			stats->sent++;
		}
		free(data);
		free(src);
	}
	if (status)
		goto out;

	/* 4. Files gone from the site. */
	for (size_t i = 0; i < gone.n; i++) {
		const struct pub_file *m = gone.v[i];
		char *full = path_join(dest, m->path);
		if (unlink(full) == 0) {
			if (strstr(m->path, ".fiches-tmp") == NULL)
				stats->removed++;
			dir_remove_empty_parents(dest, m->path);
		} else if (errno != ENOENT) {
			diag_warning(d, full, 0, 0, _("cannot remove: %s"), strerror(errno));
		}
		free(full);
	}

	/* 5. The list of what is there now, unless it says that already. */
	list_free(&next);
	for (size_t i = 0; i < files->n; i++)
		list_add(&next, files->v[i].path, files->v[i].hash, files->v[i].len, 0);
	struct buf now = BUF_INIT;
	manifest_text(&next, &now);
	if (!(mtext && mlen == now.len && !memcmp(mtext, now.data, mlen))) {
		if (write_published(dest, &next) < 0) {
			diag_error(d, mpath, 0, 0, _("cannot write: %s"), strerror(errno));
			status = 3;
		} else if (sync_tree(dest) < 0) {
			/* The files may not all be on the stick or share yet: say so, publish again. */
			diag_error(d, dest, 0, 0, _("cannot write: %s"), strerror(errno));
			status = 3;
		}
	}
	buf_free(&now);
out:
	ptrs_free(&gone);
	free(act);
	free(mtext);
	free(mpath);
	list_free(&old);
	list_free(&next);
	return status;
}

/* ---- Over ssh, with rsync ----------------------------------------------- */

int publish_is_remote(const char *dest)
{
	/* [user@]host:path, as rsync and scp read it: a ':' before any '/'. */
	const char *colon = strchr(dest, ':');
	const char *slash = strchr(dest, '/');
	return colon && colon != dest && (!slash || colon < slash);
}

/*
 * Runs rsync with argv (argv[0] "rsync"), its stdout and stderr kept in
 * files of tmpdir and returned. Returns its exit status, or -1 when it
 * could not be started (errno).
 */
static int run_rsync(char *const argv[], const char *tmpdir, struct buf *out, struct buf *err)
{
	char *out_path = path_join(tmpdir, "rsync.out"), *err_path = path_join(tmpdir, "rsync.err");
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	int status = -1;
	if (rc != 0) {
		errno = rc;
	} else {
		int ws;
		while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
			;
		status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + (WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
		size_t len;
		char *text = file_read(out_path, &len);
		if (text)
			buf_put(out, text, len);
		free(text);
		text = file_read(err_path, &len);
		if (text)
			buf_put(err, text, len);
		free(text);
		/* 127: the shell or rsync could not be found where it runs. */
	}
	unlink(out_path);
	unlink(err_path);
	free(out_path);
	free(err_path);
	return status;
}

static void rsync_failed(struct diag *d, const char *dest, int status, const struct buf *err)
{
	if (status < 0 && errno == ENOENT) {
		diag_error(d, dest, 0, 0,
			   _("rsync is not installed: install the Debian package rsync (it is needed on the server too)"));
		return;
	}
	char *text = xstrdup(buf_cstr(err));
	size_t n = strlen(text);
	while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	diag_error(d, dest, 0, 0, _("rsync failed (status %d), nothing more was sent: %s"), status,
		   n ? text : "-");
	free(text);
}

/* An rsync filter pattern matching exactly this path (wildcards escaped). */
static void put_pattern(struct buf *b, const char *path)
{
	buf_puts(b, "+ /");
	for (const char *p = path; *p; p++) {
		if (strchr("*?[\\", *p))
			buf_putc(b, '\\');
		buf_putc(b, *p);
	}
	buf_putc(b, '\n');
}

/* Sends one file named PUBLISH_MANIFEST holding l to the destination. */
static int send_published(const char *tmpdir, const struct list *l, const char *remote_dir,
			  struct diag *d)
{
	char *dir = path_join(tmpdir, "list");
	mkdir(dir, 0700);
	char *file = path_join(dir, PUBLISH_MANIFEST);
	struct buf text = BUF_INIT, out = BUF_INIT, err = BUF_INIT;
	manifest_text(l, &text);
	int rc = file_write(file, buf_cstr(&text), text.len);
	if (rc < 0) {
		diag_error(d, file, 0, 0, _("cannot write: %s"), strerror(errno));
	} else {
		char *src = xasprintf("%s/", dir);
		char *argv[] = {"rsync", "-rt", src, (char *)remote_dir, NULL};
		int status = run_rsync(argv, tmpdir, &out, &err);
		if (status != 0) {
			rsync_failed(d, remote_dir, status, &err);
			rc = -1;
		}
		free(src);
	}
	unlink(file);
	rmdir(dir);
	free(file);
	free(dir);
	buf_free(&text);
	buf_free(&out);
	buf_free(&err);
	return rc;
}

/* The directories of the listed files, sorted, each once. */
static void parents_of(const struct list *l, struct list *dirs)
{
	for (size_t i = 0; i < l->n; i++) {
		char *p = xstrdup(l->v[i].path);
		for (char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
			*s = '\0';
			list_add(dirs, p, 0, 0, 0);
			*s = '/';
		}
		free(p);
	}
	list_sort(dirs);
	size_t kept = 0;
	for (size_t i = 0; i < dirs->n; i++) {
		if (kept && !strcmp(dirs->v[kept - 1].path, dirs->v[i].path))
			free(dirs->v[i].path);
		else
			dirs->v[kept++] = dirs->v[i];
	}
	dirs->n = kept;
}

static int publish_remote(const char *site, const struct list *files, const char *dest,
			  struct diag *d, struct publish_stats *stats)
{
	char tmpl[] = "/tmp/fiches-publish-XXXXXX";
	const char *tmpdir = mkdtemp(tmpl);
	if (!tmpdir) {
		diag_error(d, "/tmp", 0, 0, _("cannot create: %s"), strerror(errno));
		return 3;
	}
	size_t n = strlen(dest);
	/* "host:" is the home directory there; "host:dir" gets its slash. */
	char *remote_dir = dest[n - 1] == ':' || dest[n - 1] == '/' ? xstrdup(dest) : xasprintf("%s/", dest);
	char *remote_list = xasprintf("%s%s", remote_dir, PUBLISH_MANIFEST);
	char *local_list = path_join(tmpdir, "old");
	char *filter = path_join(tmpdir, "filter");
	struct list old = {0}, next = {0}, dirs = {0};
	struct buf out = BUF_INIT, err = BUF_INIT, rules = BUF_INIT;
	char *old_text = NULL;
	int status = 0;

	/* The list a previous publish left there (none the first time). */
	char *fetch[] = {"rsync", "-q", remote_list, local_list, NULL};
	int rc = run_rsync(fetch, tmpdir, &out, &err);
	if (rc != 0 && !(rc == 23 && strstr(buf_cstr(&err), "No such file"))) {
		rsync_failed(d, dest, rc, &err);
		status = 3;
		goto out;
	}
	size_t len;
	old_text = rc == 0 ? file_read(local_list, &len) : NULL;
	parse_published(old_text, &old);

	/*
	 * Pending list: the old files and the site's, sent first when the site
	 * has files the old list lacks (each ssh connection costs a second).
	 */
	size_t added = 0;
	for (size_t i = 0; i < old.n; i++)
		list_add(&next, old.v[i].path, 0, 0, 1);
	for (size_t i = 0; i < files->n; i++)
		if (!list_find(&old, files->v[i].path)) {
			list_add(&next, files->v[i].path, 0, 0, 1);
			added++;
		}
	list_sort(&next);
	if (added && send_published(tmpdir, &next, remote_dir, d) < 0) {
		status = 3;
		goto out;
	}

	/* Only the site's files and the old list's take part; the rest is excluded, so kept. */
	parents_of(&next, &dirs);
	for (size_t i = 0; i < dirs.n; i++) {
		put_pattern(&rules, dirs.v[i].path);
		rules.data[rules.len - 1] = '/';
		buf_putc(&rules, '\n');
	}
	for (size_t i = 0; i < next.n; i++)
		put_pattern(&rules, next.v[i].path);
	buf_puts(&rules, "- *\n");
	if (file_write(filter, buf_cstr(&rules), rules.len) < 0) {
		diag_error(d, filter, 0, 0, _("cannot write: %s"), strerror(errno));
		status = 3;
		goto out;
	}
	char *src = xasprintf("%s/", site);
	char *merge = xasprintf("merge %s", filter);
	char *send[] = {"rsync", "-rt", "--delete", "--filter", merge, "--out-format", "%i %n",
			src, remote_dir, NULL};
	buf_reset(&out);
	buf_reset(&err);
	rc = run_rsync(send, tmpdir, &out, &err);
	free(src);
	free(merge);
	if (rc != 0) {
		rsync_failed(d, dest, rc, &err);
		status = 3;
		goto out;
	}
	for (const char *p = buf_cstr(&out); *p;) {
		const char *end = strchr(p, '\n');
		size_t ln = end ? (size_t)(end - p) : strlen(p);
		if (ln > 2 && (p[0] == '<' || p[0] == '>') && p[1] == 'f')
			stats->sent++;
		else if (ln > 10 && !strncmp(p, "*deleting ", 10) && p[ln - 1] != '/')
			stats->removed++;
		p = end ? end + 1 : p + ln;
	}

	/* The final list, unless the one there says that already. */
	list_free(&next);
	for (size_t i = 0; i < files->n; i++)
		list_add(&next, files->v[i].path, files->v[i].hash, files->v[i].len, 0);
	struct buf now = BUF_INIT;
	manifest_text(&next, &now);
	if ((added || !old_text || strcmp(old_text, buf_cstr(&now))) &&
	    send_published(tmpdir, &next, remote_dir, d) < 0)
		status = 3;
	buf_free(&now);
out:
	free(old_text);
	unlink(local_list);
	unlink(filter);
	rmdir(tmpdir);
	free(local_list);
	free(filter);
	free(remote_list);
	free(remote_dir);
	list_free(&old);
	list_free(&next);
	list_free(&dirs);
	buf_free(&out);
	buf_free(&err);
	buf_free(&rules);
	return status;
}

/* ---- Both ---------------------------------------------------------------- */

/* Absolute, normalised path of p even when its last component does not exist yet. */
static char *absolute(const char *p)
{
	char *real = realpath(p, NULL);
	if (real)
		return real;
	char *copy = xstrdup(p), *slash = strrchr(copy, '/');
	char *parent = realpath(slash ? (slash == copy ? "/" : (*slash = '\0', copy)) : ".", NULL);
	char *out = parent ? path_join(parent, slash ? slash + 1 : p) : xstrdup(p);
	free(parent);
	free(copy);
	return out;
}

static int inside(const char *child, const char *parent)
{
	size_t n = strlen(parent);
	return strncmp(child, parent, n) == 0 && (child[n] == '/' || child[n] == '\0' || !strcmp(parent, "/"));
}

int publish_run(const char *site_dir, const char *dest, struct diag *d,
		struct publish_stats *stats)
{
	*stats = (struct publish_stats){0};
	char *manifest = path_join(site_dir, STAGE_MANIFEST);
	struct stat st;
	int built = stat(manifest, &st) == 0;
	free(manifest);
	if (!built) {
		diag_error(d, site_dir, 0, 0, _("no site built by fiches here: run 'fiches build' first"));
		return 2;
	}
	int remote = publish_is_remote(dest);
	if (!remote) {
		char *a = absolute(site_dir), *b = absolute(dest);
		int bad = inside(a, b) || inside(b, a);
		free(a);
		free(b);
		if (bad) {
			diag_error(d, dest, 0, 0, _("the destination must not contain or be inside the built site"));
			return 2;
		}
	}
	struct list files = {0};
	int status = list_site(site_dir, "", &files, d) < 0 ? 3 : 0;
	list_sort(&files);
	stats->files = (unsigned)files.n;
	if (status == 0)
		status = remote ? publish_remote(site_dir, &files, dest, d, stats)
				: publish_dir(site_dir, &files, dest, d, stats);
	list_free(&files);
	return status;
}
