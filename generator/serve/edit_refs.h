/*
 * Where content/ refers to one document or one data entry, as byte ranges
 * of the files' text, so that the workshop can list the referrers (a
 * deletion is refused while there are any) or rewrite them (renumbering
 * and renaming a fiche).
 *
 * Links are found the way the build finds them, never by a pattern over
 * the whole text: Markdown bodies are parsed with the build's parser
 * (markdown.h) and every link node is resolved with the build's rules
 * (xref_parse, site_find_doc, md_paths_find); the YAML of front matters
 * and data files is read event by event with libyaml, each scalar known
 * by its place (a `themes:` list of a fiche-action, an `include:` item of
 * a booklet, a menu `href:`, a contact's `organisation:`, a text holding
 * Markdown). Only then is the reference located in the source bytes,
 * within the block or scalar it came from and outside code spans.
 */
#ifndef FICHES_EDIT_REFS_H
#define FICHES_EDIT_REFS_H

#include "model.h"

#include <stddef.h>

/* What is referred to, and for a rewrite, its new names. */
struct ref_target {
	const struct doc *doc;        /* a document, or NULL for an entry */
	enum target_kind entry_kind;  /* TARGET_CONTACT or TARGET_GLOSSARY when doc is NULL */
	const char *entry_id;
	int new_number;               /* 0: the number stays */
	const char *new_slug;         /* NULL: the slug stays */
	const char *new_file;         /* the new file name (no directory), NULL: stays */
	const char *new_entry_id;     /* an entry's new id, NULL: stays. For a glossary entry the
				       * sigle written in texts is a reference too (the build marks
				       * it up): those words are found and rewritten as well */
};

/* One reference in a file's text. */
struct ref_hit {
	size_t start, end;            /* bytes of what is replaced (a key, a path, a value) */
	int line;                     /* 1-based line of start */
	char *replacement;            /* new bytes, or NULL: the reference does not change */
};

/* A file holding references, with the text they were found in. */
struct ref_file {
	char *rel;                    /* relative to content/: "actions/06-x.md", "site.yaml" */
	char *text;                   /* its bytes as read (owned) */
	size_t len;
	struct ref_hit *hits;         /* in text order, no two overlapping */
	size_t nhits;
};

struct ref_scan {
	struct ref_file *files;
	size_t nfiles;
	char *problem;                /* French: a reference found but not located in the text, or NULL */
};

/*
 * Scans every document and YAML file of s for references to t. Files
 * without any are left out. Returns 0, or -1 when some file could not be
 * read (out->problem says which). Caller refs_free's out in both cases.
 */
int refs_scan(const struct site *s, const struct ref_target *t, struct ref_scan *out);
void refs_free(struct ref_scan *scan);

/* text with the hits' replacements applied (hits without one stay); caller frees. */
char *refs_apply(const struct ref_file *f, size_t *out_len);

/* Number of hits with a replacement over the whole scan. */
size_t refs_count_rewrites(const struct ref_scan *scan);

#endif
