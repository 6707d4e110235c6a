/* replay_main.c - runs a fuzz harness over every file of the directories (or
 * the files) named on the command line: the corpus as a plain test. */
#include "base/common.h"

#include <dirent.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Corpus files are small; anything larger is a mistake in the corpus. */
#define REPLAY_MAX_FILE (16 * 1024 * 1024)

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	size_t n;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	buf = ob_malloc(REPLAY_MAX_FILE);
	n = fread(buf, 1, REPLAY_MAX_FILE, f);
	if (ferror(f) || !feof(f)) {
		fprintf(stderr, "replay: %s: unreadable or over %d bytes\n", path,
		        REPLAY_MAX_FILE);
		fclose(f);
		free(buf);
		return 1;
	}
	fclose(f);
	/* an exact-size copy, so that reading past the end is caught */
	{
		unsigned char *exact = ob_malloc(n);
		memcpy(exact, buf, n);
		free(buf);
		LLVMFuzzerTestOneInput(exact, n);
		free(exact);
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, int *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int bad = 0;

	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = ob_realloc(names, cap * sizeof(*names));
		}
		names[n++] = ob_strdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		char path[OB_MAX_PATH];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		bad |= run_file(path);
		(*count)++;
		free(names[i]);
	}
	free(names);
	return bad;
}

int main(int argc, char **argv)
{
	int bad = 0, count = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			bad |= run_dir(argv[i], &count);
		} else {
			bad |= run_file(argv[i]);
			count++;
		}
	}
	printf("replay: %d inputs\n", count);
	return bad;
}
