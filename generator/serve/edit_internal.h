/*
 * Shared by the editor's files (edit.c: security and routing; edit_page.c:
 * HTML pages; edit_api.c: JSON API; edit_assets.c: scripts and styles).
 * Not for the rest of the program: edit.h is the interface.
 */
#ifndef FICHES_EDIT_INTERNAL_H
#define FICHES_EDIT_INTERNAL_H

#include "build.h"
#include "edit.h"

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>

/* Largest request body: a 4 MiB file as JSON, every byte escaped, fits. */
#define EDIT_BODY_MAX ((size_t)24 * 1024 * 1024)
#define EDIT_SECRET_HEX 64
#define EDIT_COOKIE "fiches_atelier"

struct edit {
	char secret[EDIT_SECRET_HEX + 1];
	struct build_options build;   /* copy; its strings are borrowed from serve_run */
	char *root;                   /* project root (owned) */
	char *content_real;           /* realpath of content/ (owned) */
	int port;
	char host_shown[64];          /* as in a URL */
	pthread_mutex_t save_lock;    /* one save at a time: check-then-rename stays atomic for us */
	struct history *hist;         /* where every save is kept (edit_history.h) */
	int password;                 /* --edit-password-file: a login page lets one in */
	char password_hash[128];      /* Argon2id string (edit_password.h) */
	pthread_mutex_t login_lock;   /* one password check at a time, slowed after a failure */
	struct adhoc *adhoc;          /* ad-hoc booklets (edit_adhoc.h); its directory is made at the first one */
	struct incr *incr;            /* serve's kept model: checks without loading the project (borrowed) */
	struct watch_expect *expect;  /* a save announces its file: the rebuild starts without waiting for quiet (borrowed) */
};

/* Sends body (owned, freed here) with status and Content-Type type. */
enum MHD_Result edit_send(struct MHD_Connection *conn, unsigned status, const char *type,
			  char *body, size_t len);
/* edit_send with a Cache-Control of its own (for files that do not change during a run). */
enum MHD_Result edit_send_cached(struct MHD_Connection *conn, unsigned status, const char *type,
				 char *body, size_t len, const char *cache);
/* edit_send with a Server-Timing header (the server's phases, for the browser's measures). */
enum MHD_Result edit_send_timed(struct MHD_Connection *conn, unsigned status, const char *type,
				char *body, size_t len, const char *server_timing);
/* Sends a static French text. */
enum MHD_Result edit_send_text(struct MHD_Connection *conn, unsigned status, const char *text);
/* Sends v as JSON (takes the reference). */
enum MHD_Result edit_send_json(struct MHD_Connection *conn, unsigned status, json_t *v);
/* Sends a 303 to location. */
enum MHD_Result edit_redirect(struct MHD_Connection *conn, const char *location,
			      const char *cookie);

/* Pages (edit_page.c). rel is edit_path_ok. */
enum MHD_Result edit_page_index(struct edit *e, struct MHD_Connection *conn);
enum MHD_Result edit_page_editor(struct edit *e, struct MHD_Connection *conn, const char *rel);
/* /_edit/ouvrir/PAGE: the editor of the document whose page is PAGE, else the index. */
enum MHD_Result edit_page_open(struct edit *e, struct MHD_Connection *conn, const char *page);

/* The login page of password mode; failed: after a wrong password. Status 403. */
enum MHD_Result edit_page_login(struct MHD_Connection *conn, int failed);

/* API (edit_api.c): body is the request's JSON text (NUL-terminated). */
enum MHD_Result edit_api_preview(struct edit *e, struct MHD_Connection *conn, const char *body,
				 size_t len);
/*
 * The check and preview of text as the document rel (read by the loader
 * from a memory file): {diagnostics, erreurs, avertissements, page, html, entete,
 * controle, duree_ms}, the answer of /_edit/api/apercu; also the first
 * check the editing page carries. ph was begun by the caller; the check
 * ends it (*check_ms: its wall time). NULL when no memory file can be made.
 */
struct phase;
json_t *edit_check_answer(struct edit *e, const char *rel, const char *text, size_t tlen,
			  struct phase *ph, double *check_ms);
enum MHD_Result edit_api_save(struct edit *e, struct MHD_Connection *conn, const char *body,
			      size_t len);
/* History: {chemin} → {genre, versions}; {chemin, id} → {texte}; {chemin, id, base, date} restores. */
enum MHD_Result edit_api_history(struct edit *e, struct MHD_Connection *conn, const char *body,
				 size_t len);
enum MHD_Result edit_api_version(struct edit *e, struct MHD_Connection *conn, const char *body,
				 size_t len);
enum MHD_Result edit_api_restore(struct edit *e, struct MHD_Connection *conn, const char *body,
				 size_t len);
/* Sets one front matter field of {chemin, texte, champ, valeur}: {texte}, or 422 {erreur}. */
enum MHD_Result edit_api_field(struct edit *e, struct MHD_Connection *conn, const char *body,
			       size_t len);
enum MHD_Result edit_api_catalogue(struct edit *e, struct MHD_Connection *conn);

/* Assets (edit_assets.c): /_edit/static/NAME and /_edit/cm/PATH. */
enum MHD_Result edit_asset(struct MHD_Connection *conn, const char *name);
enum MHD_Result edit_codemirror(struct MHD_Connection *conn, const char *rel);
/* 1 when the page loads the built-in CodeMirror (/_edit/cm/atelier.js), 0 for the files of a directory. */
int edit_codemirror_built_in(void);

/* The value of field name in a form body (application/x-www-form-urlencoded); caller frees. */
char *edit_form_field(const char *body, size_t len, const char *name, size_t *out_len);

/* {chemin, base}: deletes the document unless something refers to it (409 {liens}). */
enum MHD_Result edit_api_delete(struct edit *e, struct MHD_Connection *conn, const char *body,
				size_t len);
/* POST /_edit/api/image: the body is the image, X-Nom-Fichier its name (percent-encoded): {nom}. */
enum MHD_Result edit_api_image(struct edit *e, struct MHD_Connection *conn, const char *body,
			       size_t len);

/* POST /_edit/creer (form: genre, titre): `fiches new`, then the new file's editor (303). */
enum MHD_Result edit_create(struct edit *e, struct MHD_Connection *conn, const char *body,
			    size_t len);

/* Booklets (edit_booklets.c): the page, an ad-hoc booklet, its state, its files, saving it. */
enum MHD_Result edit_page_booklets(struct edit *e, struct MHD_Connection *conn);
enum MHD_Result edit_api_booklet(struct edit *e, struct MHD_Connection *conn, const char *body,
				 size_t len);
enum MHD_Result edit_api_booklet_status(struct edit *e, struct MHD_Connection *conn, const char *id);
enum MHD_Result edit_booklet_file(struct edit *e, struct MHD_Connection *conn, const char *rest);
enum MHD_Result edit_api_booklet_save(struct edit *e, struct MHD_Connection *conn, const char *body,
				      size_t len);

/*
 * POST /_edit/api/renommer {chemin, numero, identifiant[, appliquer, versions]}
 * (edit_rename.c): the changes renumbering or renaming a document makes,
 * or, with appliquer and the versions they were shown with, the operation.
 */
enum MHD_Result edit_api_rename(struct edit *e, struct MHD_Connection *conn, const char *body,
				size_t len);

/*
 * Giving a data entry (contact, glossary entry, reference) a new id, every
 * reference across content/ rewritten (edit_rename.c): with apply 0, the
 * changes {changements: [{fichier, ligne, avant, apres}], versions,
 * message, liens, adresse}; with apply and the versions shown, the
 * operation ({message, liens, adresse, historique}), refused (409
 * {erreur, fichiers}) when a file moved on. Errors: {erreur}. *status is
 * the HTTP status; caller json_decref's.
 */
json_t *edit_rename_entry(struct edit *e, int target, const char *id, const char *new_id, int apply,
			  json_t *versions, unsigned *status);

/*
 * Contacts and glossary entries, one at a time (edit_data.c): rest is the
 * URL after /_edit/donnees/ ("contact/", "glossary/ARS", …).
 */
enum MHD_Result edit_data_get(struct edit *e, struct MHD_Connection *conn, const char *rest);
enum MHD_Result edit_data_post(struct edit *e, struct MHD_Connection *conn, const char *rest,
			       const char *body, size_t len);

/*
 * The form of the entries a site page shows (its contact, the glossary),
 * or NULL; with anchor (an entry's id on a list page, or NULL) that
 * entry's form. Caller frees.
 */
struct site;
char *edit_data_page_for(const struct site *s, const char *page, const char *anchor);

/* The site (loaded and checked) for pages that list documents. Caller site_free's it. */
struct site *edit_load_site(struct edit *e);

#endif
