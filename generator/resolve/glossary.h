/*
 * Finding glossary sigles in text, to mark them up (<abbr> linked to the
 * glossary entry on the web, an appendix of used sigles in booklets).
 *
 * Matching is case-sensitive and on whole words: a sigle is not matched
 * inside a longer word or when glued to letters or digits (« CAARUDs » is
 * not « CAARUD »; « l'ARS » and « (CSAPA) » are). Letters and digits are
 * those of typo_is_word_char, so « éARS » is not matched and « « ARS » » is.
 * When two sigles start at the same place, the longer wins.
 */
#ifndef FICHES_GLOSSARY_H
#define FICHES_GLOSSARY_H

#include <stddef.h>

struct gloss_index;

/*
 * Index over n sigles (borrowed strings: they must outlive the index).
 * Caller frees with gloss_index_free.
 */
struct gloss_index *gloss_index_new(const char *const *sigles, size_t n);
void gloss_index_free(struct gloss_index *g);

/*
 * Finds the first (then longest) sigle occurrence in s[0..n) starting at or
 * after byte offset start. Returns 1 and sets *pos, *len (bytes) and
 * *which (index into the sigles given to gloss_index_new), or 0.
 */
int gloss_index_find(const struct gloss_index *g, const char *s, size_t n,
		     size_t start, size_t *pos, size_t *len, size_t *which);

/*
 * The user data of a cmark text node whose literal was looked up when its
 * document was parsed (markdown.c) and holds no sigle: the HTML renderer,
 * which looks up the same literal again to mark its sigles up, skips it.
 * Only a literal that holds none is marked (the lookup is a function of
 * the literal alone); nodes not marked (inside links, added later, or in
 * trees that were not walked so) are looked up as before.
 */
extern char gloss_no_sigle;
#define GLOSS_NO_SIGLE ((void *)&gloss_no_sigle)

#endif
