/*
 * fiches serve as a plugin (README, « Libraries »): the server and the
 * writing workshop (generator/serve, but for watch.c and serve_timing.c) call libmicrohttpd
 * (with GnuTLS), libgit2 (with Kerberos, OpenSSL's libcrypto, libssh2) and
 * libsodium, about twenty shared libraries whose constructors ran at
 * every start of every command. They are linked into fiches-serve.so,
 * which `fiches serve` loads (plugin_load.h); serve_plugin.c gives
 * serve_run to main.c.
 */
#ifndef FICHES_SERVE_PLUGIN_H
#define FICHES_SERVE_PLUGIN_H

#include "plugin_load.h"
#include "serve.h"

/* Raised whenever the table or what it passes changes: a stale plugin is refused. */
#define SERVE_PLUGIN_ABI 1

struct serve_plugin_entry {
	struct plugin_stamp stamp;  /* {SERVE_PLUGIN_ABI, sizeof (struct serve_plugin_entry)} */
	int (*run)(const struct serve_options *opts);
};

#define SERVE_PLUGIN_SYMBOL "fiches_serve_plugin"
extern const struct serve_plugin_entry fiches_serve_plugin;

#endif
