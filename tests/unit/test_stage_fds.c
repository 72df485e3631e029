/*
 * stage_reserve_fds (generator/stage.h): the file-descriptor table is grown
 * at once to what the stage may hold open, without leaving a descriptor
 * open and without touching one that was, whatever the limit on open files.
 * The table's size is the kernel's FDSize line in /proc/self/status.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stage.h"

/* The process's file-descriptor table size, or -1. */
static long fd_table_size(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	char line[256];
	long size = -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "FDSize: %ld", &size) == 1)
			break;
	fclose(f);
	return size;
}

/* How many descriptors are open. */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;  /* opendir's own */
}

/* Sets the soft limit on open files (the hard one allowing). */
static void limit_files(rlim_t soft)
{
	struct rlimit r;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &r), 0);
	if (r.rlim_max != RLIM_INFINITY && r.rlim_max < soft)
		skip();
	r.rlim_cur = soft;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &r), 0);
}

/* With 1 024 files allowed the stage holds 256, so the table must hold past 256 + 64. */
static void test_table_grown(void **state)
{
	(void)state;
	limit_files(1024);
	long before = fd_table_size();
	if (before < 0 || before > 256 + 64)
		skip();  /* no /proc, or a table grown before this test: it would prove nothing */
	int fds = open_fds();
	stage_reserve_fds();
	long after = fd_table_size();
	assert_true(after > 256 + 64);
	assert_true(after <= 1024);
	assert_int_equal(open_fds(), fds);
}

/* A descriptor already open where the reservation aims stays open, and the same file. */
static void test_open_descriptor_kept(void **state)
{
	(void)state;
	limit_files(1024);
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, 256 + 64), 256 + 64);
	struct stat a, b;
	assert_int_equal(fstat(fd, &a), 0);
	int fds = open_fds();
	stage_reserve_fds();
	assert_int_equal(open_fds(), fds);
	assert_int_equal(fstat(256 + 64, &b), 0);
	assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	close(256 + 64);
	close(fd);
}

/* A limit below what the stage would hold: nothing past the limit, nothing left open. */
static void test_low_limit(void **state)
{
	(void)state;
	limit_files(16);
	int fds = open_fds();
	stage_reserve_fds();
	assert_int_equal(open_fds(), fds);
	/* The limit still holds: a descriptor past it cannot be made. */
	assert_int_equal(fcntl(0, F_DUPFD, 16), -1);
	limit_files(1024);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* First: the others grow the table. */
		cmocka_unit_test(test_table_grown),
		cmocka_unit_test(test_low_limit),
		cmocka_unit_test(test_open_descriptor_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
