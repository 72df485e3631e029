/* Values by the hash of their key; see keytab.h. */
#include "keytab.h"
#include "hash.h"
#include "xalloc.h"

#include <stdlib.h>

uint64_t keytab_hash(const void *key, size_t len)
{
	return hash_content(key, len);
}

static void make_slots(struct keytab *t, size_t expected)
{
	size_t cap = 16;
	while (cap < 2 * expected + 2)
		cap *= 2;
	t->slots = xcalloc(cap, sizeof *t->slots);
	t->mask = cap - 1;
}

void keytab_init(struct keytab *t, size_t expected)
{
	t->n = 0;
	make_slots(t, expected);
}

static void put(struct keytab *t, uint64_t hash, void *value)
{
	size_t i = (size_t)hash & t->mask;
	while (t->slots[i].value)
		i = (i + 1) & t->mask;
	t->slots[i] = (struct keytab_slot){hash, value};
}

void keytab_add(struct keytab *t, uint64_t hash, void *value)
{
	if (!t->slots || 2 * (t->n + 1) > t->mask + 1) {
		/*
		 * The old slots are moved starting after an empty one: no
		 * probe chain is cut there, so values of one hash are put
		 * again in the order they were added.
		 */
		struct keytab old = *t;
		make_slots(t, t->n + 1 > 16 ? 2 * (t->n + 1) : 16);
		if (old.slots) {
			size_t start = 0;
			while (old.slots[start].value)
				start++;
			for (size_t k = 1; k <= old.mask + 1; k++) {
				const struct keytab_slot *sl = &old.slots[(start + k) & old.mask];
				if (sl->value)
					put(t, sl->hash, sl->value);
			}
		}
		free(old.slots);
	}
	put(t, hash, value);
	t->n++;
}

void keytab_free(struct keytab *t)
{
	free(t->slots);
	t->slots = NULL;
	t->mask = 0;
	t->n = 0;
}
