/* XXH3 64 fingerprints and FNV-1a table hashes; see hash.h. */
#include "hash.h"
#include "xalloc.h"

#include <stdlib.h>

#include <xxhash.h>
#ifdef FICHES_XXH_DISPATCH
/* XXH3 through the library's dispatch: AVX2 or AVX-512 when the CPU has them, same values. */
#include <xxh_x86dispatch.h>
#endif

#define FNV1A64_PRIME UINT64_C(1099511628211)

uint64_t hash_content(const void *data, size_t len)
{
	return XXH3_64bits(data, len);
}

struct hash_stream {
	XXH3_state_t *state;
};

struct hash_stream *hash_stream_new(void)
{
	struct hash_stream *hs = xmalloc(sizeof *hs);
	hs->state = XXH3_createState();
	if (!hs->state)
		xalloc_failed();
	XXH3_64bits_reset(hs->state);
	return hs;
}

void hash_stream_add(struct hash_stream *hs, const void *data, size_t len)
{
	XXH3_64bits_update(hs->state, data, len);
}

uint64_t hash_stream_end(struct hash_stream *hs)
{
	uint64_t h = XXH3_64bits_digest(hs->state);
	XXH3_freeState(hs->state);
	free(hs);
	return h;
}

uint64_t hash_more(uint64_t h, const void *data, size_t len)
{
	return XXH3_64bits_withSeed(data, len, h);
}

uint64_t hash_fnv1a_more(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV1A64_PRIME;
	}
	return h;
}

uint64_t hash_bytes(const void *data, size_t len)
{
	return hash_fnv1a_more(HASH_FNV1A64_BASIS, data, len);
}

uint64_t hash_str(const char *s)
{
	uint64_t h = HASH_FNV1A64_BASIS;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h ^= *p;
		h *= FNV1A64_PRIME;
	}
	return h;
}
