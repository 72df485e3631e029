/* The kinds described as JSON for the editor's forms; see kind_describe_json in kind.h. */
#include "kind.h"
#include "model.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static json_t *choice(const char *id, const char *label)
{
	json_t *c = json_object();
	json_object_set_new(c, "id", json_string(id));
	json_object_set_new(c, "label", json_string(label));
	return c;
}

static void add_doc_choices(json_t *a, const struct site *s, int kind, const char *prefix)
{
	for (size_t i = 0; i < s->ndocs[kind]; i++) {
		const struct doc *d = s->docs[kind][i];
		char *id = prefix ? xasprintf("%s:%s", prefix, d->slug) : xstrdup(d->slug);
		json_t *c = choice(id, d->title);
		if (d->desc->list == LIST_NUMBERED)
			json_object_set_new(c, "number", json_integer(d->number));
		json_array_append_new(a, c);
		free(id);
	}
}

/* What a reference field may name in this site now. */
static json_t *choices(const struct site *s, const struct kind_field *f)
{
	json_t *a = json_array();
	switch (f->type) {
	case FIELD_TAXON: {
		const struct taxon *v = s->territories;
		size_t n = s->nterritories;
		if (strcmp(f->ref, "logics") == 0) {
			v = s->logics;
			n = s->nlogics;
		} else if (strcmp(f->ref, "publics") == 0) {
			v = s->publics;
			n = s->npublics;
		}
		for (size_t i = 0; i < n; i++) {
			json_t *c = choice(v[i].id, v[i].label);
			if (v[i].colour) /* logics: the editor shows each one's colour */
				json_object_set_new(c, "colour", json_string(v[i].colour));
			json_array_append_new(a, c);
		}
		break;
	}
	case FIELD_CONTACT:
		for (size_t i = 0; i < s->ncontacts; i++)
			json_array_append_new(a, choice(s->contacts[i].id, s->contacts[i].label));
		break;
	case FIELD_DOC: {
		int k = site_kind_by_name(s, f->ref, strlen(f->ref));
		if (k >= 0)
			add_doc_choices(a, s, k, NULL);
		break;
	}
	case FIELD_INCLUDE:
		json_array_append_new(a, choice("actions", "Toutes les fiches-actions"));
		json_array_append_new(a, choice("themes", "Toutes les fiches thématiques"));
		add_doc_choices(a, s, DOC_ACTION, kind_builtin(DOC_ACTION)->name);
		add_doc_choices(a, s, DOC_THEME, kind_builtin(DOC_THEME)->name);
		break;
	default:
		json_decref(a);
		return NULL;
	}
	return a;
}

static json_t *field_json(const struct site *s, const struct kind_field *f)
{
	json_t *v = json_object();
	json_object_set_new(v, "name", json_string(f->name));
	json_object_set_new(v, "type", json_string(kind_field_type_names[f->type]));
	json_object_set_new(v, "label", json_string(f->label));
	json_object_set_new(v, "required", json_boolean(f->flags & FIELD_REQUIRED));
	json_object_set_new(v, "list", json_boolean(f->flags & FIELD_LIST));
	if (f->values) {
		json_t *values = json_array();
		for (const struct kind_value *e = f->values; e->id; e++)
			json_array_append_new(values, choice(e->id, e->label));
		json_object_set_new(v, "values", values);
	}
	if (f->type == FIELD_INT || f->type == FIELD_YEAR) {
		json_object_set_new(v, "min", json_integer(f->min ? f->min : 1900));
		json_object_set_new(v, "max", json_integer(f->max ? f->max : 2100));
	}
	if (f->ref)
		json_object_set_new(v, "ref", json_string(f->ref));
	if (f->initial)
		json_object_set_new(v, "initial", json_string(f->initial));
	json_t *c = choices(s, f);
	if (c)
		json_object_set_new(v, "choices", c);
	return v;
}

static json_t *kind_json(const struct site *s, const struct kind *k)
{
	json_t *v = json_object();
	json_object_set_new(v, "name", json_string(k->name));
	json_object_set_new(v, "label", json_string(k->label));
	json_object_set_new(v, "label_plural", json_string(k->label_plural));
	if (k->data_file) {
		json_object_set_new(v, "file", json_string(k->data_file));
	} else {
		json_object_set_new(v, "dir", json_string(k->content_dir));
		const json_t *sections = json_object_get(json_object_get(s->config, "sections"),
							 k->content_dir);
		json_object_set_new(v, "sections", json_is_array(sections) ?
				    json_deep_copy(sections) : json_array());
	}
	json_t *fields = json_array();
	for (const struct kind_field *f = k->fields; f->name; f++)
		json_array_append_new(fields, field_json(s, f));
	json_object_set_new(v, "fields", fields);
	return v;
}

json_t *kind_describe_json(const struct site *s)
{
	json_t *kinds = json_array(), *data = json_array();
	for (size_t k = 0; k < site_nkinds(s); k++)
		json_array_append_new(kinds, kind_json(s, site_kind(s, (int)k)));
	for (int t = TARGET_CONTACT; t <= TARGET_BIBLIO; t++)
		json_array_append_new(data, kind_json(s, kind_data(t)));
	json_t *v = json_object();
	json_object_set_new(v, "kinds", kinds);
	json_object_set_new(v, "data", data);
	return v;
}
