/*
 * Body checks; see lint.h.
 *
 * cmark never fails: what it cannot read as a link, an image or a heading
 * it prints as text. These checks look for that text in the parsed tree (so
 * code spans and code blocks are left alone) and in the raw lines (for what
 * cmark drops, such as a footnote definition nobody calls), and point at the
 * mistake's own line and column.
 */
#include "lint.h"
#include "lint_files.h"
#include "buf.h"
#include "i18n.h"
#include "markdown.h"
#include "new.h"
#include "pages.h"
#include "path.h"
#include "site_pages.h"
#include "slug.h"
#include "suggest.h"
#include "utf8.h"
#include "xalloc.h"
#include "xref.h"
#include "yaml.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* ---- positions ---------------------------------------------------------- */

struct lint_lines {
	const struct doc *doc;
	size_t *starts;   /* offset in doc->body of each body line */
	size_t n;
	/* The last column counted: the next one on the same line counts on from it. */
	int memo_line;
	size_t memo_byte;
	int memo_chars;
};

struct lint_lines *lint_lines_new(const struct doc *doc)
{
	struct lint_lines *l = xcalloc(1, sizeof *l);
	l->doc = doc;
	size_t cap = 64;
	l->starts = xmalloc(cap * sizeof *l->starts);
	l->starts[l->n++] = 0;
	const char *body = doc->body, *end = body + (body ? doc->body_len : 0);
	for (const char *nl; body && (nl = memchr(body, '\n', (size_t)(end - body))); body = nl + 1) {
		if (l->n == cap) {
			cap *= 2;
			l->starts = xrealloc(l->starts, cap * sizeof *l->starts);
		}
		l->starts[l->n++] = (size_t)(nl + 1 - doc->body);
	}
	return l;
}

void lint_lines_free(struct lint_lines *l)
{
	if (!l)
		return;
	free(l->starts);
	free(l);
}

/* The text of file line file_line (no newline), or NULL outside the body. */
static const char *body_line(const struct lint_lines *l, int file_line, size_t *len)
{
	int want = file_line - l->doc->body_offset;
	if (want < 1 || (size_t)want > l->n || !l->doc->body)
		return NULL;
	size_t start = l->starts[want - 1];
	size_t end = (size_t)want < l->n ? l->starts[want] - 1 : l->doc->body_len;
	*len = end - start;
	return l->doc->body + start;
}

static int count_chars(const char *s, size_t n)
{
	int c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

/*
 * Characters before byte b of file line file_line (text t). Problems are
 * reported along a line in order, so a line of a thousand links is
 * counted once, not once per link.
 */
static int chars_before(struct lint_lines *l, int file_line, const char *t, size_t b)
{
	if (l->memo_line != file_line || b < l->memo_byte) {
		l->memo_line = file_line;
		l->memo_byte = 0;
		l->memo_chars = 0;
	}
	l->memo_chars += count_chars(t + l->memo_byte, b - l->memo_byte);
	l->memo_byte = b;
	return l->memo_chars;
}

int lint_lines_col(struct lint_lines *l, int file_line, int byte_col)
{
	size_t len;
	const char *t = body_line(l, file_line, &len);
	if (byte_col < 1)
		return 1;
	if (!t)
		return byte_col;
	size_t b = (size_t)byte_col - 1;
	return chars_before(l, file_line, t, b < len ? b : len) + 1;
}

struct lint {
	const struct site *s;
	const struct doc *doc;
	struct diag *d;
	struct lint_lines *lines; /* made at the first report that needs a character column */
};

static struct lint_lines *lines_of(struct lint *l)
{
	if (!l->lines)
		l->lines = lint_lines_new(l->doc);
	return l->lines;
}

static void warn(const struct lint *l, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void warn(const struct lint *l, int line, int col, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	diag_warning(l->d, l->doc->path, line, col, "%s", buf_cstr(&msg));
	buf_free(&msg);
}

/*
 * The character column of needle on file_line, looked for from byte column
 * from (where cmark says the node starts), else anywhere on the line, else
 * the node's own column.
 */
static int find_col(struct lint *l, int file_line, int from, const char *needle, size_t n)
{
	size_t len;
	const char *t = body_line(lines_of(l), file_line, &len);
	if (!t)
		return from > 0 ? from : 1;
	size_t start = from > 0 ? (size_t)from - 1 : 0;
	if (start > len)
		start = len;
	const char *hit = memmem(t + start, len - start, needle, n);
	if (!hit)
		hit = memmem(t, len, needle, n);
	if (!hit)
		return lint_lines_col(lines_of(l), file_line, from);
	return chars_before(lines_of(l), file_line, t, (size_t)(hit - t)) + 1;
}

/* At most max characters of s, with "…" when cut (caller frees). */
static char *shorten(const char *s, int max)
{
	size_t i = 0;
	int chars = 0;
	while (s[i] && chars < max) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	return s[i] ? xasprintf("%.*s…", (int)i, s) : xstrdup(s);
}

/* Fenced code: ``` or ~~~ opens a block until the same fence, at least as long. */
struct fence {
	char ch;
	size_t len;
};

/* Returns 1 when the line is a fence line or inside a fenced block. */
static int in_fence(struct fence *f, const char *line, size_t n)
{
	size_t i = 0;
	while (i < n && i < 3 && line[i] == ' ')
		i++;
	size_t k = i;
	char c = i < n ? line[i] : 0;
	while (k < n && line[k] == c && (c == '`' || c == '~'))
		k++;
	size_t run = k - i;
	if (f->ch) {
		if (c == f->ch && run >= f->len) {
			size_t j = k;
			while (j < n && (line[j] == ' ' || line[j] == '\t'))
				j++;
			if (j == n)
				f->ch = 0;
		}
		return 1;
	}
	if (run >= 3) {
		f->ch = c;
		f->len = run;
		return 1;
	}
	return 0;
}

/* ---- ids for a link written with spaces --------------------------------- */

/* The id that scheme:key most likely meant (borrowed), or NULL. */
static const char *likely_id(const struct site *s, enum xref_scheme scheme, const char *key)
{
	char *slug = slug_from_text(key, strlen(key));
	const char *found = NULL;
	const char **ids = NULL;
	size_t n = 0;
	enum doc_kind k = scheme == XREF_ACTION ? DOC_ACTION : scheme == XREF_THEME ? DOC_THEME :
			  scheme == XREF_GUIDE ? DOC_GUIDE : scheme == XREF_PAGE ? DOC_PAGE : DOC_KINDS;
	if (k != DOC_KINDS) {
		struct doc *doc = site_find_doc(s, k, slug);
		if (doc) {
			found = doc->slug;
		} else {
			n = s->ndocs[k];
			ids = xcalloc(n + 1, sizeof *ids);
			for (size_t i = 0; i < n; i++)
				ids[i] = s->docs[k][i]->slug;
		}
	} else if (scheme == XREF_CONTACT || scheme == XREF_BIBLIO || scheme == XREF_GLOSSARY) {
		enum target_kind tk = scheme == XREF_CONTACT ? TARGET_CONTACT :
				      scheme == XREF_BIBLIO ? TARGET_BIBLIO : TARGET_GLOSSARY;
		struct entry *v = tk == TARGET_CONTACT ? s->contacts :
				  tk == TARGET_BIBLIO ? s->biblio : s->glossary;
		n = tk == TARGET_CONTACT ? s->ncontacts : tk == TARGET_BIBLIO ? s->nbiblio :
									     s->nglossary;
		ids = xcalloc(n + 1, sizeof *ids);
		for (size_t i = 0; i < n; i++) {
			ids[i] = v[i].id;
			if (!strcasecmp(v[i].id, slug))
				found = v[i].id;
		}
	}
	if (!found && ids)
		found = suggest_closest(slug, ids, n);
	free(ids);
	free(slug);
	return found;
}

/* ---- text that cmark could not read ------------------------------------ */

static void report_unparsed(struct lint *l, int line, int col, int image,
			    const char *label, const char *target)
{
	int spaces = strpbrk(target, " \t") != NULL || strstr(target, "\xC2\xA0") != NULL;
	struct xref x;
	xref_parse(target, &x);
	if (image) {
		if (spaces)
			warn(l, line, col,
			     _("image '%s' is printed as text because its path has spaces: write ![%s](<%s>) or rename the file without spaces"),
			     target, label, target);
		else
			warn(l, line, col,
			     _("'![%s](%s)' is printed as text, not shown as an image: check its brackets and parentheses"),
			     label, target);
		return;
	}
	if (x.scheme != XREF_NONE && x.scheme != XREF_UNKNOWN && x.scheme != XREF_UNSAFE &&
	    x.scheme != XREF_MARKDOWN) {
		char *key = xstrndup(x.key, x.key_len);
		char *scheme = xstrndup(target, (size_t)(x.key - target));
		const char *id = likely_id(l->s, x.scheme, key);
		if (id)
			warn(l, line, col,
			     _("link '[%s](%s)' is printed as text because its target has spaces: write [%s](%s%s)"),
			     label, target, label, scheme, id);
		else
			warn(l, line, col,
			     _("link '[%s](%s)' is printed as text because its target has spaces: a link names an id, in lower-case letters, digits and '-'"),
			     label, target);
		free(scheme);
		free(key);
	} else if (spaces) {
		warn(l, line, col,
		     _("link '[%s](%s)' is printed as text because its target has spaces: write [%s](<%s>) or replace each space with %%20"),
		     label, target, label, target);
	} else {
		warn(l, line, col,
		     _("'[%s](%s)' is printed as text, not as a link: check its brackets and parentheses"),
		     label, target);
	}
}

/* A link target longer than this is not looked for (and no link has one). */
#define LINT_MAX_TARGET 2048

/*
 * "[text](target)" and "![alt](target)" left as text by cmark. Each scan
 * stops where the previous one ended, or after LINT_MAX_TARGET bytes, so
 * that "](](](…" stays linear.
 */
/*
 * The '[' that opens "[**cadre** de vie](…)" when emphasis or code split
 * the label: in a text node before node, on the same line. Sets *label to
 * the label's plain text up to node (caller frees), *line and *col to the
 * '[' (or the "![") and *image; returns 0 when there is none.
 */
static int open_before(struct lint *l, cmark_node *node, char **label, int *line, int *col,
		       int *image)
{
	struct buf between = BUF_INIT;
	int found = 0;
	for (cmark_node *prev = cmark_node_previous(node); prev && !found;
	     prev = cmark_node_previous(prev)) {
		cmark_node_type t = cmark_node_get_type(prev);
		if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK || t == CMARK_NODE_LINK ||
		    t == CMARK_NODE_IMAGE)
			break;
		char *text = t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE ?
				     xstrdup(cmark_node_get_literal(prev) ? cmark_node_get_literal(prev) : "") :
				     markdown_plain_text(prev);
		const char *open = t == CMARK_NODE_TEXT ? strrchr(text, '[') : NULL;
		if (open && open[1] != '^') {
			struct buf b = BUF_INIT;
			buf_puts(&b, open + 1);
			buf_puts(&b, buf_cstr(&between));
			*label = buf_detach(&b);
			*image = open > text && open[-1] == '!';
			const char *start = *image ? open - 1 : open;
			*line = markdown_line(l->doc, prev);
			*col = find_col(l, *line, markdown_col(prev) + (int)(start - text), start,
					(size_t)(open + 1 - start));
			found = 1;
		} else {
			/* Prepend: the walk goes backwards. */
			struct buf b = BUF_INIT;
			buf_puts(&b, text);
			buf_puts(&b, buf_cstr(&between));
			buf_free(&between);
			between = b;
		}
		free(text);
	}
	buf_free(&between);
	return found;
}

static void check_unparsed_links(struct lint *l, cmark_node *node, int line, int bcol,
				 const char *s)
{
	const char *floor = s;
	for (const char *p = s; (p = strstr(p, "](")) != NULL; floor = p += 2) {
		const char *open = NULL;
		int depth = 0;
		for (const char *q = p; q > floor;) {
			q--;
			if (*q == ']') {
				depth++;
			} else if (*q == '[') {
				if (depth == 0) {
					open = q;
					break;
				}
				depth--;
			}
		}
		if (open && open[1] == '^')
			continue;
		char *split_label = NULL;
		int split_line = 0, split_col = 0, split_image = 0;
		if (!open && (floor != s ||
			      !open_before(l, node, &split_label, &split_line, &split_col, &split_image)))
			continue;
		const char *dest = p + 2, *close = NULL;
		int par = 0;
		for (const char *q = dest; *q && q - dest < LINT_MAX_TARGET; q++) {
			if (*q == '(') {
				par++;
			} else if (*q == ')') {
				if (par == 0) {
					close = q;
					break;
				}
				par--;
			}
		}
		if (!close) {
			free(split_label);
			continue;
		}
		if (!open) {
			/* The label began in an earlier node: "[**cadre** de vie](…)". */
			struct buf b = BUF_INIT;
			buf_puts(&b, split_label);
			buf_put(&b, s, (size_t)(p - s));
			char *target = xstrndup(dest, (size_t)(close - dest));
			report_unparsed(l, split_line, split_col, split_image, buf_cstr(&b), target);
			free(target);
			buf_free(&b);
			free(split_label);
			p = close - 1;
			continue;
		}
		int image = open > s && open[-1] == '!';
		const char *start = image ? open - 1 : open;
		char *label = xstrndup(open + 1, (size_t)(p - open - 1));
		char *target = xstrndup(dest, (size_t)(close - dest));
		/* The source holds at least the literal's bytes before it (escapes add some). */
		int col = find_col(l, line, bcol + (int)(start - s), start, (size_t)(p + 2 - start));
		report_unparsed(l, line, col, image, label, target);
		free(target);
		free(label);
		p = close - 1;
	}
}

static int is_label_byte(char c)
{
	return c != ']' && c != '[' && !ascii_isspace(c);
}

/* "[^2]" left as text: a footnote call whose definition does not exist. */
static void check_footnote_calls(struct lint *l, int line, int bcol, const char *s)
{
	for (const char *p = s; (p = strstr(p, "[^")) != NULL; p += 2) {
		const char *q = p + 2;
		while (*q && is_label_byte(*q))
			q++;
		if (*q != ']' || q == p + 2)
			continue;
		int len = (int)(q - p - 2);
		int col = find_col(l, line, bcol + (int)(p - s), p, (size_t)(q + 1 - p));
		warn(l, line, col,
		     _("footnote '[^%.*s]' has no definition: add a line '[^%.*s]: the note' after the paragraph, or remove the call"),
		     len, p + 2, len, p + 2);
		p = q - 1;
	}
}

/* A footnote label in the body: "[^label]". */
struct label {
	const char *p;
	size_t n;
};

static int compare_labels(const void *a, const void *b)
{
	const struct label *x = a, *y = b;
	int c = strncasecmp(x->p, y->p, x->n < y->n ? x->n : y->n);
	return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* Whether the "[^label]" at c is a definition: at a line start (3 spaces at most), then ':'. */
static int is_definition(const char *body, const char *c, size_t n)
{
	if (c[n + 3] != ':')
		return 0;
	const char *ls = c;
	int spaces = 0;
	while (ls > body && ls[-1] == ' ' && spaces < 4) {
		ls--;
		spaces++;
	}
	return spaces <= 3 && (ls == body || ls[-1] == '\n');
}

/*
 * Footnote definitions that nothing calls: cmark drops them without a
 * word. A call is "[^label]" anywhere but at a definition; the calls are
 * sorted once, so a long document stays n log n.
 */
/* The first "[^" in [p, end), or NULL (memchr is quicker than memmem at a pair). */
static const char *find_caret_bracket(const char *p, const char *end)
{
	while (p < end && (p = memchr(p, '[', (size_t)(end - p))) != NULL) {
		if (p + 1 < end && p[1] == '^')
			return p;
		p++;
	}
	return NULL;
}

static void check_footnote_definitions(struct lint *l)
{
	const struct doc *doc = l->doc;
	const char *body = doc->body, *end = body + doc->body_len;
	if (!body || !find_caret_bracket(body, end))
		return;
	struct label *calls = NULL;
	size_t ncalls = 0, cap = 0;
	for (const char *c = body; (c = find_caret_bracket(c, end)) != NULL; c += 2) {
		const char *q = c + 2;
		while (q < end && is_label_byte(*q))
			q++;
		if (q == end || *q != ']' || q == c + 2)
			continue;
		size_t n = (size_t)(q - c - 2);
		if (q + 1 < end && is_definition(body, c, n))
			continue;
		if (ncalls == cap) {
			cap = cap ? 2 * cap : 16;
			calls = xrealloc(calls, cap * sizeof *calls);
		}
		calls[ncalls++] = (struct label){c + 2, n};
	}
	if (ncalls > 1)
		qsort(calls, ncalls, sizeof *calls, compare_labels);
	struct fence f = {0};
	int line = doc->body_offset;
	for (const char *p = body; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		line++;
		size_t i = 0;
		while (i < n && i < 3 && p[i] == ' ')
			i++;
		if (!in_fence(&f, p, n) && i + 3 < n && p[i] == '[' && p[i + 1] == '^') {
			size_t k = i + 2;
			while (k < n && is_label_byte(p[k]))
				k++;
			if (k < n - 1 && k > i + 2 && p[k] == ']' && p[k + 1] == ':') {
				struct label want = {p + i + 2, k - i - 2};
				if (!ncalls || !bsearch(&want, calls, ncalls, sizeof *calls, compare_labels))
					warn(l, line, count_chars(p, i) + 1,
					     _("footnote '[^%.*s]' is never called, so its note is left out: call it with '[^%.*s]' in the text, or remove it"),
					     (int)want.n, want.p, (int)want.n, want.p);
			}
		}
		p = nl ? nl + 1 : end;
	}
	free(calls);
}

/* ---- headings ------------------------------------------------------------ */

/* Whether name is one of the sections site.yaml requires, of any kind. */
static int is_section_name(const struct site *s, const char *name)
{
	const json_t *sections = json_object_get(s->config, "sections");
	const char *key;
	const json_t *list;
	json_object_foreach((json_t *)sections, key, list) {
		size_t i;
		const json_t *h;
		json_array_foreach(list, i, h)
			if (json_is_string(h) && strcmp(json_string_value(h), name) == 0)
				return 1;
	}
	return 0;
}

/* "##Objectifs": the number of '#' when text starts like a heading without its space. */
static size_t hashes_without_space(const char *text)
{
	size_t h = 0;
	while (text[h] == '#')
		h++;
	if (h == 0 || h > 6 || !text[h] || text[h] == '#' || ascii_isspace(text[h]))
		return 0;
	return h;
}

static void check_heading_like_paragraph(struct lint *l, cmark_node *para)
{
	cmark_node *first = cmark_node_first_child(para);
	if (!first || cmark_node_get_type(first) != CMARK_NODE_TEXT)
		return;
	const char *text = cmark_node_get_literal(first);
	size_t h = text ? hashes_without_space(text) : 0;
	if (!h)
		return;
	/* One '#' before a word is a hashtag unless the word is a section's name. */
	if (h == 1 && !is_section_name(l->s, text + 1))
		return;
	int line = markdown_line(l->doc, para);
	int col = find_col(l, line, markdown_col(first), text, strlen(text));
	/* "#Acteurs" names a section: sections are level 2. */
	warn(l, line, col, _("'%s' is printed as text, not as a heading: write '%.*s %s' (a space after the '#')"),
	     text, h == 1 ? 2 : (int)h, "######", text + h);
}

static void check_level1_heading(struct lint *l, cmark_node *heading)
{
	char *text = markdown_plain_text(heading);
	int line = markdown_line(l->doc, heading);
	int col = lint_lines_col(lines_of(l), line, markdown_col(heading));
	warn(l, line, col,
	     _("level-1 heading '%s' in the body: the title is the page's only level-1 heading; write '## %s' for a section"),
	     text, text);
	free(text);
}

int lint_section_near_miss(const struct doc *doc, const char *name, int *line, int *col,
			   int *level)
{
	char *want = slug_from_text(name, strlen(name));
	const char *body = doc->body, *end = body + doc->body_len;
	struct fence f = {0};
	int l = doc->body_offset, found = 0;
	for (const char *p = body; p < end && !found;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		l++;
		size_t i = 0;
		while (i < n && i < 3 && p[i] == ' ')
			i++;
		size_t h = i;
		while (h < n && p[h] == '#')
			h++;
		if (!in_fence(&f, p, n) && h > i && h - i <= 6) {
			int spaced = h < n && (p[h] == ' ' || p[h] == '\t');
			size_t a = h, b = n;
			while (a < b && (p[a] == ' ' || p[a] == '\t'))
				a++;
			while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\t' || p[b - 1] == '#'))
				b--;
			char *got = slug_from_text(p + a, b - a);
			if (b > a && strcmp(got, want) == 0) {
				*line = l;
				*col = count_chars(p, i) + 1;
				*level = (int)(h - i);
				found = !spaced || *level == 1 ? 2 : 1;
			}
			free(got);
		}
		p = nl ? nl + 1 : end;
	}
	free(want);
	return found;
}

/* ---- placeholders ---------------------------------------------------------- */

/*
 * Whether text is a placeholder: one `fiches new` writes, or the usual
 * « à compléter », « TODO », « lorem ipsum » a coordinator leaves for later.
 * Compared as slugs, so case, accents and punctuation do not matter.
 */
/* The slugs of what `fiches new` writes, made once: every paragraph is compared with them. */
static const char *const placeholders_written[] = {NEW_SUMMARY_PLACEHOLDER, NEW_SECTION_PLACEHOLDER};
#define NPLACEHOLDERS_WRITTEN (sizeof placeholders_written / sizeof *placeholders_written)
static char *placeholder_slugs[NPLACEHOLDERS_WRITTEN];
static pthread_once_t placeholder_slugs_once = PTHREAD_ONCE_INIT;

/* The longest slug is_placeholder compares: a written one, or a short paragraph's. */
#define PLACEHOLDER_SLUG_SHORT 48
static size_t placeholder_slug_max = PLACEHOLDER_SLUG_SHORT;

static const char *const placeholder_starts[] = {"a-completer", "a-rediger", "a-remplir",
						  "a-preciser", "a-ecrire", "texte-a-venir",
						  "lorem-ipsum", "todo", "tbd", "xxx"};
#define NPLACEHOLDER_STARTS (sizeof placeholder_starts / sizeof *placeholder_starts)

/* The first two bytes of every slug compared (all have three or more), each once. */
static unsigned placeholder_pairs[NPLACEHOLDERS_WRITTEN + NPLACEHOLDER_STARTS];
static size_t nplaceholder_pairs;

static void add_placeholder_pair(const char *slug)
{
	unsigned pair = (unsigned char)slug[0] << 8 | (unsigned char)slug[1];
	for (size_t i = 0; i < nplaceholder_pairs; i++)
		if (placeholder_pairs[i] == pair)
			return;
	placeholder_pairs[nplaceholder_pairs++] = pair;
}

static void make_placeholder_slugs(void)
{
	for (size_t i = 0; i < NPLACEHOLDERS_WRITTEN; i++) {
		placeholder_slugs[i] = slug_from_text(placeholders_written[i],
						      strlen(placeholders_written[i]));
		if (strlen(placeholder_slugs[i]) > placeholder_slug_max)
			placeholder_slug_max = strlen(placeholder_slugs[i]);
		add_placeholder_pair(placeholder_slugs[i]);
	}
	for (size_t i = 0; i < NPLACEHOLDER_STARTS; i++)
		add_placeholder_pair(placeholder_starts[i]);
}

/* Placeholders are short: a real paragraph is not slugged for nothing. */
#define PLACEHOLDER_MAX 160

/* How many of a slug's first bytes placeholder_may_start looks at. */
#define PLACEHOLDER_PREFIX 8

/*
 * Whether a slug whose first bytes are p[0..len) (slug_prefix's) may be a
 * placeholder's: begin with one of the starts or be a written one. Most
 * paragraphs are ruled out here, by their first word, without the slug
 * of their first 48 bytes (36 M instructions at 1 000 fiches).
 */
static int placeholder_may_start(const char *p, size_t len)
{
	if (len == 0)
		return 1; /* "section": left to the whole comparison */
	if (len > PLACEHOLDER_PREFIX)
		len = PLACEHOLDER_PREFIX;
	/* Most slugs are ruled out by their first two bytes. */
	if (len >= 2) {
		unsigned pair = (unsigned char)p[0] << 8 | (unsigned char)p[1];
		size_t i = 0;
		while (i < nplaceholder_pairs && placeholder_pairs[i] != pair)
			i++;
		if (i == nplaceholder_pairs)
			return 0;
	}
	for (size_t i = 0; i < NPLACEHOLDER_STARTS; i++)
		if (strncmp(p, placeholder_starts[i], len) == 0 ||
		    (strlen(placeholder_starts[i]) < len &&
		     strncmp(p, placeholder_starts[i], strlen(placeholder_starts[i])) == 0))
			return 1;
	for (size_t i = 0; i < NPLACEHOLDERS_WRITTEN; i++)
		if (strncmp(p, placeholder_slugs[i], len) == 0)
			return 1;
	return 0;
}

/*
 * Whether text's first two bytes, ASCII letters or digits, already rule it
 * out: its slug starts with them lowered, whatever follows, and no slug
 * compared starts so (placeholder_may_start's first test, without the
 * slug_prefix that cost 350 instructions a paragraph).
 */
static int pair_rules_out(const char *text)
{
	if (!ascii_isalnum(text[0]) || !ascii_isalnum(text[1]))
		return 0;
	unsigned pair = (unsigned)ascii_tolower(text[0]) << 8 | (unsigned)ascii_tolower(text[1]);
	for (size_t i = 0; i < nplaceholder_pairs; i++)
		if (placeholder_pairs[i] == pair)
			return 0;
	return 1;
}

static int is_placeholder(const char *text)
{
	size_t n = strlen(text);
	if (!n || n > PLACEHOLDER_MAX)
		return 0;
	pthread_once(&placeholder_slugs_once, make_placeholder_slugs);
	if (pair_rules_out(text))
		return 0;
	char start[PLACEHOLDER_PREFIX + 2];
	if (!placeholder_may_start(start, slug_prefix(text, n, start, PLACEHOLDER_PREFIX)))
		return 0;
	/* A slug longer than every one compared below is none of them: not made. */
	char *slug = slug_from_text_max(text, n, placeholder_slug_max);
	if (!slug)
		return 0;
	int hit = 0;
	for (size_t i = 0; i < NPLACEHOLDERS_WRITTEN && !hit; i++)
		hit = strcmp(slug, placeholder_slugs[i]) == 0;
	/* A short paragraph that starts with one: « À compléter par l’équipe. » */
	size_t len = strlen(slug);
	for (size_t i = 0; i < NPLACEHOLDER_STARTS && !hit && len <= PLACEHOLDER_SLUG_SHORT; i++) {
		size_t k = strlen(placeholder_starts[i]);
		hit = slug[0] == placeholder_starts[i][0] &&
		      strncmp(slug, placeholder_starts[i], k) == 0 &&
		      (slug[k] == '\0' || slug[k] == '-');
	}
	free(slug);
	return hit;
}

/*
 * Whether a paragraph whose first child is a text node cannot be a
 * placeholder, told from that text's first words: the paragraph's plain
 * text begins with it, so its slug begins with theirs.
 */
static int paragraph_ruled_out(cmark_node *para)
{
	cmark_node *first = cmark_node_first_child(para);
	if (!first || cmark_node_get_type(first) != CMARK_NODE_TEXT)
		return 0;
	const char *text = cmark_node_get_literal(first);
	if (!text)
		return 0;
	pthread_once(&placeholder_slugs_once, make_placeholder_slugs);
	/* The paragraph's slug starts as this text's: its first two bytes may settle it. */
	if (pair_rules_out(text))
		return 1;
	char start[PLACEHOLDER_PREFIX + 2];
	size_t len = slug_prefix(text, strlen(text), start, PLACEHOLDER_PREFIX);
	/* Fewer bytes: the rest of the paragraph may still change the slug's start. */
	return len >= PLACEHOLDER_PREFIX && !placeholder_may_start(start, len);
}

static void check_placeholder_paragraph(struct lint *l, cmark_node *para)
{
	if (paragraph_ruled_out(para))
		return;
	/* A longer paragraph's text is not even put together. */
	char *text = markdown_plain_text_max(para, PLACEHOLDER_MAX);
	if (text && is_placeholder(text)) {
		char *shown = shorten(text, 60);
		int line = markdown_line(l->doc, para);
		warn(l, line, lint_lines_col(lines_of(l), line, markdown_col(para)),
		     _("placeholder text '%s' is still here: write this part of the fiche, or remove it"),
		     shown);
		free(shown);
	}
	free(text);
}

static void check_placeholder_fields(struct lint *l)
{
	static const char *const fields[] = {"summary", "title", "subtitle"};
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		const json_t *v = json_object_get(l->doc->meta, fields[i]);
		if (!json_is_string(v) || !is_placeholder(json_string_value(v)))
			continue;
		int line = 1, col = 1;
		if (l->doc->marks)
			yaml_marks_find_key(l->doc->marks, l->doc->meta, fields[i], &line, &col);
		char *shown = shorten(json_string_value(v), 60);
		warn(l, line, col,
		     _("placeholder text '%s' is still in '%s': write what this fiche is about"),
		     shown, fields[i]);
		free(shown);
	}
}

/* ---- the walk --------------------------------------------------------------- */

void lint_nodes_init(struct lint_nodes *nodes)
{
	nodes->v = nodes->stack;
	nodes->n = 0;
	nodes->nlinks = 0;
	nodes->cap = sizeof nodes->stack / sizeof *nodes->stack;
}

void lint_nodes_free(struct lint_nodes *nodes)
{
	if (nodes->v != nodes->stack)
		free(nodes->v);
	lint_nodes_init(nodes);
}

void lint_nodes_add(struct lint_nodes *nodes, cmark_node *node, cmark_node_type type)
{
	if (nodes->n == nodes->cap) {
		nodes->cap *= 2;
		if (nodes->v == nodes->stack) {
			nodes->v = xmalloc(nodes->cap * sizeof *nodes->v);
			memcpy(nodes->v, nodes->stack, sizeof nodes->stack);
		} else {
			nodes->v = xrealloc(nodes->v, nodes->cap * sizeof *nodes->v);
		}
	}
	nodes->v[nodes->n++] = (struct lint_node){node, type};
	nodes->nlinks += type == CMARK_NODE_LINK;
}

void lint_nodes_enter_text(struct lint_nodes *nodes, cmark_node *node, const char *text)
{
	if (text && strpbrk(text, "[]"))
		lint_nodes_add(nodes, node, CMARK_NODE_TEXT);
}

void lint_body(const struct site *s, const struct doc *doc, cmark_node *root, struct diag *d)
{
	struct lint_nodes nodes;
	lint_nodes_init(&nodes);
	lint_body_links(s, doc, root, d, &nodes);
	lint_nodes_free(&nodes);
}

void lint_body_nodes(const struct site *s, const struct doc *doc, const struct lint_nodes *nodes,
		     struct diag *d)
{
	struct lint l = {s, doc, d, NULL};
	for (size_t i = 0; i < nodes->n; i++) {
		cmark_node *node = nodes->v[i].node;
		switch (nodes->v[i].type) {
		case CMARK_NODE_TEXT: {
			const char *text = cmark_node_get_literal(node);
			int line = markdown_line(doc, node), col = markdown_col(node);
			check_unparsed_links(&l, node, line, col, text);
			check_footnote_calls(&l, line, col, text);
			break;
		}
		case CMARK_NODE_PARAGRAPH:
			check_heading_like_paragraph(&l, node);
			check_placeholder_paragraph(&l, node);
			break;
		case CMARK_NODE_HEADING:
			check_level1_heading(&l, node);
			break;
		default:
			/* A link or an image: xref's. */
			break;
		}
	}
	check_footnote_definitions(&l);
	check_placeholder_fields(&l);
	lint_lines_free(l.lines);
}

/*
 * The tree is walked by hand in document order, entering each node as
 * cmark_iter does and leaving each link or image after its children: the
 * iterator's events and calls were a fifth of these checks' cost. A
 * link's texts are left alone: the outermost link or image the walk is
 * in is kept, not a count that would ask every node left for its type.
 * (bodies.c's documents are not walked here: markdown_parse_doc's walk
 * gathers their nodes.)
 */
void lint_body_links(const struct site *s, const struct doc *doc, cmark_node *root,
		     struct diag *d, struct lint_nodes *nodes)
{
	/* The outermost link or image the walk is in (its texts are not checked), or NULL. */
	cmark_node *in_link = NULL;
	for (cmark_node *node = root; node;) {
		cmark_node_type type = cmark_node_get_type(node);
		if (type == CMARK_NODE_TEXT) {
			if (!in_link) {
				lint_nodes_enter_text(nodes, node, cmark_node_get_literal(node));
			}
		} else {
			if (!in_link && (type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE))
				in_link = node;
			lint_nodes_enter(nodes, node, type);
		}
		cmark_node *child = cmark_node_first_child(node);
		if (child) {
			node = child;
			continue;
		}
		/* Leaving node, then each parent it ends, up to one with a next sibling. */
		for (;;) {
			if (node == in_link)
				in_link = NULL;
			if (node == root) {
				node = NULL;
				break;
			}
			cmark_node *next = cmark_node_next(node);
			if (next) {
				node = next;
				break;
			}
			node = cmark_node_parent(node);
		}
	}
	lint_body_nodes(s, doc, nodes, d);
}

/* ---- links without a scheme ------------------------------------------------ */

/* "www.reseaux13.fr", "reseaux13.fr/contact": a host name, not a file of the site. */
static int looks_like_host(const char *path)
{
	if (strncasecmp(path, "www.", 4) == 0)
		return 1;
	size_t n = strcspn(path, "/");
	const char *dot = NULL;
	for (size_t i = 0; i < n; i++) {
		if (path[i] == '.')
			dot = path + i;
		else if (!ascii_isalnum(path[i]) && path[i] != '-')
			return 0;
	}
	if (!dot || dot == path)
		return 0;
	/* The last label: letters only, and not a file extension. */
	size_t tld = (size_t)(path + n - dot - 1);
	if (tld < 2 || tld > 6)
		return 0;
	for (const char *p = dot + 1; p < path + n; p++)
		if (!ascii_isalpha(*p))
			return 0;
	static const char *const files[] = {"html", "htm", "pdf", "md", "png", "jpg", "jpeg",
					    "gif", "svg", "webp", "txt", "doc", "docx", "odt",
					    "ods", "xls", "xlsx", "csv", "zip", "mp3", "mp4",
					    "yaml", "yml", "json", "css", "js", "xml", "epub"};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++)
		if (strlen(files[i]) == tld && strncasecmp(dot + 1, files[i], tld) == 0)
			return 0;
	return 1;
}

/* "a/b/../c/./d" → "a/c/d"; NULL when it climbs above the top. Caller frees. */
static char *normalise(const char *path)
{
	char *out = xmalloc(strlen(path) + 1);
	size_t n = 0;
	const char *p = path;
	while (*p) {
		size_t len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (n == 0) {
				free(out);
				return NULL;
			}
			n--;
			while (n > 0 && out[n - 1] != '/')
				n--;
		} else if (len && !(len == 1 && p[0] == '.')) {
			memcpy(out + n, p, len);
			n += len;
			if (p[len] == '/')
				out[n++] = '/';
		}
		p += len;
		if (*p == '/')
			p++;
	}
	out[n] = '\0';
	return out;
}

/* "%20" → " " (a link written for a browser names the file with its spaces). */
static char *percent_decode(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	for (; *s; s++) {
		int hi, lo;
		if (*s == '%' && s[1] && s[2] &&
		    (hi = ascii_isdigit(s[1]) ? s[1] - '0' : (s[1] | 32) - 'a' + 10) >= 0 && hi < 16 &&
		    (lo = ascii_isdigit(s[2]) ? s[2] - '0' : (s[2] | 32) - 'a' + 10) >= 0 && lo < 16) {
			*o++ = (char)(hi * 16 + lo);
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

static int is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Whether the site's output has path (relative to its root), as built now or before. */
static int site_has(const struct site *s, const char *path)
{
	if (!*path || path[strlen(path) - 1] == '/') {
		char *index = xasprintf("%sindex.html", path);
		int ok = site_has(s, index);
		free(index);
		return ok;
	}
	/* A table made once per site: the plan for every link grew as links × pages. */
	int ok = site_pages_has(s, path);
	/* Files copied as they are, and what the PDF pass writes. */
	if (!ok && strncmp(path, "media/", 6) == 0) {
		char *f = path_join(s->content_dir, path);
		ok = is_file(f);
		free(f);
	}
	/* The templates' assets (maybe built into the program) and the PDF pass's files. */
	if (!ok && (strncmp(path, "assets/", 7) == 0 || strncmp(path, "pdf/", 4) == 0 ||
		    strncmp(path, "print/", 6) == 0))
		ok = 1;
	if (!ok) {
		char *f = xasprintf("%s/public/%s", s->root, path);
		ok = is_file(f);
		free(f);
	}
	return ok;
}

/* Where a link is: its character column counted only for a message (most links have none). */
struct link_at {
	const struct doc *doc;
	int line, byte_col;
	struct lint_lines **lines;  /* the document's, made here when first needed */
};

static int link_col(struct link_at *at)
{
	if (!*at->lines)
		*at->lines = lint_lines_new(at->doc);
	return lint_lines_col(*at->lines, at->line, at->byte_col);
}

/* mailto:, tel:, http(s):: an address that does not read as one. Returns 1 when nothing was reported. */
static int check_address(const struct doc *doc, struct link_at *at, const char *url,
			 size_t scheme, struct diag *d)
{
	int ok = 1;
	char *name = xstrndup(url, scheme);
	for (char *p = name; *p; p++)
		*p = (char)ascii_tolower(*p);
	const char *rest = url + scheme + 1;
	if (strcmp(name, "mailto") == 0) {
		/* Several addresses are separated by commas; ?subject=… is not one. */
		char *list = percent_decode(rest);
		list[strcspn(list, "?")] = '\0';
		for (char *a = list, *next; a; a = next) {
			next = strchr(a, ',');
			if (next)
				*next++ = '\0';
			const char *why = lint_email_problem(a);
			if (why) {
				diag_warning(d, doc->path, at->line, link_col(at),
					     _("e-mail address '%s' is not valid: %s"), a, why);
				ok = 0;
				break;
			}
		}
		free(list);
	} else if (strcmp(name, "tel") == 0) {
		char *number = percent_decode(rest);
		if (!lint_is_phone(number)) {
			diag_warning(d, doc->path, at->line, link_col(at),
				     _("'%s' is not a phone number: write its digits, such as 04 91 00 00 00 or +33 4 91 00 00 00"),
				     number);
			ok = 0;
		}
		free(number);
	} else if (strcmp(name, "http") == 0 || strcmp(name, "https") == 0) {
		const char *why = lint_url_problem(url);
		if (why) {
			diag_warning(d, doc->path, at->line, link_col(at), _("web address '%s' is not valid: %s"),
				     url, why);
			ok = 0;
		}
	}
	free(name);
	return ok;
}

void lint_report_missing_page(const struct doc *doc, int line, int col, const char *url,
			      struct diag *d)
{
	diag_warning(d, doc->path, line, col,
		     _("link '%s' leads to no file of content/ nor page of the site: check the name, or write the full address https://…"),
		     url);
}

/* A link to the « Que faire si… » page, checked with the anchors (struct anchor_check). */
static void defer_page_check(struct doc *doc, const char *url, int line, int col)
{
	doc->anchor_checks = xrealloc(doc->anchor_checks,
				      (doc->nanchor_checks + 1) * sizeof *doc->anchor_checks);
	doc->anchor_checks[doc->nanchor_checks++] = (struct anchor_check){NULL, xstrdup(url), line, col};
}

int lint_relative_link(const struct site *s, const struct doc *doc, int line, int byte_col,
		       struct lint_lines **lines, const char *url, struct diag *d)
{
	struct link_at at = {doc, line, byte_col, lines};
	if (!*url || url[0] == '#' || url[0] == '/' || url[0] == '?')
		return 0;
	/* https:, mailto:, tel:…: addresses, not files of the site. */
	size_t scheme = 0;
	while (ascii_isalnum(url[scheme]) || url[scheme] == '+' || url[scheme] == '-' ||
	       url[scheme] == '.')
		scheme++;
	if (scheme > 0 && url[scheme] == ':' && ascii_isalpha(url[0]))
		return check_address(doc, &at, url, scheme, d);
	char *path = xstrndup(url, strcspn(url, "#?"));
	if (strchr(path, '@') && !strchr(path, '/')) {
		diag_warning(d, doc->path, at.line, link_col(&at),
			     _("link '%s' leads nowhere: an e-mail address is written mailto:%s"), url, url);
	} else if (looks_like_host(path)) {
		diag_warning(d, doc->path, at.line, link_col(&at),
			     _("link '%s' leads nowhere (it is read as a file of the site): write https://%s"),
			     url, url);
	} else {
		char *file = percent_decode(path);
		/* As written in content/, next to the document... */
		char *dir = xstrdup(doc->fs_path);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		char *src = path_join(dir, file);
		int ok = is_file(src);
		/* ...or as the page will find it on the site. */
		if (!ok) {
			char *odir = xstrdup(doc->out_path);
			char *oslash = strrchr(odir, '/');
			char *joined = oslash ? (oslash[1] = '\0', xasprintf("%s%s", odir, file)) :
						xstrdup(file);
			char *site_path = normalise(joined);
			if (site_path && strcmp(site_path, PAGES_WHAT_TO_DO_PATH) == 0) {
				/*
				 * That page exists when some theme has a « Comment faire ? »
				 * section, which other threads are parsing now: asked once
				 * every heading is known (xref_check_anchors).
				 */
				defer_page_check((struct doc *)doc, url, at.line, link_col(&at));
				ok = 1;
			} else {
				ok = site_path && site_has(s, site_path);
			}
			free(site_path);
			free(joined);
			free(odir);
		}
		if (!ok)
			lint_report_missing_page(doc, at.line, link_col(&at), url, d);
		free(src);
		free(dir);
		free(file);
	}
	free(path);
	return 0;
}
