/*
 * Cross-references: links with a scheme (action:6, theme:cadre-de-vie,
 * guide:introduction#contexte, page:x, contact:x, glossary:CAARUD,
 * biblio:roche-2013) and relative links to .md files are resolved against
 * the model, checked (target and #anchor), recorded as edges, given a text
 * when empty, and rewritten to internal URLs "fiches:/<output path>#anchor"
 * that each renderer turns into what suits it (a relative URL in HTML, a
 * page reference in PDF). Dangerous URL schemes are dropped.
 */
#ifndef FICHES_XREF_H
#define FICHES_XREF_H

#include "diag.h"
#include "model.h"

#include <cmark-gfm.h>

/* Prefix of resolved internal URLs. */
#define XREF_INTERNAL "fiches:/"

enum xref_scheme {
	XREF_NONE,       /* not a cross-reference: external URL, mailto:, #anchor, plain relative */
	XREF_ACTION, XREF_THEME, XREF_GUIDE, XREF_PAGE,
	XREF_CONTACT, XREF_GLOSSARY, XREF_BIBLIO,
	XREF_MARKDOWN,   /* a relative link to a .md file */
	XREF_UNSAFE,     /* javascript:, vbscript:, data: … never emitted */
	XREF_UNKNOWN     /* an unknown scheme-like prefix (actoin:6) */
};

/* A parsed link target: borrowed slices into the URL. */
struct xref {
	enum xref_scheme scheme;
	const char *key;  size_t key_len;     /* id, number or .md path */
	const char *anchor; size_t anchor_len; /* after '#', may be empty */
};

/* Parses url (pure function, no allocation: fuzzable). */
void xref_parse(const char *url, struct xref *out);

/*
 * Checks doc's tree with lint_body_nodes (lint.h), then resolves every
 * link and image: unknown targets are errors at the link's position;
 * links are rewritten to their targets. Records only on doc (links_to,
 * entries_cited, anchor_checks), so documents can be resolved on several
 * threads at once.
 *
 * No walk of the tree: nodes holds what lint reads and the links and
 * images, in document order (markdown_parse_doc gathered them), resolved
 * after lint's checks, so the checks see the tree untouched and report
 * first, as when lint and the resolution each walked the tree.
 */
struct lint_nodes;
void xref_check_body(struct site *s, struct doc *doc, const struct lint_nodes *nodes,
		     struct diag *d);

/*
 * After xref_check_body on every document: checks the anchors of links to
 * other documents (now that all headings are known) and records the
 * backlinks (cited_by) in document order. Single thread.
 */
void xref_finish(struct site *s, struct diag *d);

/* Its first half alone: the anchors of links to other documents (serve's incremental rebuilds). */
void xref_check_anchors(const struct site *s, struct diag *d);

/*
 * The same rewriting on a tree of doc parsed again after the checks (for
 * its page or booklet), with no diagnostics and nothing recorded.
 */
void xref_resolve_quiet(const struct site *s, const struct doc *doc, cmark_node *root);

/* The target document of a resolved link node, or NULL (set as cmark user data). */
struct doc *xref_target_doc(cmark_node *link);

#endif
