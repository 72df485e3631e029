/*
 * Reading and saving a content file for the editor: a save replaces the
 * file atomically (temporary file beside it, fsync, rename, fsync of the
 * directory), so a crash or a full disk leaves either the old text or the
 * new one, never a mix. Versions are content hashes: a save names the
 * version it was edited from, and is refused when the disk moved on.
 */
#ifndef FICHES_EDIT_SAVE_H
#define FICHES_EDIT_SAVE_H

#include <stddef.h>

/* Hex characters of a version (BLAKE2b-128 of the bytes). */
#define EDIT_VERSION_LEN 32

/* The version of text[0..len): writes EDIT_VERSION_LEN hex digits and a NUL. */
void edit_version(const char *text, size_t len, char out[EDIT_VERSION_LEN + 1]);

/*
 * Reads path whole, up to max bytes. Returns the NUL-terminated bytes
 * (caller frees) and their length, or NULL with errno set (ENOENT when
 * absent, EFBIG when larger than max, EINVAL when not a regular file).
 */
char *edit_read(const char *path, size_t max, size_t *len);

/*
 * Replaces (or creates) path with text[0..len) atomically, keeping the
 * old file's permissions. The temporary file is hidden and ends in .tmp,
 * so neither the build nor the watcher takes it for content. Returns 0,
 * or -1 with errno set and the old file untouched.
 */
int edit_write_atomic(const char *path, const char *text, size_t len);

/*
 * The first half of edit_write_atomic, for operations writing several
 * files at once: text[0..len) written and fsync'd to a hidden temporary
 * file in the directory of path (mode of path when it exists, else of
 * mode_from, else 0644). Returns its name (caller frees), or NULL with
 * errno set. The caller renames it into place (or links it, to create
 * without overwriting) and calls edit_sync_dir, or unlinks it.
 */
char *edit_write_prepare(const char *path, const char *text, size_t len, const char *mode_from);

/* fsync of the directory holding path: a rename in it is then durable. */
void edit_sync_dir(const char *path);

#endif
