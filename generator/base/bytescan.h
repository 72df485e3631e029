/*
 * Byte classes sixteen (or eight) bytes at a time, for the scanners that
 * look for the next byte of a small set in text: HTML escaping, the
 * search text, the sigle lookup, the typography's plain stretches.
 *
 * Each helper gives a bit mask, bit k for byte k of the block, so callers
 * combine classes with & | ~ and find the first with __builtin_ctz. The
 * block is loaded whole (16 bytes) or in its low half (8 bytes, the
 * upper ones zero: callers mask them off with bytescan_all(8)), so the
 * loads never read past the text. SSE2 is part of x86-64; elsewhere
 * BYTESCAN_SIMD is 0 and callers keep their byte loops.
 */
#ifndef FICHES_BYTESCAN_H
#define FICHES_BYTESCAN_H

#include <stddef.h>

#ifdef __SSE2__
#include <emmintrin.h>
#define BYTESCAN_SIMD 1

typedef __m128i bytescan_v;

/* Sixteen bytes at p. */
static inline bytescan_v bytescan_load16(const char *p)
{
	return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/* Eight bytes at p, the upper eight zero. */
static inline bytescan_v bytescan_load8(const char *p)
{
	return _mm_loadl_epi64((const __m128i *)(const void *)p);
}

/* The eight bytes of x as the low half of a block (memory order on x86), the upper eight zero. */
static inline bytescan_v bytescan_from64(unsigned long long x)
{
	return _mm_cvtsi64_si128((long long)x);
}

/* Stores the sixteen bytes of v at p (the caller has room for them). */
static inline void bytescan_store16(char *p, bytescan_v v)
{
	_mm_storeu_si128((__m128i *)(void *)p, v);
}

/* The bits of a block of width bytes (8 or 16). */
static inline unsigned bytescan_all(unsigned width)
{
	return (1u << width) - 1;
}

static inline unsigned bytescan_mask(bytescan_v m)
{
	return (unsigned)_mm_movemask_epi8(m);
}

/* Bytes equal to c. */
static inline unsigned bytescan_eq(bytescan_v v, unsigned char c)
{
	return bytescan_mask(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)c)));
}

/* Bytes in [lo, hi] (unsigned). */
static inline unsigned bytescan_range(bytescan_v v, unsigned char lo, unsigned char hi)
{
	__m128i d = _mm_sub_epi8(v, _mm_set1_epi8((char)lo));
	/* d <= hi - lo, unsigned: min(d, hi - lo) is d. */
	return bytescan_mask(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8((char)(hi - lo))), d));
}

/*
 * Bytes in [lo, lo + span] (unsigned), lo and span given as blocks of
 * sixteen copies (loaded once, not broadcast again at each block by a
 * loop whose calls clobber every vector register).
 */
static inline unsigned bytescan_in_span(bytescan_v v, bytescan_v lo, bytescan_v span)
{
	__m128i d = _mm_sub_epi8(v, lo);
	return bytescan_mask(_mm_cmpeq_epi8(_mm_min_epu8(d, span), d));
}

/*
 * The _v helpers give the class as a block (0xFF per byte in it), for
 * callers that join classes with bytescan_or before one bytescan_mask.
 */
static inline bytescan_v bytescan_or(bytescan_v a, bytescan_v b)
{
	return _mm_or_si128(a, b);
}

/* Bytes at or below c (unsigned): control characters and white space for c = ' '. */
static inline bytescan_v bytescan_le_v(bytescan_v v, unsigned char c)
{
	return _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8((char)c)), v);
}

static inline unsigned bytescan_le(bytescan_v v, unsigned char c)
{
	return bytescan_mask(bytescan_le_v(v, c));
}

/* ASCII letters, either case. */
static inline unsigned bytescan_alpha(bytescan_v v)
{
	return bytescan_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z');
}

/* The bytes HTML escaping replaces: & < > " '. */
static inline bytescan_v bytescan_html_v(bytescan_v v)
{
	__m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('&')),
				   _mm_cmpeq_epi8(v, _mm_set1_epi8('<')));
	hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8('>')));
	hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
	return _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8('\'')));
}

static inline unsigned bytescan_html(bytescan_v v)
{
	return bytescan_mask(bytescan_html_v(v));
}

/* Byte k + 1 of the block at byte k (zero at the last). */
static inline bytescan_v bytescan_next(bytescan_v v)
{
	return _mm_srli_si128(v, 1);
}
#else
#define BYTESCAN_SIMD 0
#endif

/* The first byte of s[i..n) that HTML escaping replaces (& < > " '), or n. */
static inline size_t bytescan_next_html(const char *s, size_t n, size_t i)
{
#if BYTESCAN_SIMD
	for (; n - i >= 16; i += 16) {
		unsigned mask = bytescan_html(bytescan_load16(s + i));
		if (mask)
			return i + (size_t)__builtin_ctz(mask);
	}
	if (n - i >= 8) {
		unsigned mask = bytescan_html(bytescan_load8(s + i)) & bytescan_all(8);
		if (mask)
			return i + (size_t)__builtin_ctz(mask);
		i += 8;
	}
#endif
	for (; i < n; i++)
		if (s[i] == '&' || s[i] == '<' || s[i] == '>' || s[i] == '"' || s[i] == '\'')
			return i;
	return n;
}

#endif
