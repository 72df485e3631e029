/*
 * Cross-reference resolution.
 *
 * Phases: (1) parse the link's URL into a scheme, a key and an anchor;
 * (2) find the target in the model (by number or slug for documents, by id
 * for data entries, by path for .md links); (3) check the anchor against
 * the target's headings; (4) record the edge (links_to, cited_by); (5) fill
 * an empty link text from the target; (6) rewrite the URL to the internal
 * form. Images must exist under content/.
 */
#include "xref.h"
#include "buf.h"
#include "hints.h"
#include "image.h"
#include "i18n.h"
#include "lint.h"
#include "markdown.h"
#include "md_arena.h"
#include "md_paths.h"
#include "pages.h"
#include "path.h"
#include "pool.h"
#include "site_pages.h"
#include "slug.h"
#include "suggest.h"
#include "utf8.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The schemes a link may name, with their lengths: a name is compared
 * with those of its length only (strcmp with each in turn was half of
 * xref_parse's cost), the most used first (no two are the same, so the
 * order decides nothing else). XREF_NONE: an address (no cross-reference).
 */
#define SCHEME(s) s, sizeof s - 1
static const struct {
	const char *name;
	size_t len;
	enum xref_scheme scheme;
} schemes[] = {
	{SCHEME("action"), XREF_ACTION}, {SCHEME("theme"), XREF_THEME},
	{SCHEME("https"), XREF_NONE}, {SCHEME("contact"), XREF_CONTACT},
	{SCHEME("glossary"), XREF_GLOSSARY}, {SCHEME("biblio"), XREF_BIBLIO},
	{SCHEME("page"), XREF_PAGE}, {SCHEME("guide"), XREF_GUIDE},
	{SCHEME("mailto"), XREF_NONE}, {SCHEME("http"), XREF_NONE}, {SCHEME("tel"), XREF_NONE},
	{SCHEME("javascript"), XREF_UNSAFE}, {SCHEME("vbscript"), XREF_UNSAFE},
	{SCHEME("data"), XREF_UNSAFE}, {SCHEME("file"), XREF_UNSAFE},
	{SCHEME("ftp"), XREF_NONE}, {SCHEME("ftps"), XREF_NONE},
	{SCHEME("geo"), XREF_NONE}, {SCHEME("sms"), XREF_NONE},
};
#undef SCHEME

static int ends_with_md(const char *s, size_t n)
{
	return n > 3 && memcmp(s + n - 3, ".md", 3) == 0;
}

/*
 * The entry of schemes named u[0..n) in any case, or -1. u holds scheme
 * bytes only (no tab nor newline), which c | 0x20 lowers as
 * ascii_tolower does: letters only change.
 */
static int scheme_named(const char *u, size_t n)
{
	for (size_t j = 0; j < sizeof schemes / sizeof *schemes; j++) {
		if (schemes[j].len != n)
			continue;
		size_t m = 0;
		while (m < n && ((unsigned char)u[m] | 0x20) == (unsigned char)schemes[j].name[m])
			m++;
		if (m == n)
			return (int)j;
	}
	return -1;
}

void xref_parse(const char *url, struct xref *out)
{
	memset(out, 0, sizeof *out);
	out->scheme = XREF_NONE;
	out->key = url;
	size_t n = strlen(url);
	/* Whitespace and control bytes before a scheme are how filters get fooled. */
	size_t start = 0;
	while (start < n && (unsigned char)url[start] <= ' ')
		start++;
	const char *u = url + start;
	size_t un = n - start;
	size_t i = 0;
	int blanks = 0; /* a tab or a newline in the name */
	for (; i < un; i++) {
		char c = u[i];
		if (ascii_isalnum(c) || c == '+' || c == '-' || c == '.')
			continue;
		if (c != '\t' && c != '\n')
			break;
		blanks = 1;
	}
	const char *hash = memchr(u, '#', un);
	if (i > 0 && i < un && u[i] == ':' && ascii_isalpha(u[0])) {
		int found;
		size_t k;
		if (!blanks) {
			/* The usual name: compared in place, not lowered into a copy first. */
			k = i;
			found = scheme_named(u, i);
		} else {
			char name[16];
			k = 0;
			for (size_t j = 0; j < i && k < sizeof name - 1; j++)
				if (u[j] != '\t' && u[j] != '\n')
					name[k++] = (char)ascii_tolower(u[j]);
			found = scheme_named(name, k);
		}
		if (found >= 0) {
			enum xref_scheme sc = schemes[found].scheme;
			if (sc == XREF_UNSAFE) {
				out->scheme = XREF_UNSAFE;
				return;
			}
			if (sc == XREF_NONE)
				return; /* an address */
			/* A tab or a newline inside the name: no cross-reference (nor an address). */
			if (i == k) {
				out->scheme = sc;
				out->key = u + i + 1;
				out->key_len = hash ? (size_t)(hash - out->key) : un - i - 1;
				out->anchor = hash ? hash + 1 : u + un;
				out->anchor_len = hash ? (size_t)(u + un - hash - 1) : 0;
				return;
			}
		}
		out->scheme = XREF_UNKNOWN;
		out->key = u;
		out->key_len = i;
		return;
	}
	size_t path_len = hash ? (size_t)(hash - u) : un;
	const char *q = memchr(u, '?', path_len);
	if (q)
		path_len = (size_t)(q - u);
	if (path_len && ends_with_md(u, path_len) && !memchr(u, ':', path_len)) {
		out->scheme = XREF_MARKDOWN;
		out->key = u;
		out->key_len = path_len;
		out->anchor = hash ? hash + 1 : u + un;
		out->anchor_len = hash ? (size_t)(u + un - hash - 1) : 0;
	}
}

struct doc *xref_target_doc(cmark_node *link)
{
	return cmark_node_get_user_data(link);
}

/* Addresses of one document remembered as found valid (most fiches give their two twice). */
#define VALID_SEEN 8

struct resolver {
	struct site *s;
	struct diag *d;         /* NULL: quiet (a tree parsed again for a page) */
	struct doc *doc;
	cmark_node *node;
	int defer_anchors;      /* other documents' headings may not be known yet */
	struct lint_lines *lines; /* made at the first report that needs a character column */
	/*
	 * The last addresses (https:, mailto:, tel:) lint_relative_link found
	 * valid, each the URL string of a node of this tree: an address found
	 * valid is valid wherever it is again (nothing is reported for it), and
	 * checking it again was a third of the links' checks at 1 000 fiches.
	 */
	const char *valid[VALID_SEEN];
	size_t nvalid;
};

/* Whether url was found a valid address earlier in this document. */
static int seen_valid(const struct resolver *r, const char *url)
{
	size_t n = r->nvalid < VALID_SEEN ? r->nvalid : VALID_SEEN;
	for (size_t i = 0; i < n; i++)
		if (strcmp(r->valid[i], url) == 0)
			return 1;
	return 0;
}

/* The character column of the current node, as the checks of lint.c give it. */
static int char_col(struct resolver *r)
{
	if (!r->lines)
		r->lines = lint_lines_new(r->doc);
	return lint_lines_col(r->lines, markdown_line(r->doc, r->node), markdown_col(r->node));
}

/* An error at path:line:col: fmt with a and b, then the suggestion when there is one. */
static void error_at(struct diag *d, const char *path, int line, int col, const char *fmt,
		     const char *a, const char *b, const char *suggestion)
{
	struct buf msg = BUF_INIT;
	buf_printf(&msg, fmt, a, b);
	if (suggestion)
		buf_printf(&msg, _(" (did you mean '%s'?)"), suggestion);
	diag_error(d, path, line, col, "%s", buf_cstr(&msg));
	buf_free(&msg);
}

static void report(struct resolver *r, const char *fmt, const char *a, const char *b,
		   const char *suggestion)
{
	if (r->d)
		error_at(r->d, r->doc->path, markdown_line(r->doc, r->node), markdown_col(r->node),
			 fmt, a, b, suggestion);
}

/* The ids of a kind's documents, borrowed (caller frees the array). */
static const char **doc_ids(struct site *s, enum doc_kind kind)
{
	const char **ids = xcalloc(s->ndocs[kind] + 1, sizeof *ids);
	for (size_t i = 0; i < s->ndocs[kind]; i++)
		ids[i] = s->docs[kind][i]->slug;
	return ids;
}

static const char **entry_ids(struct entry *v, size_t n)
{
	const char **ids = xcalloc(n + 1, sizeof *ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = v[i].id;
	return ids;
}

/* An unknown id, with its hint, folded with the other references to it (hints.c). */
static void report_unknown(struct resolver *r, int doc_kind, const char *what, const char *key,
			   const char **ids, size_t n)
{
	if (r->d)
		hints_report_unknown(r->d, r->s, doc_kind, what, r->doc->path,
				     markdown_line(r->doc, r->node), char_col(r), key, ids, n);
	free(ids);
}

static const char *suggest_anchor(const struct doc *doc, const char *anchor)
{
	const char **ids = xcalloc(doc->nheadings + 1, sizeof *ids);
	for (size_t i = 0; i < doc->nheadings; i++)
		ids[i] = doc->headings[i].anchor;
	const char *best = suggest_closest(anchor, ids, doc->nheadings);
	free(ids);
	return best;
}

static int has_children(cmark_node *node)
{
	return cmark_node_first_child(node) != NULL;
}

static void set_text(cmark_node *link, const char *text)
{
	/* In the tree's own arena when it has one (md_arena.h). */
	cmark_node *t = cmark_node_new_with_mem(CMARK_NODE_TEXT, md_arena_mem());
	cmark_node_set_literal(t, text);
	cmark_node_append_child(link, t);
}

/*
 * XREF_INTERNAL + path (nt bytes) + "#" + anchor (na bytes, none when 0)
 * as link's URL. Put together by hand, straight into the node's own copy
 * (markdown_url_room): printf's formatting, then a growing buffer, then a
 * copy on the stack that cmark_node_set_url copied again (zeroed first)
 * after a strlen, were most of a resolved link's cost. The callers know
 * the lengths.
 */
static void set_url_parts(cmark_node *link, const char *path, size_t nt, const char *anchor,
			  size_t na)
{
	static const char prefix[] = XREF_INTERNAL;
	size_t np = sizeof prefix - 1;
	size_t len = np + nt + (na ? 1 + na : 0);
	char *url = markdown_url_room(link, len), *p = url;
	memcpy(p, prefix, np);
	p += np;
	memcpy(p, path, nt);
	p += nt;
	if (na) {
		*p++ = '#';
		memcpy(p, anchor, na);
		p += na;
	}
	*p = '\0';
	markdown_url_set(link, url, len);
}

/* A target without a page has no path: "(null)", as printf wrote it. */
static const char no_path[] = "(null)";

/* A link to a document: t as site_find_doc_target gives it, anchor na bytes (NULL: none). */
static void link_doc(struct resolver *r, const struct doc_target *t, const char *anchor,
		     size_t na)
{
	struct doc *target = t->doc;
	if (anchor && *anchor && r->defer_anchors && target != r->doc) {
		/* Checked by xref_finish, once every document's headings are known. */
		struct doc *d = r->doc;
		d->anchor_checks = xrealloc(d->anchor_checks,
					    (d->nanchor_checks + 1) * sizeof *d->anchor_checks);
		d->anchor_checks[d->nanchor_checks++] = (struct anchor_check){
			target, xstrdup(anchor), markdown_line(d, r->node), markdown_col(r->node)};
	} else if (anchor && *anchor && !doc_find_anchor(target, anchor)) {
		report(r, _("no section '#%s' in %s"), anchor, target->path,
		       suggest_anchor(target, anchor));
		return;
	}
	if (target != r->doc && r->d)
		ptrs_add_unique(&r->doc->links_to, target);
	if (!has_children(r->node)) {
		char *label = doc_display_title(target);
		set_text(r->node, label);
		free(label);
	}
	cmark_node_set_user_data(r->node, target);
	if (t->out_path)
		set_url_parts(r->node, t->out_path, t->out_len, anchor, anchor ? na : 0);
	else
		set_url_parts(r->node, no_path, sizeof no_path - 1, anchor, anchor ? na : 0);
}

static char *entry_label(const struct entry *e)
{
	if (e->kind == TARGET_BIBLIO) {
		const json_t *authors = json_object_get(e->data, "authors");
		const json_t *first = json_is_array(authors) ? json_array_get(authors, 0) : authors;
		const json_t *year = json_object_get(e->data, "year");
		struct buf b = BUF_INIT;
		buf_puts(&b, json_is_string(first) ? json_string_value(first) : e->label);
		if (json_is_array(authors) && json_array_size(authors) > 1)
			buf_puts(&b, " et al.");
		if (json_is_integer(year))
			buf_printf(&b, " (%lld)", (long long)json_integer_value(year));
		else if (json_is_string(year))
			buf_printf(&b, " (%s)", json_string_value(year));
		return buf_detach(&b);
	}
	return xstrdup(e->label);
}

/* A link to a data entry of kind tk: t as site_find_entry_target gives it, anchor na bytes. */
static void link_entry(struct resolver *r, enum target_kind tk, const struct entry_target *t,
		       const char *anchor, size_t na)
{
	if (r->d)
		ptrs_add_unique(&r->doc->entries_cited, t->entry);
	if (!has_children(r->node)) {
		char *label = entry_label(t->entry);
		set_text(r->node, label);
		free(label);
	}
	const char *path = t->out_path ? t->out_path : no_path;
	size_t np = t->out_path ? t->out_len : sizeof no_path - 1;
	if (tk == TARGET_CONTACT)
		set_url_parts(r->node, path, np, anchor, anchor ? na : 0);
	else
		set_url_parts(r->node, path, np, t->anchor, t->anchor_len);
}

/* Parts of a URL up to this long are copied on the stack. */
#define KEY_STACK 256

/* s[0..n) as a string: in stack (KEY_STACK bytes) when it fits, else allocated. */
static char *copy_part(const char *s, size_t n, char *stack)
{
	char *p = n < KEY_STACK ? stack : xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void free_part(char *p, const char *stack)
{
	if (p != stack)
		free(p);
}

/* A link's probe (xref_check_body) and, for a .md link, the key md_paths_probe normalised. */
struct probed {
	const struct site_probe *probe;
	const char *md_key;
	size_t md_len;
};

/* The kind of the documents a scheme links to; DOC_KINDS: not a document's scheme. */
static enum doc_kind scheme_doc_kind(enum xref_scheme scheme)
{
	switch (scheme) {
	case XREF_ACTION: return DOC_ACTION;
	case XREF_THEME: return DOC_THEME;
	case XREF_GUIDE: return DOC_GUIDE;
	case XREF_PAGE: return DOC_PAGE;
	default: return DOC_KINDS;
	}
}

/* r->node's link, whose URL url (not NULL) parses as x; pr: its probe, or NULL. */
static void resolve_parsed(struct resolver *r, const char *url, const struct xref *px,
			   const struct probed *pr)
{
	struct xref x = *px;
	/* Copies on the stack when they fit: two allocations per link otherwise. */
	char key_stack[KEY_STACK], anchor_stack[KEY_STACK];
	char *key = copy_part(x.key, x.key_len, key_stack);
	char *anchor = x.anchor ? copy_part(x.anchor, x.anchor_len, anchor_stack) : NULL;
	size_t key_len = x.key_len, anchor_len = x.anchor ? x.anchor_len : 0;
	enum doc_kind kind = scheme_doc_kind(x.scheme);
	switch (x.scheme) {
	case XREF_NONE:
		if (url[0] == '#' && url[1]) {
			if (!doc_find_anchor(r->doc, url + 1))
				report(r, _("no section '%s' in this document%s"), url, "",
				       suggest_anchor(r->doc, url + 1));
		} else if (r->d && !seen_valid(r, url)) {
			if (lint_relative_link(r->s, r->doc, markdown_line(r->doc, r->node),
					       markdown_col(r->node), &r->lines, url, r->d))
				r->valid[r->nvalid++ % VALID_SEEN] = url;
		}
		break;
	case XREF_UNSAFE:
		if (r->d)
			diag_warning(r->d, r->doc->path, markdown_line(r->doc, r->node),
				     markdown_col(r->node), _("unsafe link '%.40s' removed"), url);
		cmark_node_set_url(r->node, "");
		break;
	case XREF_UNKNOWN: {
		/* A project's own kind (ressource:3), or a mistake. */
		int k = site_kind_by_name(r->s, x.key, x.key_len);
		if (k >= 0) {
			const char *rest = x.key + x.key_len + 1;
			const char *hash = strchr(rest, '#');
			free_part(key, key_stack);
			free_part(anchor, anchor_stack);
			key_len = hash ? (size_t)(hash - rest) : strlen(rest);
			anchor_len = hash ? strlen(hash + 1) : 0;
			key = copy_part(rest, key_len, key_stack);
			anchor = copy_part(hash ? hash + 1 : "", anchor_len, anchor_stack);
			kind = (enum doc_kind)k;
			break;
		}
		for (size_t j = 0; j < r->s->dropped_kinds.n; j++)
			if (strlen(r->s->dropped_kinds.v[j]) == x.key_len &&
			    strncmp(r->s->dropped_kinds.v[j], x.key, x.key_len) == 0)
				goto done; /* its description has the error */
		static const char *const others[] = {"contact", "glossary", "biblio", "http",
						     "https", "mailto"};
		const char *names[DOC_KINDS + sizeof others / sizeof *others];
		size_t n = 0;
		for (size_t j = 0; j < site_nkinds(r->s); j++)
			names[n++] = site_kind(r->s, (int)j)->name;
		for (size_t j = 0; j < sizeof others / sizeof *others; j++)
			names[n++] = others[j];
		report(r, _("unknown link type '%s:'%s"), key, "", suggest_closest(key, names, n));
		break;
	}
	case XREF_ACTION:
	case XREF_THEME:
	case XREF_GUIDE:
	case XREF_PAGE:
		break; /* kind, resolved below */
	case XREF_MARKDOWN: {
		struct doc_target t;
		if (pr ? md_paths_find_probed(r->s->md_paths, r->doc, key, pr->md_key, pr->md_len,
					      pr->probe, &t) :
			 md_paths_find_target(r->s->md_paths, r->doc, key, &t))
			link_doc(r, &t, anchor, anchor_len);
		else
			report(r, _("link to '%s': no such fiche in content/%s"), key, "", NULL);
		break;
	}
	case XREF_CONTACT:
	case XREF_GLOSSARY:
	case XREF_BIBLIO: {
		enum target_kind tk = TARGET_CONTACT + (x.scheme - XREF_CONTACT);
		struct entry_target t;
		if (pr ? site_find_entry_probed(r->s, tk, key, key_len, pr->probe, &t) :
			 site_find_entry_target(r->s, tk, key, key_len, &t)) {
			link_entry(r, tk, &t, anchor, anchor_len);
		} else if (!site_id_lost(r->s, tk, key)) {
			/* (A lost entry's own error is reported in its data file.) */
			struct entry *v = tk == TARGET_CONTACT ? r->s->contacts :
					  tk == TARGET_GLOSSARY ? r->s->glossary : r->s->biblio;
			size_t n = tk == TARGET_CONTACT ? r->s->ncontacts :
				   tk == TARGET_GLOSSARY ? r->s->nglossary : r->s->nbiblio;
			report_unknown(r, -1, _(kind_data(tk)->noun), key, entry_ids(v, n), n);
		}
		break;
	}
	}
	if (kind != DOC_KINDS) {
		struct doc_target t;
		if (pr ? site_find_doc_probed(r->s, kind, key, key_len, pr->probe, &t) :
			 site_find_doc_target(r->s, kind, key, key_len, &t)) {
			link_doc(r, &t, anchor, anchor_len);
		} else {
			report_unknown(r, (int)kind, _(site_kind(r->s, kind)->noun), key,
				       doc_ids(r->s, kind), r->s->ndocs[kind]);
		}
	}
done:
	free_part(key, key_stack);
	free_part(anchor, anchor_stack);
}

static void resolve_link(struct resolver *r)
{
	const char *url = cmark_node_get_url(r->node);
	if (!url)
		return;
	struct xref x;
	xref_parse(url, &x);
	resolve_parsed(r, url, &x, NULL);
}

static void check_image(struct resolver *r)
{
	const char *url = cmark_node_get_url(r->node);
	struct xref x;
	xref_parse(url ? url : "", &x);
	if (!url || !*url)
		return;
	if (x.scheme == XREF_UNSAFE) {
		if (r->d)
			diag_warning(r->d, r->doc->path, markdown_line(r->doc, r->node),
				     markdown_col(r->node), _("unsafe image source removed"));
		cmark_node_set_url(r->node, "");
		return;
	}
	if (strstr(url, "://") || url[0] == '/') {
		report(r, _("image '%s' must be a file under content/media/%s"), url, "", NULL);
		return;
	}
	/* Relative to the document: content/<kind>/../media/x.png → media/x.png. */
	char *dir = xstrdup(r->doc->fs_path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	char *joined = path_join(dir, url);
	char *real = realpath(joined, NULL);
	size_t cl = strlen(r->s->content_real);
	char *media = path_join(r->s->content_real, "media/");
	if (!real) {
		report(r, _("missing image '%s'%s"), url, "", NULL);
	} else if (strncmp(real, media, strlen(media)) != 0) {
		report(r, _("image '%s' must be a file under content/media/%s"), url, "", NULL);
	} else {
		/* Before the URL is rewritten: url is the node's own string. */
		struct image_info info;
		if (r->d && image_probe_file(real, &info) < 0)
			diag_warning(r->d, r->doc->path, markdown_line(r->doc, r->node),
				     markdown_col(r->node),
				     _("image '%s' is neither a PNG nor a JPEG file: the web pages may show it, the booklets print its description instead"),
				     url);
		else if (r->d && info.unprintable)
			diag_warning(r->d, r->doc->path, markdown_line(r->doc, r->node),
				     markdown_col(r->node),
				     _("image '%s' cannot be printed in the booklets: %s; they print its description instead"),
				     url, _(info.unprintable));
		char *internal = xasprintf(XREF_INTERNAL "%s", real + cl + 1);
		cmark_node_set_url(r->node, internal);
		free(internal);
	}
	free(media);
	free(real);
	free(joined);
	free(dir);
}

/*
 * Every node in document order (as cmark_iter's ENTER events), walked by
 * hand: the iterator's two events per container and its calls were most
 * of the walk's cost (10 % of xref at 10 000 fiches). A link's text
 * appended by link_doc is a leaf below it, visited as the iterator did.
 */
static void resolve_tree(struct resolver *r, cmark_node *root)
{
	for (cmark_node *node = root; node;) {
		r->node = node;
		cmark_node_type t = cmark_node_get_type(node);
		if (t == CMARK_NODE_LINK)
			resolve_link(r);
		else if (t == CMARK_NODE_IMAGE)
			check_image(r);
		cmark_node *child = cmark_node_first_child(node);
		if (child) {
			node = child;
			continue;
		}
		cmark_node *next = NULL;
		while (node != root && !(next = cmark_node_next(node)))
			node = cmark_node_parent(node);
		node = node == root ? NULL : next;
	}
}

/*
 * The values of a document's links' slots are fetched this many links
 * before each is resolved (step two of site_probe_doc), their slots when
 * the document's links are parsed, all before the first is resolved.
 */
#define VALUE_AHEAD 4

/* A link parsed ahead: its URL (NULL: none) and, when probed, its target's probe. */
struct ahead {
	const char *url;
	struct xref x;
	struct site_probe probe;
	int probed;
	size_t md_at, md_len;   /* a probed .md link's key in the document's keys */
};

/* Step one of site_probe_*: a's target's slot fetched, when it is looked up in a table. */
static void probe_target(const struct site *s, const struct doc *doc, struct ahead *a,
			 struct buf *md_keys)
{
	switch (a->x.scheme) {
	case XREF_MARKDOWN:
		a->md_at = md_keys->len;
		a->probed = md_paths_probe(s->md_paths, doc, a->x.key, a->x.key_len, &a->probe,
					   md_keys);
		a->md_len = md_keys->len - a->md_at - (a->probed ? 1 : 0);
		return;
	case XREF_CONTACT:
	case XREF_GLOSSARY:
	case XREF_BIBLIO:
		a->probed = site_probe_entry(s, TARGET_CONTACT + (a->x.scheme - XREF_CONTACT),
					     a->x.key, a->x.key_len, &a->probe);
		return;
	default: {
		enum doc_kind kind = scheme_doc_kind(a->x.scheme);
		if (kind != DOC_KINDS)
			a->probed = site_probe_doc(s, kind, a->x.key, a->x.key_len, &a->probe);
		return;
	}
	}
}

/* Step two for the i-th of n links, when there is one. */
static void probe_value(const struct ahead *v, size_t i, size_t n)
{
	if (i < n && v[i].probed)
		site_probe_value(&v[i].probe);
}

/* Links parsed ahead on the stack up to this many (a fiche has about twenty). */
#define AHEAD_STACK 64

void xref_check_body(struct site *s, struct doc *doc, const struct lint_nodes *nodes,
		     struct diag *d)
{
	lint_body_nodes(s, doc, nodes, d);
	struct resolver r = {s, d, doc, NULL, 1, NULL, {NULL}, 0};
	/*
	 * Every link is parsed first and its target's slot fetched, so that
	 * the tables' cache misses overlap instead of following each other
	 * link by link (site_probe_doc); then each is resolved in document
	 * order, as before, the images checked in between. A link's
	 * resolution rewrites its own URL only: the others' parses stay valid.
	 */
	size_t nlinks = nodes->nlinks;
	struct ahead stack[AHEAD_STACK];
	struct ahead *links = nlinks <= AHEAD_STACK ? stack : xmalloc(nlinks * sizeof *links);
	size_t n = 0;
	struct buf md_keys = BUF_INIT; /* the probed .md links' keys, NUL-terminated */
	for (size_t i = 0; i < nodes->n; i++) {
		if (nodes->v[i].type != CMARK_NODE_LINK)
			continue;
		struct ahead *a = &links[n++];
		a->url = cmark_node_get_url(nodes->v[i].node);
		a->probed = 0;
		a->md_at = a->md_len = 0;
		if (a->url) {
			xref_parse(a->url, &a->x);
			probe_target(s, doc, a, &md_keys);
		}
	}
	for (size_t j = 0; j < VALUE_AHEAD; j++)
		probe_value(links, j, n);
	for (size_t i = 0, j = 0; i < nodes->n; i++) {
		r.node = nodes->v[i].node;
		if (nodes->v[i].type == CMARK_NODE_LINK) {
			probe_value(links, j + VALUE_AHEAD, n);
			const struct ahead *a = &links[j++];
			struct probed pr = {&a->probe, NULL, a->md_len};
			if (a->probed && a->x.scheme == XREF_MARKDOWN)
				pr.md_key = md_keys.data + a->md_at;
			if (a->url)
				resolve_parsed(&r, a->url, &a->x, a->probed ? &pr : NULL);
		} else if (nodes->v[i].type == CMARK_NODE_IMAGE) {
			check_image(&r);
		}
	}
	if (links != stack)
		free(links);
	buf_free(&md_keys);
	lint_lines_free(r.lines);
}

void xref_resolve_quiet(const struct site *s, const struct doc *doc, cmark_node *root)
{
	/* Quiet mode records nothing on the site or the document: the casts write nothing. */
	struct resolver r = {(struct site *)s, NULL, (struct doc *)doc, NULL, 0, NULL, {NULL}, 0};
	resolve_tree(&r, root);
}

void xref_check_anchors(const struct site *s, struct diag *d)
{
	int what_to_do = -1; /* whether the « Que faire si… » page exists, asked once */
	for (size_t k = 0; k < site_nkinds(s); k++) {
		for (size_t i = 0; i < s->ndocs[k]; i++) {
			const struct doc *doc = s->docs[k][i];
			for (size_t c = 0; c < doc->nanchor_checks; c++) {
				const struct anchor_check *a = &doc->anchor_checks[c];
				if (!a->target) {
					if (what_to_do < 0)
						what_to_do = site_pages_has(s, PAGES_WHAT_TO_DO_PATH);
					if (!what_to_do)
						lint_report_missing_page(doc, a->line, a->col, a->anchor, d);
					continue;
				}
				if (doc_find_anchor(a->target, a->anchor))
					continue;
				error_at(d, doc->path, a->line, a->col, _("no section '#%s' in %s"),
					 a->anchor, a->target->path, suggest_anchor(a->target, a->anchor));
			}
		}
	}
}

/* Which of parts a backlink's target falls in: any split works, each target has one. */
static size_t target_part(const void *target, size_t parts)
{
	uintptr_t x = (uintptr_t)target;
	return (size_t)((x >> 4) ^ (x >> 12)) % parts;
}

struct finish_job {
	struct site *s;
	struct diag *d;
	size_t parts;
};

/*
 * Item 0 checks the anchors (it only reads and reports); item p >= 1
 * adds the backlinks whose target falls in part p - 1. Each target's
 * cited_by is written by one item, going through the documents in
 * order, so its list is the same as in one thread.
 */
static void finish_item(void *ctx, size_t item)
{
	struct finish_job *j = ctx;
	struct site *s = j->s;
	if (item == 0) {
		xref_check_anchors(s, j->d);
		return;
	}
	size_t part = item - 1;
	for (size_t k = 0; k < site_nkinds(s); k++) {
		for (size_t i = 0; i < s->ndocs[k]; i++) {
			struct doc *doc = s->docs[k][i];
			/* Backlinks in document order, as the documents are listed. */
			for (size_t t = 0; t < doc->links_to.n; t++)
				if (target_part(doc->links_to.v[t], j->parts) == part)
					ptrs_add_unless_last(&((struct doc *)doc->links_to.v[t])->cited_by,
							     doc);
			for (size_t t = 0; t < doc->entries_cited.n; t++)
				if (target_part(doc->entries_cited.v[t], j->parts) == part)
					ptrs_add_unless_last(
						&((struct entry *)doc->entries_cited.v[t])->cited_by, doc);
		}
	}
}

/*
 * On every core: at the end of the bodies' phase it ran on the main
 * thread with the other core idle (15 M instructions at 10 000 fiches).
 */
void xref_finish(struct site *s, struct diag *d)
{
	int cores = pool_cores();
	struct finish_job j = {s, d, cores > 1 ? (size_t)cores : 1};
	pool_for(0, 1 + j.parts, finish_item, &j);
}
