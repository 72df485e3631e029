/*
 * The listening socket of `fiches serve`: the address --host names and the
 * socket bound to it. Why apart, and before the daemon: the port is bound
 * before the first build, so that a port in use fails at once, and the
 * address decides whether the workshop may run (loopback only, unless a
 * password is given).
 */
#ifndef FICHES_SERVE_LISTEN_H
#define FICHES_SERVE_LISTEN_H

#include <arpa/inet.h>
#include <sys/socket.h>

struct listen_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	int loopback;
	char shown[INET6_ADDRSTRLEN + 4];   /* as in a URL: brackets around IPv6 */
};

/*
 * Parses host (numeric IPv4 or IPv6, optionally in brackets, or
 * "localhost"; NULL or empty: 127.0.0.1) with port into a. Returns 0, or
 * -1 when it is not one.
 */
int listen_parse_host(const char *host, int port, struct listen_addr *a);

/* A listening socket on a, or -1 (errno set). Sets *port to the port actually bound. */
int listen_open(struct listen_addr *a, int *port);

#endif
