/*
 * 64-bit FNV-1a (http://www.isthe.com/chongo/tech/comp/fnv/): the one hash
 * of the program, for hash tables (short keys, no adversary: every key is
 * the site's own text) and for the fingerprints recorded in the stage's
 * manifest, the publish list and the service worker's version. Not a
 * cryptographic hash.
 */
#ifndef FICHES_HASH_H
#define FICHES_HASH_H

#include <stddef.h>
#include <stdint.h>

/* The FNV-1a offset basis: the hash of no bytes, where a hash starts. */
#define HASH_FNV1A64_BASIS UINT64_C(14695981039346656037)

/* The hash h continued over data[0..len) (start from HASH_FNV1A64_BASIS). */
uint64_t hash_more(uint64_t h, const void *data, size_t len);

/* FNV-1a of data[0..len). */
uint64_t hash_bytes(const void *data, size_t len);

/* FNV-1a of the NUL-terminated s (its terminator left out). */
uint64_t hash_str(const char *s);

#endif
