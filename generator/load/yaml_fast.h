/*
 * The parser events of a plain front matter, without libyaml.
 *
 * libyaml is the YAML parser of fiches (yaml.c). Most front matters are a
 * handful of "field: value" lines, "field: [a, b]" lists and a ">-"
 * summary, and libyaml took about 70 000 instructions for each (its
 * reader decodes every character, its scanner keeps a token queue): two
 * thirds of the load at 10 000 fiches. This reader recognises only that
 * shape and gives the events libyaml gives for it (the same types,
 * positions, values and styles: tests/unit/test_yaml_fast.c compares them
 * on the yaml-test-suite, every YAML text and front matter of the
 * repository and variants of them). Anything else, however harmless (a
 * comment, a quote, a tab, an empty value, a nested list, a blank line in
 * a block scalar), is left to libyaml: the reader says no and yaml.c
 * parses the text as before, errors and their messages included.
 */
#ifndef FICHES_YAML_FAST_H
#define FICHES_YAML_FAST_H

#include <stddef.h>
#include <yaml.h>

enum yaml_fast_type {
	YAML_FAST_STREAM_START,
	YAML_FAST_STREAM_END,
	YAML_FAST_DOCUMENT_START,
	YAML_FAST_DOCUMENT_END,
	YAML_FAST_SCALAR,
	YAML_FAST_SEQUENCE_START,
	YAML_FAST_SEQUENCE_END,
	YAML_FAST_MAPPING_START,
	YAML_FAST_MAPPING_END,
};

enum yaml_fast_style {
	YAML_FAST_PLAIN,
	YAML_FAST_LITERAL,  /* "|" */
	YAML_FAST_FOLDED,   /* ">" */
};

struct yaml_fast_event {
	enum yaml_fast_type type;
	size_t line, column;    /* of its start, 0-based, columns in characters (as libyaml's) */
	/* Scalars: the value, NUL-terminated, in the events' own storage. */
	const char *value;
	size_t length;
	enum yaml_fast_style style;
};

struct yaml_fast {
	struct yaml_fast_event *v;
	size_t n, cap;
	char *store;            /* every scalar's bytes and NUL */
	size_t store_len, store_cap;
};

/*
 * The events of text[0..len) (valid UTF-8, without a BOM) when it has the
 * shape above: returns 1 and fills f (yaml_fast_free frees it). Returns 0
 * otherwise, f then empty.
 */
int yaml_fast_events(const char *text, size_t len, struct yaml_fast *f);

void yaml_fast_free(struct yaml_fast *f);

/*
 * fe as libyaml would give it: yaml.c feeds its event loop with these,
 * and tests/unit/test_yaml_fast.c compares them with libyaml's. Its
 * strings are fe's, so e must not go through yaml_event_delete.
 */
void yaml_fast_event_as_libyaml(const struct yaml_fast_event *fe, yaml_event_t *e);

#endif
