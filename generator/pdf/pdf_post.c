/*
 * Rewriting Cairo's PDF; see pdf_post.h.
 *
 * Cairo 1.16 writes every object once ("N 0 obj" … "endobj"), no object
 * streams, then a classic cross-reference table whose offsets are used to
 * find the objects. The page content streams (FlateDecode, their /Length
 * an indirect object) are inflated, marked and deflated again with a direct
 * /Length, also written into the indirect one; pages and the catalog get their keys; the XMP packet is a new
 * object at the end. Objects are written back in their order, and the
 * table is made anew. zlib's output depends only on its input and level,
 * so equal sources still give equal bytes.
 */
#include "pdf_post.h"
#include "catalog.h"
#include "content_marks.h"
#include "pool.h"
#include "xalloc.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ---- content streams ---- */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\0';
}

static int is_delim(char c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
	       c == '}' || c == '/' || c == '%';
}

static int op_is(const char *op, size_t n, const char *name)
{
	return strlen(name) == n && memcmp(op, name, n) == 0;
}

static int op_in(const char *op, size_t n, const char *const *names)
{
	for (; *names; names++)
		if (op_is(op, n, *names))
			return 1;
	return 0;
}

/* An artifact never spans these: they open or close what marked content must nest with. */
static const char *const closers[] = {"BDC", "BMC", "BT", "ET", "q", "Q", NULL};
/* Drawing that starts here is content: text, a path, an image, a shading. */
static const char *const text_ops[] = {"Tj", "TJ", "'", "\"", "Do", "sh", "BI", NULL};
static const char *const path_ops[] = {"m", "re", "l", "c", "v", "y", "h", NULL};
static const char *const paint_ops[] = {"f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "n", NULL};

/* Index just past the literal string starting at s[i] == '('. */
static size_t skip_string(const char *s, size_t n, size_t i)
{
	int nest = 0;
	for (; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '(')
			nest++;
		else if (s[i] == ')' && --nest == 0)
			return i + 1;
	}
	return n;
}

/* Index just past the inline image data that follows "ID" at s[i]: up to "EI". */
static size_t skip_inline_image(const char *s, size_t n, size_t i)
{
	for (i++; i + 1 < n; i++)
		if (is_space(s[i - 1]) && s[i] == 'E' && s[i + 1] == 'I' && (i + 2 == n || is_space(s[i + 2])))
			return i;
	return n;
}

void pdf_mark_artifacts(const char *s, size_t n, struct buf *out)
{
	size_t i = 0, copied = 0, unit = (size_t)-1;
	int depth = 0, open = 0, in_path = 0;
	while (i < n) {
		char c = s[i];
		if (is_space(c)) {
			i++;
			continue;
		}
		if (c == '%') {
			while (i < n && s[i] != '\n' && s[i] != '\r')
				i++;
			continue;
		}
		if (unit == (size_t)-1)
			unit = i;
		if (c == '(') {
			i = skip_string(s, n, i);
			continue;
		}
		if (c == '<') {
			if (i + 1 < n && s[i + 1] == '<') {
				i += 2;
			} else {
				while (i < n && s[i] != '>')
					i++;
				i++;
			}
			continue;
		}
		if (c == '>') {
			i += i + 1 < n && s[i + 1] == '>' ? 2 : 1;
			continue;
		}
		if (c == '[' || c == ']' || c == '{' || c == '}') {
			i++;
			continue;
		}
		if (c == '/') {
			for (i++; i < n && !is_space(s[i]) && !is_delim(s[i]); i++)
				;
			continue;
		}
		size_t start = i;
		while (i < n && !is_space(s[i]) && !is_delim(s[i]))
			i++;
		const char *op = s + start;
		size_t len = i - start;
		if ((*op >= '0' && *op <= '9') || *op == '-' || *op == '+' || *op == '.' ||
		    op_is(op, len, "true") || op_is(op, len, "false") || op_is(op, len, "null"))
			continue;   /* an operand */
		/* An operator; its operands start at unit. */
		if (open && op_in(op, len, closers)) {
			buf_put(out, s + copied, unit - copied);
			buf_puts(out, "EMC\n");
			copied = unit;
			open = 0;
		}
		if (op_is(op, len, "BDC") || op_is(op, len, "BMC"))
			depth++;
		else if (op_is(op, len, "EMC") && depth > 0)
			depth--;
		int starts = op_in(op, len, text_ops) ||
			     (!in_path && (op_is(op, len, "m") || op_is(op, len, "re")));
		if (depth == 0 && !open && starts) {
			buf_put(out, s + copied, unit - copied);
			buf_puts(out, "/Artifact BMC\n");
			copied = unit;
			open = 1;
		}
		if (op_in(op, len, path_ops))
			in_path = 1;
		else if (op_in(op, len, paint_ops))
			in_path = 0;
		if (op_is(op, len, "ID"))
			i = skip_inline_image(s, n, i);
		unit = (size_t)-1;
	}
	buf_put(out, s + copied, n - copied);
	if (open)
		buf_puts(out, "\nEMC\n");
}

/* ---- the file's objects ---- */

/* The keys pdf_post looks for in the objects' dictionaries (key_text). */
enum key {
	K_TYPE_PAGE, K_TYPE_PAGES, K_TYPE_CATALOG, K_CONTENTS_SP, K_CONTENTS, K_SUBTYPE_LINK, K_S_NOTE,
	K_NAMES, K_KIDS, K_DEST, K_URI, K_FLATE, K_LENGTH, NKEYS
};

/* Each key, its length, and where its '/' is. */
#define KEY(t, slash) {t, sizeof t - 1, slash}
static const struct {
	const char *text;
	size_t len, slash;
} key_text[NKEYS] = {
	KEY("/Type /Page", 0), KEY("/Type /Pages", 0), KEY("/Type /Catalog", 0), KEY("/Contents ", 0),
	KEY("/Contents", 0), KEY("/Subtype /Link", 0), KEY("/S /Note", 0), KEY("<< /Names [", 3),
	KEY("/Kids [", 0), KEY("/Dest (", 0), KEY("/URI (", 0), KEY("/FlateDecode", 0), KEY("/Length ", 0),
};
#undef KEY

struct obj {
	unsigned num;
	size_t off, end;      /* its bytes in the file */
	size_t dend;          /* where its dictionary ends: its "\nstream\n", else end */
	uint32_t key[NKEYS];  /* 1 + where each key first is in [off, dend), from off; 0: nowhere */
	char *repl;           /* replacement text, or NULL */
	size_t repl_len;
};

static int by_offset(const void *a, const void *b)
{
	const struct obj *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

const char *pdf_find_last(const char *s, size_t n, const char *what)
{
	size_t w = strlen(what);
	if (!w)
		return s + n;
	if (n < w)
		return NULL;
	/* Backwards from the last place it fits, stopping only where its first byte is. */
	for (size_t left = n - w + 1; left > 0;) {
		const char *p = memrchr(s, what[0], left);
		if (!p)
			return NULL;
		if (memcmp(p, what, w) == 0)
			return p;
		left = (size_t)(p - s);
	}
	return NULL;
}

/*
 * The first `what` in [s, end), or NULL. Dictionaries are a few hundred
 * bytes, searched for a dozen keys each: there, the first byte found with
 * memchr and the rest compared costs less than memmem's set-up.
 */
static const char *find_in(const char *s, const char *end, const char *what)
{
	size_t w = strlen(what);
	if ((size_t)(end - s) < w)
		return NULL;
	if (end - s > 1024)
		return memmem(s, (size_t)(end - s), what, w);
	for (const char *last = end - w; s <= last; s++) {
		s = memchr(s, what[0], (size_t)(last - s) + 1);
		if (!s)
			return NULL;
		if (memcmp(s + 1, what + 1, w - 1) == 0)
			return s;
	}
	return NULL;
}

static struct obj *find_obj(struct obj *v, size_t n, unsigned num)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].num == num)
			return &v[i];
	return NULL;
}

/* The integer an object holds ("N 0 obj\n   1234\nendobj"), or -1. */
static long long obj_int(const char *s, const struct obj *o)
{
	const char *p = find_in(s + o->off, s + o->end, "obj");
	if (!p)
		return -1;
	char *end;
	long long v = strtoll(p + 3, &end, 10);
	return end == p + 3 ? -1 : v;
}

/*
 * Where each key of key_text first is in object o's dictionary: what
 * find_in(off, dend, key) answers, for all the keys in one pass. Every key
 * has a '/' (at `slash`), so each occurrence is found at a '/' of the
 * dictionary, and the first found is the first.
 */
static void find_keys(const char *s, struct obj *o)
{
	const char *from = s + o->off, *end = s + o->dend;
	memset(o->key, 0, sizeof o->key);
	for (const char *q = from; q < end && (q = memchr(q, '/', (size_t)(end - q))) != NULL; q++) {
		for (int k = 0; k < NKEYS; k++) {
			size_t len = key_text[k].len, slash = key_text[k].slash;
			if (o->key[k] || q + 1 >= end || q[1] != key_text[k].text[slash + 1])
				continue;
			const char *at = q - slash;
			if (at >= from && (size_t)(end - at) >= len && memcmp(at, key_text[k].text, len) == 0)
				o->key[k] = (uint32_t)(at - from) + 1;
		}
	}
}

/* Where key k first is in object o's dictionary, or NULL (find_keys). */
static const char *key_in(const char *s, const struct obj *o, enum key k)
{
	return o->key[k] ? s + o->off + o->key[k] - 1 : NULL;
}

/* The end of object o's dictionary part (from its "<<" to its "stream" or end), found once. */
static const char *dict_end(const char *s, const struct obj *o)
{
	return s + o->dend;
}

static void xml_escaped(struct buf *b, const char *t)
{
	for (; t && *t; t++) {
		switch (*t) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		default: buf_putc(b, *t);
		}
	}
}

static void xmp_alt(struct buf *b, const char *tag, const char *text)
{
	if (!text || !*text)
		return;
	buf_printf(b, "   <%s><rdf:Alt><rdf:li xml:lang=\"x-default\">", tag);
	xml_escaped(b, text);
	buf_printf(b, "</rdf:li></rdf:Alt></%s>\n", tag);
}

static void xmp_list(struct buf *b, const char *tag, const char *kind, const char *text)
{
	if (!text || !*text)
		return;
	buf_printf(b, "   <%s><rdf:%s><rdf:li>", tag, kind);
	xml_escaped(b, text);
	buf_printf(b, "</rdf:li></rdf:%s></%s>\n", kind, tag);
}

static void xmp_simple(struct buf *b, const char *tag, const char *text)
{
	if (!text || !*text)
		return;
	buf_printf(b, "   <%s>", tag);
	xml_escaped(b, text);
	buf_printf(b, "</%s>\n", tag);
}

/* The XMP packet: Dublin Core, XMP basic and Adobe PDF schemas, as the Info dictionary says. */
static void xmp_packet(struct buf *b, const struct pdf_meta *m)
{
	buf_puts(b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
		    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
		    " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
		    "  <rdf:Description rdf:about=\"\"\n"
		    "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
		    "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
		    "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
		    "   <dc:format>application/pdf</dc:format>\n");
	xmp_alt(b, "dc:title", m->title);
	xmp_list(b, "dc:creator", "Seq", m->author);
	xmp_alt(b, "dc:description", m->subject);
	xmp_list(b, "dc:language", "Bag", m->lang);
	xmp_list(b, "dc:date", "Seq", m->date);
	xmp_simple(b, "xmp:CreatorTool", "fiches");
	xmp_simple(b, "xmp:CreateDate", m->date);
	xmp_simple(b, "xmp:ModifyDate", m->date);
	xmp_simple(b, "xmp:MetadataDate", m->date);
	xmp_simple(b, "pdf:Producer", m->producer);
	xmp_simple(b, "pdf:Keywords", m->keywords);
	buf_puts(b, "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"r\"?>");
}

/* Object o's text with ins inserted after the first `after` of its dictionary. */
static int insert_after(const char *s, struct obj *o, const char *after, const char *ins)
{
	const char *base = o->repl ? o->repl : s + o->off;
	size_t len = o->repl ? o->repl_len : o->end - o->off;
	const char *p = memmem(base, len, after, strlen(after));
	if (!p)
		return -1;
	size_t at = (size_t)(p - base) + strlen(after);
	struct buf b = BUF_INIT;
	buf_put(&b, base, at);
	buf_puts(&b, ins);
	buf_put(&b, base + at, len - at);
	free(o->repl);
	o->repl_len = b.len;
	o->repl = buf_detach(&b);
	return 0;
}

int pdf_remark_stream(const char *data, size_t len, unsigned char **zdata, size_t *zlen)
{
	/* Inflate. */
	z_stream z = {0};
	if (inflateInit(&z) != Z_OK)
		return -1;
	struct buf plain = BUF_INIT;
	unsigned char chunk[65536];
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)len;
	int rc;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof chunk;
		rc = inflate(&z, Z_NO_FLUSH);
		buf_put(&plain, (const char *)chunk, sizeof chunk - z.avail_out);
	} while (rc == Z_OK);
	inflateEnd(&z);
	if (rc != Z_STREAM_END) {
		buf_free(&plain);
		return -1;
	}
	struct buf marked = BUF_INIT;
	pdf_mark_artifacts(plain.data ? plain.data : "", plain.len, &marked);
	buf_free(&plain);
	uLongf zl = compressBound((uLong)marked.len);
	unsigned char *zd = xmalloc(zl);
	if (compress2(zd, &zl, (const Bytef *)(marked.data ? marked.data : ""), (uLong)marked.len,
		      Z_DEFAULT_COMPRESSION) != Z_OK) {
		free(zd);
		buf_free(&marked);
		return -1;
	}
	buf_free(&marked);
	*zdata = zd;
	*zlen = zl;
	return 0;
}

/*
 * Inflates, marks and deflates content stream object o, or takes what
 * marks (content_marks.h) made of the same bytes while the pages were drawn.
 */
static int mark_content(const char *s, struct obj *v, size_t nobj, struct obj *o, struct content_marks *marks)
{
	const char *dend = dict_end(s, o);
	if (dend == s + o->end || !key_in(s, o, K_FLATE))
		return -1;
	const char *lp = key_in(s, o, K_LENGTH);
	if (!lp)
		return -1;
	char *end;
	unsigned long long a = strtoull(lp + 8, &end, 10);
	long long len = (long long)a;
	struct obj *lo = NULL;
	if (strncmp(end, " 0 R", 4) == 0) {
		lo = find_obj(v, nobj, (unsigned)a);
		len = lo ? obj_int(s, lo) : -1;
	}
	const char *data = dend + strlen("\nstream\n");
	if (len < 0 || data + len > s + o->end)
		return -1;
	unsigned char *zdata;
	size_t zlen;
	if (!content_marks_take(marks, data, (size_t)len, &zdata, &zlen) &&
	    pdf_remark_stream(data, (size_t)len, &zdata, &zlen) < 0)
		return -1;
	struct buf b = BUF_INIT;
	buf_printf(&b, "%u 0 obj\n<< /Length %lu\n   /Filter /FlateDecode\n>>\nstream\n", o->num,
		   (unsigned long)zlen);
	buf_put(&b, (const char *)zdata, zlen);
	buf_puts(&b, "\nendstream\nendobj\n");
	free(zdata);
	free(o->repl);
	o->repl_len = b.len;
	o->repl = buf_detach(&b);
	/*
	 * Cairo's length object, no longer referred to, holds the length of
	 * ours: the bytes then do not depend on how Cairo compressed the
	 * stream (stored, content_deflate.c, or deflated when that is not
	 * reached). Each stream has its own, so threads write apart.
	 */
	if (lo) {
		free(lo->repl);
		lo->repl = xasprintf("%u 0 obj\n   %lu\nendobj\n", lo->num, (unsigned long)zlen);
		lo->repl_len = strlen(lo->repl);
	}
	return 0;
}

/* The page content streams to mark, marked on the cores (mark_pages). */
struct marking {
	const char *s;
	struct obj *v;
	size_t nobj;
	struct obj **contents;
	struct content_marks *marks;
	atomic_int failed;
};

static void mark_one(void *ctx, size_t i)
{
	struct marking *m = ctx;
	if (mark_content(m->s, m->v, m->nobj, m->contents[i], m->marks) < 0)
		atomic_store(&m->failed, 1);
}

/*
 * Marks the content stream of every page. Inflating, marking and deflating
 * them again is a twentieth of a booklet's work, each stream on its own:
 * they are shared between two threads, each writing only the replacement
 * of the streams it takes, so the bytes do not depend on the order.
 */
static int mark_pages(const char *s, struct obj *v, size_t nobj, struct content_marks *marks)
{
	struct marking m = {s, v, nobj, xcalloc(nobj + 1, sizeof *m.contents), marks, 0};
	size_t n = 0;
	int status = 0;
	for (size_t i = 0; i < nobj && status == 0; i++) {
		const char *t = key_in(s, &v[i], K_TYPE_PAGE);
		if (!t || t[11] == 's')
			continue;
		const char *c = key_in(s, &v[i], K_CONTENTS_SP);
		struct obj *co = c ? find_obj(v, nobj, (unsigned)strtoul(c + 10, NULL, 10)) : NULL;
		if (!co) {
			status = -1;
			break;
		}
		/* A stream two pages share is marked once. */
		int seen = 0;
		for (size_t k = 0; k < n && !seen; k++)
			seen = m.contents[k] == co;
		if (!seen)
			m.contents[n++] = co;
	}
	if (status == 0) {
		pool_for(2, n, mark_one, &m);
		status = atomic_load(&m.failed) ? -1 : 0;
	}
	free(m.contents);
	return status;
}

/* The literal string at p (just past its '('), unescaped, up to end. Caller frees. */
static char *literal(const char *p, const char *end)
{
	struct buf b = BUF_INIT;
	int nest = 0;
	for (; p < end; p++) {
		if (*p == '\\' && p + 1 < end) {
			p++;
			buf_putc(&b, *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p == 't' ? '\t' : *p);
			continue;
		}
		if (*p == '(')
			nest++;
		if (*p == ')' && nest-- == 0)
			break;
		buf_putc(&b, *p);
	}
	buf_putc(&b, '\0');
	return buf_detach(&b);
}

/* Reading-order page number of each page object, from Cairo's one-level page tree. */
struct page_nums {
	unsigned *obj;
	size_t n;
	const struct obj *names;   /* the named destinations' object, or NULL */
};

static void page_nums(const char *s, const struct obj *v, size_t nobj, struct page_nums *pn)
{
	pn->obj = NULL;
	pn->n = 0;
	pn->names = NULL;
	for (size_t i = 0; i < nobj && !pn->names; i++)
		if (key_in(s, &v[i], K_NAMES))
			pn->names = &v[i];
	for (size_t i = 0; i < nobj; i++) {
		const char *de = dict_end(s, &v[i]);
		const char *kids = key_in(s, &v[i], K_TYPE_PAGES) ? key_in(s, &v[i], K_KIDS) : NULL;
		if (!kids)
			continue;
		const char *p = kids + 7, *close = memchr(p, ']', (size_t)(de - p));
		while (p && close && p < close) {
			char *e;
			unsigned long num = strtoul(p, &e, 10);
			if (e == p)
				break;
			pn->obj = xrealloc(pn->obj, (pn->n + 1) * sizeof *pn->obj);
			pn->obj[pn->n++] = (unsigned)num;
			p = memchr(e, 'R', (size_t)(close - e));
			p = p ? p + 1 : NULL;
		}
		return;
	}
}

/* The page (1-based) the named destination `name` is on, or 0. */
static int dest_page(const char *s, const struct page_nums *pn, const char *name)
{
	if (!pn->names)
		return 0;
	char *key = xasprintf("(%s) [", name);
	int page = 0;
	const char *k = find_in(s + pn->names->off, s + pn->names->end, key);
	if (k) {
		unsigned num = (unsigned)strtoul(k + strlen(key), NULL, 10);
		for (size_t p = 0; p < pn->n && !page; p++)
			if (pn->obj[p] == num)
				page = (int)p + 1;
	}
	free(key);
	return page;
}

/*
 * The alternate description a link annotation needs (PDF/UA, 7.18.5): where
 * it goes, in words: « Aller à la page 44 », « Lien vers https://… »,
 * « Écrire à x@y.fr ». Returns 0, or -1 when o is no link (left as it is).
 */
static int describe_link(const char *s, const struct page_nums *pn, struct obj *o)
{
	const char *de = dict_end(s, o);
	if (!key_in(s, o, K_SUBTYPE_LINK) || key_in(s, o, K_CONTENTS))
		return -1;
	char *text = NULL;
	const char *d = key_in(s, o, K_DEST);
	const char *u = key_in(s, o, K_URI);
	if (d) {
		char *name = literal(d + 7, de);
		int page = dest_page(s, pn, name);
		free(name);
		if (page)
			text = xasprintf("Aller à la page %d", page);
	} else if (u) {
		char *uri = literal(u + 6, de);
		text = strncmp(uri, "mailto:", 7) == 0 ? xasprintf("Écrire à %s", uri + 7) :
		       xasprintf("Lien vers %s", uri);
		free(uri);
	}
	if (!text)
		return -1;
	char *str = catalog_text_string(text);
	char *ins = xasprintf("\n   /Contents %s", str);
	int rc = insert_after(s, o, "/Subtype /Link", ins);
	free(ins);
	free(str);
	free(text);
	return rc;
}

/* The Info dictionary's /Producer, a literal string, or NULL. Caller frees. */
static char *producer_of(const char *s, size_t n)
{
	const char *p = memmem(s, n, "/Producer (", 11);
	if (!p)
		return NULL;
	p += 11;
	const char *e = memchr(p, ')', n - (size_t)(p - s));
	return e && !memchr(p, '\\', (size_t)(e - p)) ? xstrndup(p, (size_t)(e - p)) : NULL;
}

int pdf_post(struct buf *pdf, const struct pdf_meta *meta, int tagged, struct content_marks *marks)
{
	const char *s = pdf->data;
	size_t n = pdf->len;
	if (!s)
		return -1;
	const char *xref = pdf_find_last(s, n, "\nxref\n");
	const char *trailer = pdf_find_last(s, n, "\ntrailer\n");
	const char *sx = pdf_find_last(s, n, "\nstartxref\n");
	if (!xref || !trailer || !sx || xref > trailer || trailer > sx)
		return -1;
	size_t xref_at = (size_t)(xref - s) + 1;
	char *end;
	strtoul(xref + 6, &end, 10);
	unsigned long count = strtoul(end, &end, 10);
	while (end < s + n && is_space(*end))
		end++;
	if (count == 0 || (size_t)(s + n - end) < count * 20)
		return -1;
	struct obj *v = xcalloc(count, sizeof *v);
	size_t nobj = 0;
	for (unsigned long k = 0; k < count; k++) {
		const char *line = end + k * 20;
		if (line[17] != 'n')
			continue;
		size_t off = (size_t)strtoull(line, NULL, 10);
		if (off >= xref_at) {
			free(v);
			return -1;
		}
		v[nobj++] = (struct obj){.num = (unsigned)k, .off = off};
	}
	qsort(v, nobj, sizeof *v, by_offset);
	for (size_t i = 0; i < nobj; i++) {
		v[i].end = i + 1 < nobj ? v[i + 1].off : xref_at;
		const char *st = find_in(s + v[i].off, s + v[i].end, "\nstream\n");
		v[i].dend = st ? (size_t)(st - s) : v[i].end;
		find_keys(s, &v[i]);
	}
	int status = 0;
	unsigned meta_num = (unsigned)count;
	int catalog = 0;
	struct page_nums pn;
	page_nums(s, v, nobj, &pn);
	if (tagged)
		status = mark_pages(s, v, nobj, marks);
	for (size_t i = 0; i < nobj && status == 0; i++) {
		struct obj *o = &v[i];
		const char *t = key_in(s, o, K_TYPE_PAGE);
		if (tagged && t && t[11] != 's' && insert_after(s, o, "/Type /Page", "\n   /Tabs /S") < 0)
			status = -1;
		if (tagged)
			describe_link(s, &pn, o);
		if (tagged && key_in(s, o, K_S_NOTE)) {
			/* PDF/UA (7.9) wants each Note element to have an ID of its own. */
			char *id = xasprintf("\n   /ID (note-%u)", o->num);
			status = insert_after(s, o, "/S /Note", id);
			free(id);
		}
		if (key_in(s, o, K_TYPE_CATALOG)) {
			char *ins = xasprintf("\n   /Metadata %u 0 R%s", meta_num,
					      tagged ? "\n   /ViewerPreferences << /DisplayDocTitle true >>" : "");
			status = insert_after(s, o, "/Type /Catalog", ins);
			free(ins);
			catalog = 1;
		}
	}
	free(pn.obj);
	if (!catalog)
		status = -1;
	if (status == 0) {
		struct buf out = BUF_INIT;
		buf_grow(&out, n + n / 8 + 4096);
		buf_put(&out, s, nobj ? v[0].off : xref_at);
		size_t *offs = xcalloc(count + 1, sizeof *offs);
		for (size_t i = 0; i < nobj; i++) {
			offs[v[i].num] = out.len;
			if (v[i].repl)
				buf_put(&out, v[i].repl, v[i].repl_len);
			else
				buf_put(&out, s + v[i].off, v[i].end - v[i].off);
		}
		struct pdf_meta m = *meta;
		char *producer = m.producer ? NULL : producer_of(s, n);
		if (!m.producer)
			m.producer = producer;
		struct buf x = BUF_INIT;
		xmp_packet(&x, &m);
		free(producer);
		offs[meta_num] = out.len;
		buf_printf(&out, "%u 0 obj\n<< /Type /Metadata\n   /Subtype /XML\n   /Length %zu\n>>\nstream\n",
			   meta_num, x.len);
		buf_put(&out, x.data, x.len);
		buf_puts(&out, "\nendstream\nendobj\n");
		buf_free(&x);
		size_t new_xref = out.len;
		buf_printf(&out, "xref\n0 %lu\n", count + 1);
		for (unsigned long k = 0; k <= count; k++) {
			if (offs[k] >= 10000000000u) {
				buf_printf(&out, "%010zu 00000 n \n", offs[k]);
			} else if (offs[k]) {
				/* "%010zu 00000 n \n" written by hand: a line per object, 11 M instructions in printf. */
				char line[21];
				memcpy(line, "0000000000 00000 n \n", sizeof line);
				for (size_t at = offs[k], d = 10; at; at /= 10)
					line[--d] = (char)('0' + at % 10);
				buf_put(&out, line, 20);
			} else {
				buf_puts(&out, "0000000000 65535 f \n");
			}
		}
		free(offs);
		/* The trailer, with one object more. */
		const char *size = find_in(trailer, sx, "/Size ");
		if (!size) {
			buf_free(&out);
			status = -1;
		} else {
			char *after;
			strtoul(size + 6, &after, 10);
			buf_put(&out, trailer + 1, (size_t)(size + 6 - trailer - 1));
			buf_printf(&out, "%lu", count + 1);
			buf_put(&out, after, (size_t)(sx - after));
			buf_printf(&out, "\nstartxref\n%zu\n%%%%EOF\n", new_xref);
			buf_free(pdf);
			*pdf = out;
		}
	}
	for (size_t i = 0; i < nobj; i++)
		free(v[i].repl);
	free(v);
	return status;
}
