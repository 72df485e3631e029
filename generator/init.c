/* A new project from the built-in skeleton; see init.h. */
#include "init.h"
#include "fileio.h"
#include "embedded.h"
#include "i18n.h"
#include "model.h"
#include "path.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What this run created, removed again in reverse order when it fails. */
struct created {
	struct ptrs files, dirs;  /* char *, full paths */
};

static void undo(struct created *c)
{
	for (size_t i = c->files.n; i-- > 0;)
		unlink(c->files.v[i]);
	for (size_t i = c->dirs.n; i-- > 0;)
		rmdir(c->dirs.v[i]);
}

static void created_free(struct created *c)
{
	for (size_t i = 0; i < c->files.n; i++)
		free(c->files.v[i]);
	for (size_t i = 0; i < c->dirs.n; i++)
		free(c->dirs.v[i]);
	ptrs_free(&c->files);
	ptrs_free(&c->dirs);
}

/* Makes dir and its missing parents, noting the ones it made. 0 or -1 (errno). */
static int make_dirs(const char *dir, struct created *c)
{
	struct stat st;
	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		errno = ENOTDIR;
		return -1;
	}
	char *copy = xstrdup(dir);
	char *slash = strrchr(copy, '/');
	while (slash && slash > copy && slash[-1] == '/')
		slash--;
	int rc = 0;
	if (slash && slash != copy) {
		*slash = '\0';
		rc = make_dirs(copy, c);
	}
	free(copy);
	if (rc == 0 && mkdir(dir, 0755) < 0 && errno != EEXIST)
		rc = -1;
	else if (rc == 0)
		ptrs_add(&c->dirs, xstrdup(dir));
	return rc;
}

/* 1 when dir holds nothing, 0 when it holds something, -1 when it cannot be read. */
static int is_empty_dir(const char *dir)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return -1;
	struct dirent *e;
	int empty = 1;
	while (empty && (e = readdir(dp)))
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(dp);
	return empty;
}

static int write_new_file(const char *path, const unsigned char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -1;
	return fd_write_close(fd, data, len) == 0 ? 0 : -2;
}

static void next_steps(const char *dir, FILE *out)
{
	fprintf(out, _("\n"
		       "Next steps:\n"
		       "  1. fiches serve -C %1$s\n"
		       "     shows the site at http://127.0.0.1:8000/ and rebuilds it each time you save a file.\n"
		       "  2. Edit %1$s/content/site.yaml (title, logics, publics, territories, menu):\n"
		       "     each setting is explained there. Then replace the example documents with yours;\n"
		       "     'fiches new action \"Title\" -C %1$s' starts the next fiche-action.\n"
		       "  3. fiches build -C %1$s\n"
		       "     writes the site and its PDF booklets into %1$s/public.\n"
		       "  4. fiches publish -C %1$s DESTINATION\n"
		       "     copies it to a USB stick, a shared folder or a web server\n"
		       "     (README, « Mettre le site en ligne »).\n"), dir);
}

int init_project(const char *dir, struct diag *d, FILE *out)
{
	struct stat st;
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			diag_error(d, dir, 0, 0, _("exists and is not a directory: nothing written"));
			return 1;
		}
		int empty = is_empty_dir(dir);
		if (empty < 0) {
			diag_error(d, dir, 0, 0, _("cannot read: %s"), strerror(errno));
			return 3;
		}
		if (!empty) {
			diag_error(d, dir, 0, 0,
				   _("the directory is not empty: 'fiches init' writes only into a new or empty directory, so nothing was written"));
			return 1;
		}
	}
	struct created c = {0};
	int status = 0;
	if (make_dirs(dir, &c) < 0) {
		diag_error(d, dir, 0, 0, _("cannot create: %s"), strerror(errno));
		status = 3;
	}
	for (size_t i = 0; status == 0 && i < project_skeleton_count; i++) {
		const struct embedded_file *f = &project_skeleton[i];
		char *path = path_join(dir, f->path);
		char *parent = xstrdup(path);
		*strrchr(parent, '/') = '\0';
		if (make_dirs(parent, &c) < 0) {
			diag_error(d, parent, 0, 0, _("cannot create: %s"), strerror(errno));
			status = 3;
		} else {
			int rc = write_new_file(path, f->data, f->len);
			if (rc != -1)
				ptrs_add(&c.files, xstrdup(path));
			if (rc < 0) {
				diag_error(d, path, 0, 0,
					   rc == -1 && errno == EEXIST ? _("already exists: not overwritten") :
					   rc == -1 ? _("cannot create: %s") : _("cannot write: %s"),
					   strerror(errno));
				status = 3;
			}
		}
		free(parent);
		free(path);
	}
	if (status) {
		undo(&c);
	} else {
		fprintf(out, _("fiches: new project in %s:\n"), dir);
		for (size_t i = 0; i < c.files.n; i++)
			fprintf(out, "  %s\n", (char *)c.files.v[i]);
		next_steps(dir, out);
	}
	created_free(&c);
	return status;
}
