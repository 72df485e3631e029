/*
 * Relative .md links: the table of documents by path, built once per
 * build, so that resolving a link costs a lookup and no system call.
 *
 * A link is resolved lexically, the way an editor's preview and a browser
 * read it: the linking document's directory (as listed under content/)
 * joined with the link, '.' and '..' applied to the string. Each document
 * is entered under its listed path ("content/actions/06-x.md") and, when a
 * symbolic link inside content/ leads to it, under its real path too; the
 * file system is asked once per document, when the table is built. A link
 * that matches no entry lexically is resolved once through the file system
 * as well (what a link through a symbolic directory needs), so nothing the
 * file system would find is missed; only links to no document pay that.
 */
#ifndef FICHES_MD_PATHS_H
#define FICHES_MD_PATHS_H

#include "buf.h"
#include "model.h"

struct md_paths;

/* The table over every document of s (s must outlive it). Caller frees. */
struct md_paths *md_paths_build(const struct site *s);
void md_paths_free(struct md_paths *t);

/*
 * The document the link `rel` (a path ending in .md, no anchor) written in
 * `from` leads to, or NULL. Safe to call from several threads at once.
 */
struct doc *md_paths_find(const struct md_paths *t, const struct doc *from, const char *rel);

/*
 * The same, for a link: fills *target (the document and its page's path,
 * from the table's own copies) and returns 1, or 0 when the link leads to
 * no document.
 */
int md_paths_find_target(const struct md_paths *t, const struct doc *from, const char *rel,
			 struct doc_target *target);

/*
 * Step one of a site_probe (model.h) for the link rel (len bytes, not
 * NUL-terminated) in from: its key's slot fetched; 1 with *p filled, or 0
 * (nothing fetched: the key climbs above the root, or is long).
 */
int md_paths_probe(const struct md_paths *t, const struct doc *from, const char *rel, size_t len,
		   struct site_probe *p, struct buf *keys);

/*
 * md_paths_find_target for a link probed by md_paths_probe, whose key
 * (klen bytes) it appended to keys: found with the probe's hash, without
 * normalising rel again (the file system's way when not found, as
 * md_paths_find_target).
 */
int md_paths_find_probed(const struct md_paths *t, const struct doc *from, const char *rel,
			 const char *key, size_t klen, const struct site_probe *p,
			 struct doc_target *target);

#endif
