/*
 * Mustache compiler: template text to node tree (see mustache_parse.h).
 *
 * Stage: HTML rendering, run once per template when the set is built.
 * Input: the template bytes, its name and the path used in diagnostics.
 * Output: a struct mtemplate owning a copy of the source and the tree; or
 * NULL after every syntax error has been reported to the diag collector.
 *
 * One left-to-right pass:
 *   1. find the next opening delimiter; read the tag up to its closing
 *      delimiter (an opening delimiter met first means the tag is unclosed);
 *   2. decide whether the tag is standalone (alone on its line with
 *      whitespace): then the whole line, line ending included, is dropped;
 *   3. emit the text before the tag, one node per line, with an INDENT
 *      node at the start of each line so that a partial rendered standalone
 *      can indent every line of its text without reparsing it;
 *   4. handle the tag: variables and partials become nodes, sections push
 *      a frame whose children are collected until the closing tag.
 * Every search moves forward or reuses a cached result, and line/column
 * come from a cursor that only moves forward, so compiling is linear in the
 * template size whatever its shape.
 */
#include "mustache_parse.h"
#include "mvalue.h"
#include "buf.h"
#include "hash.h"
#include "utf8.h"
#include "xalloc.h"
#include "i18n.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* After this many syntax errors in one template the rest are only counted. */
#define MAX_ERRORS 50

#define NONE SIZE_MAX

/* A memmem result reused while the search start has not passed it. */
struct search {
	size_t from, at;
	int valid;
};

/* An open section (or the root, stack[0]) collecting its children. */
struct frame {
	struct mnode *v;
	size_t n, cap;
	enum mnode_kind kind;
	struct mname name;
	struct slice raw;	/* the name as written, matched by {{/raw}} */
	int line, col;
	int discard;		/* deeper than the nesting limit: children dropped */
};

struct parser {
	const char *src;
	size_t len;
	const char *path;
	struct diag *d;
	struct slice open, close;
	char *triple;		/* "}" + close: ends {{{x}}}; owned */
	char *eq;		/* "=" + close: ends {{=a b=}}; owned */
	struct search s_open, s_close, s_triple, s_eq, s_nl;
	size_t cur;		/* position cursor, see locate() */
	int line, col;
	struct frame *stack;	/* stack[0] is the root; owned */
	size_t depth, cap;
	int errors;
};

/* What scan_tag found between an opening and a closing delimiter. */
struct tag {
	char sigil;		/* one of # ^ / > ! = & { or 0 for a variable */
	struct slice body;	/* inside the tag after the sigil, trimmed */
	size_t end;		/* first byte after the closing delimiter */
	int line, col;
};

uint32_t mustache_parse_hash(const char *s, size_t n)
{
	return (uint32_t)hash_bytes(s, n);
}

static void fail(struct parser *ps, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fail(struct parser *ps, int line, int col, const char *fmt, ...)
{
	if (++ps->errors > MAX_ERRORS)
		return;
	va_list ap;
	struct buf msg = BUF_INIT;
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	diag_error(ps->d, ps->path, line, col, "%s", buf_cstr(&msg));
	buf_free(&msg);
}

/*
 * Line and column of byte offset off. Tags are met in order, so the cursor
 * only moves forward and the whole text is walked once in all (a long line
 * full of tags stays linear).
 */
static void locate(struct parser *ps, size_t off, int *line, int *col)
{
	if (off < ps->cur) {
		ps->cur = 0;
		ps->line = ps->col = 1;
	}
	for (; ps->cur < off; ps->cur++) {
		unsigned char c = (unsigned char)ps->src[ps->cur];
		if (c == '\n') {
			ps->line++;
			ps->col = 1;
		} else if ((c & 0xC0) != 0x80) {
			ps->col++;
		}
	}
	*line = ps->line;
	*col = ps->col;
}

/*
 * First occurrence of needle (n > 0 bytes) in h[0..hn). Not memmem: the
 * sanitizers' memmem checks the whole haystack on every call, which would
 * make sanitized runs quadratic; memchr only reads up to its hit.
 */
static const char *search(const char *h, size_t hn, const char *needle, size_t n)
{
	while (hn >= n) {
		const char *p = memchr(h, needle[0], hn - n + 1);
		if (!p)
			return NULL;
		if (memcmp(p, needle, n) == 0)
			return p;
		hn -= (size_t)(p - h) + 1;
		h = p + 1;
	}
	return NULL;
}

static size_t find(struct parser *ps, struct search *s, const char *needle,
		   size_t n, size_t from)
{
	if (s->valid && s->from <= from && (s->at == NONE || s->at >= from))
		return s->at;
	const char *hit = from < ps->len ?
		search(ps->src + from, ps->len - from, needle, n) : NULL;
	s->from = from;
	s->at = hit ? (size_t)(hit - ps->src) : NONE;
	s->valid = 1;
	return s->at;
}

static void set_delimiters(struct parser *ps, struct slice open, struct slice close)
{
	ps->open = open;
	ps->close = close;
	free(ps->triple);
	ps->triple = xmalloc(close.n + 1);
	ps->triple[0] = '}';
	memcpy(ps->triple + 1, close.p, close.n);
	free(ps->eq);
	ps->eq = xmalloc(close.n + 1);
	ps->eq[0] = '=';
	memcpy(ps->eq + 1, close.p, close.n);
	ps->s_open.valid = ps->s_close.valid = ps->s_triple.valid = ps->s_eq.valid = 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static struct slice trim(const char *p, size_t n)
{
	while (n && ascii_isspace((unsigned char)p[0])) {
		p++;
		n--;
	}
	while (n && ascii_isspace((unsigned char)p[n - 1]))
		n--;
	return (struct slice){p, n};
}

static int has_space(struct slice s)
{
	for (size_t i = 0; i < s.n; i++)
		if (ascii_isspace((unsigned char)s.p[i]))
			return 1;
	return 0;
}

/* ---- building the tree ---- */

/* A new zeroed node at the end of the open frame, or NULL when dropped. */
static struct mnode *add_node(struct parser *ps, enum mnode_kind kind, int line, int col)
{
	struct frame *f = &ps->stack[ps->depth];
	if (f->discard)
		return NULL;
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->v = xrealloc(f->v, f->cap * sizeof *f->v);
	}
	struct mnode *node = &f->v[f->n++];
	memset(node, 0, sizeof *node);
	node->kind = kind;
	node->line = line;
	node->col = col;
	return node;
}

static void free_nodes(struct mnode *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (v[i].kind) {
		case MNODE_VAR:
			free(v[i].var.name.parts);
			break;
		case MNODE_SECTION:
		case MNODE_INVERTED:
			free(v[i].sec.name.parts);
			free_nodes(v[i].sec.kids, v[i].sec.nkids);
			break;
		default:
			break;
		}
	}
	free(v);
}

static int line_start(const struct parser *ps, size_t p)
{
	return p == 0 || ps->src[p - 1] == '\n';
}

/*
 * Text [a, b) as one node per line, with an INDENT node at each line start.
 * mark_b: b starts a line whose first thing is a (non-standalone) tag, so
 * it gets an INDENT node too. A line start at the very end of the template
 * gets none: a partial's final newline is not followed by indentation.
 */
static void emit_text(struct parser *ps, size_t a, size_t b, int mark_b)
{
	struct frame *f = &ps->stack[ps->depth];
	size_t first = f->n;
	size_t p = a;
	while (p < b) {
		if (line_start(ps, p))
			add_node(ps, MNODE_INDENT, 0, 0);
		const char *nl = memchr(ps->src + p, '\n', b - p);
		size_t q = nl ? (size_t)(nl - ps->src) + 1 : b;
		struct mnode *node = add_node(ps, MNODE_TEXT, 0, 0);
		if (node)
			node->text = (struct slice){ps->src + p, q - p};
		p = q;
	}
	if (mark_b && b < ps->len && line_start(ps, b))
		add_node(ps, MNODE_INDENT, 0, 0);
	/*
	 * [a, b) is contiguous in the source: one RUN node before the group
	 * writes it at once where the INDENT nodes would write nothing.
	 */
	size_t added = f->discard ? 0 : f->n - first;
	if (added < 2)
		return;
	add_node(ps, MNODE_RUN, 0, 0);
	struct mnode run = f->v[f->n - 1];
	memmove(&f->v[first + 1], &f->v[first], added * sizeof *f->v);
	run.run.text = (struct slice){ps->src + a, b - a};
	run.run.skip = added;
	f->v[first] = run;
}

/* Splits a variable or section name on dots; 0 when malformed. */
static int parse_name(struct slice raw, struct mname *out)
{
	out->parts = NULL;
	out->keys = NULL;
	out->atoms = NULL;
	out->nparts = 0;
	if (raw.n == 1 && raw.p[0] == '.')
		return 1;
	size_t count = 1;
	for (size_t i = 0; i < raw.n; i++)
		count += raw.p[i] == '.';
	/* One block: the parts, their keys, their atoms (slices keep it aligned). */
	out->parts = xmalloc(count * (sizeof *out->parts + sizeof *out->keys + sizeof *out->atoms));
	out->keys = (uint64_t *)(out->parts + count);
	out->atoms = (uint32_t *)(out->keys + count);
	size_t start = 0;
	for (size_t i = 0; i <= raw.n; i++) {
		if (i < raw.n && raw.p[i] != '.')
			continue;
		if (i == start) {
			free(out->parts);
			out->parts = NULL;
			return 0;
		}
		unsigned atom = matom_find(raw.p + start, i - start);
		out->atoms[out->nparts] = atom;
		out->keys[out->nparts] = atom ? mval_atom_key(atom) : mval_key(raw.p + start, i - start);
		out->parts[out->nparts++] = (struct slice){raw.p + start, i - start};
		start = i + 1;
	}
	return 1;
}

/* Checks a tag's name; reports and returns 0 when it is empty or malformed. */
static int check_name(struct parser *ps, const struct tag *tg)
{
	if (tg->body.n == 0) {
		fail(ps, tg->line, tg->col, _("empty tag name"));
		return 0;
	}
	if (has_space(tg->body)) {
		fail(ps, tg->line, tg->col, _("invalid tag name '%.*s'"),
		     (int)tg->body.n, tg->body.p);
		return 0;
	}
	return 1;
}

static int compile_name(struct parser *ps, const struct tag *tg, struct mname *out)
{
	if (!check_name(ps, tg))
		return 0;
	if (!parse_name(tg->body, out)) {
		fail(ps, tg->line, tg->col, _("invalid tag name '%.*s'"),
		     (int)tg->body.n, tg->body.p);
		return 0;
	}
	return 1;
}

static void open_section(struct parser *ps, const struct tag *tg)
{
	struct mname name;
	if (!compile_name(ps, tg, &name))
		name = (struct mname){0};
	if (ps->depth + 1 == ps->cap) {
		ps->cap *= 2;
		ps->stack = xrealloc(ps->stack, ps->cap * sizeof *ps->stack);
	}
	int parent_discard = ps->stack[ps->depth].discard;
	struct frame *f = &ps->stack[++ps->depth];
	memset(f, 0, sizeof *f);
	f->kind = tg->sigil == '#' ? MNODE_SECTION : MNODE_INVERTED;
	f->name = name;
	f->raw = tg->body;
	f->line = tg->line;
	f->col = tg->col;
	/* Report only the first tag past the limit, not each one deeper. */
	if (ps->depth > MUSTACHE_MAX_NEST && !parent_discard)
		fail(ps, tg->line, tg->col, _("sections nested deeper than %d"),
		     MUSTACHE_MAX_NEST);
	f->discard = parent_discard || ps->depth > MUSTACHE_MAX_NEST;
}

/* Pops the innermost frame into a section node of its parent. */
static void pop_section(struct parser *ps)
{
	struct frame f = ps->stack[ps->depth--];
	struct mnode *node = add_node(ps, f.kind, f.line, f.col);
	if (!node) {
		free(f.name.parts);
		free_nodes(f.v, f.n);
		return;
	}
	node->sec.name = f.name;
	node->sec.kids = f.v;
	node->sec.nkids = f.n;
	uint64_t weight = 0;
	for (size_t i = 0; i < f.n; i++) {
		const struct mnode *k = &f.v[i];
		if (k->kind == MNODE_VAR)
			weight += 1;
		else if (k->kind == MNODE_SECTION || k->kind == MNODE_INVERTED)
			weight += 1 + (uint64_t)k->sec.weight;
		else if (k->kind == MNODE_PARTIAL)
			weight += MUSTACHE_PARTIAL_WEIGHT;
	}
	node->sec.weight = weight > UINT32_MAX ? UINT32_MAX : (uint32_t)weight;
}

static int same(struct slice a, struct slice b)
{
	return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

static void close_section(struct parser *ps, const struct tag *tg)
{
	if (!check_name(ps, tg))
		return;
	if (ps->depth == 0) {
		fail(ps, tg->line, tg->col,
		     _("closing tag '/%.*s' without an open section"),
		     (int)tg->body.n, tg->body.p);
		return;
	}
	if (same(ps->stack[ps->depth].raw, tg->body)) {
		pop_section(ps);
		return;
	}
	const struct frame *top = &ps->stack[ps->depth];
	fail(ps, tg->line, tg->col,
	     _("closing tag '/%.*s' does not match the open section '%.*s' (line %d)"),
	     (int)tg->body.n, tg->body.p, (int)top->raw.n, top->raw.p, top->line);
	/* Recover: close up to a matching section if there is one, else ignore. */
	size_t k = ps->depth;
	while (k > 0 && !same(ps->stack[k].raw, tg->body))
		k--;
	while (k > 0 && ps->depth >= k)
		pop_section(ps);
}

static void add_var(struct parser *ps, const struct tag *tg)
{
	struct mname name;
	if (!compile_name(ps, tg, &name))
		return;
	struct mnode *node = add_node(ps, MNODE_VAR, tg->line, tg->col);
	if (!node) {
		free(name.parts);
		return;
	}
	node->var.name = name;
	node->var.raw = tg->sigil != 0;
	const struct frame *parent = &ps->stack[ps->depth];
	node->var.top = ps->depth > 0 && parent->kind == MNODE_SECTION && name.nparts > 0 &&
			same(parent->raw, tg->body);
}

static void add_partial(struct parser *ps, const struct tag *tg, int standalone,
			struct slice indent)
{
	if (!check_name(ps, tg))
		return;
	struct mnode *node = add_node(ps, MNODE_PARTIAL, tg->line, tg->col);
	if (!node)
		return;
	node->partial.name = tg->body;
	node->partial.indent = indent;
	node->partial.standalone = standalone;
	node->partial.hash = mustache_parse_hash(tg->body.p, tg->body.n);
}

/* {{=OPEN CLOSE=}}: two delimiters without whitespace or '='. */
static void change_delimiters(struct parser *ps, const struct tag *tg)
{
	struct slice b = tg->body;
	struct slice d[2];
	size_t nd = 0, i = 0;
	if (b.n == 0 || b.p[b.n - 1] != '=')
		goto bad;
	b = trim(b.p, b.n - 1);
	while (i < b.n) {
		while (i < b.n && ascii_isspace((unsigned char)b.p[i]))
			i++;
		if (i == b.n)
			break;
		size_t start = i;
		while (i < b.n && !ascii_isspace((unsigned char)b.p[i]))
			i++;
		if (nd == 2)
			goto bad;
		d[nd++] = (struct slice){b.p + start, i - start};
	}
	if (nd != 2 || memchr(d[0].p, '=', d[0].n) || memchr(d[1].p, '=', d[1].n))
		goto bad;
	set_delimiters(ps, d[0], d[1]);
	return;
bad:
	fail(ps, tg->line, tg->col,
	     _("invalid set-delimiter tag: expected two delimiters without spaces or '=', as in {{=<%% %%>=}}"));
}

/*
 * Reads the tag whose opening delimiter is at t. Returns 0 and fills tg, or
 * -1 when the tag is unclosed, with *resume the next opening delimiter to
 * carry on from (NONE when there is none).
 */
static int scan_tag(struct parser *ps, size_t t, struct tag *tg, size_t *resume)
{
	size_t p = t + ps->open.n;
	locate(ps, t, &tg->line, &tg->col);
	while (p < ps->len && ascii_isspace((unsigned char)ps->src[p]))
		p++;
	tg->sigil = 0;
	if (p < ps->len && strchr("#^/>!=&{", ps->src[p]) && ps->src[p]) {
		tg->sigil = ps->src[p];
		p++;
	}
	size_t c, closer;
	if (tg->sigil == '{') {
		closer = ps->close.n + 1;
		c = find(ps, &ps->s_triple, ps->triple, closer, p);
	} else {
		closer = ps->close.n;
		c = find(ps, &ps->s_close, ps->close.p, closer, p);
	}
	/*
	 * The new delimiters may contain the old closing one ({{={{ }}=}}):
	 * then the tag ends at "=" + close, if that is on the same line.
	 */
	if (tg->sigil == '=' && c != NONE && ps->src[c - 1] != '=') {
		size_t c2 = find(ps, &ps->s_eq, ps->eq, ps->close.n + 1, p);
		size_t nl = find(ps, &ps->s_nl, "\n", 1, p);
		if (c2 != NONE && (nl == NONE || nl > c2))
			c = c2 + 1;
	}
	/*
	 * An opening delimiter before the closing one means this tag was never
	 * closed ("{{title</h1> ... {{body}}"): report it here rather than read
	 * a tag named "title</h1> ... {{body". Comments may contain anything,
	 * and so may a set-delimiter tag ({{={{ }}=}} is valid).
	 */
	size_t o = find(ps, &ps->s_open, ps->open.p, ps->open.n, p);
	int exempt = tg->sigil == '!' || tg->sigil == '=';
	if (c == NONE || (!exempt && o != NONE && o < c)) {
		*resume = o;
		return -1;
	}
	tg->body = trim(ps->src + p, c - p);
	tg->end = c + closer;
	return 0;
}

/*
 * When the tag [t, end) is alone on its line with only spaces and tabs,
 * returns 1 with *ls the line's start and *next the first byte after its
 * line ending (or the end of the text).
 */
static int standalone(const struct parser *ps, size_t pos, size_t t, size_t end,
		      size_t *ls, size_t *next)
{
	size_t a = t;
	while (a > pos && is_blank(ps->src[a - 1]))
		a--;
	if (!line_start(ps, a))
		return 0;
	size_t z = end;
	while (z < ps->len && is_blank(ps->src[z]))
		z++;
	if (z < ps->len && ps->src[z] == '\n')
		z++;
	else if (z + 1 < ps->len && ps->src[z] == '\r' && ps->src[z + 1] == '\n')
		z += 2;
	else if (z < ps->len)
		return 0;
	*ls = a;
	*next = z;
	return 1;
}

static void free_parser(struct parser *ps)
{
	for (size_t i = 0; i <= ps->depth; i++) {
		free(ps->stack[i].name.parts);
		free_nodes(ps->stack[i].v, ps->stack[i].n);
	}
	free(ps->stack);
	free(ps->triple);
	free(ps->eq);
}

static void parse_all(struct parser *ps)
{
	size_t pos = 0;
	for (;;) {
		size_t t = find(ps, &ps->s_open, ps->open.p, ps->open.n, pos);
		if (t == NONE)
			break;
		struct tag tg;
		size_t resume;
		if (scan_tag(ps, t, &tg, &resume) < 0) {
			fail(ps, tg.line, tg.col, _("unclosed tag: no '%.*s' after '%.*s'"),
			     (int)ps->close.n, ps->close.p, (int)ps->open.n, ps->open.p);
			if (resume == NONE) {
				pos = ps->len;
				break;
			}
			pos = resume;
			continue;
		}
		size_t ls = t, next = tg.end;
		int alone = tg.sigil && strchr("#^/>!=", tg.sigil) &&
			    standalone(ps, pos, t, tg.end, &ls, &next);
		if (alone)
			emit_text(ps, pos, ls, 0);
		else
			emit_text(ps, pos, t, 1);
		switch (tg.sigil) {
		case '#':
		case '^':
			open_section(ps, &tg);
			break;
		case '/':
			close_section(ps, &tg);
			break;
		case '>':
			add_partial(ps, &tg, alone,
				    (struct slice){ps->src + ls, alone ? t - ls : 0});
			break;
		case '!':
			break;
		case '=':
			change_delimiters(ps, &tg);
			break;
		default:
			add_var(ps, &tg);
			break;
		}
		pos = alone ? next : tg.end;
	}
	emit_text(ps, pos, ps->len, 0);
	for (size_t i = ps->depth; i > 0; i--) {
		const struct frame *f = &ps->stack[i];
		fail(ps, f->line, f->col, _("section '%.*s' is never closed"),
		     (int)f->raw.n, f->raw.p);
	}
}

struct mtemplate *mustache_parse(const char *name, const char *path,
				 const char *text, size_t len, struct diag *d)
{
	struct mtemplate *t = xcalloc(1, sizeof *t);
	t->src = xmalloc(len + 1);
	if (len)
		memcpy(t->src, text, len);
	t->src[len] = '\0';
	t->len = len;

	struct parser ps = {0};
	ps.src = t->src;
	ps.len = len;
	ps.path = path;
	ps.d = d;
	ps.line = ps.col = 1;
	ps.cap = 8;
	ps.stack = xcalloc(ps.cap, sizeof *ps.stack);
	set_delimiters(&ps, (struct slice){"{{", 2}, (struct slice){"}}", 2});

	parse_all(&ps);

	if (ps.errors) {
		if (ps.errors > MAX_ERRORS)
			diag_note(d, path, 0, 0, _("%d more syntax errors not shown"),
				  ps.errors - MAX_ERRORS);
		free_parser(&ps);
		free(t->src);
		free(t);
		return NULL;
	}
	t->nodes = ps.stack[0].v;
	t->nnodes = ps.stack[0].n;
	ps.stack[0].v = NULL;
	ps.stack[0].n = 0;
	free_parser(&ps);
	t->name = xstrdup(name);
	t->path = xstrdup(path ? path : name);
	t->namelen = strlen(name);
	t->hash = mustache_parse_hash(name, t->namelen);
	return t;
}

void mustache_parse_free(struct mtemplate *t)
{
	if (!t)
		return;
	free_nodes(t->nodes, t->nnodes);
	free(t->name);
	free(t->path);
	free(t->src);
	free(t);
}
