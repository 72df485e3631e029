/* Finding and opening a plugin; see plugin_load.h. */
#include "plugin_load.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"

#ifndef PKGLIBDIR
#define PKGLIBDIR "/usr/local/lib/fiches"
#endif

static void copy_message(char *to, size_t size, const char *from)
{
	size_t n = strlen(from);
	n = n < size ? n : size - 1;
	memcpy(to, from, n);
	to[n] = '\0';
}

const void *plugin_load(const char *name, const char *symbol, unsigned abi, unsigned size,
			char *why, size_t whysize)
{
	char exe[PATH_MAX] = "";
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = '\0';
	const char *slash = strrchr(exe, '/');
	const char *base = slash ? slash + 1 : "fiches";
	int dirlen = slash ? (int)(slash - exe) : 0;
	char tried[3][PATH_MAX + 64];
	int ntried = 0;
	if (slash) {
		snprintf(tried[ntried++], sizeof tried[0], "%.*s/%.64s-%.16s.so", dirlen, exe, base, name);
		snprintf(tried[ntried++], sizeof tried[0], "%.*s/../lib/fiches/%.64s-%.16s.so", dirlen,
			 exe, base, name);
	}
	snprintf(tried[ntried++], sizeof tried[0], "%s/fiches-%.16s.so", PKGLIBDIR, name);
	char err[1024] = "";
	void *h = NULL;
	for (int i = 0; i < ntried && !h; i++) {
		if (access(tried[i], F_OK) != 0)
			continue;
		/* Every symbol resolved now: a missing one is an error here, not a crash later. */
		h = dlopen(tried[i], RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			const char *e = dlerror();
			copy_message(err, sizeof err, e ? e : tried[i]);
		}
	}
	if (!h) {
		if (!*err)
			snprintf(err, sizeof err, _("no file %s"), tried[0]);
		snprintf(why, whysize,
			 _("the module %s of fiches cannot be loaded (%s); reinstall fiches "
			   "(make install puts fiches-%s.so in PREFIX/lib/fiches)"),
			 name, err, name);
		return NULL;
	}
	const struct plugin_stamp *sym = dlsym(h, symbol);
	if (!sym || sym->abi != abi || sym->size != size) {
		snprintf(why, whysize, _("the module %s of fiches does not belong to this program; "
					 "reinstall fiches"),
			 name);
		dlclose(h);
		return NULL;
	}
	return sym;
}
