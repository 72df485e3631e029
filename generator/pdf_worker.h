/*
 * The PDF worker: `fiches serve` has live threads (the HTTP server's) and
 * must not fork, so its PDF pass starts the program itself again with
 * posix_spawn as `fiches __pdf-worker ROOT JOBS BASE_URL EPOCH` (see
 * pdf_options.worker_root). Not a command for users: main() hands it here
 * before anything else.
 */
#ifndef FICHES_PDF_WORKER_H
#define FICHES_PDF_WORKER_H

/*
 * Loads the project at argv[2] as a build does, typesets every booklet
 * and writes the files on standard output as pdf_stream_site's records.
 * Exit status: 0 when the records are complete, 1 otherwise (problems
 * printed on standard error).
 */
int pdf_worker_main(int argc, char **argv);

#endif
