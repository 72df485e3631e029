/* Walking a directory tree; see tree.h. */
#include "tree.h"
#include "path.h"
#include "xalloc.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The entries of dir/rel (rel "" for dir itself). */
static void walk(const char *dir, const char *rel,
		 void (*visit)(void *ctx, const struct tree_entry *e), void *ctx)
{
	char *here = *rel ? path_join(dir, rel) : xstrdup(dir);
	DIR *dp = opendir(here);
	free(here);
	if (!dp)
		return;
	/* Names first, the directory closed before descending: no descriptor per level. */
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(dp);
	if (n > 1)
		qsort(names, n, sizeof *names, compare_names);
	for (size_t i = 0; i < n; i++) {
		char *sub = *rel ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
		char *fs = path_join(dir, sub);
		struct stat st;
		int ok = lstat(fs, &st) == 0;
		if (ok && S_ISDIR(st.st_mode)) {
			walk(dir, sub, visit, ctx);
		} else {
			struct tree_entry te = {fs, sub, ok && S_ISREG(st.st_mode), ok ? st.st_size : 0};
			visit(ctx, &te);
		}
		free(fs);
		free(sub);
		free(names[i]);
	}
	free(names);
}

void tree_walk(const char *dir, void (*visit)(void *ctx, const struct tree_entry *e), void *ctx)
{
	walk(dir, "", visit, ctx);
}
