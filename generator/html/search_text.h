/*
 * The plain text of a section as the search index ships it: runs of white
 * space made one space, no space at the start, a newline at the end of
 * each paragraph, list item or table cell (search.js shows « item · item »
 * in snippets instead of gluing a list into one sentence), trimmed.
 *
 * The HTML renderer (html.c) writes a body's sections in this form while
 * it typesets the body for its page, so that the text is typeset once;
 * the index (search_records.c) writes data-file fields the same way.
 */
#ifndef FICHES_SEARCH_TEXT_H
#define FICHES_SEARCH_TEXT_H

#include "buf.h"
#include "model.h"

#include <stddef.h>

/* Appends s[0..n) with every run of ASCII white space made one space (none at the start). */
void search_text_put(struct buf *b, const char *s, size_t n);

/*
 * Appends s[0..n) to html escaped as buf_put_html does, and to plain as
 * search_text_put does, in one pass over its bytes: the renderer's text
 * runs, which go to both.
 */
void search_text_put_html(struct buf *html, struct buf *plain, const char *s, size_t n);

/*
 * As search_text_put_html, for s[0..n) that the HTML leaves as it is and
 * that holds no white space but single spaces, and single '\n's between
 * two bytes that are not white when lines (typo.h's TYPO_INERT and
 * TYPO_INERT_LINES): copied to both, without a look at every byte.
 */
void search_text_put_inert(struct buf *html, struct buf *plain, const char *s, size_t n,
			   int lines);

/* A space, unless the text is empty or already ends with one or a newline. */
void search_text_separator(struct buf *b);

/* Drops the spaces and newlines at the end. */
void search_text_trim(struct buf *b);

/* The end of a block: trimmed, then a newline unless empty. */
void search_text_block_end(struct buf *b);

/*
 * Adds the trimmed text to out as a char * at its own size (it stays for
 * the build); b is emptied but keeps its memory, which its owner frees.
 */
void search_text_keep(struct buf *b, struct ptrs *out);

#endif
