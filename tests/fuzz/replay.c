/* A main for the fuzz targets without libFuzzer: runs
 * LLVMFuzzerTestOneInput once on each file named, and on every file of
 * each directory named (in name order), so that the normal test suite
 * replays the corpus with any compiler.
 *
 *   fuzz_TARGET FILE|DIR...
 *
 * Exit status: 0; 1 if a file cannot be read or no input was found (a
 * failed check aborts); 2 usage. */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Run one file; 0, or -1 if it cannot be read. */
static int replay_file(const char *path)
{
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *f = fopen(path, "rb");
	int ok;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (len == cap) {
			size_t bigger = cap ? 2 * cap : 4096;
			uint8_t *more = realloc(buf, bigger);

			if (!more) {
				free(buf);
				fclose(f);
				fprintf(stderr, "replay: %s: out of memory\n",
					path);
				return -1;
			}
			buf = more;
			cap = bigger;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	ok = !ferror(f);
	fclose(f);
	if (!ok) {
		free(buf);
		fprintf(stderr, "replay: %s: read error\n", path);
		return -1;
	}
	/* A name first, so that the input behind a failed check shows. */
	fprintf(stderr, "replay: %s\n", path);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int skip_entry(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* Run every regular file of dir; the number run, or -1. */
static int replay_dir(const char *dir)
{
	struct dirent **names;
	char path[4096];
	struct stat st;
	int i, n, runs = 0, failed = 0;

	n = scandir(dir, &names, skip_entry, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
		free(names[i]);
		if (failed || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (replay_file(path) < 0)
			failed = 1;
		else
			runs++;
	}
	free(names);
	return failed ? -1 : runs;
}

int main(int argc, char **argv)
{
	struct stat st;
	int i, n, runs = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			n = replay_dir(argv[i]);
		else
			n = replay_file(argv[i]) < 0 ? -1 : 1;
		if (n < 0)
			return 1;
		runs += n;
	}
	if (runs == 0) {
		fprintf(stderr, "replay: no inputs\n");
		return 1;
	}
	printf("replay: %d inputs, all checks passed\n", runs);
	return 0;
}
