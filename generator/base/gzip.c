/* gzip of a buffer; see gzip.h. */
#include "gzip.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

char *gzip_compress(const char *data, size_t len, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	/* 15 bits of window, +16: a gzip header and trailer (time 0, as zlib writes it by default). */
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	size_t cap = deflateBound(&z, (uLong)len);
	char *out = xmalloc(cap ? cap : 1);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	size_t n = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END || n + len / 10 > len) {
		free(out);
		return NULL;
	}
	*out_len = n;
	return out;
}

int gzip_worth_type(const char *path)
{
	static const char *const exts[] = {".css", ".js", ".mjs", ".json", ".svg", ".txt", ".xml",
					   ".webmanifest", ".html"};
	size_t n = strlen(path);
	for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
		size_t k = strlen(exts[i]);
		if (n > k && strcmp(path + n - k, exts[i]) == 0)
			return 1;
	}
	return 0;
}
