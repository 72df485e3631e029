/* A section's plain text for the search index; see search_text.h. */
#include "search_text.h"
#include "bytescan.h"
#include "utf8.h"
#include "xalloc.h"

#include <string.h>

/* Whether the text ends with a separator (a space, or the end of a block). */
static int ends_apart(const struct buf *b)
{
	return !b->len || b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\n';
}

static int white(unsigned char c)
{
	return c <= ' ' && ascii_isspace(c);
}

void search_text_put(struct buf *b, const char *s, size_t n)
{
	if (n == 0)
		return;
	/* Each byte gives at most one: room once, then the runs between spaces in one piece. */
	buf_grow(b, n);
	for (size_t i = 0; i < n;) {
		size_t from = i;
		while (i < n && !white((unsigned char)s[i]))
			i++;
		memcpy(b->data + b->len, s + from, i - from);
		b->len += i - from;
		if (i == n)
			break;
		while (i < n && white((unsigned char)s[i]))
			i++;
		if (!ends_apart(b))
			b->data[b->len++] = ' ';
	}
	b->data[b->len] = '\0';
}

/* What search_text_put_html does with a byte. */
enum put_class {
	PUT_BOTH = 0,  /* the same byte to both */
	PUT_WHITE,     /* itself to the HTML, one space for a run to the plain text */
	PUT_ENTITY     /* an entity to the HTML (buf_put_html's), itself to the plain text */
};

static const unsigned char put_class[256] = {
	[' '] = PUT_WHITE, ['\t'] = PUT_WHITE, ['\n'] = PUT_WHITE, ['\r'] = PUT_WHITE,
	['\f'] = PUT_WHITE, ['\v'] = PUT_WHITE,
	['&'] = PUT_ENTITY, ['<'] = PUT_ENTITY, ['>'] = PUT_ENTITY, ['"'] = PUT_ENTITY,
	['\''] = PUT_ENTITY,
};

/* Writes the byte c, one search_text_put_html does not simply copy to both, at *h and *p. */
static inline void put_special(char c, char **h, char **p, const char *p0)
{
	switch ((enum put_class)put_class[(unsigned char)c]) {
	case PUT_BOTH:
		*(*h)++ = c;
		*(*p)++ = c;
		return;
	case PUT_WHITE:
		*(*h)++ = c;
		/* The first of a run gives a space; the next ones find it there. */
		if (*p != p0 && (*p)[-1] != ' ' && (*p)[-1] != '\n')
			*(*p)++ = ' ';
		return;
	case PUT_ENTITY: {
		const char *e = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" :
				c == '"' ? "&quot;" : "&#39;";
		size_t l = strlen(e);
		memcpy(*h, e, l);
		*h += l;
		*(*p)++ = c;
		return;
	}
	}
}

#if BYTESCAN_SIMD
/*
 * The bytes of a block that search_text_put_html may not simply copy to
 * both: white space and the escaped bytes, with a few others that cost
 * fewer tests to take along (all bytes up to '\'', and '<' to '>': the
 * others, ! # $ % =, go through put_special, which copies them).
 */
static inline unsigned special_mask(bytescan_v v)
{
	return bytescan_le(v, '\'') | bytescan_range(v, '<', '>');
}

/*
 * Whether a block whose special bytes are mask (spaces among them) is the
 * same in both texts: plain spaces alone, none beside another and none
 * first when the plain text ends apart, as in most prose.
 */
static inline int same_in_both(unsigned mask, unsigned spaces, const char *p, const char *p0)
{
	return mask == spaces && !(spaces & spaces >> 1) &&
	       !(spaces & 1 && (p == p0 || p[-1] == ' ' || p[-1] == '\n'));
}
#endif

/* Room for n more bytes and the NUL, without a call when there is. */
static inline void room(struct buf *b, size_t n)
{
	if (b->cap < b->len + n + 1)
		buf_grow(b, n);
}

void search_text_put_html(struct buf *html, struct buf *plain, const char *s, size_t n)
{
	if (n == 0) {
		buf_put(html, s, 0);
		return;
	}
	/*
	 * Room once (an entity is at most six bytes; sixteen more for the
	 * blocks written whole), then the bytes written through pointers.
	 */
	room(html, 6 * n + 16);
	room(plain, n + 16);
	char *h = html->data + html->len, *p = plain->data + plain->len;
	const char *const p0 = plain->data;
	size_t i = 0;
#if BYTESCAN_SIMD
	/*
	 * Sixteen bytes at a time to both (then eight, for the short runs most
	 * text nodes are), up to the first that is not simply copied.
	 */
	while (n - i >= 8) {
		unsigned width = n - i >= 16 ? 16 : 8, all = bytescan_all(width);
		bytescan_v v = width == 16 ? bytescan_load16(s + i) : bytescan_load8(s + i);
		/* Eight bytes: the zeros loaded above them are no text. */
		unsigned mask = special_mask(v) & all;
		/* Sixteen bytes stored either way: the room above has them. */
		bytescan_store16(h, v);
		bytescan_store16(p, v);
		unsigned spaces = bytescan_eq(v, ' ') & all;
		if (same_in_both(mask, spaces, p, p0))
			mask = 0;
		if (!mask) {
			i += width;
			h += width;
			p += width;
			continue;
		}
		unsigned k = (unsigned)__builtin_ctz(mask);
		i += k;
		h += k;
		p += k;
		put_special(s[i++], &h, &p, p0);
	}
	if (i < n && n >= 8) {
		/*
		 * The last bytes (fewer than eight): the eight that end the text,
		 * shifted down to them, in one piece when they are the same in
		 * both (sixteen bytes of room above each).
		 */
		unsigned k = (unsigned)(n - i), all = bytescan_all(k);
		unsigned long long x;
		memcpy(&x, s + n - 8, 8);
		x >>= 8 * (8 - k);
		bytescan_v v = bytescan_from64(x);
		if (same_in_both(special_mask(v) & all, bytescan_eq(v, ' ') & all, p, p0)) {
			memcpy(h, &x, 8);
			memcpy(p, &x, 8);
			h += k;
			p += k;
			i = n;
		}
	}
#endif
	for (; i < n; i++) {
		char c = s[i];
		if (__builtin_expect(put_class[(unsigned char)c] == PUT_BOTH, 1)) {
			*h++ = c;
			*p++ = c;
		} else {
			put_special(c, &h, &p, p0);
		}
	}
	html->len = (size_t)(h - html->data);
	html->data[html->len] = '\0';
	plain->len = (size_t)(p - plain->data);
	plain->data[plain->len] = '\0';
}

void search_text_put_inert(struct buf *html, struct buf *plain, const char *s, size_t n,
			   int lines)
{
	if (n == 0) {
		buf_put(html, s, 0);
		return;
	}
	room(html, n);
	room(plain, n);
	memcpy(html->data + html->len, s, n);
	html->len += n;
	html->data[html->len] = '\0';
	/* A first white byte is folded into what ends the text apart; no other is beside one. */
	size_t skip = (s[0] == ' ' || s[0] == '\n') && ends_apart(plain);
	char *p = plain->data + plain->len;
	memcpy(p, s + skip, n - skip);
	plain->len += n - skip;
	plain->data[plain->len] = '\0';
	if (lines) {
		/* Each '\n' has a byte that is not white before it: one space. */
		char *end = plain->data + plain->len;
		while ((p = memchr(p, '\n', (size_t)(end - p))))
			*p++ = ' ';
	}
}

void search_text_separator(struct buf *b)
{
	if (!ends_apart(b))
		buf_putc(b, ' ');
}

void search_text_trim(struct buf *b)
{
	while (b->len && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\n'))
		b->data[--b->len] = '\0';
}

void search_text_block_end(struct buf *b)
{
	search_text_trim(b);
	if (b->len)
		buf_putc(b, '\n');
}

void search_text_keep(struct buf *b, struct ptrs *out)
{
	search_text_trim(b);
	/* A copy at its size: b keeps its room for the next section (no growing again from nothing). */
	char *text = xmalloc(b->len + 1);
	memcpy(text, buf_cstr(b), b->len);
	text[b->len] = '\0';
	ptrs_add(out, text);
	buf_reset(b);
}
