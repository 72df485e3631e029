/* The workshop's password file; see edit_password.h. */
#include "edit_password.h"

#include "edit_save.h"
#include "i18n.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int edit_password_load(const char *file, char hash[EDIT_PASSWORD_HASH_MAX])
{
	size_t n = 0;
	char *text = edit_read(file, 4096, &n);
	if (!text) {
		fprintf(stderr, _("fiches: cannot read the password file %s: %s\n"), file, strerror(errno));
		return -1;
	}
	/* The first line, without its end. */
	text[strcspn(text, "\r\n")] = '\0';
	n = strlen(text);
	int r = -1;
	if (strncmp(text, "$argon2id$", 10) == 0) {
		if (n < EDIT_PASSWORD_HASH_MAX) {
			memcpy(hash, text, n + 1);
			r = 0;
		} else {
			fprintf(stderr, _("fiches: %s does not hold a valid password hash\n"), file);
		}
	} else if (n < EDIT_PASSWORD_MIN) {
		fprintf(stderr, _("fiches: the password in %s is too short (at least %d characters)\n"), file,
			EDIT_PASSWORD_MIN);
	} else if (crypto_pwhash_str(hash, text, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
				     crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		fprintf(stderr, _("fiches: not enough memory to hash the password\n"));
	} else {
		/* The hash replaces the password on disk, readable by its owner only. */
		char line[EDIT_PASSWORD_HASH_MAX + 1];
		snprintf(line, sizeof line, "%s\n", hash);
		if (edit_write_atomic(file, line, strlen(line)) == 0 && chmod(file, 0600) == 0) {
			fprintf(stderr, _("fiches: the password in %s was replaced by its Argon2id hash\n"), file);
			r = 0;
		} else {
			fprintf(stderr, _("fiches: cannot rewrite %s with the password's hash: %s\n"), file,
				strerror(errno));
		}
	}
	sodium_memzero(text, n);
	free(text);
	return r;
}

int edit_password_check(const char *hash, const char *password, size_t n)
{
	return crypto_pwhash_str_verify(hash, password, n) == 0;
}
