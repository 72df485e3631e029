/*
 * Load stage: content/ on disk → struct site with raw documents.
 *
 * Every file is read once, here. Only regular files are read; a symbolic
 * link that leads outside content/ is refused, so a project cannot make
 * the generator publish /etc/passwd. Directory listings are sorted by
 * bytes so the build does not depend on the file system's order.
 */
#include "load.h"
#include "kinds.h"
#include "pool.h"
#include "buf.h"
#include "i18n.h"
#include "path.h"
#include "utf8.h"
#include "xalloc.h"
#include "yaml.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Windows-1252's characters for bytes 0x80-0x9F (0: undefined there). */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};

/*
 * A file that is not UTF-8. When no byte of it forms a UTF-8 sequence and
 * every byte means something in Windows-1252, it was almost surely saved
 * in that encoding (or Latin-1, its subset): the message says so, shows
 * what the byte is there (the accented letter the coordinator typed) and
 * how to fix it. Otherwise (valid UTF-8 with a stray byte) the byte is
 * named.
 */
static void report_encoding(struct diag *d, const char *display, const char *text,
			    size_t n, size_t bad, int line, int col)
{
	int utf8_seen = 0, cp1252_ok = 1, c1_seen = 0;
	for (size_t i = 0; i < n;) {
		unsigned char b = (unsigned char)text[i];
		if (b < 0x80) {
			i++;
			continue;
		}
		size_t ok;
		if (utf8_valid(text + i, n - i < 4 ? n - i : 4, &ok) || ok > 0) {
			uint32_t cp;
			size_t k = utf8_decode(text + i, n - i, &cp);
			if (cp != 0xFFFD || k > 1) {
				utf8_seen = 1;
				i += k;
				continue;
			}
		}
		if (b < 0xA0) {
			c1_seen = 1;
			if (!cp1252_high[b - 0x80])
				cp1252_ok = 0;
		}
		i++;
	}
	unsigned char b = (unsigned char)text[bad];
	uint32_t cp = b < 0xA0 ? cp1252_high[b - 0x80] : b;
	if (!utf8_seen && cp1252_ok && cp) {
		char shown[5];
		shown[utf8_encode(cp, shown)] = '\0';
		diag_error(d, display, line, col,
			   c1_seen ?
			   _("the file is saved in the Windows-1252 encoding, not UTF-8 (this '%s' is "
			     "byte 0x%02X): open it and save it again choosing the encoding UTF-8") :
			   _("the file is saved in the Latin-1 (ISO-8859-1) or Windows-1252 encoding, "
			     "not UTF-8 (this '%s' is byte 0x%02X): open it and save it again "
			     "choosing the encoding UTF-8"),
			   shown, b);
	} else {
		diag_error(d, display, line, col,
			   _("a character here is not UTF-8 (byte 0x%02X), perhaps pasted from "
			     "another document: type it again"), b);
	}
}

/* load_text_file of path, relative to the directory dirfd (or AT_FDCWD). */
static char *load_text_file_at(int dirfd, const char *path, const char *display, size_t *len,
			       struct diag *d)
{
	/* O_NONBLOCK: a FIFO named like a fiche must not block the build. */
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		diag_error(d, display, 0, 0, _("cannot read: %s"), strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		diag_error(d, display, 0, 0, _("not a regular file"));
		close(fd);
		return NULL;
	}
	if ((unsigned long long)st.st_size > LOAD_MAX_FILE_BYTES) {
		diag_error(d, display, 1, 1, _("file too large (%lld bytes, limit %u)"),
			   (long long)st.st_size, LOAD_MAX_FILE_BYTES);
		close(fd);
		return NULL;
	}
	/* Room for the file, a byte more (a file grown since fstat) and the NUL: no realloc. */
	size_t cap = (size_t)st.st_size + 2, n = 0;
	char *text = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			if (cap > LOAD_MAX_FILE_BYTES) {
				diag_error(d, display, 1, 1, _("file too large (limit %u bytes)"),
					   LOAD_MAX_FILE_BYTES);
				free(text);
				close(fd);
				return NULL;
			}
			cap *= 2;
			text = xrealloc(text, cap);
		}
		ssize_t r = read(fd, text + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			diag_error(d, display, 0, 0, _("cannot read: %s"), strerror(errno));
			free(text);
			close(fd);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		/*
		 * The whole file in one read: a second would only find its end
		 * (10 000 system calls at 10 000 fiches). A file that says it is
		 * empty is read to its end all the same (procfs says so of
		 * files with text in them).
		 */
		if (n == (size_t)st.st_size)
			break;
	}
	close(fd);
	text[n] = '\0';
	size_t bad;
	/* Check before normalising so the reported column is the file's own. */
	if (!utf8_valid(text, n, &bad)) {
		int line, col;
		utf8_line_col(text, bad, &line, &col);
		if (text[bad] == '\0')
			diag_error(d, display, line, col, _("NUL byte in text file"));
		else
			report_encoding(d, display, text, n, bad, line, col);
		free(text);
		return NULL;
	}
	n = utf8_normalise_input(text, n);
	text[n] = '\0';
	/* A file shorter than the limit has no line longer than it: no scan. */
	const char *line_start = text, *end = text + n;
	for (int line = 1; n > LOAD_MAX_LINE_BYTES; line++) {
		const char *nl = memchr(line_start, '\n', (size_t)(end - line_start));
		size_t line_len = (size_t)((nl ? nl : end) - line_start);
		if (line_len > LOAD_MAX_LINE_BYTES) {
			diag_error(d, display, line, 1, _("line too long (%zu bytes, limit %u)"),
				   line_len, LOAD_MAX_LINE_BYTES);
			free(text);
			return NULL;
		}
		if (!nl)
			break;
		line_start = nl + 1;
	}
	*len = n;
	return text;
}

char *load_text_file(const char *fs_path, const char *display, size_t *len,
		     struct diag *d)
{
	return load_text_file_at(AT_FDCWD, fs_path, display, len, d);
}

/*
 * Whether line (n bytes) is the three bytes of fence ("---" or "..."), then
 * blanks only. Inlined, three bytes compared in place: it is asked of
 * every line of every front matter, twice (23 000 calls at 1 000 fiches).
 */
static inline int is_fence(const char *line, size_t n, const char fence[static 4])
{
	if (n < 3 || line[0] != fence[0] || line[1] != fence[1] || line[2] != fence[2])
		return 0;
	for (size_t i = 3; i < n; i++)
		if (line[i] != ' ' && line[i] != '\t')
			return 0;
	return 1;
}

int load_split_front_matter(const char *text, size_t len, const char **fm,
			    size_t *fm_len, const char **body, int *body_offset)
{
	const char *nl = memchr(text, '\n', len);
	size_t first = nl ? (size_t)(nl - text) : len;
	if (!is_fence(text, first, "---")) {
		*fm = NULL;
		*fm_len = 0;
		*body = text;
		*body_offset = 0;
		return 0;
	}
	size_t pos = nl ? first + 1 : len;
	int line = 2;
	while (pos < len) {
		const char *end = memchr(text + pos, '\n', len - pos);
		size_t n = end ? (size_t)(end - (text + pos)) : len - pos;
		if (is_fence(text + pos, n, "---") || is_fence(text + pos, n, "...")) {
			*fm = text + first + 1;
			*fm_len = pos - (first + 1);
			*body = end ? end + 1 : text + len;
			*body_offset = line;
			return 1;
		}
		pos += n + 1;
		line++;
	}
	*fm = text + first + 1;
	*fm_len = len > first ? len - first - 1 : 0;
	*body = text + len;
	*body_offset = 0;
	return -1;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The entry "NAME\0KEY" of a listing: KEY is the file's real path with
 * content_real spelled "content" (what md_paths.c looks relative links
 * up by), made here where the real path is known anyway.
 */
static char *listed(const char *name, size_t nl, const char *key_dir, size_t kl,
		    const char *key_name)
{
	size_t knl = strlen(key_name);
	char *e = xmalloc(nl + 1 + kl + 1 + knl + 1), *k = e + nl + 1;
	memcpy(e, name, nl + 1);
	memcpy(k, key_dir, kl);
	k[kl] = '/';
	memcpy(k + kl + 1, key_name, knl + 1);
	return e;
}

/* The key of an entry of list_dir (its name's compare and free are the entry's). */
static const char *listed_key(const char *entry)
{
	return entry + strlen(entry) + 1;
}

/*
 * Sorted entries of the regular files of dir with the given suffix: each
 * its name, a NUL and its key (listed).
 */
static char **list_dir(const char *dir, const char *display, const char *suffix,
		       const char *content_real, size_t *count, struct diag *d)
{
	*count = 0;
	DIR *dp = opendir(dir);
	if (!dp)
		return NULL;
	struct ptrs names = {0};
	struct dirent *e;
	size_t sl = strlen(suffix), cl = strlen(content_real);
	/*
	 * A regular file's real path is its directory's and its name: one
	 * realpath for the directory, not one per file (each a readlink per
	 * component of the path, 11 system calls a fiche, on one core).
	 */
	char *dir_real = realpath(dir, NULL);
	/* The keys of the directory's regular files: "content" + its real path under content/. */
	int dir_inside = dir_real && strncmp(dir_real, content_real, cl) == 0 &&
			 (dir_real[cl] == '/' || dir_real[cl] == '\0');
	char *key_dir = dir_inside ? xasprintf("content%s", dir_real + cl) : NULL;
	size_t kl = key_dir ? strlen(key_dir) : 0;
	while ((e = readdir(dp))) {
		const char *name = e->d_name;
		size_t nl = strlen(name);
		/* Hidden files and editor backups are not content. */
		if (name[0] == '.' || name[nl - 1] == '~' || nl <= sl ||
		    strcmp(name + nl - sl, suffix) != 0)
			continue;
		if (names.n >= LOAD_MAX_FILES) {
			diag_error(d, display, 0, 0, _("too many files (limit %d)"), LOAD_MAX_FILES);
			break;
		}
		if (key_dir && e->d_type == DT_REG) {
			ptrs_add(&names, listed(name, nl, key_dir, kl, name));
			continue;
		}
		/* Every entry, not only links: the directory itself may be a link. */
		char *real = dir_real && e->d_type == DT_REG ? path_join(dir_real, name) : NULL;
		if (!real) {
			char *full = path_join(dir, name);
			real = realpath(full, NULL);
			free(full);
		}
		if (!real || strncmp(real, content_real, cl) != 0 || real[cl] != '/') {
			char *shown = path_join(display, name);
			diag_error(d, shown, 0, 0, _("symbolic link leads outside content/: refused"));
			free(shown);
			free(real);
			continue;
		}
		ptrs_add(&names, listed(name, nl, "content", 7, real + cl + 1));
		free(real);
	}
	free(key_dir);
	free(dir_real);
	closedir(dp);
	if (names.n > 1)
		qsort(names.v, names.n, sizeof *names.v, compare_names);
	*count = names.n;
	return (char **)names.v;
}

/* "06-habitants-x.md" → number 6 and slug "habitants-x"; no prefix → 0 and the whole stem. */
static void parse_file_name(const char *name, int *number, char **slug)
{
	size_t n = strlen(name);
	if (n > 3 && strcmp(name + n - 3, ".md") == 0)
		n -= 3;
	else if (n > 5 && strcmp(name + n - 5, ".yaml") == 0)
		n -= 5;
	size_t i = 0;
	int num = 0;
	while (i < n && ascii_isdigit(name[i]) && i < 6)
		num = num * 10 + (name[i++] - '0');
	if (i > 0 && i < n && name[i] == '-') {
		*number = num;
		*slug = xstrndup(name + i + 1, n - i - 1);
	} else {
		*number = 0;
		*slug = xstrndup(name, n);
	}
}

/*
 * In an unclosed front matter (fm[0..n), file line 2 on), the first line
 * that cannot be YAML of ours: a Markdown heading, or text at column 0
 * that is not "field: ..." nor a list item. Returns its index (1-based,
 * counted from the opening '---', so the file line is the result + 1) and
 * sets *end to its offset; 0 when every line could be a field.
 */
static int guess_front_matter_end(const char *fm, size_t n, size_t *end)
{
	size_t pos = 0;
	int line = 1;
	while (pos < n) {
		const char *nl = memchr(fm + pos, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - (fm + pos)) : n - pos;
		const char *s = fm + pos;
		int yaml_like = 1;
		if (len && s[0] == '#')
			yaml_like = 0; /* a heading (a YAML comment would be read the same) */
		else if (len && s[0] != ' ' && s[0] != '\t' && s[0] != '-') {
			size_t k = 0;
			while (k < len && (ascii_isalnum((unsigned char)s[k]) || s[k] == '_' || s[k] == '-'))
				k++;
			yaml_like = k > 0 && k < len && s[k] == ':' && (k + 1 == len || s[k + 1] == ' ');
		}
		if (!yaml_like) {
			*end = pos;
			return line;
		}
		pos += len + 1;
		line++;
	}
	return 0;
}

/* read_path is relative to the directory dirfd (AT_FDCWD: to the working directory). */
static struct doc *load_doc(enum doc_kind kind, const struct kind *desc, const char *fs_path,
			    int dirfd, const char *read_path,
			    const char *display, const char *name, struct diag *d)
{
	size_t len;
	char *text = load_text_file_at(dirfd, read_path, display, &len, d);
	struct doc *doc = xcalloc(1, sizeof *doc);
	doc->kind = kind;
	doc->desc = desc;
	doc->path = xstrdup(display);
	doc->fs_path = xstrdup(fs_path);
	parse_file_name(name, &doc->number, &doc->slug);
	doc->file_number = doc->number;
	if (!text) {
		/*
		 * Reported (encoding, size, rights). The document stays, empty,
		 * under its file name's number and slug: links to it are not
		 * reported as unknown too.
		 */
		doc->fm_broken = 1;
		doc->meta = json_object();
		doc->body = xstrdup("");
		return doc;
	}
	size_t blank = 0;
	while (blank < len && ascii_isspace((unsigned char)text[blank]))
		blank++;
	if (blank == len) {
		/* A file saved empty by mistake: one message, not one per field. */
		diag_error(d, display, 1, 1,
			   _("the file is empty: write its fields and text (see 'fiches new'), "
			     "or delete it"));
		doc->fm_broken = 1;
	}
	const char *fm, *body;
	size_t fm_len;
	int split = load_split_front_matter(text, len, &fm, &fm_len, &body, &doc->body_offset);
	if (split < 0) {
		doc->fm_line = 1;
		/*
		 * The closing '---' is missing. Where the Markdown seems to start
		 * (a heading, a line of text), the coordinator adds it; the fields
		 * above are still read so that nothing else is reported.
		 */
		size_t fm_end;
		int end_line = guess_front_matter_end(fm, fm_len, &fm_end);
		if (end_line) {
			diag_error(d, display, end_line + 1, 1,
				   _("the front matter opened with '---' on line 1 is never closed: "
				     "add a line '---' before this one"));
			fm_len = fm_end;
			body = fm + fm_end;
			doc->body_offset = end_line;
		} else {
			diag_error(d, display, 1, 1,
				   _("the front matter opened with '---' is never closed: add a line "
				     "'---' after the last field"));
			doc->fm_broken = 1;
		}
	}
	if (split != 0 && !doc->fm_broken) {
		doc->fm_line = 1;
		/* The YAML starts on file line 2. */
		if (yaml_load(display, fm, fm_len, 1, d, &doc->meta, &doc->marks) < 0) {
			doc->meta = NULL;
			doc->fm_broken = 1;
		}
	}
	if (!doc->meta)
		doc->meta = json_object();
	/* The body moved to the front of the file's buffer: no copy made, none freed. */
	doc->body_len = len - (size_t)(body - text);
	memmove(text, body, doc->body_len);
	text[doc->body_len] = '\0';
	doc->body = text;
	return doc;
}

struct doc *load_doc_alone(const struct site *s, enum doc_kind kind, const char *display,
			   const char *read_path, struct diag *d)
{
	const char *name = path_basename(display);
	const struct kind *desc = site_kind(s, kind);
	char *dir = path_join(s->content_dir, desc->content_dir);
	char *fs = path_join(dir, name);
	struct doc *doc = load_doc(kind, desc, fs, AT_FDCWD, read_path ? read_path : fs, display,
				   name, d);
	free(fs);
	free(dir);
	return doc;
}

struct load_job {
	enum doc_kind kind;
	const struct kind *desc;
	const char *dir, *display_dir;
	/*
	 * dir, open (-1 when it could not be): each file is opened by its
	 * name in it, not by a path the kernel walks from the working
	 * directory again (0.4 us of system time an open with the bench's
	 * seven-component paths, about a tenth of it).
	 */
	int dirfd;
	char **names;
	struct doc **docs;      /* by index of names; NULL when unreadable */
	const struct load_override *ov;
	struct diag *d;
};

static void load_one(void *ctx, size_t i)
{
	struct load_job *j = ctx;
	char *fs = path_join(j->dir, j->names[i]);
	char *display = path_join(j->display_dir, j->names[i]);
	int over = j->ov && strcmp(j->ov->display, display) == 0;
	int by_name = !over && j->dirfd >= 0;
	j->docs[i] = over && j->ov->removed ? NULL :
		     load_doc(j->kind, j->desc, fs, by_name ? j->dirfd : AT_FDCWD,
			      over ? j->ov->read_path : by_name ? j->names[i] : fs, display,
			      j->names[i], j->d);
	if (j->docs[i])
		j->docs[i]->content_key = xstrdup(listed_key(j->names[i]));
	free(fs);
	free(display);
}

/* Loads content/NAME (a data file); *out stays NULL when the file is absent. */
static json_t *load_data_file(struct site *s, const char *name, char **display_out,
			      struct yaml_marks **marks, int required, enum target_kind what,
			      struct diag *d)
{
	char *fs = path_join(s->content_dir, name);
	char *display = path_join("content", name);
	*display_out = display;
	*marks = NULL;
	json_t *value = NULL;
	if (access(fs, F_OK) != 0) {
		if (required) {
			diag_error(d, display, 0, 0, _("missing file"));
			s->lost_all[what] = 1;
		}
		free(fs);
		return NULL;
	}
	char *real = realpath(fs, NULL);
	size_t cl = strlen(s->content_real);
	int outside = !real || strncmp(real, s->content_real, cl) != 0 || real[cl] != '/';
	free(real);
	if (outside) {
		diag_error(d, display, 0, 0, _("symbolic link leads outside content/: refused"));
		free(fs);
		return NULL;
	}
	size_t len;
	char *text = load_text_file(fs, display, &len, d);
	free(fs);
	/* A slip in one entry loses that entry only (yaml_load_recover). */
	if (!text || yaml_load_recover(display, text, len, d, &value, marks, s->lost_ids) < 0) {
		/* Reported: what the file defines is unknown, not missing. */
		s->lost_all[what] = 1;
		value = NULL;
	}
	free(text);
	return value;
}

/* Every content/SUBDIR/NAME.yaml (booklets, kinds), in name order. */
static struct booklet *load_yaml_dir(struct site *s, const char *subdir, const char *content_real,
				     size_t *count, struct diag *d)
{
	char *dir = path_join(s->content_dir, subdir);
	char *display_dir = path_join("content", subdir);
	size_t n;
	char **names = list_dir(dir, display_dir, ".yaml", content_real, &n, d);
	struct booklet *v = xcalloc(n ? n : 1, sizeof *v);
	*count = 0;
	for (size_t i = 0; i < n; i++) {
		char *fs = path_join(dir, names[i]);
		char *display = path_join(display_dir, names[i]);
		size_t len;
		char *text = load_text_file(fs, display, &len, d);
		json_t *value = NULL;
		struct yaml_marks *marks = NULL;
		if (text && yaml_load(display, text, len, 0, d, &value, &marks) == 0) {
			struct booklet *b = &v[(*count)++];
			b->name = xstrndup(names[i], strlen(names[i]) - 5);
			b->path = display;
			display = NULL;
			b->data = value;
			b->marks = marks;
		}
		free(text);
		free(display);
		free(fs);
		free(names[i]);
	}
	free(names);
	free(dir);
	free(display_dir);
	return v;
}

/* What the load's parallel loop reads: every kind's listing, then the data files. */
struct load_all {
	struct site *s;
	struct load_job kinds[DOC_KINDS];
	size_t first[DOC_KINDS + 1];   /* item of each kind's first document; first[nkinds]: the total */
	size_t nkinds;
	struct diag *d;
};

/*
 * contacts.yaml, glossary.yaml and bibliography.yaml, in that order, as
 * one item: they write the site's lost ids and lost_all, which no
 * document's load reads.
 */
static void load_data_files(struct site *s, struct diag *d)
{
	s->contacts_data = load_data_file(s, kind_data(TARGET_CONTACT)->data_file,
					  &s->contacts_path, &s->contacts_marks, 0, TARGET_CONTACT, d);
	s->glossary_data = load_data_file(s, kind_data(TARGET_GLOSSARY)->data_file,
					  &s->glossary_path, &s->glossary_marks, 0, TARGET_GLOSSARY, d);
	s->biblio_data = load_data_file(s, kind_data(TARGET_BIBLIO)->data_file,
					&s->biblio_path, &s->biblio_marks, 0, TARGET_BIBLIO, d);
}

/* Item 0: the data files (contacts.yaml grows with the corpus: first); then each document. */
static void load_item(void *ctx, size_t i)
{
	struct load_all *a = ctx;
	if (i == 0) {
		load_data_files(a->s, a->d);
		return;
	}
	size_t k = 0;
	while (i > a->first[k + 1])
		k++;
	load_one(&a->kinds[k], i - 1 - a->first[k]);
}

/*
 * Every kind's documents and the data files in one parallel loop: the
 * data files were read on the main thread after the documents (the
 * contacts of 10 000 fiches: 0.01 s with the other core idle), and each
 * kind was a loop of its own. Each item reports only at its own files'
 * paths, so the diagnostics sort as in one thread.
 */
static void load_documents(struct site *s, const char *content_real,
			   const struct load_override *ov, struct diag *d)
{
	struct load_all a = {.s = s, .nkinds = site_nkinds(s), .d = d};
	for (size_t k = 0; k < a.nkinds; k++) {
		const struct kind *desc = site_kind(s, (enum doc_kind)k);
		char *dir = path_join(s->content_dir, desc->content_dir);
		char *display_dir = path_join("content", desc->content_dir);
		size_t n;
		char **names = list_dir(dir, display_dir, ".md", content_real, &n, d);
		int dirfd = n ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		a.kinds[k] = (struct load_job){(enum doc_kind)k, desc, dir, display_dir, dirfd, names,
					       xcalloc(n ? n : 1, sizeof *a.kinds[k].docs), ov, d};
		a.first[k + 1] = a.first[k] + n;
	}
	/* Reading and YAML parsing on every core; each kind's order stays its names'. */
	pool_for(0, 1 + a.first[a.nkinds], load_item, &a);
	for (size_t k = 0; k < a.nkinds; k++) {
		struct load_job *j = &a.kinds[k];
		size_t n = a.first[k + 1] - a.first[k];
		s->docs[k] = j->docs;
		for (size_t i = 0; i < n; i++) {
			if (j->docs[i])
				s->docs[k][s->ndocs[k]++] = j->docs[i];
			free(j->names[i]);
		}
		free(j->names);
		if (j->dirfd >= 0)
			close(j->dirfd);
		free((char *)j->dir);
		free((char *)j->display_dir);
	}
}

struct site *load_site(const char *root, struct diag *d)
{
	return load_site_override(root, NULL, d);
}

struct site *load_site_override(const char *root, const struct load_override *ov,
				struct diag *d)
{
	struct site *s = xcalloc(1, sizeof *s);
	s->root = xstrdup(root);
	s->content_dir = path_join(root, "content");
	s->content_real = realpath(s->content_dir, NULL);
	const char *content_real = s->content_real;
	struct stat st;
	if (!content_real || stat(content_real, &st) != 0 || !S_ISDIR(st.st_mode)) {
		diag_error(d, s->content_dir, 0, 0, _("no content directory"));
		site_free(s);
		return NULL;
	}
	s->lost_ids = json_object();
	s->config = load_data_file(s, "site.yaml", &s->config_path, &s->config_marks, 1,
				   TARGET_TAXON, d);
	/* The project's own kinds, before the documents: they add directories. */
	const json_t *kinds = json_object_get(s->config, "kinds");
	if (kinds)
		kinds_add(s, s->config_path, s->config_marks, kinds, NULL, d);
	s->kind_files = load_yaml_dir(s, "kinds", content_real, &s->nkind_files, d);
	for (size_t i = 0; i < s->nkind_files; i++)
		kinds_add(s, s->kind_files[i].path, s->kind_files[i].marks,
			  s->kind_files[i].data, s->kind_files[i].name, d);
	kinds_finish(s, d);
	load_documents(s, content_real, ov, d);
	s->booklets = load_yaml_dir(s, "booklets", content_real, &s->nbooklets, d);
	return s;
}
