/*
 * Message translation. Messages are written in English in the code and
 * translated by the French catalogue (po/fr.po), installed as
 * LOCALEDIR/fr/LC_MESSAGES/fiches.mo.
 */
#ifndef FICHES_I18N_H
#define FICHES_I18N_H

#include <libintl.h>
#include <locale.h>

#define _(s) gettext(s)
#define N_(s) (s)

/*
 * Binds the catalogue, found next to the program (see i18n.c), and makes
 * the language the environment asks for (LANGUAGE, LC_ALL, LC_MESSAGES,
 * LANG) work even when its locale is not installed. Call once from main.
 */
void i18n_init(void);

/*
 * A second language for the messages shown on the site's pages (the
 * overlay of `fiches serve` follows the site's `language`, not the
 * terminal's). Call before any thread starts (it may set LANGUAGE and the
 * process's LC_MESSAGES). Between i18n_site_begin() and i18n_site_end(),
 * the calling thread, and the pool threads it starts, translate into lang;
 * elsewhere messages stay in the terminal's language. Nothing changes when
 * both are the same.
 */
void i18n_site_language(const char *lang);
locale_t i18n_site_begin(void);          /* returns what to give to i18n_site_end */
void i18n_site_end(locale_t previous);

#endif
