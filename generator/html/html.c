/*
 * HTML renderer over cmark-gfm trees. One walk per page; no state outside
 * struct render, so pages render in parallel.
 */
#include "html.h"
#include "bodies.h"
#include "bytescan.h"
#include "glossary.h"
#include "markdown.h"
#include "pages.h"
#include "path.h"
#include "search_text.h"
#include "typo.h"
#include "utf8.h"
#include "xalloc.h"
#include "xref.h"

#include <cmark-gfm-core-extensions.h>
/* The nodes' fields, read directly once markdown.c has proven their layout (markdown_direct_fields). */
#include <cmark-gfm/node.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct render {
	const struct site *s;
	const struct doc *doc;     /* NULL for standalone strings */
	const char *page;          /* output path of the page being written */
	size_t page_depth;         /* path_depth(page): the directories above the page */
	struct buf *out;
	size_t heading;            /* index into doc->headings */
	/*
	 * Per glossary entry: the section in which it was last linked, 0
	 * when not linked in the document (a new section is a new number,
	 * not a pass over every entry at each heading). NULL: not linked.
	 */
	unsigned *sigle_seen;
	struct typo_state typo;
	int in_link;               /* no nested links: sigles inside links are not linked */
	char **footnotes;          /* labels in order of first reference */
	size_t nfootnotes;
	/*
	 * The search index's texts (search_text.h), written as the body is
	 * typeset so that its text is typeset once: the section being
	 * written, and the sections done. NULL when not wanted.
	 */
	struct buf *plain;
	struct ptrs *texts;
	int in_heading;            /* a heading's text is the section's name, not its text */
	/*
	 * The links written relative to the page, recorded while a theme's
	 * « Comment faire ? » section is cut from its first render (see
	 * html_render_body): they alone differ when « Que faire si… » shows
	 * it. NULL when not recorded.
	 */
	struct page_links *links;
	unsigned section;          /* the current section's number, from 1 (see sigle_seen) */
	/*
	 * Per glossary entry: its expansion typeset and escaped for the
	 * <abbr> title (html_abbr_titles), made once for the build and
	 * shared (borrowed), or else made at its first use in the render
	 * (owned, NULL until a sigle is met).
	 */
	const char *const *shared_abbr_titles;
	char **abbr_titles;
	/*
	 * 1 when the nodes' fields are read directly (markdown_direct_fields):
	 * a text's literal and length without the accessor's copy and a
	 * strlen, the links between nodes without a call into the library.
	 */
	int direct;
	/* The texts of a paragraph's lines joined, to be typeset in one call (put_lines). */
	struct buf lines;
	/*
	 * The search text's length after its last block end (0 at first):
	 * a block end changes nothing when nothing was written since (it
	 * trims the text and ends it with one '\n', which a second one
	 * trims and puts back), and blocks end where the next one starts.
	 */
	size_t plain_ended;
};

/* The reads of a node the walk makes at every node, direct when r->direct. */
static inline cmark_node_type node_type(const struct render *r, cmark_node *n)
{
	return r->direct ? (cmark_node_type)n->type : cmark_node_get_type(n);
}

static inline cmark_node *node_next(const struct render *r, cmark_node *n)
{
	return r->direct ? n->next : cmark_node_next(n);
}

static inline cmark_node *node_first_child(const struct render *r, cmark_node *n)
{
	return r->direct ? n->first_child : cmark_node_first_child(n);
}

static inline cmark_node *node_parent(const struct render *r, cmark_node *n)
{
	return r->direct ? n->parent : cmark_node_parent(n);
}

static inline void *node_user_data(const struct render *r, cmark_node *n)
{
	return r->direct ? n->user_data : cmark_node_get_user_data(n);
}

/*
 * A text node's literal and its length: the chunk as it is, which need
 * not end with a NUL (the text is read by length only), or else what the
 * accessor gives.
 */
static inline const char *text_literal(const struct render *r, cmark_node *n, size_t *len)
{
	if (r->direct) {
		*len = (size_t)n->as.literal.len;
		return n->as.literal.len > 0 ? (const char *)n->as.literal.data : "";
	}
	const char *text = cmark_node_get_literal(n);
	*len = text ? strlen(text) : 0;
	return text ? text : "";
}

/* Where out holds a path relative to the page: out->data[at..at+len), escaped, for target. */
struct page_link {
	size_t at, len;
	const char *target;        /* borrowed: the path from the site's root */
};

struct page_links {
	struct page_link *v;
	size_t n, cap;
	/*
	 * Where the first <h2> of the « Comment faire ? » anchor was written,
	 * SIZE_MAX until then: section_bounds starts there instead of
	 * searching the body from its start.
	 */
	size_t what_to_do_at;
};

/*
 * s[0..n) HTML-escaped, as buf_put_html writes it: a path or a URL, which
 * nearly never holds & < > " or ', is checked in blocks that cover it
 * (the last one overlapping the one before, not a byte loop over its
 * tail) and copied in one piece.
 */
static void put_html_path(struct buf *out, const char *s, size_t n)
{
#if BYTESCAN_SIMD
	if (n >= 8) {
		unsigned hit = 0;
		size_t i = 0;
		for (; n - i >= 16; i += 16)
			hit |= bytescan_html(bytescan_load16(s + i));
		if (i < n)
			hit |= n >= 16 ? bytescan_html(bytescan_load16(s + n - 16))
				       : bytescan_html(bytescan_load8(s)) | bytescan_html(bytescan_load8(s + n - 8));
		if (!hit) {
			buf_put(out, s, n);
			return;
		}
	}
#endif
	buf_put_html(out, s, n);
}

/* Whether s starts with the literal lit (its bytes compared inline, not by a strncmp call). */
#define STARTS_WITH(s, lit) starts_with(s, lit, sizeof lit - 1)
static inline int starts_with(const char *s, const char *lit, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != lit[i])
			return 0;
	return 1;
}

/* The number of directories above a page at path from the root: its slashes. */
static size_t path_depth(const char *path)
{
	size_t depth = 0;
	for (const char *c = strchr(path, '/'); c; c = strchr(c + 1, '/'))
		depth++;
	return depth;
}

/*
 * Appends path_relative(from, to), HTML-escaped, without making it first:
 * its "../" and "./" need no escaping, and escaping goes byte by byte.
 * from_depth is path_depth(from), known for the page being written: a
 * "../" per directory of from after the paths' common directories, which
 * are counted as the common prefix is compared, not searched for again.
 */
static void put_path_relative(struct buf *out, const char *from, size_t from_depth, const char *to)
{
	size_t common = 0, common_depth = 0, start = out->len;
	for (size_t i = 0; from[i] && from[i] == to[i]; i++)
		if (from[i] == '/') {
			common = i + 1;
			common_depth++;
		}
	for (size_t up = common_depth; up < from_depth; up++)
		buf_put_lit(out, "../");
	put_html_path(out, to + common, strlen(to + common));
	if (out->len == start)
		buf_put_lit(out, "./");
}

/* Writes the path from r->page to target, escaped, and records it when r records links. */
static void put_page_path(struct render *r, const char *target)
{
	size_t at = r->out->len;
	put_path_relative(r->out, r->page, r->page_depth, target);
	struct page_links *l = r->links;
	if (!l)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = (struct page_link){at, r->out->len - at, target};
}

char *html_url(const char *url, const char *page)
{
	size_t pl = strlen(XREF_INTERNAL);
	if (strncmp(url, XREF_INTERNAL, pl) == 0)
		return path_relative(page, url + pl);
	return xstrdup(url);
}

static void put_attr_url(struct render *r, const char *url)
{
	/* Escape for an attribute; keep the URL's own percent-encoding. */
	if (STARTS_WITH(url, XREF_INTERNAL))
		put_page_path(r, url + sizeof XREF_INTERNAL - 1);
	else
		put_html_path(r->out, url, strlen(url));
}

static void emit_typo(void *ctx, enum typo_span kind, const char *s, size_t n)
{
	struct buf *out = ctx;
	if (kind >= TYPO_INERT) {
		/* From typo_apply_inert: nothing to escape. */
		buf_put(out, s, n);
		return;
	}
	if (kind == TYPO_SUPERSCRIPT)
		buf_put_lit(out, "<sup>");
	buf_put_html(out, s, n);
	if (kind == TYPO_SUPERSCRIPT)
		buf_put_lit(out, "</sup>");
}

/* As emit_typo, and the text into the search text (see struct render), in one pass. */
static void emit_typo_plain(void *ctx, enum typo_span kind, const char *s, size_t n)
{
	struct render *r = ctx;
	if (kind >= TYPO_INERT) {
		/* typo_apply_inert saw every byte: a copy to both, no second look. */
		search_text_put_inert(r->out, r->plain, s, n, kind == TYPO_INERT_LINES);
		return;
	}
	if (kind == TYPO_SUPERSCRIPT)
		buf_put_lit(r->out, "<sup>");
	search_text_put_html(r->out, r->plain, s, n);
	if (kind == TYPO_SUPERSCRIPT)
		buf_put_lit(r->out, "</sup>");
}

/* Whether r writes the search text at this point. */
static int plain_on(const struct render *r)
{
	return r->plain && !r->in_heading;
}

/*
 * As emit_typo, and a slash between two words becomes a break opportunity:
 * a title such as « Trafics/Acteurs/Territoires » is one word to the
 * browser, which on a phone broke it anywhere, without a hyphen.
 */
static void emit_title_typo(void *ctx, enum typo_span kind, const char *s, size_t n)
{
	struct buf *out = ctx;
	if (kind == TYPO_SUPERSCRIPT) {
		emit_typo(ctx, kind, s, n);
		return;
	}
	/* An inert span (typo_apply_inert) has nothing to escape. */
	void (*put)(struct buf *, const char *, size_t) = kind == TYPO_TEXT ? buf_put_html : buf_put;
	size_t from = 0;
	/* The slashes by memchr: most titles have none. */
	for (const char *c = n > 2 ? memchr(s + 1, '/', n - 2) : NULL; c;
	     c = memchr(c + 1, '/', (size_t)(s + n - 1 - (c + 1)))) {
		size_t i = (size_t)(c - s);
		/* Bytes >= 0x80 belong to letters (accented) in titles. */
		if ((isalnum((unsigned char)s[i - 1]) || (unsigned char)s[i - 1] >= 0x80) &&
		    (isalpha((unsigned char)s[i + 1]) || (unsigned char)s[i + 1] >= 0x80)) {
			put(out, s + from, i + 1 - from);
			buf_put_lit(out, "<wbr>");
			from = i + 1;
		}
	}
	put(out, s + from, n - from);
}

void html_typo(const char *text, struct buf *out)
{
	struct typo_state st = TYPO_STATE_INIT;
	typo_apply_inert(text, strlen(text), &st, emit_typo, out);
}

void html_typo_breakable(const char *text, struct buf *out)
{
	struct typo_state st = TYPO_STATE_INIT;
	typo_apply_inert(text, strlen(text), &st, emit_title_typo, out);
}

/* Where a typesetting goes as HTML (through emit) and as plain text, as typo_plain writes it. */
struct html_and_plain {
	typo_emit_fn emit;
	struct buf *html, *plain;
};

static void emit_html_and_plain(void *ctx, enum typo_span kind, const char *s, size_t n)
{
	struct html_and_plain *to = ctx;
	to->emit(to->html, kind, s, n);
	buf_put(to->plain, s, n);
}

void html_typo_breakable_plain(const char *text, struct buf *html, struct buf *plain)
{
	struct typo_state st = TYPO_STATE_INIT;
	struct html_and_plain to = {emit_title_typo, html, plain};
	typo_apply_inert(text, strlen(text), &st, emit_html_and_plain, &to);
}

/* Starts r's table of linked sigles (render.sigle_seen): none linked, section 1. */
static void sigles_start(struct render *r)
{
	r->sigle_seen = xcalloc(r->s->nglossary + 1, sizeof *r->sigle_seen);
	r->section = 1;
}

/* A new section: a sigle is explained again (linked) at its first use in each. */
static void sigles_new_section(struct render *r)
{
	r->section++;
}

/* Entry e's expansion as its <abbr>'s title: typeset, escaped (caller frees). */
static char *abbr_title_of(const struct entry *e)
{
	const json_t *exp = json_object_get(e->data, "expansion");
	const char *title = json_is_string(exp) ? json_string_value(exp) : "";
	/* The expansion comes from YAML: the same typography as the text. */
	char *typeset = typo_plain(title, strlen(title));
	struct buf b = BUF_INIT;
	buf_put_html(&b, typeset, strlen(typeset));
	free(typeset);
	return buf_detach(&b);
}

char **html_abbr_titles(const struct site *s)
{
	char **v = xcalloc(s->nglossary + 1, sizeof *v);
	for (size_t i = 0; i < s->nglossary; i++)
		v[i] = abbr_title_of(&s->glossary[i]);
	return v;
}

void html_abbr_titles_free(char **titles, size_t n)
{
	if (!titles)
		return;
	for (size_t i = 0; i < n; i++)
		free(titles[i]);
	free(titles);
}

/* The glossary entry which's <abbr> title, from the shared table or made once in this render. */
static const char *abbr_title(struct render *r, size_t which)
{
	if (r->shared_abbr_titles)
		return r->shared_abbr_titles[which];
	if (!r->abbr_titles)
		r->abbr_titles = xcalloc(r->s->nglossary + 1, sizeof *r->abbr_titles);
	if (!r->abbr_titles[which])
		r->abbr_titles[which] = abbr_title_of(&r->s->glossary[which]);
	return r->abbr_titles[which];
}

static void abbr_titles_free(struct render *r)
{
	html_abbr_titles_free(r->abbr_titles, r->s->nglossary);
	r->abbr_titles = NULL;
}

static void put_sigle(struct render *r, size_t which, const char *s, size_t n)
{
	const struct entry *e = &r->s->glossary[which];
	int link = !r->in_link && r->sigle_seen && r->sigle_seen[which] != r->section;
	if (link) {
		buf_put_lit(r->out, "<a class=\"sigle\" href=\"");
		put_page_path(r, e->out_path);
		buf_put_lit(r->out, "#");
		buf_puts(r->out, e->anchor);
		buf_put_lit(r->out, "\">");
		r->sigle_seen[which] = r->section;
	}
	buf_put_lit(r->out, "<abbr title=\"");
	buf_puts(r->out, abbr_title(r, which));
	buf_put_lit(r->out, "\">");
	buf_put_html(r->out, s, n);
	buf_put_lit(r->out, "</abbr>");
	if (plain_on(r))
		search_text_put(r->plain, s, n);
	if (link)
		buf_put_lit(r->out, "</a>");
	/* Sigles end in a letter or digit: what follows is glued to a word. */
	r->typo.prev = 'A';
}

/*
 * A text's HTML; sigles looked for unless it is known to hold none.
 * Inline in render_node, its hot caller, as it was while it had no other
 * (a call of its own cost 2.5 M instructions at 1 000 fiches).
 */
static inline __attribute__((always_inline)) void put_text(struct render *r, const char *text,
							     size_t n, int sigles)
{
	size_t start = 0, pos, len, which;
	typo_emit_fn emit = plain_on(r) ? emit_typo_plain : emit_typo;
	void *ctx = plain_on(r) ? (void *)r : (void *)r->out;
	while (sigles && r->s->gloss &&
	       gloss_index_find(r->s->gloss, text, n, start, &pos, &len, &which)) {
		typo_apply_inert(text + start, pos - start, &r->typo, emit, ctx);
		put_sigle(r, which, text + pos, len);
		start = pos + len;
	}
	typo_apply_inert(text + start, n - start, &r->typo, emit, ctx);
}

#ifndef HTML_LINE_BY_LINE /* defined by test_html_markdown, which compares both ways */
#define JOIN_LINES 1
#else
#define JOIN_LINES 0
#endif

/* Whether node is a text whose sigles need not be looked for (put_lines may join it). */
static inline int text_without_sigles(const struct render *r, cmark_node *node)
{
	return node_type(r, node) == CMARK_NODE_TEXT &&
	       (!r->s->gloss || node_user_data(r, node) == GLOSS_NO_SIGLE);
}

/*
 * text, a text without sigles followed by a soft break, and the lines
 * after it that are such texts too, each after its soft break, typeset
 * in one call with a '\n' for each break: what the nodes one by one give
 * (a soft break writes '\n', and the search text's separator), with one
 * typesetting, one emit and one set-up instead of one per line and
 * break. typo_apply takes the '\n' as the white space the break stood
 * for: no rule rewrites it, inserts a space beside it or reads across it
 * (a mark, a quote or a unit after it sees white space and nothing to
 * drop, as after the break's ' '; what looks ahead from the line before
 * sees white space, as at a text's end), and the search text's '\n' is
 * its separator. Returns the last node written.
 */
static cmark_node *put_lines(struct render *r, cmark_node *text)
{
	cmark_node *soft = node_next(r, text), *next = node_next(r, soft);
	size_t n;
	const char *lit = text_literal(r, text, &n);
	typo_emit_fn emit = plain_on(r) ? emit_typo_plain : emit_typo;
	void *ctx = plain_on(r) ? (void *)r : (void *)r->out;
	if (!next || !text_without_sigles(r, next)) {
		typo_apply_inert(lit, n, &r->typo, emit, ctx);
		return text;
	}
	struct buf *b = &r->lines;
	buf_reset(b);
	buf_put(b, lit, n);
	do {
		text = next;
		lit = text_literal(r, text, &n);
		buf_putc(b, '\n');
		buf_put(b, lit, n);
		soft = node_next(r, text);
	} while (soft && node_type(r, soft) == CMARK_NODE_SOFTBREAK && (next = node_next(r, soft)) &&
		 text_without_sigles(r, next));
	typo_apply_inert(b->data, b->len, &r->typo, emit, ctx);
	return text;
}

/* The search text of a block's start or end (none inside a heading). */
static void plain_block_end(struct render *r)
{
	if (plain_on(r) && r->plain->len != r->plain_ended) {
		search_text_block_end(r->plain);
		r->plain_ended = r->plain->len;
	}
}

static void plain_literal(struct render *r, const char *lit)
{
	if (!plain_on(r))
		return;
	search_text_put(r->plain, lit, strlen(lit));
	search_text_separator(r->plain);
}

/*
 * An image's description, which its page shows only in an attribute: the
 * search text has its words with French typography, each text run on its own.
 */
static void plain_image(struct render *r, cmark_node *image)
{
	if (!plain_on(r))
		return;
	cmark_iter *it = cmark_iter_new(image);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_TEXT: {
			const char *lit = cmark_node_get_literal(node);
			char *t = typo_plain(lit, strlen(lit));
			search_text_put(r->plain, t, strlen(t));
			free(t);
			break;
		}
		case CMARK_NODE_CODE:
			plain_literal(r, cmark_node_get_literal(node));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			search_text_separator(r->plain);
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

static size_t footnote_number(struct render *r, const char *label)
{
	for (size_t i = 0; i < r->nfootnotes; i++)
		if (strcmp(r->footnotes[i], label) == 0)
			return i + 1;
	r->footnotes = xrealloc(r->footnotes, (r->nfootnotes + 1) * sizeof *r->footnotes);
	r->footnotes[r->nfootnotes++] = xstrdup(label);
	return r->nfootnotes;
}

static const char *table_align(cmark_node *cell)
{
	/* The alignment is stored on the table; find the cell's column. */
	cmark_node *row = cmark_node_parent(cell);
	cmark_node *table = row ? cmark_node_parent(row) : NULL;
	if (!table)
		return NULL;
	uint8_t *aligns = cmark_gfm_extensions_get_table_alignments(table);
	uint16_t ncols = cmark_gfm_extensions_get_table_columns(table);
	size_t col = 0;
	for (cmark_node *c = cmark_node_first_child(row); c && c != cell; c = cmark_node_next(c))
		col++;
	if (!aligns || col >= ncols)
		return NULL;
	switch (aligns[col]) {
	case 'l': return "left";
	case 'r': return "right";
	case 'c': return "center";
	default: return NULL;
	}
}

static inline __attribute__((always_inline)) void render_children(struct render *r, cmark_node *node);
static cmark_node *put_lines(struct render *r, cmark_node *text);

/* Appends v in decimal, as %d would (list starts and heading levels: no printf per node). */
static void put_int(struct buf *out, int v)
{
	if (v < 0) {
		buf_put_lit(out, "-");
		buf_put_uint(out, (size_t)0 - (size_t)(long)v);
		return;
	}
	buf_put_uint(out, (size_t)v);
}

/*
 * Writes node and returns the last node written: node itself, or the
 * last of the lines put_lines joined to it (its siblings).
 */
static cmark_node *render_node(struct render *r, cmark_node *node)
{
	struct buf *out = r->out;
	switch (node_type(r, node)) {
	case CMARK_NODE_DOCUMENT:
		render_children(r, node);
		return node;
	case CMARK_NODE_PARAGRAPH: {
		/* Tight list items print their paragraphs without <p>. */
		cmark_node *parent = node_parent(r, node);
		cmark_node *list = parent ? node_parent(r, parent) : NULL;
		int tight = parent && node_type(r, parent) == CMARK_NODE_ITEM && list &&
			    cmark_node_get_list_tight(list);
		r->typo = (struct typo_state)TYPO_STATE_INIT;
		if (!tight)
			buf_put_lit(out, "<p>");
		plain_block_end(r);
		render_children(r, node);
		plain_block_end(r);
		if (tight)
			buf_put_lit(out, "\n");
		else
			buf_put_lit(out, "</p>\n");
		return node;
	}
	case CMARK_NODE_HEADING: {
		int level = cmark_node_get_heading_level(node);
		const char *anchor = r->doc && r->heading < r->doc->nheadings ?
				     r->doc->headings[r->heading++].anchor : NULL;
		r->typo = (struct typo_state)TYPO_STATE_INIT;
		/* A sigle is explained again (linked) at its first use in each section. */
		if (level <= 3)
			sigles_new_section(r);
		/* Without raw HTML, no other bytes of the body can be this heading's tag. */
		if (level == 2 && r->links && r->links->what_to_do_at == SIZE_MAX && anchor &&
		    !r->s->allow_html && strcmp(anchor, PAGES_WHAT_TO_DO_ANCHOR) == 0)
			r->links->what_to_do_at = out->len;
		buf_put_lit(out, "<h");
		put_int(out, level);
		if (anchor) {
			buf_put_lit(out, " id=\"");
			buf_puts(out, anchor);
			buf_put_lit(out, "\"");
		}
		buf_put_lit(out, ">");
		/* Each heading begins a section of the search texts. */
		if (plain_on(r)) {
			search_text_keep(r->plain, r->texts);
			/* Empty again: a block end changes nothing there either. */
			r->plain_ended = 0;
		}
		r->in_heading++;
		render_children(r, node);
		r->in_heading--;
		buf_put_lit(out, "</h");
		put_int(out, level);
		buf_put_lit(out, ">\n");
		return node;
	}
	case CMARK_NODE_BLOCK_QUOTE:
		buf_put_lit(out, "<blockquote>\n");
		plain_block_end(r);
		render_children(r, node);
		plain_block_end(r);
		buf_put_lit(out, "</blockquote>\n");
		return node;
	case CMARK_NODE_LIST: {
		int ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
		int start = cmark_node_get_list_start(node);
		if (ordered && start != 1)
		{
			buf_put_lit(out, "<ol start=\"");
			put_int(out, start);
			buf_put_lit(out, "\">\n");
		} else if (ordered) {
			buf_put_lit(out, "<ol>\n");
		} else {
			buf_put_lit(out, "<ul>\n");
		}
		plain_block_end(r);
		render_children(r, node);
		plain_block_end(r);
		if (ordered)
			buf_put_lit(out, "</ol>\n");
		else
			buf_put_lit(out, "</ul>\n");
		return node;
	}
	case CMARK_NODE_ITEM:
		buf_put_lit(out, "<li>");
		plain_block_end(r);
		render_children(r, node);
		plain_block_end(r);
		buf_put_lit(out, "</li>\n");
		return node;
	case CMARK_NODE_CODE_BLOCK: {
		const char *lit = cmark_node_get_literal(node);
		buf_put_lit(out, "<pre><code>");
		buf_put_html(out, lit, strlen(lit));
		buf_put_lit(out, "</code></pre>\n");
		plain_literal(r, lit);
		return node;
	}
	case CMARK_NODE_HTML_BLOCK:
	case CMARK_NODE_HTML_INLINE:
		if (r->s->allow_html)
			buf_puts(out, cmark_node_get_literal(node));
		if (cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK)
			plain_block_end(r);
		return node;
	case CMARK_NODE_THEMATIC_BREAK:
		buf_put_lit(out, "<hr>\n");
		plain_block_end(r);
		return node;
	case CMARK_NODE_FOOTNOTE_DEFINITION:
		/* Printed after the body, in reference order. */
		return node;
	case CMARK_NODE_TEXT: {
		/* Looked up when the document was parsed (glossary.h). */
		int sigles = r->s->gloss && node_user_data(r, node) != GLOSS_NO_SIGLE;
		cmark_node *soft = node_next(r, node);
		if (JOIN_LINES && !sigles && soft && node_type(r, soft) == CMARK_NODE_SOFTBREAK)
			return put_lines(r, node);
		size_t n;
		const char *text = text_literal(r, node, &n);
		put_text(r, text, n, sigles);
		return node;
	}
	case CMARK_NODE_SOFTBREAK:
		buf_putc(out, '\n');
		r->typo.prev = ' ';
		if (plain_on(r))
			search_text_separator(r->plain);
		return node;
	case CMARK_NODE_LINEBREAK:
		buf_put_lit(out, "<br>\n");
		r->typo.prev = ' ';
		if (plain_on(r))
			search_text_separator(r->plain);
		return node;
	case CMARK_NODE_CODE: {
		const char *lit = cmark_node_get_literal(node);
		buf_put_lit(out, "<code>");
		buf_put_html(out, lit, strlen(lit));
		buf_put_lit(out, "</code>");
		r->typo.prev = 'x';
		plain_literal(r, lit);
		return node;
	}
	case CMARK_NODE_EMPH:
		buf_put_lit(out, "<em>");
		render_children(r, node);
		buf_put_lit(out, "</em>");
		return node;
	case CMARK_NODE_STRONG:
		buf_put_lit(out, "<strong>");
		render_children(r, node);
		buf_put_lit(out, "</strong>");
		return node;
	case CMARK_NODE_LINK: {
		const char *url = cmark_node_get_url(node);
		size_t title_len;
		const char *title = markdown_link_title(node, &title_len);
		int external = url && (STARTS_WITH(url, "http://") || STARTS_WITH(url, "https://"));
		if (url && *url && !r->in_link) {
			buf_put_lit(out, "<a href=\"");
			put_attr_url(r, url);
			buf_put_lit(out, "\"");
			if (title_len) {
				buf_put_lit(out, " title=\"");
				buf_put_html(out, title, title_len);
				buf_put_lit(out, "\"");
			}
			if (external)
				buf_put_lit(out, " rel=\"noopener\"");
			buf_put_lit(out, ">");
			r->in_link++;
			render_children(r, node);
			r->in_link--;
			buf_put_lit(out, "</a>");
		} else {
			render_children(r, node);
		}
		return node;
	}
	case CMARK_NODE_IMAGE: {
		const char *url = cmark_node_get_url(node);
		char *alt = markdown_plain_text(node);
		if (url && *url) {
			buf_put_lit(out, "<img src=\"");
			put_attr_url(r, url);
			buf_put_lit(out, "\" alt=\"");
			buf_put_html(out, alt, strlen(alt));
			buf_put_lit(out, "\" loading=\"lazy\">");
		}
		free(alt);
		plain_image(r, node);
		return node;
	}
	case CMARK_NODE_FOOTNOTE_REFERENCE: {
		const char *label = cmark_node_get_literal(node);
		size_t n = footnote_number(r, label ? label : "");
		buf_put_lit(out, "<sup class=\"appel-note\"><a href=\"#note-");
		buf_put_uint(out, n);
		buf_put_lit(out, "\" id=\"appel-");
		buf_put_uint(out, n);
		buf_put_lit(out, "\" aria-label=\"Note ");
		buf_put_uint(out, n);
		buf_put_lit(out, "\">");
		buf_put_uint(out, n);
		buf_put_lit(out, "</a></sup>");
		return node;
	}
	default:
		break;
	}
	/* The extensions' nodes (tables, strikethrough) are known by name. */
	const char *type = cmark_node_get_type_string(node);
	if (strcmp(type, "table") == 0) {
		buf_put_lit(out, "<div class=\"tableau\"><table>\n");
		int in_head = 0, body_open = 0;
		for (cmark_node *row = cmark_node_first_child(node); row; row = cmark_node_next(row)) {
			int header = cmark_gfm_extensions_get_table_row_is_header(row);
			if (header && !in_head) {
				buf_put_lit(out, "<thead>\n");
				in_head = 1;
			} else if (!header && !body_open) {
				if (in_head)
					buf_put_lit(out, "</thead>\n");
				in_head = 0;
				buf_put_lit(out, "<tbody>\n");
				body_open = 1;
			}
			buf_put_lit(out, "<tr>");
			for (cmark_node *cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell)) {
				const char *align = table_align(cell);
				if (header)
					buf_put_lit(out, "<th scope=\"col\"");
				else
					buf_put_lit(out, "<td");
				if (align) {
					buf_put_lit(out, " style=\"text-align:");
					buf_puts(out, align);
					buf_put_lit(out, "\"");
				}
				buf_put_lit(out, ">");
				r->typo = (struct typo_state)TYPO_STATE_INIT;
				plain_block_end(r);
				render_children(r, cell);
				plain_block_end(r);
				if (header)
					buf_put_lit(out, "</th>");
				else
					buf_put_lit(out, "</td>");
			}
			buf_put_lit(out, "</tr>\n");
		}
		if (in_head)
			buf_put_lit(out, "</thead>\n");
		if (body_open)
			buf_put_lit(out, "</tbody>\n");
		buf_put_lit(out, "</table></div>\n");
		return node;
	}
	if (strcmp(type, "strikethrough") == 0) {
		buf_put_lit(out, "<del>");
		render_children(r, node);
		buf_put_lit(out, "</del>");
		return node;
	}
	render_children(r, node);
	return node;
}

static inline __attribute__((always_inline)) void render_children(struct render *r, cmark_node *node)
{
	for (cmark_node *c = node_first_child(r, node); c; c = node_next(r, render_node(r, c)))
		;
}

static void render_footnotes(struct render *r, cmark_node *root)
{
	if (!r->nfootnotes)
		return;
	buf_put_lit(r->out, "<section class=\"notes\" aria-labelledby=\"notes-titre\">\n"
			 "<h2 id=\"notes-titre\">Notes</h2>\n<ol>\n");
	/* The notes are a section of their own. */
	sigles_new_section(r);
	/*
	 * cmark-gfm moves the definitions to the end of the document in the
	 * order of their first reference, which is the order of the numbers.
	 */
	cmark_node *def = cmark_node_first_child(root);
	for (size_t i = 0; i < r->nfootnotes; i++) {
		while (def && cmark_node_get_type(def) != CMARK_NODE_FOOTNOTE_DEFINITION)
			def = cmark_node_next(def);
		buf_put_lit(r->out, "<li id=\"note-");
		buf_put_uint(r->out, i + 1);
		buf_put_lit(r->out, "\">");
		if (def) {
			plain_block_end(r);
			render_children(r, def);
			plain_block_end(r);
			def = cmark_node_next(def);
		}
		buf_put_lit(r->out, "<a class=\"retour-note\" href=\"#appel-");
		buf_put_uint(r->out, i + 1);
		buf_put_lit(r->out, "\" aria-label=\"Retour à l’appel de note ");
		buf_put_uint(r->out, i + 1);
		buf_put_lit(r->out, "\">↩</a></li>\n");
	}
	buf_put_lit(r->out, "</ol>\n</section>\n");
}

/*
 * The sigles linked in the document, with their expansion and definition, in
 * an inert <template>: site.js shows one in place when its link is tapped, so
 * a phone need not leave the page (without JavaScript the link leads to the
 * glossary entry).
 */
/* One sigle's <div> in that <template>, its definition's links relative to page. */
static void put_sigle_definition(const struct site *s, const struct entry *e, const char *page,
				 struct buf *out)
{
	buf_put_lit(out, "<div data-sigle=\"");
	buf_puts(out, e->anchor);
	buf_put_lit(out, "\">");
	const json_t *exp = json_object_get(e->data, "expansion");
	if (json_is_string(exp)) {
		buf_put_lit(out, "<p class=\"sigle-developpe\">");
		html_typo(json_string_value(exp), out);
		buf_put_lit(out, "</p>");
	}
	const json_t *def = json_object_get(e->data, "definition");
	if (json_is_string(def)) {
		buf_put_lit(out, "<p>");
		html_render_markdown(s, json_string_value(def), page, 1, out);
		buf_put_lit(out, "</p>");
	}
	buf_put_lit(out, "</div>\n");
}

void html_prepare_glossary(struct site *s)
{
	for (size_t i = 0; i < s->nglossary; i++) {
		struct entry *e = &s->glossary[i];
		const json_t *def = json_object_get(e->data, "definition");
		/* Without '[' the definition has no link, image or note: no URL relative to a page. */
		if (e->sigle_html || (json_is_string(def) && strchr(json_string_value(def), '[')))
			continue;
		struct buf b = BUF_INIT;
		put_sigle_definition(s, e, "", &b);
		e->sigle_html = buf_detach(&b);
	}
}

/* The <template> of sigle definitions, for the glossary entries in sigles (ascending). */
static void put_sigle_definitions(const struct site *s, const size_t *sigles, size_t n,
				  const char *page, struct buf *out)
{
	if (!n)
		return;
	buf_put_lit(out, "<template class=\"sigles-definitions\">\n");
	for (size_t i = 0; i < n; i++) {
		const struct entry *e = &s->glossary[sigles[i]];
		if (e->sigle_html)
			buf_puts(out, e->sigle_html);
		else
			put_sigle_definition(s, e, page, out);
	}
	buf_put_lit(out, "</template>\n");
}

/* The glossary entries linked in the document rendered by r, ascending; NULL if none. */
static size_t *sigles_linked(const struct render *r, size_t *n)
{
	/* Counted first: one allocation, not a realloc per sigle. */
	size_t count = 0, k = 0;
	for (size_t i = 0; i < r->s->nglossary; i++)
		count += r->sigle_seen[i] != 0;
	*n = count;
	if (!count)
		return NULL;
	size_t *v = xmalloc(count * sizeof *v);
	for (size_t i = 0; k < count; i++)
		if (r->sigle_seen[i])
			v[k++] = i;
	return v;
}

/* The body and its notes; the caller frees r->sigle_seen. */
static void render_root(struct render *r, cmark_node *root)
{
	r->direct = markdown_direct_fields();
	render_node(r, root);
	render_footnotes(r, root);
	for (size_t i = 0; i < r->nfootnotes; i++)
		free(r->footnotes[i]);
	free(r->footnotes);
	abbr_titles_free(r);
	buf_free(&r->lines);
}

void html_render_doc(const struct site *s, const struct doc *doc, const char *page,
		     struct buf *out)
{
	struct render r = {s, doc, page, path_depth(page), out, 0, NULL, TYPO_STATE_INIT, 0, NULL, 0, NULL,
			   NULL, 0, NULL, 0, NULL, NULL, 0, BUF_INIT, 0};
	sigles_start(&r);
	cmark_node *root = bodies_tree(s, doc);
	render_root(&r, root);
	cmark_node_free(root);
	size_t n;
	size_t *sigles = sigles_linked(&r, &n);
	put_sigle_definitions(s, sigles, n, page, out);
	free(sigles);
	free(r.sigle_seen);
}

/*
 * The first pat (of length pl) that starts in [from, limit) and ends by
 * text_end; NULL when none. Bounded (a search that failed ran to the end
 * of the body, once per pattern), and found by memchr on its byte key, a
 * rare one in HTML (< = #), each hit compared whole: glibc's memmem goes
 * byte by byte.
 */
static const char *find_before(const char *from, const char *limit, const char *text_end,
			       const char *pat, size_t pl, size_t key)
{
	if (from >= limit)
		return NULL;
	size_t span = (size_t)(limit - from), avail = (size_t)(text_end - from);
	/* The key of a match starting at m is at m + key: m < span, m + pl <= avail. */
	size_t hi = span + key < avail ? span + key : avail;
	for (size_t lo = key; lo < hi;) {
		const char *k = memchr(from + lo, pat[key], hi - lo);
		if (!k)
			return NULL;
		size_t m = (size_t)(k - from) - key;
		if (m + pl <= avail && memcmp(from + m, pat, pl) == 0)
			return from + m;
		lo = m + 1 + key;
	}
	return NULL;
}

/*
 * Where the part of a rendered body under the heading whose id is anchor
 * lies in body[0..len): after that heading, up to the next heading of the
 * same level, the notes or the sigles' template. 0 when the body has no
 * such heading. at: where the renderer wrote the first such heading, or
 * SIZE_MAX when not known (then it is searched for).
 */
static int section_bounds(const char *body, size_t len, const char *anchor, size_t at,
			  size_t *from, size_t *to)
{
	char *open = xasprintf("<h2 id=\"%s\">", anchor);
	size_t ol = strlen(open);
	const char *start = at != SIZE_MAX && at + ol <= len && memcmp(body + at, open, ol) == 0 ?
			    body + at : strstr(body, open);
	free(open);
	if (!start)
		return 0;
	start = strstr(start, "</h2>");
	if (!start)
		return 0;
	start += 5;
	/* The first tag that is one of the stops: each '<' once (memchr), not a pass per stop. */
	static const char NOTES[] = "<section class=\"notes\"", TEMPLATE[] = "<template";
	const char *end = body + len;
	for (const char *t = memchr(start, '<', (size_t)(end - start)); t;
	     t = memchr(t + 1, '<', (size_t)(end - t - 1))) {
		size_t left = (size_t)(end - t);
		if ((left >= 3 && t[1] == 'h' && t[2] == '2') ||
		    (left >= sizeof NOTES - 1 && memcmp(t, NOTES, sizeof NOTES - 1) == 0) ||
		    (left >= sizeof TEMPLATE - 1 && memcmp(t, TEMPLATE, sizeof TEMPLATE - 1) == 0)) {
			end = t;
			break;
		}
	}
	*from = (size_t)(start - body);
	*to = (size_t)(end - body);
	return 1;
}

/*
 * Appends the part [start, end) of a rendered body (the text ending at
 * text_end) as another page shows it: ids dropped (several such parts
 * share a page) and same-page links going to the document's page, at
 * doc_href. The bytes between go in one piece; the places are found with
 * memmem, not tried at every byte.
 */
static void put_section(struct buf *b, const char *start, const char *end, const char *text_end,
			const char *doc_href)
{
	/* Their keys: '=' and '#'. */
	static const char ID[] = " id=\"", HREF[] = "href=\"#";
	const char *from = start, *p = start;
	const char *id = find_before(p, end, text_end, ID, 5, 3);
	const char *href = find_before(p, end, text_end, HREF, 7, 6);
	for (;;) {
		/* Matches skipped by the last step are looked for again from there. */
		if (id && id < p)
			id = find_before(p, end, text_end, ID, 5, 3);
		if (href && href < p)
			href = find_before(p, end, text_end, HREF, 7, 6);
		if (id && (!href || id < href)) {
			const char *q = memchr(id + 5, '"', (size_t)(end - id - 5));
			if (q) {
				buf_put(b, from, (size_t)(id - from));
				from = p = q + 1;
			} else {
				/* No quote ends it, nor any id after it. */
				id = NULL;
			}
			continue;
		}
		if (!href)
			break;
		buf_put(b, from, (size_t)(href - from));
		buf_put_lit(b, "href=\"");
		buf_puts(b, doc_href);
		from = p = href + 6;
	}
	buf_put(b, from, (size_t)(end - from));
}

/* The « Comment faire ? » section of body, rendered from « Que faire si… », as html_what_to_do gives it. */
static char *what_to_do_part(const struct doc *doc, const char *body)
{
	size_t from, to;
	if (!section_bounds(body, strlen(body), PAGES_WHAT_TO_DO_ANCHOR, SIZE_MAX, &from, &to))
		return NULL;
	char *page = path_relative(PAGES_WHAT_TO_DO_PATH, doc->out_path);
	struct buf b = BUF_INIT;
	put_section(&b, body + from, body + to, body + strlen(body), page);
	free(page);
	return buf_detach(&b);
}

char *html_what_to_do(const struct site *s, const struct doc *doc, cmark_node *root)
{
	struct buf body = BUF_INIT;
	struct render r = {s, doc, PAGES_WHAT_TO_DO_PATH, path_depth(PAGES_WHAT_TO_DO_PATH), &body, 0, NULL,
			   TYPO_STATE_INIT, 0, NULL, 0, NULL, NULL, 0, NULL, 0, NULL, NULL, 0, BUF_INIT, 0};
	sigles_start(&r);
	cmark_node *own = root ? NULL : bodies_tree(s, doc);
	render_root(&r, root ? root : own);
	if (own)
		cmark_node_free(own);
	free(r.sigle_seen);
	char *part = what_to_do_part(doc, buf_cstr(&body));
	buf_free(&body);
	return part;
}

/*
 * The « Comment faire ? » section of the body in out, as rendering its
 * tree from « Que faire si… » would give it: the same bytes but the paths
 * relative to the page (links), written again from there. The section is
 * found in out itself: its bounds are tags, which no path holds (paths
 * are escaped, and follow href=" or src="), so they are the same places
 * in both renders. Only the section is copied, not the body.
 */
static char *what_to_do_from_body(const struct doc *doc, const struct buf *out,
				  const struct page_links *links)
{
	size_t from, to;
	if (!section_bounds(out->data, out->len, PAGES_WHAT_TO_DO_ANCHOR, links->what_to_do_at,
			    &from, &to))
		return NULL;
	struct buf sec = BUF_INIT;
	const char *start = out->data + from, *end = out->data + to, *text_end = out->data + out->len;
	if (links->n) {
		/* The section with its links written from « Que faire si… ». */
		size_t at = from, depth = path_depth(PAGES_WHAT_TO_DO_PATH);
		buf_grow(&sec, to - from + 64);
		for (size_t i = 0; i < links->n; i++) {
			const struct page_link *l = &links->v[i];
			if (l->at < from || l->at >= to)
				continue;
			buf_put(&sec, out->data + at, l->at - at);
			put_path_relative(&sec, PAGES_WHAT_TO_DO_PATH, depth, l->target);
			at = l->at + l->len;
		}
		buf_put(&sec, out->data + at, to - at);
		start = sec.data;
		end = text_end = sec.data + sec.len;
	}
	char *page = path_relative(PAGES_WHAT_TO_DO_PATH, doc->out_path);
	struct buf b = BUF_INIT;
	put_section(&b, start, end, text_end, page);
	free(page);
	buf_free(&sec);
	return buf_detach(&b);
}

void html_render_body(const struct site *s, const struct doc *doc, cmark_node *root,
		      struct html_body *body, struct ptrs *texts, char **what_to_do,
		      const char *const *abbr_titles)
{
	struct buf out = BUF_INIT, plain = BUF_INIT;
	struct page_links links = {NULL, 0, 0, SIZE_MAX};
	struct render r = {s, doc, doc->out_path, path_depth(doc->out_path), &out, 0, NULL,
			   TYPO_STATE_INIT, 0, NULL, 0, texts ? &plain : NULL, texts, 0,
			   what_to_do ? &links : NULL, 0, abbr_titles, NULL, 0, BUF_INIT, 0};
	sigles_start(&r);
	/*
	 * Room for what the body usually gives (its HTML is about its
	 * Markdown's size and a half), so that the page is not grown by
	 * doubling from nothing, each step a copy; the search text's buffer
	 * serves every section in turn.
	 */
	buf_grow(&out, (doc->body ? doc->body_len : 0) * 3 / 2 + 1024);
	if (texts)
		buf_grow(&plain, 1024);
	render_root(&r, root);
	if (texts) {
		search_text_keep(&plain, texts);
		buf_free(&plain);
	}
	body->sigles = sigles_linked(&r, &body->nsigles);
	free(r.sigle_seen);
	if (what_to_do) {
		/* The section from this render: the tree is not rendered a second time. */
		*what_to_do = what_to_do_from_body(doc, &out, &links);
		free(links.v);
	}
	body->len = out.len;
	/* Kept until the page is written: no slack. */
	body->html = xrealloc(buf_detach(&out), body->len + 1);
}

void html_put_body(const struct site *s, const struct doc *doc, const struct html_body *body,
		   struct buf *out)
{
	buf_put(out, body->html, body->len);
	put_sigle_definitions(s, body->sigles, body->nsigles, doc->out_path, out);
}

void html_body_free(struct html_body *body)
{
	free(body->html);
	free(body->sigles);
	*body = (struct html_body){0};
}

/*
 * The bytes cmark-gfm takes as text wherever they stand in a line: not
 * a line end or another control, nor a byte that starts inline syntax
 * (\\ ` & _ * [ ] < !: the inline parser ends a text node at each) or
 * that makes markdown.c attach an extension (| ~ ^ @, whose special
 * characters would end text nodes too).
 */
enum { MD_SYNTAX, MD_INERT, MD_AUTOLINK /* inert unless it begins "://" or "www." */ };

static const unsigned char md_inert[256] = {
	[' '] = MD_INERT, ['"' ... '%'] = MD_INERT, ['\'' ... ')'] = MD_INERT,
	['+' ... '9'] = MD_INERT, [':'] = MD_AUTOLINK, [';'] = MD_INERT, ['=' ... '?'] = MD_INERT,
	['A' ... 'V'] = MD_INERT, ['W'] = MD_AUTOLINK, ['X' ... 'Z'] = MD_INERT,
	['a' ... 'v'] = MD_INERT, ['w'] = MD_AUTOLINK, ['x' ... '{'] = MD_INERT, ['}'] = MD_INERT,
	[0x80 ... 0xFF] = MD_INERT,
};

/*
 * 1 when cmark-gfm parses text[0..n) (markdown_parse_string) into one
 * paragraph holding one text node, text itself: one line of inert bytes
 * (md_inert) that starts with a letter (no block syntax: list, heading,
 * quotation, indented code) and ends with no space (a paragraph's line is
 * trimmed), without "://" or "www." (an autolink: markdown.c attaches the
 * extension, whose ':' and 'w' end text nodes). Most summaries and fields
 * of data files are such, and need no parse.
 */
static int plain_paragraph(const char *text, size_t n)
{
	if (!n || !(ascii_isalpha(text[0]) || (unsigned char)text[0] >= 0x80) || text[n - 1] == ' ')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		if (md_inert[c] == MD_INERT)
			continue;
		if (md_inert[c] == MD_SYNTAX)
			return 0;
		if (c == ':' && i + 2 < n && text[i + 1] == '/' && text[i + 2] == '/')
			return 0;
		if (c != ':' && i + 3 < n && (text[i + 1] | 32) == 'w' && (text[i + 2] | 32) == 'w' &&
		    text[i + 3] == '.')
			return 0;
	}
	return 1;
}

void html_render_markdown(const struct site *s, const char *text, const char *page,
			  int inline_only, struct buf *out)
{
	size_t n = strlen(text);
	struct render r = {s, NULL, page, path_depth(page), out, 0, NULL, TYPO_STATE_INIT, 1, NULL, 0, NULL,
			   NULL, 0, NULL, 0, NULL, NULL, 0, BUF_INIT, 0};
#ifndef HTML_ALWAYS_PARSE /* defined by test_html_markdown, which compares both ways */
	if (inline_only && plain_paragraph(text, n)) {
		/* What the tree's one text node gives, without the tree. */
		put_text(&r, text, n, 1);
		abbr_titles_free(&r);
		return;
	}
#endif
	cmark_node *root = markdown_parse_string(text, n);
	r.direct = markdown_direct_fields();
	if (inline_only) {
		/* Sigles get their <abbr> but no link: summaries sit inside links. */
		for (cmark_node *b = cmark_node_first_child(root); b; b = cmark_node_next(b)) {
			if (b != cmark_node_first_child(root))
				buf_putc(out, ' ');
			render_children(&r, b);
		}
	} else {
		r.in_link = 0;
		render_node(&r, root);
	}
	for (size_t i = 0; i < r.nfootnotes; i++)
		free(r.footnotes[i]);
	free(r.footnotes);
	abbr_titles_free(&r);
	buf_free(&r.lines);
	cmark_node_free(root);
}

void html_render_summary(const struct site *s, const char *text, struct buf *html,
			 struct buf *plain)
{
	size_t n = strlen(text);
#ifndef HTML_ALWAYS_PARSE
	size_t pos, len, which;
	if (plain_paragraph(text, n) &&
	    !(s->gloss && gloss_index_find(s->gloss, text, n, 0, &pos, &len, &which))) {
		/* What put_text does with a text without sigles, typo_plain's text beside it. */
		struct typo_state st = TYPO_STATE_INIT;
		struct html_and_plain to = {emit_typo, html, plain};
		typo_apply_inert(text, n, &st, emit_html_and_plain, &to);
		return;
	}
#endif
	html_render_markdown(s, text, "", 1, html);
	typo_plain_put(text, n, plain);
}
