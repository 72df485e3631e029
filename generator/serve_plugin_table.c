/* The table fiches-serve.so hands the program (see serve_plugin.h): linked into the plugin only. */
#include "serve_plugin.h"

const struct serve_plugin_entry fiches_serve_plugin = {
	.stamp = {SERVE_PLUGIN_ABI, sizeof(struct serve_plugin_entry)},
	.run = serve_run,
};
