/*
 * YAML loader: libyaml parser events to jansson values, with positions.
 *
 * Stage: load. Input: the bytes of one front matter or data file (read by
 * load.c). Output: a json_t tree (one value, or an array of documents for
 * a stream) and a struct yaml_marks giving the source position of every
 * value and of every mapping key. The caller owns both.
 *
 * How it works. The parser's events are consumed in one loop; open
 * mappings and sequences live on an explicit stack (struct frame), so the
 * C stack never grows with the document's nesting. Plain scalars are
 * resolved with the YAML 1.2 core schema (docs/YAML.md explains why not
 * 1.1: a public "no" or a title "Non" must stay text). Anchored nodes are
 * remembered per document and aliases are expanded by deep copy.
 *
 * Limits (yaml.h): the input size is checked before parsing; the nesting
 * depth when a collection opens and when an alias is expanded (the copy's
 * own height counts); the number of values, counting every copied value,
 * with the size of an anchored node known when it closes, so an alias bomb
 * is refused at the first alias that would exceed the budget, before any
 * copying.
 *
 * Choices a reader of a tree must know:
 * - jansson's true, false and null are shared singletons: their positions
 *   cannot be keyed by pointer, so yaml_marks_find returns 0 for them (the
 *   position of the key that holds them still works).
 * - jansson has no NaN or infinity: .inf and .nan (and reals that overflow
 *   a double) are kept as strings with their source text.
 * - Integers beyond int64 become reals (precision is lost past 2^53).
 * - Mapping keys are the scalar's source text; a collection as a key is
 *   refused; "<<" is an ordinary key (merge keys are YAML 1.1 only).
 * - The first error stops the load: one diagnostic per file.
 */
#include "yaml.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/*
 * libyaml's header is also named yaml.h and the Makefile puts
 * generator/load/ on the -I path, so <yaml.h> would find ours. Every
 * system include directory ends in "include", so this spelling finds
 * libyaml's header wherever it is installed, and never ours as long as
 * the repository has no top-level include/. (Project headers included
 * with -iquote instead of -I would let this be plain <yaml.h>.)
 */
#include <yaml.h>

#include "buf.h"
#include "i18n.h"
#include "utf8.h"
#include "xalloc.h"
#include "yaml_fast.h"

/* ---- position table ---------------------------------------------------- */

/*
 * The marks in the order recorded, a value's (key == NULL) or a key's (obj
 * is the mapping, key its copy). A front matter records about fifty, put
 * once and looked up once or twice when a message needs a place: they are
 * appended and looked up by a scan from the newest, so that a mark put
 * again wins as an overwrite would. Past INDEX_FROM marks (data files,
 * large front matters) a hash index (open addressing, linear probing) is
 * kept beside them from then on, and a mark put again is updated in place.
 */
struct mark_entry {
	const void *obj;
	char *key;       /* owned; NULL for a value mark */
	size_t keylen;
	int line, col;
};

#define INDEX_FROM 64

struct yaml_marks {
	struct mark_entry *v; /* owned, n in use of cap */
	size_t n, cap;
	uint32_t *index;      /* owned, icap slots: entry + 1, 0 when free; NULL below INDEX_FROM */
	size_t icap;
};

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static uint64_t mark_hash(const void *obj, const char *key, size_t keylen)
{
	uint64_t h = mix64((uint64_t)(uintptr_t)obj);
	if (key) {
		uint64_t f = 0xcbf29ce484222325ULL;
		for (size_t i = 0; i < keylen; i++) {
			f ^= (unsigned char)key[i];
			f *= 0x100000001b3ULL;
		}
		h = mix64(h ^ f ^ 1);
	}
	return h;
}

static int mark_same(const struct mark_entry *e, const void *obj,
		     const char *key, size_t keylen)
{
	if (e->obj != obj)
		return 0;
	if (!key || !e->key)
		return !key && !e->key;
	return e->keylen == keylen && memcmp(e->key, key, keylen) == 0;
}

/* The index slot of (obj, key): its mark's, or the free slot where it would go. */
static uint32_t *index_slot(const struct yaml_marks *m, const void *obj,
			    const char *key, size_t keylen)
{
	size_t mask = m->icap - 1;
	size_t i = (size_t)mark_hash(obj, key, keylen) & mask;
	while (m->index[i] && !mark_same(&m->v[m->index[i] - 1], obj, key, keylen))
		i = (i + 1) & mask;
	return &m->index[i];
}

/* The newest mark of (obj, key), NULL when none. */
static struct mark_entry *mark_find(const struct yaml_marks *m, const void *obj,
				    const char *key, size_t keylen)
{
	if (m->index) {
		uint32_t e = *index_slot(m, obj, key, keylen);
		return e ? &m->v[e - 1] : NULL;
	}
	for (size_t i = m->n; i-- > 0;)
		if (mark_same(&m->v[i], obj, key, keylen))
			return &m->v[i];
	return NULL;
}

/* An index of icap slots over the marks so far, the newest of equal ones winning. */
static void index_build(struct yaml_marks *m, size_t icap)
{
	free(m->index);
	m->icap = icap;
	m->index = xcalloc(icap, sizeof *m->index);
	for (size_t i = 0; i < m->n; i++)
		*index_slot(m, m->v[i].obj, m->v[i].key, m->v[i].keylen) = (uint32_t)(i + 1);
}

/*
 * Records a position; a key's own copy is made, unless owned: then key is
 * the caller's malloc'd copy, which the table takes (or frees).
 */
static void marks_put_key(struct yaml_marks *m, const void *obj, char *owned, const char *key,
			  size_t keylen, int line, int col)
{
	uint32_t *slot = NULL;
	if (m->index) {
		slot = index_slot(m, obj, key, keylen);
		if (*slot) {
			struct mark_entry *e = &m->v[*slot - 1];
			free(owned);
			e->line = line;
			e->col = col;
			return;
		}
	}
	if (m->n == m->cap) {
		/* YAML_MAX_NODES bounds the values, hence the marks, far below UINT32_MAX. */
		m->cap = m->cap ? m->cap * 2 : 64;
		m->v = xrealloc(m->v, m->cap * sizeof *m->v);
	}
	struct mark_entry *e = &m->v[m->n++];
	e->obj = obj;
	e->key = owned ? owned : key ? xstrndup(key, keylen) : NULL;
	e->keylen = keylen;
	e->line = line;
	e->col = col;
	if (slot && 10 * m->n <= 7 * m->icap)
		*slot = (uint32_t)m->n;
	else if (slot || m->n > INDEX_FROM)
		index_build(m, m->icap ? m->icap * 2 : 4 * INDEX_FROM);
}

static void marks_put(struct yaml_marks *m, const void *obj, const char *key,
		      size_t keylen, int line, int col)
{
	marks_put_key(m, obj, NULL, key, keylen, line, col);
}

/* Shared singletons have no identity of their own: never recorded. */
static int has_identity(const json_t *v)
{
	return v && !json_is_boolean(v) && !json_is_null(v);
}

int yaml_marks_find(const struct yaml_marks *m, const json_t *value,
		    int *line, int *col)
{
	if (!m || !has_identity(value))
		return 0;
	const struct mark_entry *e = mark_find(m, value, NULL, 0);
	if (!e)
		return 0;
	*line = e->line;
	*col = e->col;
	return 1;
}

int yaml_marks_find_key(const struct yaml_marks *m, const json_t *obj,
			const char *key, int *line, int *col)
{
	if (!m || !obj || !key)
		return 0;
	const struct mark_entry *e = mark_find(m, obj, key, strlen(key));
	if (!e)
		return 0;
	*line = e->line;
	*col = e->col;
	return 1;
}

void yaml_marks_free(struct yaml_marks *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].key);
	free(m->v);
	free(m->index);
	free(m);
}

/* ---- anchors ------------------------------------------------------------- */

struct anchor {
	char *name;    /* owned */
	json_t *value; /* a reference of our own */
	char *text;    /* owned source text when the node is a scalar, else NULL */
	size_t textlen;
	size_t nodes;  /* values in the subtree, for the alias budget */
	int height;    /* collections on the longest path, 0 for a scalar */
	int complete;  /* 0 while the collection is still open */
};

/* Anchors of the current document; index by name (newest definition wins). */
struct anchors {
	struct anchor *v; /* owned */
	size_t n, cap;
	size_t *slot;     /* hash of name -> index + 1; 0 is free */
	size_t nslots;
};

static uint64_t str_hash(const char *s)
{
	uint64_t f = 0xcbf29ce484222325ULL;
	for (; *s; s++) {
		f ^= (unsigned char)*s;
		f *= 0x100000001b3ULL;
	}
	return mix64(f);
}

static size_t *anchor_slot(const struct anchors *a, const char *name)
{
	size_t mask = a->nslots - 1;
	size_t i = (size_t)str_hash(name) & mask;
	while (a->slot[i] && strcmp(a->v[a->slot[i] - 1].name, name) != 0)
		i = (i + 1) & mask;
	return &a->slot[i];
}

static struct anchor *anchor_find(const struct anchors *a, const char *name)
{
	if (!a->nslots)
		return NULL;
	size_t *s = anchor_slot(a, name);
	return *s ? &a->v[*s - 1] : NULL;
}

/* Adds a new anchor; returns its index. value gets a reference of ours. */
static size_t anchor_add(struct anchors *a, const char *name, json_t *value)
{
	if ((a->n + 1) * 2 > a->nslots) {
		free(a->slot);
		a->nslots = a->nslots ? a->nslots * 2 : 64;
		a->slot = xcalloc(a->nslots, sizeof *a->slot);
		for (size_t i = 0; i < a->n; i++)
			*anchor_slot(a, a->v[i].name) = i + 1;
	}
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = xrealloc(a->v, a->cap * sizeof *a->v);
	}
	struct anchor *e = &a->v[a->n];
	memset(e, 0, sizeof *e);
	e->name = xstrdup(name);
	e->value = json_incref(value);
	*anchor_slot(a, name) = a->n + 1;
	return a->n++;
}

static void anchors_clear(struct anchors *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].name);
		free(a->v[i].text);
		json_decref(a->v[i].value);
	}
	free(a->v);
	free(a->slot);
	memset(a, 0, sizeof *a);
}

/* ---- the loader ------------------------------------------------------------ */

/* An open mapping or sequence. */
struct frame {
	json_t *node;     /* a reference of our own until the frame closes */
	int is_map;
	int have_key;     /* mappings: a key waits for its value */
	char *key;        /* owned pending key */
	size_t keylen;
	int key_line, key_col;
	size_t anchor;    /* index + 1 of the anchor naming this node, 0 if none */
	size_t nodes_at_start;
	int height;       /* 1 + tallest child collection so far */
	int line, col;    /* where the collection starts */
};

struct loader {
	const char *path;
	const char *text;  /* input after the BOM, for error positions */
	size_t len;
	int line_offset;
	struct diag *d;
	struct frame *stack; /* owned; depth entries in use */
	size_t depth, cap;
	struct anchors anchors;
	size_t nodes;        /* values made so far, copies included */
	struct yaml_marks *marks;
	json_t *root;        /* current document's value, owned */
	int root_height;
	size_t err_line;     /* 0-based line of the first error, SIZE_MAX when none or unknown */
};

static void line_col(const struct loader *l, yaml_mark_t m, int *line, int *col)
{
	/*
	 * libyaml 0.2.5 counts columns in characters (its SKIP advances the
	 * column by one per character whatever its width), which is what
	 * editors expect, so no conversion is needed here; test_yaml checks it.
	 */
	*line = (int)m.line + 1 + l->line_offset;
	*col = (int)m.column + 1;
}

static void record(struct loader *l, const json_t *v, int line, int col)
{
	if (has_identity(v))
		marks_put(l->marks, v, NULL, 0, line, col);
}

/* Counts one new value against the budget. Returns -1 past it. */
static int count_node(struct loader *l, int line, int col)
{
	if (++l->nodes > YAML_MAX_NODES) {
		diag_error(l->d, l->path, line, col,
			   _("too many values (limit %d, aliases included)"), YAML_MAX_NODES);
		return -1;
	}
	return 0;
}

/* ---- scalar resolution ------------------------------------------------------ */

static int is_one_of(const char *s, size_t n, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == n && memcmp(*words, s, n) == 0)
			return 1;
	return 0;
}

static const char *const null_words[] = {"", "~", "null", "Null", "NULL", NULL};
static const char *const true_words[] = {"true", "True", "TRUE", NULL};
static const char *const false_words[] = {"false", "False", "FALSE", NULL};
static const char *const inf_words[] = {".inf", ".Inf", ".INF", NULL};
static const char *const nan_words[] = {".nan", ".NaN", ".NAN", NULL};

static int all_digits(const char *s, size_t n, int base)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		int ok = base == 8 ? (c >= '0' && c <= '7')
		       : base == 16 ? (ascii_isdigit(c) || ((c | 32) >= 'a' && (c | 32) <= 'f'))
		       : ascii_isdigit(c);
		if (!ok)
			return 0;
	}
	return 1;
}

/*
 * Core schema integers: [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+. Returns 1
 * and the value (an integer, or a real when it does not fit int64).
 */
static int parse_int(const char *s, size_t n, json_t **out)
{
	int base = 10, neg = 0;
	size_t i = 0;
	if (n > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
		base = s[1] == 'o' ? 8 : 16;
		i = 2;
	} else if (n > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (!all_digits(s + i, n - i, base))
		return 0;
	uint64_t v = 0;
	double dv = 0;
	int overflow = 0;
	for (; i < n; i++) {
		int c = (unsigned char)s[i];
		unsigned d = ascii_isdigit(c) ? (unsigned)(c - '0') : (unsigned)((c | 32) - 'a' + 10);
		dv = dv * base + d;
		if (v > (UINT64_MAX - d) / (unsigned)base)
			overflow = 1;
		else
			v = v * (unsigned)base + d;
	}
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (overflow || v > limit) {
		/* Beyond int64: a real keeps the magnitude (docs/YAML.md). */
		if (base == 10) {
			/* strtod rounds once; the loop above rounded per digit. */
			char *tmp = xstrndup(s, n);
			dv = strtod(tmp, NULL);
			free(tmp);
		} else if (neg) {
			dv = -dv;
		}
		*out = json_real(dv);
		return 1;
	}
	json_int_t iv = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(json_int_t)v)
			    : (json_int_t)v;
	*out = json_integer(iv);
	return 1;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static int is_float_text(const char *s, size_t n)
{
	size_t i = 0, intd = 0, fracd = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	while (i < n && ascii_isdigit((unsigned char)s[i]))
		i++, intd++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && ascii_isdigit((unsigned char)s[i]))
			i++, fracd++;
		if (!intd && !fracd)
			return 0;
	} else if (!intd) {
		return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		size_t e = 0;
		while (i < n && ascii_isdigit((unsigned char)s[i]))
			i++, e++;
		if (!e)
			return 0;
	}
	return i == n;
}

/*
 * Core schema reals, .inf and .nan included. Returns 1 with the value: a
 * real, or the text itself when it is not finite (jansson has no NaN).
 */
static int parse_float(const char *s, size_t n, json_t **out)
{
	size_t sign = n > 0 && (s[0] == '-' || s[0] == '+');
	if (is_one_of(s + sign, n - sign, inf_words) || (!sign && is_one_of(s, n, nan_words))) {
		*out = json_stringn(s, n);
		return 1;
	}
	if (!is_float_text(s, n))
		return 0;
	/* strtod needs a terminated string; LC_NUMERIC is always "C" here. */
	char tmp[64];
	char *buf = n < sizeof tmp ? tmp : xmalloc(n + 1);
	memcpy(buf, s, n);
	buf[n] = '\0';
	double v = strtod(buf, NULL);
	if (buf != tmp)
		free(buf);
	*out = isfinite(v) ? json_real(v) : json_stringn(s, n);
	return 1;
}

/*
 * The YAML 1.2 core schema for an untagged plain scalar. Most scalars are
 * text: the null and boolean words have at most 5 bytes, and every number
 * (.inf and .nan included) starts with a digit, a sign or a dot, so other
 * scalars skip those tests. The text is valid UTF-8 without NUL (the input
 * was checked, libyaml refuses bad escapes, scalar_value refuses "\0"),
 * so jansson need not check it again.
 */
static json_t *resolve_plain(const char *s, size_t n)
{
	json_t *v;
	if (n <= 5) {
		if (is_one_of(s, n, null_words))
			return json_null();
		if (is_one_of(s, n, true_words))
			return json_true();
		if (is_one_of(s, n, false_words))
			return json_false();
	}
	if (n > 0 && (ascii_isdigit((unsigned char)s[0]) || s[0] == '-' || s[0] == '+' || s[0] == '.') &&
	    (parse_int(s, n, &v) || parse_float(s, n, &v)))
		return v;
	return json_stringn_nocheck(s, n);
}

#define TAG_PREFIX "tag:yaml.org,2002:"

/*
 * How much of s[0..n) a message quotes: a scalar can be megabytes long.
 * The cut falls on a character boundary so the message stays UTF-8.
 */
static int shown(const char *s, size_t n)
{
	if (n <= 60)
		return (int)n;
	n = 60;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

/* The core tag's short name ("int" for tag:yaml.org,2002:int), or NULL. */
static const char *core_tag(const unsigned char *tag)
{
	if (tag && strncmp((const char *)tag, TAG_PREFIX, strlen(TAG_PREFIX)) == 0)
		return (const char *)tag + strlen(TAG_PREFIX);
	return NULL;
}

/*
 * The value of a scalar event. Returns NULL after reporting an error (a
 * core tag whose text does not fit it, or text jansson refuses).
 */
static json_t *scalar_value(struct loader *l, const yaml_event_t *e, int line, int col)
{
	const char *s = (const char *)e->data.scalar.value;
	size_t n = e->data.scalar.length;
	const char *tag = core_tag(e->data.scalar.tag);
	const char *raw_tag = (const char *)e->data.scalar.tag;
	json_t *v = NULL;
	int plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;

	/* A "\0" escape: C strings downstream would silently cut the text. */
	if (memchr(s, '\0', n)) {
		diag_error(l->d, l->path, line, col, _("NUL character in a value"));
		return NULL;
	}
	if (tag && strcmp(tag, "str") == 0) {
		v = json_stringn(s, n);
	} else if (tag && strcmp(tag, "int") == 0) {
		if (!parse_int(s, n, &v)) {
			diag_error(l->d, l->path, line, col,
				   _("'%.*s' is not an integer (tag !!int)"), shown(s, n), s);
			return NULL;
		}
	} else if (tag && strcmp(tag, "float") == 0) {
		if (!parse_float(s, n, &v)) {
			diag_error(l->d, l->path, line, col,
				   _("'%.*s' is not a number (tag !!float)"), shown(s, n), s);
			return NULL;
		}
	} else if (tag && strcmp(tag, "bool") == 0) {
		if (is_one_of(s, n, true_words)) {
			v = json_true();
		} else if (is_one_of(s, n, false_words)) {
			v = json_false();
		} else {
			diag_error(l->d, l->path, line, col,
				   _("'%.*s' is not true or false (tag !!bool)"), shown(s, n), s);
			return NULL;
		}
	} else if (tag && strcmp(tag, "null") == 0) {
		if (!is_one_of(s, n, null_words)) {
			diag_error(l->d, l->path, line, col,
				   _("'%.*s' is not null (tag !!null)"), shown(s, n), s);
			return NULL;
		}
		v = json_null();
	} else if (tag && (strcmp(tag, "map") == 0 || strcmp(tag, "seq") == 0)) {
		diag_error(l->d, l->path, line, col, _("a scalar cannot have the tag !!%s"), tag);
		return NULL;
	} else if (plain && !(raw_tag && strcmp(raw_tag, "!") == 0)) {
		/* Untagged, or a tag we do not know: resolved by its kind. */
		v = resolve_plain(s, n);
	} else {
		/* Quoted and block scalars, and the non-specific tag "!" (UTF-8: see resolve_plain). */
		v = json_stringn_nocheck(s, n);
	}
	if (!v) {
		/* libyaml checks escapes, so only a NUL in a key gets here. */
		diag_error(l->d, l->path, line, col, _("text that cannot be stored"));
		return NULL;
	}
	return v;
}

/* ---- building the tree ------------------------------------------------------ */

static struct frame *top(struct loader *l)
{
	return l->depth ? &l->stack[l->depth - 1] : NULL;
}

/*
 * Attaches v (a reference we give away) at the current place: the pending
 * key of the open mapping, the end of the open sequence, or the document
 * root. height is v's number of collection levels.
 */
static void attach(struct loader *l, json_t *v, int height)
{
	struct frame *f = top(l);
	if (!f) {
		json_decref(l->root);
		l->root = v;
		l->root_height = height;
		return;
	}
	if (height + 1 > f->height)
		f->height = height + 1;
	if (f->is_map) {
		json_object_setn_new_nocheck(f->node, f->key, f->keylen, v);
		/* The key's copy goes to the position table. */
		marks_put_key(l->marks, f->node, f->key, f->key, f->keylen, f->key_line, f->key_col);
		f->key = NULL;
		f->have_key = 0;
	} else {
		json_array_append_new(f->node, v);
	}
}

/* In a mapping, the next node is a key when no key is pending. */
static int at_key(struct loader *l)
{
	struct frame *f = top(l);
	return f && f->is_map && !f->have_key;
}

static int set_key(struct loader *l, const char *s, size_t n, int line, int col)
{
	struct frame *f = top(l);
	if (json_object_getn(f->node, s, n)) {
		int fl = 0, fc = 0;
		/* One line: where the first one is belongs to the same mistake. */
		if (!(yaml_marks_find_key(l->marks, f->node, s, &fl, &fc) && strlen(s) == n))
			diag_error(l->d, l->path, line, col,
				   _("duplicate key '%.*s'"), shown(s, n), s);
		else if (n == 2 && memcmp(s, "id", 2) == 0 && l->depth >= 2 &&
			 !l->stack[l->depth - 2].is_map)
			/* A list of entries: the usual cause is a forgotten "- ". */
			diag_error(l->d, l->path, line, col,
				   _("a second 'id' in the same entry (the first is on line %d): "
				     "start the new entry with '- '"), fl);
		else
			diag_error(l->d, l->path, line, col,
				   _("duplicate field '%.*s' (the first is on line %d): keep only one"),
				   shown(s, n), s, fl);
		return -1;
	}
	f->key = xstrndup(s, n);
	f->keylen = n;
	f->key_line = line;
	f->key_col = col;
	f->have_key = 1;
	return 0;
}

/*
 * Deep copy of an anchored value for an alias, recording for each copied
 * value the position of its original (the alias's own position for the
 * root). Recursion is bounded by YAML_MAX_DEPTH, checked before the call.
 * Returns a new reference.
 */
static json_t *copy_value(struct loader *l, json_t *src, int line, int col)
{
	json_t *dst;
	int ol, oc;
	switch (json_typeof(src)) {
	case JSON_OBJECT: {
		dst = json_object();
		void *it;
		for (it = json_object_iter(src); it; it = json_object_iter_next(src, it)) {
			const char *k = json_object_iter_key(it);
			size_t kn = json_object_iter_key_len(it);
			json_t *child = json_object_iter_value(it);
			int cl = line, cc = col;
			yaml_marks_find(l->marks, child, &cl, &cc);
			json_object_setn_new_nocheck(dst, k, kn, copy_value(l, child, cl, cc));
			if (yaml_marks_find_key(l->marks, src, k, &ol, &oc))
				marks_put(l->marks, dst, k, kn, ol, oc);
		}
		break;
	}
	case JSON_ARRAY: {
		dst = json_array();
		for (size_t i = 0; i < json_array_size(src); i++) {
			json_t *child = json_array_get(src, i);
			int cl = line, cc = col;
			yaml_marks_find(l->marks, child, &cl, &cc);
			json_array_append_new(dst, copy_value(l, child, cl, cc));
		}
		break;
	}
	case JSON_STRING:
		dst = json_stringn(json_string_value(src), json_string_length(src));
		break;
	case JSON_INTEGER:
		dst = json_integer(json_integer_value(src));
		break;
	case JSON_REAL:
		dst = json_real(json_real_value(src));
		break;
	default:
		return json_incref(src);
	}
	record(l, dst, line, col);
	return dst;
}

static int on_alias(struct loader *l, const yaml_event_t *e, int line, int col)
{
	const char *name = (const char *)e->data.alias.anchor;
	struct anchor *a = anchor_find(&l->anchors, name);
	if (!a) {
		diag_error(l->d, l->path, line, col, _("unknown alias '*%s'"), name);
		return -1;
	}
	if (!a->complete) {
		diag_error(l->d, l->path, line, col,
			   _("alias '*%s' refers to a node that contains it"), name);
		return -1;
	}
	if (at_key(l)) {
		if (!a->text) {
			diag_error(l->d, l->path, line, col, _("complex mapping keys are not supported"));
			return -1;
		}
		return set_key(l, a->text, a->textlen, line, col);
	}
	if (a->nodes > YAML_MAX_NODES - l->nodes) {
		diag_error(l->d, l->path, line, col,
			   _("alias '*%s' expands to too many values (limit %d)"), name, YAML_MAX_NODES);
		return -1;
	}
	if (l->depth + (size_t)a->height > YAML_MAX_DEPTH) {
		diag_error(l->d, l->path, line, col,
			   _("alias '*%s' nests too deeply (limit %d levels)"), name, YAML_MAX_DEPTH);
		return -1;
	}
	l->nodes += a->nodes;
	attach(l, copy_value(l, a->value, line, col), a->height);
	return 0;
}

/* A copy of s[0..n) without its invisible characters; *out_n its length. */
static char *drop_invisible(const char *s, size_t n, size_t *out_n)
{
	char *out = xmalloc(n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (!utf8_invisible_name(cp)) {
			memcpy(out + o, s + i, k);
			o += k;
		}
		i += k;
	}
	out[o] = '\0';
	*out_n = o;
	return out;
}

/* No byte of s[0..n) above 0x7F: no invisible character (they are all above U+009F). */
static int ascii_only(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

static int on_scalar(struct loader *l, const yaml_event_t *e, int line, int col)
{
	const char *s = (const char *)e->data.scalar.value;
	size_t n = e->data.scalar.length;
	const char *anchor = (const char *)e->data.scalar.anchor;
	int key = at_key(l);
	json_t *v = NULL;
	if (!key && count_node(l, line, col) < 0)
		return -1;
	if (!key || anchor) {
		/* An anchored key is resolved too: an alias may use it as a value. */
		v = scalar_value(l, e, line, col);
		if (!v)
			return -1;
	}
	if (anchor) {
		size_t i = anchor_add(&l->anchors, anchor, v); /* may move the array */
		struct anchor *a = &l->anchors.v[i];
		a->text = xstrndup(s, n);
		a->textlen = n;
		a->nodes = 1;
		a->complete = 1;
	}
	if (key) {
		/* Keys are the scalar's text, whatever it would resolve to. */
		json_decref(v);
		size_t off;
		int icol;
		uint32_t cp;
		if (!ascii_only(s, n) && utf8_find_invisible(s, n, &off, &icol, &cp)) {
			/*
			 * A word processor's non-breaking space before ':' (French
			 * typography) makes "logic\u00a0" a field nobody knows. The key
			 * is used without it, so the rest of the file is checked as meant.
			 */
			char *clean = drop_invisible(s, n, &n);
			diag_warning(l->d, l->path, line, col + icol - 1,
				     _("the field name '%s' holds an invisible character (%s, U+%04X) at "
				       "column %d: delete it"), clean, utf8_invisible_name(cp),
				     (unsigned)cp, col + icol - 1);
			int r = set_key(l, clean, n, line, col);
			free(clean);
			return r;
		}
		return set_key(l, s, n, line, col);
	}
	record(l, v, line, col);
	attach(l, v, 0);
	return 0;
}

static int on_collection_start(struct loader *l, const yaml_event_t *e, int is_map,
			       int line, int col)
{
	const unsigned char *raw_tag = is_map ? e->data.mapping_start.tag : e->data.sequence_start.tag;
	const char *anchor = (const char *)(is_map ? e->data.mapping_start.anchor
						   : e->data.sequence_start.anchor);
	const char *tag = core_tag(raw_tag);
	if (at_key(l)) {
		diag_error(l->d, l->path, line, col, _("complex mapping keys are not supported"));
		return -1;
	}
	if (tag && strcmp(tag, is_map ? "map" : "seq") != 0 &&
	    (strcmp(tag, "str") == 0 || strcmp(tag, "int") == 0 || strcmp(tag, "float") == 0 ||
	     strcmp(tag, "bool") == 0 || strcmp(tag, "null") == 0 ||
	     strcmp(tag, "map") == 0 || strcmp(tag, "seq") == 0)) {
		if (is_map)
			diag_error(l->d, l->path, line, col, _("a mapping cannot have the tag !!%s"), tag);
		else
			diag_error(l->d, l->path, line, col, _("a sequence cannot have the tag !!%s"), tag);
		return -1;
	}
	if (l->depth + 1 > YAML_MAX_DEPTH) {
		diag_error(l->d, l->path, line, col,
			   _("mappings and sequences nested too deeply (limit %d levels)"),
			   YAML_MAX_DEPTH);
		return -1;
	}
	if (count_node(l, line, col) < 0)
		return -1;
	if (l->depth == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->stack = xrealloc(l->stack, l->cap * sizeof *l->stack);
	}
	struct frame *f = &l->stack[l->depth++];
	memset(f, 0, sizeof *f);
	f->node = is_map ? json_object() : json_array();
	f->is_map = is_map;
	f->nodes_at_start = l->nodes - 1;
	f->height = 1;
	f->line = line;
	f->col = col;
	record(l, f->node, line, col);
	if (anchor)
		f->anchor = anchor_add(&l->anchors, anchor, f->node) + 1;
	return 0;
}

static void on_collection_end(struct loader *l)
{
	struct frame f = l->stack[--l->depth];
	if (f.anchor) {
		struct anchor *a = &l->anchors.v[f.anchor - 1];
		a->nodes = l->nodes - f.nodes_at_start;
		a->height = f.height;
		a->complete = 1;
	}
	free(f.key);
	attach(l, f.node, f.height);
}

/* Drops everything of the document being built (after an error). */
static void unwind(struct loader *l)
{
	while (l->depth) {
		struct frame *f = &l->stack[--l->depth];
		free(f->key);
		json_decref(f->node);
	}
	json_decref(l->root);
	l->root = NULL;
}

/* The byte at a libyaml mark (0 past the end): marks count characters. */
static char char_at(const struct loader *l, yaml_mark_t m)
{
	size_t i = 0, line = 0, col = 0;
	while (i < l->len && line < m.line) {
		char c = l->text[i++];
		if (c == '\n' || (c == '\r' && !(i < l->len && l->text[i] == '\n')))
			line++;
	}
	while (i < l->len && col < m.column) {
		i++;
		while (i < l->len && ((unsigned char)l->text[i] & 0xC0) == 0x80)
			i++;
		col++;
	}
	return i < l->len ? l->text[i] : 0;
}

/* Line n (0-based) of the YAML text: its start and length without the newline. */
static const char *nth_line(const struct loader *l, size_t n, size_t *len)
{
	size_t i = 0;
	for (size_t k = 0; k < n && i < l->len; i++)
		if (l->text[i] == '\n')
			k++;
	const char *end = memchr(l->text + i, '\n', l->len - i);
	*len = end ? (size_t)(end - (l->text + i)) : l->len - i;
	return l->text + i;
}

static size_t indent_of(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	return i;
}

static int blank_or_comment(const char *s, size_t n)
{
	size_t i = indent_of(s, n);
	while (i < n && s[i] == '\t')
		i++;
	return i == n || s[i] == '#';
}

/*
 * Splits a "key: value" line (after its indentation and an optional "- ").
 * Returns 1 and the key and value (value without trailing spaces), or 0.
 */
static int split_field(const char *s, size_t n, const char **key, size_t *keylen,
		       const char **value, size_t *valuelen)
{
	size_t i = indent_of(s, n);
	if (i + 1 < n && s[i] == '-' && s[i + 1] == ' ')
		i = i + 2 + indent_of(s + i + 2, n - i - 2);
	size_t k = i;
	while (k < n && s[k] != ':' && s[k] != ' ' && s[k] != '"' && s[k] != '\'' &&
	       s[k] != '{' && s[k] != '[')
		k++;
	if (k == i || k + 1 >= n || s[k] != ':' || s[k + 1] != ' ')
		return 0;
	*key = s + i;
	*keylen = k - i;
	size_t v = k + 2;
	while (v < n && s[v] == ' ')
		v++;
	size_t e = n;
	while (e > v && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	*value = s + v;
	*valuelen = e - v;
	return 1;
}

/*
 * The fix for a value YAML could not read: "key: <quote>value<quote>",
 * with quote '"' (backslashes and quotes escaped) or '\'' (quotes doubled).
 * Long values are cut ("…"): the hint shows the fix, not the whole text.
 */
static void quoted_field(struct buf *out, const char *key, size_t keylen,
			 const char *value, size_t n, char quote)
{
	size_t shown_n = n;
	if (shown_n > 60) {
		shown_n = 60;
		while (shown_n > 0 && ((unsigned char)value[shown_n] & 0xC0) == 0x80)
			shown_n--;
	}
	buf_printf(out, "%.*s: %c", (int)keylen, key, quote);
	for (size_t i = 0; i < shown_n; i++) {
		if (quote == '"' && (value[i] == '"' || value[i] == '\\'))
			buf_putc(out, '\\');
		else if (quote == '\'' && value[i] == '\'')
			buf_putc(out, '\'');
		buf_putc(out, value[i]);
	}
	if (shown_n < n)
		buf_puts(out, "…");
	buf_putc(out, quote);
}

/* Line n starts with "field:" glued to its value ("title:Veille"): the field's name. */
static int no_space_after_colon(const struct loader *l, size_t n, size_t *keylen,
				const char **key)
{
	size_t len;
	const char *s = nth_line(l, n, &len);
	size_t i = indent_of(s, len), k = i;
	while (k < len && (ascii_isalnum((unsigned char)s[k]) || s[k] == '_' || s[k] == '-'))
		k++;
	if (k == i || k + 1 >= len || s[k] != ':' || s[k + 1] == ' ')
		return 0;
	*key = s + i;
	*keylen = k - i;
	return 1;
}

/*
 * libyaml's problems, rewritten as what the person editing should do.
 * The message names the line's own text when that makes the fix plain
 * (a title holding " : ", a value starting with a quote, a field indented
 * too far); libyaml's English words never reach the user, except for a
 * problem this table does not know (then quoted after a general sentence).
 */
static void report_parser_error(struct loader *l, const yaml_parser_t *p)
{
	int line, col;
	if (p->error == YAML_MEMORY_ERROR) {
		/* Same policy as xalloc: out of memory is not recoverable. */
		fputs("fiches: out of memory\n", stderr);
		abort();
	}
	const char *problem = p->problem ? p->problem : "";
	const char *context = p->context ? p->context : "";
	if (p->error == YAML_READER_ERROR) {
		/* The reader counts bytes; our input is UTF-8 already checked. */
		utf8_line_col(l->text, p->problem_offset, &line, &col);
		line += l->line_offset;
		if (strstr(problem, "control characters")) {
			uint32_t cp = 0;
			if (p->problem_offset < l->len)
				utf8_decode(l->text + p->problem_offset, l->len - p->problem_offset, &cp);
			diag_error(l->d, l->path, line, col,
				   _("invalid YAML: an invisible control character (U+%04X) is here: delete it"),
				   (unsigned)cp);
		} else {
			diag_error(l->d, l->path, line, col, _("invalid YAML: %s"), problem);
		}
		return;
	}
	line_col(l, p->problem_mark, &line, &col);
	int cl = 0, cc = 0;
	if (p->context)
		line_col(l, p->context_mark, &cl, &cc);
	/* An unclosed collection or quote: the mistake is where it opens. */
	l->err_line = p->context && (strstr(context, "flow") || strstr(context, "quoted"))
		      ? p->context_mark.line : p->problem_mark.line;
	size_t n, pn = 0;
	const char *s = nth_line(l, p->problem_mark.line, &n);
	const char *prev = NULL;
	for (size_t k = p->problem_mark.line; k-- > 0;) {
		prev = nth_line(l, k, &pn);
		if (!blank_or_comment(prev, pn))
			break;
		prev = NULL;
	}
	const char *key, *value, *pkey, *pvalue;
	size_t keylen, valuelen, pkeylen, pvaluelen;
	struct buf fix = BUF_INIT;

	if (char_at(l, p->problem_mark) == '\t' && p->error == YAML_SCANNER_ERROR) {
		/* libyaml's wording hides the usual cause: an editor's tab. */
		diag_error(l->d, l->path, line, col,
			   _("invalid YAML: a tab is used here to shift the line: replace it with spaces"));
	} else if (strstr(problem, "tab character")) {
		diag_error(l->d, l->path, line, col,
			   _("invalid YAML: a tab is used here to shift the line: replace it with spaces"));
	} else if (strcmp(problem, "mapping values are not allowed in this context") == 0 &&
		   split_field(s, n, &key, &keylen, &value, &valuelen) &&
		   value < s + n && (size_t)(value - s) < (size_t)p->problem_mark.column + 1 &&
		   valuelen && value[0] != '"' && value[0] != '\'') {
		/* A second ": " on a "key: value" line: the value holds a colon. */
		quoted_field(&fix, key, keylen, value, valuelen, '"');
		diag_error(l->d, l->path, line, col,
			   _("invalid YAML: the value of '%.*s' holds \" : \": put the whole value "
			     "between quotes: %s"), (int)keylen, key, buf_cstr(&fix));
	} else if (strcmp(problem, "mapping values are not allowed in this context") == 0 &&
		   prev && indent_of(s, n) > indent_of(prev, pn) &&
		   split_field(prev, pn, &pkey, &pkeylen, &pvalue, &pvaluelen) && pvaluelen &&
		   split_field(s, n, &key, &keylen, &value, &valuelen)) {
		/* "  name: X\n   kind: y": the line continues X, then meets ": ". */
		diag_error(l->d, l->path, line, (int)indent_of(s, n) + 1,
			   _("invalid YAML: '%.*s' is indented more than '%.*s' on the line above: "
			     "start both at the same column"),
			   (int)keylen, key, (int)pkeylen, pkey);
	} else if (strcmp(problem, "mapping values are not allowed in this context") == 0) {
		diag_error(l->d, l->path, line, col,
			   _("invalid YAML: \": \" cannot appear here: put the value that holds it "
			     "between quotes, or check the indentation of the line"));
	} else if (strcmp(problem, "did not find expected key") == 0 &&
		   split_field(s, n, &key, &keylen, &value, &valuelen) && valuelen &&
		   (value[0] == '"' || value[0] == '\'')) {
		/* title: "Bus" de nuit: the quoted part ends, then text follows. */
		quoted_field(&fix, key, keylen, value, valuelen, value[0] == '"' ? '\'' : '"');
		diag_error(l->d, l->path, line, col,
			   _("invalid YAML: the value of '%.*s' starts with a quote, so it must end "
			     "with it: put the whole value between quotes: %s"),
			   (int)keylen, key, buf_cstr(&fix));
	} else if (strcmp(problem, "did not find expected key") == 0 ||
		   strcmp(problem, "did not find expected '-' indicator") == 0) {
		if (strcmp(problem, "did not find expected '-' indicator") == 0 &&
		    split_field(s, n, &key, &keylen, &value, &valuelen))
			diag_error(l->d, l->path, line, col,
				   _("invalid YAML: this line is not part of the list above: start a "
				     "new entry with '- ', or indent the line like the fields above it"));
		else
			diag_error(l->d, l->path, line, col,
				   _("invalid YAML: this line does not line up with the lines above "
				     "(%d:%d): check the spaces at the start of the line"), cl, cc);
	} else if (strstr(problem, "did not find expected ',' or '}'")) {
		line = cl;
		col = cc;
		diag_error(l->d, l->path, line, col,
			   _("invalid YAML: the '{' here is never closed: add '}' at the end of "
			     "the entry"));
	} else if (strstr(problem, "did not find expected ',' or ']'")) {
		line = cl;
		col = cc;
		diag_error(l->d, l->path, line, col,
			   _("invalid YAML: the '[' here is never closed: add ']' at the end of "
			     "the list"));
	} else if (strcmp(problem, "found unexpected end of stream") == 0 &&
		   strstr(context, "quoted scalar")) {
		line = cl;
		col = cc;
		diag_error(l->d, l->path, line, col,
			   _("invalid YAML: the quote opened here is never closed: add the closing "
			     "quote at the end of the value"));
	} else if (strcmp(problem, "could not find expected ':'") == 0 &&
		   no_space_after_colon(l, p->context_mark.line, &keylen, &key)) {
		/* "title:Veille" is one word for YAML, not a field. */
		diag_error(l->d, l->path, cl, cc + (int)keylen + 1,
			   _("invalid YAML: a space is missing after '%.*s:'"), (int)keylen, key);
	} else if (strcmp(problem, "could not find expected ':'") == 0) {
		diag_error(l->d, l->path, cl, cc,
			   _("invalid YAML: a line without ':' among the fields: write 'field: value', "
			     "or indent the line to continue the value above"));
	} else if (strcmp(problem, "block sequence entries are not allowed in this context") == 0) {
		diag_error(l->d, l->path, line, col,
			   _("invalid YAML: a list item '- ' cannot follow a value on the same line: "
			     "put each item on its own line, or write the list as [a, b]"));
	} else if (strcmp(problem, "found unknown escape character") == 0) {
		diag_error(l->d, l->path, line, col,
			   _("invalid YAML: a backslash '\\' between double quotes starts a special "
			     "character: use single quotes, or write '\\\\'"));
	} else if (strcmp(problem, "found character that cannot start any token") == 0) {
		diag_error(l->d, l->path, line, col,
			   _("invalid YAML: a value cannot start with '%c': put the value between "
			     "quotes"), char_at(l, p->problem_mark));
	} else if (strstr(problem, "did not find expected comment or line break")) {
		diag_error(l->d, l->path, line, col,
			   _("invalid YAML: after '|' or '>', the text starts on the next line, "
			     "indented"));
	} else if (strcmp(problem, "did not find expected node content") == 0) {
		diag_error(l->d, l->path, line, col,
			   _("invalid YAML: a value is missing here"));
	} else {
		diag_error(l->d, l->path, line, col,
			   _("invalid YAML: this line cannot be read (%s)"), problem);
	}
	buf_free(&fix);
}

/* Input checks before libyaml sees the bytes. Returns -1 after reporting. */
static int check_input(struct loader *l, const char *text, size_t len)
{
	size_t bad;
	int line, col;
	if (len > YAML_MAX_BYTES) {
		diag_error(l->d, l->path, 1 + l->line_offset, 1,
			   _("YAML text too large (%zu bytes, limit %u MiB)"), len,
			   (unsigned)(YAML_MAX_BYTES >> 20));
		return -1;
	}
	if (!utf8_valid(text, len, &bad)) {
		utf8_line_col(text, bad, &line, &col);
		if (text[bad] == '\0')
			diag_error(l->d, l->path, line + l->line_offset, col, _("NUL byte in YAML text"));
		else
			diag_error(l->d, l->path, line + l->line_offset, col,
				   _("invalid UTF-8 (byte 0x%02x)"), (unsigned char)text[bad]);
		return -1;
	}
	return 0;
}

/*
 * The event loop shared by yaml_load (single: a second document is an
 * error) and yaml_load_stream. On success *out is the document (single)
 * or an array of documents. A single document of the plain shape of
 * yaml_fast.h takes its events from there, the same as libyaml's.
 */
static int load(const char *path, const char *text, size_t len, int line_offset,
		struct diag *d, int single, json_t **out, struct yaml_marks **marks_out,
		size_t *err_line)
{
	struct loader l;
	yaml_parser_t parser;
	yaml_event_t e;
	json_t *docs = NULL;
	size_t ndocs = 0;
	int rc = -1, done = 0, line, col;

	memset(&l, 0, sizeof l);
	l.path = path;
	l.line_offset = line_offset;
	l.d = d;
	l.err_line = SIZE_MAX;
	*err_line = SIZE_MAX;
	*out = NULL;
	if (marks_out)
		*marks_out = NULL;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	}
	l.text = text;
	l.len = len;
	if (check_input(&l, text, len) < 0)
		return -1;

	l.marks = xcalloc(1, sizeof *l.marks);
	docs = json_array();
	struct yaml_fast fast;
	size_t next_fast = 0;
	int is_fast = single && yaml_fast_events(text, len, &fast);
	if (!is_fast) {
		if (!yaml_parser_initialize(&parser)) {
			fputs("fiches: out of memory\n", stderr);
			abort();
		}
		yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
		yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	}

	while (!done) {
		if (is_fast) {
			yaml_fast_event_as_libyaml(&fast.v[next_fast++], &e);
		} else if (!yaml_parser_parse(&parser, &e)) {
			report_parser_error(&l, &parser);
			goto out;
		}
		line_col(&l, e.start_mark, &line, &col);
		l.err_line = e.start_mark.line;
		int r = 0;
		switch (e.type) {
		case YAML_STREAM_START_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (single && ndocs > 0) {
				diag_error(d, path, line, col,
					   _("only one YAML document is allowed here"));
				r = -1;
			}
			break;
		case YAML_DOCUMENT_END_EVENT:
			json_array_append_new(docs, l.root ? l.root : json_null());
			l.root = NULL;
			ndocs++;
			/* Anchors do not cross documents. */
			anchors_clear(&l.anchors);
			break;
		case YAML_ALIAS_EVENT:
			r = on_alias(&l, &e, line, col);
			break;
		case YAML_SCALAR_EVENT:
			r = on_scalar(&l, &e, line, col);
			break;
		case YAML_SEQUENCE_START_EVENT:
			r = on_collection_start(&l, &e, 0, line, col);
			break;
		case YAML_MAPPING_START_EVENT:
			r = on_collection_start(&l, &e, 1, line, col);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			on_collection_end(&l);
			break;
		default:
			break;
		}
		if (!is_fast)
			yaml_event_delete(&e);
		if (r < 0)
			goto out;
	}
	if (single) {
		*out = ndocs ? json_incref(json_array_get(docs, 0)) : json_null();
	} else {
		*out = docs;
		docs = NULL;
	}
	rc = 0;
out:
	if (rc < 0)
		*err_line = l.err_line;
	if (is_fast)
		yaml_fast_free(&fast);
	else
		yaml_parser_delete(&parser);
	unwind(&l);
	anchors_clear(&l.anchors);
	free(l.stack);
	json_decref(docs);
	if (rc == 0 && marks_out)
		*marks_out = l.marks;
	else
		yaml_marks_free(l.marks);
	return rc;
}

int yaml_load(const char *path, const char *text, size_t len, int line_offset,
	      struct diag *d, json_t **out, struct yaml_marks **marks)
{
	size_t err_line;
	return load(path, text, len, line_offset, d, 1, out, marks, &err_line);
}

int yaml_load_stream(const char *path, const char *text, size_t len,
		     int line_offset, struct diag *d, json_t **out,
		     struct yaml_marks **marks)
{
	size_t err_line;
	return load(path, text, len, line_offset, d, 0, out, marks, &err_line);
}

/* ---- recovery: a slip in one list item loses that item only ---------------- */

/* Offsets of the starts of the lines of t[0..len); *n lines. Caller frees. */
static size_t *line_starts(const char *t, size_t len, size_t *n)
{
	size_t cap = 64, k = 0;
	size_t *v = xmalloc(cap * sizeof *v);
	v[k++] = 0;
	for (size_t i = 0; i < len; i++) {
		if (t[i] != '\n' || i + 1 >= len)
			continue;
		if (k == cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[k++] = i + 1;
	}
	*n = k;
	return v;
}

struct text_line {
	const char *s;
	size_t n;
	size_t indent;
	int blank, item; /* blank or comment only; starts with "- " */
};

static struct text_line get_line(const char *t, size_t len, const size_t *starts,
				 size_t nlines, size_t i)
{
	struct text_line l;
	l.s = t + starts[i];
	size_t end = i + 1 < nlines ? starts[i + 1] - 1 : len;
	l.n = end - starts[i];
	l.indent = indent_of(l.s, l.n);
	l.blank = blank_or_comment(l.s, l.n);
	l.item = !l.blank && l.s[l.indent] == '-' &&
		 (l.indent + 1 == l.n || l.s[l.indent + 1] == ' ');
	return l;
}

/*
 * The lines [*first, *last] of the list item that holds line e: the
 * outermost "- " item above e whose body contains it (in a file that is a
 * list, a block at column 0 that lacks its "- " counts as an item).
 * Returns 0 when e is not inside a list item (a top-level field of a
 * mapping: there is no entry to drop).
 */
static int find_item(const char *t, size_t len, const size_t *starts, size_t nlines,
		     size_t e, int root_is_list, size_t *first, size_t *last)
{
	if (e >= nlines)
		e = nlines - 1;
	while (e > 0 && get_line(t, len, starts, nlines, e).blank)
		e--;
	struct text_line el = get_line(t, len, starts, nlines, e);
	/* m: the smallest indentation of the lines after j up to e; an item
	   at line j holds e when it is less indented than all of them. */
	size_t m = el.indent, found = el.item ? e : SIZE_MAX;
	for (size_t j = e; j-- > 0;) {
		struct text_line l = get_line(t, len, starts, nlines, j);
		if (l.blank)
			continue;
		if (l.item && l.indent < m)
			found = j;
		if (l.indent < m)
			m = l.indent;
		if (l.indent == 0) {
			if (!l.item && found == SIZE_MAX && root_is_list)
				found = j;
			break;
		}
	}
	if (found == SIZE_MAX)
		return 0;
	size_t base = get_line(t, len, starts, nlines, found).indent;
	size_t k = found + 1;
	while (k < nlines) {
		struct text_line l = get_line(t, len, starts, nlines, k);
		if (!l.blank && l.indent <= base)
			break;
		k++;
	}
	*first = found;
	*last = k - 1;
	return 1;
}

/* Adds the ids written in s[0..n) ("id: x", "{id: x, ...}") to the set lost. */
static void collect_ids(const char *s, size_t n, json_t *lost)
{
	for (size_t i = 0; i + 3 < n; i++) {
		if (memcmp(s + i, "id:", 3) != 0 || (i > 0 && s[i - 1] != ' ' && s[i - 1] != '{' &&
						      s[i - 1] != ',' && s[i - 1] != '\n'))
			continue;
		size_t v = i + 3;
		while (v < n && s[v] == ' ')
			v++;
		char quote = v < n && (s[v] == '"' || s[v] == '\'') ? s[v++] : 0;
		size_t e = v;
		while (e < n && s[e] != '\n' && (quote ? s[e] != quote :
		       (s[e] != ',' && s[e] != '}' && s[e] != '#')))
			e++;
		while (!quote && e > v && s[e - 1] == ' ')
			e--;
		if (e > v) {
			char *id = xstrndup(s + v, e - v);
			json_object_set_new(lost, id, json_true());
			free(id);
		}
		i = e;
	}
}

int yaml_load_recover(const char *path, const char *text, size_t len, struct diag *d,
		      json_t **out, struct yaml_marks **marks, json_t *lost)
{
	/* Each retry drops one more item: a bound against a pathological file. */
	enum { MAX_DROPPED = 50 };
	char *work = xstrndup(text, len);
	const char *t = work;
	size_t tlen = len;
	if (tlen >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0) {
		t += 3;
		tlen -= 3;
	}
	size_t nlines;
	size_t *starts = line_starts(t, tlen, &nlines);
	int root_is_list = 0;
	for (size_t i = 0; i < nlines; i++) {
		struct text_line l = get_line(t, tlen, starts, nlines, i);
		if (l.blank || (l.n >= 3 && memcmp(l.s, "---", 3) == 0))
			continue;
		root_is_list = l.item && l.indent == 0;
		break;
	}
	struct diag *scratch = diag_new();
	int rc = -1;
	for (int dropped = 0;; dropped++) {
		size_t err_line, first, last;
		rc = load(path, work, len, 0, scratch, 1, out, marks, &err_line);
		if (rc == 0) {
			diag_move(d, scratch, DIAG_NOTE);
			break;
		}
		/* The error of this attempt only: warnings come back with the next one. */
		diag_move(d, scratch, DIAG_ERROR);
		if (err_line == SIZE_MAX || dropped == MAX_DROPPED ||
		    !find_item(t, tlen, starts, nlines, err_line, root_is_list, &first, &last))
			break;
		/* The item's lines become blank: every other line keeps its number. */
		size_t from = starts[first];
		size_t to = last + 1 < nlines ? starts[last + 1] - 1 : tlen;
		collect_ids(t + from, to - from, lost);
		for (size_t i = from; i < to; i++)
			if (t[i] != '\n')
				((char *)t)[i] = ' ';
	}
	diag_free(scratch);
	free(starts);
	free(work);
	return rc;
}
