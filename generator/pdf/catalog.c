/*
 * Catalog completion; see catalog.h.
 *
 * Cairo writes a classic cross-reference table ("xref", then one 20-byte
 * line per object) after the last object, then "startxref" and its offset.
 * The text is inserted just after "/Type /Catalog"; every offset beyond
 * that point (objects after the catalog, the table itself) moves by the
 * inserted length.
 */
#include "catalog.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *find_last(const char *s, size_t n, const char *what)
{
	size_t w = strlen(what);
	for (size_t i = n >= w ? n - w + 1 : 0; i-- > 0;)
		if (memcmp(s + i, what, w) == 0)
			return s + i;
	return NULL;
}

int catalog_complete(struct buf *pdf, const char *lang, int marked)
{
	if (!pdf->data)
		return -1;
	const char *s = pdf->data;
	size_t n = pdf->len;
	const char *cat = find_last(s, n, "/Type /Catalog");
	const char *xref = find_last(s, n, "\nxref\n");
	const char *sx = find_last(s, n, "\nstartxref\n");
	if (!cat || !xref || !sx || cat > xref || xref > sx)
		return -1;
	size_t at = (size_t)(cat - s) + strlen("/Type /Catalog");
	char *ins = xasprintf("%s%s%s%s", marked ? "\n   /MarkInfo << /Marked true >>" : "",
			      lang ? "\n   /Lang (" : "", lang ? lang : "", lang ? ")" : "");
	size_t d = strlen(ins);
	struct buf out = BUF_INIT;
	buf_grow(&out, n + d + 16);
	buf_put(&out, s, at);
	buf_put(&out, ins, d);
	/* Up to the table: unchanged bytes. */
	size_t xref_at = (size_t)(xref - s) + 1;
	buf_put(&out, s + at, xref_at - at);
	/* "xref\n0 N\n" then N lines "oooooooooo ggggg n \n". */
	const char *p = s + xref_at + 5;
	char *end;
	unsigned long first = strtoul(p, &end, 10);
	unsigned long count = strtoul(end, &end, 10);
	(void)first;
	while (*end == ' ' || *end == '\r' || *end == '\n')
		end++;
	buf_put(&out, s + xref_at, (size_t)(end - (s + xref_at)));
	const char *line = end;
	for (unsigned long i = 0; i < count; i++, line += 20) {
		if (line + 20 > s + n) {
			buf_free(&out);
			free(ins);
			return -1;
		}
		unsigned long long off = strtoull(line, NULL, 10);
		if (line[17] == 'n' && off > at)
			off += d;
		char entry[21];
		snprintf(entry, sizeof entry, "%010llu", off);
		buf_put(&out, entry, 10);
		buf_put(&out, line + 10, 10);
	}
	const char *sxv = sx + strlen("\nstartxref\n");
	buf_put(&out, line, (size_t)(sxv - line));
	unsigned long long start = strtoull(sxv, &end, 10);
	buf_printf(&out, "%llu", start + d);
	buf_put(&out, end, (size_t)(s + n - end));
	free(ins);
	buf_free(pdf);
	*pdf = out;
	return 0;
}
