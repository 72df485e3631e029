/*
 * One entry of a data file (contacts.yaml, glossary.yaml: a top-level list
 * of mappings, each with an `id`) changed in place: only that entry's
 * bytes change, and within it only the lines of the fields that changed
 * (the entry is edited as a front matter by edit_fm.h, then indented back),
 * so comments, order and quoting of every other entry stay byte for byte.
 * Pure text work, no file system: the workshop's forms (edit_data.c) and
 * the round-trip test use it.
 */
#ifndef FICHES_EDIT_DATA_H
#define FICHES_EDIT_DATA_H

#include <jansson.h>
#include <stddef.h>

/* Where an entry lies in its file. */
struct data_entry {
	char *id;                /* its `id` (owned), or NULL when it has none */
	size_t start, end;       /* bytes: the start of its "- " line to the end of its last line */
	size_t col;              /* bytes of the "- " prefix: its keys' indentation */
	int editable;            /* a block mapping the workshop can rewrite in place */
};

/*
 * The entries of the data file text[0..len), in order. Returns their
 * count and sets *out (caller data_entries_free's it), or returns -1 when
 * the text is not a YAML list of mappings.
 */
long data_entries(const char *text, size_t len, struct data_entry **out);
void data_entries_free(struct data_entry *v, size_t n);

/* The entry's fields as JSON (caller json_decref's), or NULL. */
json_t *data_entry_fields(const char *text, const struct data_entry *e);

/*
 * Sets the fields of values (an object: name -> string, integer, list of
 * strings, or null to remove) in entry e of text. Returns the whole new
 * text (caller frees), or NULL with *err a French sentence. A field whose
 * value is unchanged leaves its lines as they are.
 */
char *data_entry_set(const char *text, size_t len, const struct data_entry *e, const json_t *values,
		     size_t *out_len, const char **err);

/*
 * The text with a new entry holding values (id first, then in the given
 * order) added: before the first entry whose id sorts after it when the
 * file is sorted by id, else at the end. Caller frees; NULL with *err set.
 */
char *data_entry_add(const char *text, size_t len, const json_t *values, const char *const *order,
		     size_t *out_len, const char **err);

/* The text without entry index i (and the blank line after it). Caller frees. */
char *data_entry_remove(const char *text, size_t len, const struct data_entry *v, size_t n, size_t i,
			size_t *out_len);

#endif
