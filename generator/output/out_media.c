/* content/media copied as it is into the output's media/. Serial, last. */
#include "output.h"

#include "buf.h"
#include "i18n.h"
#include "load.h"
#include "path.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Copies every regular file below src into the output under prefix. */
static void add_tree(struct output_run *run, const char *src, const char *display,
		     const char *prefix)
{
	DIR *dp = opendir(src);
	if (!dp)
		return;
	struct ptrs names = {0};
	struct dirent *e;
	while ((e = readdir(dp)))
		if (e->d_name[0] != '.')
			ptrs_add(&names, xstrdup(e->d_name));
	closedir(dp);
	for (size_t i = 0; i < names.n; i++) {
		const char *name = names.v[i];
		char *fs = path_join(src, name), *shown = path_join(display, name);
		char *dest = path_join(prefix, name);
		struct stat st;
		if (lstat(fs, &st) == 0 && S_ISDIR(st.st_mode)) {
			add_tree(run, fs, shown, dest);
		} else if (lstat(fs, &st) == 0 && S_ISREG(st.st_mode)) {
			if ((unsigned long long)st.st_size > LOAD_MAX_FILE_BYTES * 16ULL) {
				diag_error(run->d, shown, 0, 0, _("file too large to publish"));
			} else {
				FILE *f = fopen(fs, "rb");
				struct buf data = BUF_INIT;
				char chunk[65536];
				size_t r;
				while (f && (r = fread(chunk, 1, sizeof chunk, f)) > 0)
					buf_put(&data, chunk, r);
				if (f)
					fclose(f);
				else
					diag_error(run->d, shown, 0, 0, _("cannot read: %s"), strerror(errno));
				size_t len = data.len;
				stage_add(run->stage, dest, buf_detach(&data), len);
			}
		} else {
			diag_warning(run->d, shown, 0, 0, _("not a regular file: left out"));
		}
		free(fs);
		free(shown);
		free(dest);
		free(names.v[i]);
	}
	ptrs_free(&names);
}

static void render(struct output_run *run, void *state, size_t i)
{
	(void)state;
	(void)i;
	char *media = path_join(run->site->content_dir, "media");
	add_tree(run, media, "content/media", "media");
	free(media);
}

const struct output output_media = {
	.name = "media",
	.when = OUTPUT_SERIAL,
	.render = render,
};
