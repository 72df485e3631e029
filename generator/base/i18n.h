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

/* Binds the catalogue; call once from main. */
void i18n_init(void);

#endif
