/*
 * Binding of the message catalogue; see i18n.h.
 *
 * Two things stand between a French coordinator and French messages with
 * plain gettext, and both are handled here:
 *  - where the catalogue is: build/fiches must find build/locale without an
 *    install step, an installed PREFIX/bin/fiches finds PREFIX/share/locale
 *    wherever PREFIX is, so the directory is looked up next to the program
 *    (/proc/self/exe); a program copied on its own still has the catalogues
 *    built into it, written once to a private directory for gettext;
 *  - which language: glibc translates only when the LC_MESSAGES locale is
 *    installed, and ignores LANGUAGE under the C locale. A machine with only
 *    C.UTF-8 (no fr_FR locale generated) would print English for
 *    LANG=fr_FR.UTF-8 and for LANGUAGE=fr. So when the environment asks for
 *    a language that setlocale could not give, messages use C.UTF-8 (which
 *    is always there and is not "C" for gettext) with LANGUAGE set to the
 *    language asked for: gettext then reads our catalogue as usual.
 */
#include "i18n.h"
#include "embedded.h"
#include "hash.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

static char bound_dir[PATH_MAX];

/* "C", "POSIX", "C.UTF-8": names under which gettext does not translate. */
static int is_c_locale(const char *name)
{
	return !name || !*name || !strcmp(name, "C") || !strcmp(name, "POSIX") ||
	       !strncmp(name, "C.", 2);
}

/* 1 when dir holds a fiches catalogue for some language. */
static int has_catalogue(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int found = 0;
	struct dirent *e;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char mo[PATH_MAX];
		struct stat st;
		if (snprintf(mo, sizeof mo, "%s/%s/LC_MESSAGES/fiches.mo", dir, e->d_name) < (int)sizeof mo &&
		    stat(mo, &st) == 0 && S_ISREG(st.st_mode))
			found = 1;
	}
	closedir(d);
	return found;
}

/*
 * Writes the catalogues built into the program (embedded.h) under a
 * private directory, $XDG_RUNTIME_DIR (else $TMPDIR, else /tmp)
 * /fiches-UID-DIGEST, and sets out to it. The digest of their bytes names
 * the directory, so programs of different versions never share one, and
 * a file there is only ever replaced whole (rename). The directory must be
 * ours and closed to others, or nothing is used. Returns 0, or -1.
 */
static int write_builtin_catalogues(char *out, size_t size)
{
	if (!catalogue_builtins_count)
		return -1;
	/*
	 * XXH3 (hash.h) rather than glib's SHA-256: no adversary picks these
	 * bytes, and this was the program's only call into glib, whose
	 * loading (with PCRE2) every run of the program paid at start-up.
	 */
	uint64_t sum = HASH_FNV1A64_BASIS;
	for (const struct embedded_file *f = catalogue_builtins; f->path; f++) {
		sum = hash_more(sum, f->path, strlen(f->path) + 1);
		sum = hash_more(sum, f->data, f->len);
	}
	const char *base = getenv("XDG_RUNTIME_DIR");
	if (!base || base[0] != '/')
		base = getenv("TMPDIR");
	if (!base || base[0] != '/')
		base = "/tmp";
	char dir[PATH_MAX];
	int n = snprintf(dir, sizeof dir, "%s/fiches-%u-%016" PRIx64, base, (unsigned)getuid(), sum);
	struct stat st;
	if (n >= (int)sizeof dir || (mkdir(dir, 0700) != 0 && errno != EEXIST) ||
	    lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
	    (st.st_mode & 077))
		return -1;
	for (const struct embedded_file *f = catalogue_builtins; f->path; f++) {
		char path[PATH_MAX], tmp[PATH_MAX];
		if (snprintf(path, sizeof path, "%s/%s", dir, f->path) >= (int)sizeof path ||
		    snprintf(tmp, sizeof tmp, "%s/.tmp-%ld", dir, (long)getpid()) >= (int)sizeof tmp)
			return -1;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == f->len)
			continue;
		/* The directories of "fr/LC_MESSAGES/fiches.mo", then the file. */
		for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
			*p = '\0';
			int made = mkdir(path, 0700) == 0 || errno == EEXIST;
			*p = '/';
			if (!made)
				return -1;
		}
		FILE *w = fopen(tmp, "wb");
		int ok = w && fwrite(f->data, 1, f->len, w) == f->len;
		if (w && fclose(w) != 0)
			ok = 0;
		if (!ok || rename(tmp, path) != 0) {
			unlink(tmp);
			return -1;
		}
	}
	return snprintf(out, size, "%s", dir) < (int)size ? 0 : -1;
}

/*
 * The catalogue directory: FICHES_LOCALEDIR, else locale/ beside the
 * program (the build tree: build/fiches, build/locale), else
 * ../share/locale from its directory (an install under any prefix), else,
 * when a translation is needed, the catalogues built into the program,
 * else the compiled-in LOCALEDIR. The built-in ones come before LOCALEDIR:
 * a program copied on its own is better served by its own catalogue than
 * by whatever an older install left there.
 */
static void find_localedir(char *out, size_t size, int needed)
{
	const char *env = getenv("FICHES_LOCALEDIR");
	if (env && *env) {
		snprintf(out, size, "%s", env);
		return;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			static const char *const beside[] = {"locale", "../share/locale"};
			for (size_t i = 0; i < sizeof beside / sizeof *beside; i++) {
				char dir[PATH_MAX];
				if (snprintf(dir, sizeof dir, "%s/%s", exe, beside[i]) < (int)sizeof dir &&
				    has_catalogue(dir) && realpath(dir, out))
					return;
			}
		}
	}
	if (needed && write_builtin_catalogues(out, size) == 0)
		return;
	snprintf(out, size, "%s", LOCALEDIR);
}

/* The language the environment asks for messages, in the order gettext reads it. */
static const char *wanted_language(void)
{
	static const char *const vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
	for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return v;
	}
	return NULL;
}

/* Makes gettext translate into lang ("fr", "fr_FR.UTF-8", "fr:en"…) whatever the locale. */
static void force_language(const char *lang)
{
	char value[128];
	size_t n = strcspn(lang, ".@");     /* "fr_FR.UTF-8" → "fr_FR"; a list keeps its ':' */
	if (strchr(lang, ':'))
		n = strlen(lang);
	snprintf(value, sizeof value, "%.*s", (int)n, lang);
	for (char *p = value; *p; p++)   /* "fr-FR" (a site's language) → "fr_FR" */
		if (*p == '-')
			*p = '_';
	if (is_c_locale(setlocale(LC_MESSAGES, NULL)))
		setlocale(LC_MESSAGES, "C.UTF-8");
	setenv("LANGUAGE", value, 1);
}

void i18n_init(void)
{
	setlocale(LC_ALL, "");
	/* Output must not depend on the locale beyond message text. */
	setlocale(LC_NUMERIC, "C");
	setlocale(LC_COLLATE, "C");
	setlocale(LC_CTYPE, "C.UTF-8");
	const char *lang = wanted_language();
	if (lang && !is_c_locale(lang) && is_c_locale(setlocale(LC_MESSAGES, NULL)))
		force_language(lang);
	find_localedir(bound_dir, sizeof bound_dir, lang && !is_c_locale(lang));
	bindtextdomain("fiches", bound_dir);
	bind_textdomain_codeset("fiches", "UTF-8");
	textdomain("fiches");
}

/* The messages' language for site pages (serve's overlay), or 0 when it is the terminal's. */
static locale_t site_locale;

/* The language code of a locale or LANGUAGE value: "fr_FR.UTF-8" → "fr"; C → "". */
static void language_code(const char *name, char *out, size_t size)
{
	if (is_c_locale(name))
		name = "";
	size_t n = strcspn(name, "_-.@:");
	snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), name);
}

/* The language gettext translates into now ("" for the untranslated English). */
static void current_language(char *out, size_t size)
{
	const char *msgs = setlocale(LC_MESSAGES, NULL);
	const char *language = getenv("LANGUAGE");
	if (!msgs || !strcmp(msgs, "C") || !strcmp(msgs, "POSIX"))
		language_code("C", out, size);
	else
		language_code(language && *language ? language : msgs, out, size);
}

void i18n_site_language(const char *lang)
{
	char want[32], now[32];
	language_code(lang ? lang : "", want, sizeof want);
	current_language(now, sizeof now);
	if (!strcmp(want, now))
		return;
	char mo[PATH_MAX];
	struct stat st;
	int catalogue = *want &&
			snprintf(mo, sizeof mo, "%s/%s/LC_MESSAGES/fiches.mo", bound_dir, want) < (int)sizeof mo &&
			stat(mo, &st) == 0;
	if (*want && !catalogue && !getenv("FICHES_LOCALEDIR")) {
		/* The terminal needed no catalogue; the site does: the built-in ones. */
		char dir[PATH_MAX];
		if (write_builtin_catalogues(dir, sizeof dir) == 0 &&
		    snprintf(mo, sizeof mo, "%s/%s/LC_MESSAGES/fiches.mo", dir, want) < (int)sizeof mo &&
		    stat(mo, &st) == 0) {
			snprintf(bound_dir, sizeof bound_dir, "%s", dir);
			bindtextdomain("fiches", bound_dir);
			catalogue = 1;
		}
	}
	locale_t base = duplocale(LC_GLOBAL_LOCALE);
	if (!base)
		return;
	if (catalogue) {
		/*
		 * gettext reads LANGUAGE for every thread whose LC_MESSAGES is
		 * not "C": the terminal's threads get "C" (the untranslated
		 * messages it asked for, since its own language is not ours
		 * to show), the site's scope gets C.UTF-8 and so LANGUAGE.
		 */
		setlocale(LC_MESSAGES, "C");
		setenv("LANGUAGE", want, 1);
		site_locale = newlocale(LC_MESSAGES_MASK, "C.UTF-8", base);
	} else {
		/* No catalogue for the site's language: its messages are the untranslated ones. */
		site_locale = newlocale(LC_MESSAGES_MASK, "C", base);
	}
	if (!site_locale)
		freelocale(base);
}

locale_t i18n_site_begin(void)
{
	return site_locale ? uselocale(site_locale) : (locale_t)0;
}

void i18n_site_end(locale_t previous)
{
	if (previous)
		uselocale(previous);
}
