/*
 * `fiches serve`: the preview server's main loop.
 *
 * Stage: a driver, beside build.c. Input: the serve options. Output: HTTP
 * responses for the files under the output directory, and rebuilds of that
 * directory whenever content/ or templates/ change. This file sets the
 * server up, waits for changes and signals, decides which build runs when,
 * and stops everything in order; its parts are in files of their own:
 * serve_listen.c (the socket), serve_http.c (libmicrohttpd and where
 * requests go), serve_files.c (the answers), serve_cache.c (the responses
 * kept), serve_events.c (live reload), serve_rebuild.c (builds and their
 * publication), watch.c (changes), stop.c (signals during a build).
 *
 * Threads. The main thread builds, waits for changes (watch.c) and
 * rebuilds; libmicrohttpd's two polling threads answer requests meanwhile.
 * PDF passes after the first build run in a PDF worker started with
 * posix_spawn (pdf.c), never in a fork of this process and its threads.
 */
#include "serve.h"

#include "buf.h"
#include "diag.h"
#include "edit.h"
#include "i18n.h"
#include "incremental.h"
#include "path.h"
#include "pdf_cancel.h"
#include "serve_cache.h"
#include "serve_events.h"
#include "serve_http.h"
#include "serve_listen.h"
#include "serve_panel.h"
#include "serve_rebuild.h"
#include "serve_timing.h"
#include "stop.h"
#include "watch.h"
#include "xalloc.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

/* A heartbeat on the event streams this often: dead connections are noticed. */
#define HEARTBEAT_MS 15000
/*
 * After a reload event, the background work (an incremental update's data
 * files: search index, site.json; then the PDF pass) waits until every
 * page the event went to has loaded again (its reload script says so), so
 * that the browser's reload (HTML, style sheet, scripts) does not share the
 * two cores with it; at most BACKGROUND_WAIT_MAX_MS, for a page that never
 * says so (a hidden tab, an old page). With no page open it waits
 * DATA_DELAY_MS, so that saves in quick succession share one. Meanwhile
 * the wait is polled every BACKGROUND_TICK_MS. A change meanwhile is built
 * first.
 */
#define DATA_DELAY_MS 150
#define BACKGROUND_WAIT_MAX_MS 1000
#define BACKGROUND_TICK_MS 5

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* How long the background work still waits after the reload event sent at reload_at (0: start it). */
static int background_wait(struct serve_events *e, long long reload_at)
{
	unsigned told;
	unsigned left = serve_events_reloading(e, &told);
	long long limit = told ? BACKGROUND_WAIT_MAX_MS : DATA_DELAY_MS;
	long long rest = limit - (now_ms() - reload_at);
	if ((told && !left) || rest <= 0)
		return 0;
	return told && rest > BACKGROUND_TICK_MS ? BACKGROUND_TICK_MS : (int)rest;
}

/* Waits for a change, timeout_ms or a signal: watch_wait's codes. */
static int wait_event(struct watch *w, int sig_fd, int timeout_ms)
{
	if (w)
		return watch_wait(w, sig_fd, timeout_ms);
	struct pollfd p = {.fd = sig_fd, .events = POLLIN};
	int r = poll(&p, 1, timeout_ms);
	if (r < 0)
		return errno == EINTR ? WATCH_TIMEOUT : WATCH_ERROR;
	return r > 0 ? WATCH_STOP : WATCH_TIMEOUT;
}

/* What may interrupt the PDF pass: a stop signal, or a relevant change. */
struct pdf_stop {
	struct watch *w;
	int sig_fd;
};

/* pdf_cancel's question: the signal is left for the main loop to read, the change for watch_wait. */
static int pdf_should_stop(void *ctx, int fd)
{
	struct pdf_stop *p = ctx;
	if (fd == p->sig_fd || !p->w)
		return 1;
	return watch_absorb(p->w) != 0;
}

int serve_run(const struct serve_options *opts)
{
	int rc = 0, listen_fd = -1, sig_fd = -1;
	struct MHD_Daemon *daemon = NULL;
	struct watch *w = NULL;
	struct diag *d = NULL;
	struct incr *inc = NULL;
	struct watch_expect *expect = watch_expect_new(); /* the workshop's saves, announced to the watcher */
	struct stop_watch *stopper = NULL;
	char *out = NULL, *content = NULL, *templates = NULL;
	struct panel *panel = panel_new();
	struct buf first = BUF_INIT;
	panel_snippet(panel, &first, 0, NULL, 0);
	struct serve_http h = {NULL, serve_cache_new(buf_cstr(&first)), serve_events_new()};
	buf_free(&first);

	sigset_t stop_set, old_set;
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGINT);
	sigaddset(&stop_set, SIGTERM);
	struct sigaction ignore = {.sa_handler = SIG_IGN}, old_pipe;
	sigaction(SIGPIPE, &ignore, &old_pipe);
	/* Blocked before any thread starts, so only the signalfd sees them. */
	pthread_sigmask(SIG_BLOCK, &stop_set, &old_set);

	struct build_options b = opts->build;
	const char *root = b.root ? b.root : ".";
	out = b.out ? xstrdup(b.out) : path_join(root, "public");
	b.out = out;
	/* The build writes the same bytes as `fiches build`: injection is ours. */
	b.serve = 0;
	content = path_join(root, "content");
	templates = b.templates ? xstrdup(b.templates) : path_join(root, "templates");

	struct listen_addr addr;
	int port = opts->port;
	if (listen_parse_host(opts->host, port, &addr) < 0) {
		fprintf(stderr, _("fiches: --host takes a numeric IP address such as 127.0.0.1 or ::1, not '%s'\n"),
			opts->host);
		rc = 2;
		goto out;
	}
	if (!addr.loopback)
		fprintf(stderr, _("fiches: warning: %s is not a loopback address: anyone who can reach it can read the site\n"),
			addr.shown);
	/* Bind before building: a port in use fails at once. */
	listen_fd = listen_open(&addr, &port);
	if (listen_fd < 0) {
		fprintf(stderr, _("fiches: cannot listen on %s port %d: %s\n"), addr.shown,
			opts->port, strerror(errno));
		rc = 3;
		goto out;
	}
	sig_fd = signalfd(-1, &stop_set, SFD_CLOEXEC);
	if (sig_fd < 0) {
		fprintf(stderr, _("fiches: cannot handle signals: %s\n"), strerror(errno));
		rc = 3;
		goto out;
	}

	inc = incr_new();
	struct edit_options eo = {&b, port, addr.shown, addr.loopback, opts->edit_password_file, inc, expect};
	h.edit = edit_new(&eo);

	d = diag_new();
	diag_set_strict(d, b.strict);
	struct rebuilder r = {out, inc, d, h.cache, h.events, panel, h.edit != NULL};
	/*
	 * A stop signal during a build that cannot be interrupted ends the
	 * process (stop.h). With PDFs, the first build forks one process per
	 * booklet, which a process with threads must not do: the watch starts
	 * after it then.
	 */
	if (!build_makes_pdfs(&b))
		stopper = stop_watch_new(sig_fd);
	stop_watch_busy(stopper, 1);
	int status = serve_rebuild(&r, &b, 1, 1);
	stop_watch_busy(stopper, 0);
	if (!stopper)
		stopper = stop_watch_new(sig_fd);
	if (status == BUILD_USAGE || status == BUILD_FAILURE) {
		rc = status == BUILD_USAGE ? 2 : 3;
		goto out;
	}

	daemon = serve_http_start(listen_fd, addr.ss.ss_family == AF_INET6, &h);
	if (!daemon) {
		fprintf(stderr, _("fiches: cannot start the HTTP server\n"));
		rc = 3;
		goto out;
	}
	listen_fd = -1; /* the daemon's now */

	const char *dirs[2] = {content, templates};
	w = watch_new(dirs, 2);
	if (w)
		watch_set_expect(w, expect);
	if (!w)
		fprintf(stderr, _("fiches: cannot watch for changes (%s): no automatic rebuilds\n"),
			strerror(errno));
	fprintf(stderr, _("Serving %s at http://%s:%d/ (Ctrl-C to stop)\n"), out, addr.shown, port);
	if (h.edit)
		edit_announce(h.edit);

	/*
	 * After an edit the pages are rebuilt first (previous PDFs kept) and
	 * published; the PDF pass comes next, in a PDF worker process (this
	 * one has the HTTP threads and must not fork), and any further edit
	 * or a stop signal abandons it at once: the edit's pages are rebuilt,
	 * then the PDF pass starts over. pdf_due: a PDF pass is owed.
	 */
	struct pdf_stop stop = {NULL, sig_fd};
	int stop_fds[2], nstop = 0;
	struct pdf_cancel cancel = {stop_fds, 0, pdf_should_stop, &stop};
	struct build_options full = b;
	full.pdf_cancel = &cancel;
	int pdf_due = 0;
	long long reload_at = 0; /* when the last build that reloaded the pages ended (background_wait) */
	/* data_due: an incremental update's data files are owed (rebuild_data), pages: its stats so far. */
	int data_due = 0;
	struct build_stats pages = {0};
	struct build_options fast = b;
	fast.pdf_later = build_makes_pdfs(&b);
	for (;;) {
		stop.w = w;
		nstop = 0;
		stop_fds[nstop++] = sig_fd;
		if (w)
			stop_fds[nstop++] = watch_fd(w);
		cancel.nfds = (size_t)nstop;
		int background = data_due || pdf_due;
		int ev = wait_event(w, sig_fd,
				    background ? background_wait(h.events, reload_at) : HEARTBEAT_MS);
		/* The open pages are still reloading: wait on (changes and signals still come first). */
		if (ev == WATCH_TIMEOUT && background && background_wait(h.events, reload_at) > 0)
			continue;
		if (ev == WATCH_TIMEOUT && background && phase_enabled()) {
			unsigned told, left = serve_events_reloading(h.events, &told);
			fprintf(stderr, "fiches: background work after %u of %u pages loaded again, %lld ms after the reload\n",
				told - left, told, now_ms() - reload_at);
		}
		if (ev == WATCH_STOP) {
			/* Consumed, so that it does not fire once unblocked. */
			struct signalfd_siginfo info;
			if (read(sig_fd, &info, sizeof info) < 0)
				info.ssi_signo = 0;
			break;
		}
		stop_watch_busy(stopper, 1);
		if (ev == WATCH_TIMEOUT && data_due) {
			data_due = 0;
			int built = serve_rebuild_data(&r, &fast, &pages);
			pdf_due = build_makes_pdfs(&b) && built == BUILD_OK;
		} else if (ev == WATCH_TIMEOUT && pdf_due) {
			/* The PDFs, without reloading the pages again; cancelled: still owed. */
			phase_mark("pdf-build-start", NULL);
			pdf_due = serve_rebuild(&r, &full, 0, 0) == BUILD_CANCELLED;
		} else if (ev == WATCH_TIMEOUT) {
			serve_events_notify(h.events, NULL);
		} else if (ev == WATCH_CHANGED) {
			/* Only what changed is read again and only the pages it shows are made again. */
			size_t nchanged;
			const char *const *changed = watch_changes(w, &nchanged);
			char **names = NULL;
			if (changed) {
				names = xcalloc(nchanged + 1, sizeof *names);
				for (size_t i = 0; i < nchanged; i++)
					names[i] = xstrdup(changed[i]);
			}
			watch_changes_clear(w);
			int built = serve_rebuild_changed(&r, &fast, (const char *const *)names, nchanged,
							  &data_due, &pages);
			reload_at = now_ms();
			pdf_due = build_makes_pdfs(&b) && built == BUILD_OK;
			for (size_t i = 0; names && i < nchanged; i++)
				free(names[i]);
			free(names);
		} else {
			fprintf(stderr, _("fiches: watching for changes failed: %s\n"), strerror(errno));
			watch_free(w);
			w = NULL;
		}
		stop_watch_busy(stopper, 0);
	}

out:
	if (daemon) {
		/* The streams end first: the daemon must find none of them suspended. */
		serve_events_end(h.events);
		MHD_stop_daemon(daemon);
	}
	stop_watch_free(stopper);
	if (listen_fd >= 0)
		close(listen_fd);
	if (sig_fd >= 0)
		close(sig_fd);
	watch_free(w);
	if (d)
		diag_free(d);
	serve_cache_free(h.cache);
	serve_events_free(h.events);
	edit_free(h.edit);
	watch_expect_free(expect);
	incr_free(inc);
	panel_free(panel);
	free(out);
	free(content);
	free(templates);
	pthread_sigmask(SIG_SETMASK, &old_set, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	return rc;
}
