/* Compressed answers of `fiches serve`; see serve_gzip.h. */
#include "serve_gzip.h"
#include "gzip.h"
#include "mime.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

char *serve_gzip_key(const char *rel)
{
	/* '\n' cannot be in a path the server asks the file system for. */
	return xasprintf("gzip\n%s", rel);
}

/* Whether the coding token [s, e) is acceptable: no « q=0 » among its parameters. */
static int coding_allowed(const char *s, const char *e)
{
	const char *semi = memchr(s, ';', (size_t)(e - s));
	while (semi) {
		const char *p = semi + 1;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (e - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			double q = strtod(p + 2, NULL);
			return q > 0;
		}
		semi = memchr(p, ';', (size_t)(e - p));
	}
	return 1;
}

int serve_gzip_wanted(const char *accept_encoding, const char *rel)
{
	if (!accept_encoding || mime_is_html(rel) || !gzip_worth_type(rel))
		return 0;
	const char *s = accept_encoding;
	int star = 0;
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		const char *e = s;
		while (*e && *e != ',')
			e++;
		size_t n = 0;
		while (s + n < e && s[n] != ';' && s[n] != ' ' && s[n] != '\t')
			n++;
		/* gzip named outright decides; « * » only when it is not named. */
		if ((n == 4 && !strncasecmp(s, "gzip", 4)) || (n == 6 && !strncasecmp(s, "x-gzip", 6)))
			return coding_allowed(s, e);
		if (n == 1 && s[0] == '*')
			star = coding_allowed(s, e);
		s = e;
	}
	return star;
}
