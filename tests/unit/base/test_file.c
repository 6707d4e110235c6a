/* test_file.c - ob_read_file reads a whole file, a pipe too, and refuses one
 * larger than its ceiling, never cutting it. */
#include "test.h"

#include "base/file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A new temporary file holding n bytes of a pattern; its path in path. */
static void make_file(char *path, size_t cap, size_t n)
{
	FILE *f;
	int fd;

	snprintf(path, cap, "%s/observa-file-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		fputc('a' + (int)(i % 26), f);
	assert_int_equal(fclose(f), 0);
}

static void check_content(const char *data, size_t len, size_t n)
{
	assert_int_equal(len, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(data[i], 'a' + (int)(i % 26));
	assert_int_equal(data[n], '\0');
}

/* sizes around the ceiling and around the reading's 64 KiB steps */
static void sizes_and_ceiling(void **state)
{
	static const struct {
		size_t n, max;
		ob_err want;
	} cases[] = {
		{ 0, 10, OB_OK },
		{ 1, 10, OB_OK },
		{ 10, 10, OB_OK },
		{ 11, 10, OB_ETOOBIG },
		{ 1, 0, OB_ETOOBIG },
		{ 0, 0, OB_OK },
		{ 65536, 1 << 20, OB_OK },
		{ 65537, 1 << 20, OB_OK },
		{ 300000, 300000, OB_OK },
		{ 300001, 300000, OB_ETOOBIG },
		{ 300000, 299999, OB_ETOOBIG },
	};
	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char path[4096], *data = (char *)1;
		size_t len = 99;
		struct ob_diag d;
		make_file(path, sizeof(path), cases[k].n);
		ob_diag_clear(&d);
		assert_int_equal(ob_read_file(path, cases[k].max, &data, &len, &d), cases[k].want);
		if (cases[k].want == OB_OK) {
			check_content(data, len, cases[k].n);
		} else {
			assert_null(data);
			assert_int_equal(len, 0);
			assert_string_equal(d.file, path);
		}
		free(data);
		unlink(path);
	}
}

/* a pipe has no size: the buffer grows as the bytes come (a child writes
 * them, more than a pipe holds at once) */
static void pipe_grows(void **state)
{
	char path[64], *data;
	size_t len;
	struct ob_diag d;
	int fds[2], st;
	pid_t pid;
	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char chunk[1000];
		close(fds[0]);
		for (size_t i = 0; i < 200; i++) {
			for (size_t j = 0; j < sizeof(chunk); j++)
				chunk[j] = (char)('a' + (int)((i * sizeof(chunk) + j) % 26));
			if (write(fds[1], chunk, sizeof(chunk)) != (ssize_t)sizeof(chunk))
				_exit(1);
		}
		_exit(0);
	}
	close(fds[1]);
	snprintf(path, sizeof(path), "/dev/fd/%d", fds[0]);
	ob_diag_clear(&d);
	assert_int_equal(ob_read_file(path, 1 << 20, &data, &len, &d), OB_OK);
	check_content(data, len, 200000);
	free(data);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void missing_file(void **state)
{
	char *data = (char *)1;
	size_t len = 1;
	struct ob_diag d;
	(void)state;
	ob_diag_clear(&d);
	assert_int_equal(ob_read_file("/nonexistent/observa-none", 10, &data, &len, &d), OB_ENOENT);
	assert_null(data);
	assert_int_equal(len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes_and_ceiling),
		cmocka_unit_test(pipe_grows),
		cmocka_unit_test(missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
