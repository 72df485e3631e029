/*
 * Fuzz target: slugs, output paths and link targets — slug_from_text,
 * slug_is_valid, path_is_safe, path_relative and xref_parse.
 *
 * Input: up to three NUL-separated strings a, b, c. Checks properties, not
 * just crashes: a slug made from any text is valid (so it is a safe path
 * component); a relative URL between two safe output paths leads from the
 * first to the second; xref_parse slices stay inside the URL and an
 * unsafe scheme is never a cross-reference.
 */
#include "path.h"
#include "slug.h"
#include "xalloc.h"
#include "xref.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Resolves the relative URL rel against the directory of page; NULL when it climbs above the root. */
static char *resolve(const char *page, const char *rel)
{
	size_t cap = strlen(page) + strlen(rel) + 2;
	char *out = xmalloc(cap);
	const char *slash = strrchr(page, '/');
	size_t n = slash ? (size_t)(slash - page) + 1 : 0;
	memcpy(out, page, n);
	out[n] = '\0';
	const char *p = rel;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			size_t m = strlen(out);
			if (m == 0) {
				free(out);
				return NULL;
			}
			out[--m] = '\0';
			while (m && out[m - 1] != '/')
				out[--m] = '\0';
		} else if (!(len == 1 && p[0] == '.') && len) {
			strncat(out, p, len);
			if (e)
				strcat(out, "/");
		}
		p = e ? e + 1 : p + len;
	}
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = xmalloc(size + 3);
	memcpy(buf, data, size);
	buf[size] = buf[size + 1] = buf[size + 2] = '\0';
	const char *a = buf;
	const char *b = a + strlen(a) + 1;
	const char *c = b <= buf + size ? b + strlen(b) + 1 : buf + size + 2;
	if (c > buf + size + 2)
		c = buf + size + 2;

	char *slug = slug_from_text((const char *)data, size);
	assert(slug_is_valid(slug));
	assert(path_is_safe(slug));
	free(slug);

	if (path_is_safe(a) && path_is_safe(b)) {
		assert(strstr(a, "//") == NULL && a[0] != '/');
		char *rel = path_relative(a, b);
		char *back = resolve(a, rel);
		/* "./" for the page itself. */
		assert(back && (strcmp(back, b) == 0 || (strcmp(rel, "./") == 0)));
		free(back);
		free(rel);
	}

	struct xref x;
	xref_parse(c, &x);
	size_t cl = strlen(c);
	if (x.key)
		assert(x.key >= c && x.key + x.key_len <= c + cl);
	if (x.anchor)
		assert(x.anchor >= c && x.anchor + x.anchor_len <= c + cl);
	if (strncasecmp(c, "javascript:", 11) == 0)
		assert(x.scheme == XREF_UNSAFE);
	free(buf);
	return 0;
}
