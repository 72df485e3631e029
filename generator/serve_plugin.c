/*
 * The program's side of the serve plugin (see serve_plugin.h): serve_run
 * loads fiches-serve.so and runs the server from it. Linked into the
 * program only, not into libfiches.a.
 */
#include "serve_plugin.h"

#include <stdio.h>

#include "plugin_load.h"

int serve_run(const struct serve_options *opts)
{
	char why[2048];
	const struct serve_plugin_entry *e = plugin_load(
		"serve", SERVE_PLUGIN_SYMBOL, SERVE_PLUGIN_ABI, sizeof(struct serve_plugin_entry), why,
		sizeof why);
	if (!e) {
		fprintf(stderr, "fiches: %s\n", why);
		return 1;
	}
	return e->run(opts);
}
