/*
 * Schema stage: checks the loaded YAML against the content model of
 * DESIGN.md and interprets it into the typed fields of struct site and
 * struct doc (titles, numbers, taxonomies, data entries, front-matter
 * references). Every problem is a diagnostic at the value's position; the
 * stage always runs to the end so one build reports everything.
 */
#ifndef FICHES_SCHEMA_H
#define FICHES_SCHEMA_H

#include "diag.h"
#include "model.h"

/* site.yaml, the data files and every document's front matter. */
void schema_check(struct site *s, struct diag *d);

/*
 * One document's front matter, as schema_check does for each (after the
 * site, the data files and the documents it may name are checked):
 * serve's incremental rebuilds and the editor check one document alone.
 */
void schema_check_doc(struct site *s, struct doc *doc, struct diag *d);

/*
 * Duplicate numbers and slugs among the documents of kind, and numbers
 * that differ from the file name's (part of schema_check; serve's
 * incremental rebuilds repeat it, as its messages are at documents' paths).
 */
void schema_check_unique(struct site *s, enum doc_kind kind, struct diag *d);

/*
 * The ## sections site.yaml requires for each document type (after the
 * Markdown stage has collected headings). A missing one is a warning.
 */
void schema_check_sections(struct site *s, struct diag *d);
/* The same for one document. */
void schema_check_doc_sections(const struct site *s, const struct doc *doc, struct diag *d);

/*
 * Position of a front-matter value, or of its key, or of the front matter
 * itself when neither is known.
 */
void schema_where(const struct yaml_marks *marks, const json_t *obj,
		  const char *key, int *line, int *col);

/* « text », « a list »…: what a YAML value is, in a message (translated). */
const char *schema_type_name(const json_t *v);

#endif
