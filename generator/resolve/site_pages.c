/* The site's page paths, hashed once per site; see site_pages.h. */
#include "site_pages.h"
#include "keytab.h"
#include "pages.h"
#include "xalloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct site_pages {
	struct page_plan plan;  /* owned: the paths the table's values point to */
	struct keytab by_path;  /* struct page * by path, que-faire.html left out */
};

static struct site_pages *make(const struct site *s)
{
	struct site_pages *p = xcalloc(1, sizeof *p);
	p->plan = pages_plan(s);
	keytab_init(&p->by_path, p->plan.n);
	for (size_t i = 0; i < p->plan.n; i++) {
		struct page *pg = &p->plan.pages[i];
		if (pg->kind != PAGE_WHAT_TO_DO)
			keytab_add(&p->by_path, keytab_hash(pg->path, strlen(pg->path)), pg);
	}
	return p;
}

void site_pages_free(struct site_pages *p)
{
	if (!p)
		return;
	keytab_free(&p->by_path);
	pages_free(&p->plan);
	free(p);
}

/* The site's table, made by the first thread that asks (another's, made at once, is dropped). */
static struct site_pages *pages_of(const struct site *s)
{
	/* A cache: the site's contents are only read. */
	_Atomic(struct site_pages *) *slot = &((struct site *)s)->pages;
	struct site_pages *p = atomic_load_explicit(slot, memory_order_acquire);
	if (p)
		return p;
	struct site_pages *made = make(s), *none = NULL;
	if (atomic_compare_exchange_strong_explicit(slot, &none, made, memory_order_acq_rel,
						    memory_order_acquire))
		return made;
	site_pages_free(made);
	return none;
}

int site_pages_has(const struct site *s, const char *path)
{
	if (strcmp(path, PAGES_WHAT_TO_DO_PATH) == 0) {
		struct page_plan plan = pages_plan(s);
		int has = plan.has_what_to_do;
		pages_free(&plan);
		return has;
	}
	const struct site_pages *p = pages_of(s);
	uint64_t h = keytab_hash(path, strlen(path));
	size_t pos = keytab_home(&p->by_path, h);
	for (const struct page *pg; (pg = keytab_next(&p->by_path, h, &pos));)
		if (strcmp(pg->path, path) == 0)
			return 1;
	return 0;
}
