/*
 * Content model helpers: pointer arrays, lookups by id/number/slug,
 * display labels and freeing the whole site.
 */
#include "model.h"
#include "synonyms.h"
#include "glossary.h"
#include "kinds.h"
#include "md_paths.h"
#include "site_pages.h"
#include "slug.h"
#include "utf8.h"
#include "xalloc.h"
#include "yaml.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t ptr_hash(const void *x)
{
	uint64_t h = (uint64_t)(uintptr_t)x;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)h;
}

/* Slot of x in the set, or the empty slot where it would go. */
static size_t set_slot(const struct ptrs *p, const void *x)
{
	size_t mask = p->set_cap - 1, i = ptr_hash(x) & mask;
	while (p->set[i] && p->set[i] != x)
		i = (i + 1) & mask;
	return i;
}

/* (Re)builds the set over v[0..n) with room for twice as many items. */
static void set_rebuild(struct ptrs *p)
{
	size_t cap = 64;
	while (cap < 4 * p->n)
		cap *= 2;
	free(p->set);
	p->set = xcalloc(cap, sizeof *p->set);
	p->set_cap = cap;
	for (size_t i = 0; i < p->n; i++)
		p->set[set_slot(p, p->v[i])] = p->v[i];
}

void ptrs_add(struct ptrs *p, void *x)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 4;
		p->v = xrealloc(p->v, p->cap * sizeof *p->v);
	}
	p->v[p->n++] = x;
	if (!p->set)
		return;
	if (2 * p->n < p->set_cap)
		p->set[set_slot(p, x)] = x;
	else
		set_rebuild(p);
}

int ptrs_contains(const struct ptrs *p, const void *x)
{
	/* NULL marks the set's empty slots: look for it in v. */
	if (p->set && x)
		return p->set[set_slot(p, x)] == x;
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i] == x)
			return 1;
	return 0;
}

void ptrs_add_unique(struct ptrs *p, void *x)
{
	if (!p->set && p->n >= PTRS_SET_MIN)
		set_rebuild(p);
	if (!ptrs_contains(p, x))
		ptrs_add(p, x);
}

void ptrs_add_unless_last(struct ptrs *p, void *x)
{
	if (!p->n || p->v[p->n - 1] != x)
		ptrs_add(p, x);
}

void ptrs_free(struct ptrs *p)
{
	free(p->v);
	free(p->set);
	p->v = NULL;
	p->set = NULL;
	p->n = p->cap = p->set_cap = 0;
}

/* The hash of a document's number in docs_by_number (ptr_hash's mix). */
static uint64_t number_hash(int number)
{
	uint64_t h = (uint64_t)(unsigned)number + 0x9e3779b97f4a7c15ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* Bytes of a doc_key with its strings, rounded up so the next one is aligned. */
static size_t doc_key_size(size_t slug_len, size_t out_len)
{
	size_t n = sizeof(struct doc_key) + slug_len + 1 + out_len + 1;
	return (n + _Alignof(struct doc_key) - 1) & ~(size_t)(_Alignof(struct doc_key) - 1);
}

/* key as a document number: all digits, at most six; else -1. */
static int key_number(const char *key)
{
	size_t len = 0;
	for (; key[len]; len++)
		if (!ascii_isdigit(key[len]))
			return -1;
	return len && len < 7 ? atoi(key) : -1;
}

void site_index_docs(struct site *s, enum doc_kind kind)
{
	size_t n = s->ndocs[kind];
	keytab_free(&s->docs_by_slug[kind]);
	keytab_free(&s->docs_by_number[kind]);
	free(s->doc_keys[kind]);
	keytab_init(&s->docs_by_slug[kind], n);
	int numbered = n && s->docs[kind][0]->desc->list != LIST_PLAIN;
	if (numbered)
		keytab_init(&s->docs_by_number[kind], n);
	size_t bytes = 0;
	for (size_t i = 0; i < n; i++) {
		const struct doc *d = s->docs[kind][i];
		bytes += doc_key_size(strlen(d->slug), d->out_path ? strlen(d->out_path) : 0);
	}
	s->doc_keys[kind] = xmalloc(bytes ? bytes : 1);
	char *at = (char *)s->doc_keys[kind];
	s->digit_slugs[kind] = 0;
	/* In series order: of two documents sharing a key, the first is found. */
	for (size_t i = 0; i < n; i++) {
		struct doc *d = s->docs[kind][i];
		size_t sl = strlen(d->slug), ol = d->out_path ? strlen(d->out_path) : 0;
		struct doc_key *k = (struct doc_key *)at;
		k->doc = d;
		k->number = d->number;
		k->slug_len = (unsigned)sl;
		memcpy(k->slug, d->slug, sl + 1);
		k->out_path = d->out_path ? memcpy(k->slug + sl + 1, d->out_path, ol + 1) : NULL;
		k->out_len = ol;
		at += doc_key_size(sl, ol);
		keytab_add(&s->docs_by_slug[kind], keytab_hash(d->slug, sl), k);
		if (key_number(d->slug) >= 0)
			s->digit_slugs[kind] = 1;
		if (numbered)
			keytab_add(&s->docs_by_number[kind], number_hash(d->number), k);
	}
	s->docs_indexed[kind] = 1;
}

/* Bytes of an entry_key with its strings, rounded up so the next one is aligned. */
static size_t entry_key_size(const struct entry *e)
{
	size_t n = sizeof(struct entry_key) + strlen(e->id) + 1 +
		   (e->out_path ? strlen(e->out_path) : 0) + 1 + (e->anchor ? strlen(e->anchor) : 0) + 1;
	return (n + _Alignof(struct entry_key) - 1) & ~(size_t)(_Alignof(struct entry_key) - 1);
}

/* s (NULL: none) copied at *at, which moves past it; the copy, or NULL. */
static const char *copy_key_string(const char *s, size_t *len, char **at)
{
	if (!s) {
		*len = 0;
		return NULL;
	}
	*len = strlen(s);
	char *copy = memcpy(*at, s, *len + 1);
	*at += *len + 1;
	return copy;
}

void site_index_entries(struct site *s)
{
	struct entry *v[3] = {s->contacts, s->glossary, s->biblio};
	size_t n[3] = {s->ncontacts, s->nglossary, s->nbiblio};
	for (int k = 0; k < 3; k++) {
		keytab_free(&s->entries_by_id[k]);
		free(s->entry_keys[k]);
		keytab_init(&s->entries_by_id[k], n[k]);
		size_t bytes = 0;
		for (size_t i = 0; i < n[k]; i++)
			bytes += entry_key_size(&v[k][i]);
		s->entry_keys[k] = xmalloc(bytes ? bytes : 1);
		char *at = (char *)s->entry_keys[k];
		for (size_t i = 0; i < n[k]; i++) {
			struct entry *e = &v[k][i];
			struct entry_key *key = (struct entry_key *)at;
			char *strings = key->id;
			copy_key_string(e->id, &key->id_len, &strings);
			key->target.entry = e;
			key->target.out_path = copy_key_string(e->out_path, &key->target.out_len, &strings);
			key->target.anchor = copy_key_string(e->anchor, &key->target.anchor_len, &strings);
			at += entry_key_size(e);
			keytab_add(&s->entries_by_id[k], keytab_hash(e->id, key->id_len), key);
		}
	}
	s->entries_indexed = 1;
}

size_t site_ndocs_all(const struct site *s)
{
	size_t n = 0;
	for (int k = 0; k < DOC_KINDS; k++)
		n += s->ndocs[k];
	return n;
}

struct doc *site_doc_at(const struct site *s, size_t i)
{
	size_t k = 0;
	while (i >= s->ndocs[k]) {
		i -= s->ndocs[k];
		k++;
	}
	return s->docs[k][i];
}

/* The indexed key of kind spelled key (len bytes), or NULL. */
/* find_doc_key with the key's slug hash when known (slug_hash, else NULL). */
static const struct doc_key *find_doc_key_hashed(const struct site *s, enum doc_kind kind,
						 const char *key, size_t len,
						 const uint64_t *slug_hash)
{
	int number = key_number(key);
	/* A slug first, unless no slug of the kind can be this number (a random probe saved). */
	if (number < 0 || s->digit_slugs[kind]) {
		const struct keytab *slugs = &s->docs_by_slug[kind];
		uint64_t h = slug_hash ? *slug_hash : keytab_hash(key, len);
		size_t pos = keytab_home(slugs, h);
		for (const struct doc_key *k; (k = keytab_next(slugs, h, &pos));)
			if (k->slug_len == len && memcmp(k->slug, key, len) == 0)
				return k;
	}
	/* Not a slug: a number perhaps. */
	if (number < 0 || !s->ndocs[kind] || s->docs[kind][0]->desc->list == LIST_PLAIN)
		return NULL;
	const struct keytab *numbers = &s->docs_by_number[kind];
	uint64_t h = number_hash(number);
	size_t pos = keytab_home(numbers, h);
	for (const struct doc_key *k; (k = keytab_next(numbers, h, &pos));)
		if (k->number == number)
			return k;
	return NULL;
}

/* key_number of key's len bytes (not NUL-terminated). */
static int key_number_len(const char *key, size_t len)
{
	if (!len || len > 6)
		return -1;
	int v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!ascii_isdigit(key[i]))
			return -1;
		v = v * 10 + (key[i] - '0');
	}
	return v;
}

/* The slot's line is fetched for reading; the table is only read (keytab.h). */
static void probe_fetch(const struct keytab *t, uint64_t hash)
{
	__builtin_prefetch(&t->slots[keytab_home(t, hash)], 0, 3);
}

int site_probe_doc(const struct site *s, enum doc_kind kind, const char *key, size_t len,
		   struct site_probe *p)
{
	if (!s->docs_indexed[kind])
		return 0;
	/* The table find_doc_key probes first. */
	int number = key_number_len(key, len);
	if (number < 0 || s->digit_slugs[kind]) {
		p->tab = &s->docs_by_slug[kind];
		p->hash = keytab_hash(key, len);
	} else {
		if (!s->ndocs[kind] || s->docs[kind][0]->desc->list == LIST_PLAIN)
			return 0;
		p->tab = &s->docs_by_number[kind];
		p->hash = number_hash(number);
	}
	if (!p->tab->slots)
		return 0;
	probe_fetch(p->tab, p->hash);
	return 1;
}

static const struct doc_key *find_doc_key(const struct site *s, enum doc_kind kind,
					  const char *key, size_t len)
{
	return find_doc_key_hashed(s, kind, key, len, NULL);
}

/* Before the kind is indexed: through the array. */
static struct doc *scan_docs(const struct site *s, enum doc_kind kind, const char *key)
{
	int number = key_number(key);
	for (size_t i = 0; i < s->ndocs[kind]; i++) {
		struct doc *d = s->docs[kind][i];
		if (strcmp(d->slug, key) == 0 || (number >= 0 && d->number == number &&
						  d->desc->list != LIST_PLAIN))
			return d;
	}
	return NULL;
}

struct doc *site_find_doc(const struct site *s, enum doc_kind kind, const char *key)
{
	if (s->docs_indexed[kind]) {
		const struct doc_key *k = find_doc_key(s, kind, key, strlen(key));
		return k ? k->doc : NULL;
	}
	return scan_docs(s, kind, key);
}

int site_find_doc_target(const struct site *s, enum doc_kind kind, const char *key, size_t len,
			 struct doc_target *t)
{
	if (s->docs_indexed[kind]) {
		const struct doc_key *k = find_doc_key(s, kind, key, len);
		if (!k)
			return 0;
		*t = (struct doc_target){k->doc, k->out_path, k->out_len};
		return 1;
	}
	struct doc *d = scan_docs(s, kind, key);
	if (!d)
		return 0;
	*t = (struct doc_target){d, d->out_path, d->out_path ? strlen(d->out_path) : 0};
	return 1;
}

int site_find_doc_probed(const struct site *s, enum doc_kind kind, const char *key, size_t len,
			 const struct site_probe *p, struct doc_target *t)
{
	/* Probed: the kind is indexed (site_probe_doc). */
	const uint64_t *h = p->tab == &s->docs_by_slug[kind] ? &p->hash : NULL;
	const struct doc_key *k = find_doc_key_hashed(s, kind, key, len, h);
	if (!k)
		return 0;
	*t = (struct doc_target){k->doc, k->out_path, k->out_len};
	return 1;
}

int site_id_lost(const struct site *s, enum target_kind kind, const char *id)
{
	if ((int)kind >= 0 && kind <= TARGET_TAXON && s->lost_all[kind])
		return 1;
	return s->lost_ids && id && json_object_get(s->lost_ids, id) != NULL;
}

/* The table index of kind's entries (0 contacts, 1 glossary, 2 bibliography), or -1. */
static int entries_table(enum target_kind kind)
{
	switch (kind) {
	case TARGET_CONTACT: return 0;
	case TARGET_GLOSSARY: return 1;
	case TARGET_BIBLIO: return 2;
	default: return -1;
	}
}

int site_probe_entry(const struct site *s, enum target_kind kind, const char *id, size_t len,
		     struct site_probe *p)
{
	int k = entries_table(kind);
	if (k < 0 || !s->entries_indexed || !s->entries_by_id[k].slots)
		return 0;
	p->tab = &s->entries_by_id[k];
	p->hash = keytab_hash(id, len);
	probe_fetch(p->tab, p->hash);
	return 1;
}

void site_probe_value(const struct site_probe *p)
{
	/* The home slot only: a key found further is rare (tables at most half full). */
	const struct keytab_slot *sl = &p->tab->slots[keytab_home(p->tab, p->hash)];
	if (sl->hash == p->hash)
		__builtin_prefetch(sl->value, 0, 3);
}

static const struct entry_key *find_entry_key_hashed(const struct site *s, int k, const char *id,
						     size_t len, uint64_t h)
{
	const struct keytab *ids = &s->entries_by_id[k];
	size_t pos = keytab_home(ids, h);
	for (const struct entry_key *e; (e = keytab_next(ids, h, &pos));)
		if (e->id_len == len && memcmp(e->id, id, len) == 0)
			return e;
	return NULL;
}

static const struct entry_key *find_entry_key(const struct site *s, int k, const char *id,
					      size_t len)
{
	return find_entry_key_hashed(s, k, id, len, keytab_hash(id, len));
}

int site_find_entry_probed(const struct site *s, enum target_kind kind, const char *id, size_t len,
			   const struct site_probe *p, struct entry_target *t)
{
	/* Probed: the entries are indexed and kind has a table (site_probe_entry). */
	const struct entry_key *e = find_entry_key_hashed(s, entries_table(kind), id, len, p->hash);
	if (!e)
		return 0;
	*t = e->target;
	return 1;
}

/* Before the entries are indexed: through the array. */
static struct entry *scan_entries(const struct site *s, int k, const char *id)
{
	struct entry *v = k == 0 ? s->contacts : k == 1 ? s->glossary : s->biblio;
	size_t n = k == 0 ? s->ncontacts : k == 1 ? s->nglossary : s->nbiblio;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

struct entry *site_find_entry(const struct site *s, enum target_kind kind, const char *id)
{
	int k = entries_table(kind);
	if (k < 0)
		return NULL;
	if (s->entries_indexed) {
		const struct entry_key *e = find_entry_key(s, k, id, strlen(id));
		return e ? e->target.entry : NULL;
	}
	return scan_entries(s, k, id);
}

int site_find_entry_target(const struct site *s, enum target_kind kind, const char *id,
			   size_t len, struct entry_target *t)
{
	int k = entries_table(kind);
	if (k < 0)
		return 0;
	if (s->entries_indexed) {
		const struct entry_key *e = find_entry_key(s, k, id, len);
		if (!e)
			return 0;
		*t = e->target;
		return 1;
	}
	struct entry *e = scan_entries(s, k, id);
	if (!e)
		return 0;
	*t = (struct entry_target){e, e->out_path, e->anchor,
				   e->out_path ? strlen(e->out_path) : 0, e->anchor ? strlen(e->anchor) : 0};
	return 1;
}

struct taxon *site_find_taxon(struct taxon *v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

const struct heading *doc_find_anchor(const struct doc *d, const char *anchor)
{
	for (size_t i = 0; i < d->nheadings; i++)
		if (strcmp(d->headings[i].anchor, anchor) == 0)
			return &d->headings[i];
	return NULL;
}

/*
 * "%s %d · %s" put together by hand: printf's formatting was most of the
 * cost of an empty link's text (xref fills every one with this), 2 600
 * instructions a title. NULL strings read "(null)", as printf wrote them.
 */
char *doc_display_title(const struct doc *d)
{
	if (d->desc->list != LIST_NUMBERED)
		return xstrdup(d->title);
	const char *label = d->desc->label ? d->desc->label : "(null)";
	const char *title = d->title ? d->title : "(null)";
	char digits[24];
	size_t nd = 0;
	unsigned long long v = d->number < 0 ? 0ULL - (unsigned long long)d->number :
					       (unsigned long long)d->number;
	do
		digits[sizeof digits - 1 - nd++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	if (d->number < 0)
		digits[sizeof digits - 1 - nd++] = '-';
	static const char middle[] = " · ";
	size_t nl = strlen(label), nm = sizeof middle - 1, nt = strlen(title);
	char *out = xmalloc(nl + 1 + nd + nm + nt + 1), *p = out;
	memcpy(p, label, nl);
	p += nl;
	*p++ = ' ';
	memcpy(p, digits + sizeof digits - nd, nd);
	p += nd;
	memcpy(p, middle, nm);
	p += nm;
	memcpy(p, title, nt + 1);
	return out;
}

static void free_taxa(struct taxon *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].label);
		free(v[i].label_html);
		free(v[i].colour);
		free(v[i].description);
		free(v[i].out_path);
		ptrs_free(&v[i].docs);
	}
	free(v);
}

static void free_entries(struct entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].label);
		free(v[i].label_html);
		free(v[i].sigle_html);
		free(v[i].role_html);
		free(v[i].address_html);
		free(v[i].address_map);
		free(v[i].phone_uri);
		free(v[i].email);
		free(v[i].phone);
		free(v[i].website);
		free(v[i].anchor);
		free(v[i].out_path);
		json_decref(v[i].data);
		ptrs_free(&v[i].cited_by);
		ptrs_free(&v[i].actions);
		ptrs_free(&v[i].members);
	}
	free(v);
}

void doc_release_source(struct doc *d)
{
	free(d->body);
	d->body = NULL;
	yaml_marks_free(d->marks);
	d->marks = NULL;
}

void doc_free(struct doc *d)
{
	free(d->path);
	free(d->fs_path);
	free(d->content_key);
	free(d->slug);
	free(d->title);
	free(d->summary);
	free(d->part);
	free(d->status);
	json_decref(d->meta);
	yaml_marks_free(d->marks);
	free(d->body);
	for (size_t i = 0; i < d->nheadings; i++) {
		free(d->headings[i].text);
		free(d->headings[i].anchor);
	}
	free(d->headings);
	for (size_t i = 0; i < d->nanchor_checks; i++)
		free(d->anchor_checks[i].anchor);
	free(d->anchor_checks);
	free(d->out_path);
	struct ptrs *lists[] = {&d->publics, &d->territories, &d->contacts, &d->fm_themes,
				&d->fm_docs, &d->includes, &d->themes, &d->actions, &d->links_to,
				&d->cited_by, &d->related, &d->glossary_used,
				&d->entries_cited};
	for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
		ptrs_free(lists[i]);
	free(d);
}

static void free_yaml_files(struct booklet *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].path);
		json_decref(v[i].data);
		yaml_marks_free(v[i].marks);
	}
	free(v);
}

void site_free(struct site *s)
{
	if (!s)
		return;
	for (int k = 0; k < DOC_KINDS; k++) {
		for (size_t i = 0; i < s->ndocs[k]; i++)
			doc_free(s->docs[k][i]);
		free(s->docs[k]);
	}
	kinds_free_project(s);
	free_taxa(s->logics, s->nlogics);
	free_taxa(s->publics, s->npublics);
	free_taxa(s->territories, s->nterritories);
	free_entries(s->contacts, s->ncontacts);
	free_entries(s->glossary, s->nglossary);
	free_entries(s->biblio, s->nbiblio);
	free_yaml_files(s->booklets, s->nbooklets);
	free_yaml_files(s->kind_files, s->nkind_files);
	for (size_t i = 0; i < s->nmenu; i++) {
		free(s->menu[i].label);
		free(s->menu[i].target);
		free(s->menu[i].section);
	}
	free(s->menu);
	free(s->description);
	for (size_t i = 0; i < s->nemergencies; i++) {
		free(s->emergencies[i].label);
		free(s->emergencies[i].number);
		free(s->emergencies[i].description);
	}
	free(s->emergencies);
	json_decref(s->config);
	json_decref(s->history);
	json_decref(s->hints);
	json_decref(s->lost_ids);
	yaml_marks_free(s->config_marks);
	synonyms_free(s->synonyms);
	json_decref(s->contacts_data);
	json_decref(s->glossary_data);
	json_decref(s->biblio_data);
	yaml_marks_free(s->contacts_marks);
	yaml_marks_free(s->glossary_marks);
	yaml_marks_free(s->biblio_marks);
	for (int k = 0; k < DOC_KINDS; k++) {
		keytab_free(&s->docs_by_slug[k]);
		keytab_free(&s->docs_by_number[k]);
		free(s->doc_keys[k]);
	}
	for (int k = 0; k < 3; k++) {
		keytab_free(&s->entries_by_id[k]);
		free(s->entry_keys[k]);
	}
	if (s->gloss)
		gloss_index_free(s->gloss);
	md_paths_free(s->md_paths);
	site_pages_free(atomic_load(&s->pages));
	free(s->sigles);
	free(s->root);
	free(s->content_dir);
	free(s->content_real);
	free(s->config_path);
	free(s->title);
	free(s->subtitle);
	free(s->title_plain);
	free(s->title_html);
	free(s->subtitle_html);
	free(s->footer_html);
	free(s->language);
	free(s->footer);
	free(s->base_url);
	free(s->contacts_path);
	free(s->glossary_path);
	free(s->biblio_path);
	free(s);
}
