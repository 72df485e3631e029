/*
 * Every save of the writing workshop is kept. When content/ is inside a
 * git repository, each save is a commit of that one file (libgit2), with
 * a French message saying what changed (« Fiche-action 6 : modifier le
 * résumé »); the index entry of the file follows, other staged work is
 * left alone. Otherwise versions are files under .fiches/historique/
 * beside content/. Before the first save of a document whose disk text
 * is not in the history yet, that text is kept first: nothing the
 * coordinator had is lost.
 */
#ifndef FICHES_EDIT_HISTORY_H
#define FICHES_EDIT_HISTORY_H

#include <jansson.h>
#include <stddef.h>

struct history;

/* The history of the project whose content/ is content_real (root: the project root). */
struct history *history_open(const char *root, const char *content_real);
void history_close(struct history *h);

/* "git" or "dossier": where versions go. */
const char *history_kind(const struct history *h);

/*
 * Records that rel (relative to content/) now holds text[0..len), which
 * replaced old[0..old_len) (old may be NULL: a new file). message is the
 * French commit message. Returns 0, or -1 (the save itself stands; the
 * caller reports that the version was not kept).
 */
int history_record(struct history *h, const char *rel, const char *old, size_t old_len,
		   const char *text, size_t len, const char *message);

/*
 * Records that rel, which held old[0..old_len), is deleted: a commit
 * removing it (git), or its last text kept as a version (folder). Call
 * before removing the file. Returns 0 or -1 (then do not delete).
 */
int history_record_removal(struct history *h, const char *rel, const char *old, size_t old_len,
			   const char *message);

/* One file of an operation touching several (a renumbering and the links it rewrote). */
struct history_change {
	const char *rel;              /* relative to content/ */
	const char *old;              /* the text replaced, or NULL: a new file */
	size_t old_len;
	const char *text;             /* the new text, or NULL: the file is removed */
	size_t len;
};

/*
 * Records changes[0..n) as one operation: in git, one commit holding them
 * all (preceded, when some disk text was not HEAD's, by one commit of
 * those texts); in the folder, one version per file under message (a
 * removed file keeps its last text there). Call before changing the
 * files. Returns 0 or -1 (nothing was recorded in git).
 */
int history_record_batch(struct history *h, const struct history_change *changes, size_t n,
			 const char *message);

/* The versions of rel, newest first: [{id, date, message}] (caller json_decref's). */
json_t *history_list(struct history *h, const char *rel);

/* The text of rel at version id (caller frees), or NULL. */
char *history_text(struct history *h, const char *rel, const char *id, size_t *len);

/*
 * The French message for a save of rel from old to text: « Fiche-action 6 :
 * modifier le titre et le texte ». Caller frees.
 */
char *history_message(const char *rel, const char *old, size_t old_len, const char *text,
		      size_t len);

/*
 * The French message for another operation on rel: « Fiche-action 6 : »
 * followed by fmt's text (« supprimer »). Caller frees.
 */
char *history_message_fmt(const char *rel, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
