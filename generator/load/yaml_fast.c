/*
 * The events of a plain front matter; see yaml_fast.h.
 *
 * What is read here, every line of it at column 0 or inside a block
 * scalar, and nothing else:
 *
 *     field: a plain value        (one line; no ": ", " #", [ ] { }, no
 *                                  indicator first, no trailing ':')
 *     field: [a, b c, d]          (one line; items without : # [ ] { }
 *                                  nor an indicator first; [] empty)
 *     field: >-                   (or >, | and |-: lines all indented
 *       text text                  alike, no blank line, no trailing
 *       text                       space; clipped ones end with a newline)
 *
 * with blank lines between fields, printable characters only (no tab, no
 * CR, no C1 control, no line or paragraph separator, no BOM, nothing
 * beyond U+FFFF: what libyaml treats apart), and field names of letters,
 * digits, '_' and '-'. Whatever else a text holds sends it to libyaml.
 */
#include "yaml_fast.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Longest field name read here (libyaml's simple keys stop at 1024 characters). */
#define MAX_KEY 128

/* printable's test of the byte t[i] (a continuation byte passes: its lead was tested). */
static int printable_byte(const unsigned char *t, size_t i)
{
	unsigned char c = t[i];
	if ((c >= 0x20 && c < 0x7F) || c == '\n' || (c >= 0x80 && c < 0xC0))
		return 1;
	if (c < 0x80 || c >= 0xF0)
		return 0;   /* controls, tab, CR, DEL; beyond U+FFFF */
	if (c == 0xC2 && t[i + 1] < 0xA0)
		return 0;   /* C1 controls, NEL */
	if (c == 0xE2 && t[i + 1] == 0x80 && (t[i + 2] == 0xA8 || t[i + 2] == 0xA9))
		return 0;   /* line and paragraph separators */
	if (c == 0xEF && ((t[i + 1] == 0xBB && t[i + 2] == 0xBF) ||
			  (t[i + 1] == 0xBF && t[i + 2] >= 0xBE)))
		return 0;   /* BOM, U+FFFE, U+FFFF */
	return 1;
}

/*
 * Every byte is one libyaml reads as a printable character of a line, or
 * a '\n'. The text is valid UTF-8 (yaml.c checked it).
 */
static int printable(const unsigned char *t, size_t len)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	size_t i = 0;
	for (;;) {
		/* Eight bytes at a time while they are all in 0x20..0x7E (no '\n' either). */
		while (i + 8 <= len) {
			uint64_t x, del;
			memcpy(&x, t + i, 8);
			del = x ^ (0x7F * ones);
			if ((x & highs) || ((x - 0x20 * ones) & ~x & highs) || ((del - ones) & ~del & highs))
				break;
			i += 8;
		}
		if (i >= len)
			return 1;
		/* The word that stopped it, a byte at a time. */
		for (size_t end = i + 8 < len ? i + 8 : len; i < end; i++)
			if (!printable_byte(t, i))
				return 0;
	}
}

/* Characters (not bytes) in s[0..n): libyaml's columns. */
static size_t columns(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* The bytes that end an item of a flow sequence, or refuse it. */
static const unsigned char flow_stop[256] = {
	[','] = 1, [']'] = 1, ['#'] = 1, [':'] = 1, ['['] = 1, ['{'] = 1, ['}'] = 1,
};

/* The bytes a plain value is looked at more closely for. */
static const unsigned char plain_special[256] = {
	['['] = 1, [']'] = 1, ['{'] = 1, ['}'] = 1, [':'] = 1, ['#'] = 1,
};

static int key_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static int key_char(char c)
{
	return key_start(c) || c == '-';
}

/* Characters that mean something at the start of a plain scalar. */
static int indicator(char c)
{
	return c && strchr("-?:,[]{}#&*!|>'\"%@`", c) != NULL;
}

static void push(struct yaml_fast *f, enum yaml_fast_type type, size_t line, size_t column)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 32;
		f->v = xrealloc(f->v, f->cap * sizeof *f->v);
	}
	f->v[f->n++] = (struct yaml_fast_event){.type = type, .line = line, .column = column};
}

/* A scalar whose bytes (length n) were just written at the end of the store. */
static void push_scalar_written(struct yaml_fast *f, size_t line, size_t column,
				enum yaml_fast_style style, size_t n)
{
	push(f, YAML_FAST_SCALAR, line, column);
	struct yaml_fast_event *e = &f->v[f->n - 1];
	e->value = f->store + f->store_len;
	e->length = n;
	e->style = style;
	f->store[f->store_len + n] = '\0';
	f->store_len += n + 1;
}

static void push_scalar(struct yaml_fast *f, size_t line, size_t column,
			enum yaml_fast_style style, const char *s, size_t n)
{
	memcpy(f->store + f->store_len, s, n);
	push_scalar_written(f, line, column, style, n);
}

/* A one-line plain value s[0..n), s[0] not a space. */
static int plain_value(struct yaml_fast *f, const char *s, size_t n, size_t line, size_t column)
{
	if (indicator(s[0]))
		return 0;
	while (s[n - 1] == ' ')
		n--;
	if (s[n - 1] == ':')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (plain_special[(unsigned char)c] &&
		    ((c != ':' && c != '#') || (c == ':' && s[i + 1] == ' ') ||
		     (c == '#' && s[i - 1] == ' ')))
			return 0;
	}
	push_scalar(f, line, column, YAML_FAST_PLAIN, s, n);
	return 1;
}

/* "[a, b]" at s[v], the rest of the line s[0..n): one item a scalar. */
static int flow_sequence(struct yaml_fast *f, const char *s, size_t n, size_t v, size_t line)
{
	/* Columns counted once along the line: col is that of s[at]. */
	size_t at = v, col = columns(s, v);
	push(f, YAML_FAST_SEQUENCE_START, line, col);
	size_t i = v + 1;
	while (i < n && s[i] == ' ')
		i++;
	if (i < n && s[i] == ']') {
		i++;
	} else {
		for (;;) {
			if (i >= n || indicator(s[i]))
				return 0;
			size_t j = i;
			while (j < n && !flow_stop[(unsigned char)s[j]])
				j++;
			if (j == n || (s[j] != ',' && s[j] != ']'))
				return 0;
			size_t e = j;
			while (s[e - 1] == ' ')
				e--;
			col += columns(s + at, i - at);
			at = i;
			push_scalar(f, line, col, YAML_FAST_PLAIN, s + i, e - i);
			i = j + 1;
			if (s[j] == ']')
				break;
			while (i < n && s[i] == ' ')
				i++;
		}
	}
	while (i < n && s[i] == ' ')
		i++;
	if (i != n)
		return 0;
	push(f, YAML_FAST_SEQUENCE_END, line, col + columns(s + at, n - at));
	return 1;
}

/* Offset of the end of the line at pos (its '\n' or len). */
static size_t line_end(const char *t, size_t len, size_t pos)
{
	const char *nl = memchr(t + pos, '\n', len - pos);
	return nl ? (size_t)(nl - t) : len;
}

/*
 * A block scalar whose indicator is at s[v] on line *line, s[0..n) that
 * line; its text is on the next lines, from *pos. Moves *pos and *line
 * to the line after them.
 */
static int block_scalar(struct yaml_fast *f, const char *t, size_t len, const char *s,
			size_t n, size_t v, size_t *pos, size_t *line)
{
	char kind = s[v];
	size_t h = v + 1;
	int strip = h < n && s[h] == '-';
	if (strip)
		h++;
	if (h != n)
		return 0;
	size_t at_line = *line, at_col = columns(s, v);
	char *out = f->store + f->store_len;
	size_t o = 0, indent = 0, lines = 0;
	int last_ended = 0;
	size_t p = *pos, ln = *line + 1;
	while (p < len) {
		size_t e = line_end(t, len, p), sp = p;
		while (sp < e && t[sp] == ' ')
			sp++;
		if (sp == e && lines)
			return 0;   /* a blank line: folding and chomping rules */
		if (sp == p)
			break;      /* the next field */
		if (sp == e)
			return 0;
		if (!indent)
			indent = sp - p;
		else if (sp - p != indent)
			return 0;   /* more or less indented: folding rules */
		if (t[e - 1] == ' ')
			return 0;
		if (lines)
			out[o++] = kind == '>' ? ' ' : '\n';
		memcpy(out + o, t + sp, e - sp);
		o += e - sp;
		lines++;
		last_ended = e < len;
		p = e < len ? e + 1 : len;
		ln++;
	}
	if (!lines)
		return 0;
	if (!strip) {
		if (!last_ended)
			return 0;
		out[o++] = '\n';
	}
	push_scalar_written(f, at_line, at_col, kind == '>' ? YAML_FAST_FOLDED : YAML_FAST_LITERAL, o);
	*pos = p;
	*line = ln;
	return 1;
}

int yaml_fast_events(const char *t, size_t len, struct yaml_fast *f)
{
	memset(f, 0, sizeof *f);
	if (!len || !printable((const unsigned char *)t, len))
		return 0;
	/* Each scalar is at most its source's bytes, and its NUL: never moved. */
	f->store = xmalloc(2 * len + 2);
	push(f, YAML_FAST_STREAM_START, 0, 0);
	size_t pos = 0, line = 0;
	int started = 0;
	while (pos < len) {
		size_t end = line_end(t, len, pos), n = end - pos;
		const char *s = t + pos;
		size_t sp = 0;
		while (sp < n && s[sp] == ' ')
			sp++;
		if (sp == n) {
			pos = end < len ? end + 1 : len;
			line++;
			continue;
		}
		if (!key_start(s[0]))
			goto no;
		size_t k = 1;
		while (k < n && key_char(s[k]))
			k++;
		if (k > MAX_KEY || k + 1 >= n || s[k] != ':' || s[k + 1] != ' ')
			goto no;
		if (!started) {
			push(f, YAML_FAST_DOCUMENT_START, line, 0);
			push(f, YAML_FAST_MAPPING_START, line, 0);
			started = 1;
		}
		push_scalar(f, line, 0, YAML_FAST_PLAIN, s, k);
		size_t v = k + 2;
		while (v < n && s[v] == ' ')
			v++;
		if (v == n)
			goto no;    /* an empty value, or a list or mapping below */
		pos = end < len ? end + 1 : len;
		if (s[v] == '[') {
			if (!flow_sequence(f, s, n, v, line))
				goto no;
			line++;
		} else if (s[v] == '>' || s[v] == '|') {
			if (!block_scalar(f, t, len, s, n, v, &pos, &line))
				goto no;
		} else {
			if (!plain_value(f, s + v, n - v, line, v))
				goto no;
			line++;
		}
	}
	if (!started)
		goto no;
	push(f, YAML_FAST_MAPPING_END, line, 0);
	push(f, YAML_FAST_DOCUMENT_END, line, 0);
	push(f, YAML_FAST_STREAM_END, line, 0);
	return 1;
no:
	yaml_fast_free(f);
	return 0;
}

void yaml_fast_free(struct yaml_fast *f)
{
	free(f->v);
	free(f->store);
	memset(f, 0, sizeof *f);
}

/* The libyaml types and styles of the reader's (yaml_fast.h). */
void yaml_fast_event_as_libyaml(const struct yaml_fast_event *fe, yaml_event_t *e)
{
	static const yaml_event_type_t types[] = {
		[YAML_FAST_STREAM_START] = YAML_STREAM_START_EVENT,
		[YAML_FAST_STREAM_END] = YAML_STREAM_END_EVENT,
		[YAML_FAST_DOCUMENT_START] = YAML_DOCUMENT_START_EVENT,
		[YAML_FAST_DOCUMENT_END] = YAML_DOCUMENT_END_EVENT,
		[YAML_FAST_SCALAR] = YAML_SCALAR_EVENT,
		[YAML_FAST_SEQUENCE_START] = YAML_SEQUENCE_START_EVENT,
		[YAML_FAST_SEQUENCE_END] = YAML_SEQUENCE_END_EVENT,
		[YAML_FAST_MAPPING_START] = YAML_MAPPING_START_EVENT,
		[YAML_FAST_MAPPING_END] = YAML_MAPPING_END_EVENT,
	};
	static const yaml_scalar_style_t styles[] = {
		[YAML_FAST_PLAIN] = YAML_PLAIN_SCALAR_STYLE,
		[YAML_FAST_LITERAL] = YAML_LITERAL_SCALAR_STYLE,
		[YAML_FAST_FOLDED] = YAML_FOLDED_SCALAR_STYLE,
	};
	memset(e, 0, sizeof *e);
	e->type = types[fe->type];
	e->start_mark.line = fe->line;
	e->start_mark.column = fe->column;
	e->end_mark = e->start_mark;
	switch (fe->type) {
	case YAML_FAST_SCALAR:
		e->data.scalar.value = (yaml_char_t *)fe->value;
		e->data.scalar.length = fe->length;
		e->data.scalar.style = styles[fe->style];
		e->data.scalar.plain_implicit = fe->style == YAML_FAST_PLAIN;
		e->data.scalar.quoted_implicit = fe->style != YAML_FAST_PLAIN;
		break;
	case YAML_FAST_SEQUENCE_START:
		e->data.sequence_start.implicit = 1;
		e->data.sequence_start.style = YAML_FLOW_SEQUENCE_STYLE;
		break;
	case YAML_FAST_MAPPING_START:
		e->data.mapping_start.implicit = 1;
		e->data.mapping_start.style = YAML_BLOCK_MAPPING_STYLE;
		break;
	case YAML_FAST_DOCUMENT_START:
	case YAML_FAST_DOCUMENT_END:
		e->data.document_start.implicit = 1;
		break;
	default:
		break;
	}
}
