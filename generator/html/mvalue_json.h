/*
 * Mustache values from JSON, for data that really is JSON: the spec's test
 * files, the preview server's panel, tests.
 */
#ifndef FICHES_MVALUE_JSON_H
#define FICHES_MVALUE_JSON_H

#include <jansson.h>

#include "mvalue.h"

/*
 * v as a Mustache value: objects and arrays are built in a, strings and
 * keys are borrowed from v (which must outlive the result). NULL is null.
 */
struct mval mval_from_json(struct arena *a, const json_t *v);

#endif
