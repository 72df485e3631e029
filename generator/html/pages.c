/* The page plan; see pages.h. Order is fixed so output is reproducible. */
#include "pages.h"
#include "xalloc.h"

#include <stdlib.h>

static void add(struct page_plan *p, size_t *cap, enum page_kind kind, char *path,
		const char *tmpl, const void *subject, int taxa_kind)
{
	if (p->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		p->pages = xrealloc(p->pages, *cap * sizeof *p->pages);
	}
	p->pages[p->n++] = (struct page){kind, path, tmpl, subject, taxa_kind};
}

/* See PAGES_WHAT_TO_DO_ANCHOR in pages.h. */
static int pages_has_what_to_do(const struct site *s)
{
	if (s->nemergencies)
		return 1;
	for (size_t i = 0; i < s->ndocs[DOC_THEME]; i++)
		if (doc_find_anchor(s->docs[DOC_THEME][i], PAGES_WHAT_TO_DO_ANCHOR))
			return 1;
	return 0;
}

struct page_plan pages_plan(const struct site *s)
{
	struct page_plan p = {NULL, 0, 0};
	size_t cap = 0;
	add(&p, &cap, PAGE_HOME, xstrdup("index.html"), "home", NULL, 0);
	add(&p, &cap, PAGE_LIST_ACTIONS, xstrdup("fiches-actions/index.html"), "list-actions", NULL, 0);
	add(&p, &cap, PAGE_LIST_THEMES, xstrdup("fiches-thematiques/index.html"), "list-themes", NULL, 0);
	add(&p, &cap, PAGE_GUIDE_INDEX, xstrdup("guide/index.html"), "guide-index", NULL, 0);
	if (s->ndocs[DOC_PAGE])
		add(&p, &cap, PAGE_PAGES_INDEX, xstrdup("pages/index.html"), "pages-index", NULL, 0);
	/* The built-in kinds' lists are above, with their own templates. */
	for (size_t k = DOC_BUILTIN; k < site_nkinds(s); k++) {
		const struct kind *desc = site_kind(s, (int)k);
		if (desc->list_template)
			add(&p, &cap, PAGE_LIST_KIND, xasprintf("%s/index.html", desc->out_dir),
			    desc->list_template, NULL, (int)k);
	}
	for (size_t k = 0; k < site_nkinds(s); k++)
		for (size_t i = 0; i < s->ndocs[k]; i++)
			add(&p, &cap, PAGE_DOC, xstrdup(s->docs[k][i]->out_path),
			    s->docs[k][i]->desc->page_template, s->docs[k][i], 0);
	add(&p, &cap, PAGE_CONTACTS, xstrdup("contacts/index.html"), "contacts", NULL, 0);
	for (size_t i = 0; i < s->ncontacts; i++)
		add(&p, &cap, PAGE_CONTACT, xstrdup(s->contacts[i].out_path), "contact",
		    &s->contacts[i], 0);
	add(&p, &cap, PAGE_GLOSSARY, xstrdup("glossaire.html"), "glossary", NULL, 0);
	add(&p, &cap, PAGE_BIBLIO, xstrdup("bibliographie.html"), "bibliography", NULL, 0);
	static const char *const taxa_dirs[3] = {"logiques", "publics", "territoires"};
	const struct taxon *taxa[3] = {s->logics, s->publics, s->territories};
	size_t ntaxa[3] = {s->nlogics, s->npublics, s->nterritories};
	for (int t = 0; t < 3; t++) {
		add(&p, &cap, PAGE_TAXA_INDEX, xasprintf("%s/index.html", taxa_dirs[t]), "taxa", NULL, t);
		for (size_t i = 0; i < ntaxa[t]; i++)
			add(&p, &cap, PAGE_TAXON, xstrdup(taxa[t][i].out_path), "taxon", &taxa[t][i], t);
	}
	p.has_what_to_do = pages_has_what_to_do(s);
	if (p.has_what_to_do)
		add(&p, &cap, PAGE_WHAT_TO_DO, xstrdup(PAGES_WHAT_TO_DO_PATH), "que-faire", NULL, 0);
	add(&p, &cap, PAGE_SEARCH, xstrdup("recherche.html"), "search", NULL, 0);
	add(&p, &cap, PAGE_NOT_FOUND, xstrdup("404.html"), "404", NULL, 0);
	return p;
}

void pages_free(struct page_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++)
		free(plan->pages[i].path);
	free(plan->pages);
	plan->pages = NULL;
	plan->n = 0;
}
