/* The content kinds' descriptors; see kind.h. */
#include "kind.h"
#include "i18n.h"
#include "model.h"
#include "slug.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

const char *const kind_field_type_names[FIELD_TYPES] = {
	[FIELD_TEXT] = "text", [FIELD_LONG_TEXT] = "long-text", [FIELD_INT] = "int",
	[FIELD_YEAR] = "year", [FIELD_ENUM] = "enum", [FIELD_SLUG] = "slug", [FIELD_URL] = "url",
	[FIELD_EMAIL] = "email", [FIELD_TAXON] = "taxon", [FIELD_CONTACT] = "contact",
	[FIELD_DOC] = "doc", [FIELD_INCLUDE] = "include", [FIELD_STRINGS] = "strings",
	[FIELD_MONTH] = "month",
};

/* ---- Values of enumerated fields ---------------------------------------- */

static const char *const active_synonyms[] = {"actif", "active", "en cours", "en-cours",
					      "en action", NULL};
static const char *const draft_synonyms[] = {"en elaboration", "en cours d'élaboration",
					     "en cours d’élaboration", "elaboration", "brouillon",
					     "en préparation", "en projet", NULL};
static const char *const done_synonyms[] = {"terminée", "terminé", "termine", "finie",
					    "fini", "achevée", "action terminée", NULL};

/*
 * One label per status, on the web and in the booklets (the print pages
 * said « En cours d'élaboration » and « Action terminée »).
 */
static const struct kind_value status_values[] = {
	{"active", "En cours", active_synonyms},
	{"en-elaboration", "En élaboration", draft_synonyms},
	{"terminee", "Terminée", done_synonyms},
	{NULL, NULL, NULL},
};

static const char *const person_synonyms[] = {"personne", "individu", "une personne", NULL};
static const char *const organisation_synonyms[] = {"organisation", "organisme", "structure",
						    "association", "organization", NULL};

static const struct kind_value contact_kind_values[] = {
	{"organisation", "Organisation", organisation_synonyms},
	{"person", "Personne", person_synonyms},
	{NULL, NULL, NULL},
};

/* ---- Markdown kinds ------------------------------------------------------ */

#define F_TITLE {.name = "title", .type = FIELD_TEXT, .flags = FIELD_REQUIRED, .label = "Titre"}
#define F_SLUG {.name = "slug", .type = FIELD_SLUG, .label = "Identifiant (adresse de la page)"}
/* The month the information dates from; site.yaml `updated` gives the default. */
#define F_UPDATED {.name = "updated", .type = FIELD_MONTH, .label = "Informations datant de (mois et année)"}
#define F_NUMBER {.name = "number", .type = FIELD_INT, .flags = FIELD_REQUIRED, \
	.label = "Numéro", .min = 1, .max = 99999}
#define F_PUBLICS {.name = "publics", .type = FIELD_TAXON, .flags = FIELD_LIST, \
	.label = "Publics", .ref = "publics", .noun = N_("public")}
#define F_TERRITORIES {.name = "territories", .type = FIELD_TAXON, .flags = FIELD_LIST, \
	.label = "Territoires", .ref = "territories", .noun = N_("territory")}
#define F_END {.name = NULL}

/* The order is the one of `fiches new` and of the editor's forms. */
static const struct kind_field action_fields[] = {
	F_NUMBER,
	F_TITLE,
	{.name = "summary", .type = FIELD_LONG_TEXT, .flags = FIELD_REQUIRED, .label = "Résumé"},
	{.name = "logic", .type = FIELD_TAXON, .flags = FIELD_REQUIRED, .label = "Logique d’action",
	 .ref = "logics", .noun = N_("logic")},
	{.name = "themes", .type = FIELD_DOC, .flags = FIELD_LIST, .label = "Fiches thématiques",
	 .ref = "theme", .noun = N_("theme")},
	{.name = "carrier", .type = FIELD_CONTACT, .label = "Porteur", .noun = N_("contact")},
	{.name = "contacts", .type = FIELD_CONTACT, .flags = FIELD_LIST, .label = "Contacts",
	 .noun = N_("contact")},
	{.name = "since", .type = FIELD_YEAR, .label = "Depuis (année)", .min = 1900, .max = 2100},
	F_TERRITORIES,
	F_PUBLICS,
	{.name = "status", .type = FIELD_ENUM, .label = "Avancement", .noun = N_("status"),
	 .values = status_values, .initial = "en-elaboration"},
	F_SLUG,
	F_UPDATED,
	F_END,
};

static const struct kind_field theme_fields[] = {
	F_NUMBER,
	F_TITLE,
	{.name = "summary", .type = FIELD_LONG_TEXT, .flags = FIELD_REQUIRED, .label = "Résumé"},
	F_PUBLICS,
	F_TERRITORIES,
	F_SLUG,
	F_UPDATED,
	F_END,
};

static const struct kind_field guide_fields[] = {
	F_TITLE,
	{.name = "part", .type = FIELD_TEXT, .label = "Partie"},
	{.name = "include", .type = FIELD_INCLUDE, .flags = FIELD_LIST,
	 .label = "Fiches incluses après le chapitre"},
	{.name = "summary", .type = FIELD_LONG_TEXT, .label = "Résumé"},
	F_SLUG,
	F_UPDATED,
	F_END,
};

static const struct kind_field page_fields[] = {
	F_TITLE,
	{.name = "summary", .type = FIELD_LONG_TEXT, .label = "Résumé"},
	F_SLUG,
	F_UPDATED,
	F_END,
};

static const struct kind builtin[DOC_BUILTIN] = {
	[DOC_ACTION] = {
		.name = "action", .label = "Fiche-action", .label_plural = "Fiches-actions",
		.label_lower = "fiche-action", .noun = N_("fiche-action"),
		.unknown_fmt = N_("unknown fiche-action '%s'"), .content_dir = "actions",
		.out_dir = "fiches-actions", .page_template = "action", .new_file = "%02d-%s.md",
		.list = LIST_NUMBERED, .front_matter = 1, .search_weight = KIND_SEARCH_DOCUMENT,
		.fields = action_fields,
	},
	[DOC_THEME] = {
		.name = "theme", .label = "Fiche thématique", .label_plural = "Fiches thématiques",
		.label_lower = "fiche thématique", .noun = N_("fiche thématique"),
		.unknown_fmt = N_("unknown fiche thématique '%s'"), .content_dir = "themes",
		.out_dir = "fiches-thematiques", .page_template = "theme", .new_file = "%d-%s.md",
		.list = LIST_NUMBERED, .front_matter = 1, .search_weight = KIND_SEARCH_DOCUMENT,
		.fields = theme_fields,
	},
	[DOC_GUIDE] = {
		.name = "guide", .label = "Chapitre", .label_plural = "Guide",
		.label_lower = "chapitre", .noun = N_("guide chapter"),
		.unknown_fmt = N_("unknown guide chapter '%s'"), .content_dir = "guide",
		.out_dir = "guide", .page_template = "chapter", .list = LIST_ORDERED,
		.front_matter = 1, .search_weight = KIND_SEARCH_DOCUMENT, .fields = guide_fields,
	},
	[DOC_PAGE] = {
		.name = "page", .label = "Page", .label_plural = "Pages", .label_lower = "page",
		.noun = N_("page"), .unknown_fmt = N_("unknown page '%s'"), .content_dir = "pages",
		.out_dir = "pages", .page_template = "page", .list = LIST_PLAIN,
		.search_weight = 4, .fields = page_fields,
	},
};

/* ---- Data kinds ------------------------------------------------------------ */

static const struct kind_field contact_fields[] = {
	{.name = "id", .type = FIELD_SLUG, .flags = FIELD_REQUIRED, .label = "Identifiant"},
	{.name = "name", .type = FIELD_TEXT, .flags = FIELD_REQUIRED, .label = "Nom"},
	{.name = "kind", .type = FIELD_ENUM, .label = "Personne ou organisation",
	 .noun = N_("contact kind"), .values = contact_kind_values},
	{.name = "organisation", .type = FIELD_CONTACT, .label = "Organisation",
	 .noun = N_("contact")},
	{.name = "role", .type = FIELD_TEXT, .label = "Rôle"},
	{.name = "description", .type = FIELD_LONG_TEXT, .label = "Description"},
	{.name = "email", .type = FIELD_EMAIL, .label = "Courriel"},
	{.name = "phone", .type = FIELD_TEXT, .label = "Téléphone"},
	{.name = "address", .type = FIELD_LONG_TEXT, .label = "Adresse"},
	{.name = "website", .type = FIELD_URL, .label = "Site web"},
	{.name = "note", .type = FIELD_LONG_TEXT, .label = "Note"},
	F_END,
};

static const struct kind_field glossary_fields[] = {
	{.name = "id", .type = FIELD_TEXT, .flags = FIELD_REQUIRED, .label = "Sigle"},
	{.name = "expansion", .type = FIELD_TEXT, .flags = FIELD_REQUIRED,
	 .label = "Forme développée"},
	{.name = "definition", .type = FIELD_LONG_TEXT, .label = "Définition"},
	{.name = "url", .type = FIELD_URL, .label = "Site web"},
	F_END,
};

static const struct kind_field biblio_fields[] = {
	{.name = "id", .type = FIELD_SLUG, .flags = FIELD_REQUIRED, .label = "Identifiant"},
	{.name = "authors", .type = FIELD_STRINGS, .flags = FIELD_LIST, .label = "Auteurs"},
	{.name = "title", .type = FIELD_TEXT, .flags = FIELD_REQUIRED, .label = "Titre"},
	{.name = "year", .type = FIELD_YEAR, .flags = FIELD_NUMBER_OK, .label = "Année"},
	{.name = "publisher", .type = FIELD_TEXT, .label = "Éditeur"},
	{.name = "journal", .type = FIELD_TEXT, .label = "Revue"},
	{.name = "place", .type = FIELD_TEXT, .label = "Lieu"},
	{.name = "url", .type = FIELD_URL, .label = "Adresse web"},
	{.name = "abstract", .type = FIELD_LONG_TEXT, .label = "Résumé"},
	{.name = "note", .type = FIELD_LONG_TEXT, .label = "Note"},
	{.name = "pages", .type = FIELD_TEXT, .flags = FIELD_NUMBER_OK, .label = "Pages"},
	{.name = "volume", .type = FIELD_TEXT, .flags = FIELD_NUMBER_OK, .label = "Volume"},
	F_END,
};

static const struct kind data_kinds[] = {
	{
		.name = "contact", .label = "Contact", .label_plural = "Contacts",
		.label_lower = "contact", .noun = N_("contact"), .out_dir = "contacts",
		.page_template = "contact", .search_weight = 3, .fields = contact_fields,
		.data_file = "contacts.yaml", .label_field = "name", .url_field = "website",
		.out_page = "contacts/index.html",
	},
	{
		.name = "glossary", .label = "Glossaire", .label_plural = "Glossaire",
		.label_lower = "sigle", .noun = N_("glossary entry"), .search_weight = 3,
		.fields = glossary_fields, .data_file = "glossary.yaml",
		.label_field = "expansion", .url_field = "url", .out_page = "glossaire.html",
	},
	{
		.name = "biblio", .label = "Bibliographie", .label_plural = "Bibliographie",
		.label_lower = "référence", .noun = N_("bibliography entry"), .search_weight = 1,
		.fields = biblio_fields, .data_file = "bibliography.yaml", .label_field = "title",
		.url_field = "url", .out_page = "bibliographie.html",
	},
};

const struct kind *kind_builtin(int doc_kind)
{
	return doc_kind >= 0 && doc_kind < DOC_BUILTIN ? &builtin[doc_kind] : NULL;
}

const struct kind *kind_data(int target_kind)
{
	switch (target_kind) {
	case TARGET_CONTACT: return &data_kinds[0];
	case TARGET_GLOSSARY: return &data_kinds[1];
	case TARGET_BIBLIO: return &data_kinds[2];
	default: return NULL;
	}
}

const struct kind_field *kind_field(const struct kind *k, const char *name)
{
	for (const struct kind_field *f = k->fields; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

size_t kind_nfields(const struct kind *k)
{
	size_t n = 0;
	while (k->fields[n].name)
		n++;
	return n;
}

/* Case, accents, spaces, apostrophes and hyphens aside: the slug of the text. */
static int same_folded(const char *folded, const char *candidate)
{
	char *c = slug_from_text(candidate, strlen(candidate));
	int same = strcmp(folded, c) == 0;
	free(c);
	return same;
}

const struct kind_value *kind_enum_match(const struct kind_field *f, const char *text)
{
	if (!f->values || !text)
		return NULL;
	for (const struct kind_value *v = f->values; v->id; v++)
		if (strcmp(v->id, text) == 0)
			return v;
	char *folded = slug_from_text(text, strlen(text));
	const struct kind_value *found = NULL;
	for (const struct kind_value *v = f->values; v->id && !found && *folded; v++) {
		if (same_folded(folded, v->id) || same_folded(folded, v->label))
			found = v;
		for (const char *const *syn = v->synonyms; syn && *syn && !found; syn++)
			if (same_folded(folded, *syn))
				found = v;
	}
	free(folded);
	return found;
}

const char *kind_enum_label(const struct kind_field *f, const char *id)
{
	for (const struct kind_value *v = f->values; v && v->id; v++)
		if (strcmp(v->id, id) == 0)
			return v->label;
	return NULL;
}

char *kind_pdf_name(const struct doc *d)
{
	if (d->desc->list != LIST_NUMBERED)
		return NULL;
	return xasprintf("%s-%d-%s", d->desc->name, d->number, d->slug);
}

size_t site_nkinds(const struct site *s)
{
	return DOC_BUILTIN + s->nextra_kinds;
}

const struct kind *site_kind(const struct site *s, int doc_kind)
{
	if (doc_kind < DOC_BUILTIN)
		return kind_builtin(doc_kind);
	return &s->extra_kinds[doc_kind - DOC_BUILTIN];
}

int site_kind_by_name(const struct site *s, const char *name, size_t n)
{
	for (size_t k = 0; k < site_nkinds(s); k++) {
		const char *kn = site_kind(s, (int)k)->name;
		if (strlen(kn) == n && strncmp(kn, name, n) == 0)
			return (int)k;
	}
	return -1;
}
