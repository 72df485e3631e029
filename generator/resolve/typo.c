/*
 * French typography on text runs.
 *
 * Stage: resolve/render. Input: the UTF-8 text of one Markdown text node
 * (or a title), plus the state left by the previous run of the same block.
 * Output: a sequence of TEXT and SUPERSCRIPT spans given to a callback.
 * Owns: the pending text of one call, in the call's frame unless it
 * outgrows it (then allocated and freed before returning).
 *
 * The rules, in the order they are tried at each code point:
 *
 *  1. Protected tokens are copied verbatim, at a word start only: URLs
 *     (scheme:// or www. up to the next space) and e-mail addresses.
 *  2. Ordinals at a word start: digits, or a Roman numeral (I or X alone,
 *     otherwise a canonical numeral of two letters or more), then e, ème,
 *     eme, er/re/ère (after 1 or I only), nd/nde (after 2 or II only), then
 *     a word boundary. The number stays text, the letters are superscript.
 *     Not after "1," or "1." (the decimals of a number). Plurals (XIXes,
 *     13èmes) are left alone: rare, and ambiguous with words.
 *  3. ; ! ? get U+202F before them: a plain space or U+00A0 before them is
 *     replaced; a U+202F is kept; after a letter, digit, closing quote or
 *     bracket one is inserted when the mark ends the word (so "a?b" is
 *     left). Never at block start, never between two marks (?! !! ;;).
 *  4. : gets U+00A0 the same way, except when it is directly followed by
 *     a letter, digit or / (10:55, 3:2, mailto:, action:6, http:).
 *  5. « and » get U+202F inside (a plain space or U+00A0 there is
 *     replaced, one is inserted otherwise). A straight double quote " is
 *     a guillemet: opening after a space, an opening bracket or dash, or
 *     at block start, closing otherwise; inside « » it becomes “ or ”
 *     (French quotes within quotes), without spaces.
 *  6. U+00A0 between a number and %, €, km, km², kg or m² (space replaced
 *     or inserted). Deliberately short: "4000 ans", "10 h", "5 m" are left.
 *     A time written "9 h 30" is unambiguous and gets U+00A0 on both sides
 *     of its h (only when spaced so: "9h30" is left).
 *  7. ' becomes ’ after a letter or before a letter, except between two
 *     digits (5'10, feet). ... becomes … (exactly three dots).
 *
 * Everything else is copied unchanged, and the rules only produce what
 * they themselves accept as already correct, so applying typo_apply to
 * its own (plain) output changes nothing.
 *
 * Only the text of the current run can be rewritten: a space that ended
 * the previous run was already emitted, so a mark that follows it keeps
 * the ordinary space (the state still prevents a wrong insertion).
 */
#include "typo.h"
#include "buf.h"
#include "bytescan.h"
#include "utf8.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * TYPO_PLAIN_SCAN, defined by the unit test that compiles this file a
 * second time beside the library's, leaves out the scan's shortcuts (the
 * letters sixteen at a time, the Latin-1 letters without decoding) so
 * that the test compares them with the byte-by-byte scan.
 */
#if BYTESCAN_SIMD && !defined(TYPO_PLAIN_SCAN)
#define TYPO_SIMD 1
#else
#define TYPO_SIMD 0
#endif

#define NBSP   0x00A0u
#define NNBSP  0x202Fu
#define LAQUO  0x00ABu
#define RAQUO  0x00BBu
#define RSQUO  0x2019u
#define HELLIP 0x2026u
#define LDQUO  0x201Cu
#define RDQUO  0x201Du
#define EURO   0x20ACu

/*
 * TEXT not yet emitted, which the rules may rewrite at its end. It lives
 * in the run's own bytes while it is short (nearly every text node), so a
 * call allocates nothing.
 */
struct pending {
	char *data;         /* local, or allocated once it outgrows it */
	size_t len, cap;
	char local[256];
};

/* One call of typo_apply: the input, the pending text and the sink. */
struct run {
	const char *s;
	size_t n;
	struct typo_state *st;
	struct pending out;
	typo_emit_fn emit;
	void *ctx;
	/*
	 * The last ordinal looked for (ordinal_at): at input offset ord_at
	 * (SIZE_MAX: none yet), found or not, its number and suffix. The
	 * scan looks before it hands a word start to step, which would look
	 * again at the same bytes.
	 */
	size_t ord_at, ord_num, ord_suf;
	int ord_found;
	/*
	 * typo_apply_inert: 1, and what the text not yet emitted holds that
	 * keeps it from being TYPO_INERT (D_ escaped or white bytes, D_LINES
	 * '\n's between two other bytes), found by the scan and by step
	 * where it writes one of them. typo_apply: 0.
	 */
	int inert;
	unsigned dirty;
};

enum { D_ESCAPE = 1, D_LINES = 2 };

/* The bytes that HTML escapes, and the ASCII white space (search_text.c's put_class). */
static const unsigned char watched[256] = {
	[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\f'] = 1, ['\v'] = 1,
	['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1,
};

/* ASCII white space, as search_text.c folds it. */
static inline int white_byte(unsigned char c)
{
	return c <= ' ' && watched[c];
}

/* Grows the pending text to hold n more bytes (pending_room's rare case). */
static __attribute__((noinline)) void pending_grow(struct pending *p, size_t n)
{
	size_t cap = p->cap * 2;
	while (cap < p->len + n)
		cap *= 2;
	if (p->data == p->local) {
		p->data = xmalloc(cap);
		memcpy(p->data, p->local, p->len);
	} else {
		p->data = xrealloc(p->data, cap);
	}
	p->cap = cap;
}

/* Room for n more bytes in the pending text: a test where there is (nearly always). */
static inline void pending_room(struct pending *p, size_t n)
{
	if (p->len + n > p->cap)
		pending_grow(p, n);
}

static void pending_put(struct pending *p, const char *s, size_t n)
{
	pending_room(p, n);
	memcpy(p->data + p->len, s, n);
	p->len += n;
}

int typo_is_word_char(uint32_t cp)
{
	if (cp < 0x80)
		return ascii_isalnum((int)cp);
	/* Latin-1 punctuation and symbols, except the letters ª µ º. */
	if (cp <= 0xBF)
		return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
	if (cp == 0xD7 || cp == 0xF7)
		return 0;
	if ((cp >= 0x2000 && cp <= 0x206F) ||   /* spaces, ’ “ ” – — … */
	    (cp >= 0x20A0 && cp <= 0x20CF) ||   /* currency: € */
	    (cp >= 0x2100 && cp <= 0x2BFF) ||   /* symbols, arrows, shapes */
	    (cp >= 0x2E00 && cp <= 0x2E7F) ||   /* supplemental punctuation */
	    (cp >= 0x3000 && cp <= 0x303F) ||   /* CJK punctuation */
	    (cp >= 0xFE10 && cp <= 0xFE6F) ||   /* vertical and small forms */
	    cp == 0xFEFF || cp == 0xFFFD ||
	    (cp >= 0x1F000 && cp <= 0x1FAFF))   /* emoji and pictographs */
		return 0;
	return 1;
}

static int is_letter(uint32_t cp)
{
	return typo_is_word_char(cp) && !(cp < 0x80 && ascii_isdigit((int)cp));
}

static int is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
	       cp == NBSP || cp == NNBSP || cp == 0x2009;
}

static int is_digit_cp(uint32_t cp)
{
	return cp < 0x80 && ascii_isdigit((int)cp);
}

/* What may stand right before a mark that gets an inserted space. */
static int is_closing(uint32_t cp)
{
	return typo_is_word_char(cp) || cp == RAQUO || cp == '"' ||
	       cp == 0x201D || cp == RSQUO || cp == '\'' || cp == ')' ||
	       cp == ']';
}

static uint32_t peek(const struct run *r, size_t i)
{
	uint32_t cp = 0;
	if (i < r->n)
		utf8_decode(r->s + i, r->n - i, &cp);
	return cp;
}

/* The code point ending at byte end of p, its start in *start; 0 if none. */
static inline uint32_t cp_before(const char *p, size_t end, size_t *start)
{
	size_t i = end;
	uint32_t cp = 0;
	if (end == 0) {
		*start = 0;
		return 0;
	}
	/* ASCII, most often (a letter, a space, a mark), without the decoder. */
	if ((unsigned char)p[end - 1] < 0x80) {
		*start = end - 1;
		return (unsigned char)p[end - 1];
	}
	while (i > 0 && end - i < 3 && ((unsigned char)p[i - 1] & 0xC0) == 0x80)
		i--;
	if (i > 0)
		i--;
	utf8_decode(p + i, end - i, &cp);
	*start = i;
	return cp;
}

/*
 * Writes cp. The callers that may write a watched byte (step's ' and
 * space) note it themselves: a test here would be paid at every mark.
 */
static void put_cp(struct run *r, uint32_t cp)
{
	pending_room(&r->out, 4);
	r->out.len += utf8_encode(cp, r->out.data + r->out.len);
	r->st->prev = cp;
}

static void put_raw(struct run *r, const char *p, size_t n)
{
	size_t start;
	if (n == 0)
		return;
	pending_put(&r->out, p, n);
	r->st->prev = cp_before(r->out.data, r->out.len, &start);
}

/* The kind of the text span about to be emitted; what it held is forgotten. */
static inline enum typo_span text_kind(struct run *r)
{
	enum typo_span kind = !r->inert || r->dirty & D_ESCAPE ? TYPO_TEXT
			      : r->dirty & D_LINES ? TYPO_INERT_LINES : TYPO_INERT;
	r->dirty = 0;
	return kind;
}

static void flush(struct run *r)
{
	if (r->out.len)
		r->emit(r->ctx, text_kind(r), r->out.data, r->out.len);
	r->out.len = 0;
}

/*
 * When the pending text ends with one of the code points in the
 * 0-terminated list `spaces`, drops it, restores prev to what came before
 * it, and returns 1. A space emitted by an earlier run cannot be dropped.
 */
static int drop_space(struct run *r, const uint32_t *spaces)
{
	size_t start, before;
	uint32_t last;
	if (r->out.len == 0)
		return 0;
	last = cp_before(r->out.data, r->out.len, &start);
	for (; *spaces; spaces++) {
		if (last != *spaces)
			continue;
		r->out.len = start;
		r->st->prev = cp_before(r->out.data, start, &before);
		return 1;
	}
	return 0;
}

/* The code point before the last one of the pending text (0 if none). */
static uint32_t prev2(const struct run *r)
{
	size_t start, before;
	if (r->out.len == 0)
		return 0;
	cp_before(r->out.data, r->out.len, &start);
	return cp_before(r->out.data, start, &before);
}

/*
 * Puts `space` before a mark that is about to be written at input offset
 * `next` (just after the mark). `replace` lists the spaces to turn into
 * `space`; `keep` is a space already good enough.
 */
static void space_before_mark(struct run *r, uint32_t space,
			      const uint32_t *replace, uint32_t keep,
			      size_t next)
{
	uint32_t prev = r->st->prev;
	if (prev == space || prev == keep)
		return;
	if (drop_space(r, replace)) {
		put_cp(r, space);
		return;
	}
	if (prev == 0 || !is_closing(prev))
		return;
	if (typo_is_word_char(peek(r, next)))
		return;
	put_cp(r, space);
}

/*
 * Does a straight double quote between prev and next open a quotation?
 * After a space, an opening bracket, a dash or an opening quote, or at
 * block start; not when a space follows it inside a quotation (« le mot " »).
 */
static int opens_quote(uint32_t prev, uint32_t next, int depth)
{
	int after_open = prev == 0 || is_space(prev) || prev == '(' || prev == '[' ||
			 prev == '{' || prev == LAQUO || prev == LDQUO || prev == '/' ||
			 prev == 0x2013 || prev == 0x2014 || prev == '-';
	if (!after_open)
		return 0;
	return !(depth > 0 && (next == 0 || is_space(next)));
}

/* Length of a URL starting at s[0..n), or 0. Runs to the next space. */
static size_t url_len(const char *s, size_t n)
{
	size_t i = 0;
	if (n >= 4 && (s[0] | 32) == 'w' && (s[1] | 32) == 'w' &&
	    (s[2] | 32) == 'w' && s[3] == '.') {
		i = 4;
	} else {
		if (n == 0 || !ascii_isalpha(s[0]))
			return 0;
		while (i < n && (ascii_isalnum(s[i]) || s[i] == '+' ||
				 s[i] == '-' || s[i] == '.'))
			i++;
		if (i + 3 > n || memcmp(s + i, "://", 3) != 0)
			return 0;
		i += 3;
	}
	while (i < n) {
		uint32_t cp;
		size_t l = utf8_decode(s + i, n - i, &cp);
		if (is_space(cp))
			break;
		i += l;
	}
	return i;
}

/* The characters of an e-mail address's local part: letters, digits, . _ % + -. */
static const unsigned char local_char[256] = {
	['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1,
	['.'] = 1, ['_'] = 1, ['%'] = 1, ['+'] = 1, ['-'] = 1,
};

static int is_local_char(int c)
{
	return local_char[(unsigned char)c];
}

/* Length of an e-mail address x@y.z starting at s[0..n), or 0. */
static size_t email_len(const char *s, size_t n)
{
	size_t i = 0, dots = 0, end = 0;
	while (i < n && is_local_char((unsigned char)s[i]))
		i++;
	if (i == 0 || i >= n || s[i] != '@')
		return 0;
	i++;
	/* Labels of letters, digits and hyphens joined by single dots. */
	for (;;) {
		size_t label = i;
		while (i < n && (ascii_isalnum(s[i]) || s[i] == '-'))
			i++;
		if (i == label)
			break;
		end = i;
		if (i + 1 < n && s[i] == '.' && ascii_isalnum(s[i + 1])) {
			dots++;
			i++;
			continue;
		}
		break;
	}
	return dots ? end : 0;
}

static int roman_value(char c)
{
	switch (c) {
	case 'I': return 1;
	case 'V': return 5;
	case 'X': return 10;
	case 'L': return 50;
	case 'C': return 100;
	case 'D': return 500;
	case 'M': return 1000;
	default: return 0;
	}
}

/*
 * 1 when s[0..n) is a canonical Roman numeral (what a number would be
 * written as: XIX, not IXX or XVV). Checked by re-encoding its value.
 */
static int roman_canonical(const char *s, size_t n)
{
	static const struct { int v; const char *r; size_t len; } t[] = {
		{1000, "M", 1}, {900, "CM", 2}, {500, "D", 1}, {400, "CD", 2}, {100, "C", 1},
		{90, "XC", 2}, {50, "L", 1}, {40, "XL", 2}, {10, "X", 1}, {9, "IX", 2},
		{5, "V", 1}, {4, "IV", 2}, {1, "I", 1},
	};
	char enc[32];
	size_t k = 0;
	int v = 0;
	if (n == 0 || n > 15)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int a = roman_value(s[i]);
		int b = i + 1 < n ? roman_value(s[i + 1]) : 0;
		v += a < b ? -a : a;
	}
	if (v <= 0 || v >= 4000)
		return 0;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		while (v >= t[i].v) {
			size_t l = t[i].len;
			if (k + l >= sizeof enc)
				return 0;
			memcpy(enc + k, t[i].r, l);
			k += l;
			v -= t[i].v;
		}
	}
	return k == n && memcmp(enc, s, n) == 0;
}

/* Bytes of an ordinal's number at s[0..n): digits, else Roman letters (*roman set); 0 if none. */
static inline size_t ordinal_number(const char *s, size_t n, int *roman)
{
	size_t i = 0;
	*roman = 0;
	while (i < n && ascii_isdigit(s[i]))
		i++;
	if (i == 0) {
		while (i < n && roman_value(s[i]))
			i++;
		*roman = i > 0;
	}
	return i;
}

/* Every suffix starts with è, e, n or r: most numbers and capitals stop at s[i]. */
static inline int suffix_may_start(const char *s, size_t n, size_t i)
{
	return i < n && (s[i] == 'e' || s[i] == 'n' || s[i] == 'r' || s[i] == '\xc3');
}

/*
 * Recognises an ordinal at s[0..n). Returns 1 and sets *num (bytes of the
 * number) and *suf (bytes of the letters) or returns 0.
 */
static int ordinal(const char *s, size_t n, size_t *num, size_t *suf)
{
#define SUF(text, only) {text, sizeof text - 1, only}
	static const struct { const char *s; size_t len; int only; } sufs[] = {
		/* longest first; only: 1 after "1"/"I" only, 2 after "2"/"II" only */
		SUF("\xc3\xa8me", 0), SUF("eme", 0), SUF("\xc3\xa8re", 1), SUF("nde", 2),
		SUF("er", 1), SUF("re", 1), SUF("nd", 2), SUF("e", 0),
	};
#undef SUF
	int roman;
	size_t i = ordinal_number(s, n, &roman);
	if (!i || !suffix_may_start(s, n, i))
		return 0;
	/* Single letters: C, D, L, M, V + e are words (Ce, De, Le, Me). */
	if (roman && (i == 1 ? !(s[0] == 'I' || s[0] == 'X') : !roman_canonical(s, i)))
		return 0;
	for (size_t k = 0; k < sizeof sufs / sizeof sufs[0]; k++) {
		size_t l = sufs[k].len;
		uint32_t after = 0;
		size_t j = 0;
		while (j < l && i + j < n && s[i + j] == sufs[k].s[j])
			j++;
		if (j < l)
			continue;
		if (sufs[k].only == 1 && !(i == 1 && s[0] == (roman ? 'I' : '1')))
			continue;
		if (sufs[k].only == 2 && !(roman ? i == 2 && !memcmp(s, "II", 2)
					   : i == 1 && s[0] == '2'))
			continue;
		if (i + l < n)
			utf8_decode(s + i + l, n - i - l, &after);
		if (typo_is_word_char(after))
			return 0;
		*num = i;
		*suf = l;
		return 1;
	}
	return 0;
}

/*
 * 0 when ordinal() cannot find one at s[0..n), from the checks it makes
 * first: its number (digits, or Roman letters) is followed by the first
 * byte of a suffix (e, è, n or r), and is I or X when one Roman letter.
 * Saves the call at most word starts, and for most numbers and
 * sigles (2016, DDCS), which go on but to no suffix.
 */
static inline int ordinal_may_start(const char *s, size_t n)
{
	int roman;
	size_t i = ordinal_number(s, n, &roman);
	if (!i || !suffix_may_start(s, n, i))
		return 0;
	return !roman || i > 1 || s[0] == 'I' || s[0] == 'X';
}

/* ordinal() at r's input offset i, remembered for the next call at the same offset. */
static int ordinal_at(struct run *r, size_t i, size_t *num, size_t *suf)
{
	if (r->ord_at != i) {
		const char *s = r->s + i;
		size_t n = r->n - i;
		r->ord_at = i;
		r->ord_found = ordinal_may_start(s, n) && ordinal(s, n, &r->ord_num, &r->ord_suf);
	}
	if (!r->ord_found)
		return 0;
	*num = r->ord_num;
	*suf = r->ord_suf;
	return 1;
}

/* Length of a unit (km², km, kg, m²) at s[0..n) that ends a word, or 0. */
static size_t unit_len(const char *s, size_t n)
{
	static const char *units[] = {"km\xc2\xb2", "km", "kg", "m\xc2\xb2"};
	for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
		size_t l = strlen(units[k]);
		uint32_t after = 0;
		if (l > n || memcmp(s, units[k], l) != 0)
			continue;
		if (l < n)
			utf8_decode(s + l, n - l, &after);
		if (!typo_is_word_char(after))
			return l;
	}
	return 0;
}

/*
 * At s, "h 30" of "9 h 30": the h alone after a number and a space, then
 * one space and two digits ending the word.
 */
static int time_h_minutes(const struct run *r, const char *s, size_t n)
{
	uint32_t prev = r->st->prev;
	if (!(prev == ' ' || prev == NBSP))
		return 0;
	uint32_t p2 = prev2(r);
	if (!(p2 < 0x80 && ascii_isdigit((int)p2)))
		return 0;
	if (n < 4 || s[1] != ' ' || !ascii_isdigit((unsigned char)s[2]) ||
	    !ascii_isdigit((unsigned char)s[3]))
		return 0;
	uint32_t after = 0;
	if (n > 4)
		utf8_decode(s + 4, n - 4, &after);
	return !typo_is_word_char(after);
}

/* Before % € or a unit: U+00A0 after a number, replacing a plain space. */
static void space_before_unit(struct run *r)
{
	static const uint32_t plain[] = {' ', 0};
	uint32_t prev = r->st->prev;
	if (prev < 0x80 && ascii_isdigit((int)prev)) {
		put_cp(r, NBSP);
		return;
	}
	if (prev == ' ') {
		uint32_t p2 = prev2(r);
		if (p2 < 0x80 && ascii_isdigit((int)p2) && drop_space(r, plain))
			put_cp(r, NBSP);
	}
}

/* Handles the token at input offset i; returns the offset after it. */
static size_t step(struct run *r, size_t i)
{
	static const uint32_t thin_replace[] = {' ', NBSP, 0};
	static const uint32_t colon_replace[] = {' ', 0};
	const char *s = r->s + i;
	size_t n = r->n - i, k, num, suf;
	uint32_t cp, prev = r->st->prev;
	size_t l = utf8_decode(s, n, &cp);

	if (prev == LAQUO && !is_space(cp))
		put_cp(r, NNBSP);
	prev = r->st->prev;

	/*
	 * A URL, an e-mail address and an ordinal all start with a local
	 * character of an address (a letter or digit for the first and last):
	 * the rules' other bytes (; ! ? « the spaces) need none of the three.
	 */
	if (is_local_char(s[0]) && !typo_is_word_char(prev)) {
		if ((k = url_len(s, n)) || (k = email_len(s, n))) {
			/* A URL or an address may hold & or ' (typo_apply_inert). */
			for (size_t j = 0; j < k; j++)
				r->dirty |= watched[(unsigned char)s[j]];
			put_raw(r, s, k);
			return i + k;
		}
		/* 1,5e or 2.3e: the digits after a decimal mark are no ordinal. */
		if (ordinal_at(r, i, &num, &suf) &&
		    !((prev == ',' || prev == '.') && is_digit_cp(prev2(r)))) {
			put_raw(r, s, num);
			flush(r);
			r->emit(r->ctx, TYPO_SUPERSCRIPT, s + num, suf);
			r->st->prev = cp_before(s, num + suf, &k);
			return i + num + suf;
		}
	}

	switch (cp) {
	case ';':
	case '!':
	case '?':
		if (prev != ';' && prev != '!' && prev != '?')
			space_before_mark(r, NNBSP, thin_replace, 0, i + l);
		put_cp(r, cp);
		return i + l;
	case ':': {
		uint32_t next = peek(r, i + l);
		if (!(typo_is_word_char(next) || next == '/'))
			space_before_mark(r, NBSP, colon_replace, NNBSP, i + l);
		put_cp(r, cp);
		return i + l;
	}
	case LAQUO:
		r->st->in_quote++;
		put_cp(r, cp);
		return i + l;
	case '"':
		if (opens_quote(prev, peek(r, i + l), r->st->in_quote)) {
			put_cp(r, r->st->in_quote ? LDQUO : LAQUO);
			r->st->in_quote++;
			return i + l;
		}
		if (r->st->in_quote > 1) {
			put_cp(r, RDQUO);
			r->st->in_quote--;
			return i + l;
		}
		cp = RAQUO;
		__attribute__((fallthrough)); /* a closing guillemet */
	case RAQUO:
		/* A space left by an earlier run stays: no second space. */
		if (prev != NNBSP && prev != 0 &&
		    (drop_space(r, thin_replace) || !is_space(prev)))
			put_cp(r, NNBSP);
		r->st->in_quote = 0;
		put_cp(r, cp);
		return i + l;
	case '%':
	case EURO:
		space_before_unit(r);
		put_cp(r, cp);
		return i + l;
	case '\'': {
		uint32_t next = peek(r, i + l);
		int digits = prev < 0x80 && ascii_isdigit((int)prev) &&
			     next < 0x80 && ascii_isdigit((int)next);
		uint32_t q = !digits && (is_letter(prev) || is_letter(next)) ? RSQUO : '\'';
		if (q == '\'')
			r->dirty |= D_ESCAPE;
		put_cp(r, q);
		return i + l;
	}
	case '.':
		if (prev != '.' && n >= 3 && s[1] == '.' && s[2] == '.' &&
		    (n == 3 || s[3] != '.')) {
			put_cp(r, HELLIP);
			return i + 3;
		}
		put_cp(r, cp);
		return i + l;
	case ' ':
	case NBSP:
		if (prev != LAQUO && cp == ' ')
			r->dirty |= D_ESCAPE;   /* white space step writes: not inert */
		put_cp(r, prev == LAQUO ? NNBSP : cp);
		return i + l;
	case 'h':
		if (time_h_minutes(r, s, n)) {
			space_before_unit(r);
			put_cp(r, 'h');
			put_cp(r, NBSP);
			return i + 2;
		}
		break;
	case 'k':
	case 'm':
		if ((k = unit_len(s, n))) {
			space_before_unit(r);
			put_raw(r, s, k);
			return i + k;
		}
		break;
	default:
		break;
	}
	/* Invalid bytes are copied as they are (the input was validated). */
	r->dirty |= watched[(unsigned char)s[0]];   /* after «: & or white space */
	put_raw(r, s, l);
	return i + l;
}

/*
 * What the rules may do at a byte, for typo_apply's scan. Only the bytes
 * of a rule go through step; runs of the others are copied in one piece.
 * A letter or digit matters only where a word starts (URL, e-mail address,
 * ordinal, unit, the h of 9 h 30), k and m also after a digit (10km).
 */
enum byte_class {
	B_PLAIN = 0, /* ASCII that no rule looks at: most punctuation, @ */
	B_WATCH,     /* as B_PLAIN, but HTML escapes it or it is white space (watched) */
	B_LETTER,    /* an ASCII letter without a rule of its own */
	B_ROMAN,     /* I V X L C D M: a Roman ordinal */
	B_W,         /* w W: www. */
	B_KM,        /* k m: km, km², kg, m² */
	B_H,         /* h: 9 h 30 */
	B_DIGIT,
	B_DOT,       /* . : an ellipsis, or an e-mail address */
	B_LOCAL,     /* _ + - : an e-mail address */
	B_RULE,      /* ; ! ? : " ' %: always through step */
	B_LEAD2,     /* first byte of a 2-, 3- or 4-byte sequence */
	B_LEAD3,
	B_LEAD4,
	B_BAD        /* never the first byte of a valid sequence: step copies it */
};

static const unsigned char byte_class[256] = {
	['a' ... 'g'] = B_LETTER, ['h'] = B_H, ['i' ... 'j'] = B_LETTER,
	['k'] = B_KM, ['l'] = B_LETTER, ['m'] = B_KM, ['n' ... 'v'] = B_LETTER,
	['w'] = B_W, ['x' ... 'z'] = B_LETTER,
	['A' ... 'B'] = B_LETTER, ['C' ... 'D'] = B_ROMAN, ['E' ... 'H'] = B_LETTER,
	['I'] = B_ROMAN, ['J' ... 'K'] = B_LETTER, ['L' ... 'M'] = B_ROMAN,
	['N' ... 'U'] = B_LETTER, ['V'] = B_ROMAN, ['W'] = B_W, ['X'] = B_ROMAN,
	['Y' ... 'Z'] = B_LETTER,
	['0' ... '9'] = B_DIGIT,
	['.'] = B_DOT,
	['_'] = B_LOCAL, ['+'] = B_LOCAL, ['-'] = B_LOCAL,
	[';'] = B_RULE, ['!'] = B_RULE, ['?'] = B_RULE, [':'] = B_RULE,
	['"'] = B_RULE, ['\''] = B_RULE, ['%'] = B_RULE,
	[' '] = B_WATCH, ['\t'] = B_WATCH, ['\n'] = B_WATCH, ['\r'] = B_WATCH,
	['\f'] = B_WATCH, ['\v'] = B_WATCH, ['&'] = B_WATCH, ['<'] = B_WATCH, ['>'] = B_WATCH,
	[0x80 ... 0xC1] = B_BAD,
	[0xC2 ... 0xDF] = B_LEAD2,
	[0xE0 ... 0xEF] = B_LEAD3,
	[0xF0 ... 0xF4] = B_LEAD4,
	[0xF5 ... 0xFF] = B_BAD,
};

/* ASCII letters: inside a word, no rule looks at them (but k and m after a digit). */
static int letter_byte(unsigned char c)
{
	return (unsigned)(byte_class[c] - B_LETTER) <= B_H - B_LETTER;
}

/*
 * 1 when step may find an e-mail address or a URL with a scheme at s[i]:
 * the run of local characters from i ends at an '@', or at "://" (a
 * scheme is made of local characters). www. is looked for on its own.
 */
static inline int may_be_address(const char *s, size_t n, size_t i)
{
	while (i < n && is_local_char((unsigned char)s[i]))
		i++;
	return i < n && (s[i] == '@' || (s[i] == ':' && i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/'));
}

/* 1 when step may find an ordinal at r's input offset i (step finds it there again without a second look). */
static int may_be_ordinal(struct run *r, size_t i)
{
	size_t num, suf;
	return ordinal_at(r, i, &num, &suf);
}

/*
 * 0 when no ordinal starts at the Roman capital s[0] (n >= 1), as
 * ordinal_may_start would say, from its next byte alone: one Roman letter
 * is an ordinal's number only as I or X, and then only before the first
 * byte of a suffix. Most capitals that start a word (Le, La, Des, Ce, Il,
 * Mais) stop here, without the call.
 */
static inline int roman_may_start(const char *s, size_t n)
{
#ifndef TYPO_PLAIN_SCAN
	if (n < 2 || byte_class[(unsigned char)s[1]] != B_ROMAN)
		return (s[0] == 'I' || s[0] == 'X') && suffix_may_start(s, n, 1);
#else
	(void)s;
	(void)n;
#endif
	return 1;
}

/*
 * 0 when no ordinal starts at the digit s[0], as ordinal_may_start would
 * say: its digits are followed by the first byte of a suffix. Most
 * numbers (2016, 10, 3,5) stop here, without the call.
 */
static inline int digits_may_start(const char *s, size_t n)
{
#ifndef TYPO_PLAIN_SCAN
	size_t i = 1;
	while (i < n && ascii_isdigit(s[i]))
		i++;
	return suffix_may_start(s, n, i);
#else
	(void)s;
	(void)n;
	return 1;
#endif
}

/* 1 when step may find a unit at s[0..n) (a k or an m). */
static int may_be_unit(const char *s, size_t n)
{
	if (n < 2 || !(s[1] == 'm' || s[1] == 'g' || s[1] == '\xc2'))
		return 0;
	return unit_len(s, n) != 0;
}

static int www_at(const char *s, size_t n)
{
	return n >= 4 && (s[0] | 32) == 'w' && (s[1] | 32) == 'w' &&
	       (s[2] | 32) == 'w' && s[3] == '.';
}

/* What the previous code point means for the bytes that follow. */
enum scan_state {
	S_APART,   /* not part of a word: a word may start here */
	S_WORD,    /* a letter (or another word character) */
	S_NUMBER,  /* an ASCII digit: k or m may start a unit */
	S_LAQUO    /* «: the next code point goes through step */
};

static enum scan_state state_after(uint32_t prev)
{
	if (prev < 0x80)
		return ascii_isdigit((int)prev) ? S_NUMBER
		       : ascii_isalpha((int)prev) ? S_WORD : S_APART;
	if (prev == LAQUO)
		return S_LAQUO;
	return typo_is_word_char(prev) ? S_WORD : S_APART;
}

/* The last code point of s[0..end), valid UTF-8 that the scan went over. */
static uint32_t last_cp(const char *s, size_t end)
{
	size_t start;
	unsigned char c = (unsigned char)s[end - 1];
	return c < 0x80 ? c : cp_before(s, end, &start);
}

/* Where the ASCII letters from s[i] end. */
static inline __attribute__((always_inline)) size_t letters_end(const char *s, size_t n, size_t i)
{
#if TYPO_SIMD
	/* A word's letters found sixteen (or eight) at a time: one test for most words. */
	for (; n - i >= 16; i += 16) {
		unsigned other = ~bytescan_alpha(bytescan_load16(s + i)) & 0xFFFFu;
		if (other)
			return i + (unsigned)__builtin_ctz(other);
	}
	if (n - i >= 8) {
		unsigned other = ~bytescan_alpha(bytescan_load8(s + i)) & 0xFFu;
		if (other)
			return i + (unsigned)__builtin_ctz(other);
		i += 8;
	}
	if (i < n && n >= 8) {
		/* The last few: the eight bytes that end the text, those before i masked off. */
		size_t base = n - 8;
		unsigned other = ~bytescan_alpha(bytescan_load8(s + base)) & 0xFFu &
				 ~bytescan_all((unsigned)(i - base));
		return other ? base + (unsigned)__builtin_ctz(other) : n;
	}
#endif
	while (i < n && letter_byte((unsigned char)s[i]))
		i++;
	return i;
}

/*
 * s[i] ends a run of ASCII letters: where the word's letters that no
 * rule looks at end, with the Latin-1 letters (é è à ç ô…: U+00C0-U+00FF
 * but × and ÷) and the ASCII letters after them.
 */
static size_t letters_after(const char *s, size_t n, size_t i)
{
	while (i + 1 < n && s[i] == '\xc3' && ((unsigned char)s[i + 1] & 0xC0) == 0x80 &&
	       s[i + 1] != '\x97' && s[i + 1] != '\xb7')
		i = letters_end(s, n, i + 2);
	return i;
}

/*
 * typo_apply, and typo_apply_inert when inert. Either way the scan notes,
 * at the bytes it dispatches one by one, what keeps the text from being
 * TYPO_INERT (the bytes it goes over without looking one by one are
 * letters, and spaces between letters): a few instructions at a space,
 * where a test of inert would cost as much. One function for both, so
 * that step and the scan's helpers keep their one caller and are inlined
 * into it (two copies of the scan called them, +5 M at c1000).
 */
static void apply(const char *s, size_t n, struct typo_state *st, typo_emit_fn emit,
		  void *ctx, int inert)
{
	struct run r;   /* not zeroed: out.local is written before it is read */
	r.inert = inert;
	r.dirty = 0;
	r.s = s;
	r.n = n;
	r.st = st;
	r.emit = emit;
	r.ctx = ctx;
	r.out.data = r.out.local;
	r.out.len = 0;
	r.out.cap = sizeof r.out.local;
	r.ord_at = SIZE_MAX;
	/*
	 * s[from..i) goes out unchanged and is appended to r.out in one
	 * piece; s[scan..i) was gone over without step, so st->prev is its
	 * last code point when scan < i.
	 */
	size_t i = 0, from = 0, scan = 0;
	enum scan_state state = state_after(st->prev);
	/* After «, the next code point goes through step (here and after each step, not per byte). */
	if (state == S_LAQUO && n)
		goto rule;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		switch ((enum byte_class)byte_class[c]) {
		case B_PLAIN:
			i++;
			state = S_APART;
			continue;
		case B_WATCH:
			/*
			 * A space alone (a first one is the emitter's to fold), a
			 * '\n' between two bytes that are not white (put_lines's
			 * breaks): the output has the same white beside them, as
			 * step writes none and drops none there. Anything else:
			 * TYPO_TEXT.
			 */
			if (c == ' ') {
				if (i + 1 < n && white_byte((unsigned char)s[i + 1]))
					r.dirty |= D_ESCAPE;
			} else if (c == '\n' && i > 0 && i + 1 < n &&
				   !white_byte((unsigned char)s[i - 1]) &&
				   !white_byte((unsigned char)s[i + 1])) {
				r.dirty |= D_LINES;
			} else {
				r.dirty |= D_ESCAPE;
			}
			i++;
			state = S_APART;
			continue;
		case B_LETTER:
			break;
		case B_ROMAN:
			if (state == S_APART && roman_may_start(s + i, n - i) &&
			    may_be_ordinal(&r, i))
				goto rule;
			break;
		case B_W:
			if (state == S_APART && www_at(s + i, n - i))
				goto rule;
			break;
		case B_KM:
			if (state == S_NUMBER || (state == S_APART && may_be_unit(s + i, n - i)))
				goto rule;
			break;
		case B_H:
			if (state == S_APART && i + 1 < n && s[i + 1] == ' ')
				goto rule;
			break;
		case B_DIGIT:
			if (state == S_APART && ((digits_may_start(s + i, n - i) &&
						  may_be_ordinal(&r, i)) ||
						 may_be_address(s, n, i)))
				goto rule;
			i++;
			state = S_NUMBER;
			continue;
		case B_DOT:
		case B_LOCAL:
			if ((c == '.' && i + 1 < n && s[i + 1] == '.') ||
			    (state == S_APART && may_be_address(s, n, i)))
				goto rule;
			i++;
			state = S_APART;
			continue;
		case B_LEAD2:
#ifndef TYPO_PLAIN_SCAN
			/* U+00C0-U+00FF, the Latin-1 letters (é è à ç…) but × and ÷: as below, without decoding. */
			if (c == 0xC3 && i + 1 < n && ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
				state = s[i + 1] == '\x97' || s[i + 1] == '\xb7' ? S_APART : S_WORD;
				i += 2;
				continue;
			}
#endif
			__attribute__((fallthrough));
		case B_LEAD3:
		case B_LEAD4: {
			uint32_t cp;
			size_t l = utf8_decode(s + i, n - i, &cp);
			if ((l == 1 && cp == 0xFFFD) || cp == LAQUO || cp == RAQUO || cp == EURO)
				goto rule;
			i += l;
			state = typo_is_word_char(cp) ? S_WORD : S_APART;
			continue;
		}
		case B_RULE:
#ifndef TYPO_PLAIN_SCAN
			/*
			 * The commonest rule, an apostrophe after an ASCII letter
			 * (l'action, aujourd'hui): ’ whatever follows, as step
			 * writes it, without its decoding and dispatch.
			 */
			if (c == '\'' && i > scan && ascii_isalpha((unsigned char)s[i - 1])) {
				pending_put(&r.out, s + from, i - from);
				pending_put(&r.out, "\xe2\x80\x99", 3);
				st->prev = RSQUO;
				from = scan = ++i;
				state = S_APART;
				continue;
			}
#endif
			goto rule;
		case B_BAD:
			goto rule;
		}
		/* A letter: the rest of the word's letters go through as they are. */
		for (;;) {
			size_t end = letters_end(s, n, i + 1);
			if (end < n && s[end] == ' ') {
				/* The commonest end: no address ends at a space, no Latin-1 letter follows. */
				i = end;
				state = S_WORD;
#ifndef TYPO_PLAIN_SCAN
				/* As below. */
				if (n - end >= 2 && byte_class[(unsigned char)s[end + 1]] == B_LETTER) {
					i = end + 1;
					state = S_APART;
					continue;
				}
#endif
				break;
			}
			/* At a word start, an address ends the word's ASCII letters. */
			if (state == S_APART && end < n && (unsigned char)s[end] < 0x80 &&
			    may_be_address(s, n, end))
				goto rule;
			i = letters_after(s, n, end);
			state = S_WORD;
#ifndef TYPO_PLAIN_SCAN
			/*
			 * A space, then a word whose first letter has no rule of
			 * its own: the loop's two turns for them, without its
			 * dispatch (most words of prose).
			 */
			if (n - i < 2 || s[i] != ' ' || byte_class[(unsigned char)s[i + 1]] != B_LETTER)
				break;
			i++;
			state = S_APART;
#else
			break;
#endif
		}
		continue;
	rule:
		/* step rewrites the end of the pending text: it must hold everything before i. */
		if (i > from)
			pending_put(&r.out, s + from, i - from);
		if (i > scan)
			st->prev = last_cp(s, i);
		i = step(&r, i);
		from = scan = i;
		state = state_after(st->prev);
		if (state == S_LAQUO && i < n)
			goto rule;
	}
	if (n > scan)
		st->prev = last_cp(s, n);
	if (r.out.len == 0) {
		/* Nothing rewritten since the last span: the rest goes out from the input. */
		if (n > from)
			emit(ctx, text_kind(&r), s + from, n - from);
	} else {
		pending_put(&r.out, s + from, n - from);
		flush(&r);
	}
	if (r.out.data != r.out.local)
		free(r.out.data);
}

void typo_apply(const char *s, size_t n, struct typo_state *st,
		typo_emit_fn emit, void *ctx)
{
	apply(s, n, st, emit, ctx, 0);
}

void typo_apply_inert(const char *s, size_t n, struct typo_state *st,
		      typo_emit_fn emit, void *ctx)
{
	apply(s, n, st, emit, ctx, 1);
}

static void plain_emit(void *ctx, enum typo_span kind, const char *s, size_t n)
{
	(void)kind;
	buf_put(ctx, s, n);
}

void typo_plain_put(const char *s, size_t n, struct buf *out)
{
	struct typo_state st = TYPO_STATE_INIT;
	typo_apply(s, n, &st, plain_emit, out);
}

char *typo_plain(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	typo_plain_put(s, n, &b);
	return buf_detach(&b);
}
