/*
 * floor: the single-core lower bound for building a corpus.
 *
 *   floor CONTENTDIR
 *
 * Reads every .md file under CONTENTDIR once, parses its front matter with
 * libyaml (events only, discarded) and renders its body with cmark-gfm and
 * the GFM extensions to HTML in memory, on one thread. No templates, no
 * cross-references, no output files: whatever a site generator does beyond
 * this costs time on top. fiches/floor says how much.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <yaml.h>

static cmark_syntax_extension *exts[5];
static size_t nexts;
static unsigned long files, yaml_events;
static size_t in_bytes, html_bytes;
static char *filebuf;
static size_t filecap;

static int read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t n = 0, got;
	for (;;) {
		if (n + 65536 > filecap) {
			size_t cap = filecap ? filecap * 2 : 1 << 20;
			while (cap < n + 65536)
				cap *= 2;
			char *p = realloc(filebuf, cap);
			if (!p) {
				fclose(f);
				return -1;
			}
			filebuf = p;
			filecap = cap;
		}
		got = fread(filebuf + n, 1, filecap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	int err = ferror(f);
	fclose(f);
	filebuf[n] = '\0';
	*len = n;
	return err ? -1 : 0;
}

/* Splits "---\n...\n---\n" off the top; returns the offset of the body. */
static size_t front_matter_end(const char *s, size_t len, size_t *fm_len)
{
	*fm_len = 0;
	if (len < 4 || strncmp(s, "---", 3) != 0 || (s[3] != '\n' && s[3] != '\r'))
		return 0;
	const char *p = s + 3;
	while ((p = strstr(p, "\n---")) != NULL) {
		const char *after = p + 4;
		if (*after == '\n' || *after == '\r' || *after == '\0') {
			*fm_len = (size_t)(p + 1 - s);
			while (*after == '\r' || *after == '\n') {
				after++;
				if (after[-1] == '\n')
					break;
			}
			return (size_t)(after - s);
		}
		p += 4;
	}
	return 0;
}

static int parse_yaml(const char *s, size_t len, const char *path)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int ok = 1;
	yaml_parser_initialize(&parser);
	/* Skip the opening "---" line: libyaml would read it as a document start
	 * marker anyway, this keeps both tools on the same bytes. */
	yaml_parser_set_input_string(&parser, (const unsigned char *)s, len);
	for (;;) {
		if (!yaml_parser_parse(&parser, &ev)) {
			fprintf(stderr, "floor: %s: YAML error: %s\n", path, parser.problem ? parser.problem : "?");
			ok = 0;
			break;
		}
		yaml_events++;
		int done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		if (done)
			break;
	}
	yaml_parser_delete(&parser);
	return ok;
}

static int render(const char *s, size_t len)
{
	int opts = CMARK_OPT_DEFAULT | CMARK_OPT_FOOTNOTES;
	cmark_parser *p = cmark_parser_new(opts);
	for (size_t i = 0; i < nexts; i++)
		cmark_parser_attach_syntax_extension(p, exts[i]);
	cmark_parser_feed(p, s, len);
	cmark_node *doc = cmark_parser_finish(p);
	char *html = cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(p));
	html_bytes += strlen(html);
	free(html);
	cmark_node_free(doc);
	cmark_parser_free(p);
	return 0;
}

static int failed;

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	size_t n = strlen(path), len, fm_len;
	if (type != FTW_F || n < 3 || strcmp(path + n - 3, ".md") != 0)
		return 0;
	if (read_all(path, &len) != 0) {
		fprintf(stderr, "floor: %s: %s\n", path, strerror(errno));
		failed = 1;
		return 0;
	}
	size_t body = front_matter_end(filebuf, len, &fm_len);
	if (fm_len && !parse_yaml(filebuf + 3, fm_len - 3, path))
		failed = 1;
	render(filebuf + body, len - body);
	files++;
	in_bytes += len;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: floor CONTENTDIR\n");
		return 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cmark_gfm_core_extensions_ensure_registered();
	static const char *const names[] = {"table", "strikethrough", "autolink", "tagfilter"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(names[i]);
		if (!e) {
			fprintf(stderr, "floor: cmark-gfm extension '%s' missing\n", names[i]);
			return 3;
		}
		exts[nexts++] = e;
	}
	if (nftw(argv[1], visit, 32, FTW_PHYS) != 0) {
		fprintf(stderr, "floor: %s: %s\n", argv[1], strerror(errno));
		return 3;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("floor: %lu files, %.1f MB read, %lu YAML events, %.1f MB HTML, %.3f s\n", files,
		(double)in_bytes / 1e6, yaml_events, (double)html_bytes / 1e6, s);
	free(filebuf);
	return failed ? 1 : 0;
}
