/*
 * Markdown stage: body text → cmark-gfm tree, headings, glossary usage.
 */
#include "markdown.h"
#include "buf.h"
#include "cmark_special.h"
#include "glossary.h"
#include "hash.h"
#include "i18n.h"
#include "lint.h"
#include "md_arena.h"
#include "slug.h"
#include "xalloc.h"

#include <cmark-gfm-core-extensions.h>
/*
 * cmark-gfm's own node layout (libcmark-gfm-dev installs it with the
 * public headers, from the same package as the library, whose soname
 * names its exact version). markdown_parse_doc's walk reads a node's
 * fields directly: through the accessors, each a call into the library,
 * the walk's loads were a quarter of its instructions, and a text's
 * literal, copied into a zeroed string then measured with strlen, is
 * already a chunk with its length. The layout is not the library's
 * promise, so it is proven at run time (direct_fields) before it is used.
 */
#include <cmark-gfm/node.h>
#include <cmark-gfm/syntax_extension.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * The syntax extensions fiches reads, each with the bytes without which a
 * body cannot use it. Attached to a parser, each costs on every line and
 * every inline (about a tenth of the parse on 1 000 fiches), so a body is
 * parsed with only those it can need; the tree is the same either way.
 * (tagfilter only changes cmark-gfm's own HTML renderer, which fiches does
 * not use: it is never attached.)
 */
enum {
	NEED_TABLE = 1 << 0,
	NEED_STRIKETHROUGH = 1 << 1,
	NEED_AUTOLINK = 1 << 2,
	NEED_FOOTNOTES = 1 << 3,
	NEED_ALL = (1 << 4) - 1,
};

static const struct {
	const char *name;
	unsigned need;
} extensions[] = {
	{"table", NEED_TABLE},
	{"strikethrough", NEED_STRIKETHROUGH},
	{"autolink", NEED_AUTOLINK},
};

/* Whether text has byte c followed by the bytes of rest (case-blind when fold). */
static int has_at(const char *text, size_t len, char c, const char *rest, int fold)
{
	size_t k = strlen(rest);
	const char *end = text + len;
	for (const char *p = text; (p = memchr(p, c, (size_t)(end - p))) != NULL; p++)
		if ((size_t)(end - p - 1) >= k &&
		    (fold ? strncasecmp(p + 1, rest, k) : strncmp(p + 1, rest, k)) == 0)
			return 1;
	return 0;
}

/*
 * What text can need (NEED_*). A table needs a '|' in its delimiter row,
 * strikethrough a '~', a footnote a '^' ("[^1]"), an autolink "www.",
 * "://" or an e-mail's '@' (looked for in the text nodes, where an entity
 * such as "&#64;" may have put it: a text with a '&' gets everything).
 * Checked against the whole set on the CommonMark and GFM spec examples,
 * the same with these bytes taken out, and the TAT and bench corpora:
 * the same trees, source positions included.
 */
static unsigned needs_of(const char *text, size_t len)
{
	if (memchr(text, '&', len))
		return NEED_ALL;
	unsigned need = 0;
	if (memchr(text, '|', len))
		need |= NEED_TABLE;
	if (memchr(text, '~', len))
		need |= NEED_STRIKETHROUGH;
	if (memchr(text, '^', len))
		need |= NEED_FOOTNOTES;
	if (memchr(text, '@', len) || has_at(text, len, ':', "//", 0) ||
	    has_at(text, len, 'w', "ww.", 1) || has_at(text, len, 'W', "ww.", 1))
		need |= NEED_AUTOLINK;
	return need;
}

static cmark_node *parse(const char *text, size_t len, int *deep_line);

/*
 * When the fix of cmark_special.c is not in effect (the library's calls do
 * not reach it), inline passes run one at a time instead.
 */
static int inlines_in_parallel;
static pthread_mutex_t inline_pass = PTHREAD_MUTEX_INITIALIZER;

/*
 * 1 once init_once has proven that the fields of <cmark-gfm/node.h> are
 * the library's: on a probe document, every node's fields read directly
 * equal what the library's accessors give (same_through_fields). Until then,
 * and for good when the proof fails (a library whose layout is not the
 * headers'), markdown_parse_doc's walk goes through the accessors and
 * leaves the texts' consolidation and autolink's e-mail pass to the
 * library's finish, as the library alone would. Set before any thread
 * parses; read only after.
 */
static int direct_fields;
static int direct_fields_proven;

/*
 * The walk's reads of a node, direct (1: the fields) or through the
 * accessors (0). Always called with a constant: markdown_parse_doc's walk
 * is made twice (walk_tree), so that the direct one holds no test.
 */

static inline cmark_node *node_next(cmark_node *n, int direct)
{
	return direct ? n->next : cmark_node_next(n);
}

static inline cmark_node *node_parent(cmark_node *n, int direct)
{
	return direct ? n->parent : cmark_node_parent(n);
}

static inline cmark_node *node_first_child(cmark_node *n, int direct)
{
	return direct ? n->first_child : cmark_node_first_child(n);
}

static inline cmark_node_type node_type(cmark_node *n, int direct)
{
	return direct ? (cmark_node_type)n->type : cmark_node_get_type(n);
}

static inline int node_start_line(cmark_node *n, int direct)
{
	return direct ? n->start_line : cmark_node_get_start_line(n);
}

static inline void node_set_user_data(cmark_node *n, void *data, int direct)
{
	if (direct)
		n->user_data = data;
	else
		cmark_node_set_user_data(n, data);
}

/* A link's or image's title from its chunk, without the library's NUL-terminated copy. */
static const char *link_title_fields(cmark_node *n, size_t *len)
{
	const cmark_chunk *c = &n->as.link.title;
	*len = c->len > 0 ? (size_t)c->len : 0;
	return *len ? (const char *)c->data : "";
}

/*
 * 1 when every node of root reads the same through <cmark-gfm/node.h>'s
 * fields as through the library's accessors: links, type, source
 * positions, user data, a text's or code span's literal (its chunk,
 * before and after the library copies it), a link's URL and title.
 */
static int same_through_fields(cmark_node *root)
{
	int same = 1;
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while (same && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cmark_node *n = cmark_iter_get_node(it);
		same = n->next == cmark_node_next(n) && n->prev == cmark_node_previous(n) &&
		       n->parent == cmark_node_parent(n) && n->first_child == cmark_node_first_child(n) &&
		       n->last_child == cmark_node_last_child(n) &&
		       (cmark_node_type)n->type == cmark_node_get_type(n) &&
		       n->start_line == cmark_node_get_start_line(n) &&
		       n->start_column == cmark_node_get_start_column(n) &&
		       n->end_line == cmark_node_get_end_line(n) &&
		       n->end_column == cmark_node_get_end_column(n);
		static char mark;
		cmark_node_set_user_data(n, &mark);
		same = same && n->user_data == &mark;
		cmark_node_set_user_data(n, NULL);
		if (same && (cmark_node_get_type(n) == CMARK_NODE_TEXT ||
			     cmark_node_get_type(n) == CMARK_NODE_CODE)) {
			cmark_chunk before = n->as.literal;
			const char *text = cmark_node_get_literal(n);
			same = text && before.len >= 0 && (size_t)before.len == strlen(text) &&
			       !memcmp(before.data, text, (size_t)before.len) &&
			       (const char *)n->as.literal.data == text && n->as.literal.alloc;
		}
		if (same && (cmark_node_get_type(n) == CMARK_NODE_LINK ||
			     cmark_node_get_type(n) == CMARK_NODE_IMAGE)) {
			/* markdown_link_title's reads, the library's copy aside. */
			size_t len;
			const char *mine = link_title_fields(n, &len);
			const char *theirs = cmark_node_get_title(n);
			same = theirs && len == strlen(theirs) && !memcmp(mine, theirs, len);
			/* markdown_url_set's chunk: the library's URL, NUL-terminated and its own. */
			const cmark_chunk *u = &n->as.link.url;
			const char *url = cmark_node_get_url(n);
			same = same && url && u->alloc && u->len >= 0 && (const char *)u->data == url &&
			       (size_t)u->len == strlen(url);
		}
	}
	cmark_iter_free(it);
	return same;
}

/*
 * autolink's postprocess, run by cmark_parser_finish on every tree: it
 * walks the whole tree with cmark_iter to turn the e-mail addresses of
 * texts outside links into links (2 % of a build's instructions at 1 000
 * fiches, for one or two addresses a fiche). markdown_parse_doc's walk
 * visits every text anyway: for its trees the finish skips the pass
 * (emails_in_walk), and the walk hands each text with an '@' outside a
 * link to the same function, just before it reads the text, in the same
 * order. The library's pass gets the consolidated tree and calls
 * postprocess_text for each text entered outside a link, and the links
 * it adds are walked after their text; a text as the root of the pass is
 * consolidated alone (nothing to merge: it is already) and entered once.
 * Every other parse (markdown_parse_string, any other parser attaching
 * autolink) still runs it in the finish.
 */
static cmark_syntax_extension *autolink;
static cmark_postprocess_func autolink_postprocess;
static _Thread_local int emails_in_walk;

static cmark_node *autolink_postprocess_unless_walked(cmark_syntax_extension *ext, cmark_parser *parser,
						      cmark_node *root)
{
	return emails_in_walk ? root : autolink_postprocess(ext, parser, root);
}

/* Before any parse: the gate above takes the place of autolink's postprocess. */
static void gate_autolink_postprocess(void)
{
	autolink = cmark_find_syntax_extension("autolink");
	if (autolink && autolink->postprocess_func) {
		autolink_postprocess = autolink->postprocess_func;
		cmark_syntax_extension_set_postprocess_func(autolink, autolink_postprocess_unless_walked);
	}
}

/* 1 when the tree holds a node of each type named in types. */
static int holds_types(cmark_node *root, const char *const *types, size_t n)
{
	size_t found = 0;
	unsigned seen = 0;
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		const char *t = cmark_node_get_type_string(cmark_iter_get_node(it));
		for (size_t i = 0; i < n; i++)
			if (!(seen & 1u << i) && !strcmp(t, types[i])) {
				seen |= 1u << i;
				found++;
			}
	}
	cmark_iter_free(it);
	return found == n;
}

/*
 * One document parsed before any thread starts switches the extensions'
 * special characters on for good (see cmark_special.c), and proves the
 * switch: the library's calls must have reached fiches' definition, which
 * must have found the library's own, and the document must come out with
 * its autolink and its strikethrough. Until then, and for good when the
 * proof fails, inline passes take the mutex.
 */
static void init_once(void)
{
	cmark_gfm_core_extensions_ensure_registered();
	gate_autolink_postprocess();
	static const char warm[] = "www.example.org ~~x~~ | a |\n";
	static const char *const expected[] = {"link", "strikethrough"};
	unsigned long before = cmark_special_calls();
	cmark_node *root = parse(warm, sizeof warm - 1, NULL);
	int reached = cmark_special_calls() > before;
	int right = holds_types(root, expected, 2);
	cmark_node_free(root);
	inlines_in_parallel = reached && cmark_special_forwards() && right;
	static const char probe[] = "# Titre *a*\n\nUn _texte_ [lien](x) [l2](y \"t&amp;z\") ![i](z 'u')\n"
				    "a@b.example `c` \\* fin  \nsuite\n\n"
				    "> - une ~~liste~~ www.x.example\n\n| a | b |\n|---|---|\n| c | d |\n";
	root = parse(probe, sizeof probe - 1, NULL);
	direct_fields_proven = same_through_fields(root);
	cmark_node_free(root);
	direct_fields = direct_fields_proven;
	if (!direct_fields && getenv("FICHES_DEBUG"))
		fprintf(stderr, "fiches: cmark-gfm: its nodes' layout is not <cmark-gfm/node.h>'s; "
				"the bodies' walk goes through its accessors\n");
	if (!inlines_in_parallel && getenv("FICHES_DEBUG"))
		fprintf(stderr, "fiches: cmark-gfm: %s; inline passes run one at a time\n",
			!cmark_special_built() ? "built without fiches' fix (linked statically)" :
			!reached ? "the library's calls do not reach fiches' fix" :
			!right   ? "the fix is reached but autolinks or strikethrough fail" :
				   "the library's own function was not found");
}

int markdown_direct_fields(void)
{
	markdown_init();
	return direct_fields;
}

const char *markdown_link_title(cmark_node *node, size_t *len)
{
	if (direct_fields)
		return link_title_fields(node, len);
	const char *title = cmark_node_get_title(node);
	*len = title ? strlen(title) : 0;
	return title ? title : "";
}

char *markdown_url_room(cmark_node *link, size_t len)
{
	if (direct_fields)
		return cmark_node_mem(link)->realloc(NULL, len + 1);
	return xmalloc(len + 1);
}

void markdown_url_set(cmark_node *link, char *url, size_t len)
{
	if (!direct_fields) {
		cmark_node_set_url(link, url);
		free(url);
		return;
	}
	/* As cmark_node_set_url leaves it: the node's own copy, NUL-terminated; the old one let go. */
	cmark_chunk *c = &link->as.link.url;
	if (c->alloc)
		cmark_node_mem(link)->free(c->data);
	c->data = (unsigned char *)url;
	c->len = (bufsize_t)len;
	c->alloc = 1;
}

void markdown_use_direct_fields(int on)
{
	markdown_init();
	direct_fields = on && direct_fields_proven;
}

int markdown_inlines_in_parallel(void)
{
	markdown_init();
	return inlines_in_parallel;
}

void markdown_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, init_once);
}

/*
 * Cuts every subtree deeper than MARKDOWN_MAX_DEPTH (a thousand "> " or
 * nested emphasis would otherwise overflow the stack of the recursive
 * renderers). Returns the source line of the first node cut, 0 when none.
 */
static int prune_deep(cmark_node *root)
{
	struct ptrs cut = {0};
	/*
	 * The nodes entered and not left: once popped back to a node's
	 * parent, they are its ancestors, so its depth is their number (one
	 * cmark_node_parent a node, not one per ancestor). Leaves, which have
	 * no exit event, are popped by the next node entered.
	 */
	cmark_node *open[MARKDOWN_MAX_DEPTH + 1];
	size_t nopen = 0;
	int line = 0;
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cmark_node *node = cmark_iter_get_node(it), *p = cmark_node_parent(node);
		while (nopen && open[nopen - 1] != p)
			nopen--;
		if (nopen <= MARKDOWN_MAX_DEPTH) {
			open[nopen++] = node;
			continue;
		}
		ptrs_add(&cut, node);
		for (p = node; !line && p; p = cmark_node_parent(p))
			line = cmark_node_get_start_line(p);
		/* Skip the subtree: the next event follows its exit. */
		cmark_iter_reset(it, node, CMARK_EVENT_EXIT);
	}
	cmark_iter_free(it);
	for (size_t i = 0; i < cut.n; i++)
		cmark_node_free(cut.v[i]);
	if (cut.n && !line)
		line = 1;
	ptrs_free(&cut);
	return line;
}

/*
 * Length of the character reference at s (at most n bytes) when it stands
 * for '^' (&Hat;, &#94;, &#x5E;, any case of x and hex digits, any leading
 * zeros), else 0.
 */
static size_t caret_reference(const char *s, size_t n)
{
	if (n >= 5 && memcmp(s, "&Hat;", 5) == 0)
		return 5;
	if (n < 4 || s[0] != '&' || s[1] != '#')
		return 0;
	size_t i = 2;
	int hex = i < n && (s[i] == 'x' || s[i] == 'X');
	if (hex)
		i++;
	unsigned long value = 0;
	size_t digits = 0;
	for (; i < n && digits < 8; i++, digits++) {
		int d = s[i] >= '0' && s[i] <= '9'		   ? s[i] - '0' :
			hex && s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10 :
			hex && s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10 :
							     -1;
		if (d < 0)
			break;
		value = value * (hex ? 16 : 10) + (unsigned long)d;
	}
	return digits && i < n && s[i] == ';' && value == '^' ? i + 1 : 0;
}

/*
 * cmark-gfm 0.29.0.gfm.6 (Debian 12's) reads freed memory in
 * cmark_parser_finish when footnotes are on and a '[' that opens no link is
 * followed by a character reference for '^' ("[&#94;1]": found by
 * AddressSanitizer; the library's own parser does it alone), and prints
 * "[\\^1]" as "[^1]]". Such a '[' and reference are written "&#91;^"
 * instead (the same "[^" printed, and the same length for "[&#94;", so the
 * columns of later diagnostics do not move) before the library sees them.
 * Returns the rewritten copy (the caller frees it) and its length, or NULL
 * when the text has none: the usual case costs one memchr per '['. A code
 * span holding such text shows "&#91;^" for it: rare, against a read of
 * freed memory.
 */
static char *escape_caret_references(const char *text, size_t len, size_t *out_len)
{
	struct buf out = {0};
	size_t copied = 0;
	for (const char *p = text, *end = text + len; (p = memchr(p, '[', (size_t)(end - p))) != NULL; p++) {
		size_t ref = caret_reference(p + 1, (size_t)(end - p - 1));
		if (!ref)
			continue;
		buf_put(&out, text + copied, (size_t)(p - text) - copied);
		buf_put(&out, "&#91;^", 6);
		copied = (size_t)(p + 1 - text) + ref;
	}
	if (!copied)
		return NULL;
	buf_put(&out, text + copied, len - copied);
	*out_len = out.len;
	return buf_detach(&out);
}

/*
 * The tree of text, not pruned (see prune_deep). With emails_parser, the
 * e-mail addresses are left to the caller's walk (emails_in_walk): when
 * autolink was attached, *emails_parser is the parser, for
 * autolink_postprocess, which the caller frees; else NULL.
 */
static cmark_node *parse_tree(const char *text, size_t len, cmark_parser **emails_parser)
{
	unsigned need = needs_of(text, len);
	size_t escaped_len = 0;
	char *escaped = need & NEED_FOOTNOTES ? escape_caret_references(text, len, &escaped_len) : NULL;
	if (escaped) {
		text = escaped;
		len = escaped_len;
	}
	cmark_parser *parser = cmark_parser_new_with_mem(need & NEED_FOOTNOTES ? CMARK_OPT_FOOTNOTES :
								       CMARK_OPT_DEFAULT,
							 md_arena_mem());
	for (size_t i = 0; i < sizeof extensions / sizeof *extensions; i++) {
		cmark_syntax_extension *ext = need & extensions[i].need ?
						      cmark_find_syntax_extension(extensions[i].name) :
						      NULL;
		if (ext)
			cmark_parser_attach_syntax_extension(parser, ext);
	}
	cmark_parser_feed(parser, text, len);
	if (!inlines_in_parallel)
		pthread_mutex_lock(&inline_pass);
	/* Postprocesses read the consolidated tree: the walk merges texts only when it runs autolink's. */
	emails_in_walk = emails_parser != NULL && autolink_postprocess != NULL;
	cmark_special_finish_begin(emails_in_walk);
	cmark_node *root = cmark_parser_finish(parser);
	emails_in_walk = 0;
	cmark_special_finish_end();
	if (!inlines_in_parallel)
		pthread_mutex_unlock(&inline_pass);
	free(escaped);
	if (emails_parser && autolink_postprocess && (need & NEED_AUTOLINK)) {
		/* Its postprocess reads only the parser's allocator, which outlives the parse. */
		*emails_parser = parser;
		return root;
	}
	if (emails_parser)
		*emails_parser = NULL;
	cmark_parser_free(parser);
	return root;
}

static cmark_node *parse(const char *text, size_t len, int *deep_line)
{
	cmark_node *root = parse_tree(text, len, NULL);
	int line = prune_deep(root);
	if (deep_line)
		*deep_line = line;
	return root;
}

cmark_node *markdown_parse_body(const struct doc *doc)
{
	return parse(doc->body, doc->body_len, NULL);
}

cmark_node *markdown_parse_string(const char *text, size_t len)
{
	return parse(text, len, NULL);
}

/* Stops once out holds more than max bytes. */
/*
 * The text of node's descendants into out, up to about max bytes. With
 * the proven layout (every heading's text, lint's paragraphs) the nodes'
 * fields and their literals' lengths are read directly: no accessor call
 * per node, no copy of a literal the walk did not copy, no strlen.
 */
static void plain_text(cmark_node *node, struct buf *out, size_t max)
{
	int direct = direct_fields;
	for (cmark_node *c = node_first_child(node, direct); c && out->len <= max; c = node_next(c, direct)) {
		switch (node_type(c, direct)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			if (!direct)
				buf_puts(out, cmark_node_get_literal(c));
			else if (c->as.literal.len > 0)
				buf_put(out, (const char *)c->as.literal.data, (size_t)c->as.literal.len);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_putc(out, ' ');
			break;
		default:
			plain_text(c, out, max);
		}
	}
}

char *markdown_plain_text(cmark_node *node)
{
	struct buf out = BUF_INIT;
	plain_text(node, &out, SIZE_MAX);
	return buf_detach(&out);
}

char *markdown_plain_text_max(cmark_node *node, size_t max)
{
	struct buf out = BUF_INIT;
	plain_text(node, &out, max);
	if (out.len > max) {
		buf_free(&out);
		return NULL;
	}
	return buf_detach(&out);
}

int markdown_line(const struct doc *doc, cmark_node *node)
{
	int line = cmark_node_get_start_line(node);
	/* Inline nodes carry no position in cmark-gfm: use the enclosing block's. */
	while (line == 0 && cmark_node_parent(node)) {
		node = cmark_node_parent(node);
		line = cmark_node_get_start_line(node);
	}
	return doc->body_offset + (line > 0 ? line : 1);
}

int markdown_col(cmark_node *node)
{
	int col = cmark_node_get_start_column(node);
	return col > 0 ? col : 1;
}

/*
 * The anchors of one document, hashed, each with the next "-N" suffix to
 * try, so that thousands of equal headings stay linear.
 */
struct anchor_set {
	char **keys;
	int *next;
	size_t cap, n;
};

static size_t anchor_slot(const struct anchor_set *a, const char *key)
{
	size_t i = (size_t)hash_str(key) & (a->cap - 1);
	while (a->keys[i] && strcmp(a->keys[i], key) != 0)
		i = (i + 1) & (a->cap - 1);
	return i;
}

/*
 * Adds key (borrowed), which is not in the set; slot is where
 * anchor_slot found it missing, unless the set grows first.
 */
static void anchor_add(struct anchor_set *a, char *key, size_t slot)
{
	if (2 * (a->n + 1) > a->cap) {
		struct anchor_set old = *a;
		a->cap = old.cap ? old.cap * 2 : 64;
		a->keys = xcalloc(a->cap, sizeof *a->keys);
		a->next = xcalloc(a->cap, sizeof *a->next);
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i]) {
				size_t j = anchor_slot(a, old.keys[i]);
				a->keys[j] = old.keys[i];
				a->next[j] = old.next[i];
			}
		free(old.keys);
		free(old.next);
		slot = anchor_slot(a, key);
	}
	a->keys[slot] = key;
	a->next[slot] = 2;
	a->n++;
}

/*
 * A heading's text, level, line and anchor: its slug, or the slug and -2,
 * -3… when an earlier heading of the page has it, so that every anchor is
 * unique in the page. Each anchor is hashed once to be looked up and added.
 */
static void add_heading(struct doc *doc, cmark_node *node, size_t *cap,
			struct anchor_set *seen)
{
	if (doc->nheadings == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		doc->headings = xrealloc(doc->headings, *cap * sizeof *doc->headings);
	}
	struct heading *h = &doc->headings[doc->nheadings];
	h->text = markdown_plain_text(node);
	h->level = cmark_node_get_heading_level(node);
	h->line = markdown_line(doc, node);
	char *base = slug_from_text(h->text, strlen(h->text));
	size_t slot = seen->cap ? anchor_slot(seen, base) : 0;
	if (seen->cap && seen->keys[slot]) {
		size_t b = slot;
		int n = seen->next[b];
		for (;; n++) {
			h->anchor = xasprintf("%s-%d", base, n);
			slot = anchor_slot(seen, h->anchor);
			if (!seen->keys[slot])
				break;
			free(h->anchor);
		}
		seen->next[b] = n + 1;
		free(base);
	} else {
		h->anchor = base;
	}
	anchor_add(seen, h->anchor, slot);
	doc->nheadings++;
}

/* Records the sigles text (n bytes) uses; 0 when it uses none. */
static int find_sigles(const struct site *s, struct doc *doc, const char *text, size_t n)
{
	size_t start = 0, pos, len, which;
	while (gloss_index_find(s->gloss, text, n, start, &pos, &len, &which)) {
		ptrs_add_unique(&doc->glossary_used, &s->glossary[which]);
		start = pos + len;
	}
	return start != 0;
}

/*
 * What markdown_parse_doc's walk carries: the document's headings and
 * their anchors so far, raw HTML to report, the nodes gathered for lint
 * and xref, how many links, and links or images, it is inside.
 */
struct walk {
	const struct site *s;
	struct doc *doc;
	size_t cap;
	struct anchor_set seen;
	struct ptrs raw_html;
	struct lint_nodes *nodes;
	cmark_parser *emails_parser;
	/*
	 * The library's pass moves on to what followed a text before it
	 * split it: the texts it put after a link it made, up to that next
	 * node (NULL: the parent's end), are not passed again.
	 */
	cmark_node *emails_skip_parent;
	cmark_node *emails_skip_until;
	int in_link;
	int in_link_or_image;
};

/*
 * Merges the texts that follow node (a text) into it, as
 * cmark_consolidate_text_nodes does for each text it enters: the
 * literals put together, the end column the last one's, the others
 * freed. The finish's consolidation, a walk of the whole tree with
 * cmark_iter (1.6 % of a build at 1 000 fiches), is left to
 * markdown_parse_doc's walk (cmark_special_finish_begin): a text is
 * merged with those after it when the walk enters it, before anything
 * reads it, and autolink's pass, the only one reading the tree in the
 * finish after that consolidation, runs in the walk after the merge.
 * Where the library's call does not reach fiches' definition it has
 * merged them already, and nothing is found here.
 */
static void merge_texts(cmark_node *node)
{
	size_t len = (size_t)node->as.literal.len;
	cmark_node *t;
	for (t = node->next; t && t->type == CMARK_NODE_TEXT; t = t->next)
		len += (size_t)t->as.literal.len;
	cmark_mem *mem = cmark_node_mem(node);
	unsigned char *str = mem->realloc(NULL, len + 1), *end = str;
	if (node->as.literal.len > 0)
		end = (unsigned char *)memcpy(end, node->as.literal.data, (size_t)node->as.literal.len) +
		      node->as.literal.len;
	for (t = node->next; t && t->type == CMARK_NODE_TEXT;) {
		if (t->as.literal.len > 0)
			end = (unsigned char *)memcpy(end, t->as.literal.data, (size_t)t->as.literal.len) +
			      t->as.literal.len;
		node->end_column = t->end_column;
		cmark_node *next = t->next;
		cmark_node_free(t);
		t = next;
	}
	*end = 0;
	if (node->as.literal.alloc)
		mem->free(node->as.literal.data);
	node->as.literal.data = str;
	node->as.literal.len = (bufsize_t)len;
	node->as.literal.alloc = 1;
}

/* autolink's e-mail pass on a text entered outside a link (autolink_postprocess_unless_walked). */
static void walk_emails(struct walk *w, cmark_node *node)
{
	if (node->parent == w->emails_skip_parent || node->as.literal.len <= 0 ||
	    !memchr(node->as.literal.data, '@', (size_t)node->as.literal.len))
		return;
	cmark_node *next = node->next;
	autolink_postprocess(autolink, w->emails_parser, node);
	if (node->next != next) {
		w->emails_skip_parent = node->parent;
		w->emails_skip_until = next;
	}
}

/*
 * A text node's literal as a C string, and its length: what
 * cmark_node_get_literal gives (the same string, kept by the node for
 * every later ask), without the call, the zeroing of a string its copy
 * overwrites whole, nor a strlen. The library's chunk holds the bytes
 * without a NUL until a first ask copies them.
 */
static inline const char *text_literal(cmark_node *node, size_t *len, int direct)
{
	if (!direct) {
		const char *text = cmark_node_get_literal(node);
		*len = text ? strlen(text) : 0;
		return text ? text : "";
	}
	cmark_chunk *c = &node->as.literal;
	if (!c->alloc) {
		unsigned char *str = cmark_node_mem(node)->realloc(NULL, (size_t)c->len + 1);
		if (c->len > 0)
			memcpy(str, c->data, (size_t)c->len);
		str[c->len] = 0;
		c->data = str;
		c->alloc = 1;
	}
	*len = (size_t)c->len;
	return (const char *)c->data;
}

/* A node entered (cmark_iter's ENTER event), but for cutting what is too deep. */
static inline __attribute__((always_inline)) void walk_enter(struct walk *w, cmark_node *node,
								 cmark_node_type type, int direct)
{
	if (w->emails_skip_parent && node == w->emails_skip_until)
		w->emails_skip_parent = NULL;
	switch (type) {
	case CMARK_NODE_LINK:
		w->in_link++;
		w->in_link_or_image++;
		break;
	case CMARK_NODE_IMAGE:
		w->in_link_or_image++;
		break;
	case CMARK_NODE_TEXT: {
		/* Not direct, the library's finish has merged them. */
		if (direct && node->next && node->next->type == CMARK_NODE_TEXT)
			merge_texts(node);
		if (direct && !w->in_link && w->emails_parser)
			walk_emails(w, node);
		int sigles = !w->in_link && w->s->gloss;
		int lint = !w->in_link_or_image;
		if (!sigles && !lint)
			return;
		size_t n;
		const char *text = text_literal(node, &n, direct);
		/* A text without sigles is not looked up again by the HTML renderer. */
		if (sigles && !find_sigles(w->s, w->doc, text, n))
			node_set_user_data(node, GLOSS_NO_SIGLE, direct);
		if (lint)
			lint_nodes_enter_text(w->nodes, node, text);
		return;
	}
	case CMARK_NODE_HTML_BLOCK:
	case CMARK_NODE_HTML_INLINE:
		if (!w->s->allow_html)
			ptrs_add(&w->raw_html, node);
		break;
	default:
		break;
	}
	lint_nodes_enter(w->nodes, node, type);
}

/* A node left, its children done (cmark_iter's EXIT event; leaves have none, and need none). */
static inline __attribute__((always_inline)) void walk_leave(struct walk *w, cmark_node *node,
								 cmark_node_type type)
{
	if (node == w->emails_skip_parent)
		w->emails_skip_parent = NULL;
	if (type == CMARK_NODE_LINK) {
		w->in_link--;
		w->in_link_or_image--;
	} else if (type == CMARK_NODE_IMAGE) {
		w->in_link_or_image--;
	} else if (type == CMARK_NODE_HEADING)
		add_heading(w->doc, node, &w->cap, &w->seen);
}

/*
 * markdown_parse_doc's walk of root, cutting what is nested too deeply
 * (*ncut nodes, the first line of their ancestors in *deep_line). Made
 * twice, with direct a constant: walk_tree_fields (the proven layout) and
 * walk_tree_accessors.
 */
static inline __attribute__((always_inline)) void walk_tree(struct walk *w, cmark_node *root, int direct,
							    size_t *ncut, int *deep_line)
{
	/* node's depth below root: a node deeper than MARKDOWN_MAX_DEPTH is cut with what it holds. */
	size_t depth = 0;
	cmark_node *node = root;
	while (node) {
		/* Once done with node: the next node in order, each parent ended on the way left. */
		cmark_node *up, *next;
		if (depth > MARKDOWN_MAX_DEPTH) {
			for (cmark_node *p = node; !*deep_line && p; p = node_parent(p, direct))
				*deep_line = node_start_line(p, direct);
			next = node_next(node, direct);
			up = node_parent(node, direct);
			cmark_node_free(node);
			(*ncut)++;
		} else {
			cmark_node_type type = node_type(node, direct);
			walk_enter(w, node, type, direct);
			cmark_node *child = node_first_child(node, direct);
			if (child) {
				node = child;
				depth++;
				continue;
			}
			walk_leave(w, node, type);
			if (node == root)
				break;
			next = node_next(node, direct);
			up = node_parent(node, direct);
		}
		while (!next) {
			node = up;
			depth--;
			walk_leave(w, node, node_type(node, direct));
			if (node == root)
				break;
			next = node_next(node, direct);
			up = node_parent(node, direct);
		}
		node = next;
	}
}

static void walk_tree_fields(struct walk *w, cmark_node *root, size_t *ncut, int *deep_line)
{
	walk_tree(w, root, 1, ncut, deep_line);
}

static void walk_tree_accessors(struct walk *w, cmark_node *root, size_t *ncut, int *deep_line)
{
	walk_tree(w, root, 0, ncut, deep_line);
}

/*
 * Parses a document's body and, in one walk of its tree, cuts what is
 * nested too deeply (as prune_deep does, in the same order), collects its
 * headings and the sigles its text uses, warns of raw HTML, and gathers
 * into *nodes what lint and xref read (lint_nodes_enter). The walk was
 * two (prune_deep's, then this one's): 15 M instructions at 1 000 fiches;
 * lint's own walk was a third (7 M, and 2.5 M more of strpbrk over texts
 * whose length this walk knows). A heading is read when left, once whatever it holds too deeply
 * is cut; raw HTML is reported after the walk, so that « nested too
 * deeply » still comes first among the messages at one place. The tree is
 * walked by hand, in cmark_iter's order: the iterator's two events per
 * container, its calls and the parent looked up for every node to know
 * its depth were a quarter of the walk.
 */
cmark_node *markdown_parse_doc(const struct site *s, struct doc *doc, struct lint_nodes *nodes,
			       struct diag *d)
{
	cmark_parser *emails_parser = NULL;
	cmark_node *root = parse_tree(doc->body, doc->body_len, direct_fields ? &emails_parser : NULL);
	struct walk w = {s, doc, 0, {0}, {0}, nodes, emails_parser, NULL, NULL, 0, 0};
	size_t ncut = 0;
	int deep_line = 0;
	if (direct_fields)
		walk_tree_fields(&w, root, &ncut, &deep_line);
	else
		walk_tree_accessors(&w, root, &ncut, &deep_line);
	if (emails_parser)
		cmark_parser_free(emails_parser);
	if (ncut && !deep_line)
		deep_line = 1;
	if (deep_line)
		diag_error(d, doc->path, doc->body_offset + deep_line, 1,
			   _("Markdown nested too deeply (limit %d levels)"), MARKDOWN_MAX_DEPTH);
	for (size_t i = 0; i < w.raw_html.n; i++)
		diag_warning(d, doc->path, markdown_line(doc, w.raw_html.v[i]), markdown_col(w.raw_html.v[i]),
			     _("raw HTML is left out of the site (set 'allow_raw_html: true' in site.yaml to keep it)"));
	ptrs_free(&w.raw_html);
	free(w.seen.keys);
	free(w.seen.next);
	/* The title and summary count too: a sigle in a title is marked up there. */
	if (s->gloss) {
		if (doc->title)
			find_sigles(s, doc, doc->title, strlen(doc->title));
		if (doc->summary)
			find_sigles(s, doc, doc->summary, strlen(doc->summary));
	}
	return root;
}
