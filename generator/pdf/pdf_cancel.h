/*
 * How a PDF pass is abandoned (serve: an edit, a stop signal), apart from
 * pdf.h so that the server can say it without the content model: when one
 * of fds becomes readable, stop(ctx, fd) is asked; 1 abandons the pass.
 * stop may read the descriptor; what it leaves unread is seen later by
 * its owner.
 */
#ifndef FICHES_PDF_CANCEL_H
#define FICHES_PDF_CANCEL_H

#include <stddef.h>

struct pdf_cancel {
	const int *fds;
	size_t nfds;
	int (*stop)(void *ctx, int fd);
	void *ctx;
};

/*
 * Kills the PDF worker's process group if one runs (async-signal-safe):
 * for a server ending at once (serve/stop.h), so that no worker outlives it.
 */
void pdf_cancel_kill_worker(void);

#endif
