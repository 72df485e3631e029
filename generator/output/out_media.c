/* content/media copied as it is into the output's media/. Serial, last. */
#include "output.h"

#include "buf.h"
#include "i18n.h"
#include "load.h"
#include "path.h"
#include "tree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copies a regular file below content/media into the output's media/. */
static void add_file(void *ctx, const struct tree_entry *e)
{
	struct output_run *run = ctx;
	char *shown = path_join("content/media", e->rel);
	if (!e->regular) {
		diag_warning(run->d, shown, 0, 0, _("not a regular file: left out"));
	} else if ((unsigned long long)e->size > LOAD_MAX_FILE_BYTES * 16ULL) {
		diag_error(run->d, shown, 0, 0, _("file too large to publish"));
	} else {
		FILE *f = fopen(e->fs, "rb");
		struct buf data = BUF_INIT;
		char chunk[65536];
		size_t r;
		while (f && (r = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_put(&data, chunk, r);
		if (f)
			fclose(f);
		else
			diag_error(run->d, shown, 0, 0, _("cannot read: %s"), strerror(errno));
		char *dest = path_join("media", e->rel);
		size_t len = data.len;
		stage_add(run->stage, dest, buf_detach(&data), len);
		free(dest);
	}
	free(shown);
}

static void render(struct output_run *run, void *state, size_t i)
{
	(void)state;
	(void)i;
	char *media = path_join(run->site->content_dir, "media");
	tree_walk(media, add_file, run);
	free(media);
}

const struct output output_media = {
	.name = "media",
	.when = OUTPUT_SERIAL,
	.render = render,
};
