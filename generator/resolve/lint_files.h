/*
 * Checks of what the load stage leaves out without a word: files in
 * content/ that no rule reads (a fiche saved as ".MD", ".md.txt" or
 * ".markdown", "contacts.yml", a folder "action/"), and data-file values
 * that are not what their field says (an e-mail address with a space, a
 * phone number without digits, a web address without a site name). Each
 * is a warning naming the file and the fix (an error with --strict).
 */
#ifndef FICHES_LINT_FILES_H
#define FICHES_LINT_FILES_H

#include "diag.h"
#include "model.h"

/* Files and folders of content/ that the build does not read. */
void lint_content_files(const struct site *s, struct diag *d);

/* E-mail addresses, phone numbers and web addresses of the data files. */
void lint_data_values(const struct site *s, struct diag *d);

/*
 * The name a file of a folder read for suffix (".md" or ".yaml") was meant
 * to have ("02-x.MD" → "02-x.md", "x.md.txt" → "x.md"), or NULL (caller
 * frees).
 */
char *lint_intended_name(const char *name, const char *suffix);

/*
 * Why e is not an e-mail address (a translated phrase), or NULL when it is
 * one. Exposed for the unit tests.
 */
const char *lint_email_problem(const char *e);

/* Whether p reads as a phone number: digits and the usual separators. */
int lint_is_phone(const char *p);

/* Why url (starting with http:// or https://) is not a web address, or NULL. */
const char *lint_url_problem(const char *url);

#endif
