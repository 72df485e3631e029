/*
 * Starting this very program again as a worker (see spawn_self.c).
 */
#ifndef FICHES_SPAWN_SELF_H
#define FICHES_SPAWN_SELF_H

#include <sys/types.h>

/* SPAWN_SELF_STDERR: the worker's standard error goes where its output goes. */
enum { SPAWN_SELF_STDERR = 1 };

/*
 * Starts /proc/self/exe with argv and envp (environ when NULL), its
 * standard input on /dev/null and its standard output on out_fd, in a
 * process group of its own (its pid), with no signal blocked and SIGPIPE,
 * SIGINT, SIGTERM and SIGXCPU at their default action. Returns 0 and sets
 * *pid, or an errno value.
 */
int spawn_self(char *const argv[], char *const envp[], int out_fd, int flags, pid_t *pid);

#endif
