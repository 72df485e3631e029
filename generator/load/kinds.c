/*
 * A project's own kinds of document, declared in site.yaml `kinds:` in the
 * shape of the built-in descriptors (kind.h), read before the documents
 * are loaded so that content/DIR/ is loaded like the built-in directories:
 *
 *   kinds:
 *     - name: ressource              # link scheme (ressource:3), `fiches new ressource`
 *       label: Fiche-ressource
 *       label_plural: Fiches-ressources
 *       dir: ressources              # content/ressources/NN-slug.md
 *       out_dir: fiches-ressources   # pages (default: dir)
 *       template: ressource          # templates/ressource.mustache (default: name)
 *       list_template: list-ressources  # list page out_dir/index.html (optional)
 *       list: numbered               # numbered | ordered | plain
 *       search: true
 *       fields:
 *         - {name: number, type: int, required: true, min: 1, max: 999}
 *         - {name: title, type: text, required: true, label: Titre}
 *         - {name: support, type: enum, values: [{id: livre, label: Livre}]}
 *         - {name: actions, type: doc, ref: action, list: true}
 *
 * Each mistake is one error at its line; a kind with an error is left out.
 */
#include "kinds.h"
#include "i18n.h"
#include "schema.h"
#include "slug.h"
#include "suggest.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kctx {
	struct site *s;
	struct diag *d;
	const char *path;               /* the file holding the descriptions */
	const struct yaml_marks *marks;
	int bad;        /* the kind being read has an error */
};

static void error_at(struct kctx *c, const json_t *obj, const char *key, const char *fmt,
		     const char *a, const char *b)
{
	int line, col;
	schema_where(c->marks, obj, key, &line, &col);
	diag_error(c->d, c->path, line, col, fmt, a, b);
	c->bad = 1;
}

static void unknown(struct kctx *c, const json_t *obj, const char *key, const char *what,
		    const char *value, const char *const *known, size_t n)
{
	const char *best = suggest_closest(value, known, n);
	int line, col;
	schema_where(c->marks, obj, key, &line, &col);
	if (best)
		diag_error(c->d, c->path, line, col, _("unknown %s '%s' (did you mean '%s'?)"), what,
			   value, best);
	else
		diag_error(c->d, c->path, line, col, _("unknown %s '%s'"), what, value);
	c->bad = 1;
}

/* A text member, or def when absent; NULL (reported) when required and absent, or not text. */
static char *text(struct kctx *c, const json_t *obj, const char *key, const char *def)
{
	const json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v)) {
		if (!def)
			error_at(c, obj, NULL, _("missing required field '%s'"), key, NULL);
		return def ? xstrdup(def) : NULL;
	}
	if (!json_is_string(v) || !*json_string_value(v)) {
		error_at(c, obj, key, _("field '%s' must be text, not %s"), key,
			 json_is_string(v) ? _("empty") : schema_type_name(v));
		return NULL;
	}
	return xstrdup(json_string_value(v));
}

static int flag(struct kctx *c, const json_t *obj, const char *key, int def)
{
	const json_t *v = json_object_get(obj, key);
	if (!v)
		return def;
	if (!json_is_boolean(v)) {
		error_at(c, obj, key, _("field '%s' must be true or false"), key, NULL);
		return def;
	}
	return json_is_true(v);
}

static const char *const taxonomies[] = {"logics", "publics", "territories"};

static void free_values(struct kind_value *v)
{
	for (size_t i = 0; v && v[i].id; i++) {
		free((char *)v[i].id);
		free((char *)v[i].label);
	}
	free(v);
}

static void free_field(struct kind_field *f)
{
	free((char *)f->name);
	free((char *)f->label);
	free((char *)f->ref);
	free((char *)f->noun);
	free((char *)f->initial);
	free_values((struct kind_value *)f->values);
	memset(f, 0, sizeof *f);
}

static void free_fields(struct kind_field *f)
{
	for (size_t i = 0; f && f[i].name; i++)
		free_field(&f[i]);
	free(f);
}

static void free_kind(struct kind *k)
{
	char *strings[] = {(char *)k->name, (char *)k->label, (char *)k->label_plural,
			   (char *)k->label_lower, (char *)k->noun, (char *)k->unknown_fmt,
			   (char *)k->content_dir, (char *)k->out_dir, (char *)k->page_template,
			   (char *)k->list_template, (char *)k->new_file};
	for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
		free(strings[i]);
	free_fields((struct kind_field *)k->fields);
}

/* values: [{id, label}] or [id, …] (the id is then its label). */
static struct kind_value *read_values(struct kctx *c, const json_t *field)
{
	const json_t *list = json_object_get(field, "values");
	if (!json_is_array(list) || !json_array_size(list)) {
		error_at(c, field, list ? "values" : NULL,
			 _("an enum field needs 'values', a list of {id, label}%s"), "", NULL);
		return NULL;
	}
	struct kind_value *v = xcalloc(json_array_size(list) + 1, sizeof *v);
	size_t i, n = 0;
	const json_t *item;
	json_array_foreach(list, i, item) {
		char *id = json_is_string(item) ? xstrdup(json_string_value(item)) :
			   json_is_object(item) ? text(c, item, "id", NULL) : NULL;
		if (!id || !slug_is_valid(id)) {
			error_at(c, item, NULL, _("id '%s' must be lower-case letters, digits and '-'"),
				 id ? id : "?", NULL);
			free(id);
			continue;
		}
		v[n].id = id;
		v[n++].label = json_is_object(item) ? text(c, item, "label", id) : xstrdup(id);
	}
	return v;
}

static void read_field(struct kctx *c, const json_t *item, struct kind_field *f)
{
	f->name = text(c, item, "name", NULL);
	char *type = text(c, item, "type", "text");
	size_t t;
	for (t = 0; type && t < FIELD_TYPES; t++)
		if (kind_field_type_names[t] && strcmp(type, kind_field_type_names[t]) == 0)
			break;
	if (type && t == FIELD_TYPES)
		unknown(c, item, "type", _("field type"), type, kind_field_type_names, FIELD_TYPES);
	f->type = t < FIELD_TYPES ? (enum field_type)t : FIELD_TEXT;
	free(type);
	f->flags = (flag(c, item, "required", 0) ? FIELD_REQUIRED : 0) |
		   (flag(c, item, "list", 0) ? FIELD_LIST : 0);
	f->label = text(c, item, "label", f->name ? f->name : "");
	f->noun = text(c, item, "noun", f->label);
	f->initial = json_is_string(json_object_get(item, "initial")) ?
		     xstrdup(json_string_value(json_object_get(item, "initial"))) : NULL;
	const json_t *min = json_object_get(item, "min"), *max = json_object_get(item, "max");
	f->min = json_is_integer(min) ? (int)json_integer_value(min) : 0;
	f->max = json_is_integer(max) ? (int)json_integer_value(max) : 99999;
	if (f->type == FIELD_ENUM)
		f->values = read_values(c, item);
	if (f->type == FIELD_TAXON || f->type == FIELD_DOC)
		f->ref = text(c, item, "ref", NULL);
	if (f->type == FIELD_TAXON && f->ref) {
		size_t k;
		for (k = 0; k < 3 && strcmp(f->ref, taxonomies[k]); k++)
			;
		if (k == 3) {
			unknown(c, item, "ref", _("taxonomy"), f->ref, taxonomies, 3);
			free((char *)f->ref);
			f->ref = NULL;
		}
	}
	if (f->type == FIELD_INCLUDE || f->type == FIELD_STRINGS)
		f->flags |= FIELD_LIST;
}

static struct kind_field *read_fields(struct kctx *c, const json_t *desc)
{
	const json_t *list = json_object_get(desc, "fields");
	size_t n = json_array_size(list);
	if (list && !json_is_array(list))
		error_at(c, desc, "fields", _("field '%s' must be a list, not %s"), "fields",
			 _("a mapping"));
	/* Room for a slug field added at the end: every document may set its slug. */
	struct kind_field *f = xcalloc(n + 2, sizeof *f);
	size_t i, m = 0;
	const json_t *item;
	int has_slug = 0;
	json_array_foreach(list, i, item) {
		if (!json_is_object(item)) {
			error_at(c, item, NULL, _("each field must be a mapping with a name and a type%s"),
				 "", NULL);
			continue;
		}
		/* A mistake in a field is reported and the field kept, read as text if need be. */
		int bad = c->bad;
		read_field(c, item, &f[m]);
		c->bad = bad;
		if (f[m].type == FIELD_ENUM && !f[m].values)
			f[m].type = FIELD_TEXT;
		if ((f[m].type == FIELD_TAXON || f[m].type == FIELD_DOC) && !f[m].ref)
			f[m].type = FIELD_TEXT;
		if (!f[m].name) {
			free_field(&f[m]);
			continue;
		}
		has_slug |= strcmp(f[m].name, "slug") == 0;
		m++;
	}
	if (!has_slug)
		f[m] = (struct kind_field){.name = xstrdup("slug"), .type = FIELD_SLUG,
					   .label = xstrdup("Identifiant (adresse de la page)")};
	return f;
}

/* A name, directory or output directory another kind (or the site) already uses. */
static int taken(const struct site *s, const char *name, const char *dir, const char *out_dir)
{
	static const char *const reserved[] = {"contact", "glossary", "biblio", "http", "https",
					       "mailto", "contacts", "logiques", "publics",
					       "territoires", "pdf", "print", "assets", "media",
					       "booklets", "kinds", NULL};
	for (size_t k = 0; k < site_nkinds(s); k++) {
		const struct kind *o = site_kind(s, (int)k);
		const char *used[] = {o->name, o->content_dir, o->out_dir};
		for (size_t i = 0; i < 3; i++)
			if ((name && !strcmp(name, used[i])) || (dir && !strcmp(dir, used[i])) ||
			    (out_dir && !strcmp(out_dir, used[i])))
				return 1;
	}
	for (size_t i = 0; reserved[i]; i++)
		if ((name && !strcmp(name, reserved[i])) || (dir && !strcmp(dir, reserved[i])) ||
		    (out_dir && !strcmp(out_dir, reserved[i])))
			return 1;
	return 0;
}

static const char *const list_names[] = {"numbered", "ordered", "plain"};

static void read_kind(struct kctx *c, const json_t *desc, const char *default_name,
		      struct kind *k)
{
	k->name = text(c, desc, "name", default_name);
	k->label = text(c, desc, "label", NULL);
	k->content_dir = text(c, desc, "dir", NULL);
	if (!k->name || !k->label || !k->content_dir)
		return;
	const char *checked[] = {"name", "dir", "out_dir"};
	k->out_dir = text(c, desc, "out_dir", k->content_dir);
	const char *values[] = {k->name, k->content_dir, k->out_dir};
	for (size_t i = 0; i < 3; i++) {
		if (values[i] && !slug_is_valid(values[i]))
			error_at(c, desc, checked[i],
				 _("id '%s' must be lower-case letters, digits and '-'"), values[i], NULL);
	}
	if (!c->bad && taken(c->s, k->name, k->content_dir, k->out_dir))
		error_at(c, desc, "name", _("kind '%s': its name, dir or out_dir is already used by the site"),
			 k->name, NULL);
	k->label_plural = text(c, desc, "label_plural", k->label);
	k->label_lower = text(c, desc, "label_lower", k->label);
	k->noun = text(c, desc, "noun", k->label_lower);
	k->page_template = text(c, desc, "template", k->name);
	const json_t *lt = json_object_get(desc, "list_template");
	k->list_template = lt ? text(c, desc, "list_template", NULL) : NULL;
	char *list = text(c, desc, "list", "numbered");
	size_t l;
	for (l = 0; list && l < 3 && strcmp(list, list_names[l]); l++)
		;
	if (list && l == 3)
		unknown(c, desc, "list", _("list style"), list, list_names, 3);
	k->list = l == 1 ? LIST_ORDERED : l == 2 ? LIST_PLAIN : LIST_NUMBERED;
	free(list);
	if (k->list == LIST_NUMBERED)
		k->new_file = xstrdup("%02d-%s.md");
	k->front_matter = flag(c, desc, "front_matter", 1);
	/*
	 * search: true (the weight of the built-in fiches) | false | a whole
	 * weight 0–10 (3: half as relevant as a fiche, whose weight is 6).
	 */
	const json_t *search = json_object_get(desc, "search");
	if (json_is_integer(search) && json_integer_value(search) >= 0 &&
	    json_integer_value(search) <= 10)
		k->search_weight = (int)json_integer_value(search);
	else
		k->search_weight = flag(c, desc, "search", 1) ? KIND_SEARCH_DOCUMENT : 0;
	k->fields = read_fields(c, desc);
	if (k->list == LIST_NUMBERED && !kind_field(k, "number"))
		error_at(c, desc, "fields", _("kind '%s' is numbered: it needs a 'number' field of type int%s"),
			 k->name, "");
}

/* References to kinds, checked once every kind is known. */
static void check_refs(struct site *s, struct diag *d)
{
	for (size_t k = DOC_BUILTIN; k < site_nkinds(s); k++) {
		const struct kind *desc = site_kind(s, (int)k);
		const struct kind_source *src = &s->kind_sources[k - DOC_BUILTIN];
		struct kctx c = {s, d, src->path, src->marks, 0};
		const json_t *fields = json_object_get(src->desc, "fields");
		size_t i = 0;
		for (const struct kind_field *f = desc->fields; f->name; f++, i++) {
			if (f->type != FIELD_DOC || !f->ref ||
			    site_kind_by_name(s, f->ref, strlen(f->ref)) >= 0)
				continue;
			const char *names[DOC_KINDS];
			for (size_t j = 0; j < site_nkinds(s); j++)
				names[j] = site_kind(s, (int)j)->name;
			unknown(&c, json_array_get(fields, i), "ref", _("kind"), f->ref, names,
				site_nkinds(s));
		}
	}
}

/* One description; a kind with a mistake is left out. */
static void add_kind(struct kctx *c, const json_t *desc, const char *default_name)
{
	c->bad = 0;
	if (site_nkinds(c->s) == DOC_KINDS) {
		char max[16];
		snprintf(max, sizeof max, "%d", DOC_KINDS - DOC_BUILTIN);
		error_at(c, desc, NULL, _("too many kinds: a project may add at most %s%s"), max, "");
		return;
	}
	if (!json_is_object(desc)) {
		error_at(c, desc, NULL, _("each kind must be a mapping with at least name, label and dir%s"),
			 "", NULL);
		return;
	}
	struct site *s = c->s;
	s->extra_kinds = xrealloc(s->extra_kinds, (s->nextra_kinds + 1) * sizeof *s->extra_kinds);
	s->kind_sources = xrealloc(s->kind_sources, (s->nextra_kinds + 1) * sizeof *s->kind_sources);
	struct kind *k = &s->extra_kinds[s->nextra_kinds];
	memset(k, 0, sizeof *k);
	read_kind(c, desc, default_name, k);
	if (c->bad) {
		/* Links to it are not reported again, one per link. */
		if (k->name)
			ptrs_add(&s->dropped_kinds, xstrdup(k->name));
		free_kind(k);
		return;
	}
	/* Diagnostics name the kind; a '%' in its noun must not become a conversion. */
	char *escaped = xcalloc(2 * strlen(k->noun) + 1, 1), *w = escaped;
	for (const char *p = k->noun; *p; p++) {
		if (*p == '%')
			*w++ = '%';
		*w++ = *p;
	}
	k->unknown_fmt = xasprintf("pas de %s \u00ab\u202f%%s\u202f\u00bb", escaped);
	free(escaped);
	s->kind_sources[s->nextra_kinds++] = (struct kind_source){c->path, c->marks, desc};
}

void kinds_add(struct site *s, const char *path, const struct yaml_marks *marks,
	       const json_t *value, const char *name, struct diag *d)
{
	struct kctx c = {s, d, path, marks, 0};
	if (name) {
		add_kind(&c, value, name);
		return;
	}
	if (!json_is_array(value)) {
		error_at(&c, s->config, "kinds", _("field '%s' must be a list, not %s"), "kinds",
			 _("a mapping"));
		return;
	}
	size_t i;
	const json_t *desc;
	json_array_foreach(value, i, desc)
		add_kind(&c, desc, NULL);
}

void kinds_finish(struct site *s, struct diag *d)
{
	check_refs(s, d);
}

void kinds_free_project(struct site *s)
{
	for (size_t i = 0; i < s->nextra_kinds; i++)
		free_kind(&s->extra_kinds[i]);
	for (size_t i = 0; i < s->dropped_kinds.n; i++)
		free(s->dropped_kinds.v[i]);
	ptrs_free(&s->dropped_kinds);
	free(s->extra_kinds);
	free(s->kind_sources);
	s->kind_sources = NULL;
	s->extra_kinds = NULL;
	s->nextra_kinds = 0;
}
