/* The workshop's booklet worker; see booklet_worker.h. */
#include "booklet_worker.h"
#include "build.h"
#include "diag.h"
#include "i18n.h"
#include "load.h"
#include "model.h"
#include "pdf.h"
#include "yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

int booklet_worker_cpu_seconds(void)
{
	const char *v = getenv("FICHES_BOOKLET_CPU_SECONDS");
	char *end;
	long n = v && *v ? strtol(v, &end, 10) : 0;
	return v && *v && !*end && n >= 1 && n <= 3600 ? (int)n : BOOKLET_WORKER_CPU_SECONDS;
}

int booklet_worker_main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "fiches: %s ROOT DEFINITION OUT.pdf EPOCH (used by fiches serve)\n",
			BOOKLET_WORKER_COMMAND);
		return 2;
	}
	/*
	 * The guard: the server's threads keep the priority (the coordinator
	 * goes on typing while this runs), and a runaway definition is stopped
	 * by the kernel rather than left to eat a core.
	 */
	setpriority(PRIO_PROCESS, 0, 10);
	rlim_t limit = (rlim_t)booklet_worker_cpu_seconds();
	struct rlimit cpu = {limit, limit + 5};
	setrlimit(RLIMIT_CPU, &cpu);
	/* Stopped by SIGXCPU, it must not leave a core file in the project. */
	struct rlimit core = {0, 0};
	setrlimit(RLIMIT_CORE, &core);

	struct build_options bo = {0};
	bo.root = argv[2];
	bo.jobs = 1;
	bo.quiet = 1;
	struct diag *d = diag_new();
	int status = 1;
	struct site *s = build_load(&bo, d);
	size_t len = 0;
	char *text = s && !diag_errors(d) ? load_text_file(argv[3], argv[3], &len, d) : NULL;
	if (s && diag_errors(d) && !text) {
		/* The editor shows the content's errors where they are; here, one line says why. */
		diag_free(d);
		d = diag_new();
		diag_error(d, NULL, 0, 0,
			   _("the content has errors: correct them before typesetting a booklet"));
	}
	struct booklet def = {0};
	if (text && yaml_load(argv[3], text, len, 0, d, &def.data, &def.marks) == 0) {
		char name[] = "livret";
		def.name = name;
		def.path = argv[3];
		struct pdf_adhoc sel = {0};
		sel.def = &def;
		sel.a5 = -1;
		sel.impose = -1;
		sel.source_date_epoch = atoll(argv[5]);
		status = pdf_build_adhoc(s, &sel, argv[4], d, NULL) == 0 ? 0 : 1;
	}
	json_decref(def.data);
	yaml_marks_free(def.marks);
	free(text);
	if (status)
		diag_flush(d, stderr);
	site_free(s);
	diag_free(d);
	return status;
}
