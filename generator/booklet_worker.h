/*
 * The workshop's booklet worker: `fiches serve` has live threads and must
 * not fork, so an ad-hoc booklet asked for in the browser is typeset by
 * the program itself started anew with posix_spawn as
 *   fiches __pdf-booklet ROOT DEFINITION OUT.pdf EPOCH
 * (generator/serve/edit_adhoc.c). DEFINITION is a file written like a
 * content/booklets/NAME.yaml, outside content/. Not a command for users.
 */
#ifndef FICHES_BOOKLET_WORKER_H
#define FICHES_BOOKLET_WORKER_H

#define BOOKLET_WORKER_COMMAND "__pdf-booklet"

/* CPU seconds a worker may use before the kernel stops it (SIGXCPU). */
#define BOOKLET_WORKER_CPU_SECONDS 120

/*
 * The limit in force: BOOKLET_WORKER_CPU_SECONDS, or
 * $FICHES_BOOKLET_CPU_SECONDS when it holds a number from 1 to 3600 (a
 * slow machine, or a test of the guard). The server reads it too, to say
 * why a worker stopped.
 */
int booklet_worker_cpu_seconds(void);

/*
 * Lowers its own priority and sets its CPU limit, loads the project at
 * argv[2] as a build does, reads the definition at argv[3] and typesets
 * it into argv[4] (and, when imposed, OUT-imposee.pdf beside it), with
 * the date argv[5]. Exit status 0 when written; otherwise 1, the reasons
 * on standard error as diagnostics (file:line:col: in French when the
 * environment asks for it).
 */
int booklet_worker_main(int argc, char **argv);

#endif
