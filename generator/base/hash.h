/*
 * The program's two hashes. Neither is a cryptographic hash.
 *
 * Fingerprints of bytes (hash_content, hash_more): XXH3 64 from libxxhash
 * (https://xxhash.com, Debian's libxxhash), for the files the stage writes
 * and its manifest, the publish list, the service worker's and the search
 * index's versions, and serve's signatures of pages. It reads 16 to 32
 * bytes a step with SIMD, where FNV-1a made one multiply per byte: the
 * stage hashes every byte of the site.
 *
 * Keys of hash tables (hash_bytes, hash_str): 64-bit FNV-1a
 * (http://www.isthe.com/chongo/tech/comp/fnv/): short keys, no adversary
 * (every key is the site's own text), nothing recorded.
 *
 * hash_fnv1a_more is FNV-1a continued: what the manifests of earlier
 * versions recorded, kept to migrate them (stage.c, publish.c).
 */
#ifndef FICHES_HASH_H
#define FICHES_HASH_H

#include <stddef.h>
#include <stdint.h>

/* XXH3 64 of data[0..len): a file's fingerprint, as manifests record it. */
uint64_t hash_content(const void *data, size_t len);

/*
 * A fingerprint h continued over data[0..len): XXH3 64 of the piece with
 * h as its seed, so a sequence of pieces (with their lengths or
 * separators hashed too, where pieces could shift) has one value. Start
 * from any constant (HASH_FNV1A64_BASIS, a hash_bytes of a name).
 */
uint64_t hash_more(uint64_t h, const void *data, size_t len);

/*
 * hash_content of bytes that come in pieces (a file written as it is
 * made): new, add each piece in order, end (returns the value, frees hs).
 */
struct hash_stream;
struct hash_stream *hash_stream_new(void);
void hash_stream_add(struct hash_stream *hs, const void *data, size_t len);
uint64_t hash_stream_end(struct hash_stream *hs);

/* The FNV-1a offset basis: the hash of no bytes, where FNV-1a starts. */
#define HASH_FNV1A64_BASIS UINT64_C(14695981039346656037)

/* FNV-1a of data[0..len), for hash tables. */
uint64_t hash_bytes(const void *data, size_t len);

/* FNV-1a of the NUL-terminated s (its terminator left out). */
uint64_t hash_str(const char *s);

/* FNV-1a h continued over data[0..len) (from HASH_FNV1A64_BASIS: hash_bytes). */
uint64_t hash_fnv1a_more(uint64_t h, const void *data, size_t len);

#endif
