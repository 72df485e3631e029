/*
 * writefloor: what creating a site's files costs on this file system.
 *
 *   writefloor LISTFILE OUTDIR
 *
 * LISTFILE has one "SIZE PATH" line per output file (run.sh lists the
 * files of fiches' untimed warm-up build). writefloor creates OUTDIR and
 * writes every file with that path and size (the bytes are filler), on two
 * threads, each taking every other file: the directories and inodes a
 * build must create, and nothing else. On file systems where creating an
 * inode is slow (ext4 without a journal checks recently freed inodes), this
 * alone can exceed the CPU floor of parsing the corpus.
 *
 * Then, as fiches does before it swaps its new tree in, it waits for the
 * files to reach the disk (one syncfs). It prints both times:
 *   writefloor: N files, M MB, created in C s, synced in S s
 * run.sh reports the creation alone (what any generator pays) and with the
 * sync (the floor of a build that keeps its output whole across a power cut).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct entry {
	size_t size;
	char *path;
};

static struct entry *entries;
static size_t nentries;
static const char *outdir;
static char *filler;
static size_t filler_len;

static int mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int rc = mkdir(path, 0755);
		*p = '/';
		if (rc < 0 && errno != EEXIST)
			return -1;
	}
	return 0;
}

static void *writer(void *arg)
{
	size_t first = (size_t)arg;
	char path[8192];
	for (size_t i = first; i < nentries; i += 2) {
		snprintf(path, sizeof path, "%s/%s", outdir, entries[i].path);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 && errno == ENOENT && mkdirs(path) == 0)
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0) {
			perror(path);
			exit(1);
		}
		size_t left = entries[i].size;
		while (left) {
			size_t n = left < filler_len ? left : filler_len;
			ssize_t w = write(fd, filler, n);
			if (w <= 0) {
				perror(path);
				exit(1);
			}
			left -= (size_t)w;
		}
		close(fd);
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: writefloor LISTFILE OUTDIR\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	size_t cap = 0, total = 0;
	char line[8192];
	while (fgets(line, sizeof line, f)) {
		size_t size;
		int off = 0;
		if (sscanf(line, "%zu %n", &size, &off) != 1 || off <= 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (nentries == cap) {
			cap = cap ? cap * 2 : 1024;
			entries = realloc(entries, cap * sizeof *entries);
			if (!entries)
				return 1;
		}
		entries[nentries].size = size;
		entries[nentries++].path = strdup(line + off);
		total += size;
	}
	fclose(f);
	outdir = argv[2];
	if (mkdir(outdir, 0755) < 0) {
		perror(outdir);
		return 1;
	}
	filler_len = 1 << 16;
	filler = malloc(filler_len);
	if (!filler)
		return 1;
	memset(filler, 'x', filler_len);
	double t0 = now();
	pthread_t t;
	if (pthread_create(&t, NULL, writer, (void *)1) != 0)
		return 1;
	writer((void *)0);
	pthread_join(t, NULL);
	double t1 = now();
	int dir = open(outdir, O_RDONLY | O_DIRECTORY);
	if (dir < 0 || syncfs(dir) < 0) {
		perror(outdir);
		return 1;
	}
	close(dir);
	double t2 = now();
	printf("writefloor: %zu files, %.1f MB, created in %.3f s, synced in %.3f s\n", nentries,
	       total / 1e6, t1 - t0, t2 - t1);
	for (size_t i = 0; i < nentries; i++)
		free(entries[i].path);
	free(entries);
	free(filler);
	return 0;
}
