/*
 * The workshop's ad-hoc booklets: typeset in the background, one at a
 * time (the others wait in a queue, in the order they came), by the booklet worker (booklet_worker.h), the program started
 * anew with posix_spawn (serve has threads: it never forks). The HTTP
 * threads only start a job and read its state; a monitor thread waits
 * for the worker, kills its process group past ADHOC_WALL_SECONDS (the
 * worker also has a CPU limit of its own) and records the result.
 *
 * Files go to a private temporary directory (mkdtemp under $TMPDIR, mode
 * 0700), never to content/ or the published site; a run keeps its last
 * ADHOC_KEEP booklets for ADHOC_KEEP_SECONDS at most, and the directory is
 * removed when the server stops.
 */
#ifndef FICHES_EDIT_ADHOC_H
#define FICHES_EDIT_ADHOC_H

#include <jansson.h>
#include <stddef.h>

#define ADHOC_ID_LEN 16
#define ADHOC_KEEP 8
#define ADHOC_KEEP_SECONDS 3600
#define ADHOC_WALL_SECONDS 300
/* Booklets waiting at most: more is refused (ADHOC_BUSY), never dropped silently. */
#define ADHOC_QUEUE_MAX 4
#define ADHOC_QUEUE_MAX_TEXT "4"

struct adhoc;

/* For the project at root (borrowed for the run's length). */
struct adhoc *adhoc_new(const char *root);
/* Kills a running worker, waits for its monitor, removes the directory. */
void adhoc_free(struct adhoc *a);

enum adhoc_start_status { ADHOC_STARTED, ADHOC_QUEUED, ADHOC_BUSY, ADHOC_FAILED };

/*
 * Starts typesetting the definition yaml[0..len) (a content/booklets/
 * NAME.yaml text), whose title is title, or, while another booklet is
 * typeset, queues it (ADHOC_QUEUED): it starts when those before it are
 * done. In both cases id holds the job's id. ADHOC_BUSY: ADHOC_QUEUE_MAX
 * booklets already wait.
 */
enum adhoc_start_status adhoc_start(struct adhoc *a, const char *yaml, size_t len,
				    const char *title, char id[ADHOC_ID_LEN + 1]);

/*
 * The job's state for the page (caller json_decref's), or NULL when the
 * id is unknown: {etat: "en-attente"|"en-cours"|"pret"|"echec", secondes,
 * titre, avant? (waiting: the booklets typeset or waiting before it),
 * message?, pdf?: {pages, octets}, imposee?: {pages, octets}}.
 */
json_t *adhoc_status(struct adhoc *a, const char *id);

/* A finished job's PDF (imposed: its imposed version): bytes, caller frees; NULL if none. */
char *adhoc_file(struct adhoc *a, const char *id, int imposed, size_t *len);

/* A finished job's definition text (caller frees), or NULL. */
char *adhoc_definition(struct adhoc *a, const char *id, size_t *len);

#endif
