/*
 * Header checks of the editor's requests (pure string work, unit-tested):
 * the Host a browser sent must name this server without a domain name
 * (DNS rebinding), and a state-changing request's Origin must be this
 * server's own.
 */
#ifndef FICHES_EDIT_CHECK_H
#define FICHES_EDIT_CHECK_H

/*
 * 1 when host is "localhost", a numeric IPv4 address or a bracketed IPv6
 * address, followed by ":port" (the port the server listens on). A name
 * that an attacker's DNS could point at us is refused.
 */
int edit_host_ok(const char *host, int port);

/* 1 when origin is exactly "http://" followed by host (already edit_host_ok). */
int edit_origin_ok(const char *origin, const char *host);

#endif
