/*
 * Renumbering and renaming a document from the workshop
 * (POST /_edit/api/renommer): fiche-action 12 becomes 13, or a page's
 * file and slug change, and every link to it across content/ follows
 * (edit_refs.h finds them). The first request shows the changes, file by
 * file and line by line, with each file's version; the second, carrying
 * those versions, applies them, refused when any file moved on since.
 * Every file is written to a temporary file first; only when all are
 * ready are they renamed into place, the moved document created without
 * overwriting anything. The whole operation is one history entry.
 */
#include "edit_internal.h"
#include "edit_data.h"
#include "edit_fm.h"
#include "edit_history.h"
#include "edit_path.h"
#include "edit_refs.h"
#include "edit_save.h"

#include "buf.h"
#include "kind.h"
#include "load.h"
#include "model.h"
#include "path.h"
#include "utf8.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Changes listed to the coordinator at most (the operation itself has no limit). */
#define RENAME_LIST_MAX 500

/* One file the operation writes. */
struct plan_file {
	char *rel;            /* relative to content/ */
	char *new_rel;        /* the moved document's new path, else NULL */
	char *old;            /* disk text (owned) */
	size_t old_len;
	char *text;           /* new text (owned) */
	size_t len;
};

struct plan {
	struct plan_file *files;
	size_t n;
	size_t links;         /* references rewritten, the document's own fields aside */
	char *new_rel;        /* where the document will be */
	char *message;        /* the history's French message */
	char *address;        /* where the workshop opens the result, or NULL */
};

static void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->files[i].rel);
		free(p->files[i].new_rel);
		free(p->files[i].old);
		free(p->files[i].text);
	}
	free(p->files);
	free(p->new_rel);
	free(p->message);
	free(p->address);
	memset(p, 0, sizeof *p);
}

static struct plan_file *plan_add(struct plan *p, const char *rel)
{
	p->files = xrealloc(p->files, (p->n + 1) * sizeof *p->files);
	struct plan_file *f = &p->files[p->n++];
	memset(f, 0, sizeof *f);
	f->rel = xstrdup(rel);
	return f;
}

/* The file's new text starts as a copy of its disk text (old). */
static void plan_file_start(struct plan_file *f)
{
	f->text = xmalloc(f->old_len + 1);
	memcpy(f->text, f->old, f->old_len + 1);
	f->len = f->old_len;
}

/*
 * Moves into p every file of scan with a reference rewritten (its disk
 * text and its rewritten one), and own_rel's file even without one when
 * keep_own. Returns own_rel's index in p->files (an index, not a pointer:
 * plan_add moves the files), or (size_t)-1 when it is not there.
 */
static size_t plan_take_scan(struct plan *p, struct ref_scan *scan, const char *own_rel, int keep_own)
{
	size_t own_at = (size_t)-1;
	for (size_t i = 0; i < scan->nfiles; i++) {
		struct ref_file *rf = &scan->files[i];
		int own = strcmp(rf->rel, own_rel) == 0;
		if (!refs_count_rewrites(&(struct ref_scan){rf, 1, NULL}) && !(keep_own && own))
			continue;
		struct plan_file *f = plan_add(p, rf->rel);
		f->text = refs_apply(rf, &f->len);
		f->old = rf->text;
		f->old_len = rf->len;
		rf->text = NULL;
		if (own)
			own_at = p->n - 1;
	}
	return own_at;
}

static int slug_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 80 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	return 1;
}

/* « Fiche-action 12 · Titre » for messages. */
static char *doc_name(const struct doc *d)
{
	char *t = doc_display_title(d);
	char *out = xasprintf("« %s »", t);
	free(t);
	return out;
}

/* Replaces the field name of text when its front matter has it; 0 or -1 (err set). */
static int set_field(char **text, size_t *len, const char *name, json_t *value, const char **err)
{
	json_t *meta = edit_fm_parse(*text, *len);
	int has = meta && json_object_get(meta, name);
	json_decref(meta);
	if (!has) {
		json_decref(value);
		return 0;
	}
	size_t n;
	char *out = edit_fm_set(*text, *len, name, value, &n, err);
	json_decref(value);
	if (!out)
		return -1;
	free(*text);
	*text = out;
	*len = n;
	return 0;
}

/*
 * After refs_scan: 0 when every reference to what moves can be rewritten;
 * else 422, *err saying that what refers to it (who: « Des liens vers ce
 * texte ») must be corrected by hand (caller frees).
 */
static unsigned unrewritable(int scanned, const struct ref_scan *scan, const char *who, char **err)
{
	if (scanned >= 0 && !scan->problem)
		return 0;
	*err = xasprintf("%s ne peuvent pas être réécrits automatiquement (%s) : "
			 "corrigez-les à la main, puis recommencez. Rien n’a été changé.",
			 who, scan->problem ? scan->problem : "fichier illisible");
	return MHD_HTTP_UNPROCESSABLE_CONTENT;
}

/*
 * The plan for moving document rel to number (0: stays) and slug (NULL:
 * stays). Returns 0, or the HTTP status with *err a French sentence
 * (caller frees).
 */
static unsigned plan_make(struct edit *e, const char *rel, int number, const char *slug, struct plan *p,
			  char **err)
{
	memset(p, 0, sizeof *p);
	struct site *s = edit_load_site(e);
	if (!s) {
		*err = xstrdup("Le dossier content/ ne peut pas être lu.");
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	unsigned status = 0;
	struct ref_scan scan = {0};
	char *display = path_join("content", rel);
	const struct doc *doc = NULL;
	for (size_t i = 0; i < site_ndocs_all(s) && !doc; i++)
		if (strcmp(site_doc_at(s, i)->path, display) == 0)
			doc = site_doc_at(s, i);
	free(display);
	if (!doc) {
		*err = xstrdup("Ce texte n’est pas chargé par le site (en-tête illisible ?) : corrigez-le d’abord.");
		status = MHD_HTTP_UNPROCESSABLE_CONTENT;
		goto out;
	}
	const struct kind *k = doc->desc;
	int numbered = k->list == LIST_NUMBERED;
	if (number && !numbered) {
		*err = xasprintf("Les textes de type « %s » n’ont pas de numéro : changez leur identifiant.",
				 k->label_lower);
		status = MHD_HTTP_UNPROCESSABLE_CONTENT;
		goto out;
	}
	if (number < 0 || number > 99999) {
		*err = xstrdup("Le numéro doit être un nombre entier entre 1 et 99999.");
		status = MHD_HTTP_UNPROCESSABLE_CONTENT;
		goto out;
	}
	if (slug && !slug_ok(slug)) {
		*err = xstrdup("L’identifiant ne peut contenir que des lettres minuscules sans accent, des "
			       "chiffres et des traits d’union (par exemple « parcours-sante-jeunes »).");
		status = MHD_HTTP_UNPROCESSABLE_CONTENT;
		goto out;
	}
	if (number == doc->number)
		number = 0;
	if (slug && strcmp(slug, doc->slug) == 0)
		slug = NULL;
	if (!number && !slug) {
		*err = xstrdup("Rien à changer : donnez un autre numéro ou un autre identifiant.");
		status = MHD_HTTP_UNPROCESSABLE_CONTENT;
		goto out;
	}
	/* Taken: by another document of the kind, or by a file. */
	for (size_t i = 0; i < s->ndocs[doc->kind]; i++) {
		const struct doc *o = s->docs[doc->kind][i];
		if (o == doc)
			continue;
		if (number && o->number == number) {
			char *name = doc_name(o);
			*err = xasprintf("Le numéro %d est déjà pris par %s (%s) : rien n’a été changé.", number, name,
					 o->path);
			free(name);
			status = MHD_HTTP_CONFLICT;
			goto out;
		}
		if (slug && strcmp(o->slug, slug) == 0) {
			char *name = doc_name(o);
			*err = xasprintf("L’identifiant « %s » est déjà pris par %s (%s) : rien n’a été changé.", slug,
					 name, o->path);
			free(name);
			status = MHD_HTTP_CONFLICT;
			goto out;
		}
	}
	/* The new file name: the number prefix and the slug part of the old one. */
	const char *base = path_basename(rel);
	size_t digits = 0;
	while (base[digits] >= '0' && base[digits] <= '9')
		digits++;
	int prefixed = digits > 0 && base[digits] == '-';
	struct buf name = BUF_INIT;
	if (prefixed) {
		if (number)
			buf_printf(&name, "%0*d", (int)digits, number);
		else
			buf_put(&name, base, digits);
		buf_putc(&name, '-');
	}
	if (slug) {
		buf_puts(&name, slug);
		buf_puts(&name, ".md");
	} else {
		buf_puts(&name, prefixed ? base + digits + 1 : base);
	}
	char *new_base = buf_detach(&name);
	p->new_rel = xasprintf("%.*s%s", (int)(base - rel), rel, new_base);
	int moves = strcmp(p->new_rel, rel) != 0;
	if (moves && (!edit_path_ok(p->new_rel) || strlen(p->new_rel) >= EDIT_PATH_MAX)) {
		*err = xstrdup("Ce nom de fichier n’est pas possible : choisissez un identifiant plus court.");
		status = MHD_HTTP_UNPROCESSABLE_CONTENT;
		free(new_base);
		goto out;
	}
	if (moves) {
		char *fs = path_join(e->content_real, p->new_rel);
		int exists = access(fs, F_OK) == 0 || errno != ENOENT;
		free(fs);
		if (exists) {
			*err = xasprintf("Le fichier content/%s existe déjà : rien n’a été changé.", p->new_rel);
			status = MHD_HTTP_CONFLICT;
			free(new_base);
			goto out;
		}
	}
	struct ref_target t = {.doc = doc, .new_number = number, .new_slug = slug,
			       .new_file = moves ? new_base : NULL};
	int scanned = refs_scan(s, &t, &scan);
	free(new_base);
	status = unrewritable(scanned, &scan, "Des liens vers ce texte", err);
	if (status)
		goto out;
	p->links = refs_count_rewrites(&scan);
	size_t own_at = plan_take_scan(p, &scan, rel, 1);
	struct plan_file *own = own_at != (size_t)-1 ? &p->files[own_at] : NULL;
	if (!own) {
		own = plan_add(p, rel);
		char *fs = path_join(e->content_real, rel);
		own->old = edit_read(fs, LOAD_MAX_FILE_BYTES, &own->old_len);
		free(fs);
		if (!own->old) {
			*err = xstrdup("Ce fichier ne peut pas être lu.");
			status = MHD_HTTP_INTERNAL_SERVER_ERROR;
			goto out;
		}
		plan_file_start(own);
	}
	/* Its own front matter: number: and slug: when it has them. */
	const char *ferr = NULL;
	if ((number && set_field(&own->text, &own->len, "number", json_integer(number), &ferr) < 0) ||
	    (slug && set_field(&own->text, &own->len, "slug", json_string(slug), &ferr) < 0)) {
		*err = xasprintf("L’en-tête de ce texte ne peut pas être modifié : %s", ferr ? ferr : "");
		status = MHD_HTTP_UNPROCESSABLE_CONTENT;
		goto out;
	}
	if (moves)
		own->new_rel = xstrdup(p->new_rel);
	/* « Fiche-action 12 renumérotée en 13 (4 liens mis à jour) » */
	int feminine = strncmp(k->label, "Fiche", 5) == 0 || strncmp(k->label, "Page", 4) == 0;
	struct buf m = BUF_INIT;
	if (numbered)
		buf_printf(&m, "%s %d", k->label, doc->number);
	else
		buf_printf(&m, "%s %s", k->label, doc->slug);
	if (number)
		buf_printf(&m, " renuméroté%s en %d", feminine ? "e" : "", number);
	if (slug)
		buf_printf(&m, "%s renommé%s en %s", number ? " et" : "", feminine ? "e" : "", slug);
	if (p->links)
		buf_printf(&m, " (%zu lien%s mis à jour)", p->links, p->links > 1 ? "s" : "");
	else
		buf_puts(&m, " (aucun lien à mettre à jour)");
	p->message = buf_detach(&m);
out:
	refs_free(&scan);
	site_free(s);
	if (status)
		plan_free(p);
	return status;
}

/*
 * A new id for an entry of kind target. Contacts and references: what a
 * file name takes (links and URLs carry it). Glossary entries: the sigle
 * as texts write it (letters of any alphabet, digits, '-', '.', '’'), one
 * word, so that the build finds it in the text and `glossary:X` links
 * parse. Never a word YAML would read as something else than text.
 */
static const char *entry_id_problem(int target, const char *id)
{
	static const char *const reserved[] = {"true", "false", "null", "~", ".inf", ".nan", NULL};
	size_t n = strlen(id), digits = 0;
	for (size_t i = 0; reserved[i]; i++)
		if (strcasecmp(id, reserved[i]) == 0)
			return "Cet identifiant serait lu comme une valeur et non comme un texte : choisissez-en un autre.";
	for (const char *p = id; *p; p++)
		digits += *p >= '0' && *p <= '9';
	if (n && digits == n)
		return "Un identifiant ne peut pas être fait que de chiffres.";
	if (target != TARGET_GLOSSARY) {
		if (!slug_ok(id))
			return "L’identifiant ne peut contenir que des lettres minuscules sans accent, des chiffres et des "
			       "traits d’union (par exemple « centre-social-agora »).";
		return NULL;
	}
	if (n == 0 || n > 60 || !utf8_valid(id, n, NULL))
		return "Donnez un sigle d’un seul mot, de 60 caractères au plus.";
	const unsigned char *u = (const unsigned char *)id;
	if (!(u[0] >= 0x80 || (u[0] >= '0' && u[0] <= '9') || ((u[0] | 0x20) >= 'a' && (u[0] | 0x20) <= 'z')))
		return "Un sigle commence par une lettre ou un chiffre.";
	for (; *u; u++)
		if (!(*u >= 0x80 || (*u >= '0' && *u <= '9') || ((*u | 0x20) >= 'a' && (*u | 0x20) <= 'z') ||
		      *u == '-' || *u == '.'))
			return "Un sigle ne contient que des lettres, des chiffres, des points et des traits d’union, "
			       "sans espace (les textes l’écrivent ainsi pour qu’il soit expliqué).";
	if (strstr(id, "\xc2\xa0") || strstr(id, "\xe2\x80\xaf") || strstr(id, "\xe2\x80\x89"))
		return "Un sigle ne contient pas d’espace.";
	return NULL;
}

/* The entries of the data file's text and the index of id there, or -1. */
static long entry_index(const char *text, size_t len, const char *id, struct data_entry **v, long *n)
{
	*n = data_entries(text, len, v);
	for (long i = 0; i < *n; i++)
		if ((*v)[i].id && strcmp((*v)[i].id, id) == 0)
			return i;
	return -1;
}

/*
 * The plan for giving entry id of kind target the id new_id: every
 * reference across content/ (edit_refs.h) and the entry's own `id:` line
 * (edit_data.h: that entry's lines only). Returns 0, or the HTTP status
 * with *err a French sentence (caller frees).
 */
static unsigned plan_make_entry(struct edit *e, int target, const char *id, const char *new_id, struct plan *p,
				char **err)
{
	memset(p, 0, sizeof *p);
	const struct kind *k = kind_data(target);
	const char *bad = entry_id_problem(target, new_id);
	if (bad) {
		*err = xstrdup(bad);
		return MHD_HTTP_UNPROCESSABLE_CONTENT;
	}
	if (strcmp(new_id, id) == 0) {
		*err = xstrdup("Rien à changer : donnez un autre identifiant.");
		return MHD_HTTP_UNPROCESSABLE_CONTENT;
	}
	struct site *s = edit_load_site(e);
	if (!s) {
		*err = xstrdup("Le dossier content/ ne peut pas être lu.");
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	unsigned status = 0;
	struct ref_scan scan = {0};
	struct data_entry *v = NULL;
	long n = -1;
	/* The file as it is on disk, not the model: an entry added since the last build counts. */
	char *fs = path_join(e->content_real, k->data_file);
	size_t disk_len = 0;
	char *disk = edit_read(fs, LOAD_MAX_FILE_BYTES, &disk_len);
	free(fs);
	long at = disk ? entry_index(disk, disk_len, id, &v, &n) : -1;
	long taken = -1;
	for (long i = 0; i < n && taken < 0; i++)
		if (v[i].id && (target == TARGET_GLOSSARY ? strcmp(v[i].id, new_id) : strcasecmp(v[i].id, new_id)) == 0)
			taken = i;
	data_entries_free(v, n > 0 ? (size_t)n : 0);
	v = NULL;
	n = -1;
	if (at < 0) {
		*err = xasprintf("Cette entrée n’existe plus dans content/%s : rien n’a été changé.", k->data_file);
		status = MHD_HTTP_NOT_FOUND;
		goto out;
	}
	if (taken >= 0) {
		*err = xasprintf("L’identifiant « %s » est déjà pris par une autre entrée de content/%s : "
				 "rien n’a été changé.", new_id, k->data_file);
		status = MHD_HTTP_CONFLICT;
		goto out;
	}
	struct ref_target t = {.entry_kind = (enum target_kind)target, .entry_id = id, .new_entry_id = new_id};
	int scanned = refs_scan(s, &t, &scan);
	status = unrewritable(scanned, &scan, "Des renvois à cette entrée", err);
	if (status)
		goto out;
	p->links = refs_count_rewrites(&scan);
	size_t own_at = plan_take_scan(p, &scan, k->data_file, 0);
	struct plan_file *own = own_at != (size_t)-1 ? &p->files[own_at] : NULL;
	if (!own) {
		own = plan_add(p, k->data_file);
		own->old = disk;
		own->old_len = disk_len;
		disk = NULL;
		plan_file_start(own);
	} else if (own->old_len != disk_len || memcmp(own->old, disk, disk_len) != 0) {
		*err = xstrdup("Le fichier vient de changer pendant la lecture : recommencez.");
		status = MHD_HTTP_CONFLICT;
		goto out;
	}
	/* The entry's own id, on its line only (the references in it were rewritten above). */
	at = entry_index(own->text, own->len, id, &v, &n);
	const char *ferr = NULL;
	json_t *values = json_pack("{s:s}", "id", new_id);
	size_t nl = 0;
	char *next = at >= 0 ? data_entry_set(own->text, own->len, &v[at], values, &nl, &ferr) : NULL;
	json_decref(values);
	if (!next) {
		*err = xasprintf("L’entrée ne peut pas être modifiée : %s", ferr ? ferr : "introuvable.");
		status = MHD_HTTP_UNPROCESSABLE_CONTENT;
		goto out;
	}
	free(own->text);
	own->text = next;
	own->len = nl;
	p->new_rel = xstrdup(k->data_file);
	/* « Contacts : renommer « copiltat » en « comite-pilotage » (4 références mises à jour) » */
	struct buf m = BUF_INIT;
	buf_printf(&m, "%s : renommer « %s » en « %s »", k->label_plural, id, new_id);
	if (p->links)
		buf_printf(&m, " (%zu référence%s mise%s à jour)", p->links, p->links > 1 ? "s" : "",
			   p->links > 1 ? "s" : "");
	else
		buf_puts(&m, " (aucune référence à mettre à jour)");
	p->message = buf_detach(&m);
	struct buf a = BUF_INIT;
	buf_printf(&a, EDIT_PREFIX "/donnees/%s/", k->name);
	for (const unsigned char *c = (const unsigned char *)new_id; *c; c++)
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr("-._~", *c))
			buf_putc(&a, (char)*c);
		else
			buf_printf(&a, "%%%02X", *c);
	p->address = buf_detach(&a);
out:
	data_entries_free(v, n > 0 ? (size_t)n : 0);
	free(disk);
	refs_free(&scan);
	site_free(s);
	if (status)
		plan_free(p);
	return status;
}

/* The lines of text, each without its newline. */
static size_t split_lines(const char *t, size_t n, const char ***starts, size_t **lens)
{
	size_t count = 0, cap = 16;
	*starts = xmalloc(cap * sizeof **starts);
	*lens = xmalloc(cap * sizeof **lens);
	size_t at = 0;
	while (at < n) {
		const char *nl = memchr(t + at, '\n', n - at);
		size_t end = nl ? (size_t)(nl - t) : n;
		if (count == cap) {
			cap *= 2;
			*starts = xrealloc(*starts, cap * sizeof **starts);
			*lens = xrealloc(*lens, cap * sizeof **lens);
		}
		(*starts)[count] = t + at;
		(*lens)[count++] = end - at;
		at = nl ? end + 1 : n;
	}
	return count;
}

static json_t *change_json(const char *rel, size_t line, const char *a, size_t an, const char *b, size_t bn)
{
	char *file = path_join("content", rel);
	json_t *o = json_pack("{s:s,s:I,s:s%,s:s%}", "fichier", file, "ligne", (json_int_t)line, "avant", a ? a : "",
			      a ? an : 0, "apres", b ? b : "", b ? bn : 0);
	free(file);
	return o;
}

/* The changed lines of one file: [{fichier, ligne, avant, apres}]. */
static void list_changes(json_t *out, const struct plan_file *f)
{
	const char **as, **bs;
	size_t *al, *bl;
	size_t na = split_lines(f->old, f->old_len, &as, &al);
	size_t nb = split_lines(f->text, f->len, &bs, &bl);
	size_t pre = 0, post = 0;
	while (pre < na && pre < nb && al[pre] == bl[pre] && memcmp(as[pre], bs[pre], al[pre]) == 0)
		pre++;
	while (post < na - pre && post < nb - pre && al[na - 1 - post] == bl[nb - 1 - post] &&
	       memcmp(as[na - 1 - post], bs[nb - 1 - post], al[na - 1 - post]) == 0)
		post++;
	size_t ma = na - pre - post, mb = nb - pre - post;
	for (size_t i = 0; i < ma || i < mb; i++) {
		if (json_array_size(out) >= RENAME_LIST_MAX)
			break;
		int same = i < ma && i < mb && al[pre + i] == bl[pre + i] &&
			   memcmp(as[pre + i], bs[pre + i], al[pre + i]) == 0;
		if (same)
			continue; /* between two rewritten lines */
		json_t *c = change_json(f->rel, pre + i + 1, i < ma ? as[pre + i] : NULL, i < ma ? al[pre + i] : 0,
					i < mb ? bs[pre + i] : NULL, i < mb ? bl[pre + i] : 0);
		if (c)
			json_array_append_new(out, c);
	}
	free(as);
	free(al);
	free(bs);
	free(bl);
}

static json_t *plan_json(const struct plan *p, const char *rel)
{
	json_t *changes = json_array(), *files = json_object();
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_file *f = &p->files[i];
		char version[EDIT_VERSION_LEN + 1];
		edit_version(f->old, f->old_len, version);
		json_object_set_new(files, f->rel, json_string(version));
		list_changes(changes, f);
	}
	char *from = path_join("content", rel), *to = path_join("content", p->new_rel);
	json_t *out = json_pack("{s:s,s:s,s:s,s:s,s:I,s:o,s:o}", "chemin", rel, "nouveau_chemin", p->new_rel,
				"de", from, "vers", to, "liens", (json_int_t)p->links, "changements", changes,
				"versions", files);
	free(from);
	free(to);
	json_object_set_new(out, "message", json_string(p->message));
	if (p->address)
		json_object_set_new(out, "adresse", json_string(p->address));
	return out;
}

/* The files whose disk version is not the one the preview showed (NULL: none). */
static json_t *moved_on(const struct plan *p, json_t *versions)
{
	json_t *stale = json_array();
	for (size_t i = 0; i < p->n; i++) {
		char version[EDIT_VERSION_LEN + 1];
		edit_version(p->files[i].old, p->files[i].old_len, version);
		const char *seen = json_string_value(json_object_get(versions, p->files[i].rel));
		if (!seen || strcmp(seen, version) != 0)
			json_array_append_new(stale, json_sprintf("content/%s", p->files[i].rel));
	}
	/* A file the preview listed that the operation no longer touches changed too. */
	const char *key;
	json_t *v;
	json_object_foreach(versions, key, v) {
		int found = 0;
		for (size_t i = 0; i < p->n && !found; i++)
			found = strcmp(p->files[i].rel, key) == 0;
		if (!found)
			json_array_append_new(stale, json_sprintf("content/%s", key));
	}
	if (!json_array_size(stale)) {
		json_decref(stale);
		return NULL;
	}
	return stale;
}

/*
 * The path of rel (a document, a data file, a booklet, as the loader
 * listed them) when it stays inside content/ and is a regular file, not a
 * symbolic link (a write would replace the link); else NULL.
 */
static char *confine(const char *content_real, const char *rel)
{
	if (edit_path_ok(rel))
		return edit_path_confine(content_real, rel);
	if (!*rel || rel[0] == '/' || rel[0] == '.' || strstr(rel, "/.") || strstr(rel, "..") ||
	    strchr(rel, '\\'))
		return NULL;
	char *path = path_join(content_real, rel);
	const char *base = path_basename(path);
	char *dir = xstrndup(path, (size_t)(base - path));
	char *real = realpath(dir, NULL);
	size_t cl = strlen(content_real);
	struct stat st;
	int ok = real && strncmp(real, content_real, cl) == 0 && (real[cl] == '/' || real[cl] == '\0') &&
		 lstat(path, &st) == 0 && S_ISREG(st.st_mode);
	free(real);
	free(dir);
	if (!ok) {
		free(path);
		return NULL;
	}
	return path;
}

/*
 * Writes the plan: every new text to a temporary file first, then the
 * moved document created (never over an existing file), then the others
 * renamed into place and the old name removed. Returns 0, or -1 with
 * nothing changed (*err set).
 */
static int plan_write(struct edit *e, const struct plan *p, const char **err)
{
	char **tmp = xcalloc(p->n, sizeof *tmp), **dest = xcalloc(p->n, sizeof *dest);
	char *old_path = NULL;
	int r = -1;
	*err = "Écriture impossible (disque plein ou droits ?) : rien n’a été changé.";
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_file *f = &p->files[i];
		char *src = confine(e->content_real, f->rel);
		if (!src)
			goto undo;
		if (f->new_rel) {
			dest[i] = edit_path_confine(e->content_real, f->new_rel);
			old_path = xstrdup(src);
			free(src);
		} else {
			dest[i] = src;
		}
		if (!dest[i] || !(tmp[i] = edit_write_prepare(dest[i], f->text, f->len, old_path)))
			goto undo;
	}
	/* The moved document first: link() never replaces a file that appeared meanwhile. */
	for (size_t i = 0; i < p->n; i++)
		if (p->files[i].new_rel && link(tmp[i], dest[i]) < 0) {
			*err = errno == EEXIST ? "Le nouveau nom vient d’être pris par un autre fichier : rien n’a été changé."
					       : "Le nouveau fichier ne peut pas être créé : rien n’a été changé.";
			goto undo;
		}
	for (size_t i = 0; i < p->n; i++) {
		if (p->files[i].new_rel) {
			unlink(tmp[i]);
		} else if (rename(tmp[i], dest[i]) < 0) {
			*err = "Un fichier n’a pas pu être remplacé : l’opération est restée incomplète, "
			       "voyez l’historique.";
			r = -2;
		}
		free(tmp[i]);
		tmp[i] = NULL;
		edit_sync_dir(dest[i]);
	}
	if (old_path && unlink(old_path) < 0)
		r = -2;
	if (old_path)
		edit_sync_dir(old_path);
	if (r == -1)
		r = 0;
undo:
	for (size_t i = 0; i < p->n; i++) {
		if (tmp[i])
			unlink(tmp[i]);
		free(tmp[i]);
		free(dest[i]);
	}
	free(tmp);
	free(dest);
	free(old_path);
	return r == 0 ? 0 : -1;
}

/*
 * Shows the plan (apply 0) or applies it with the versions it was shown
 * with. Call with the save lock held. Returns the answer; *status its HTTP
 * status.
 */
static json_t *plan_run(struct edit *e, struct plan *p, const char *rel, int apply, json_t *versions,
			unsigned *status)
{
	if (!apply) {
		*status = MHD_HTTP_OK;
		return plan_json(p, rel);
	}
	json_t *stale = json_is_object(versions) ? moved_on(p, versions) : json_array();
	const char *werr;
	if (stale) {
		*status = MHD_HTTP_CONFLICT;
		return json_pack("{s:s,s:o}", "erreur",
				 "Des fichiers ont changé depuis l’aperçu : rien n’a été appliqué. "
				 "Regardez de nouveau les changements avant de confirmer.",
				 "fichiers", stale);
	}
	if (plan_write(e, p, &werr) < 0) {
		*status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		return json_pack("{s:s}", "erreur", werr);
	}
	struct history_change *c = xcalloc(2 * p->n + 1, sizeof *c);
	size_t nc = 0;
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_file *f = &p->files[i];
		if (f->new_rel) {
			c[nc++] = (struct history_change){f->rel, f->old, f->old_len, NULL, 0};
			c[nc++] = (struct history_change){f->new_rel, NULL, 0, f->text, f->len};
		} else {
			c[nc++] = (struct history_change){f->rel, f->old, f->old_len, f->text, f->len};
		}
	}
	int kept = history_record_batch(e->hist, c, nc, p->message) == 0;
	free(c);
	*status = MHD_HTTP_OK;
	json_t *out = json_pack("{s:s,s:s,s:I,s:b}", "nouveau_chemin", p->new_rel, "message", p->message,
				"liens", (json_int_t)p->links, "historique", kept);
	if (out && p->address)
		json_object_set_new(out, "adresse", json_string(p->address));
	return out;
}

json_t *edit_rename_entry(struct edit *e, int target, const char *id, const char *new_id, int apply,
			  json_t *versions, unsigned *status)
{
	struct plan p;
	char *err = NULL;
	json_t *out;
	pthread_mutex_lock(&e->save_lock);
	*status = plan_make_entry(e, target, id, new_id, &p, &err);
	if (*status)
		out = json_pack("{s:s}", "erreur", err);
	else
		out = plan_run(e, &p, kind_data(target)->data_file, apply, versions, status);
	pthread_mutex_unlock(&e->save_lock);
	plan_free(&p);
	free(err);
	if (!out) {
		*status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		out = json_pack("{s:s}", "erreur", "Erreur interne.");
	}
	return out;
}

enum MHD_Result edit_api_rename(struct edit *e, struct MHD_Connection *conn, const char *body, size_t len)
{
	json_error_t jerr;
	json_t *req = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	const char *rel = json_string_value(json_object_get(req, "chemin"));
	if (!json_is_object(req) || !edit_path_ok(rel)) {
		json_decref(req);
		return edit_send_json(conn, MHD_HTTP_BAD_REQUEST,
				      json_pack("{s:s}", "erreur", "Requête illisible, ou chemin hors de content/."));
	}
	json_t *jn = json_object_get(req, "numero");
	const char *slug = json_string_value(json_object_get(req, "identifiant"));
	int number = json_is_integer(jn) ? (int)json_integer_value(jn) : 0;
	if (json_is_integer(jn) && (json_integer_value(jn) < 1 || json_integer_value(jn) > 99999))
		number = -1;
	if (slug && !*slug)
		slug = NULL;
	int apply = json_is_true(json_object_get(req, "appliquer"));
	json_t *versions = json_object_get(req, "versions");
	struct plan p;
	char *err = NULL;
	json_t *out;
	unsigned status;
	pthread_mutex_lock(&e->save_lock);
	status = plan_make(e, rel, number, slug, &p, &err);
	if (status)
		out = json_pack("{s:s}", "erreur", err);
	else
		out = plan_run(e, &p, rel, apply, versions, &status);
	pthread_mutex_unlock(&e->save_lock);
	if (!status || !out)
		out = json_pack("{s:s}", "erreur", "Erreur interne.");
	plan_free(&p);
	free(err);
	json_decref(req);
	return edit_send_json(conn, status ? status : MHD_HTTP_INTERNAL_SERVER_ERROR, out);
}
