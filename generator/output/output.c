/* Runs the output table; see output.h. */
#include "output.h"

#include "pool.h"
#include "xalloc.h"

#include <stdlib.h>

/* One output's items in the pass's loop. */
struct lane {
	const struct output *out;
	void *state;
	size_t start, n;         /* its items are the loop's [start, start + n) */
	size_t *pick;            /* item k is pick[k] (dirty pages), or NULL: k */
};

struct loop {
	struct output_run *run;
	struct lane *lanes;
	size_t nlanes;
};

static int makes(const struct output *out, unsigned pass, const struct build_options *o)
{
	if (pass & OUTPUT_FULL)
		return !(out->when & OUTPUT_PDF_PASS) || build_makes_pdfs(o);
	return ((pass & OUTPUT_EDIT_PAGES) && (out->when & OUTPUT_PER_PAGE)) ||
	       ((pass & OUTPUT_EDIT_DATA) && (out->when & OUTPUT_AFTER_EDIT));
}

/*
 * The keep-previous rule: the files of an output that does not run in a
 * full build stay as the previous build left them. (After an edit the
 * stage is in patch mode and keeps every file not made again.)
 */
static void keep_previous(struct output_run *run)
{
	for (size_t k = 0; output_table[k]; k++) {
		const struct output *out = output_table[k];
		if (makes(out, OUTPUT_FULL, run->o))
			continue;
		for (size_t p = 0; out->owns && out->owns[p]; p++)
			stage_keep_prefix(run->stage, out->owns[p]);
	}
}

static void item(void *ctx, size_t i)
{
	struct loop *l = ctx;
	size_t k = 0;
	while (i >= l->lanes[k].start + l->lanes[k].n)
		k++;
	const struct lane *lane = &l->lanes[k];
	size_t at = i - lane->start;
	lane->out->render(l->run, lane->state, lane->pick ? lane->pick[at] : at);
}

/* Fills lane's count (and pick) for pass. */
static void count(struct output_run *run, struct lane *lane, unsigned pass,
		  const unsigned char *dirty)
{
	const struct output *out = lane->out;
	if (!out->render)
		lane->n = 0;
	else if (out->count)
		lane->n = out->count(run, lane->state);
	else if (out->when & OUTPUT_PER_PAGE)
		lane->n = run->plan->n;
	else
		lane->n = 1;
	if (!(pass & OUTPUT_EDIT_PAGES) || !(out->when & OUTPUT_PER_PAGE))
		return;
	size_t all = lane->n;
	lane->pick = xcalloc(all + 1, sizeof *lane->pick);
	lane->n = 0;
	for (size_t i = 0; dirty && i < all; i++)
		if (dirty[i])
			lane->pick[lane->n++] = i;
}

int output_run_pass(struct output_run *run, unsigned pass, const unsigned char *dirty)
{
	size_t ntable = 0;
	while (output_table[ntable])
		ntable++;
	if (pass & OUTPUT_FULL)
		keep_previous(run);
	struct lane *lanes = xcalloc(ntable + 1, sizeof *lanes);
	size_t nlanes = 0;
	for (size_t k = 0; k < ntable && !run->status; k++) {
		const struct output *out = output_table[k];
		if (!makes(out, pass, run->o))
			continue;
		lanes[nlanes].out = out;
		if (out->begin) {
			out->begin(run, &lanes[nlanes].state);
			build_phase(out->name);
		}
		nlanes++;
	}
	if (!run->status) {
		/* The parallel items first, in table order, then the serial ones. */
		struct loop par = {run, xcalloc(nlanes + 1, sizeof *par.lanes), 0};
		size_t total = 0;
		for (size_t k = 0; k < nlanes; k++) {
			count(run, &lanes[k], pass, dirty);
			if (lanes[k].out->when & OUTPUT_SERIAL)
				continue;
			lanes[k].start = total;
			total += lanes[k].n;
			par.lanes[par.nlanes++] = lanes[k];
		}
		pool_for(run->o->jobs, total, item, &par);
		build_phase("render");
		free(par.lanes);
		int serial = 0;
		for (size_t k = 0; k < nlanes; k++) {
			if (!(lanes[k].out->when & OUTPUT_SERIAL))
				continue;
			for (size_t i = 0; i < lanes[k].n; i++)
				lanes[k].out->render(run, lanes[k].state,
						     lanes[k].pick ? lanes[k].pick[i] : i);
			serial = 1;
		}
		if (serial)
			build_phase("extras");
	}
	for (size_t k = 0; k < nlanes; k++) {
		if (lanes[k].out->finish)
			lanes[k].out->finish(run, lanes[k].state);
		free(lanes[k].pick);
	}
	free(lanes);
	return run->status ? run->status : BUILD_OK;
}
