/* Page content streams marked while the next pages are drawn; see content_marks.h. */
#include "content_marks.h"
#include "pdf_post.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One page's content stream: a copy of its bytes as Cairo wrote them, and pdf_post's answer. */
struct marked {
	char *data;
	size_t len;
	unsigned char *zdata; /* NULL until marked, or when it did not inflate */
	size_t zlen;
	int taken;
};

struct content_marks {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct marked *v;
	size_t n, cap;
	size_t next; /* the first stream the thread has not marked */
	int done;    /* no more pages */
};

static void *marks_main(void *arg)
{
	struct content_marks *cm = arg;
	pthread_mutex_lock(&cm->lock);
	for (;;) {
		while (cm->next == cm->n && !cm->done)
			pthread_cond_wait(&cm->cond, &cm->lock);
		if (cm->next == cm->n)
			break;
		/* v may move when the main thread adds a page: the stream's fields are read under the lock. */
		size_t i = cm->next;
		const char *data = cm->v[i].data;
		size_t len = cm->v[i].len;
		pthread_mutex_unlock(&cm->lock);
		unsigned char *zdata = NULL;
		size_t zlen = 0;
		if (pdf_remark_stream(data, len, &zdata, &zlen) < 0)
			zdata = NULL;
		pthread_mutex_lock(&cm->lock);
		cm->v[i].zdata = zdata;
		cm->v[i].zlen = zlen;
		cm->next = i + 1;
	}
	pthread_mutex_unlock(&cm->lock);
	return NULL;
}

struct content_marks *content_marks_start(void)
{
	struct content_marks *cm = xcalloc(1, sizeof *cm);
	pthread_mutex_init(&cm->lock, NULL);
	pthread_cond_init(&cm->cond, NULL);
	if (pthread_create(&cm->thread, NULL, marks_main, cm) != 0) {
		pthread_cond_destroy(&cm->cond);
		pthread_mutex_destroy(&cm->lock);
		free(cm);
		return NULL;
	}
	return cm;
}

/* The first "N 0 obj\n" in s[from..to) that starts a line, or NULL. */
static const char *find_obj_header(const char *s, size_t from, size_t to, unsigned long num)
{
	char needle[32];
	int w = snprintf(needle, sizeof needle, "%lu 0 obj\n", num);
	const char *p = s + from, *end = s + to;
	while ((p = memmem(p, (size_t)(end - p), needle, (size_t)w)) != NULL) {
		if (p == s + from || p[-1] == '\n')
			return p;
		p++;
	}
	return NULL;
}

/* The content stream of the page object at page (in s[from..to)) into cm's list; 0, or -1. */
static int add_page_stream(struct content_marks *cm, const char *s, size_t from, size_t to, const char *page)
{
	const char *end = s + to;
	const char *obj_end = memmem(page, (size_t)(end - page), "endobj", 6);
	if (!obj_end)
		return -1;
	const char *c = memmem(page, (size_t)(obj_end - page), "/Contents ", 10);
	if (!c)
		return -1;
	const char *o = find_obj_header(s, from, to, strtoul(c + 10, NULL, 10));
	if (!o)
		return -1;
	const char *st = memmem(o, (size_t)(end - o), "\nstream\n", 8);
	const char *lp = memmem(o, (size_t)(end - o), "/Length ", 8);
	if (!st || !lp || lp > st)
		return -1;
	char *after;
	unsigned long long a = strtoull(lp + 8, &after, 10);
	unsigned long long len = a;
	if (strncmp(after, " 0 R", 4) == 0) {
		const char *lo = find_obj_header(s, from, to, (unsigned long)a);
		if (!lo)
			return -1;
		len = strtoull(strstr(lo, "obj") + 3, NULL, 10);
	}
	const char *data = st + 8;
	if (len > (unsigned long long)(end - data))
		return -1;
	char *copy = xmalloc(len ? len : 1);
	memcpy(copy, data, len);
	pthread_mutex_lock(&cm->lock);
	if (cm->n == cm->cap) {
		cm->cap = cm->cap ? 2 * cm->cap : 64;
		cm->v = xrealloc(cm->v, cm->cap * sizeof *cm->v);
	}
	cm->v[cm->n++] = (struct marked){copy, len, NULL, 0, 0};
	pthread_cond_signal(&cm->cond);
	pthread_mutex_unlock(&cm->lock);
	return 0;
}

void content_marks_page(struct content_marks *cm, const char *s, size_t from, size_t to)
{
	if (!cm || !s)
		return;
	const char *p = s + from, *end = s + to;
	while ((p = memmem(p, (size_t)(end - p), "/Type /Page", 11)) != NULL) {
		p += 11;
		if (p < end && *p != 's')
			add_page_stream(cm, s, from, to, p);
	}
}

void content_marks_done(struct content_marks *cm)
{
	if (!cm)
		return;
	pthread_mutex_lock(&cm->lock);
	cm->done = 1;
	pthread_cond_signal(&cm->cond);
	pthread_mutex_unlock(&cm->lock);
	pthread_join(cm->thread, NULL);
}

int content_marks_take(struct content_marks *cm, const char *data, size_t len, unsigned char **zdata,
		       size_t *zlen)
{
	if (!cm)
		return 0;
	int found = 0;
	pthread_mutex_lock(&cm->lock);
	for (size_t i = 0; i < cm->n && !found; i++) {
		struct marked *m = &cm->v[i];
		if (m->taken || !m->zdata || m->len != len || memcmp(m->data, data, len) != 0)
			continue;
		m->taken = 1;
		*zdata = m->zdata;
		*zlen = m->zlen;
		m->zdata = NULL;
		found = 1;
	}
	pthread_mutex_unlock(&cm->lock);
	return found;
}

void content_marks_free(struct content_marks *cm)
{
	if (!cm)
		return;
	for (size_t i = 0; i < cm->n; i++) {
		free(cm->v[i].data);
		free(cm->v[i].zdata);
	}
	free(cm->v);
	pthread_cond_destroy(&cm->cond);
	pthread_mutex_destroy(&cm->lock);
	free(cm);
}
