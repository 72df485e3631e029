/*
 * Small file-system helpers shared by the writers (stage, publish, init,
 * the editor's saves, the PDF workers' pipes).
 */
#ifndef FICHES_FILEIO_H
#define FICHES_FILEIO_H

#include <stddef.h>

/*
 * Writes all of data to fd, going on after EINTR and short writes. 0, or -1
 * with errno set (ENOSPC when write wrote nothing). Does not close fd.
 */
int fd_write_all(int fd, const void *data, size_t len);

/* fd_write_all, then closes fd whatever happened. 0, or -1 with the failure's errno. */
int fd_write_close(int fd, const void *data, size_t len);

/*
 * Writes data to path as a new or replaced file (0644, never through a
 * symbolic link). 0, or -1 with errno set; a failed write leaves the file
 * partly written (callers write under a temporary name, then rename).
 */
int file_write(const char *path, const void *data, size_t len);

/*
 * The whole file at path (never through a symbolic link), or NULL with
 * errno set; *len its size. The caller frees it.
 */
char *file_read(const char *path, size_t *len);

/*
 * Flushes the file at path to the disk (fsync), so that a rename into
 * place never shows a file whose bytes a power cut can lose. 0, or -1
 * with errno set.
 */
int file_sync(const char *path);

/* Removes the directories rel (a path below root) leaves empty, up to root (kept). */
void dir_remove_empty_parents(const char *root, const char *rel);

#endif
