/*
 * The numbers Cairo writes into a PDF, formatted here; see cairo_numbers.h.
 *
 * Cairo 1.16 writes every number of a page's content stream (glyph
 * positions, matrices, colours, paths) through _cairo_dtostr, which calls
 * snprintf with "%f" (and, below 0.1, "%.18f" then "%.*f" to count the
 * leading zeros), and every integer through snprintf ("%d", glyph codes
 * "%04x", string escapes "%03o", offsets "%010ld"...). Debian
 * builds Cairo with _FORTIFY_SOURCE, so these are calls to glibc's
 * __snprintf_chk, through Cairo's PLT; in the complete guide they were
 * 0.30 G instructions of the main thread (2 400 a number below 0.1), a
 * tenth of it, on the critical path after the layout.
 *
 * This definition of __snprintf_chk takes the place of glibc's for the
 * libraries that call it. It formats the few conversions Cairo uses,
 * exactly as glibc does: the integers "%[0][width|*][l]{d,u,o,x,X}", and
 * "%f", "%.18f", "%.*f" of a finite
 * double with 0 to 18 decimals, rounded from the double's exact binary
 * value, half to even (glibc's rounding in the default mode), with the
 * sign of a negative value even when it rounds to zero. Anything else
 * (another format, a precision above 18, a value of 2^63 or more, NaN, a
 * decimal point other than '.') goes to glibc's __vsnprintf_chk, which
 * also does the checks of a fortified call. So the bytes are glibc's; a
 * program whose libraries do not reach this definition
 * (tests/replacements/unreached.ver) writes the same PDFs, more slowly.
 */
#include "cairo_numbers.h"
#include "cairo_probe.h"

#include <langinfo.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* glibc's own checking functions (debug/), which the fallback calls. */
extern int __vsnprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, va_list ap);
extern void __chk_fail(void) __attribute__((noreturn));
int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...);

static atomic_ulong reached; /* numbers formatted here */

static const uint64_t pow10[19] = {
	1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull, 100000000ull,
	1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull, 10000000000000ull,
	100000000000000ull, 1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
	1000000000000000000ull,
};

/* Writes v's decimal digits at the end of the 24 bytes before `end`; returns their start. */
static char *digits_before(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

/*
 * d with `prec` decimals into out (at least 48 bytes), as glibc's "%.*f"
 * writes it; its length, or -1 when glibc is left to do it.
 */
static int fixed(char *out, double d, int prec)
{
	if (prec < 0 || prec > 18)
		return -1;
	uint64_t bits;
	memcpy(&bits, &d, sizeof bits);
	int neg = (int)(bits >> 63);
	int biased = (int)(bits >> 52 & 0x7ff);
	uint64_t m = bits & ((1ull << 52) - 1);
	if (biased == 0x7ff)
		return -1; /* infinite or NaN */
	int e;
	if (biased == 0) {
		e = -1074; /* subnormal */
	} else {
		m |= 1ull << 52;
		e = biased - 1075;
	}
	/* |d| = m * 2^e exactly; ip, fp: |d| rounded to prec decimals. */
	uint64_t ip, fp = 0;
	if (m == 0) {
		ip = 0;
	} else if (e >= 0) {
		if (e > 10)
			return -1; /* 2^63 or more */
		ip = m << e;
	} else {
		unsigned s = (unsigned)-e;
		unsigned __int128 n = (unsigned __int128)m * pow10[prec]; /* below 2^113 */
		unsigned __int128 q = 0;
		if (s < 128) {
			q = n >> s;
			unsigned __int128 r = n - (q << s), half = (unsigned __int128)1 << (s - 1);
			if (r > half || (r == half && (q & 1)))
				q++;
		} /* else n / 2^s is below 2^-15: rounds to 0 */
		ip = (uint64_t)(q / pow10[prec]);
		fp = (uint64_t)(q % pow10[prec]);
	}
	char tmp[48], *end = tmp + sizeof tmp, *p = end;
	if (prec > 0) {
		for (int i = 0; i < prec; i++) {
			*--p = (char)('0' + fp % 10);
			fp /= 10;
		}
		*--p = '.';
	}
	p = digits_before(p, ip);
	if (neg)
		*--p = '-';
	int len = (int)(end - p);
	memcpy(out, p, (size_t)len);
	return len;
}

/*
 * An integer conversion "%[0][width|*][l]{d,u,o,x,X}" of fmt (just past its
 * '%', the whole format) into out (at least 48 bytes), as glibc writes it:
 * the sign first, then zeros up to the width with the flag 0, else spaces
 * before. Cairo's output streams format integers this way ("%d", "%ld",
 * "%04x" glyph codes, "%0*x", "%03o" string escapes, "%010ld" offsets).
 * Its length, or -1 when glibc is left to do it (another format, a width
 * above 40 or negative); then nothing is taken from ap.
 */
static int integer(char *out, const char *fmt, va_list *ap)
{
	if (fmt[0] == 'd' && fmt[1] == '\0') {
		/* "%d", the most frequent: four in ten of Cairo's calls. */
		int v = va_arg(*ap, int);
		char tmp[24], *end = tmp + sizeof tmp;
		char *p = digits_before(end, v < 0 ? (uint64_t)0 - (uint64_t)(int64_t)v : (uint64_t)v);
		if (v < 0)
			*--p = '-';
		int len = (int)(end - p);
		memcpy(out, p, (size_t)len);
		return len;
	}
	const char *f = fmt;
	int zero = *f == '0';
	f += zero;
	int width = 0, star = *f == '*';
	if (star) {
		f++;
	} else {
		while (*f >= '0' && *f <= '9' && width <= 40)
			width = width * 10 + (*f++ - '0');
		if (width > 40)
			return -1;
	}
	int lng = *f == 'l';
	f += lng;
	char conv = *f;
	if ((conv != 'd' && conv != 'u' && conv != 'o' && conv != 'x' && conv != 'X') || f[1] != '\0')
		return -1;
	if (star) {
		/* A copy: when the width is refused, glibc reads the arguments from the start. */
		va_list aq;
		va_copy(aq, *ap);
		width = va_arg(aq, int);
		va_end(aq);
		if (width < 0 || width > 40)
			return -1;
		(void)va_arg(*ap, int);
	}
	uint64_t u;
	int neg = 0;
	if (conv == 'd') {
		int64_t v = lng ? (int64_t)va_arg(*ap, long) : (int64_t)va_arg(*ap, int);
		neg = v < 0;
		u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	} else {
		u = lng ? (uint64_t)va_arg(*ap, unsigned long) : (uint64_t)va_arg(*ap, unsigned int);
	}
	char tmp[48], *end = tmp + sizeof tmp, *p = end;
	if (conv == 'o' || conv == 'x' || conv == 'X') {
		unsigned shift = conv == 'o' ? 3 : 4;
		const char *dig = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
		do {
			*--p = dig[u & ((1u << shift) - 1)];
			u >>= shift;
		} while (u);
	} else {
		p = digits_before(end, u);
	}
	int body = (int)(end - p) + neg;
	if (zero)
		for (; body < width; body++)
			*--p = '0';
	if (neg)
		*--p = '-';
	for (; (int)(end - p) < width;)
		*--p = ' ';
	int len = (int)(end - p);
	memcpy(out, p, (size_t)len);
	return len;
}

/* snprintf's answer from the len bytes formatted in buf: at most maxlen - 1 of them kept. */
static int deliver(char *s, size_t maxlen, const char *buf, int len)
{
	if (maxlen > 0) {
		size_t keep = (size_t)len < maxlen ? (size_t)len : maxlen - 1;
		memcpy(s, buf, keep);
		s[keep] = '\0';
	}
	atomic_fetch_add_explicit(&reached, 1, memory_order_relaxed);
	return len;
}

/* 1 when numbers are written with '.' (LC_NUMERIC "C", which i18n.c sets; checked anyway). */
static int point_is_dot(void)
{
	const char *r = nl_langinfo(RADIXCHAR);
	return r[0] == '.' && r[1] == '\0';
}

int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char buf[48];
	int len = -1;
	if (fmt[0] == '%') {
		if (slen < maxlen)
			__chk_fail(); /* as glibc: the buffer is smaller than said */
		if (fmt[1] == 'f' && fmt[2] == '\0') {
			if (point_is_dot())
				len = fixed(buf, va_arg(ap, double), 6);
		} else if (fmt[1] == '.' && strcmp(fmt + 1, ".18f") == 0) {
			if (point_is_dot())
				len = fixed(buf, va_arg(ap, double), 18);
		} else if (fmt[1] == '.' && strcmp(fmt + 1, ".*f") == 0) {
			/* A copy: the fallback reads the arguments from the start. */
			va_list aq;
			va_copy(aq, ap);
			int prec = va_arg(aq, int);
			double d = va_arg(aq, double);
			va_end(aq);
			if (point_is_dot())
				len = fixed(buf, d, prec);
		} else {
			len = integer(buf, fmt + 1, &ap);
		}
	}
	int n;
	if (len >= 0) {
		n = deliver(s, maxlen, buf, len);
	} else {
		va_end(ap);
		va_start(ap, fmt);
		n = __vsnprintf_chk(s, maxlen, flag, slen, fmt, ap);
	}
	va_end(ap);
	return n;
}

int cairo_numbers_reached(void)
{
	unsigned long before = atomic_load(&reached);
	cairo_probe_page(1.25, NULL);
	return atomic_load(&reached) > before;
}
