/*
 * The workshop's forms over contacts.yaml, glossary.yaml and
 * bibliography.yaml, one entry at
 * a time (/_edit/donnees/…): the list of entries, a form per entry built
 * from the data kind's descriptor (kind.h), adding and deleting an entry.
 * Plain HTML forms (they work without a script). A form carries the
 * version of its entry's bytes: a save is refused when that entry changed
 * on disk meanwhile, whatever happened to the others. Every change goes
 * to the history; a deletion is refused while something refers to the
 * entry (edit_refs.h), with the referrers listed.
 *
 *   GET  /_edit/donnees/KIND/            the entries     (KIND: contact, glossary, biblio)
 *   GET  /_edit/donnees/KIND/ID          the entry's form
 *   GET  /_edit/donnees/nouveau/KIND     an empty form
 *   POST /_edit/donnees/KIND/ID          save (fields, base)
 *   POST /_edit/donnees/KIND/ID/supprimer  delete (base)
 *   POST /_edit/donnees/KIND/ID/renommer   a new id (nouvel): the changes to every file
 *                                        that refers to it, then, with appliquer and the
 *                                        versions shown, the operation (edit_rename.c)
 *   POST /_edit/donnees/nouveau/KIND     add
 *   POST /_edit/donnees/api/entree       {texte, id, valeurs} → {texte, champs}: the
 *                                        same rewrite on a given text, nothing written
 */
#include "edit_internal.h"
#include "edit_data.h"
#include "edit_history.h"
#include "edit_refs.h"
#include "edit_save.h"

#include "buf.h"
#include "kind.h"
#include "load.h"
#include "model.h"
#include "path.h"
#include "utf8.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The data kinds with forms. */
static const int data_kinds[] = {TARGET_CONTACT, TARGET_GLOSSARY, TARGET_BIBLIO};

static const struct kind *kind_named(const char *name, size_t n, int *target)
{
	for (size_t i = 0; i < sizeof data_kinds / sizeof *data_kinds; i++) {
		const struct kind *k = kind_data(data_kinds[i]);
		if (strlen(k->name) == n && memcmp(k->name, name, n) == 0) {
			*target = data_kinds[i];
			return k;
		}
	}
	return NULL;
}

/* An entry id as it may appear in a URL: what the schema accepts for sigles and slugs. */
static int id_ok(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > 100 || !utf8_valid(id, n, NULL))
		return 0;
	for (const char *p = id; *p; p++)
		if ((unsigned char)*p < 0x20 || strchr("/\\?#%&\"'<>", *p) || *p == 0x7f)
			return 0;
	return 1;
}

static void put_html(struct buf *b, const char *s)
{
	buf_put_html(b, s, strlen(s));
}

/* An id in a URL path: percent-encoded but for unreserved bytes. */
static void put_url_id(struct buf *b, const char *id)
{
	for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p))
			buf_putc(b, (char)*p);
		else
			buf_printf(b, "%%%02X", *p);
	}
}

/* EDIT_PREFIX/donnees/KIND/ID + suffix (caller frees). */
static char *entry_url(const struct kind *k, const char *id, const char *suffix)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, EDIT_PREFIX "/donnees/%s/", k->name);
	put_url_id(&b, id);
	buf_puts(&b, suffix);
	return buf_detach(&b);
}

/* The head of a workshop page, the same as edit_page.c's. */
static void page_start(struct buf *b, const char *title)
{
	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	put_html(b, title);
	buf_puts(b, " — Atelier d’écriture</title>\n"
		    "<link rel=\"stylesheet\" href=\"" EDIT_PREFIX "/static/editor.css\">\n"
		    "</head>\n<body class=\"index donnees\">\n<header class=\"barre\">"
		    "<a class=\"marque\" href=\"" EDIT_PREFIX "/\">Atelier d’écriture</a>"
		    "<a href=\"/\">Voir le site</a></header>\n<main>\n");
}

static enum MHD_Result page_send(struct MHD_Connection *conn, unsigned status, struct buf *b)
{
	buf_puts(b, "</main>\n</body>\n</html>\n");
	size_t n = b->len;
	return edit_send(conn, status, "text/html; charset=utf-8", buf_detach(b), n);
}

/*
 * A data file read and cut into its entries, one of them looked up: what
 * every handler starts from (a form, a save, an addition, a deletion).
 */
struct data_file {
	char *path;                         /* the file (owned); NULL for a given text */
	char *text;                         /* its bytes (owned), NULL when unreadable */
	size_t len;
	struct data_entry *v;               /* its entries (owned) */
	long n;                             /* their count, -1 when not a list of entries */
	long at;                            /* the entry looked up, -1 when absent */
	char version[EDIT_VERSION_LEN + 1]; /* that entry's bytes' version, "" when absent */
};

static long find_entry(const struct data_entry *v, long n, const char *id)
{
	for (long i = 0; i < n; i++)
		if (v[i].id && strcmp(v[i].id, id) == 0)
			return i;
	return -1;
}

/* Cuts f->text into entries and looks id up (NULL: none). */
static void data_file_cut(struct data_file *f, const char *id)
{
	f->v = NULL;
	f->n = f->text ? data_entries(f->text, f->len, &f->v) : -1;
	f->at = id && f->n > 0 ? find_entry(f->v, f->n, id) : -1;
	f->version[0] = '\0';
	if (f->at >= 0)
		edit_version(f->text + f->v[f->at].start, f->v[f->at].end - f->v[f->at].start, f->version);
}

/* The data file of kind k (an absent file is an empty list), entry id looked up. */
static void data_file_open(struct edit *e, const struct kind *k, const char *id, struct data_file *f)
{
	memset(f, 0, sizeof *f);
	f->path = path_join(e->content_real, k->data_file);
	f->text = edit_read(f->path, LOAD_MAX_FILE_BYTES, &f->len);
	if (!f->text && errno == ENOENT) {
		f->len = 0;
		f->text = xstrdup("");
	}
	data_file_cut(f, id);
}

static void data_file_close(struct data_file *f)
{
	data_entries_free(f->v, f->n > 0 ? (size_t)f->n : 0);
	free(f->text);
	free(f->path);
	memset(f, 0, sizeof *f);
}

/* The value of a field as the form shows it. */
static char *field_text(const json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	if (json_is_array(v)) {
		struct buf b = BUF_INIT;
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			if (i)
				buf_putc(&b, '\n');
			if (json_is_string(x))
				buf_puts(&b, json_string_value(x));
		}
		return buf_detach(&b);
	}
	return xstrdup("");
}

static int compare_names(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a, *y = *(const struct entry *const *)b;
	return strcmp(x->label, y->label);
}

/* One control per field of the descriptor; values: the entry (or what was posted). */
static void put_fields(struct buf *b, const struct kind *k, const json_t *values, int new_entry,
		       const struct site *s, const char *self)
{
	for (const struct kind_field *f = k->fields; f->name; f++) {
		char *value = field_text(json_object_get(values, f->name));
		int required = (f->flags & FIELD_REQUIRED) != 0;
		buf_printf(b, "<p class=\"champ\"><label for=\"champ-%s\">", f->name);
		put_html(b, f->label);
		if (required)
			buf_puts(b, " <span class=\"requis\">(obligatoire)</span>");
		buf_puts(b, "</label><br>\n");
		if (strcmp(f->name, "id") == 0 && !new_entry) {
			/* Other files name the entry by its id: it changes through « Changer l’identifiant ». */
			buf_printf(b, "<input id=\"champ-%s\" type=\"text\" readonly value=\"", f->name);
			put_html(b, value);
			buf_puts(b, "\" aria-describedby=\"aide-id\"> <span id=\"aide-id\" class=\"aide\">"
				    "L’identifiant se change plus bas\u202f: les textes qui l’utilisent suivent.");
		} else if (f->type == FIELD_LONG_TEXT || f->type == FIELD_STRINGS) {
			int list = f->type == FIELD_STRINGS;
			buf_printf(b, "<textarea id=\"champ-%s\" name=\"%s\" rows=\"4\" lang=\"fr\"%s%s%s%s>", f->name,
				   f->name, required ? " required" : "", list ? " aria-describedby=\"aide-" : "",
				   list ? f->name : "", list ? "\"" : "");
			put_html(b, value);
			buf_puts(b, "</textarea>");
			if (list)
				buf_printf(b, " <span id=\"aide-%s\" class=\"aide\">Un par ligne.</span>", f->name);
		} else if (f->type == FIELD_YEAR || f->type == FIELD_INT) {
			buf_printf(b, "<input id=\"champ-%s\" name=\"%s\" type=\"text\" inputmode=\"numeric\" "
				      "autocomplete=\"off\" size=\"6\"%s value=\"", f->name, f->name, required ? " required" : "");
			put_html(b, value);
			buf_puts(b, "\">");
		} else if (f->type == FIELD_ENUM) {
			buf_printf(b, "<select id=\"champ-%s\" name=\"%s\">\n<option value=\"\">(non précisé)</option>\n",
				   f->name, f->name);
			for (const struct kind_value *kv = f->values; kv && kv->id; kv++) {
				buf_puts(b, "<option value=\"");
				put_html(b, kv->id);
				buf_printf(b, "\"%s>", strcmp(kv->id, value) == 0 ? " selected" : "");
				put_html(b, kv->label);
				buf_puts(b, "</option>\n");
			}
			buf_puts(b, "</select>");
		} else if (f->type == FIELD_CONTACT && s) {
			buf_printf(b, "<select id=\"champ-%s\" name=\"%s\">\n<option value=\"\">(aucun)</option>\n",
				   f->name, f->name);
			const struct entry **sorted = xcalloc(s->ncontacts + 1, sizeof *sorted);
			for (size_t i = 0; i < s->ncontacts; i++)
				sorted[i] = &s->contacts[i];
			qsort(sorted, s->ncontacts, sizeof *sorted, compare_names);
			int found = !*value;
			for (size_t i = 0; i < s->ncontacts; i++) {
				if (self && strcmp(sorted[i]->id, self) == 0)
					continue;
				found |= strcmp(sorted[i]->id, value) == 0;
				buf_puts(b, "<option value=\"");
				put_html(b, sorted[i]->id);
				buf_printf(b, "\"%s>", strcmp(sorted[i]->id, value) == 0 ? " selected" : "");
				put_html(b, sorted[i]->label);
				buf_puts(b, "</option>\n");
			}
			if (!found) {
				buf_puts(b, "<option selected value=\"");
				put_html(b, value);
				buf_puts(b, "\">");
				put_html(b, value);
				buf_puts(b, " (inconnu)</option>\n");
			}
			free(sorted);
			buf_puts(b, "</select>");
		} else {
			const char *type = f->type == FIELD_EMAIL ? "email" : f->type == FIELD_URL ? "url" : "text";
			buf_printf(b, "<input id=\"champ-%s\" name=\"%s\" type=\"%s\" lang=\"fr\"%s value=\"", f->name,
				   f->name, type, required ? " required" : "");
			put_html(b, value);
			buf_puts(b, "\">");
		}
		buf_puts(b, "</p>\n");
		free(value);
	}
}

/* The posted values of kind k's fields: name -> string, or null (emptied). */
static json_t *posted_values(const struct kind *k, const char *body, size_t len, int with_id,
			     const char **err)
{
	json_t *v = json_object();
	*err = NULL;
	for (const struct kind_field *f = k->fields; f->name; f++) {
		if (strcmp(f->name, "id") == 0 && !with_id)
			continue;
		size_t n = 0;
		char *raw = edit_form_field(body, len, f->name, &n);
		if (!raw)
			continue; /* not in the form: left as it is */
		/* Browsers send CR LF in text areas. */
		struct buf clean = BUF_INIT;
		int ok = strlen(raw) == n && utf8_valid(raw, n, NULL);
		for (size_t i = 0; ok && i < n; i++) {
			unsigned char c = (unsigned char)raw[i];
			if (c == '\r')
				continue;
			if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
				ok = 0;
			buf_putc(&clean, (char)c);
		}
		free(raw);
		/* Spaces around a value are slips, never meaning. */
		const char *t = buf_cstr(&clean);
		size_t a = 0, z = clean.len;
		while (a < z && strchr(" \t\n", t[a]))
			a++;
		while (z > a && strchr(" \t\n", t[z - 1]))
			z--;
		if (!ok) {
			*err = "Un champ contient des caractères de contrôle\u202f: rien n’a été enregistré.";
		} else if (z == a) {
			if (f->flags & FIELD_REQUIRED)
				*err = "Un champ obligatoire est vide\u202f: rien n’a été enregistré.";
			json_object_set_new(v, f->name, json_null());
		} else if (f->type == FIELD_STRINGS) {
			/* One value a line (authors): blank lines and spaces around each are slips. */
			json_t *list = json_array();
			for (size_t i = a; i < z;) {
				const char *nl = memchr(t + i, '\n', z - i);
				size_t e = nl ? (size_t)(nl - t) : z, x = i, y = e;
				while (x < y && strchr(" \t", t[x]))
					x++;
				while (y > x && strchr(" \t", t[y - 1]))
					y--;
				if (y > x)
					json_array_append_new(list, json_stringn(t + x, y - x));
				i = e + 1;
			}
			json_object_set_new(v, f->name, list);
		} else if (f->type == FIELD_YEAR || f->type == FIELD_INT) {
			int lo = f->type == FIELD_YEAR ? 1900 : f->min, hi = f->type == FIELD_YEAR ? 2100 : f->max;
			long long number = 0;
			size_t i = a;
			while (i < z && t[i] >= '0' && t[i] <= '9' && number < 100000000)
				number = number * 10 + (t[i++] - '0');
			if (i < z || number < lo || number > hi)
				*err = f->type == FIELD_YEAR ? "L’année s’écrit en chiffres, entre 1900 et 2100 (par exemple "
							       "2013)\u202f: rien n’a été enregistré."
							     : "Un nombre est attendu\u202f: rien n’a été enregistré.";
			else
				json_object_set_new(v, f->name, json_integer(number));
		} else if (f->type != FIELD_LONG_TEXT && memchr(t + a, '\n', z - a)) {
			*err = "Un champ d’une ligne contient un retour à la ligne\u202f: rien n’a été enregistré.";
		} else if (f->type == FIELD_ENUM && !kind_enum_match(f, t + a)) {
			*err = "Une valeur proposée par une liste est inconnue\u202f: rien n’a été enregistré.";
		} else {
			json_object_set_new(v, f->name, json_stringn(t + a, z - a));
		}
		buf_free(&clean);
		if (*err)
			break;
	}
	if (*err) {
		json_decref(v);
		return NULL;
	}
	return v;
}

/* Keeps only the values that differ from the entry's (so unchanged fields keep their lines). */
static void drop_unchanged(json_t *values, const json_t *current)
{
	const char *key;
	json_t *v, *tmp;
	json_object_foreach_safe(values, tmp, key, v) {
		json_t *c = json_object_get(current, key);
		char *shown = c ? field_text(c) : NULL;
		char *posted = json_is_null(v) ? NULL : field_text(v);
		/* As the form shows them: a list by its lines, a number by its digits. */
		int same = (json_is_null(v) && !c) || (posted && shown && strcmp(shown, posted) == 0);
		free(posted);
		free(shown);
		if (same)
			json_object_del(values, key);
	}
}

/* « le nom, la description » from the labels of the changed fields. */
static char *changed_phrase(const struct kind *k, const json_t *values)
{
	struct buf b = BUF_INIT;
	size_t i = 0, n = json_object_size(values);
	for (const struct kind_field *f = k->fields; f->name; f++) {
		if (!json_object_get(values, f->name))
			continue;
		if (i)
			buf_puts(&b, i + 1 == n ? " et " : ", ");
		char *label = xstrdup(f->label);
		if (label[0] >= 'A' && label[0] <= 'Z')
			label[0] = (char)(label[0] - 'A' + 'a');
		buf_puts(&b, label);
		free(label);
		i++;
	}
	return buf_detach(&b);
}

/* ----------------------------------------------------------------- pages */

static enum MHD_Result list_page(struct edit *e, struct MHD_Connection *conn, const struct kind *k)
{
	struct buf b = BUF_INIT;
	page_start(&b, k->label_plural);
	buf_puts(&b, "<h1>");
	put_html(&b, k->label_plural);
	buf_printf(&b, "</h1>\n<p><a href=\"" EDIT_PREFIX "/donnees/nouveau/%s\">Ajouter une entrée</a></p>\n",
		   k->name);
	struct data_file f;
	data_file_open(e, k, NULL, &f);
	const struct data_entry *v = f.v;
	if (f.n < 0) {
		buf_puts(&b, "<p>Ce fichier ne peut pas être lu comme une liste d’entrées\u202f: corrigez-le "
			     "dans un éditeur de texte.</p>\n");
	} else {
		buf_puts(&b, "<ul class=\"documents\">\n");
		for (long i = 0; i < f.n; i++) {
			if (!v[i].id)
				continue;
			json_t *fields = data_entry_fields(f.text, &v[i]);
			const char *label = json_string_value(json_object_get(fields, k->label_field));
			char *url = entry_url(k, v[i].id, "");
			buf_printf(&b, "<li><a href=\"%s\">", url);
			free(url);
			put_html(&b, v[i].id);
			buf_puts(&b, "</a>");
			if (label) {
				buf_puts(&b, " <span class=\"chemin\">");
				put_html(&b, label);
				buf_puts(&b, "</span>");
			}
			buf_puts(&b, "</li>\n");
			json_decref(fields);
		}
		buf_puts(&b, "</ul>\n");
	}
	data_file_close(&f);
	return page_send(conn, MHD_HTTP_OK, &b);
}

/*
 * The form of entry id (NULL: a new one), with values (NULL: the entry's),
 * a message (NULL: none; saved: a confirmation) and status.
 */
static enum MHD_Result form_page(struct edit *e, struct MHD_Connection *conn, const struct kind *k,
				 const char *id, const json_t *posted, const char *message, int saved,
				 unsigned status)
{
	struct data_file f;
	data_file_open(e, k, id, &f);
	if (id && f.at < 0) {
		data_file_close(&f);
		return edit_send_text(conn, MHD_HTTP_NOT_FOUND, "404 Cette entrée n’existe pas (ou plus).\n");
	}
	long at = f.at;
	const char *version = f.version;
	json_t *current = at >= 0 ? data_entry_fields(f.text, &f.v[at]) : json_object();
	struct buf b = BUF_INIT;
	char *title = id ? xasprintf("%s «\u202f%s\u202f»", k->label, id) : xasprintf("Nouvelle entrée\u202f: %s", k->label_lower);
	page_start(&b, title);
	buf_printf(&b, "<p><a href=\"" EDIT_PREFIX "/donnees/%s/\">", k->name);
	put_html(&b, k->label_plural);
	buf_puts(&b, "\u202f: toutes les entrées</a></p>\n<h1>");
	put_html(&b, title);
	buf_puts(&b, "</h1>\n");
	free(title);
	if (message)
		buf_printf(&b, "<p class=\"%s\" role=\"%s\">", saved ? "confirme" : "erreur-champ",
			   saved ? "status" : "alert");
	if (message) {
		put_html(&b, message);
		buf_puts(&b, "</p>\n");
	}
	if (at >= 0 && !f.v[at].editable)
		buf_puts(&b, "<p class=\"erreur-champ\" role=\"alert\">Cette entrée est écrite sous une forme que "
			     "l’atelier ne sait pas modifier\u202f: modifiez-la dans le fichier.</p>\n");
	struct site *s = edit_load_site(e);
	char *action = id ? entry_url(k, id, "") : xasprintf(EDIT_PREFIX "/donnees/nouveau/%s", k->name);
	buf_printf(&b, "<form method=\"post\" action=\"%s\">\n<input type=\"hidden\" name=\"base\" value=\"",
		   action);
	free(action);
	buf_puts(&b, version);
	buf_puts(&b, "\">\n");
	json_t *shown = json_deep_copy(current);
	if (posted)
		json_object_update(shown, (json_t *)posted);
	put_fields(&b, k, shown, id == NULL, s, id);
	json_decref(shown);
	buf_printf(&b, "<p class=\"boutons\"><button type=\"submit\" class=\"principal\">%s</button></p>\n</form>\n",
		   id ? "Enregistrer" : "Ajouter");
	if (id) {
		char *del = entry_url(k, id, "/supprimer");
		buf_printf(&b, "<form method=\"post\" class=\"suppression\" action=\"%s\">\n", del);
		free(del);
		buf_printf(&b, "<input type=\"hidden\" name=\"base\" value=\"%s\">\n"
			       "<p><button type=\"submit\">Supprimer cette entrée…</button> "
			       "<span class=\"aide\">Refusé tant que d’autres textes y renvoient\u202f; "
			       "l’entrée reste dans l’historique.</span></p>\n</form>\n", version);
		char *ren = entry_url(k, id, "/renommer");
		buf_printf(&b, "<section aria-labelledby=\"renommer-titre\">\n<h2 id=\"renommer-titre\">Changer "
			       "l’identifiant</h2>\n<form method=\"post\" action=\"%s\">\n", ren);
		free(ren);
		buf_puts(&b, "<p><label for=\"renommer-nouvel\">Nouvel identifiant</label><br>\n"
			     "<input id=\"renommer-nouvel\" name=\"nouvel\" type=\"text\" required spellcheck=\"false\" "
			     "autocomplete=\"off\" aria-describedby=\"renommer-aide\" value=\"");
		put_html(&b, id);
		buf_puts(&b, "\"> <span id=\"renommer-aide\" class=\"aide\">Chaque texte qui y renvoie sera réécrit"
			     " ; la liste des changements s’affiche d’abord, rien n’est modifié avant votre "
			     "confirmation.</span></p>\n<p><button type=\"submit\">Voir les changements…</button></p>\n"
			     "</form>\n</section>\n");
	}
	site_free(s);
	json_decref(current);
	data_file_close(&f);
	return page_send(conn, status, &b);
}

/* ----------------------------------------------------------------- saves */

/*
 * Writes text, the data file's next version made by data_entry_*, over the
 * data file and keeps it in the history under the version message: 0, or the
 * status of the refusal, its words in *refusal (text NULL: data_entry_* refused,
 * for the reason why).
 */
static unsigned write_data(struct edit *e, const struct kind *k, const struct data_file *f, const char *text,
			   size_t len, const char *why, const char *message, const char **refusal)
{
	if (!text) {
		*refusal = why;
		return MHD_HTTP_UNPROCESSABLE_CONTENT;
	}
	if (edit_write_atomic(f->path, text, len) < 0) {
		*refusal = "Écriture impossible\u202f: le fichier n’a pas changé.";
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	history_record(e->hist, k->data_file, f->len || f->text ? f->text : NULL, f->len, text, len, message);
	return 0;
}

/* The answer to a save or an addition: the form again with the refusal
 * (form_id: the entry it edits, NULL for a new one), or the saved entry. */
static enum MHD_Result saved_answer(struct edit *e, struct MHD_Connection *conn, const struct kind *k,
				    const char *form_id, const char *id, json_t *values, const char *refusal,
				    unsigned status)
{
	enum MHD_Result r;
	if (status) {
		r = form_page(e, conn, k, form_id, values, refusal, 0, status);
	} else {
		char *location = entry_url(k, id, "?enregistre=1");
		r = edit_redirect(conn, location, NULL);
		free(location);
	}
	json_decref(values);
	return r;
}

static enum MHD_Result save_entry(struct edit *e, struct MHD_Connection *conn, const struct kind *k,
				  const char *id, const char *body, size_t len)
{
	const char *err;
	json_t *values = posted_values(k, body, len, 0, &err);
	size_t bn = 0;
	char *base = edit_form_field(body, len, "base", &bn);
	if (!values || !base) {
		free(base);
		enum MHD_Result r = form_page(e, conn, k, id, values, err ? err : "Formulaire incomplet.", 0,
					      MHD_HTTP_UNPROCESSABLE_CONTENT);
		json_decref(values);
		return r;
	}
	pthread_mutex_lock(&e->save_lock);
	struct data_file f;
	data_file_open(e, k, id, &f);
	long at = f.at;
	const char *message = NULL;
	unsigned status = 0;
	if (at < 0) {
		message = "Cette entrée n’existe plus dans le fichier\u202f: rien n’a été enregistré.";
		status = MHD_HTTP_CONFLICT;
	} else if (strcmp(f.version, base) != 0) {
		message = "Cette entrée a changé dans le fichier depuis l’ouverture du formulaire\u202f: rien n’a été "
			  "enregistré. Le formulaire montre vos valeurs\u202f; comparez-les avec celles du fichier "
			  "(rechargez la page pour les voir), puis enregistrez de nouveau.";
		status = MHD_HTTP_CONFLICT;
	} else {
		json_t *current = data_entry_fields(f.text, &f.v[at]);
		drop_unchanged(values, current);
		json_decref(current);
		if (json_object_size(values) == 0) {
			message = "Aucun changement.";
		} else {
			size_t nlen;
			char *next = data_entry_set(f.text, f.len, &f.v[at], values, &nlen, &err);
			char *phrase = changed_phrase(k, values);
			char *m = xasprintf("%s : modifier « %s » (%s)", k->label_plural, id, phrase);
			free(phrase);
			status = write_data(e, k, &f, next, nlen, err, m, &message);
			free(m);
			free(next);
		}
	}
	pthread_mutex_unlock(&e->save_lock);
	data_file_close(&f);
	free(base);
	return saved_answer(e, conn, k, at >= 0 || status != MHD_HTTP_CONFLICT ? id : NULL, id, values, message,
			    status);
}

static enum MHD_Result add_entry(struct edit *e, struct MHD_Connection *conn, const struct kind *k,
				 int target, const char *body, size_t len)
{
	const char *err;
	json_t *values = posted_values(k, body, len, 1, &err);
	const char *id = json_string_value(json_object_get(values, "id"));
	if (values && (!id || !id_ok(id)))
		err = "Donnez un identifiant sans barre oblique, guillemet ni signe # % & ? < >.";
	const struct kind_field *idf = kind_field(k, "id");
	if (values && id && idf && idf->type == FIELD_SLUG) {
		for (const char *p = id; *p && !err; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
				err = "L’identifiant ne contient que des lettres minuscules sans accent, des "
				      "chiffres et des traits d’union (par exemple «\u202fcentre-social-agora\u202f»).";
	}
	if (!values || err) {
		enum MHD_Result r = form_page(e, conn, k, NULL, values, err ? err : "Formulaire incomplet.", 0,
					      MHD_HTTP_UNPROCESSABLE_CONTENT);
		json_decref(values);
		return r;
	}
	const char *order[32];
	size_t no = 0;
	for (const struct kind_field *f = k->fields; f->name && no < 31; f++)
		order[no++] = f->name;
	order[no] = NULL;
	pthread_mutex_lock(&e->save_lock);
	struct data_file f;
	data_file_open(e, k, id, &f);
	const char *message = NULL;
	unsigned status = 0;
	if (f.n < 0) {
		message = "Le fichier ne peut pas être lu comme une liste d’entrées\u202f: rien n’a été ajouté.";
		status = MHD_HTTP_UNPROCESSABLE_CONTENT;
	} else if (f.at >= 0) {
		message = "Cet identifiant est déjà pris\u202f: choisissez-en un autre. Rien n’a été ajouté.";
		status = MHD_HTTP_CONFLICT;
	} else {
		size_t nlen;
		char *next = data_entry_add(f.text, f.len, values, order, &nlen, &err);
		char *m = xasprintf("%s : ajouter « %s »", k->label_plural, id);
		status = write_data(e, k, &f, next, nlen, err, m, &message);
		free(m);
		free(next);
	}
	(void)target;
	pthread_mutex_unlock(&e->save_lock);
	data_file_close(&f);
	return saved_answer(e, conn, k, NULL, id, values, message, status);
}

static enum MHD_Result delete_entry(struct edit *e, struct MHD_Connection *conn, const struct kind *k,
				    int target, const char *id, const char *body, size_t len)
{
	size_t bn = 0;
	char *base = edit_form_field(body, len, "base", &bn);
	pthread_mutex_lock(&e->save_lock);
	/* What refers to it, found as the build finds links and ids. */
	struct site *s = edit_load_site(e);
	struct ref_scan scan = {0};
	struct ref_target t = {.entry_kind = (enum target_kind)target, .entry_id = id};
	if (s)
		refs_scan(s, &t, &scan);
	struct data_file f;
	data_file_open(e, k, id, &f);
	long at = f.at;
	unsigned status = 0;
	const char *message = NULL;
	if (!s) {
		message = "Le dossier content/ ne peut pas être lu\u202f: rien n’a été supprimé.";
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
	} else if (at < 0) {
		message = "Cette entrée n’existe plus.";
		status = MHD_HTTP_NOT_FOUND;
	} else if (!base || strcmp(base, f.version) != 0) {
		message = "Cette entrée a changé depuis l’ouverture du formulaire\u202f: rien n’a été supprimé.";
		status = MHD_HTTP_CONFLICT;
	} else if (scan.nfiles) {
		status = MHD_HTTP_CONFLICT; /* the referrers are listed below */
	} else {
		size_t nlen;
		char *next = data_entry_remove(f.text, f.len, f.v, (size_t)f.n, (size_t)at, &nlen);
		char *m = xasprintf("%s : supprimer « %s »", k->label_plural, id);
		status = write_data(e, k, &f, next, nlen, NULL, m, &message);
		free(m);
		free(next);
	}
	pthread_mutex_unlock(&e->save_lock);
	enum MHD_Result r;
	if (status == MHD_HTTP_CONFLICT && !message) {
		struct buf b = BUF_INIT;
		char *title = xasprintf("Suppression refusée\u202f: %s «\u202f%s\u202f»", k->label_lower, id);
		page_start(&b, title);
		buf_puts(&b, "<h1>");
		put_html(&b, title);
		free(title);
		buf_puts(&b, "</h1>\n<p role=\"alert\">Ces textes renvoient encore à cette entrée. Retirez ces "
			     "renvois d’abord, puis supprimez-la. Rien n’a été supprimé.</p>\n<ul class=\"liens\">\n");
		for (size_t i = 0; i < scan.nfiles; i++)
			for (size_t j = 0; j < scan.files[i].nhits; j++) {
				buf_puts(&b, "<li><span class=\"chemin\">content/");
				put_html(&b, scan.files[i].rel);
				buf_printf(&b, ":%d</span></li>\n", scan.files[i].hits[j].line);
			}
		char *back = entry_url(k, id, "");
		buf_printf(&b, "</ul>\n<p><a href=\"%s\">Revenir à l’entrée</a></p>\n", back);
		free(back);
		r = page_send(conn, status, &b);
	} else if (status) {
		r = form_page(e, conn, k, at >= 0 ? id : NULL, NULL, message, 0, status);
	} else {
		char *location = xasprintf(EDIT_PREFIX "/donnees/%s/?supprime=1", k->name);
		r = edit_redirect(conn, location, NULL);
		free(location);
	}
	refs_free(&scan);
	site_free(s);
	data_file_close(&f);
	free(base);
	return r;
}

/* ---------------------------------------------------------------- renaming */

/* One cell of the changes table: text with the part that differs from other marked. */
static void put_diff_cell(struct buf *b, const char *text, const char *other, const char *tag)
{
	size_t n = strlen(text), m = strlen(other), a = 0, z = 0;
	while (a < n && a < m && text[a] == other[a])
		a++;
	while (a > 0 && ((unsigned char)text[a] & 0xc0) == 0x80)
		a--; /* never inside a character */
	while (z < n - a && z < m - a && text[n - 1 - z] == other[m - 1 - z])
		z++;
	while (z > 0 && ((unsigned char)text[n - z] & 0xc0) == 0x80)
		z--;
	buf_puts(b, "<td>");
	buf_put_html(b, text, a);
	buf_printf(b, "<%s>", tag);
	buf_put_html(b, text + a, n - z - a);
	buf_printf(b, "</%s>", tag);
	buf_put_html(b, text + n - z, z);
	buf_puts(b, "</td>");
}

/*
 * POST …/ID/renommer (nouvel[, appliquer, versions]): the changes giving
 * the entry a new id, shown as a table with a confirmation form carrying
 * the files' versions; confirmed, the operation, then the entry's form
 * under its new id.
 */
static enum MHD_Result rename_entry(struct edit *e, struct MHD_Connection *conn, const struct kind *k,
				    int target, const char *id, const char *body, size_t len)
{
	size_t n = 0;
	char *raw = edit_form_field(body, len, "nouvel", &n);
	char *vtext = edit_form_field(body, len, "versions", &n);
	char *apply = edit_form_field(body, len, "appliquer", &n);
	/* Spaces around an id are slips. */
	char *new_id = xstrdup(raw ? raw : "");
	size_t a = strspn(new_id, " \t\r\n"), z = strlen(new_id);
	while (z > a && strchr(" \t\r\n", new_id[z - 1]))
		z--;
	memmove(new_id, new_id + a, z - a);
	new_id[z - a] = '\0';
	json_t *versions = vtext ? json_loads(vtext, 0, NULL) : NULL;
	unsigned status;
	json_t *out = edit_rename_entry(e, target, id, new_id, apply != NULL, versions, &status);
	enum MHD_Result r;
	const char *err = json_string_value(json_object_get(out, "erreur"));
	if (status != MHD_HTTP_OK) {
		struct buf m = BUF_INIT;
		buf_puts(&m, err ? err : "Erreur.");
		json_t *files = json_object_get(out, "fichiers");
		size_t i;
		json_t *f;
		json_array_foreach(files, i, f) {
			buf_puts(&m, i ? ", " : " (");
			buf_puts(&m, json_string_value(f) ? json_string_value(f) : "");
			if (i + 1 == json_array_size(files))
				buf_putc(&m, ')');
		}
		r = form_page(e, conn, k, id, NULL, buf_cstr(&m), 0, status);
		buf_free(&m);
	} else if (apply) {
		char *location = xasprintf("%s?renomme=1", json_string_value(json_object_get(out, "adresse")));
		r = edit_redirect(conn, location, NULL);
		free(location);
	} else {
		struct buf b = BUF_INIT;
		char *title = xasprintf("Renommer « %s » en « %s »", id, new_id);
		page_start(&b, title);
		char *back = entry_url(k, id, "");
		buf_printf(&b, "<p><a href=\"%s\">Revenir à l’entrée sans rien changer</a></p>\n<h1>", back);
		put_html(&b, title);
		free(title);
		json_t *changes = json_object_get(out, "changements");
		json_t *files = json_object_get(out, "versions");
		size_t nfiles = json_object_size(files);
		buf_puts(&b, "</h1>\n<p id=\"renommer-resume\">");
		put_html(&b, json_string_value(json_object_get(out, "message")));
		buf_printf(&b, ". %zu fichier%s %s modifié%s. Rien n’est écrit avant votre confirmation.</p>\n", nfiles,
			   nfiles > 1 ? "s" : "", nfiles > 1 ? "seront" : "sera", nfiles > 1 ? "s" : "");
		buf_puts(&b, "<div class=\"tableau-changements\" tabindex=\"0\" role=\"region\" "
			     "aria-labelledby=\"renommer-resume\">\n<table>\n<caption>Lignes modifiées</caption>\n"
			     "<thead><tr><th scope=\"col\">Fichier</th><th scope=\"col\">Ligne</th>"
			     "<th scope=\"col\">Avant</th><th scope=\"col\">Après</th></tr></thead>\n<tbody>\n");
		size_t i;
		json_t *c;
		json_array_foreach(changes, i, c) {
			const char *before = json_string_value(json_object_get(c, "avant"));
			const char *after = json_string_value(json_object_get(c, "apres"));
			buf_puts(&b, "<tr><td class=\"chemin\">");
			put_html(&b, json_string_value(json_object_get(c, "fichier")));
			buf_printf(&b, "</td><td>%lld</td>", (long long)json_integer_value(json_object_get(c, "ligne")));
			put_diff_cell(&b, before ? before : "", after ? after : "", "del");
			put_diff_cell(&b, after ? after : "", before ? before : "", "ins");
			buf_puts(&b, "</tr>\n");
		}
		buf_puts(&b, "</tbody>\n</table>\n</div>\n");
		char *action = entry_url(k, id, "/renommer");
		buf_printf(&b, "<form method=\"post\" action=\"%s\">\n<input type=\"hidden\" name=\"nouvel\" value=\"", action);
		free(action);
		put_html(&b, new_id);
		char *vjson = json_dumps(files, JSON_COMPACT | JSON_SORT_KEYS);
		buf_puts(&b, "\">\n<input type=\"hidden\" name=\"appliquer\" value=\"1\">\n"
			     "<input type=\"hidden\" name=\"versions\" value=\"");
		put_html(&b, vjson ? vjson : "{}");
		free(vjson);
		buf_printf(&b, "\">\n<p class=\"boutons\"><button type=\"submit\" class=\"principal\" autofocus>"
			       "Appliquer ces changements</button> <a href=\"%s\">Annuler</a></p>\n</form>\n", back);
		free(back);
		r = page_send(conn, MHD_HTTP_OK, &b);
	}
	json_decref(out);
	json_decref(versions);
	free(new_id);
	free(raw);
	free(vtext);
	free(apply);
	return r;
}

/* ------------------------------------------------------------ API (tests) */

/* {texte, id, valeurs}: the text with that entry changed, and its fields read back; nothing is written. */
static enum MHD_Result api_entry(struct MHD_Connection *conn, const char *body, size_t len)
{
	json_error_t jerr;
	json_t *req = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	const char *text = json_string_value(json_object_get(req, "texte"));
	const char *id = json_string_value(json_object_get(req, "id"));
	json_t *values = json_object_get(req, "valeurs");
	if (!text || !id || !json_is_object(values)) {
		json_decref(req);
		return edit_send_json(conn, MHD_HTTP_BAD_REQUEST,
				      json_pack("{s:s}", "erreur", "Texte, identifiant ou valeurs manquants."));
	}
	/* The given text, borrowed: data_file_close is not called on f. */
	struct data_file f = {.text = (char *)text, .len = json_string_length(json_object_get(req, "texte"))};
	data_file_cut(&f, id);
	json_t *out;
	unsigned status = MHD_HTTP_OK;
	const char *err = "Cette entrée n’existe pas.";
	size_t nlen;
	char *next = f.at >= 0 ? data_entry_set(f.text, f.len, &f.v[f.at], values, &nlen, &err) : NULL;
	if (next) {
		/* The entry read back from the new text: what the test compares. */
		struct data_file w = {.text = next, .len = nlen};
		data_file_cut(&w, id);
		json_t *fields = w.at >= 0 ? data_entry_fields(next, &w.v[w.at]) : NULL;
		data_entries_free(w.v, w.n > 0 ? (size_t)w.n : 0);
		json_t *t = json_stringn(next, nlen);
		out = json_pack("{s:o,s:o}", "texte", t ? t : json_null(), "champs", fields ? fields : json_null());
	} else {
		status = MHD_HTTP_UNPROCESSABLE_CONTENT;
		out = json_pack("{s:s}", "erreur", err);
	}
	free(next);
	data_entries_free(f.v, f.n > 0 ? (size_t)f.n : 0);
	json_decref(req);
	return edit_send_json(conn, status, out);
}

/* ----------------------------------------------------------------- routing */

/* What a POST to an entry does. */
enum entry_action { ENTRY_SAVE, ENTRY_DELETE, ENTRY_RENAME };

/* Splits "KIND/ID[/supprimer|/renommer]" (raw URL: ids are percent-decoded). */
static const struct kind *parse_rest(const char *rest, int *target, char **id, enum entry_action *action)
{
	const char *slash = strchr(rest, '/');
	*id = NULL;
	*action = ENTRY_SAVE;
	if (!slash)
		return NULL;
	const struct kind *k = kind_named(rest, (size_t)(slash - rest), target);
	if (!k)
		return NULL;
	const char *raw = slash + 1;
	const char *tail = strchr(raw, '/');
	if (tail && strcmp(tail, "/supprimer") == 0)
		*action = ENTRY_DELETE;
	else if (tail && strcmp(tail, "/renommer") == 0)
		*action = ENTRY_RENAME;
	else if (tail)
		return NULL;
	size_t rn = tail ? (size_t)(tail - raw) : strlen(raw);
	if (rn) {
		char *form = xasprintf("i=%.*s", (int)rn, raw);
		size_t n = 0;
		char *decoded = edit_form_field(form, strlen(form), "i", &n);
		free(form);
		/* '+' is a plus in a path, not a space. */
		if (decoded && memchr(raw, '+', rn)) {
			free(decoded);
			decoded = NULL;
		}
		if (!decoded || strlen(decoded) != n || !id_ok(decoded)) {
			free(decoded);
			return NULL;
		}
		*id = decoded;
	}
	return k;
}

enum MHD_Result edit_data_get(struct edit *e, struct MHD_Connection *conn, const char *rest)
{
	int target;
	enum entry_action action;
	char *id = NULL;
	const struct kind *k;
	if (strncmp(rest, "nouveau/", 8) == 0 && (k = kind_named(rest + 8, strlen(rest + 8), &target)))
		return form_page(e, conn, k, NULL, NULL, NULL, 0, MHD_HTTP_OK);
	k = parse_rest(rest, &target, &id, &action);
	if (!k || action != ENTRY_SAVE) {
		free(id);
		return edit_send_text(conn, MHD_HTTP_NOT_FOUND, "404 Introuvable.\n");
	}
	enum MHD_Result r;
	if (!id) {
		r = list_page(e, conn, k);
	} else {
		int saved = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "enregistre") != NULL;
		int renamed = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "renomme") != NULL;
		const char *said = renamed ? "Identifiant changé\u202f: les textes qui y renvoient ont été réécrits "
					     "(voyez l’historique)."
				   : saved ? "Enregistré." : NULL;
		r = form_page(e, conn, k, id, NULL, said, saved || renamed, MHD_HTTP_OK);
	}
	free(id);
	return r;
}

enum MHD_Result edit_data_post(struct edit *e, struct MHD_Connection *conn, const char *rest,
			       const char *body, size_t len)
{
	int target;
	enum entry_action action;
	char *id = NULL;
	const struct kind *k;
	if (strcmp(rest, "api/entree") == 0)
		return api_entry(conn, body, len);
	if (strncmp(rest, "nouveau/", 8) == 0 && (k = kind_named(rest + 8, strlen(rest + 8), &target)))
		return add_entry(e, conn, k, target, body, len);
	k = parse_rest(rest, &target, &id, &action);
	if (!k || !id) {
		free(id);
		return edit_send_text(conn, MHD_HTTP_NOT_FOUND, "404 Introuvable.\n");
	}
	enum MHD_Result r = action == ENTRY_DELETE ? delete_entry(e, conn, k, target, id, body, len)
			    : action == ENTRY_RENAME ? rename_entry(e, conn, k, target, id, body, len)
						     : save_entry(e, conn, k, id, body, len);
	free(id);
	return r;
}

char *edit_data_page_for(const struct site *s, const char *page, const char *anchor)
{
	for (size_t i = 0; i < sizeof data_kinds / sizeof *data_kinds; i++) {
		const struct kind *k = kind_data(data_kinds[i]);
		if (!k->out_page || strcmp(k->out_page, page) != 0)
			continue;
		/* An entry of the list (its anchor on the page), else the whole list. */
		const struct entry *v = data_kinds[i] == TARGET_GLOSSARY ? s->glossary
					: data_kinds[i] == TARGET_BIBLIO ? s->biblio : NULL;
		size_t n = data_kinds[i] == TARGET_GLOSSARY ? s->nglossary
			   : data_kinds[i] == TARGET_BIBLIO ? s->nbiblio : 0;
		for (size_t j = 0; anchor && j < n; j++)
			if (v[j].anchor && strcmp(v[j].anchor, anchor) == 0 && id_ok(v[j].id))
				return entry_url(k, v[j].id, "");
		return xasprintf(EDIT_PREFIX "/donnees/%s/", k->name);
	}
	for (size_t i = 0; i < s->ncontacts; i++)
		if (s->contacts[i].out_path && strcmp(s->contacts[i].out_path, page) == 0 &&
		    id_ok(s->contacts[i].id))
			return entry_url(kind_data(TARGET_CONTACT), s->contacts[i].id, "");
	return NULL;
}
