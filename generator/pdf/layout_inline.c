/*
 * Markdown inlines → the text builder: emphasis, code, footnote calls,
 * links. A cross-reference to a document of the same booklet gets the
 * page it starts on, asked from page_of (the page loop lays the booklet
 * out again until those numbers stop changing); one to a document outside
 * prints the web address when the site has one.
 */
#include "layout_internal.h"
#include "layout_words.h"
#include "hyph.h"
#include "markdown.h"
#include "utf8.h"
#include "xalloc.h"
#include "xref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	const char *const words[] = {target->desc->label_lower, WORDS_FICHE_NAMES};
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
		lay_inlines(L, t, node);
		return;
	}
	tb_flush_pending(t);
	t->in_link = 1;
	lay_inlines(L, t, node);
	t->in_link = 0;
	tb_flush_pending(t);
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
		tb_add_link(t, start, url, NULL);
		int is_http = strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
		/* On paper the address must be readable when the text is not it. */
		if (is_http && !shows_url(text, url))
			tb_set_pending(t, xasprintf(" (\x01%s\x02)", url), url, NULL);
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
		tb_add_link(t, start, NULL, dest);
		char *ref;
		if (names_fiche(text, target))
			ref = xasprintf(WORDS_PAGE, page);
		else if (target->desc->list == LIST_NUMBERED)
			ref = xasprintf(WORDS_SEE_NUMBERED, target->desc->label_lower,
					target->number, page);
		else
			ref = xasprintf(WORDS_SEE_PAGE, page);
		tb_set_pending(t, ref, NULL, dest);
		free(dest);
	} else if (target && L->o.base_url) {
		char *web = xasprintf("%s%s%s%s", L->o.base_url, target->out_path,
				      anchor ? "#" : "", anchor ? anchor : "");
		tb_add_link(t, start, web, NULL);
		tb_set_pending(t, xasprintf(" (\x01%s\x02)", web), web, NULL);
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
			tb_add_link(t, start, NULL, dest);
		} else if (L->o.base_url) {
			char *web = xasprintf("%s%s", L->o.base_url, path);
			tb_add_link(t, start, web, NULL);
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
		tb_flush_pending(t);
	size_t start = t->text.len;
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_TEXT: {
		const char *lit = cmark_node_get_literal(node);
		size_t n = strlen(lit), q = t->pending ? closing_quotes(lit) : 0;
		if (q)
			tb_put_text(L, t, lit, q);
		tb_flush_pending(t);
		tb_put_text(L, t, lit + q, n - q);
		return;
	}
	case CMARK_NODE_SOFTBREAK:
		tb_put_raw(t, " ");
		return;
	case CMARK_NODE_LINEBREAK:
		tb_put_raw(t, "\n");
		return;
	case CMARK_NODE_CODE:
		buf_puts(&t->text, cmark_node_get_literal(node));
		tb_attr(t, pango_attr_family_new("DejaVu Sans Mono"), start);
		tb_attr(t, pango_attr_scale_new(0.88), start);
		t->typo.prev = 'x';
		return;
	case CMARK_NODE_EMPH:
		lay_inlines(L, t, node);
		tb_attr(t, pango_attr_style_new(t->italic_base ? PANGO_STYLE_NORMAL : PANGO_STYLE_ITALIC),
		     start);
		return;
	case CMARK_NODE_STRONG:
		lay_inlines(L, t, node);
		tb_attr(t, pango_attr_weight_new(PANGO_WEIGHT_BOLD), start);
		return;
	case CMARK_NODE_LINK:
		link_node(L, t, node);
		return;
	case CMARK_NODE_IMAGE: {
		char *alt = markdown_plain_text(node);
		tb_put_text(L, t, alt, strlen(alt));
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
		tb_attr(t, pango_attr_rise_new(4 * PANGO_SCALE), start);
		tb_attr(t, pango_attr_scale_new(0.7), start);
		return;
	}
	case CMARK_NODE_HTML_INLINE:
		return;
	default:
		break;
	}
	if (strcmp(cmark_node_get_type_string(node), "strikethrough") == 0) {
		lay_inlines(L, t, node);
		tb_attr(t, pango_attr_strikethrough_new(TRUE), start);
		return;
	}
	lay_inlines(L, t, node);
}

void lay_inlines(struct lay *L, struct tb *t, cmark_node *node)
{
	for (cmark_node *c = cmark_node_first_child(node); c; c = cmark_node_next(c))
		inline_node(L, t, c);
}
