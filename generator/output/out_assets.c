/*
 * The template set's assets/ (the project's over the built-in ones),
 * copied into the output's assets/, precompressed for a published site.
 * One item in the parallel loop, before the pages (outputs.c): the
 * compression of the built-in style and scripts (14 M instructions at
 * level 9) runs beside the search index instead of alone on one core
 * after the loop. No other output writes a file of the same name (the
 * stage refuses a path staged twice), so the order does not matter.
 */
#include "output.h"

#include "gzip.h"
#include "i18n.h"
#include "load.h"
#include "offline.h"
#include "precompress.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static void render(struct output_run *run, void *state, size_t i)
{
	(void)state;
	(void)i;
	const struct template_files *tf = run->tfiles;
	for (size_t k = 0; k < tf->n; k++) {
		const struct template_file *f = &tf->v[k];
		if (strncmp(f->path, "assets/", 7))
			continue;
		if (f->irregular) {
			diag_warning(run->d, f->shown, 0, 0, _("not a regular file: left out"));
			continue;
		}
		/* A name the build writes itself: the stage takes each path once. */
		if (offline_reserved_asset(f->path)) {
			diag_warning(run->d, f->shown, 0, 0,
				     _("fiches writes a file of this name itself (the search index): "
				       "this one is left out; rename it"));
			continue;
		}
		size_t plen = strlen(f->path);
		if (plen > 3 && !strcmp(f->path + plen - 3, ".gz")) {
			char *plain = xstrndup(f->path, plen - 3);
			const struct template_file *src = template_files_find(tf, plain);
			int made_here = src && !src->irregular && gzip_worth_type(plain);
			free(plain);
			if (made_here) {
				diag_warning(run->d, f->shown, 0, 0,
					     _("fiches compresses the file of the same name without .gz "
					       "itself: this copy is left out"));
				continue;
			}
		}
		size_t len;
		char *data = template_file_read(f, LOAD_MAX_FILE_BYTES * 16ULL, &len, run->d);
		if (data && !run->o->serve)
			precompress_add(run->stage, f->path, data, len); /* before stage_add takes data */
		if (data)
			stage_add(run->stage, f->path, data, len);
	}
}

const struct output output_assets = {
	.name = "assets",
	.render = render,
};
