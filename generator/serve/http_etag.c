/* Entity tags and If-None-Match; see http_etag.h. */
#include "http_etag.h"

#include "hash.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void http_etag_make(char out[HTTP_ETAG_SIZE], const void *body, size_t n, int gz)
{
	snprintf(out, HTTP_ETAG_SIZE, "\"%zx-%016" PRIx64 "%s\"", n, hash_bytes(body, n),
		 gz ? "-gz" : "");
}

static int ows(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* The opaque tag of t without its W/ prefix: t itself, or t + 2. */
static const char *strong_part(const char *t)
{
	return t[0] == 'W' && t[1] == '/' ? t + 2 : t;
}

int http_etag_none_match(const char *if_none_match, const char *etag)
{
	if (!if_none_match || !etag)
		return 0;
	const char *want = strong_part(etag);
	size_t wn = strlen(want);
	const char *p = if_none_match;
	while (ows(*p))
		p++;
	if (*p == '*') {
		/* "*" alone: any current representation; we have one. */
		p++;
		while (ows(*p))
			p++;
		return *p == '\0';
	}
	for (;;) {
		while (ows(*p) || *p == ',')
			p++;
		if (!*p)
			return 0;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (*p != '"')
			return 0;
		const char *close = strchr(p + 1, '"');
		if (!close)
			return 0;
		size_t tn = (size_t)(close + 1 - p);
		if (tn == wn && memcmp(p, want, wn) == 0)
			return 1;
		p = close + 1;
		while (ows(*p))
			p++;
		if (*p && *p != ',')
			return 0;
	}
}
