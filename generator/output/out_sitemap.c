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
	struct buf data = BUF_INIT;
	sitemap_xml(run->site, run->plan, &data);
	size_t len = data.len;
	stage_add(run->stage, "sitemap.xml", buf_detach(&data), len);
}

const struct output output_sitemap = {
	.name = "sitemap",
	.when = OUTPUT_AFTER_EDIT,
	.render = render,
};
