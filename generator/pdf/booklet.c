/*
 * Booklet contents; see booklet.h.
 *
 * One reader, interpret(), serves both the check and the build: given a
 * diag it reports each problem at its file:line:col and goes on, without
 * one it skips what is wrong. The include list is read in order; a
 * document already in the booklet is not added twice, and a guide chapter
 * brings the fiches it includes right after itself.
 */
#include "booklet.h"
#include "layout_words.h"
#include "fold.h"
#include "buf.h"
#include "i18n.h"
#include "schema.h"
#include "hints.h"
#include "suggest.h"
#include "xalloc.h"
#include "yaml.h"

#include <stdlib.h>
#include <string.h>

/* BOOKLET_TOC_MAX as the text of the message about it. */
#define STR_(x) #x
#define STR(x) STR_(x)
#define BOOKLET_TOC_MAX_TEXT STR(BOOKLET_TOC_MAX)

/* Where problems of one definition are reported. */
struct where {
	const struct booklet *def;  /* NULL for ad-hoc selections */
	struct diag *d;             /* NULL: build, definitions already checked */
};

static void report(const struct where *w, const json_t *value, const json_t *parent,
		   const char *key, const char *fmt, const char *arg, const char *hint)
{
	if (!w->d)
		return;
	int line = 0, col = 0;
	const char *path = NULL;
	if (w->def) {
		path = w->def->path;
		if (!value || !w->def->marks || !yaml_marks_find(w->def->marks, value, &line, &col))
			schema_where(w->def->marks, parent, key, &line, &col);
	}
	char *msg = xasprintf(fmt, arg ? arg : "");
	if (hint)
		diag_error(w->d, path, line, col, _("%s (did you mean '%s'?)"), msg, hint);
	else
		diag_error(w->d, path, line, col, "%s", msg);
	free(msg);
}

long booklet_find(const struct book *b, const struct doc *doc)
{
	for (size_t i = 0; i < b->nparts; i++)
		if (b->parts[i].kind == PART_DOC && b->parts[i].doc == doc)
			return (long)i;
	return -1;
}

static void add_part(struct book *b, enum part_kind kind, struct doc *doc)
{
	if (kind == PART_DOC && booklet_find(b, doc) >= 0)
		return;
	for (size_t i = 0; kind != PART_DOC && i < b->nparts; i++)
		if (b->parts[i].kind == kind)
			return;
	if (b->nparts == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 16;
		b->parts = xrealloc(b->parts, b->cap * sizeof *b->parts);
	}
	b->parts[b->nparts++] = (struct part){kind, doc};
}

/* A guide chapter, then the fiches it includes. */
static void add_doc(struct book *b, struct doc *doc)
{
	add_part(b, PART_DOC, doc);
	for (size_t i = 0; i < doc->includes.n; i++)
		add_part(b, PART_DOC, doc->includes.v[i]);
}

void booklet_free(struct book *b)
{
	if (!b)
		return;
	free(b->name);
	free(b->title);
	free(b->subtitle);
	free(b->parts);
}

void booklet_free_all(struct book *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		booklet_free(&v[i]);
	free(v);
}

/* One id (number or slug) of kind k; reports an unknown one. */
static struct doc *find_doc(const struct site *s, const struct where *w, enum doc_kind k,
			    const json_t *v, const json_t *parent, const char *key)
{
	char num[32];
	const char *id = NULL;
	if (json_is_integer(v)) {
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
		id = num;
	} else if (json_is_string(v)) {
		id = json_string_value(v);
	}
	if (!id) {
		report(w, v, parent, key, _("expected a number or an id of a %s"),
		       _(site_kind(s, k)->noun), NULL);
		return NULL;
	}
	struct doc *doc = site_find_doc(s, k, id);
	if (!doc && w->d) {
		const char **ids = xcalloc(s->ndocs[k] + 1, sizeof *ids);
		for (size_t i = 0; i < s->ndocs[k]; i++)
			ids[i] = s->docs[k][i]->slug;
		int line = 0, col = 0;
		if (w->def && (!w->def->marks || !yaml_marks_find(w->def->marks, v, &line, &col)))
			schema_where(w->def->marks, parent, key, &line, &col);
		/* Folded with the links to the same id, with the same hints. */
		hints_report_unknown(w->d, s, (int)k, _(site_kind(s, k)->noun),
				     w->def ? w->def->path : NULL, line, col, id, ids, s->ndocs[k]);
		free(ids);
	}
	return doc;
}

static int has_taxon(const struct ptrs *p, const char *id)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(((struct taxon *)p->v[i])->id, id) == 0)
			return 1;
	return 0;
}

static int has_doc_slug(const struct ptrs *p, const char *slug)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(((struct doc *)p->v[i])->slug, slug) == 0)
			return 1;
	return 0;
}

/* Checks the ids of a list of taxa (publics) or themes; returns the list or NULL. */
static const json_t *id_list(const struct site *s, const struct where *w, const json_t *sel,
			     const char *key)
{
	const json_t *v = json_object_get(sel, key);
	if (!v)
		return NULL;
	if (json_is_string(v)) {
		/* Stand for a one-item list. */
	} else if (!json_is_array(v)) {
		report(w, v, sel, key, _("'%s' must be a list of ids"), key, NULL);
		return NULL;
	}
	size_t n = json_is_array(v) ? json_array_size(v) : 1;
	for (size_t i = 0; i < n; i++) {
		const json_t *item = json_is_array(v) ? json_array_get(v, i) : v;
		const char *id = json_string_value(item);
		int ok = 0;
		if (id && strcmp(key, "publics") == 0)
			ok = site_find_taxon(s->publics, s->npublics, id) != NULL;
		else if (id)
			ok = site_find_doc(s, DOC_THEME, id) != NULL;
		if (!ok && !id) {
			report(w, item, sel, key, strcmp(key, "publics") == 0 ? _("unknown public '%s'") :
			       _("unknown fiche thématique '%s'"), "?", NULL);
		} else if (!ok && w->d) {
			/* With the same hints, folded with the other references to the id. */
			int publics = strcmp(key, "publics") == 0;
			size_t nids = publics ? s->npublics : s->ndocs[DOC_THEME];
			const char **ids = xcalloc(nids + 1, sizeof *ids);
			for (size_t j = 0; j < nids; j++)
				ids[j] = publics ? s->publics[j].id : s->docs[DOC_THEME][j]->slug;
			int line = 0, col = 0;
			if (w->def && (!w->def->marks ||
				       !yaml_marks_find(w->def->marks, item, &line, &col)))
				schema_where(w->def->marks, sel, key, &line, &col);
			hints_report_unknown(w->d, s, publics ? -1 : DOC_THEME,
					     publics ? _("public") : _(site_kind(s, DOC_THEME)->noun),
					     w->def ? w->def->path : NULL, line, col, id, ids, nids);
			free(ids);
		}
	}
	return v;
}

static int matches_list(const json_t *list, const struct ptrs *have, int docs)
{
	if (!list)
		return 1;
	size_t n = json_is_array(list) ? json_array_size(list) : 1;
	for (size_t i = 0; i < n; i++) {
		const char *id = json_string_value(json_is_array(list) ? json_array_get(list, i) : list);
		if (id && (docs ? has_doc_slug(have, id) : has_taxon(have, id)))
			return 1;
	}
	return 0;
}

/* actions: {publics: [...], logic: ID, themes: [...]} or themes: {publics: [...]} */
static void add_selection(const struct site *s, const struct where *w, struct book *b,
			  enum doc_kind k, const json_t *sel)
{
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)sel, key, v) {
		int known = strcmp(key, "publics") == 0 ||
			    (k == DOC_ACTION && (strcmp(key, "logic") == 0 || strcmp(key, "themes") == 0));
		if (!known)
			report(w, NULL, sel, key, _("unknown selection key '%s'"), key, NULL);
	}
	const json_t *publics = id_list(s, w, sel, "publics");
	const json_t *themes = k == DOC_ACTION ? id_list(s, w, sel, "themes") : NULL;
	const json_t *logic = k == DOC_ACTION ? json_object_get(sel, "logic") : NULL;
	if (logic && !json_is_string(logic)) {
		report(w, logic, sel, "logic", _("unknown logique '%s'"), "?", NULL);
		return;
	}
	if (logic && !site_find_taxon(s->logics, s->nlogics, json_string_value(logic))) {
		if (w->d) {
			const char **ids = xcalloc(s->nlogics + 1, sizeof *ids);
			for (size_t j = 0; j < s->nlogics; j++)
				ids[j] = s->logics[j].id;
			int line = 0, col = 0;
			if (w->def && (!w->def->marks ||
				       !yaml_marks_find(w->def->marks, logic, &line, &col)))
				schema_where(w->def->marks, sel, "logic", &line, &col);
			hints_report_unknown(w->d, s, -1, _("logic"), w->def ? w->def->path : NULL,
					     line, col, json_string_value(logic), ids, s->nlogics);
			free(ids);
		}
		return;
	}
	for (size_t i = 0; i < s->ndocs[k]; i++) {
		struct doc *doc = s->docs[k][i];
		if (!matches_list(publics, &doc->publics, 0) || !matches_list(themes, &doc->themes, 1))
			continue;
		if (logic && (!doc->logic || strcmp(doc->logic->id, json_string_value(logic)) != 0))
			continue;
		add_part(b, PART_DOC, doc);
	}
}

/* all | ID | [IDs] | {selection} for one kind of document. */
static void add_docs(const struct site *s, const struct where *w, struct book *b,
		     enum doc_kind k, const json_t *v, const json_t *item, const char *key)
{
	if (!v || (json_is_string(v) && strcmp(json_string_value(v), "all") == 0)) {
		for (size_t i = 0; i < s->ndocs[k]; i++)
			add_doc(b, s->docs[k][i]);
	} else if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			struct doc *doc = find_doc(s, w, k, json_array_get(v, i), item, key);
			if (doc)
				add_doc(b, doc);
		}
	} else if (json_is_object(v) && (k == DOC_ACTION || k == DOC_THEME)) {
		add_selection(s, w, b, k, v);
	} else if (json_is_string(v) || json_is_integer(v)) {
		struct doc *doc = find_doc(s, w, k, v, item, key);
		if (doc)
			add_doc(b, doc);
	} else {
		report(w, v, item, key, _("'%s' must be 'all', an id or a list of ids"), key, NULL);
	}
}

static void add_appendix(const struct where *w, struct book *b, enum part_kind kind,
			 const json_t *v, const json_t *item, const char *key)
{
	/* "- glossary" (no value), "- glossary:" (null) and "- glossary: true" alike. */
	if (!v || json_is_true(v) || json_is_null(v))
		add_part(b, kind, NULL);
	else if (!json_is_false(v))
		report(w, v, item, key, _("'%s' must be true or false"), key, NULL);
}

/* Appendices; the kinds of documents are included by their content directory's name. */
static const char *const appendix_keys[] = {"glossary", "contacts", "bibliography"};
static const enum part_kind appendix_parts[] = {PART_GLOSSARY, PART_CONTACTS, PART_BIBLIO};

static void add_include(const struct site *s, const struct where *w, struct book *b,
			const json_t *item)
{
	const char *key = NULL;
	const json_t *v = NULL;
	if (json_is_string(item)) {
		/* "- glossary" written without a value. */
		key = json_string_value(item);
	} else if (json_is_object(item) && json_object_size(item) == 1) {
		void *it = json_object_iter((json_t *)item);
		key = json_object_iter_key(it);
		v = json_object_iter_value(it);
	} else {
		report(w, item, NULL, NULL, _("each include item must be a mapping with one key"),
		       NULL, NULL);
		return;
	}
	const char *keys[DOC_KINDS + 3];
	size_t nkeys = 0;
	for (size_t k = 0; k < site_nkinds(s); k++) {
		keys[nkeys++] = site_kind(s, (int)k)->content_dir;
		if (strcmp(key, site_kind(s, (int)k)->content_dir) == 0) {
			add_docs(s, w, b, (enum doc_kind)k, v, item, key);
			return;
		}
	}
	for (size_t i = 0; i < sizeof appendix_keys / sizeof *appendix_keys; i++) {
		keys[nkeys++] = appendix_keys[i];
		if (strcmp(key, appendix_keys[i]) == 0) {
			add_appendix(w, b, appendix_parts[i], v, item, key);
			return;
		}
	}
	report(w, json_is_string(item) ? item : NULL, item, key, _("unknown include '%s'"), key,
	       suggest_closest(key, keys, nkeys));
}

static char *opt_string(const struct where *w, const json_t *data, const char *key)
{
	const json_t *v = json_object_get(data, key);
	if (!v)
		return NULL;
	if (!json_is_string(v)) {
		report(w, v, data, key, _("'%s' must be text"), key, NULL);
		return NULL;
	}
	return xstrdup(json_string_value(v));
}

static int opt_bool(const struct where *w, const json_t *data, const char *key)
{
	const json_t *v = json_object_get(data, key);
	if (v && !json_is_boolean(v))
		report(w, v, data, key, _("'%s' must be true or false"), key, NULL);
	return json_is_true(v);
}

static const char *const def_keys[] = {"title", "subtitle", "format", "impose", "summaries",
				       "sommaire", "include", "panels"};

int booklet_toc_depth(const struct book *b)
{
	if (b->toc_depth)
		return b->toc_depth;
	for (size_t i = 0; i < b->nparts; i++)
		if (b->parts[i].doc && b->parts[i].doc->desc->list == LIST_ORDERED)
			return 2;
	return 1;
}

/* Reads a definition; with w->d set, reports every problem. */
static void interpret(const struct site *s, const struct where *w, struct book *b)
{
	const json_t *data = w->def->data;
	b->name = xstrdup(w->def->name);
	if (!json_is_object(data)) {
		report(w, data, NULL, NULL, _("a booklet definition must be a mapping"), NULL, NULL);
		b->title = xstrdup(b->name);
		return;
	}
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)data, key, v) {
		int known = 0;
		for (size_t i = 0; i < sizeof def_keys / sizeof *def_keys; i++)
			known |= strcmp(key, def_keys[i]) == 0;
		if (!known)
			report(w, NULL, data, key, _("unknown booklet key '%s'"), key,
			       suggest_closest(key, def_keys, sizeof def_keys / sizeof *def_keys));
	}
	b->title = opt_string(w, data, "title");
	if (!b->title) {
		if (!json_object_get(data, "title"))
			report(w, NULL, data, NULL, _("a booklet needs a 'title'"), NULL, NULL);
		b->title = xstrdup(b->name);
	}
	b->subtitle = opt_string(w, data, "subtitle");
	char *format = opt_string(w, data, "format");
	b->def = w->def;
	b->fold = format && strcmp(format, "depliant") == 0 ? FOLD_DEPLIANT :
		  format && strcmp(format, "plaquette") == 0 ? FOLD_PLAQUETTE : FOLD_NONE;
	if (format && !b->fold && strcmp(format, "a5") != 0 && strcmp(format, "a4") != 0)
		report(w, json_object_get(data, "format"), data, "format",
		       _("format must be 'a4', 'a5', 'depliant' or 'plaquette', not '%s'"), format, NULL);
	/* A plaquette is A5 pages, always imposed: its A4 sheet is what gets printed. */
	b->a5 = (format && strcmp(format, "a5") == 0) || b->fold == FOLD_PLAQUETTE;
	free(format);
	b->impose = opt_bool(w, data, "impose") || b->fold == FOLD_PLAQUETTE;
	if (b->impose && !b->a5)
		report(w, json_object_get(data, "impose"), data, "impose",
		       _("'impose' needs 'format: a5' (two A5 pages on each A4 sheet)%s"), "", NULL);
	b->summaries = opt_bool(w, data, "summaries");
	const json_t *depth = json_object_get(data, "sommaire");
	if (depth && (!json_is_integer(depth) || json_integer_value(depth) < 1 ||
		      json_integer_value(depth) > BOOKLET_TOC_MAX))
		report(w, depth, data, "sommaire", _("'sommaire' must be a number from 1 to %s"),
		       BOOKLET_TOC_MAX_TEXT, NULL);
	else if (depth)
		b->toc_depth = (int)json_integer_value(depth);
	if (b->fold || json_object_get(data, "panels")) {
		/* A leaflet's content is its panels (fold.c reads and checks them). */
		if (w->d)
			fold_check(s, w->def, b->fold, w->d);
		return;
	}
	const json_t *inc = json_object_get(data, "include");
	if (!json_is_array(inc)) {
		report(w, inc, data, "include", _("a booklet needs an 'include' list%s"), "", NULL);
		return;
	}
	for (size_t i = 0; i < json_array_size(inc); i++)
		add_include(s, w, b, json_array_get(inc, i));
	if (b->nparts == 0)
		report(w, inc, data, "include", _("this booklet includes nothing%s"), "", NULL);
}

void booklet_check(const struct site *s, struct diag *d)
{
	for (size_t i = 0; i < s->nbooklets; i++) {
		struct where w = {&s->booklets[i], d};
		struct book b = {0};
		interpret(s, &w, &b);
		booklet_free(&b);
	}
}

static void add_all(const struct site *s, struct book *b, enum doc_kind k)
{
	for (size_t i = 0; i < s->ndocs[k]; i++)
		add_part(b, PART_DOC, s->docs[k][i]);
}

static struct book *push(struct book **v, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 32;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	struct book *b = &(*v)[(*n)++];
	memset(b, 0, sizeof *b);
	return b;
}

static const struct booklet *find_def(const struct site *s, const char *name)
{
	for (size_t i = 0; i < s->nbooklets; i++)
		if (strcmp(s->booklets[i].name, name) == 0)
			return &s->booklets[i];
	return NULL;
}

/* The three automatic booklets, by name. */
static int automatic(const struct site *s, const char *name, struct book *b)
{
	if (strcmp(name, "fiches-actions") == 0) {
		b->title = xstrdup(kind_builtin(DOC_ACTION)->label_plural);
		add_all(s, b, DOC_ACTION);
	} else if (strcmp(name, "fiches-thematiques") == 0) {
		b->title = xstrdup(kind_builtin(DOC_THEME)->label_plural);
		add_all(s, b, DOC_THEME);
	} else if (strcmp(name, "guide-complet") == 0) {
		b->title = xstrdup(s->title ? s->title : WORDS_GUIDE);
		for (size_t i = 0; i < s->ndocs[DOC_GUIDE]; i++)
			add_doc(b, s->docs[DOC_GUIDE][i]);
		/* Fiches no chapter includes come after the chapters, by series. */
		add_all(s, b, DOC_ACTION);
		add_all(s, b, DOC_THEME);
		add_part(b, PART_CONTACTS, NULL);
		add_part(b, PART_BIBLIO, NULL);
	} else {
		return 0;
	}
	b->name = xstrdup(name);
	if (strcmp(name, "guide-complet") != 0)
		b->subtitle = xstrdup(s->title ? s->title : "");
	else if (s->subtitle)
		b->subtitle = xstrdup(s->subtitle);
	add_part(b, PART_GLOSSARY, NULL);
	return 1;
}

static const char *const auto_names[] = {"fiches-actions", "fiches-thematiques", "guide-complet"};

struct book *booklet_site(const struct site *s, size_t *n)
{
	struct book *v = NULL;
	size_t cap = 0;
	*n = 0;
	for (size_t k = 0; k < site_nkinds(s); k++) {
		for (size_t i = 0; i < s->ndocs[k]; i++) {
			struct doc *doc = s->docs[k][i];
			char *name = kind_pdf_name(doc);
			if (!name)
				break;
			struct book *b = push(&v, n, &cap);
			b->name = name;
			b->title = xstrdup(doc->title);
			b->single = 1;
			add_part(b, PART_DOC, doc);
		}
	}
	for (size_t i = 0; i < sizeof auto_names / sizeof *auto_names; i++) {
		if (find_def(s, auto_names[i]))
			continue;
		struct book *b = push(&v, n, &cap);
		automatic(s, auto_names[i], b);
	}
	for (size_t i = 0; i < s->nbooklets; i++) {
		struct where w = {&s->booklets[i], NULL};
		struct book *b = push(&v, n, &cap);
		interpret(s, &w, b);
		if (b->nparts == 0 && !b->fold) {
			booklet_free(b);
			(*n)--;
		}
	}
	return v;
}

/* "action:6,theme:cadre-de-vie,guide:introduction,page:x" */
static int add_ids(const struct site *s, struct book *b, const char *ids, struct diag *d)
{
	int ok = 1;
	char *copy = xstrdup(ids), *save = NULL;
	for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		char *colon = strchr(tok, ':');
		int k = colon ? site_kind_by_name(s, tok, (size_t)(colon - tok)) : -1;
		struct doc *doc = k >= 0 ? site_find_doc(s, (enum doc_kind)k, colon + 1) : NULL;
		if (!doc) {
			diag_error(d, NULL, 0, 0, _("--ids: unknown document '%s' (write action:N, theme:ID, guide:ID or page:ID)"),
				   tok);
			ok = 0;
			continue;
		}
		add_doc(b, doc);
	}
	free(copy);
	return ok;
}

struct book *booklet_adhoc(const struct site *s, const struct pdf_adhoc *sel, struct diag *d)
{
	struct book *b = xcalloc(1, sizeof *b);
	struct buf title = BUF_INIT;
	int ok = 1;
	if (sel->def) {
		struct where w = {sel->def, d};
		size_t before = diag_errors(d);
		interpret(s, &w, b);
		if (diag_errors(d) > before)
			ok = 0;
	} else if (sel->name) {
		const struct booklet *def = find_def(s, sel->name);
		if (def) {
			struct where w = {def, d};
			interpret(s, &w, b);
		} else if (!automatic(s, sel->name, b)) {
			diag_error(d, NULL, 0, 0, _("unknown booklet '%s': name a file of content/booklets/ or guide-complet, fiches-actions, fiches-thematiques"),
				   sel->name);
			ok = 0;
		}
	} else {
		b->name = xstrdup("selection");
	}
	for (size_t i = 0; i < sel->nthemes; i++) {
		struct doc *theme = site_find_doc(s, DOC_THEME, sel->themes[i]);
		if (!theme) {
			diag_error(d, NULL, 0, 0, _("--theme: unknown fiche thématique '%s'"), sel->themes[i]);
			ok = 0;
			continue;
		}
		add_part(b, PART_DOC, theme);
		for (size_t j = 0; j < theme->actions.n; j++)
			add_part(b, PART_DOC, theme->actions.v[j]);
		buf_printf(&title, "%s%s", title.len ? ", " : "", theme->title);
	}
	if (sel->logic) {
		struct taxon *t = site_find_taxon(s->logics, s->nlogics, sel->logic);
		if (!t) {
			diag_error(d, NULL, 0, 0, _("--logic: unknown logique '%s'"), sel->logic);
			ok = 0;
		} else {
			for (size_t j = 0; j < t->docs.n; j++)
				add_part(b, PART_DOC, t->docs.v[j]);
			buf_printf(&title, "%s%s", title.len ? ", " : "", t->label);
		}
	}
	if (sel->public_id) {
		struct taxon *t = site_find_taxon(s->publics, s->npublics, sel->public_id);
		if (!t) {
			diag_error(d, NULL, 0, 0, _("--public: unknown public '%s'"), sel->public_id);
			ok = 0;
		} else {
			for (size_t j = 0; j < t->docs.n; j++)
				add_part(b, PART_DOC, t->docs.v[j]);
			buf_printf(&title, "%sPour les %s", title.len ? ", " : "", t->label);
		}
	}
	if (sel->ids && !add_ids(s, b, sel->ids, d))
		ok = 0;
	if (!sel->name && !sel->def)
		add_part(b, PART_GLOSSARY, NULL);
	if (ok && b->nparts == 0 && !b->fold) {
		diag_error(d, NULL, 0, 0, _("the selection holds no document"));
		ok = 0;
	}
	if (sel->title) {
		free(b->title);
		b->title = xstrdup(sel->title);
	} else if (!b->title) {
		b->title = title.len ? xstrdup(title.data) : xstrdup(WORDS_SELECTION);
		b->subtitle = xstrdup(s->title ? s->title : "");
	}
	buf_free(&title);
	/* A leaflet's format and imposition are its fold's. */
	if (sel->a5 >= 0 && !b->fold)
		b->a5 = sel->a5;
	if (sel->impose >= 0 && !b->fold)
		b->impose = sel->impose;
	if (b->impose)
		b->a5 = 1;
	if (!ok) {
		booklet_free(b);
		free(b);
		return NULL;
	}
	return b;
}
