/*
 * The program started again as a worker, never forked.
 *
 * `fiches serve` has threads (libmicrohttpd's, the editor's), and a fork
 * of a process with live threads can leave the child waiting forever for
 * a lock one of them held (docs/HARDENING.md). The PDF pass and the
 * workshop's ad-hoc booklets therefore start the program itself with
 * posix_spawn: /proc/self/exe, so even a program file replaced since the
 * server started gives the same program. The worker gets a process group
 * of its own, so that it and the children it forks are stopped at once
 * with killpg, a clean signal mask and the default action for the signals
 * serve blocks or ignores.
 */
#include "spawn_self.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>

extern char **environ;

int spawn_self(char *const argv[], char *const envp[], int out_fd, int flags, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	if (flags & SPAWN_SELF_STDERR)
		posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
	posix_spawnattr_t attr;
	posix_spawnattr_init(&attr);
	sigset_t none, defaults;
	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	sigaddset(&defaults, SIGINT);
	sigaddset(&defaults, SIGTERM);
	sigaddset(&defaults, SIGXCPU);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &defaults);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
					POSIX_SPAWN_SETSIGDEF);
	int err = posix_spawn(pid, "/proc/self/exe", &fa, &attr, argv, envp ? envp : environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return err;
}
