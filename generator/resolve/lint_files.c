/*
 * Checks of content/'s files and of the data files' values; see
 * lint_files.h. The rules of what is read are load.c's: in actions/,
 * themes/, guide/ and pages/ the names ending in ".md", in booklets/ those
 * ending in ".yaml", at the top the four data files; hidden files and
 * editor backups ("~") are nobody's content and stay unmentioned.
 */
#include "lint_files.h"
#include "buf.h"
#include "i18n.h"
#include "kind.h"
#include "path.h"
#include "suggest.h"
#include "utf8.h"
#include "watch.h"
#include "xalloc.h"
#include "yaml.h"
#include "synonyms.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static int ends_with_ci(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

/* Hidden files and what editors leave while saving ("x~", "4913"): serve ignores them too. */
static int is_backup(const char *name)
{
	return name[0] == '.' || watch_ignored_name(name);
}

/*
 * The name a file of a folder read for suffix (".md" or ".yaml") should
 * have, or NULL when none is likely (caller frees).
 */
char *lint_intended_name(const char *name, const char *suffix)
{
	size_t n = strlen(name);
	/* "x.md.txt", "x.md.docx": a program added its own extension. */
	for (int pass = 0; pass < 2; pass++) {
		static const char *const added[] = {".txt", ".text"};
		for (size_t i = 0; i < sizeof added / sizeof *added; i++)
			if (ends_with_ci(name, n, added[i]) && n > strlen(added[i])) {
				n -= strlen(added[i]);
				break;
			}
	}
	static const char *const md[] = {".md", ".markdown", ".mdown", ".mkd", ".mkdn"};
	static const char *const yaml[] = {".yaml", ".yml"};
	const char *const *v = strcmp(suffix, ".md") == 0 ? md : yaml;
	size_t nv = strcmp(suffix, ".md") == 0 ? 5 : 2;
	for (size_t i = 0; i < nv; i++) {
		size_t k = strlen(v[i]);
		if (n > k && ends_with_ci(name, n, v[i]))
			return xasprintf("%.*s%s", (int)(n - k), name, suffix);
	}
	/* "x.txt" with no other extension: a fiche saved by a text editor. */
	if (n < strlen(name) && !memchr(name, '.', n))
		return xasprintf("%.*s%s", (int)n, name, suffix);
	return NULL;
}

static void check_folder(const struct site *s, const char *sub, const char *suffix,
			 struct diag *d)
{
	char *dir = path_join(s->content_dir, sub);
	DIR *dp = opendir(dir);
	if (!dp) {
		free(dir);
		return;
	}
	struct dirent *e;
	while ((e = readdir(dp))) {
		const char *name = e->d_name;
		size_t n = strlen(name);
		if (is_backup(name))
			continue;
		if (n > strlen(suffix) && strcmp(name + n - strlen(suffix), suffix) == 0)
			continue;
		char *shown = xasprintf("content/%s/%s", sub, name);
		char *full = path_join(dir, name);
		struct stat st;
		int is_dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
		char *fix = is_dir ? NULL : lint_intended_name(name, suffix);
		if (is_dir)
			diag_warning(d, shown, 0, 0,
				     _("folder not read: the files of content/%s/ must be directly in it"),
				     sub);
		else if (fix)
			diag_warning(d, shown, 0, 0,
				     _("file not read: only names ending in '%s' are; rename it '%s'"),
				     suffix, fix);
		else
			diag_warning(d, shown, 0, 0,
				     _("file not read: only names ending in '%s' are (copy its text into a '%s' file, or move it out of content/)"),
				     suffix, suffix);
		free(fix);
		free(full);
		free(shown);
	}
	closedir(dp);
	free(dir);
}

static void check_top(const struct site *s, struct diag *d)
{
	/* What load.c reads: the kinds' folders and data files (kind.c); the search's synonyms. */
	const char *files[8] = {"site.yaml", SYNONYMS_FILE};
	const char *folders[DOC_KINDS + 3] = {"booklets", "media", "kinds"};
	size_t nfiles = 2, nfolders = 3;
	for (int t = TARGET_CONTACT; t <= TARGET_BIBLIO && nfiles < 8; t++)
		files[nfiles++] = kind_data(t)->data_file;
	for (size_t k = 0; k < site_nkinds(s) && nfolders < DOC_KINDS + 3; k++)
		folders[nfolders++] = site_kind(s, (int)k)->content_dir;
	DIR *dp = opendir(s->content_dir);
	if (!dp)
		return;
	struct dirent *e;
	while ((e = readdir(dp))) {
		const char *name = e->d_name;
		if (is_backup(name))
			continue;
		char *full = path_join(s->content_dir, name);
		struct stat st;
		int is_dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
		free(full);
		const char *const *known = is_dir ? folders : files;
		size_t nknown = is_dir ? nfolders : nfiles;
		int found = 0;
		for (size_t i = 0; i < nknown; i++)
			found |= strcmp(name, known[i]) == 0;
		if (found)
			continue;
		char *shown = xasprintf("content/%s", name);
		char *fix = is_dir ? NULL : lint_intended_name(name, ".yaml");
		struct buf names = BUF_INIT;
		for (size_t i = 0; i < nknown; i++)
			buf_printf(&names, "%s%s%s", i ? ", " : "", known[i], is_dir ? "/" : "");
		const char *list = buf_cstr(&names);
		/* "Contacts.yml" → "contacts.yaml": the closest known name, case aside. */
		char *lower = xstrdup(fix ? fix : name);
		for (char *p = lower; *p; p++)
			*p = (char)ascii_tolower(*p);
		const char *best = suggest_closest(lower, known, nknown);
		for (size_t i = 0; i < nknown; i++)
			if (strcmp(lower, known[i]) == 0)
				best = known[i];
		if (best)
			diag_warning(d, shown, 0, 0,
				     is_dir ? _("folder not read: did you mean '%s'?") :
					      _("file not read: did you mean '%s'?"),
				     best);
		else
			diag_warning(d, shown, 0, 0,
				     is_dir ? _("folder not read: content/ holds the folders %s") :
					      _("file not read: content/ holds the files %s (move it out of content/)"),
				     list);
		buf_free(&names);
		free(lower);
		free(fix);
		free(shown);
	}
	closedir(dp);
}

void lint_content_files(const struct site *s, struct diag *d)
{
	for (size_t k = 0; k < site_nkinds(s); k++)
		check_folder(s, site_kind(s, (int)k)->content_dir, ".md", d);
	check_folder(s, "booklets", ".yaml", d);
	check_folder(s, "kinds", ".yaml", d);
	check_top(s, d);
}

/* ---- data values ------------------------------------------------------------ */

static int has_space(const char *s)
{
	/* Spaces, tabs and the no-break spaces pasted from word processors. */
	return strpbrk(s, " \t") || strstr(s, "\xC2\xA0") || strstr(s, "\xE2\x80\xAF");
}

const char *lint_email_problem(const char *e)
{
	if (has_space(e))
		return _("it contains a space");
	const char *at = strchr(e, '@');
	if (!at || strchr(at + 1, '@'))
		return _("it needs exactly one '@'");
	if (at == e)
		return _("there is nothing before the '@'");
	const char *domain = at + 1;
	size_t n = strlen(domain);
	if (!n || !strchr(domain, '.') || domain[0] == '.' || domain[n - 1] == '.' ||
	    strstr(domain, ".."))
		return _("the part after the '@' must be a domain such as exemple.org");
	for (const char *p = e; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x80 && !ascii_isalnum(c) && !strchr(p < at ? ".!#$%&'*+/=?^_`{|}~-" : ".-@", c))
			return p < at ? _("the part before the '@' holds a character an address cannot have") :
					_("the part after the '@' must be a domain such as exemple.org");
	}
	return NULL;
}

int lint_is_phone(const char *p)
{
	int digits = 0;
	for (const char *s = p; *s; s++) {
		if (ascii_isdigit(*s))
			digits++;
		else if (*s == '+' && s == p)
			continue;
		else if (strchr(" .-()/", *s))
			continue;
		else if (!strncmp(s, "\xC2\xA0", 2) || !strncmp(s, "\xE2\x80\xAF", 3))
			s += s[0] == '\xC2' ? 1 : 2;
		else
			return 0;
	}
	return digits >= 3 && digits <= 15;
}

const char *lint_url_problem(const char *url)
{
	const char *host = strstr(url, "://");
	if (!host)
		return NULL;
	host += 3;
	if (has_space(url))
		return _("it contains a space");
	size_t n = strcspn(host, "/?#");
	if (n == 0)
		return _("there is no site name after '//'");
	const char *at = memchr(host, '@', n);
	if (at) {
		n -= (size_t)(at + 1 - host);
		host = at + 1;
	}
	size_t port = n;
	for (size_t i = 0; i < n; i++)
		if (host[i] == ':')
			port = i;
	if (!memchr(host, '.', port) && !(port == 9 && !strncasecmp(host, "localhost", 9)))
		return _("the site name has no '.' (such as exemple.org)");
	for (size_t i = 0; i < port; i++) {
		unsigned char c = (unsigned char)host[i];
		if (c < 0x80 && !ascii_isalnum(c) && c != '.' && c != '-')
			return _("the site name holds a character an address cannot have");
	}
	if (host[0] == '.' || host[port - 1] == '.' || memmem(host, port, "..", 2))
		return _("the site name has an empty part between two dots");
	return NULL;
}

static void value_at(const struct yaml_marks *marks, const json_t *obj, const char *key,
		     int *line, int *col)
{
	*line = 1;
	*col = 1;
	if (marks && !yaml_marks_find(marks, json_object_get(obj, key), line, col))
		yaml_marks_find_key(marks, obj, key, line, col);
}

static void check_entries(const struct entry *v, size_t n, const char *path,
			  const struct yaml_marks *marks, struct diag *d)
{
	for (size_t i = 0; i < n; i++) {
		const json_t *item = v[i].data;
		int line, col;
		const char *email = json_string_value(json_object_get(item, "email"));
		const char *why = email ? lint_email_problem(email) : NULL;
		if (why) {
			value_at(marks, item, "email", &line, &col);
			diag_warning(d, path, line, col, _("e-mail address '%s' is not valid: %s"),
				     email, why);
		}
		const char *phone = json_string_value(json_object_get(item, "phone"));
		if (phone && !lint_is_phone(phone)) {
			value_at(marks, item, "phone", &line, &col);
			diag_warning(d, path, line, col,
				     _("'%s' is not a phone number: write its digits, such as 04 91 00 00 00 or +33 4 91 00 00 00"),
				     phone);
		}
		static const char *const url_fields[] = {"website", "url"};
		for (size_t k = 0; k < 2; k++) {
			const char *url = json_string_value(json_object_get(item, url_fields[k]));
			why = url ? lint_url_problem(url) : NULL;
			if (why) {
				value_at(marks, item, url_fields[k], &line, &col);
				diag_warning(d, path, line, col,
					     _("web address '%s' is not valid: %s"), url, why);
			}
		}
	}
}

void lint_data_values(const struct site *s, struct diag *d)
{
	check_entries(s->contacts, s->ncontacts, s->contacts_path, s->contacts_marks, d);
	check_entries(s->glossary, s->nglossary, s->glossary_path, s->glossary_marks, d);
	check_entries(s->biblio, s->nbiblio, s->biblio_path, s->biblio_marks, d);
	if (s->base_url && lint_url_problem(s->base_url)) {
		int line, col;
		value_at(s->config_marks, s->config, "base_url", &line, &col);
		diag_warning(d, s->config_path, line, col, _("web address '%s' is not valid: %s"),
			     s->base_url, lint_url_problem(s->base_url));
	}
}
