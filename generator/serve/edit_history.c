/* Versions of the workshop's saves; see edit_history.h. */
#include "edit_history.h"

#include "buf.h"
#include "edit_fm.h"
#include "edit_save.h"
#include "kind.h"
#include "load.h"
#include "model.h"
#include "path.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A document's history lists this many versions at most. */
#define HISTORY_MAX 200
/* Commits looked at when listing a document's versions. */
#define HISTORY_WALK_MAX 5000
/* A version read back: a text (4 MiB) or an uploaded image (10 MB). */
#define HISTORY_MAX_BYTES ((size_t)16 * 1024 * 1024)

struct history {
	pthread_mutex_t lock;        /* libgit2 objects are not shared between threads */
	git_repository *repo;        /* NULL: versions under dir */
	char *content_prefix;        /* content/ relative to the repository's work tree, with '/' */
	char *dir;                   /* root/.fiches/historique */
};

struct history *history_open(const char *root, const char *content_real)
{
	struct history *h = xcalloc(1, sizeof *h);
	pthread_mutex_init(&h->lock, NULL);
	git_libgit2_init();
	git_repository *repo = NULL;
	if (git_repository_open_ext(&repo, content_real, 0, NULL) == 0 && !git_repository_is_bare(repo)) {
		const char *wd = git_repository_workdir(repo);   /* ends with '/' */
		char *wd_real = wd ? realpath(wd, NULL) : NULL;
		size_t n = wd_real ? strlen(wd_real) : 0;
		if (wd_real && strncmp(content_real, wd_real, n) == 0 &&
		    (content_real[n] == '/' || content_real[n] == '\0')) {
			h->repo = repo;
			h->content_prefix = content_real[n] ? xasprintf("%s/", content_real + n + 1)
							     : xstrdup("");
			repo = NULL;
		}
		free(wd_real);
	}
	git_repository_free(repo);
	if (!h->repo)
		h->dir = path_join(root, ".fiches/historique");
	return h;
}

void history_close(struct history *h)
{
	if (!h)
		return;
	git_repository_free(h->repo);
	free(h->content_prefix);
	free(h->dir);
	pthread_mutex_destroy(&h->lock);
	free(h);
	git_libgit2_shutdown();
}

const char *history_kind(const struct history *h)
{
	return h->repo ? "git" : "dossier";
}

/* ------------------------------------------------------------- message */

/* The French way to name a field in « modifier … ». */
static const char *field_phrase(const char *name)
{
	static const char *const phrases[][2] = {
		{"title", "le titre"}, {"summary", "le résumé"}, {"logic", "la logique"},
		{"themes", "les fiches thématiques liées"}, {"publics", "les publics"},
		{"territories", "les territoires"}, {"carrier", "le porteur"},
		{"contacts", "les contacts"}, {"status", "l’avancement"}, {"since", "l’année"},
		{"number", "le numéro"}, {"slug", "l’identifiant"}, {"part", "la partie"},
		{"include", "les fiches incluses"},
	};
	for (size_t i = 0; i < sizeof phrases / sizeof *phrases; i++)
		if (strcmp(phrases[i][0], name) == 0)
			return phrases[i][1];
	return NULL;
}

/* « Fiche-action 6 », « Chapitre 4 », « Page credits », « Contacts » from the file's path. */
static char *doc_label(const char *rel)
{
	const char *slash = strchr(rel, '/');
	size_t dn = slash ? (size_t)(slash - rel) : 0;
	const char *label = NULL;
	for (int k = 0; k < DOC_BUILTIN; k++) {
		const struct kind *d = kind_builtin(k);
		if (strlen(d->content_dir) == dn && strncmp(d->content_dir, rel, dn) == 0)
			label = d->label;
	}
	const char *name = slash ? slash + 1 : rel;
	if (!label) {
		/* Data files, booklets and images: named by what they hold. */
		for (int t = TARGET_CONTACT; t <= TARGET_BIBLIO; t++)
			if (!slash && strcmp(rel, kind_data(t)->data_file) == 0)
				return xstrdup(kind_data(t)->label_plural);
		if (!slash && strcmp(rel, "site.yaml") == 0)
			return xstrdup("Réglages du site");
		if (dn == 8 && strncmp(rel, "booklets", 8) == 0)
			return xasprintf("Livret %s", name);
		if (dn == 5 && strncmp(rel, "media", 5) == 0)
			return xasprintf("Image %s", name);
	}
	int number = 0, digits = 0;
	while (name[digits] >= '0' && name[digits] <= '9' && digits < 6)
		number = number * 10 + (name[digits++] - '0');
	if (label && digits && name[digits] == '-')
		return xasprintf("%s %d", label, number);
	size_t n = strlen(name);
	return xasprintf("%s %.*s", label ? label : "Fichier", (int)(n > 3 ? n - 3 : n), name);
}

/* « Fiche-action 6 : », the start of every message about rel. */
static void put_label(struct buf *b, const char *rel)
{
	char *label = doc_label(rel);
	buf_printf(b, "%s : ", label);
	free(label);
}

char *history_message_fmt(const char *rel, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	put_label(&b, rel);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b);
}

char *history_message(const char *rel, const char *old, size_t old_len, const char *text,
		      size_t len)
{
	struct buf b = BUF_INIT;
	put_label(&b, rel);
	if (!old) {
		buf_puts(&b, "créer");
		return buf_detach(&b);
	}
	json_t *a = edit_fm_parse(old, old_len), *z = edit_fm_parse(text, len);
	const char *parts[8];
	size_t np = 0, others = 0;
	if (a && z) {
		const char *key;
		json_t *v;
		json_t *keys = json_object();
		json_object_foreach(a, key, v) json_object_set(keys, key, json_true());
		json_object_foreach(z, key, v) json_object_set(keys, key, json_true());
		json_object_foreach(keys, key, v) {
			if (json_equal(json_object_get(a, key), json_object_get(z, key)))
				continue;
			const char *p = field_phrase(key);
			if (p && np < 6)
				parts[np++] = p;
			else
				others++;
		}
		json_decref(keys);
	} else {
		parts[np++] = "l’en-tête";
	}
	/* The body: what follows the front matter. */
	const char *fm, *body_a, *body_z;
	size_t fl;
	int off;
	load_split_front_matter(old, old_len, &fm, &fl, &body_a, &off);
	load_split_front_matter(text, len, &fm, &fl, &body_z, &off);
	size_t ba = old_len - (size_t)(body_a - old), bz = len - (size_t)(body_z - text);
	if (ba != bz || memcmp(body_a, body_z, ba) != 0)
		parts[np++] = "le texte";
	if (others)
		parts[np++] = others > 1 ? "d’autres champs" : "un autre champ";
	json_decref(a);
	json_decref(z);
	if (np == 0) {
		buf_puts(&b, "enregistrer sans changement");
		return buf_detach(&b);
	}
	buf_puts(&b, "modifier ");
	for (size_t i = 0; i < np; i++) {
		if (i)
			buf_puts(&b, i + 1 == np ? " et " : ", ");
		buf_puts(&b, parts[i]);
	}
	return buf_detach(&b);
}

/* ---------------------------------------------------------- directory */

/* The directory of rel's versions: .fiches/historique/actions/06-x.md/ */
static char *version_dir(struct history *h, const char *rel)
{
	return path_join(h->dir, rel);
}

/* Versions keep their file's extension (.md, .yaml, .png…), so they open as what they are. */
static const char *version_ext(const char *rel)
{
	const char *base = strrchr(rel, '/');
	const char *dot = strrchr(base ? base + 1 : rel, '.');
	return dot && dot[1] && strlen(dot) <= 6 ? dot : ".md";
}

static int mkdirs(const char *dir)
{
	char *p = xstrdup(dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int r = mkdir(p, 0755) < 0 && errno != EEXIST ? -1 : 0;
	free(p);
	return r;
}

static int compare_desc(const void *a, const void *b)
{
	return -strcmp(*(char *const *)a, *(char *const *)b);
}

/* Version ids, newest first (caller frees each and the array). */
static char **dir_versions(struct history *h, const char *rel, size_t *n)
{
	char *dir = version_dir(h, rel);
	DIR *dp = opendir(dir);
	free(dir);
	const char *ext = version_ext(rel);
	size_t el = strlen(ext);
	struct ptrs ids = {0};
	struct dirent *e;
	while (dp && (e = readdir(dp))) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] != '.' && l > el && strcmp(e->d_name + l - el, ext) == 0)
			ptrs_add(&ids, xstrndup(e->d_name, l - el));
	}
	if (dp)
		closedir(dp);
	if (ids.n > 1)
		qsort(ids.v, ids.n, sizeof *ids.v, compare_desc);
	*n = ids.n;
	return (char **)ids.v;
}

static int dir_write(struct history *h, const char *rel, const char *text, size_t len,
		     const char *message);

/* A version even when the text is the latest's (a removal keeps its own entry). */
static int dir_record_forced(struct history *h, const char *rel, const char *text, size_t len,
			     const char *message)
{
	usleep(2000); /* distinct from the version just before */
	return dir_write(h, rel, text, len, message);
}

static int dir_record(struct history *h, const char *rel, const char *text, size_t len,
		      const char *message)
{
	size_t n;
	char **ids = dir_versions(h, rel, &n);
	int same = 0;
	if (n) {
		size_t l;
		char *last = history_text(h, rel, ids[0], &l);
		same = last && l == len && memcmp(last, text, len) == 0;
		free(last);
	}
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	if (same)
		return 0;
	return dir_write(h, rel, text, len, message);
}

static int dir_write(struct history *h, const char *rel, const char *text, size_t len,
		     const char *message)
{
	char *dir = version_dir(h, rel);
	if (mkdirs(dir) < 0) {
		free(dir);
		return -1;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char id[64];
	/* Sorts by time; the milliseconds keep two saves in a second apart. */
	snprintf(id, sizeof id, "%04d%02d%02dT%02d%02d%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
	char *file = xasprintf("%s/%s%s", dir, id, version_ext(rel)), *note = xasprintf("%s/%s.txt", dir, id);
	int r = edit_write_atomic(file, text, len) == 0 &&
			edit_write_atomic(note, message, strlen(message)) == 0 ? 0 : -1;
	free(file);
	free(note);
	free(dir);
	return r;
}

/* ----------------------------------------------------------------- git */

static git_signature *signature(git_repository *repo)
{
	git_signature *sig = NULL;
	if (git_signature_default(&sig, repo) < 0)
		git_signature_now(&sig, "Atelier d’écriture fiches", "atelier@fiches.invalid");
	return sig;
}

/*
 * One commit on HEAD setting paths[i] to data[i] (NULL: removing it; a
 * path absent from HEAD is then left alone). Index entries follow the
 * ones that held HEAD's version. No commit when the tree would not change.
 */
static int git_commit_many(struct history *h, const char *const *paths, const char *const *data,
			   const size_t *lens, size_t n, const char *message)
{
	git_repository *repo = h->repo;
	git_commit *head = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_index *index = NULL;
	git_signature *sig = NULL;
	git_tree_update *up = xcalloc(n ? n : 1, sizeof *up);
	git_oid *before = xcalloc(n ? n : 1, sizeof *before);
	int *had = xcalloc(n ? n : 1, sizeof *had);
	size_t nup = 0;
	int r = -1;
	git_oid hid, tree_id, commit_id;
	if (git_reference_name_to_id(&hid, repo, "HEAD") == 0 && git_commit_lookup(&head, repo, &hid) == 0) {
		if (git_commit_tree(&base, head) < 0)
			goto out;
	} else {
		git_treebuilder *tb = NULL;
		git_oid empty;
		int ok = git_treebuilder_new(&tb, repo, NULL) == 0 && git_treebuilder_write(&empty, tb) == 0 &&
			 git_tree_lookup(&base, repo, &empty) == 0;
		git_treebuilder_free(tb);
		if (!ok)
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		git_tree_entry *e = NULL;
		had[i] = git_tree_entry_bypath(&e, base, paths[i]) == 0;
		if (had[i])
			git_oid_cpy(&before[i], git_tree_entry_id(e));
		git_tree_entry_free(e);
		if (!data[i]) {
			if (had[i])
				up[nup++] = (git_tree_update){GIT_TREE_UPDATE_REMOVE, {{0}}, GIT_FILEMODE_BLOB, paths[i]};
			continue;
		}
		git_oid blob;
		if (git_blob_create_from_buffer(&blob, repo, data[i], lens[i]) < 0)
			goto out;
		up[nup++] = (git_tree_update){GIT_TREE_UPDATE_UPSERT, blob, GIT_FILEMODE_BLOB, paths[i]};
	}
	if (git_tree_create_updated(&tree_id, repo, base, nup, up) < 0)
		goto out;
	if (git_oid_equal(&tree_id, git_tree_id(base))) {
		r = 0; /* the history has these versions already */
		goto out;
	}
	if (git_tree_lookup(&tree, repo, &tree_id) < 0)
		goto out;
	sig = signature(repo);
	const git_commit *parents[1] = {head};
	if (!sig || git_commit_create(&commit_id, repo, "HEAD", sig, sig, "UTF-8", message, tree,
				      head ? 1 : 0, parents) < 0)
		goto out;
	if (git_repository_index(&index, repo) == 0) {
		for (size_t i = 0; i < n; i++) {
			const git_index_entry *ie = git_index_get_bypath(index, paths[i], 0);
			/* The index held HEAD's version: nothing else is staged for this path. */
			int followed = ie && had[i] && git_oid_equal(&ie->id, &before[i]);
			if (!data[i]) {
				if (followed)
					git_index_remove_bypath(index, paths[i]);
				continue;
			}
			if (ie && had[i] && !followed)
				continue;
			git_index_entry entry;
			memset(&entry, 0, sizeof entry);
			entry.mode = GIT_FILEMODE_BLOB;
			entry.path = paths[i];
			git_index_add_from_buffer(index, &entry, data[i], lens[i]);
		}
		git_index_write(index);
	}
	r = 0;
out:
	free(up);
	free(before);
	free(had);
	git_index_free(index);
	git_signature_free(sig);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(head);
	return r;
}

/* Commits path = text[0..len) on HEAD with message (none when HEAD has it); the index entry follows. */
static int git_commit_file(struct history *h, const char *path, const char *text, size_t len,
			   const char *message)
{
	return git_commit_many(h, &path, &text, &len, 1, message);
}

/* Commits the removal of path (none when HEAD lacks it); the index entry follows. */
static int git_remove_file(struct history *h, const char *path, const char *message)
{
	const char *none = NULL;
	size_t zero = 0;
	return git_commit_many(h, &path, &none, &zero, 1, message);
}

int history_record_batch(struct history *h, const struct history_change *c, size_t n,
			 const char *message)
{
	if (!h->repo) {
		/* The folder: one version per file, each under the operation's message. */
		int r = 0;
		for (size_t i = 0; i < n && r == 0; i++)
			r = c[i].text ? history_record(h, c[i].rel, c[i].old, c[i].old_len, c[i].text, c[i].len,
						       message)
				      : history_record_removal(h, c[i].rel, c[i].old, c[i].old_len, message);
		return r;
	}
	pthread_mutex_lock(&h->lock);
	char **paths = xcalloc(n ? n : 1, sizeof *paths);
	const char **data = xcalloc(n ? n : 1, sizeof *data);
	size_t *lens = xcalloc(n ? n : 1, sizeof *lens);
	for (size_t i = 0; i < n; i++)
		paths[i] = xasprintf("%s%s", h->content_prefix, c[i].rel);
	/* First the disk texts the history lacks (a no-op when HEAD has them all)… */
	size_t m = 0;
	const char **old_paths = xcalloc(n ? n : 1, sizeof *old_paths);
	for (size_t i = 0; i < n; i++)
		if (c[i].old) {
			old_paths[m] = paths[i];
			data[m] = c[i].old;
			lens[m++] = c[i].old_len;
		}
	char *first = xasprintf("Versions trouvées sur le disque avant : %s", message);
	int r = git_commit_many(h, old_paths, data, lens, m, first);
	free(first);
	free(old_paths);
	/* …then the operation itself, in one commit. */
	for (size_t i = 0; i < n; i++) {
		data[i] = c[i].text;
		lens[i] = c[i].len;
	}
	if (r == 0)
		r = git_commit_many(h, (const char *const *)paths, data, lens, n, message);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(data);
	free(lens);
	pthread_mutex_unlock(&h->lock);
	return r;
}

/* ------------------------------------------------------------ interface */

int history_record_removal(struct history *h, const char *rel, const char *old, size_t old_len,
			   const char *message)
{
	/* The last text first (a no-op when the history has it), then the removal. */
	char *m = history_message_fmt(rel, "dernière version avant suppression");
	int r = history_record(h, rel, old, old_len, old, old_len, m);
	free(m);
	if (r < 0)
		return -1;
	pthread_mutex_lock(&h->lock);
	if (h->repo) {
		char *path = xasprintf("%s%s", h->content_prefix, rel);
		r = git_remove_file(h, path, message);
		free(path);
	} else {
		/* The folder keeps the text under the removal's message. */
		r = dir_record_forced(h, rel, old, old_len, message);
	}
	pthread_mutex_unlock(&h->lock);
	return r;
}


int history_record(struct history *h, const char *rel, const char *old, size_t old_len,
		   const char *text, size_t len, const char *message)
{
	pthread_mutex_lock(&h->lock);
	int r;
	if (h->repo) {
		char *path = xasprintf("%s%s", h->content_prefix, rel);
		r = 0;
		/* The text the save replaces (no commit when the repository has it already). */
		if (old) {
			char *m = history_message_fmt(rel, "version trouvée sur le disque avant modification");
			r = git_commit_file(h, path, old, old_len, m);
			free(m);
		}
		if (r == 0)
			r = git_commit_file(h, path, text, len, message);
		free(path);
	} else {
		r = 0;
		size_t n;
		char **ids = dir_versions(h, rel, &n);
		for (size_t i = 0; i < n; i++)
			free(ids[i]);
		free(ids);
		if (old && n == 0) {
			char *m = history_message_fmt(rel, "version d’origine");
			r = dir_record(h, rel, old, old_len, m);
			free(m);
			/* Distinct ids even within the same millisecond. */
			usleep(2000);
		}
		if (r == 0)
			r = dir_record(h, rel, text, len, message);
	}
	pthread_mutex_unlock(&h->lock);
	return r;
}

static json_t *version_json(const char *id, long long when, const char *message)
{
	char date[64];
	time_t t = (time_t)when;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
	return json_pack("{s:s,s:s,s:I,s:s}", "id", id, "date", date, "quand", (json_int_t)when,
			 "message", message ? message : "");
}

json_t *history_list(struct history *h, const char *rel)
{
	json_t *out = json_array();
	pthread_mutex_lock(&h->lock);
	if (h->repo) {
		char *path = xasprintf("%s%s", h->content_prefix, rel);
		git_revwalk *walk = NULL;
		if (git_revwalk_new(&walk, h->repo) == 0 && git_revwalk_push_head(walk) == 0) {
			/* Topological: saves within one second keep their order. */
			git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
			git_oid id;
			int seen = 0;
			while (json_array_size(out) < HISTORY_MAX && seen++ < HISTORY_WALK_MAX &&
			       git_revwalk_next(&id, walk) == 0) {
				git_commit *c = NULL;
				git_tree *t = NULL, *pt = NULL;
				git_commit *parent = NULL;
				git_tree_entry *e = NULL, *pe = NULL;
				if (git_commit_lookup(&c, h->repo, &id) < 0)
					continue;
				int has = git_commit_tree(&t, c) == 0 && git_tree_entry_bypath(&e, t, path) == 0;
				int phas = git_commit_parentcount(c) > 0 && git_commit_parent(&parent, c, 0) == 0 &&
					   git_commit_tree(&pt, parent) == 0 &&
					   git_tree_entry_bypath(&pe, pt, path) == 0;
				/* A version of the file, or its removal. */
				if ((has && (!phas || !git_oid_equal(git_tree_entry_id(e), git_tree_entry_id(pe)))) ||
				    (!has && phas)) {
					char hex[GIT_OID_HEXSZ + 1];
					git_oid_tostr(hex, sizeof hex, &id);
					json_array_append_new(out, version_json(hex, (long long)git_commit_time(c),
										git_commit_summary(c)));
				}
				git_tree_entry_free(e);
				git_tree_entry_free(pe);
				git_tree_free(t);
				git_tree_free(pt);
				git_commit_free(parent);
				git_commit_free(c);
			}
		}
		git_revwalk_free(walk);
		free(path);
	} else {
		size_t n;
		char **ids = dir_versions(h, rel, &n);
		char *dir = version_dir(h, rel);
		for (size_t i = 0; i < n; i++) {
			char *note = xasprintf("%s/%s.txt", dir, ids[i]);
			size_t l;
			char *msg = edit_read(note, 4096, &l);
			struct tm tm = {0};
			int ms = 0;
			long long when = 0;
			if (sscanf(ids[i], "%4d%2d%2dT%2d%2d%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
				   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) >= 6) {
				tm.tm_year -= 1900;
				tm.tm_mon -= 1;
				when = (long long)timegm(&tm);
			}
			if (i < HISTORY_MAX)
				json_array_append_new(out, version_json(ids[i], when, msg));
			free(msg);
			free(note);
			free(ids[i]);
		}
		free(ids);
		free(dir);
	}
	pthread_mutex_unlock(&h->lock);
	return out;
}

/* An id as the list gives it: 40 hex digits, or a time stamp [0-9T.Z]. */
static int id_ok(const char *id, int git)
{
	size_t n = strlen(id);
	if (n == 0 || n > 40)
		return 0;
	for (const char *p = id; *p; p++) {
		int hex = (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f');
		if (git ? !hex : !((*p >= '0' && *p <= '9') || *p == 'T' || *p == '.' || *p == 'Z'))
			return 0;
	}
	return !git || n == GIT_OID_HEXSZ;
}

char *history_text(struct history *h, const char *rel, const char *id, size_t *len)
{
	if (!id_ok(id, h->repo != NULL))
		return NULL;
	if (!h->repo) {
		char *dir = version_dir(h, rel);
		char *file = xasprintf("%s/%s%s", dir, id, version_ext(rel));
		char *text = edit_read(file, HISTORY_MAX_BYTES, len);
		free(file);
		free(dir);
		return text;
	}
	char *out = NULL;
	pthread_mutex_lock(&h->lock);
	char *path = xasprintf("%s%s", h->content_prefix, rel);
	git_oid oid;
	git_commit *c = NULL;
	git_tree *t = NULL;
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	if (git_oid_fromstr(&oid, id) == 0 && git_commit_lookup(&c, h->repo, &oid) == 0 &&
	    git_commit_tree(&t, c) == 0 && git_tree_entry_bypath(&e, t, path) == 0 &&
	    git_blob_lookup(&blob, h->repo, git_tree_entry_id(e)) == 0) {
		size_t n = (size_t)git_blob_rawsize(blob);
		if (n <= HISTORY_MAX_BYTES) {
			out = xmalloc(n + 1);
			memcpy(out, git_blob_rawcontent(blob), n);
			out[n] = '\0';
			*len = n;
		}
	}
	git_blob_free(blob);
	git_tree_entry_free(e);
	git_tree_free(t);
	git_commit_free(c);
	free(path);
	pthread_mutex_unlock(&h->lock);
	return out;
}
