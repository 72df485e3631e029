/*
 * Fuzz target: the Mustache engine, compile and render.
 *
 * Input: templates and data separated by NUL bytes:
 *   main-template \0 partial "a" \0 partial "b" \0 JSON data
 * Missing parts are empty; data that is not JSON renders with the input
 * as a string under "x" instead. Each template is compiled into one set
 * (a syntax error leaves it out), then "main" is rendered, so partial
 * recursion ({{>main}}, {{>a}} in a) and set delimiters are reached.
 */
#include "buf.h"
#include "diag.h"
#include "mustache.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"main", "a", "b"};
	const char *p = (const char *)data, *end = p + size;
	struct mustache_set *set = mustache_set_new();
	struct diag *d = diag_new();
	for (int i = 0; i < 3; i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		size_t n = nul ? (size_t)(nul - p) : (size_t)(end - p);
		mustache_set_add(set, names[i], names[i], p, n, d);
		p = nul ? nul + 1 : end;
	}
	json_error_t err;
	json_t *ctx = json_loadb(p, (size_t)(end - p), JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (!ctx) {
		ctx = json_pack("{s:[i,b,n], s:{s:s}}", "list", 1, 0, "obj", "y", "<&\"'>");
		json_t *x = json_stringn((const char *)data, size);
		if (x)
			json_object_set_new(ctx, "x", x);
	}
	struct buf out = BUF_INIT;
	if (mustache_set_has(set, "main")) {
		int rc = mustache_render(set, "main", ctx, &out, d);
		assert(rc == 0 || diag_errors(d) > 0);
	}
	buf_free(&out);
	json_decref(ctx);
	free(diag_to_string(d));
	diag_free(d);
	mustache_set_free(set);
	return 0;
}
