/*
 * The writing workshop of `fiches serve`: pages under /_edit/ to open,
 * check, preview and save content files from the browser. Never part of
 * the built site: served by the running program only.
 *
 * Security (the editor writes files, the preview server only reads):
 * every /_edit/ request must carry the per-run secret, first as ?cle=…
 * in the start URL printed on the terminal, then as an HttpOnly,
 * SameSite=Strict cookie; its Host header must name the server by a
 * numeric address or localhost with the right port (a DNS rebinding
 * attack names it by the attacker's domain); every state-changing
 * request must carry an Origin header equal to the server's own; paths
 * are confined to content/ (edit_path.h); request bodies are limited.
 * On a non-loopback address the editor stays off unless a password file
 * is given.
 */
#ifndef FICHES_EDIT_H
#define FICHES_EDIT_H

#include "build.h"

#include <microhttpd.h>
#include <stddef.h>

#define EDIT_PREFIX "/_edit"

struct edit;

struct edit_options {
	const struct build_options *build; /* the server's build options; borrowed for the run */
	int port;                           /* the port actually bound */
	const char *host_shown;             /* as in a URL: "127.0.0.1", "[::1]" */
	int loopback;                       /* listening on a loopback address only */
	const char *password_file;          /* --edit-password-file, or NULL */
	struct incr *incr;                  /* the model of the last build, for checks (incremental.h); borrowed */
	struct watch_expect *expect;        /* where saves announce their file to the watcher (watch.h); borrowed, may be NULL */
};

/*
 * The editor for this run, or NULL when it stays off (a non-loopback
 * address without a password file, or a password file that cannot be
 * used: said on stderr).
 */
struct edit *edit_new(const struct edit_options *o);
/* Prints the start URL, with the secret, on stderr. */
void edit_announce(const struct edit *e);
void edit_free(struct edit *e);

/* 1 when url (the raw request path) belongs to the editor. */
int edit_claims(const char *url);

/*
 * Answers an editor request; same contract as a libmicrohttpd access
 * handler. *req_cls holds the editor's state for the request: free it
 * with edit_request_done from the daemon's completion callback.
 */
enum MHD_Result edit_handle(struct edit *e, struct MHD_Connection *conn, const char *url,
			    const char *method, const char *upload_data,
			    size_t *upload_data_size, void **req_cls);

/* Frees a request state set by edit_handle (NULL is fine). */
void edit_request_done(void *req_cls);

#endif
