/*
 * The booklets' appendices: the sigles its documents use, the contacts
 * they name, the bibliography; and one contact's entry, which a
 * document's « Pour prendre contact » shares.
 */
#include "layout_internal.h"
#include "layout_words.h"
#include "hyph.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Name, then e-mail (a mailto link), phone, address, site. */
void lay_contact_entry(struct lay *L, struct flow *f, const struct entry *e, int with_dest)
{
	double size = SIZE(contact);
	struct tb t;
	tb_init(&t, 0);
	size_t s0 = t.text.len;
	tb_put_text(L, &t, e->label, strlen(e->label));
	tb_attr(&t, pango_attr_weight_new(PANGO_WEIGHT_BOLD), s0);
	const char *role = lay_data_str(e->data, "role");
	if (e->organisation || role) {
		tb_put_raw(&t, " — ");
		if (role)
			tb_put_text(L, &t, role, strlen(role));
		if (e->organisation) {
			if (role)
				tb_put_raw(&t, ", ");
			tb_put_text(L, &t, e->organisation->label, strlen(e->organisation->label));
		}
	}
	static const char *const keys[] = {"email", "phone", "address", "website", "description", "note"};
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
		const char *v = lay_data_str(e->data, keys[k]);
		if (!v && k == 0)
			v = lay_data_str(e->data, "e-mail");
		if (!v)
			continue;
		tb_put_raw(&t, "\n");
		size_t s = t.text.len;
		if (k == 0) {
			hyph_address(v, strlen(v), &t.text);
			char *uri = xasprintf("mailto:%s", v);
			tb_add_link(&t, s, uri, NULL);
			free(uri);
		} else if (k == 3) {
			hyph_address(v, strlen(v), &t.text);
			tb_add_link(&t, s, v, NULL);
		} else {
			t.typo = (struct typo_state)TYPO_STATE_INIT;
			tb_put_text(L, &t, v, strlen(v));
		}
	}
	struct where w = {0, 0, 0, 0, NULL};
	struct blk *b = lay_text_blk(L, f, &t, &w, size, 0, 0, 0);
	b->atomic = 1;
	b->after = GAP(entry);
	if (with_dest)
		b->dest = xasprintf("contact-%s", e->id);
	tb_free(&t);
}

void lay_glossary(struct lay *L, struct flow *f)
{
	/* The sigles the booklet's documents use; every entry when it has none. */
	unsigned char *used = xcalloc(L->s->nglossary + 1, 1);
	int any = 0;
	for (size_t i = 0; i < L->b->nparts; i++) {
		const struct doc *doc = L->b->parts[i].doc;
		if (!doc)
			continue;
		any = 1;
		for (size_t j = 0; j < doc->glossary_used.n; j++) {
			const struct entry *e = doc->glossary_used.v[j];
			used[e - L->s->glossary] = 1;
		}
	}
	size_t count = 0;
	for (size_t i = 0; i < L->s->nglossary; i++)
		count += !any || used[i];
	if (count) {
		lay_band(L, f, NULL, WORDS_APPENDIX, WORDS_GLOSSARY, "annexe-sigles", 0);
		for (size_t i = 0; i < L->s->nglossary; i++) {
			if (any && !used[i])
				continue;
			const struct entry *e = &L->s->glossary[i];
			const char *exp = lay_data_str(e->data, "expansion");
			const char *def = lay_data_str(e->data, "definition");
			struct tb t;
			tb_init(&t, 1);
			tb_put_text(L, &t, e->label, strlen(e->label));
			tb_attr(&t, pango_attr_weight_new(PANGO_WEIGHT_BOLD), 0);
			if (exp) {
				tb_put_raw(&t, " — ");
				tb_put_text(L, &t, exp, strlen(exp));
			}
			if (def) {
				tb_put_raw(&t, "\n");
				size_t s = t.text.len;
				t.typo = (struct typo_state)TYPO_STATE_INIT;
				tb_put_text(L, &t, def, strlen(def));
				tb_attr(&t, pango_attr_foreground_new(0x44 * 257, 0x44 * 257, 0x44 * 257), s);
			}
			struct where w = {0, 0, 0, 0, NULL};
			struct blk *b = lay_text_blk(L, f, &t, &w, SIZE(contact), 0, 0, 1);
			b->after = GAP(entry);
			b->dest = xasprintf("sigle-%s", e->anchor);
			tb_free(&t);
		}
	}
	free(used);
}

void lay_contacts(struct lay *L, struct flow *f)
{
	struct ptrs seen = {0};
	for (size_t i = 0; i < L->b->nparts; i++) {
		const struct doc *doc = L->b->parts[i].doc;
		if (!doc || doc->kind != DOC_ACTION)
			continue;
		if (doc->carrier)
			ptrs_add_unique(&seen, doc->carrier);
		for (size_t j = 0; j < doc->contacts.n; j++)
			ptrs_add_unique(&seen, doc->contacts.v[j]);
	}
	if (!seen.n)
		for (size_t i = 0; i < L->s->ncontacts; i++)
			ptrs_add(&seen, &L->s->contacts[i]);
	if (seen.n) {
		lay_band(L, f, NULL, WORDS_APPENDIX, WORDS_CONTACTS, "annexe-contacts", 0);
		/* In contacts.yaml order, so the appendix reads like the web page. */
		for (size_t i = 0; i < L->s->ncontacts; i++)
			if (ptrs_contains(&seen, &L->s->contacts[i]))
				lay_contact_entry(L, f, &L->s->contacts[i], 1);
	}
	ptrs_free(&seen);
}

void lay_bibliography(struct lay *L, struct flow *f)
{
	if (!L->s->nbiblio)
		return;
	lay_band(L, f, NULL, WORDS_APPENDIX, WORDS_BIBLIOGRAPHY, "annexe-bibliographie", 0);
	for (size_t i = 0; i < L->s->nbiblio; i++) {
		const struct entry *e = &L->s->biblio[i];
		struct tb t;
		tb_init(&t, 1);
		const json_t *authors = json_object_get(e->data, "authors");
		for (size_t a = 0; json_is_array(authors) && a < json_array_size(authors); a++) {
			const char *name = json_string_value(json_array_get(authors, a));
			if (name) {
				tb_put_raw(&t, a ? ", " : "");
				tb_put_text(L, &t, name, strlen(name));
			}
		}
		const json_t *year = json_object_get(e->data, "year");
		if (json_is_integer(year))
			buf_printf(&t.text, " (%lld)", (long long)json_integer_value(year));
		tb_put_raw(&t, t.text.len ? ". " : "");
		size_t s = t.text.len;
		tb_put_text(L, &t, e->label, strlen(e->label));
		tb_attr(&t, pango_attr_style_new(PANGO_STYLE_ITALIC), s);
		static const char *const keys[] = {"journal", "publisher", "place"};
		for (size_t k = 0; k < 3; k++) {
			const char *v = lay_data_str(e->data, keys[k]);
			if (v) {
				tb_put_raw(&t, ", ");
				tb_put_text(L, &t, v, strlen(v));
			}
		}
		tb_put_raw(&t, ".");
		const char *url = lay_data_str(e->data, "url");
		if (url) {
			tb_put_raw(&t, " ");
			size_t u = t.text.len;
			hyph_address(url, strlen(url), &t.text);
			tb_add_link(&t, u, url, NULL);
		}
		struct where w = {0, 0, 0, 0, NULL};
		struct blk *b = lay_text_blk(L, f, &t, &w, SIZE(contact), 0, 0, 1);
		b->after = GAP(entry);
		b->dest = xasprintf("biblio-%s", e->anchor);
		tb_free(&t);
	}
}
