/*
 * `fiches serve`: build, serve the output directory over HTTP on the
 * loopback interface, watch content/ and templates/, rebuild on change and
 * tell open pages to reload (Server-Sent Events on /__fiches/events).
 */
#ifndef FICHES_SERVE_H
#define FICHES_SERVE_H

#include "build.h"

struct serve_options {
	struct build_options build;  /* from build.h; build.out is the directory served (NULL: root/public) */
	const char *host;            /* "127.0.0.1" unless --host was given explicitly (NULL means that too) */
	int port;                    /* default 8000; 0 = pick a free port and print it */
	const char *edit_password_file; /* --edit-password-file: the workshop asks for this password (edit.h) */
};

/*
 * Builds, serves, watches and rebuilds until SIGINT or SIGTERM. A build
 * with content errors keeps the last good site on disk and served, prints
 * the diagnostics and shows them over every HTML page until fixed.
 * Returns an exit status: 0 after a clean stop, 2 when the host is refused
 * (not a numeric address) or the options cannot work, 3 on I/O failure
 * (port in use, first build failing for an I/O reason).
 */
int serve_run(const struct serve_options *opts);

#endif
