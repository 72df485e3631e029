/*
 * `fiches publish DEST`: copies the built site to where readers get it.
 *
 *  - DEST a directory (a USB stick, a mounted share): only the files whose
 *    bytes changed are written, each through a temporary file renamed into
 *    place, so an interrupted copy never leaves a half-written file under
 *    its real name;
 *  - DEST [user@]host:path: the real rsync over ssh sends what changed.
 *
 * In both cases DEST/.fiches-published lists what fiches published there.
 * Only files listed there are ever replaced or removed: a file someone
 * else put at the destination is left alone (and a file of the site that
 * would replace such a file with other bytes stops the publish before
 * anything is written, for a directory). A file of the site that is gone
 * is removed at the destination.
 */
#ifndef FICHES_PUBLISH_H
#define FICHES_PUBLISH_H

#include "diag.h"

/* Name of the list of published files kept at the destination. */
#define PUBLISH_MANIFEST ".fiches-published"

struct publish_stats {
	unsigned files;      /* files of the site */
	unsigned sent;       /* written or sent */
	unsigned removed;    /* removed at the destination */
};

/* 1 when dest names a remote [user@]host:path for rsync. */
int publish_is_remote(const char *dest);

/*
 * Publishes the built site in site_dir (a directory written by `fiches
 * build`: it holds the stage's manifest) to dest. Returns an exit status:
 * 0, 1 when the destination holds files that block it (reported; nothing
 * written), 2 when dest cannot be used (inside the site, its parent
 * missing), 3 on an I/O or rsync failure (reported).
 */
int publish_run(const char *site_dir, const char *dest, struct diag *d,
		struct publish_stats *stats);

#endif
