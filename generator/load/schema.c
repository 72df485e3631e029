/*
 * Schema stage: YAML values → typed content model, with diagnostics.
 *
 * Phases, in order (later phases rely on earlier ones):
 *  1. site.yaml: title, language, base_url, taxonomies (logics, publics,
 *     territories) and the required sections per document type;
 *  2. data files: contacts, glossary, bibliography, each a list of
 *     mappings with a unique id;
 *  3. every document's front matter: types, required fields, references
 *     to taxonomies, contacts and themes, unique numbers and slugs.
 */
#include "schema.h"
#include "month.h"
#include "buf.h"
#include "glossary.h"
#include "hints.h"
#include "i18n.h"
#include "keytab.h"
#include "lint.h"
#include "pool.h"
#include "slug.h"
#include "suggest.h"
#include "utf8.h"
#include "xalloc.h"
#include "yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a problem is reported: one file and its marks. */
struct ctx {
	struct diag *d;
	const char *path;
	const struct yaml_marks *marks;
	const struct site *site; /* for references and their hints; may be NULL */
};

void schema_where(const struct yaml_marks *marks, const json_t *obj,
		  const char *key, int *line, int *col)
{
	*line = 1;
	*col = 1;
	if (!marks || !obj)
		return;
	const json_t *value = key ? json_object_get(obj, key) : obj;
	if (value && yaml_marks_find(marks, value, line, col))
		return;
	if (key && yaml_marks_find_key(marks, obj, key, line, col))
		return;
	if (yaml_marks_find(marks, obj, line, col))
		return;
	*line = 1;
	*col = 1;
}

static void at(const struct ctx *c, const json_t *obj, const char *key, int *line, int *col)
{
	schema_where(c->marks, obj, key, line, col);
}

/* Position of a value itself (a list item). */
static void at_value(const struct ctx *c, const json_t *value, const json_t *parent,
		     const char *key, int *line, int *col)
{
	if (c->marks && yaml_marks_find(c->marks, value, line, col))
		return;
	at(c, parent, key, line, col);
}

const char *schema_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return _("a mapping");
	case JSON_ARRAY: return _("a list");
	case JSON_STRING: return _("text");
	case JSON_INTEGER: return _("a whole number");
	case JSON_REAL: return _("a number");
	case JSON_TRUE: case JSON_FALSE: return _("true/false");
	default: return _("empty");
	}
}

/* A string field: NULL when absent (reported when required) or of the wrong type. */
static const char *get_string(const struct ctx *c, const json_t *obj, const char *key, int required)
{
	const json_t *v = json_object_get(obj, key);
	int line, col;
	if (!v || json_is_null(v)) {
		if (required) {
			at(c, obj, NULL, &line, &col);
			diag_error(c->d, c->path, line, col, _("missing required field '%s'"), key);
		}
		return NULL;
	}
	/* A number where text is expected too: an id like 13e is text already. */
	if (!json_is_string(v)) {
		at(c, obj, key, &line, &col);
		diag_error(c->d, c->path, line, col, _("field '%s' must be text, not %s"), key,
			   schema_type_name(v));
		return NULL;
	}
	const char *s = json_string_value(v);
	if (required && !*s) {
		at(c, obj, key, &line, &col);
		diag_error(c->d, c->path, line, col, _("field '%s' is empty"), key);
		return NULL;
	}
	return s;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* An integer field; returns 1 when present and valid. */
static int get_int(const struct ctx *c, const json_t *obj, const char *key, int required,
		   int min, int max, int *out)
{
	const json_t *v = json_object_get(obj, key);
	int line, col;
	if (!v || json_is_null(v)) {
		if (required) {
			at(c, obj, NULL, &line, &col);
			diag_error(c->d, c->path, line, col, _("missing required field '%s'"), key);
		}
		return 0;
	}
	at(c, obj, key, &line, &col);
	if (!json_is_integer(v)) {
		diag_error(c->d, c->path, line, col, _("field '%s' must be a whole number, not %s"),
			   key, schema_type_name(v));
		return 0;
	}
	json_int_t n = json_integer_value(v);
	if (n < min || n > max) {
		diag_error(c->d, c->path, line, col, _("field '%s' must be between %d and %d"),
			   key, min, max);
		return 0;
	}
	*out = (int)n;
	return 1;
}

/* A list of strings (a single string is accepted as a list of one). NULL when absent or bad. */
static const json_t *get_id_list(const struct ctx *c, const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	int line, col;
	if (!v || json_is_null(v))
		return NULL;
	if (json_is_string(v) && strchr(json_string_value(v), ',')) {
		/*
		 * "themes: a, b" is one text for YAML. Said once, with the fix;
		 * then read as the list meant, so each id is still checked.
		 */
		json_t *list = json_array();
		struct buf fix = BUF_INIT;
		const char *p = json_string_value(v);
		while (*p) {
			const char *e = strchr(p, ',');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			while (n && *p == ' ')
				p++, n--;
			while (n && p[n - 1] == ' ')
				n--;
			if (n) {
				json_array_append_new(list, json_stringn(p, n));
				buf_printf(&fix, "%s%.*s", json_array_size(list) > 1 ? ", " : "", (int)n, p);
			}
			p = e ? e + 1 : p + strlen(p);
		}
		at(c, obj, key, &line, &col);
		diag_error(c->d, c->path, line, col,
			   _("several ids in '%s' must be written between brackets: %s: [%s]"),
			   key, key, buf_cstr(&fix));
		buf_free(&fix);
		json_object_set_new((json_t *)obj, key, list);
		return list;
	}
	if (json_is_string(v))
		return v;
	if (!json_is_array(v)) {
		at(c, obj, key, &line, &col);
		diag_error(c->d, c->path, line, col, _("field '%s' must be a list, not %s"), key,
			   schema_type_name(v));
		return NULL;
	}
	size_t i;
	const json_t *item;
	json_array_foreach(v, i, item) {
		if (!json_is_string(item)) {
			at_value(c, item, obj, key, &line, &col);
			diag_error(c->d, c->path, line, col,
				   _("items of '%s' must be ids (text), not %s"), key, schema_type_name(item));
			return NULL;
		}
	}
	return v;
}

static size_t list_len(const json_t *v)
{
	return json_is_string(v) ? 1 : json_array_size(v);
}

static const json_t *list_at(const json_t *v, size_t i)
{
	return json_is_string(v) ? v : json_array_get(v, i);
}

/*
 * An unknown id that needs no "unknown" message: its definition was
 * dropped with an error of its own (model.h, lost_ids), or it holds an
 * invisible character pasted from a word processor (said with its
 * column: the difference cannot be seen). Returns 1 when handled.
 */
static int said_otherwise(const struct ctx *c, int line, int col, const char *what,
			  const char *id)
{
	if (c->site && site_id_lost(c->site, TARGET_DOC, id))
		return 1;
	size_t off;
	int icol;
	uint32_t cp;
	if (!utf8_find_invisible(id, strlen(id), &off, &icol, &cp))
		return 0;
	struct buf clean = BUF_INIT;
	for (const char *p = id; *p;) {
		uint32_t u;
		size_t k = utf8_decode(p, strlen(p), &u);
		if (!utf8_invisible_name(u))
			buf_put(&clean, p, k);
		p += k;
	}
	diag_error(c->d, c->path, line, col + icol - 1,
		   _("%s '%s' holds an invisible character (%s, U+%04X) at column %d: "
		     "delete it"), what, buf_cstr(&clean), utf8_invisible_name(cp),
		   (unsigned)cp, col + icol - 1);
	buf_free(&clean);
	return 1;
}

/* Reports an unknown id with a hint from the known ones (hints.c), once per id. */
/* dir/name.html, copied: xasprintf cost about 2 000 instructions a path, one per document and entry. */
static char *html_path(const char *dir, const char *name)
{
	size_t ld = strlen(dir), ln = strlen(name);
	char *p = xmalloc(ld + 1 + ln + sizeof ".html");
	memcpy(p, dir, ld);
	p[ld] = '/';
	memcpy(p + ld + 1, name, ln);
	memcpy(p + ld + 1 + ln, ".html", sizeof ".html");
	return p;
}

static void unknown_id(const struct ctx *c, int line, int col, const char *what,
		       const char *id, const char *const *known, size_t nknown)
{
	if (said_otherwise(c, line, col, what, id))
		return;
	hints_report_unknown(c->d, c->site, -1, what, c->path, line, col, id, known, nknown);
}

/* The same for a document: the hint may come from its file or the last build. */
static void unknown_doc(const struct ctx *c, int line, int col, enum doc_kind kind,
			const char *what, const char *id, const char *const *known, size_t nknown)
{
	if (said_otherwise(c, line, col, what, id))
		return;
	hints_report_unknown(c->d, c->site, (int)kind, what, c->path, line, col, id, known,
			     nknown);
}

static void warn_unknown_fields(const struct ctx *c, const json_t *obj,
				const char *const *fields, size_t nfields)
{
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		int known = 0;
		for (size_t i = 0; i < nfields; i++)
			if (strcmp(key, fields[i]) == 0)
				known = 1;
		if (known)
			continue;
		int line, col;
		if (!c->marks || !yaml_marks_find_key(c->marks, obj, key, &line, &col))
			at(c, obj, key, &line, &col);
		const char *best = suggest_closest(key, fields, nfields);
		if (best)
			diag_warning(c->d, c->path, line, col,
				     _("unknown field '%s' (did you mean '%s'?)"), key, best);
		else
			diag_warning(c->d, c->path, line, col, _("unknown field '%s'"), key);
	}
}

/* The field names of a kind, for unknown-field warnings. Caller frees the array. */
static const char **kind_field_names(const struct kind *k, size_t *n)
{
	*n = kind_nfields(k);
	const char **names = xcalloc(*n + 1, sizeof *names);
	for (size_t i = 0; i < *n; i++)
		names[i] = k->fields[i].name;
	return names;
}

static void warn_unknown_kind_fields(const struct ctx *c, const json_t *obj, const struct kind *k)
{
	/*
	 * Nearly always every key is a field: no array of names is made then.
	 * Each key is looked for from the field after the last one found, all
	 * round: a front matter mostly gives its fields in the kind's order,
	 * so one or two comparisons find each (kind_field's scan from the
	 * first field took ten on average).
	 */
	size_t nf = kind_nfields(k), next = 0;
	const char *key;
	const json_t *v;
	int unknown = 0;
	json_object_foreach((json_t *)obj, key, v) {
		size_t tried = 0;
		for (; tried < nf; tried++, next = next + 1 < nf ? next + 1 : 0)
			if (strcmp(k->fields[next].name, key) == 0)
				break;
		if (tried == nf) {
			unknown = 1;
			break;
		}
	}
	if (!unknown)
		return;
	size_t n;
	const char **names = kind_field_names(k, &n);
	warn_unknown_fields(c, obj, names, n);
	free(names);
}

/*
 * An enumerated value, given as its id, its label or a synonym (kind.h);
 * stored back as the id so that everything after reads one spelling.
 * NULL when absent or unknown (reported).
 */
static const char *get_enum(const struct ctx *c, json_t *obj, const struct kind_field *f)
{
	const char *text = get_string(c, obj, f->name, f->flags & FIELD_REQUIRED);
	if (!text)
		return NULL;
	const struct kind_value *v = kind_enum_match(f, text);
	if (!v) {
		size_t n = 0;
		while (f->values[n].id)
			n++;
		const char **ids = xcalloc(n + 1, sizeof *ids);
		for (size_t i = 0; i < n; i++)
			ids[i] = f->values[i].id;
		int line, col;
		at(c, obj, f->name, &line, &col);
		unknown_id(c, line, col, _(f->noun), text, ids, n);
		free(ids);
		return NULL;
	}
	if (strcmp(text, v->id) != 0)
		json_object_set_new_nocheck(obj, f->name, json_string_nocheck(v->id));
	return v->id;
}

/* ---- Phase 1: site.yaml ------------------------------------------------ */

static struct taxon *load_taxa(const struct ctx *c, const json_t *cfg, const char *key,
			       const char *dir, int is_logic, size_t *count)
{
	*count = 0;
	const json_t *list = json_object_get(cfg, key);
	int line, col;
	if (!list) {
		/* Unless site.yaml could not be read at all (its error is reported). */
		if (!(c->site && c->site->lost_all[TARGET_TAXON])) {
			at(c, cfg, NULL, &line, &col);
			diag_error(c->d, c->path, line, col, _("missing required field '%s'"), key);
		}
		return xcalloc(1, sizeof(struct taxon));
	}
	if (!json_is_array(list)) {
		at(c, cfg, key, &line, &col);
		diag_error(c->d, c->path, line, col, _("field '%s' must be a list, not %s"), key,
			   schema_type_name(list));
		return xcalloc(1, sizeof(struct taxon));
	}
	struct taxon *v = xcalloc(json_array_size(list) + 1, sizeof *v);
	size_t i;
	const json_t *item;
	json_array_foreach(list, i, item) {
		if (!json_is_object(item)) {
			at_value(c, item, cfg, key, &line, &col);
			diag_error(c->d, c->path, line, col,
				   _("items of '%s' must be mappings with id and label"), key);
			continue;
		}
		const char *id = get_string(c, item, "id", 1);
		const char *label = get_string(c, item, "label", 1);
		const char *colour = get_string(c, item, "colour", is_logic);
		const char *description = get_string(c, item, "description", 0);
		static const char *const fields[] = {"id", "label", "colour", "description"};
		warn_unknown_fields(c, item, fields, 4);
		if (!id || !label)
			continue;
		if (!slug_is_valid(id)) {
			at(c, item, "id", &line, &col);
			diag_error(c->d, c->path, line, col,
				   _("id '%s' must be lower-case letters, digits and '-'"), id);
			continue;
		}
		if (site_find_taxon(v, *count, id)) {
			at(c, item, "id", &line, &col);
			diag_error(c->d, c->path, line, col, _("duplicate id '%s' in '%s'"), id, key);
			continue;
		}
		if (colour) {
			int ok = strlen(colour) == 7 && colour[0] == '#';
			for (int k = 1; ok && k < 7; k++)
				ok = ascii_isdigit(colour[k]) ||
				     (ascii_tolower(colour[k]) >= 'a' && ascii_tolower(colour[k]) <= 'f');
			if (!ok) {
				at(c, item, "colour", &line, &col);
				diag_error(c->d, c->path, line, col,
					   _("colour '%s' must be written #rrggbb"), colour);
				colour = NULL;
			}
		}
		struct taxon *t = &v[(*count)++];
		t->id = xstrdup(id);
		t->label = xstrdup(label);
		t->colour = colour ? xstrdup(colour) : (is_logic ? xstrdup("#2f5d7c") : NULL);
		t->description = dup_or_null(description);
		t->out_path = html_path(dir, id);
		t->is_logic = is_logic;
	}
	return v;
}

/*
 * A month field (« updated: 2016-06 » or « juin 2016 »): its year and month,
 * or one error saying how to write it. YAML may read 2016 alone as a number.
 */
static void get_month(const struct ctx *c, const json_t *obj, const char *key, int *year,
		      int *month)
{
	const json_t *v = json_object_get(obj, key);
	int line, col;
	if (!v || json_is_null(v))
		return;
	if (json_is_string(v) && month_parse(json_string_value(v), year, month))
		return;
	at(c, obj, key, &line, &col);
	diag_error(c->d, c->path, line, col,
		   _("field '%s' must be a month and a year, such as 2016-06 or \"juin 2016\""), key);
}

/*
 * site.yaml `urgences`: a list of {label, number, description}, the numbers
 * to call shown first on the « Que faire si… » page. A number may be written
 * as YAML reads it, 17 or "0 800 23 13 13". A bad item is left out, with one
 * error at its line.
 */
static void load_emergencies(const struct ctx *c, struct site *s, const json_t *cfg)
{
	const json_t *list = json_object_get(cfg, "urgences");
	int line, col;
	if (!list || json_is_null(list))
		return;
	if (!json_is_array(list)) {
		at(c, cfg, "urgences", &line, &col);
		diag_error(c->d, c->path, line, col,
			   _("'urgences' must be a list of items with a label and a number"));
		return;
	}
	s->emergencies = xcalloc(json_array_size(list) + 1, sizeof *s->emergencies);
	for (size_t i = 0; i < json_array_size(list); i++) {
		const json_t *item = json_array_get(list, i);
		if (!json_is_object(item)) {
			at_value(c, item, list, "urgences", &line, &col);
			diag_error(c->d, c->path, line, col,
				   _("each item of 'urgences' needs a label and a number "
				     "(label: Police secours, number: 17)"));
			continue;
		}
		const char *label = get_string(c, item, "label", 1);
		const json_t *num = json_object_get(item, "number");
		char *number = NULL;
		if (json_is_integer(num))
			number = xasprintf("%lld", (long long)json_integer_value(num));
		else if (json_is_string(num) && strpbrk(json_string_value(num), "0123456789"))
			number = xstrdup(json_string_value(num));
		else {
			at(c, item, num ? "number" : NULL, &line, &col);
			diag_error(c->d, c->path, line, col,
				   _("'number' must be a phone number, such as 17 or \"0 800 23 13 13\""));
		}
		const char *description = get_string(c, item, "description", 0);
		static const char *const fields[] = {"label", "number", "description"};
		warn_unknown_fields(c, item, fields, 3);
		if (!label || !number) {
			free(number);
			continue;
		}
		struct emergency *e = &s->emergencies[s->nemergencies++];
		e->label = xstrdup(label);
		e->number = number;
		e->description = dup_or_null(description);
	}
}

static void check_site(struct site *s, struct diag *d)
{
	struct ctx c = {d, s->config_path, s->config_marks, s};
	json_t *cfg = s->config;
	int line, col;
	if (cfg && !json_is_object(cfg)) {
		if (json_is_null(cfg))
			diag_error(d, s->config_path, 1, 1,
				   _("site.yaml is empty: write the site's title, logics, publics and "
				     "territories (see 'man 5 fiches')"));
		else
			diag_error(d, s->config_path, 1, 1, _("site.yaml must be a mapping"));
		/* Its fields and ids are unknown, not missing: said once, here. */
		s->lost_all[TARGET_TAXON] = 1;
		cfg = NULL;
	}
	if (!cfg) {
		json_decref(s->config);
		s->config = cfg = json_object();
	}
	s->title = dup_or_null(get_string(&c, cfg, "title", !s->lost_all[TARGET_TAXON]));
	if (!s->title)
		s->title = xstrdup("fiches");
	s->subtitle = dup_or_null(get_string(&c, cfg, "subtitle", 0));
	const char *lang = get_string(&c, cfg, "language", 0);
	s->language = xstrdup(lang ? lang : "fr");
	s->footer = dup_or_null(get_string(&c, cfg, "footer", 0));
	get_string(&c, cfg, "licence", 0);   /* checked here, printed by the booklets' colophon */
	s->description = dup_or_null(get_string(&c, cfg, "description", 0));
	const char *base = get_string(&c, cfg, "base_url", 0);
	if (base) {
		if (strncmp(base, "https://", 8) != 0 && strncmp(base, "http://", 7) != 0) {
			at(&c, cfg, "base_url", &line, &col);
			diag_error(d, s->config_path, line, col,
				   _("base_url must start with https:// or http://"));
		} else {
			size_t n = strlen(base);
			s->base_url = n && base[n - 1] == '/' ? xstrdup(base) : xasprintf("%s/", base);
		}
	}
	const json_t *allow = json_object_get(cfg, "allow_raw_html");
	if (allow && !json_is_boolean(allow)) {
		at(&c, cfg, "allow_raw_html", &line, &col);
		diag_error(d, s->config_path, line, col, _("field '%s' must be true or false"),
			   "allow_raw_html");
	}
	s->allow_html = json_is_true(allow);
	s->logics = load_taxa(&c, cfg, "logics", "logiques", 1, &s->nlogics);
	s->publics = load_taxa(&c, cfg, "publics", "publics", 0, &s->npublics);
	s->territories = load_taxa(&c, cfg, "territories", "territoires", 0, &s->nterritories);
	const json_t *sections = json_object_get(cfg, "sections");
	if (sections && !json_is_object(sections)) {
		at(&c, cfg, "sections", &line, &col);
		diag_error(d, s->config_path, line, col,
			   _("field 'sections' must be a mapping of actions and themes to lists of headings"));
	} else if (sections) {
		const char *key;
		const json_t *v;
		json_object_foreach((json_t *)sections, key, v) {
			int known = 0;
			for (size_t k = 0; k < site_nkinds(s); k++)
				known |= strcmp(key, site_kind(s, (int)k)->content_dir) == 0;
			if (!known) {
				at(&c, sections, key, &line, &col);
				diag_error(d, s->config_path, line, col,
					   _("unknown document type '%s' in sections"), key);
			}
			get_id_list(&c, sections, key);
		}
	}
	load_emergencies(&c, s, cfg);
	get_month(&c, cfg, "updated", &s->updated_year, &s->updated_month);
	static const char *const fields[] = {"title", "subtitle", "language", "base_url",
					     "footer", "logics", "publics", "territories",
					     "sections", "menus", "allow_raw_html", "description",
					     "kinds", "urgences", "updated", "licence"};
	warn_unknown_fields(&c, cfg, fields, sizeof fields / sizeof *fields);
}

/* ---- Phase 2: data files ---------------------------------------------- */

static int is_web_url(const char *url)
{
	return strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0;
}

/* The fields of one entry other than its id and label, by their types in the descriptor. */
static void check_entry_fields(const struct ctx *c, json_t *item, const struct kind *desc)
{
	int line, col;
	for (const struct kind_field *f = desc->fields; f->name; f++) {
		const json_t *v = json_object_get(item, f->name);
		if (!v || json_is_null(v) || !strcmp(f->name, "id") ||
		    !strcmp(f->name, desc->label_field))
			continue;
		if ((f->flags & FIELD_NUMBER_OK) && (json_is_integer(v) || json_is_real(v)))
			continue;
		switch (f->type) {
		case FIELD_ENUM:
			get_enum(c, item, f);
			break;
		case FIELD_STRINGS:
			if (!json_is_array(v) && !json_is_string(v)) {
				at(c, item, f->name, &line, &col);
				diag_error(c->d, c->path, line, col,
					   _("field '%s' must be a list of names"), f->name);
			}
			break;
		case FIELD_URL: {
			/* Links on the site: only web URLs, never javascript: or data:. */
			const char *url = get_string(c, item, f->name, 0);
			if (url && !is_web_url(url)) {
				at(c, item, f->name, &line, &col);
				diag_error(c->d, c->path, line, col,
					   _("field '%s' must start with https:// or http://"), f->name);
			}
			break;
		}
		case FIELD_CONTACT:
		case FIELD_YEAR:
			/* organisation: linked once every contact is known; year: any text. */
			break;
		default:
			get_string(c, item, f->name, 0);
			break;
		}
	}
}

static struct entry *load_entries(struct diag *d, const char *path, json_t *data,
				  const struct yaml_marks *marks, enum target_kind kind,
				  size_t *count)
{
	struct ctx c = {d, path, marks, NULL};
	*count = 0;
	if (!data || json_is_null(data))
		return xcalloc(1, sizeof(struct entry));
	if (!json_is_array(data)) {
		diag_error(d, path, 1, 1,
			   _("must be a list of entries, each starting with '- id:'"));
		return xcalloc(1, sizeof(struct entry));
	}
	const struct kind *desc = kind_data(kind);
	struct entry *v = xcalloc(json_array_size(data) + 1, sizeof *v);
	/* The entries kept so far, by id: each id was compared with every earlier one (0.5 M strcmp at 10 000 fiches). */
	struct keytab kept;
	keytab_init(&kept, json_array_size(data));
	size_t i;
	json_t *item;
	json_array_foreach(data, i, item) {
		int line = 1, col = 1;
		if (marks)
			yaml_marks_find(marks, item, &line, &col);
		if (!json_is_object(item)) {
			diag_error(d, path, line, col, _("each entry must be a mapping with an id"));
			continue;
		}
		const char *id = get_string(&c, item, "id", 1);
		const char *label = get_string(&c, item, desc->label_field, 1);
		warn_unknown_kind_fields(&c, item, desc);
		check_entry_fields(&c, item, desc);
		if (!id || !label)
			continue;
		int sigle = kind_field(desc, "id")->type != FIELD_SLUG;
		int id_ok = sigle ? 1 : slug_is_valid(id);
		if (sigle) {
			/* A sigle: letters and digits (CopilTAT, RdRD, ADDAP13). */
			for (const char *p = id; *p; p++)
				if (!ascii_isalnum(*p) && *p != '-' && *p != '_')
					id_ok = 0;
			if (!*id || strlen(id) > 32)
				id_ok = 0;
		}
		if (!id_ok) {
			at(&c, item, "id", &line, &col);
			diag_error(d, path, line, col,
				   sigle ? _("sigle '%s' must be ASCII letters and digits") :
				   _("id '%s' must be lower-case letters, digits and '-'"), id);
			continue;
		}
		size_t id_len = strlen(id);
		uint64_t hash = keytab_hash(id, id_len);
		int dup = 0;
		size_t pos = keytab_home(&kept, hash);
		for (const struct entry *k; !dup && (k = keytab_next(&kept, hash, &pos));)
			dup = strcmp(k->id, id) == 0;
		if (dup) {
			at(&c, item, "id", &line, &col);
			diag_error(d, path, line, col, _("duplicate id '%s'"), id);
			continue;
		}
		struct entry *e = &v[(*count)++];
		e->kind = kind;
		e->id = xstrdup(id);
		e->label = xstrdup(kind == TARGET_GLOSSARY ? id : label);
		e->anchor = slug_from_text(id, id_len);
		e->data = json_incref(item);
		e->line = line;
		e->col = col;
		e->out_path = desc->out_dir ? html_path(desc->out_dir, id) :
					      xstrdup(desc->out_page);
		keytab_add(&kept, hash, e);
	}
	keytab_free(&kept);
	return v;
}

static void link_organisations(struct site *s, struct diag *d)
{
	struct ctx c = {d, s->contacts_path, s->contacts_marks, s};
	const char **ids = xcalloc(s->ncontacts + 1, sizeof *ids);
	for (size_t i = 0; i < s->ncontacts; i++)
		ids[i] = s->contacts[i].id;
	for (size_t i = 0; i < s->ncontacts; i++) {
		struct entry *e = &s->contacts[i];
		const json_t *org = json_object_get(e->data, "organisation");
		if (!org || !json_is_string(org))
			continue;
		struct entry *o = site_find_entry(s, TARGET_CONTACT, json_string_value(org));
		int line, col;
		at(&c, e->data, "organisation", &line, &col);
		if (!o)
			unknown_id(&c, line, col, _("contact"), json_string_value(org), ids,
				   s->ncontacts);
		else if (o == e)
			diag_error(d, c.path, line, col, _("a contact cannot be its own organisation"));
		else {
			e->organisation = o;
			ptrs_add(&o->members, e);
		}
	}
	free(ids);
}

/* ---- Phase 3: front matter of each document --------------------------- */

/* noun: untranslated (N_), translated only for a message: most lists name known ids. */
static void resolve_taxa(const struct ctx *c, const json_t *meta, const char *key,
			 struct taxon *v, size_t n, const char *noun, struct ptrs *out)
{
	const json_t *list = get_id_list(c, meta, key);
	if (!list)
		return;
	/* The known ids, for hints: made only when one is unknown. */
	const char **ids = NULL;
	for (size_t i = 0; i < list_len(list); i++) {
		const json_t *item = list_at(list, i);
		const char *id = json_string_value(item);
		struct taxon *t = site_find_taxon(v, n, id);
		if (t) {
			ptrs_add_unique(out, t);
			continue;
		}
		if (!ids) {
			ids = xcalloc(n + 1, sizeof *ids);
			for (size_t k = 0; k < n; k++)
				ids[k] = v[k].id;
		}
		int line, col;
		at_value(c, item, meta, key, &line, &col);
		unknown_id(c, line, col, _(noun), id, ids, n);
	}
	free(ids);
}

static void resolve_contacts(const struct ctx *c, struct site *s, const json_t *meta,
			     const json_t *list, const char *key, struct ptrs *out)
{
	if (s->lost_all[TARGET_CONTACT])
		return; /* contacts.yaml could not be read: reported there */
	/*
	 * The known ids, for hints: made only when one is unknown (made for
	 * every list, they were every contact copied for every document: two
	 * thirds of the checks at 10 000 fiches).
	 */
	const char **ids = NULL;
	for (size_t i = 0; i < list_len(list); i++) {
		const json_t *item = list_at(list, i);
		struct entry *e = site_find_entry(s, TARGET_CONTACT, json_string_value(item));
		if (e) {
			ptrs_add_unique(out, e);
			continue;
		}
		if (!ids) {
			ids = xcalloc(s->ncontacts + 1, sizeof *ids);
			for (size_t k = 0; k < s->ncontacts; k++)
				ids[k] = s->contacts[k].id;
		}
		int line, col;
		at_value(c, item, meta, key, &line, &col);
		unknown_id(c, line, col, _("contact"), json_string_value(item), ids, s->ncontacts);
	}
	free(ids);
}

static const char **doc_ids(struct site *s, enum doc_kind kind)
{
	const char **ids = xcalloc(s->ndocs[kind] + 1, sizeof *ids);
	for (size_t i = 0; i < s->ndocs[kind]; i++)
		ids[i] = s->docs[kind][i]->slug;
	return ids;
}

/* "action:6", "theme:cadre-de-vie", "actions", "themes" in a chapter's include list. */
static void resolve_includes(const struct ctx *c, struct site *s, struct doc *doc)
{
	const json_t *list = get_id_list(c, doc->meta, "include");
	if (!list)
		return;
	for (size_t i = 0; i < list_len(list); i++) {
		const json_t *item = list_at(list, i);
		const char *ref = json_string_value(item);
		int line, col;
		at_value(c, item, doc->meta, "include", &line, &col);
		if (strcmp(ref, "actions") == 0 || strcmp(ref, "themes") == 0) {
			enum doc_kind k = ref[0] == 'a' ? DOC_ACTION : DOC_THEME;
			for (size_t j = 0; j < s->ndocs[k]; j++)
				ptrs_add_unique(&doc->includes, s->docs[k][j]);
			continue;
		}
		const char *colon = strchr(ref, ':');
		enum doc_kind k = DOC_KINDS;
		if (colon && strncmp(ref, "action:", 7) == 0)
			k = DOC_ACTION;
		else if (colon && strncmp(ref, "theme:", 6) == 0)
			k = DOC_THEME;
		if (k == DOC_KINDS) {
			diag_error(c->d, c->path, line, col,
				   _("include '%s' must be 'actions', 'themes', 'action:N' or 'theme:ID'"),
				   ref);
			continue;
		}
		struct doc *target = site_find_doc(s, k, colon + 1);
		if (!target) {
			const char **ids = doc_ids(s, k);
			unknown_doc(c, line, col, k, _(kind_builtin(k)->noun), colon + 1, ids,
				    s->ndocs[k]);
			free(ids);
			continue;
		}
		ptrs_add_unique(&doc->includes, target);
	}
}

/* A taxonomy of site.yaml by its key. */
static struct taxon *site_taxa(struct site *s, const char *key, size_t *n)
{
	if (strcmp(key, "logics") == 0) {
		*n = s->nlogics;
		return s->logics;
	}
	if (strcmp(key, "publics") == 0) {
		*n = s->npublics;
		return s->publics;
	}
	*n = s->nterritories;
	return s->territories;
}

/* The number field: required (check_unique compares it with the file name's). */
static void check_number(const struct ctx *c, struct doc *doc, const struct kind_field *f)
{
	doc->number = 0;
	if (!get_int(c, doc->meta, f->name, f->flags & FIELD_REQUIRED, f->min, f->max,
		     &doc->number)) {
		/* Reported; links to it find it by its file name's number. */
		doc->number = doc->file_number;
	}
	/* A number that differs from the file name's: check_unique says it, once. */
}

/*
 * References to documents of another kind: themes of an action, or any
 * kind's. Numbered kinds are named by number too (actions: [2, 6]).
 */
static void resolve_doc_refs(const struct ctx *c, struct site *s, struct doc *doc,
			     const struct kind_field *f)
{
	int target = site_kind_by_name(s, f->ref, strlen(f->ref));
	if (target < 0)
		return; /* the kind's description says so, once */
	const json_t *list = json_object_get(doc->meta, f->name);
	int numbers = site_kind(s, target)->list == LIST_NUMBERED;
	size_t n = json_is_array(list) ? json_array_size(list) : 1;
	for (size_t i = 0; numbers && list && i < n; i++) {
		const json_t *item = json_is_array(list) ? json_array_get(list, i) : list;
		numbers = json_is_integer(item) || json_is_string(item);
	}
	if (!numbers)
		list = get_id_list(c, doc->meta, f->name);
	struct ptrs *out = doc->kind == DOC_ACTION && target == DOC_THEME ? &doc->fm_themes :
			   &doc->fm_docs;
	for (size_t i = 0; list && i < n; i++) {
		const json_t *item = json_is_array(list) ? json_array_get(list, i) : list;
		char num[24];
		const char *id = json_string_value(item);
		if (json_is_integer(item)) {
			snprintf(num, sizeof num, "%lld", (long long)json_integer_value(item));
			id = num;
		}
		struct doc *t = site_find_doc(s, (enum doc_kind)target, id);
		if (t) {
			ptrs_add_unique(out, t);
			continue;
		}
		int line, col;
		const char **ids = doc_ids(s, (enum doc_kind)target);
		at_value(c, item, doc->meta, f->name, &line, &col);
		unknown_doc(c, line, col, (enum doc_kind)target, _(f->noun), id, ids,
			    s->ndocs[target]);
		free(ids);
	}
}

/* One front-matter field, checked by its type; what the model keeps of it is recorded on doc. */
static void check_doc_field(const struct ctx *c, struct site *s, struct doc *doc,
			    const struct kind_field *f)
{
	json_t *meta = doc->meta;
	int required = f->flags & FIELD_REQUIRED, line, col;
	switch (f->type) {
	case FIELD_SLUG:
		break; /* read first: other fields' messages name the document by it */
	case FIELD_TEXT:
	case FIELD_LONG_TEXT:
	case FIELD_EMAIL:
	case FIELD_URL: {
		const char *v = get_string(c, meta, f->name, required);
		if (v && f->type == FIELD_URL && !is_web_url(v)) {
			at(c, meta, f->name, &line, &col);
			diag_error(c->d, doc->path, line, col,
				   _("field '%s' must start with https:// or http://"), f->name);
		}
		if (strcmp(f->name, "title") == 0)
			doc->title = dup_or_null(v);
		else if (strcmp(f->name, "summary") == 0)
			doc->summary = dup_or_null(v);
		else if (strcmp(f->name, "part") == 0)
			doc->part = dup_or_null(v);
		break;
	}
	case FIELD_INT:
		if (strcmp(f->name, "number") == 0) {
			check_number(c, doc, f);
		} else {
			int ignored;
			get_int(c, meta, f->name, required, f->min, f->max, &ignored);
		}
		break;
	case FIELD_YEAR: {
		int year = 0;
		get_int(c, meta, f->name, required, f->min ? f->min : 1900, f->max ? f->max : 2100,
			&year);
		if (strcmp(f->name, "since") == 0)
			doc->since = year;
		break;
	}
	case FIELD_MONTH:
		get_month(c, meta, f->name, &doc->updated_year, &doc->updated_month);
		break;
	case FIELD_ENUM: {
		const char *v = get_enum(c, meta, f);
		if (strcmp(f->name, "status") == 0)
			doc->status = xstrdup(v ? v : f->values[0].id);
		break;
	}
	case FIELD_TAXON: {
		if (s->lost_all[TARGET_TAXON])
			break; /* site.yaml could not be read: reported there */
		size_t n;
		struct taxon *v = site_taxa(s, f->ref, &n);
		if (f->flags & FIELD_LIST) {
			resolve_taxa(c, meta, f->name, v, n, f->noun,
				     strcmp(f->ref, "publics") == 0 ? &doc->publics : &doc->territories);
			break;
		}
		const char *id = get_string(c, meta, f->name, required);
		if (!id)
			break;
		doc->logic = site_find_taxon(v, n, id);
		if (!doc->logic) {
			const char **ids = xcalloc(n + 1, sizeof *ids);
			for (size_t i = 0; i < n; i++)
				ids[i] = v[i].id;
			at(c, meta, f->name, &line, &col);
			unknown_id(c, line, col, _(f->noun), id, ids, n);
			free(ids);
		}
		break;
	}
	case FIELD_CONTACT:
		if (f->flags & FIELD_LIST) {
			const json_t *list = get_id_list(c, meta, f->name);
			if (list)
				resolve_contacts(c, s, meta, list, f->name, &doc->contacts);
		} else if (get_string(c, meta, f->name, required)) {
			struct ptrs found = {0};
			resolve_contacts(c, s, meta, json_object_get(meta, f->name), f->name, &found);
			doc->carrier = found.n ? found.v[0] : NULL;
			ptrs_free(&found);
		}
		break;
	case FIELD_DOC:
		resolve_doc_refs(c, s, doc, f);
		break;
	case FIELD_INCLUDE:
		resolve_includes(c, s, doc);
		break;
	case FIELD_STRINGS:
		get_id_list(c, meta, f->name);
		break;
	}
}

void schema_check_doc(struct site *s, struct doc *doc, struct diag *d)
{
	struct ctx c = {d, doc->path, doc->marks, s};
	const json_t *meta = doc->meta;
	int line, col;
	if (!json_is_object(meta)) {
		diag_error(d, doc->path, 2, 1, _("front matter must be a mapping of fields"));
		/* Later checks (menus, links) still name the document. */
		doc->title = xstrdup(doc->slug);
		doc->out_path = html_path(doc->desc->out_dir, doc->slug);
		return;
	}
	if (doc->fm_broken) {
		/*
		 * Its error is reported. It keeps the number and slug of its file
		 * name, so links to it are not reported as unknown too.
		 */
		doc->title = xstrdup(doc->slug);
		doc->out_path = html_path(doc->desc->out_dir, doc->slug);
		return;
	}
	if (!doc->fm_line && doc->desc->front_matter) {
		diag_error(d, doc->path, 1, 1,
			   _("missing front matter (a '---' line, the fields, a '---' line)"));
		/* Every required field is missing with it: one message says it. */
		doc->title = xstrdup(doc->slug);
		doc->out_path = html_path(doc->desc->out_dir, doc->slug);
		return;
	}
	warn_unknown_kind_fields(&c, meta, doc->desc);

	const char *slug = get_string(&c, meta, "slug", 0);
	if (slug) {
		free(doc->slug);
		doc->slug = xstrdup(slug);
	}
	if (!slug_is_valid(doc->slug)) {
		if (slug)
			at(&c, meta, "slug", &line, &col);
		else
			line = col = 0;
		diag_error(d, doc->path, line, col,
			   _("slug '%s' must be lower-case letters, digits and '-' (rename the file or set 'slug:')"),
			   doc->slug);
		char *fixed = slug_from_text(doc->slug, strlen(doc->slug));
		free(doc->slug);
		doc->slug = fixed;
	}
	for (const struct kind_field *f = doc->desc->fields; f->name; f++)
		check_doc_field(&c, s, doc, f);
	if (!doc->title)
		doc->title = xstrdup(doc->slug);
	doc->out_path = html_path(doc->desc->out_dir, doc->slug);
}

static void check_menus(struct site *s, struct diag *d);

static int compare_docs(const void *a, const void *b)
{
	const struct doc *x = *(struct doc *const *)a, *y = *(struct doc *const *)b;
	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return strcmp(x->slug, y->slug);
}

/*
 * v in compare_docs' order. Documents are mostly in it already (read in
 * their file names' order, sorted again before the guide's check): one
 * pass tells, where qsort compared them n log n / 2 times. qsort (glibc's
 * merge sort) keeps equal documents in place, as this does.
 */
static void sort_docs(struct doc **v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (compare_docs(&v[i - 1], &v[i]) > 0) {
			qsort(v, n, sizeof *v, compare_docs);
			return;
		}
}

static int compare_slug_then_path(const void *a, const void *b)
{
	const struct doc *x = *(struct doc *const *)a, *y = *(struct doc *const *)b;
	int c = strcmp(x->slug, y->slug);
	return c ? c : strcmp(x->path, y->path);
}

/*
 * Duplicate numbers and slugs, found as neighbours in sorted order (the
 * documents are sorted by number; a copy is sorted by slug). The second
 * file in path order gets the error.
 */
/* 1 when two of v[0..n) have the same slug. */
static int slugs_repeat(struct doc *const *v, size_t n)
{
	struct keytab slugs;
	keytab_init(&slugs, n);
	int repeat = 0;
	for (size_t i = 0; i < n && !repeat; i++) {
		uint64_t hash = keytab_hash(v[i]->slug, strlen(v[i]->slug));
		size_t pos = keytab_home(&slugs, hash);
		for (const struct doc *o; !repeat && (o = keytab_next(&slugs, hash, &pos));)
			repeat = strcmp(o->slug, v[i]->slug) == 0;
		keytab_add(&slugs, hash, v[i]);
	}
	keytab_free(&slugs);
	return repeat;
}

void schema_check_unique(struct site *s, enum doc_kind kind, struct diag *d)
{
	struct doc **v = s->docs[kind];
	size_t n = s->ndocs[kind];
	int line, col;
	if (n && kind_field(v[0]->desc, "number")) {
		char *said = xcalloc(n + 1, 1); /* v[i]'s number mistake is reported */
		int renumbered = 0;
		for (size_t i = 1; i < n; i++) {
			if (!v[i]->number || v[i]->number != v[i - 1]->number)
				continue;
			size_t fi = strcmp(v[i - 1]->path, v[i]->path) < 0 ? i - 1 : i;
			size_t si = fi == i ? i - 1 : i;
			struct doc *first = v[fi], *second = v[si];
			schema_where(second->marks, second->meta, "number", &line, &col);
			int free_number = second->file_number && second->file_number != second->number;
			for (size_t k = 0; free_number && k < n; k++)
				free_number = v[k]->number != second->file_number;
			said[si] = 1;
			if (!free_number) {
				diag_error(d, second->path, line, col, _("duplicate number %d (also %s)"),
					   second->number, first->path);
				continue;
			}
			/*
			 * The number of another fiche, and the file name gives a free
			 * one: a slip (a copied fiche, a typo). One message with both
			 * numbers; links find it under its file name's number.
			 */
			diag_error(d, second->path, line, col,
				   _("duplicate number %d (also %s): the file name says %d, write "
				     "number: %d"), second->number, first->path, second->file_number,
				   second->file_number);
			second->number = second->file_number;
			renumbered = 1;
		}
		for (size_t i = 0; i < n; i++) {
			if (said[i] || v[i]->fm_broken || !v[i]->file_number ||
			    v[i]->file_number == v[i]->number)
				continue;
			schema_where(v[i]->marks, v[i]->meta, "number", &line, &col);
			diag_warning(d, v[i]->path, line, col,
				     _("number %d differs from the file name's %d"), v[i]->number,
				     v[i]->file_number);
		}
		free(said);
		if (renumbered)
			qsort(v, n, sizeof *v, compare_docs);
	}
	/*
	 * Most kinds have no two documents with one slug: a table of the
	 * slugs says so in one pass, where sorting them took 7 M instructions
	 * at 10 000 fiches on the main thread. Only then are they sorted,
	 * as before, to report each repeat with the one before it.
	 */
	if (!slugs_repeat(v, n))
		return;
	struct doc **by_slug = xcalloc(n + 1, sizeof *by_slug);
	memcpy(by_slug, v, n * sizeof *v);
	qsort(by_slug, n, sizeof *by_slug, compare_slug_then_path);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(by_slug[i]->slug, by_slug[i - 1]->slug) != 0)
			continue;
		schema_where(by_slug[i]->marks, by_slug[i]->meta, "slug", &line, &col);
		diag_error(d, by_slug[i]->path, line, col, _("duplicate slug '%s' (also %s)"),
			   by_slug[i]->slug, by_slug[i - 1]->path);
	}
	free(by_slug);
}

/*
 * A kind whose documents name documents of the same kind: checking one
 * reads the others' slugs and titles (look-ups, hints) while they are
 * being set, so its documents are checked one after the other.
 */
static int names_own_kind(const struct site *s, enum doc_kind kind)
{
	for (const struct kind_field *f = site_kind(s, kind)->fields; f->name; f++)
		if (f->type == FIELD_DOC && site_kind_by_name(s, f->ref, strlen(f->ref)) == (int)kind)
			return 1;
	return 0;
}

/* Documents per item of the parallel check. */
#define CHECK_RUN 64

struct check_job {
	struct site *s;
	enum doc_kind kind;
	struct diag *d;
};

static void check_run(void *ctx, size_t r)
{
	struct check_job *j = ctx;
	size_t n = j->s->ndocs[j->kind], end = (r + 1) * CHECK_RUN < n ? (r + 1) * CHECK_RUN : n;
	for (size_t i = r * CHECK_RUN; i < end; i++)
		schema_check_doc(j->s, j->s->docs[j->kind][i], j->d);
}

/*
 * Every document of kind, on every core unless it names its own kind.
 * Each document's check writes only that document and reports only at
 * its path, so the messages sort as in one thread (diag.h: by path, line,
 * column, then report order, which each document's messages keep).
 */
static void check_kind(struct site *s, enum doc_kind kind, struct diag *d)
{
	size_t n = s->ndocs[kind];
	if (n <= CHECK_RUN || names_own_kind(s, kind)) {
		for (size_t i = 0; i < n; i++)
			schema_check_doc(s, s->docs[kind][i], d);
		return;
	}
	struct check_job j = {s, kind, d};
	pool_for(0, (n + CHECK_RUN - 1) / CHECK_RUN, check_run, &j);
}

void schema_check(struct site *s, struct diag *d)
{
	check_site(s, d);
	/* A data file that is not a list is reported once (load_entries), not per use. */
	if (s->contacts_data && !json_is_null(s->contacts_data) && !json_is_array(s->contacts_data))
		s->lost_all[TARGET_CONTACT] = 1;
	if (s->glossary_data && !json_is_null(s->glossary_data) && !json_is_array(s->glossary_data))
		s->lost_all[TARGET_GLOSSARY] = 1;
	if (s->biblio_data && !json_is_null(s->biblio_data) && !json_is_array(s->biblio_data))
		s->lost_all[TARGET_BIBLIO] = 1;
	s->contacts = load_entries(d, s->contacts_path, s->contacts_data, s->contacts_marks,
				   TARGET_CONTACT, &s->ncontacts);
	s->glossary = load_entries(d, s->glossary_path, s->glossary_data, s->glossary_marks,
				   TARGET_GLOSSARY, &s->nglossary);
	s->biblio = load_entries(d, s->biblio_path, s->biblio_data, s->biblio_marks,
				 TARGET_BIBLIO, &s->nbiblio);
	site_index_entries(s);
	link_organisations(s, d);
	s->sigles = xcalloc(s->nglossary + 1, sizeof *s->sigles);
	for (size_t i = 0; i < s->nglossary; i++)
		s->sigles[i] = s->glossary[i].id;
	s->gloss = gloss_index_new(s->sigles, s->nglossary);

	/*
	 * Themes first: actions refer to them by slug, which front matter may
	 * set; the guide last, as its chapters include fiches.
	 */
	enum doc_kind order[DOC_KINDS] = {DOC_THEME, DOC_ACTION, DOC_PAGE};
	size_t norder = 3;
	for (size_t k = DOC_BUILTIN; k < site_nkinds(s); k++)
		order[norder++] = (enum doc_kind)k;
	order[norder++] = DOC_GUIDE;
	for (size_t k = 0; k < norder; k++) {
		enum doc_kind kind = order[k];
		if (kind == DOC_GUIDE) {
			/* Chapters include fiches, so every fiche must be known and sorted. */
			for (size_t j = 0; j < site_nkinds(s); j++)
				sort_docs(s->docs[j], s->ndocs[j]);
		}
		check_kind(s, kind, d);
		sort_docs(s->docs[kind], s->ndocs[kind]);
		schema_check_unique(s, kind, d);
		site_index_docs(s, kind);
	}
	check_menus(s, d);
}

/* Section names a menu may point to, and their pages. */
static const struct {
	const char *name, *path, *section, *label;
} menu_targets[] = {
	{"actions", "fiches-actions/index.html", "fiches-actions/", "Fiches-actions"},
	{"themes", "fiches-thematiques/index.html", "fiches-thematiques/", "Fiches thématiques"},
	{"guide", "guide/index.html", "guide/", "Guide"},
	{"contacts", "contacts/index.html", "contacts/", "Contacts"},
	{"glossary", "glossaire.html", "glossaire.html", "Glossaire"},
	{"bibliography", "bibliographie.html", "bibliographie.html", "Bibliographie"},
	{"search", "recherche.html", "recherche.html", "Recherche"},
	{"logics", "logiques/index.html", "logiques/", "Logiques d’action"},
	{"publics", "publics/index.html", "publics/", "Publics"},
	{"territories", "territoires/index.html", "territoires/", "Territoires"},
};

static void add_menu(struct site *s, const char *label, const char *target, int external,
		     const char *section)
{
	s->menu = xrealloc(s->menu, (s->nmenu + 1) * sizeof *s->menu);
	s->menu[s->nmenu++] = (struct menu_item){xstrdup(label), xstrdup(target), external,
						 xstrdup(section)};
}

/*
 * menus.main: items {label, href} where href is page:ID, a section name
 * (actions, themes, guide, contacts, glossary…) or an http(s) URL. The
 * first page of the menu introduces the démarche on the home page.
 */
static void check_menus(struct site *s, struct diag *d)
{
	struct ctx c = {d, s->config_path, s->config_marks, s};
	const json_t *menus = json_object_get(s->config, "menus");
	const json_t *main_menu = json_is_object(menus) ? json_object_get(menus, "main") : NULL;
	int line, col;
	if (menus && (!json_is_object(menus) || (main_menu && !json_is_array(main_menu)))) {
		at(&c, s->config, "menus", &line, &col);
		diag_error(d, c.path, line, col, _("'menus' must be a mapping with a 'main' list of {label, href}"));
		main_menu = NULL;
	}
	size_t i;
	const json_t *item;
	json_array_foreach(main_menu, i, item) {
		const char *label = json_is_object(item) ? get_string(&c, item, "label", 1) : NULL;
		const char *href = json_is_object(item) ? get_string(&c, item, "href", 1) : NULL;
		if (!json_is_object(item)) {
			at_value(&c, item, main_menu, NULL, &line, &col);
			diag_error(d, c.path, line, col, _("menu items must be mappings with label and href"));
		}
		if (!label || !href)
			continue;
		at(&c, item, "href", &line, &col);
		if (strncmp(href, "page:", 5) == 0) {
			struct doc *p = site_find_doc(s, DOC_PAGE, href + 5);
			if (!p) {
				const char **ids = doc_ids(s, DOC_PAGE);
				unknown_doc(&c, line, col, DOC_PAGE, _("page"), href + 5, ids,
					    s->ndocs[DOC_PAGE]);
				free(ids);
				continue;
			}
			if (!s->intro)
				s->intro = p;
			add_menu(s, label, p->out_path, 0, p->out_path);
			continue;
		}
		if (strncmp(href, "https://", 8) == 0 || strncmp(href, "http://", 7) == 0) {
			add_menu(s, label, href, 1, "");
			continue;
		}
		/* A project's kind with a list page, by its directory's name. */
		const struct kind *own = NULL;
		for (size_t j = DOC_BUILTIN; j < site_nkinds(s) && !own; j++)
			if (site_kind(s, (int)j)->list_template &&
			    strcmp(href, site_kind(s, (int)j)->content_dir) == 0)
				own = site_kind(s, (int)j);
		if (own) {
			char *target = xasprintf("%s/index.html", own->out_dir);
			char *section = xasprintf("%s/", own->out_dir);
			add_menu(s, label, target, 0, section);
			free(target);
			free(section);
			continue;
		}
		size_t k, n = sizeof menu_targets / sizeof *menu_targets;
		for (k = 0; k < n; k++)
			if (strcmp(href, menu_targets[k].name) == 0)
				break;
		if (k == n) {
			const char *names[sizeof menu_targets / sizeof *menu_targets];
			for (size_t j = 0; j < n; j++)
				names[j] = menu_targets[j].name;
			unknown_id(&c, line, col, _("menu target"), href, names, n);
			continue;
		}
		add_menu(s, label, menu_targets[k].path, 0, menu_targets[k].section);
	}
	if (!main_menu) {
		if (s->ndocs[DOC_PAGE]) {
			s->intro = s->docs[DOC_PAGE][0];
			add_menu(s, s->intro->title, s->intro->out_path, 0, "pages/");
		}
		for (size_t k = 0; k < 5; k++)
			add_menu(s, menu_targets[k].label, menu_targets[k].path, 0,
				 menu_targets[k].section);
	}
}

/*
 * A required section that is absent: at the line that writes it another
 * way ("### Acteurs"), unless lint.c reports that line already ("# Acteurs",
 * "##Acteurs"), else at the body's first line.
 */
static void report_missing_section(const struct doc *doc, const char *name, struct diag *d)
{
	int line, col, level;
	switch (lint_section_near_miss(doc, name, &line, &col, &level)) {
	case 2:
		break;
	case 1:
		diag_warning(d, doc->path, line, col,
			     _("section '%s' must be a level-2 heading: write '## %s'"), name, name);
		break;
	default:
		diag_warning(d, doc->path, doc->body_offset + 1, 1, _("missing section '## %s'"),
			     name);
	}
}

static void check_sections(const json_t *required, const struct doc *doc, struct diag *d)
{
	if (doc->fm_broken && !doc->body_len)
		return; /* the body is unknown: its front matter is unclosed */
	size_t j;
	const json_t *name;
	json_array_foreach(required, j, name) {
		if (!json_is_string(name))
			continue;
		int found = 0;
		for (size_t h = 0; h < doc->nheadings && !found; h++)
			found = doc->headings[h].level == 2 &&
				strcmp(doc->headings[h].text, json_string_value(name)) == 0;
		if (!found)
			report_missing_section(doc, json_string_value(name), d);
	}
}

void schema_check_sections(struct site *s, struct diag *d)
{
	const json_t *sections = json_object_get(s->config, "sections");
	for (size_t k = 0; k < site_nkinds(s); k++) {
		const json_t *required = json_object_get(sections, site_kind(s, (int)k)->content_dir);
		if (!json_is_array(required))
			continue;
		for (size_t i = 0; i < s->ndocs[k]; i++)
			check_sections(required, s->docs[k][i], d);
	}
}

void schema_check_doc_sections(const struct site *s, const struct doc *doc, struct diag *d)
{
	const json_t *sections = json_object_get(s->config, "sections");
	const json_t *required = json_object_get(sections, doc->desc->content_dir);
	if (json_is_array(required))
		check_sections(required, doc, d);
}
