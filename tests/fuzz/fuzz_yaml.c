/*
 * Fuzz target: the YAML loader (front matter and data files).
 *
 * Input: one option byte, then the YAML text. Option bits: 0 a stream of
 * documents (yaml_load_stream) instead of one, 1 a front-matter line
 * offset of 1, 2 look up the position of every value of the tree. Checks
 * that every error comes with a diagnostic and a success with a value.
 */
#include "diag.h"
#include "yaml.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void visit(const struct yaml_marks *m, json_t *v, int depth)
{
	int line, col;
	assert(depth <= YAML_MAX_DEPTH + 1);
	if (yaml_marks_find(m, v, &line, &col))
		assert(line >= 1 && col >= 1);
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x) {
			yaml_marks_find_key(m, v, k, &line, &col);
			visit(m, x, depth + 1);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) visit(m, x, depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned opt = data[0];
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	struct diag *d = diag_new();
	json_t *out = NULL;
	struct yaml_marks *marks = NULL;
	int offset = (opt & 2) ? 1 : 0;
	int rc = (opt & 1) ? yaml_load_stream("fuzz.yaml", text, len, offset, d, &out, &marks)
			   : yaml_load("fuzz.yaml", text, len, offset, d, &out, &marks);
	if (rc == 0) {
		assert(out != NULL);
		if (opt & 4)
			visit(marks, out, 0);
	} else {
		assert(out == NULL);
		assert(diag_errors(d) > 0);
	}
	json_decref(out);
	yaml_marks_free(marks);
	free(diag_to_string(d));
	diag_free(d);
	return 0;
}
