/*
 * The editor's JSON API: preview and check unsaved text, save it, list
 * what the toolbar can insert. Bodies and answers are JSON; field names
 * are French like the rest of what the coordinator's browser sees.
 */
#include "edit_internal.h"
#include "edit_fm.h"
#include "edit_history.h"
#include "edit_image.h"
#include "edit_path.h"
#include "edit_save.h"

#include "buf.h"
#include "diag.h"
#include "i18n.h"
#include "incremental.h"
#include "kind.h"
#include "load.h"
#include "model.h"
#include "new.h"
#include "path.h"
#include "serve_timing.h"
#include "utf8.h"
#include "watch.h"
#include "xalloc.h"

#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Answers 400 with a French message the editor shows as is. */
static enum MHD_Result bad_request(struct MHD_Connection *conn, const char *message)
{
	return edit_send_json(conn, MHD_HTTP_BAD_REQUEST, json_pack("{s:s}", "erreur", message));
}

/* A request of the JSON API whose "chemin" names a document of content/. */
struct api_request {
	json_t *json;     /* the body's object; owned by answer_request, released after the answer */
	const char *rel;  /* its "chemin" (edit_path_ok), a string inside json */
};

/* What answers one kind of request; the request and its strings are borrowed for the call. */
typedef enum MHD_Result (*api_answer)(struct edit *e, struct MHD_Connection *conn,
				       const struct api_request *r);

/*
 * Parses body and lets answer reply when it is a JSON object with a valid
 * "chemin"; answers 400 otherwise. The one place requests are parsed and
 * released, so that no answer has to remember either.
 */
static enum MHD_Result answer_request(struct edit *e, struct MHD_Connection *conn, const char *body,
				      size_t len, api_answer answer)
{
	json_error_t err;
	struct api_request r;
	r.json = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
	r.rel = json_string_value(json_object_get(r.json, "chemin")); /* NULL when json is not an object */
	enum MHD_Result ret;
	if (!json_is_object(r.json))
		ret = bad_request(conn, "Requête illisible (JSON attendu).");
	else if (!edit_path_ok(r.rel))
		ret = bad_request(conn, "Ce chemin ne désigne pas une fiche de content/ "
					"(actions, themes, guide ou pages).");
	else
		ret = answer(e, conn, &r);
	json_decref(r.json);
	return ret;
}

/* The string field key of the request, or NULL. */
static const char *request_string(const struct api_request *r, const char *key)
{
	return json_string_value(json_object_get(r->json, key));
}

/* The text field of the request, checked like a file: UTF-8 (jansson's), size. */
static const char *request_text(const struct api_request *r, size_t *len)
{
	json_t *t = json_object_get(r->json, "texte");
	if (!json_is_string(t))
		return NULL;
	*len = json_string_length(t);
	return json_string_value(t);
}

/* ------------------------------------------------------------ preview */

struct diag_collect {
	json_t *list;
};

static void collect_one(void *ctx, const struct diag_view *m)
{
	struct diag_collect *c = ctx;
	json_t *o = json_object();
	json_object_set_new(o, "fichier", json_string(m->path ? m->path : ""));
	json_object_set_new(o, "ligne", json_integer(m->line));
	json_object_set_new(o, "colonne", json_integer(m->col));
	json_object_set_new(o, "niveau", json_string(m->is_error ? "erreur" :
						      m->level == DIAG_WARNING ? "avertissement" : "note"));
	json_object_set_new(o, "message", json_string(m->text));
	json_array_append_new(c->list, o);
}

/* html with <base href="/out_path"> after <head…>, so its relative URLs resolve. */
static char *with_base(const char *html, size_t n, const char *out_path, size_t *out_len)
{
	const char *head = strstr(html, "<head");
	const char *at = head ? strchr(head, '>') : NULL;
	size_t cut = at ? (size_t)(at + 1 - html) : 0;
	struct buf b = BUF_INIT;
	buf_put(&b, html, cut);
	buf_puts(&b, "<base href=\"/");
	buf_put_html(&b, out_path, strlen(out_path));
	buf_puts(&b, "\">");
	buf_put(&b, html + cut, n - cut);
	*out_len = b.len;
	return buf_detach(&b);
}

json_t *edit_check_answer(struct edit *e, const char *rel, const char *text, size_t tlen,
			  struct phase *ph, double *check_ms)
{
	/* The text goes through the loader as a file would: a memory file, never on disk. */
	int fd = memfd_create("fiches-apercu", MFD_CLOEXEC);
	if (fd < 0 || write(fd, text, tlen) != (ssize_t)tlen) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	char read_path[64];
	snprintf(read_path, sizeof read_path, "/proc/self/fd/%d", fd);
	char *display = path_join("content", rel);
	struct diag *d = diag_new();
	diag_set_strict(d, e->build.strict);
	struct build_preview_page page;
	/* Messages in the site's language, as the overlay and the build give them. */
	locale_t terminal = i18n_site_begin();
	/* Against the model of the last build (one document checked); else the whole project is loaded. */
	int whole = !e->incr || incr_preview(e->incr, display, read_path, d, &page) == INCR_FALLBACK;
	if (whole) {
		diag_clear(d);
		build_preview(&e->build, display, read_path, d, &page);
	}
	i18n_site_end(terminal);
	close(fd);
	*check_ms = phase_end(ph, whole ? "preview-check-project" : "preview-check");

	json_t *out = json_object();
	struct diag_collect c = {json_array()};
	diag_each(d, collect_one, &c);
	json_object_set_new(out, "diagnostics", c.list);
	json_object_set_new(out, "fichier", json_string(display));
	json_object_set_new(out, "erreurs", json_integer((json_int_t)diag_errors(d)));
	json_object_set_new(out, "avertissements", json_integer((json_int_t)diag_warnings(d)));
	json_object_set_new(out, "page", page.out_path ? json_string(page.out_path) : json_null());
	/* The front matter as the form shows it (null when it does not parse). */
	json_t *meta = edit_fm_parse(text, tlen);
	json_object_set_new(out, "entete", meta ? meta : json_null());
	/* How it was checked: this document against the last build's model, or the whole project loaded. */
	json_object_set_new(out, "controle", json_string(whole ? "projet" : "document"));
	/* The server's share of the latency, for the measurements. */
	json_object_set_new(out, "duree_ms", json_real(*check_ms));
	if (page.html) {
		size_t n;
		char *html = with_base(page.html, page.html_len, page.out_path, &n);
		json_t *h = json_stringn(html, n);
		json_object_set_new(out, "html", h ? h : json_null());
		free(html);
	} else {
		json_object_set_new(out, "html", json_null());
	}
	free(page.html);
	free(page.out_path);
	diag_free(d);
	free(display);
	return out;
}

static enum MHD_Result answer_preview(struct edit *e, struct MHD_Connection *conn,
				      const struct api_request *r)
{
	size_t tlen;
	const char *text = request_text(r, &tlen);
	if (!text)
		return bad_request(conn, "Texte manquant.");
	if (tlen > LOAD_MAX_FILE_BYTES)
		return edit_send_json(conn, MHD_HTTP_CONTENT_TOO_LARGE,
				      json_pack("{s:s}", "erreur", "Texte trop long (4 Mio au plus)."));
	double check_ms;
	struct phase ph;
	phase_begin(&ph);
	json_t *out = edit_check_answer(e, r->rel, text, tlen, &ph, &check_ms);
	if (!out)
		return edit_send_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				      "500 Aperçu impossible (mémoire).\n");
	char *answer = json_dumps(out, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(out);
	double answer_ms = phase_end(&ph, "preview-answer");
	if (!answer)
		return MHD_NO;
	/* The server's share, for the browser's own timing (PerformanceResourceTiming.serverTiming). */
	char timing[96];
	snprintf(timing, sizeof timing, "check;dur=%.2f, json;dur=%.2f", check_ms, answer_ms);
	return edit_send_timed(conn, MHD_HTTP_OK, "application/json; charset=utf-8", answer, strlen(answer),
			       timing);
}

enum MHD_Result edit_api_preview(struct edit *e, struct MHD_Connection *conn, const char *body,
				 size_t len)
{
	return answer_request(e, conn, body, len, answer_preview);
}

/* --------------------------------------------------------------- save */

/*
 * edit_write_atomic, announcing the file to the watcher before it is
 * renamed into place: the rebuild then starts as soon as the rename is
 * seen, without waiting for the quiet time that ends other editors' bursts.
 */
static int write_announced(struct edit *e, const char *path, const char *text, size_t tlen,
			   struct phase *ph)
{
	char *tmp = edit_write_prepare(path, text, tlen, NULL);
	phase_end(ph, "save-write");
	if (!tmp)
		return -1;
	struct stat st;
	if (e->expect && stat(tmp, &st) == 0)
		watch_expect_file(e->expect, (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	if (rename(tmp, path) < 0) {
		int err = errno;
		unlink(tmp);
		free(tmp);
		errno = err;
		return -1;
	}
	free(tmp);
	phase_end(ph, "save-rename");
	/* The rename itself is durable once the directory is. */
	edit_sync_dir(path);
	phase_end(ph, "save-sync-dir");
	return 0;
}

/*
 * The document at path as a save or a deletion finds it: its text (caller
 * frees; NULL with errno set when it cannot be read, ENOENT when absent)
 * and its version ("" without a text), which the request's "base" must be.
 */
static char *disk_text(const char *path, size_t *len, char version[EDIT_VERSION_LEN + 1])
{
	*len = 0;
	version[0] = '\0';
	char *disk = edit_read(path, LOAD_MAX_FILE_BYTES * 2, len);
	if (disk)
		edit_version(disk, *len, version);
	return disk;
}

/*
 * Writes text over rel when the disk still holds version base, then keeps
 * the version in the history with message (NULL: one saying what changed).
 * Answers the request.
 */
static enum MHD_Result save_text(struct edit *e, struct MHD_Connection *conn, const char *rel,
				 const char *text, size_t tlen, const char *base, const char *message)
{
	if (tlen > LOAD_MAX_FILE_BYTES)
		return edit_send_json(conn, MHD_HTTP_CONTENT_TOO_LARGE,
				      json_pack("{s:s}", "erreur", "Texte trop long (4 Mio au plus)."));
	char *path = edit_path_confine(e->content_real, rel);
	if (!path)
		return edit_send_json(conn, MHD_HTTP_FORBIDDEN,
				      json_pack("{s:s}", "erreur",
						"Ce fichier est hors de content/ ou n’est pas un fichier ordinaire\u202f: "
						"enregistrement refusé."));
	struct phase ph;
	phase_begin(&ph);
	pthread_mutex_lock(&e->save_lock);
	size_t dlen;
	char version[EDIT_VERSION_LEN + 1];
	char *disk = disk_text(path, &dlen, version);
	int absent = !disk && errno == ENOENT;
	json_t *out;
	unsigned status;
	if (!disk && !absent) {
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		out = json_pack("{s:s}", "erreur", "Le fichier sur le disque ne peut pas être lu.");
	} else if (absent ? *base != '\0' : strcmp(base, version) != 0) {
		/* Changed (or removed) on disk since the editor opened it. */
		status = MHD_HTTP_CONFLICT;
		out = json_pack("{s:b,s:s,s:s,s:b}", "conflit", 1, "disque", disk ? disk : "",
				"version", version, "supprime", absent);
	} else if (write_announced(e, path, text, tlen, &ph) < 0) {
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		out = json_pack("{s:s}", "erreur", "Écriture impossible\u202f: le fichier n’a pas changé.");
	} else {
		char saved[EDIT_VERSION_LEN + 1];
		edit_version(text, tlen, saved);
		char *m = message ? xstrdup(message) : history_message(rel, disk, dlen, text, tlen);
		int kept = history_record(e->hist, rel, disk, dlen, text, tlen, m) == 0;
		phase_end(&ph, "save-history");
		status = MHD_HTTP_OK;
		out = json_pack("{s:s,s:b,s:s}", "version", saved, "historique", kept, "message", m);
		free(m);
	}
	pthread_mutex_unlock(&e->save_lock);
	if (!out) /* json_pack refuses a disk text that is not UTF-8 */
		out = json_pack("{s:b,s:s,s:s}", "conflit", 1, "disque",
				"(le fichier sur le disque n’est pas du texte UTF-8)", "version", version);
	free(disk);
	free(path);
	return edit_send_json(conn, status, out);
}

static enum MHD_Result answer_save(struct edit *e, struct MHD_Connection *conn,
				   const struct api_request *r)
{
	size_t tlen;
	const char *text = request_text(r, &tlen);
	const char *base = request_string(r, "base");
	if (!text || !base)
		return bad_request(conn, "Texte ou version de départ manquants.");
	return save_text(e, conn, r->rel, text, tlen, base, NULL);
}

enum MHD_Result edit_api_save(struct edit *e, struct MHD_Connection *conn, const char *body,
			      size_t len)
{
	return answer_request(e, conn, body, len, answer_save);
}

/* ------------------------------------------------------------- history */

static enum MHD_Result answer_history(struct edit *e, struct MHD_Connection *conn,
				      const struct api_request *r)
{
	return edit_send_json(conn, MHD_HTTP_OK, json_pack("{s:s,s:o}", "genre", history_kind(e->hist),
							   "versions", history_list(e->hist, r->rel)));
}

enum MHD_Result edit_api_history(struct edit *e, struct MHD_Connection *conn, const char *body,
				 size_t len)
{
	return answer_request(e, conn, body, len, answer_history);
}

static enum MHD_Result answer_version(struct edit *e, struct MHD_Connection *conn,
				      const struct api_request *r)
{
	const char *id = request_string(r, "id");
	size_t n = 0;
	char *text = id ? history_text(e->hist, r->rel, id, &n) : NULL;
	json_t *t = text ? json_stringn(text, n) : NULL;
	free(text);
	if (!t)
		return edit_send_json(conn, MHD_HTTP_NOT_FOUND,
				      json_pack("{s:s}", "erreur", "Cette version n’existe pas."));
	return edit_send_json(conn, MHD_HTTP_OK, json_pack("{s:o}", "texte", t));
}

enum MHD_Result edit_api_version(struct edit *e, struct MHD_Connection *conn, const char *body,
				 size_t len)
{
	return answer_request(e, conn, body, len, answer_version);
}

static enum MHD_Result answer_restore(struct edit *e, struct MHD_Connection *conn,
				      const struct api_request *r)
{
	const char *rel = r->rel;
	const char *id = request_string(r, "id");
	const char *base = request_string(r, "base");
	const char *date = request_string(r, "date");
	size_t n = 0;
	char *text = id && base ? history_text(e->hist, rel, id, &n) : NULL;
	if (!text)
		return edit_send_json(conn, MHD_HTTP_NOT_FOUND,
				      json_pack("{s:s}", "erreur", "Cette version n’existe pas."));
	/* A restore is a new version, saved like any text. */
	char *message = history_message_fmt(rel, "rétablir la version du %s",
					    date && strlen(date) < 40 ? date : id);
	enum MHD_Result ret = save_text(e, conn, rel, text, n, base, message);
	free(message);
	free(text);
	return ret;
}

enum MHD_Result edit_api_restore(struct edit *e, struct MHD_Connection *conn, const char *body,
				 size_t len)
{
	return answer_request(e, conn, body, len, answer_restore);
}

/* ------------------------------------------------------------- a field */

static enum MHD_Result answer_field(struct edit *e, struct MHD_Connection *conn,
				    const struct api_request *r)
{
	(void)e;
	size_t tlen;
	const char *text = request_text(r, &tlen);
	const char *name = request_string(r, "champ");
	json_t *value = json_object_get(r->json, "valeur");
	int name_ok = name && *name && strlen(name) < 64;
	for (const char *p = name; name_ok && *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '_' || *p == '-' || (*p >= '0' && *p <= '9')))
			name_ok = 0;
	if (!text || !name_ok)
		return bad_request(conn, "Texte ou nom de champ manquants.");
	size_t out_len;
	const char *err;
	char *out = edit_fm_set(text, tlen, name, value, &out_len, &err);
	if (!out)
		return edit_send_json(conn, MHD_HTTP_UNPROCESSABLE_CONTENT, json_pack("{s:s}", "erreur", err));
	json_t *t = json_stringn(out, out_len);
	free(out);
	return edit_send_json(conn, MHD_HTTP_OK, json_pack("{s:o}", "texte", t ? t : json_null()));
}

enum MHD_Result edit_api_field(struct edit *e, struct MHD_Connection *conn, const char *body,
			       size_t len)
{
	return answer_request(e, conn, body, len, answer_field);
}

/* ------------------------------------------------------------- delete */

struct diag_set {
	json_t *seen;       /* "path:line:col: text" of a normal check */
	json_t *fresh;      /* messages only the check without the document has */
	const char *skip;   /* the deleted document's own path */
};

static char *diag_key(const struct diag_view *m)
{
	return xasprintf("%s:%d:%d: %s", m->path ? m->path : "", m->line, m->col, m->text);
}

static void note_seen(void *ctx, const struct diag_view *m)
{
	struct diag_set *s = ctx;
	char *k = diag_key(m);
	json_object_set_new(s->seen, k, json_true());
	free(k);
}

static void note_fresh(void *ctx, const struct diag_view *m)
{
	struct diag_set *s = ctx;
	if (!m->is_error || (m->path && strcmp(m->path, s->skip) == 0))
		return;
	char *k = diag_key(m);
	if (!json_object_get(s->seen, k))
		json_array_append_new(s->fresh, json_pack("{s:s,s:i,s:s}", "fichier", m->path ? m->path : "",
							  "ligne", m->line, "message", m->text));
	free(k);
}

static enum MHD_Result answer_delete(struct edit *e, struct MHD_Connection *conn,
				     const struct api_request *r)
{
	const char *rel = r->rel;
	const char *base = request_string(r, "base");
	char *path = base ? edit_path_confine(e->content_real, rel) : NULL;
	if (!path)
		return bad_request(conn, "Version de départ manquante, ou fichier hors de content/.");
	char *display = path_join("content", rel);
	pthread_mutex_lock(&e->save_lock);
	/* What refers to it: the errors a check without it has that a normal check has not. */
	struct diag_set set = {json_object(), json_array(), display};
	struct diag *d = diag_new();
	struct site *s = build_load(&e->build, d);
	site_free(s);
	diag_each(d, note_seen, &set);
	diag_free(d);
	d = diag_new();
	build_check_without(&e->build, display, d);
	diag_each(d, note_fresh, &set);
	diag_free(d);
	size_t dlen;
	char version[EDIT_VERSION_LEN + 1];
	char *disk = disk_text(path, &dlen, version);
	json_t *out;
	unsigned status;
	if (!disk) {
		status = MHD_HTTP_NOT_FOUND;
		out = json_pack("{s:s}", "erreur", "Ce fichier n’existe plus.");
	} else if (strcmp(base, version) != 0) {
		status = MHD_HTTP_CONFLICT;
		out = json_pack("{s:b,s:s,s:s}", "conflit", 1, "disque", disk, "version", version);
	} else if (json_array_size(set.fresh) > 0) {
		status = MHD_HTTP_CONFLICT;
		out = json_pack("{s:O}", "liens", set.fresh);
	} else {
		char *m = history_message_fmt(rel, "supprimer");
		if (history_record_removal(e->hist, rel, disk, dlen, m) < 0) {
			status = MHD_HTTP_INTERNAL_SERVER_ERROR;
			out = json_pack("{s:s}", "erreur", "La version n’a pas pu être gardée dans l’historique\u202f: "
							"rien n’a été supprimé.");
		} else if (unlink(path) < 0) {
			status = MHD_HTTP_INTERNAL_SERVER_ERROR;
			out = json_pack("{s:s}", "erreur", "Suppression impossible.");
		} else {
			status = MHD_HTTP_OK;
			out = json_pack("{s:s}", "message", m);
		}
		free(m);
	}
	pthread_mutex_unlock(&e->save_lock);
	json_decref(set.seen);
	json_decref(set.fresh);
	free(disk);
	free(display);
	free(path);
	return edit_send_json(conn, status, out ? out : json_pack("{s:s}", "erreur", "Erreur interne."));
}

enum MHD_Result edit_api_delete(struct edit *e, struct MHD_Connection *conn, const char *body,
				size_t len)
{
	return answer_request(e, conn, body, len, answer_delete);
}

/* -------------------------------------------------------------- image */

enum MHD_Result edit_api_image(struct edit *e, struct MHD_Connection *conn, const char *body,
			       size_t len)
{
	const char *header = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Nom-Fichier");
	char *form = xasprintf("nom=%s", header ? header : "");
	size_t n = 0;
	char *name = edit_form_field(form, strlen(form), "nom", &n);
	free(form);
	if (len > EDIT_IMAGE_MAX_BYTES) {
		free(name);
		return edit_send_json(conn, MHD_HTTP_CONTENT_TOO_LARGE,
				      json_pack("{s:s}", "erreur", "Image trop lourde (10 Mo au plus)."));
	}
	char *media = path_join(e->content_real, "media");
	const char *err;
	pthread_mutex_lock(&e->save_lock);
	char *stored = edit_image_store(media, name && strlen(name) == n ? name : "", (const unsigned char *)body,
					len, &err);
	int kept = 0;
	if (stored) {
		/* The image as stored (maybe scaled, re-encoded) goes to the history like any file. */
		char *rel = path_join("media", stored), *fs = path_join(media, stored);
		size_t sn = 0;
		char *bytes = edit_read(fs, EDIT_IMAGE_MAX_BYTES * 2, &sn);
		char *m = history_message_fmt(rel, "ajouter");
		kept = bytes && history_record(e->hist, rel, NULL, 0, bytes, sn, m) == 0;
		free(m);
		free(bytes);
		free(fs);
		free(rel);
	}
	pthread_mutex_unlock(&e->save_lock);
	free(media);
	free(name);
	if (!stored)
		return edit_send_json(conn, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, json_pack("{s:s}", "erreur", err));
	json_t *out = json_pack("{s:s,s:b}", "nom", stored, "historique", kept);
	free(stored);
	return edit_send_json(conn, MHD_HTTP_OK, out);
}

/* ------------------------------------------------------------- create */

static void collect_text(void *ctx, const struct diag_view *m)
{
	struct buf *b = ctx;
	if (m->is_error) {
		buf_puts(b, m->text);
		buf_putc(b, '\n');
	}
}

enum MHD_Result edit_create(struct edit *e, struct MHD_Connection *conn, const char *body,
			    size_t len)
{
	size_t kn = 0, tn = 0;
	char *kind = edit_form_field(body, len, "genre", &kn);
	char *title = edit_form_field(body, len, "titre", &tn);
	enum MHD_Result ret;
	/* The title becomes a front matter value and a file name: one line of text. */
	int ok = kind && title && tn > 0 && tn < 300 && strlen(title) == tn && strlen(kind) == kn &&
		 utf8_valid(title, tn, NULL);
	for (size_t i = 0; ok && i < tn; i++)
		if ((unsigned char)title[i] < 0x20)
			ok = 0;
	if (!ok) {
		ret = edit_send_text(conn, MHD_HTTP_BAD_REQUEST,
				     "400 Donnez un titre d’une ligne pour la nouvelle fiche.\n");
		goto out;
	}
	pthread_mutex_lock(&e->save_lock);
	struct diag *d = diag_new();
	char *created = NULL;
	int status = new_fiche_create(e->root, kind, title, d, &created);
	char *rel = NULL;
	if (created) {
		size_t cl = strlen(e->content_real);
		char *real = realpath(created, NULL);
		if (real && strncmp(real, e->content_real, cl) == 0 && real[cl] == '/')
			rel = xstrdup(real + cl + 1);
		free(real);
		size_t n = 0;
		char *text = rel ? edit_read(created, LOAD_MAX_FILE_BYTES, &n) : NULL;
		if (text) {
			char *m = history_message(rel, NULL, 0, text, n);
			history_record(e->hist, rel, NULL, 0, text, n, m);
			free(m);
		}
		free(text);
	}
	pthread_mutex_unlock(&e->save_lock);
	if (status == 0 && rel && edit_path_ok(rel)) {
		char *location = xasprintf(EDIT_PREFIX "/fichier/%s", rel);
		ret = edit_redirect(conn, location, NULL);
		free(location);
	} else {
		struct buf b = BUF_INIT;
		buf_puts(&b, "La fiche n’a pas été créée\u202f:\n");
		diag_each(d, collect_text, &b);
		size_t n = b.len;
		ret = edit_send(conn, MHD_HTTP_UNPROCESSABLE_CONTENT, "text/plain; charset=utf-8",
				buf_detach(&b), n);
	}
	free(rel);
	free(created);
	diag_free(d);
out:
	free(kind);
	free(title);
	return ret;
}

/* ---------------------------------------------------------- catalogue */

struct site *edit_load_site(struct edit *e)
{
	struct diag *d = diag_new();
	struct site *s = build_load(&e->build, d);
	diag_free(d);
	return s;
}

/* The link target of a document: "action:6", "guide:les-actions". */
static char *doc_ref(const struct doc *d)
{
	if (d->desc->list == LIST_NUMBERED && d->number > 0)
		return xasprintf("%s:%d", d->desc->name, d->number);
	return xasprintf("%s:%s", d->desc->name, d->slug);
}

static json_t *doc_json(const struct doc *d)
{
	char *ref = doc_ref(d);
	json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "ref", ref, "type", d->desc->label,
			      "titre", d->title ? d->title : d->slug, "fichier", d->path);
	free(ref);
	if (d->out_path)
		json_object_set_new(o, "page", json_string(d->out_path));
	json_t *anchors = json_array();
	for (size_t i = 0; i < d->nheadings; i++)
		json_array_append_new(anchors, json_pack("{s:s,s:s,s:i}", "ancre", d->headings[i].anchor,
							 "texte", d->headings[i].text, "niveau",
							 d->headings[i].level));
	json_object_set_new(o, "ancres", anchors);
	return o;
}

/* The catalogue's lists from a model: documents, sigles, kinds (into ctx, a json_t object). */
static void catalogue_from(const struct site *s, void *ctx)
{
	json_t *out = ctx;
	json_t *docs = json_array();
	for (size_t k = 0; k < site_nkinds(s); k++)
		for (size_t i = 0; i < s->ndocs[k]; i++)
			json_array_append_new(docs, doc_json(s->docs[k][i]));
	json_t *gloss = json_array();
	for (size_t i = 0; i < s->nglossary; i++) {
		const char *exp = json_string_value(json_object_get(s->glossary[i].data, "expansion"));
		json_array_append_new(gloss, json_pack("{s:s,s:s}", "sigle", s->glossary[i].id,
						       "expansion", exp ? exp : ""));
	}
	json_object_set_new(out, "documents", docs);
	json_object_set_new(out, "sigles", gloss);
	json_object_set_new(out, "genres", kind_describe_json(s));
}

enum MHD_Result edit_api_catalogue(struct edit *e, struct MHD_Connection *conn)
{
	json_t *out = json_object();
	/*
	 * From the model the last build kept (a few ms): loading the project
	 * again took 24 ms of CPU on TAT, and held the HTTP thread that the
	 * editor's first check, sent at the same moment, often shares.
	 */
	if (!e->incr || incr_read_site(e->incr, catalogue_from, out) != 0) {
		struct site *s = edit_load_site(e);
		if (!s) {
			json_decref(out);
			return edit_send_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
					      "500 Le contenu ne peut pas être lu.\n");
		}
		catalogue_from(s, out);
		site_free(s);
	}
	/* Images are not in the model: content/media/ as it is now. */
	json_t *media = json_array();
	char *dir = path_join(e->content_real, "media");
	DIR *dp = opendir(dir);
	struct dirent *de;
	while (dp && (de = readdir(dp)))
		if (de->d_name[0] != '.' && utf8_valid(de->d_name, strlen(de->d_name), NULL))
			json_array_append_new(media, json_string(de->d_name));
	if (dp)
		closedir(dp);
	free(dir);
	json_object_set_new(out, "images", media);
	return edit_send_json(conn, MHD_HTTP_OK, out);
}
