/*
 * Message translation. Messages are written in English in the code and
 * translated by the French catalogue (po/fr.po), installed as
 * LOCALEDIR/fr/LC_MESSAGES/fiches.mo.
 */
#ifndef FICHES_I18N_H
#define FICHES_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/*
 * Binds the catalogue, found next to the program (see i18n.c), and makes
 * the language the environment asks for (LANGUAGE, LC_ALL, LC_MESSAGES,
 * LANG) work even when its locale is not installed. Call once from main.
 */
void i18n_init(void);

#endif
