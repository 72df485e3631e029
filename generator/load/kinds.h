/*
 * A project's own kinds of document (site.yaml `kinds:`), read into
 * site->extra_kinds in the shape of the built-in descriptors (kind.h).
 */
#ifndef FICHES_KINDS_H
#define FICHES_KINDS_H

#include "diag.h"
#include "model.h"

/*
 * Adds the kinds described by value, read from path: a list of
 * descriptions (site.yaml `kinds:`, name NULL) or one description
 * (content/kinds/NAME.yaml, whose name defaults to NAME). Each mistake is
 * one error at its line and leaves that kind out. value and marks stay
 * the caller's and must live as long as the site (they are the site's).
 */
void kinds_add(struct site *s, const char *path, const struct yaml_marks *marks,
	       const json_t *value, const char *name, struct diag *d);

/* Once every kind is added: references between kinds. */
void kinds_finish(struct site *s, struct diag *d);

/* Frees what kinds_add allocated (site_free calls it). */
void kinds_free_project(struct site *s);

#endif
