/* Mustache values; see mvalue.h. */
#include "mvalue.h"

#include <string.h>

struct mobj *mobj_new(struct arena *a, struct mval base)
{
	struct mobj *o = arena_alloc(a, sizeof *o);
	o->base = base;
	return o;
}

struct mobj *mobj_new_sized(struct arena *a, struct mval base, size_t fields)
{
	struct mobj *o = mobj_new(a, base);
	if (fields) {
		o->f = arena_alloc(a, fields * sizeof *o->f);
		o->cap = fields;
	}
	if (fields >= MOBJ_SLOTS && fields <= UINT8_MAX)
		o->slot = arena_alloc(a, MATOM_COUNT); /* zeroed: no field yet */
	return o;
}

/* Numbers the fields set so far by atom once the object has MOBJ_SLOTS fields. */
static void index_slots(struct arena *a, struct mobj *o)
{
	o->slot = arena_alloc(a, MATOM_COUNT);
	memset(o->slot, 0, MATOM_COUNT);
	for (size_t i = 0; i < o->n; i++)
		if (!o->f[i].key)
			o->slot[o->f[i].k >> 16] = (uint8_t)(i + 1);
}

/* Appends field (k, key, keylen) = v; key NULL for an atom's. */
static void append(struct arena *a, struct mobj *o, uint64_t k, const char *key, size_t keylen,
		   struct mval v)
{
	if (o->n == o->cap) {
		/* The old array stays in the arena until the render ends: small. */
		size_t cap = o->cap ? o->cap * 2 : 8;
		struct mfield *f = arena_alloc(a, cap * sizeof *f);
		if (o->n)
			memcpy(f, o->f, o->n * sizeof *f);
		o->f = f;
		o->cap = cap;
	}
	o->f[o->n++] = (struct mfield){k, key, keylen, v};
	if (o->noslot)
		return;
	if (o->n > UINT8_MAX) {
		/* A slot numbers at most 255 fields: past that, scanned. */
		o->slot = NULL;
		o->noslot = 1;
	} else if (o->slot) {
		if (!key)
			o->slot[k >> 16] = (uint8_t)o->n;
	} else if (o->n >= MOBJ_SLOTS) {
		index_slots(a, o);
	}
}

void mobj_put_any(struct arena *a, struct mobj *o, unsigned atom, struct mval v)
{
	uint64_t k = mval_atom_key(atom);
	if (o->slot) {
		unsigned i = o->slot[atom];
		if (i) {
			o->f[i - 1].v = v;
			return;
		}
	} else {
		for (size_t i = 0; i < o->n; i++)
			if (o->f[i].k == k) {
				o->f[i].v = v;
				return;
			}
	}
	append(a, o, k, NULL, matom_len(atom), v);
}

void mobj_set(struct arena *a, struct mobj *o, const char *key, struct mval v)
{
	size_t n = strlen(key);
	unsigned atom = matom_find(key, n);
	if (atom) {
		mobj_put_any(a, o, atom, v);
		return;
	}
	uint64_t k = mval_key(key, n);
	for (size_t i = 0; i < o->n; i++)
		if (o->f[i].k == k && o->f[i].keylen == n && memcmp(o->f[i].key, key, n) == 0) {
			o->f[i].v = v;
			return;
		}
	append(a, o, k, key, n, v);
}

struct mlist *mlist_new(struct arena *a)
{
	return arena_alloc(a, sizeof(struct mlist));
}

void mlist_push(struct arena *a, struct mlist *l, struct mval v)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct mval *items = arena_alloc(a, cap * sizeof *items);
		if (l->n)
			memcpy(items, l->v, l->n * sizeof *items);
		l->v = items;
		l->cap = cap;
	}
	l->v[l->n++] = v;
}

int mval_get(const struct mval *v, const char *name, size_t n, void *user, struct mval *out)
{
	unsigned atom = matom_find(name, n);
	uint64_t key = atom ? mval_atom_key(atom) : mval_key(name, n);
	while (v->type == MVAL_OBJ) {
		const struct mobj *o = v->obj;
		for (size_t i = 0; i < o->n; i++)
			if (o->f[i].k == key && (atom || n <= 7 || (o->f[i].keylen == n &&
			    memcmp(o->f[i].key + 7, name + 7, n - 7) == 0))) {
				*out = o->f[i].v;
				return 1;
			}
		v = &o->base;
	}
	if (v->type == MVAL_VIEW)
		return v->view->get(v->subject, atom, name, n, user, out);
	return 0;
}

size_t mval_count(const struct mval *v)
{
	switch (v->type) {
	case MVAL_LIST:
		return v->list->n;
	case MVAL_VIEWS:
		return v->n;
	default:
		return 0;
	}
}

struct mval mval_item(const struct mval *v, size_t i)
{
	if (v->type == MVAL_LIST)
		return v->list->v[i];
	return mv_view(v->view, v->items[i]);
}
