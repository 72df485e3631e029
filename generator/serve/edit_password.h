/*
 * The workshop's password, for `fiches serve --host ADDR --edit-password-file
 * FILE` on a local network. FILE holds either an Argon2id hash (libsodium's
 * "$argon2id$…" string) or, the first time, the password itself: it is then
 * hashed and the file rewritten with the hash alone, so the password does not
 * stay readable on disk.
 */
#ifndef FICHES_EDIT_PASSWORD_H
#define FICHES_EDIT_PASSWORD_H

#include <stddef.h>

#define EDIT_PASSWORD_HASH_MAX 128   /* crypto_pwhash_STRBYTES */
#define EDIT_PASSWORD_MIN 8          /* characters of a password in clear, at least */

/*
 * Reads file into hash (NUL-terminated). Returns 0, or -1 after saying why
 * on stderr (unreadable, empty, too short, cannot be rewritten).
 */
int edit_password_load(const char *file, char hash[EDIT_PASSWORD_HASH_MAX]);

/* 1 when password[0..n) matches hash (slow on purpose: Argon2id). */
int edit_password_check(const char *hash, const char *password, size_t n);

#endif
