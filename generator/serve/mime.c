/*
 * Content types by extension, for `fiches serve`.
 *
 * Only the kinds of files the generator and the templates produce are
 * listed; anything else is served as application/octet-stream, which
 * together with "X-Content-Type-Options: nosniff" keeps browsers from
 * guessing (and, say, running an unexpected file as HTML).
 */
#include "mime.h"

#include "utf8.h"

#include <string.h>

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{"html", "text/html; charset=utf-8"},
	{"htm", "text/html; charset=utf-8"},
	{"css", "text/css; charset=utf-8"},
	{"js", "text/javascript; charset=utf-8"},
	{"mjs", "text/javascript; charset=utf-8"},
	{"json", "application/json"},
	{"xml", "application/xml"},
	{"svg", "image/svg+xml"},
	{"png", "image/png"},
	{"jpg", "image/jpeg"},
	{"jpeg", "image/jpeg"},
	{"gif", "image/gif"},
	{"webp", "image/webp"},
	{"avif", "image/avif"},
	{"ico", "image/x-icon"},
	{"pdf", "application/pdf"},
	{"txt", "text/plain; charset=utf-8"},
	{"webmanifest", "application/manifest+json"},
	{"woff2", "font/woff2"},
	{"woff", "font/woff"},
	{"ttf", "font/ttf"},
	{"otf", "font/otf"},
};

/* The extension of path's last component without the dot, or NULL. */
static const char *extension(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	return dot && dot != base ? dot + 1 : NULL;
}

/* ASCII case-insensitive equality, independent of the locale. */
static int same_ascii(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (ascii_tolower((unsigned char)*a) != ascii_tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

const char *mime_type(const char *path)
{
	const char *ext = extension(path);
	if (ext)
		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
			if (same_ascii(ext, types[i].ext))
				return types[i].type;
	return "application/octet-stream";
}

int mime_is_html(const char *path)
{
	return strncmp(mime_type(path), "text/html", 9) == 0;
}
