/* The listening socket of `fiches serve`; see serve_listen.h. */
#include "serve_listen.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int listen_parse_host(const char *host, int port, struct listen_addr *a)
{
	memset(a, 0, sizeof *a);
	if (!host || !*host || strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	char bare[INET6_ADDRSTRLEN + 1];
	size_t n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		if (n - 2 >= sizeof bare)
			return -1;
		memcpy(bare, host + 1, n - 2);
		bare[n - 2] = '\0';
	} else {
		if (n >= sizeof bare)
			return -1;
		memcpy(bare, host, n + 1);
	}
	struct sockaddr_in *v4 = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a->ss;
	if (inet_pton(AF_INET, bare, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		a->len = sizeof *v4;
		a->loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
		snprintf(a->shown, sizeof a->shown, "%s", bare);
	} else if (inet_pton(AF_INET6, bare, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		a->len = sizeof *v6;
		a->loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
		snprintf(a->shown, sizeof a->shown, "[%s]", bare);
	} else {
		return -1;
	}
	return 0;
}

/* A listening socket on a, or -1 (errno set). Fills in the port actually bound. */
int listen_open(struct listen_addr *a, int *port)
{
	int fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (a->ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&a->ss, a->len) < 0 || listen(fd, 128) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	struct sockaddr_storage got;
	socklen_t len = sizeof got;
	if (getsockname(fd, (struct sockaddr *)&got, &len) == 0)
		*port = ntohs(got.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&got)->sin6_port
							: ((struct sockaddr_in *)&got)->sin_port);
	return fd;
}
