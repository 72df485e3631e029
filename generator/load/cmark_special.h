/*
 * Keeps cmark-gfm's extension special characters switched on, so documents
 * can be parsed on several threads at once, and spares the library a second
 * consolidation of the same tree; see cmark_special.c.
 */
#ifndef FICHES_CMARK_SPECIAL_H
#define FICHES_CMARK_SPECIAL_H

/* Calls of the library that reached fiches' definition so far. */
unsigned long cmark_special_calls(void);

/* 1 when fiches' definition found the library's own to forward to. */
int cmark_special_forwards(void);

/*
 * 0 when the program was built without the fix (FICHES_STATIC_CMARK:
 * cmark-gfm linked statically, where it cannot take the library's place).
 */
int cmark_special_built(void);

/*
 * Around cmark_parser_finish of a parser fiches made (markdown.c): within
 * it, the tree consolidated once is not consolidated again. With
 * caller_consolidates, the caller merges the tree's adjacent texts itself
 * (markdown_parse_doc's walk) and the finish's consolidation is spared
 * too, as long as no postprocess reads the tree in the finish; the
 * library's own call may not reach fiches' definition, so the caller
 * must merge what it finds either way.
 */
void cmark_special_finish_begin(int caller_consolidates);
void cmark_special_finish_end(void);

/* Consolidations of the library spared so far. */
unsigned long cmark_special_spared(void);

#endif
