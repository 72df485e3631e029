/*
 * fiches: command line. Parses options, dispatches to a subcommand and maps
 * its result to the exit status: 0 ok, 1 content errors, 2 usage, 3 I/O or
 * internal failure. Nothing else lives here.
 */
#include "build.h"
#include "diag.h"
#include "i18n.h"
#include "model.h"
#include "new.h"
#include "pdf.h"
#include "serve.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FICHES_VERSION
#define FICHES_VERSION "0.1.0"
#endif

static void usage(FILE *f)
{
	fputs(_("Usage: fiches COMMAND [OPTIONS]\n"
		"\n"
		"Commands:\n"
		"  build    [-C DIR] [-o OUT] [--strict] [-j N] [--no-pdf]   build the site into OUT (default DIR/public)\n"
		"  check    [-C DIR] [--strict]                               validate everything, write nothing\n"
		"  serve    [-C DIR] [-o OUT] [--port N] [--host ADDR]       build, serve on 127.0.0.1, rebuild on change\n"
		"  new      action|theme \"Title\" [-C DIR]                  create the next fiche of a series\n"
		"  booklet  [NAME | --theme ID | --logic ID | --public ID | --ids LIST] [--format a4|a5] [--impose] -o FILE.pdf\n"
		"\n"
		"Options:\n"
		"  -C DIR        project root (reads DIR/content, uses DIR/templates)\n"
		"  -o OUT        output directory (or file, for booklet)\n"
		"  --strict      treat warnings as errors\n"
		"  -j N          worker threads (default: number of cores)\n"
		"  --no-pdf      do not make PDF files\n"
		"  -h, --help    show this help\n"
		"  --version     show the version\n"
		"\n"
		"Exit status: 0 ok, 1 content errors, 2 usage error, 3 I/O or internal failure.\n"
		"See fiches(1) and fiches(5).\n"), f);
}

enum { OPT_STRICT = 256, OPT_NO_PDF, OPT_VERSION, OPT_PORT, OPT_HOST, OPT_TEMPLATES,
       OPT_QUIET, OPT_THEME, OPT_LOGIC, OPT_PUBLIC, OPT_IDS, OPT_FORMAT, OPT_IMPOSE, OPT_TITLE };

static const struct option long_options[] = {
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION},
	{"strict", no_argument, NULL, OPT_STRICT},
	{"no-pdf", no_argument, NULL, OPT_NO_PDF},
	{"jobs", required_argument, NULL, 'j'},
	{"output", required_argument, NULL, 'o'},
	{"directory", required_argument, NULL, 'C'},
	{"templates", required_argument, NULL, OPT_TEMPLATES},
	{"port", required_argument, NULL, OPT_PORT},
	{"host", required_argument, NULL, OPT_HOST},
	{"quiet", no_argument, NULL, 'q'},
	{"theme", required_argument, NULL, OPT_THEME},
	{"logic", required_argument, NULL, OPT_LOGIC},
	{"public", required_argument, NULL, OPT_PUBLIC},
	{"ids", required_argument, NULL, OPT_IDS},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"impose", no_argument, NULL, OPT_IMPOSE},
	{"title", required_argument, NULL, OPT_TITLE},
	{NULL, 0, NULL, 0},
};

#define MAX_THEMES 64

struct args {
	struct build_options build;
	int port;
	const char *host;
	struct pdf_adhoc booklet;        /* fiches booklet selection */
	const char *themes[MAX_THEMES];
	int is_booklet;
};

/* Parses the common options after the subcommand. Returns 0, or 2 on a usage error. */
static int parse_options(int argc, char **argv, struct args *a)
{
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hC:o:j:q", long_options, NULL)) != -1) {
		switch (c) {
		case 'h': usage(stdout); exit(0);
		case OPT_VERSION: printf("fiches %s\n", FICHES_VERSION); exit(0);
		case 'C': a->build.root = optarg; break;
		case 'o': a->build.out = optarg; break;
		case 'j': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 256) {
				fprintf(stderr, _("fiches: -j takes a number of threads from 1 to 256\n"));
				return 2;
			}
			a->build.jobs = (int)n;
			break;
		}
		case 'q': a->build.quiet = 1; break;
		case OPT_STRICT: a->build.strict = 1; break;
		case OPT_NO_PDF: a->build.no_pdf = 1; break;
		case OPT_TEMPLATES: a->build.templates = optarg; break;
		case OPT_PORT: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 0 || n > 65535) {
				fprintf(stderr, _("fiches: --port takes a number from 0 to 65535\n"));
				return 2;
			}
			a->port = (int)n;
			break;
		}
		case OPT_HOST: a->host = optarg; break;
		case OPT_THEME:
			if (a->booklet.nthemes == MAX_THEMES) {
				fprintf(stderr, _("fiches: at most %d --theme options\n"), MAX_THEMES);
				return 2;
			}
			a->themes[a->booklet.nthemes++] = optarg;
			break;
		case OPT_LOGIC: a->booklet.logic = optarg; break;
		case OPT_PUBLIC: a->booklet.public_id = optarg; break;
		case OPT_IDS: a->booklet.ids = optarg; break;
		case OPT_TITLE: a->booklet.title = optarg; break;
		case OPT_IMPOSE: a->booklet.impose = 1; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "a4") && strcmp(optarg, "a5")) {
				fprintf(stderr, _("fiches: --format takes a4 or a5\n"));
				return 2;
			}
			a->booklet.a5 = optarg[1] == '5';
			break;
		default:
			fprintf(stderr, _("Try 'fiches --help'.\n"));
			return 2;
		}
	}
	return 0;
}

static int run_build(struct args *a, int check_only)
{
	struct diag *d = diag_new();
	diag_set_strict(d, a->build.strict);
	a->build.check_only = check_only;
	struct build_stats stats = {0};
	int status = build_run(&a->build, d, &stats);
	size_t errors = diag_errors(d), warnings = diag_warnings(d);
	diag_flush(d, stderr);
	if (!a->build.quiet) {
		if (status == BUILD_OK && !check_only)
			fprintf(stderr, _("fiches: %u files, %u written, %u removed in %.2f s\n"),
				stats.pages, stats.written, stats.removed, stats.seconds);
		else if (status == BUILD_OK)
			fprintf(stderr, _("fiches: no errors, %zu warnings\n"), warnings);
		else if (status == BUILD_CONTENT_ERROR)
			fprintf(stderr, _("fiches: %zu errors, %zu warnings: nothing written\n"),
				errors, a->build.strict ? (size_t)0 : warnings);
	}
	diag_free(d);
	return status;
}

static int run_booklet(struct args *a, int nargs, char **rest)
{
	if (nargs > 1 || !a->build.out) {
		fprintf(stderr, _("Usage: fiches booklet [NAME | --theme ID | --logic ID | --public ID | --ids LIST] [--format a4|a5] [--impose] -o FILE.pdf\n"));
		return 2;
	}
	a->booklet.name = nargs ? rest[0] : NULL;
	a->booklet.themes = a->themes;
	if (!a->booklet.name && !a->booklet.nthemes && !a->booklet.logic &&
	    !a->booklet.public_id && !a->booklet.ids) {
		fprintf(stderr, _("fiches: name a booklet or a selection (--theme, --logic, --public, --ids)\n"));
		return 2;
	}
	struct diag *d = diag_new();
	diag_set_strict(d, a->build.strict);
	struct site *s = build_load(&a->build, d);
	int status;
	if (!s || diag_errors(d)) {
		status = 1;
	} else {
		a->booklet.base_url = s->base_url;
		int rc = pdf_build_adhoc(s, &a->booklet, a->build.out, d);
		status = rc < 0 ? 3 : rc;
	}
	diag_flush(d, stderr);
	if (status == 0 && !a->build.quiet)
		fprintf(stderr, _("fiches: wrote %s\n"), a->build.out);
	site_free(s);
	diag_free(d);
	return status;
}

int main(int argc, char **argv)
{
	i18n_init();
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("fiches %s\n", FICHES_VERSION);
		return 0;
	}
	struct args a = {0};
	a.port = 8000;
	a.booklet.a5 = -1;
	a.booklet.impose = -1;
	a.booklet.source_date_epoch = -1;
	int rc = parse_options(argc - 1, argv + 1, &a);
	if (rc)
		return rc;
	int nargs = argc - 1 - optind;
	char **rest = argv + 1 + optind;
	if (!strcmp(cmd, "build") || !strcmp(cmd, "check")) {
		if (nargs > 0) {
			fprintf(stderr, _("fiches: unexpected argument '%s'\n"), rest[0]);
			return 2;
		}
		return run_build(&a, cmd[0] == 'c');
	}
	if (!strcmp(cmd, "serve")) {
		if (nargs > 0) {
			fprintf(stderr, _("fiches: unexpected argument '%s'\n"), rest[0]);
			return 2;
		}
		struct serve_options so = {.build = a.build, .host = a.host, .port = a.port};
		return serve_run(&so);
	}
	if (!strcmp(cmd, "booklet"))
		return run_booklet(&a, nargs, rest);
	if (!strcmp(cmd, "new")) {
		if (nargs != 2) {
			fprintf(stderr, _("Usage: fiches new action|theme \"Title\"\n"));
			return 2;
		}
		struct diag *d = diag_new();
		rc = new_fiche(a.build.root ? a.build.root : ".", rest[0], rest[1], d);
		diag_flush(d, stderr);
		diag_free(d);
		return rc;
	}
	fprintf(stderr, _("fiches: unknown command '%s'\n"), cmd);
	fprintf(stderr, _("Try 'fiches --help'.\n"));
	return 2;
}
