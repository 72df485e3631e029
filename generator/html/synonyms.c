/* The search's synonyms; see synonyms.h. */
#include "synonyms.h"
#include "i18n.h"
#include "load.h"
#include "path.h"
#include "search.h"
#include "utf8.h"
#include "xalloc.h"
#include "yaml.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whether s is one word as the search splits words (« shit », not « petit frère »). */
static int one_word(const char *s)
{
	size_t n = strlen(s), i = 0;
	if (!n)
		return 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k == 0 || !search_is_word_char(cp))
			return 0;
		i += k;
	}
	return 1;
}

/* Whether s holds at least one word the search can find. */
static int has_word(const char *s)
{
	size_t n = strlen(s), i = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k == 0)
			return 0;
		if (search_is_word_char(cp))
			return 1;
		i += k;
	}
	return 0;
}

/* Adds target (a string of value) to sy, or reports why not. Returns 1 when added. */
static int add_target(struct synonym *sy, const json_t *value, const char *word,
		      const char *display, const struct yaml_marks *marks, struct diag *d)
{
	int line = 0, col = 0;
	yaml_marks_find(marks, value, &line, &col);
	if (!json_is_string(value)) {
		diag_error(d, display, line, col,
			   _("the synonyms of '%s' must be words of the site, as text or as a list of texts"),
			   word);
		return 0;
	}
	const char *t = json_string_value(value);
	if (!has_word(t)) {
		diag_error(d, display, line, col, _("a synonym of '%s' is empty: write a word of the site"),
			   word);
		return 0;
	}
	ptrs_add(&sy->targets, xstrdup(t));
	return 1;
}

struct synonyms *synonyms_load(const struct site *s, struct diag *d)
{
	char *fs = path_join(s->content_dir, SYNONYMS_FILE);
	char *display = path_join("content", SYNONYMS_FILE);
	struct synonyms *syn = NULL;
	json_t *root = NULL;
	struct yaml_marks *marks = NULL;
	size_t len;
	char *text = access(fs, F_OK) == 0 ? load_text_file(fs, display, &len, d) : NULL;
	if (!text || yaml_load(display, text, len, 0, d, &root, &marks) < 0)
		goto out;
	syn = xcalloc(1, sizeof *syn);
	if (json_is_null(root))
		goto out; /* an empty file: no synonyms */
	const json_t *table = json_object_get(root, "synonymes");
	if (!json_is_object(root) || !json_is_object(table)) {
		int line = 1, col = 1;
		if (json_is_object(root))
			yaml_marks_find_key(marks, root, "synonymes", &line, &col);
		diag_error(d, display, line, col,
			   _("expected a 'synonymes:' table, one line per word, for example 'shit: cannabis'"));
		goto out;
	}
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v) {
		if (strcmp(key, "synonymes") != 0) {
			int line = 0, col = 0;
			yaml_marks_find_key(marks, root, key, &line, &col);
			diag_error(d, display, line, col, _("unknown key '%s': this file holds only 'synonymes:'"),
				   key);
		}
	}
	syn->v = xcalloc(json_object_size(table) + 1, sizeof *syn->v);
	json_object_foreach((json_t *)table, key, v) {
		int line = 0, col = 0;
		yaml_marks_find_key(marks, table, key, &line, &col);
		if (!one_word(key)) {
			diag_error(d, display, line, col,
				   _("'%s' is not one word: the search replaces one word at a time, write one word before ':'"),
				   key);
			continue;
		}
		struct synonym sy = {xstrdup(key), {0}};
		int ok = 1;
		if (json_is_array(v)) {
			size_t i;
			json_t *item;
			json_array_foreach(v, i, item)
				ok &= add_target(&sy, item, key, display, marks, d);
			if (!json_array_size(v)) {
				yaml_marks_find(marks, v, &line, &col);
				diag_error(d, display, line, col,
					   _("'%s' has no synonym: write a word of the site after ':'"), key);
				ok = 0;
			}
		} else if (json_is_null(v)) {
			diag_error(d, display, line, col,
				   _("'%s' has no synonym: write a word of the site after ':'"), key);
			ok = 0;
		} else {
			ok = add_target(&sy, v, key, display, marks, d);
		}
		if (ok && sy.targets.n) {
			syn->v[syn->n++] = sy;
		} else {
			for (size_t i = 0; i < sy.targets.n; i++)
				free(sy.targets.v[i]);
			ptrs_free(&sy.targets);
			free(sy.word);
		}
	}
out:
	json_decref(root);
	if (marks)
		yaml_marks_free(marks);
	free(text);
	free(display);
	free(fs);
	return syn;
}

void synonyms_free(struct synonyms *syn)
{
	if (!syn)
		return;
	for (size_t i = 0; i < syn->n; i++) {
		for (size_t k = 0; k < syn->v[i].targets.n; k++)
			free(syn->v[i].targets.v[k]);
		ptrs_free(&syn->v[i].targets);
		free(syn->v[i].word);
	}
	free(syn->v);
	free(syn);
}
