/*
 * Markdown trees → typeset blocks; see layout.h.
 *
 * Each block-level node becomes one struct blk. Its text is gathered by a
 * text builder (struct tb): the UTF-8 string Pango lays out, plus a Pango
 * attribute list (emphasis, bold, code, superscripts, link colour) and the
 * byte ranges of links, so no markup is ever parsed or escaped. Every text
 * run goes through typo_apply (French spaces, apostrophes, ordinals) and,
 * in justified text, through the hyphenator (soft hyphens).
 *
 * A cross-reference to a document of the same booklet gets the page it
 * starts on, asked from page_of (the page loop lays the booklet out again
 * until those numbers stop changing); one to a document outside prints
 * the web address when the site has one.
 */
#include "layout.h"
#include "image.h"
#include "bodies.h"
#include "linebreak.h"
#include "buf.h"
#include "hash.h"
#include "markdown.h"
#include "shape_cache.h"
#include "slug.h"
#include "typo.h"
#include "utf8.h"
#include "xalloc.h"
#include "xref.h"

#include <cmark-gfm-core-extensions.h>
#include <stdlib.h>
#include <string.h>

#define LINK_RGB 0x1a, 0x4f, 0x8b
#define QR_SIZE 64.0
/* A size of the type scale, and a space in lines of body text (style.h). */
#define SIZE(name) (L->o.body_size * L->o.style->name)
#define GAP(name) (L->pitch * L->o.style->name)

struct lay {
	const struct site *s;
	const struct book *b;
	const struct hyph *h;
	struct lay_options o;
	PangoFontMap *map;
	PangoContext *ctx;
	PangoFontDescription *font;

	/*
	 * Paragraph layouts already shaped, by text, attributes and settings:
	 * the passes after the first lay out again the parts that print page
	 * numbers, and all but the few paragraphs holding a « p. N » come out
	 * the same. Shaping is most of the cost of a booklet.
	 */
	struct shaped **shaped;

	/* Per document being laid out. */
	const struct doc *doc;
	size_t heading;         /* index into doc->headings */
	int tag_level;          /* level of the last heading tagged (the band is 1) */
	size_t nnotes;          /* footnotes called so far in the document */
	double pitch;           /* distance between two lines of body text */
	unsigned page_refs;     /* page numbers asked so far (see lay_part) */
};

struct shaped {
	struct shaped *next;
	unsigned long long hash;
	char *key;              /* settings, text and serialised attributes */
	size_t key_len;
	PangoLayout *layout;    /* one reference held by the cache */
};

#define SHAPED_BUCKETS 4096

/* The text of one layout being built. */
struct tb {
	struct buf text;
	PangoAttrList *attrs;
	struct lay_link *links;
	size_t nlinks;
	struct typo_state typo;
	int hyphenate;
	int italic_base;        /* quotations: emphasis sets roman */
	int in_link;
	/*
	 * What a link adds for paper (« , p. 44 », « (voir fiche-action 6,
	 * p. 14) », a web address) waits here until the closing quotation
	 * mark that follows the link is written: « Santal » (voir …), not
	 * « Santal (voir …) ».
	 */
	char *pending;
	char *pending_uri, *pending_dest;
	/* Footnote calls: byte offset and number. */
	struct {
		int offset, number;
	} *calls;
	size_t ncalls;
};

/* Where a block sits: list nesting, quotation. */
struct where {
	double indent;
	int quote;
	int list_depth;
	int tight;
	PangoLayout *marker;    /* to hang on the next paragraph (first of a list item) */
};

/* ---- small helpers ---- */

static void rgb_of(const char *hex, double rgb[3], double r, double g, double b)
{
	unsigned v;
	if (hex && hex[0] == '#' && strlen(hex) == 7 && sscanf(hex + 1, "%6x", &v) == 1) {
		rgb[0] = ((v >> 16) & 0xff) / 255.0;
		rgb[1] = ((v >> 8) & 0xff) / 255.0;
		rgb[2] = (v & 0xff) / 255.0;
	} else {
		rgb[0] = r;
		rgb[1] = g;
		rgb[2] = b;
	}
}

char *lay_doc_dest(const struct doc *d, const char *anchor)
{
	if (anchor && *anchor)
		return xasprintf("%s-%s-%s", d->desc->name, d->slug, anchor);
	return xasprintf("%s-%s", d->desc->name, d->slug);
}

static struct blk *new_blk(struct flow *f, enum blk_kind kind)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 64;
		f->v = xrealloc(f->v, f->cap * sizeof *f->v);
	}
	struct blk *b = &f->v[f->n++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	b->tag = "P";
	return b;
}

static void attr(struct tb *t, PangoAttribute *a, size_t start)
{
	a->start_index = (guint)start;
	a->end_index = (guint)t->text.len;
	pango_attr_list_insert(t->attrs, a);
}

static void tb_init(struct tb *t, int hyphenate)
{
	memset(t, 0, sizeof *t);
	t->attrs = pango_attr_list_new();
	t->typo = (struct typo_state)TYPO_STATE_INIT;
	t->hyphenate = hyphenate;
}

static void tb_free(struct tb *t)
{
	free(t->calls);
	free(t->pending);
	free(t->pending_uri);
	free(t->pending_dest);
	buf_free(&t->text);
	if (t->attrs)
		pango_attr_list_unref(t->attrs);
	for (size_t i = 0; i < t->nlinks; i++) {
		free(t->links[i].uri);
		free(t->links[i].dest);
	}
	free(t->links);
}

struct emit {
	struct lay *L;
	struct tb *t;
};

static void emit_typo(void *ctx, enum typo_span kind, const char *s, size_t n)
{
	struct emit *e = ctx;
	size_t start = e->t->text.len;
	if (kind == TYPO_SUPERSCRIPT) {
		buf_put(&e->t->text, s, n);
		attr(e->t, pango_attr_rise_new(4 * PANGO_SCALE), start);
		attr(e->t, pango_attr_scale_new(0.7), start);
	} else if (e->t->hyphenate) {
		hyph_insert(e->L->h, s, n, &e->t->text);
	} else {
		buf_put(&e->t->text, s, n);
	}
}

static void put_text(struct lay *L, struct tb *t, const char *s, size_t n)
{
	struct emit e = {L, t};
	typo_apply(s, n, &t->typo, emit_typo, &e);
}

static void put_raw(struct tb *t, const char *s)
{
	buf_puts(&t->text, s);
	size_t n = strlen(s);
	if (n)
		t->typo.prev = (unsigned char)s[n - 1];
}

static void add_link(struct tb *t, size_t start, const char *uri, const char *dest)
{
	if (t->text.len == start)
		return;
	t->links = xrealloc(t->links, (t->nlinks + 1) * sizeof *t->links);
	t->links[t->nlinks++] = (struct lay_link){(int)start, (int)t->text.len,
						  uri ? xstrdup(uri) : NULL, dest ? xstrdup(dest) : NULL};
	attr(t, pango_attr_foreground_new(LINK_RGB * 257), start);
}

/*
 * Writes the pending reference: text with the part between \x01 and \x02
 * made a link (the markers are dropped).
 */
static void flush_pending(struct tb *t)
{
	if (!t->pending)
		return;
	char *p = t->pending;
	t->pending = NULL;
	char *open = strchr(p, '\x01'), *close = open ? strchr(open, '\x02') : NULL;
	if (open && close) {
		buf_put(&t->text, p, (size_t)(open - p));
		size_t s = t->text.len;
		if (t->pending_uri)
			hyph_address(open + 1, (size_t)(close - open - 1), &t->text);
		else
			buf_put(&t->text, open + 1, (size_t)(close - open - 1));
		add_link(t, s, t->pending_uri, t->pending_dest);
		buf_puts(&t->text, close + 1);
	} else {
		buf_puts(&t->text, p);
	}
	size_t n = t->text.len;
	if (n)
		t->typo.prev = (unsigned char)t->text.data[n - 1];
	free(p);
	free(t->pending_uri);
	free(t->pending_dest);
	t->pending_uri = t->pending_dest = NULL;
}

static void set_pending(struct tb *t, char *text, const char *uri, const char *dest)
{
	flush_pending(t);
	t->pending = text;
	t->pending_uri = uri ? xstrdup(uri) : NULL;
	t->pending_dest = dest ? xstrdup(dest) : NULL;
}

static PangoLayout *make_layout(struct lay *L, struct tb *t, double size, int bold, int italic,
				double width, int justify, PangoAlignment align)
{
	flush_pending(t);
	PangoLayout *l = pango_layout_new(L->ctx);
	PangoFontDescription *f = pango_font_description_copy(L->font);
	pango_font_description_set_size(f, (gint)(size * PANGO_SCALE));
	if (bold)
		pango_font_description_set_weight(f, PANGO_WEIGHT_BOLD);
	if (italic)
		pango_font_description_set_style(f, PANGO_STYLE_ITALIC);
	pango_layout_set_font_description(l, f);
	pango_font_description_free(f);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_justify(l, justify);
	pango_layout_set_alignment(l, align);
	pango_layout_set_line_spacing(l, (float)L->o.style->leading);
	pango_layout_set_text(l, t->text.data ? t->text.data : "", (int)t->text.len);
	pango_layout_set_attributes(l, t->attrs);
	if (width > 0) {
		linebreak_total_fit(l);
		if (justify)
			linebreak_pull_in(l);
	}
	return l;
}

/*
 * make_layout for a body paragraph, through the cache. The layout returned
 * is shared: callers do not change it (text_blk only measures it).
 */
static PangoLayout *shaped_layout(struct lay *L, struct tb *t, double size, int bold, int italic,
				  double width, int justify)
{
	flush_pending(t);
	struct buf key = BUF_INIT;
	buf_printf(&key, "%a %d %d %a %d\n", size, bold, italic, width, justify);
	if (t->text.len)
		buf_put(&key, t->text.data, t->text.len);
	char *attrs = pango_attr_list_to_string(t->attrs);
	buf_putc(&key, '\0');
	buf_puts(&key, attrs);
	g_free(attrs);
	unsigned long long h = hash_bytes(key.data, key.len);
	if (!L->shaped)
		L->shaped = xcalloc(SHAPED_BUCKETS, sizeof *L->shaped);
	struct shaped **slot = &L->shaped[h % SHAPED_BUCKETS];
	for (struct shaped *e = *slot; e; e = e->next) {
		if (e->hash == h && e->key_len == key.len && !memcmp(e->key, key.data, key.len)) {
			buf_free(&key);
			return g_object_ref(e->layout);
		}
	}
	struct shaped *e = xcalloc(1, sizeof *e);
	e->hash = h;
	e->key_len = key.len;
	e->key = buf_detach(&key);
	e->layout = make_layout(L, t, size, bold, italic, width, justify, PANGO_ALIGN_LEFT);
	e->next = *slot;
	*slot = e;
	return g_object_ref(e->layout);
}

/* Distance between the baselines of two lines of l's text (its font, its spacing). */
static double line_pitch(PangoLayout *l)
{
	float spacing = pango_layout_get_line_spacing(l);
	const PangoFontDescription *fd = pango_layout_get_font_description(l);
	PangoFontMetrics *m = pango_context_get_metrics(pango_layout_get_context(l), fd, NULL);
	double h = (double)pango_font_metrics_get_height(m) * (spacing > 0 ? spacing : 1) / PANGO_SCALE;
	pango_font_metrics_unref(m);
	return h;
}

void lay_measure(struct blk *b)
{
	if (!b->layout)
		return;
	int n = pango_layout_get_line_count(b->layout);
	b->nlines = n;
	b->line_top = xcalloc((size_t)n + 1, sizeof *b->line_top);
	b->baseline = xcalloc((size_t)n + 1, sizeof *b->baseline);
	b->hyphen = xcalloc((size_t)n + 1, 1);
	const char *text = pango_layout_get_text(b->layout);
	PangoLayoutIter *it = pango_layout_get_iter(b->layout);
	int i = 0;
	do {
		PangoLayoutLine *ln = pango_layout_iter_get_line_readonly(it);
		int end = ln->start_index + ln->length;
		b->hyphen[i] = end >= 2 && i + 1 < n &&
			       (((unsigned char)text[end - 2] == 0xC2 && (unsigned char)text[end - 1] == 0xAD) ||
				(text[end - 1] == '-' && end >= 2 && text[end - 2] != ' '));
		PangoRectangle logical;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		b->line_top[i] = (double)logical.y / PANGO_SCALE;
		b->baseline[i] = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		b->line_top[i + 1] = (double)(logical.y + logical.height) / PANGO_SCALE;
		i++;
	} while (i < n && pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	/*
	 * Pango puts the line spacing between lines only: the last line ends
	 * at its glyphs' height. It is given its whole pitch, so that the
	 * spaces set between blocks (style.h) come on top of one line of
	 * text, and the gap between two items is never below that between
	 * two lines of one item.
	 */
	if (n > 0) {
		double pitch = n >= 2 ? b->line_top[n - 1] - b->line_top[n - 2] : line_pitch(b->layout);
		if (b->line_top[n] - b->line_top[n - 1] < pitch)
			b->line_top[n] = b->line_top[n - 1] + pitch;
	}
	if (b->kind == BLK_TEXT || b->kind == BLK_TOC)
		b->h = b->line_top[n];
}

/* Moves the builder's links into the block (the builder is freed after). */
static void take_links(struct tb *t, struct lay_link **links, size_t *n)
{
	*links = t->links;
	*n = t->nlinks;
	t->links = NULL;
	t->nlinks = 0;
}

PangoLayout *lay_text(struct lay *L, const char *text, double size, int bold, int italic,
		      double width, PangoAlignment align)
{
	struct tb t;
	tb_init(&t, 0);
	put_text(L, &t, text, strlen(text));
	PangoLayout *l = make_layout(L, &t, size, bold, italic, width, 0, align);
	tb_free(&t);
	return l;
}

/* ---- inline content ---- */

static void inlines(struct lay *L, struct tb *t, cmark_node *node);

/*
 * cmark-gfm numbers footnote references itself (their literal is "1", "2"…
 * in order of first call) and moves the definitions, in that order, to the
 * end of the document: definition k is the k-th one there.
 */
static size_t note_number(struct lay *L, const char *literal)
{
	size_t n = literal ? (size_t)strtoul(literal, NULL, 10) : 0;
	if (n > L->nnotes)
		L->nnotes = n;
	return n;
}

/* Is dest (an appendix entry) in this booklet? */
static int has_part(const struct book *b, enum part_kind k)
{
	for (size_t i = 0; i < b->nparts; i++)
		if (b->parts[i].kind == k)
			return 1;
	return 0;
}

/* An address as read: without scheme, « www. » or final slash. */
static void url_core(const char *u, size_t n, const char **start, size_t *len)
{
	if (n >= 8 && strncmp(u, "https://", 8) == 0)
		u += 8, n -= 8;
	else if (n >= 7 && strncmp(u, "http://", 7) == 0)
		u += 7, n -= 7;
	else if (n >= 7 && strncmp(u, "mailto:", 7) == 0)
		u += 7, n -= 7;
	if (n >= 4 && strncmp(u, "www.", 4) == 0)
		u += 4, n -= 4;
	while (n && u[n - 1] == '/')
		n--;
	*start = u;
	*len = n;
}

/* Does the link text already show the address url (give or take its scheme)? */
static int shows_url(const char *text, const char *url)
{
	const char *u;
	size_t n;
	url_core(url, strlen(url), &u, &n);
	if (n == 0)
		return 1;
	char *core = xstrndup(u, n);
	int found = strstr(text, core) != NULL;
	free(core);
	return found;
}

/*
 * Does the link text name the fiche itself (« fiche-action 10 », « fiche
 * thématique 2 », « fiche 10 »)? Then only its page is added.
 */
static int names_fiche(const char *text, const struct doc *target)
{
	if (target->desc->list != LIST_NUMBERED)
		return 0;
	const char *const words[] = {target->desc->label_lower, "fiche", "fiche action",
				     "fiche-action", "fiche thématique"};
	char *low = xstrdup(text);
	for (char *p = low; *p; p++)
		*p = (char)ascii_tolower((unsigned char)*p);
	int found = 0;
	for (size_t w = 0; w < sizeof words / sizeof *words && !found; w++) {
		size_t n = strlen(words[w]);
		for (const char *p = strstr(low, words[w]); p && !found; p = strstr(p + 1, words[w])) {
			const char *q = p + n;
			/* A space, no-break or not (U+00A0, U+202F), then the number. */
			while (*q == ' ' || (unsigned char)*q == 0xC2 || (unsigned char)*q == 0xA0 ||
			       (unsigned char)*q == 0xE2 || (unsigned char)*q == 0x80 || (unsigned char)*q == 0xAF)
				q++;
			char *end;
			long v = strtol(q, &end, 10);
			found = end > q && v == target->number && !ascii_isdigit((unsigned char)*end);
		}
	}
	free(low);
	return found;
}

static void link_node(struct lay *L, struct tb *t, cmark_node *node)
{
	const char *url = cmark_node_get_url(node);
	size_t start = t->text.len;
	if (t->in_link || !url || !*url) {
		inlines(L, t, node);
		return;
	}
	flush_pending(t);
	t->in_link = 1;
	inlines(L, t, node);
	t->in_link = 0;
	flush_pending(t);
	/* The link's text as written: without the hyphenation points and address breaks. */
	char *text = xstrndup(t->text.data + start, t->text.len - start);
	size_t kept = 0;
	for (size_t i = 0; text[i]; i++) {
		const unsigned char *u = (const unsigned char *)text + i;
		if (u[0] == 0xC2 && u[1] == 0xAD)
			i += 1;
		else if (u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0x8B)
			i += 2;
		else
			text[kept++] = text[i];
	}
	text[kept] = '\0';
	size_t pl = strlen(XREF_INTERNAL);
	if (strncmp(url, XREF_INTERNAL, pl) != 0) {
		add_link(t, start, url, NULL);
		int is_http = strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
		/* On paper the address must be readable when the text is not it. */
		if (is_http && !shows_url(text, url))
			set_pending(t, xasprintf(" (\x01%s\x02)", url), url, NULL);
		free(text);
		return;
	}
	const char *path = url + pl;
	const char *hash = strchr(path, '#');
	char *anchor = hash ? xstrdup(hash + 1) : NULL;
	struct doc *target = xref_target_doc(node);
	if (target && booklet_find(L->b, target) >= 0) {
		char *dest = lay_doc_dest(target, anchor);
		int page = L->o.page_of(L->o.page_ctx, dest);
		L->page_refs++;
		add_link(t, start, NULL, dest);
		char *ref;
		if (names_fiche(text, target))
			ref = xasprintf(", \x01p.\u00a0%d\x02", page);
		else if (target->desc->list == LIST_NUMBERED)
			ref = xasprintf(" (\x01voir %s %d, p.\u00a0%d\x02)", target->desc->label_lower,
					target->number, page);
		else
			ref = xasprintf(" (\x01voir p.\u00a0%d\x02)", page);
		set_pending(t, ref, NULL, dest);
		free(dest);
	} else if (target && L->o.base_url) {
		char *web = xasprintf("%s%s%s%s", L->o.base_url, target->out_path,
				      anchor ? "#" : "", anchor ? anchor : "");
		add_link(t, start, web, NULL);
		set_pending(t, xasprintf(" (\x01%s\x02)", web), web, NULL);
		free(web);
	} else if (!target) {
		/* Contacts, glossary, bibliography: to the appendix when the booklet has it. */
		const char *dir = path;
		enum part_kind k = strncmp(dir, "contacts/", 9) == 0 ? PART_CONTACTS :
				   strncmp(dir, "glossaire", 9) == 0 ? PART_GLOSSARY :
				   strncmp(dir, "bibliographie", 13) == 0 ? PART_BIBLIO : PART_DOC;
		char *dest = NULL;
		if (k == PART_CONTACTS) {
			const char *id = path + 9;
			const char *dot = strrchr(id, '.');
			char *cid = xstrndup(id, dot ? (size_t)(dot - id) : strlen(id));
			dest = xasprintf("contact-%s", cid);
			free(cid);
		} else if (k != PART_DOC && anchor) {
			dest = xasprintf("%s-%s", k == PART_GLOSSARY ? "sigle" : "biblio", anchor);
		}
		if (dest && has_part(L->b, k)) {
			add_link(t, start, NULL, dest);
		} else if (L->o.base_url) {
			char *web = xasprintf("%s%s", L->o.base_url, path);
			add_link(t, start, web, NULL);
			free(web);
		}
		free(dest);
	}
	free(text);
	free(anchor);
}

/*
 * Length of the closing quotation marks at the start of s (with the space
 * before a closing guillemet), which go before a pending reference.
 */
static size_t closing_quotes(const char *s)
{
	size_t i = 0;
	for (;;) {
		size_t sp = 0;
		while (s[i + sp] == ' ')
			sp++;
		if (!strncmp(s + i + sp, "\u00a0", 2) || !strncmp(s + i + sp, "\u202f", 3)) {
			sp += (unsigned char)s[i + sp] == 0xC2 ? 2 : 3;
		}
		const char *q = s + i + sp;
		if (!strncmp(q, "\u00bb", 2))
			i += sp + 2;
		else if (!sp && (*q == '"' || !strncmp(q, "\u201d", 3) || !strncmp(q, "\u2019", 3) || *q == '\''))
			i += *q == '"' || *q == '\'' ? 1 : 3;
		else
			return i;
	}
}

static void inline_node(struct lay *L, struct tb *t, cmark_node *node)
{
	if (cmark_node_get_type(node) != CMARK_NODE_TEXT)
		flush_pending(t);
	size_t start = t->text.len;
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_TEXT: {
		const char *lit = cmark_node_get_literal(node);
		size_t n = strlen(lit), q = t->pending ? closing_quotes(lit) : 0;
		if (q)
			put_text(L, t, lit, q);
		flush_pending(t);
		put_text(L, t, lit + q, n - q);
		return;
	}
	case CMARK_NODE_SOFTBREAK:
		put_raw(t, " ");
		return;
	case CMARK_NODE_LINEBREAK:
		put_raw(t, "\n");
		return;
	case CMARK_NODE_CODE:
		buf_puts(&t->text, cmark_node_get_literal(node));
		attr(t, pango_attr_family_new("DejaVu Sans Mono"), start);
		attr(t, pango_attr_scale_new(0.88), start);
		t->typo.prev = 'x';
		return;
	case CMARK_NODE_EMPH:
		inlines(L, t, node);
		attr(t, pango_attr_style_new(t->italic_base ? PANGO_STYLE_NORMAL : PANGO_STYLE_ITALIC),
		     start);
		return;
	case CMARK_NODE_STRONG:
		inlines(L, t, node);
		attr(t, pango_attr_weight_new(PANGO_WEIGHT_BOLD), start);
		return;
	case CMARK_NODE_LINK:
		link_node(L, t, node);
		return;
	case CMARK_NODE_IMAGE: {
		char *alt = markdown_plain_text(node);
		put_text(L, t, alt, strlen(alt));
		free(alt);
		return;
	}
	case CMARK_NODE_FOOTNOTE_REFERENCE: {
		char num[24];
		size_t number = note_number(L, cmark_node_get_literal(node));
		snprintf(num, sizeof num, "%zu", number);
		t->calls = xrealloc(t->calls, (t->ncalls + 1) * sizeof *t->calls);
		t->calls[t->ncalls].offset = (int)start;
		t->calls[t->ncalls++].number = (int)number;
		buf_puts(&t->text, num);
		attr(t, pango_attr_rise_new(4 * PANGO_SCALE), start);
		attr(t, pango_attr_scale_new(0.7), start);
		return;
	}
	case CMARK_NODE_HTML_INLINE:
		return;
	default:
		break;
	}
	if (strcmp(cmark_node_get_type_string(node), "strikethrough") == 0) {
		inlines(L, t, node);
		attr(t, pango_attr_strikethrough_new(TRUE), start);
		return;
	}
	inlines(L, t, node);
}

static void inlines(struct lay *L, struct tb *t, cmark_node *node)
{
	for (cmark_node *c = cmark_node_first_child(node); c; c = cmark_node_next(c))
		inline_node(L, t, c);
}

/* ---- blocks ---- */

static struct blk *text_blk(struct lay *L, struct flow *f, struct tb *t, const struct where *w,
			    double size, int bold, int italic, int justify)
{
	struct blk *b = new_blk(f, BLK_TEXT);
	b->indent = w->indent;
	b->width = L->o.width - w->indent;
	b->quote = w->quote;
	b->layout = shaped_layout(L, t, size, bold, italic, b->width, justify);
	take_links(t, &b->links, &b->nlinks);
	lay_measure(b);
	if (t->ncalls) {
		b->calls = xcalloc(t->ncalls, sizeof *b->calls);
		for (size_t i = 0; i < t->ncalls; i++) {
			int line = 0, x;
			pango_layout_index_to_line_x(b->layout, t->calls[i].offset, 0, &line, &x);
			b->calls[i] = (struct blk_call){line, t->calls[i].number, 0};
		}
		b->ncalls = t->ncalls;
	}
	return b;
}

/* A paragraph that is only an emphasised quotation (« *…* ») is set apart. */
static int is_quotation(cmark_node *para)
{
	int emph = 0;
	for (cmark_node *c = cmark_node_first_child(para); c; c = cmark_node_next(c)) {
		cmark_node_type ty = cmark_node_get_type(c);
		if (ty == CMARK_NODE_EMPH) {
			emph++;
		} else if (ty == CMARK_NODE_TEXT) {
			for (const char *p = cmark_node_get_literal(c); *p; p++)
				if (ascii_isalnum(*p))
					return 0;
		} else if (ty != CMARK_NODE_SOFTBREAK) {
			return 0;
		}
	}
	return emph == 1;
}

static void block(struct lay *L, struct flow *f, cmark_node *node, struct where *w);

static void blocks(struct lay *L, struct flow *f, cmark_node *node, struct where *w)
{
	for (cmark_node *c = cmark_node_first_child(node); c; c = cmark_node_next(c))
		block(L, f, c, w);
}

static void paragraph(struct lay *L, struct flow *f, cmark_node *node, struct where *w)
{
	double size = L->o.body_size;
	struct where inner = *w;
	int quotation = !w->quote && is_quotation(node);
	if (quotation) {
		inner.indent += L->o.style->quote_indent;
		inner.quote = 1;
	}
	/* A paragraph made of one image is a figure. */
	cmark_node *only = cmark_node_first_child(node);
	if (only && !cmark_node_next(only) && cmark_node_get_type(only) == CMARK_NODE_IMAGE) {
		const char *url = cmark_node_get_url(only);
		size_t pl = strlen(XREF_INTERNAL);
		cairo_surface_t *img = NULL;
		int orientation = 1;
		if (url && strncmp(url, XREF_INTERNAL, pl) == 0) {
			/* PNG, or JPEG embedded as it is (image.h); the check warned about the others. */
			char *fs = xasprintf("%s/%s", L->s->content_dir, url + pl);
			img = image_load_printable(fs, &orientation);
			free(fs);
		}
		if (img) {
			struct blk *b = new_blk(f, BLK_IMAGE);
			b->tag = "Figure";
			b->image = img;
			b->orientation = orientation;
			b->alt = markdown_plain_text(only);
			b->indent = w->indent;
			double iw, ih;
			image_oriented_size(orientation, cairo_image_surface_get_width(img),
					    cairo_image_surface_get_height(img), &iw, &ih);
			/* 150 dpi at most, and never wider than the frame. */
			double scale = 72.0 / 150.0;
			b->width = iw * scale;
			if (b->width > L->o.width - w->indent)
				scale = (L->o.width - w->indent) / iw;
			if (ih * scale > L->o.width)
				scale = L->o.width / ih;
			b->width = iw * scale;
			b->h = ih * scale;
			b->before = b->after = GAP(block);
			b->atomic = 1;
			return;
		}
	}
	struct tb t;
	tb_init(&t, 1);
	t.italic_base = inner.quote;
	inlines(L, &t, node);
	struct blk *b = text_blk(L, f, &t, &inner, inner.quote ? SIZE(quote) : size, 0,
				 inner.quote, 1);
	tb_free(&t);
	if (w->list_depth) {
		b->tag = "LI";
		b->marker = w->marker;
		w->marker = NULL;
		b->after = w->tight ? GAP(item) : GAP(item_loose);
	} else {
		b->after = GAP(para);
	}
	if (quotation) {
		b->tag = "BlockQuote";
		b->before = GAP(block);
		b->after = GAP(block);
	}
}

/*
 * The structure tag of a heading of Markdown level `level`: never more than
 * one level below the heading before it (a « ### » right under the title
 * is an H2 for screen readers), the document's band being the H1.
 */
static const char *heading_tag(struct lay *L, int level)
{
	static const char *const tags[] = {"H1", "H2", "H3", "H4", "H5", "H6"};
	if (level < 1)
		level = 1;
	if (L->tag_level < 1)
		L->tag_level = 1;
	if (level > L->tag_level + 1)
		level = L->tag_level + 1;
	if (level > 6)
		level = 6;
	L->tag_level = level;
	return tags[level - 1];
}

static void heading(struct lay *L, struct flow *f, cmark_node *node, struct where *w)
{
	int level = cmark_node_get_heading_level(node);
	const struct heading *hd = L->doc && L->heading < L->doc->nheadings ?
				   &L->doc->headings[L->heading++] : NULL;
	const struct style *st = L->o.style;
	double size = L->o.body_size * (level <= 1 ? st->h1 : level == 2 ? st->h2 : level == 3 ? st->h3 : st->h4);
	struct tb t;
	tb_init(&t, 0);
	inlines(L, &t, node);
	if (L->doc) {
		/* Headings in the document's colour, darkened to read as text; links keep theirs. */
		double rgb[3];
		rgb_of(L->doc->logic ? L->doc->logic->colour : NULL, rgb, 0.2, 0.25, 0.35);
		PangoAttribute *a = pango_attr_foreground_new((guint16)(rgb[0] * 0.8 * 65535),
							      (guint16)(rgb[1] * 0.8 * 65535),
							      (guint16)(rgb[2] * 0.8 * 65535));
		a->start_index = 0;
		a->end_index = (guint)t.text.len;
		pango_attr_list_insert_before(t.attrs, a);
	}
	struct blk *b = text_blk(L, f, &t, w, size, 1, level >= 4, 0);
	tb_free(&t);
	b->tag = heading_tag(L, level);
	b->before = L->pitch * st->h_before[level < 1 ? 0 : level > 4 ? 3 : level - 1];
	b->after = GAP(h_after);
	b->keep_next = 1;
	if (hd && L->doc) {
		b->dest = lay_doc_dest(L->doc, hd->anchor);
		/* Every level: the booklet's `sommaire:` depth chooses (toc.c). */
		b->outline = level < 2 ? 2 : level;
		b->outline_title = typo_plain(hd->text, strlen(hd->text));
	}
}

static void list(struct lay *L, struct flow *f, cmark_node *node, struct where *w)
{
	int ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
	int number = cmark_node_get_list_start(node);
	struct where inner = *w;
	inner.list_depth++;
	inner.indent += L->o.style->list_indent;
	inner.tight = cmark_node_get_list_tight(node);
	inner.quote = w->quote;
	for (cmark_node *item = cmark_node_first_child(node); item; item = cmark_node_next(item)) {
		char mark[32];
		if (ordered)
			snprintf(mark, sizeof mark, "%d.", number++);
		else
			snprintf(mark, sizeof mark, "%s", inner.list_depth % 2 ? "•" : "–");
		inner.marker = lay_text(L, mark, L->o.body_size, 0, 0, L->o.style->list_indent,
					PANGO_ALIGN_LEFT);
		size_t first = f->n;
		blocks(L, f, item, &inner);
		if (inner.marker) {
			/* An item with no paragraph (empty): keep the bullet anyway. */
			g_object_unref(inner.marker);
			inner.marker = NULL;
		}
		(void)first;
	}
	if (f->n)
		f->v[f->n - 1].after = GAP(list_end);
}

static void code_block(struct lay *L, struct flow *f, cmark_node *node, struct where *w)
{
	struct tb t;
	tb_init(&t, 0);
	const char *lit = cmark_node_get_literal(node);
	size_t n = strlen(lit);
	while (n && lit[n - 1] == '\n')
		n--;
	buf_put(&t.text, lit, n);
	attr(&t, pango_attr_family_new("DejaVu Sans Mono"), 0);
	struct where inner = *w;
	inner.indent += 8;
	struct blk *b = text_blk(L, f, &t, &inner, SIZE(code), 0, 0, 0);
	b->tag = "Code";
	b->before = b->after = GAP(block);
	tb_free(&t);
}

static int cell_align(cmark_node *table, size_t col)
{
	uint8_t *aligns = cmark_gfm_extensions_get_table_alignments(table);
	uint16_t ncols = cmark_gfm_extensions_get_table_columns(table);
	if (!aligns || col >= ncols)
		return 0;
	return aligns[col] == 'c' ? 1 : aligns[col] == 'r' ? 2 : 0;
}

#define CELL_PAD 4.0
/* The smallest size a wide table is set in, against its own (7.4 pt for 9.2). */
#define TABLE_MIN_SCALE 0.8

/* Width of the widest word of an unwrapped layout (its hyphenation points ignored). */
static double widest_word(PangoLayout *l)
{
	const char *text = pango_layout_get_text(l);
	int widest = 0;
	for (int i = 0; text[i];) {
		while (text[i] == ' ' || text[i] == '\n')
			i++;
		int j = i;
		while (text[j] && text[j] != ' ' && text[j] != '\n')
			j++;
		if (j > i) {
			PangoRectangle a, z;
			pango_layout_index_to_pos(l, i, &a);
			pango_layout_index_to_pos(l, j, &z);
			int w = z.x - a.x;
			if (z.y == a.y && w > widest)
				widest = w;
		}
		i = j;
	}
	return (double)widest / PANGO_SCALE;
}

/* Each column's unwrapped and widest-word width, cells set in size points. */
static void measure_columns(struct lay *L, const struct blk *b, struct tb *cells, double size,
			    double *natural, double *least)
{
	size_t ncols = b->ncols;
	memset(natural, 0, ncols * sizeof *natural);
	memset(least, 0, ncols * sizeof *least);
	for (size_t r = 0; r < b->nrows; r++)
		for (size_t c = 0; c < ncols; c++) {
			struct tb *t = &cells[r * ncols + c];
			PangoLayout *probe = make_layout(L, t, size, b->rows[r].header, 0, -1, 0,
							 PANGO_ALIGN_LEFT);
			pango_layout_set_width(probe, -1);
			int pw, ph;
			pango_layout_get_size(probe, &pw, &ph);
			double wpt = (double)pw / PANGO_SCALE + 2 * CELL_PAD + 1;
			if (wpt > natural[c])
				natural[c] = wpt;
			double mpt = widest_word(probe) + 2 * CELL_PAD + 1;
			if (mpt > least[c])
				least[c] = mpt;
			g_object_unref(probe);
		}
}

static void table(struct lay *L, struct flow *f, cmark_node *node, struct where *w)
{
	size_t ncols = cmark_gfm_extensions_get_table_columns(node), nrows = 0;
	for (cmark_node *r = cmark_node_first_child(node); r; r = cmark_node_next(r))
		nrows++;
	if (!ncols || !nrows)
		return;
	struct blk *b = new_blk(f, BLK_TABLE);
	b->tag = "Table";
	b->indent = w->indent;
	b->width = L->o.width - w->indent;
	b->ncols = ncols;
	b->nrows = nrows;
	b->rows = xcalloc(nrows, sizeof *b->rows);
	b->colw = xcalloc(ncols, sizeof *b->colw);
	b->align = xcalloc(ncols, sizeof *b->align);
	double size = SIZE(table);
	double *natural = xcalloc(ncols, sizeof *natural);
	double *least = xcalloc(ncols, sizeof *least);
	size_t ri = 0;
	/* Pass 1: each cell's text. */
	struct tb *cells = xcalloc(nrows * ncols, sizeof *cells);
	for (cmark_node *r = cmark_node_first_child(node); r; r = cmark_node_next(r), ri++) {
		b->rows[ri].header = cmark_gfm_extensions_get_table_row_is_header(r);
		b->rows[ri].cells = xcalloc(ncols, sizeof *b->rows[ri].cells);
		size_t ci = 0;
		for (cmark_node *c = cmark_node_first_child(r); c && ci < ncols; c = cmark_node_next(c), ci++) {
			tb_init(&cells[ri * ncols + ci], 1);
			inlines(L, &cells[ri * ncols + ci], c);
		}
		for (; ci < ncols; ci++)
			tb_init(&cells[ri * ncols + ci], 0);
	}
	/*
	 * The natural (unwrapped) and least (widest word) width of each column.
	 * When even the widest words do not fit the frame side by side, they
	 * would be cut anywhere (« Homm/es »): the table is measured again in a
	 * smaller size, as a typesetter sets a wide table, down to
	 * TABLE_MIN_SCALE of its own size.
	 */
	double pads = (double)ncols * (2 * CELL_PAD + 1), room = b->width - pads;
	for (int attempt = 0; attempt < 2; attempt++) {
		measure_columns(L, b, cells, size, natural, least);
		double words = -pads, smallest = SIZE(table) * TABLE_MIN_SCALE;
		for (size_t c = 0; c < ncols; c++)
			words += least[c];
		if (words <= room || size <= smallest || room <= 0)
			break;
		/* Text widths scale with the size; a little under, for rounding. */
		double smaller = size * room / words * 0.98;
		size = smaller > smallest ? smaller : smallest;
	}
	for (size_t c = 0; c < ncols; c++)
		b->align[c] = cell_align(node, c);
	/*
	 * Column widths as browsers size an automatic table: each column gets
	 * at least its widest word (its minimum) and, when the frame allows,
	 * its unwrapped width (its preferred width); the room between the two
	 * is shared in proportion to what each column lacks.
	 */
	double total = 0, least_total = 0;
	for (size_t c = 0; c < ncols; c++) {
		if (least[c] > natural[c])
			natural[c] = least[c];
		total += natural[c];
		least_total += least[c];
	}
	for (size_t c = 0; c < ncols; c++) {
		if (total <= b->width)
			b->colw[c] = natural[c] * b->width / total;
		else if (least_total >= b->width)
			b->colw[c] = least[c] * b->width / least_total;
		else
			b->colw[c] = least[c] + (natural[c] - least[c]) * (b->width - least_total) /
						(total - least_total);
	}
	/* Pass 2: lay each cell out at its column's width. */
	for (size_t r = 0; r < nrows; r++) {
		double h = 0;
		for (size_t c = 0; c < ncols; c++) {
			struct tb *t = &cells[r * ncols + c];
			struct lay_cell *cell = &b->rows[r].cells[c];
			PangoAlignment al = b->align[c] == 1 ? PANGO_ALIGN_CENTER :
					    b->align[c] == 2 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
			cell->layout = make_layout(L, t, size, b->rows[r].header, 0,
						   b->colw[c] - 2 * CELL_PAD, 0, al);
			take_links(t, &cell->links, &cell->nlinks);
			int pw, ph;
			pango_layout_get_size(cell->layout, &pw, &ph);
			if ((double)ph / PANGO_SCALE > h)
				h = (double)ph / PANGO_SCALE;
			tb_free(t);
		}
		b->rows[r].h = h + 2 * CELL_PAD;
	}
	free(cells);
	free(natural);
	free(least);
	b->before = GAP(block);
	b->after = GAP(block);
}

static void block(struct lay *L, struct flow *f, cmark_node *node, struct where *w)
{
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_PARAGRAPH:
		paragraph(L, f, node, w);
		return;
	case CMARK_NODE_HEADING:
		heading(L, f, node, w);
		return;
	case CMARK_NODE_LIST:
		list(L, f, node, w);
		return;
	case CMARK_NODE_ITEM:
		blocks(L, f, node, w);
		return;
	case CMARK_NODE_BLOCK_QUOTE: {
		struct where inner = *w;
		inner.indent += L->o.style->quote_indent;
		inner.quote = 1;
		size_t first = f->n;
		blocks(L, f, node, &inner);
		for (size_t i = first; i < f->n; i++)
			if (strcmp(f->v[i].tag, "P") == 0)
				f->v[i].tag = "BlockQuote";
		if (f->n > first)
			f->v[f->n - 1].after = GAP(block);
		return;
	}
	case CMARK_NODE_CODE_BLOCK:
		code_block(L, f, node, w);
		return;
	case CMARK_NODE_THEMATIC_BREAK: {
		struct blk *b = new_blk(f, BLK_RULE);
		b->tag = "Sect";
		b->indent = w->indent;
		b->h = 1;
		b->before = b->after = GAP(block);
		return;
	}
	case CMARK_NODE_HTML_BLOCK:
	case CMARK_NODE_FOOTNOTE_DEFINITION:
		return;
	default:
		break;
	}
	if (strcmp(cmark_node_get_type_string(node), "table") == 0)
		table(L, f, node, w);
	else
		blocks(L, f, node, w);
}

/* ---- document furniture ---- */

static const char *data_str(const json_t *data, const char *key)
{
	const json_t *v = json_object_get(data, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A small paragraph from plain text (data files), typographed and hyphenated. */
static struct blk *plain_para(struct lay *L, struct flow *f, const char *text, double size,
			      int bold, int italic, double indent, int justify)
{
	struct tb t;
	tb_init(&t, 1);
	put_text(L, &t, text, strlen(text));
	struct where w = {indent, 0, 0, 0, NULL};
	struct blk *b = text_blk(L, f, &t, &w, size, bold, italic, justify);
	tb_free(&t);
	b->after = GAP(para);
	return b;
}

static void band(struct lay *L, struct flow *f, const struct doc *doc, const char *kicker,
		 const char *title, const char *dest, int small)
{
	struct blk *b = new_blk(f, BLK_BAND);
	b->tag = "H1";
	b->doc = doc;
	b->small = small;
	b->page_break = !small;
	b->atomic = 1;
	b->keep_next = 1;
	b->width = L->o.width;
	b->dest = xstrdup(dest);
	b->outline = 1;
	b->outline_title = typo_plain(title, strlen(title));
	b->running = xstrdup(b->outline_title);
	if (doc && doc->kind == DOC_ACTION)
		rgb_of(doc->logic ? doc->logic->colour : NULL, b->rgb, 0.2, 0.3, 0.4);
	else if (doc && doc->kind == DOC_THEME)
		rgb_of(NULL, b->rgb, 0.27, 0.24, 0.42);
	else
		rgb_of(NULL, b->rgb, 0.2, 0.25, 0.3);
	if (doc && !small && L->o.base_url && doc->desc->list == LIST_NUMBERED)
		b->qr_url = xasprintf("%s%s", L->o.base_url, doc->out_path);
	double pad = small ? 5 : 12;
	double tw = L->o.width - 2 * pad - (b->qr_url ? QR_SIZE + pad : 0);
	double size = small ? SIZE(band_small) : SIZE(band);
	b->layout = lay_text(L, title, size, 1, 0, tw, PANGO_ALIGN_LEFT);
	pango_layout_set_wrap(b->layout, PANGO_WRAP_WORD);
	b->kicker = lay_text(L, kicker, SIZE(kicker), 1, 0, tw, PANGO_ALIGN_LEFT);
	int kw, kh, w2, h2;
	pango_layout_get_size(b->kicker, &kw, &kh);
	pango_layout_get_size(b->layout, &w2, &h2);
	b->h = 2 * pad + (double)kh / PANGO_SCALE + 3 + (double)h2 / PANGO_SCALE;
	if (b->qr_url && b->h < QR_SIZE + 2 * pad)
		b->h = QR_SIZE + 2 * pad;
	b->after = small ? GAP(para) : GAP(h_before[0]);
	b->before = small ? GAP(h_before[0]) : 0;
}

static void join_taxa(struct buf *out, const struct ptrs *p)
{
	for (size_t i = 0; i < p->n; i++)
		buf_printf(out, "%s%s", i ? ", " : "", ((struct taxon *)p->v[i])->label);
}

static void doc_meta(struct lay *L, struct flow *f, const struct doc *doc)
{
	struct buf m = BUF_INIT;
	if (doc->carrier)
		buf_printf(&m, "Porteur : %s", doc->carrier->label);
	if (doc->since)
		buf_printf(&m, "%sDepuis %d", m.len ? " · " : "", doc->since);
	if (doc->publics.n) {
		buf_puts(&m, m.len ? " · Publics : " : "Publics : ");
		join_taxa(&m, &doc->publics);
	}
	if (doc->territories.n) {
		buf_puts(&m, m.len ? " · Territoires : " : "Territoires : ");
		join_taxa(&m, &doc->territories);
	}
	const struct kind_field *status = kind_field(doc->desc, "status");
	if (doc->status && status && strcmp(doc->status, status->values[0].id) != 0)
		buf_printf(&m, " · %s", kind_enum_label(status, doc->status));
	if (m.len) {
		struct blk *b = plain_para(L, f, m.data, SIZE(meta), 0, 0, 0, 0);
		b->after = GAP(h_before[1]);
	}
	buf_free(&m);
}

static void summary(struct lay *L, struct flow *f, const struct doc *doc)
{
	if (!doc->summary)
		return;
	cmark_node *root = markdown_parse_string(doc->summary, strlen(doc->summary));
	struct tb t;
	tb_init(&t, 1);
	t.italic_base = 1;
	for (cmark_node *p = cmark_node_first_child(root); p; p = cmark_node_next(p)) {
		if (p != cmark_node_first_child(root))
			put_raw(&t, " ");
		inlines(L, &t, p);
	}
	struct where w = {0, 0, 0, 0, NULL};
	struct blk *b = text_blk(L, f, &t, &w, SIZE(summary), 0, 1, 1);
	b->after = GAP(para);
	tb_free(&t);
	cmark_node_free(root);
}

/*
 * The document's notes. A note called from running text (a paragraph or
 * list item of blocks [first, f->n)) is a footnote: the paginator sets it
 * at the foot of the page where its call is. Any other (called from a
 * table, or never) is gathered under « Notes » at the end, as before.
 */
static void footnotes(struct lay *L, struct flow *f, cmark_node *root, size_t first)
{
	if (!L->nnotes)
		return;
	size_t body_end = f->n;
	struct where w = {0, 0, 0, 0, NULL};
	struct tb t;
	int heading = 0, i = 0;
	for (cmark_node *def = cmark_node_first_child(root); def; def = cmark_node_next(def)) {
		if (cmark_node_get_type(def) != CMARK_NODE_FOOTNOTE_DEFINITION)
			continue;
		i++;
		int called = 0;
		for (size_t k = first; k < body_end; k++) {
			const struct blk *c = &f->v[k];
			for (size_t j = 0; j < c->ncalls; j++)
				called |= c->calls[j].number == i && c->kind == BLK_TEXT && !c->atomic;
		}
		if (!called && !heading) {
			tb_init(&t, 0);
			put_raw(&t, "Notes");
			struct blk *h = text_blk(L, f, &t, &w, L->o.body_size, 1, 0, 0);
			h->tag = heading_tag(L, 2);
			h->keep_next = 1;
			h->before = GAP(h_before[2]);
			h->after = GAP(h_after);
			tb_free(&t);
			heading = 1;
		}
		tb_init(&t, 1);
		char num[32];
		snprintf(num, sizeof num, "%d.\u00a0", i);
		put_raw(&t, num);
		for (cmark_node *p = cmark_node_first_child(def); p; p = cmark_node_next(p)) {
			if (p != cmark_node_first_child(def))
				put_raw(&t, " ");
			inlines(L, &t, p);
		}
		struct blk *b = text_blk(L, f, &t, &w, SIZE(note), 0, 0, 1);
		b->tag = "Note";
		b->after = GAP(item);
		tb_free(&t);
		if (called) {
			b->footnote = 1;
			size_t note = (size_t)(b - f->v);
			for (size_t k = first; k < body_end; k++)
				for (size_t j = 0; j < f->v[k].ncalls; j++)
					if (f->v[k].calls[j].number == i)
						f->v[k].calls[j].note = note - k;  /* relative: parts move between passes */
		}
	}
}

/* Name, then e-mail (a mailto link), phone, address, site. */
static void contact_entry(struct lay *L, struct flow *f, const struct entry *e, int with_dest)
{
	double size = SIZE(contact);
	struct tb t;
	tb_init(&t, 0);
	size_t s0 = t.text.len;
	put_text(L, &t, e->label, strlen(e->label));
	attr(&t, pango_attr_weight_new(PANGO_WEIGHT_BOLD), s0);
	const char *role = data_str(e->data, "role");
	if (e->organisation || role) {
		put_raw(&t, " — ");
		if (role)
			put_text(L, &t, role, strlen(role));
		if (e->organisation) {
			if (role)
				put_raw(&t, ", ");
			put_text(L, &t, e->organisation->label, strlen(e->organisation->label));
		}
	}
	static const char *const keys[] = {"email", "phone", "address", "website", "description", "note"};
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
		const char *v = data_str(e->data, keys[k]);
		if (!v && k == 0)
			v = data_str(e->data, "e-mail");
		if (!v)
			continue;
		put_raw(&t, "\n");
		size_t s = t.text.len;
		if (k == 0) {
			hyph_address(v, strlen(v), &t.text);
			char *uri = xasprintf("mailto:%s", v);
			add_link(&t, s, uri, NULL);
			free(uri);
		} else if (k == 3) {
			hyph_address(v, strlen(v), &t.text);
			add_link(&t, s, v, NULL);
		} else {
			t.typo = (struct typo_state)TYPO_STATE_INIT;
			put_text(L, &t, v, strlen(v));
		}
	}
	struct where w = {0, 0, 0, 0, NULL};
	struct blk *b = text_blk(L, f, &t, &w, size, 0, 0, 0);
	b->atomic = 1;
	b->after = GAP(entry);
	if (with_dest)
		b->dest = xasprintf("contact-%s", e->id);
	tb_free(&t);
}

/*
 * Does the document's own text already give the way to reach contact e:
 * its e-mail and phone when it has them, else a link to it? A fiche's
 * « Contacts » section often does, and « Pour prendre contact » would
 * only repeat it (and take a page of its own).
 */
static int shown_in_body(const struct doc *doc, const struct entry *e)
{
	static const char *const keys[] = {"email", "e-mail", "phone"};
	if (!doc->body)
		return 0;
	int any = 0;
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
		const char *v = data_str(e->data, keys[k]);
		if (!v)
			continue;
		any = 1;
		if (!strstr(doc->body, v))
			return 0;
	}
	if (any)
		return 1;
	char *link = xasprintf("contact:%s)", e->id);
	int found = strstr(doc->body, link) != NULL;
	free(link);
	return found;
}

static void doc_contacts(struct lay *L, struct flow *f, const struct doc *doc)
{
	int any = 0;
	if (doc->carrier && !shown_in_body(doc, doc->carrier))
		any = 1;
	for (size_t i = 0; i < doc->contacts.n && !any; i++)
		any = !shown_in_body(doc, doc->contacts.v[i]);
	if (!any)
		return;
	struct where w = {0, 0, 0, 0, NULL};
	struct tb t;
	tb_init(&t, 0);
	put_raw(&t, "Pour prendre contact");
	struct blk *h = text_blk(L, f, &t, &w, SIZE(h2), 1, 0, 0);
	h->tag = heading_tag(L, 2);
	h->keep_next = 1;
	h->before = GAP(h_before[1]);
	h->after = GAP(h_after);
	tb_free(&t);
	struct ptrs seen = {0};
	if (doc->carrier && !shown_in_body(doc, doc->carrier))
		ptrs_add_unique(&seen, doc->carrier);
	for (size_t i = 0; i < doc->contacts.n; i++)
		if (!shown_in_body(doc, doc->contacts.v[i]))
			ptrs_add_unique(&seen, doc->contacts.v[i]);
	for (size_t i = 0; i < seen.n; i++)
		contact_entry(L, f, seen.v[i], 0);
	ptrs_free(&seen);
}

static void kicker_of(const struct lay *L, const struct doc *doc, struct buf *out)
{
	switch (doc->desc->list) {
	case LIST_NUMBERED: {
		/* « FICHE-ACTION 6 · Logique », « FICHE THÉMATIQUE 2 ». */
		char *upper = g_utf8_strup(doc->desc->label, -1);
		buf_printf(out, "%s %d", upper, doc->number);
		g_free(upper);
		if (doc->logic)
			buf_printf(out, " · %s", doc->logic->label);
		break;
	}
	case LIST_ORDERED:
		buf_puts(out, doc->part ? doc->part : (L->s->title ? L->s->title : "Guide"));
		break;
	case LIST_PLAIN:
		buf_puts(out, L->s->title ? L->s->title : "");
		break;
	}
}

static void layout_doc(struct lay *L, struct flow *f, const struct doc *doc)
{
	struct buf kicker = BUF_INIT;
	kicker_of(L, doc, &kicker);
	char *dest = lay_doc_dest(doc, NULL);
	band(L, f, doc, kicker.data ? kicker.data : "", doc->title, dest, L->b->summaries);
	free(dest);
	buf_free(&kicker);
	summary(L, f, doc);
	if (doc->desc->list == LIST_NUMBERED)
		doc_meta(L, f, doc);
	if (L->b->summaries || !doc->body)
		return;
	L->doc = doc;
	L->heading = 0;
	L->tag_level = 1;
	struct where w = {0, 0, 0, 0, NULL};
	cmark_node *root = bodies_tree(L->s, doc);
	size_t first = f->n;
	blocks(L, f, root, &w);
	footnotes(L, f, root, first);
	cmark_node_free(root);
	doc_contacts(L, f, doc);
	if (L->o.base_url && doc->desc->list == LIST_NUMBERED) {
		char *web = xasprintf("%s%s", L->o.base_url, doc->out_path);
		struct tb t;
		tb_init(&t, 0);
		put_raw(&t, "Cette fiche en ligne\u00a0: ");
		size_t s = t.text.len;
		hyph_address(web, strlen(web), &t.text);
		add_link(&t, s, web, NULL);
		struct blk *b = text_blk(L, f, &t, &w, SIZE(meta), 0, 1, 0);
		b->before = GAP(h_before[1]);
		tb_free(&t);
		free(web);
	}
	L->nnotes = 0;
	L->doc = NULL;
}

/* ---- appendices ---- */

static void glossary(struct lay *L, struct flow *f)
{
	/* The sigles the booklet's documents use; every entry when it has none. */
	unsigned char *used = xcalloc(L->s->nglossary + 1, 1);
	int any = 0;
	for (size_t i = 0; i < L->b->nparts; i++) {
		const struct doc *doc = L->b->parts[i].doc;
		if (!doc)
			continue;
		any = 1;
		for (size_t j = 0; j < doc->glossary_used.n; j++) {
			const struct entry *e = doc->glossary_used.v[j];
			used[e - L->s->glossary] = 1;
		}
	}
	size_t count = 0;
	for (size_t i = 0; i < L->s->nglossary; i++)
		count += !any || used[i];
	if (count) {
		band(L, f, NULL, "Annexe", "Sigles et abréviations", "annexe-sigles", 0);
		for (size_t i = 0; i < L->s->nglossary; i++) {
			if (any && !used[i])
				continue;
			const struct entry *e = &L->s->glossary[i];
			const char *exp = data_str(e->data, "expansion");
			const char *def = data_str(e->data, "definition");
			struct tb t;
			tb_init(&t, 1);
			put_text(L, &t, e->label, strlen(e->label));
			attr(&t, pango_attr_weight_new(PANGO_WEIGHT_BOLD), 0);
			if (exp) {
				put_raw(&t, " — ");
				put_text(L, &t, exp, strlen(exp));
			}
			if (def) {
				put_raw(&t, "\n");
				size_t s = t.text.len;
				t.typo = (struct typo_state)TYPO_STATE_INIT;
				put_text(L, &t, def, strlen(def));
				attr(&t, pango_attr_foreground_new(0x44 * 257, 0x44 * 257, 0x44 * 257), s);
			}
			struct where w = {0, 0, 0, 0, NULL};
			struct blk *b = text_blk(L, f, &t, &w, SIZE(contact), 0, 0, 1);
			b->after = GAP(entry);
			b->dest = xasprintf("sigle-%s", e->anchor);
			tb_free(&t);
		}
	}
	free(used);
}

static void contacts(struct lay *L, struct flow *f)
{
	struct ptrs seen = {0};
	for (size_t i = 0; i < L->b->nparts; i++) {
		const struct doc *doc = L->b->parts[i].doc;
		if (!doc || doc->kind != DOC_ACTION)
			continue;
		if (doc->carrier)
			ptrs_add_unique(&seen, doc->carrier);
		for (size_t j = 0; j < doc->contacts.n; j++)
			ptrs_add_unique(&seen, doc->contacts.v[j]);
	}
	if (!seen.n)
		for (size_t i = 0; i < L->s->ncontacts; i++)
			ptrs_add(&seen, &L->s->contacts[i]);
	if (seen.n) {
		band(L, f, NULL, "Annexe", "Contacts", "annexe-contacts", 0);
		/* In contacts.yaml order, so the appendix reads like the web page. */
		for (size_t i = 0; i < L->s->ncontacts; i++)
			if (ptrs_contains(&seen, &L->s->contacts[i]))
				contact_entry(L, f, &L->s->contacts[i], 1);
	}
	ptrs_free(&seen);
}

static void bibliography(struct lay *L, struct flow *f)
{
	if (!L->s->nbiblio)
		return;
	band(L, f, NULL, "Annexe", "Bibliographie", "annexe-bibliographie", 0);
	for (size_t i = 0; i < L->s->nbiblio; i++) {
		const struct entry *e = &L->s->biblio[i];
		struct tb t;
		tb_init(&t, 1);
		const json_t *authors = json_object_get(e->data, "authors");
		for (size_t a = 0; json_is_array(authors) && a < json_array_size(authors); a++) {
			const char *name = json_string_value(json_array_get(authors, a));
			if (name) {
				put_raw(&t, a ? ", " : "");
				put_text(L, &t, name, strlen(name));
			}
		}
		const json_t *year = json_object_get(e->data, "year");
		if (json_is_integer(year))
			buf_printf(&t.text, " (%lld)", (long long)json_integer_value(year));
		put_raw(&t, t.text.len ? ". " : "");
		size_t s = t.text.len;
		put_text(L, &t, e->label, strlen(e->label));
		attr(&t, pango_attr_style_new(PANGO_STYLE_ITALIC), s);
		static const char *const keys[] = {"journal", "publisher", "place"};
		for (size_t k = 0; k < 3; k++) {
			const char *v = data_str(e->data, keys[k]);
			if (v) {
				put_raw(&t, ", ");
				put_text(L, &t, v, strlen(v));
			}
		}
		put_raw(&t, ".");
		const char *url = data_str(e->data, "url");
		if (url) {
			put_raw(&t, " ");
			size_t u = t.text.len;
			hyph_address(url, strlen(url), &t.text);
			add_link(&t, u, url, NULL);
		}
		struct where w = {0, 0, 0, 0, NULL};
		struct blk *b = text_blk(L, f, &t, &w, SIZE(contact), 0, 0, 1);
		b->after = GAP(entry);
		b->dest = xasprintf("biblio-%s", e->anchor);
		tb_free(&t);
	}
}

/* ---- public ---- */

struct lay *lay_new(const struct site *s, const struct book *b, const struct hyph *h,
		    const struct lay_options *o)
{
	struct lay *L = xcalloc(1, sizeof *L);
	L->s = s;
	L->b = b;
	L->h = h;
	L->o = *o;
	/*
	 * A font map of its own: fonts cached by an earlier booklet on the same
	 * thread changed justification slightly, and so the bytes of the PDF.
	 */
	L->map = pango_cairo_font_map_new();
	L->ctx = pango_font_map_create_context(L->map);
	/* Unhinted metrics: the layout does not depend on a device resolution. */
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(L->ctx, fo);
	cairo_font_options_destroy(fo);
	pango_cairo_context_set_resolution(L->ctx, 72);
	pango_context_set_language(L->ctx, pango_language_from_string("fr"));
	pango_context_set_round_glyph_positions(L->ctx, FALSE);
	L->font = pango_font_description_new();
	pango_font_description_set_family(L->font, o->family);
	pango_font_description_set_size(L->font, (gint)(o->body_size * PANGO_SCALE));
	PangoFontMetrics *m = pango_context_get_metrics(L->ctx, L->font, NULL);
	L->pitch = (double)pango_font_metrics_get_height(m) * o->style->leading / PANGO_SCALE;
	pango_font_metrics_unref(m);
	return L;
}

void lay_free(struct lay *L)
{
	if (!L)
		return;
	for (size_t i = 0; L->shaped && i < SHAPED_BUCKETS; i++) {
		struct shaped *e = L->shaped[i];
		while (e) {
			struct shaped *next = e->next;
			g_object_unref(e->layout);
			free(e->key);
			free(e);
			e = next;
		}
	}
	free(L->shaped);
	/* The kept shapings name this font map's fonts. */
	shape_cache_release();
	pango_font_description_free(L->font);
	g_object_unref(L->ctx);
	g_object_unref(L->map);
	free(L);
}

PangoContext *lay_context(struct lay *L)
{
	return L->ctx;
}

int lay_part(struct lay *L, struct flow *out, size_t i)
{
	unsigned before = L->page_refs;
	switch (L->b->parts[i].kind) {
	case PART_DOC:
		layout_doc(L, out, L->b->parts[i].doc);
		break;
	case PART_GLOSSARY:
		glossary(L, out);
		break;
	case PART_CONTACTS:
		contacts(L, out);
		break;
	case PART_BIBLIO:
		bibliography(L, out);
		break;
	}
	return L->page_refs != before;
}

void lay_markdown(struct lay *L, struct flow *out, const char *md)
{
	cmark_node *root = markdown_parse_string(md, strlen(md));
	struct where w = {0, 0, 0, 0, NULL};
	L->doc = NULL;
	L->tag_level = 1;
	blocks(L, out, root, &w);
	cmark_node_free(root);
}

struct blk *lay_para(struct lay *L, struct flow *out, const char *text, double size, int bold,
		     int italic, double indent, int justify)
{
	return plain_para(L, out, text, size, bold, italic, indent, justify);
}

double lay_pitch(const struct lay *L)
{
	return L->pitch;
}

void lay_book(struct lay *L, struct flow *out)
{
	for (size_t i = 0; i < L->b->nparts; i++)
		lay_part(L, out, i);
}

void flow_move(struct flow *dst, struct flow *src, size_t from, size_t to)
{
	for (size_t k = from; k < to; k++) {
		struct blk *b = new_blk(dst, src->v[k].kind);
		*b = src->v[k];
		memset(&src->v[k], 0, sizeof src->v[k]);
	}
}

void lay_toc_entry(struct lay *L, struct flow *out, int depth, int kind, const char *title,
		   const char *kicker, const char *dest)
{
	struct tb t;
	tb_init(&t, 0);
	if (kicker && *kicker) {
		put_text(L, &t, kicker, strlen(kicker));
		attr(&t, pango_attr_weight_new(PANGO_WEIGHT_BOLD), 0);
		attr(&t, pango_attr_scale_new(0.85), 0);
		put_raw(&t, " · ");
		t.typo = (struct typo_state)TYPO_STATE_INIT;
	}
	put_text(L, &t, title, strlen(title));
	struct blk *b = new_blk(out, BLK_TOC);
	b->tag = "TOCI";
	b->toc_depth = depth;
	/* Each level indented like a list level; parts bold, sections a size smaller. */
	b->indent = depth * L->o.style->list_indent;
	b->width = L->o.width - 40 - b->indent;
	double size = kind == 2 ? SIZE(contact) : L->o.body_size;
	b->layout = make_layout(L, &t, size, kind == 0, 0, b->width, 0, PANGO_ALIGN_LEFT);
	b->toc_dest = xstrdup(dest);
	b->after = GAP(toc_entry);
	if (kind == 0) {
		b->before = GAP(h_before[1]);
		b->keep_next = 1;
	}
	b->atomic = 1;
	tb_free(&t);
	lay_measure(b);
}

static void free_links(struct lay_link *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].uri);
		free(v[i].dest);
	}
	free(v);
}

void flow_free(struct flow *f)
{
	for (size_t i = 0; i < f->n; i++) {
		struct blk *b = &f->v[i];
		if (b->layout)
			g_object_unref(b->layout);
		if (b->marker)
			g_object_unref(b->marker);
		if (b->kicker)
			g_object_unref(b->kicker);
		if (b->toc_number)
			g_object_unref(b->toc_number);
		if (b->image)
			cairo_surface_destroy(b->image);
		free_links(b->links, b->nlinks);
		free(b->line_top);
		free(b->baseline);
		free(b->hyphen);
		free(b->calls);
		for (size_t r = 0; r < b->nrows; r++) {
			for (size_t c = 0; c < b->ncols; c++) {
				if (b->rows[r].cells[c].layout)
					g_object_unref(b->rows[r].cells[c].layout);
				free_links(b->rows[r].cells[c].links, b->rows[r].cells[c].nlinks);
			}
			free(b->rows[r].cells);
		}
		free(b->rows);
		free(b->colw);
		free(b->align);
		free(b->alt);
		free(b->qr_url);
		free(b->running);
		free(b->toc_dest);
		free(b->dest);
		free(b->outline_title);
	}
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}
