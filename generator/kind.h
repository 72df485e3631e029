/*
 * What a kind of content is, in one place: the Markdown kinds (fiche-action,
 * fiche thématique, guide chapter, page, and any kind a project declares in
 * site.yaml `kinds:`) and the data-file kinds (contact, glossary entry,
 * bibliography reference). Each descriptor gives the fields with their
 * types, the French labels, the content directory, the link scheme, the
 * output paths and how the kind shows in lists and booklets.
 *
 * Load, schema, xref, derive, the page plan and contexts, the sitemap, the
 * search index, the booklets and `fiches new` read these descriptors instead
 * of keeping their own lists; kind_describe_json gives them to the editor.
 * Tables end with an entry whose name is NULL: nobody counts lengths.
 */
#ifndef FICHES_KIND_H
#define FICHES_KIND_H

#include <jansson.h>
#include <stddef.h>

struct site;

/* Room for the built-in Markdown kinds and those a project adds. */
#define KINDS_MAX 16

enum field_type {
	FIELD_TEXT,      /* one line of text */
	FIELD_LONG_TEXT, /* a paragraph (inline Markdown) */
	FIELD_INT,       /* a whole number between min and max */
	FIELD_YEAR,      /* a year, 1900..2100 */
	FIELD_ENUM,      /* one of values (French synonyms accepted, see kind_enum_match) */
	FIELD_SLUG,      /* lower-case letters, digits and '-' */
	FIELD_URL,       /* an http:// or https:// address */
	FIELD_EMAIL,     /* an e-mail address (text) */
	FIELD_TAXON,     /* id(s) of a site.yaml taxonomy: ref is "logics", "publics" or "territories" */
	FIELD_CONTACT,   /* id(s) of contacts.yaml */
	FIELD_DOC,       /* id(s) or number(s) of documents of the kind whose name is ref */
	FIELD_INCLUDE,   /* guide: "actions", "themes", "action:N", "theme:ID" */
	FIELD_STRINGS,   /* a list of texts (authors) */
	FIELD_MONTH      /* a month and year: 2016-06, 06/2016, « juin 2016 » (base/month.h) */
};
#define FIELD_TYPES (FIELD_MONTH + 1)

/*
 * Each field type's name, as a project's kinds file writes it (load/kinds.c
 * reads it) and as the editor's forms read it (kind_json.c): one table, so
 * that the two can never disagree.
 */
extern const char *const kind_field_type_names[FIELD_TYPES];

/* Field flags. */
#define FIELD_REQUIRED 1u /* missing or empty is an error */
#define FIELD_LIST 2u     /* several values: a YAML list (one text stands for a list of one) */
#define FIELD_NUMBER_OK 4u /* data files: a number is accepted where text is expected (pages: 12) */

/* A value of an enumerated field. */
struct kind_value {
	const char *id;                /* as stored: "en-elaboration" */
	const char *label;             /* French, as shown: "En élaboration" */
	const char *const *synonyms;   /* other spellings coordinators type, NULL-ended, or NULL */
};

struct kind_field {
	const char *name;              /* YAML key */
	enum field_type type;
	unsigned flags;                /* FIELD_REQUIRED | FIELD_LIST | FIELD_NUMBER_OK */
	const char *label;             /* French label for forms: "Logique d’action" */
	const char *ref;               /* FIELD_TAXON: taxonomy key; FIELD_DOC: kind name */
	const char *noun;              /* English msgid naming one value in « unknown %s 'x' » */
	const struct kind_value *values; /* FIELD_ENUM: ended by {NULL} */
	int min, max;                  /* FIELD_INT, FIELD_YEAR */
	const char *initial;           /* value `fiches new` writes, or NULL (see new.c) */
};

/* How a document kind shows in lists and booklets. */
enum kind_list {
	LIST_NUMBERED, /* « Fiche-action 6 · Titre », own PDF, by number */
	LIST_ORDERED,  /* by file order (guide chapters: number = position) */
	LIST_PLAIN     /* by slug, title only (pages) */
};

/*
 * The search weight of the fiches and the guide, and of a project's own kind
 * declared with `search: true`: what habitants come for. Pages weigh 4,
 * contacts and the glossary 3, the bibliography 1 (a reference whose title
 * holds the word must not hide the fiches that explain it).
 */
#define KIND_SEARCH_DOCUMENT 6

struct kind {
	const char *name;          /* "action": link scheme (action:6), `fiches new` argument, site.json kind */
	const char *label;         /* « Fiche-action », « Chapitre »: before a number or as a type */
	const char *label_plural;  /* « Fiches-actions »: list page and booklet titles */
	const char *label_lower;   /* « fiche-action »: in running text (« voir fiche-action 6 ») */
	const char *noun;          /* English msgid for diagnostics: "fiche-action", "guide chapter" */
	const char *unknown_fmt;   /* English msgid, one sentence so translations agree in gender */
	const char *content_dir;   /* content/DIR/NN-SLUG.md, and the key of site.yaml `sections` */
	const char *out_dir;       /* pages at OUT_DIR/SLUG.html, list at OUT_DIR/index.html */
	const char *page_template; /* template of one document's page */
	const char *list_template; /* template of the list page, or NULL (built-in pages have their own) */
	const char *new_file;      /* `fiches new` file name, printf(number, slug), or NULL: not offered */
	enum kind_list list;
	int front_matter;          /* a document without front matter is an error */
	int search_weight;         /* 0: not in the search index; else its results' score is multiplied by it */
	const struct kind_field *fields; /* ended by {NULL} */
	/* Data kinds only (NULL for Markdown kinds). */
	const char *data_file;     /* "contacts.yaml" under content/ */
	const char *label_field;   /* the field naming an entry: "name", "expansion", "title" */
	const char *url_field;     /* the field holding its web address: "website", "url" */
	const char *out_page;      /* the page listing every entry: "glossaire.html" */
};

/*
 * The built-in Markdown kinds, indexed by enum doc_kind (model.h); the
 * data kinds by enum target_kind (TARGET_CONTACT..TARGET_BIBLIO).
 */
const struct kind *kind_builtin(int doc_kind);
const struct kind *kind_data(int target_kind);

/* The descriptor of a field, or NULL. */
const struct kind_field *kind_field(const struct kind *k, const char *name);

/* Number of fields (the table's own end marks it). */
size_t kind_nfields(const struct kind *k);

/*
 * The value of an enumerated field that text stands for: its id, its label
 * or one of its synonyms, compared without case, accents, spaces or
 * hyphens (« Terminée », « terminee », « en cours d'élaboration »).
 * NULL when none matches.
 */
const struct kind_value *kind_enum_match(const struct kind_field *f, const char *text);

/* The label of an enumerated value by id, or NULL. */
const char *kind_enum_label(const struct kind_field *f, const char *id);

/*
 * PDF file of one document (pdf/NAME-N-SLUG.pdf) for numbered kinds, or
 * NULL: the web page links it, the booklet stage writes it. Caller frees.
 */
struct doc;
char *kind_pdf_name(const struct doc *d);

/* The kinds of a site in order: the built-ins, then the project's. */
size_t site_nkinds(const struct site *s);
const struct kind *site_kind(const struct site *s, int doc_kind);
/* The kind whose name (link scheme) is name[0..n), or -1. */
int site_kind_by_name(const struct site *s, const char *name, size_t n);

/*
 * Every kind of a site as JSON, from which the editor builds its forms:
 *
 *   {"kinds": [KIND...], "data": [KIND...]}
 *   KIND   = {"name": "action", "label": "Fiche-action", "label_plural":
 *             "Fiches-actions", "dir": "actions", "sections": ["Acteurs", …],
 *             "fields": [FIELD...]}
 *   FIELD  = {"name": "status", "type": "enum", "label": "Avancement",
 *             "required": false, "list": false,
 *             "values": [{"id": "active", "label": "En cours"}, …],   (enum)
 *             "min": 1, "max": 99999,                         (int, year)
 *             "ref": "logics",                                (taxon, doc)
 *             "initial": "en-elaboration",                    (when a new one has it)
 *             "choices": [{"id": "…", "label": "…"}, …]}     (taxon, contact, doc, include)
 *
 * type is one of text, long-text, int, year, enum, slug, url, email, taxon,
 * contact, doc, include, strings. Data kinds carry "file" (contacts.yaml)
 * instead of "dir" and no "sections". choices list what a reference may
 * name now: taxonomy ids and labels, contact ids and names, documents'
 * slugs and titles (with "number" for numbered kinds), and for include
 * "actions", "themes", "action:N", "theme:SLUG". Keys without a value are
 * left out. Caller json_decref's it.
 */
json_t *kind_describe_json(const struct site *s);

#endif
