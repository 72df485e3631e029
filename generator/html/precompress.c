/* .gz siblings for static hosts; see precompress.h. */
#include "precompress.h"
#include "embedded.h"
#include "gzip.h"
#include "stage.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static int compare_path(const void *key, const void *entry)
{
	return strcmp(key, ((const struct embedded_file *)entry)->path);
}

static const struct embedded_file *find_embedded(const struct embedded_file *table, size_t n,
						 const char *path)
{
	return n ? bsearch(path, table, n, sizeof *table, compare_path) : NULL;
}

/*
 * When data[0..len) is the built-in asset of this path (the project did not
 * change it), its gzip as made when the program was built: 1 with *gz set
 * (NULL when it was not worth one, as gzip_compress would find again), else
 * 0. The same function made those bytes, at the same level, so the output
 * is the one compressing here would give; it saves compressing the
 * built-in style and scripts at zlib's best level in every build (15.7 M
 * instructions, 43 % of a small site's build).
 */
static int built_in_gzip(const char *path, const char *data, size_t len,
			 const struct embedded_file **gz)
{
	const struct embedded_file *plain = find_embedded(template_builtins, template_builtins_count, path);
	if (!plain || plain->len != len || memcmp(plain->data, data, len))
		return 0;
	*gz = find_embedded(template_gz_builtins, template_gz_builtins_count, path);
	return 1;
}

void precompress_add(struct stage *st, const char *path, const char *data, size_t len)
{
	if (len < PRECOMPRESS_MIN || !gzip_worth_type(path))
		return;
	size_t zlen = 0;
	char *z;
	const struct embedded_file *made = NULL;
	if (built_in_gzip(path, data, len, &made)) {
		if (!made)
			return;
		zlen = made->len;
		z = xmalloc(zlen);
		memcpy(z, made->data, zlen);
	} else {
		z = gzip_compress(data, len, &zlen);
	}
	if (!z)
		return;
	char *gz = xasprintf("%s.gz", path);
	stage_add(st, gz, z, zlen);
	free(gz);
}
