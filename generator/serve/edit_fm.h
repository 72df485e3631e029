/*
 * One front matter field changed by the editor's form, in place: only the
 * lines of that field change; comments, the order of keys, their quoting
 * and the body stay byte for byte. The result is parsed again and refused
 * unless it holds exactly the requested value and every other field as it
 * was, so a form edit can never damage a file.
 */
#ifndef FICHES_EDIT_FM_H
#define FICHES_EDIT_FM_H

#include <jansson.h>
#include <stddef.h>

/*
 * Sets field name of the front matter of text[0..len) to value (a string,
 * an integer, or an array of strings; null or "" or [] removes the field).
 * A value equal to the current one leaves the text as it is. Returns the
 * new text (caller frees, *out_len set), or NULL with *err set to a French
 * sentence (no front matter, the YAML does not parse, a value that cannot
 * be written safely).
 */
char *edit_fm_set(const char *text, size_t len, const char *name, const json_t *value,
		  size_t *out_len, const char **err);

/* The front matter of text as JSON (caller json_decref's it), or NULL. */
json_t *edit_fm_parse(const char *text, size_t len);

#endif
