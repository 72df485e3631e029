/*
 * Fuzz target: the request path handling of `fiches serve`
 * (http_path_resolve). Input: the raw request target. Checks that an
 * accepted path is a safe relative path below the output root: no
 * leading '/', no '.', '..' or empty component, no backslash, no control
 * byte, no hidden component.
 */
#include "http_path.h"
#include "path.h"
#include "xalloc.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *target = xmalloc(size + 1);
	memcpy(target, data, size);
	target[size] = '\0';
	char *rel = (char *)1;
	int st = http_path_resolve(target, &rel);
	assert(st == HTTP_PATH_OK || st == HTTP_PATH_BAD || st == HTTP_PATH_HIDDEN ||
	       st == HTTP_PATH_TOO_LONG);
	if (st == HTTP_PATH_OK) {
		assert(rel && path_is_safe(rel));
		assert(rel[0] != '.' && strstr(rel, "/.") == NULL);
		free(rel);
	} else {
		assert(rel == NULL);
	}
	assert(http_path_length(target) <= strlen(target));
	free(target);
	return 0;
}
