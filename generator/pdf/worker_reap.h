/*
 * A killed PDF worker reaped off the path of the edit that cancelled it,
 * and the process not left behind when the server exits.
 */
#ifndef FICHES_WORKER_REAP_H
#define FICHES_WORKER_REAP_H

#include <sys/types.h>

/*
 * pid, a child of this process and the leader of its own process group,
 * has been sent SIGKILL with its group. It is reaped on a detached thread
 * (at once, in place, when no thread can start). At exit, the process
 * waits a little (at most WORKER_REAP_EXIT_WAIT_MS) for every such group
 * to be gone, so that a server stopped during a pass leaves no worker
 * tearing down behind it.
 */
void worker_reap_later(pid_t pid);

#define WORKER_REAP_EXIT_WAIT_MS 400

#endif
