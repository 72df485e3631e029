/* References to a document or an entry across content/; see edit_refs.h. */
#include "edit_refs.h"
#include "edit_save.h"

#include "buf.h"
#include "glossary.h"
#include "kind.h"
#include "load.h"
#include "markdown.h"
#include "md_paths.h"
#include "path.h"
#include "xalloc.h"
#include "xref.h"

#include <cmark-gfm.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

struct scanner {
	const struct site *s;
	const struct ref_target *t;
	const struct md_paths *paths;
	struct md_paths *own_paths;    /* built here when the site has none */
	/* The file being scanned. */
	struct ref_file *f;
	const struct doc *from;        /* its document, NULL for a data file */
	int booklet;                   /* a booklet: include items name documents */
	int contacts;                  /* contacts.yaml: `organisation:` names a contact */
	int data;                      /* a data file: its entries' `id:` values are not text */
	struct gloss_index *sigle;     /* renaming a glossary entry: its sigle alone, or NULL */
	struct buf problem;
};

/* ------------------------------------------------------------ helpers */

static int all_digits(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int line_of(const char *text, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

static void add_problem(struct scanner *sc, size_t off)
{
	if (sc->problem.len)
		buf_puts(&sc->problem, ", ");
	buf_printf(&sc->problem, "content/%s:%d", sc->f->rel, line_of(sc->f->text, off));
}

/* Records a hit unless one starts at the same byte (links sharing a definition). */
static void add_hit(struct scanner *sc, size_t start, size_t end, char *replacement)
{
	struct ref_file *f = sc->f;
	for (size_t i = 0; i < f->nhits; i++)
		if (f->hits[i].start == start) {
			free(replacement);
			return;
		}
	f->hits = xrealloc(f->hits, (f->nhits + 1) * sizeof *f->hits);
	f->hits[f->nhits++] = (struct ref_hit){start, end, line_of(f->text, start), replacement};
}

/* Whether a hit lies in [start, start + n): that destination is taken (hits start at its key). */
static int hit_at(const struct scanner *sc, size_t start, size_t n)
{
	for (size_t i = 0; i < sc->f->nhits; i++)
		if (sc->f->hits[i].start >= start && sc->f->hits[i].start < start + (n ? n : 1))
			return 1;
	return 0;
}

/* ------------------------------------------------------------ matching */

static int doc_kind_of_scheme(enum xref_scheme s)
{
	switch (s) {
	case XREF_ACTION: return DOC_ACTION;
	case XREF_THEME: return DOC_THEME;
	case XREF_GUIDE: return DOC_GUIDE;
	case XREF_PAGE: return DOC_PAGE;
	default: return -1;
	}
}

/*
 * Whether key[0..n) names the target among the documents of kind; *repl
 * gets the key to write instead (a number stays a number, a slug a slug),
 * or NULL when this spelling does not change.
 */
static int doc_key_matches(struct scanner *sc, int kind, const char *key, size_t n, char **repl)
{
	*repl = NULL;
	if (!sc->t->doc || kind < 0)
		return 0;
	char *k = xstrndup(key, n);
	const struct doc *d = site_find_doc(sc->s, (enum doc_kind)kind, k);
	int hit = d && d == sc->t->doc;
	if (hit) {
		if (all_digits(k, n) && d->number == atoi(k)) {
			if (sc->t->new_number)
				*repl = xasprintf("%d", sc->t->new_number);
		} else if (sc->t->new_slug && strcmp(k, d->slug) == 0) {
			*repl = xstrdup(sc->t->new_slug);
		}
	}
	free(k);
	return hit;
}

/* Whether key[0..n) names the target entry; *repl: its new id, or NULL when it stays. */
static int entry_key_matches(struct scanner *sc, enum target_kind kind, const char *key, size_t n, char **repl)
{
	int hit = !sc->t->doc && sc->t->entry_kind == kind && strlen(sc->t->entry_id) == n &&
		  memcmp(sc->t->entry_id, key, n) == 0;
	if (repl)
		*repl = hit && sc->t->new_entry_id ? xstrdup(sc->t->new_entry_id) : NULL;
	return hit;
}

/*
 * Whether url (a link target) refers to the target. *ko and *kl: the part
 * of url that names it; *repl: what to write there instead (NULL: stays).
 */
static int url_matches(struct scanner *sc, const char *url, size_t *ko, size_t *kl, char **repl)
{
	struct xref x;
	xref_parse(url, &x);
	*repl = NULL;
	int kind = doc_kind_of_scheme(x.scheme);
	if (x.scheme == XREF_UNKNOWN) {
		/* A project's own kind: "atelier:slug#anchor". */
		kind = site_kind_by_name(sc->s, x.key, x.key_len);
		if (kind < 0 || x.key[x.key_len] != ':')
			return 0;
		const char *k = x.key + x.key_len + 1;
		const char *hash = strchr(k, '#');
		x.key = k;
		x.key_len = hash ? (size_t)(hash - k) : strlen(k);
	}
	*ko = (size_t)(x.key - url);
	*kl = x.key_len;
	if (kind >= 0)
		return doc_key_matches(sc, kind, x.key, x.key_len, repl);
	if (x.scheme == XREF_CONTACT)
		return entry_key_matches(sc, TARGET_CONTACT, x.key, x.key_len, repl);
	if (x.scheme == XREF_GLOSSARY)
		return entry_key_matches(sc, TARGET_GLOSSARY, x.key, x.key_len, repl);
	if (x.scheme == XREF_BIBLIO)
		return entry_key_matches(sc, TARGET_BIBLIO, x.key, x.key_len, repl);
	if (x.scheme == XREF_MARKDOWN && sc->from && sc->t->doc) {
		char *rel = xstrndup(x.key, x.key_len);
		const struct doc *d = md_paths_find(sc->paths, sc->from, rel);
		int hit = d == sc->t->doc;
		if (hit && sc->t->new_file) {
			const char *slash = strrchr(rel, '/');
			size_t dir = slash ? (size_t)(slash + 1 - rel) : 0;
			*repl = xasprintf("%.*s%s", (int)dir, rel, sc->t->new_file);
		}
		free(rel);
		return hit;
	}
	return 0;
}

/* ------------------------------------------------- locating in the text */

/* Whether pos lies in a code span of the inline text t[a..b). */
static int in_code_span(const char *t, size_t a, size_t pos, size_t b)
{
	size_t i = a;
	while (i < pos) {
		if (t[i] == '\\') {
			i += 2;
			continue;
		}
		if (t[i] != '`') {
			i++;
			continue;
		}
		size_t r = i;
		while (r < b && t[r] == '`')
			r++;
		size_t run = r - i, j = r, close = 0;
		while (j < b && !close) {
			if (t[j] != '`') {
				j++;
				continue;
			}
			size_t e = j;
			while (e < b && t[e] == '`')
				e++;
			if (e - j == run)
				close = e;
			j = e;
		}
		if (!close) {
			i = r; /* a lone run of backticks is literal text */
			continue;
		}
		if (pos < close)
			return 1;
		i = close;
	}
	return 0;
}

enum url_context { AT_INLINE = 1, AT_DEFINITION = 2 };

/*
 * Whether url's bytes at p are a link destination: after "](" (spaces and
 * '<' allowed), inside an autolink "<url>", or after "]:" (a reference
 * definition), and followed by what ends a destination.
 */
static int destination_at(const char *t, size_t a, size_t b, size_t p, size_t n, int want)
{
	size_t after = p + n;
	char c = after < b ? t[after] : '\n';
	if (!strchr(") \t\r\n>\"'", c))
		return 0;
	size_t q = p;
	int angle = q > a && t[q - 1] == '<';
	if (angle)
		q--;
	while (q > a && (t[q - 1] == ' ' || t[q - 1] == '\t' || t[q - 1] == '\n' || t[q - 1] == '\r'))
		q--;
	if (q >= a + 2 && t[q - 2] == ']' && t[q - 1] == '(')
		return want & AT_INLINE;
	if (q >= a + 2 && t[q - 2] == ']' && t[q - 1] == ':')
		return want & AT_DEFINITION;
	if (angle && c == '>')
		return want & AT_INLINE; /* an autolink */
	return 0;
}

/*
 * The first place in t[a..b) where url stands as a link destination of
 * the wanted kind, outside code spans and not taken by an earlier hit;
 * (size_t)-1 when none.
 */
static size_t find_destination(struct scanner *sc, size_t a, size_t b, const char *url, int want)
{
	const char *t = sc->f->text;
	size_t n = strlen(url);
	if (n == 0)
		return (size_t)-1;
	for (size_t p = a; p + n <= b; p++) {
		const char *m = memmem(t + p, b - p, url, n);
		if (!m)
			break;
		p = (size_t)(m - t);
		if (destination_at(t, a, b, p, n, want) && !in_code_span(t, a, p, b) && !hit_at(sc, p, n))
			return p;
	}
	return (size_t)-1;
}

/* Whether pos lies in an inline link's destination, "](…)" or "](<…>)", of t[a..pos). */
static int in_link_destination(const char *t, size_t a, size_t pos)
{
	size_t i = pos;
	while (i > a && !strchr(" \t\r\n()<>[]", t[i - 1]))
		i--;
	if (i > a && t[i - 1] == '<')
		i--;
	return i >= a + 2 && t[i - 1] == '(' && t[i - 2] == ']';
}

/*
 * The places of the renamed sigle in t[a..b) as the build finds it (whole
 * words, glossary.h), outside code spans and link destinations. With hits,
 * each one is recorded with the new id; returns their count.
 */
static size_t sigle_places(struct scanner *sc, const char *t, size_t a, size_t b, int hits)
{
	size_t count = 0, start = 0, pos, len, which;
	while (gloss_index_find(sc->sigle, t + a, b - a, start, &pos, &len, &which)) {
		start = pos + len;
		if (in_code_span(t, a, a + pos, b) || in_link_destination(t, a, a + pos))
			continue;
		count++;
		if (hits)
			add_hit(sc, a + pos, a + pos + len, xstrdup(sc->t->new_entry_id));
	}
	return count;
}

/* Byte offset of the start of 1-based line `line` of t[0..len), at most len. */
static size_t line_start(const char *t, size_t len, size_t from, int from_line, int line)
{
	size_t i = from;
	for (int l = from_line; l < line && i < len; i++)
		if (t[i] == '\n')
			l++;
	return i;
}

static size_t line_end(const char *t, size_t len, size_t at)
{
	const char *nl = memchr(t + at, '\n', len - at);
	return nl ? (size_t)(nl - t) + 1 : len;
}

/* ------------------------------------------------------ Markdown bodies */

/*
 * The block whose lines hold an inline node. cmark-gfm gives inline nodes
 * a line of their own, but does not count a hard line break's newline
 * ("\\" at the end of a line): a link after one is numbered a line too
 * early. The enclosing block's lines are right.
 */
static cmark_node *enclosing_block(cmark_node *node)
{
	while (node && ((cmark_node_get_type(node) & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_INLINE ||
			cmark_node_get_start_line(node) == 0))
		node = cmark_node_parent(node);
	return node;
}

struct code_lines {
	int *from, *to;
	size_t n;
};

static int in_code_block(const struct code_lines *c, int line)
{
	for (size_t i = 0; i < c->n; i++)
		if (line >= c->from[i] && line <= c->to[i])
			return 1;
	return 0;
}

/*
 * The renamed sigle in the text of a Markdown body: the build marks up the
 * sigle in every text node (html.c put_text). Inline nodes have no
 * position, so the words are counted per enclosing block, then found in
 * that block's lines; when both counts differ (the sigle inside raw HTML,
 * an autolink…) the place is reported rather than guessed.
 */
static void scan_sigles(struct scanner *sc, cmark_node *root, size_t off, size_t n)
{
	const char *t = sc->f->text;
	struct block_count {
		int from, to;
		size_t words;
	} *blocks = NULL;
	size_t nblocks = 0;
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(node) != CMARK_NODE_TEXT)
			continue;
		const char *lit = cmark_node_get_literal(node);
		size_t words = 0, start = 0, pos, len, which, ln = lit ? strlen(lit) : 0;
		while (lit && gloss_index_find(sc->sigle, lit, ln, start, &pos, &len, &which)) {
			words++;
			start = pos + len;
		}
		if (!words)
			continue;
		cmark_node *block = enclosing_block(node);
		int from = block ? cmark_node_get_start_line(block) : 1;
		int to = block ? cmark_node_get_end_line(block) : from;
		size_t i = 0;
		while (i < nblocks && (blocks[i].from != from || blocks[i].to != to))
			i++;
		if (i == nblocks) {
			blocks = xrealloc(blocks, (nblocks + 1) * sizeof *blocks);
			blocks[nblocks++] = (struct block_count){from, to, 0};
		}
		blocks[i].words += words;
	}
	cmark_iter_free(it);
	for (size_t i = 0; i < nblocks; i++) {
		size_t a = line_start(t, off + n, off, 1, blocks[i].from);
		size_t b = line_end(t, off + n, line_start(t, off + n, a, blocks[i].from,
						    blocks[i].to > blocks[i].from ? blocks[i].to : blocks[i].from));
		if (sigle_places(sc, t, a, b, 0) == blocks[i].words)
			sigle_places(sc, t, a, b, 1);
		else
			add_problem(sc, a);
	}
	free(blocks);
}

/*
 * The links of the Markdown text at t[off..off+n)
 * that refer to the target, located inside the block each comes from, or
 * in its reference definition.
 */
static void scan_markdown(struct scanner *sc, size_t off, size_t n)
{
	const char *t = sc->f->text;
	cmark_node *root = markdown_parse_string(t + off, n);
	if (!root)
		return;
	struct code_lines code = {0};
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(node);
		if (ev == CMARK_EVENT_ENTER && (type == CMARK_NODE_CODE_BLOCK || type == CMARK_NODE_HTML_BLOCK)) {
			code.from = xrealloc(code.from, (code.n + 1) * sizeof *code.from);
			code.to = xrealloc(code.to, (code.n + 1) * sizeof *code.to);
			code.from[code.n] = cmark_node_get_start_line(node);
			code.to[code.n++] = cmark_node_get_end_line(node);
		}
	}
	cmark_iter_free(it);
	it = cmark_iter_new(root);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(node) != CMARK_NODE_LINK)
			continue;
		const char *url = cmark_node_get_url(node);
		size_t ko, kl;
		char *repl;
		if (!url || !url_matches(sc, url, &ko, &kl, &repl))
			continue;
		/* The node's own lines first (a [text][label] link must not take an autolink's place below). */
		cmark_node *own = node;
		while (own && cmark_node_get_start_line(own) == 0)
			own = cmark_node_parent(own);
		int bl = own ? cmark_node_get_start_line(own) : 1;
		int el = own ? cmark_node_get_end_line(own) : bl;
		size_t a = line_start(t, off + n, off, 1, bl);
		size_t b = line_end(t, off + n, line_start(t, off + n, a, bl, el > bl ? el : bl));
		size_t p = find_destination(sc, a, b, url, AT_INLINE);
		cmark_node *block = enclosing_block(node);
		if (p == (size_t)-1 && block && block != own && cmark_node_get_end_line(block) > el) {
			/* Then down to the end of its block: see enclosing_block. */
			size_t c = line_end(t, off + n, line_start(t, off + n, a, bl, cmark_node_get_end_line(block)));
			p = find_destination(sc, a, c, url, AT_INLINE);
		}
		if (p == (size_t)-1) {
			/* [text][label]: the destination is in a definition line. */
			size_t q = off;
			while (q < off + n) {
				p = find_destination(sc, q, off + n, url, AT_DEFINITION);
				if (p == (size_t)-1 || !in_code_block(&code, line_of(t + off, p - off)))
					break;
				q = p + 1;
				p = (size_t)-1;
			}
		}
		if (p == (size_t)-1) {
			add_problem(sc, a);
			free(repl);
			continue;
		}
		add_hit(sc, p + ko, p + ko + kl, repl);
	}
	cmark_iter_free(it);
	if (sc->sigle)
		scan_sigles(sc, root, off, n);
	cmark_node_free(root);
	free(code.from);
	free(code.to);
}

/* ---------------------------------------------------------------- YAML */

/* Character index (libyaml's marks) to byte offset, walking forward. */
struct char_walk {
	const char *t;
	size_t len, ci, bi;
};

static size_t byte_at(struct char_walk *w, size_t ci)
{
	if (ci < w->ci)
		w->ci = w->bi = 0;
	while (w->ci < ci && w->bi < w->len) {
		unsigned char c = (unsigned char)w->t[w->bi];
		size_t step = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		if (c == '\r' && w->bi + 1 < w->len && w->t[w->bi + 1] == '\n')
			step = 1; /* libyaml counts CR LF as two */
		w->bi += step;
		w->ci++;
	}
	return w->bi < w->len ? w->bi : w->len;
}

struct frame {
	int map;                /* 1: mapping, 0: sequence */
	char *key;              /* mapping: the current key (owned), NULL while expecting one */
};

/* The key of the mapping at depth i (NULL when that frame is a sequence). */
static const char *key_at(const struct frame *st, size_t depth, size_t i)
{
	return i < depth && st[i].map ? st[i].key : NULL;
}

/* The content directory's kind, or -1. */
static int kind_by_dir(const struct site *s, const char *dir)
{
	for (size_t k = 0; dir && k < site_nkinds(s); k++)
		if (strcmp(site_kind(s, (int)k)->content_dir, dir) == 0)
			return (int)k;
	return -1;
}

/* A whole scalar replaced: its inner bytes must be its value as written. */
static void whole_scalar(struct scanner *sc, size_t start, size_t end, int style, const char *value,
			 size_t vo, size_t vl, char *repl)
{
	if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE || style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
		start++;
		end--;
	}
	size_t n = strlen(value);
	if (end < start || end - start != n || memcmp(sc->f->text + start, value, n) != 0) {
		add_problem(sc, start);
		free(repl);
		return;
	}
	add_hit(sc, start + vo, start + vo + vl, repl);
}

/* A scalar value: an id by its place, a link as a whole, or Markdown holding links. */
static void yaml_value_links(struct scanner *sc, const struct frame *st, size_t depth, const char *value,
		       int style, size_t start, size_t end)
{
	const struct site *s = sc->s;
	/* Where it stands: the mapping key owning it, directly or through one list. */
	size_t owner = depth && st[depth - 1].map ? depth - 1 : depth >= 2 ? depth - 2 : (size_t)-1;
	const char *key = owner != (size_t)-1 ? key_at(st, depth, owner) : NULL;
	int kind = -1;
	int contact = 0;
	if (sc->from && owner == 0 && key) {
		/* A front matter field naming documents or contacts. */
		const struct kind_field *f = kind_field(sc->from->desc, key);
		if (f && f->type == FIELD_DOC && f->ref)
			kind = site_kind_by_name(s, f->ref, strlen(f->ref));
		contact = f && f->type == FIELD_CONTACT;
	} else if (sc->booklet && key && owner >= 2 && !st[owner - 1].map &&
		   key_at(st, depth, owner - 2) && strcmp(key_at(st, depth, owner - 2), "include") == 0) {
		kind = kind_by_dir(s, key); /* - actions: [1, 6] ; - guide: introduction */
	} else if (sc->booklet && key && strcmp(key, "contacts") == 0 && owner >= 2 && !st[owner - 1].map &&
		   key_at(st, depth, owner - 2) && strcmp(key_at(st, depth, owner - 2), "panels") == 0) {
		contact = 1; /* a leaflet's panel: - contacts: [copiltat, reseaux-13] (fold_panels.c) */
	} else if (sc->contacts && key && owner == 1 && strcmp(key, "organisation") == 0) {
		contact = 1;
	}
	size_t n = strlen(value);
	char *repl = NULL;
	if (kind >= 0 && doc_key_matches(sc, kind, value, n, &repl)) {
		whole_scalar(sc, start, end, style, value, 0, n, repl);
		return;
	}
	if (contact && entry_key_matches(sc, TARGET_CONTACT, value, n, &repl)) {
		whole_scalar(sc, start, end, style, value, 0, n, repl);
		return;
	}
	size_t ko, kl;
	if (url_matches(sc, value, &ko, &kl, &repl)) {
		/* href: "page:la-demarche-tat", include: ["action:6"] */
		whole_scalar(sc, start, end, style, value, ko, kl, repl);
		return;
	}
	free(repl);
	if (!strstr(value, "](") && !strchr(value, '<'))
		return;
	/* A text in Markdown: its links, found in the value, located in the scalar's bytes. */
	cmark_node *root = markdown_parse_string(value, n);
	cmark_iter *it = root ? cmark_iter_new(root) : NULL;
	cmark_event_type ev;
	while (it && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(node) != CMARK_NODE_LINK)
			continue;
		const char *url = cmark_node_get_url(node);
		if (!url || !url_matches(sc, url, &ko, &kl, &repl))
			continue;
		size_t p = find_destination(sc, start, end, url, AT_INLINE | AT_DEFINITION);
		if (p == (size_t)-1) {
			add_problem(sc, start);
			free(repl);
			continue;
		}
		add_hit(sc, p + ko, p + ko + kl, repl);
	}
	if (it)
		cmark_iter_free(it);
	if (root)
		cmark_node_free(root);
}

/*
 * A scalar value: its references (yaml_value_links), then, when a glossary
 * entry is renamed, its sigle written in the text. Addresses and the data
 * files' `id:` values are not text.
 */
static void yaml_value(struct scanner *sc, const struct frame *st, size_t depth, const char *value,
		       int style, size_t start, size_t end)
{
	yaml_value_links(sc, st, depth, value, style, start, end);
	if (!sc->sigle || strstr(value, "://") || strchr(value, '@'))
		return;
	const char *key = depth && st[depth - 1].map ? st[depth - 1].key : NULL;
	if (sc->data && depth == 2 && key && strcmp(key, "id") == 0)
		return;
	size_t n = strlen(value);
	size_t words = 0, from = 0, pos, len, which;
	while (gloss_index_find(sc->sigle, value, n, from, &pos, &len, &which)) {
		from = pos + len;
		words += !in_link_destination(value, 0, pos);
	}
	if (!words)
		return;
	/* A sigle has no space, quote or escape in it: it stands in the scalar's bytes as in its value. */
	if (sigle_places(sc, sc->f->text, start, end, 0) == words)
		sigle_places(sc, sc->f->text, start, end, 1);
	else
		add_problem(sc, start);
}

/* Every scalar of the YAML at t[off..off+n). Returns -1 when it does not parse. */
static int scan_yaml(struct scanner *sc, size_t off, size_t n)
{
	const char *t = sc->f->text + off;
	size_t bom = n >= 3 && memcmp(t, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		return -1;
	yaml_parser_set_input_string(&parser, (const unsigned char *)t + bom, n - bom);
	struct char_walk w = {t + bom, n - bom, 0, 0};
	struct frame st[64];
	size_t depth = 0;
	int r = 0, done = 0;
	while (!done) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			r = -1;
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (depth == sizeof st / sizeof *st) {
				r = -1;
				done = 1;
				break;
			}
			st[depth++] = (struct frame){ev.type == YAML_MAPPING_START_EVENT, NULL};
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			if (depth) {
				free(st[--depth].key);
				if (depth && st[depth - 1].map) {
					free(st[depth - 1].key);
					st[depth - 1].key = NULL;
				}
			}
			break;
		case YAML_SCALAR_EVENT: {
			const char *v = (const char *)ev.data.scalar.value;
			if (depth && st[depth - 1].map && !st[depth - 1].key) {
				st[depth - 1].key = xstrdup(v);
				break;
			}
			size_t a = off + bom + byte_at(&w, ev.start_mark.index);
			size_t b = off + bom + byte_at(&w, ev.end_mark.index);
			if (strlen(v) == ev.data.scalar.length)
				yaml_value(sc, st, depth, v, (int)ev.data.scalar.style, a, b);
			if (depth && st[depth - 1].map) {
				free(st[depth - 1].key);
				st[depth - 1].key = NULL;
			}
			break;
		}
		case YAML_ALIAS_EVENT:
			if (depth && st[depth - 1].map && st[depth - 1].key) {
				free(st[depth - 1].key);
				st[depth - 1].key = NULL;
			}
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	while (depth)
		free(st[--depth].key);
	yaml_parser_delete(&parser);
	return r;
}

/* ------------------------------------------------------------- files */

static int by_start(const void *a, const void *b)
{
	const struct ref_hit *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Reads content/rel and scans it; keeps it in out when it refers to the target. */
static int scan_file(struct scanner *sc, struct ref_scan *out, const char *rel, const struct doc *from)
{
	char *fs = path_join(sc->s->content_dir, rel);
	size_t len = 0;
	char *text = edit_read(fs, LOAD_MAX_FILE_BYTES, &len);
	free(fs);
	if (!text) {
		if (sc->problem.len)
			buf_puts(&sc->problem, ", ");
		buf_printf(&sc->problem, "content/%s (illisible)", rel);
		return -1;
	}
	struct ref_file f = {xstrdup(rel), text, len, NULL, 0};
	sc->f = &f;
	sc->from = from;
	size_t rl = strlen(rel);
	if (from) {
		const char *fm, *body;
		size_t fl;
		int body_line;
		int split = load_split_front_matter(text, len, &fm, &fl, &body, &body_line);
		if (split > 0 && fm)
			scan_yaml(sc, (size_t)(fm - text), fl);
		if (split < 0 || !body)
			body = text; /* unclosed front matter: the build reads nothing more */
		scan_markdown(sc, (size_t)(body - text), len - (size_t)(body - text));
	} else if (rl > 5 && strcmp(rel + rl - 5, ".yaml") == 0) {
		scan_yaml(sc, 0, len);
	}
	sc->f = NULL;
	if (!f.nhits) {
		free(f.rel);
		free(f.text);
		return 0;
	}
	qsort(f.hits, f.nhits, sizeof *f.hits, by_start);
	out->files = xrealloc(out->files, (out->nfiles + 1) * sizeof *out->files);
	out->files[out->nfiles++] = f;
	return 0;
}

static const char *content_rel(const char *display)
{
	return display && strncmp(display, "content/", 8) == 0 ? display + 8 : display;
}

int refs_scan(const struct site *s, const struct ref_target *t, struct ref_scan *out)
{
	memset(out, 0, sizeof *out);
	struct scanner sc = {0};
	sc.s = s;
	sc.t = t;
	sc.paths = s->md_paths;
	if (!sc.paths)
		sc.paths = sc.own_paths = md_paths_build(s);
	if (!t->doc && t->entry_kind == TARGET_GLOSSARY && t->new_entry_id)
		sc.sigle = gloss_index_new(&t->entry_id, 1);
	int r = 0;
	for (size_t i = 0; i < site_ndocs_all(s); i++) {
		const struct doc *d = site_doc_at(s, i);
		if (scan_file(&sc, out, content_rel(d->path), d) < 0)
			r = -1;
	}
	const char *data[] = {content_rel(s->config_path), content_rel(s->contacts_path),
			      content_rel(s->glossary_path), content_rel(s->biblio_path)};
	for (size_t i = 0; i < sizeof data / sizeof *data; i++) {
		if (!data[i])
			continue;
		char *fs = path_join(s->content_dir, data[i]);
		int exists = access(fs, F_OK) == 0;
		free(fs);
		sc.contacts = s->contacts_path && data[i] == content_rel(s->contacts_path);
		sc.data = i > 0;
		if (exists && scan_file(&sc, out, data[i], NULL) < 0)
			r = -1;
		sc.contacts = sc.data = 0;
	}
	for (size_t i = 0; i < s->nbooklets; i++) {
		sc.booklet = 1;
		if (scan_file(&sc, out, content_rel(s->booklets[i].path), NULL) < 0)
			r = -1;
		sc.booklet = 0;
	}
	if (sc.problem.len)
		out->problem = buf_detach(&sc.problem);
	buf_free(&sc.problem);
	md_paths_free(sc.own_paths);
	gloss_index_free(sc.sigle);
	return r;
}

void refs_free(struct ref_scan *scan)
{
	for (size_t i = 0; i < scan->nfiles; i++) {
		struct ref_file *f = &scan->files[i];
		for (size_t j = 0; j < f->nhits; j++)
			free(f->hits[j].replacement);
		free(f->hits);
		free(f->rel);
		free(f->text);
	}
	free(scan->files);
	free(scan->problem);
	memset(scan, 0, sizeof *scan);
}

char *refs_apply(const struct ref_file *f, size_t *out_len)
{
	struct buf b = BUF_INIT;
	size_t at = 0;
	for (size_t i = 0; i < f->nhits; i++) {
		const struct ref_hit *h = &f->hits[i];
		if (!h->replacement || h->start < at)
			continue;
		buf_put(&b, f->text + at, h->start - at);
		buf_puts(&b, h->replacement);
		at = h->end;
	}
	buf_put(&b, f->text + at, f->len - at);
	*out_len = b.len;
	return buf_detach(&b);
}

size_t refs_count_rewrites(const struct ref_scan *scan)
{
	size_t n = 0;
	for (size_t i = 0; i < scan->nfiles; i++)
		for (size_t j = 0; j < scan->files[i].nhits; j++)
			n += scan->files[i].hits[j].replacement != NULL;
	return n;
}
