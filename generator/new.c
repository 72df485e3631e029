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

int new_fiche(const char *root, const char *kind, const char *title, struct diag *d)
{
	enum doc_kind k;
	if (strcmp(kind, "action") == 0)
		k = DOC_ACTION;
	else if (strcmp(kind, "theme") == 0)
		k = DOC_THEME;
	else {
		diag_error(d, NULL, 0, 0, _("'fiches new' makes an 'action' or a 'theme', not '%s'"), kind);
		return 2;
	}
	if (!*title) {
		diag_error(d, NULL, 0, 0, _("the title is empty"));
		return 2;
	}
	struct site *s = load_site(root, d);
	if (!s)
		return 1;
	schema_check(s, d);
	int next = 1;
	for (size_t i = 0; i < s->ndocs[k]; i++)
		if (s->docs[k][i]->number >= next)
			next = s->docs[k][i]->number + 1;
	char *slug = slug_from_text(title, strlen(title));
	const char *dir = k == DOC_ACTION ? "actions" : "themes";
	char *name = k == DOC_ACTION ? xasprintf("%02d-%s.md", next, slug) :
				       xasprintf("%d-%s.md", next, slug);
	char *subdir = path_join(s->content_dir, dir);
	char *file = path_join(subdir, name);
	struct buf b = BUF_INIT;
	buf_printf(&b, "---\nnumber: %d\ntitle: ", next);
	put_yaml_string(&b, title);
	buf_puts(&b, "\nsummary: >-\n  Une ou deux phrases qui disent l’essentiel de la fiche.\n");
	if (k == DOC_ACTION) {
		buf_printf(&b, "logic: %s\nthemes: []\ncontacts: []\nterritories: []\n",
			   s->nlogics ? s->logics[0].id : "");
		buf_puts(&b, "publics: []\nstatus: en-elaboration\n");
	} else {
		buf_puts(&b, "publics: []\n");
	}
	buf_puts(&b, "---\n");
	const json_t *sections = json_object_get(json_object_get(s->config, "sections"),
						 k == DOC_ACTION ? "actions" : "themes");
	size_t i;
	const json_t *h;
	json_array_foreach(sections, i, h)
		if (json_is_string(h))
			buf_printf(&b, "\n## %s\n\nÀ compléter.\n", json_string_value(h));
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
			printf("%s\n", file);
	}
	buf_free(&b);
	free(file);
	free(subdir);
	free(name);
	free(slug);
	site_free(s);
	return status;
}
