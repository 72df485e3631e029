/*
 * A table of borrowed values by the hash of their key, built once and then
 * only read (by several threads at once if need be): the site's documents
 * by slug and by number, its data entries by id, documents by path.
 *
 * Open addressing with linear probing over slots of {hash, value}: a
 * lookup computes its key's hash once, walks a few adjacent 16-byte slots
 * (four to a cache line) comparing hashes only, and confirms a candidate
 * with the caller's own key comparison, read through the value. The table
 * keeps no key: a value whose key string is replaced by an equal one (a
 * document read again in place) stays found.
 *
 * Several values may share a hash or a key; keytab_next gives them in the
 * order they were added (a later one probes past an earlier one), so the
 * first added wins when the caller stops at its first match.
 */
#ifndef FICHES_KEYTAB_H
#define FICHES_KEYTAB_H

#include <stddef.h>
#include <stdint.h>

struct keytab_slot {
	uint64_t hash;
	void *value;            /* borrowed; NULL: empty slot */
};

struct keytab {
	struct keytab_slot *slots; /* NULL while empty */
	size_t mask;            /* slots - 1 (a power of two, at least twice the values) */
	size_t n;
};

/* The hash of a key: XXH3 64 of its bytes (hash.h). */
uint64_t keytab_hash(const void *key, size_t len);

/* An empty table with room for expected values without growing. */
void keytab_init(struct keytab *t, size_t expected);
/* Adds value (not NULL) under hash. */
void keytab_add(struct keytab *t, uint64_t hash, void *value);
void keytab_free(struct keytab *t);

/*
 * The values added under hash, one per call, in the order they were added:
 * *pos starts at keytab_home(t, hash); NULL when there is no more.
 */
static inline size_t keytab_home(const struct keytab *t, uint64_t hash)
{
	return (size_t)hash & t->mask;
}

static inline void *keytab_next(const struct keytab *t, uint64_t hash, size_t *pos)
{
	if (!t->slots)
		return NULL;
	for (size_t i = *pos;; i = (i + 1) & t->mask) {
		const struct keytab_slot *sl = &t->slots[i];
		if (!sl->value)
			return NULL;
		if (sl->hash == hash) {
			*pos = (i + 1) & t->mask;
			return sl->value;
		}
	}
}

#endif
