/*
 * The content model: everything a build knows about a project, filled by
 * the load stage, checked by schema, linked by resolve and read by the
 * renderers. Strings are owned by their struct (freed by site_free);
 * pointers between records (struct doc *, struct entry *) are borrowed
 * from the site's arrays.
 */
#ifndef FICHES_MODEL_H
#define FICHES_MODEL_H

#include <jansson.h>
#include <stdatomic.h>
#include <stddef.h>

#include "keytab.h"
#include "kind.h"

struct yaml_marks;
struct gloss_index;
struct md_paths;
struct site_pages;

/*
 * The kinds of Markdown document: the four built-in ones, whose derived
 * relations (logics, themes ↔ actions, guide includes) are written for
 * them, then those a project declares (DOC_BUILTIN.., described in kind.h).
 * Arrays indexed by kind have DOC_KINDS slots; unused ones stay empty.
 */
enum doc_kind { DOC_ACTION, DOC_THEME, DOC_GUIDE, DOC_PAGE, DOC_BUILTIN, DOC_KINDS = KINDS_MAX };

/* The kinds of cross-reference target (link schemes). */
enum target_kind {
	TARGET_DOC,       /* action:, theme:, guide:, page:, relative .md links */
	TARGET_CONTACT,   /* contact: */
	TARGET_GLOSSARY,  /* glossary: */
	TARGET_BIBLIO,    /* biblio: */
	TARGET_TAXON      /* internal: a logique, public or territoire page */
};

/*
 * A growable array of borrowed pointers (no duplicates when added with
 * ptrs_add_unique). Once ptrs_add_unique sees PTRS_SET_MIN items, the list
 * also keeps a hash set of them, so that ptrs_contains and ptrs_add_unique
 * stay constant time on lists that grow with the corpus (a chapter
 * including every action, a page linking every fiche). Items are added
 * with ptrs_add* only and never removed but by ptrs_free; reordering v in
 * place (qsort) is fine. A list without a set may be taken over by its
 * caller (v, then ptrs nothing to free).
 */
struct ptrs {
	void **v;
	size_t n, cap;
	void **set;       /* open addressing, NULL slots empty; NULL until ptrs_add_unique needs it */
	size_t set_cap;   /* a power of two, more than twice the items */
};
#define PTRS_SET_MIN 16
void ptrs_add(struct ptrs *p, void *x);
void ptrs_add_unique(struct ptrs *p, void *x);
/* Adds x unless it is the last item: for lists filled one source at a time. */
void ptrs_add_unless_last(struct ptrs *p, void *x);
int ptrs_contains(const struct ptrs *p, const void *x);
void ptrs_free(struct ptrs *p);

struct doc;

/*
 * A link to a section of another document, waiting for its headings to be
 * known. target NULL: a relative link to the « Que faire si… » page, which
 * exists when a theme has a « Comment faire ? » section; anchor then holds
 * the link as written.
 */
struct anchor_check {
	struct doc *target;
	char *anchor;           /* owned */
	int line, col;
};

/* A ## or ### heading of a document, with its anchor. */
struct heading {
	char *text;       /* plain text of the heading */
	char *anchor;     /* unique within the document: slug of text, -2, -3 on repeats */
	int level;        /* 1..6 */
	int line;         /* file line */
};

/* A value of site.yaml's logics, publics or territories. */
struct taxon {
	char *id;
	char *label;
	char *label_html;   /* the label with French typography, as HTML (before rendering) */
	char *colour;       /* "#rrggbb" for logics, NULL otherwise */
	char *description;  /* optional one-liner (publics on the home page) */
	char *out_path;     /* its page, e.g. "logiques/mobilisation-habitants.html" */
	int is_logic;       /* 1 for logics (actions have one), 0 for publics/territories */
	struct ptrs docs;   /* struct doc *: fiches carrying it, in series order */
};

/* An entry of contacts.yaml, glossary.yaml or bibliography.yaml. */
struct entry {
	enum target_kind kind;  /* TARGET_CONTACT, TARGET_GLOSSARY or TARGET_BIBLIO */
	char *id;
	char *label;            /* name (contact), sigle (glossary), title (biblio) */
	char *label_html;       /* contacts: the name with French typography, as HTML (before rendering) */
	char *sigle_html;       /* glossary: its definition as pages carry it, when the same on every page */
	/*
	 * contacts: the texts of their card that are the same on every page,
	 * made once by context_prepare (html/context.c) when card_made; each
	 * is NULL when the contact has no such field.
	 */
	int card_made;
	char *role_html, *address_html, *address_map, *phone_uri;
	char *email, *phone, *website; /* as text: a string, or an integer in decimal */
	int is_person;          /* data's kind is "person" */
	char *anchor;           /* slug of the id, for glossary and bibliography anchors */
	char *out_path;         /* its page (contacts) or list page (others) */
	json_t *data;           /* the YAML mapping (owned reference) */
	int line, col;          /* position of the entry in its file */
	struct ptrs cited_by;   /* struct doc *: documents linking or listing it */
	struct ptrs actions;    /* contacts: struct doc * of actions naming it (carrier, contacts) */
	struct entry *organisation; /* contacts: the organisation of a person, or NULL */
	struct ptrs members;    /* contacts: people whose organisation this is */
	int used;               /* glossary: sigle found in some text */
};

/* One Markdown document: fiche-action, fiche-thématique, guide chapter or page. */
struct doc {
	enum doc_kind kind;
	const struct kind *desc; /* its descriptor (kind.h) */
	char *path;             /* as shown in diagnostics: "content/actions/06-x.md" */
	char *fs_path;          /* path to open */
	char *content_key;      /* its real path, "content/" first, from the load's listing; NULL: not listed (md_paths.c) */
	char *slug;             /* its id: front matter slug or file name without "NN-" */
	int number;             /* actions/themes: front matter number; guide: file order; pages: 0 */
	char *title;
	char *summary;          /* may be NULL for guide chapters and pages */
	size_t index;           /* position in site->docs[kind] */
	char *part;             /* guide: part title, or NULL */
	char *status;           /* actions: active | en-elaboration | terminee */
	int since;              /* actions: year, 0 when unknown */
	int updated_year, updated_month; /* front matter `updated`, 0 when absent */
	json_t *meta;           /* front matter mapping (owned) */
	struct yaml_marks *marks; /* positions of meta values (owned); NULL after
				     doc_release_source */
	int fm_line;            /* file line of the opening '---' (1), or 0 without front matter */
	int file_number;        /* the number its file name gives ("06-x.md": 6), 0 if none */
	int fm_broken;          /* the front matter could not be read (its error is reported):
				   the file name gives the number and slug, no field is checked */
	int body_offset;        /* file line = body_offset + line within body */
	char *body;             /* Markdown text after the front matter (owned); NULL once
				   a build has kept all it shows of it (doc_release_source) */
	size_t body_len;
	struct heading *headings; /* in document order (owned) */
	size_t nheadings;
	char *out_path;         /* e.g. "fiches-actions/habitants-a-l-epreuve-des-trafics.html" */

	/* Front matter references, resolved by schema.c. */
	struct taxon *logic;    /* actions */
	struct ptrs publics;    /* struct taxon * */
	struct ptrs territories;/* struct taxon * */
	struct entry *carrier;  /* actions: contact */
	struct ptrs contacts;   /* struct entry * (contacts) */
	struct ptrs fm_themes;  /* actions: struct doc * themes listed in front matter */
	struct ptrs fm_docs;    /* struct doc * other documents named by front-matter fields */
	struct ptrs includes;   /* guide: struct doc * fiches included after the body */

	/* Derived by derive.c. */
	struct ptrs themes;     /* actions: themes (front matter ∪ themes linking it) */
	struct ptrs actions;    /* themes: actions (listing it ∪ linked from its body) */
	struct ptrs links_to;   /* struct doc * this document links to */
	struct ptrs entries_cited; /* struct entry * (contacts, glossary, bibliography) it links to */
	struct anchor_check *anchor_checks; /* links to other documents' sections, checked later */
	size_t nanchor_checks;
	struct ptrs cited_by;   /* struct doc * linking to this one (backlinks) */
	struct ptrs related;    /* struct doc * of the same kind, most related first */
	struct ptrs glossary_used; /* struct entry * sigles found in its text */
	struct doc *prev, *next;/* neighbours in its series */
	struct doc *included_in;/* guide chapter including this fiche, or NULL */
};

/*
 * A document's keys as site_index_docs copies them, side by side in one
 * block per kind (site.doc_keys): what a lookup compares and what a link
 * takes, without reading the document. Copies stay right while the site
 * lives: a document read again in place keeps its slug, number and page
 * (incremental.c rebuilds everything when one of them changes).
 */
struct doc_key {
	struct doc *doc;        /* borrowed */
	const char *out_path;   /* in this record, after the slug; NULL without a page */
	size_t out_len;
	int number;
	unsigned slug_len;
	char slug[];            /* NUL-terminated, then out_path's copy */
};

/* A data entry as a link needs it: its page's path and its anchor (NULL: none), with their lengths. */
struct entry_target {
	struct entry *entry;
	const char *out_path, *anchor;
	size_t out_len, anchor_len;
};

/* A data entry's keys as site_index_entries copies them (site.entry_keys), as struct doc_key. */
struct entry_key {
	struct entry_target target; /* out_path and anchor: copies in this record, after the id */
	size_t id_len;
	char id[];              /* NUL-terminated, then out_path's and anchor's copies */
};

/* A YAML file of a content directory: a booklet (content/booklets/NAME.yaml) or a kind (content/kinds/). */
struct booklet {
	char *name;             /* file name without .yaml */
	char *path;             /* display path */
	json_t *data;           /* the YAML mapping (owned) */
	struct yaml_marks *marks;
};

/* Where a project's kind was described, for diagnostics (borrowed from the site). */
struct kind_source {
	const char *path;
	const struct yaml_marks *marks;
	const json_t *desc;
};

/* An entry of the main menu (site.yaml menus.main), resolved. */
struct menu_item {
	char *label;
	char *target;     /* output path, or an absolute URL when external */
	int external;
	char *section;    /* output path prefix that marks it current ("fiches-actions/") */
};

/* An emergency number of site.yaml `urgences`, shown on the « Que faire si… » page. */
struct emergency {
	char *label;        /* « Police secours » */
	char *number;       /* as written: « 17 », « 0 800 23 13 13 » */
	char *description;  /* optional: when to call, or NULL */
};

/* The whole project. */
struct site {
	char *root;             /* project root directory */
	char *content_dir;      /* root/content */
	char *content_real;     /* content_dir with symbolic links resolved (realpath) */
	json_t *config;         /* site.yaml (owned) */
	struct yaml_marks *config_marks;
	char *config_path;      /* "content/site.yaml" */
	char *title, *subtitle, *language, *footer, *base_url;
	/* title and subtitle typeset for every page by context_prepare, or NULL until then */
	char *title_plain, *title_html, *subtitle_html;
	/* footer rendered once by context_prepare when no page changes it (no link), else NULL */
	char *footer_html;
	int allow_html;         /* site.yaml allow_raw_html: true */

	struct taxon *logics, *publics, *territories;
	size_t nlogics, npublics, nterritories;

	struct kind *extra_kinds;    /* the project's own kinds (load/kinds.c), owned */
	struct kind_source *kind_sources; /* where each was described, index-aligned */
	struct ptrs dropped_kinds;   /* char * (owned): names of kinds left out for a mistake */
	size_t nextra_kinds;
	struct booklet *kind_files;  /* content/kinds/NAME.yaml as loaded (owned), see load/kinds.h */
	size_t nkind_files;
	struct doc **docs[DOC_KINDS]; /* per kind, sorted by number then slug */
	size_t ndocs[DOC_KINDS];

	struct entry *contacts, *glossary, *biblio;
	size_t ncontacts, nglossary, nbiblio;
	char *contacts_path, *glossary_path, *biblio_path;
	/* The data files as loaded (owned), interpreted by schema.c into the arrays above. */
	json_t *contacts_data, *glossary_data, *biblio_data;
	struct yaml_marks *contacts_marks, *glossary_marks, *biblio_marks;
	struct synonyms *synonyms; /* content/recherche.yaml (html/synonyms.h), owned; NULL: none */
	/*
	 * Definitions lost to an error already reported: entries of a data file
	 * or items of site.yaml dropped by the YAML loader (lost_ids: id -> true),
	 * or a whole file that could not be read (lost_all, indexed by
	 * enum target_kind; TARGET_TAXON for site.yaml). References to them are
	 * not reported again: one mistake, one message.
	 */
	json_t *lost_ids;       /* owned object, never NULL after load_site */
	int lost_all[TARGET_TAXON + 1];

	struct booklet *booklets;
	size_t nbooklets;

	struct menu_item *menu;      /* main menu; the default one when site.yaml has none */
	size_t nmenu;
	struct doc *intro;           /* the page presenting the démarche on the home page, or NULL */
	char *description;           /* site.yaml description (home page meta), or NULL */
	int updated_year, updated_month; /* site.yaml `updated`: the default date of the information */
	struct emergency *emergencies; /* site.yaml urgences, in order */
	size_t nemergencies;

	/*
	 * Lookup tables (keytab.h), built once by site_index_*: documents by
	 * slug and by number (a kind whose fiches are numbered), each kind's
	 * made once its documents are sorted (docs_indexed); data entries by
	 * id (contacts, glossary, bibliography; entries_indexed).
	 */
	struct keytab docs_by_slug[DOC_KINDS], docs_by_number[DOC_KINDS];
	struct doc_key *doc_keys[DOC_KINDS]; /* the tables' values: one block per kind (owned) */
	unsigned char docs_indexed[DOC_KINDS];
	/*
	 * Per kind, whether some slug is a key a number would read ("4501",
	 * a file named 4501.md): elsewhere a numeric key is no slug, and its
	 * look-up skips docs_by_slug.
	 */
	unsigned char digit_slugs[DOC_KINDS];
	struct keytab entries_by_id[3];
	struct entry_key *entry_keys[3]; /* their values: one block per table (owned) */
	int entries_indexed;
	struct md_paths *md_paths;       /* documents by path, for relative .md links (bodies_process) */
	_Atomic(struct site_pages *) pages; /* the page plan's paths, made when first asked (site_pages.h) */

	struct gloss_index *gloss;   /* over glossary ids */
	const char **sigles;         /* borrowed ids, index-aligned with glossary */

	/* The last build's public/site.json (owned), read by hints.c when an id is unknown. */
	json_t *history;
	int history_read;
	json_t *hints;               /* hints.c's hint per unknown id, made once (owned) */
};

/*
 * Builds the lookup tables of a kind once its documents are sorted and
 * their slugs and numbers final (again after a change of either); those
 * of the data entries once they are loaded. Lookups before then look
 * through the arrays. Where two documents share a slug or a number (an
 * error schema reports), the first in series order is found.
 */
void site_index_docs(struct site *s, enum doc_kind kind);
void site_index_entries(struct site *s);

/*
 * Lookups (NULL when absent), in constant time once indexed: a document of
 * kind by slug, or by number ("6", "06") for a numbered kind when no slug
 * is spelled so.
 */
struct doc *site_find_doc(const struct site *s, enum doc_kind kind, const char *slug_or_number);

/*
 * A document as a link needs it: the document and its page's path (NULL
 * when it has none) with the path's length.
 */
struct doc_target {
	struct doc *doc;
	const char *out_path;
	size_t out_len;
};

/*
 * site_find_doc for links: key (len bytes, NUL-terminated) found as
 * site_find_doc finds it; fills *t and returns 1, or 0 when absent. Once
 * indexed it reads no struct doc: the tables' values are compact copies of
 * each document's slug, number and page path (struct doc_key), side by
 * side, where the documents and their strings are spread over the heap
 * (a cache miss for the document, its slug and its path: most of a link's
 * cost at 10 000 fiches).
 */
int site_find_doc_target(const struct site *s, enum doc_kind kind, const char *key, size_t len,
			 struct doc_target *t);

/*
 * A link's target looked up ahead, in two steps, before site_find_doc_target
 * or site_find_entry_target finds it: at 10 000 fiches the tables' slots and
 * their values are cache misses (the most of a link's cost), one after the
 * other link by link; fetched for a run of links first, their misses
 * overlap. Step one fetches the key's slot: a probe is filled and 1
 * returned, or 0 when the kind is not indexed (nothing to fetch). Step
 * two, once step one ran for the run, fetches the value in that slot
 * when it holds the key's hash. Neither changes anything found.
 */
struct site_probe {
	const struct keytab *tab;
	uint64_t hash;
};
int site_probe_doc(const struct site *s, enum doc_kind kind, const char *key, size_t len,
		   struct site_probe *p);
int site_probe_entry(const struct site *s, enum target_kind kind, const char *id, size_t len,
		     struct site_probe *p);
void site_probe_value(const struct site_probe *p);
/*
 * site_find_doc_target and site_find_entry_target for a key that
 * site_probe_doc or site_probe_entry probed (returned 1): the same answer,
 * the key not hashed again.
 */
int site_find_doc_probed(const struct site *s, enum doc_kind kind, const char *key, size_t len,
			 const struct site_probe *p, struct doc_target *t);
int site_find_entry_probed(const struct site *s, enum target_kind kind, const char *id, size_t len,
			   const struct site_probe *p, struct entry_target *t);

/* Number of documents of every kind, and the i-th when the kinds are counted one after the other. */
size_t site_ndocs_all(const struct site *s);
struct doc *site_doc_at(const struct site *s, size_t i);
struct entry *site_find_entry(const struct site *s, enum target_kind kind, const char *id);

/*
 * site_find_entry for links: id (len bytes, NUL-terminated); fills *t and
 * returns 1, or 0 when absent. Once indexed it reads no struct entry (the
 * table keeps copies of each entry's id, path and anchor side by side, as
 * for the documents: struct entry_key).
 */
int site_find_entry_target(const struct site *s, enum target_kind kind, const char *id,
			   size_t len, struct entry_target *t);

/*
 * 1 when a reference to id (an entry of kind, or a taxon for TARGET_TAXON)
 * must not be reported as unknown: its definition was lost to an error
 * already reported (see lost_ids).
 */
int site_id_lost(const struct site *s, enum target_kind kind, const char *id);
struct taxon *site_find_taxon(struct taxon *v, size_t n, const char *id);
const struct heading *doc_find_anchor(const struct doc *d, const char *anchor);

/* The « Fiche-action 6 · Titre » label used for empty link texts. Caller frees. */
char *doc_display_title(const struct doc *d);

/*
 * Lets go of what only the checks of the bodies' pass read of d: its
 * Markdown (d->body) and its fields' positions (d->marks), both NULL after.
 * For a build that has kept all its pages show of d's body and will check
 * nothing again (html/body_store.h, body_store_release_as_kept).
 */
void doc_release_source(struct doc *d);
/* Frees a document and everything it owns (site_free calls it for each). */
void doc_free(struct doc *d);

void site_free(struct site *s);

#endif
