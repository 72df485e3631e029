/*
 * Request path resolution for the preview server.
 *
 * Input: the raw request target from the HTTP request line (libmicrohttpd
 * is told not to unescape it, so that an encoded '/' can still be told
 * from a real one). Output: a decoded path relative to the output root,
 * or the HTTP status refusing it. Owns nothing beyond the returned string.
 *
 * The rules are deliberately narrower than what a general web server
 * accepts: every file the generator writes has a plain, safe relative name
 * (path_is_safe), so anything unusual is either an attack or a typo, and
 * refusing it early keeps serve_files.c simple.
 */
#include "http_path.h"
#include "hex.h"

#include "utf8.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

size_t http_path_length(const char *target)
{
	return strcspn(target, "?#");
}

/*
 * Decodes src[0..n) into dst (room for n + 1 bytes). Returns the decoded
 * length, or -1 for an escape that is invalid or that would smuggle a byte
 * with a meaning in paths (NUL, '/', '\\') past the component checks.
 */
static long decode(const char *src, size_t n, char *dst)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c != '%') {
			dst[o++] = (char)c;
			continue;
		}
		if (i + 2 >= n)
			return -1;
		int hi = hex_value((unsigned char)src[i + 1]);
		int lo = hex_value((unsigned char)src[i + 2]);
		if (hi < 0 || lo < 0)
			return -1;
		c = (unsigned char)(hi * 16 + lo);
		if (c == 0 || c == '/' || c == '\\')
			return -1;
		dst[o++] = (char)c;
		i += 2;
	}
	dst[o] = '\0';
	return (long)o;
}

/* Checks one decoded component s[0..n). Returns an http_path_status. */
static int check_component(const char *s, size_t n)
{
	if (n == 0)
		return HTTP_PATH_BAD;
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return HTTP_PATH_BAD;
	if (s[0] == '.')
		return HTTP_PATH_HIDDEN;
	return HTTP_PATH_OK;
}

int http_path_resolve(const char *target, char **rel)
{
	*rel = NULL;
	size_t n = http_path_length(target);
	if (n > HTTP_PATH_MAX)
		return HTTP_PATH_TOO_LONG;
	if (n == 0 || target[0] != '/')
		return HTTP_PATH_BAD;
	/* Raw bytes first: a space or control byte never belongs in a target. */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)target[i];
		if (c <= 0x20 || c == 0x7f || c == '\\')
			return HTTP_PATH_BAD;
	}

	/* "index.html" may be appended: room for it plus the NUL. */
	char *path = xmalloc(n + sizeof "index.html");
	long len = decode(target + 1, n - 1, path);
	if (len < 0)
		goto bad;
	size_t m = (size_t)len, bad_at;
	if (!utf8_valid(path, m, &bad_at))
		goto bad;
	for (size_t i = 0; i < m; i++) {
		unsigned char c = (unsigned char)path[i];
		if (c < 0x20 || c == 0x7f || c == '\\')
			goto bad;
	}

	/*
	 * Every component but a trailing empty one (the "/dir/" form) must
	 * be a plain name. A hidden name is remembered but ".." later in the
	 * path still wins, so hostile paths always get 400.
	 */
	int status = HTTP_PATH_OK;
	size_t start = 0;
	while (start < m) {
		const char *slash = memchr(path + start, '/', m - start);
		size_t end = slash ? (size_t)(slash - path) : m;
		int st = check_component(path + start, end - start);
		if (st == HTTP_PATH_BAD)
			goto bad;
		if (st != HTTP_PATH_OK)
			status = st;
		start = end + 1;
	}
	if (status != HTTP_PATH_OK) {
		free(path);
		return status;
	}
	if (m == 0 || path[m - 1] == '/')
		memcpy(path + m, "index.html", sizeof "index.html");
	*rel = path;
	return HTTP_PATH_OK;
bad:
	free(path);
	return HTTP_PATH_BAD;
}
