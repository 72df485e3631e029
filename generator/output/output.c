/* Runs the output table; see output.h. */
#include "output.h"

#include "pool.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

/*
 * The room an item's buffer starts with (run->bufs): most pages are 10-40
 * KB, so the buffers rarely grow after their first pages.
 */
#define OUTPUT_BUF_HINT (32 * 1024)

/* One output's items in a pass. */
struct lane {
	const struct output *out;
	void *state;
	size_t n;                /* its number of items in this pass */
	size_t *pick;            /* item k is pick[k] (dirty pages), or NULL: k */
	int serial;              /* run after the loop, on the calling thread */
	int held;                /* out of the loop: run when the lanes it needs are done */
	size_t start;            /* in the loop, its items are [start, start + n) */
	atomic_size_t left;      /* its items not done yet */
	atomic_size_t waiting;   /* held: the lanes it needs that are not done yet */
	/* FICHES_TIMING=2: its items' thread CPU, and when the first began and the last ended (ns). */
	atomic_ullong cpu_ns, sys_us, first_ns, last_ns;
};

struct loop {
	struct output_run *run;
	struct lane *lanes;      /* every lane of the pass, in table order */
	size_t nlanes;
	struct lane **in_loop;   /* the lanes of the parallel loop, by start */
	size_t nin_loop;
	int timed;               /* FICHES_TIMING=2 */
	double start;            /* the loop's start (monotonic seconds), when timed */
};

/* 1 when a's output names b's among its needs. */
static int needs(const struct lane *a, const struct lane *b)
{
	for (size_t k = 0; a->out->needs && a->out->needs[k]; k++)
		if (a->out->needs[k] == b->out)
			return 1;
	return 0;
}

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

static void run_item(struct loop *l, struct lane *lane, size_t at);

/*
 * Item `at` of lane is done: when it was the lane's last, the held lanes
 * waiting for it and for nothing else now run, here.
 */
static void item_done(struct loop *l, struct lane *lane)
{
	if (atomic_fetch_sub(&lane->left, 1) != 1)
		return;
	for (size_t k = 0; k < l->nlanes; k++) {
		struct lane *m = &l->lanes[k];
		if (m->held && needs(m, lane) && atomic_fetch_sub(&m->waiting, 1) == 1)
			for (size_t i = 0; i < m->n; i++)
				run_item(l, m, i);
	}
}

static unsigned long long ns_since(double start)
{
	return (unsigned long long)((pool_clock(CLOCK_MONOTONIC) - start) * 1e9);
}

static void run_item(struct loop *l, struct lane *lane, size_t at)
{
	if (!l->timed) {
		lane->out->render(l->run, lane->state, lane->pick ? lane->pick[at] : at);
		item_done(l, lane);
		return;
	}
	unsigned long long begun = ns_since(l->start), first = 0;
	double cpu = pool_clock(CLOCK_THREAD_CPUTIME_ID);
	struct rusage r0, r1;
	getrusage(RUSAGE_THREAD, &r0);
	lane->out->render(l->run, lane->state, lane->pick ? lane->pick[at] : at);
	getrusage(RUSAGE_THREAD, &r1);
	atomic_fetch_add(&lane->cpu_ns,
			 (unsigned long long)((pool_clock(CLOCK_THREAD_CPUTIME_ID) - cpu) * 1e9));
	long long sys = (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) * 1000000LL +
			(r1.ru_stime.tv_usec - r0.ru_stime.tv_usec);
	atomic_fetch_add(&lane->sys_us, sys > 0 ? (unsigned long long)sys : 0);
	atomic_compare_exchange_strong(&lane->first_ns, &first, begun);
	unsigned long long end = ns_since(l->start), seen = atomic_load(&lane->last_ns);
	while (end > seen && !atomic_compare_exchange_weak(&lane->last_ns, &seen, end))
		;
	item_done(l, lane);
}

/* FICHES_TIMING=2: each output's CPU time and when, in the pass, its items ran. */
static void report_lanes(const struct loop *l)
{
	for (size_t k = 0; k < l->nlanes; k++) {
		const struct lane *m = &l->lanes[k];
		if (!m->n)
			continue;
		fprintf(stderr,
			"fiches:   %-10s %5zu items, cpu %.3f s (system %.3f), from %.3f to %.3f s%s\n",
			m->out->name, m->n, (double)atomic_load(&m->cpu_ns) / 1e9,
			(double)atomic_load(&m->sys_us) / 1e6,
			(double)atomic_load(&m->first_ns) / 1e9,
			(double)atomic_load(&m->last_ns) / 1e9,
			m->serial ? " (serial)" : m->held ? " (held for its needs)" : "");
	}
}

static void item(void *ctx, size_t i)
{
	struct loop *l = ctx;
	size_t k = 0;
	while (i >= l->in_loop[k]->start + l->in_loop[k]->n)
		k++;
	run_item(l, l->in_loop[k], i - l->in_loop[k]->start);
}

/*
 * A thread of the loop has no item left: it writes the files the others
 * still make (stage_help) until the last one runs out, which ends that.
 */
static void idle(void *ctx, int last)
{
	struct loop *l = ctx;
	if (last)
		stage_help_end(l->run->stage);
	else
		stage_help(l->run->stage);
}

/* 1 when item i of a lane of one item per page (all of them) is a page gathering many documents. */
static int gathers(const struct output_run *run, size_t all, size_t i)
{
	if (all != run->plan->n)
		return 0;
	enum page_kind kind = run->plan->pages[i].kind;
	return kind != PAGE_DOC && kind != PAGE_CONTACT;
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
	if (!(out->when & OUTPUT_PER_PAGE))
		return;
	/*
	 * No large item left for the end, when one thread would work alone:
	 * the pages that gather many documents (every page but one document's
	 * or one contact's; « Que faire si… » is 30 MB at 10 000 fiches, the
	 * glossary and the taxa 1-2 MB each, a fiche's page 30 kB) are at the
	 * plan's end; they go after half of the others, the largest (last in
	 * the plan) first. Not at the start either: there they would come on
	 * top of the search index's and site.json's memory, made first.
	 * After an edit, only the dirty pages.
	 */
	size_t all = lane->n, single = 0;
	int edit = (pass & OUTPUT_EDIT_PAGES) != 0;
	lane->pick = xcalloc(all + 1, sizeof *lane->pick);
	for (size_t i = 0; i < all; i++)
		single += (!edit || (dirty && dirty[i])) && !gathers(run, all, i);
	lane->n = 0;
	size_t i = 0;
	for (; i < all && lane->n < single / 2; i++)
		if ((!edit || (dirty && dirty[i])) && !gathers(run, all, i))
			lane->pick[lane->n++] = i;
	for (size_t g = all; g-- > 0;)
		if ((!edit || (dirty && dirty[g])) && gathers(run, all, g))
			lane->pick[lane->n++] = g;
	for (; i < all; i++)
		if ((!edit || (dirty && dirty[i])) && !gathers(run, all, i))
			lane->pick[lane->n++] = i;
}

/*
 * Where each lane's items run: serial ones (and those needing a serial
 * one) after the loop; those needing a lane with items held out of it
 * until that lane is done; the others in the loop, in table order.
 */
static void place(struct loop *l)
{
	for (size_t k = 0; k < l->nlanes; k++) {
		struct lane *m = &l->lanes[k];
		atomic_init(&m->left, m->n);
		atomic_init(&m->waiting, 0);
		atomic_init(&m->cpu_ns, 0);
		atomic_init(&m->sys_us, 0);
		atomic_init(&m->first_ns, 0);
		atomic_init(&m->last_ns, 0);
		m->serial = (m->out->when & OUTPUT_SERIAL) != 0;
		size_t waiting = 0;
		for (size_t j = 0; j < k; j++) {
			if (!needs(m, &l->lanes[j]))
				continue;
			m->serial |= l->lanes[j].serial;
			waiting += l->lanes[j].n > 0;
		}
		m->held = !m->serial && waiting > 0;
		atomic_init(&m->waiting, waiting);
	}
}

int output_run_pass(struct output_run *run, unsigned pass, const unsigned char *dirty)
{
	size_t ntable = 0;
	while (output_table[ntable])
		ntable++;
	if (pass & OUTPUT_FULL)
		keep_previous(run);
	bufpool_init(&run->bufs, OUTPUT_BUF_HINT);
	struct loop l = {run, xcalloc(ntable + 1, sizeof *l.lanes), 0, NULL, 0, 0, 0};
	for (size_t k = 0; k < ntable && !run->status; k++) {
		const struct output *out = output_table[k];
		if (!makes(out, pass, run->o))
			continue;
		struct lane *lane = &l.lanes[l.nlanes++];
		lane->out = out;
		if (out->begin) {
			out->begin(run, &lane->state);
			build_phase(out->name);
		}
	}
	if (!run->status) {
		for (size_t k = 0; k < l.nlanes; k++)
			count(run, &l.lanes[k], pass, dirty);
		place(&l);
		/* The parallel items first, in table order, then the serial ones. */
		l.in_loop = xcalloc(l.nlanes + 1, sizeof *l.in_loop);
		size_t total = 0;
		for (size_t k = 0; k < l.nlanes; k++) {
			struct lane *lane = &l.lanes[k];
			if (lane->serial || lane->held)
				continue;
			lane->start = total;
			total += lane->n;
			l.in_loop[l.nin_loop++] = lane;
		}
		l.timed = pool_timing() >= 2;
		l.start = l.timed ? pool_clock(CLOCK_MONOTONIC) : 0;
		pool_for_idle(run->o->jobs, total, item, idle, &l);
		build_phase("render");
		int serial = 0;
		for (size_t k = 0; k < l.nlanes; k++) {
			if (!l.lanes[k].serial)
				continue;
			for (size_t i = 0; i < l.lanes[k].n; i++)
				run_item(&l, &l.lanes[k], i);
			serial = 1;
		}
		if (serial)
			build_phase("extras");
		if (l.timed)
			report_lanes(&l);
		free(l.in_loop);
	}
	for (size_t k = 0; k < l.nlanes; k++) {
		if (l.lanes[k].out->finish)
			l.lanes[k].out->finish(run, l.lanes[k].state);
		free(l.lanes[k].pick);
	}
	free(l.lanes);
	bufpool_free(&run->bufs);
	return run->status ? run->status : BUILD_OK;
}
