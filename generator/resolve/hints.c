/* Hints for unknown ids; see hints.h. */
#include "hints.h"
#include "i18n.h"
#include "kind.h"
#include "lint_files.h"
#include "path.h"
#include "slug.h"
#include "suggest.h"
#include "utf8.h"
#include "xalloc.h"

#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static int is_number(const char *id)
{
	if (!*id)
		return 0;
	for (const char *p = id; *p; p++)
		if (!ascii_isdigit(*p))
			return 0;
	return strlen(id) < 7;
}

/* "06-habitants-x.md" names number 6 and slug "habitants-x": does it name id? */
static int file_names(const char *name, const char *id)
{
	size_t n = strlen(name);
	if (n > 3 && strcmp(name + n - 3, ".md") == 0)
		n -= 3;
	size_t i = 0;
	while (i < n && ascii_isdigit(name[i]))
		i++;
	if (i > 0 && i < n && name[i] == '-') {
		if (is_number(id) && atoi(id) == atoi(name))
			return 1;
		return n - i - 1 == strlen(id) && strncmp(name + i + 1, id, n - i - 1) == 0;
	}
	return n == strlen(id) && strncmp(name, id, n) == 0;
}

/* A file of the kind's folder that would be the document id, but is not read. */
static int hint_unread_file(struct buf *msg, const struct site *s, int kind, const char *id)
{
	const char *sub = site_kind(s, kind)->content_dir;
	char *dir = path_join(s->content_dir, sub);
	DIR *dp = opendir(dir);
	free(dir);
	if (!dp)
		return 0;
	int found = 0;
	struct dirent *e;
	while (!found && (e = readdir(dp))) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] == '.' || (n > 3 && strcmp(e->d_name + n - 3, ".md") == 0))
			continue;
		char *fix = lint_intended_name(e->d_name, ".md");
		if (fix && file_names(fix, id)) {
			buf_printf(msg, _(" (content/%s/%s would be it, but it is not read: rename it '%s')"),
				   sub, e->d_name, fix);
			found = 1;
		}
		free(fix);
	}
	closedir(dp);
	return found;
}

/* The last build's site.json, read once per site; NULL when absent or unreadable. */
static const json_t *history(const struct site *s)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&lock);
	if (!s->history_read) {
		struct site *w = (struct site *)s; /* a cache: the site's content is unchanged */
		w->history_read = 1;
		char *path = xasprintf("%s/public/site.json", s->root);
		json_t *j = json_load_file(path, 0, NULL);
		free(path);
		if (json_is_object(j))
			w->history = j;
		else
			json_decref(j);
	}
	pthread_mutex_unlock(&lock);
	return s->history;
}

/* The last build's record of document id of a kind (an old format gives NULL). */
static const json_t *old_doc(const struct site *s, int kind, const char *id)
{
	/* site.json lists each kind's documents under its folder's name. */
	const json_t *list = json_object_get(history(s), site_kind(s, kind)->content_dir);
	size_t i;
	const json_t *o;
	json_array_foreach(list, i, o) {
		const json_t *num = json_object_get(o, "number");
		const char *slug = json_string_value(json_object_get(o, "id"));
		if (!json_is_string(json_object_get(o, "title")))
			continue;
		if (is_number(id) ? json_is_integer(num) && json_integer_value(num) == atoi(id) :
				    slug && strcmp(slug, id) == 0)
			return o;
	}
	return NULL;
}

static int hint_history(struct buf *msg, const struct site *s, int kind, const char *id)
{
	const json_t *old = old_doc(s, kind, id);
	if (!old)
		return 0;
	const char *title = json_string_value(json_object_get(old, "title"));
	const char *old_slug = json_string_value(json_object_get(old, "id"));
	for (size_t i = 0; i < s->ndocs[kind]; i++) {
		const struct doc *doc = s->docs[kind][i];
		int same_title = doc->title && strcmp(doc->title, title) == 0;
		if (is_number(id) && (same_title || (old_slug && strcmp(doc->slug, old_slug) == 0))) {
			buf_printf(msg, same_title ?
				   _(" (number %s no longer exists; number %d has the same title)") :
				   _(" (number %s no longer exists; number %d has the same file name)"),
				   id, doc->number);
			return 1;
		}
		if (!is_number(id) && same_title) {
			buf_printf(msg,
				   _(" (now '%s': the file was renamed; write 'slug: %s' in the front matter of %s to keep the old id, or change the references)"),
				   doc->slug, id, doc->path);
			return 1;
		}
	}
	const char *source = json_string_value(json_object_get(old, "source"));
	buf_printf(msg, _(" (the last build had it: « %s », %s, now gone)"), title,
		   source ? source : "?");
	return 1;
}

/* No history: a fiche whose title gives the id was probably renamed. */
static int hint_title(struct buf *msg, const struct site *s, int kind, const char *id)
{
	if (is_number(id))
		return 0;
	for (size_t i = 0; i < s->ndocs[kind]; i++) {
		const struct doc *doc = s->docs[kind][i];
		if (!doc->title)
			continue;
		char *slug = slug_from_text(doc->title, strlen(doc->title));
		int same = strcmp(slug, id) == 0 && strcmp(doc->slug, id) != 0;
		free(slug);
		if (same) {
			buf_printf(msg,
				   _(" (%s has this title but its file name gives the id '%s': write 'slug: %s' in its front matter, or change the references)"),
				   doc->path, doc->slug, id);
			return 1;
		}
	}
	return 0;
}

struct near {
	const char *id;
	size_t dist;
};

static int compare_near(const void *a, const void *b)
{
	const struct near *x = a, *y = b;
	return x->dist != y->dist ? (x->dist < y->dist ? -1 : 1) : strcmp(x->id, y->id);
}

void hints_append(struct buf *msg, const struct site *s, int doc_kind, const char *id,
		  const char *const *known, size_t n)
{
	int is_doc = s && doc_kind >= 0 && (size_t)doc_kind < site_nkinds(s);
	if (is_doc &&
	    (hint_unread_file(msg, s, doc_kind, id) || hint_history(msg, s, doc_kind, id) ||
	     hint_title(msg, s, doc_kind, id)))
		return;
	/* « Cadre de vie », « 14ème »: the id written as a title, or a typo. */
	char *slug = slug_from_text(id, strlen(id));
	const char *best = NULL;
	for (size_t i = 0; i < n && !best; i++)
		if (strcmp(known[i], slug) == 0 && strcmp(slug, id) != 0)
			best = known[i];
	if (!best)
		best = suggest_closest(id, known, n);
	free(slug);
	if (best) {
		buf_printf(msg, _(" (did you mean '%s'?)"), best);
		return;
	}
	if (n == 0)
		return;
	if (is_doc && is_number(id) && s->ndocs[doc_kind]) {
		buf_printf(msg, _(" (the numbers go from %d to %d)"), s->docs[doc_kind][0]->number,
			   s->docs[doc_kind][s->ndocs[doc_kind] - 1]->number);
		return;
	}
	struct buf list = BUF_INIT;
	if (n <= HINTS_MAX_LISTED) {
		for (size_t i = 0; i < n; i++)
			buf_printf(&list, "%s%s", i ? ", " : "", known[i]);
		buf_printf(msg, _(" (valid: %s)"), buf_cstr(&list));
	} else {
		struct near *v = xcalloc(n, sizeof *v);
		for (size_t i = 0; i < n; i++)
			v[i] = (struct near){known[i], suggest_distance(id, known[i], 64)};
		qsort(v, n, sizeof *v, compare_near);
		for (size_t i = 0; i < 3; i++)
			buf_printf(&list, "%s%s", i ? ", " : "", v[i].id);
		buf_printf(msg, _(" (the closest: %s)"), buf_cstr(&list));
		free(v);
	}
	buf_free(&list);
}

/*
 * The hint for one unknown id, made once per site however many references
 * name it (a renamed theme may be named in hundreds of links).
 */
static char *cached_hint(const struct site *s, int doc_kind, const char *key, const char *id,
			 const char *const *known, size_t n)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct buf hint = BUF_INIT;
	if (!s) {
		hints_append(&hint, s, doc_kind, id, known, n);
		return buf_detach(&hint);
	}
	pthread_mutex_lock(&lock);
	struct site *w = (struct site *)s; /* a cache: the site's content is unchanged */
	if (!w->hints)
		w->hints = json_object();
	const char *done = json_string_value(json_object_get(w->hints, key));
	if (done) {
		buf_puts(&hint, done);
	} else {
		hints_append(&hint, s, doc_kind, id, known, n);
		json_object_set_new(w->hints, key, json_stringn(buf_cstr(&hint), hint.len));
	}
	pthread_mutex_unlock(&lock);
	return buf_detach(&hint);
}

void hints_report_unknown(struct diag *d, const struct site *s, int doc_kind, const char *what,
			  const char *path, int line, int col, const char *id,
			  const char *const *known, size_t n)
{
	/* A theme named in a front matter, a link or a booklet: one mistake. */
	char *fold = doc_kind >= 0 ? xasprintf("unknown\037%d\037%s", doc_kind, id) :
				     xasprintf("unknown\037%s\037%s", what, id);
	char *hint = cached_hint(s, doc_kind, fold, id, known, n);
	struct buf msg = BUF_INIT;
	buf_printf(&msg, _("unknown %s '%s'"), what, id);
	buf_puts(&msg, hint);
	diag_report_folded(d, DIAG_ERROR, fold, path, line, col, "%s", buf_cstr(&msg));
	buf_free(&msg);
	free(hint);
	free(fold);
}
