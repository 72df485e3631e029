/* .gz siblings for static hosts; see precompress.h. */
#include "precompress.h"
#include "gzip.h"
#include "stage.h"
#include "xalloc.h"

#include <stdlib.h>

void precompress_add(struct stage *st, const char *path, const char *data, size_t len)
{
	if (len < PRECOMPRESS_MIN || !gzip_worth_type(path))
		return;
	size_t zlen = 0;
	char *z = gzip_compress(data, len, &zlen);
	if (!z)
		return;
	char *gz = xasprintf("%s.gz", path);
	stage_add(st, gz, z, zlen);
	free(gz);
}
