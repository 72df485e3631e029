/*
 * A fix for a thread-safety bug of cmark-gfm 0.29.
 *
 * At the start of each document's inline pass, cmark-gfm switches the
 * special characters of the attached syntax extensions (':' and 'w' for
 * autolinks, '~' for strikethrough) on in tables shared by the whole
 * process, and at the end switches them off again (blocks.c,
 * process_inlines). Two threads parsing at once turn them off under each
 * other's feet: autolinks and strikethrough come and go.
 *
 * Every parser fiches makes attaches the same extensions, so the
 * characters may as well stay on. This definition takes the place of the
 * library's (the library calls it through its PLT, so its own calls reach
 * this one): it passes "on" to the library's version and drops "off".
 * markdown_init parses one document before any worker thread starts, so
 * the tables are complete before they are shared, and are only read after.
 */
#include "cmark_special.h"

#include <cmark-gfm.h>
#include <dlfcn.h>
#include <pthread.h>

void cmark_manage_extensions_special_characters(cmark_parser *parser, int add);

typedef void (*manage_fn)(cmark_parser *, int);

static manage_fn library_manage;

static void find_library_manage(void)
{
	library_manage = (manage_fn)dlsym(RTLD_NEXT, "cmark_manage_extensions_special_characters");
}

static pthread_once_t once = PTHREAD_ONCE_INIT;

void cmark_manage_extensions_special_characters(cmark_parser *parser, int add)
{
	pthread_once(&once, find_library_manage);
	if (add && library_manage)
		library_manage(parser, add);
}

int cmark_special_interposed(void)
{
	pthread_once(&once, find_library_manage);
	return library_manage != NULL &&
	       library_manage != (manage_fn)cmark_manage_extensions_special_characters;
}
