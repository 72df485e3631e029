/*
 * fiches: command line. Parses options, dispatches to a subcommand and maps
 * its result to the exit status: 0 ok, 1 content errors, 2 usage, 3 I/O or
 * internal failure. Nothing else lives here.
 *
 * Every subcommand is one entry of `commands` below: its name, the options
 * it takes (keys into `options`), its synopsis and summary, and its handler.
 * Its --help, the global help, the refusal of options it does not take and
 * the « did you mean » hints are all made from these two tables, so adding
 * a subcommand is one entry (and its handler), and man/fiches.1 is checked
 * against them by tests/cli/t_man.py.
 */
#include "build.h"
#include "diag.h"
#include "i18n.h"
#include "init.h"
#include "model.h"
#include "new.h"
#include "path.h"
#include "pdf.h"
#include "pdf_worker.h"
#include "booklet_worker.h"
#include "publish.h"
#include "replacements.h"
#include "serve.h"
#include "stage.h"
#include "suggest.h"
#include "xalloc.h"
#include "yaml.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#ifdef FICHES_MIMALLOC
#include <mimalloc.h>
#endif

#ifndef FICHES_VERSION
#define FICHES_VERSION "0.1.0"
#endif

enum { OPT_STRICT = 256, OPT_NO_PDF, OPT_PORT, OPT_HOST, OPT_TEMPLATES, OPT_THEME,
       OPT_LOGIC, OPT_PUBLIC, OPT_IDS, OPT_FORMAT, OPT_IMPOSE, OPT_TITLE, OPT_EDIT_PASSWORD };

/* One option, shared by every subcommand that takes it. */
struct opt {
	const char *name;        /* long name, without "--" */
	int key;                 /* its short letter, or an OPT_ value */
	const char *arg;         /* name of its argument in the help, NULL for a flag */
	const char *help;        /* one line, translated when printed */
};

static const struct opt options[] = {
	{"directory", 'C', "DIR", N_("project root: reads DIR/content (default: the current directory)")},
	{"output", 'o', "OUT", N_("output directory (default: DIR/public)")},
	{"strict", OPT_STRICT, NULL, N_("treat warnings as errors")},
	{"jobs", 'j', "N", N_("worker threads, 1 to 256 (default: number of cores)")},
	{"no-pdf", OPT_NO_PDF, NULL, N_("make no PDF files")},
	{"templates", OPT_TEMPLATES, "DIR", N_("templates that replace the built-in ones, file by file (default: DIR/templates)")},
	{"quiet", 'q', NULL, N_("print no summary line")},
	{"port", OPT_PORT, "N", N_("port to listen on, 0 for any free port (default: 8000)")},
	{"host", OPT_HOST, "ADDR", N_("numeric address to listen on (default: 127.0.0.1)")},
	{"edit-password-file", OPT_EDIT_PASSWORD, "FILE", N_("writing workshop behind a password (needed off the loopback address); FILE holds it, replaced by its Argon2id hash")},
	{"theme", OPT_THEME, "ID", N_("the fiches-actions of this theme, with the theme (repeatable)")},
	{"logic", OPT_LOGIC, "ID", N_("the fiches-actions of this logic")},
	{"public", OPT_PUBLIC, "ID", N_("the fiches for this public")},
	{"ids", OPT_IDS, "LIST", N_("these documents, e.g. action:6,theme:1,guide:introduction")},
	{"format", OPT_FORMAT, "A4|A5", N_("page size (default: the booklet's own, else A4)")},
	{"impose", OPT_IMPOSE, NULL, N_("also write FILE-imposee.pdf: the pages two-up on A4, to fold")},
	{"title", OPT_TITLE, "TEXT", N_("cover title (default: one made from the selection)")},
	{"help", 'h', NULL, N_("show this help")},
};
#define NOPTIONS (sizeof options / sizeof *options)

#define MAX_THEMES 64

/* What the options said; each handler reads what its command takes. */
struct args {
	const char *command;
	struct build_options build;
	int port;
	const char *host;
	const char *edit_password_file;
	struct pdf_adhoc booklet;        /* fiches booklet selection */
	const char *themes[MAX_THEMES];
};

struct command {
	const char *name;
	const char *synopsis;    /* what follows the name, translated when printed */
	const char *summary;     /* one line for the global help */
	const char *details;     /* a paragraph after the options, or NULL */
	const int *keys;         /* options taken, 0-terminated ('h' is implied) */
	int min_args, max_args;  /* operands after the options */
	int needs_content;       /* reads DIR/content: hint -C when it is elsewhere */
	int (*run)(struct args *a, int nargs, char **rest);
};

static int run_build(struct args *a, int nargs, char **rest);
static int run_check(struct args *a, int nargs, char **rest);
static int run_serve(struct args *a, int nargs, char **rest);
static int run_new(struct args *a, int nargs, char **rest);
static int run_booklet(struct args *a, int nargs, char **rest);
static int run_init(struct args *a, int nargs, char **rest);
static int run_publish(struct args *a, int nargs, char **rest);

static const int build_keys[] = {'C', 'o', OPT_STRICT, 'j', OPT_NO_PDF, OPT_TEMPLATES, 'q', 0};
static const int check_keys[] = {'C', OPT_STRICT, 'j', OPT_TEMPLATES, 'q', 0};
static const int serve_keys[] = {'C', 'o', OPT_PORT, OPT_HOST, OPT_EDIT_PASSWORD, OPT_STRICT, 'j',
				 OPT_NO_PDF, OPT_TEMPLATES, 'q', 0};
static const int new_keys[] = {'C', 0};
static const int booklet_keys[] = {'C', 'o', OPT_THEME, OPT_LOGIC, OPT_PUBLIC, OPT_IDS,
				   OPT_FORMAT, OPT_IMPOSE, OPT_TITLE, OPT_STRICT, 'q', 0};
static const int init_keys[] = {0};
static const int publish_keys[] = {'C', 'o', OPT_STRICT, 'j', OPT_NO_PDF, OPT_TEMPLATES, 'q', 0};

static const struct command commands[] = {
	{"build", N_("[OPTIONS]"), N_("build the site into DIR/public (or OUT)"),
	 N_("Nothing is written when the content has an error: the previous site stays as it was.\n"),
	 build_keys, 0, 0, 1, run_build},
	{"check", N_("[OPTIONS]"), N_("check everything, write nothing"), NULL,
	 check_keys, 0, 0, 1, run_check},
	{"serve", N_("[OPTIONS]"), N_("build, serve on 127.0.0.1, rebuild and reload on every change"),
	 N_("Errors are shown in the terminal and over every page in the browser.\n"),
	 serve_keys, 0, 0, 1, run_serve},
	{"new", N_("KIND \"Title\" [OPTIONS]"), N_("create the next fiche of a series"),
	 N_("KIND is action or theme. The file is created in DIR/content, never overwritten,\n"
	    "and its path is printed.\n"),
	 new_keys, 2, 2, 1, run_new},
	{"booklet", N_("[NAME] [SELECTION] [OPTIONS] -o FILE.pdf"), N_("make one PDF booklet"),
	 N_("NAME is a booklet of DIR/content/booklets/ or fiches-actions, fiches-thematiques,\n"
	    "guide-complet; a SELECTION (--theme, --logic, --public, --ids) makes one of your own.\n"
	    "With --impose (or impose: true in the booklet), FILE-imposee.pdf is written beside\n"
	    "FILE.pdf. Every file written is named at the end.\n"),
	 booklet_keys, 0, 1, 1, run_booklet},
	{"init", N_("DIR"), N_("create a new project in DIR, with one example of each kind of document"),
	 N_("DIR must be new or empty: nothing is ever overwritten. The project builds at once;\n"
	    "the files it holds and what to do next are printed.\n"),
	 init_keys, 1, 1, 0, run_init},
	{"publish", N_("[OPTIONS] DESTINATION"), N_("build the site, then copy it to a folder or a web server"),
	 N_("DESTINATION is a folder (a USB stick, a shared folder) or user@server:folder, reached\n"
	    "with rsync over ssh. Only what changed is sent. A site with errors is not published.\n"
	    "Files at the destination that fiches did not publish there are never replaced or\n"
	    "removed (DESTINATION/.fiches-published lists those it did).\n"),
	 publish_keys, 1, 1, 1, run_publish},
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static const struct opt *option_by_key(int key)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		if (options[i].key == key)
			return &options[i];
	return NULL;
}

static const struct command *command_by_name(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void usage(FILE *f)
{
	fputs(_("Usage: fiches COMMAND [OPTIONS]\n\nCommands:\n"), f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, _(commands[i].summary));
	fputs(_("\n"
		"'fiches COMMAND --help' shows the options of a command.\n"
		"'fiches --version' shows the version.\n"
		"\n"
		"Exit status: 0 ok, 1 content errors, 2 usage error, 3 I/O or internal failure.\n"
		"See fiches(1) and fiches(5).\n"), f);
}

/* One option's line in a command's help: "  -C, --directory DIR   text". */
static void option_help(FILE *f, const struct opt *o)
{
	char left[64];
	if (o->key < 256)
		snprintf(left, sizeof left, "-%c, --%s%s%s", o->key, o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
	else
		snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	fprintf(f, "  %-24s %s\n", left, _(o->help));
}

static void command_usage(FILE *f, const struct command *c)
{
	fprintf(f, _("Usage: fiches %s %s\n"), c->name, _(c->synopsis));
	/* The summary as a sentence: capital first letter (every summary starts with a-z). */
	const char *summary = _(c->summary);
	int first = summary[0] >= 'a' && summary[0] <= 'z' ? summary[0] - 'a' + 'A' : summary[0];
	fprintf(f, "\n%c%s.\n\n", first, summary[0] ? summary + 1 : "");
	fputs(_("Options:\n"), f);
	for (const int *k = c->keys; *k; k++)
		option_help(f, option_by_key(*k));
	option_help(f, option_by_key('h'));
	if (c->details)
		fprintf(f, "\n%s", _(c->details));
	fputs(_("\nSee fiches(1).\n"), f);
}

/* "--stict=x" → "stict", "-x" → "x": the name as the user typed it. */
static char *typed_name(const char *arg)
{
	while (*arg == '-')
		arg++;
	return xstrndup(arg, strcspn(arg, "="));
}

/* Refuses an option the command does not take, with the likeliest fix. */
static void unknown_option(const struct command *c, const char *arg)
{
	char *name = typed_name(arg);
	fprintf(stderr, _("fiches %s: unknown option '%s'\n"), c->name, arg);
	const char *names[NOPTIONS + 1];
	size_t n = 0;
	for (const int *k = c->keys; *k; k++)
		names[n++] = option_by_key(*k)->name;
	names[n++] = "help";
	const char *close = suggest_closest(name, names, n);
	const struct command *other = NULL;
	for (size_t i = 0; i < NOPTIONS && !close && !other; i++) {
		if (strcmp(options[i].name, name))
			continue;
		for (size_t j = 0; j < NCOMMANDS && !other; j++)
			for (const int *k = commands[j].keys; *k; k++)
				if (*k == options[i].key)
					other = &commands[j];
	}
	if (close)
		fprintf(stderr, _("Did you mean '--%s'?\n"), close);
	else if (other)
		fprintf(stderr, _("--%s is an option of 'fiches %s', not of 'fiches %s'.\n"),
			name, other->name, c->name);
	fprintf(stderr, _("Try 'fiches %s --help'.\n"), c->name);
	free(name);
}

static int parse_number(const char *s, long lo, long hi, long *out)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (!*s || *end || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

/* Takes one option of the command's. Returns 0, or 2 on a usage error. */
static int take_option(struct args *a, int key, const char *arg)
{
	long n;
	switch (key) {
	case 'C': a->build.root = arg; break;
	case 'o': a->build.out = arg; break;
	case 'j':
		if (parse_number(arg, 1, 256, &n)) {
			fprintf(stderr, _("fiches: -j takes a number of threads from 1 to 256\n"));
			return 2;
		}
		a->build.jobs = (int)n;
		break;
	case 'q': a->build.quiet = 1; break;
	case OPT_STRICT: a->build.strict = 1; break;
	case OPT_NO_PDF: a->build.no_pdf = 1; break;
	case OPT_TEMPLATES: a->build.templates = arg; break;
	case OPT_PORT:
		if (parse_number(arg, 0, 65535, &n)) {
			fprintf(stderr, _("fiches: --port takes a number from 0 to 65535\n"));
			return 2;
		}
		a->port = (int)n;
		break;
	case OPT_HOST: a->host = arg; break;
	case OPT_EDIT_PASSWORD: a->edit_password_file = arg; break;
	case OPT_THEME:
		if (a->booklet.nthemes == MAX_THEMES) {
			fprintf(stderr, _("fiches: at most %d --theme options\n"), MAX_THEMES);
			return 2;
		}
		a->themes[a->booklet.nthemes++] = arg;
		break;
	case OPT_LOGIC: a->booklet.logic = arg; break;
	case OPT_PUBLIC: a->booklet.public_id = arg; break;
	case OPT_IDS: a->booklet.ids = arg; break;
	case OPT_TITLE: a->booklet.title = arg; break;
	case OPT_IMPOSE: a->booklet.impose = 1; break;
	case OPT_FORMAT:
		if (strcasecmp(arg, "a4") && strcasecmp(arg, "a5")) {
			fprintf(stderr, _("fiches: --format takes A4 or A5, not '%s'\n"), arg);
			return 2;
		}
		a->booklet.a5 = arg[1] == '5';
		break;
	}
	return 0;
}

/*
 * Parses the options of command c in argv[1..argc) (argv[0] is the command
 * name); operands are left from *first on. Returns 0, -1 after --help
 * (printed), or 2 on a usage error (explained on stderr).
 */
static int parse_options(const struct command *c, int argc, char **argv, struct args *a, int *first)
{
	struct option lo[NOPTIONS + 1];
	char shorts[2 * NOPTIONS + 2] = ":";
	size_t nlo = 0, ns = 1;
	for (size_t i = 0; i < NOPTIONS; i++) {
		int taken = options[i].key == 'h';
		for (const int *k = c->keys; *k && !taken; k++)
			taken = *k == options[i].key;
		if (!taken)
			continue;
		lo[nlo++] = (struct option){options[i].name, options[i].arg ? required_argument : no_argument,
					    NULL, options[i].key};
		if (options[i].key < 256) {
			shorts[ns++] = (char)options[i].key;
			if (options[i].arg)
				shorts[ns++] = ':';
		}
	}
	lo[nlo] = (struct option){NULL, 0, NULL, 0};
	shorts[ns] = '\0';
	opterr = 0;
	optind = 1;
	int key;
	while ((key = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		if (key == 'h') {
			command_usage(stdout, c);
			return -1;
		}
		if (key == '?' || key == ':') {
			char shown[3] = {'-', (char)optopt, '\0'};
			const char *arg = optopt ? shown : argv[optind - 1];
			if (key == '?') {
				unknown_option(c, arg);
			} else {
				fprintf(stderr, _("fiches %s: option '%s' needs a value\n"), c->name, arg);
				fprintf(stderr, _("Try 'fiches %s --help'.\n"), c->name);
			}
			return 2;
		}
		int rc = take_option(a, key, optarg);
		if (rc)
			return rc;
	}
	*first = optind;
	return 0;
}

/*
 * A command that reads DIR/content run where there is none: when a parent
 * directory has one (the user is inside content/ or one of its folders),
 * says which -C to use. Returns 1 when it did (the command is not run).
 */
static int content_elsewhere(const struct command *c, const struct args *a)
{
	const char *root = a->build.root ? a->build.root : ".";
	struct stat st;
	char *here = xasprintf("%s/content", root);
	int found = stat(here, &st) == 0;
	free(here);
	if (found)
		return 0;
	char *up = strcmp(root, ".") ? xasprintf("%s/..", root) : xstrdup("..");
	for (int level = 0; level < 4; level++) {
		char *probe = xasprintf("%s/content", up);
		found = stat(probe, &st) == 0 && S_ISDIR(st.st_mode);
		free(probe);
		if (found) {
			/* An absolute -C gets an absolute answer without "/..". */
			char *real = root[0] == '/' ? realpath(up, NULL) : NULL;
			if (real) {
				free(up);
				up = real;
			}
			char *missing = xasprintf("%s/content", root);
			fprintf(stderr, _("%s: error: no content directory here, but %s has one: "
					  "run 'fiches %s -C %s'\n"), missing, up, c->name, up);
			free(missing);
			free(up);
			return 1;
		}
		char *next = xasprintf("%s/..", up);
		free(up);
		up = next;
	}
	free(up);
	return 0;
}

/* "%zu errors, %zu warnings" with each count's plural form. */
static char *counts(size_t errors, size_t warnings)
{
	char *e = xasprintf(ngettext("%zu error", "%zu errors", errors), errors);
	char *w = xasprintf(ngettext("%zu warning", "%zu warnings", warnings), warnings);
	char *both = xasprintf(_("%s, %s"), e, w);
	free(e);
	free(w);
	return both;
}

static int build_or_check(struct args *a, int check_only)
{
	struct diag *d = diag_new();
	diag_set_strict(d, a->build.strict);
	a->build.check_only = check_only;
	struct build_stats stats = {0};
	int status = build_run(&a->build, d, &stats);
	size_t errors = diag_errors(d), warnings = diag_warnings(d);
	diag_flush(d, stderr);
	if (!a->build.quiet) {
		if (status == BUILD_OK && !check_only) {
			fprintf(stderr, ngettext("fiches: %u file", "fiches: %u files", stats.pages), stats.pages);
			fprintf(stderr, ngettext(", %u written", ", %u written", stats.written), stats.written);
			fprintf(stderr, ngettext(", %u removed in %.2f s\n", ", %u removed in %.2f s\n",
						 stats.removed), stats.removed, stats.seconds);
			if (warnings) fprintf(stderr, ngettext("fiches: %zu warning above, published as it is\n", "fiches: %zu warnings above, published as they are\n", warnings), warnings);
		} else if (status == BUILD_OK) {
			fprintf(stderr, ngettext("fiches: no errors, %zu warning\n",
						 "fiches: no errors, %zu warnings\n", warnings), warnings);
		} else if (status == BUILD_CONTENT_ERROR) {
			char *c = counts(errors, a->build.strict ? 0 : warnings);
			fprintf(stderr, _("fiches: %s: nothing written\n"), c);
			free(c);
		}
	}
	diag_free(d);
	return status;
}

/* The process ends with these two: the model is left to the exit (build.h). */
static int run_build(struct args *a, int nargs, char **rest)
{
	a->build.exit_after = 1;
	return build_or_check(a, 0);
}

static int run_check(struct args *a, int nargs, char **rest)
{
	a->build.exit_after = 1;
	return build_or_check(a, 1);
}

/*
 * The `language` of DIR/content/site.yaml ("fr" when it says none or
 * cannot be read: the build reports why). Caller frees.
 */
static char *site_language(const char *root)
{
	char *path = xasprintf("%s/content/site.yaml", root ? root : ".");
	char *lang = NULL;
	FILE *f = fopen(path, "rb");
	if (f) {
		char *text = xmalloc(YAML_MAX_BYTES);
		size_t n = fread(text, 1, YAML_MAX_BYTES, f);
		struct diag *quiet = diag_new();
		json_t *cfg = NULL;
		if (n < YAML_MAX_BYTES && yaml_load(path, text, n, 0, quiet, &cfg, NULL) == 0) {
			const char *v = json_string_value(json_object_get(cfg, "language"));
			if (v && *v)
				lang = xstrdup(v);
		}
		json_decref(cfg);
		diag_free(quiet);
		free(text);
		fclose(f);
	}
	free(path);
	return lang ? lang : xstrdup("fr");
}

static int run_serve(struct args *a, int nargs, char **rest)
{
	/* The overlay speaks the site's language whatever the terminal's (before any thread). */
	char *lang = site_language(a->build.root);
	i18n_site_language(lang);
	free(lang);
	struct serve_options so = {.build = a->build, .host = a->host, .port = a->port,
				   .edit_password_file = a->edit_password_file};
	return serve_run(&so);
}

static int run_new(struct args *a, int nargs, char **rest)
{
	struct diag *d = diag_new();
	int rc = new_fiche(a->build.root ? a->build.root : ".", rest[0], rest[1], d);
	diag_flush(d, stderr);
	diag_free(d);
	return rc;
}

/* Names a file the booklet wrote, with the full path so that it is found. */
static void say_written(const char *path, const char *what)
{
	char *full = realpath(path, NULL);
	fprintf(stderr, _("fiches: wrote %s (%s)\n"), full ? full : path, what);
	free(full);
}

static int run_booklet(struct args *a, int nargs, char **rest)
{
	if (!a->build.out) {
		fprintf(stderr, _("fiches booklet: say where to write the PDF with -o FILE.pdf\n"));
		fprintf(stderr, _("Try 'fiches %s --help'.\n"), "booklet");
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
	pdf_fonts_warm_start();  /* fontconfig reads its caches while the project loads */
	struct site *s = build_load(&a->build, d);
	pdf_fonts_warm_wait();
	char *imposed = NULL;
	int status;
	if (!s || diag_errors(d)) {
		status = 1;
	} else {
		a->booklet.base_url = s->base_url;
		int rc = pdf_build_adhoc(s, &a->booklet, a->build.out, d, &imposed);
		status = rc < 0 ? 3 : rc;
	}
	diag_flush(d, stderr);
	if (status == 0 && !a->build.quiet) {
		say_written(a->build.out, _("the booklet, pages in reading order"));
		size_t n = imposed ? strlen(imposed) : 0;
		if (n > 11 && strcmp(imposed + n - 11, "-traits.pdf") == 0)
			say_written(imposed, _("the same sides with crop and fold marks, for a print shop"));
		else if (imposed)
			say_written(imposed, _("the same pages imposed two per A4 sheet, to print and fold"));
	}
	free(imposed);
	site_free(s);
	diag_free(d);
	return status;
}

static int run_init(struct args *a, int nargs, char **rest)
{
	struct diag *d = diag_new();
	int rc = init_project(rest[0], d, stdout);
	diag_flush(d, stderr);
	diag_free(d);
	return rc;
}

/* Builds first, so that what is published is the content as it is now, without errors. */
static int run_publish(struct args *a, int nargs, char **rest)
{
	int status = build_or_check(a, 0);
	const char *dest = rest[0];
	if (status != BUILD_OK) {
		fprintf(stderr, _("fiches: nothing was published to %s\n"), dest);
		return status;
	}
	char *site = a->build.out ? xstrdup(a->build.out) :
		     path_join(a->build.root ? a->build.root : ".", "public");
	struct diag *d = diag_new();
	struct publish_stats st;
	status = publish_run(site, dest, d, &st);
	diag_flush(d, stderr);
	if (status == 0 && !a->build.quiet) {
		fprintf(stderr, ngettext("fiches: %u file published to %s", "fiches: %u files published to %s",
					 st.files), st.files, dest);
		fprintf(stderr, ngettext(", %u sent", ", %u sent", st.sent), st.sent);
		fprintf(stderr, ngettext(", %u removed\n", ", %u removed\n", st.removed), st.removed);
	} else if (status == 1 || status == 2) {
		fprintf(stderr, _("fiches: nothing was published to %s\n"), dest);
	} else if (status) {
		fprintf(stderr, _("fiches: publishing to %s stopped; once the problem is fixed, run the same "
				  "command again to finish (nothing already published is lost)\n"), dest);
	}
	diag_free(d);
	free(site);
	return status;
}

/* The subcommand named, or NULL after saying what was probably meant. */
static const struct command *find_command(const char *name)
{
	const struct command *c = command_by_name(name);
	if (c)
		return c;
	fprintf(stderr, _("fiches: unknown command '%s'\n"), name);
	const char *names[NCOMMANDS];
	for (size_t i = 0; i < NCOMMANDS; i++)
		names[i] = commands[i].name;
	const char *close = suggest_closest(name, names, NCOMMANDS);
	static const char *const global[] = {"--help", "--version"};
	const char *option = name[0] == '-' ? suggest_closest(name, global, 2) : NULL;
	if (close)
		fprintf(stderr, _("Did you mean 'fiches %s'?\n"), close);
	else if (option)
		fprintf(stderr, _("Did you mean 'fiches %s'?\n"), option);
	else if (name[0] == '-')
		fprintf(stderr, _("The command comes first: fiches COMMAND [OPTIONS].\n"));
	fprintf(stderr, _("Try 'fiches --help'.\n"));
	return NULL;
}

/*
 * Memory that mimalloc frees is given back to the system after 2 s
 * instead of its default delay (25 ms in mimalloc 2.0, 10 ms in 2.1), so
 * that a build (2 s at 10 000 fiches) gives back almost nothing: what one
 * of its phases frees, the next one reuses, without the kernel. With a
 * delay of 5 ms (sessions 10 to 15) every run of pages emptied for longer
 * went back to the kernel (madvise) and was faulted in again when the next
 * phase grew: at 10 000 fiches 2 100 madvise and 570 mprotect calls, each
 * a TLB shootdown of the other core's threads, 4 500 in all (a VM exit
 * each in this Firecracker guest), and 11 000 page faults more (86 000
 * against 75 000). The cost is the peak: 268 → 305 MiB at 10 000 fiches,
 * 37.6 → 44 MiB at 1 000, 0.15 and 0.19 of Hugo's (issue 16 allows a
 * quarter). A process that lives on (`fiches serve`) still gives back,
 * 2 s later, what a rebuild freed. With no delay at all (session 9) the
 * peak at 1 000 fiches was 3 to 5 MiB lower than with the default, but
 * 219 000 page faults at 10 000; docs/HACKING.md, « System time » and
 * session 16. A MIMALLOC_ variable for the delay still decides.
 *
 * Large OS pages (mi_option_large_os_pages, 2 MiB pages through
 * MADV_HUGEPAGE) stay off: they cut the page faults to an eighth and the
 * user time by ~9 %, but in this VM a free 2 MiB block is what the balloon
 * reports to the host (page_reporting_order 9), so nearly every huge page
 * is memory the host must fault in again, 4 KiB at a time, while the
 * kernel zeroes it; the small pages come mostly from blocks never
 * reported. 23 pairs at 10 000 fiches: CPU unchanged in the median,
 * system time 0.33 to 1.38 s; docs/HACKING.md, session 17, mem17.
 */
#define MALLOC_PURGE_DELAY_MS 2000

static void malloc_options(void)
{
#if defined FICHES_MIMALLOC && MI_MALLOC_VERSION >= 200
	if (getenv("MIMALLOC_PURGE_DELAY") || getenv("MIMALLOC_DECOMMIT_DELAY") ||
	    getenv("MIMALLOC_RESET_DELAY"))
		return;
#if MI_MALLOC_VERSION >= 210
	mi_option_set(mi_option_purge_delay, MALLOC_PURGE_DELAY_MS);
#else
	mi_option_set(mi_option_decommit_delay, MALLOC_PURGE_DELAY_MS);
#endif
#endif
}

int main(int argc, char **argv)
{
	malloc_options();
	stage_reserve_fds();
	/*
	 * jansson's constructors return NULL when an allocation fails, and
	 * the renderers build contexts with hundreds of unchecked calls:
	 * through xmalloc a failed allocation stops the program with a
	 * message instead. First, before any JSON value exists.
	 */
	json_set_alloc_funcs(xmalloc, free);
	i18n_init();
	/* Not a user command: serve's PDF pass, started anew (pdf_worker.h). */
	if (argc > 1 && strcmp(argv[1], PDF_WORKER_COMMAND) == 0)
		return pdf_worker_main(argc, argv);
	/* Nor this: an ad-hoc booklet of the writing workshop (booklet_worker.h). */
	if (argc > 1 && strcmp(argv[1], BOOKLET_WORKER_COMMAND) == 0)
		return booklet_worker_main(argc, argv);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
		const struct command *c = argc > 2 ? find_command(argv[2]) : NULL;
		if (argc > 2 && !c)
			return 2;
		if (c)
			command_usage(stdout, c);
		else
			usage(stdout);
		return 0;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("fiches %s\n", FICHES_VERSION);
		replacements_print(stdout);
		return 0;
	}
	const struct command *c = find_command(name);
	if (!c)
		return 2;
	struct args a = {0};
	a.command = c->name;
	a.port = 8000;
	a.booklet.a5 = -1;
	a.booklet.impose = -1;
	a.booklet.source_date_epoch = -1;
	int first = 0;
	int rc = parse_options(c, argc - 1, argv + 1, &a, &first);
	if (rc)
		return rc < 0 ? 0 : rc;
	int nargs = argc - 1 - first;
	char **rest = argv + 1 + first;
	if (nargs < c->min_args || nargs > c->max_args) {
		if (nargs > c->max_args)
			fprintf(stderr, _("fiches %s: unexpected argument '%s'\n"), c->name, rest[c->max_args]);
		fprintf(stderr, _("Usage: fiches %s %s\n"), c->name, _(c->synopsis));
		fprintf(stderr, _("Try 'fiches %s --help'.\n"), c->name);
		return 2;
	}
	if (c->needs_content && content_elsewhere(c, &a))
		return 1;
	return c->run(&a, nargs, rest);
}
