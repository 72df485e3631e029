/* sitemap.xml (html/sitemap.c), when the site has a base_url: one item. */
#include "output.h"

#include "buf.h"
#include "sitemap.h"

static void render(struct output_run *run, void *state, size_t i)
{
	(void)state;
	(void)i;
	if (!run->site->base_url)
		return;
	struct buf *data = bufpool_take(&run->bufs);
	sitemap_xml(run->site, run->plan, data);
	stage_add_buf(run->stage, "sitemap.xml", data);
	bufpool_give(&run->bufs, data);
}

const struct output output_sitemap = {
	.name = "sitemap",
	.when = OUTPUT_AFTER_EDIT,
	.render = render,
};
