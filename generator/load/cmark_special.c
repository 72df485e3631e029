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
 * library's when the library calls it through its PLT: it passes "on" to
 * the library's version and drops "off".
 *
 * Whether the library's calls reach it is not something a look-up can
 * tell: a library linked with -Bsymbolic-functions (Ubuntu's default for
 * its packages) calls its own copy directly, and an update could bring
 * that without a rebuild of fiches. So markdown.c parses one document
 * before any thread starts and asks how many calls arrived here
 * (cmark_special_calls); only when they did, and the library's own
 * version was found to forward to, do inline passes run in parallel.
 * Otherwise they run one at a time, the library's own safe path.
 *
 * The second replacement, cmark_consolidate_text_nodes, merges adjacent
 * text nodes as the library's own does (it forwards to it), but once per
 * tree in cmark_parser_finish: the library's finish consolidates the
 * document, then runs the postprocess of each attached extension, and
 * autolink's (the only one among the core extensions: no other sets a
 * postprocess function) begins by consolidating the same tree again,
 * which finds nothing left to merge: a walk of every node with
 * cmark_iter, 10 M instructions at 1 000 fiches. Nothing runs between the
 * two calls but the postprocess functions before autolink's, and none is
 * attached; were the order the other way round, autolink's own changes
 * (a text, an e-mail link, a text) leave no two texts side by side either.
 * The second call is spared only while markdown.c says a finish of its own
 * is under way (cmark_special_finish_begin) and for the root the first
 * call got: any other call is forwarded. markdown_parse_doc, whose walk
 * merges adjacent texts itself and runs autolink's pass on them after
 * (markdown.c), has the first call spared too. Whether the library's calls
 * reach this definition changes no tree, only the cost.
 *
 * Linked with cmark-gfm's static library (make STATIC=1), the program
 * would hold two definitions of each function: the link fails with
 * « multiple definition », and no call could be taken over anyway, since
 * the library's calls are bound inside the program. Such builds define
 * FICHES_STATIC_CMARK and leave the replacement out: the proof above then
 * sees no call and the inline passes run one at a time.
 */
#include "cmark_special.h"

#ifdef FICHES_STATIC_CMARK

unsigned long cmark_special_calls(void)
{
	return 0;
}

int cmark_special_forwards(void)
{
	return 0;
}

int cmark_special_built(void)
{
	return 0;
}

void cmark_special_finish_begin(int caller_consolidates)
{
	(void)caller_consolidates;
}

void cmark_special_finish_end(void)
{
}

unsigned long cmark_special_spared(void)
{
	return 0;
}

#else

#include <cmark-gfm.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

void cmark_manage_extensions_special_characters(cmark_parser *parser, int add);

typedef void (*manage_fn)(cmark_parser *, int);

static manage_fn library_manage;
static atomic_ulong calls;

/*
 * The library's own definition of name, whose replacement here is mine:
 * the next one after the program's or, when the dynamic linker's order
 * does not give it (a library loaded with RTLD_LOCAL, say), the one in the
 * file that holds cmark_parser_new. NULL when only mine is found.
 */
static void *library_definition(const char *name, void *mine)
{
	void *f = dlsym(RTLD_NEXT, name);
	Dl_info info;
	if ((!f || f == mine) && dladdr((void *)cmark_parser_new, &info) && info.dli_fname) {
		void *lib = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
		f = lib ? dlsym(lib, name) : NULL;
		if (lib)
			dlclose(lib);
	}
	return f != mine ? f : NULL;
}

static void find_library_manage(void)
{
	library_manage = (manage_fn)library_definition("cmark_manage_extensions_special_characters",
						       (void *)cmark_manage_extensions_special_characters);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;

void cmark_manage_extensions_special_characters(cmark_parser *parser, int add)
{
	pthread_once(&once, find_library_manage);
	atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
	if (add && library_manage)
		library_manage(parser, add);
}

unsigned long cmark_special_calls(void)
{
	return atomic_load_explicit(&calls, memory_order_relaxed);
}

int cmark_special_forwards(void)
{
	pthread_once(&once, find_library_manage);
	return library_manage != NULL;
}

int cmark_special_built(void)
{
	return 1;
}

typedef void (*consolidate_fn)(cmark_node *);

static consolidate_fn library_consolidate;
static atomic_ulong spared;

static void find_library_consolidate(void)
{
	library_consolidate = (consolidate_fn)library_definition("cmark_consolidate_text_nodes",
								 (void *)cmark_consolidate_text_nodes);
}

static pthread_once_t consolidate_once = PTHREAD_ONCE_INIT;

/*
 * This thread's finish under way: the root consolidated in it (NULL: none
 * yet), whether one is, and whether its caller merges the texts itself.
 */
static _Thread_local cmark_node *consolidated;
static _Thread_local int finishing;
static _Thread_local int caller_merges;

void cmark_special_finish_begin(int caller_consolidates)
{
	finishing = 1;
	caller_merges = caller_consolidates;
	consolidated = NULL;
}

void cmark_special_finish_end(void)
{
	finishing = 0;
	caller_merges = 0;
	consolidated = NULL;
}

unsigned long cmark_special_spared(void)
{
	return atomic_load_explicit(&spared, memory_order_relaxed);
}

void cmark_consolidate_text_nodes(cmark_node *root)
{
	if (finishing && root && (root == consolidated || (caller_merges && !consolidated))) {
		atomic_fetch_add_explicit(&spared, 1, memory_order_relaxed);
		consolidated = root;
		return;
	}
	pthread_once(&consolidate_once, find_library_consolidate);
	/* Without the library's own, no tree could be right: stop rather than publish one. */
	if (!library_consolidate)
		abort();
	library_consolidate(root);
	if (finishing)
		consolidated = root;
}

#endif
