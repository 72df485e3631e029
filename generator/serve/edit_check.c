/* Host and Origin checks; see edit_check.h. */
#include "edit_check.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int edit_host_ok(const char *host, int port)
{
	if (!host)
		return 0;
	const char *colon = strrchr(host, ':');
	if (!colon || colon == host)
		return 0;
	char want[16];
	snprintf(want, sizeof want, "%d", port);
	if (strcmp(colon + 1, want) != 0)
		return 0;
	size_t n = (size_t)(colon - host);
	char name[64];
	if (n >= sizeof name)
		return 0;
	memcpy(name, host, n);
	name[n] = '\0';
	if (strcmp(name, "localhost") == 0)
		return 1;
	unsigned char addr[16];
	if (inet_pton(AF_INET, name, addr) == 1)
		return 1;
	if (n >= 2 && name[0] == '[' && name[n - 1] == ']') {
		name[n - 1] = '\0';
		return inet_pton(AF_INET6, name + 1, addr) == 1;
	}
	return 0;
}

int edit_origin_ok(const char *origin, const char *host)
{
	if (!origin || !host || strncmp(origin, "http://", 7) != 0)
		return 0;
	return strcmp(origin + 7, host) == 0;
}
