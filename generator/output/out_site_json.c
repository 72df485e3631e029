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
	/*
	 * 28 MB at 10 000 fiches: written as it is made (stage_stream), not
	 * held whole, when the output had no such file.
	 */
	struct buf *data = bufpool_take(&run->bufs);
	stage_stream(run->stage, "site.json", data);
	sitemap_site_json(run->site, data);
	stage_add_buf(run->stage, "site.json", data);
	bufpool_give(&run->bufs, data);
}

const struct output output_site_json = {
	.name = "site.json",
	.when = OUTPUT_AFTER_EDIT,
	.render = render,
};
