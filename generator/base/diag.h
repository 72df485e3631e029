/*
 * Diagnostics: the one place that formats content problems.
 *
 * Every stage reports content errors here and keeps going, so that one run
 * reports every problem. Messages are collected (thread-safe), then printed
 * sorted by file, line and column in the compiler format editors understand:
 *
 *     content/actions/06-x.md:12:5: error: unknown theme 'cadre-de-vi'
 *
 * Colour is used only when the stream is a terminal and NO_COLOR is unset.
 * With strict mode, warnings count as errors.
 */
#ifndef FICHES_DIAG_H
#define FICHES_DIAG_H

#include <stddef.h>
#include <stdio.h>

enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

struct diag;

/* A fresh, empty collector. Caller frees with diag_free. */
struct diag *diag_new(void);
void diag_free(struct diag *d);
void diag_set_strict(struct diag *d, int strict);

/*
 * Records one message. path may be NULL (program-wide message); line and
 * col are 1-based, 0 when unknown. The message is formatted now.
 */
void diag_report(struct diag *d, enum diag_level level, const char *path,
		 int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
#define diag_error(d, path, line, col, ...) \
	diag_report((d), DIAG_ERROR, (path), (line), (col), __VA_ARGS__)
#define diag_warning(d, path, line, col, ...) \
	diag_report((d), DIAG_WARNING, (path), (line), (col), __VA_ARGS__)
#define diag_note(d, path, line, col, ...) \
	diag_report((d), DIAG_NOTE, (path), (line), (col), __VA_ARGS__)

/*
 * Like diag_report, for a mistake that shows in many places (an unknown id
 * that several files name): the messages with the same fold key are
 * printed once, at the first place in file order, ending with « and N
 * other references to it », and count as one.
 */
void diag_report_folded(struct diag *d, enum diag_level level, const char *fold,
			const char *path, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* Errors, counting warnings as errors in strict mode. */
size_t diag_errors(const struct diag *d);
size_t diag_warnings(const struct diag *d);

/*
 * Prints every collected message, sorted, to out, then empties the
 * collector (counts are kept). Colour when out is a terminal and NO_COLOR
 * is unset.
 */
void diag_flush(struct diag *d, FILE *out);

/* Appends the collected messages, sorted and uncoloured, to a string (caller frees). */
char *diag_to_string(struct diag *d);

/* One collected message, as diag_each shows it (borrowed strings). */
struct diag_view {
	enum diag_level level;
	int is_error;            /* an error, or a warning in strict mode */
	const char *level_name;  /* translated: « erreur », « avertissement »… */
	const char *path;        /* may be NULL */
	int line, col;
	const char *text;
};

/* Calls fn for every collected message, sorted as diag_flush prints them. */
void diag_each(struct diag *d, void (*fn)(void *ctx, const struct diag_view *m), void *ctx);

/*
 * Moves the messages of from whose level is at least min_level into to
 * (counted there), and forgets all of from's messages and counts. Lets a
 * stage try something with a scratch collector and keep only what
 * matters.
 */
void diag_move(struct diag *to, struct diag *from, enum diag_level min_level);

/* Forgets every message and count (used between rebuilds in serve). */
void diag_clear(struct diag *d);

#endif
