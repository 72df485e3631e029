/*
 * Template contexts. Field names are the templates' vocabulary; every
 * *_html field is already escaped HTML, every other string is plain text
 * the template escapes.
 *
 * Strings go in with json_string_nocheck: every text was checked as UTF-8
 * when its file was read, and jansson's check of each page's body would
 * otherwise be a noticeable part of the render.
 */
#include "context.h"
#include "body_store.h"
#include "buf.h"
#include "html.h"
#include "kind.h"
#include "month.h"
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
	const struct context_options *o;
	/*
	 * base_url when links must be absolute: the 404 page is served at
	 * whatever depth the missing URL had, where relative links break.
	 */
	const char *absolute;
	const struct page_plan *plan; /* every page of the site */
};

static json_t *href(const struct cx *c, const char *target)
{
	if (c->absolute) {
		/* "index.html" is the site's root URL itself. */
		const char *t = strcmp(target, "index.html") == 0 ? "" : target;
		char *abs = xasprintf("%s%s", c->absolute, t);
		json_t *v = json_string_nocheck(abs);
		free(abs);
		return v;
	}
	char *rel = path_relative(c->page, target);
	json_t *v = json_string_nocheck(rel);
	free(rel);
	return v;
}

static json_t *typo_html(const char *text)
{
	struct buf b = BUF_INIT;
	if (text)
		html_typo_breakable(text, &b);
	json_t *v = json_string_nocheck(buf_cstr(&b));
	buf_free(&b);
	return v;
}

/* A label typeset by context_prepare, or typeset now. */
static json_t *label_html(const char *html, const char *text)
{
	return html ? json_string_nocheck(html) : typo_html(text);
}

static char *typeset(const char *text)
{
	struct buf b = BUF_INIT;
	html_typo_breakable(text ? text : "", &b);
	return buf_detach(&b);
}

void context_prepare(struct site *s)
{
	struct taxon *taxa[] = {s->logics, s->publics, s->territories};
	size_t ntaxa[] = {s->nlogics, s->npublics, s->nterritories};
	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < ntaxa[k]; i++)
			if (!taxa[k][i].label_html)
				taxa[k][i].label_html = typeset(taxa[k][i].label);
	for (size_t i = 0; i < s->ncontacts; i++)
		if (!s->contacts[i].label_html)
			s->contacts[i].label_html = typeset(s->contacts[i].label);
	html_prepare_glossary(s);
}

static json_t *inline_md(const struct cx *c, const char *text)
{
	struct buf b = BUF_INIT;
	if (text)
		html_render_markdown(c->s, text, c->page, 1, &b);
	json_t *v = json_string_nocheck(buf_cstr(&b));
	buf_free(&b);
	return v;
}


static json_t *taxon_ref(const struct cx *c, const struct taxon *t)
{
	json_t *v = json_object();
	json_object_set_new(v, "id", json_string_nocheck(t->id));
	json_object_set_new(v, "label", json_string_nocheck(t->label));
	json_object_set_new(v, "label_html", label_html(t->label_html, t->label));
	json_object_set_new(v, "href", href(c, t->out_path));
	if (t->colour)
		json_object_set_new(v, "colour", json_string_nocheck(t->colour));
	return v;
}

static json_t *taxa_list(const struct cx *c, const struct ptrs *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->n; i++)
		json_array_append_new(a, taxon_ref(c, p->v[i]));
	return a;
}

/* A short reference to a document: for lists, links, cards. */
/* The ids of a list of taxa, separated by spaces. */
static json_t *id_words(const struct ptrs *taxa)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < taxa->n; i++) {
		const struct taxon *t = taxa->v[i];
		if (i)
			buf_putc(&b, ' ');
		buf_puts(&b, t->id);
	}
	json_t *v = json_string_nocheck(buf_cstr(&b));
	buf_free(&b);
	return v;
}

static json_t *doc_ref(const struct cx *c, const struct doc *d)
{
	json_t *v = json_object();
	json_object_set_new(v, "kind", json_string_nocheck(d->desc->name));
	json_object_set_new(v, "kind_label", json_string_nocheck(d->desc->label));
	/*
	 * Every key a list item's template may test is set, null when the
	 * document has no such value: Mustache looks a missing key up in the
	 * enclosing contexts, so a chapter without "number" showed the number
	 * of the fiche whose page listed it.
	 */
	json_object_set_new(v, "number", d->desc->list == LIST_PLAIN ? json_null() :
					 json_integer(d->number));
	json_object_set_new(v, "is_page", json_boolean(d->kind == DOC_PAGE));
	json_object_set_new(v, "is_action", json_boolean(d->kind == DOC_ACTION));
	json_object_set_new(v, "is_theme", json_boolean(d->kind == DOC_THEME));
	json_object_set_new(v, "title", json_string_nocheck(d->title));
	json_object_set_new(v, "title_html", d->title_html ? json_string_nocheck(d->title_html) :
							     typo_html(d->title));
	json_object_set_new(v, "href", href(c, d->out_path));
	if (d->summary_html)
		json_object_set_new(v, "summary_html", json_string_nocheck(d->summary_html));
	else if (d->summary)
		json_object_set_new(v, "summary_html", inline_md(c, d->summary));
	else
		json_object_set_new(v, "summary_html", json_null());
	json_object_set_new(v, "logic", d->logic ? taxon_ref(c, d->logic) : json_null());
	/* Space-separated ids, for the list pages' filters (site.js). */
	json_object_set_new(v, "filter_territories", id_words(&d->territories));
	json_object_set_new(v, "filter_publics", id_words(&d->publics));
	json_object_set_new(v, "filter_status", json_string_nocheck(d->status ? d->status : ""));
	const struct kind_field *status = kind_field(d->desc, "status");
	int shown = d->status && status && strcmp(d->status, status->values[0].id) != 0;
	json_object_set_new(v, "status_label", shown ?
			    json_string_nocheck(kind_enum_label(status, d->status)) : json_null());
	return v;
}

static json_t *doc_list(const struct cx *c, const struct ptrs *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->n; i++)
		json_array_append_new(a, doc_ref(c, p->v[i]));
	return a;
}

static json_t *field(const struct entry *e, const char *key)
{
	const json_t *v = json_object_get(e->data, key);
	if (json_is_string(v))
		return json_string_nocheck(json_string_value(v));
	if (json_is_integer(v))
		return json_sprintf("%lld", (long long)json_integer_value(v));
	return NULL;
}

/* Sets name to v, or to null: see doc_ref on why a missing key is not enough. */
static void set_field(json_t *obj, const char *name, json_t *v)
{
	json_object_set_new(obj, name, v ? v : json_null());
}

/*
 * A phone number as a tel: URI in international form (RFC 3966): « 04 95 04
 * 96 32 » → +33495049632, so that it dials from any phone and any country.
 * Short numbers (15, 119, 3114) and numbers already international stay as
 * typed, digits only. NULL when there are no digits.
 */
static json_t *phone_uri(const char *phone)
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
		return json_sprintf("tel:+%s", digits);
	if (n > 2 && digits[0] == '0' && digits[1] == '0')
		return json_sprintf("tel:+%s", digits + 2);
	if (n == 10 && digits[0] == '0')
		return json_sprintf("tel:+33%s", digits + 1);
	return json_sprintf("tel:%s", digits);
}

/* A map search for an address: a plain link, so nothing is asked before a tap. */
static json_t *map_url(const char *address)
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
	json_t *v = json_string_nocheck(buf_cstr(&b));
	buf_free(&b);
	return v;
}

static json_t *contact_card(const struct cx *c, const struct entry *e)
{
	json_t *v = json_object();
	json_object_set_new(v, "id", json_string_nocheck(e->id));
	json_object_set_new(v, "name", json_string_nocheck(e->label));
	json_object_set_new(v, "name_html", label_html(e->label_html, e->label));
	json_object_set_new(v, "href", href(c, e->out_path));
	const json_t *kind = json_object_get(e->data, "kind");
	int person = json_is_string(kind) && strcmp(json_string_value(kind), "person") == 0;
	json_object_set_new(v, "is_person", json_boolean(person));
	/*
	 * Every optional key is set, null when absent: cards are listed inside
	 * {{#contacts.0}}, which puts the first card on the context stack, and a
	 * person without a description showed her organisation's.
	 */
	const json_t *role = json_object_get(e->data, "role");
	set_field(v, "role_html", json_is_string(role) ? typo_html(json_string_value(role)) : NULL);
	set_field(v, "email", field(e, "email"));
	set_field(v, "phone", field(e, "phone"));
	const json_t *phone = json_object_get(e->data, "phone");
	set_field(v, "phone_uri", json_is_string(phone) ? phone_uri(json_string_value(phone)) : NULL);
	set_field(v, "website", field(e, "website"));
	const json_t *address = json_object_get(e->data, "address");
	set_field(v, "address_html", json_is_string(address) ? typo_html(json_string_value(address)) : NULL);
	set_field(v, "address_map", json_is_string(address) ? map_url(json_string_value(address)) : NULL);
	const json_t *desc = json_object_get(e->data, "description");
	set_field(v, "description_html", json_is_string(desc) ? inline_md(c, json_string_value(desc)) : NULL);
	const json_t *note = json_object_get(e->data, "note");
	set_field(v, "note_html", json_is_string(note) ? inline_md(c, json_string_value(note)) : NULL);
	json_t *org = NULL;
	if (e->organisation) {
		org = json_object();
		json_object_set_new(org, "name_html", label_html(e->organisation->label_html,
								 e->organisation->label));
		json_object_set_new(org, "href", href(c, e->organisation->out_path));
	}
	set_field(v, "organisation", org);
	/* True only on the contact's own page, where its name is the title. */
	json_object_set_new(v, "self", json_false());
	json_object_set_new(v, "members", json_array());
	return v;
}

static json_t *contact_list(const struct cx *c, const struct ptrs *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->n; i++)
		json_array_append_new(a, contact_card(c, p->v[i]));
	return a;
}

/* The context every page shares: site, navigation, root-relative assets. */
static json_t *base(const struct cx *c, const char *title, const char *description)
{
	const struct site *s = c->s;
	json_t *v = json_object();
	json_t *site = json_object();
	json_object_set_new(site, "title", json_string_nocheck(s->title));
	char *title_plain = typo_plain(s->title ? s->title : "", s->title ? strlen(s->title) : 0);
	json_object_set_new(site, "title_plain", json_string_nocheck(title_plain));
	free(title_plain);
	json_object_set_new(site, "title_html", typo_html(s->title));
	if (s->subtitle)
		json_object_set_new(site, "subtitle_html", typo_html(s->subtitle));
	if (s->footer)
		json_object_set_new(site, "footer_html", inline_md(c, s->footer));
	json_object_set_new(v, "site", site);
	json_object_set_new(v, "lang", json_string_nocheck(s->language));
	if (c->absolute) {
		json_object_set_new(v, "root", json_string_nocheck(c->absolute));
	} else {
		char *root = path_relative(c->page, "index.html");
		/* "../index.html" → "../"; "index.html" → "" */
		root[strlen(root) - strlen("index.html")] = '\0';
		json_object_set_new(v, "root", json_string_nocheck(root));
		free(root);
	}
	json_object_set_new(v, "home_href", href(c, "index.html"));
	json_object_set_new(v, "search_href", href(c, "recherche.html"));
	json_object_set_new(v, "what_to_do_href", c->plan->has_what_to_do ?
			    href(c, "que-faire.html") : json_null());
	json_object_set_new(v, "is_home", json_boolean(strcmp(c->page, "index.html") == 0));
	if (s->ndocs[DOC_PAGE])
		json_object_set_new(v, "pages_href", href(c, "pages/index.html"));
	if (title) {
		/* Plain text for <title>, with the typography of the page (’, « »). */
		char *plain = typo_plain(title, strlen(title));
		json_object_set_new(v, "page_title", json_string_nocheck(plain));
		free(plain);
		json_object_set_new(v, "page_title_html", typo_html(title));
	}
	const char *desc = description ? description : (s->subtitle ? s->subtitle : s->title);
	char *desc_plain = desc ? typo_plain(desc, strlen(desc)) : NULL;
	if (desc_plain)
		json_object_set_new(v, "description", json_string_nocheck(desc_plain));
	free(desc_plain);
	if (s->base_url && strcmp(c->page, "404.html") != 0) {
		char *canon = xasprintf("%s%s", s->base_url,
					strcmp(c->page, "index.html") == 0 ? "" : c->page);
		json_object_set_new(v, "canonical", json_string_nocheck(canon));
		free(canon);
	}
	if (c->o && c->o->build_id)
		json_object_set_new(v, "build_id", json_string_nocheck(c->o->build_id));
	json_t *nav = json_array();
	for (size_t i = 0; i < s->nmenu; i++) {
		const struct menu_item *m = &s->menu[i];
		json_t *item = json_object();
		json_object_set_new(item, "label", json_string_nocheck(m->label));
		json_object_set_new(item, "href", m->external ? json_string_nocheck(m->target) : href(c, m->target));
		int current = !m->external && *m->section &&
			      strncmp(c->page, m->section, strlen(m->section)) == 0;
		json_object_set_new(item, "current", json_boolean(current));
		json_array_append_new(nav, item);
	}
	json_object_set_new(v, "nav", nav);
	return v;
}

/* « 340 Ko », « 1,2 Mo »: a file's size as a French reader writes it. */
static json_t *french_size(size_t len)
{
	if (len < 1000 * 1024)
		return json_sprintf("%zu\u00a0Ko", (len + 1023) / 1024);
	size_t tenths = (len * 10 + 512 * 1024) / (1024 * 1024);
	return json_sprintf("%zu,%zu\u00a0Mo", tenths / 10, tenths % 10);
}

static void add_pdf(const struct cx *c, json_t *v, const char *pdf_path)
{
	if (!c->o || !c->o->with_pdf)
		return;
	json_object_set_new(v, "pdf_href", href(c, pdf_path));
	/* Its size, when the PDFs were typeset before the pages (fiches build). */
	struct stage_size key = {(char *)pdf_path, 0};
	const struct stage_size *found = c->o->pdf_sizes ?
		bsearch(&key, c->o->pdf_sizes, c->o->npdf_sizes, sizeof key, stage_size_compare) : NULL;
	json_object_set_new(v, "pdf_size", found ? french_size(found->len) : json_null());
}

/*
 * The booklets of content/booklets/, in name order, each with its PDF and
 * size (only when PDFs are made): for the guide's list of booklets, and,
 * leaflets_only, for the home page's plaquette. A leaflet's second file
 * (imposed, or with crop and fold marks) is offered beside it.
 */
static json_t *booklet_list(const struct cx *c, int leaflets_only)
{
	json_t *list = json_array();
	if (!c->o || !c->o->with_pdf)
		return list;
	for (size_t i = 0; i < c->s->nbooklets; i++) {
		const struct booklet *b = &c->s->booklets[i];
		const char *title = json_string_value(json_object_get(b->data, "title"));
		const char *format = json_string_value(json_object_get(b->data, "format"));
		int depliant = format && strcmp(format, "depliant") == 0;
		int plaquette = format && strcmp(format, "plaquette") == 0;
		int imposed = json_is_true(json_object_get(b->data, "impose"));
		if (!title || (leaflets_only && !depliant && !plaquette))
			continue;
		json_t *v = json_object();
		json_object_set_new(v, "title_html", typo_html(title));
		char *pdf = xasprintf("pdf/%s.pdf", b->name);
		add_pdf(c, v, pdf);
		free(pdf);
		json_object_set_new(v, "format", json_string(
			depliant ? "dépliant A4 plié en trois" : plaquette ? "plaquette A5, une feuille A4 pliée" :
			format && strcmp(format, "a5") == 0 ? "livret A5" : "A4"));
		if (depliant || plaquette || imposed) {
			json_t *second = json_object();
			char *file = xasprintf("pdf/%s%s.pdf", b->name, depliant ? "-traits" : "-imposee");
			add_pdf(c, second, file);
			free(file);
			json_object_set_new(second, "label", json_string(
				depliant ? "Version pour un imprimeur, avec traits de coupe et de pli" :
				"Version imposée sur A4, à imprimer recto verso et plier"));
			json_object_set_new(v, "print", second);
		} else {
			/* Found here, false: not looked up in the enclosing item. */
			json_object_set_new(v, "print", json_null());
		}
		json_array_append_new(list, v);
	}
	return list;
}

/*
 * A project's own kind: its fields by name for its template, enum values
 * as their labels, references to documents as references, and "refs"
 * (every document its front matter names).
 */
static void add_kind_fields(const struct cx *c, const struct doc *d, json_t *doc)
{
	json_t *fields = json_object();
	for (const struct kind_field *f = d->desc->fields; f->name; f++) {
		const json_t *v = json_object_get(d->meta, f->name);
		if (!v || json_is_null(v))
			continue;
		if (f->type == FIELD_ENUM && json_is_string(v)) {
			const char *label = kind_enum_label(f, json_string_value(v));
			json_object_set_new(fields, f->name, json_string(label ? label : ""));
		} else if (f->type == FIELD_DOC) {
			struct ptrs named = {0};
			int k = site_kind_by_name(c->s, f->ref, strlen(f->ref));
			for (size_t i = 0; k >= 0 && i < d->fm_docs.n; i++)
				if (((struct doc *)d->fm_docs.v[i])->kind == (enum doc_kind)k)
					ptrs_add(&named, d->fm_docs.v[i]);
			json_object_set_new(fields, f->name, doc_list(c, &named));
			ptrs_free(&named);
		} else if (json_is_string(v) || json_is_integer(v)) {
			json_object_set_new(fields, f->name, json_deep_copy(v));
		}
	}
	json_object_set_new(doc, "fields", fields);
	json_object_set_new(doc, "refs", doc_list(c, &d->fm_docs));
}

static json_t *doc_page(const struct cx *c, const struct doc *d)
{
	char *title = doc_display_title(d);
	json_t *v = base(c, title, d->summary);
	free(title);
	json_t *doc = doc_ref(c, d);
	struct buf body = BUF_INIT;
	struct html_body kept;
	if (c->o && c->o->bodies && !strcmp(c->page, d->out_path) &&
	    body_store_take(c->o->bodies, d, &kept)) {
		html_put_body(c->s, d, &kept, &body);
		html_body_free(&kept);
	} else {
		html_render_doc(c->s, d, c->page, &body);
	}
	json_object_set_new(doc, "body_html", json_stringn_nocheck(buf_cstr(&body), body.len));
	buf_free(&body);
	json_object_set_new(doc, "publics", taxa_list(c, &d->publics));
	json_object_set_new(doc, "territories", taxa_list(c, &d->territories));
	json_object_set_new(doc, "themes", doc_list(c, &d->themes));
	json_object_set_new(doc, "actions", doc_list(c, &d->actions));
	/* « Cité dans » leaves out the fiches the page already lists as its themes or actions. */
	struct ptrs shown = {0}, other = {0};
	for (size_t i = 0; i < d->themes.n; i++)
		ptrs_add_unique(&shown, d->themes.v[i]);
	for (size_t i = 0; i < d->actions.n; i++)
		ptrs_add_unique(&shown, d->actions.v[i]);
	for (size_t i = 0; i < d->cited_by.n; i++)
		if (!ptrs_contains(&shown, d->cited_by.v[i]))
			ptrs_add(&other, d->cited_by.v[i]);
	json_object_set_new(doc, "cited_by", doc_list(c, &other));
	ptrs_free(&shown);
	ptrs_free(&other);
	/* The body may have its own « Contacts » section: the cards are then « Coordonnées ». */
	json_object_set_new(doc, "body_has_contacts", json_boolean(doc_find_anchor(d, "contacts") != NULL));
	json_object_set_new(doc, "related", doc_list(c, &d->related));
	/* « Informations de juin 2016 »: the fiche's own date, else the site's. */
	int year = d->updated_year ? d->updated_year : c->s->updated_year;
	int month = d->updated_year ? d->updated_month : c->s->updated_month;
	if (year) {
		char *phrase = month_phrase(year, month);
		json_object_set_new(v, "updated_phrase", json_string_nocheck(phrase));
		free(phrase);
	} else {
		json_object_set_new(v, "updated_phrase", json_null());
	}
	/* The breadcrumb: home, then the list of the kind. */
	json_t *crumb = json_object();
	char *list = xasprintf("%s/index.html", d->desc->out_dir);
	json_object_set_new(crumb, "label", json_string_nocheck(d->desc->label_plural));
	json_object_set_new(crumb, "href", href(c, list));
	free(list);
	json_object_set_new(v, "crumb", crumb);
	json_object_set_new(doc, "includes", doc_list(c, &d->includes));
	if (d->part)
		json_object_set_new(doc, "part_html", typo_html(d->part));
	if (d->since)
		json_object_set_new(doc, "since", json_integer(d->since));
	if (d->carrier)
		json_object_set_new(doc, "carrier", contact_card(c, d->carrier));
	json_object_set_new(doc, "contacts", contact_list(c, &d->contacts));
	if (d->prev)
		json_object_set_new(doc, "prev", doc_ref(c, d->prev));
	if (d->next)
		json_object_set_new(doc, "next", doc_ref(c, d->next));
	if (d->included_in)
		json_object_set_new(doc, "included_in", doc_ref(c, d->included_in));
	json_t *toc = json_array();
	for (size_t i = 0; i < d->nheadings; i++) {
		if (d->headings[i].level != 2)
			continue;
		json_t *h = json_object();
		json_object_set_new(h, "text_html", typo_html(d->headings[i].text));
		json_object_set_new(h, "anchor", json_string_nocheck(d->headings[i].anchor));
		json_array_append_new(toc, h);
	}
	json_object_set_new(doc, "toc", toc);
	if (d->kind >= DOC_BUILTIN)
		add_kind_fields(c, d, doc);
	char *pdf_name = kind_pdf_name(d);
	if (pdf_name) {
		char *pdf = xasprintf("pdf/%s.pdf", pdf_name);
		add_pdf(c, doc, pdf);
		free(pdf);
		free(pdf_name);
	}
	json_object_set_new(v, "doc", doc);
	return v;
}

/* The taxa that at least one fiche-action carries, for the list's filters. */
static json_t *filter_choices(const struct taxon *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		int used = 0;
		for (size_t k = 0; k < v[i].docs.n && !used; k++)
			used = ((const struct doc *)v[i].docs.v[k])->kind == DOC_ACTION;
		if (!used)
			continue;
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string_nocheck(v[i].id));
		/* An <option> holds text only: no superscript ordinal there. */
		json_object_set_new(o, "label", json_string_nocheck(v[i].label));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *list_actions(const struct cx *c)
{
	const struct site *s = c->s;
	json_t *v = base(c, kind_builtin(DOC_ACTION)->label_plural, "Les fiches-actions de la démarche, par logique d’action.");
	json_t *groups = json_array();
	for (size_t i = 0; i < s->nlogics; i++) {
		const struct taxon *t = &s->logics[i];
		if (!t->docs.n)
			continue;
		json_t *g = taxon_ref(c, t);
		json_object_set_new(g, "fiches", doc_list(c, &t->docs));
		json_array_append_new(groups, g);
	}
	/* Actions whose logic is unknown cannot happen in a successful build. */
	json_object_set_new(v, "groups", groups);
	json_object_set_new(v, "filter_territories", filter_choices(s->territories, s->nterritories));
	json_object_set_new(v, "filter_publics", filter_choices(s->publics, s->npublics));
	json_t *statuses = json_array();
	const struct kind_field *f = kind_field(site_kind(s, DOC_ACTION), "status");
	for (const struct kind_value *k = f ? f->values : NULL; k && k->id; k++) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string_nocheck(k->id));
		json_object_set_new(o, "label", json_string_nocheck(k->label));
		json_array_append_new(statuses, o);
	}
	json_object_set_new(v, "filter_status", statuses);
	json_object_set_new(v, "count", json_integer((json_int_t)s->ndocs[DOC_ACTION]));
	add_pdf(c, v, "pdf/fiches-actions.pdf");
	return v;
}

static json_t *all_docs(const struct cx *c, enum doc_kind kind)
{
	json_t *a = json_array();
	for (size_t i = 0; i < c->s->ndocs[kind]; i++)
		json_array_append_new(a, doc_ref(c, c->s->docs[kind][i]));
	return a;
}

static json_t *list_themes(const struct cx *c)
{
	json_t *v = base(c, kind_builtin(DOC_THEME)->label_plural, "Les fiches thématiques : analyses et pistes d’action.");
	json_t *list = json_array();
	for (size_t i = 0; i < c->s->ndocs[DOC_THEME]; i++) {
		const struct doc *d = c->s->docs[DOC_THEME][i];
		json_t *r = doc_ref(c, d);
		json_object_set_new(r, "actions", doc_list(c, &d->actions));
		json_array_append_new(list, r);
	}
	json_object_set_new(v, "fiches", list);
	add_pdf(c, v, "pdf/fiches-thematiques.pdf");
	return v;
}

static json_t *guide_index(const struct cx *c)
{
	json_t *v = base(c, "Guide", "Le guide complet de la démarche, chapitre par chapitre.");
	json_t *parts = json_array();
	json_t *current = NULL;
	const char *current_part = "\x01";
	for (size_t i = 0; i < c->s->ndocs[DOC_GUIDE]; i++) {
		const struct doc *d = c->s->docs[DOC_GUIDE][i];
		const char *part = d->part ? d->part : "";
		if (strcmp(part, current_part) != 0) {
			current = json_object();
			if (*part)
				json_object_set_new(current, "part_html", typo_html(part));
			json_object_set_new(current, "chapters", json_array());
			json_array_append_new(parts, current);
			current_part = part;
		}
		json_t *r = doc_ref(c, d);
		json_object_set_new(r, "includes", doc_list(c, &d->includes));
		json_array_append_new(json_object_get(current, "chapters"), r);
	}
	json_object_set_new(v, "parts", parts);
	add_pdf(c, v, "pdf/guide-complet.pdf");
	json_object_set_new(v, "booklets", booklet_list(c, 0));
	return v;
}

static json_t *contacts_page(const struct cx *c)
{
	json_t *v = base(c, "Contacts", "Les structures et personnes à contacter.");
	json_t *orgs = json_array(), *people = json_array();
	for (size_t i = 0; i < c->s->ncontacts; i++) {
		const struct entry *e = &c->s->contacts[i];
		json_t *card = contact_card(c, e);
		json_object_set_new(card, "members", contact_list(c, &e->members));
		json_object_set_new(card, "action_count", json_integer((json_int_t)e->actions.n));
		/* Its territoires: those of the actions it carries or is a contact of. */
		struct ptrs where = {0};
		for (size_t k = 0; k < e->actions.n; k++) {
			const struct doc *a = e->actions.v[k];
			for (size_t t = 0; t < a->territories.n; t++)
				ptrs_add_unique(&where, a->territories.v[t]);
		}
		json_object_set_new(card, "filter_territories", id_words(&where));
		ptrs_free(&where);
		if (json_is_true(json_object_get(card, "is_person")))
			json_array_append_new(people, card);
		else
			json_array_append_new(orgs, card);
	}
	json_object_set_new(v, "organisations", orgs);
	json_object_set_new(v, "people", people);
	json_object_set_new(v, "filter_territories", filter_choices(c->s->territories, c->s->nterritories));
	return v;
}

static json_t *contact_page(const struct cx *c, const struct entry *e)
{
	json_t *v = base(c, e->label, NULL);
	json_t *card = contact_card(c, e);
	json_object_set_new(card, "self", json_true());
	json_object_set_new(card, "members", contact_list(c, &e->members));
	json_object_set_new(card, "actions", doc_list(c, &e->actions));
	/* The actions as a set: a contact may be named by thousands of them. */
	struct ptrs actions = {0}, other = {0};
	for (size_t i = 0; i < e->actions.n; i++)
		ptrs_add_unique(&actions, e->actions.v[i]);
	for (size_t i = 0; i < e->cited_by.n; i++)
		if (!ptrs_contains(&actions, e->cited_by.v[i]))
			ptrs_add(&other, e->cited_by.v[i]);
	json_object_set_new(card, "cited_by", doc_list(c, &other));
	ptrs_free(&actions);
	ptrs_free(&other);
	json_object_set_new(v, "contact", card);
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

static json_t *glossary_page(const struct cx *c)
{
	json_t *v = base(c, "Glossaire", "Les sigles et termes employés dans les fiches, expliqués.");
	const struct entry **sorted = xmalloc((c->s->nglossary + 1) * sizeof *sorted);
	for (size_t i = 0; i < c->s->nglossary; i++)
		sorted[i] = &c->s->glossary[i];
	qsort(sorted, c->s->nglossary, sizeof *sorted, compare_sigles);
	json_t *list = json_array();
	char present[27] = {0}; /* A–Z, then '#' */
	char last = 0;
	for (size_t i = 0; i < c->s->nglossary; i++) {
		const struct entry *e = sorted[i];
		json_t *t = json_object();
		json_object_set_new(t, "sigle", json_string_nocheck(e->id));
		json_object_set_new(t, "anchor", json_string_nocheck(e->anchor));
		char letter = index_letter(e->id);
		/* The first entry of each letter carries the index's anchor. */
		if (letter != last) {
			char id[16];
			snprintf(id, sizeof id, "lettre-%c", letter == '#' ? '0' : tolower((unsigned char)letter));
			json_object_set_new(t, "letter_anchor", json_string_nocheck(id));
			present[letter == '#' ? 26 : letter - 'A'] = 1;
			last = letter;
		} else {
			json_object_set_new(t, "letter_anchor", json_null());
		}
		set_field(t, "expansion", field(e, "expansion"));
		const json_t *exp = json_object_get(e->data, "expansion");
		set_field(t, "expansion_html", json_is_string(exp) ? typo_html(json_string_value(exp)) : NULL);
		const json_t *def = json_object_get(e->data, "definition");
		set_field(t, "definition_html", json_is_string(def) ? inline_md(c, json_string_value(def)) : NULL);
		json_object_set_new(t, "cited_by", doc_list(c, &e->cited_by));
		json_array_append_new(list, t);
	}
	free(sorted);
	json_t *letters = json_array();
	for (int k = 0; k < 27; k++) {
		char label[2] = {k < 26 ? (char)('A' + k) : '#', 0};
		json_t *l = json_object();
		json_object_set_new(l, "letter", json_string_nocheck(label));
		if (present[k]) {
			char href[16];
			snprintf(href, sizeof href, "#lettre-%c", k < 26 ? 'a' + k : '0');
			json_object_set_new(l, "href", json_string_nocheck(href));
		} else {
			json_object_set_new(l, "href", json_null());
		}
		if (k < 26 || present[k])
			json_array_append_new(letters, l);
		else
			json_decref(l);
	}
	json_object_set_new(v, "letters", letters);
	json_object_set_new(v, "terms", list);
	return v;
}

static json_t *biblio_page(const struct cx *c)
{
	json_t *v = base(c, "Bibliographie", "Ouvrages, articles et rapports de référence.");
	json_t *list = json_array();
	for (size_t i = 0; i < c->s->nbiblio; i++) {
		const struct entry *e = &c->s->biblio[i];
		json_t *r = json_object();
		json_object_set_new(r, "anchor", json_string_nocheck(e->anchor));
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
			json_object_set_new(r, "authors_html", typo_html(buf_cstr(&a)));
		buf_free(&a);
		json_object_set_new(r, "title_html", typo_html(e->label));
		set_field(r, "year", field(e, "year"));
		set_field(r, "publisher", field(e, "publisher"));
		set_field(r, "journal", field(e, "journal"));
		set_field(r, "place", field(e, "place"));
		set_field(r, "url", field(e, "url"));
		const json_t *abs = json_object_get(e->data, "abstract");
		if (json_is_string(abs))
			json_object_set_new(r, "abstract_html", inline_md(c, json_string_value(abs)));
		json_object_set_new(r, "cited_by", doc_list(c, &e->cited_by));
		json_array_append_new(list, r);
	}
	json_object_set_new(v, "references", list);
	return v;
}

static const char *const taxa_titles[3] = {"Logiques d’action", "Publics", "Territoires"};

static json_t *taxa_index(const struct cx *c, int which)
{
	json_t *v = base(c, taxa_titles[which], NULL);
	const struct taxon *taxa[3] = {c->s->logics, c->s->publics, c->s->territories};
	size_t n[3] = {c->s->nlogics, c->s->npublics, c->s->nterritories};
	json_t *list = json_array();
	for (size_t i = 0; i < n[which]; i++) {
		json_t *t = taxon_ref(c, &taxa[which][i]);
		json_object_set_new(t, "count", json_integer((json_int_t)taxa[which][i].docs.n));
		if (taxa[which][i].description)
			json_object_set_new(t, "description_html", typo_html(taxa[which][i].description));
		json_array_append_new(list, t);
	}
	json_object_set_new(v, "taxa", list);
	return v;
}

static json_t *taxon_page(const struct cx *c, const struct taxon *t, int which)
{
	static const char *const prefixes[3] = {"Logique d’action : ", "Public : ", "Territoire : "};
	char *title = xasprintf("%s%s", prefixes[which], t->label);
	json_t *v = base(c, title, NULL);
	free(title);
	json_t *tx = taxon_ref(c, t);
	if (t->description)
		json_object_set_new(tx, "description_html", typo_html(t->description));
	struct ptrs actions = {0}, themes = {0}, others = {0};
	for (size_t i = 0; i < t->docs.n; i++) {
		const struct doc *d = t->docs.v[i];
		ptrs_add(d->kind == DOC_ACTION ? &actions : d->kind == DOC_THEME ? &themes : &others,
			 (void *)d);
	}
	json_object_set_new(tx, "actions", doc_list(c, &actions));
	json_object_set_new(tx, "themes", doc_list(c, &themes));
	if (others.n)
		json_object_set_new(tx, "others", doc_list(c, &others));
	ptrs_free(&actions);
	ptrs_free(&themes);
	ptrs_free(&others);
	json_object_set_new(tx, "kind_label", json_string_nocheck(taxa_titles[which]));
	const char *dirs[3] = {"logiques/index.html", "publics/index.html", "territoires/index.html"};
	json_object_set_new(tx, "index_href", href(c, dirs[which]));
	json_object_set_new(v, "taxon", tx);
	return v;
}

static json_t *home_page(const struct cx *c)
{
	const struct site *s = c->s;
	json_t *v = base(c, NULL, s->description ? s->description : s->subtitle);
	json_t *publics = json_array();
	for (size_t i = 0; i < s->npublics; i++) {
		json_t *t = taxon_ref(c, &s->publics[i]);
		json_object_set_new(t, "count", json_integer((json_int_t)s->publics[i].docs.n));
		/* French plural for the templates: « 1 fiche », « 2 fiches ». */
		json_object_set_new(t, "several", json_boolean(s->publics[i].docs.n > 1));
		if (s->publics[i].description)
			json_object_set_new(t, "description_html", typo_html(s->publics[i].description));
		json_array_append_new(publics, t);
	}
	json_object_set_new(v, "publics", publics);
	json_t *logics = json_array();
	for (size_t i = 0; i < s->nlogics; i++) {
		json_t *t = taxon_ref(c, &s->logics[i]);
		json_object_set_new(t, "count", json_integer((json_int_t)s->logics[i].docs.n));
		json_array_append_new(logics, t);
	}
	json_object_set_new(v, "logics", logics);
	json_object_set_new(v, "territories", json_array());
	for (size_t i = 0; i < s->nterritories; i++)
		json_array_append_new(json_object_get(v, "territories"), taxon_ref(c, &s->territories[i]));
	if (s->intro)
		json_object_set_new(v, "intro", doc_ref(c, s->intro));
	json_object_set_new(v, "pages", all_docs(c, DOC_PAGE));
	json_object_set_new(v, "action_count", json_integer((json_int_t)s->ndocs[DOC_ACTION]));
	json_object_set_new(v, "theme_count", json_integer((json_int_t)s->ndocs[DOC_THEME]));
	json_object_set_new(v, "chapter_count", json_integer((json_int_t)s->ndocs[DOC_GUIDE]));
	json_object_set_new(v, "actions_several", json_boolean(s->ndocs[DOC_ACTION] > 1));
	json_object_set_new(v, "themes_several", json_boolean(s->ndocs[DOC_THEME] > 1));
	json_object_set_new(v, "chapters_several", json_boolean(s->ndocs[DOC_GUIDE] > 1));
	json_object_set_new(v, "actions_href", href(c, "fiches-actions/index.html"));
	json_object_set_new(v, "themes_href", href(c, "fiches-thematiques/index.html"));
	json_object_set_new(v, "guide_href", href(c, "guide/index.html"));
	json_object_set_new(v, "themes", all_docs(c, DOC_THEME));
	json_object_set_new(v, "leaflets", booklet_list(c, 1));
	return v;
}

static json_t *simple_page(const struct cx *c, const char *title)
{
	json_t *v = base(c, title, NULL);
	json_object_set_new(v, "actions_href", href(c, "fiches-actions/index.html"));
	json_object_set_new(v, "themes_href", href(c, "fiches-thematiques/index.html"));
	json_object_set_new(v, "guide_href", href(c, "guide/index.html"));
	json_object_set_new(v, "contacts_href", href(c, "contacts/index.html"));
	json_object_set_new(v, "glossary_href", href(c, "glossaire.html"));
	return v;
}

/*
 * The 404 page is served in place of any missing URL, at any depth. With
 * base_url its links are absolute. Without, "site_dirs" lists the site's
 * top-level directories so that a small script in its head can find the
 * site's root in the URL and set <base> before anything is loaded.
 */
static json_t *not_found_page(struct cx *c, const struct page_plan *plan)
{
	if (c->s->base_url)
		c->absolute = c->s->base_url;
	json_t *v = simple_page(c, "Page introuvable");
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
	json_object_set_new(v, "site_dirs", json_string_nocheck(buf_cstr(&dirs)));
	buf_free(&dirs);
	return v;
}

/*
 * The part of a rendered body under the heading whose id is anchor, up to
 * the next heading of the same level, the notes or the sigles' template.
 * Ids are dropped (several such parts share a page) and same-page links go
 * to the document's own page. NULL when the body has no such heading.
 */
static char *body_section(const char *body, const char *anchor, const char *doc_href)
{
	char *open = xasprintf("<h2 id=\"%s\">", anchor);
	const char *start = strstr(body, open);
	free(open);
	if (!start)
		return NULL;
	start = strstr(start, "</h2>");
	if (!start)
		return NULL;
	start += 5;
	const char *end = start + strlen(start);
	static const char *const stops[] = {"<h2", "<section class=\"notes\"", "<template"};
	for (size_t i = 0; i < sizeof stops / sizeof *stops; i++) {
		const char *e = strstr(start, stops[i]);
		if (e && e < end)
			end = e;
	}
	struct buf b = BUF_INIT;
	for (const char *p = start; p < end;) {
		if (!strncmp(p, " id=\"", 5)) {
			const char *q = memchr(p + 5, '"', (size_t)(end - p - 5));
			if (q) {
				p = q + 1;
				continue;
			}
		}
		if (!strncmp(p, "href=\"#", 7)) {
			buf_puts(&b, "href=\"");
			buf_puts(&b, doc_href);
			p += 6;
			continue;
		}
		buf_putc(&b, *p++);
	}
	return buf_detach(&b);
}

/*
 * « Que faire si… »: the numbers to call first (site.yaml urgences), then for
 * each fiche thématique its « Comment faire ? » section, with the fiche and
 * the organisations that carry its actions.
 */
static json_t *what_to_do_page(const struct cx *c)
{
	const struct site *s = c->s;
	json_t *v = base(c, "Que faire si…", "Les numéros à appeler et comment agir, situation par situation.");
	json_t *numbers = json_array();
	for (size_t i = 0; i < s->nemergencies; i++) {
		const struct emergency *e = &s->emergencies[i];
		json_t *o = json_object();
		json_object_set_new(o, "label_html", typo_html(e->label));
		json_object_set_new(o, "number", json_string_nocheck(e->number));
		set_field(o, "phone_uri", phone_uri(e->number));
		set_field(o, "description_html", e->description ? inline_md(c, e->description) : NULL);
		json_array_append_new(numbers, o);
	}
	json_object_set_new(v, "emergencies", numbers);
	json_t *situations = json_array();
	for (size_t i = 0; i < s->ndocs[DOC_THEME]; i++) {
		const struct doc *d = s->docs[DOC_THEME][i];
		if (!doc_find_anchor(d, PAGES_WHAT_TO_DO_ANCHOR))
			continue;
		struct buf body = BUF_INIT;
		html_render_doc(s, d, c->page, &body);
		char *page = path_relative(c->page, d->out_path);
		char *part = body_section(buf_cstr(&body), PAGES_WHAT_TO_DO_ANCHOR, page);
		free(page);
		buf_free(&body);
		if (!part)
			continue;
		json_t *o = doc_ref(c, d);
		json_object_set_new(o, "how_html", json_string_nocheck(part));
		free(part);
		/* Whom to call: the carriers of the theme's actions, once each. */
		struct ptrs carriers = {0};
		for (size_t k = 0; k < d->actions.n; k++) {
			const struct doc *a = d->actions.v[k];
			if (a->carrier)
				ptrs_add_unique(&carriers, a->carrier);
		}
		json_object_set_new(o, "carriers", contact_list(c, &carriers));
		ptrs_free(&carriers);
		json_array_append_new(situations, o);
	}
	json_object_set_new(v, "situations", situations);
	return v;
}

json_t *context_for_page(const struct site *s, const struct page_plan *plan,
			 const struct page *p, const struct context_options *o)
{
	struct cx c = {s, p->path, o, NULL, plan};
	switch (p->kind) {
	case PAGE_HOME: return home_page(&c);
	case PAGE_DOC: return doc_page(&c, p->subject);
	case PAGE_LIST_ACTIONS: return list_actions(&c);
	case PAGE_LIST_THEMES: return list_themes(&c);
	case PAGE_GUIDE_INDEX: return guide_index(&c);
	case PAGE_PAGES_INDEX: {
		json_t *v = base(&c, "À propos", NULL);
		json_object_set_new(v, "pages", all_docs(&c, DOC_PAGE));
		return v;
	}
	case PAGE_CONTACTS: return contacts_page(&c);
	case PAGE_CONTACT: return contact_page(&c, p->subject);
	case PAGE_GLOSSARY: return glossary_page(&c);
	case PAGE_BIBLIO: return biblio_page(&c);
	case PAGE_TAXA_INDEX: return taxa_index(&c, p->taxa_kind);
	case PAGE_TAXON: return taxon_page(&c, p->subject, p->taxa_kind);
	case PAGE_SEARCH: return simple_page(&c, "Recherche");
	case PAGE_NOT_FOUND: return not_found_page(&c, plan);
	case PAGE_WHAT_TO_DO: return what_to_do_page(&c);
	case PAGE_LIST_KIND: {
		const struct kind *desc = site_kind(s, p->taxa_kind);
		json_t *v = base(&c, desc->label_plural, NULL);
		json_object_set_new(v, "kind_label", json_string_nocheck(desc->label));
		json_object_set_new(v, "fiches", all_docs(&c, (enum doc_kind)p->taxa_kind));
		json_object_set_new(v, "count", json_integer((json_int_t)s->ndocs[p->taxa_kind]));
		return v;
	}
	}
	return json_object();
}
