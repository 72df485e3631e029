/* Atomic saves and content versions; see edit_save.h. */
#include "edit_save.h"
#include "fileio.h"

#include "path.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void edit_version(const char *text, size_t len, char out[EDIT_VERSION_LEN + 1])
{
	unsigned char h[EDIT_VERSION_LEN / 2];
	crypto_generichash(h, sizeof h, (const unsigned char *)text, len, NULL, 0);
	sodium_bin2hex(out, EDIT_VERSION_LEN + 1, h, sizeof h);
}

char *edit_read(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	if ((unsigned long long)st.st_size > max) {
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *text = xmalloc(cap + 1);
	for (;;) {
		ssize_t r = read(fd, text + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(text);
			close(fd);
			errno = e;
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap) {
			/* The file grew while being read. */
			if (cap > max) {
				free(text);
				close(fd);
				errno = EFBIG;
				return NULL;
			}
			cap *= 2;
			text = xrealloc(text, cap + 1);
		}
	}
	close(fd);
	text[n] = '\0';
	*len = n;
	return text;
}

int edit_write_atomic(const char *path, const char *text, size_t len)
{
	const char *base = path_basename(path);
	char *dir = xstrndup(path, (size_t)(base - path));
	char *tmp = xasprintf("%s.%s-XXXXXX.tmp", dir, base);
	int fd = mkstemps(tmp, 4);
	int e = 0;
	if (fd < 0) {
		e = errno;
		goto out;
	}
	struct stat st;
	mode_t mode = 0644;
	if (stat(path, &st) == 0)
		mode = st.st_mode & 07777;
	if (fchmod(fd, mode) < 0 || fd_write_all(fd, text, len) < 0 || fsync(fd) < 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		e = errno;
		unlink(tmp);
		goto out;
	}
	/* The rename itself is durable once the directory is. */
	int dfd = open(*dir ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
out:
	free(tmp);
	free(dir);
	errno = e;
	return e ? -1 : 0;
}

char *edit_write_prepare(const char *path, const char *text, size_t len, const char *mode_from)
{
	const char *base = path_basename(path);
	char *dir = xstrndup(path, (size_t)(base - path));
	char *tmp = xasprintf("%s.%s-XXXXXX.tmp", dir, base);
	free(dir);
	int fd = mkstemps(tmp, 4);
	if (fd < 0) {
		free(tmp);
		return NULL;
	}
	struct stat st;
	mode_t mode = 0644;
	if (stat(path, &st) == 0 || (mode_from && stat(mode_from, &st) == 0))
		mode = st.st_mode & 07777;
	int failed = fchmod(fd, mode) < 0 || fd_write_all(fd, text, len) < 0 || fsync(fd) < 0;
	int e = errno;
	/* Closed once, whatever happened (a failed close has closed it too). */
	if (close(fd) < 0 && !failed) {
		failed = 1;
		e = errno;
	}
	if (failed) {
		unlink(tmp);
		free(tmp);
		errno = e;
		return NULL;
	}
	return tmp;
}

void edit_sync_dir(const char *path)
{
	const char *base = path_basename(path);
	char *dir = xstrndup(path, (size_t)(base - path));
	int dfd = open(*dir ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
}
