/*
 * French typography on plain text runs (never on code, URLs, attributes or
 * raw HTML: the renderers call it only on text nodes).
 *
 *  - U+202F NARROW NO-BREAK SPACE before ; ! ? and inside « » (replacing a
 *    plain space, or inserted when there is none);
 *  - U+00A0 NO-BREAK SPACE before : and between a number and %, €, km,
 *    km², kg or m² (« 42 % »; « 4000 ans », « 10 h » are left alone);
 *  - ' → ’, ... → …;
 *  - ordinals get their letters as a superscript span: 13e, 1er, 1re, 2nd,
 *    2nde, XIXe, XXIème (the letters as written), n° stays text;
 *  - left alone: times (10:55), URLs (scheme://..., www.), e-mail
 *    addresses, ratios and numbers (3:2, 1.5), emoticons are not special.
 *
 * The output is given as a sequence of spans through a callback, so the
 * HTML renderer can escape text and wrap superscripts in <sup>, and the
 * PDF renderer can build Pango markup, from the same rules.
 */
#ifndef FICHES_TYPO_H
#define FICHES_TYPO_H

#include <stddef.h>
#include <stdint.h>

enum typo_span {
	TYPO_TEXT,        /* ordinary text (UTF-8) */
	TYPO_SUPERSCRIPT, /* the letters of an ordinal: "e", "er", "re", "ème" */
	/*
	 * Text, from typo_apply_inert only: no byte that HTML escapes
	 * (& < > " '), and of the ASCII white space only single spaces, none
	 * beside another white byte; TYPO_INERT_LINES may hold '\n's too, each
	 * between two bytes that are not white (the first one of the span may
	 * follow the text before it, a superscript's letters). An HTML writer
	 * copies it as it is, and so does a writer that folds white space
	 * (search_text.h), but for a first space and the '\n's.
	 */
	TYPO_INERT,
	TYPO_INERT_LINES
};

/* Carries context from one text run to the next within a block. */
struct typo_state {
	uint32_t prev;     /* last code point emitted, 0 at block start */
	int in_quote;      /* quotations open: 1 inside « », 2 inside “ ” within them */
};

#define TYPO_STATE_INIT {0, 0}

typedef void (*typo_emit_fn)(void *ctx, enum typo_span kind,
			     const char *s, size_t n);

/*
 * Applies the rules to s[0..n) (valid UTF-8), calling emit for each span in
 * order. st is updated so the next run of the same paragraph continues
 * correctly (a « ! » after an emphasised word gets its thin space).
 */
void typo_apply(const char *s, size_t n, struct typo_state *st,
		typo_emit_fn emit, void *ctx);

/*
 * As typo_apply, with the text spans whose bytes need no escaping given
 * as TYPO_INERT or TYPO_INERT_LINES (see above) instead of TYPO_TEXT: the
 * scan has seen every byte, so the emitter need not look at them again.
 */
void typo_apply_inert(const char *s, size_t n, struct typo_state *st,
		      typo_emit_fn emit, void *ctx);

/* Convenience: the typographic text with superscripts dropped to plain text. Caller frees. */
char *typo_plain(const char *s, size_t n);

struct buf;
/* What typo_plain(s, n) returns, appended to out (no allocation of its own). */
void typo_plain_put(const char *s, size_t n, struct buf *out);

/*
 * 1 when cp counts as part of a word for French text (ordinals, sigles):
 * ASCII letters and digits, and every non-ASCII code point except spaces,
 * punctuation (’ « » – …) and symbols (€ ° ²). Shared with glossary.c so
 * both agree on word boundaries.
 */
int typo_is_word_char(uint32_t cp);

#endif
