/*
 * Private to the Mustache engine: the compiled form of a template, shared by
 * the compiler (mustache_parse.c) and the renderer (mustache.c). Nothing
 * outside generator/html/mustache*.c includes this.
 *
 * A template compiles to a tree of nodes. Every name, text run and
 * indentation is a slice into the template's own copy of its source, so a
 * compiled template is one source string plus node arrays, and rendering
 * never looks at the source text again.
 */
#ifndef FICHES_MUSTACHE_PARSE_H
#define FICHES_MUSTACHE_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"

/* Sections nested deeper than this in one template are a syntax error. */
#define MUSTACHE_MAX_NEST 100

enum mnode_kind {
	MNODE_TEXT,	/* literal bytes, at most one line (ends at '\n' or a tag) */
	MNODE_INDENT,	/* start of a template line: where a standalone
			 * partial's indentation is written */
	MNODE_VAR,	/* {{x}} (escaped) or {{{x}}} / {{&x}} (raw) */
	MNODE_SECTION,	/* {{#x}}...{{/x}} */
	MNODE_INVERTED,	/* {{^x}}...{{/x}} */
	MNODE_PARTIAL,	/* {{>x}} */
	MNODE_RUN,	/* the text of the next run.skip TEXT and INDENT nodes,
			 * one slice: written instead of them when no partial
			 * indentation applies (the common case) */
};

/*
 * A dotted name, split once at compile time, each part resolved then to its
 * atom (matom.h; MATOM_NONE outside the views' list) and its key.
 */
struct mname {
	struct slice *parts;	/* owned array; bytes borrowed from the source */
	uint64_t *keys;		/* mval_name_key of each part; in the parts' block */
	uint32_t *atoms;	/* each part's atom; in the parts' block */
	size_t nparts;		/* 0 for the implicit iterator "." */
};

struct mnode {
	enum mnode_kind kind;
	int line, col;		/* of the tag, 1-based, column in characters */
	union {
		struct slice text;			/* MNODE_TEXT */
		struct {
			struct slice text;
			size_t skip;
		} run;					/* MNODE_RUN */
		struct {
			struct mname name;
			int raw;			/* no HTML escaping */
			/*
			 * Written directly inside a section of the same name
			 * ({{#x}}{{x}}{{/x}}): when that section pushed a value
			 * with no names (a string, a number, true), looking x up
			 * again would pass over it and find the same value below,
			 * so the top of the stack is x.
			 */
			int top;
		} var;					/* MNODE_VAR */
		struct {
			struct mname name;
			struct mnode *kids;		/* owned array */
			size_t nkids;
			/*
			 * What rendering the kids once costs, roughly: their
			 * tags, nested ones included, a partial counting
			 * MUSTACHE_PARTIAL_WEIGHT (its template is not known
			 * yet), at most UINT32_MAX. Items of a section this
			 * heavy are worth keeping (mustache_render_cached).
			 */
			uint32_t weight;
		} sec;					/* MNODE_SECTION, MNODE_INVERTED */
		struct {
			struct slice name;
			struct slice indent;		/* whitespace before a standalone tag */
			int standalone;
			uint32_t hash;			/* of name, for the set lookup */
		} partial;				/* MNODE_PARTIAL */
	};
};

/* A partial's weight in a section's (above): a card, say, a dozen tags. */
#define MUSTACHE_PARTIAL_WEIGHT 16

struct mtemplate {
	char *name;		/* owned */
	size_t namelen;		/* strlen(name): compared at every partial's look-up */
	char *path;		/* owned; file name for diagnostics */
	char *src;		/* owned copy of the source; every slice points here */
	size_t len;
	struct mnode *nodes;	/* owned; the top-level node list */
	size_t nnodes;
	uint32_t hash;		/* of name */
};

/*
 * Compiles text[0..len). Returns the template (caller frees with
 * mustache_parse_free), or NULL after reporting every syntax error to d
 * as path:line:col.
 */
struct mtemplate *mustache_parse(const char *name, const char *path,
				 const char *text, size_t len, struct diag *d);
void mustache_parse_free(struct mtemplate *t);

/* The hash used for template names (FNV-1a). */
uint32_t mustache_parse_hash(const char *s, size_t n);

#endif
