/* Binding of the message catalogue; see i18n.h. */
#include "i18n.h"

#include <locale.h>
#include <stdlib.h>

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

void i18n_init(void)
{
	setlocale(LC_ALL, "");
	/* Output must not depend on the locale beyond message text. */
	setlocale(LC_NUMERIC, "C");
	setlocale(LC_COLLATE, "C");
	setlocale(LC_CTYPE, "C.UTF-8");
	/* FICHES_LOCALEDIR lets the tests use the catalogue of the build tree. */
	const char *dir = getenv("FICHES_LOCALEDIR");
	bindtextdomain("fiches", dir && *dir ? dir : LOCALEDIR);
	bind_textdomain_codeset("fiches", "UTF-8");
	textdomain("fiches");
}
