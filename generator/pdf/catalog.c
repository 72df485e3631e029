/*
 * Catalog completion; see catalog.h.
 *
 * Cairo writes a classic cross-reference table ("xref", then one 20-byte
 * line per object) after the last object, then "startxref" and its offset.
 * Text is inserted just after "/Type /Catalog" (and after each
 * "/S /Figure"); every offset beyond an insertion (objects after it, the
 * table itself) moves by the inserted length.
 */
#include "catalog.h"
#include "pdf_post.h"
#include "utf8.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Inserts text[i] at byte at[i] (ascending) of the PDF in pdf and moves
 * every offset of the cross-reference table and startxref accordingly.
 * Returns 0, or -1 when the file is not laid out as Cairo writes it.
 */
static int insert_texts(struct buf *pdf, const size_t *at, char *const *text, size_t count)
{
	const char *s = pdf->data;
	size_t n = pdf->len;
	const char *xref = pdf_find_last(s, n, "\nxref\n");
	const char *sx = pdf_find_last(s, n, "\nstartxref\n");
	if (!xref || !sx || xref > sx)
		return -1;
	size_t xref_at = (size_t)(xref - s) + 1;
	for (size_t i = 0; i < count; i++)
		if (at[i] > xref_at || (i && at[i] < at[i - 1]))
			return -1;
	/* Bytes inserted before offset off. */
	size_t *before = xcalloc(count + 1, sizeof *before);
	for (size_t i = 0; i < count; i++)
		before[i + 1] = before[i] + strlen(text[i]);
	struct buf out = BUF_INIT;
	buf_grow(&out, n + before[count] + 16);
	size_t from = 0;
	for (size_t i = 0; i < count; i++) {
		buf_put(&out, s + from, at[i] - from);
		buf_puts(&out, text[i]);
		from = at[i];
	}
	/* Up to the table: unchanged bytes. */
	buf_put(&out, s + from, xref_at - from);
	/* "xref\n0 N\n" then N lines "oooooooooo ggggg n \n". */
	const char *p = s + xref_at + 5;
	char *end;
	unsigned long first = strtoul(p, &end, 10);
	unsigned long nobj = strtoul(end, &end, 10);
	(void)first;
	while (*end == ' ' || *end == '\r' || *end == '\n')
		end++;
	buf_put(&out, s + xref_at, (size_t)(end - (s + xref_at)));
	const char *line = end;
	for (unsigned long i = 0; i < nobj; i++, line += 20) {
		if (line + 20 > s + n) {
			buf_free(&out);
			free(before);
			return -1;
		}
		unsigned long long off = strtoull(line, NULL, 10);
		if (line[17] == 'n') {
			size_t k = 0;
			while (k < count && at[k] < off)
				k++;
			off += before[k];
		}
		if (off >= 10000000000ull) {
			buf_printf(&out, "%010llu", off);
		} else {
			/* "%010llu" written by hand: a line per object, on the main thread. */
			char entry[10];
			memset(entry, '0', sizeof entry);
			for (size_t d = sizeof entry; off; off /= 10)
				entry[--d] = (char)('0' + off % 10);
			buf_put(&out, entry, 10);
		}
		buf_put(&out, line + 10, 10);
	}
	const char *sxv = sx + strlen("\nstartxref\n");
	buf_put(&out, line, (size_t)(sxv - line));
	unsigned long long start = strtoull(sxv, &end, 10);
	buf_printf(&out, "%llu", start + before[count]);
	buf_put(&out, end, (size_t)(s + n - end));
	free(before);
	buf_free(pdf);
	*pdf = out;
	return 0;
}

int catalog_complete(struct buf *pdf, const char *lang, int marked)
{
	if (!pdf->data)
		return -1;
	const char *cat = pdf_find_last(pdf->data, pdf->len, "/Type /Catalog");
	if (!cat)
		return -1;
	size_t at = (size_t)(cat - pdf->data) + strlen("/Type /Catalog");
	char *ins = xasprintf("%s%s%s%s", marked ? "\n   /MarkInfo << /Marked true >>" : "",
			      lang ? "\n   /Lang (" : "", lang ? lang : "", lang ? ")" : "");
	int rc = insert_texts(pdf, &at, &ins, 1);
	free(ins);
	return rc;
}

/* "%04X" of a UTF-16 code unit, without printf: a link's description is a few hundred of them. */
static void put_hex4(struct buf *b, uint32_t u)
{
	static const char hex[] = "0123456789ABCDEF";
	if (u > 0xFFFF) {
		buf_printf(b, "%04X", u); /* past U+10FFFF: printf's wider answer */
		return;
	}
	char d[4] = {hex[u >> 12 & 15], hex[u >> 8 & 15], hex[u >> 4 & 15], hex[u & 15]};
	buf_put(b, d, sizeof d);
}

char *catalog_text_string(const char *utf8)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "<FEFF");
	size_t n = strlen(utf8);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += utf8_decode(utf8 + i, n - i, &cp);
		if (cp >= 0x10000) {
			cp -= 0x10000;
			put_hex4(&b, 0xD800 + (cp >> 10));
			put_hex4(&b, 0xDC00 + (cp & 0x3FF));
		} else {
			put_hex4(&b, cp);
		}
	}
	buf_putc(&b, '>');
	return buf_detach(&b);
}

int catalog_figure_alts(struct buf *pdf, const struct ptrs *alts)
{
	if (!pdf->data)
		return -1;
	if (!alts->n)
		return 0;
	static const char key[] = "/S /Figure";
	size_t *at = xcalloc(alts->n, sizeof *at), found = 0;
	const char *s = pdf->data, *end = s + pdf->len, *p = s;
	while ((p = memmem(p, (size_t)(end - p), key, sizeof key - 1))) {
		p += sizeof key - 1;
		if (found < alts->n)
			at[found] = (size_t)(p - s);
		found++;
	}
	int rc = -1;
	if (found == alts->n) {
		char **text = xcalloc(alts->n, sizeof *text);
		for (size_t i = 0; i < alts->n; i++) {
			char *str = catalog_text_string(alts->v[i]);
			text[i] = xasprintf("\n   /Alt %s", str);
			free(str);
		}
		rc = insert_texts(pdf, at, text, alts->n);
		for (size_t i = 0; i < alts->n; i++)
			free(text[i]);
		free(text);
	}
	free(at);
	return rc;
}
