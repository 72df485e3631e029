/*
 * Fuzz target: the workshop's in-place edit of one data-file entry
 * (serve/edit_data.h), on any text.
 *
 * Input: the text of a data file. For every entry found with an id, sets
 * its "name" field, then removes it; checks that a success changes nothing
 * before the entry's first byte nor after its last one, and that the entry
 * is found again with the same id and the value asked.
 */
#include "edit_data.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void one(const char *text, size_t len, const struct data_entry *e, json_t *values, const char *want)
{
	size_t n;
	const char *err;
	char *out = data_entry_set(text, len, e, values, &n, &err);
	if (!out) {
		assert(err && *err);
		return;
	}
	/* Bytes before and after the entry are untouched. */
	assert(n >= e->start && memcmp(out, text, e->start) == 0);
	size_t tail = len - e->end;
	assert(n - e->start >= tail && memcmp(out + n - tail, text + e->end, tail) == 0);
	struct data_entry *v;
	long k = data_entries(out, n, &v);
	assert(k >= 0);
	int found = 0;
	for (long i = 0; i < k; i++) {
		if (!v[i].id || strcmp(v[i].id, e->id) != 0 || v[i].start != e->start)
			continue;
		json_t *f = data_entry_fields(out, &v[i]);
		const char *got = json_string_value(json_object_get(f, "name"));
		assert(want ? got && strcmp(got, want) == 0 : !got);
		json_decref(f);
		found = 1;
	}
	assert(found);
	data_entries_free(v, (size_t)k);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	struct data_entry *v;
	long n = data_entries(text, size, &v);
	for (long i = 0; i < n && i < 8; i++) {
		if (!v[i].id || !v[i].editable)
			continue;
		assert(v[i].start <= v[i].end && v[i].end <= size);
		json_t *set = json_pack("{s:s}", "name", "Nom « essai » : 1");
		one(text, size, &v[i], set, "Nom « essai » : 1");
		json_decref(set);
		json_t *del = json_pack("{s:n}", "name");
		one(text, size, &v[i], del, NULL);
		json_decref(del);
	}
	if (n > 0)
		data_entries_free(v, (size_t)n);
	free(text);
	return 0;
}
