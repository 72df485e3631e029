/*
 * The values a Mustache template renders: strings, numbers, booleans,
 * null, objects and lists, built in an arena for one render, and views.
 *
 * A view is an object that is not built: a lookup asks its class for one
 * name of one subject (a document, say) and the value is made then. A
 * list of views is a borrowed array of subjects sharing one class. Lists
 * that thousands of pages show cost nothing to "build" this way, and a
 * view reads its subject as it is when the template renders.
 *
 * An object may extend a base (an object or a view): its own fields are
 * looked up first, then the base's, so a page adds to a shared reference
 * without copying it.
 *
 * Strings are borrowed: the caller keeps them alive until the render ends
 * (model strings, literals, or copies in the render's arena).
 */
#ifndef FICHES_MVALUE_H
#define FICHES_MVALUE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "matom.h"

enum mval_type {
	MVAL_NULL,	/* zero: a zeroed struct mval is null */
	MVAL_FALSE,
	MVAL_TRUE,
	MVAL_INT,
	MVAL_REAL,
	MVAL_STR,	/* s[0..n) */
	MVAL_OBJ,	/* obj */
	MVAL_LIST,	/* list */
	MVAL_VIEW,	/* view over subject */
	MVAL_VIEWS,	/* view over each of items[0..n) */
};

struct mval;

/*
 * A class of views. get sets *out to the value of the name for subject and
 * returns 1, or returns 0 when the subject has no such name (Mustache then
 * looks in the enclosing contexts: a name the template may test on every
 * item is better returned as null). The name is atom (matom.h), resolved
 * when the template was compiled, and its bytes name[0..n); a name outside
 * the atoms' list comes with MATOM_NONE, so a view that answers only names
 * of the list switches on atom alone. user is the render's user pointer
 * (mustache_render_value); strings made by get must live until the render
 * ends (in an arena user gives, typically).
 */
struct mview {
	int (*get)(const void *subject, unsigned atom, const char *name, size_t n, void *user,
		   struct mval *out);
	/*
	 * 1 when get's answers for a subject depend on nothing but the subject
	 * and the render's scope (mustache_render_cached: the directory of the
	 * page, whose links are relative to it): an item of a list of such
	 * views may then be rendered once and its bytes written again.
	 */
	int scoped;
};

struct mobj;
struct mlist;

struct mval {
	uint8_t type;		/* enum mval_type */
	size_t n;		/* MVAL_STR: bytes; MVAL_VIEWS: items */
	union {
		const char *s;
		long long i;
		double r;
		const struct mobj *obj;
		const struct mlist *list;
		const void *subject;
		const void *const *items;
	};
	const struct mview *view;	/* MVAL_VIEW, MVAL_VIEWS */
};

struct mfield {
	uint64_t k;		/* mval_name_key(key, keylen) */
	const char *key;	/* borrowed; NULL when set by atom */
	size_t keylen;
	struct mval v;
};

/*
 * Objects with few fields are scanned (one integer compare a field); one
 * with MOBJ_SLOTS fields or more also keeps, from then on, the place of
 * each field named by an atom: slot[atom] is its index + 1, 0 when unset,
 * so the page's own object, which some hundred lookups a page reach, answers
 * at once. Its fields stay in f as well, in the order set.
 */
#define MOBJ_SLOTS 8
struct mobj {
	struct mval base;	/* MVAL_NULL, or the object or view extended */
	struct mfield *f;	/* in the arena */
	size_t n, cap;
	uint8_t *slot;		/* MATOM_COUNT entries in the arena, or NULL */
	int noslot;		/* more fields than a slot can number: scanned */
};

struct mlist {
	struct mval *v;		/* in the arena */
	size_t n, cap;
};

/* Constructors (no allocation; strings borrowed). */
static inline struct mval mv_null(void) { return (struct mval){.type = MVAL_NULL}; }
static inline struct mval mv_bool(int b) { return (struct mval){.type = b ? MVAL_TRUE : MVAL_FALSE}; }
static inline struct mval mv_int(long long i) { return (struct mval){.type = MVAL_INT, .i = i}; }
static inline struct mval mv_real(double r) { return (struct mval){.type = MVAL_REAL, .r = r}; }
/* NULL gives null. Inline: the views answer most names with a string of the model. */
static inline struct mval mv_str(const char *s)
{
	return s ? (struct mval){.type = MVAL_STR, .n = strlen(s), .s = s} : mv_null();
}
static inline struct mval mv_strn(const char *s, size_t n)
{
	return (struct mval){.type = MVAL_STR, .n = n, .s = s};
}
static inline struct mval mv_obj(const struct mobj *o) { return (struct mval){.type = MVAL_OBJ, .obj = o}; }
static inline struct mval mv_list(const struct mlist *l) { return (struct mval){.type = MVAL_LIST, .list = l}; }
static inline struct mval mv_view(const struct mview *c, const void *subject)
{
	return (struct mval){.type = MVAL_VIEW, .subject = subject, .view = c};
}
static inline struct mval mv_views(const struct mview *c, const void *const *items, size_t n)
{
	return (struct mval){.type = MVAL_VIEWS, .n = n, .items = items, .view = c};
}

/* A new empty object in a, extending base (mv_null() for none). */
struct mobj *mobj_new(struct arena *a, struct mval base);
/*
 * The same with room for fields fields (more may be set), numbered by
 * slot from the start when they are MOBJ_SLOTS or more: a page's object,
 * whose twenty fields would otherwise grow it three times.
 */
struct mobj *mobj_new_sized(struct arena *a, struct mval base, size_t fields);
/* Sets key (borrowed) to v, replacing the value of a key already set. */
void mobj_set(struct arena *a, struct mobj *o, const char *key, struct mval v);
/* The same for the name of an atom (matom.h), without looking the name up. */
void mobj_put_any(struct arena *a, struct mobj *o, unsigned atom, struct mval v);
/* A new empty list in a. */
struct mlist *mlist_new(struct arena *a);
void mlist_push(struct arena *a, struct mlist *l, struct mval v);

/*
 * A name's key. For a name of the atoms' list (matom.h): its atom, above
 * the bytes any name's quick key uses for one byte; for any other name, its
 * quick key: its length (255 for longer ones) and its first 7 bytes. Two
 * names with different keys differ; with the same key, they are equal when
 * the key is an atom's or the names have at most 7 bytes, else only the
 * bytes after the seventh are left to compare. Templates compute the keys
 * of their names once, when compiled, and fields theirs when set, so a
 * lookup compares one integer per field.
 */
static inline uint64_t mval_key(const char *s, size_t n)
{
	uint64_t k = n < 255 ? n : 255;
	for (size_t i = 0; i < n && i < 7; i++)
		k |= (uint64_t)(unsigned char)s[i] << (8 * (i + 1));
	return k;
}
/* A one-byte name's quick key has zeros above its byte: an atom's never. */
static inline uint64_t mval_atom_key(unsigned atom)
{
	return 1 | (uint64_t)atom << 16;
}
static inline uint64_t mval_name_key(const char *s, size_t n)
{
	unsigned atom = matom_find(s, n);
	return atom ? mval_atom_key(atom) : mval_key(s, n);
}

/*
 * mobj_put_any, inline where the object numbers its fields by slot and has
 * room for one more (a page's objects, made sized): a page sets some 40
 * fields, and the call, with its value passed through memory, cost more
 * than the setting.
 */
static inline void mobj_put(struct arena *a, struct mobj *o, unsigned atom, struct mval v)
{
	if (o->slot && o->n < o->cap && o->n < UINT8_MAX) {
		unsigned i = o->slot[atom];
		if (i) {
			o->f[i - 1].v = v;
			return;
		}
		o->f[o->n] = (struct mfield){mval_atom_key(atom), NULL, matom_len(atom), v};
		o->slot[atom] = (uint8_t)++o->n;
		return;
	}
	mobj_put_any(a, o, atom, v);
}

/*
 * The value of name[0..n) in v (an object or a view), into *out: 1 when
 * found, 0 when v has no such name or is not an object.
 */
int mval_get(const struct mval *v, const char *name, size_t n, void *user, struct mval *out);

/* Items of a list or list of views (0 for any other value), and item i. */
size_t mval_count(const struct mval *v);
struct mval mval_item(const struct mval *v, size_t i);

#endif
