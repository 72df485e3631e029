/*
 * The workshop's booklets page (/_edit/livrets): the project's booklets
 * with their PDFs, sizes and page counts (read from the built files), and
 * a form that composes an ad-hoc booklet for a workshop.
 *
 * The form's choice becomes a booklet definition, the very text a
 * content/booklets/NAME.yaml file would hold; it is read back with the
 * YAML loader and checked by booklet_adhoc (booklet.h) before anything is
 * typeset, then typeset by the booklet worker (edit_adhoc.h), and may be
 * saved as content/booklets/NAME.yaml unchanged.
 */
#include "edit_adhoc.h"
#include "edit_history.h"
#include "edit_internal.h"
#include "edit_save.h"
#include "pdf_pages.h"

#include "booklet.h"
#include "buf.h"
#include "diag.h"
#include "kind.h"
#include "model.h"
#include "path.h"
#include "slug.h"
#include "utf8.h"
#include "xalloc.h"
#include "yaml.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ helpers */

static void put_html(struct buf *b, const char *s)
{
	buf_put_html(b, s, strlen(s));
}

/* « 340 Ko », « 1,2 Mo », as the site's PDF links say it. */
static void put_size(struct buf *b, size_t len)
{
	if (len < 1000 * 1024) {
		buf_printf(b, "%zu\xc2\xa0Ko", (len + 1023) / 1024);
		return;
	}
	size_t tenths = (len * 10 + 512 * 1024) / (1024 * 1024);
	buf_printf(b, "%zu,%zu\xc2\xa0Mo", tenths / 10, tenths % 10);
}

static const char *out_dir(const struct edit *e, char **owned)
{
	*owned = NULL;
	if (e->build.out)
		return e->build.out;
	*owned = path_join(e->root, "public");
	return *owned;
}

/* "action:6", "guide:les-actions": what the list of fiches sends. */
static char *doc_ref(const struct doc *d)
{
	if (d->desc->list == LIST_NUMBERED && d->number > 0)
		return xasprintf("%s:%d", d->desc->name, d->number);
	return xasprintf("%s:%s", d->desc->name, d->slug);
}

/* ---------------------------------------------------------- the page */

/* One PDF cell: a link with its size and pages, or why there is none. */
static void put_pdf_cell(struct buf *b, const char *out, const char *name, const char *file,
			 const char *what)
{
	char *rel = xasprintf("pdf/%s", file);
	char *path = path_join(out, rel);
	size_t size = 0;
	long pages = pdf_pages_file(path, &size);
	buf_puts(b, "<td data-livret=\"");
	put_html(b, name);
	buf_puts(b, "\" data-fichier=\"");
	put_html(b, file);
	buf_puts(b, "\"");
	if (pages > 0)
		buf_printf(b, " data-pages=\"%ld\"", pages);
	buf_puts(b, ">");
	if (size) {
		buf_puts(b, "<a href=\"/");
		put_html(b, rel);
		buf_printf(b, "\">%s</a><br><span class=\"detail\">", what);
		if (pages > 0)
			buf_printf(b, "%ld\xc2\xa0page%s, ", pages, pages > 1 ? "s" : "");
		put_size(b, size);
		buf_puts(b, "</span>");
	} else {
		buf_puts(b, "<span class=\"detail\">Pas encore composé</span>");
	}
	buf_puts(b, "</td>");
	free(path);
	free(rel);
}

static void put_booklets_table(struct buf *b, const struct edit *e, const struct site *s)
{
	size_t n;
	struct book *books = booklet_site(s, &n);
	char *owned;
	const char *out = out_dir(e, &owned);
	buf_puts(b, "<table class=\"livrets\" aria-labelledby=\"titre-livrets\">\n<thead><tr>"
		    "<th scope=\"col\">Livret</th><th scope=\"col\">Format</th>"
		    "<th scope=\"col\">Contenu</th><th scope=\"col\">PDF</th>"
		    "<th scope=\"col\">PDF imposé (pour l’imprimeur)</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct book *bk = &books[i];
		if (bk->single)
			continue;
		const char *src = NULL;
		for (size_t k = 0; k < s->nbooklets; k++)
			if (strcmp(s->booklets[k].name, bk->name) == 0)
				src = s->booklets[k].path;
		size_t docs = 0;
		for (size_t k = 0; k < bk->nparts; k++)
			docs += bk->parts[k].kind == PART_DOC;
		buf_puts(b, "<tr id=\"livret-");
		put_html(b, bk->name);
		buf_puts(b, "\"><th scope=\"row\">");
		put_html(b, bk->title);
		buf_puts(b, "<br><span class=\"chemin\">");
		put_html(b, src ? src : "livret automatique");
		buf_puts(b, "</span></th>");
		if (bk->fold == FOLD_DEPLIANT)
			/* A leaflet's content is its panels, not documents. */
			buf_puts(b, "<td>Dépliant A4 plié en trois</td><td>6\xc2\xa0volets</td>");
		else if (bk->fold == FOLD_PLAQUETTE)
			buf_puts(b, "<td>Plaquette A4 pliée en deux</td><td>4\xc2\xa0pages</td>");
		else
			buf_printf(b, "<td>%s</td><td>%zu\xc2\xa0" "document%s%s</td>",
				   bk->a5 ? "A5" : "A4", docs, docs > 1 ? "s" : "",
				   bk->summaries ? " (résumés)" : "");
		char *file = xasprintf("%s.pdf", bk->name);
		put_pdf_cell(b, out, bk->name, file, "PDF");
		free(file);
		if (bk->impose) {
			file = xasprintf("%s-imposee.pdf", bk->name);
			put_pdf_cell(b, out, bk->name, file, "PDF imposé");
			free(file);
		} else {
			buf_printf(b, "<td><span class=\"detail\">Sans objet (%s)</span></td>",
				   bk->fold == FOLD_DEPLIANT ? "dépliant" : "A4");
		}
		buf_puts(b, "</tr>\n");
	}
	buf_puts(b, "</tbody>\n</table>\n");
	free(owned);
	booklet_free_all(books, n);
}

static void put_choice(struct buf *b, const char *type, const char *name, const char *value,
		       const char *label, const char *colour, int checked)
{
	char *id = xasprintf("%s-%s", name, value);
	for (char *p = id; *p; p++)
		if (*p == ':')
			*p = '-';
	buf_printf(b, "<li><input type=\"%s\" name=\"%s\" value=\"", type, name);
	put_html(b, value);
	buf_puts(b, "\" id=\"");
	put_html(b, id);
	buf_printf(b, "\"%s> <label for=\"", checked ? " checked" : "");
	put_html(b, id);
	buf_puts(b, "\">");
	if (colour) {
		buf_puts(b, "<span class=\"pastille\" style=\"background:");
		put_html(b, colour);
		buf_puts(b, "\" aria-hidden=\"true\"></span> ");
	}
	put_html(b, label);
	buf_puts(b, "</label></li>\n");
	free(id);
}

static void put_form(struct buf *b, const struct site *s)
{
	buf_puts(b, "<form id=\"composer\" aria-labelledby=\"titre-composer\">\n"
		    "<p><label for=\"livret-titre\">Titre du livret</label><br>\n"
		    "<input id=\"livret-titre\" name=\"titre\" type=\"text\" maxlength=\"200\" lang=\"fr\" "
		    "aria-describedby=\"aide-titre\"><br>\n<span id=\"aide-titre\" class=\"aide\">"
		    "Laissé vide, il est tiré de la sélection (le thème, la logique, le public…).</span></p>\n"
		    "<fieldset class=\"selon\"><legend>Choisir les fiches</legend>\n<ul class=\"choix\">\n");
	put_choice(b, "radio", "selon", "theme", "par thème", NULL, 1);
	put_choice(b, "radio", "selon", "logique", "par logique d’action", NULL, 0);
	put_choice(b, "radio", "selon", "public", "par public", NULL, 0);
	put_choice(b, "radio", "selon", "liste", "une à une, dans la liste des fiches", NULL, 0);
	buf_puts(b, "</ul>\n</fieldset>\n");

	buf_puts(b, "<fieldset id=\"par-theme\" class=\"par\"><legend>Thèmes</legend>\n"
		    "<p class=\"aide\">La fiche thématique, puis les fiches-actions qui s’y rattachent.</p>\n"
		    "<ul class=\"choix\">\n");
	for (size_t i = 0; i < s->ndocs[DOC_THEME]; i++)
		put_choice(b, "checkbox", "theme", s->docs[DOC_THEME][i]->slug,
			   s->docs[DOC_THEME][i]->title, NULL, 0);
	buf_puts(b, "</ul>\n</fieldset>\n");

	buf_puts(b, "<fieldset id=\"par-logique\" class=\"par\" hidden><legend>Logique d’action</legend>\n"
		    "<ul class=\"choix\">\n");
	for (size_t i = 0; i < s->nlogics; i++)
		put_choice(b, "radio", "logique", s->logics[i].id, s->logics[i].label,
			   s->logics[i].colour, i == 0);
	buf_puts(b, "</ul>\n</fieldset>\n");

	buf_puts(b, "<fieldset id=\"par-public\" class=\"par\" hidden><legend>Publics</legend>\n"
		    "<p class=\"aide\">Les fiches qui s’adressent à l’un de ces publics.</p>\n"
		    "<ul class=\"choix\">\n");
	for (size_t i = 0; i < s->npublics; i++)
		put_choice(b, "checkbox", "public", s->publics[i].id, s->publics[i].label, NULL, 0);
	buf_puts(b, "</ul>\n</fieldset>\n");

	buf_puts(b, "<fieldset id=\"par-liste\" class=\"par\" hidden><legend>Fiches choisies une à une</legend>\n"
		    "<p class=\"aide\">Dans l’ordre de la liste\u202f; un chapitre du guide amène les fiches qu’il inclut.</p>\n"
		    "<p><label for=\"liste-filtre\">Rechercher une fiche</label><br>\n"
		    "<input id=\"liste-filtre\" type=\"search\" autocomplete=\"off\" aria-controls=\"liste-fiches\"></p>\n"
		    "<ul id=\"liste-fiches\" class=\"choix liste\">\n");
	for (size_t k = 0; k < site_nkinds(s); k++)
		for (size_t i = 0; i < s->ndocs[k]; i++) {
			const struct doc *d = s->docs[k][i];
			char *ref = doc_ref(d);
			char *label = doc_display_title(d);
			put_choice(b, "checkbox", "fiche", ref, label, NULL, 0);
			free(label);
			free(ref);
		}
	buf_puts(b, "</ul>\n<p id=\"liste-compte\" class=\"aide\" aria-live=\"polite\"></p>\n</fieldset>\n");

	buf_puts(b, "<fieldset><legend>Format</legend>\n<ul class=\"choix\">\n");
	put_choice(b, "radio", "format", "a5", "A5, en livret\u202f: avec le PDF imposé, à imprimer "
		   "recto verso, plier et agrafer", NULL, 1);
	put_choice(b, "radio", "format", "a4", "A4, à lire ou à imprimer page à page", NULL, 0);
	buf_puts(b, "</ul>\n</fieldset>\n"
		    "<p><input type=\"checkbox\" id=\"livret-contacts\" name=\"contacts\"> "
		    "<label for=\"livret-contacts\">Ajouter les contacts des fiches en annexe</label></p>\n"
		    "<p class=\"aide\">Le glossaire des sigles employés est toujours ajouté.</p>\n"
		    "<p><button type=\"submit\" class=\"principal\" id=\"composer-bouton\">Composer le livret</button></p>\n"
		    "</form>\n"
		    "<div id=\"resultat\" role=\"status\" aria-live=\"polite\"></div>\n"
		    "<section id=\"enregistrer\" hidden aria-labelledby=\"titre-enregistrer\">\n"
		    "<h3 id=\"titre-enregistrer\">Enregistrer ce livret</h3>\n"
		    "<p class=\"aide\">Il rejoindra les livrets du site, recomposé à chaque modification.</p>\n"
		    "<form id=\"form-enregistrer\">\n<p><label for=\"livret-nom\">Nom du fichier</label><br>\n"
		    "<span class=\"chemin\">content/booklets/</span><input id=\"livret-nom\" name=\"nom\" type=\"text\" "
		    "required maxlength=\"60\" pattern=\"[a-z0-9]+(-[a-z0-9]+)*\" aria-describedby=\"aide-nom\">"
		    "<span class=\"chemin\">.yaml</span><br>\n<span id=\"aide-nom\" class=\"aide\">Lettres minuscules "
		    "sans accents, chiffres et tirets, par exemple atelier-mars.</span></p>\n"
		    "<p><button type=\"submit\">Enregistrer ce livret</button></p>\n</form>\n"
		    "<p id=\"enregistrer-etat\" role=\"status\" aria-live=\"polite\"></p>\n</section>\n");
}

enum MHD_Result edit_page_booklets(struct edit *e, struct MHD_Connection *conn)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
		     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		     "<title>Livrets — Atelier d’écriture</title>\n"
		     "<link rel=\"stylesheet\" href=\"" EDIT_PREFIX "/static/editor.css\">\n"
		     "<link rel=\"stylesheet\" href=\"" EDIT_PREFIX "/static/livrets.css\">\n"
		     "</head>\n<body class=\"index page-livrets\">\n"
		     "<header class=\"barre\"><a class=\"marque\" href=\"" EDIT_PREFIX "/\">Atelier d’écriture</a>"
		     "<a href=\"/\">Voir le site</a></header>\n<main>\n<h1>Livrets</h1>\n");
	struct site *s = edit_load_site(e);
	if (!s) {
		buf_puts(&b, "<p>Le dossier content/ ne peut pas être lu.</p>\n");
	} else {
		buf_puts(&b, "<h2 id=\"titre-livrets\">Les livrets du projet</h2>\n"
			     "<p class=\"aide\">Les PDF du site en cours d’aperçu, recomposés après chaque "
			     "modification (le nombre de pages est lu dans chaque PDF).</p>\n");
		put_booklets_table(&b, e, s);
		buf_puts(&b, "<h2 id=\"titre-composer\">Composer un livret pour un atelier</h2>\n"
			     "<p class=\"aide\">Le livret est composé à part, sans toucher au site ni à content/\u202f; "
			     "il reste disponible une heure.</p>\n");
		put_form(&b, s);
		site_free(s);
	}
	buf_puts(&b, "</main>\n<script src=\"" EDIT_PREFIX "/static/livrets.js\"></script>\n</body>\n</html>\n");
	size_t n = b.len;
	return edit_send(conn, MHD_HTTP_OK, "text/html; charset=utf-8", buf_detach(&b), n);
}

/* ------------------------------------------------- definition as YAML */

/* A plain YAML scalar for an id; anything else is quoted. */
static int plain_id(const char *v)
{
	static const char *const words[] = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"};
	if (!(v[0] >= 'a' && v[0] <= 'z'))
		return 0;
	for (const char *p = v; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strcmp(v, words[i]) == 0)
			return 0;
	return 1;
}

/* Flow style: ids plain, text double-quoted (a JSON string is a YAML one). */
static void put_yaml(struct buf *b, const json_t *v)
{
	if (json_is_string(v) && plain_id(json_string_value(v))) {
		buf_puts(b, json_string_value(v));
	} else if (json_is_array(v)) {
		buf_puts(b, "[");
		for (size_t i = 0; i < json_array_size(v); i++) {
			buf_puts(b, i ? ", " : "");
			put_yaml(b, json_array_get(v, i));
		}
		buf_puts(b, "]");
	} else if (json_is_object(v)) {
		const char *k;
		json_t *x;
		int first = 1;
		buf_puts(b, "{");
		json_object_foreach((json_t *)v, k, x) {
			buf_printf(b, "%s%s: ", first ? "" : ", ", k);
			put_yaml(b, x);
			first = 0;
		}
		buf_puts(b, "}");
	} else {
		char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		buf_puts(b, t ? t : "null");
		free(t);
	}
}

/* The text of content/booklets/NAME.yaml for def. */
static char *definition_yaml(const json_t *def)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "# Livret composé dans l’atelier d’écriture (fiches serve).\n");
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)def, k, v) {
		buf_printf(&b, "%s:", k);
		if (json_is_array(v)) {
			buf_puts(&b, "\n");
			for (size_t i = 0; i < json_array_size(v); i++) {
				const json_t *item = json_array_get(v, i);
				const char *ik;
				json_t *iv;
				json_object_foreach((json_t *)item, ik, iv) {
					buf_printf(&b, "  - %s: ", ik);
					put_yaml(&b, iv);
					buf_puts(&b, "\n");
				}
			}
		} else {
			buf_puts(&b, " ");
			put_yaml(&b, v);
			buf_puts(&b, "\n");
		}
	}
	return buf_detach(&b);
}

/* Strings of a JSON array (or one string); NULL when it is neither or holds anything else. */
static const json_t *strings(const json_t *v)
{
	if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > 2000)
		return NULL;
	for (size_t i = 0; i < json_array_size(v); i++)
		if (!json_is_string(json_array_get(v, i)))
			return NULL;
	return v;
}

static json_t *item(const char *key, json_t *value)
{
	json_t *o = json_object();
	json_object_set_new(o, key, value);
	return o;
}

/*
 * The definition for the form's request {titre, selon, valeurs, format,
 * contacts}, or NULL with *err set (a French sentence). *title: the
 * title given, or one made from the selection (caller frees).
 */
static json_t *definition(const struct site *s, const json_t *req, char **title, const char **err)
{
	const char *by = json_string_value(json_object_get(req, "selon"));
	const json_t *values = strings(json_object_get(req, "valeurs"));
	const char *format = json_string_value(json_object_get(req, "format"));
	const char *given = json_string_value(json_object_get(req, "titre"));
	*title = NULL;
	if (!by || !values) {
		*err = "Choisissez au moins une fiche, un thème, une logique ou un public.";
		return NULL;
	}
	if (!format || (strcmp(format, "a4") != 0 && strcmp(format, "a5") != 0)) {
		*err = "Choisissez le format A4 ou A5.";
		return NULL;
	}
	if (given) {
		size_t n = strlen(given);
		int ok = n <= 600 && utf8_valid(given, n, NULL);
		for (size_t i = 0; ok && i < n; i++)
			ok = (unsigned char)given[i] >= 0x20 && given[i] != 0x7f;
		if (!ok) {
			*err = "Le titre doit tenir sur une ligne (200 caractères au plus).";
			return NULL;
		}
	}
	struct buf made = BUF_INIT;
	json_t *include = json_array();
	size_t nv = json_array_size(values);
	if (strcmp(by, "theme") == 0) {
		for (size_t i = 0; i < nv; i++) {
			const struct doc *t = site_find_doc(s, DOC_THEME, json_string_value(json_array_get(values, i)));
			if (!t) {
				*err = "Ce thème n’existe plus\u202f: rechargez la page.";
				goto fail;
			}
			buf_printf(&made, "%s%s", made.len ? ", " : "", t->title);
		}
		json_array_append_new(include, item("themes", json_deep_copy(values)));
		json_array_append_new(include, item("actions", json_pack("{s:O}", "themes", values)));
	} else if (strcmp(by, "logique") == 0) {
		const char *id = json_string_value(json_array_get(values, 0));
		const struct taxon *t = nv == 1 ? site_find_taxon(s->logics, s->nlogics, id) : NULL;
		if (!t) {
			*err = "Choisissez une logique d’action.";
			goto fail;
		}
		buf_puts(&made, t->label);
		json_array_append_new(include, item("actions", json_pack("{s:s}", "logic", id)));
	} else if (strcmp(by, "public") == 0) {
		for (size_t i = 0; i < nv; i++) {
			const struct taxon *t = site_find_taxon(s->publics, s->npublics,
								json_string_value(json_array_get(values, i)));
			if (!t) {
				*err = "Ce public n’existe plus\u202f: rechargez la page.";
				goto fail;
			}
			buf_printf(&made, "%s%s", made.len ? ", " : "Pour les ", t->label);
		}
		json_array_append_new(include, item("actions", json_pack("{s:O}", "publics", values)));
		json_array_append_new(include, item("themes", json_pack("{s:O}", "publics", values)));
	} else if (strcmp(by, "liste") == 0) {
		/* In the order chosen; neighbours of one kind share an item: actions: [1, 6]. */
		json_t *run = NULL;
		const char *run_key = NULL;
		for (size_t i = 0; i < nv; i++) {
			const char *ref = json_string_value(json_array_get(values, i));
			const char *colon = strchr(ref, ':');
			int k = colon ? site_kind_by_name(s, ref, (size_t)(colon - ref)) : -1;
			const struct doc *d = k >= 0 ? site_find_doc(s, (enum doc_kind)k, colon + 1) : NULL;
			if (!d) {
				*err = "Une des fiches choisies n’existe plus\u202f: rechargez la page.";
				goto fail;
			}
			const char *key = site_kind(s, k)->content_dir;
			json_t *id = d->desc->list == LIST_NUMBERED && d->number > 0 ?
				     json_integer(d->number) : json_string(d->slug);
			if (!run || strcmp(run_key, key) != 0) {
				run = json_array();
				run_key = key;
				json_array_append_new(include, item(key, run));
			}
			json_array_append_new(run, id);
		}
		buf_puts(&made, "Sélection de fiches");
	} else {
		*err = "Choisissez les fiches par thème, logique, public ou une à une.";
		goto fail;
	}
	json_array_append_new(include, item("glossary", json_true()));
	if (json_is_true(json_object_get(req, "contacts")))
		json_array_append_new(include, item("contacts", json_true()));
	*title = given && *given ? xstrdup(given) : buf_detach(&made);
	buf_free(&made);
	json_t *def = json_object();
	json_object_set_new(def, "title", json_string(*title));
	if (given && *given)
		json_object_set_new(def, "subtitle", json_string(s->title ? s->title : ""));
	else if (s->title)
		json_object_set_new(def, "subtitle", json_string(s->title));
	json_object_set_new(def, "format", json_string(format));
	json_object_set_new(def, "impose", json_boolean(strcmp(format, "a5") == 0));
	json_object_set_new(def, "include", include);
	return def;
fail:
	buf_free(&made);
	json_decref(include);
	return NULL;
}

static void collect(void *ctx, const struct diag_view *m)
{
	if (m->is_error)
		json_array_append_new(ctx, json_string(m->text));
}

/*
 * Reads text back as the loader reads content/booklets/NAME.yaml and
 * interprets it: the documents it holds, or -1 with its errors in errors.
 */
static long check_definition(const struct site *s, const char *text, size_t len, json_t *errors)
{
	struct diag *d = diag_new();
	struct booklet def = {0};
	char name[] = "livret", path[] = "livret.yaml";
	long docs = -1;
	if (yaml_load(path, text, len, 0, d, &def.data, &def.marks) == 0) {
		def.name = name;
		def.path = path;
		struct pdf_adhoc sel = {0};
		sel.def = &def;
		sel.a5 = sel.impose = -1;
		struct book *b = booklet_adhoc(s, &sel, d);
		if (b) {
			docs = 0;
			for (size_t i = 0; i < b->nparts; i++)
				docs += b->parts[i].kind == PART_DOC;
			booklet_free(b);
			free(b);
		}
	}
	diag_each(d, collect, errors);
	json_decref(def.data);
	yaml_marks_free(def.marks);
	diag_free(d);
	return docs;
}

/* ---------------------------------------------------------------- API */

static enum MHD_Result send_error(struct MHD_Connection *conn, unsigned status, const char *text)
{
	return edit_send_json(conn, status, json_pack("{s:s}", "erreur", text));
}

/* POST /_edit/api/livret {titre, selon, valeurs, format, contacts}: 202 {id, documents}. */
enum MHD_Result edit_api_booklet(struct edit *e, struct MHD_Connection *conn, const char *body,
				 size_t len)
{
	json_t *req = json_loadb(body, len, 0, NULL);
	if (!json_is_object(req)) {
		json_decref(req);
		return send_error(conn, MHD_HTTP_BAD_REQUEST, "Requête illisible.");
	}
	struct site *s = edit_load_site(e);
	if (!s) {
		json_decref(req);
		return send_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "Le contenu ne peut pas être lu.");
	}
	const char *err = NULL;
	char *title = NULL;
	json_t *def = definition(s, req, &title, &err);
	json_decref(req);
	enum MHD_Result ret;
	if (!def) {
		ret = send_error(conn, MHD_HTTP_UNPROCESSABLE_CONTENT, err);
		goto out;
	}
	char *yaml = definition_yaml(def);
	json_decref(def);
	json_t *errors = json_array();
	long docs = check_definition(s, yaml, strlen(yaml), errors);
	if (docs <= 0) {
		ret = edit_send_json(conn, MHD_HTTP_UNPROCESSABLE_CONTENT,
				     json_pack("{s:s,s:o}", "erreur", docs == 0 ?
					       "Cette sélection ne contient aucune fiche." :
					       "Ce livret ne peut pas être composé.", "diagnostics", errors));
		free(yaml);
		goto out;
	}
	json_decref(errors);
	char id[ADHOC_ID_LEN + 1];
	enum adhoc_start_status st = adhoc_start(e->adhoc, yaml, strlen(yaml), title, id);
	free(yaml);
	if (st == ADHOC_BUSY)
		ret = send_error(conn, MHD_HTTP_TOO_MANY_REQUESTS,
				 "Déjà " ADHOC_QUEUE_MAX_TEXT " livrets attendent d’être composés\u202f: réessayez quand "
				 "l’un d’eux sera prêt. Votre choix n’a pas été perdu, il est toujours dans le formulaire.");
	else if (st == ADHOC_FAILED)
		ret = send_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				 "La composition n’a pas pu être lancée (dossier temporaire ou programme).");
	else
		ret = edit_send_json(conn, MHD_HTTP_ACCEPTED,
				     json_pack("{s:s,s:I,s:s,s:b}", "id", id, "documents", (json_int_t)docs,
					       "titre", title, "en_attente", st == ADHOC_QUEUED));
out:
	free(title);
	site_free(s);
	return ret;
}

/* GET /_edit/api/livret/ID: the job's state (edit_adhoc.h). */
enum MHD_Result edit_api_booklet_status(struct edit *e, struct MHD_Connection *conn, const char *id)
{
	json_t *v = adhoc_status(e->adhoc, id);
	if (!v)
		return send_error(conn, MHD_HTTP_NOT_FOUND,
				  "Ce livret n’est plus disponible\u202f: composez-le de nouveau.");
	return edit_send_json(conn, MHD_HTTP_OK, v);
}

/* GET /_edit/livrets/ID/livret.pdf or livret-imposee.pdf. */
enum MHD_Result edit_booklet_file(struct edit *e, struct MHD_Connection *conn, const char *rest)
{
	const char *slash = strchr(rest, '/');
	enum MHD_Result ret;
	char *id = slash ? xstrndup(rest, (size_t)(slash - rest)) : NULL;
	int imposed = slash && strcmp(slash + 1, "livret-imposee.pdf") == 0;
	size_t len = 0;
	char *data = NULL;
	if (slash && (imposed || strcmp(slash + 1, "livret.pdf") == 0))
		data = adhoc_file(e->adhoc, id, imposed, &len);
	if (data)
		ret = edit_send(conn, MHD_HTTP_OK, "application/pdf", data, len);
	else
		ret = edit_send_text(conn, MHD_HTTP_NOT_FOUND,
				     "404 Ce livret n’est plus disponible\u202f: composez-le de nouveau.\n");
	free(id);
	return ret;
}

/* POST /_edit/api/livret/enregistrer {id, nom}: writes content/booklets/NOM.yaml, never over one. */
enum MHD_Result edit_api_booklet_save(struct edit *e, struct MHD_Connection *conn, const char *body,
				      size_t len)
{
	json_t *req = json_loadb(body, len, 0, NULL);
	const char *id = json_string_value(json_object_get(req, "id"));
	const char *name = json_string_value(json_object_get(req, "nom"));
	enum MHD_Result ret;
	size_t n = 0;
	char *text = id ? adhoc_definition(e->adhoc, id, &n) : NULL;
	if (!name || !slug_is_valid(name) || strlen(name) > 60) {
		ret = send_error(conn, MHD_HTTP_UNPROCESSABLE_CONTENT,
				 "Nom refusé\u202f: lettres minuscules sans accents, chiffres et tirets (60 au plus).");
		goto out;
	}
	if (!text) {
		ret = send_error(conn, MHD_HTTP_NOT_FOUND,
				 "Ce livret n’est plus disponible\u202f: composez-le de nouveau.");
		goto out;
	}
	char *dir = path_join(e->content_real, "booklets");
	char *rel = xasprintf("booklets/%s.yaml", name);
	char *path = path_join(e->content_real, rel);
	pthread_mutex_lock(&e->save_lock);
	mkdir(dir, 0755);
	/* O_EXCL: an existing booklet of that name is never replaced. */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	int exists = fd < 0 && errno == EEXIST;
	int ok = fd >= 0;
	if (fd >= 0)
		close(fd);
	if (ok && edit_write_atomic(path, text, n) != 0) {
		unlink(path);
		ok = 0;
	}
	if (ok) {
		char *m = xasprintf("Livret %s\u202f: créer", name);
		history_record(e->hist, rel, NULL, 0, text, n, m);
		free(m);
	}
	pthread_mutex_unlock(&e->save_lock);
	if (ok)
		ret = edit_send_json(conn, MHD_HTTP_CREATED, json_pack("{s:s}", "fichier", rel));
	else if (exists)
		ret = send_error(conn, MHD_HTTP_CONFLICT,
				 "Un livret porte déjà ce nom\u202f: choisissez-en un autre.");
	else
		ret = send_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				 "Le fichier n’a pas pu être écrit dans content/booklets/.");
	free(path);
	free(rel);
	free(dir);
out:
	free(text);
	json_decref(req);
	return ret;
}
