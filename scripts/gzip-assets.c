/*
 * gzip-assets OUTDIR DIR FILE...: for each FILE under DIR that a build would
 * precompress (html/precompress.h: a type worth it, PRECOMPRESS_MIN bytes or
 * more, a tenth saved), writes OUTDIR/<FILE relative to DIR> holding its
 * gzip, made by the program's own gzip_compress. The Makefile embeds them
 * (scripts/embed-files.sh, table template_gz_builtins): a build whose asset
 * is the built-in one stages these bytes instead of compressing the same
 * file again at zlib's best level (15.7 M instructions a build).
 * Exits 1, having written nothing more, on the first file it cannot read or write.
 */
#include "fileio.h"
#include "gzip.h"
#include "precompress.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* mkdir -p of path's directories (not of its last part). */
static int make_parents(char *path)
{
	for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		int rc = mkdir(path, 0755);
		*p = '/';
		if (rc && errno != EEXIST)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: gzip-assets OUTDIR DIR FILE...\n");
		return 2;
	}
	const char *outdir = argv[1], *dir = argv[2];
	size_t dlen = strlen(dir);
	for (int i = 3; i < argc; i++) {
		const char *file = argv[i];
		if (strncmp(file, dir, dlen) || file[dlen] != '/') {
			fprintf(stderr, "gzip-assets: %s is not under %s\n", file, dir);
			return 1;
		}
		const char *rel = file + dlen + 1;
		size_t len = 0;
		char *data = file_read(file, &len);
		if (!data) {
			fprintf(stderr, "gzip-assets: cannot read %s\n", file);
			return 1;
		}
		size_t zlen = 0;
		char *z = len >= PRECOMPRESS_MIN && gzip_worth_type(rel) ? gzip_compress(data, len, &zlen) : NULL;
		free(data);
		if (!z)
			continue;
		char *out = xasprintf("%s/%s", outdir, rel);
		if (make_parents(out) || file_write(out, z, zlen)) {
			fprintf(stderr, "gzip-assets: cannot write %s\n", out);
			return 1;
		}
		free(out);
		free(z);
	}
	return 0;
}
