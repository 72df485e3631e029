/*
 * The print/NAME.html page of a booklet; see printhtml.h.
 *
 * The documents are rendered by the web renderer (html.c) as seen from
 * print/NAME.html, so links and images resolve relative to that page;
 * each document gets the id its PDF destination has. Its own words are
 * the booklets' (layout_words.h).
 */
#include "printhtml.h"
#include "html.h"
#include "layout.h"
#include "layout_words.h"
#include "path.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static const char *str(const json_t *data, const char *key)
{
	const json_t *v = json_object_get(data, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void put_doc(const struct site *s, const struct book *b, const struct doc *doc,
		    const char *page, struct buf *out)
{
	char *id = lay_doc_dest(doc, NULL);
	buf_printf(out, "<article class=\"fiche-imprimee\" id=\"%s\">\n<header>", id);
	if (doc->desc->list == LIST_NUMBERED)
		buf_printf(out, "<p class=\"surtitre\">%s %d</p>", doc->desc->label, doc->number);
	buf_puts(out, "<h1>");
	html_typo(doc->title, out);
	buf_puts(out, "</h1>");
	if (doc->summary) {
		buf_puts(out, "<p class=\"resume\">");
		html_render_markdown(s, doc->summary, page, 1, out);
		buf_puts(out, "</p>");
	}
	buf_puts(out, "</header>\n");
	if (!b->summaries)
		html_render_doc(s, doc, page, out);
	buf_puts(out, "</article>\n");
	free(id);
}

static void put_glossary(const struct site *s, const struct book *b, struct buf *out)
{
	buf_puts(out, "<section id=\"annexe-sigles\"><h1>" WORDS_GLOSSARY "</h1>\n<dl>\n");
	for (size_t i = 0; i < s->nglossary; i++) {
		const struct entry *e = &s->glossary[i];
		int used = 0, any = 0;
		for (size_t p = 0; p < b->nparts; p++) {
			if (!b->parts[p].doc)
				continue;
			any = 1;
			used |= ptrs_contains(&b->parts[p].doc->glossary_used, e);
		}
		if (any && !used)
			continue;
		const char *exp = str(e->data, "expansion"), *def = str(e->data, "definition");
		buf_printf(out, "<dt id=\"sigle-%s\">", e->anchor);
		buf_put_html(out, e->label, strlen(e->label));
		buf_puts(out, "</dt><dd>");
		if (exp)
			html_typo(exp, out);
		if (def) {
			buf_puts(out, "<br>");
			html_typo(def, out);
		}
		buf_puts(out, "</dd>\n");
	}
	buf_puts(out, "</dl></section>\n");
}

static void put_contacts(const struct site *s, struct buf *out)
{
	buf_puts(out, "<section id=\"annexe-contacts\"><h1>" WORDS_CONTACTS "</h1>\n");
	for (size_t i = 0; i < s->ncontacts; i++) {
		const struct entry *e = &s->contacts[i];
		const char *mail = str(e->data, "email"), *phone = str(e->data, "phone");
		buf_printf(out, "<p id=\"contact-%s\"><strong>", e->id);
		html_typo(e->label, out);
		buf_puts(out, "</strong>");
		if (mail) {
			buf_puts(out, "<br><a href=\"mailto:");
			buf_put_html(out, mail, strlen(mail));
			buf_puts(out, "\">");
			buf_put_html(out, mail, strlen(mail));
			buf_puts(out, "</a>");
		}
		if (phone) {
			buf_puts(out, "<br>");
			buf_put_html(out, phone, strlen(phone));
		}
		buf_puts(out, "</p>\n");
	}
	buf_puts(out, "</section>\n");
}

static void put_biblio(const struct site *s, struct buf *out)
{
	buf_puts(out, "<section id=\"annexe-bibliographie\"><h1>" WORDS_BIBLIOGRAPHY "</h1>\n<ul>\n");
	for (size_t i = 0; i < s->nbiblio; i++) {
		const struct entry *e = &s->biblio[i];
		buf_printf(out, "<li id=\"biblio-%s\"><cite>", e->anchor);
		html_typo(e->label, out);
		buf_puts(out, "</cite></li>\n");
	}
	buf_puts(out, "</ul></section>\n");
}

void print_html(const struct site *s, const struct book *b, struct buf *out)
{
	char *page = xasprintf("print/%s.html", b->name);
	char *css = path_relative(page, "assets/style.css");
	buf_puts(out, "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	html_typo(b->title, out);
	buf_puts(out, "</title>\n<link rel=\"stylesheet\" href=\"");
	buf_put_html(out, css, strlen(css));
	buf_printf(out, "\">\n<style>@page { size: %s; margin: 15mm; } "
		   "article, section { break-before: page; }</style>\n</head>\n"
		   "<body class=\"impression\">\n<main>\n<header class=\"couverture\"><h1>",
		   b->a5 ? "A5" : "A4");
	html_typo(b->title, out);
	buf_puts(out, "</h1>");
	if (b->subtitle) {
		buf_puts(out, "<p>");
		html_typo(b->subtitle, out);
		buf_puts(out, "</p>");
	}
	buf_puts(out, "</header>\n<nav aria-label=\"" WORDS_CONTENTS "\"><h2>" WORDS_CONTENTS "</h2><ol>\n");
	for (size_t i = 0; i < b->nparts; i++) {
		const struct doc *doc = b->parts[i].doc;
		if (!doc)
			continue;
		char *id = lay_doc_dest(doc, NULL);
		buf_printf(out, "<li><a href=\"#%s\">", id);
		html_typo(doc->title, out);
		buf_puts(out, "</a></li>\n");
		free(id);
	}
	buf_puts(out, "</ol></nav>\n");
	for (size_t i = 0; i < b->nparts; i++) {
		switch (b->parts[i].kind) {
		case PART_DOC:
			put_doc(s, b, b->parts[i].doc, page, out);
			break;
		case PART_GLOSSARY:
			put_glossary(s, b, out);
			break;
		case PART_CONTACTS:
			put_contacts(s, out);
			break;
		case PART_BIBLIO:
			put_biblio(s, out);
			break;
		}
	}
	buf_puts(out, "</main>\n</body>\n</html>\n");
	free(css);
	free(page);
}
