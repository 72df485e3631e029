/*
 * A document in a booklet: its coloured band (kicker, title, QR code), its
 * summary and details, its body (layout_block.c), its notes, the contacts
 * its text does not already give, and its web address.
 */
#include "layout_internal.h"
#include "layout_words.h"
#include "bodies.h"
#include "hyph.h"
#include "markdown.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QR_SIZE 64.0

/* A small paragraph from plain text (data files), typographed and hyphenated. */
struct blk *lay_para(struct lay *L, struct flow *f, const char *text, double size, int bold,
		     int italic, double indent, int justify)
{
	struct tb t;
	tb_init(&t, 1);
	tb_put_text(L, &t, text, strlen(text));
	struct where w = {indent, 0, 0, 0, NULL};
	struct blk *b = lay_text_blk(L, f, &t, &w, size, bold, italic, justify);
	tb_free(&t);
	b->after = GAP(para);
	return b;
}

void lay_band(struct lay *L, struct flow *f, const struct doc *doc, const char *kicker,
	      const char *title, const char *dest, int small)
{
	struct blk *b = lay_new_blk(f, BLK_BAND);
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
		lay_colour(doc->logic ? doc->logic->colour : NULL, b->rgb,
			   (const double[3]){0.2, 0.3, 0.4});
	else if (doc && doc->kind == DOC_THEME)
		lay_colour(NULL, b->rgb, (const double[3]){0.27, 0.24, 0.42});
	else
		lay_colour(NULL, b->rgb, (const double[3]){0.2, 0.25, 0.3});
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
		buf_printf(&m, WORDS_CARRIER, doc->carrier->label);
	if (doc->since)
		buf_printf(&m, "%s" WORDS_SINCE, m.len ? WORDS_DETAILS_SEP : "", doc->since);
	if (doc->publics.n) {
		buf_puts(&m, m.len ? WORDS_DETAILS_SEP WORDS_PUBLICS : WORDS_PUBLICS);
		join_taxa(&m, &doc->publics);
	}
	if (doc->territories.n) {
		buf_puts(&m, m.len ? WORDS_DETAILS_SEP WORDS_TERRITORIES : WORDS_TERRITORIES);
		join_taxa(&m, &doc->territories);
	}
	const struct kind_field *status = kind_field(doc->desc, "status");
	if (doc->status && status && strcmp(doc->status, status->values[0].id) != 0)
		buf_printf(&m, WORDS_DETAILS_SEP "%s", kind_enum_label(status, doc->status));
	if (m.len) {
		struct blk *b = lay_para(L, f, m.data, SIZE(meta), 0, 0, 0, 0);
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
			tb_put_raw(&t, " ");
		lay_inlines(L, &t, p);
	}
	struct where w = {0, 0, 0, 0, NULL};
	struct blk *b = lay_text_blk(L, f, &t, &w, SIZE(summary), 0, 1, 1);
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
			tb_put_raw(&t, WORDS_NOTES);
			struct blk *h = lay_text_blk(L, f, &t, &w, L->o.body_size, 1, 0, 0);
			h->tag = lay_heading_tag(L, 2);
			h->keep_next = 1;
			h->before = GAP(h_before[2]);
			h->after = GAP(h_after);
			tb_free(&t);
			heading = 1;
		}
		tb_init(&t, 1);
		char num[32];
		snprintf(num, sizeof num, "%d.\u00a0", i);
		tb_put_raw(&t, num);
		for (cmark_node *p = cmark_node_first_child(def); p; p = cmark_node_next(p)) {
			if (p != cmark_node_first_child(def))
				tb_put_raw(&t, " ");
			lay_inlines(L, &t, p);
		}
		struct blk *b = lay_text_blk(L, f, &t, &w, SIZE(note), 0, 0, 1);
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
		const char *v = lay_data_str(e->data, keys[k]);
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
	tb_put_raw(&t, WORDS_HOW_TO_CONTACT);
	struct blk *h = lay_text_blk(L, f, &t, &w, SIZE(h2), 1, 0, 0);
	h->tag = lay_heading_tag(L, 2);
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
		lay_contact_entry(L, f, seen.v[i], 0);
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
		buf_puts(out, doc->part ? doc->part : (L->s->title ? L->s->title : WORDS_GUIDE));
		break;
	case LIST_PLAIN:
		buf_puts(out, L->s->title ? L->s->title : "");
		break;
	}
}

void lay_document(struct lay *L, struct flow *f, const struct doc *doc)
{
	struct buf kicker = BUF_INIT;
	kicker_of(L, doc, &kicker);
	char *dest = lay_doc_dest(doc, NULL);
	lay_band(L, f, doc, kicker.data ? kicker.data : "", doc->title, dest, L->b->summaries);
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
	lay_blocks(L, f, root, &w);
	footnotes(L, f, root, first);
	cmark_node_free(root);
	doc_contacts(L, f, doc);
	if (L->o.base_url && doc->desc->list == LIST_NUMBERED) {
		char *web = xasprintf("%s%s", L->o.base_url, doc->out_path);
		struct tb t;
		tb_init(&t, 0);
		tb_put_raw(&t, WORDS_ONLINE);
		size_t s = t.text.len;
		hyph_address(web, strlen(web), &t.text);
		tb_add_link(&t, s, web, NULL);
		struct blk *b = lay_text_blk(L, f, &t, &w, SIZE(meta), 0, 1, 0);
		b->before = GAP(h_before[1]);
		tb_free(&t);
		free(web);
	}
	L->nnotes = 0;
	L->doc = NULL;
}
