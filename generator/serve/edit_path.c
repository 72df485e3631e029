/* Paths the editor may touch; see edit_path.h. */
#include "edit_path.h"

#include "path.h"
#include "utf8.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const doc_dirs[] = {"actions", "themes", "guide", "pages"};

int edit_path_ok(const char *rel)
{
	if (!rel)
		return 0;
	size_t n = strlen(rel);
	if (n == 0 || n > EDIT_PATH_MAX || !utf8_valid(rel, n, NULL))
		return 0;
	const char *slash = strchr(rel, '/');
	if (!slash)
		return 0;
	size_t dn = (size_t)(slash - rel);
	int known = 0;
	for (size_t i = 0; i < sizeof doc_dirs / sizeof *doc_dirs; i++)
		if (strlen(doc_dirs[i]) == dn && memcmp(doc_dirs[i], rel, dn) == 0)
			known = 1;
	if (!known)
		return 0;
	const char *name = slash + 1;
	size_t nn = strlen(name);
	/* ".md" alone, a hidden name, ".." (hidden too), sub-directories. */
	if (nn <= 3 || name[0] == '.' || strcmp(name + nn - 3, ".md") != 0)
		return 0;
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
			return 0;
	return 1;
}

static int inside(const char *child, const char *parent)
{
	size_t n = strlen(parent);
	return strncmp(child, parent, n) == 0 && child[n] == '/';
}

char *edit_path_confine(const char *content_real, const char *rel)
{
	const char *slash = strchr(rel, '/');
	char *dir_rel = xstrndup(rel, (size_t)(slash - rel));
	char *dir = path_join(content_real, dir_rel);
	free(dir_rel);
	char *dir_real = realpath(dir, NULL);
	free(dir);
	if (!dir_real) {
		errno = ENOENT;
		return NULL;
	}
	if (!inside(dir_real, content_real)) {
		free(dir_real);
		errno = EACCES;
		return NULL;
	}
	char *full = path_join(dir_real, slash + 1);
	free(dir_real);
	struct stat st;
	if (lstat(full, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* A symbolic link, even to a file inside: a write would replace it. */
		free(full);
		errno = EACCES;
		return NULL;
	}
	return full;
}
