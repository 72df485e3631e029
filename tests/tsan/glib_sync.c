/*
 * Preloaded into whole builds under ThreadSanitizer (tests/tsan/tsan_build.sh),
 * never into the program itself. GLib 2.74 builds GMutex and GCond on Linux
 * futexes, which TSan does not see, so every hand-over Pango and fontconfig
 * make under G_LOCK or a condition (the HarfBuzz buffer Pango keeps for the
 * next caller, the font sets its own threads sort) looks like a race: about
 * 430 reports for one booklet laid out on two lanes. Each wrapper calls
 * GLib's own function and tells TSan what it did (acquire after taking a
 * mutex, release before giving it back, both around a wait), so the
 * reports left are races TSan can prove. fiches' own code is never
 * annotated: its threads use pthreads and C11 atomics, which TSan sees.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

void __tsan_acquire(void *addr);
void __tsan_release(void *addr);

/* GLib's function of that name; a missing one stops the run (no silent no-op). */
static void *next(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);
	if (!f) {
		fprintf(stderr, "glib_sync: %s not found after the preload\n", name);
		abort();
	}
	return f;
}

void g_mutex_lock(GMutex *m)
{
	static void (*real)(GMutex *);
	if (!real)
		real = (void (*)(GMutex *))next("g_mutex_lock");
	real(m);
	__tsan_acquire(m);
}

gboolean g_mutex_trylock(GMutex *m)
{
	static gboolean (*real)(GMutex *);
	if (!real)
		real = (gboolean (*)(GMutex *))next("g_mutex_trylock");
	gboolean taken = real(m);
	if (taken)
		__tsan_acquire(m);
	return taken;
}

void g_mutex_unlock(GMutex *m)
{
	static void (*real)(GMutex *);
	if (!real)
		real = (void (*)(GMutex *))next("g_mutex_unlock");
	__tsan_release(m);
	real(m);
}

void g_cond_wait(GCond *c, GMutex *m)
{
	static void (*real)(GCond *, GMutex *);
	if (!real)
		real = (void (*)(GCond *, GMutex *))next("g_cond_wait");
	__tsan_release(m);
	real(c, m);
	__tsan_acquire(m);
}

gboolean g_cond_wait_until(GCond *c, GMutex *m, gint64 end_time)
{
	static gboolean (*real)(GCond *, GMutex *, gint64);
	if (!real)
		real = (gboolean (*)(GCond *, GMutex *, gint64))next("g_cond_wait_until");
	__tsan_release(m);
	gboolean signalled = real(c, m, end_time);
	__tsan_acquire(m);
	return signalled;
}
