/*
 * fiches: command line. Parses options, dispatches to a subcommand and maps
 * its result to the exit status: 0 ok, 1 content errors, 2 usage, 3 I/O or
 * internal failure. Nothing else lives here.
 */
#include "build.h"
#include "diag.h"
#include "i18n.h"
#include "new.h"
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
       OPT_QUIET };

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
	{NULL, 0, NULL, 0},
};

struct args {
	struct build_options build;
	int port;
	const char *host;
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
