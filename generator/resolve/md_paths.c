/*
 * The table of documents by path for relative .md links; see md_paths.h.
 *
 * Keys are paths relative to the project root with "content/" first, both
 * for a document's listed path and for its real path (content_real
 * replaced by "content"), so a lexical key and a real key compare as
 * strings. The table is hashed once (keytab.h); a lookup normalises the
 * link on the stack, hashes it once and compares one key. The keys are
 * copied side by side with what a link takes (the document and its page's
 * path, struct md_key), so a lookup reads neither a struct doc nor
 * strings spread over the heap (a cache miss each at 10 000 fiches).
 */
#include "md_paths.h"
#include "keytab.h"
#include "path.h"
#include "xalloc.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A key while the table is made: a listed path (the document's) or a real path (owned). */
struct md_entry {
	char *key;
	struct doc *doc;        /* borrowed */
};

/* An entry as the table keeps it, in one block (md_paths.keys). */
struct md_key {
	struct doc_target target; /* out_path: a copy in this record, after the key */
	size_t key_len;
	char key[];             /* NUL-terminated, then out_path's copy */
};

struct md_paths {
	const struct site *s;
	struct md_key *keys;    /* the table's values, side by side (owned) */
	/*
	 * The entries by key: every listed path first, then every real path,
	 * each in kind order then position, so the first found is the first
	 * document, and a link spelled as a document's own path leads to it.
	 */
	struct keytab by_key;
};

/* "content/" + the part of real under content_real, or NULL when outside. */
static char *content_key(const struct site *s, const char *real)
{
	size_t cl = strlen(s->content_real);
	if (strncmp(real, s->content_real, cl) != 0 || real[cl] != '/')
		return NULL;
	return xasprintf("content/%s", real + cl + 1);
}

/* The real path of doc's file: the real directory (cached by the caller) and, when the file itself is a symbolic link, realpath. */
static char *real_path_of(const struct doc *doc, char **dir_fs, char **dir_real)
{
	const char *base = path_basename(doc->fs_path);
	size_t dl = (size_t)(base - doc->fs_path);
	if (!*dir_fs || strlen(*dir_fs) != dl || strncmp(*dir_fs, doc->fs_path, dl) != 0) {
		free(*dir_fs);
		free(*dir_real);
		*dir_fs = xstrndup(doc->fs_path, dl);
		*dir_real = realpath(dl ? *dir_fs : ".", NULL);
	}
	struct stat st;
	if (lstat(doc->fs_path, &st) != 0)
		return NULL;
	if (S_ISLNK(st.st_mode))
		return realpath(doc->fs_path, NULL);
	return *dir_real ? path_join(*dir_real, base) : NULL;
}

/* Bytes of an md_key with its strings, rounded up so the next one is aligned. */
static size_t md_key_size(size_t key_len, const char *out_path)
{
	size_t n = sizeof(struct md_key) + key_len + 1 + (out_path ? strlen(out_path) : 0) + 1;
	return (n + _Alignof(struct md_key) - 1) & ~(size_t)(_Alignof(struct md_key) - 1);
}

struct md_paths *md_paths_build(const struct site *s)
{
	struct md_paths *t = xcalloc(1, sizeof *t);
	t->s = s;
	size_t total = site_ndocs_all(s), n = 0;
	struct md_entry *v = xcalloc(2 * total + 1, sizeof *v);
	char *dir_fs = NULL, *dir_real = NULL;
	/* Listed paths in v[0..total), real paths after them. */
	struct md_entry *real_keys = v + total;
	size_t nreal = 0;
	for (int k = 0; k < DOC_KINDS; k++) {
		for (size_t i = 0; i < s->ndocs[k]; i++) {
			struct doc *doc = s->docs[k][i];
			v[n++] = (struct md_entry){doc->path, doc};
			/* The load's listing knew it: no lstat nor path to make for each document. */
			char *real = !doc->content_key && s->content_real ?
				     real_path_of(doc, &dir_fs, &dir_real) : NULL;
			char *key = doc->content_key ? xstrdup(doc->content_key) :
				    real ? content_key(s, real) : NULL;
			if (key && strcmp(key, doc->path) != 0)
				real_keys[nreal++] = (struct md_entry){key, doc};
			else
				free(key);
			free(real);
		}
	}
	free(dir_fs);
	free(dir_real);
	size_t nlisted = n;
	memmove(v + n, real_keys, nreal * sizeof *v);
	n += nreal;
	size_t bytes = 0;
	for (size_t i = 0; i < n; i++)
		bytes += md_key_size(strlen(v[i].key), v[i].doc->out_path);
	t->keys = xmalloc(bytes ? bytes : 1);
	keytab_init(&t->by_key, n);
	char *at = (char *)t->keys;
	for (size_t i = 0; i < n; i++) {
		struct md_key *k = (struct md_key *)at;
		const char *out = v[i].doc->out_path;
		size_t kl = strlen(v[i].key), ol = out ? strlen(out) : 0;
		k->key_len = kl;
		memcpy(k->key, v[i].key, kl + 1);
		k->target = (struct doc_target){v[i].doc, out ? memcpy(k->key + kl + 1, out, ol + 1) : NULL,
						ol};
		at += md_key_size(kl, out);
		keytab_add(&t->by_key, keytab_hash(v[i].key, kl), k);
		if (i >= nlisted)
			free(v[i].key);
	}
	free(v);
	return t;
}

void md_paths_free(struct md_paths *t)
{
	if (!t)
		return;
	free(t->keys);
	keytab_free(&t->by_key);
	free(t);
}

static const struct md_key *lookup_hashed(const struct md_paths *t, const char *key, size_t len,
					  uint64_t h)
{
	size_t pos = keytab_home(&t->by_key, h);
	for (const struct md_key *k; (k = keytab_next(&t->by_key, h, &pos));)
		if (k->key_len == len && memcmp(k->key, key, len) == 0)
			return k;
	return NULL;
}

static const struct md_key *lookup(const struct md_paths *t, const char *key, size_t len)
{
	return lookup_hashed(t, key, len, keytab_hash(key, len));
}

/*
 * dir + "/" + rel with empty and '.' components dropped and '..' applied,
 * written into out (room for strlen(dir) + strlen(rel) + 2 bytes, which it
 * never exceeds); its length, or -1 when '..' climbs above the project root.
 */
static long normalise_len(const char *dir, size_t dir_len, const char *rel, size_t rel_len,
			  char *out)
{
	size_t n = 0;
	const char *parts[2] = {dir, rel};
	const char *ends[2] = {dir + dir_len, rel + rel_len};
	for (int p = 0; p < 2; p++) {
		const char *c = parts[p], *stop = ends[p];
		while (c < stop) {
			const char *end = memchr(c, '/', (size_t)(stop - c));
			size_t len = end ? (size_t)(end - c) : (size_t)(stop - c);
			if (len == 2 && c[0] == '.' && c[1] == '.') {
				if (!n)
					return -1;
				char *slash = memrchr(out, '/', n);
				n = slash ? (size_t)(slash - out) : 0;
			} else if (len && !(len == 1 && c[0] == '.')) {
				if (n)
					out[n++] = '/';
				memcpy(out + n, c, len);
				n += len;
			}
			c += len;
			if (c < stop && *c == '/')
				c++;
		}
	}
	out[n] = '\0';
	return (long)n;
}

static long normalise(const char *dir, size_t dir_len, const char *rel, char *out)
{
	return normalise_len(dir, dir_len, rel, strlen(rel), out);
}

/* Keys up to this long are put together on the stack. */
#define KEY_STACK 512

int md_paths_probe(const struct md_paths *t, const struct doc *from, const char *rel, size_t len,
		   struct site_probe *p, struct buf *keys)
{
	if (!t || !t->by_key.slots)
		return 0;
	const char *base = path_basename(from->path);
	size_t dir_len = (size_t)(base - from->path);
	/* Written at the end of keys, which keeps it for md_paths_find_probed. */
	buf_grow(keys, dir_len + len + 2);
	char *key = keys->data + keys->len;
	long n = normalise_len(from->path, dir_len, rel, len, key);
	if (n < 0)
		return 0;
	keys->len += (size_t)n + 1;
	keys->data[keys->len] = '\0';
	p->tab = &t->by_key;
	p->hash = keytab_hash(key, (size_t)n);
	__builtin_prefetch(&t->by_key.slots[keytab_home(&t->by_key, p->hash)], 0, 3);
	return 1;
}

int md_paths_find_target(const struct md_paths *t, const struct doc *from, const char *rel,
			 struct doc_target *target)
{
	const char *base = path_basename(from->path);
	size_t dir_len = (size_t)(base - from->path), room = dir_len + strlen(rel) + 2;
	char stack[KEY_STACK];
	char *key = room <= sizeof stack ? stack : xmalloc(room);
	long len = normalise(from->path, dir_len, rel, key);
	const struct md_key *found = len >= 0 ? lookup(t, key, (size_t)len) : NULL;
	if (key != stack)
		free(key);
	if (!found && t->s->content_real) {
		/* Through the file system once: a symbolic directory on the way. */
		const char *fs_base = path_basename(from->fs_path);
		char *fs_dir = xstrndup(from->fs_path, (size_t)(fs_base - from->fs_path));
		char *joined = path_join(*fs_dir ? fs_dir : ".", rel);
		char *real = realpath(joined, NULL);
		char *real_key = real ? content_key(t->s, real) : NULL;
		found = real_key ? lookup(t, real_key, strlen(real_key)) : NULL;
		free(real_key);
		free(real);
		free(joined);
		free(fs_dir);
	}
	if (!found)
		return 0;
	*target = found->target;
	return 1;
}

int md_paths_find_probed(const struct md_paths *t, const struct doc *from, const char *rel,
			 const char *key, size_t klen, const struct site_probe *p,
			 struct doc_target *target)
{
	const struct md_key *found = lookup_hashed(t, key, klen, p->hash);
	if (!found)
		return md_paths_find_target(t, from, rel, target);
	*target = found->target;
	return 1;
}

struct doc *md_paths_find(const struct md_paths *t, const struct doc *from, const char *rel)
{
	struct doc_target target;
	return md_paths_find_target(t, from, rel, &target) ? target.doc : NULL;
}
