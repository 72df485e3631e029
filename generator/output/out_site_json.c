/*
 * site.json (html/sitemap.c): the content model for other programs, one
 * item. Made again after an edit, as the search index is.
 */
#include "output.h"

#include "buf.h"
#include "sitemap.h"

static void render(struct output_run *run, void *state, size_t i)
{
	(void)state;
	(void)i;
	struct buf data = BUF_INIT;
	sitemap_site_json(run->site, &data);
	size_t len = data.len;
	stage_add(run->stage, "site.json", buf_detach(&data), len);
}

const struct output output_site_json = {
	.name = "site.json",
	.when = OUTPUT_AFTER_EDIT,
	.render = render,
};
