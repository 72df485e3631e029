/*
 * .gz siblings for static hosts. A server set to send a file's « name.gz »
 * when the browser accepts gzip (nginx's gzip_static, Apache's MultiViews
 * or a RewriteRule: see README, « Search and offline use ») then spends no
 * CPU compressing what every visitor fetches: the search index's first
 * file and the site's style and scripts. Only files of PRECOMPRESS_MIN
 * bytes or more get one, and only when it saves a tenth; fragments of the
 * index and pages are left to the server's own compression, which most
 * hosts apply to text on the fly (writing a sibling for each of them would
 * double the files of a large site and cost seconds of every build).
 */
#ifndef FICHES_PRECOMPRESS_H
#define FICHES_PRECOMPRESS_H

#include <stddef.h>

struct stage;

#define PRECOMPRESS_MIN 4096

/* Stages path.gz, the gzip of data[0..len), when that is worth it (see above). */
void precompress_add(struct stage *st, const char *path, const char *data, size_t len);

#endif
