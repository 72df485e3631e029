/* Scaffolding of new fiches; see new.h. */
#include "new.h"
#include "buf.h"
#include "i18n.h"
#include "load.h"
#include "model.h"
#include "path.h"
#include "schema.h"
#include "slug.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A YAML double-quoted scalar for any title. */
static void put_yaml_string(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		if ((unsigned char)*s < 0x20)
			continue;
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

/*
 * The front matter of a new document, from its kind's fields: the number,
 * the title, a summary to rewrite, the first logic for a required one, an
 * empty list for each list, the initial value the descriptor gives; other
 * optional fields are left out (the documentation lists them).
 */
static void scaffold_fields(struct buf *b, const struct site *s, const struct kind *k,
			    int number, const char *title)
{
	for (const struct kind_field *f = k->fields; f->name; f++) {
		if (strcmp(f->name, "number") == 0) {
			buf_printf(b, "number: %d\n", number);
		} else if (strcmp(f->name, "title") == 0) {
			buf_puts(b, "title: ");
			put_yaml_string(b, title);
			buf_putc(b, '\n');
		} else if (f->type == FIELD_LONG_TEXT && (f->flags & FIELD_REQUIRED)) {
			buf_printf(b, "%s: >-\n  " NEW_SUMMARY_PLACEHOLDER "\n", f->name);
		} else if (f->flags & FIELD_LIST) {
			if (f->type != FIELD_INCLUDE)
				buf_printf(b, "%s: []\n", f->name);
		} else if (f->type == FIELD_TAXON && (f->flags & FIELD_REQUIRED)) {
			buf_printf(b, "%s: %s\n", f->name,
				   strcmp(f->ref, "logics") == 0 && s->nlogics ? s->logics[0].id : "");
		} else if (f->initial) {
			buf_printf(b, "%s: %s\n", f->name, f->initial);
		}
	}
}

int new_fiche(const char *root, const char *kind, const char *title, struct diag *d)
{
	char *created = NULL;
	int status = new_fiche_create(root, kind, title, d, &created);
	if (created)
		printf("%s\n", created);
	free(created);
	return status;
}

int new_fiche_create(const char *root, const char *kind, const char *title, struct diag *d,
		     char **created)
{
	*created = NULL;
	if (!*title) {
		diag_error(d, NULL, 0, 0, _("the title is empty"));
		return 2;
	}
	struct site *s = load_site(root, d);
	if (!s)
		return 1;
	schema_check(s, d);
	int k = site_kind_by_name(s, kind, strlen(kind));
	const struct kind *desc = k >= 0 ? site_kind(s, k) : NULL;
	if (!desc || !desc->new_file) {
		/* The kinds it makes: the built-in numbered ones and the project's. */
		struct buf names = BUF_INIT;
		for (size_t j = 0; j < site_nkinds(s); j++)
			if (site_kind(s, (int)j)->new_file)
				buf_printf(&names, "%s%s", names.len ? ", " : "",
					   site_kind(s, (int)j)->name);
		diag_error(d, NULL, 0, 0, _("'fiches new' makes one of these kinds: %s; not '%s'"),
			   buf_cstr(&names), kind);
		buf_free(&names);
		site_free(s);
		return 2;
	}
	int next = 1;
	for (size_t i = 0; i < s->ndocs[k]; i++)
		if (s->docs[k][i]->number >= next)
			next = s->docs[k][i]->number + 1;
	char *slug = slug_from_text(title, strlen(title));
	char *name = xasprintf(desc->new_file, next, slug);
	char *subdir = path_join(s->content_dir, desc->content_dir);
	char *file = path_join(subdir, name);
	struct buf b = BUF_INIT;
	buf_puts(&b, "---\n");
	scaffold_fields(&b, s, desc, next, title);
	buf_puts(&b, "---\n");
	const json_t *sections = json_object_get(json_object_get(s->config, "sections"),
						 desc->content_dir);
	size_t i;
	const json_t *h;
	json_array_foreach(sections, i, h)
		if (json_is_string(h))
			buf_printf(&b, "\n## %s\n\n" NEW_SECTION_PLACEHOLDER "\n", json_string_value(h));
	int status = 0;
	mkdir(subdir, 0755);
	int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		diag_error(d, file, 0, 0, errno == EEXIST ? _("already exists: not overwritten") :
			   _("cannot create: %s"), strerror(errno));
		status = errno == EEXIST ? 1 : 3;
	} else {
		if (write(fd, b.data, b.len) != (ssize_t)b.len)
			status = 3;
		if (close(fd) < 0)
			status = 3;
		if (status)
			diag_error(d, file, 0, 0, _("cannot write: %s"), strerror(errno));
		else
			*created = xstrdup(file);
	}
	buf_free(&b);
	free(file);
	free(subdir);
	free(name);
	free(slug);
	site_free(s);
	return status;
}
