/*
 * YAML to jansson values, with the source position of every value.
 *
 * Front matter and data files are parsed with libyaml into json_t trees.
 * Scalars are resolved with the YAML 1.2 core schema (see README: YAML
 * 1.1 vs 1.2); anchors and aliases are expanded; duplicate keys are
 * errors. Inputs are bounded (YAML_MAX_* below): an alias bomb, very deep
 * nesting or a huge file is refused with a diagnostic, never a crash or an
 * exhausted machine.
 *
 * No libyaml type appears in this header.
 */
#ifndef FICHES_YAML_H
#define FICHES_YAML_H

#include <jansson.h>
#include <stddef.h>

#include "diag.h"

#define YAML_MAX_BYTES (4u << 20)   /* a data file larger than 4 MiB is not content */
#define YAML_MAX_DEPTH 64           /* nesting of mappings and sequences */
#define YAML_MAX_NODES 1000000      /* values after alias expansion: stops billion-laughs */

/* Where each value of a loaded tree came from. */
struct yaml_marks;

/*
 * Parses the single YAML document in text[0..len). path names the file in
 * diagnostics; line_offset is added to every line (the front matter of a
 * Markdown file starts on line 2, so its offset is 1). On success returns 0,
 * sets *out (caller json_decref's it; an empty document gives json null) and,
 * when marks is not NULL, *marks (caller yaml_marks_free's it). On error,
 * reports it as path:line:col to d, sets *out to NULL and returns -1.
 */
int yaml_load(const char *path, const char *text, size_t len, int line_offset,
	      struct diag *d, json_t **out, struct yaml_marks **marks);

/*
 * Like yaml_load for a stream of zero or more documents: *out is a JSON
 * array with one value per document.
 */
int yaml_load_stream(const char *path, const char *text, size_t len,
		     int line_offset, struct diag *d, json_t **out,
		     struct yaml_marks **marks);

/*
 * Like yaml_load for a whole file, recovering from mistakes inside list
 * items: when the error lies in an item of a list (an entry of
 * contacts.yaml, a {id, label} of site.yaml), that item is dropped, its
 * ids ("id: x") are added to the object lost (id -> true), and the rest is
 * loaded again, so one slip loses one entry with one message. Returns 0
 * when the rest loads (errors for dropped items are reported), -1 as
 * yaml_load otherwise.
 */
int yaml_load_recover(const char *path, const char *text, size_t len, struct diag *d,
		      json_t **out, struct yaml_marks **marks, json_t *lost);

/*
 * The position (1-based line and column, offset included) where value
 * starts. value must belong to the tree the marks were made with. Returns
 * 1 when found, 0 otherwise (e.g. for jansson's shared true/false/null).
 */
int yaml_marks_find(const struct yaml_marks *m, const json_t *value,
		    int *line, int *col);

/* The position of key in the mapping obj. Returns 1 when found. */
int yaml_marks_find_key(const struct yaml_marks *m, const json_t *obj,
			const char *key, int *line, int *col);

void yaml_marks_free(struct yaml_marks *m);

#endif
