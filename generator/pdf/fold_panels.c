/*
 * Reading the `panels` of a leaflet's definition; see fold.h.
 *
 *   panels:
 *     - title: La démarche            # optional heading
 *       text: |                       # Markdown
 *         …
 *       logics: true                  # the six logiques, as colour bands
 *                                     # (logics: actions: each with its fiches-actions)
 *       actions: all                  # or [1, 6]: fiches-actions by title
 *       themes: all                   # or [cadre-de-vie]
 *       contacts: [copiltat, reseaux-13]
 *       urgences: true                # site.yaml's numbers to call
 *       note: |                       # Markdown again, after a list (a
 *         …                           # mapping cannot say text twice)
 *
 * The keys of a panel are shown in the order they are written. One
 * reader serves the check (with a diag: every problem at its line) and the
 * typesetting (without: the definition was checked before).
 */
#include "fold.h"
#include "hints.h"
#include "i18n.h"
#include "schema.h"
#include "suggest.h"
#include "xalloc.h"
#include "yaml.h"

#include <stdlib.h>
#include <string.h>

static const char *const panel_keys[] = {"title", "text", "logics", "actions", "themes",
					 "contacts", "urgences", "note"};
#define NPANEL_KEYS (sizeof panel_keys / sizeof *panel_keys)

/* Where value (or, when it has no mark, key of parent) is written. */
static void position(const struct booklet *def, const json_t *value, const json_t *parent,
		     const char *key, int *line, int *col)
{
	*line = *col = 0;
	if (!value || !def->marks || !yaml_marks_find(def->marks, value, line, col))
		schema_where(def->marks, parent, key, line, col);
}

static void report(struct diag *d, const struct booklet *def, const json_t *value,
		   const json_t *parent, const char *key, const char *msg)
{
	if (!d)
		return;
	int line, col;
	position(def, value, parent, key, &line, &col);
	diag_error(d, def->path, line, col, "%s", msg);
}

/* One id of a list: a number or a slug, as text. */
static const char *id_text(const json_t *v, char *num, size_t n)
{
	if (json_is_integer(v)) {
		snprintf(num, n, "%lld", (long long)json_integer_value(v));
		return num;
	}
	return json_string_value(v);
}

/* actions / themes: all | ID | [IDs]. */
static int read_docs(const struct site *s, const struct booklet *def, enum doc_kind k,
		     const json_t *v, const json_t *panel, const char *key, struct ptrs *out,
		     struct diag *d)
{
	if (json_is_string(v) && strcmp(json_string_value(v), "all") == 0) {
		for (size_t i = 0; i < s->ndocs[k]; i++)
			ptrs_add(out, s->docs[k][i]);
		return 0;
	}
	int ok = 0;
	size_t n = json_is_array(v) ? json_array_size(v) : 1;
	if (!json_is_array(v) && !json_is_string(v) && !json_is_integer(v)) {
		char *msg = xasprintf(_("'%s' must be 'all', an id or a list of ids"), key);
		report(d, def, v, panel, key, msg);
		free(msg);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const json_t *item = json_is_array(v) ? json_array_get(v, i) : v;
		char num[32];
		const char *id = id_text(item, num, sizeof num);
		struct doc *doc = id ? site_find_doc(s, k, id) : NULL;
		if (doc) {
			ptrs_add(out, doc);
			continue;
		}
		ok = -1;
		if (!d)
			continue;
		const char **ids = xcalloc(s->ndocs[k] + 1, sizeof *ids);
		for (size_t j = 0; j < s->ndocs[k]; j++)
			ids[j] = s->docs[k][j]->slug;
		int line, col;
		position(def, item, panel, key, &line, &col);
		hints_report_unknown(d, s, (int)k, _(site_kind(s, k)->noun), def->path, line, col,
				     id ? id : "?", ids, s->ndocs[k]);
		free(ids);
	}
	return ok;
}

/* contacts: [IDs] of contacts.yaml. */
static int read_contacts(const struct site *s, const struct booklet *def, const json_t *v,
			 const json_t *panel, struct ptrs *out, struct diag *d)
{
	if (!json_is_array(v) && !json_is_string(v)) {
		report(d, def, v, panel, "contacts", _("'contacts' must be a list of contact ids"));
		return -1;
	}
	int ok = 0;
	size_t n = json_is_array(v) ? json_array_size(v) : 1;
	for (size_t i = 0; i < n; i++) {
		const json_t *item = json_is_array(v) ? json_array_get(v, i) : v;
		const char *id = json_string_value(item);
		struct entry *e = id ? site_find_entry(s, TARGET_CONTACT, id) : NULL;
		if (e) {
			ptrs_add(out, e);
			continue;
		}
		ok = -1;
		if (!d)
			continue;
		const char **ids = xcalloc(s->ncontacts + 1, sizeof *ids);
		for (size_t j = 0; j < s->ncontacts; j++)
			ids[j] = s->contacts[j].id;
		int line, col;
		position(def, item, panel, "contacts", &line, &col);
		hints_report_unknown(d, s, -1, _("contact"), def->path, line, col, id ? id : "?", ids,
				     s->ncontacts);
		free(ids);
	}
	return ok;
}

static struct fold_item *add_item(struct fold_panel *p, enum fold_item_kind kind)
{
	p->items = xrealloc(p->items, (p->nitems + 1) * sizeof *p->items);
	struct fold_item *it = &p->items[p->nitems++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	return it;
}

static int read_panel(const struct site *s, const struct booklet *def, const json_t *panel,
		      struct fold_panel *p, struct diag *d)
{
	int ok = 0;
	position(def, panel, NULL, NULL, &p->line, &p->col);
	if (!json_is_object(panel)) {
		report(d, def, panel, NULL, NULL,
		       _("each panel must be a mapping (title, text, logics, actions, themes, contacts, urgences, note)"));
		return -1;
	}
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)panel, key, v) {
		if (strcmp(key, "title") == 0 || strcmp(key, "text") == 0 || strcmp(key, "note") == 0) {
			if (!json_is_string(v)) {
				char *msg = xasprintf(_("'%s' must be text"), key);
				report(d, def, v, panel, key, msg);
				free(msg);
				ok = -1;
			} else if (key[1] == 'i') {
				p->title = json_string_value(v);
			} else {
				add_item(p, FOLD_TEXT)->text = json_string_value(v);
			}
		} else if (strcmp(key, "logics") == 0 && json_is_string(v) &&
			   strcmp(json_string_value(v), "actions") == 0) {
			add_item(p, FOLD_LOGICS)->with_actions = 1;
		} else if (strcmp(key, "logics") == 0 && !json_is_boolean(v)) {
			report(d, def, v, panel, key, _("'logics' must be true, false or 'actions'"));
			ok = -1;
		} else if (strcmp(key, "logics") == 0 || strcmp(key, "urgences") == 0) {
			if (!json_is_boolean(v)) {
				char *msg = xasprintf(_("'%s' must be true or false"), key);
				report(d, def, v, panel, key, msg);
				free(msg);
				ok = -1;
			} else if (json_is_true(v)) {
				add_item(p, key[0] == 'l' ? FOLD_LOGICS : FOLD_URGENCES);
			}
		} else if (strcmp(key, "actions") == 0 || strcmp(key, "themes") == 0) {
			enum doc_kind k = key[0] == 'a' ? DOC_ACTION : DOC_THEME;
			struct fold_item *it = add_item(p, k == DOC_ACTION ? FOLD_ACTIONS : FOLD_THEMES);
			if (read_docs(s, def, k, v, panel, key, &it->refs, d) < 0)
				ok = -1;
		} else if (strcmp(key, "contacts") == 0) {
			struct fold_item *it = add_item(p, FOLD_CONTACTS);
			if (read_contacts(s, def, v, panel, &it->refs, d) < 0)
				ok = -1;
		} else {
			if (d) {
				char *msg = xasprintf(_("unknown panel key '%s'"), key);
				const char *near = suggest_closest(key, panel_keys, NPANEL_KEYS);
				int line = 0, col = 0;
				/* At the key itself, where the mistake is. */
				if (!def->marks || !yaml_marks_find_key(def->marks, panel, key, &line, &col))
					position(def, NULL, panel, key, &line, &col);
				if (near)
					diag_error(d, def->path, line, col, _("%s (did you mean '%s'?)"), msg, near);
				else
					diag_error(d, def->path, line, col, "%s", msg);
				free(msg);
			}
			ok = -1;
		}
	}
	return ok;
}

int fold_read(const struct site *s, const struct booklet *def, enum book_fold fold,
	      struct fold_def *out, struct diag *d)
{
	memset(out, 0, sizeof *out);
	const json_t *data = def->data;
	const json_t *panels = json_object_get(data, "panels");
	if (!fold) {
		report(d, def, NULL, data, "panels",
		       _("'panels' needs 'format: depliant' or 'format: plaquette'"));
		return -1;
	}
	int ok = 0;
	if (json_object_get(data, "include")) {
		report(d, def, NULL, data, "include",
		       _("a leaflet (depliant, plaquette) is made of its 'panels', not of an 'include' list"));
		ok = -1;
	}
	if (json_object_get(data, "summaries")) {
		report(d, def, NULL, data, "summaries",
		       _("'summaries' does not apply to a leaflet: write its panels' text"));
		ok = -1;
	}
	size_t want = fold == FOLD_DEPLIANT ? FOLD_DEPLIANT_PANELS : FOLD_PLAQUETTE_PANELS;
	if (!json_is_array(panels)) {
		char *msg = fold == FOLD_DEPLIANT ?
			    xasprintf(_("a depliant needs a 'panels' list of %d panels: cover, three inside panels, inner flap, back"),
				      FOLD_DEPLIANT_PANELS) :
			    xasprintf(_("a plaquette needs a 'panels' list of %d pages: cover, two inside pages, back"),
				      FOLD_PLAQUETTE_PANELS);
		report(d, def, panels, data, "panels", msg);
		free(msg);
		return -1;
	}
	if (json_array_size(panels) != want) {
		char *msg = fold == FOLD_DEPLIANT ?
			    xasprintf(_("a depliant has %d panels (cover, three inside panels, inner flap, back), not %d"),
				      FOLD_DEPLIANT_PANELS, (int)json_array_size(panels)) :
			    xasprintf(_("a plaquette has %d pages (cover, two inside pages, back), not %d"),
				      FOLD_PLAQUETTE_PANELS, (int)json_array_size(panels));
		report(d, def, panels, data, "panels", msg);
		free(msg);
		ok = -1;
	}
	out->npanels = json_array_size(panels);
	out->panels = xcalloc(out->npanels ? out->npanels : 1, sizeof *out->panels);
	for (size_t i = 0; i < out->npanels; i++)
		if (read_panel(s, def, json_array_get(panels, i), &out->panels[i], d) < 0)
			ok = -1;
	return ok;
}

void fold_def_free(struct fold_def *fd)
{
	for (size_t i = 0; i < fd->npanels; i++) {
		for (size_t k = 0; k < fd->panels[i].nitems; k++)
			ptrs_free(&fd->panels[i].items[k].refs);
		free(fd->panels[i].items);
	}
	free(fd->panels);
	memset(fd, 0, sizeof *fd);
}

void fold_check(const struct site *s, const struct booklet *def, enum book_fold fold,
		struct diag *d)
{
	struct fold_def fd;
	fold_read(s, def, fold, &fd, d);
	fold_def_free(&fd);
}
