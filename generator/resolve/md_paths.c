/*
 * The table of documents by path for relative .md links; see md_paths.h.
 *
 * Keys are paths relative to the project root with "content/" first, both
 * for a document's listed path and for its real path (content_real
 * replaced by "content"), so a lexical key and a real key compare as
 * strings. The table is sorted once; lookups are binary searches.
 */
#include "md_paths.h"
#include "buf.h"
#include "path.h"
#include "xalloc.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct md_entry {
	char *key;              /* owned */
	struct doc *doc;        /* borrowed */
	int real;               /* 0: the listed path, 1: the real path */
	size_t order;           /* kind order then position: the first document wins */
};

struct md_paths {
	const struct site *s;
	struct md_entry *v;
	size_t n;
};

static int compare_entries(const void *a, const void *b)
{
	const struct md_entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	/* A link spelled as a document's own path leads to that document. */
	if (x->real != y->real)
		return x->real - y->real;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* "content/" + the part of real under content_real, or NULL when outside. */
static char *content_key(const struct site *s, const char *real)
{
	size_t cl = strlen(s->content_real);
	if (strncmp(real, s->content_real, cl) != 0 || real[cl] != '/')
		return NULL;
	return xasprintf("content/%s", real + cl + 1);
}

/* The real path of doc's file: the real directory (cached by the caller) and, when the file itself is a symbolic link, realpath. */
static char *real_path_of(const struct doc *doc, char **dir_fs, char **dir_real)
{
	const char *base = path_basename(doc->fs_path);
	size_t dl = (size_t)(base - doc->fs_path);
	if (!*dir_fs || strlen(*dir_fs) != dl || strncmp(*dir_fs, doc->fs_path, dl) != 0) {
		free(*dir_fs);
		free(*dir_real);
		*dir_fs = xstrndup(doc->fs_path, dl);
		*dir_real = realpath(dl ? *dir_fs : ".", NULL);
	}
	struct stat st;
	if (lstat(doc->fs_path, &st) != 0)
		return NULL;
	if (S_ISLNK(st.st_mode))
		return realpath(doc->fs_path, NULL);
	return *dir_real ? path_join(*dir_real, base) : NULL;
}

struct md_paths *md_paths_build(const struct site *s)
{
	struct md_paths *t = xcalloc(1, sizeof *t);
	t->s = s;
	size_t total = site_ndocs_all(s);
	t->v = xcalloc(2 * total + 1, sizeof *t->v);
	char *dir_fs = NULL, *dir_real = NULL;
	size_t order = 0;
	for (int k = 0; k < DOC_KINDS; k++) {
		for (size_t i = 0; i < s->ndocs[k]; i++, order++) {
			struct doc *doc = s->docs[k][i];
			t->v[t->n++] = (struct md_entry){xstrdup(doc->path), doc, 0, order};
			/* The load's listing knew it: no lstat nor path to make for each document. */
			char *real = !doc->content_key && s->content_real ?
				     real_path_of(doc, &dir_fs, &dir_real) : NULL;
			char *key = doc->content_key ? xstrdup(doc->content_key) :
				    real ? content_key(s, real) : NULL;
			if (key && strcmp(key, doc->path) != 0)
				t->v[t->n++] = (struct md_entry){key, doc, 1, order};
			else
				free(key);
			free(real);
		}
	}
	free(dir_fs);
	free(dir_real);
	qsort(t->v, t->n, sizeof *t->v, compare_entries);
	/* One entry per key: the first after sorting. */
	size_t w = 0;
	for (size_t r = 0; r < t->n; r++) {
		if (w && strcmp(t->v[w - 1].key, t->v[r].key) == 0) {
			free(t->v[r].key);
			continue;
		}
		t->v[w++] = t->v[r];
	}
	t->n = w;
	return t;
}

void md_paths_free(struct md_paths *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].key);
	free(t->v);
	free(t);
}

static struct doc *lookup(const struct md_paths *t, const char *key)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->v[mid].key, key);
		if (c == 0)
			return t->v[mid].doc;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * dir + "/" + rel with empty and '.' components dropped and '..' applied,
 * or NULL when '..' climbs above the project root. Caller frees.
 */
static char *normalise(const char *dir, const char *rel)
{
	struct buf out = BUF_INIT;
	const char *parts[2] = {dir, rel};
	for (int p = 0; p < 2; p++) {
		const char *c = parts[p];
		while (*c) {
			const char *end = strchr(c, '/');
			size_t len = end ? (size_t)(end - c) : strlen(c);
			if (len == 2 && c[0] == '.' && c[1] == '.') {
				if (!out.len) {
					buf_free(&out);
					return NULL;
				}
				char *slash = memrchr(out.data, '/', out.len);
				out.len = slash ? (size_t)(slash - out.data) : 0;
			} else if (len && !(len == 1 && c[0] == '.')) {
				if (out.len)
					buf_putc(&out, '/');
				buf_put(&out, c, len);
			}
			c += len;
			if (*c == '/')
				c++;
		}
	}
	if (out.data)
		out.data[out.len] = '\0';
	return buf_detach(&out);
}

struct doc *md_paths_find(const struct md_paths *t, const struct doc *from, const char *rel)
{
	const char *base = path_basename(from->path);
	char *dir = xstrndup(from->path, (size_t)(base - from->path));
	char *key = normalise(dir, rel);
	free(dir);
	struct doc *found = key ? lookup(t, key) : NULL;
	free(key);
	if (found || !t->s->content_real)
		return found;
	/* Through the file system once: a symbolic directory on the way. */
	const char *fs_base = path_basename(from->fs_path);
	char *fs_dir = xstrndup(from->fs_path, (size_t)(fs_base - from->fs_path));
	char *joined = path_join(*fs_dir ? fs_dir : ".", rel);
	char *real = realpath(joined, NULL);
	char *real_key = real ? content_key(t->s, real) : NULL;
	found = real_key ? lookup(t, real_key) : NULL;
	free(real_key);
	free(real);
	free(joined);
	free(fs_dir);
	return found;
}
