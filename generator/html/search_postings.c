/*
 * The postings: which sections hold each stem and its score there
 * (BM25-like, quantised on a log scale), written as search.js reads them.
 * Apart from the index files because the scoring is its own piece of
 * arithmetic, which search.js mirrors (search_levels, search_idf), and the
 * one to tune.
 */
#include "search_internal.h"
#include "xalloc.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/*
 * The score of a stem in a section, BM25-like: the body's term frequency
 * saturated (K1) and normalised by the section's length (B); plus bonuses
 * for the title (more for a short title), the headings and the summary;
 * all multiplied by the weight of the record's kind. search.js multiplies
 * it by the stem's idf, which it computes from the stem's section count.
 */
#define BM25_K1 1.2
#define BM25_B 0.75
#define F_TITLE 3.0
#define F_HEAD 2.0
#define F_SUMM 1.5

/* Scores kept within a section for term frequencies below this (see search_compute_postings). */
#define SCORE_MEMO_TF 32

/* The 64 characters of the index's numbers: none needs escaping in a JavaScript string. */
const char search_digits64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Room for the characters of a number of 64 bits. */
#define VARINT_MAX 13

static inline char *varint_at(char *w, size_t v)
{
	while (v >= 32) {
		*w++ = search_digits64[32 | (v & 31)];
		v >>= 5;
	}
	*w++ = search_digits64[v];
	return w;
}

/* An unsigned number, five bits per character, low bits first; 32 marks « more follows ». */
void search_put_varint(struct buf *b, size_t v)
{
	buf_grow(b, VARINT_MAX);
	b->len = (size_t)(varint_at(b->data + b->len, v) - b->data);
	b->data[b->len] = '\0';
}

unsigned search_quantise(double v)
{
	double q = (log2(v) + SCORE_RANGE / 2) * SCORE_LEVELS / SCORE_RANGE;
	if (!(q > 0))
		return 0;
	if (q > SCORE_LEVELS - 1)
		return SCORE_LEVELS - 1;
	return (unsigned)lround(q);
}

/* Per-section state of the scan: which stems the section holds, where and how often. */
struct scan {
	/*
	 * Each stem's count in the body (low 16 bits, at most 65535) and the
	 * fields holding it (FIELD_SHIFT up: 1 title, 2 heading, 4 summary);
	 * one word, so that a stem is new to the section when it is 0.
	 */
	uint32_t *state;
	uint32_t *touched;
	size_t ntouched;
	const int32_t *stem_of; /* the current list's token + 1 → stem id, -1 when not indexed */
	const uint32_t *toks;   /* the current section's tokens */
};

#define FIELD_SHIFT 16
#define BODY_MAX 65535u

/*
 * Adds a text's words to the section's counts (bit: its field, 0 the
 * body). Inline with bit a constant at each call, so that the loop tests
 * no field; the count of touched stems kept in a register (a store
 * through state could be one to it, as far as the compiler knows).
 */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void scan_span(struct scan *sc, struct span sp, unsigned bit)
{
	const uint32_t *toks = sc->toks;
	const int32_t *stem_of = sc->stem_of;
	uint32_t *state = sc->state, *touched = sc->touched;
	size_t ntouched = sc->ntouched;
	for (size_t i = sp.from; i < sp.to; i++) {
		/* NO_WORD + 1 is 0, whose stem is -1: one test for both. */
		int32_t stem = stem_of[(uint32_t)(toks[i] + 1)];
		if (stem < 0)
			continue;
		uint32_t k = (uint32_t)stem, st = state[k];
		if (!st)
			touched[ntouched++] = k;
		if (bit)
			state[k] = st | bit << FIELD_SHIFT;
		else if ((st & BODY_MAX) < BODY_MAX)
			state[k] = st + 1;
	}
	sc->ntouched = ntouched;
}

/* A record's first section: no heading, no anchor (what search.js shows as the record itself). */
static int is_first_section(const struct section *sec)
{
	return (!sec->heading || !*sec->heading) && (!sec->anchor || !*sec->anchor);
}

/* The spans section si scans, in order (title and summary for a first section, else its heading; then its body). */
static size_t section_spans(const struct index *ix, size_t si, const struct span *rspan,
			    const struct span *sspan, struct span out[3])
{
	const struct section *sec = &ix->secs[si];
	size_t n = 0;
	if (is_first_section(sec)) {
		out[n++] = rspan[2 * sec->record];
		out[n++] = rspan[2 * sec->record + 1];
	} else {
		out[n++] = sspan[2 * si];
	}
	out[n++] = sspan[2 * si + 1];
	return n;
}

/*
 * A section's (stem, score) pairs are packed in one word when every stem
 * id fits in the bits above the score's; else two words a pair.
 */
#define SCORE_BITS 12
#define PACKED_STEMS (UINT32_C(1) << (32 - SCORE_BITS))

/*
 * Where the pairs of the sections from si (the first of a token list, up
 * to the first of another) go: over the list's own tokens when each
 * section's spans start at or past the end of what its predecessors'
 * pairs may fill (a section makes at most a pair a token it reads), as
 * they do when a group lays its tokens out in the order they are scanned;
 * else in an array of their own. Sets *end to the first section of
 * another list; returns whether the array is a new one (the caller's).
 */
static uint32_t *pairs_place(const struct index *ix, uint32_t *const *toks_of, size_t si,
			     const struct span *rspan, const struct span *sspan, size_t unit,
			     size_t *end, int *own)
{
	size_t bound = 0, e = si;
	int in_place = 1;
	for (; e < ix->nsecs && toks_of[e] == toks_of[si]; e++) {
		struct span sp[3];
		size_t n = section_spans(ix, e, rspan, sspan, sp), read = 0;
		for (size_t i = 0; i < n; i++) {
			if (sp[i].to > sp[i].from && sp[i].from < bound)
				in_place = 0;
			read += sp[i].to - sp[i].from;
		}
		bound += unit * read;
	}
	*end = e;
	*own = !in_place;
	return in_place ? toks_of[si] : xmalloc((bound + 1) * sizeof(uint32_t));
}

/*
 * Within a section a score depends on the term frequency and the fields
 * only, and most stems of a section share a few of them: each score is
 * computed once a section (its log2 was most of the cost), the same way.
 * Across sections it depends on the body's length, the title's when the
 * stem is in it, and the record's kind besides: the scores met before are
 * kept by these (cache), since many sections share a length (at 10 000
 * fiches, the score's log2 was nearly 1 % of the build's cycles).
 */
#define SCORE_CACHE_BITS 13
struct score_memo {
	struct {
		size_t section;         /* + 1: 0 marks nothing computed yet */
		uint16_t score;
	} known[8][SCORE_MEMO_TF];
	uint64_t cache[1 << SCORE_CACHE_BITS]; /* key << 16 | score (score_key), direct-mapped; 0: empty */
};

/* What a section's scores depend on besides a stem's count and fields. */
struct section_score {
	size_t si;
	uint32_t seclen, titlelen;      /* its body's words; its record's title's (a first section) */
	unsigned kind;
	double avg, weight;             /* the bodies' average length; its kind's weight */
};

/*
 * What a score depends on but the bodies' average (the same for all), in
 * 48 bits: body length, title length (with the title field only), kind,
 * fields, count; never 0 (a stem has a count or a field). 0 when one is
 * too large to pack (such a score is computed every time).
 */
static inline uint64_t score_key(const struct section_score *ss, unsigned f, unsigned tf)
{
	unsigned title = f & 1 ? ss->titlelen : 0;
	if (ss->seclen >= 1u << 23 || title >= 1u << 12 || ss->kind >= 1u << 5 || tf >= 1u << 5)
		return 0;
	return (uint64_t)ss->seclen << 25 | (uint64_t)title << 13 | (uint64_t)ss->kind << 8 | f << 5 | tf;
}

/*
 * The section's stems (sc's touched ones), scored, as pairs of unit words
 * (1: packed) into dst from w; their states cleared. Returns the new w.
 * Inline, so that each unit has its own loop.
 */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline size_t put_pairs(struct scan *sc, const struct section_score *ss, struct score_memo *memo,
			       size_t *df, uint32_t *dst, size_t w, size_t unit)
{
	for (size_t t = 0; t < sc->ntouched; t++) {
		uint32_t k = sc->touched[t];
		uint32_t st = sc->state[k];
		sc->state[k] = 0;
		df[k]++;
		unsigned tf = st & BODY_MAX, f = st >> FIELD_SHIFT;
		uint16_t score;
		if (tf < SCORE_MEMO_TF && memo->known[f][tf].section == ss->si + 1) {
			score = memo->known[f][tf].score;
		} else {
			uint64_t key = score_key(ss, f, tf);
			uint64_t *cached = &memo->cache[(key * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - SCORE_CACHE_BITS)];
			if (key && *cached >> 16 == key) {
				score = (uint16_t)*cached;
			} else {
				double v = tf ? (BM25_K1 + 1) * tf /
					(tf + BM25_K1 * (1 - BM25_B + BM25_B * ss->seclen / ss->avg)) : 0;
				if (f & 1)
					v += F_TITLE * (0.5 + 1.5 / sqrt(ss->titlelen > 1 ? ss->titlelen : 1));
				if (f & 2)
					v += F_HEAD;
				if (f & 4)
					v += F_SUMM;
				score = (uint16_t)search_quantise(v * ss->weight);
				if (key)
					*cached = key << 16 | score;
			}
			if (tf < SCORE_MEMO_TF) {
				memo->known[f][tf].section = ss->si + 1;
				memo->known[f][tf].score = score;
			}
		}
		if (unit == 1) {
			dst[w++] = k << SCORE_BITS | score;
		} else {
			dst[w++] = k;
			dst[w++] = score;
		}
	}
	return w;
}

/*
 * Pairs ahead of the one placed whose places are fetched (scatter): far
 * enough for a cache miss to be over when the pair is reached.
 */
#define SCATTER_AHEAD 16

/*
 * Places the pairs of sections from to to (total pairs, in that order,
 * unit words each) at their stems' next free places (df). The stems'
 * places are all over sec and score (26 and 13 MB at 10 000 fiches), so
 * that each store was a cache miss the loop waited for: the places of the
 * pair SCATTER_AHEAD further are fetched first (the stem's next free place
 * then, which the pairs between move by a few at most). Inline, so that
 * each unit has its own loop.
 */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void scatter(struct postings *p, size_t *df, const uint32_t *pair, const uint32_t *npairs,
			   size_t from, size_t to, size_t total, size_t unit)
{
	size_t j = 0;
	for (size_t si = from; si < to; si++) {
		for (size_t stop = j + npairs[si]; j < stop; j++) {
#if defined(__GNUC__)
			if (j + SCATTER_AHEAD < total) {
				uint32_t a = pair[unit * (j + SCATTER_AHEAD)];
				size_t next = df[unit == 1 ? a >> SCORE_BITS : a];
				__builtin_prefetch(&p->sec[next], 1);
				__builtin_prefetch(&p->score[next], 1);
			}
#endif
			uint32_t k = unit == 1 ? pair[j] >> SCORE_BITS : pair[2 * j];
			size_t at = df[k]++;
			p->sec[at] = (uint32_t)si;
			p->score[at] = (uint16_t)(unit == 1 ? pair[j] & ((1u << SCORE_BITS) - 1) : pair[2 * j + 1]);
		}
	}
}

void search_compute_postings(const struct site *s, const struct index *ix, uint32_t *const *toks_of,
			     const int32_t *const *stem_of, size_t nstems, const struct span *rspan,
			     const struct span *sspan, struct postings *p)
{
	struct scan sc = {xcalloc(nstems + 1, sizeof(uint32_t)), xcalloc(nstems + 1, sizeof(uint32_t)), 0,
			  NULL, NULL};
	size_t nsec = ix->nsecs, *df = xcalloc(nstems + 1, sizeof *df);
	int nkinds = KIND_EXTRA + (int)s->nextra_kinds;
	double *weight = xmalloc((size_t)nkinds * sizeof *weight);
	for (int k = 0; k < nkinds; k++)
		weight[k] = search_record_desc(s, k)->search_weight;
	/* A body's length is its span's (every word counts): the average is known before the scan. */
	double total = 0;
	for (size_t si = 0; si < nsec; si++)
		total += (double)(sspan[2 * si + 1].to - sspan[2 * si + 1].from);
	double avg = nsec && total > 0 ? total / (double)nsec : 1;
	/*
	 * One scan of the tokens: each section's stems, scored as soon as the
	 * section is read, kept as (stem, score) pairs in section order, then
	 * placed by stem from these (a second scan of every token cost as
	 * much again). The pairs go over the tokens already read (a fresh
	 * array for them was 28 MB of pages to fault in at 10 000 fiches).
	 */
	size_t unit = nstems <= PACKED_STEMS ? 1 : 2;
	uint32_t *npairs = xmalloc((nsec + 1) * sizeof *npairs);
	struct {
		uint32_t *v;
		int own;
	} *lists = xmalloc((nsec + 1) * sizeof *lists);
	size_t nlists = 0, list_end = 0, w = 0;
	uint32_t *dst = NULL;
	struct score_memo *memo = xcalloc(1, sizeof *memo);
	for (size_t si = 0; si < nsec; si++) {
		if (si == list_end) {
			dst = pairs_place(ix, toks_of, si, rspan, sspan, unit, &list_end, &lists[nlists].own);
			sc.stem_of = stem_of[nlists];
			lists[nlists++].v = dst;
			w = 0;
		}
		const struct record *r = &ix->recs[ix->secs[si].record];
		struct span sp[3];
		size_t nsp = section_spans(ix, si, rspan, sspan, sp);
		sc.toks = toks_of[si];
		if (nsp == 3) {
			scan_span(&sc, sp[0], 1);
			scan_span(&sc, sp[1], 4);
		} else {
			scan_span(&sc, sp[0], 2);
		}
		scan_span(&sc, sp[nsp - 1], 0);
		struct section_score ss = {si, (uint32_t)(sp[nsp - 1].to - sp[nsp - 1].from),
					   nsp == 3 ? (uint32_t)(sp[0].to - sp[0].from) : 0, (unsigned)r->kind, avg,
					   weight[r->kind]};
		if (unit == 1)
			w = put_pairs(&sc, &ss, memo, df, dst, w, 1);
		else
			w = put_pairs(&sc, &ss, memo, df, dst, w, 2);
		npairs[si] = (uint32_t)sc.ntouched;
		sc.ntouched = 0;
		if (is_first_section(&ix->secs[si]) && r->number) {
			if (p->nnumbered == p->capnumbered) {
				p->capnumbered = p->capnumbered ? p->capnumbered * 2 : 64;
				p->numbered = xrealloc(p->numbered, p->capnumbered * sizeof *p->numbered);
			}
			p->numbered[p->nnumbered++] = (struct numbered){si, r->number};
		}
	}
	p->nstems = nstems;
	p->nsec = nsec;
	p->start = xcalloc(nstems + 1, sizeof *p->start);
	for (size_t k = 0; k < nstems; k++)
		p->start[k + 1] = p->start[k] + df[k];
	size_t n = p->start[nstems];
	p->sec = xmalloc((n + 1) * sizeof *p->sec);
	p->score = xmalloc((n + 1) * sizeof *p->score);
	/* Every byte of them is written by the scatter below. */
	search_populate(p->sec, n * sizeof *p->sec);
	search_populate(p->score, n * sizeof *p->score);
	for (size_t k = 0; k < nstems; k++)
		df[k] = p->start[k];    /* now the next free place of each stem */
	for (size_t si = 0, l = 0; si < nsec; l++) {
		/* List l: the pairs of sections si to e, in one array. */
		const uint32_t *pair = lists[l].v;
		size_t e = si, npl = 0;
		for (; e < nsec && toks_of[e] == toks_of[si]; e++)
			npl += npairs[e];
		if (unit == 1)
			scatter(p, df, pair, npairs, si, e, npl, 1);
		else
			scatter(p, df, pair, npairs, si, e, npl, 2);
		si = e;
	}
	for (size_t l = 0; l < nlists; l++)
		if (lists[l].own)
			free(lists[l].v);
	free(memo);
	free(lists);
	free(npairs);
	free(weight);
	free(df);
	free(sc.state);
	free(sc.touched);
}

void search_postings_free(struct postings *p)
{
	free(p->start);
	free(p->sec);
	free(p->score);
	free(p->numbered);
}

/*
 * Each score level's two characters, made once: a posting's score is then
 * one load and one store of two bytes (its two shifts, look-ups and stores
 * were a third of writing the postings, 6.5 million at 10 000 fiches).
 */
static char score_chars[SCORE_LEVELS][2];
static pthread_once_t score_once = PTHREAD_ONCE_INIT;

static void score_fill(void)
{
	for (unsigned q = 0; q < SCORE_LEVELS; q++) {
		score_chars[q][0] = search_digits64[q >> 6];
		score_chars[q][1] = search_digits64[q & 63];
	}
}

/* Postings as section deltas and scores (see search_put_varint and search_quantise). */
void search_put_postings(struct buf *b, const uint32_t *sec, const uint16_t *score, size_t n)
{
	if (!n)
		return;
	pthread_once(&score_once, score_fill);
	/* Written in place: a gap of 32 bits takes 7 characters at most, a score 2. */
	buf_grow(b, n * 9);
	char *w = b->data + b->len;
	uint32_t prev = 0;
	for (size_t i = 0; i < n; i++) {
		w = varint_at(w, sec[i] - prev);
		prev = sec[i];
		memcpy(w, score_chars[score[i]], 2);
		w += 2;
	}
	b->len = (size_t)(w - b->data);
	b->data[b->len] = '\0';
}

/*
 * The best HEAD_POSTINGS postings of stem k, in section order: the
 * highest scores, ties going to the first sections. Scores have
 * SCORE_LEVELS values, so the lowest score kept comes from a count of
 * each; the postings, already in section order, are then filtered in one
 * pass (two sorts of every posting of each frequent stem before).
 */
void search_put_head(struct buf *b, const struct postings *p, size_t k, uint32_t *count)
{
	size_t from = p->start[k], n = p->start[k + 1] - from;
	/*
	 * count[SCORE_LEVELS + c]: the postings of the 64 levels from 64 c,
	 * so that the lowest level kept is found in two short walks down
	 * (one over 4 096 levels cost more than the count).
	 */
	uint32_t *coarse = count + SCORE_LEVELS;
	for (size_t i = 0; i < n; i++) {
		count[p->score[from + i]]++;
		coarse[p->score[from + i] >> 6]++;
	}
	size_t above = 0;       /* postings scoring more than low */
	unsigned c = SCORE_LEVELS / 64 - 1;
	while (above + coarse[c] < HEAD_POSTINGS)
		above += coarse[c--];
	unsigned low = c * 64 + 63;
	while (above + count[low] < HEAD_POSTINGS)
		above += count[low--];
	size_t at_low = HEAD_POSTINGS - above; /* the first ones by section of score low */
	memset(coarse, 0, SCORE_LEVELS / 64 * sizeof *coarse);
	uint32_t sec[HEAD_POSTINGS];
	uint16_t score[HEAD_POSTINGS];
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		uint16_t sc = p->score[from + i];
		/* count zeroed again for the next stem: its n places, not its SCORE_LEVELS. */
		count[sc] = 0;
		/* Most postings of a frequent stem score below the lowest kept: one test for them. */
		if (sc < low)
			continue;
		if (sc == low) {
			if (!at_low)
				continue;
			at_low--;
		}
		sec[m] = p->sec[from + i];
		score[m++] = sc;
	}
	search_put_postings(b, sec, score, m);
}

/* The value of each score level, made once (pow was most of the phrases' cost). */
static double level_value[SCORE_LEVELS];
static pthread_once_t level_once = PTHREAD_ONCE_INIT;

static void level_fill(void)
{
	for (unsigned q = 0; q < SCORE_LEVELS; q++)
		level_value[q] = pow(2, q * SCORE_RANGE / SCORE_LEVELS - SCORE_RANGE / 2);
}

/* The scores as search.js reads them (Engine's level table), by level. */
const double *search_levels(void)
{
	pthread_once(&level_once, level_fill);
	return level_value;
}

/* A stem's idf, as search.js computes it from the section counts. */
double search_idf(const struct postings *p, size_t k)
{
	double df = (double)(p->start[k + 1] - p->start[k]);
	return log(1 + ((double)p->nsec - df + 0.5) / (df + 0.5));
}
