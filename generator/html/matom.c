/* Atoms of the views' names; see matom.h. */
#include "matom.h"

#include <string.h>

static const struct {
	const char *s;
	size_t n;
} names[MATOM_COUNT] = {
	{"", 0},	/* MATOM_NONE */
#define MATOM_ENTRY(name) {#name, sizeof #name - 1},
	MATOM_NAMES(MATOM_ENTRY)
#undef MATOM_ENTRY
};

unsigned matom_find(const char *name, size_t n)
{
	/* names[1..MATOM_COUNT) in byte order, compared as memcmp then length. */
	unsigned lo = 1, hi = MATOM_COUNT;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		size_t m = names[mid].n < n ? names[mid].n : n;
		int d = memcmp(names[mid].s, name, m);
		if (d == 0)
			d = names[mid].n < n ? -1 : names[mid].n > n;
		if (d == 0)
			return mid;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return MATOM_NONE;
}

const char *matom_name(unsigned a)
{
	return names[a].s;
}

size_t matom_len(unsigned a)
{
	return names[a].n;
}
