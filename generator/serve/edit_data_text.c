/* Data file entries rewritten in place; see edit_data.h. */
#include "edit_data.h"
#include "edit_fm.h"

#include "buf.h"
#include "load.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

void data_entries_free(struct data_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].id);
	free(v);
}

/* Character index (libyaml's marks) to byte offset. */
static size_t byte_of(const char *t, size_t len, size_t *ci, size_t *bi, size_t want)
{
	if (want < *ci)
		*ci = *bi = 0;
	while (*ci < want && *bi < len) {
		unsigned char c = (unsigned char)t[*bi];
		*bi += c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		(*ci)++;
	}
	return *bi < len ? *bi : len;
}

static size_t line_begin(const char *t, size_t at)
{
	while (at > 0 && t[at - 1] != '\n')
		at--;
	return at;
}

static size_t line_after(const char *t, size_t len, size_t at)
{
	const char *nl = memchr(t + at, '\n', len - at);
	return nl ? (size_t)(nl - t) + 1 : len;
}

static int blank_line(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

long data_entries(const char *text, size_t len, struct data_entry **out)
{
	*out = NULL;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		return -1; /* the loader takes it; the workshop does not rewrite such a file */
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		return -1;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	struct data_entry *v = NULL;
	size_t n = 0, ci = 0, bi = 0;
	int depth = 0, done = 0, bad = 0, want_id = 0, key_next = 0;
	int open = 0;             /* v[n] is an entry being read */
	size_t last = 0;          /* end of the last value of the current entry */
	while (!done) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			bad = 1;
			break;
		}
		size_t a = byte_of(text, len, &ci, &bi, ev.start_mark.index);
		size_t b = byte_of(text, len, &ci, &bi, ev.end_mark.index);
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (depth == 0 && ev.type != YAML_SEQUENCE_START_EVENT)
				bad = done = 1;
			else if (depth == 1 && ev.type != YAML_MAPPING_START_EVENT)
				bad = done = 1;
			else if (depth == 1) {
				v = xrealloc(v, (n + 1) * sizeof *v);
				size_t ls = line_begin(text, a);
				/* "- " before the first key, on its line: a block mapping in a block list. */
				const char *p = text + ls;
				size_t col = a - ls, dash = strspn(p, " ");
				int block = ev.data.mapping_start.style == YAML_BLOCK_MAPPING_STYLE && dash < col &&
					p[dash] == '-' && strspn(p + dash + 1, " ") == col - dash - 1;
				v[n] = (struct data_entry){NULL, ls, a, col, block};
				open = 1;
				last = a;
				key_next = 1;
			}
			if (depth == 2) {
				/* A nested list or mapping is this key's value. */
				key_next = 0;
				want_id = 0;
			}
			depth++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			if (depth == 1 && open) {
				/* The entry ends with the line of its last value. */
				size_t end = line_after(text, len, last > v[n].start ? last - 1 : last);
				/* A block scalar takes the blank lines after it: they separate entries. */
				while (end > v[n].start) {
					size_t ls = line_begin(text, end - 1);
					if (ls <= v[n].start || !blank_line(text + ls, end - ls))
						break;
					end = ls;
				}
				v[n].end = end;
				n++;
				open = 0;
			} else if (depth == 2) {
				last = b > last ? b : last;
				key_next = 1;
			}
			break;
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
			if (depth == 0)
				bad = done = 1;
			else if (depth == 1)
				bad = done = 1; /* a list item that is not a mapping */
			else {
				last = b > last ? b : last;
				if (depth == 2 && ev.type == YAML_SCALAR_EVENT) {
					const char *s = (const char *)ev.data.scalar.value;
					if (key_next) {
						want_id = strcmp(s, "id") == 0;
						key_next = 0;
					} else {
						if (want_id && !v[n].id)
							v[n].id = xstrdup(s);
						want_id = 0;
						key_next = 1;
					}
				}
			}
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (bad) {
		if (open)
			free(v[n].id); /* the entry being read when the text stopped parsing */
		data_entries_free(v, n);
		return -1;
	}
	*out = v;
	return (long)n;
}

/*
 * The entry as a front matter: "---\n", its lines without the "- " prefix
 * and the keys' indentation, "---\n". NULL when a line is less indented
 * than its keys (a comment at the margin inside the entry).
 */
static char *as_front_matter(const char *text, const struct data_entry *e, size_t *n)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "---\n");
	size_t at = e->start;
	int first = 1;
	while (at < e->end) {
		size_t next = line_after(text, e->end, at);
		const char *p = text + at;
		size_t ln = next - at;
		if (first) {
			buf_put(&b, p + e->col, ln - e->col);
			first = 0;
		} else if (blank_line(p, ln)) {
			buf_putc(&b, '\n');
		} else if (ln > e->col && strspn(p, " ") >= e->col) {
			buf_put(&b, p + e->col, ln - e->col);
		} else {
			buf_free(&b);
			return NULL;
		}
		at = next;
	}
	if (b.len && buf_cstr(&b)[b.len - 1] != '\n')
		buf_putc(&b, '\n');
	buf_puts(&b, "---\n");
	*n = b.len;
	return buf_detach(&b);
}

/* The front matter fm[0..n) back as an entry with prefix (e.g. "- ") and indentation col. */
static void as_entry(struct buf *out, const char *fm, size_t n, const char *prefix, size_t col,
		     int keep_final_newline)
{
	const char *yaml, *body;
	size_t yl;
	int off;
	load_split_front_matter(fm, n, &yaml, &yl, &body, &off);
	size_t at = 0;
	int first = 1;
	while (at < yl) {
		size_t next = line_after(yaml, yl, at);
		const char *p = yaml + at;
		size_t ln = next - at;
		if (first) {
			buf_put(out, prefix, col);
			first = 0;
		} else if (!blank_line(p, ln)) {
			for (size_t i = 0; i < col; i++)
				buf_putc(out, ' ');
		}
		if (next == yl && !keep_final_newline && ln && p[ln - 1] == '\n')
			ln--;
		buf_put(out, p, ln);
		at = next;
	}
}

json_t *data_entry_fields(const char *text, const struct data_entry *e)
{
	size_t n;
	char *fm = e->editable ? as_front_matter(text, e, &n) : NULL;
	json_t *v = fm ? edit_fm_parse(fm, n) : NULL;
	free(fm);
	return v;
}

char *data_entry_set(const char *text, size_t len, const struct data_entry *e, const json_t *values,
		     size_t *out_len, const char **err)
{
	*err = NULL;
	size_t n;
	char *fm = e->editable ? as_front_matter(text, e, &n) : NULL;
	if (!fm) {
		*err = "Cette entrée est écrite sous une forme que l’atelier ne sait pas modifier "
		       "(liste entre accolades, commentaire dans la marge)\u202f: modifiez-la dans le fichier.";
		return NULL;
	}
	const char *key;
	json_t *value;
	json_object_foreach((json_t *)values, key, value) {
		size_t m;
		char *next = edit_fm_set(fm, n, key, value, &m, err);
		if (!next) {
			free(fm);
			return NULL;
		}
		free(fm);
		fm = next;
		n = m;
	}
	/* The prefix exactly as it was ("- ", "  - "). */
	struct buf out = BUF_INIT;
	buf_put(&out, text, e->start);
	int had_newline = e->end > e->start && text[e->end - 1] == '\n';
	as_entry(&out, fm, n, text + e->start, e->col, had_newline);
	buf_put(&out, text + e->end, len - e->end);
	free(fm);
	*out_len = out.len;
	return buf_detach(&out);
}

char *data_entry_add(const char *text, size_t len, const json_t *values, const char *const *order,
		     size_t *out_len, const char **err)
{
	struct data_entry *v;
	long n = data_entries(text, len, &v);
	const char *id = json_string_value(json_object_get(values, "id"));
	if (n < 0 || !id) {
		*err = "Le fichier n’est pas une liste d’entrées que l’atelier sait compléter.";
		return NULL;
	}
	/* The entry alone, built as a front matter field by field. */
	static const char seed[] = "---\nid: x\n---\n";
	size_t fl = sizeof seed - 1;
	char *fm = xstrdup(seed);
	for (size_t i = 0; order[i] && fm; i++) {
		json_t *val = json_object_get(values, order[i]);
		if (!val || json_is_null(val))
			continue;
		size_t m;
		char *next = edit_fm_set(fm, fl, order[i], val, &m, err);
		free(fm);
		fm = next;
		fl = m;
	}
	if (!fm) {
		data_entries_free(v, (size_t)n);
		return NULL;
	}
	/* The indentation of the file's entries, "- " when it has none. */
	size_t col = n ? v[0].col : 2;
	const char *prefix = n ? text + v[0].start : "- ";
	/* Sorted files stay sorted. */
	int sorted = 1;
	for (long i = 1; i < n && sorted; i++)
		sorted = v[i - 1].id && v[i].id && strcasecmp(v[i - 1].id, v[i].id) <= 0;
	long before = -1;
	for (long i = 0; sorted && i < n && before < 0; i++)
		if (v[i].id && strcasecmp(v[i].id, id) > 0)
			before = i;
	struct buf out = BUF_INIT;
	if (before >= 0) {
		buf_put(&out, text, v[before].start);
		as_entry(&out, fm, fl, prefix, col, 1);
		buf_putc(&out, '\n');
		buf_put(&out, text + v[before].start, len - v[before].start);
	} else {
		buf_put(&out, text, len);
		if (len && text[len - 1] != '\n')
			buf_putc(&out, '\n');
		if (len)
			buf_putc(&out, '\n');
		as_entry(&out, fm, fl, prefix, col, 1);
	}
	free(fm);
	data_entries_free(v, (size_t)n);
	*out_len = out.len;
	return buf_detach(&out);
}

char *data_entry_remove(const char *text, size_t len, const struct data_entry *v, size_t n, size_t i,
			size_t *out_len)
{
	size_t a = v[i].start, b = v[i].end;
	/* The blank lines that separated it from the next entry go with it… */
	while (b < len) {
		size_t next = line_after(text, len, b);
		if (!blank_line(text + b, next - b) || (i + 1 < n && next > v[i + 1].start))
			break;
		b = next;
	}
	/* …or, for the last one, those before it. */
	if (i + 1 == n && b == len)
		while (a > 0) {
			size_t ls = line_begin(text, a - 1);
			if (!blank_line(text + ls, a - ls) || (i > 0 && ls < v[i - 1].end))
				break;
			a = ls;
		}
	struct buf out = BUF_INIT;
	buf_put(&out, text, a);
	buf_put(&out, text + b, len - b);
	*out_len = out.len;
	return buf_detach(&out);
}
