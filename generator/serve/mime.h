/*
 * Content types for the preview server, chosen by file extension.
 */
#ifndef FICHES_MIME_H
#define FICHES_MIME_H

/*
 * The Content-Type for the file at path (only its last extension is
 * looked at, case-insensitively). Never NULL; a static string;
 * "application/octet-stream" when the extension is unknown.
 */
const char *mime_type(const char *path);

/* 1 when the file at path is HTML (the server injects into those). */
int mime_is_html(const char *path);

#endif
