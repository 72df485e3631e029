/*
 * The search index; see search.h.
 *
 * Every file is a script calling FichesRechercheData(name, data), so that
 * assets/search.js loads it with a <script> tag (file:// included). Numbers
 * in strings are written with the 64 characters of search_digits64, five
 * bits per character, low bits first, 32 meaning « more follows »
 * (search_put_varint).
 *
 * assets/recherche-index.js, name "index", loaded first (keys in this order):
 *   "v": 3, "kinds": [label, …]            type labels, by kind index
 *   "weights": [6, 6, …]                   only when a kind weighs other than 1 (already
 *                                          in the scores; for readers of the index)
 *   "nsec", "nrec"                         sections and records
 *   "head": 512, "levels", "range"         see HEAD_POSTINGS and search_quantise
 *   "words": " Aabandon Dord …"            folded vocabulary, sorted, front-coded, with the
 *                                          stem id of each word (search_put_words)
 *   "df": numbers                          sections holding each stem, by stem id
 *   "shards": numbers                      first stem of each postings shard, as gaps
 *   "pbytes"                               the shards' bytes (search.js preloads them when few)
 *   "texts": numbers                       first section of each text fragment, as gaps
 *                                          (about one record a fragment on a large site)
 *   "tbytes"                               the fragments' bytes (search.js loads them all
 *                                          when the reader touches a field of a small site)
 *   "docs": numbers                        first section of each record list, as gaps
 *   "dbytes"                               the record lists' bytes (search.js loads them all
 *                                          when the reader touches a field)
 *   "h": "…"                               version of the parts (search.js asks ?v=h): their
 *                                          bytes hashed in order, a text fragment by its
 *                                          own hash (made by its group, see add_hashed)
 *   "num": numbers                         (section gap, number) of numbered records'
 *                                          first sections: « 9 » finds fiche 9
 *   "stop": "a au aux …"                   the stop words, for queries
 *   "fshards": numbers                     first phrase of each phrase shard, as gaps
 *   "syn": [["caarud", [stem ids], q], …]  glossary sigle → stems of its expansion; q, its
 *                                          phrase number, when it has two stems or more
 *   "alias": [["shit", [[stem ids], …], [q, …]], …] content/recherche.yaml: a folded word →
 *                                          its synonyms (a phrase: several stems); the
 *                                          phrase numbers (-1: one stem) only when one has
 *                                          several stems
 *
 * assets/recherche/pN.js, "pN": [postings of each stem of the shard, in stem order]: a
 *   string of (section gap, score in two characters) pairs by section; for a stem in
 *   more than HEAD_POSTINGS sections, only its best HEAD_POSTINGS.
 * assets/recherche/mK.js, "mK": all the postings of such a stem K.
 * assets/recherche/fN.js, "fN": [postings of each phrase of the shard]: the sections
 *   holding every stem of the phrase, scored with the sum of score × idf of its stems.
 * assets/recherche/dN.js, "dN": what a result list shows before the snippets, for
 *   whole records (a few files for the whole site, loaded when a field is touched, so
 *   that a keystroke's list waits for no file; Pagefind's metadata, apart from its
 *   per-page fragments): {"r": first record, "s": first section,
 *   "k": numbers                           each record's kind
 *   "n": numbers                           each record's number (0: none), as the
 *                                          zigzag of its difference to the previous one's
 *   "c": numbers                           each record's count of sections
 *   "t": [title, …]}                       each record's title
 * assets/recherche/tN.js, "tN": the snippets' texts, {"r": first record, "s": first section,
 *   "docs": [[href, summary], …]                        href relative to the site root
 *   "secs": [[record - r, heading, anchor, text], …]}   a record's section 0 has heading
 *                                                        and anchor ""; in text, "\n"
 *                                                        ends a paragraph, list item or cell
 *
 * Titles, headings and texts carry the French typography of the pages, so
 * snippets read like the site.
 */
#include "search_internal.h"
#include "body_store.h"
#include "hash.h"
#include "stage.h"
#include "typo.h"
#include "utf8.h"
#include "xalloc.h"

#include <libstemmer.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A postings shard closes once it holds this many bytes. */
#define SHARD_BYTES 16384
/*
 * A text fragment closes once it holds this many bytes of text. Every
 * result shown needs its fragment, so on a large site, where the eight
 * results of a keystroke come from eight fragments, a fragment holds about
 * one record, as Pagefind's per-page fragments do (eight 16 KB fragments
 * made 150 KB to read for one keystroke at 10 000 fiches). A small site's
 * whole index loads on first touch: there fewer, larger files are cheaper.
 */
#define TEXT_BYTES 16384
#define TEXT_BYTES_LARGE 4096
#define LARGE_TEXTS (1024 * 1024)
/*
 * A record list (dN.js) closes once it holds this many bytes: 7 files at
 * 10 000 fiches (titles are most of them), loaded side by side on touch.
 */
#define DOC_BYTES 65536

#define PART_CALL "FichesRechercheData("

static void add_file(struct search_files *out, char *path, struct buf *b);

/*
 * A part's path and the start of its call, « FichesRechercheData("kN", »:
 * written without printf, which cost more than the rest of a small part
 * (a part a record on a large site).
 */
static char *part_path(char kind, size_t n)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, SEARCH_PARTS_DIR "/");
	buf_putc(&b, kind);
	search_put_number(&b, (long long)n);
	buf_puts(&b, ".js");
	return buf_detach(&b);
}

static void part_call(struct buf *b, char kind, size_t n)
{
	buf_puts(b, PART_CALL "\"");
	buf_putc(b, kind);
	search_put_number(b, (long long)n);
	buf_puts(b, "\",");
}

/* sep_key (« {"r": », « ,"s": ») and the number n. */
static void put_key_number(struct buf *b, const char *sep_key, size_t n)
{
	buf_puts(b, sep_key);
	search_put_number(b, (long long)n);
}
static void add_hashed(struct search_files *out, char *path, char *data, size_t len, uint64_t h);

/*
 * The postings of the phrases (fN.js, "fN": [postings of each phrase from
 * the shard's first, in phrase order]): the sections holding every stem of
 * the phrase, each with the sum of the stems' scores times their idf, what
 * search.js computed from the stems' whole postings before (a sigle's
 * expansion needed the full postings of several frequent words, 380 KB at
 * 10 000 fiches, where its intersection is a few kilobytes). Shards close
 * at SHARD_BYTES; the first phrase of each to meta, as gaps.
 */
static void put_phrase_files(const struct postings *p, const struct phrases *ph, struct buf *meta,
			     struct search_files *out)
{
	struct buf b = BUF_INIT;
	size_t first = 0, prev_first = 0, nshards = 0;
	const double *level = search_levels();
	for (size_t q = 0; q <= ph->n; q++) {
		if (q == ph->n || (q > first && b.len >= SHARD_BYTES)) {
			if (q == first)
				break;
			struct buf file = BUF_INIT;
			part_call(&file, 'f', nshards);
			buf_puts(&file, "[\"");
			buf_put(&file, b.data, b.len);
			buf_puts(&file, "\"]);\n");
			add_file(out, part_path('f', nshards), &file);
			buf_reset(&b);
			search_put_varint(meta, first - prev_first);
			prev_first = first;
			nshards++;
			first = q;
			if (q == ph->n)
				break;
		}
		if (q > first)
			buf_puts(&b, "\",\"");
		const size_t *ids = ph->ids + ph->from[q];
		size_t nids = ph->from[q + 1] - ph->from[q];
		size_t k0 = ids[0], n = p->start[k0 + 1] - p->start[k0];
		uint32_t *sec = xmalloc((n + 1) * sizeof *sec);
		double *v = xmalloc((n + 1) * sizeof *v);
		double w0 = search_idf(p, k0);
		for (size_t i = 0; i < n; i++) {
			sec[i] = p->sec[p->start[k0] + i];
			v[i] = level[p->score[p->start[k0] + i]] * w0;
		}
		for (size_t j = 1; j < nids && n; j++) {
			size_t k = ids[j], at = p->start[k], end = p->start[k + 1], kept = 0;
			double w = search_idf(p, k);
			for (size_t i = 0; i < n; i++) {
				while (at < end && p->sec[at] < sec[i])
					at++;
				if (at < end && p->sec[at] == sec[i]) {
					sec[kept] = sec[i];
					v[kept++] = v[i] + level[p->score[at]] * w;
				}
			}
			n = kept;
		}
		uint32_t prev = 0;
		for (size_t i = 0; i < n; i++) {
			unsigned sc = search_quantise(v[i]);
			search_put_varint(&b, sec[i] - prev);
			prev = sec[i];
			buf_putc(&b, search_digits64[sc >> 6]);
			buf_putc(&b, search_digits64[sc & 63]);
		}
		free(sec);
		free(v);
	}
	buf_free(&b);
}

/* ---- Output files -------------------------------------------------------- */

static void add_file(struct search_files *out, char *path, struct buf *b)
{
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 64;
		out->v = xrealloc(out->v, out->cap * sizeof *out->v);
	}
	size_t len = b->len;
	char *data = b->data ? buf_detach(b) : xstrdup("");
	out->version = hash_more(out->version, data, len);
	if (out->stage) {
		stage_add(out->stage, path, data, len);
		data = NULL;
	}
	out->v[out->n++] = (struct search_file){path, data, len};
}

/*
 * A part whose maker hashed it (h, its hash_content): the hash joins the
 * version in its place, not its bytes, which may be staged already (data
 * NULL) or held in out (not staged).
 */
static void add_hashed(struct search_files *out, char *path, char *data, size_t len, uint64_t h)
{
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 64;
		out->v = xrealloc(out->v, out->cap * sizeof *out->v);
	}
	unsigned char le[8];
	for (int i = 0; i < 8; i++)
		le[i] = (unsigned char)(h >> (8 * i));
	out->version = hash_more(out->version, le, sizeof le);
	out->v[out->n++] = (struct search_file){path, data, len};
}

void search_files_free(struct search_files *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].path);
		free(f->v[i].data);
	}
	free(f->v);
	*f = (struct search_files){0};
}

/*
 * The postings shards and the files of the large stems; the first stem of
 * each shard to meta. Returns the bytes of the shards.
 */
static size_t put_shards(const struct postings *p, struct buf *meta, struct search_files *out)
{
	struct buf b = BUF_INIT;
	size_t nshards = 0, first = 0, prev_first = 0, bytes = 0;
	uint32_t *count = NULL; /* search_put_head's */
	for (size_t k = 0; k <= p->nstems; k++) {
		if (k == p->nstems || (k > first && b.len >= SHARD_BYTES)) {
			if (k == first)
				break;
			buf_puts(&b, "\"]);\n");
			struct buf file = BUF_INIT;
			part_call(&file, 'p', nshards);
			buf_puts(&file, "[\"");
			buf_put(&file, b.data, b.len);
			bytes += file.len;
			add_file(out, part_path('p', nshards), &file);
			buf_reset(&b);
			search_put_varint(meta, first - prev_first);
			prev_first = first;
			nshards++;
			first = k;
			if (k == p->nstems)
				break;
		}
		if (k > first)
			buf_puts(&b, "\",\"");
		size_t df = p->start[k + 1] - p->start[k];
		if (df > HEAD_POSTINGS) {
			if (!count)
				count = xcalloc(SCORE_LEVELS + SCORE_LEVELS / 64, sizeof *count);
			search_put_head(&b, p, k, count);
			struct buf file = BUF_INIT;
			part_call(&file, 'm', k);
			buf_putc(&file, '"');
			search_put_postings(&file, p->sec + p->start[k], p->score + p->start[k], df);
			buf_puts(&file, "\");\n");
			add_file(out, part_path('m', k), &file);
		} else {
			search_put_postings(&b, p->sec + p->start[k], p->score + p->start[k], df);
		}
	}
	buf_free(&b);
	free(count);
	return bytes;
}

/*
 * The index is made in work items (search.h): one per group of text
 * fragments, each reading its records' words into a vocabulary of its own,
 * writing its fragments and merging its words into the index's; the last
 * to end makes the rest. The groups, their fragments and so every byte are
 * fixed by the site alone, never by the threads (no byte depends on the
 * order in which the groups merge: see search_vocab_merge).
 *
 * Peak memory at 10 000 fiches (/usr/bin/time, -j 2): 338 MB with one
 * group, 381-388 MB with 2, 4 or 8. The two cores make the index at the
 * same time instead of one making it beside site.json and the pages.
 */
#define GROUPS 8

struct group {
	size_t frag_from, frag_to;      /* its fragments */
	struct vocab vc;                /* the words of its records and sections (own ids) */
	struct tokens toks;             /* once merged: its texts' tokens (its own ids) */
	uint32_t *map;                  /* once merged: its ids → the index's */
	size_t nmap;
	struct buf *texts;              /* its fragments' files when not staged, held for put_texts */
};

struct search_job {
	const struct site *s;
	struct search_files *out;
	size_t base;                    /* the index's place in out */
	struct index ix;
	struct span *rspan, *sspan;     /* each text's tokens, in its group's list until merged */
	size_t nfrags;
	size_t *frag_rec, *frag_sec;    /* each fragment's first record and section; [nfrags]: the ends */
	size_t *frag_len;               /* each fragment's planned bytes, then its file's */
	uint64_t *frag_hash;            /* each fragment file's hash_content, for the version */
	struct group *groups;
	size_t ngroups;
	atomic_size_t left;             /* groups not done */
	/*
	 * The index's vocabulary: each group merges its own into it as it
	 * ends (under merge_lock), so that few groups' vocabularies are held
	 * at once; no byte depends on the order (see search_vocab_merge).
	 */
	pthread_mutex_t merge_lock;
	struct vocab vc;
	uint32_t **toks_of;             /* each section's tokens: its group's, once merged */
};

/*
 * The text fragments: whole records, closing once they hold frag_bytes of
 * text (the bytes counted with 64 more a section).
 */
static void plan_fragments(struct search_job *j)
{
	const struct index *ix = &j->ix;
	const size_t *len = ix->text_len;
	size_t all = 0;
	for (size_t k = 0; k < ix->nsecs; k++)
		all += len[k] + 64;
	size_t frag_bytes = all > LARGE_TEXTS ? TEXT_BYTES_LARGE : TEXT_BYTES;
	j->frag_rec = xmalloc((ix->nrecs + 1) * sizeof *j->frag_rec);
	j->frag_sec = xmalloc((ix->nrecs + 1) * sizeof *j->frag_sec);
	size_t *frag_len = j->frag_len = xmalloc((ix->nrecs + 1) * sizeof *frag_len);
	size_t rec = 0, k = 0, nf = 0;
	while (rec < ix->nrecs) {
		size_t first_rec = rec, bytes = 0;
		j->frag_rec[nf] = rec;
		j->frag_sec[nf] = k;
		while (rec < ix->nrecs && (rec == first_rec || bytes < frag_bytes)) {
			for (; k < ix->nsecs && ix->secs[k].record == rec; k++)
				bytes += len[k] + 64;
			rec++;
		}
		for (; k < ix->nsecs && ix->secs[k].record < rec; k++)
			bytes += len[k] + 64;
		frag_len[nf++] = bytes;
	}
	j->frag_rec[nf] = ix->nrecs;
	j->frag_sec[nf] = ix->nsecs;
	j->nfrags = nf;
	/* Groups of about as many bytes; at least one, whose end makes the index. */
	j->ngroups = nf < GROUPS ? (nf ? nf : 1) : GROUPS;
	j->groups = xcalloc(j->ngroups, sizeof *j->groups);
	size_t f = 0, done = 0;
	for (size_t g = 0; g < j->ngroups; g++) {
		j->groups[g].frag_from = f;
		size_t want = (all / j->ngroups) * (g + 1);
		while (f < nf && (g == j->ngroups - 1 || done < want || f == j->groups[g].frag_from) &&
		       nf - f > j->ngroups - 1 - g)
			done += frag_len[f++];
		if (g == j->ngroups - 1)
			f = nf;
		j->groups[g].frag_to = f;
	}
	j->frag_hash = xcalloc(nf + 1, sizeof *j->frag_hash);
}

/* Fragment nf: records [first_rec, end_rec), sections from first_sec. */
static void put_fragment(const struct index *ix, const size_t *sec_len, size_t nf, size_t first_rec,
			 size_t end_rec, size_t first_sec, struct buf *b)
{
	part_call(b, 't', nf);
	put_key_number(b, "{\"r\":", first_rec);
	put_key_number(b, ",\"s\":", first_sec);
	buf_puts(b, ",\"docs\":[");
	for (size_t rec = first_rec; rec < end_rec; rec++) {
		const struct record *r = &ix->recs[rec];
		buf_puts(b, rec > first_rec ? ",\n[" : "\n[");
		search_put_json_string(b, r->href);
		buf_putc(b, ',');
		search_put_json_string(b, r->summary);
		buf_putc(b, ']');
	}
	buf_puts(b, "],\"secs\":[");
	for (size_t sec = first_sec; sec < ix->nsecs && ix->secs[sec].record < end_rec; sec++) {
		const struct section *sc = &ix->secs[sec];
		buf_puts(b, sec > first_sec ? ",\n[" : "\n[");
		search_put_number(b, (long long)(sc->record - first_rec));
		buf_putc(b, ',');
		search_put_json_string(b, sc->heading);
		buf_putc(b, ',');
		search_put_json_string(b, sc->anchor);
		buf_putc(b, ',');
		search_put_json_string_len(b, search_section_text(sc), sec_len[sec]);
		buf_putc(b, ']');
	}
	buf_puts(b, "]});\n");
}

/* Group g's work: the words of its texts, then its fragments; its texts are then let go. */
static void run_group(struct search_job *j, size_t g)
{
	struct group *gr = &j->groups[g];
	const struct index *ix = &j->ix;
	size_t r0 = j->frag_rec[gr->frag_from], r1 = j->frag_rec[gr->frag_to];
	size_t s0 = j->frag_sec[gr->frag_from], s1 = j->frag_sec[gr->frag_to];
	search_records_typeset(&j->ix, r0, r1, s0, s1);
	/*
	 * Room for its tokens at once, a quarter of its texts' bytes (French
	 * text has a word every 6 bytes or so): no growth by copies of the
	 * largest array of the index; pages never written cost nothing.
	 */
	size_t bytes = 0;
	for (size_t f = gr->frag_from; f < gr->frag_to; f++)
		bytes += j->frag_len[f];
	gr->vc.toks.alloc = bytes / 4 + 4096;
	gr->vc.toks.v = xmalloc(gr->vc.toks.alloc * sizeof *gr->vc.toks.v);
	/*
	 * No stemmer: a spelling is stemmed once in all, when the groups
	 * merge, not once a group. The texts in the order the postings scan
	 * them (a record's title and summary, then each of its sections'
	 * heading and body), so that the postings can write over the tokens
	 * they have read (search_compute_postings).
	 */
	size_t si = s0;
	for (size_t i = r0; i < r1; i++) {
		j->rspan[2 * i] = search_vocab_text(&gr->vc, ix->recs[i].title);
		j->rspan[2 * i + 1] = search_vocab_text(&gr->vc, ix->recs[i].summary);
		for (; si < s1 && ix->secs[si].record == i; si++) {
			j->sspan[2 * si] = search_vocab_text(&gr->vc, ix->secs[si].heading);
			j->sspan[2 * si + 1] = search_vocab_text_len(&gr->vc, search_section_text(&ix->secs[si]),
								     j->ix.text_len[si]);
		}
	}
	if (!j->out->stage)
		gr->texts = xcalloc(gr->frag_to - gr->frag_from + 1, sizeof *gr->texts);
	for (size_t f = gr->frag_from; f < gr->frag_to; f++) {
		struct buf b = BUF_INIT;
		/* Room for the texts and their JSON at once: no growth by copies. */
		buf_grow(&b, j->frag_len[f] + j->frag_len[f] / 8 + 256);
		put_fragment(ix, j->ix.text_len, f, j->frag_rec[f], j->frag_rec[f + 1], j->frag_sec[f], &b);
		/*
		 * Its hash stands for it in the version (add_hashed), so that it
		 * is written now, on this thread (a file a record on a large
		 * site: their creation is most of the fragments' cost), and let
		 * go: neither held nor copied until the postings are made.
		 */
		j->frag_hash[f] = hash_content(b.data, b.len);
		j->frag_len[f] = b.len;
		if (j->out->stage) {
			char *path = part_path('t', f);
			/* The stage records this hash rather than hashing the bytes again. */
			stage_add_hashed(j->out->stage, path, buf_detach(&b), j->frag_len[f], j->frag_hash[f]);
			free(path);
		} else {
			gr->texts[f - gr->frag_from] = b;
		}
	}
	/* Nothing reads these texts again: the store lets them go if the build does not keep them. */
	for (size_t r = r0; r < r1; r++)
		if (ix->recs[r].doc)
			body_store_texts_read(ix->texts, ix->recs[r].doc);
	/*
	 * Its words into the index's vocabulary; its tokens stay where they
	 * are, as the index's ids (a copy into one list was the largest
	 * transient of the index, 4 bytes a word).
	 */
	pthread_mutex_lock(&j->merge_lock);
	gr->map = search_vocab_merge(&j->vc, &gr->vc, &gr->toks, &gr->nmap);
	pthread_mutex_unlock(&j->merge_lock);
	for (size_t i = s0; i < s1; i++)
		j->toks_of[i] = gr->toks.v;
}

/*
 * The groups' fragments, in order, after the postings (the version hashes
 * the parts in that order). First section of each to meta. Returns the
 * fragments' bytes.
 */
static size_t put_texts(struct search_job *j, struct buf *meta)
{
	size_t total = 0, prev_sec = 0;
	for (size_t g = 0; g < j->ngroups; g++) {
		struct group *gr = &j->groups[g];
		for (size_t f = gr->frag_from; f < gr->frag_to; f++) {
			total += j->frag_len[f];
			char *path = part_path('t', f);
			/* Staged by its group already, or held: its hash in the version. */
			char *data = gr->texts ? buf_detach(&gr->texts[f - gr->frag_from]) : NULL;
			add_hashed(j->out, path, data, j->frag_len[f], j->frag_hash[f]);
			search_put_varint(meta, j->frag_sec[f] - prev_sec);
			prev_sec = j->frag_sec[f];
		}
		free(gr->texts);
		gr->texts = NULL;
	}
	return total;
}

/* One record list (dN.js) from the record data gathered for it. */
static void put_doc_file(struct search_files *out, size_t nd, size_t first_rec, size_t first_sec,
			 const struct buf *k, const struct buf *n, const struct buf *c, const struct buf *t)
{
	struct buf file = BUF_INIT;
	part_call(&file, 'd', nd);
	put_key_number(&file, "{\"r\":", first_rec);
	put_key_number(&file, ",\"s\":", first_sec);
	buf_puts(&file, ",\"k\":\"");
	buf_put(&file, k->data, k->len);
	buf_puts(&file, "\",\"n\":\"");
	buf_put(&file, n->data, n->len);
	buf_puts(&file, "\",\"c\":\"");
	buf_put(&file, c->data, c->len);
	buf_puts(&file, "\",\"t\":[");
	buf_put(&file, t->data, t->len);
	buf_puts(&file, "]});\n");
	add_file(out, part_path('d', nd), &file);
}

/*
 * The record lists: each record's kind, number, count of sections and
 * title, whole records, closing at DOC_BYTES; the first section of each to
 * meta, as gaps. Returns their bytes.
 */
static size_t put_docs(const struct index *ix, struct buf *meta, struct search_files *out)
{
	size_t *count = xcalloc(ix->nrecs + 1, sizeof *count);
	for (size_t i = 0; i < ix->nsecs; i++)
		count[ix->secs[i].record]++;
	struct buf k = BUF_INIT, n = BUF_INIT, c = BUF_INIT, t = BUF_INIT;
	size_t nd = 0, first_rec = 0, first_sec = 0, sec = 0, prev_first = 0, bytes = 0;
	long long prev_number = 0;
	for (size_t rec = 0; rec <= ix->nrecs; rec++) {
		if (rec == ix->nrecs || (rec > first_rec && t.len + c.len + n.len + k.len >= DOC_BYTES)) {
			if (rec == first_rec)
				break;
			size_t before = out->n;
			put_doc_file(out, nd++, first_rec, first_sec, &k, &n, &c, &t);
			bytes += out->v[before].len;
			search_put_varint(meta, first_sec - prev_first);
			prev_first = first_sec;
			buf_reset(&k);
			buf_reset(&n);
			buf_reset(&c);
			buf_reset(&t);
			first_rec = rec;
			first_sec = sec;
			prev_number = 0;
			if (rec == ix->nrecs)
				break;
		}
		const struct record *r = &ix->recs[rec];
		search_put_varint(&k, (size_t)r->kind);
		long long d = (long long)r->number - prev_number;
		search_put_varint(&n, d >= 0 ? (size_t)d * 2 : (size_t)(-d) * 2 - 1);
		prev_number = r->number;
		search_put_varint(&c, count[rec]);
		if (rec > first_rec)
			buf_puts(&t, ",\n");
		search_put_json_string(&t, r->title);
		sec += count[rec];
	}
	buf_free(&k);
	buf_free(&n);
	buf_free(&c);
	buf_free(&t);
	free(count);
	return bytes;
}

static void finish_index(struct search_job *j);

struct search_job *search_job_new(const struct site *s, struct body_store *texts,
				  struct search_files *out, int jobs)
{
	struct search_job *j = xcalloc(1, sizeof *j);
	j->s = s;
	j->out = out;
	j->base = out->n;
	out->version = hash_bytes("fiches-recherche-3", 18);
	search_records_collect(&j->ix, s, texts, jobs);
	/*
	 * The groups write every record's and section's spans and tokens
	 * before the last reads them: left for them to fault in, on both
	 * cores, rather than zeroed here, on one.
	 */
	j->rspan = xmalloc((2 * j->ix.nrecs + 1) * sizeof *j->rspan);
	j->sspan = xmalloc((2 * j->ix.nsecs + 1) * sizeof *j->sspan);
	plan_fragments(j);
	atomic_init(&j->left, j->ngroups);
	pthread_mutex_init(&j->merge_lock, NULL);
	j->vc.sb = search_new_stemmer();
	j->toks_of = xmalloc((j->ix.nsecs + 1) * sizeof *j->toks_of);
	return j;
}

size_t search_job_items(const struct search_job *j)
{
	return j->ngroups;
}

int search_job_run(struct search_job *j, size_t i)
{
	run_group(j, i);
	if (atomic_fetch_sub(&j->left, 1) != 1)
		return 0;
	finish_index(j);
	return 1;
}

void search_job_free(struct search_job *j)
{
	if (!j)
		return;
	for (size_t g = 0; g < j->ngroups; g++) {
		struct group *gr = &j->groups[g];
		for (size_t f = 0; gr->texts && f < gr->frag_to - gr->frag_from; f++)
			buf_free(&gr->texts[f]);
		free(gr->texts);
		search_vocab_free(&gr->vc);
		free(gr->toks.v);
		free(gr->map);
	}
	free(j->groups);
	search_vocab_free(&j->vc);
	free(j->toks_of);
	pthread_mutex_destroy(&j->merge_lock);
	free(j->frag_rec);
	free(j->frag_sec);
	free(j->frag_len);
	free(j->frag_hash);
	free(j->rspan);
	free(j->sspan);
	search_records_free(&j->ix);
	free(j);
}

void search_index_files(const struct site *s, struct body_store *texts,
			struct search_files *out)
{
	struct search_job *j = search_job_new(s, texts, out, 1);
	for (size_t i = 0; i < search_job_items(j); i++)
		search_job_run(j, i);
	search_job_free(j);
}

/* What the last group to end makes: the vocabulary, the postings, every file in order. */
static void finish_index(struct search_job *j)
{
	const struct site *s = j->s;
	struct search_files *out = j->out;
	size_t base = j->base;
	struct index ix = j->ix;
	struct span *rspan = j->rspan, *sspan = j->sspan;
	/* Every group has merged its words (the last just now). */
	struct vocab vc = j->vc;
	j->vc = (struct vocab){0};
	uint32_t **toks_of = j->toks_of;
	j->toks_of = NULL;

	/* Folded words, one stem each; stems numbered in sorted order. */
	struct word *all = xcalloc(vc.n + 1, sizeof *all);
	size_t nall = 0;
	for (size_t i = 0; i < vc.n; i++)
		if (vc.v[i].folded)
			all[nall++] = (struct word){vc.v[i].folded, vc.v[i].stem, vc.v[i].count, 0};
	qsort(all, nall, sizeof *all, search_compare_word_choice);
	size_t nwords = 0;
	for (size_t i = 0; i < nall; i++)
		if (!nwords || strcmp(all[nwords - 1].folded, all[i].folded) != 0)
			all[nwords++] = all[i];
	const char **stems = xcalloc(nwords + 1, sizeof *stems);
	for (size_t i = 0; i < nwords; i++)
		stems[i] = all[i].stem;
	qsort(stems, nwords, sizeof *stems, search_compare_stem);
	size_t nstems = 0;
	for (size_t i = 0; i < nwords; i++)
		if (!nstems || strcmp(stems[nstems - 1], stems[i]) != 0)
			stems[nstems++] = stems[i];
	/* Ids in order of first use along the sorted words: see search_put_words. */
	size_t *ids = xmalloc((nstems + 1) * sizeof *ids), next_id = 0;
	for (size_t i = 0; i < nstems; i++)
		ids[i] = (size_t)-1;
	for (size_t i = 0; i < nwords; i++) {
		const char **at = bsearch(&all[i].stem, stems, nstems, sizeof *stems, search_compare_stem);
		size_t k = (size_t)(at - stems);
		if (ids[k] == (size_t)-1)
			ids[k] = next_id++;
		all[i].stem_id = ids[k];
	}
	/* Each spelling's stem, as search.js finds it: through its folded form. */
	int32_t *stem_of = xmalloc((vc.n + 1) * sizeof *stem_of);
	for (size_t i = 0; i < vc.n; i++) {
		const struct spelling *sp = &vc.v[i];
		size_t at = sp->folded ? search_find_word(all, nwords, sp->folded) : (size_t)-1;
		stem_of[sp->id] = at == (size_t)-1 ? -1 : (int32_t)all[at].stem_id;
	}
	struct postings post = {0};
	/*
	 * Each group's ids to stems (its tokens keep its ids: see
	 * search_vocab_merge), id t at t + 1 after NO_WORD's -1.
	 */
	int32_t **group_stem = xmalloc((j->ngroups + 1) * sizeof *group_stem);
	for (size_t g = 0; g < j->ngroups; g++) {
		struct group *gr = &j->groups[g];
		group_stem[g] = xmalloc((gr->nmap + 2) * sizeof **group_stem);
		group_stem[g][0] = -1;
		for (size_t i = 0; i < gr->nmap; i++)
			group_stem[g][i + 1] = stem_of[gr->map[i]];
		free(gr->map);
		gr->map = NULL;
	}
	search_compute_postings(s, &ix, toks_of, (const int32_t *const *)group_stem, next_id, rspan, sspan,
				&post);
	for (size_t g = 0; g < j->ngroups; g++)
		free(group_stem[g]);
	free(group_stem);
	/* The texts as tokens served the postings only: let them go before the files are made. */
	free(rspan);
	free(sspan);
	j->rspan = j->sspan = NULL;
	free(toks_of);
	for (size_t g = 0; g < j->ngroups; g++) {
		free(j->groups[g].toks.v);
		j->groups[g].toks = (struct tokens){0};
	}

	struct buf meta = BUF_INIT;
	buf_puts(&meta, "/* fiches : index de recherche, produit par « fiches build ». */\n"
		      PART_CALL "\"index\",{\"v\":3,\"kinds\":[");
	int nlabels = KIND_EXTRA + (int)s->nextra_kinds, weighted = 0;
	for (int k = 0; k < nlabels; k++) {
		const struct kind *desc = search_record_desc(s, k);
		buf_puts(&meta, k ? "," : "");
		search_put_json_string(&meta, desc->label);
		weighted |= desc->search_weight != 1;
	}
	if (weighted) {
		/* Already in the scores; written for whoever reads the index. */
		buf_puts(&meta, "],\"weights\":[");
		for (int k = 0; k < nlabels; k++)
			buf_printf(&meta, "%s%d", k ? "," : "", search_record_desc(s, k)->search_weight);
	}
	buf_printf(&meta, "],\n\"nsec\":%zu,\"nrec\":%zu,\"head\":%d,\"levels\":%d,\"range\":%g,\n\"words\":\"",
		   ix.nsecs, ix.nrecs, HEAD_POSTINGS, SCORE_LEVELS, SCORE_RANGE);
	search_put_words(&meta, all, nwords);
	buf_puts(&meta, "\",\n\"df\":\"");
	for (size_t k = 0; k < post.nstems; k++)
		search_put_varint(&meta, post.start[k + 1] - post.start[k]);
	buf_puts(&meta, "\",\n\"shards\":\"");
	size_t shard_bytes = put_shards(&post, &meta, out);
	buf_printf(&meta, "\",\n\"pbytes\":%zu,\"texts\":\"", shard_bytes);
	size_t text_bytes = put_texts(j, &meta);
	buf_printf(&meta, "\",\n\"tbytes\":%zu,\"docs\":\"", text_bytes);
	size_t doc_bytes = put_docs(&ix, &meta, out);
	buf_printf(&meta, "\",\n\"dbytes\":%zu,", doc_bytes);
	/*
	 * The sigles and synonyms first: their phrases' files are parts of the
	 * index, which the version covers.
	 */
	struct buf tail = BUF_INIT;
	struct phrases phr = {0};
	buf_puts(&tail, "\",\n\"syn\":[");
	/* Sigles of one word; spellings folding alike (MILDECA, MILDeCA) keep the first. */
	size_t nsyn = 0;
	struct buf f = BUF_INIT, seen = BUF_INIT;
	buf_putc(&seen, ' ');
	for (size_t i = 0; i < s->nglossary; i++) {
		const struct entry *e = &s->glossary[i];
		const char *expansion = search_field_str(e, "expansion");
		buf_reset(&f);
		search_fold(e->id, strlen(e->id), &f);
		int one_word = f.len >= 2;
		for (const char *p = e->id; *p && one_word; p++)
			one_word = (unsigned char)*p >= 0x80 || ascii_isalnum((unsigned char)*p);
		if (!expansion || !one_word || search_find_word(all, nwords, buf_cstr(&f)) == (size_t)-1)
			continue;
		char *key = xasprintf(" %s ", buf_cstr(&f));
		int dup = strstr(buf_cstr(&seen), key) != NULL;
		if (!dup)
			buf_puts(&seen, key + 1);
		free(key);
		if (dup)
			continue;
		char *t = typo_plain(expansion, strlen(expansion));
		buf_puts(&tail, nsyn++ ? ",\n[" : "\n[");
		search_put_json_string(&tail, buf_cstr(&f));
		buf_putc(&tail, ',');
		search_put_stems_of(&tail, all, nwords, t, &phr);
		buf_putc(&tail, ']');
		free(t);
	}
	buf_free(&f);
	buf_free(&seen);
	buf_puts(&tail, "],\n\"alias\":[");
	search_put_aliases(&tail, s->synonyms, vc.sb, stems, ids, nstems, &phr);
	buf_puts(&tail, "]});\n");
	struct buf fshards = BUF_INIT;
	put_phrase_files(&post, &phr, &fshards, out);
	search_phrases_free(&phr);

	/* The parts' version: search.js asks for them with it (?v=), so no cache mixes two builds. */
	/* Every part is made: their hash is the version. */
	buf_printf(&meta, "\"h\":\"%016llx", out->version);
	buf_puts(&meta, "\",\n\"num\":\"");
	size_t prev_sec = 0;
	for (size_t i = 0; i < post.nnumbered; i++) {
		size_t sec = post.numbered[i].sec;
		search_put_varint(&meta, sec - prev_sec);
		search_put_varint(&meta, (size_t)post.numbered[i].number);
		prev_sec = sec;
	}
	buf_puts(&meta, "\",\n\"stop\":\"");
	for (size_t i = 0; i < search_nstop_words; i++)
		buf_printf(&meta, "%s%s", i ? " " : "", search_stop_words[i]);
	buf_puts(&meta, "\",\n\"fshards\":\"");
	buf_put(&meta, fshards.data, fshards.len);
	buf_free(&fshards);
	buf_put(&meta, tail.data, tail.len);
	buf_free(&tail);
	/* The index first: out_search.c precompresses it, and the tests count on it. */
	struct stage *stage = out->stage;
	out->stage = NULL;
	add_file(out, xstrdup(SEARCH_INDEX_PATH), &meta);
	out->stage = stage;
	struct search_file first = out->v[out->n - 1];
	memmove(out->v + base + 1, out->v + base, (out->n - 1 - base) * sizeof *out->v);
	out->v[base] = first;

	search_postings_free(&post);
	free(stem_of);
	free(ids);
	free(stems);
	free(all);
	search_vocab_free(&vc);
}

