/*
 * Atoms: the names the page views answer (html/context.c), numbered once
 * for the whole program, so that a template's name is resolved when the
 * template is compiled and a lookup compares one small integer, and a view
 * answers it with a jump on that integer instead of comparing strings.
 *
 * The list is only a shortcut: any other name (a project's own template
 * asking for a name nothing sets, a custom kind's fields, the spec's test
 * data) still works through its string, with no atom (MATOM_NONE). A name
 * of the list always gets its atom, wherever it comes from (a compiled
 * template, mobj_set with a string key, a JSON object's key), so a name has
 * exactly one key and equal names always match.
 *
 * Keep the list sorted in C (byte) order: matom_find searches it by halves
 * (tests/unit/test_mvalue.c checks the order).
 */
#ifndef FICHES_MATOM_H
#define FICHES_MATOM_H

#include <stddef.h>

#define MATOM_NAMES(X) \
	X(abstract_html) \
	X(action_count) \
	X(actions) \
	X(actions_href) \
	X(actions_several) \
	X(address_html) \
	X(address_map) \
	X(anchor) \
	X(authors_html) \
	X(body_has_contacts) \
	X(body_html) \
	X(booklets) \
	X(build_id) \
	X(canonical) \
	X(carrier) \
	X(carriers) \
	X(chapter_count) \
	X(chapters) \
	X(chapters_several) \
	X(cited_by) \
	X(colour) \
	X(contact) \
	X(contacts) \
	X(contacts_href) \
	X(count) \
	X(crumb) \
	X(current) \
	X(definition_html) \
	X(description) \
	X(description_html) \
	X(doc) \
	X(email) \
	X(emergencies) \
	X(expansion) \
	X(expansion_html) \
	X(fiches) \
	X(fields) \
	X(filter_publics) \
	X(filter_status) \
	X(filter_territories) \
	X(footer_html) \
	X(format) \
	X(glossary_href) \
	X(groups) \
	X(guide_href) \
	X(home_href) \
	X(how_html) \
	X(href) \
	X(id) \
	X(included_in) \
	X(includes) \
	X(index_href) \
	X(intro) \
	X(is_action) \
	X(is_home) \
	X(is_page) \
	X(is_person) \
	X(is_theme) \
	X(journal) \
	X(kind) \
	X(kind_label) \
	X(label) \
	X(label_html) \
	X(lang) \
	X(leaflets) \
	X(letter) \
	X(letter_anchor) \
	X(letters) \
	X(logic) \
	X(logics) \
	X(members) \
	X(name) \
	X(name_html) \
	X(nav) \
	X(next) \
	X(note_html) \
	X(number) \
	X(organisation) \
	X(organisations) \
	X(others) \
	X(page_title) \
	X(page_title_html) \
	X(pages) \
	X(pages_href) \
	X(part_html) \
	X(parts) \
	X(pdf_href) \
	X(pdf_size) \
	X(people) \
	X(phone) \
	X(phone_uri) \
	X(place) \
	X(prev) \
	X(print) \
	X(publics) \
	X(publisher) \
	X(references) \
	X(refs) \
	X(related) \
	X(role_html) \
	X(root) \
	X(search_href) \
	X(self) \
	X(several) \
	X(sigle) \
	X(since) \
	X(site) \
	X(site_dirs) \
	X(situations) \
	X(status_label) \
	X(subtitle_html) \
	X(summary_html) \
	X(taxa) \
	X(taxon) \
	X(terms) \
	X(territories) \
	X(text_html) \
	X(theme_count) \
	X(themes) \
	X(themes_href) \
	X(themes_several) \
	X(title) \
	X(title_html) \
	X(title_plain) \
	X(toc) \
	X(updated_phrase) \
	X(url) \
	X(website) \
	X(what_to_do_href) \
	X(year)

enum matom {
	MATOM_NONE,	/* a name outside the list */
#define MATOM_ENUM(name) MA_##name,
	MATOM_NAMES(MATOM_ENUM)
#undef MATOM_ENUM
	MATOM_COUNT
};

/* The atom of name[0..n), or MATOM_NONE when it is not in the list. */
unsigned matom_find(const char *name, size_t n);

/* The name of atom a (a < MATOM_COUNT, not MATOM_NONE) and its length. */
const char *matom_name(unsigned a);
size_t matom_len(unsigned a);

#endif
