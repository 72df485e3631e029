/*
 * Template contexts. Field names are the templates' vocabulary; every
 * *_html field is already escaped HTML, every other string is plain text
 * the template escapes.
 *
 * A page's context is built in its own arena (mvalue.h), freed when the
 * page is rendered: model strings are borrowed, strings made for the page
 * are copied or adopted into the arena. The references to documents and
 * taxa that lists show (thousands on a list page, the same on every page
 * that lists them) and the contacts' cards are not built at all: they are
 * views that read the document, taxon or contact when the template asks
 * for one of their fields.
 */
#include "context.h"
#include "body_store.h"
#include "doc_cards.h"
#include "buf.h"
#include "html.h"
#include "kind.h"
#include "month.h"
#include "mustache.h"
#include "path.h"
#include "stage.h"
#include "typo.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct cx {
	const struct site *s;
	const char *page;   /* output path of the page */
	size_t page_dirs;   /* its '/': how deep it is (relative's "../" count) */
	const struct context_options *o;
	/*
	 * base_url when links must be absolute: the 404 page is served at
	 * whatever depth the missing URL had, where relative links break.
	 */
	const char *absolute;
	const struct page_plan *plan; /* every page of the site */
	const struct doc_cards *cards; /* the documents' cards made for the pass, or NULL */
	const struct menu_entry *menu; /* the pass's menu entries (struct context_pass), or NULL */
	struct arena *a;    /* the page's: every value built for it */
	size_t page_dir;    /* bytes of page up to its last '/' included (0 at the root) */
	/*
	 * The page's scratch buffer: typo_html typesets into it, then copies
	 * the result into the arena (a buffer of its own for each label, grown,
	 * adopted and freed, cost more than the copy).
	 */
	struct buf *scratch;
	/*
	 * The last values a view made at some cost, by subject and name: a
	 * template tests a field, then writes it ({{#role_html}}, {{{role_html}}}),
	 * and each lookup would make it again. A ring: the lookups of one card
	 * come together.
	 */
	struct memo {
		const void *subject;
		unsigned name;      /* its atom */
		struct mval v;
	} memo[8];
	unsigned memo_next;
	/*
	 * The kind last asked for its name or label (doc_get's kind, kind_label),
	 * with their lengths: every card of a list asks, all of one kind or two.
	 */
	const struct kind *names_kind;
	struct mval kind_name, kind_label;
	/* The document whose card was last asked for, and its card (card_of). */
	const struct doc *card_doc;
	const struct doc_card *card;
};

/*
 * An item of the main menu as a page shows it, current or not: made once
 * for a pass of the pages (struct context_pass), so that the items of the
 * menus of a directory's pages are the same subjects, and their bytes are
 * kept (mustache_render_cached) and written again.
 */
struct menu_entry {
	const struct menu_item *m;
	int current;
};

struct context_pass {
	struct doc_cards *cards;        /* owned */
	struct menu_entry *menu;        /* owned; 2 per item of s->menu: not current, current */
};

struct page_context {
	struct arena arena;
	struct buf scratch;
	struct cx cx;       /* the views' user pointer while rendering */
	struct mval root;
};

/* s, which the caller malloc'd, owned by the page's arena from now on. */
static struct mval own(const struct cx *c, char *s)
{
	return s ? mv_str(arena_adopt(c->a, s)) : mv_null();
}

/* A copy of s in the page's arena (null for NULL). */
static struct mval copy(const struct cx *c, const char *s)
{
	return s ? mv_str(arena_strdup(c->a, s)) : mv_null();
}

static struct mval own_buf(const struct cx *c, struct buf *b)
{
	size_t len = b->len;
	buf_grow(b, 0); /* NUL-terminated even when empty */
	return mv_strn(arena_adopt(c->a, buf_detach(b)), len);
}

static struct mobj *obj(const struct cx *c)
{
	return mobj_new(c->a, mv_null());
}

/*
 * An object of the few fields (fewer than MOBJ_SLOTS) every fiche's page
 * sets, made with room for just them: an object made empty takes room for
 * eight at its first field, zeroed (a fiche's TOC entries and crumb, some
 * 64 000 objects at 10 000 fiches).
 */
static struct mobj *small_obj(const struct cx *c, size_t fields)
{
	return mobj_new_sized(c->a, mv_null(), fields);
}

/* Sets the field named by atom (matom.h): the names of the views' vocabulary. */
static void set(const struct cx *c, struct mobj *o, unsigned atom, struct mval v)
{
	mobj_put(c->a, o, atom, v);
}

/*
 * Sets key to the string s, borrowed from the model, or leaves it unset
 * when s is NULL (what the jansson contexts did: no key, and the lookup goes
 * on in the enclosing contexts).
 */
static void set_str(const struct cx *c, struct mobj *o, unsigned atom, const char *s)
{
	if (s)
		mobj_put(c->a, o, atom, mv_str(s));
}

/*
 * path_relative(c->page, target), written straight into the page's arena:
 * pages make thousands of links, and the malloc'd copy, its growth and its
 * adoption cost more than the path itself. When target lives as long as the
 * page (lasting: a model's path, a literal) and no "../" is needed (a page
 * of the root, a link to the page's own directory), the link is the end of
 * target itself, not a copy.
 */
static struct mval relative(const struct cx *c, const char *target, size_t ntarget, int lasting)
{
	const char *from = c->page;
	/*
	 * Skip the directories both paths share; the page's other directories
	 * are each a "../" (its depth is counted once, in context_for_page).
	 * A page of the root shares none; a target in the page's own directory
	 * (most links of a list) shares them all.
	 */
	size_t common = 0, shared = 0;
	if (c->page_dir && ntarget >= c->page_dir && memcmp(target, from, c->page_dir) == 0) {
		common = c->page_dir;
		shared = c->page_dirs;
	} else if (c->page_dir) {
		for (size_t i = 0; from[i] && from[i] == target[i]; i++)
			if (from[i] == '/') {
				common = i + 1;
				shared++;
			}
	}
	size_t ups = c->page_dirs - shared;
	const char *tail = target + common;
	size_t ntail = ntarget - common, n = 3 * ups + ntail;
	if (n == 0)
		return mv_strn("./", 2);
	if (ups == 0 && lasting)
		return mv_strn(tail, ntail);
	char *s = arena_alloc(c->a, n + 1), *w = s;
	for (size_t i = 0; i < ups; i++, w += 3)
		memcpy(w, "../", 3);
	memcpy(w, tail, ntail + 1);
	return mv_strn(s, n);
}

/* A link to target[0..ntarget), which is NUL-terminated there. */
static struct mval href_to_n(const struct cx *c, const char *target, size_t ntarget, int lasting)
{
	if (c->absolute) {
		/* "index.html" is the site's root URL itself. */
		const char *t = strcmp(target, "index.html") == 0 ? "" : target;
		return own(c, xasprintf("%s%s", c->absolute, t));
	}
	return relative(c, target, ntarget, lasting);
}

static struct mval href_to(const struct cx *c, const char *target, int lasting)
{
	return href_to_n(c, target, strlen(target), lasting);
}

/* A link to target, which the caller may free once the page is built. */
static struct mval href(const struct cx *c, const char *target)
{
	return href_to(c, target, 0);
}

/* A link to a path of the model (a document's, a taxon's, a contact's page). */
static struct mval href_model(const struct cx *c, const char *target)
{
	return href_to(c, target, 1);
}

static struct mval typo_html(const struct cx *c, const char *text)
{
	struct buf *b = c->scratch;
	buf_reset(b);
	if (text)
		html_typo_breakable(text, b);
	return mv_strn(arena_strndup(c->a, buf_cstr(b), b->len), b->len);
}

/* A label typeset by context_prepare, or typeset now. */
static struct mval label_html(const struct cx *c, const char *html, const char *text)
{
	return html ? mv_str(html) : typo_html(c, text);
}

static char *typeset(const char *text)
{
	struct buf b = BUF_INIT;
	html_typo_breakable(text ? text : "", &b);
	return buf_detach(&b);
}

static struct mval inline_md(const struct cx *c, const char *text)
{
	struct buf b = BUF_INIT;
	if (text)
		html_render_markdown(c->s, text, c->page, 1, &b);
	return own_buf(c, &b);
}

/* A found string, or not found at all for NULL (see set_str). */
static int found_str(struct mval *out, const char *s)
{
	*out = mv_str(s);
	return s != NULL;
}

/* A value a view made for subject's name before, on this page. */
static int memo_get(const struct cx *c, const void *subject, unsigned name, struct mval *out)
{
	for (size_t i = 0; i < sizeof c->memo / sizeof *c->memo; i++)
		if (c->memo[i].subject == subject && c->memo[i].name == name) {
			*out = c->memo[i].v;
			return 1;
		}
	return 0;
}

static void memo_put(struct cx *c, const void *subject, unsigned name, struct mval v)
{
	c->memo[c->memo_next] = (struct memo){subject, name, v};
	c->memo_next = (c->memo_next + 1) % (sizeof c->memo / sizeof *c->memo);
}

/*
 * A taxon's short reference, as a view: id, label, label_html, href, colour.
 * The views answer names of the atoms' list only (matom.h): any other name
 * comes as MATOM_NONE and is not theirs.
 */
static int taxon_get(const void *subject, unsigned atom, const char *name, size_t n, void *user,
		     struct mval *out)
{
	(void)name;
	(void)n;
	const struct taxon *t = subject;
	const struct cx *c = user;
	switch (atom) {
	case MA_id:
		return found_str(out, t->id);
	case MA_label:
		return found_str(out, t->label);
	case MA_label_html:
		*out = label_html(c, t->label_html, t->label);
		return 1;
	case MA_href:
		*out = href_model(c, t->out_path);
		return 1;
	case MA_colour:
		return found_str(out, t->colour);
	}
	return 0;
}

static const struct mview taxon_view = {taxon_get, 1};

static struct mval taxon_ref(const struct taxon *t)
{
	return mv_view(&taxon_view, t);
}

/* A taxon's reference with fields of its own added. */
static struct mobj *taxon_ext(const struct cx *c, const struct taxon *t)
{
	return mobj_new(c->a, taxon_ref(t));
}

/* The taxa of p (borrowed: the model's list). */
static struct mval taxa_list(const struct ptrs *p)
{
	return mv_views(&taxon_view, (const void *const *)p->v, p->n);
}

/* The ids of a list of taxa, separated by spaces, written into the page's arena. */
static struct mval id_words(const struct cx *c, const struct ptrs *taxa)
{
	size_t n;
	char *s = doc_cards_id_words(c->a, taxa, &n);
	return mv_strn(s, n);
}

/*
 * A short reference to a document, for lists, links, cards: a view.
 *
 * Every name a list item's template may test is found, null when the
 * document has no such value: Mustache looks a missing name up in the
 * enclosing contexts, so a chapter without "number" showed the number of
 * the fiche whose page listed it.
 */
/* c, its kind name and label those of desc (see struct cx). */
static const struct cx *kind_names(struct cx *c, const struct kind *desc)
{
	if (c->names_kind != desc) {
		c->names_kind = desc;
		c->kind_name = mv_str(desc->name);
		c->kind_label = mv_str(desc->label);
	}
	return c;
}

/*
 * d's card (doc_cards.h): the pass's, or, for a page rendered outside a
 * pass (or a document the pass's table lacks), one made in the page's
 * arena, so that every name of a document is answered by card_get alone.
 * The last one is kept, as a card's render asks some ten names of its
 * document in a row.
 */
static const struct doc_card *card_of(struct cx *c, const struct doc *d)
{
	if (c->card_doc != d) {
		const struct doc_card *k = doc_cards_of(c->cards, d);
		if (!k) {
			struct doc_card *made = arena_alloc(c->a, sizeof *made);
			doc_card_borrow(c->a, c->o ? c->o->bodies : NULL, d, made);
			k = made;
		}
		c->card_doc = d;
		c->card = k;
	}
	return c->card;
}

/* A document's names from its card, which holds them all: d is not read. */
static int card_get(struct cx *c, const struct doc_card *k, unsigned atom, struct mval *out)
{
	switch (atom) {
	case MA_kind:
		*out = kind_names(c, k->desc)->kind_name;
		return out->type == MVAL_STR;
	case MA_href:
		*out = k->out_path ? href_to_n(c, k->out_path, k->out_len, 1) :
		       href_model(c, k->doc->out_path);
		return 1;
	case MA_title:
		return found_str(out, k->title);
	case MA_logic:
		*out = k->logic ? taxon_ref(k->logic) : mv_null();
		return 1;
	case MA_number:
		*out = k->numbered ? mv_int(k->number) : mv_null();
		return 1;
	case MA_is_page:
		*out = mv_bool(k->kind == DOC_PAGE);
		return 1;
	case MA_is_theme:
		*out = mv_bool(k->kind == DOC_THEME);
		return 1;
	case MA_is_action:
		*out = mv_bool(k->kind == DOC_ACTION);
		return 1;
	case MA_kind_label:
		*out = kind_names(c, k->desc)->kind_label;
		return out->type == MVAL_STR;
	case MA_title_html:
		*out = k->title_html ? mv_strn(k->title_html, k->title_len) : typo_html(c, k->title);
		return 1;
	case MA_summary_html:
		if (k->summary_html) {
			*out = mv_strn(k->summary_html, k->summary_len);
			return 1;
		}
		*out = k->doc->summary ? inline_md(c, k->doc->summary) : mv_null();
		return 1;
	case MA_status_label:
		if (!k->status_shown) {
			*out = mv_null();
			return 1;
		}
		return found_str(out, k->status_label);
	case MA_filter_status:
		*out = k->status ? mv_strn(k->status, k->status_len) : mv_strn("", 0);
		return 1;
	case MA_filter_publics:
		*out = mv_strn(k->publics, k->publics_len);
		return 1;
	case MA_filter_territories:
		*out = mv_strn(k->territories, k->territories_len);
		return 1;
	}
	return 0;
}

static int doc_get(const void *subject, unsigned atom, const char *name, size_t n, void *user,
		   struct mval *out)
{
	(void)name;
	(void)n;
	struct cx *c = user;
	return card_get(c, card_of(c, subject), atom, out);
}

static const struct mview doc_view = {doc_get, 1};

static struct mval doc_ref(const struct doc *d)
{
	return mv_view(&doc_view, d);
}

/* A document's reference with fields of its own added. */
static struct mobj *doc_ext(const struct cx *c, const struct doc *d)
{
	return mobj_new(c->a, doc_ref(d));
}

/* The documents of p, borrowed: p must outlive the page (the model's lists). */
static struct mval doc_list(const struct ptrs *p)
{
	return mv_views(&doc_view, (const void *const *)p->v, p->n);
}

/* The documents of p, a list made for this page: copied into the arena. */
static struct mval doc_list_copy(const struct cx *c, const struct ptrs *p)
{
	const void **items = arena_alloc(c->a, (p->n ? p->n : 1) * sizeof *items);
	for (size_t i = 0; i < p->n; i++)
		items[i] = p->v[i];
	return mv_views(&doc_view, items, p->n);
}

/* A field of an entry's YAML data, a string or an integer as text, else NULL. Caller frees. */
static char *field_text(const struct entry *e, const char *key)
{
	const json_t *v = json_object_get(e->data, key);
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	return NULL;
}

/* The same, borrowed from the data or in the page's arena. */
static struct mval field(const struct cx *c, const struct entry *e, const char *key)
{
	const json_t *v = json_object_get(e->data, key);
	if (json_is_string(v))
		return mv_str(json_string_value(v));
	if (json_is_integer(v))
		return own(c, xasprintf("%lld", (long long)json_integer_value(v)));
	return mv_null();
}

/* The same, for a card: made by context_prepare when card_made, else now. */
static struct mval card_field(const struct cx *c, const struct entry *e, const char *made,
			      const char *key)
{
	return e->card_made ? mv_str(made) : field(c, e, key);
}

/*
 * A phone number as a tel: URI in international form (RFC 3966): « 04 95 04
 * 96 32 » → +33495049632, so that it dials from any phone and any country.
 * Short numbers (15, 119, 3114) and numbers already international stay as
 * typed, digits only. Null when there are no digits.
 */
static char *phone_uri_text(const char *phone)
{
	char digits[64];
	size_t n = 0;
	int plus = 0;
	for (const char *p = phone; *p && n + 1 < sizeof digits; p++) {
		if (*p == '+' && n == 0)
			plus = 1;
		else if (*p >= '0' && *p <= '9')
			digits[n++] = *p;
	}
	digits[n] = '\0';
	if (n == 0)
		return NULL;
	if (plus)
		return xasprintf("tel:+%s", digits);
	if (n > 2 && digits[0] == '0' && digits[1] == '0')
		return xasprintf("tel:+%s", digits + 2);
	if (n == 10 && digits[0] == '0')
		return xasprintf("tel:+33%s", digits + 1);
	return xasprintf("tel:%s", digits);
}

static struct mval phone_uri(const struct cx *c, const char *phone)
{
	return own(c, phone_uri_text(phone));
}

/* A map search for an address: a plain link, so nothing is asked before a tap. */
static char *map_url_text(const char *address)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "https://www.openstreetmap.org/search?query=");
	for (const unsigned char *p = (const unsigned char *)address; *p; p++) {
		if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_')
			buf_put(&b, (const char *)p, 1);
		else if (*p == ' ' || *p == '\n')
			buf_puts(&b, "+");
		else
			buf_printf(&b, "%%%02X", *p);
	}
	return buf_detach(&b);
}

static struct mval map_url(const struct cx *c, const char *address)
{
	return own(c, map_url_text(address));
}

/* The string value of key in an entry's data, or NULL. */
static const char *data_str(const struct entry *e, const char *key)
{
	return json_string_value(json_object_get(e->data, key));
}

/* A copy of what make gives for the string at key in e's data, or NULL without one. */
static char *card_text(const struct entry *e, const char *key, char *(*make)(const char *))
{
	const char *s = data_str(e, key);
	return s ? make(s) : NULL;
}

/*
 * The site's footer as every page shows it, or NULL when it depends on the
 * page. A page changes the footer's Markdown only through its links, made
 * relative to it: rendered for the home page and for a page two
 * directories down that no target shares, the same bytes mean it has none.
 */
static char *footer_once(const struct site *s)
{
	struct buf home = BUF_INIT, deep = BUF_INIT;
	html_render_markdown(s, s->footer, "index.html", 1, &home);
	html_render_markdown(s, s->footer, "\x01/\x01/page.html", 1, &deep);
	int same = home.len == deep.len && (home.len == 0 || memcmp(home.data, deep.data, home.len) == 0);
	buf_free(&deep);
	if (!same) {
		buf_free(&home);
		return NULL;
	}
	return buf_detach(&home);
}

void context_prepare(struct site *s)
{
	struct taxon *taxa[] = {s->logics, s->publics, s->territories};
	size_t ntaxa[] = {s->nlogics, s->npublics, s->nterritories};
	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < ntaxa[k]; i++)
			if (!taxa[k][i].label_html)
				taxa[k][i].label_html = typeset(taxa[k][i].label);
	for (size_t i = 0; i < s->ncontacts; i++) {
		struct entry *e = &s->contacts[i];
		if (!e->label_html)
			e->label_html = typeset(e->label);
		/* A card's texts that do not depend on the page (see contact_get). */
		if (!e->card_made) {
			e->role_html = card_text(e, "role", typeset);
			e->address_html = card_text(e, "address", typeset);
			e->address_map = card_text(e, "address", map_url_text);
			e->phone_uri = card_text(e, "phone", phone_uri_text);
			e->email = field_text(e, "email");
			e->phone = field_text(e, "phone");
			e->website = field_text(e, "website");
			const char *kind = data_str(e, "kind");
			e->is_person = kind && strcmp(kind, "person") == 0;
			e->card_made = 1;
		}
	}
	/* The site's title and subtitle, in the head of every page. */
	if (!s->title_html) {
		s->title_plain = typo_plain(s->title ? s->title : "", s->title ? strlen(s->title) : 0);
		s->title_html = typeset(s->title);
		s->subtitle_html = s->subtitle ? typeset(s->subtitle) : NULL;
	}
	html_prepare_glossary(s);
	if (s->footer && !s->footer_html)
		s->footer_html = footer_once(s);
}

/* A contact's organisation, inside its card: name_html and href only. */
static int organisation_get(const void *subject, unsigned atom, const char *name, size_t n,
			    void *user, struct mval *out)
{
	(void)name;
	(void)n;
	const struct entry *e = subject;
	const struct cx *c = user;
	switch (atom) {
	case MA_name_html:
		*out = label_html(c, e->label_html, e->label);
		return 1;
	case MA_href:
		*out = href_model(c, e->out_path);
		return 1;
	}
	return 0;
}

static const struct mview organisation_view = {organisation_get, 1};

static const struct mview contact_view;

/*
 * The value of field `name` of a card, made by make from the string at key
 * in the contact's data, null without one; made once per card and page
 * (see struct cx's memo).
 */
static int contact_made(struct cx *c, const struct entry *e, unsigned name, const char *key,
			struct mval (*make)(const struct cx *, const char *), struct mval *out)
{
	if (memo_get(c, e, name, out))
		return 1;
	const char *s = data_str(e, key);
	*out = s ? make(c, s) : mv_null();
	memo_put(c, e, name, *out);
	return 1;
}

/* A card's text made by context_prepare, else made now (see contact_made). */
static int contact_text(struct cx *c, const struct entry *e, const char *made, unsigned name,
			const char *key, struct mval (*make)(const struct cx *, const char *),
			struct mval *out)
{
	if (!e->card_made)
		return contact_made(c, e, name, key, make, out);
	*out = made ? mv_str(made) : mv_null();
	return 1;
}

/*
 * A contact's card, as a view. Every optional name is found, null when
 * absent: cards are listed inside {{#contacts.0}}, which puts the first
 * card on the context stack, and a person without a description showed
 * her organisation's.
 */
static int contact_get(const void *subject, unsigned atom, const char *name, size_t n, void *user,
		       struct mval *out)
{
	(void)name;
	(void)n;
	const struct entry *e = subject;
	struct cx *c = user;
	const char *s;
	switch (atom) {
	case MA_id:
		return found_str(out, e->id);
	case MA_name:
		return found_str(out, e->label);
	case MA_href:
		*out = href_model(c, e->out_path);
		return 1;
	/* True only on the contact's own page, where its name is the title. */
	case MA_self:
		*out = mv_bool(0);
		return 1;
	case MA_email:
		*out = card_field(c, e, e->email, "email");
		return 1;
	case MA_phone:
		*out = card_field(c, e, e->phone, "phone");
		return 1;
	case MA_website:
		*out = card_field(c, e, e->website, "website");
		return 1;
	case MA_members:
		*out = mv_views(&contact_view, NULL, 0);
		return 1;
	case MA_name_html:
		*out = label_html(c, e->label_html, e->label);
		return 1;
	case MA_is_person:
		if (e->card_made) {
			*out = mv_bool(e->is_person);
			return 1;
		}
		s = data_str(e, "kind");
		*out = mv_bool(s && strcmp(s, "person") == 0);
		return 1;
	case MA_role_html:
		return contact_text(c, e, e->role_html, MA_role_html, "role", typo_html, out);
	case MA_phone_uri:
		return contact_text(c, e, e->phone_uri, MA_phone_uri, "phone", phone_uri, out);
	case MA_note_html:
		return contact_made(c, e, MA_note_html, "note", inline_md, out);
	case MA_address_map:
		return contact_text(c, e, e->address_map, MA_address_map, "address", map_url, out);
	case MA_address_html:
		return contact_text(c, e, e->address_html, MA_address_html, "address", typo_html,
				    out);
	case MA_organisation:
		*out = e->organisation ? mv_view(&organisation_view, e->organisation) : mv_null();
		return 1;
	case MA_description_html:
		return contact_made(c, e, MA_description_html, "description", inline_md, out);
	}
	return 0;
}

static const struct mview contact_view = {contact_get, 1};

/* A contact's card with fields of its own added. */
static struct mobj *contact_ext(const struct cx *c, const struct entry *e)
{
	return mobj_new(c->a, mv_view(&contact_view, e));
}

/* The contacts of p, borrowed: p must outlive the page (the model's lists). */
static struct mval contact_list(const struct ptrs *p)
{
	return mv_views(&contact_view, (const void *const *)p->v, p->n);
}

/* The contacts of p, a list made for this page: copied into the arena. */
static struct mval contact_list_copy(const struct cx *c, const struct ptrs *p)
{
	const void **items = arena_alloc(c->a, (p->n ? p->n : 1) * sizeof *items);
	for (size_t i = 0; i < p->n; i++)
		items[i] = p->v[i];
	return mv_views(&contact_view, items, p->n);
}

/*
 * The site's title, subtitle and footer, as a view: the same on every page
 * (typeset by context_prepare, or now), so not built for each.
 */
static int site_get(const void *subject, unsigned atom, const char *name, size_t n, void *user,
		    struct mval *out)
{
	(void)name;
	(void)n;
	const struct site *s = subject;
	const struct cx *c = user;
	switch (atom) {
	case MA_title:
		return found_str(out, s->title);
	case MA_title_plain:
		*out = s->title_plain ? mv_str(s->title_plain) :
		       own(c, typo_plain(s->title ? s->title : "", s->title ? strlen(s->title) : 0));
		return 1;
	case MA_title_html:
		*out = s->title_html ? mv_str(s->title_html) : typo_html(c, s->title);
		return 1;
	case MA_subtitle_html:
		if (!s->subtitle)
			return 0;
		*out = s->subtitle_html ? mv_str(s->subtitle_html) : typo_html(c, s->subtitle);
		return 1;
	case MA_footer_html:
		if (!s->footer)
			return 0;
		*out = s->footer_html ? mv_str(s->footer_html) : inline_md(c, s->footer);
		return 1;
	}
	return 0;
}

/* Its footer's links, when it has any, depend on the directory only (html_render_markdown). */
static const struct mview site_view = {site_get, 1};

/* Whether the page is in m's section (its path starts with the section's). */
static int menu_current(const struct cx *c, const struct menu_item *m)
{
	return !m->external && *m->section &&
	       strncmp(c->page, m->section, strlen(m->section)) == 0;
}

/* An item of the main menu: label, href, current. */
static int menu_answer(const struct cx *c, const struct menu_item *m, int current, unsigned atom,
		       struct mval *out)
{
	switch (atom) {
	case MA_label:
		return found_str(out, m->label);
	case MA_href:
		if (m->external)
			return found_str(out, m->target);
		*out = href_model(c, m->target);
		return 1;
	case MA_current:
		*out = mv_bool(current);
		return 1;
	}
	return 0;
}

/*
 * An item of the main menu, as a view (struct menu_item): whether it is
 * current depends on the page, not on its directory alone, so not scoped.
 */
static int menu_get(const void *subject, unsigned atom, const char *name, size_t n, void *user,
		    struct mval *out)
{
	(void)name;
	(void)n;
	const struct cx *c = user;
	return menu_answer(c, subject, menu_current(c, subject), atom, out);
}

static const struct mview menu_view = {menu_get, 0};

/* An entry of the pass's menu (struct menu_entry): scoped, its link the only part a directory changes. */
static int menu_entry_get(const void *subject, unsigned atom, const char *name, size_t n,
			  void *user, struct mval *out)
{
	(void)name;
	(void)n;
	const struct menu_entry *e = subject;
	return menu_answer(user, e->m, e->current, atom, out);
}

static const struct mview menu_entry_view = {menu_entry_get, 1};

/*
 * What a page's object has besides its fields, made only when a template
 * asks: the subject is the page's title (in its arena), typeset as HTML
 * for page_title_html (the taxa's index shows it; other pages do not).
 */
static int page_get(const void *subject, unsigned atom, const char *name, size_t n, void *user,
		    struct mval *out)
{
	(void)name;
	(void)n;
	if (atom != MA_page_title_html)
		return 0;
	*out = typo_html(user, subject);
	return 1;
}

static const struct mview page_view = {page_get, 0};

/* Room for a page's fields: base's dozen and a page's own (a fiche's page sets 16). */
#define PAGE_FIELDS 24

/*
 * The site's root seen from the page: "../" for each of its directories,
 * "" at the root (path_relative(page, "index.html") without "index.html"),
 * the end of a literal for any usual depth.
 */
static struct mval root_prefix(const struct cx *c)
{
	static const char ups[] = "../../../../../../../../../../../../../../../../";
	size_t n = 3 * c->page_dirs;
	if (n < sizeof ups)
		return mv_strn(ups + sizeof ups - 1 - n, n);
	char *s = arena_alloc(c->a, n + 1);
	for (size_t i = 0; i < n; i += 3)
		memcpy(s + i, "../", 3);
	return mv_strn(s, n);
}

/*
 * The context every page shares: site, navigation, root-relative assets.
 * description_plain, when not NULL, is description already typeset as
 * plain text (a fiche's summary, kept by the body store).
 */
static struct mobj *base_typeset(const struct cx *c, const char *title, const char *description,
				 const char *description_plain)
{
	const struct site *s = c->s;
	struct mobj *v = mobj_new_sized(c->a, title ? mv_view(&page_view, arena_strdup(c->a, title)) :
					mv_null(), PAGE_FIELDS);
	set(c, v, MA_site, mv_view(&site_view, s));
	set_str(c, v, MA_lang, s->language);
	if (c->absolute)
		set_str(c, v, MA_root, c->absolute);
	else
		set(c, v, MA_root, root_prefix(c));
	/* Literals: links that need no "../" are their end, not a copy. */
	set(c, v, MA_home_href, href_model(c, "index.html"));
	set(c, v, MA_search_href, href_model(c, "recherche.html"));
	set(c, v, MA_what_to_do_href, c->plan->has_what_to_do ?
	    href_model(c, "que-faire.html") : mv_null());
	set(c, v, MA_is_home, mv_bool(strcmp(c->page, "index.html") == 0));
	if (s->ndocs[DOC_PAGE])
		set(c, v, MA_pages_href, href_model(c, "pages/index.html"));
	if (title) {
		/* Plain text for <title>, with the typography of the page (’, « »). */
		set(c, v, MA_page_title, own(c, typo_plain(title, strlen(title))));
	}
	const char *desc = description ? description : (s->subtitle ? s->subtitle : s->title);
	if (description && description_plain)
		set(c, v, MA_description, mv_str(description_plain));
	else if (desc)
		set(c, v, MA_description, own(c, typo_plain(desc, strlen(desc))));
	if (s->base_url && strcmp(c->page, "404.html") != 0)
		set(c, v, MA_canonical, own(c, xasprintf("%s%s", s->base_url,
				strcmp(c->page, "index.html") == 0 ? "" : c->page)));
	if (c->o && c->o->build_id)
		set_str(c, v, MA_build_id, c->o->build_id);
	const void **menu = arena_alloc(c->a, (s->nmenu ? s->nmenu : 1) * sizeof *menu);
	if (c->menu) {
		for (size_t i = 0; i < s->nmenu; i++)
			menu[i] = &c->menu[2 * i + (size_t)menu_current(c, &s->menu[i])];
		set(c, v, MA_nav, mv_views(&menu_entry_view, menu, s->nmenu));
	} else {
		for (size_t i = 0; i < s->nmenu; i++)
			menu[i] = &s->menu[i];
		set(c, v, MA_nav, mv_views(&menu_view, menu, s->nmenu));
	}
	return v;
}

static struct mobj *base(const struct cx *c, const char *title, const char *description)
{
	return base_typeset(c, title, description, NULL);
}

/* « 340 Ko », « 1,2 Mo »: a file's size as a French reader writes it. */
static struct mval french_size(const struct cx *c, size_t len)
{
	if (len < 1000 * 1024)
		return own(c, xasprintf("%zu\u00a0Ko", (len + 1023) / 1024));
	size_t tenths = (len * 10 + 512 * 1024) / (1024 * 1024);
	return own(c, xasprintf("%zu,%zu\u00a0Mo", tenths / 10, tenths % 10));
}

static void add_pdf(const struct cx *c, struct mobj *v, const char *pdf_path)
{
	if (!c->o || !c->o->with_pdf)
		return;
	set(c, v, MA_pdf_href, href(c, pdf_path));
	/* Its size, when the PDFs were typeset before the pages (fiches build). */
	struct stage_size key = {(char *)pdf_path, 0};
	const struct stage_size *found = c->o->pdf_sizes ?
		bsearch(&key, c->o->pdf_sizes, c->o->npdf_sizes, sizeof key, stage_size_compare) : NULL;
	set(c, v, MA_pdf_size, found ? french_size(c, found->len) : mv_null());
}

/*
 * The booklets of content/booklets/, in name order, each with its PDF and
 * size (only when PDFs are made): for the guide's list of booklets, and,
 * leaflets_only, for the home page's plaquette. A leaflet's second file
 * (imposed, or with crop and fold marks) is offered beside it.
 */
static struct mval booklet_list(const struct cx *c, int leaflets_only)
{
	struct mlist *list = mlist_new(c->a);
	if (!c->o || !c->o->with_pdf)
		return mv_list(list);
	for (size_t i = 0; i < c->s->nbooklets; i++) {
		const struct booklet *b = &c->s->booklets[i];
		const char *title = json_string_value(json_object_get(b->data, "title"));
		const char *format = json_string_value(json_object_get(b->data, "format"));
		int depliant = format && strcmp(format, "depliant") == 0;
		int plaquette = format && strcmp(format, "plaquette") == 0;
		int imposed = json_is_true(json_object_get(b->data, "impose"));
		if (!title || (leaflets_only && !depliant && !plaquette))
			continue;
		struct mobj *v = obj(c);
		set(c, v, MA_title_html, typo_html(c, title));
		char *pdf = xasprintf("pdf/%s.pdf", b->name);
		add_pdf(c, v, pdf);
		free(pdf);
		set(c, v, MA_format, mv_str(
			depliant ? "dépliant A4 plié en trois" : plaquette ? "plaquette A5, une feuille A4 pliée" :
			format && strcmp(format, "a5") == 0 ? "livret A5" : "A4"));
		if (depliant || plaquette || imposed) {
			struct mobj *second = obj(c);
			char *file = xasprintf("pdf/%s%s.pdf", b->name, depliant ? "-traits" : "-imposee");
			add_pdf(c, second, file);
			free(file);
			set(c, second, MA_label, mv_str(
				depliant ? "Version pour un imprimeur, avec traits de coupe et de pli" :
				"Version imposée sur A4, à imprimer recto verso et plier"));
			set(c, v, MA_print, mv_obj(second));
		} else {
			/* Found here, false: not looked up in the enclosing item. */
			set(c, v, MA_print, mv_null());
		}
		mlist_push(c->a, list, mv_obj(v));
	}
	return mv_list(list);
}

/*
 * A project's own kind: its fields by name for its template, enum values
 * as their labels, references to documents as references, and "refs"
 * (every document its front matter names).
 */
static void add_kind_fields(const struct cx *c, const struct doc *d, struct mobj *doc)
{
	struct mobj *fields = obj(c);
	for (const struct kind_field *f = d->desc->fields; f->name; f++) {
		const json_t *v = json_object_get(d->meta, f->name);
		if (!v || json_is_null(v))
			continue;
		if (f->type == FIELD_ENUM && json_is_string(v)) {
			const char *label = kind_enum_label(f, json_string_value(v));
			mobj_set(c->a, fields, f->name, mv_str(label ? label : ""));
		} else if (f->type == FIELD_DOC) {
			struct ptrs named = {0};
			int k = site_kind_by_name(c->s, f->ref, strlen(f->ref));
			for (size_t i = 0; k >= 0 && i < d->fm_docs.n; i++)
				if (((struct doc *)d->fm_docs.v[i])->kind == (enum doc_kind)k)
					ptrs_add(&named, d->fm_docs.v[i]);
			mobj_set(c->a, fields, f->name, doc_list_copy(c, &named));
			ptrs_free(&named);
		} else if (json_is_string(v)) {
			mobj_set(c->a, fields, f->name, mv_str(json_string_value(v)));
		} else if (json_is_integer(v)) {
			mobj_set(c->a, fields, f->name, mv_int((long long)json_integer_value(v)));
		}
	}
	set(c, doc, MA_fields, mv_obj(fields));
	set(c, doc, MA_refs, doc_list(&d->fm_docs));
}

static struct mobj *doc_page(const struct cx *c, const struct doc *d)
{
	char *title = doc_display_title(d);
	struct body_store *bodies = c->o ? c->o->bodies : NULL;
	/* The summary and the TOC's headings as the body store typeset them, when it did. */
	struct mobj *v = base_typeset(c, title, d->summary, body_store_summary_plain(bodies, d));
	free(title);
	/* Room for the fields below (some 20), numbered by slot at once. */
	struct mobj *doc = mobj_new_sized(c->a, doc_ref(d), 24);
	struct html_body kept;
	if (c->o && c->o->bodies && !strcmp(c->page, d->out_path) &&
	    body_store_take(c->o->bodies, d, &kept)) {
		if (!kept.nsigles) {
			/* All html_put_body would write: kept as it is, not copied. */
			set(c, doc, MA_body_html, mv_strn(arena_adopt(c->a, kept.html), kept.len));
			kept.html = NULL;
		} else {
			/*
			 * The sigles' definitions (850 bytes on most fiches, 2 200
			 * at the most) appended to the kept body itself: its block
			 * still has the room its buffer had grown to, so the
			 * allocator mostly extends it in place, where a body copied
			 * into a buffer of its own was written twice.
			 */
			struct buf *defs = c->scratch;
			buf_reset(defs);
			html_put_body(c->s, d, &(struct html_body){"", 0, kept.sigles, kept.nsigles},
				      defs);
			char *all = xrealloc(kept.html, kept.len + defs->len + 1);
			memcpy(all + kept.len, defs->data, defs->len);
			all[kept.len + defs->len] = '\0';
			set(c, doc, MA_body_html, mv_strn(arena_adopt(c->a, all), kept.len + defs->len));
			kept.html = NULL;
		}
		html_body_free(&kept);
	} else {
		struct buf body = BUF_INIT;
		html_render_doc(c->s, d, c->page, &body);
		set(c, doc, MA_body_html, own_buf(c, &body));
	}
	set(c, doc, MA_publics, taxa_list(&d->publics));
	set(c, doc, MA_territories, taxa_list(&d->territories));
	set(c, doc, MA_themes, doc_list(&d->themes));
	set(c, doc, MA_actions, doc_list(&d->actions));
	/*
	 * « Cité dans » leaves out the fiches the page already lists as its
	 * themes or actions: the others, in their order, straight into the
	 * page's arena.
	 */
	const void **cited = arena_alloc(c->a, (d->cited_by.n ? d->cited_by.n : 1) * sizeof *cited);
	size_t ncited = 0;
	for (size_t i = 0; i < d->cited_by.n; i++)
		if (!ptrs_contains(&d->themes, d->cited_by.v[i]) &&
		    !ptrs_contains(&d->actions, d->cited_by.v[i]))
			cited[ncited++] = d->cited_by.v[i];
	set(c, doc, MA_cited_by, mv_views(&doc_view, cited, ncited));
	/* The body may have its own « Contacts » section: the cards are then « Coordonnées ». */
	set(c, doc, MA_body_has_contacts, mv_bool(doc_find_anchor(d, "contacts") != NULL));
	set(c, doc, MA_related, doc_list(&d->related));
	/* « Informations de juin 2016 »: the fiche's own date, else the site's. */
	int year = d->updated_year ? d->updated_year : c->s->updated_year;
	int month = d->updated_year ? d->updated_month : c->s->updated_month;
	set(c, v, MA_updated_phrase, year ? own(c, month_phrase(year, month)) : mv_null());
	/* The breadcrumb: home, then the list of the kind. */
	struct mobj *crumb = small_obj(c, 2);
	size_t ndir = strlen(d->desc->out_dir);
	char *list = arena_alloc(c->a, ndir + sizeof "/index.html");
	memcpy(list, d->desc->out_dir, ndir);
	memcpy(list + ndir, "/index.html", sizeof "/index.html");
	set_str(c, crumb, MA_label, d->desc->label_plural);
	set(c, crumb, MA_href, href_to(c, list, 1)); /* list lives as long as the page */
	set(c, v, MA_crumb, mv_obj(crumb));
	set(c, doc, MA_includes, doc_list(&d->includes));
	if (d->part)
		set(c, doc, MA_part_html, typo_html(c, d->part));
	if (d->since)
		set(c, doc, MA_since, mv_int(d->since));
	if (d->carrier)
		set(c, doc, MA_carrier, mv_view(&contact_view, d->carrier));
	set(c, doc, MA_contacts, contact_list(&d->contacts));
	if (d->prev)
		set(c, doc, MA_prev, doc_ref(d->prev));
	if (d->next)
		set(c, doc, MA_next, doc_ref(d->next));
	if (d->included_in)
		set(c, doc, MA_included_in, doc_ref(d->included_in));
	struct mlist *toc = mlist_new(c->a);
	for (size_t i = 0; i < d->nheadings; i++) {
		if (d->headings[i].level != 2)
			continue;
		struct mobj *h = small_obj(c, 2);
		size_t len;
		const char *heading_html = body_store_heading_html(bodies, d, i, &len);
		set(c, h, MA_text_html, heading_html ? mv_strn(heading_html, len) :
					typo_html(c, d->headings[i].text));
		set_str(c, h, MA_anchor, d->headings[i].anchor);
		mlist_push(c->a, toc, mv_obj(h));
	}
	set(c, doc, MA_toc, mv_list(toc));
	if (d->kind >= DOC_BUILTIN)
		add_kind_fields(c, d, doc);
	/* Its PDF, in builds that make them (add_pdf does nothing otherwise). */
	char *pdf_name = c->o && c->o->with_pdf ? kind_pdf_name(d) : NULL;
	if (pdf_name) {
		char *pdf = xasprintf("pdf/%s.pdf", pdf_name);
		add_pdf(c, doc, pdf);
		free(pdf);
		free(pdf_name);
	}
	set(c, v, MA_doc, mv_obj(doc));
	return v;
}

/* The taxa that at least one fiche-action carries, for the list's filters. */
static struct mval filter_choices(const struct cx *c, const struct taxon *v, size_t n)
{
	struct mlist *a = mlist_new(c->a);
	for (size_t i = 0; i < n; i++) {
		int used = 0;
		for (size_t k = 0; k < v[i].docs.n && !used; k++)
			used = ((const struct doc *)v[i].docs.v[k])->kind == DOC_ACTION;
		if (!used)
			continue;
		struct mobj *o = obj(c);
		set_str(c, o, MA_id, v[i].id);
		/* An <option> holds text only: no superscript ordinal there. */
		set_str(c, o, MA_label, v[i].label);
		mlist_push(c->a, a, mv_obj(o));
	}
	return mv_list(a);
}

static struct mobj *list_actions(const struct cx *c)
{
	const struct site *s = c->s;
	struct mobj *v = base(c, kind_builtin(DOC_ACTION)->label_plural, "Les fiches-actions de la démarche, par logique d’action.");
	struct mlist *groups = mlist_new(c->a);
	for (size_t i = 0; i < s->nlogics; i++) {
		const struct taxon *t = &s->logics[i];
		if (!t->docs.n)
			continue;
		struct mobj *g = taxon_ext(c, t);
		set(c, g, MA_fiches, doc_list(&t->docs));
		mlist_push(c->a, groups, mv_obj(g));
	}
	/* Actions whose logic is unknown cannot happen in a successful build. */
	set(c, v, MA_groups, mv_list(groups));
	set(c, v, MA_filter_territories, filter_choices(c, s->territories, s->nterritories));
	set(c, v, MA_filter_publics, filter_choices(c, s->publics, s->npublics));
	struct mlist *statuses = mlist_new(c->a);
	const struct kind_field *f = kind_field(site_kind(s, DOC_ACTION), "status");
	for (const struct kind_value *k = f ? f->values : NULL; k && k->id; k++) {
		struct mobj *o = obj(c);
		set_str(c, o, MA_id, k->id);
		set_str(c, o, MA_label, k->label);
		mlist_push(c->a, statuses, mv_obj(o));
	}
	set(c, v, MA_filter_status, mv_list(statuses));
	set(c, v, MA_count, mv_int((long long)s->ndocs[DOC_ACTION]));
	add_pdf(c, v, "pdf/fiches-actions.pdf");
	return v;
}

/* Every document of a kind, borrowed from the site. */
static struct mval all_docs(const struct cx *c, enum doc_kind kind)
{
	return mv_views(&doc_view, (const void *const *)c->s->docs[kind], c->s->ndocs[kind]);
}

static struct mobj *list_themes(const struct cx *c)
{
	struct mobj *v = base(c, kind_builtin(DOC_THEME)->label_plural, "Les fiches thématiques : analyses et pistes d’action.");
	struct mlist *list = mlist_new(c->a);
	for (size_t i = 0; i < c->s->ndocs[DOC_THEME]; i++) {
		const struct doc *d = c->s->docs[DOC_THEME][i];
		struct mobj *r = doc_ext(c, d);
		set(c, r, MA_actions, doc_list(&d->actions));
		mlist_push(c->a, list, mv_obj(r));
	}
	set(c, v, MA_fiches, mv_list(list));
	add_pdf(c, v, "pdf/fiches-thematiques.pdf");
	return v;
}

static struct mobj *guide_index(const struct cx *c)
{
	struct mobj *v = base(c, "Guide", "Le guide complet de la démarche, chapitre par chapitre.");
	struct mlist *parts = mlist_new(c->a);
	struct mlist *chapters = NULL;
	const char *current_part = "\x01";
	for (size_t i = 0; i < c->s->ndocs[DOC_GUIDE]; i++) {
		const struct doc *d = c->s->docs[DOC_GUIDE][i];
		const char *part = d->part ? d->part : "";
		if (strcmp(part, current_part) != 0) {
			struct mobj *current = obj(c);
			if (*part)
				set(c, current, MA_part_html, typo_html(c, part));
			chapters = mlist_new(c->a);
			set(c, current, MA_chapters, mv_list(chapters));
			mlist_push(c->a, parts, mv_obj(current));
			current_part = part;
		}
		struct mobj *r = doc_ext(c, d);
		set(c, r, MA_includes, doc_list(&d->includes));
		mlist_push(c->a, chapters, mv_obj(r));
	}
	set(c, v, MA_parts, mv_list(parts));
	add_pdf(c, v, "pdf/guide-complet.pdf");
	set(c, v, MA_booklets, booklet_list(c, 0));
	return v;
}

static struct mobj *contacts_page(const struct cx *c)
{
	struct mobj *v = base(c, "Contacts", "Les structures et personnes à contacter.");
	struct mlist *orgs = mlist_new(c->a), *people = mlist_new(c->a);
	for (size_t i = 0; i < c->s->ncontacts; i++) {
		const struct entry *e = &c->s->contacts[i];
		struct mobj *card = contact_ext(c, e);
		set(c, card, MA_members, contact_list(&e->members));
		set(c, card, MA_action_count, mv_int((long long)e->actions.n));
		/* Its territoires: those of the actions it carries or is a contact of. */
		struct ptrs where = {0};
		for (size_t k = 0; k < e->actions.n; k++) {
			const struct doc *a = e->actions.v[k];
			for (size_t t = 0; t < a->territories.n; t++)
				ptrs_add_unique(&where, a->territories.v[t]);
		}
		set(c, card, MA_filter_territories, id_words(c, &where));
		ptrs_free(&where);
		const char *kind = data_str(e, "kind");
		int person = kind && strcmp(kind, "person") == 0;
		mlist_push(c->a, person ? people : orgs, mv_obj(card));
	}
	set(c, v, MA_organisations, mv_list(orgs));
	set(c, v, MA_people, mv_list(people));
	set(c, v, MA_filter_territories, filter_choices(c, c->s->territories, c->s->nterritories));
	return v;
}

static struct mobj *contact_page(const struct cx *c, const struct entry *e)
{
	struct mobj *v = base(c, e->label, NULL);
	struct mobj *card = contact_ext(c, e);
	set(c, card, MA_self, mv_bool(1));
	set(c, card, MA_members, contact_list(&e->members));
	set(c, card, MA_actions, doc_list(&e->actions));
	/* The actions as a set: a contact may be named by thousands of them. */
	struct ptrs actions = {0}, other = {0};
	for (size_t i = 0; i < e->actions.n; i++)
		ptrs_add_unique(&actions, e->actions.v[i]);
	for (size_t i = 0; i < e->cited_by.n; i++)
		if (!ptrs_contains(&actions, e->cited_by.v[i]))
			ptrs_add(&other, e->cited_by.v[i]);
	set(c, card, MA_cited_by, doc_list_copy(c, &other));
	ptrs_free(&actions);
	ptrs_free(&other);
	set(c, v, MA_contact, mv_obj(card));
	return v;
}

/* Glossary entries in alphabetical order of their sigle, case ignored. */
static int compare_sigles(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a, *y = *(const struct entry *const *)b;
	int d = strcasecmp(x->id, y->id);
	return d ? d : strcmp(x->id, y->id);
}

/* The index letter of a sigle: its first letter, A–Z, or '#' for anything else. */
static char index_letter(const char *id)
{
	unsigned char ch = (unsigned char)id[0];
	return isalpha(ch) && ch < 0x80 ? (char)toupper(ch) : '#';
}

static struct mobj *glossary_page(const struct cx *c)
{
	struct mobj *v = base(c, "Glossaire", "Les sigles et termes employés dans les fiches, expliqués.");
	const struct entry **sorted = xmalloc((c->s->nglossary + 1) * sizeof *sorted);
	for (size_t i = 0; i < c->s->nglossary; i++)
		sorted[i] = &c->s->glossary[i];
	qsort(sorted, c->s->nglossary, sizeof *sorted, compare_sigles);
	struct mlist *list = mlist_new(c->a);
	char present[27] = {0}; /* A–Z, then '#' */
	char last = 0;
	for (size_t i = 0; i < c->s->nglossary; i++) {
		const struct entry *e = sorted[i];
		struct mobj *t = obj(c);
		set_str(c, t, MA_sigle, e->id);
		set_str(c, t, MA_anchor, e->anchor);
		char letter = index_letter(e->id);
		/* The first entry of each letter carries the index's anchor. */
		if (letter != last) {
			char id[16];
			snprintf(id, sizeof id, "lettre-%c", letter == '#' ? '0' : tolower((unsigned char)letter));
			set(c, t, MA_letter_anchor, copy(c, id));
			present[letter == '#' ? 26 : letter - 'A'] = 1;
			last = letter;
		} else {
			set(c, t, MA_letter_anchor, mv_null());
		}
		set(c, t, MA_expansion, field(c, e, "expansion"));
		const char *exp = data_str(e, "expansion");
		set(c, t, MA_expansion_html, exp ? typo_html(c, exp) : mv_null());
		const char *def = data_str(e, "definition");
		set(c, t, MA_definition_html, def ? inline_md(c, def) : mv_null());
		set(c, t, MA_cited_by, doc_list(&e->cited_by));
		mlist_push(c->a, list, mv_obj(t));
	}
	free(sorted);
	struct mlist *letters = mlist_new(c->a);
	for (int k = 0; k < 27; k++) {
		if (k == 26 && !present[k])
			continue;
		char label[2] = {k < 26 ? (char)('A' + k) : '#', 0};
		struct mobj *l = obj(c);
		set(c, l, MA_letter, copy(c, label));
		if (present[k]) {
			char href[16];
			snprintf(href, sizeof href, "#lettre-%c", k < 26 ? 'a' + k : '0');
			set(c, l, MA_href, copy(c, href));
		} else {
			set(c, l, MA_href, mv_null());
		}
		mlist_push(c->a, letters, mv_obj(l));
	}
	set(c, v, MA_letters, mv_list(letters));
	set(c, v, MA_terms, mv_list(list));
	return v;
}

static struct mobj *biblio_page(const struct cx *c)
{
	struct mobj *v = base(c, "Bibliographie", "Ouvrages, articles et rapports de référence.");
	struct mlist *list = mlist_new(c->a);
	for (size_t i = 0; i < c->s->nbiblio; i++) {
		const struct entry *e = &c->s->biblio[i];
		struct mobj *r = obj(c);
		set_str(c, r, MA_anchor, e->anchor);
		const json_t *authors = json_object_get(e->data, "authors");
		struct buf a = BUF_INIT;
		if (json_is_string(authors)) {
			buf_puts(&a, json_string_value(authors));
		} else {
			size_t k;
			const json_t *name;
			json_array_foreach(authors, k, name) {
				if (k)
					buf_puts(&a, k + 1 == json_array_size(authors) ? " et " : ", ");
				if (json_is_string(name))
					buf_puts(&a, json_string_value(name));
			}
		}
		if (a.len)
			set(c, r, MA_authors_html, typo_html(c, buf_cstr(&a)));
		buf_free(&a);
		set(c, r, MA_title_html, typo_html(c, e->label));
		set(c, r, MA_year, field(c, e, "year"));
		set(c, r, MA_publisher, field(c, e, "publisher"));
		set(c, r, MA_journal, field(c, e, "journal"));
		set(c, r, MA_place, field(c, e, "place"));
		set(c, r, MA_url, field(c, e, "url"));
		const char *abs = data_str(e, "abstract");
		if (abs)
			set(c, r, MA_abstract_html, inline_md(c, abs));
		set(c, r, MA_cited_by, doc_list(&e->cited_by));
		mlist_push(c->a, list, mv_obj(r));
	}
	set(c, v, MA_references, mv_list(list));
	return v;
}

static const char *const taxa_titles[3] = {"Logiques d’action", "Publics", "Territoires"};

static struct mobj *taxa_index(const struct cx *c, int which)
{
	struct mobj *v = base(c, taxa_titles[which], NULL);
	const struct taxon *taxa[3] = {c->s->logics, c->s->publics, c->s->territories};
	size_t n[3] = {c->s->nlogics, c->s->npublics, c->s->nterritories};
	struct mlist *list = mlist_new(c->a);
	for (size_t i = 0; i < n[which]; i++) {
		struct mobj *t = taxon_ext(c, &taxa[which][i]);
		set(c, t, MA_count, mv_int((long long)taxa[which][i].docs.n));
		if (taxa[which][i].description)
			set(c, t, MA_description_html, typo_html(c, taxa[which][i].description));
		mlist_push(c->a, list, mv_obj(t));
	}
	set(c, v, MA_taxa, mv_list(list));
	return v;
}

static struct mobj *taxon_page(const struct cx *c, const struct taxon *t, int which)
{
	static const char *const prefixes[3] = {"Logique d’action : ", "Public : ", "Territoire : "};
	char *title = xasprintf("%s%s", prefixes[which], t->label);
	struct mobj *v = base(c, title, NULL);
	free(title);
	struct mobj *tx = taxon_ext(c, t);
	if (t->description)
		set(c, tx, MA_description_html, typo_html(c, t->description));
	struct ptrs actions = {0}, themes = {0}, others = {0};
	for (size_t i = 0; i < t->docs.n; i++) {
		const struct doc *d = t->docs.v[i];
		ptrs_add(d->kind == DOC_ACTION ? &actions : d->kind == DOC_THEME ? &themes : &others,
			 (void *)d);
	}
	set(c, tx, MA_actions, doc_list_copy(c, &actions));
	set(c, tx, MA_themes, doc_list_copy(c, &themes));
	if (others.n)
		set(c, tx, MA_others, doc_list_copy(c, &others));
	ptrs_free(&actions);
	ptrs_free(&themes);
	ptrs_free(&others);
	set(c, tx, MA_kind_label, mv_str(taxa_titles[which]));
	const char *dirs[3] = {"logiques/index.html", "publics/index.html", "territoires/index.html"};
	set(c, tx, MA_index_href, href(c, dirs[which]));
	set(c, v, MA_taxon, mv_obj(tx));
	return v;
}

static struct mobj *home_page(const struct cx *c)
{
	const struct site *s = c->s;
	struct mobj *v = base(c, NULL, s->description ? s->description : s->subtitle);
	struct mlist *publics = mlist_new(c->a);
	for (size_t i = 0; i < s->npublics; i++) {
		struct mobj *t = taxon_ext(c, &s->publics[i]);
		set(c, t, MA_count, mv_int((long long)s->publics[i].docs.n));
		/* French plural for the templates: « 1 fiche », « 2 fiches ». */
		set(c, t, MA_several, mv_bool(s->publics[i].docs.n > 1));
		if (s->publics[i].description)
			set(c, t, MA_description_html, typo_html(c, s->publics[i].description));
		mlist_push(c->a, publics, mv_obj(t));
	}
	set(c, v, MA_publics, mv_list(publics));
	struct mlist *logics = mlist_new(c->a);
	for (size_t i = 0; i < s->nlogics; i++) {
		struct mobj *t = taxon_ext(c, &s->logics[i]);
		set(c, t, MA_count, mv_int((long long)s->logics[i].docs.n));
		mlist_push(c->a, logics, mv_obj(t));
	}
	set(c, v, MA_logics, mv_list(logics));
	struct mlist *territories = mlist_new(c->a);
	for (size_t i = 0; i < s->nterritories; i++)
		mlist_push(c->a, territories, taxon_ref(&s->territories[i]));
	set(c, v, MA_territories, mv_list(territories));
	if (s->intro)
		set(c, v, MA_intro, doc_ref(s->intro));
	set(c, v, MA_pages, all_docs(c, DOC_PAGE));
	set(c, v, MA_action_count, mv_int((long long)s->ndocs[DOC_ACTION]));
	set(c, v, MA_theme_count, mv_int((long long)s->ndocs[DOC_THEME]));
	set(c, v, MA_chapter_count, mv_int((long long)s->ndocs[DOC_GUIDE]));
	set(c, v, MA_actions_several, mv_bool(s->ndocs[DOC_ACTION] > 1));
	set(c, v, MA_themes_several, mv_bool(s->ndocs[DOC_THEME] > 1));
	set(c, v, MA_chapters_several, mv_bool(s->ndocs[DOC_GUIDE] > 1));
	set(c, v, MA_actions_href, href(c, "fiches-actions/index.html"));
	set(c, v, MA_themes_href, href(c, "fiches-thematiques/index.html"));
	set(c, v, MA_guide_href, href(c, "guide/index.html"));
	set(c, v, MA_themes, all_docs(c, DOC_THEME));
	set(c, v, MA_leaflets, booklet_list(c, 1));
	return v;
}

static struct mobj *simple_page(const struct cx *c, const char *title)
{
	struct mobj *v = base(c, title, NULL);
	set(c, v, MA_actions_href, href(c, "fiches-actions/index.html"));
	set(c, v, MA_themes_href, href(c, "fiches-thematiques/index.html"));
	set(c, v, MA_guide_href, href(c, "guide/index.html"));
	set(c, v, MA_contacts_href, href(c, "contacts/index.html"));
	set(c, v, MA_glossary_href, href(c, "glossaire.html"));
	return v;
}

/*
 * The 404 page is served in place of any missing URL, at any depth. With
 * base_url its links are absolute. Without, "site_dirs" lists the site's
 * top-level directories so that a small script in its head can find the
 * site's root in the URL and set <base> before anything is loaded.
 */
static struct mobj *not_found_page(struct cx *c, const struct page_plan *plan)
{
	if (c->s->base_url)
		c->absolute = c->s->base_url;
	struct mobj *v = simple_page(c, "Page introuvable");
	if (c->absolute)
		return v;
	struct buf dirs = BUF_INIT;
	buf_puts(&dirs, "[\"assets\",\"media\",\"pdf\",\"print\"");
	struct ptrs seen = {0}; /* borrowed page paths, one per directory */
	for (size_t i = 0; i < plan->n; i++) {
		const char *path = plan->pages[i].path, *slash = strchr(path, '/');
		if (!slash)
			continue;
		size_t len = (size_t)(slash - path), k;
		for (k = 0; k < seen.n; k++)
			if (!strncmp(seen.v[k], path, len + 1))
				break;
		if (k < seen.n)
			continue;
		ptrs_add(&seen, (void *)path);
		/* Output directories are slugs: nothing to escape in a JSON string. */
		buf_printf(&dirs, ",\"%.*s\"", (int)len, path);
	}
	ptrs_free(&seen);
	buf_puts(&dirs, "]");
	set(c, v, MA_site_dirs, own_buf(c, &dirs));
	return v;
}

/*
 * « Que faire si… »: the numbers to call first (site.yaml urgences), then for
 * each fiche thématique its « Comment faire ? » section, with the fiche and
 * the organisations that carry its actions.
 */
static struct mobj *what_to_do_page(const struct cx *c)
{
	const struct site *s = c->s;
	struct mobj *v = base(c, "Que faire si…", "Les numéros à appeler et comment agir, situation par situation.");
	struct mlist *numbers = mlist_new(c->a);
	for (size_t i = 0; i < s->nemergencies; i++) {
		const struct emergency *e = &s->emergencies[i];
		struct mobj *o = obj(c);
		set(c, o, MA_label_html, typo_html(c, e->label));
		set_str(c, o, MA_number, e->number);
		set(c, o, MA_phone_uri, phone_uri(c, e->number));
		set(c, o, MA_description_html, e->description ? inline_md(c, e->description) : mv_null());
		mlist_push(c->a, numbers, mv_obj(o));
	}
	set(c, v, MA_emergencies, mv_list(numbers));
	struct mlist *situations = mlist_new(c->a);
	for (size_t i = 0; i < s->ndocs[DOC_THEME]; i++) {
		const struct doc *d = s->docs[DOC_THEME][i];
		if (!doc_find_anchor(d, PAGES_WHAT_TO_DO_ANCHOR))
			continue;
		char *part;
		/* Cut from the body's first pass, or else rendered again from its Markdown. */
		if (!c->o || !body_store_take_what_to_do(c->o->bodies, d, &part))
			part = html_what_to_do(s, d, NULL);
		if (!part)
			continue;
		struct mobj *o = doc_ext(c, d);
		set(c, o, MA_how_html, own(c, part));
		/* Whom to call: the carriers of the theme's actions, once each. */
		struct ptrs carriers = {0};
		for (size_t k = 0; k < d->actions.n; k++) {
			const struct doc *a = d->actions.v[k];
			if (a->carrier)
				ptrs_add_unique(&carriers, a->carrier);
		}
		set(c, o, MA_carriers, contact_list_copy(c, &carriers));
		ptrs_free(&carriers);
		mlist_push(c->a, situations, mv_obj(o));
	}
	set(c, v, MA_situations, mv_list(situations));
	return v;
}

static struct mobj *page_value(struct cx *c, const struct page *p)
{
	const struct site *s = c->s;
	switch (p->kind) {
	case PAGE_HOME: return home_page(c);
	case PAGE_DOC: return doc_page(c, p->subject);
	case PAGE_LIST_ACTIONS: return list_actions(c);
	case PAGE_LIST_THEMES: return list_themes(c);
	case PAGE_GUIDE_INDEX: return guide_index(c);
	case PAGE_PAGES_INDEX: {
		struct mobj *v = base(c, "À propos", NULL);
		set(c, v, MA_pages, all_docs(c, DOC_PAGE));
		return v;
	}
	case PAGE_CONTACTS: return contacts_page(c);
	case PAGE_CONTACT: return contact_page(c, p->subject);
	case PAGE_GLOSSARY: return glossary_page(c);
	case PAGE_BIBLIO: return biblio_page(c);
	case PAGE_TAXA_INDEX: return taxa_index(c, p->taxa_kind);
	case PAGE_TAXON: return taxon_page(c, p->subject, p->taxa_kind);
	case PAGE_SEARCH: return simple_page(c, "Recherche");
	case PAGE_NOT_FOUND: return not_found_page(c, c->plan);
	case PAGE_WHAT_TO_DO: return what_to_do_page(c);
	case PAGE_LIST_KIND: {
		const struct kind *desc = site_kind(s, p->taxa_kind);
		struct mobj *v = base(c, desc->label_plural, NULL);
		set_str(c, v, MA_kind_label, desc->label);
		set(c, v, MA_fiches, all_docs(c, (enum doc_kind)p->taxa_kind));
		set(c, v, MA_count, mv_int((long long)s->ndocs[p->taxa_kind]));
		return v;
	}
	}
	return obj(c);
}

struct context_pass *context_pass_new(const struct site *s, const struct context_options *o)
{
	struct context_pass *pass = xmalloc(sizeof *pass);
	pass->cards = doc_cards_new(s, o ? o->bodies : NULL);
	pass->menu = xmalloc((s->nmenu ? 2 * s->nmenu : 1) * sizeof *pass->menu);
	for (size_t i = 0; i < s->nmenu; i++) {
		pass->menu[2 * i] = (struct menu_entry){&s->menu[i], 0};
		pass->menu[2 * i + 1] = (struct menu_entry){&s->menu[i], 1};
	}
	return pass;
}

void context_pass_free(struct context_pass *pass)
{
	if (!pass)
		return;
	doc_cards_free(pass->cards);
	free(pass->menu);
	free(pass);
}

struct page_context *context_for_page_with(const struct site *s, const struct page_plan *plan,
					   const struct page *p, const struct context_options *o,
					   const struct context_pass *pass)
{
	struct page_context *pc = xcalloc(1, sizeof *pc);
	pc->arena = (struct arena)ARENA_INIT;
	pc->scratch = (struct buf)BUF_INIT;
	pc->cx = (struct cx){.s = s, .page = p->path, .o = o, .plan = plan,
			     .cards = pass ? pass->cards : NULL, .menu = pass ? pass->menu : NULL,
			     .a = &pc->arena, .scratch = &pc->scratch};
	for (const char *q = p->path; *q; q++)
		if (*q == '/') {
			pc->cx.page_dirs++;
			pc->cx.page_dir = (size_t)(q - p->path) + 1;
		}
	pc->root = mv_obj(page_value(&pc->cx, p));
	return pc;
}

struct page_context *context_for_page(const struct site *s, const struct page_plan *plan,
				      const struct page *p, const struct context_options *o)
{
	return context_for_page_with(s, plan, p, o, NULL);
}

int context_render(struct page_context *pc, const struct mustache_set *set,
		   const char *name, struct buf *out, struct diag *d)
{
	return mustache_render_value(set, name, &pc->root, &pc->cx, out, d);
}

/*
 * The views (taxon_get, doc_get, contact_get, organisation_get: each one
 * says so with its class's scoped) answer from their subject and the
 * model, and make their links relative to the page's directory, never to
 * the page itself (relative, html_render_markdown): the directory is the
 * scope of the items kept. Links made absolute (the 404 page) are kept
 * under no scope: that page renders without the cache.
 */
int context_render_cached(struct page_context *pc, const struct mustache_set *set,
			  const char *name, struct mustache_cache *cache, struct buf *out,
			  struct diag *d)
{
	const char *page = pc->cx.page, *slash = strrchr(page, '/');
	size_t dir = slash ? (size_t)(slash - page) + 1 : 0;
	return mustache_render_cached(set, name, &pc->root, &pc->cx, pc->cx.absolute ? NULL : cache,
				      page, dir, out, d);
}

void context_free(struct page_context *pc)
{
	if (!pc)
		return;
	arena_free(&pc->arena);
	buf_free(&pc->scratch);
	free(pc);
}
