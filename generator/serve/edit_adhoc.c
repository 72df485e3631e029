/* The workshop's ad-hoc booklets; see edit_adhoc.h. */
#include "edit_adhoc.h"
#include "booklet_worker.h"
#include "buf.h"
#include "edit_save.h"
#include "path.h"
#include "pdf_pages.h"
#include "spawn_self.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* A job waits in QUEUED (oldest first) until the one RUNNING is done. */
enum state { RUNNING, READY, FAILED, QUEUED };

struct job {
	char id[ADHOC_ID_LEN + 1];
	char *dir;              /* CACHE/ID, holding livret.yaml and the PDFs */
	char *yaml;             /* the definition */
	size_t yaml_len;
	char *title;
	enum state state;
	char *message;          /* FAILED: why, in French */
	pid_t pid;
	int err_fd;             /* the worker's stdout and stderr */
	double started, seconds;
	long pages, pages_imposed;
	size_t size, size_imposed;
	int imposed;
};

struct adhoc {
	pthread_mutex_t lock;
	char *root;
	char *cache;            /* created at the first booklet */
	struct job *jobs[ADHOC_KEEP];
	size_t n;
	pthread_t monitor;
	int monitor_live;       /* a monitor thread exists and is not joined */
	int monitor_busy;       /* it watches a job and will start the queued ones: no other may */
	int closing;
};

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Our own directory of plain files and job directories (no links are made in it). */
static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *p = path_join(dir, e->d_name);
		if (e->d_type == DT_DIR)
			remove_tree(p);
		else
			unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static void job_free(struct job *j)
{
	if (!j)
		return;
	if (j->dir)
		remove_tree(j->dir);
	free(j->dir);
	free(j->yaml);
	free(j->title);
	free(j->message);
	free(j);
}

struct adhoc *adhoc_new(const char *root)
{
	struct adhoc *a = xcalloc(1, sizeof *a);
	pthread_mutex_init(&a->lock, NULL);
	a->root = xstrdup(root);
	return a;
}

static void join_monitor(struct adhoc *a)
{
	if (a->monitor_live) {
		pthread_join(a->monitor, NULL);
		a->monitor_live = 0;
	}
}

void adhoc_free(struct adhoc *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	a->closing = 1;
	for (size_t i = 0; i < a->n; i++)
		if (a->jobs[i]->state == RUNNING && a->jobs[i]->pid > 0)
			kill(-a->jobs[i]->pid, SIGKILL);
	pthread_mutex_unlock(&a->lock);
	join_monitor(a);
	for (size_t i = 0; i < a->n; i++)
		job_free(a->jobs[i]); /* queued ones never started */
	if (a->cache)
		remove_tree(a->cache);
	free(a->cache);
	free(a->root);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

/* ------------------------------------------------------------ monitor */

static char *pdf_path(const struct job *j, int imposed)
{
	return path_join(j->dir, imposed ? "livret-imposee.pdf" : "livret.pdf");
}

/* The worker's diagnostics, made readable: its own temporary path is no use to anyone. */
static char *failure_message(const struct job *j, const struct buf *out, int wstatus, int timed_out)
{
	if (timed_out)
		return xasprintf("La composition a dépassé %d\u202fminutes et a été arrêtée.",
				 ADHOC_WALL_SECONDS / 60);
	if (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGXCPU)
		return xasprintf("La composition a dépassé %d\u202fseconde%s de calcul et a été arrêtée.",
				 booklet_worker_cpu_seconds(), booklet_worker_cpu_seconds() > 1 ? "s" : "");
	if (WIFSIGNALED(wstatus))
		return xasprintf("La composition s’est arrêtée (signal %d).", WTERMSIG(wstatus));
	struct buf b = BUF_INIT;
	const char *p = out->data ? out->data : "";
	size_t dl = strlen(j->dir);
	while (*p) {
		const char *at = strstr(p, j->dir);
		if (!at) {
			buf_puts(&b, p);
			break;
		}
		buf_put(&b, p, (size_t)(at - p));
		buf_puts(&b, "livret");
		p = at + dl;
		if (strncmp(p, "/livret.yaml", 12) == 0)
			p += 12;
	}
	if (!b.len)
		buf_puts(&b, "La composition a échoué.");
	return buf_detach(&b);
}

static int spawn_worker(struct adhoc *a, struct job *j);

/*
 * The oldest queued job started (RUNNING), or NULL when none waits or the
 * server stops; then the monitor's work is over (monitor_busy cleared).
 * A job whose worker cannot start fails and the next one is tried. Lock held.
 */
static struct job *start_next(struct adhoc *a)
{
	for (size_t i = 0; i < a->n && !a->closing; i++) {
		struct job *j = a->jobs[i];
		if (j->state != QUEUED)
			continue;
		j->started = now();
		if (spawn_worker(a, j) == 0) {
			j->state = RUNNING;
			return j;
		}
		j->state = FAILED;
		j->message = xstrdup("La composition n’a pas pu être lancée (programme introuvable\u202f?).");
	}
	a->monitor_busy = 0;
	return NULL;
}

static void watch_job(struct adhoc *a, struct job *j);

/* Watches the running job, then each queued one in turn, in the order they came. */
static void *monitor(void *arg)
{
	struct adhoc *a = arg;
	pthread_mutex_lock(&a->lock);
	struct job *j = NULL;
	for (size_t i = 0; i < a->n; i++)
		if (a->jobs[i]->state == RUNNING)
			j = a->jobs[i];
	if (!j)
		j = start_next(a);
	pthread_mutex_unlock(&a->lock);
	while (j) {
		watch_job(a, j);
		pthread_mutex_lock(&a->lock);
		j = start_next(a);
		pthread_mutex_unlock(&a->lock);
	}
	return NULL;
}

/* Waits for j's worker (killing it past its time or when the server stops) and records the result. */
static void watch_job(struct adhoc *a, struct job *j)
{
	struct buf out = BUF_INIT;
	int timed_out = 0, killed = 0;
	for (;;) {
		struct pollfd p = {j->err_fd, POLLIN, 0};
		int r = poll(&p, 1, 250);
		pthread_mutex_lock(&a->lock);
		int closing = a->closing;
		pthread_mutex_unlock(&a->lock);
		if (!killed && (closing || now() - j->started > ADHOC_WALL_SECONDS)) {
			timed_out = !closing;
			kill(-j->pid, SIGKILL);
			killed = 1;
		}
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		char chunk[4096];
		ssize_t got = read(j->err_fd, chunk, sizeof chunk);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (out.len < 64 * 1024)
			buf_put(&out, chunk, (size_t)got);
	}
	close(j->err_fd);
	int wstatus = 0;
	while (waitpid(j->pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	/* Its process group may hold nothing else, but a stray child must not outlive it. */
	kill(-j->pid, SIGKILL);
	long pages = -1, pages_imposed = -1;
	size_t size = 0, size_imposed = 0;
	int ok = WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0 && !timed_out;
	int imposed = 0;
	if (ok) {
		char *p = pdf_path(j, 0);
		pages = pdf_pages_file(p, &size);
		free(p);
		p = pdf_path(j, 1);
		struct stat st;
		imposed = stat(p, &st) == 0;
		if (imposed)
			pages_imposed = pdf_pages_file(p, &size_imposed);
		free(p);
		ok = pages > 0;
	}
	char *message = ok ? NULL : failure_message(j, &out, wstatus, timed_out);
	buf_free(&out);
	pthread_mutex_lock(&a->lock);
	j->seconds = now() - j->started;
	j->pages = pages;
	j->pages_imposed = pages_imposed;
	j->size = size;
	j->size_imposed = size_imposed;
	j->imposed = imposed;
	j->message = message;
	j->pid = 0;
	j->state = ok ? READY : FAILED;
	pthread_mutex_unlock(&a->lock);
}

/* -------------------------------------------------------------- start */

/* Forgets the jobs past their time, and the oldest when the list is full. Lock held. */
static void prune(struct adhoc *a)
{
	double t = now();
	size_t k = 0;
	for (size_t i = 0; i < a->n; i++) {
		struct job *j = a->jobs[i];
		if ((j->state == READY || j->state == FAILED) && t - j->started > ADHOC_KEEP_SECONDS)
			job_free(j);
		else
			a->jobs[k++] = j;
	}
	a->n = k;
	/* The oldest finished one makes room (never one running or waiting). */
	for (size_t i = 0; a->n == ADHOC_KEEP && i < a->n; i++)
		if (a->jobs[i]->state == READY || a->jobs[i]->state == FAILED) {
			job_free(a->jobs[i]);
			memmove(a->jobs + i, a->jobs + i + 1, (a->n - i - 1) * sizeof *a->jobs);
			a->n--;
		}
}

/* The worker's environment: ours, with its messages in French (the page's language). */
static char **worker_env(void)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = xcalloc(n + 2, sizeof *env);
	size_t k = 0;
	env[k++] = "LANGUAGE=fr";
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LANGUAGE=", 9) != 0)
			env[k++] = environ[i];
	env[k] = NULL;
	return env;
}

static int spawn_worker(struct adhoc *a, struct job *j)
{
	char *def = path_join(j->dir, "livret.yaml");
	char *out = pdf_path(j, 0);
	char epoch[32];
	snprintf(epoch, sizeof epoch, "%lld", (long long)time(NULL));
	char *const argv[] = {"fiches", BOOKLET_WORKER_COMMAND, a->root, def, out, epoch, NULL};
	int fds[2];
	int status = -1;
	if (pipe2(fds, O_CLOEXEC) == 0) {
		char **env = worker_env();
		pid_t pid;
		int err = spawn_self(argv, env, fds[1], SPAWN_SELF_STDERR, &pid);
		free(env);
		close(fds[1]);
		if (err) {
			close(fds[0]);
		} else {
			j->pid = pid;
			j->err_fd = fds[0];
			status = 0;
		}
	}
	free(def);
	free(out);
	return status;
}

enum adhoc_start_status adhoc_start(struct adhoc *a, const char *yaml, size_t len,
				    const char *title, char id[ADHOC_ID_LEN + 1])
{
	pthread_mutex_lock(&a->lock);
	enum adhoc_start_status status = ADHOC_FAILED;
	size_t waiting = 0;
	for (size_t i = 0; i < a->n; i++)
		waiting += a->jobs[i]->state == QUEUED;
	if (waiting >= ADHOC_QUEUE_MAX) {
		pthread_mutex_unlock(&a->lock);
		return ADHOC_BUSY;
	}
	/*
	 * While a monitor watches a job, it starts this one after the others:
	 * one worker at a time, and no request lost. Otherwise the last monitor
	 * is done: collect its thread and start a new one.
	 */
	int queue = a->monitor_busy;
	if (!queue)
		join_monitor(a);
	prune(a);
	if (!a->cache) {
		const char *tmp = getenv("TMPDIR");
		char *templ = path_join(tmp && *tmp ? tmp : "/tmp", "fiches-livrets-XXXXXX");
		if (mkdtemp(templ))
			a->cache = templ;
		else
			free(templ);
	}
	struct job *j = NULL;
	char *def = NULL;
	if (!a->cache || a->n == ADHOC_KEEP)
		goto out;
	j = xcalloc(1, sizeof *j);
	unsigned char raw[ADHOC_ID_LEN / 2];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(j->id, sizeof j->id, raw, sizeof raw);
	j->dir = path_join(a->cache, j->id);
	j->yaml = xmalloc(len + 1);
	memcpy(j->yaml, yaml, len);
	j->yaml[len] = '\0';
	j->yaml_len = len;
	j->title = xstrdup(title);
	j->state = queue ? QUEUED : RUNNING;
	j->started = now();
	j->pages = j->pages_imposed = -1;
	if (mkdir(j->dir, 0700) != 0)
		goto out;
	def = path_join(j->dir, "livret.yaml");
	if (edit_write_atomic(def, yaml, len) != 0)
		goto out;
	if (queue) {
		a->jobs[a->n++] = j;
		memcpy(id, j->id, sizeof j->id);
		j = NULL;
		status = ADHOC_QUEUED;
		goto out;
	}
	if (spawn_worker(a, j) != 0)
		goto out;
	if (pthread_create(&a->monitor, NULL, monitor, a) != 0) {
		kill(-j->pid, SIGKILL);
		waitpid(j->pid, NULL, 0);
		close(j->err_fd);
		goto out;
	}
	a->monitor_live = 1;
	a->monitor_busy = 1;
	a->jobs[a->n++] = j;
	memcpy(id, j->id, sizeof j->id);
	j = NULL;
	status = ADHOC_STARTED;
out:
	free(def);
	job_free(j);
	pthread_mutex_unlock(&a->lock);
	return status;
}

/* ------------------------------------------------------------- reading */

static struct job *find(struct adhoc *a, const char *id)
{
	if (!id || strlen(id) != ADHOC_ID_LEN)
		return NULL;
	for (size_t i = 0; i < a->n; i++)
		if (sodium_memcmp(a->jobs[i]->id, id, ADHOC_ID_LEN) == 0)
			return a->jobs[i];
	return NULL;
}

json_t *adhoc_status(struct adhoc *a, const char *id)
{
	pthread_mutex_lock(&a->lock);
	struct job *j = find(a, id);
	json_t *v = NULL;
	if (j) {
		static const char *const names[] = {"en-cours", "pret", "echec", "en-attente"};
		double secs = j->state == RUNNING || j->state == QUEUED ? now() - j->started : j->seconds;
		v = json_pack("{s:s,s:s,s:i,s:s}", "id", j->id, "etat", names[j->state], "secondes",
			      (int)(secs + 0.5), "titre", j->title);
		if (j->state == QUEUED) {
			/* Its place: the booklets typeset or waiting before it. */
			int ahead = 0;
			for (size_t i = 0; i < a->n && a->jobs[i] != j; i++)
				ahead += a->jobs[i]->state == RUNNING || a->jobs[i]->state == QUEUED;
			json_object_set_new(v, "avant", json_integer(ahead));
		}
		if (j->message)
			json_object_set_new(v, "message", json_string(j->message));
		if (j->state == READY) {
			json_object_set_new(v, "pdf", json_pack("{s:I,s:I}", "pages", (json_int_t)j->pages,
								 "octets", (json_int_t)j->size));
			if (j->imposed)
				json_object_set_new(v, "imposee",
						    json_pack("{s:I,s:I}", "pages", (json_int_t)j->pages_imposed,
							      "octets", (json_int_t)j->size_imposed));
		}
	}
	pthread_mutex_unlock(&a->lock);
	return v;
}

char *adhoc_file(struct adhoc *a, const char *id, int imposed, size_t *len)
{
	pthread_mutex_lock(&a->lock);
	struct job *j = find(a, id);
	char *path = j && j->state == READY && (!imposed || j->imposed) ? pdf_path(j, imposed) : NULL;
	/* Read under the lock: pruning cannot remove the file meanwhile. */
	char *data = path ? edit_read(path, (size_t)512 << 20, len) : NULL;
	pthread_mutex_unlock(&a->lock);
	free(path);
	return data;
}

char *adhoc_definition(struct adhoc *a, const char *id, size_t *len)
{
	pthread_mutex_lock(&a->lock);
	struct job *j = find(a, id);
	char *text = NULL;
	if (j && j->state == READY) {
		text = xmalloc(j->yaml_len + 1);
		memcpy(text, j->yaml, j->yaml_len + 1);
		*len = j->yaml_len;
	}
	pthread_mutex_unlock(&a->lock);
	return text;
}
