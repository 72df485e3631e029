/*
 * The index's JSON text: strings a <script> can hold, the front-coded
 * vocabulary, and the stem ids of the sigles' expansions and of the
 * synonyms of content/recherche.yaml with the phrases (several stems) they
 * make. Apart from the index files because this is the format search.js
 * parses word by word, kept in one place with the shape it must match.
 */
#include "search_internal.h"
#include "synonyms.h"
#include "utf8.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/*
 * Bytes that may start something search_put_json_string escapes: controls,
 * « " », « \ », « < », and 0xE2, the first byte of U+2028 and U+2029 (and
 * of other characters, written as they are). NUL ends the string.
 */
static const unsigned char json_stop[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1, ['<'] = 1, [0xE2] = 1,
};

/* s as a JSON string that a <script> can hold. */
void search_put_json_string(struct buf *out, const char *s)
{
	s = s ? s : "";
	search_put_json_string_len(out, s, strlen(s));
}

/* Room for n more bytes and the NUL, without a call when there is. */
static inline void room(struct buf *b, size_t n)
{
	if (b->cap < b->len + n + 1)
		buf_grow(b, n);
}

/*
 * The bytes are copied as they are scanned, 16 at a time where SSE2 is
 * there, up to the first that json_stop marks (the texts are most of the
 * index's bytes and hold few of them): one pass over the text, no call
 * for the runs between escapes. The text ends at its first NUL (s[len] is
 * one).
 */
void search_put_json_string_len(struct buf *out, const char *s, size_t len)
{
	/* The string as it is, its quotes and 16 bytes of stores past it; an escape makes more room. */
	room(out, len + 2 + 16);
	char *w = out->data + out->len;
	*w++ = '"';
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	for (;;) {
#ifdef __SSE2__
		while (end - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
			_mm_storeu_si128((__m128i *)(void *)w, v);
			__m128i stop = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
			stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
			stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
			stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, _mm_set1_epi8('<')));
			stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE2)));
			unsigned m = (unsigned)_mm_movemask_epi8(stop);
			while (m) {
				/*
				 * An 0xE2 that starts no U+2028 or U+2029 (’ and the
				 * no-break spaces, every 79 bytes of French text) is
				 * stored already: the block's next stop is looked at
				 * without reading the block again from it.
				 */
				unsigned k = (unsigned)__builtin_ctz(m);
				if (p[k] == 0xE2 && !(p[k + 1] == 0x80 && (p[k + 2] == 0xA8 || p[k + 2] == 0xA9))) {
					m &= m - 1;
					continue;
				}
				p += k;
				w += k;
				goto stopped;
			}
			p += 16;
			w += 16;
		}
#endif
		while (!json_stop[*p])
			*w++ = (char)*p++;
#ifdef __SSE2__
stopped:
#endif
		if (!*p)
			break;
		unsigned c = *p;
		if (c == 0xE2 && !(p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))) {
			*w++ = (char)*p++;
			continue;
		}
		/* An escape: room for it (6 bytes at most), the rest, its stores and the quote. */
		out->len = (size_t)(w - out->data);
		room(out, 6 + (size_t)(end - p) + 16 + 1);
		w = out->data + out->len;
		static const char hex[] = "0123456789abcdef";
		const char *e = NULL;
		switch (c) {
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		case '\n': e = "\\n"; break;
		case '\t': e = "\\t"; break;
		case '<': e = "\\u003c"; break; /* never "</script" in a script */
		case 0xE2:
			/* U+2028/2029 end a line in older JavaScript string literals. */
			e = p[2] == 0xA8 ? "\\u2028" : "\\u2029";
			p += 2;
			break;
		default:
			memcpy(w, "\\u00", 4);
			w[4] = hex[c >> 4];
			w[5] = hex[c & 15];
			w += 6;
		}
		if (e) {
			size_t n = strlen(e);
			memcpy(w, e, n);
			w += n;
		}
		p++;
	}
	*w++ = '"';
	out->len = (size_t)(w - out->data);
	out->data[out->len] = '\0';
}

/*
 * The vocabulary in one string, front-coded. Each word is written as a
 * separator, one capital letter giving how many leading bytes it shares
 * with the previous word (A = 0 … Z = 25), then the rest of the word
 * (folded words are lower-case ASCII, so the letter cannot be misread).
 * The separator gives the stem: « » a new stem (the next id), « + » the
 * previous word's stem, « |N » stem N, met earlier. Words sharing a stem
 * sort next to each other nearly always, so stems cost about one byte.
 */
void search_put_words(struct buf *out, const struct word *words, size_t nwords)
{
	size_t next_id = 0;
	for (size_t i = 0; i < nwords; i++) {
		const char *w = words[i].folded;
		size_t common = 0;
		if (i) {
			const char *p = words[i - 1].folded;
			while (common < 25 && p[common] && p[common] == w[common])
				common++;
		}
		if (i && words[i].stem_id == words[i - 1].stem_id)
			buf_putc(out, '+');
		else if (words[i].stem_id == next_id) {
			buf_putc(out, ' ');
			next_id++;
		} else
			buf_printf(out, "|%zu", words[i].stem_id);
		buf_putc(out, (char)('A' + common));
		buf_puts(out, w + common);
	}
}

static void phrase_id(struct phrases *ph, size_t id)
{
	if (ph->nids == ph->capids) {
		ph->capids = ph->capids ? ph->capids * 2 : 64;
		ph->ids = xrealloc(ph->ids, ph->capids * sizeof *ph->ids);
	}
	ph->ids[ph->nids++] = id;
}

/* Keeps the ids added since the last phrase as phrase n (returned) when there are two or more; else drops them, -1. */
static long phrase_close(struct phrases *ph)
{
	if (ph->n + 2 > ph->cap) {
		ph->cap = ph->cap ? ph->cap * 2 : 16;
		ph->from = xrealloc(ph->from, ph->cap * sizeof *ph->from);
	}
	if (!ph->n)
		ph->from[0] = 0;
	if (ph->nids - ph->from[ph->n] < 2) {
		ph->nids = ph->from[ph->n];
		return -1;
	}
	ph->from[++ph->n] = ph->nids;
	return (long)ph->n - 1;
}

void search_phrases_free(struct phrases *ph)
{
	free(ph->ids);
	free(ph->from);
}

/* The words of a text folded, one after the other: the sigles' expansions and the synonyms. */
struct folded_words {
	struct search_split split;
	struct buf folded;      /* the current word's folded form */
};

static void folded_words_init(struct folded_words *fw, const char *text)
{
	search_split_init(&fw->split, text);
	fw->folded = (struct buf)BUF_INIT;
}

/* The next word (fw->split), folded into fw->folded; 0 at the end of the text (the buffer is let go). */
static int next_folded(struct folded_words *fw)
{
	if (!search_next_word(&fw->split)) {
		buf_free(&fw->folded);
		return 0;
	}
	buf_reset(&fw->folded);
	search_fold(fw->split.word, fw->split.len, &fw->folded);
	return 1;
}

void search_put_number(struct buf *out, long long v)
{
	/* Most are a section's record within its fragment's: 0 to 9. */
	if (v >= 0 && v < 10) {
		buf_putc(out, (char)('0' + v));
		return;
	}
	char d[24];
	size_t n = 0;
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
	do
		d[sizeof d - ++n] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		d[sizeof d - ++n] = '-';
	buf_put(out, d + sizeof d - n, n);
}

/*
 * Stem ids of the indexed words of text, appended as a JSON array; with
 * two or more, then « ,q », q its phrase in ph.
 */
void search_put_stems_of(struct buf *out, const struct word *words, size_t nwords, const char *text,
			 struct phrases *ph)
{
	buf_putc(out, '[');
	size_t count = 0;
	if (!ph->n && ph->cap == 0)
		phrase_close(ph);       /* from[0] = 0 */
	struct folded_words fw;
	folded_words_init(&fw, text);
	while (next_folded(&fw)) {
		size_t at = fw.folded.len ? search_find_word(words, nwords, buf_cstr(&fw.folded)) : (size_t)-1;
		if (at != (size_t)-1) {
			if (count++)
				buf_putc(out, ',');
			search_put_number(out, (long long)words[at].stem_id);
			phrase_id(ph, words[at].stem_id);
		}
	}
	buf_putc(out, ']');
	long q = phrase_close(ph);
	if (q >= 0)
		buf_printf(out, ",%ld", q);
}

/*
 * Appends the stem ids of phrase's words to out as a JSON array; returns 0
 * (out unchanged) when one of its words is nowhere in the site: a synonym
 * that cannot be found would only hide the others.
 */
static int put_phrase(struct buf *out, const char *phrase, struct sb_stemmer *sb,
		      const char **stems, const size_t *ids, size_t nstems, struct phrases *ph,
		      long *q)
{
	if (!ph->n && ph->cap == 0)
		phrase_close(ph);       /* from[0] = 0 */
	struct buf arr = BUF_INIT;
	size_t count = 0;
	int ok = 1;
	buf_putc(&arr, '[');
	struct folded_words fw;
	folded_words_init(&fw, phrase);
	while (next_folded(&fw)) {
		if (!ok || fw.folded.len < 2 || search_is_stop_word(buf_cstr(&fw.folded)))
			continue;
		char *st = search_stem_with(sb, fw.split.word, fw.split.len);
		const char **at = bsearch(&st, stems, nstems, sizeof *stems, search_compare_stem);
		free(st);
		if (at) {
			if (count++)
				buf_putc(&arr, ',');
			search_put_number(&arr, (long long)ids[at - stems]);
			phrase_id(ph, ids[at - stems]);
		} else {
			ok = 0;
		}
	}
	buf_putc(&arr, ']');
	ok = ok && count;
	if (ok) {
		buf_put(out, arr.data, arr.len);
		*q = phrase_close(ph);
	} else {
		ph->nids = ph->from[ph->n];
	}
	buf_free(&arr);
	return ok;
}

/* The synonyms of content/recherche.yaml whose words the site holds (see the shape above). */
void search_put_aliases(struct buf *out, const struct synonyms *syn, struct sb_stemmer *sb,
			const char **stems, const size_t *ids, size_t nstems, struct phrases *ph)
{
	size_t nout = 0;
	struct buf f = BUF_INIT, phrases = BUF_INIT, qs = BUF_INIT;
	for (size_t i = 0; syn && i < syn->n; i++) {
		buf_reset(&f);
		search_fold(syn->v[i].word, strlen(syn->v[i].word), &f);
		buf_reset(&phrases);
		buf_reset(&qs);
		size_t np = 0;
		int any_q = 0;
		if (f.len < 2)
			continue;
		for (size_t k = 0; k < syn->v[i].targets.n; k++) {
			size_t mark = phrases.len;
			long q = -1;
			if (np)
				buf_putc(&phrases, ',');
			if (put_phrase(&phrases, syn->v[i].targets.v[k], sb, stems, ids, nstems, ph, &q)) {
				buf_printf(&qs, "%s%ld", np ? "," : "", q);
				any_q |= q >= 0;
				np++;
			} else {
				phrases.len = mark;
			}
		}
		if (!np)
			continue;
		buf_puts(out, nout++ ? ",\n[" : "\n[");
		search_put_json_string(out, buf_cstr(&f));
		buf_puts(out, ",[");
		buf_put(out, phrases.data, phrases.len);
		if (any_q) {
			buf_puts(out, "],[");
			buf_put(out, qs.data, qs.len);
		}
		buf_puts(out, "]]");
	}
	buf_free(&f);
	buf_free(&phrases);
	buf_free(&qs);
}
