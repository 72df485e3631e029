/* A section's plain text for the search index; see search_text.h. */
#include "search_text.h"
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
	size_t len = b->len;
	ptrs_add(out, xrealloc(buf_detach(b), len + 1));
}
