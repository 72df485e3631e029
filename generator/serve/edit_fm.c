/* Front matter fields rewritten in place; see edit_fm.h. */
#include "edit_fm.h"

#include "buf.h"
#include "diag.h"
#include "load.h"
#include "xalloc.h"
#include "yaml.h"

#include <stdlib.h>
#include <string.h>

/* Folded text is wrapped at about this many columns. */
#define WRAP 80

/* A line of text: [start, end) without its '\n'; next is where the following one starts. */
struct line {
	size_t start, end, next;
};

static struct line line_at(const char *t, size_t len, size_t at)
{
	const char *nl = memchr(t + at, '\n', len - at);
	struct line l = {at, nl ? (size_t)(nl - t) : len, nl ? (size_t)(nl - t) + 1 : len};
	return l;
}

json_t *edit_fm_parse(const char *text, size_t len)
{
	const char *fm, *body;
	size_t fm_len;
	int off;
	if (load_split_front_matter(text, len, &fm, &fm_len, &body, &off) != 1)
		return NULL;
	struct diag *d = diag_new();
	json_t *meta = NULL;
	if (yaml_load("", fm, fm_len, 1, d, &meta, NULL) < 0)
		meta = NULL;
	diag_free(d);
	if (meta && !json_is_object(meta)) {
		json_decref(meta);
		meta = NULL;
	}
	return meta;
}

/* YAML 1.1 and 1.2 words a plain scalar must not be, lest it change type. */
static int special_word(const char *s)
{
	static const char *const words[] = {"true", "false", "yes", "no", "on", "off", "null",
					    "y", "n", "~", ""};
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strcasecmp(s, words[i]) == 0)
			return 1;
	/* Numbers, dates, .inf: anything starting like one is quoted. */
	return (s[0] >= '0' && s[0] <= '9') || ((s[0] == '-' || s[0] == '+' || s[0] == '.') &&
						 s[1] >= '0' && s[1] <= '9') ||
	       strcasecmp(s, ".inf") == 0 || strcasecmp(s, ".nan") == 0;
}

/* 1 when s can be written as a plain scalar (in a flow list too when flow). */
static int plain_ok(const char *s, int flow)
{
	size_t n = strlen(s);
	if (n == 0 || special_word(s) || s[0] == ' ' || s[n - 1] == ' ' ||
	    strchr("-?:,[]{}#&*!|>'\"%@`", s[0]))
		return 0;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7f)
			return 0;
		if (*p == ':' && (p[1] == ' ' || p[1] == '\0'))
			return 0;
		if (*p == '#' && p > s && p[-1] == ' ')
			return 0;
		if (flow && strchr(",[]{}", *p))
			return 0;
	}
	return 1;
}

static void put_scalar(struct buf *b, const char *s, int flow)
{
	if (plain_ok(s, flow)) {
		buf_puts(b, s);
		return;
	}
	buf_putc(b, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, *p);
		} else if (*p == '\n') {
			buf_puts(b, "\\n");
		} else if (*p == '\t') {
			buf_puts(b, "\\t");
		} else if ((unsigned char)*p < 0x20) {
			buf_printf(b, "\\x%02x", (unsigned char)*p);
		} else {
			buf_putc(b, *p);
		}
	}
	buf_putc(b, '"');
}

/* A folded block scalar: indicator then words wrapped at WRAP with indent. */
static void put_folded(struct buf *b, const char *indicator, const char *s, const char *indent)
{
	buf_printf(b, " %s\n", indicator);
	size_t col = 0;
	const char *p = s;
	buf_puts(b, indent);
	col = strlen(indent);
	size_t start_col = col;
	while (*p) {
		const char *sp = strchr(p, ' ');
		size_t w = sp ? (size_t)(sp - p) : strlen(p);
		if (col > start_col && col + 1 + w > WRAP) {
			buf_putc(b, '\n');
			buf_puts(b, indent);
			col = start_col;
		} else if (col > start_col) {
			buf_putc(b, ' ');
			col++;
		}
		buf_put(b, p, w);
		col += w;
		p += w;
		while (*p == ' ')
			p++;
	}
}

/* Whether a folded scalar can carry s unchanged: one paragraph, single spaces, no edge spaces. */
static int foldable(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || s[0] == ' ' || s[n - 1] == ' ' || strstr(s, "  ") || strchr(s, '\n') ||
	    strchr(s, '\t') || s[0] == '#')
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20)
			return 0;
	return 1;
}

/* How the field was written, to write it back the same way. */
struct style {
	int present;
	int block_list;            /* "key:\n  - a" */
	char item_indent[16];      /* the indentation before "- " */
	int block_scalar;          /* "key: >-" and the like */
	char indicator[4];
	char text_indent[16];
	int quoted;                /* '"' or '\'' when the scalar was quoted */
	const char *comment;       /* " # …" after a one-line value, into the text */
	size_t comment_len;
};

/*
 * The value of field key in the form the file had: writes "key:" and its
 * value, without the final newline.
 */
static int put_field(struct buf *b, const char *key, const json_t *value, const struct style *st)
{
	buf_puts(b, key);
	buf_putc(b, ':');
	if (json_is_integer(value)) {
		buf_printf(b, " %lld", (long long)json_integer_value(value));
	} else if (json_is_string(value)) {
		const char *s = json_string_value(value);
		if (st->block_scalar && st->indicator[0] == '>' && foldable(s)) {
			put_folded(b, st->indicator, s, st->text_indent[0] ? st->text_indent : "  ");
		} else if (!st->present && strlen(key) + 2 + strlen(s) > WRAP && foldable(s)) {
			put_folded(b, ">-", s, "  ");
		} else {
			buf_putc(b, ' ');
			put_scalar(b, s, 0);
		}
	} else if (json_is_array(value)) {
		size_t i;
		json_t *item;
		if (st->block_list) {
			json_array_foreach(value, i, item) {
				if (!json_is_string(item))
					return -1;
				buf_printf(b, "\n%s- ", st->item_indent);
				put_scalar(b, json_string_value(item), 0);
			}
		} else {
			buf_puts(b, " [");
			json_array_foreach(value, i, item) {
				if (!json_is_string(item))
					return -1;
				if (i)
					buf_puts(b, ", ");
				put_scalar(b, json_string_value(item), 1);
			}
			buf_putc(b, ']');
		}
	} else {
		return -1;
	}
	if (st->comment)
		buf_put(b, st->comment, st->comment_len);
	return 0;
}

static int removes(const json_t *v)
{
	return !v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)) ||
	       (json_is_array(v) && json_array_size(v) == 0);
}

/* The " # comment" ending a one-line value, outside quotes and brackets; NULL if none. */
static const char *trailing_comment(const char *from, const char *end)
{
	char quote = 0;
	for (const char *p = from; p < end; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '#' && p > from && (p[-1] == ' ' || p[-1] == '\t')) {
			const char *c = p - 1;
			while (c > from && (c[-1] == ' ' || c[-1] == '\t'))
				c--;
			return c;
		}
	}
	return NULL;
}

static void copy_indent(char *dst, size_t cap, const char *p, const char *end)
{
	size_t n = 0;
	while (p + n < end && p[n] == ' ' && n + 1 < cap)
		n++;
	memcpy(dst, p, n);
	dst[n] = '\0';
}

char *edit_fm_set(const char *text, size_t len, const char *name, const json_t *value,
		  size_t *out_len, const char **err)
{
	*err = NULL;
	json_t *before = edit_fm_parse(text, len);
	if (!before) {
		*err = "Le début du fichier (entre les lignes ---) est illisible\u202f: corrigez-le dans le texte d’abord.";
		return NULL;
	}
	json_t *current = json_object_get(before, name);
	if ((removes(value) && !current) || (current && value && json_equal(current, value))) {
		json_decref(before);
		*out_len = len;
		return xstrndup(text, len);
	}
	/* Lines of the front matter: after the first "---" line, up to the closing one. */
	struct line first = line_at(text, len, 0);
	size_t pos = first.next, key_start = 0, key_end = 0, close = 0;
	size_t nlen = strlen(name);
	struct style st = {0};
	while (pos < len) {
		struct line l = line_at(text, len, pos);
		const char *p = text + l.start;
		size_t n = l.end - l.start;
		if ((n >= 3 && (memcmp(p, "---", 3) == 0 || memcmp(p, "...", 3) == 0)) &&
		    strspn(p + 3, " \t") >= n - 3) {
			close = l.start;
			break;
		}
		if (!st.present && n > nlen && memcmp(p, name, nlen) == 0 &&
		    (p[nlen] == ':' || p[nlen] == ' ')) {
			size_t k = nlen;
			while (k < n && p[k] == ' ')
				k++;
			if (k < n && p[k] == ':' && (k + 1 == n || p[k + 1] == ' ' || p[k + 1] == '\t')) {
				st.present = 1;
				key_start = l.start;
				/* The value: the rest of the line, then indented lines or "- " items. */
				const char *v = p + k + 1;
				while (v < p + n && (*v == ' ' || *v == '\t'))
					v++;
				size_t end = l.next, last = l.end;
				size_t q = l.next;
				while (q < len) {
					struct line m = line_at(text, len, q);
					const char *mp = text + m.start;
					size_t mn = m.end - m.start;
					if (mn == 0 || strspn(mp, " \t") == mn) {
						q = m.next; /* blank: part of it only if more follows */
						continue;
					}
					if (mp[0] != ' ' && mp[0] != '\t' && mp[0] != '-')
						break;
					if (mp[0] == '-' && mn >= 3 && memcmp(mp, "---", 3) == 0)
						break;
					end = m.next;
					last = m.end;
					q = m.next;
				}
				key_end = end;
				if (v == p + n || *v == '#') {
					/* Block value: list or nothing. */
					struct line m = line_at(text, len, l.next);
					const char *mp = text + m.start;
					size_t ind = strspn(mp, " ");
					if (l.next < key_end && mp[ind] == '-') {
						st.block_list = 1;
						copy_indent(st.item_indent, sizeof st.item_indent, mp, text + m.end);
					}
				} else if (*v == '>' || *v == '|') {
					st.block_scalar = 1;
					size_t i = 0;
					while (i < 3 && v + i < p + n && v[i] != ' ' && v[i] != '#')
						i++;
					memcpy(st.indicator, v, i);
					st.indicator[i] = '\0';
					struct line m = line_at(text, len, l.next);
					copy_indent(st.text_indent, sizeof st.text_indent, text + m.start,
						    text + m.end);
				} else if (last == l.end) {
					/* One line: keep a comment after the value. */
					st.quoted = *v == '"' || *v == '\'';
					const char *c = trailing_comment(v, p + n);
					if (c) {
						st.comment = c;
						st.comment_len = (size_t)(p + n - c);
					}
				}
				pos = key_end;
				continue;
			}
		}
		pos = l.next;
	}
	if (!close && pos >= len) {
		json_decref(before);
		*err = "La fin du début de fichier (ligne ---) manque.";
		return NULL;
	}
	struct buf out = BUF_INIT;
	if (st.present) {
		buf_put(&out, text, key_start);
		if (!removes(value)) {
			if (put_field(&out, name, value, &st) < 0)
				goto refuse;
			buf_putc(&out, '\n');
		}
		buf_put(&out, text + key_end, len - key_end);
	} else {
		buf_put(&out, text, close);
		if (put_field(&out, name, value, &st) < 0)
			goto refuse;
		buf_putc(&out, '\n');
		buf_put(&out, text + close, len - close);
	}
	/* The check: the new text must say exactly what was asked, and nothing else changed. */
	json_t *after = edit_fm_parse(buf_cstr(&out), out.len);
	json_t *want = json_deep_copy(before);
	if (removes(value))
		json_object_del(want, name);
	else
		json_object_set(want, name, (json_t *)value);
	int same = after && json_equal(after, want);
	json_decref(after);
	json_decref(want);
	if (!same)
		goto refuse;
	json_decref(before);
	*out_len = out.len;
	return buf_detach(&out);
refuse:
	buf_free(&out);
	json_decref(before);
	*err = "Cette valeur ne peut pas être écrite sans risque ici\u202f: modifiez-la dans le texte.";
	return NULL;
}
