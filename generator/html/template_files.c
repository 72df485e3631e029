/* The project's templates over the built-in ones; see template_files.h. */
#include "template_files.h"
#include "buf.h"
#include "i18n.h"
#include "model.h"
#include "path.h"
#include "tree.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int compare_files(const void *a, const void *b)
{
	return strcmp(((const struct template_file *)a)->path,
		      ((const struct template_file *)b)->path);
}

/* The set being listed, for add_project. */
struct listing {
	struct template_files *t;
	size_t cap;
};

/* Adds an entry of the project's templates/ (tree_walk leaves dot files out). */
static void add_project(void *ctx, const struct tree_entry *e)
{
	struct listing *l = ctx;
	struct template_files *t = l->t;
	if (t->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		t->v = xrealloc(t->v, l->cap * sizeof *t->v);
	}
	t->v[t->n++] = (struct template_file){
		.path = xstrdup(e->rel),
		.shown = path_join("templates", e->rel),
		.fs = xstrdup(e->fs),
		.irregular = !e->regular,
	};
}

void template_files_open(struct template_files *t, const char *dir)
{
	t->v = NULL;
	t->n = 0;
	struct listing l = {t, 0};
	if (dir)
		tree_walk(dir, add_project, &l);
	size_t cap = l.cap;
	size_t nproject = t->n;
	if (nproject > 1)
		qsort(t->v, nproject, sizeof *t->v, compare_files);
	for (size_t i = 0; i < template_builtins_count; i++) {
		const struct embedded_file *b = &template_builtins[i];
		struct template_file key = {.path = (char *)b->path};
		if (nproject && bsearch(&key, t->v, nproject, sizeof *t->v, compare_files))
			continue;  /* the project's own file replaces it */
		if (t->n == cap) {
			cap = cap ? cap * 2 : 64;
			t->v = xrealloc(t->v, cap * sizeof *t->v);
		}
		char *plain = path_join("templates", b->path);
		t->v[t->n++] = (struct template_file){
			.path = xstrdup(b->path),
			.shown = xasprintf(_("%s (built into fiches)"), plain),
			.builtin = b,
		};
		free(plain);
	}
	if (t->n > 1)
		qsort(t->v, t->n, sizeof *t->v, compare_files);
}

void template_files_free(struct template_files *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].path);
		free(t->v[i].shown);
		free(t->v[i].fs);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

const struct template_file *template_files_find(const struct template_files *t, const char *path)
{
	struct template_file key = {.path = (char *)path};
	return t->n ? bsearch(&key, t->v, t->n, sizeof *t->v, compare_files) : NULL;
}

char *template_file_read(const struct template_file *f, size_t max, size_t *len,
			 struct diag *d)
{
	*len = 0;
	if (!f->fs) {
		char *copy = xmalloc(f->builtin->len + 1);
		memcpy(copy, f->builtin->data, f->builtin->len + 1);
		*len = f->builtin->len;
		return copy;
	}
	int fd = open(f->fs, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && (unsigned long long)st.st_size > max) {
		close(fd);
		if (d)
			diag_error(d, f->shown, 0, 0, _("file too large to publish"));
		return NULL;
	}
	struct buf data = BUF_INIT;
	char chunk[65536];
	ssize_t r = -1;
	while (fd >= 0 && (r = read(fd, chunk, sizeof chunk)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		buf_put(&data, chunk, (size_t)r);
	}
	int e = errno;
	if (fd >= 0)
		close(fd);
	if (r < 0) {
		if (d)
			diag_error(d, f->shown, 0, 0, _("cannot read: %s"), strerror(e));
		buf_free(&data);
		return NULL;
	}
	*len = data.len;
	return buf_detach(&data);
}
