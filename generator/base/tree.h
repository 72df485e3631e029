/*
 * Walking a directory tree: the files a build copies or lists from disk
 * (content/media, a project's templates/). Dot files are left out (editors'
 * and version control's files), directories are entered, symbolic links
 * are not followed (lstat): a link is an entry that is not a regular file,
 * which the callers leave out with a warning or list as irregular.
 */
#ifndef FICHES_TREE_H
#define FICHES_TREE_H

#include <sys/stat.h>

/* An entry below the walked directory, other than a directory. */
struct tree_entry {
	const char *fs;          /* its path on disk */
	const char *rel;         /* below the walked directory, '/'-separated */
	int regular;             /* a regular file (lstat), else anything else or unreadable */
	off_t size;              /* when regular */
};

/*
 * Calls visit for every entry below dir (see above), each directory's
 * names in byte order, depth first. A dir that cannot be opened (missing)
 * has no entries.
 */
void tree_walk(const char *dir, void (*visit)(void *ctx, const struct tree_entry *e), void *ctx);

#endif
