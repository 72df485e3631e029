/*
 * The editor's HTML pages: the list of documents and the editing page.
 * Pages are small shells: the editing page carries its file's text and
 * version as JSON; editor.js does the rest (CodeMirror, preview, save).
 */
#include "edit_internal.h"
#include "edit_path.h"
#include "edit_save.h"

#include "buf.h"
#include "incremental.h"
#include "kind.h"
#include "load.h"
#include "model.h"
#include "path.h"
#include "serve_timing.h"
#include "utf8.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The head of a page; extra_css (may be NULL) comes before ours, which overrides it. */
static void page_start(struct buf *b, const char *title, const char *extra_css)
{
	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	buf_put_html(b, title, strlen(title));
	buf_puts(b, "</title>\n");
	if (extra_css)
		buf_printf(b, "<link rel=\"stylesheet\" href=\"%s\">\n", extra_css);
	buf_puts(b, "<link rel=\"stylesheet\" href=\"" EDIT_PREFIX "/static/editor.css\">\n");
}

static enum MHD_Result send_html(struct MHD_Connection *conn, unsigned status, struct buf *b)
{
	size_t n = b->len;
	return edit_send(conn, status, "text/html; charset=utf-8", buf_detach(b), n);
}

/* "content/actions/06-x.md" → "actions/06-x.md" */
static const char *content_rel(const char *display)
{
	return strncmp(display, "content/", 8) == 0 ? display + 8 : display;
}

static void put_doc_link(struct buf *b, const struct doc *d)
{
	buf_puts(b, "<li><a href=\"" EDIT_PREFIX "/fichier/");
	const char *rel = content_rel(d->path);
	buf_put_html(b, rel, strlen(rel));
	buf_puts(b, "\">");
	char *label = doc_display_title(d);
	buf_put_html(b, label, strlen(label));
	free(label);
	buf_puts(b, "</a> <span class=\"chemin\">");
	buf_put_html(b, rel, strlen(rel));
	buf_puts(b, "</span></li>\n");
}

enum MHD_Result edit_page_index(struct edit *e, struct MHD_Connection *conn)
{
	struct buf b = BUF_INIT;
	page_start(&b, "Atelier d’écriture", NULL);
	buf_puts(&b, "</head>\n<body class=\"index\">\n<header class=\"barre\"><p class=\"marque\">"
		     "Atelier d’écriture</p><a href=\"" EDIT_PREFIX "/livrets\">Livrets</a> "
		     "<a href=\"/\">Voir le site</a></header>\n<main>\n"
		     "<h1>Choisir un texte à modifier</h1>\n");
	struct site *s = edit_load_site(e);
	if (!s) {
		buf_puts(&b, "<p>Le dossier content/ ne peut pas être lu.</p>\n");
	} else {
		/* `fiches new` behind a form: the next number, the required sections. */
		for (size_t k = 0; k < site_nkinds(s); k++) {
			const struct kind *kd = site_kind(s, (int)k);
			if (!kd->new_file)
				continue;
			char *id = xasprintf("nouveau-%s", kd->name);
			buf_puts(&b, "<form class=\"nouvelle\" method=\"post\" action=\"" EDIT_PREFIX "/creer\">\n"
				     "<input type=\"hidden\" name=\"genre\" value=\"");
			buf_put_html(&b, kd->name, strlen(kd->name));
			buf_printf(&b, "\">\n<label for=\"%s\">Nouvelle ", id);
			char *lower = xstrdup(kd->label);
			if (lower[0] >= 'A' && lower[0] <= 'Z')
				lower[0] = (char)(lower[0] - 'A' + 'a');
			buf_put_html(&b, lower, strlen(lower));
			free(lower);
			buf_printf(&b, "\u202f: titre</label>\n<input id=\"%s\" name=\"titre\" type=\"text\" required "
				       "maxlength=\"200\" lang=\"fr\">\n<button type=\"submit\">Créer</button>\n</form>\n",
				   id);
			free(id);
		}
		for (size_t k = 0; k < site_nkinds(s); k++) {
			if (!s->ndocs[k])
				continue;
			const char *heading = site_kind(s, (int)k)->label_plural;
			buf_puts(&b, "<h2>");
			buf_put_html(&b, heading, strlen(heading));
			buf_puts(&b, "</h2>\n<ul class=\"documents\">\n");
			for (size_t i = 0; i < s->ndocs[k]; i++)
				put_doc_link(&b, s->docs[k][i]);
			buf_puts(&b, "</ul>\n");
		}
		buf_puts(&b, "<h2>Données</h2>\n<ul class=\"documents\">\n"
			     "<li><a href=\"" EDIT_PREFIX "/donnees/contact/\">Contacts</a></li>\n"
			     "<li><a href=\"" EDIT_PREFIX "/donnees/glossary/\">Glossaire</a></li>\n"
			     "<li><a href=\"" EDIT_PREFIX "/donnees/biblio/\">Bibliographie</a></li>\n</ul>\n");
		site_free(s);
	}
	buf_puts(&b, "</main>\n</body>\n</html>\n");
	return send_html(conn, MHD_HTTP_OK, &b);
}

enum MHD_Result edit_page_login(struct MHD_Connection *conn, int failed)
{
	struct buf b = BUF_INIT;
	page_start(&b, "Atelier d’écriture\u202f: mot de passe", NULL);
	buf_puts(&b, "</head>\n<body class=\"index\">\n<header class=\"barre\"><p class=\"marque\">"
		     "Atelier d’écriture</p><a href=\"/\">Voir le site</a></header>\n<main>\n"
		     "<h1>Mot de passe de l’atelier</h1>\n");
	if (failed)
		buf_puts(&b, "<p class=\"erreur-champ\" role=\"alert\">Mot de passe incorrect.</p>\n");
	buf_puts(&b, "<form method=\"post\" action=\"" EDIT_PREFIX "/connexion\">\n"
		     "<p><label for=\"motdepasse\">Mot de passe</label><br>\n"
		     "<input id=\"motdepasse\" name=\"motdepasse\" type=\"password\" "
		     "autocomplete=\"current-password\" required autofocus></p>\n"
		     "<p><button type=\"submit\" class=\"principal\">Entrer</button></p>\n"
		     "</form>\n</main>\n</body>\n</html>\n");
	return send_html(conn, MHD_HTTP_FORBIDDEN, &b);
}

struct page_owner {
	const char *page;   /* a page of the site */
	const char *entry;  /* ?entree=: one entry of a data page, or NULL */
	char *location;     /* the editor of what it shows, or NULL */
};

static void find_page_owner(const struct site *s, void *ctx)
{
	struct page_owner *o = ctx;
	for (size_t k = 0; k < site_nkinds(s) && !o->location; k++)
		for (size_t i = 0; i < s->ndocs[k] && !o->location; i++) {
			const struct doc *d = s->docs[k][i];
			if (d->out_path && strcmp(d->out_path, o->page) == 0 && edit_path_ok(content_rel(d->path)))
				o->location = xasprintf(EDIT_PREFIX "/fichier/%s", content_rel(d->path));
		}
	if (!o->location)  /* a contact's page, the glossary or one of its entries */
		o->location = edit_data_page_for(s, o->page, o->entry);
}

enum MHD_Result edit_page_open(struct edit *e, struct MHD_Connection *conn, const char *page)
{
	/* « Modifier » on a site page: the model the last build kept says whose page it is. */
	struct page_owner o = {page, MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "entree"), NULL};
	if (!e->incr || incr_read_site(e->incr, find_page_owner, &o) != 0) {
		struct site *s = edit_load_site(e);
		if (s)
			find_page_owner(s, &o);
		site_free(s);
	}
	char *location = o.location;
	/* Names are [a-z0-9-] (schema) but a header must hold no control byte in any case. */
	for (char *p = location; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			free(location);
			location = NULL;
			break;
		}
	enum MHD_Result ret = edit_redirect(conn, location ? location : EDIT_PREFIX "/", NULL);
	free(location);
	return ret;
}

/*
 * Scripts of the editing page. editor.js runs as soon as the page is parsed,
 * on the plain text area (the first check already in the page): the text,
 * the problems and the preview show without waiting for CodeMirror, which
 * is deferred (run after parsing, in order) and takes the text area's place
 * after the first paint.
 */
static const char *const codemirror_built_in[] = {
	EDIT_PREFIX "/cm/atelier.js",
};
/* FICHES_CODEMIRROR_DIR, or nothing built in: Debian's files one by one, in this order. */
static const char *const codemirror_files[] = {
	EDIT_PREFIX "/cm/lib/codemirror.js",
	EDIT_PREFIX "/cm/addon/mode/overlay.js",
	EDIT_PREFIX "/cm/mode/markdown/markdown.js",
	EDIT_PREFIX "/cm/mode/yaml/yaml.js",
	EDIT_PREFIX "/cm/mode/yaml-frontmatter/yaml-frontmatter.js",
	EDIT_PREFIX "/cm/addon/edit/continuelist.js",
};

static void put_scripts(struct buf *b, const char *const *src, size_t n, const char *attr)
{
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "<script src=\"%s\"%s></script>\n", src[i], attr);
}

enum MHD_Result edit_page_editor(struct edit *e, struct MHD_Connection *conn, const char *rel)
{
	char *path = edit_path_confine(e->content_real, rel);
	size_t len = 0;
	char *text = path ? edit_read(path, LOAD_MAX_FILE_BYTES, &len) : NULL;
	free(path);
	if (!text || !utf8_valid(text, len, NULL)) {
		free(text);
		return edit_send_text(conn, MHD_HTTP_NOT_FOUND,
				      "404 Ce fichier n’existe pas dans content/, ou n’est pas du texte "
				      "UTF-8 que l’atelier peut ouvrir.\n");
	}
	char version[EDIT_VERSION_LEN + 1];
	edit_version(text, len, version);
	/*
	 * The first check of the text as opened, carried by the page: the
	 * problems and the preview show as soon as editor.js runs, without a
	 * request (a draft restored from the browser is checked anew).
	 */
	struct phase ph;
	double check_ms;
	phase_begin(&ph);
	json_t *first = edit_check_answer(e, rel, text, len, &ph, &check_ms);
	json_t *data = json_pack("{s:s,s:s%,s:s,s:o*}", "chemin", rel, "texte", text, len, "version", version,
				 "premier", first);
	/* JSON_ESCAPE_SLASH: no "</script>" can end the data block early. */
	char *json = data ? json_dumps(data, JSON_COMPACT | JSON_ESCAPE_SLASH | JSON_ENSURE_ASCII) : NULL;
	json_decref(data);
	if (!json) {
		free(text);
		return edit_send_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "500 Erreur interne.\n");
	}

	struct buf b = BUF_INIT;
	char *title = xasprintf("Modifier %s — Atelier d’écriture", rel);
	int built_in = edit_codemirror_built_in();
	page_start(&b, title, NULL);
	free(title);
	buf_puts(&b, "</head>\n<body class=\"editeur\">\n"
		     "<header class=\"barre\">\n"
		     "<a class=\"marque\" href=\"" EDIT_PREFIX "/\">Atelier d’écriture</a>\n"
		     "<h1>Modifier <span class=\"chemin\">");
	buf_put_html(&b, rel, strlen(rel));
	buf_puts(&b, "</span></h1>\n"
		     "<p id=\"etat\" role=\"status\" aria-live=\"polite\">Enregistré</p>\n"
		     "<button type=\"button\" id=\"enregistrer\" class=\"principal\" "
		     "aria-keyshortcuts=\"Control+S\">Enregistrer</button>\n"
		     "<button type=\"button\" id=\"ouvrir-historique\">Historique</button>\n"
		     "<button type=\"button\" id=\"supprimer\">Supprimer…</button>\n"
		     "<a id=\"voir\" href=\"/\" target=\"_blank\" rel=\"noopener\">Voir la page</a>\n"
		     "</header>\n"
		     "<div id=\"brouillon\" class=\"bandeau\" role=\"alert\" hidden></div>\n"
		     "<main class=\"atelier\">\n"
		     "<section class=\"source\" aria-labelledby=\"titre-texte\">\n"
		     "<details id=\"fiche\" open>\n<summary><h2>Informations de la fiche</h2></summary>\n"
		     "<p class=\"aide\">Ces champs modifient le haut du texte (entre les lignes ---)\u202f; "
		     "seules les lignes du champ changé sont réécrites.</p>\n"
		     "<div id=\"champs\"></div>\n</details>\n"
		     "<h2 id=\"titre-texte\">Texte</h2>\n"
		     "<div id=\"outils\" role=\"toolbar\" aria-label=\"Mise en forme\" aria-controls=\"texte\"></div>\n"
		     "<textarea id=\"texte\" aria-label=\"Texte de la fiche, en Markdown\" spellcheck=\"true\" "
		     "lang=\"fr\" class=\"simple\">\n");
	/* The text itself, readable and editable at the first paint (the newline above is the parser's). */
	buf_put_html(&b, text, len);
	free(text);
	buf_puts(&b, "</textarea>\n"
		     "<h2 id=\"titre-problemes\">Problèmes</h2>\n"
		     "<p id=\"resume-problemes\" aria-live=\"polite\">Vérification en cours…</p>\n"
		     "<ul id=\"problemes\" aria-labelledby=\"titre-problemes\"></ul>\n"
		     "</section>\n"
		     "<section class=\"apercu\" aria-labelledby=\"titre-apercu\">\n"
		     "<h2 id=\"titre-apercu\">Aperçu</h2>\n"
		     "<p id=\"etat-apercu\" aria-live=\"polite\"></p>\n"
		     "<iframe id=\"apercu\" title=\"Aperçu de la page telle que le site l’affichera\" "
		     "sandbox=\"allow-same-origin\"></iframe>\n"
		     "</section>\n"
		     "</main>\n"
		     "<dialog id=\"choix\" aria-labelledby=\"choix-titre\">\n"
		     "<form method=\"dialog\">\n<h2 id=\"choix-titre\"></h2>\n"
		     "<label for=\"choix-filtre\" id=\"choix-etiquette\">Rechercher</label>\n"
		     "<input id=\"choix-filtre\" type=\"search\" autocomplete=\"off\">\n"
		     "<ul id=\"choix-liste\" aria-labelledby=\"choix-titre\"></ul>\n"
		     "<div id=\"choix-extra\"></div>\n"
		     "<p class=\"boutons\"><button value=\"annuler\">Annuler</button></p>\n"
		     "</form>\n</dialog>\n"
		     "<dialog id=\"conflit\" aria-labelledby=\"conflit-titre\">\n"
		     "<h2 id=\"conflit-titre\">Le fichier a changé sur le disque</h2>\n"
		     "<p>Quelqu’un (ou un autre programme) a modifié ce fichier depuis que vous l’avez ouvert. "
		     "Votre texte n’est pas perdu\u202f: comparez les deux versions, puis choisissez.</p>\n"
		     "<div class=\"deux-versions\">\n"
		     "<div><h3>Votre version (non enregistrée)</h3><pre id=\"conflit-mien\" tabindex=\"0\"></pre></div>\n"
		     "<div><h3>Version sur le disque</h3><pre id=\"conflit-disque\" tabindex=\"0\"></pre></div>\n"
		     "</div>\n"
		     "<p class=\"boutons\">"
		     "<button type=\"button\" id=\"conflit-garder\" class=\"principal\">Enregistrer ma version à la place</button> "
		     "<button type=\"button\" id=\"conflit-prendre\">Reprendre la version du disque</button> "
		     "<button type=\"button\" id=\"conflit-fermer\">Fermer sans choisir</button></p>\n"
		     "</dialog>\n"
		     "<dialog id=\"suppression\" aria-labelledby=\"suppression-titre\">\n"
		     "<h2 id=\"suppression-titre\">Supprimer ce texte\u202f?</h2>\n"
		     "<p id=\"suppression-texte\">Il restera dans l’historique du projet, d’où il pourra être "
		     "rétabli. La suppression est refusée tant que d’autres textes y renvoient.</p>\n"
		     "<ul id=\"suppression-liens\"></ul>\n"
		     "<p class=\"boutons\"><button type=\"button\" id=\"suppression-oui\" class=\"principal\">"
		     "Supprimer</button> <button type=\"button\" id=\"suppression-non\">Annuler</button></p>\n"
		     "</dialog>\n"
		     "<dialog id=\"historique\" aria-labelledby=\"historique-titre\">\n"
		     "<h2 id=\"historique-titre\">Versions enregistrées</h2>\n"
		     "<p id=\"historique-genre\"></p>\n"
		     "<ul id=\"historique-liste\"></ul>\n"
		     "<div id=\"historique-diff\" class=\"deux-versions\" hidden>\n"
		     "<div><h3 id=\"historique-ancienne-titre\">Cette version</h3>"
		     "<pre id=\"historique-ancienne\" tabindex=\"0\"></pre></div>\n"
		     "<div><h3>Texte actuel de l’éditeur</h3><pre id=\"historique-actuel\" tabindex=\"0\"></pre></div>\n"
		     "</div>\n"
		     "<p class=\"boutons\"><button type=\"button\" id=\"historique-fermer\">Fermer</button></p>\n"
		     "</dialog>\n"
		     "<script type=\"application/json\" id=\"donnees\">");
	buf_puts(&b, json);
	free(json);
	buf_puts(&b, "</script>\n");
	buf_puts(&b, "<script src=\"" EDIT_PREFIX "/static/editor.js\"></script>\n");
	/*
	 * CodeMirror's style sheet after the page's content and editor.js: the
	 * first paint does not wait for it; the deferred scripts below do.
	 */
	buf_printf(&b, "<link rel=\"stylesheet\" href=\"%s\">\n",
		   built_in ? EDIT_PREFIX "/cm/atelier.css" : EDIT_PREFIX "/cm/lib/codemirror.css");
	if (built_in)
		put_scripts(&b, codemirror_built_in, sizeof codemirror_built_in / sizeof *codemirror_built_in,
			    " defer");
	else
		put_scripts(&b, codemirror_files, sizeof codemirror_files / sizeof *codemirror_files, " defer");
	buf_puts(&b, "<script src=\"" EDIT_PREFIX "/static/rename.js\" defer></script>\n");
	buf_puts(&b, "</body>\n</html>\n");
	return send_html(conn, MHD_HTTP_OK, &b);
}
