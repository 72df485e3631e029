/*
 * Preloaded into whole builds under ThreadSanitizer (tests/tsan/tsan_build.sh),
 * never into the program itself. GLib 2.74 builds its locks (GMutex,
 * GCond, GRecMutex, GRWLock, the bit locks, g_once_init_*) on Linux
 * futexes, which TSan does not see, so every hand-over Pango, GObject and
 * fontconfig make under them (the HarfBuzz buffer Pango keeps for the next
 * caller, the font sets its own threads sort, the type system's tables)
 * looks like a race: about 430 reports for one booklet laid out on two
 * lanes. Each wrapper calls GLib's own function and tells TSan what it did
 * (acquire after taking a lock, release before giving it back, both
 * around a wait), so the reports left are races TSan can prove. fiches'
 * own code is never annotated: its threads use pthreads and C11 atomics,
 * which TSan sees.
 *
 * A preload only sees calls made through the PLT, from outside libglib:
 * libglib is linked with -Bsymbolic-functions, so its calls to its own
 * functions (the quark table's G_LOCK, the GData bit locks behind
 * g_object_set_qdata) go straight to them. Where such a hidden lock guards
 * what another library then reads, the public entry point is wrapped
 * instead (the quark table below).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <glib.h>
#include <pthread.h>
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

/*
 * GRecMutex: GObject's type system takes one (class_init_rec_mutex) when
 * a class is first referenced, which either lane may do.
 */
void g_rec_mutex_lock(GRecMutex *m)
{
	static void (*real)(GRecMutex *);
	if (!real)
		real = (void (*)(GRecMutex *))next("g_rec_mutex_lock");
	real(m);
	__tsan_acquire(m);
}

gboolean g_rec_mutex_trylock(GRecMutex *m)
{
	static gboolean (*real)(GRecMutex *);
	if (!real)
		real = (gboolean (*)(GRecMutex *))next("g_rec_mutex_trylock");
	gboolean taken = real(m);
	if (taken)
		__tsan_acquire(m);
	return taken;
}

void g_rec_mutex_unlock(GRecMutex *m)
{
	static void (*real)(GRecMutex *);
	if (!real)
		real = (void (*)(GRecMutex *))next("g_rec_mutex_unlock");
	__tsan_release(m);
	real(m);
}

/*
 * GRWLock: GObject's type system keeps its tables (the type nodes, their
 * names, their qdata) under one (type_rw_lock); a lane registering an
 * enum type the first time it prints an attribute list writes them, the
 * other lane reads them. Readers acquire and release too: TSan's
 * acquire and release are happens-before edges, not a lock, so a
 * reader's release only orders it before whoever takes the lock next,
 * which a writer needs and a reader does not mind.
 */
void g_rw_lock_writer_lock(GRWLock *l)
{
	static void (*real)(GRWLock *);
	if (!real)
		real = (void (*)(GRWLock *))next("g_rw_lock_writer_lock");
	real(l);
	__tsan_acquire(l);
}

gboolean g_rw_lock_writer_trylock(GRWLock *l)
{
	static gboolean (*real)(GRWLock *);
	if (!real)
		real = (gboolean (*)(GRWLock *))next("g_rw_lock_writer_trylock");
	gboolean taken = real(l);
	if (taken)
		__tsan_acquire(l);
	return taken;
}

void g_rw_lock_writer_unlock(GRWLock *l)
{
	static void (*real)(GRWLock *);
	if (!real)
		real = (void (*)(GRWLock *))next("g_rw_lock_writer_unlock");
	__tsan_release(l);
	real(l);
}

void g_rw_lock_reader_lock(GRWLock *l)
{
	static void (*real)(GRWLock *);
	if (!real)
		real = (void (*)(GRWLock *))next("g_rw_lock_reader_lock");
	real(l);
	__tsan_acquire(l);
}

gboolean g_rw_lock_reader_trylock(GRWLock *l)
{
	static gboolean (*real)(GRWLock *);
	if (!real)
		real = (gboolean (*)(GRWLock *))next("g_rw_lock_reader_trylock");
	gboolean taken = real(l);
	if (taken)
		__tsan_acquire(l);
	return taken;
}

void g_rw_lock_reader_unlock(GRWLock *l)
{
	static void (*real)(GRWLock *);
	if (!real)
		real = (void (*)(GRWLock *))next("g_rw_lock_reader_unlock");
	__tsan_release(l);
	real(l);
}

/*
 * The bit locks: no library of Pango's stack calls them from outside
 * libglib today (GData's are internal calls), but one that did would hand
 * data over behind TSan's back like the others. The word's address
 * stands for every bit lock in it.
 */
void g_bit_lock(volatile gint *address, gint bit)
{
	static void (*real)(volatile gint *, gint);
	if (!real)
		real = (void (*)(volatile gint *, gint))next("g_bit_lock");
	real(address, bit);
	__tsan_acquire((void *)address);
}

gboolean g_bit_trylock(volatile gint *address, gint bit)
{
	static gboolean (*real)(volatile gint *, gint);
	if (!real)
		real = (gboolean (*)(volatile gint *, gint))next("g_bit_trylock");
	gboolean taken = real(address, bit);
	if (taken)
		__tsan_acquire((void *)address);
	return taken;
}

void g_bit_unlock(volatile gint *address, gint bit)
{
	static void (*real)(volatile gint *, gint);
	if (!real)
		real = (void (*)(volatile gint *, gint))next("g_bit_unlock");
	__tsan_release((void *)address);
	real(address, bit);
}

/* glib.h makes the pointer bit locks macros (a type check); the functions are wanted here. */
#undef g_pointer_bit_lock
#undef g_pointer_bit_trylock
#undef g_pointer_bit_unlock

void g_pointer_bit_lock(volatile void *address, gint bit)
{
	static void (*real)(volatile void *, gint);
	if (!real)
		real = (void (*)(volatile void *, gint))next("g_pointer_bit_lock");
	real(address, bit);
	__tsan_acquire((void *)address);
}

gboolean g_pointer_bit_trylock(volatile void *address, gint bit)
{
	static gboolean (*real)(volatile void *, gint);
	if (!real)
		real = (gboolean (*)(volatile void *, gint))next("g_pointer_bit_trylock");
	gboolean taken = real(address, bit);
	if (taken)
		__tsan_acquire((void *)address);
	return taken;
}

void g_pointer_bit_unlock(volatile void *address, gint bit)
{
	static void (*real)(volatile void *, gint);
	if (!real)
		real = (void (*)(volatile void *, gint))next("g_pointer_bit_unlock");
	__tsan_release((void *)address);
	real(address, bit);
}

/*
 * g_once_init_enter/leave: every G_DEFINE_TYPE's get_type. glib.h's
 * macro reads the location with an atomic load first and calls the
 * function only while it is unset, so what is seen here is the slow
 * path: the thread that initialises releases before publishing, one that
 * waited for it acquires. A thread that finds the location already set
 * by the macro's load is not seen (that load is in the caller's code).
 */
#undef g_once_init_enter
#undef g_once_init_leave

gboolean g_once_init_enter(volatile void *location)
{
	static gboolean (*real)(volatile void *);
	if (!real)
		real = (gboolean (*)(volatile void *))next("g_once_init_enter");
	gboolean mine = real(location);
	if (!mine)
		__tsan_acquire((void *)location);
	return mine;
}

void g_once_init_leave(volatile void *location, gsize result)
{
	static void (*real)(volatile void *, gsize);
	if (!real)
		real = (void (*)(volatile void *, gsize))next("g_once_init_leave");
	__tsan_release((void *)location);
	real(location, result);
}

/*
 * The quark table (quarks and interned strings) is guarded by a GLib
 * lock taken inside libglib, which no preload sees (see the top). The
 * lanes meet there: both ask for the quark of the same key
 * (g_object_set_data_full with a string key), and the one that comes
 * second compares its key with the copy the first one made, which TSan
 * reported once in CI. Each call from outside libglib is made under a
 * pthread mutex of this file, which TSan sees; GLib's own lock is
 * taken inside it and is never held while waiting for this one, so the
 * order cannot deadlock.
 */
static pthread_mutex_t quark_calls = PTHREAD_MUTEX_INITIALIZER;

GQuark g_quark_from_string(const gchar *string)
{
	static GQuark (*real)(const gchar *);
	if (!real)
		real = (GQuark (*)(const gchar *))next("g_quark_from_string");
	pthread_mutex_lock(&quark_calls);
	GQuark q = real(string);
	pthread_mutex_unlock(&quark_calls);
	return q;
}

GQuark g_quark_from_static_string(const gchar *string)
{
	static GQuark (*real)(const gchar *);
	if (!real)
		real = (GQuark (*)(const gchar *))next("g_quark_from_static_string");
	pthread_mutex_lock(&quark_calls);
	GQuark q = real(string);
	pthread_mutex_unlock(&quark_calls);
	return q;
}

GQuark g_quark_try_string(const gchar *string)
{
	static GQuark (*real)(const gchar *);
	if (!real)
		real = (GQuark (*)(const gchar *))next("g_quark_try_string");
	pthread_mutex_lock(&quark_calls);
	GQuark q = real(string);
	pthread_mutex_unlock(&quark_calls);
	return q;
}

/* Lock-free in GLib (atomic loads), but what it returns is a copy another thread made. */
const gchar *g_quark_to_string(GQuark quark)
{
	static const gchar *(*real)(GQuark);
	if (!real)
		real = (const gchar *(*)(GQuark))next("g_quark_to_string");
	pthread_mutex_lock(&quark_calls);
	const gchar *s = real(quark);
	pthread_mutex_unlock(&quark_calls);
	return s;
}

const gchar *g_intern_string(const gchar *string)
{
	static const gchar *(*real)(const gchar *);
	if (!real)
		real = (const gchar *(*)(const gchar *))next("g_intern_string");
	pthread_mutex_lock(&quark_calls);
	const gchar *s = real(string);
	pthread_mutex_unlock(&quark_calls);
	return s;
}

const gchar *g_intern_static_string(const gchar *string)
{
	static const gchar *(*real)(const gchar *);
	if (!real)
		real = (const gchar *(*)(const gchar *))next("g_intern_static_string");
	pthread_mutex_lock(&quark_calls);
	const gchar *s = real(string);
	pthread_mutex_unlock(&quark_calls);
	return s;
}
