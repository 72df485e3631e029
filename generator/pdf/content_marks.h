/*
 * Page content streams marked while the next pages are drawn.
 *
 * pdf_post marks the untagged drawing of every page content stream as an
 * artifact, inflating and deflating each stream again (a tenth of what the
 * main thread does after the layout of the complete guide). The layout's
 * second thread is idle by then (part_lanes.h) and the main thread draws
 * the pages one by one, Cairo writing each page's content stream into the
 * file as the page is shown: content_marks hands each page's stream, once
 * written, to a thread of its own that does pdf_post's work on it
 * (pdf_remark_stream), while the main thread draws the next page. pdf_post
 * then takes the result for a stream of the very same bytes, and does the
 * work itself for any stream not found, so the file is the same either way.
 */
#ifndef FICHES_CONTENT_MARKS_H
#define FICHES_CONTENT_MARKS_H

#include <stddef.h>

struct content_marks;

/* Starts the thread; NULL when it cannot start (pdf_post then does all the work). */
struct content_marks *content_marks_start(void);

/*
 * After a cairo_show_page: s[from..to) are the bytes Cairo wrote for the
 * page; the content stream of each page object among them is copied and
 * marked on the thread. Does nothing when cm is NULL.
 */
void content_marks_page(struct content_marks *cm, const char *s, size_t from, size_t to);

/* No more pages: waits until the thread has marked them all, and ends it. */
void content_marks_done(struct content_marks *cm);

/*
 * 1 when a stream of the bytes data[0..len) was marked ahead and not taken
 * yet: *zdata (the caller's to free) and *zlen are pdf_remark_stream's
 * answer for it. 0 otherwise, and always when cm is NULL. Safe from
 * several threads at once, after content_marks_done.
 */
int content_marks_take(struct content_marks *cm, const char *data, size_t len, unsigned char **zdata,
		       size_t *zlen);

/* Frees what is left (streams not taken) and cm. */
void content_marks_free(struct content_marks *cm);

#endif
