/*
 * Fuzz target: the search tokenizer and stemmer wrapper (search_fold.c,
 * search_stem.c): words split with search_is_word_char, folded, checked
 * against the stop words and stemmed with Snowball. Input: UTF-8 text
 * (invalid bytes decode as U+FFFD, as in utf8_decode). Checks that a
 * folded word is ASCII lower-case letters and digits.
 */
#include "buf.h"
#include "search.h"
#include "utf8.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t i = 0;
	while (i < size) {
		size_t start = i;
		uint32_t cp;
		size_t len = utf8_decode(s + i, size - i, &cp);
		if (!search_is_word_char(cp)) {
			i += len;
			continue;
		}
		while (i < size) {
			len = utf8_decode(s + i, size - i, &cp);
			if (!search_is_word_char(cp))
				break;
			i += len;
		}
		struct buf folded = BUF_INIT;
		search_fold(s + start, i - start, &folded);
		const char *f = buf_cstr(&folded);
		for (const char *c = f; *c; c++)
			assert((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9'));
		search_is_stop_word(f);
		free(search_stem(s + start, i - start));
		buf_free(&folded);
	}
	/* The whole input as one (possibly non-word) run too. */
	struct buf all = BUF_INIT;
	search_fold(s, size, &all);
	buf_free(&all);
	free(search_stem(s, size));
	return 0;
}
