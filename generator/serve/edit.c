/*
 * The editor's entry point: per-run secret, request checks and routing;
 * see edit.h. Pages, API and assets live in edit_page.c, edit_api.c and
 * edit_assets.c.
 */
#include "edit.h"
#include "hex.h"
#include "edit_adhoc.h"
#include "edit_check.h"
#include "edit_history.h"
#include "edit_internal.h"
#include "edit_password.h"
#include "edit_path.h"

#include "buf.h"
#include "http_path.h"
#include "i18n.h"
#include "path.h"
#include "xalloc.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* State of one editor request while its body arrives. */
struct edit_req {
	struct buf body;
	int too_big;
};

struct edit *edit_new(const struct edit_options *o)
{
	if (!o->loopback && !o->password_file) {
		fprintf(stderr, _("fiches: the writing workshop is off: on a non-loopback address it needs --edit-password-file FILE\n"));
		return NULL;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, _("fiches: the writing workshop is off: no source of randomness\n"));
		return NULL;
	}
	const char *root = o->build->root ? o->build->root : ".";
	char *content = path_join(root, "content");
	char *content_real = realpath(content, NULL);
	free(content);
	if (!content_real) {
		fprintf(stderr, _("fiches: the writing workshop is off: no content directory\n"));
		return NULL;
	}
	struct edit *e = xcalloc(1, sizeof *e);
	if (o->password_file) {
		if (edit_password_load(o->password_file, e->password_hash) < 0) {
			fprintf(stderr, _("fiches: the writing workshop is off\n"));
			free(content_real);
			free(e);
			return NULL;
		}
		e->password = 1;
	}
	pthread_mutex_init(&e->login_lock, NULL);
	unsigned char raw[EDIT_SECRET_HEX / 2];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(e->secret, sizeof e->secret, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	e->build = *o->build;
	e->incr = o->incr;
	e->expect = o->expect;
	e->root = xstrdup(root);
	e->build.root = e->root;
	e->content_real = content_real;
	e->port = o->port;
	pthread_mutex_init(&e->save_lock, NULL);
	e->hist = history_open(e->root, e->content_real);
	e->adhoc = adhoc_new(e->root);
	snprintf(e->host_shown, sizeof e->host_shown, "%s", o->host_shown);
	return e;
}

void edit_announce(const struct edit *e)
{
	if (e->password)
		fprintf(stderr, _("Writing workshop: http://%s:%d%s/ asks for the password (HTTPS, if needed, is the job of a reverse proxy in front)\n"),
			e->host_shown, e->port, EDIT_PREFIX);
	fprintf(stderr, _("Writing workshop: http://%s:%d%s/?cle=%s (this address holds the key: keep it to yourself)\n"),
		e->host_shown, e->port, EDIT_PREFIX, e->secret);
}

void edit_free(struct edit *e)
{
	if (!e)
		return;
	sodium_memzero(e->secret, sizeof e->secret);
	pthread_mutex_destroy(&e->save_lock);
	pthread_mutex_destroy(&e->login_lock);
	sodium_memzero(e->password_hash, sizeof e->password_hash);
	history_close(e->hist);
	adhoc_free(e->adhoc);
	free(e->root);
	free(e->content_real);
	free(e);
}

int edit_claims(const char *url)
{
	size_t n = strlen(EDIT_PREFIX);
	return strncmp(url, EDIT_PREFIX, n) == 0 && (url[n] == '\0' || url[n] == '/');
}

void edit_request_done(void *req_cls)
{
	struct edit_req *r = req_cls;
	if (!r)
		return;
	buf_free(&r->body);
	free(r);
}

/* ------------------------------------------------------------ replies */

static void headers(struct MHD_Response *r, const char *type, const char *cache)
{
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	/*
	 * same-origin, not no-referrer: with no-referrer Chromium sends
	 * "Origin: null" on a form's POST, which the Origin check refuses.
	 * Other sites still get no referrer.
	 */
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	/*
	 * Scripts only from the program; the preview frame is a sandboxed
	 * srcdoc (no script runs in it); no other site may frame the editor.
	 */
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
				"img-src 'self' data:; frame-src 'self'; frame-ancestors 'none'; "
				"form-action 'self'; base-uri 'self'");
}

/*
 * Sends body (owned, freed here) with the editor's headers, Cache-Control
 * cache and, when not NULL, a Server-Timing header.
 */
static enum MHD_Result send_body(struct MHD_Connection *conn, unsigned status, const char *type,
				 char *body, size_t len, const char *cache, const char *server_timing)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	headers(r, type, cache);
	if (server_timing)
		MHD_add_response_header(r, "Server-Timing", server_timing);
	enum MHD_Result ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result edit_send_cached(struct MHD_Connection *conn, unsigned status, const char *type,
				 char *body, size_t len, const char *cache)
{
	return send_body(conn, status, type, body, len, cache, NULL);
}

enum MHD_Result edit_send(struct MHD_Connection *conn, unsigned status, const char *type,
			  char *body, size_t len)
{
	return send_body(conn, status, type, body, len, "no-store", NULL);
}

enum MHD_Result edit_send_timed(struct MHD_Connection *conn, unsigned status, const char *type,
				char *body, size_t len, const char *server_timing)
{
	return send_body(conn, status, type, body, len, "no-store", server_timing);
}

enum MHD_Result edit_send_text(struct MHD_Connection *conn, unsigned status, const char *text)
{
	return edit_send(conn, status, "text/plain; charset=utf-8", xstrdup(text), strlen(text));
}

enum MHD_Result edit_send_json(struct MHD_Connection *conn, unsigned status, json_t *v)
{
	char *text = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(v);
	if (!text)
		return MHD_NO;
	return edit_send(conn, status, "application/json; charset=utf-8", text, strlen(text));
}

enum MHD_Result edit_redirect(struct MHD_Connection *conn, const char *location,
			      const char *cookie)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	headers(r, "text/plain; charset=utf-8", "no-store");
	MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, location);
	if (cookie)
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
	enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_SEE_OTHER, r);
	MHD_destroy_response(r);
	return ret;
}

/* ------------------------------------------------------------- checks */

static int secret_matches(const struct edit *e, const char *given)
{
	return given && strlen(given) == EDIT_SECRET_HEX &&
	       sodium_memcmp(given, e->secret, EDIT_SECRET_HEX) == 0;
}

static const char refused_secret[] =
	"403 Accès refusé\u202f: ouvrez l’atelier d’écriture par l’adresse affichée dans le terminal "
	"au lancement de «\u202ffiches serve\u202f» (elle contient une clé propre à ce lancement).\n";

/*
 * The checks every editor request passes before anything else. Returns 0
 * when it may go on, else the status it was refused with (already sent).
 * *bootstrap is set for the start URL carrying the right ?cle=.
 */
static unsigned refuse(struct edit *e, struct MHD_Connection *conn, const char *url,
		       const char *method, int *bootstrap, enum MHD_Result *ret)
{
	const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	*bootstrap = 0;
	if (!edit_host_ok(host, e->port)) {
		*ret = edit_send_text(conn, MHD_HTTP_FORBIDDEN,
				      "403 Accès refusé\u202f: adresse du serveur inattendue (en-tête Host).\n");
		return MHD_HTTP_FORBIDDEN;
	}
	int safe = strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	if (!safe) {
		const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
		if (!edit_origin_ok(origin, host)) {
			*ret = edit_send_text(conn, MHD_HTTP_FORBIDDEN,
					      "403 Accès refusé\u202f: requête venue d’un autre site (en-tête Origin).\n");
			return MHD_HTTP_FORBIDDEN;
		}
	}
	const char *cookie = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, EDIT_COOKIE);
	if (secret_matches(e, cookie))
		return 0;
	const char *key = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "cle");
	if (safe && secret_matches(e, key)) {
		*bootstrap = 1;
		return 0;
	}
	if (e->password) {
		/* The one request allowed without the secret: the password itself. */
		if (!safe && strcmp(url, EDIT_PREFIX "/connexion") == 0)
			return 0;
		*ret = edit_page_login(conn, 0);
		return MHD_HTTP_FORBIDDEN;
	}
	*ret = edit_send_text(conn, MHD_HTTP_FORBIDDEN, refused_secret);
	return MHD_HTTP_FORBIDDEN;
}

static void set_cookie_header(const struct edit *e, char *out, size_t cap)
{
	snprintf(out, cap, EDIT_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict", e->secret);
}

char *edit_form_field(const char *body, size_t len, const char *name, size_t *out_len)
{
	size_t nl = strlen(name);
	const char *p = body, *end = body + len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		if ((size_t)(stop - p) > nl && memcmp(p, name, nl) == 0 && p[nl] == '=') {
			struct buf v = BUF_INIT;
			for (const char *q = p + nl + 1; q < stop; q++) {
				if (*q == '+') {
					buf_putc(&v, ' ');
				} else if (*q == '%' && q + 2 < stop &&
					   hex_value(q[1]) >= 0 && hex_value(q[2]) >= 0) {
					buf_putc(&v, (char)(hex_value(q[1]) * 16 + hex_value(q[2])));
					q += 2;
				} else {
					buf_putc(&v, *q);
				}
			}
			*out_len = v.len;
			return buf_detach(&v);
		}
		p = stop + 1;
	}
	return NULL;
}

/* POST /_edit/connexion: the password opens the workshop (the cookie), slowly when wrong. */
static enum MHD_Result login(struct edit *e, struct MHD_Connection *conn, const char *body, size_t len)
{
	if (!e->password)
		return edit_send_text(conn, MHD_HTTP_NOT_FOUND, "404 Introuvable.\n");
	size_t n = 0;
	char *password = edit_form_field(body, len, "motdepasse", &n);
	pthread_mutex_lock(&e->login_lock);
	int ok = password && n > 0 && n < 1024 && edit_password_check(e->password_hash, password, n);
	if (!ok)
		sleep(1); /* one guess a second at most, whoever asks */
	pthread_mutex_unlock(&e->login_lock);
	if (password) {
		sodium_memzero(password, n);
		free(password);
	}
	if (!ok)
		return edit_page_login(conn, 1);
	char cookie[sizeof EDIT_COOKIE + EDIT_SECRET_HEX + 64];
	set_cookie_header(e, cookie, sizeof cookie);
	return edit_redirect(conn, EDIT_PREFIX "/", cookie);
}

/* ------------------------------------------------------------- routing */

/* url without the prefix: "" or "/..." */
static enum MHD_Result route(struct edit *e, struct MHD_Connection *conn, const char *url,
			     const char *method, struct edit_req *r)
{
	int post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
	const char *rest;
	if (post) {
		if (r->too_big)
			return edit_send_text(conn, MHD_HTTP_CONTENT_TOO_LARGE,
					      "413 Requête trop volumineuse.\n");
		const char *body = buf_cstr(&r->body);
		if (strcmp(url, "/connexion") == 0)
			return login(e, conn, body, r->body.len);
		if (strcmp(url, "/api/supprimer") == 0)
			return edit_api_delete(e, conn, body, r->body.len);
		if (strcmp(url, "/api/image") == 0)
			return edit_api_image(e, conn, body, r->body.len);
		if (strcmp(url, "/creer") == 0)
			return edit_create(e, conn, body, r->body.len);
		if (strcmp(url, "/api/apercu") == 0)
			return edit_api_preview(e, conn, body, r->body.len);
		if (strcmp(url, "/api/enregistrer") == 0)
			return edit_api_save(e, conn, body, r->body.len);
		if (strcmp(url, "/api/champ") == 0)
			return edit_api_field(e, conn, body, r->body.len);
		if (strcmp(url, "/api/historique") == 0)
			return edit_api_history(e, conn, body, r->body.len);
		if (strcmp(url, "/api/version") == 0)
			return edit_api_version(e, conn, body, r->body.len);
		if (strcmp(url, "/api/retablir") == 0)
			return edit_api_restore(e, conn, body, r->body.len);
		if (strcmp(url, "/api/livret") == 0)
			return edit_api_booklet(e, conn, body, r->body.len);
		if (strcmp(url, "/api/livret/enregistrer") == 0)
			return edit_api_booklet_save(e, conn, body, r->body.len);
		if (strcmp(url, "/api/renommer") == 0)
			return edit_api_rename(e, conn, body, r->body.len);
		if (strncmp(url, "/donnees/", 9) == 0)
			return edit_data_post(e, conn, url + 9, body, r->body.len);
		return edit_send_text(conn, MHD_HTTP_NOT_FOUND, "404 Introuvable.\n");
	}
	if (strcmp(url, "") == 0)
		return edit_redirect(conn, EDIT_PREFIX "/", NULL);
	if (strcmp(url, "/") == 0)
		return edit_page_index(e, conn);
	if (strcmp(url, "/api/catalogue") == 0)
		return edit_api_catalogue(e, conn);
	if (strcmp(url, "/livrets") == 0)
		return edit_page_booklets(e, conn);
	if (strncmp(url, "/livrets/", 9) == 0)
		return edit_booklet_file(e, conn, url + 9);
	if (strncmp(url, "/api/livret/", 12) == 0)
		return edit_api_booklet_status(e, conn, url + 12);
	if (strncmp(url, "/donnees/", 9) == 0)
		return edit_data_get(e, conn, url + 9);
	if (strncmp(url, "/static/", 8) == 0)
		return edit_asset(conn, url + 8);
	if (strncmp(url, "/cm/", 4) == 0) {
		char *rel = NULL;
		enum MHD_Result ret;
		if (http_path_resolve(url + 3, &rel) == HTTP_PATH_OK)
			ret = edit_codemirror(conn, rel);
		else
			ret = edit_send_text(conn, MHD_HTTP_NOT_FOUND, "404 Introuvable.\n");
		free(rel);
		return ret;
	}
	if ((rest = strncmp(url, "/ouvrir/", 8) == 0 ? url + 7 : NULL) || strcmp(url, "/ouvrir") == 0) {
		char *rel = NULL;
		enum MHD_Result ret;
		if (rest && http_path_resolve(rest, &rel) == HTTP_PATH_OK)
			ret = edit_page_open(e, conn, rel);
		else
			ret = edit_redirect(conn, EDIT_PREFIX "/", NULL);
		free(rel);
		return ret;
	}
	if (strncmp(url, "/fichier/", 9) == 0) {
		char *rel = NULL;
		enum MHD_Result ret;
		if (http_path_resolve(url + 8, &rel) == HTTP_PATH_OK && edit_path_ok(rel))
			ret = edit_page_editor(e, conn, rel);
		else
			ret = edit_send_text(conn, MHD_HTTP_BAD_REQUEST,
					     "400 Ce chemin ne désigne pas une fiche de content/.\n");
		free(rel);
		return ret;
	}
	return edit_send_text(conn, MHD_HTTP_NOT_FOUND, "404 Introuvable.\n");
}

enum MHD_Result edit_handle(struct edit *e, struct MHD_Connection *conn, const char *url,
			    const char *method, const char *upload_data,
			    size_t *upload_data_size, void **req_cls)
{
	struct edit_req *r = *req_cls;
	if (!r) {
		int get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
			  strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
		if (!get && strcmp(method, MHD_HTTP_METHOD_POST) != 0) {
			struct MHD_Response *resp = MHD_create_response_from_buffer(
				0, NULL, MHD_RESPMEM_PERSISTENT);
			if (!resp)
				return MHD_NO;
			MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD, POST");
			enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_METHOD_NOT_ALLOWED, resp);
			MHD_destroy_response(resp);
			return ret;
		}
		/* Refusals are answered before any body is read. */
		int bootstrap;
		enum MHD_Result ret;
		if (refuse(e, conn, url, method, &bootstrap, &ret))
			return ret;
		if (bootstrap) {
			char cookie[sizeof EDIT_COOKIE + EDIT_SECRET_HEX + 64];
			set_cookie_header(e, cookie, sizeof cookie);
			return edit_redirect(conn, EDIT_PREFIX "/", cookie);
		}
		const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
								 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (length && strtoull(length, NULL, 10) > EDIT_BODY_MAX)
			return edit_send_text(conn, MHD_HTTP_CONTENT_TOO_LARGE,
					      "413 Requête trop volumineuse.\n");
		r = xcalloc(1, sizeof *r);
		*req_cls = r;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		if (!r->too_big && r->body.len + *upload_data_size <= EDIT_BODY_MAX)
			buf_put(&r->body, upload_data, *upload_data_size);
		else {
			r->too_big = 1;
			buf_free(&r->body);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	return route(e, conn, url + strlen(EDIT_PREFIX), method, r);
}
