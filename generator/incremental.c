/*
 * Incremental rebuilds; see incremental.h.
 *
 * Diagnostics. A full build's messages are of two sorts: those of one
 * document's own checks (loading, front matter, body, sections), at that
 * document's path, and those of the whole-site checks that read several
 * documents (anchors in other documents, duplicate or odd numbers,
 * booklets), made again at every update. The state keeps all the
 * messages of the last build and, apart, those of the whole-site checks;
 * an update's messages are the kept ones minus the whole-site ones and
 * minus those at the paths of the documents read again, plus what these
 * documents' checks and the whole-site checks now say.
 *
 * Which documents are read again: those that changed, and, when the title
 * of one changed, those linking to it, whose link texts and search texts
 * show that title.
 */
#include "incremental.h"

#include "bodies.h"
#include "body_store.h"
#include "derive.h"
#include "hash.h"
#include "load.h"
#include "model.h"
#include "pages.h"
#include "path.h"
#include "pdf.h"
#include "schema.h"
#include "xalloc.h"
#include "xref.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* FICHES_TIMING=1: the time of each step of an update on stderr (for bench/). */
static double step_clock(const char *name, double last)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double t = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if (name && getenv("FICHES_TIMING"))
		fprintf(stderr, "fiches: incremental %-10s %.3f s\n", name, t - last);
	return t;
}

/* More documents read again than this: a full build is as quick. */
#define INCR_MAX_DOCS 256

struct dmsg {
	enum diag_level level;
	char *path;     /* may be NULL */
	int line, col;
	char *text;
};

struct dlist {
	struct dmsg *v;
	size_t n, cap;
};

/* What lists show of each document, by position (kind_start[kind] + index). */
struct refs {
	size_t kind_start[DOC_KINDS + 1];
	uint64_t *h;
};

struct incr {
	struct build_kept *kept;
	struct dlist all;      /* every message of the last build */
	struct dlist global;   /* those made by the whole-site checks */
	struct dlist structural; /* those of schema_check_unique: numbers and slugs, which an update keeps */
	int inline_links;      /* Markdown outside bodies (summaries, data, footer) has links */
	int data_due;          /* the pages are updated, the data files not yet */
	struct page_plan plan; /* the pages of the kept model */
	struct refs refs;      /* what lists show of each document */
	uint64_t *sigs;        /* each page's inputs (sign_pages), plan order */
	pthread_mutex_t lock;  /* serve's main thread updates, the editor's threads preview */
};

/* ------------------------------------------------------------ messages */

static void dlist_add(struct dlist *l, enum diag_level level, const char *path, int line,
		      int col, const char *text)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = (struct dmsg){level, path ? xstrdup(path) : NULL, line, col, xstrdup(text)};
}

static void dlist_clear(struct dlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].text);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

static void collect(void *ctx, const struct diag_view *m)
{
	dlist_add(ctx, m->level, m->path, m->line, m->col, m->text);
}

/* The messages of d, sorted as printed (d is not changed). */
static void dlist_from(struct dlist *l, struct diag *d)
{
	diag_each(d, collect, l);
}

static int same_msg(const struct dmsg *a, const struct dmsg *b)
{
	return a->level == b->level && a->line == b->line && a->col == b->col &&
	       !strcmp(a->text, b->text) &&
	       (a->path == b->path || (a->path && b->path && !strcmp(a->path, b->path)));
}

/* ----------------------------------------------------------- the state */

struct incr *incr_new(void)
{
	struct incr *inc = xcalloc(1, sizeof *inc);
	pthread_mutex_init(&inc->lock, NULL);
	return inc;
}

/* incr_drop with the lock held. */
static void drop(struct incr *inc)
{
	build_kept_free(inc->kept);
	inc->kept = NULL;
	inc->data_due = 0;
	dlist_clear(&inc->all);
	dlist_clear(&inc->global);
	dlist_clear(&inc->structural);
	pages_free(&inc->plan);
	free(inc->refs.h);
	inc->refs.h = NULL;
	free(inc->sigs);
	inc->sigs = NULL;
}

void incr_drop(struct incr *inc)
{
	pthread_mutex_lock(&inc->lock);
	drop(inc);
	pthread_mutex_unlock(&inc->lock);
}

void incr_free(struct incr *inc)
{
	if (!inc)
		return;
	drop(inc);
	pthread_mutex_destroy(&inc->lock);
	free(inc);
}

int incr_ready(const struct incr *inc)
{
	pthread_mutex_lock((pthread_mutex_t *)&inc->lock);
	int ready = inc->kept != NULL;
	pthread_mutex_unlock((pthread_mutex_t *)&inc->lock);
	return ready;
}

/* Derived relations, emptied before they are made again from the documents. */
static void reset_derived(struct site *s)
{
	for (size_t k = 0; k < site_nkinds(s); k++)
		for (size_t i = 0; i < s->ndocs[k]; i++) {
			struct doc *d = s->docs[k][i];
			struct ptrs *lists[] = {&d->themes, &d->actions, &d->cited_by, &d->related};
			for (size_t j = 0; j < sizeof lists / sizeof *lists; j++) {
				ptrs_free(lists[j]);
				memset(lists[j], 0, sizeof *lists[j]);
			}
			d->prev = d->next = d->included_in = NULL;
		}
	struct taxon *taxa[3] = {s->logics, s->publics, s->territories};
	size_t ntaxa[3] = {s->nlogics, s->npublics, s->nterritories};
	for (int t = 0; t < 3; t++)
		for (size_t i = 0; i < ntaxa[t]; i++) {
			ptrs_free(&taxa[t][i].docs);
			memset(&taxa[t][i].docs, 0, sizeof taxa[t][i].docs);
		}
	struct entry *entries[3] = {s->contacts, s->glossary, s->biblio};
	size_t nentries[3] = {s->ncontacts, s->nglossary, s->nbiblio};
	for (int t = 0; t < 3; t++)
		for (size_t i = 0; i < nentries[t]; i++) {
			struct entry *e = &entries[t][i];
			ptrs_free(&e->cited_by);
			ptrs_free(&e->actions);
			memset(&e->cited_by, 0, sizeof e->cited_by);
			memset(&e->actions, 0, sizeof e->actions);
			e->used = 0;
		}
}

/*
 * The whole-site part of a build, from the documents' own data: the
 * derived relations (as bodies_process's end and derive_all make them)
 * and the checks that read several documents. Messages go to d.
 */
static void whole_site(struct site *s, struct diag *d)
{
	reset_derived(s);
	xref_finish(s, d);
	derive_all(s);
	pdf_check_booklets(s, d);
}

static int has_link(const char *md)
{
	return md && strstr(md, "](") != NULL;
}

/* Whether any string of a YAML value holds a Markdown link. */
static int json_has_link(const json_t *v)
{
	if (json_is_string(v))
		return has_link(json_string_value(v));
	size_t i;
	const char *key;
	json_t *x;
	if (json_is_array(v))
		json_array_foreach(v, i, x)
			if (json_has_link(x))
				return 1;
	if (json_is_object(v))
		json_object_foreach((json_t *)v, key, x)
			if (json_has_link(x))
				return 1;
	return 0;
}

/*
 * Markdown rendered with the page (summaries with links, data files'
 * descriptions, the footer) shows the titles of the documents it links
 * to with an empty text, on pages this module cannot name: a changed
 * title then needs a full build.
 */
static int inline_links(const struct site *s)
{
	if (has_link(s->footer) || json_has_link(s->contacts_data) ||
	    json_has_link(s->glossary_data) || json_has_link(s->biblio_data))
		return 1;
	for (size_t i = 0; i < s->nemergencies; i++)
		if (has_link(s->emergencies[i].description))
			return 1;
	for (size_t k = 0; k < site_nkinds(s); k++)
		for (size_t i = 0; i < s->ndocs[k]; i++)
			if (has_link(s->docs[k][i]->summary))
				return 1;
	return 0;
}

static void reset(struct incr *inc, struct build_kept *kept, struct diag *d);
static void refs_make(struct refs *r, const struct site *s);
static void sign_pages(const struct site *s, const struct page_plan *plan, const struct refs *refs,
		       struct doc *const *changed, size_t nchanged, uint64_t *h,
		       unsigned char *touched);

void incr_reset(struct incr *inc, struct build_kept *kept, struct diag *d)
{
	pthread_mutex_lock(&inc->lock);
	drop(inc);
	if (kept)
		reset(inc, kept, d);
	pthread_mutex_unlock(&inc->lock);
}

static void reset(struct incr *inc, struct build_kept *kept, struct diag *d)
{
	inc->kept = kept;
	dlist_from(&inc->all, d);
	struct site *s = build_kept_site(kept);
	/* The same relations again (the result is the build's), and the checks' messages apart. */
	struct diag *g = diag_new();
	whole_site(s, g);
	dlist_from(&inc->global, g);
	diag_clear(g);
	/* Numbers and slugs do not change in an update: what this says at a document's path stays. */
	for (size_t k = 0; k < site_nkinds(s); k++)
		schema_check_unique(s, (enum doc_kind)k, g);
	dlist_from(&inc->structural, g);
	diag_free(g);
	inc->inline_links = inline_links(s);
	/* What each page reads now, to compare with after the next update. */
	inc->plan = pages_plan(s);
	refs_make(&inc->refs, s);
	inc->sigs = xcalloc(inc->plan.n + 1, sizeof *inc->sigs);
	unsigned char *unused = xcalloc(inc->plan.n + 1, 1);
	sign_pages(s, &inc->plan, &inc->refs, NULL, 0, inc->sigs, unused);
	free(unused);
}

/* ------------------------------------------------------- page inputs */

/*
 * What a page reads, hashed, and whether it shows a document read again
 * in full (its own page, or « Que faire si… » showing a theme's text).
 * A document a page only lists or links (context.c's doc_ref: title,
 * summary, number, logique, publics, territoires, status, page) counts by
 * the hash of those fields, so that an edit of a fiche's text alone does
 * not make every list of fiches again.
 */
struct sig {
	uint64_t h;
	int touched;
	struct doc *const *changed;
	size_t nchanged;
	const uint64_t *refs;       /* by document: hash of what doc_ref shows */
	const size_t *kind_start;   /* first index in refs of each kind */
};

static uint64_t hash_text(uint64_t h, const char *s)
{
	size_t n = s ? strlen(s) + 1 : 0;
	h = hash_more(h, &n, sizeof n);
	return s ? hash_more(h, s, n) : h;
}

/* Hash of what a list item or a link shows of d (doc_ref, doc_display_title, guide parts). */
static uint64_t ref_hash(const struct doc *d)
{
	uint64_t h = HASH_FNV1A64_BASIS;
	h = hash_more(h, &d->number, sizeof d->number);
	/* Their HTML (html/body_store.h) follows from these two alone. */
	h = hash_text(h, d->title);
	h = hash_text(h, d->summary);
	h = hash_text(h, d->out_path);
	h = hash_text(h, d->status);
	h = hash_text(h, d->part);
	h = hash_more(h, &d->logic, sizeof d->logic);
	const struct ptrs *lists[] = {&d->publics, &d->territories};
	for (size_t i = 0; i < 2; i++) {
		h = hash_more(h, &lists[i]->n, sizeof lists[i]->n);
		if (lists[i]->n)
			h = hash_more(h, lists[i]->v, lists[i]->n * sizeof *lists[i]->v);
	}
	return h;
}

/* The address alone: a record whose data an update does not change (entries, taxa). */
static void sig_addr(struct sig *g, const void *p)
{
	g->h = hash_more(g->h, &p, sizeof p);
}

/* A document shown in full: the page is made again when it is read again. */
static void sig_whole(struct sig *g, const struct doc *d)
{
	sig_addr(g, d);
	for (size_t i = 0; d && i < g->nchanged && !g->touched; i++)
		g->touched = d == g->changed[i];
}

/* A document listed or linked: its address and what a list shows of it. */
static void sig_ref(struct sig *g, const struct doc *d)
{
	sig_addr(g, d);
	if (d) {
		uint64_t r = g->refs[g->kind_start[d->kind] + d->index];
		g->h = hash_more(g->h, &r, sizeof r);
	}
}

static void sig_count(struct sig *g, size_t n)
{
	g->h = hash_more(g->h, &n, sizeof n);
}

static void sig_refs(struct sig *g, const struct ptrs *l)
{
	sig_count(g, l->n);
	for (size_t i = 0; i < l->n; i++)
		sig_ref(g, l->v[i]);
}

static void sig_addrs(struct sig *g, const struct ptrs *l)
{
	sig_count(g, l->n);
	for (size_t i = 0; i < l->n; i++)
		sig_addr(g, l->v[i]);
}

static void sig_kind(struct sig *g, const struct site *s, enum doc_kind kind)
{
	sig_count(g, s->ndocs[kind]);
	for (size_t i = 0; i < s->ndocs[kind]; i++)
		sig_ref(g, s->docs[kind][i]);
}

/* Taxa pages and filters: which documents carry each (counts, kinds). */
static void sig_taxa(struct sig *g, const struct taxon *v, size_t n, int refs)
{
	for (size_t i = 0; i < n; i++)
		(refs ? sig_refs : sig_addrs)(g, &v[i].docs);
}

static void sig_doc(struct sig *g, const struct doc *d)
{
	sig_whole(g, d);
	const struct ptrs *refs[] = {&d->themes, &d->actions, &d->cited_by, &d->related,
				     &d->includes, &d->fm_docs, &d->links_to};
	for (size_t i = 0; i < sizeof refs / sizeof *refs; i++)
		sig_refs(g, refs[i]);
	sig_ref(g, d->prev);
	sig_ref(g, d->next);
	sig_ref(g, d->included_in);
	sig_addrs(g, &d->contacts);
	sig_addr(g, d->carrier);
}

/* Every record the context of page p reads (context.c), in order. */
static void sig_page(struct sig *g, const struct site *s, const struct page *p)
{
	switch (p->kind) {
	case PAGE_DOC:
		sig_doc(g, p->subject);
		break;
	case PAGE_HOME:
		sig_kind(g, s, DOC_PAGE);
		sig_kind(g, s, DOC_THEME);
		sig_ref(g, s->intro);
		sig_taxa(g, s->publics, s->npublics, 0);
		sig_taxa(g, s->logics, s->nlogics, 0);
		break;
	case PAGE_LIST_ACTIONS:
		sig_taxa(g, s->logics, s->nlogics, 1);
		sig_taxa(g, s->publics, s->npublics, 0);
		sig_taxa(g, s->territories, s->nterritories, 0);
		break;
	case PAGE_LIST_THEMES:
		for (size_t i = 0; i < s->ndocs[DOC_THEME]; i++) {
			sig_ref(g, s->docs[DOC_THEME][i]);
			sig_refs(g, &s->docs[DOC_THEME][i]->actions);
		}
		break;
	case PAGE_WHAT_TO_DO:
		/* Each theme's « Comment faire ? » text, and the carriers of its actions. */
		for (size_t i = 0; i < s->ndocs[DOC_THEME]; i++) {
			const struct doc *t = s->docs[DOC_THEME][i];
			sig_whole(g, t);
			sig_ref(g, t);
			sig_count(g, t->actions.n);
			for (size_t j = 0; j < t->actions.n; j++)
				sig_addr(g, ((const struct doc *)t->actions.v[j])->carrier);
		}
		break;
	case PAGE_GUIDE_INDEX:
		for (size_t i = 0; i < s->ndocs[DOC_GUIDE]; i++) {
			sig_ref(g, s->docs[DOC_GUIDE][i]);
			sig_refs(g, &s->docs[DOC_GUIDE][i]->includes);
		}
		break;
	case PAGE_PAGES_INDEX:
		sig_kind(g, s, DOC_PAGE);
		break;
	case PAGE_LIST_KIND:
		sig_kind(g, s, (enum doc_kind)p->taxa_kind);
		break;
	case PAGE_CONTACTS:
		sig_taxa(g, s->territories, s->nterritories, 0);
		for (size_t i = 0; i < s->ncontacts; i++)
			sig_refs(g, &s->contacts[i].actions);
		break;
	case PAGE_CONTACT: {
		const struct entry *e = p->subject;
		sig_refs(g, &e->actions);
		sig_refs(g, &e->cited_by);
		break;
	}
	case PAGE_GLOSSARY:
		for (size_t i = 0; i < s->nglossary; i++)
			sig_refs(g, &s->glossary[i].cited_by);
		break;
	case PAGE_BIBLIO:
		for (size_t i = 0; i < s->nbiblio; i++)
			sig_refs(g, &s->biblio[i].cited_by);
		break;
	case PAGE_TAXA_INDEX: {
		const struct taxon *taxa[3] = {s->logics, s->publics, s->territories};
		size_t n[3] = {s->nlogics, s->npublics, s->nterritories};
		sig_taxa(g, taxa[p->taxa_kind], n[p->taxa_kind], 0);
		break;
	}
	case PAGE_TAXON:
		sig_refs(g, &((const struct taxon *)p->subject)->docs);
		break;
	case PAGE_SEARCH:
	case PAGE_NOT_FOUND:
		/* Site-wide values and the plan's directories, which an update keeps. */
		break;
	}
}


static void refs_make(struct refs *r, const struct site *s)
{
	memset(r->kind_start, 0, sizeof r->kind_start);
	for (size_t k = 0; k < DOC_KINDS; k++)
		r->kind_start[k + 1] = r->kind_start[k] + s->ndocs[k];
	r->h = xcalloc(r->kind_start[DOC_KINDS] + 1, sizeof *r->h);
	for (size_t k = 0; k < site_nkinds(s); k++)
		for (size_t i = 0; i < s->ndocs[k]; i++)
			r->h[r->kind_start[k] + i] = ref_hash(s->docs[k][i]);
}

/* After an update: only the documents read again can show anything new. */
static void refs_update(struct refs *r, struct doc *const *docs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		r->h[r->kind_start[docs[i]->kind] + docs[i]->index] = ref_hash(docs[i]);
}

static void sign_pages(const struct site *s, const struct page_plan *plan, const struct refs *refs,
		       struct doc *const *changed, size_t nchanged, uint64_t *h,
		       unsigned char *touched)
{
	for (size_t i = 0; i < plan->n; i++) {
		struct sig g = {HASH_FNV1A64_BASIS, 0, changed, nchanged, refs->h, refs->kind_start};
		sig_page(&g, s, &plan->pages[i]);
		h[i] = g.h;
		touched[i] |= (unsigned char)g.touched;
	}
}

static int same_plan(const struct page_plan *a, const struct page_plan *b)
{
	if (a->n != b->n || a->has_what_to_do != b->has_what_to_do)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->pages[i].kind != b->pages[i].kind || a->pages[i].subject != b->pages[i].subject ||
		    strcmp(a->pages[i].path, b->pages[i].path) != 0)
			return 0;
	return 1;
}

/* ---------------------------------------------------------- documents */

/* The document of the site shown as display, or NULL. */
static struct doc *find_doc(const struct site *s, const char *display)
{
	for (size_t k = 0; k < site_nkinds(s); k++)
		for (size_t i = 0; i < s->ndocs[k]; i++)
			if (strcmp(s->docs[k][i]->path, display) == 0)
				return s->docs[k][i];
	return NULL;
}

/* The documents read again, with their previous contents (struct doc moved aside). */
struct reread {
	struct doc **docs;       /* in the site */
	struct doc **old;        /* their previous contents, owned */
	size_t n, cap;
};

static int in_reread(const struct reread *r, const struct doc *d)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->docs[i] == d)
			return 1;
	return 0;
}

static void reread_add(struct reread *r, struct doc *d)
{
	if (in_reread(r, d))
		return;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->docs = xrealloc(r->docs, r->cap * sizeof *r->docs);
		r->old = xrealloc(r->old, r->cap * sizeof *r->old);
	}
	r->docs[r->n] = d;
	r->old[r->n++] = NULL;
}

static void reread_free(struct reread *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->old[i])
			doc_free(r->old[i]);
	free(r->docs);
	free(r->old);
}

/*
 * Reads r->docs[from..] again from their files, in place: each struct
 * doc gets the new contents and r->old the previous ones. Front matter
 * checked in schema_check's order of kinds (themes, actions, pages, the
 * project's kinds, the guide). 0, or -1 when a document's number, slug or
 * page changed.
 */
static int reread_docs(struct site *s, struct reread *r, size_t from, struct diag *d)
{
	for (size_t i = from; i < r->n; i++) {
		struct doc *doc = r->docs[i];
		struct doc *fresh = load_doc_alone(s, doc->kind, doc->path, NULL, d);
		struct doc tmp = *doc;
		*doc = *fresh;
		*fresh = tmp;
		doc->index = fresh->index;
		r->old[i] = fresh;
	}
	enum doc_kind order[DOC_KINDS] = {DOC_THEME, DOC_ACTION, DOC_PAGE};
	size_t norder = 3;
	for (size_t k = DOC_BUILTIN; k < site_nkinds(s); k++)
		order[norder++] = (enum doc_kind)k;
	order[norder++] = DOC_GUIDE;
	for (size_t o = 0; o < norder; o++)
		for (size_t i = from; i < r->n; i++) {
			struct doc *doc = r->docs[i];
			if (doc->kind != order[o])
				continue;
			schema_check_doc(s, doc, d);
			const struct doc *was = r->old[i];
			if (doc->number != was->number || strcmp(doc->slug, was->slug) != 0 ||
			    !doc->out_path || !was->out_path || strcmp(doc->out_path, was->out_path) != 0)
				return -1;
		}
	return 0;
}

/* 1 when a menu item leads to doc's page (its label may be doc's title). */
static int in_menu(const struct site *s, const struct doc *doc)
{
	for (size_t i = 0; i < s->nmenu; i++)
		if (!s->menu[i].external && strcmp(s->menu[i].target, doc->out_path) == 0)
			return 1;
	return 0;
}

/* ------------------------------------------------------------- update */

/*
 * The changed documents named by paths, added to r. 0, or -1 when a path
 * is anything else than the file of a document the site has.
 */
static int changed_docs(const struct site *s, const char *const *paths, size_t n,
			struct reread *r)
{
	size_t cl = strlen(s->content_dir);
	for (size_t i = 0; i < n; i++) {
		const char *p = paths[i];
		if (strncmp(p, s->content_dir, cl) != 0 || p[cl] != '/')
			return -1;
		char *display = path_join("content", p + cl + 1);
		struct doc *doc = find_doc(s, display);
		free(display);
		struct stat st;
		int exists = lstat(p, &st) == 0;
		/* A file made and gone within the burst (sed -i's, an editor's) changed nothing. */
		if (!doc && !exists)
			continue;
		if (!doc || !exists || !S_ISREG(st.st_mode))
			return -1;
		reread_add(r, doc);
		if (r->n > INCR_MAX_DOCS)
			return -1;
	}
	return r->n ? 0 : -1;
}

/* Whether a message is one of list's (by value). */
static int listed(const struct dlist *list, const struct dmsg *m, unsigned char *used)
{
	for (size_t i = 0; i < list->n; i++)
		if (!used[i] && same_msg(&list->v[i], m)) {
			used[i] = 1;
			return 1;
		}
	return 0;
}

/*
 * The messages after the update: the kept ones but the whole-site checks'
 * and those at the documents read again, then fresh (their own checks and
 * the whole-site ones). Reported to d; the state keeps them too.
 */
static void merge_messages(struct incr *inc, const struct reread *r, struct diag *fresh_docs,
			   struct diag *fresh_global, struct diag *d)
{
	struct dlist all = {0}, global = {0};
	unsigned char *used = xcalloc(inc->global.n + 1, 1);
	unsigned char *kept = xcalloc(inc->structural.n + 1, 1);
	for (size_t i = 0; i < inc->all.n; i++) {
		const struct dmsg *m = &inc->all.v[i];
		if (listed(&inc->global, m, used))
			continue;
		int reread = 0;
		for (size_t j = 0; m->path && j < r->n && !reread; j++)
			reread = strcmp(m->path, r->docs[j]->path) == 0;
		if (!reread || listed(&inc->structural, m, kept))
			dlist_add(&all, m->level, m->path, m->line, m->col, m->text);
	}
	free(used);
	free(kept);
	dlist_from(&all, fresh_docs);
	dlist_from(&global, fresh_global);
	for (size_t i = 0; i < global.n; i++)
		dlist_add(&all, global.v[i].level, global.v[i].path, global.v[i].line,
			  global.v[i].col, global.v[i].text);
	for (size_t i = 0; i < all.n; i++)
		diag_report(d, all.v[i].level, all.v[i].path, all.v[i].line, all.v[i].col, "%s",
			    all.v[i].text);
	dlist_clear(&inc->all);
	dlist_clear(&inc->global);
	inc->all = all;
	inc->global = global;
}

/*
 * Whether doc's relations to other records are those of was (its previous
 * contents): then every derived relation of the site is as it was.
 */
static int same_ptrs(const struct ptrs *a, const struct ptrs *b)
{
	return a->n == b->n && (!a->n || !memcmp(a->v, b->v, a->n * sizeof *a->v));
}

static int same_relations(const struct doc *doc, const struct doc *was)
{
	const struct ptrs *now[] = {&doc->fm_themes, &doc->fm_docs, &doc->includes, &doc->links_to,
				    &doc->entries_cited, &doc->glossary_used, &doc->publics,
				    &doc->territories, &doc->contacts};
	const struct ptrs *then[] = {&was->fm_themes, &was->fm_docs, &was->includes, &was->links_to,
				     &was->entries_cited, &was->glossary_used, &was->publics,
				     &was->territories, &was->contacts};
	for (size_t i = 0; i < sizeof now / sizeof *now; i++)
		if (!same_ptrs(now[i], then[i]))
			return 0;
	return doc->logic == was->logic && doc->carrier == was->carrier;
}

/* Moves the relations other documents give to a document from one of its contents to the other. */
static void swap_derived(struct doc *a, struct doc *b)
{
	struct ptrs *la[] = {&a->themes, &a->actions, &a->cited_by, &a->related};
	struct ptrs *lb[] = {&b->themes, &b->actions, &b->cited_by, &b->related};
	for (size_t i = 0; i < sizeof la / sizeof *la; i++) {
		struct ptrs tmp = *la[i];
		*la[i] = *lb[i];
		*lb[i] = tmp;
	}
	struct doc *p = a->prev, *n = a->next, *in = a->included_in;
	a->prev = b->prev;
	a->next = b->next;
	a->included_in = b->included_in;
	b->prev = p;
	b->next = n;
	b->included_in = in;
}

/*
 * The whole-site part after documents[0..n) were read again (olds: their
 * previous contents). When none of them changed its relations, the
 * derived ones are taken back from the previous contents and only the
 * checks that read several documents run again; otherwise everything is
 * made again (whole_site). Returns 1 when the relations are as they were.
 */
static int relations_after(struct site *s, struct doc **docs, struct doc **olds, size_t n,
			   struct diag *d)
{
	int same = 1;
	for (size_t i = 0; i < n && same; i++)
		same = same_relations(docs[i], olds[i]);
	if (!same) {
		whole_site(s, d);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		swap_derived(docs[i], olds[i]);
	xref_check_anchors(s, d);
	pdf_check_booklets(s, d);
	return 1;
}

/* Pages showing one of docs[0..n) whole: their own pages, « Que faire si… » for a theme. */
static void mark_whole(const struct page_plan *plan, struct doc *const *docs, size_t n,
		       unsigned char *dirty)
{
	int theme = 0;
	for (size_t i = 0; i < n; i++)
		theme |= docs[i]->kind == DOC_THEME;
	for (size_t i = 0; i < plan->n; i++) {
		const struct page *p = &plan->pages[i];
		if (p->kind == PAGE_WHAT_TO_DO && theme)
			dirty[i] = 1;
		for (size_t j = 0; p->kind == PAGE_DOC && j < n && !dirty[i]; j++)
			dirty[i] = p->subject == docs[j];
	}
}

static int update(struct incr *inc, const char *const *paths, size_t n, struct diag *d,
		  struct build_stats *stats)
{
	if (!inc->kept)
		return INCR_FALLBACK;
	struct build_kept *kept = inc->kept;
	struct site *s = build_kept_site(kept);
	struct reread r = {0};
	struct page_plan after = {0};
	unsigned char *dirty = NULL;
	struct diag *docs_d = diag_new(), *global_d = diag_new();
	int strict = build_kept_options(kept)->strict;
	diag_set_strict(docs_d, strict);
	diag_set_strict(global_d, strict);
	int status = INCR_FALLBACK;
	double t = step_clock(NULL, 0);
	if (changed_docs(s, paths, n, &r) < 0)
		goto out;

	if (reread_docs(s, &r, 0, docs_d) < 0)
		goto drop;
	/* A new title shows in the texts of the links to it: read those documents again too. */
	size_t first = r.n;
	for (size_t i = 0; i < first; i++) {
		const struct doc *doc = r.docs[i];
		if (!strcmp(doc->title, r.old[i]->title))
			continue;
		if (inc->inline_links || in_menu(s, doc))
			goto drop;
		const struct ptrs *citers = &r.old[i]->cited_by;
		for (size_t j = 0; j < citers->n; j++)
			if (ptrs_contains(&((struct doc *)citers->v[j])->links_to, doc))
				reread_add(&r, citers->v[j]);
	}
	if (r.n > INCR_MAX_DOCS || reread_docs(s, &r, first, docs_d) < 0)
		goto drop;
	struct body_sink texts = body_store_texts_sink(build_kept_bodies(kept));
	for (size_t i = 0; i < r.n; i++) {
		bodies_process_doc(s, r.docs[i], &texts, docs_d);
		schema_check_doc_sections(s, r.docs[i], docs_d);
	}
	t = step_clock("documents", t);
	int same = relations_after(s, r.docs, r.old, r.n, global_d);
	t = step_clock(same ? "anchors" : "relations", t);
	if (diag_errors(docs_d) || diag_errors(global_d))
		goto drop;
	for (size_t i = 0; i < r.n; i++)
		build_kept_summary(kept, r.docs[i]);

	after = pages_plan(s);
	if (!same_plan(&inc->plan, &after))
		goto drop;
	dirty = xcalloc(after.n + 1, 1);
	mark_whole(&after, r.docs, r.n, dirty);
	int shown_same = 1;
	for (size_t i = 0; i < r.n; i++) {
		uint64_t h = ref_hash(r.docs[i]);
		shown_same &= h == inc->refs.h[inc->refs.kind_start[r.docs[i]->kind] + r.docs[i]->index];
	}
	if (!same || !shown_same) {
		/* Lists or what they show changed: every page's inputs against the kept ones. */
		refs_update(&inc->refs, r.docs, r.n);
		uint64_t *h = xcalloc(after.n + 1, sizeof *h);
		sign_pages(s, &after, &inc->refs, r.docs, r.n, h, dirty);
		for (size_t i = 0; i < after.n; i++)
			dirty[i] |= h[i] != inc->sigs[i];
		free(inc->sigs);
		inc->sigs = h;
	}
	merge_messages(inc, &r, docs_d, global_d, d);
	t = step_clock("pages", t);
	status = build_kept_render(kept, &after, dirty, 0, d, stats);
	t = step_clock("render", t);
	inc->data_due = 1;
	if (status != BUILD_OK)
		goto drop;
	inc->inline_links = inline_links(s);
	if (getenv("FICHES_TIMING")) {
		size_t pages = 0;
		for (size_t i = 0; i < after.n; i++)
			pages += dirty[i];
		fprintf(stderr, "fiches: incremental: %zu documents read again, relations %s, %zu of %zu pages rendered\n",
			r.n, same ? "kept" : "made again", pages, after.n);
	}
	goto out;
drop:
	/*
	 * The model is half updated (or a page could not be made, or written):
	 * only a full build can say what the site should be, and report it.
	 */
	status = INCR_FALLBACK;
	drop(inc);
out:
	reread_free(&r);
	pages_free(&after);
	free(dirty);
	diag_free(docs_d);
	diag_free(global_d);
	return status;
}

int incr_update(struct incr *inc, const char *const *paths, size_t n, struct diag *d,
		struct build_stats *stats)
{
	pthread_mutex_lock(&inc->lock);
	int status = update(inc, paths, n, d, stats);
	pthread_mutex_unlock(&inc->lock);
	return status;
}

static int update_data(struct incr *inc, struct diag *d, struct build_stats *stats)
{
	if (!inc->kept || !inc->data_due)
		return BUILD_OK;
	double t = step_clock(NULL, 0);
	struct page_plan plan = pages_plan(build_kept_site(inc->kept));
	struct diag *scratch = diag_new();
	int status = build_kept_render(inc->kept, &plan, NULL, 1, scratch, stats);
	step_clock("data files", t);
	pages_free(&plan);
	inc->data_due = 0;
	if (status != BUILD_OK) {
		diag_move(d, scratch, DIAG_NOTE);
		drop(inc);
	}
	diag_free(scratch);
	return status;
}

int incr_update_data(struct incr *inc, struct diag *d, struct build_stats *stats)
{
	pthread_mutex_lock(&inc->lock);
	int status = update_data(inc, d, stats);
	pthread_mutex_unlock(&inc->lock);
	return status;
}

int incr_read_site(struct incr *inc, void (*read)(const struct site *s, void *ctx), void *ctx)
{
	pthread_mutex_lock(&inc->lock);
	int status = INCR_FALLBACK;
	if (inc->kept) {
		read(build_kept_site(inc->kept), ctx);
		status = 0;
	}
	pthread_mutex_unlock(&inc->lock);
	return status;
}

/* Swaps the contents of two documents; a keeps its place (index) in the site. */
static void swap_docs(struct doc *a, struct doc *b)
{
	struct doc tmp = *a;
	*a = *b;
	*b = tmp;
	size_t index = a->index;
	a->index = b->index;
	b->index = index;
}

static int preview(struct incr *inc, const char *display, const char *read_path, struct diag *d,
		   struct build_preview_page *page)
{
	if (!inc->kept)
		return INCR_FALLBACK;
	struct build_kept *kept = inc->kept;
	struct site *s = build_kept_site(kept);
	struct doc *doc = find_doc(s, display);
	if (!doc)
		return INCR_FALLBACK;
	int strict = build_kept_options(kept)->strict;
	struct diag *own = diag_new(), *global = diag_new();
	diag_set_strict(own, strict);
	diag_set_strict(global, strict);
	/* The unsaved text in place of the saved one: same struct doc, so every link to it holds. */
	struct doc *saved = load_doc_alone(s, doc->kind, display, read_path, own);
	swap_docs(doc, saved);
	schema_check_doc(s, doc, own);
	int status = INCR_FALLBACK;
	if (doc->number != saved->number || strcmp(doc->slug, saved->slug) != 0 || !doc->out_path ||
	    !saved->out_path || strcmp(doc->out_path, saved->out_path) != 0) {
		/* Nothing else was touched yet: the saved version goes back as it was. */
		swap_docs(doc, saved);
		doc_free(saved);
		goto out;
	}
	bodies_process_doc(s, doc, NULL, own);
	schema_check_doc_sections(s, doc, own);
	int same = relations_after(s, &doc, &saved, 1, global);
	/* The project's messages: the kept ones but this document's and the whole-site checks'. */
	unsigned char *used = xcalloc(inc->global.n + 1, 1);
	unsigned char *kept_msg = xcalloc(inc->structural.n + 1, 1);
	for (size_t i = 0; i < inc->all.n; i++) {
		const struct dmsg *m = &inc->all.v[i];
		if (listed(&inc->global, m, used) ||
		    (m->path && !strcmp(m->path, display) && !listed(&inc->structural, m, kept_msg)))
			continue;
		diag_report(d, m->level, m->path, m->line, m->col, "%s", m->text);
	}
	free(used);
	free(kept_msg);
	diag_move(d, own, DIAG_NOTE);
	diag_move(d, global, DIAG_NOTE);
	page->out_path = xstrdup(doc->out_path);
	if (!diag_errors(d)) {
		build_kept_summary(kept, doc);
		struct page_plan plan = pages_plan(s);
		for (size_t i = 0; i < plan.n; i++)
			if (plan.pages[i].kind == PAGE_DOC && plan.pages[i].subject == doc) {
				build_kept_page(kept, &plan, i, d, &page->html, &page->html_len);
				break;
			}
		pages_free(&plan);
	}
	status = page->html ? BUILD_OK : BUILD_CONTENT_ERROR;
	/* The saved version back, and the relations as they were. */
	swap_docs(doc, saved);
	if (same) {
		swap_derived(doc, saved);
	} else {
		struct diag *again = diag_new();
		whole_site(s, again);
		diag_free(again);
	}
	doc_free(saved);
out:
	diag_free(own);
	diag_free(global);
	return status;
}

int incr_preview(struct incr *inc, const char *display, const char *read_path, struct diag *d,
		 struct build_preview_page *page)
{
	memset(page, 0, sizeof *page);
	pthread_mutex_lock(&inc->lock);
	int status = preview(inc, display, read_path, d, page);
	pthread_mutex_unlock(&inc->lock);
	return status;
}
