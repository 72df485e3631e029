/*
 * Cairo's page content streams written stored; see content_deflate.h.
 *
 * Cairo 1.16 deflates every page's content stream (deflateInit at its
 * default level, no switch to turn it off), and pdf_post.c inflates each
 * of them again to mark its artifacts and deflates the result: the first
 * deflate, 0.19 G instructions of the complete guide on the main thread,
 * was thrown away. While content_deflate_stored(1) holds on a thread, this
 * definition of zlib's deflateInit_ (what the deflateInit macro calls)
 * takes the place of the library's for Cairo, which calls it through its
 * PLT, and asks for level 0: the stream is written as stored blocks, still
 * a FlateDecode stream, that pdf_post inflates at the cost of a copy.
 *
 * The bytes of a booklet do not depend on it: pdf_post deflates every page
 * content stream again, and writes the length of its own output into the
 * object that held Cairo's /Length. When the library's calls do not reach
 * this definition (tests/replacements/unreached.ver), Cairo deflates as
 * before and the booklet is the same; t_replacements.py compares them.
 */
#include "content_deflate.h"
#include "cairo_probe.h"

#include <dlfcn.h>
#include <stdatomic.h>

typedef int (*deflate_init_fn)(z_streamp, int, const char *, int);

static _Thread_local int stored;
static atomic_ulong reached; /* streams begun here while stored */

void content_deflate_stored(int on)
{
	stored = on;
}

int deflateInit_(z_streamp strm, int level, const char *version, int stream_size)
{
	static _Atomic(deflate_init_fn) lib;
	if (!lib)
		lib = (deflate_init_fn)dlsym(RTLD_NEXT, "deflateInit_");
	if (!lib)
		return Z_VERSION_ERROR; /* zlib is linked: cannot happen */
	if (stored) {
		atomic_fetch_add_explicit(&reached, 1, memory_order_relaxed);
		level = 0;
	}
	return lib(strm, level, version, stream_size);
}

int content_deflate_reached(void)
{
	unsigned long before = atomic_load(&reached);
	cairo_probe_page(1, content_deflate_stored);
	return atomic_load(&reached) > before;
}
