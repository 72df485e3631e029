/* Page count of a PDF; see pdf_pages.h. */
#include "pdf_pages.h"
#include "edit_save.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* First occurrence of needle in h[0..n), or NULL. */
static const char *find(const char *h, size_t n, const char *needle)
{
	return memmem(h, n, needle, strlen(needle));
}

static int name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/*
 * Every page tree node is a "/Type /Pages" dictionary; the root's /Count
 * is the number of pages and no other node's is larger, so the largest
 * /Count of those objects is the answer however the tree is split.
 */
long pdf_pages_count(const char *d, size_t n)
{
	long best = -1;
	const char *p = d, *end = d + n;
	while (p < end) {
		const char *t = find(p, (size_t)(end - p), "/Type");
		if (!t)
			break;
		const char *q = t + 5;
		while (q < end && (*q == ' ' || *q == '\n' || *q == '\r' || *q == '\t'))
			q++;
		p = q;
		if ((size_t)(end - q) < 6 || memcmp(q, "/Pages", 6) != 0 ||
		    (q + 6 < end && name_char(q[6])))
			continue;
		/* The object around it: from its "obj" back to its "endobj". */
		const char *stop = find(q, (size_t)(end - q), "endobj");
		if (!stop)
			break;
		const char *start = t;
		while (start > d && memcmp(start, "obj", 3) != 0)
			start--;
		const char *c = find(start, (size_t)(stop - start), "/Count");
		if (!c)
			continue;
		char *e;
		long v = strtol(c + 6, &e, 10);
		if (e != c + 6 && v > best)
			best = v;
	}
	return best;
}

long pdf_pages_file(const char *path, size_t *size)
{
	*size = 0;
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	*size = (size_t)st.st_size;
	size_t n = 0;
	/* The booklets are a few MB; a larger file is not one of ours. */
	char *d = edit_read(path, (size_t)256 << 20, &n);
	if (!d)
		return -1;
	long pages = pdf_pages_count(d, n);
	free(d);
	return pages;
}
