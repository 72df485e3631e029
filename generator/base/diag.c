/* Diagnostics collector; see diag.h. */
#include "diag.h"
#include "buf.h"
#include "hash.h"
#include "i18n.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct message {
	enum diag_level level;
	char *path;  /* owned, may be NULL */
	int line, col;
	size_t seq;  /* report order, the last sort key, keeps output stable */
	char *text;  /* owned */
	char *fold;  /* owned, NULL unless folded with the others of the same key */
};

struct diag {
	pthread_mutex_t lock;
	struct message *msgs;
	size_t nmsgs, cap;
	size_t errors, warnings, seq;
	int strict;
	/* The fold keys reported so far (a hash set of owned strings), counted once each. */
	char **folds;
	size_t folds_cap, nfolds;
};

static size_t fold_hash(const char *key)
{
	return (size_t)hash_str(key);
}

/* Adds key to the set of fold keys; returns 1 when it was not there. */
static int fold_add(struct diag *d, const char *key)
{
	if (2 * (d->nfolds + 1) > d->folds_cap) {
		char **old = d->folds;
		size_t old_cap = d->folds_cap;
		d->folds_cap = old_cap ? 2 * old_cap : 16;
		d->folds = xcalloc(d->folds_cap, sizeof *d->folds);
		for (size_t i = 0; i < old_cap; i++) {
			if (!old[i])
				continue;
			size_t j = fold_hash(old[i]) & (d->folds_cap - 1);
			while (d->folds[j])
				j = (j + 1) & (d->folds_cap - 1);
			d->folds[j] = old[i];
		}
		free(old);
	}
	size_t j = fold_hash(key) & (d->folds_cap - 1);
	for (; d->folds[j]; j = (j + 1) & (d->folds_cap - 1))
		if (strcmp(d->folds[j], key) == 0)
			return 0;
	d->folds[j] = xstrdup(key);
	d->nfolds++;
	return 1;
}

static void free_folds(struct diag *d)
{
	for (size_t i = 0; i < d->folds_cap; i++)
		free(d->folds[i]);
	free(d->folds);
	d->folds = NULL;
	d->folds_cap = d->nfolds = 0;
}

struct diag *diag_new(void)
{
	struct diag *d = xcalloc(1, sizeof *d);
	pthread_mutex_init(&d->lock, NULL);
	return d;
}

static void free_messages(struct diag *d)
{
	for (size_t i = 0; i < d->nmsgs; i++) {
		free(d->msgs[i].path);
		free(d->msgs[i].text);
		free(d->msgs[i].fold);
	}
	d->nmsgs = 0;
}

void diag_free(struct diag *d)
{
	if (!d)
		return;
	free_messages(d);
	free_folds(d);
	free(d->msgs);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

void diag_set_strict(struct diag *d, int strict)
{
	d->strict = strict;
}

static void add(struct diag *d, enum diag_level level, const char *fold, const char *path,
		int line, int col, const char *fmt, va_list ap)
{
	struct buf text = BUF_INIT;
	buf_vprintf(&text, fmt, ap);
	pthread_mutex_lock(&d->lock);
	/* A folded message counts once, however many places show it. */
	int counted = fold ? fold_add(d, fold) : 1;
	if (d->nmsgs == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->msgs = xrealloc(d->msgs, d->cap * sizeof *d->msgs);
	}
	struct message *m = &d->msgs[d->nmsgs++];
	m->level = level;
	m->path = path ? xstrdup(path) : NULL;
	m->line = line;
	m->col = col;
	m->seq = d->seq++;
	m->text = buf_detach(&text);
	m->fold = fold ? xstrdup(fold) : NULL;
	if (counted && level == DIAG_ERROR)
		d->errors++;
	else if (counted && level == DIAG_WARNING)
		d->warnings++;
	pthread_mutex_unlock(&d->lock);
}

void diag_report(struct diag *d, enum diag_level level, const char *path,
		 int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(d, level, NULL, path, line, col, fmt, ap);
	va_end(ap);
}

void diag_report_folded(struct diag *d, enum diag_level level, const char *fold,
			const char *path, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(d, level, fold, path, line, col, fmt, ap);
	va_end(ap);
}

/* The counters change under the lock while other threads report: read them under it too. */
size_t diag_errors(const struct diag *d)
{
	pthread_mutex_t *lock = (pthread_mutex_t *)&d->lock;
	pthread_mutex_lock(lock);
	size_t n = d->errors + (d->strict ? d->warnings : 0);
	pthread_mutex_unlock(lock);
	return n;
}

size_t diag_warnings(const struct diag *d)
{
	pthread_mutex_t *lock = (pthread_mutex_t *)&d->lock;
	pthread_mutex_lock(lock);
	size_t n = d->warnings;
	pthread_mutex_unlock(lock);
	return n;
}

static int compare_messages(const void *a, const void *b)
{
	const struct message *x = a, *y = b;
	/* Messages without a file come first: they concern the whole run. */
	if (!x->path != !y->path)
		return x->path ? 1 : -1;
	if (x->path && y->path) {
		int c = strcmp(x->path, y->path);
		if (c)
			return c;
	}
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const char *level_name(const struct diag *d, enum diag_level level)
{
	switch (level) {
	case DIAG_ERROR: return _("error");
	case DIAG_WARNING: return d->strict ? _("error") : _("warning");
	default: return _("note");
	}
}

/* Indices of folded messages (arg: the messages) by key, then in output order. */
static int compare_folded(const void *a, const void *b, void *arg)
{
	const struct message *msgs = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(msgs[x].fold, msgs[y].fold);
	return c ? c : (x > y) - (x < y);
}

/*
 * For each sorted message, how many others its fold key hides behind it
 * (others[i]), or SIZE_MAX when it is itself hidden. Caller frees.
 */
static size_t *fold_counts(const struct diag *d)
{
	size_t *others = xcalloc(d->nmsgs + 1, sizeof *others);
	size_t *idx = xcalloc(d->nmsgs + 1, sizeof *idx), n = 0;
	for (size_t i = 0; i < d->nmsgs; i++)
		if (d->msgs[i].fold)
			idx[n++] = i;
	qsort_r(idx, n, sizeof *idx, compare_folded, d->msgs);
	for (size_t g = 0; g < n;) {
		size_t e = g + 1;
		while (e < n && strcmp(d->msgs[idx[e]].fold, d->msgs[idx[g]].fold) == 0)
			others[idx[e++]] = SIZE_MAX;
		others[idx[g]] = e - g - 1;
		g = e;
	}
	free(idx);
	return others;
}

static void format_all(struct diag *d, struct buf *out, int colour)
{
	if (d->nmsgs > 1)
		qsort(d->msgs, d->nmsgs, sizeof *d->msgs, compare_messages);
	size_t *folded = fold_counts(d);
	for (size_t i = 0; i < d->nmsgs; i++) {
		const struct message *m = &d->msgs[i];
		/* Folded: the first in order speaks for the others. */
		size_t others = folded[i];
		if (others == SIZE_MAX)
			continue;
		int is_error = m->level == DIAG_ERROR ||
			       (m->level == DIAG_WARNING && d->strict);
		if (colour)
			buf_puts(out, "\033[1m");
		buf_puts(out, m->path ? m->path : "fiches");
		if (m->path && m->line > 0) {
			buf_printf(out, ":%d", m->line);
			if (m->col > 0)
				buf_printf(out, ":%d", m->col);
		}
		buf_puts(out, ": ");
		if (colour)
			buf_puts(out, is_error ? "\033[31m" :
				 m->level == DIAG_WARNING ? "\033[35m" : "\033[36m");
		buf_puts(out, level_name(d, m->level));
		buf_puts(out, ":");
		if (colour)
			buf_puts(out, "\033[0m");
		buf_puts(out, " ");
		buf_puts(out, m->text);
		if (others)
			buf_printf(out, ngettext(" (and %zu other reference to it)",
						 " (and %zu other references to it)", others),
				   others);
		buf_puts(out, "\n");
	}
	free(folded);
}

void diag_flush(struct diag *d, FILE *out)
{
	struct buf text = BUF_INIT;
	const char *no_colour = getenv("NO_COLOR");
	int colour = isatty(fileno(out)) && !(no_colour && *no_colour);
	pthread_mutex_lock(&d->lock);
	format_all(d, &text, colour);
	free_messages(d);
	pthread_mutex_unlock(&d->lock);
	fputs(buf_cstr(&text), out);
	fflush(out);
	buf_free(&text);
}

char *diag_to_string(struct diag *d)
{
	struct buf text = BUF_INIT;
	pthread_mutex_lock(&d->lock);
	format_all(d, &text, 0);
	pthread_mutex_unlock(&d->lock);
	return buf_detach(&text);
}

void diag_each(struct diag *d, void (*fn)(void *ctx, const struct diag_view *m), void *ctx)
{
	pthread_mutex_lock(&d->lock);
	if (d->nmsgs > 1)
		qsort(d->msgs, d->nmsgs, sizeof *d->msgs, compare_messages);
	for (size_t i = 0; i < d->nmsgs; i++) {
		const struct message *m = &d->msgs[i];
		struct diag_view v = {m->level,
				      m->level == DIAG_ERROR || (m->level == DIAG_WARNING && d->strict),
				      level_name(d, m->level), m->path, m->line, m->col, m->text};
		fn(ctx, &v);
	}
	pthread_mutex_unlock(&d->lock);
}

void diag_clear(struct diag *d)
{
	pthread_mutex_lock(&d->lock);
	free_messages(d);
	free_folds(d);
	d->errors = d->warnings = 0;
	pthread_mutex_unlock(&d->lock);
}

void diag_move(struct diag *to, struct diag *from, enum diag_level min_level)
{
	pthread_mutex_lock(&from->lock);
	for (size_t i = 0; i < from->nmsgs; i++) {
		struct message *m = &from->msgs[i];
		if (m->level >= min_level)
			diag_report(to, m->level, m->path, m->line, m->col, "%s", m->text);
	}
	free_messages(from);
	from->errors = from->warnings = 0;
	pthread_mutex_unlock(&from->lock);
}
