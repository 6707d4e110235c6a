/* test_json.c - JSON writing: escapes to a buffer and to a stream agree,
 * numbers, and the document writer keeps its first failure; reading a
 * file whole: its limit and where the text stops being JSON. */
#include "test.h"

#include "io/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char *in, *want;
} strings[] = {
	{ "", "\"\"" },
	{ "Sololá", "\"Sololá\"" },
	{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
	{ "l1\nl2\r\t", "\"l1\\nl2\\r\\t\"" },
	{ "\x01\x1f", "\"\\u0001\\u001f\"" },
	{ "\"ab\"cd\\", "\"\\\"ab\\\"cd\\\\\"" }, /* escapes at both ends */
};

static void test_strings(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(strings); i++) {
		struct ob_buf b = OB_BUF_INIT(256);
		char *mem = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&mem, &len);

		assert_int_equal(ob_json_str(&b, strings[i].in, strlen(strings[i].in)), OB_OK);
		assert_string_equal(b.ptr, strings[i].want);
		ob_json_fput(f, strings[i].in);
		fclose(f);
		assert_string_equal(mem, strings[i].want);
		free(mem);
		ob_buf_release(&b);
	}
}

static void test_numbers(void **state)
{
	struct ob_buf b = OB_BUF_INIT(256);

	(void)state;
	assert_int_equal(ob_json_num(&b, 3), OB_OK);
	assert_int_equal(ob_buf_addc(&b, ' '), OB_OK);
	assert_int_equal(ob_json_num(&b, 0.1), OB_OK);
	assert_int_equal(ob_buf_addc(&b, ' '), OB_OK);
	assert_int_equal(ob_json_num(&b, NAN), OB_OK);
	assert_string_equal(b.ptr, "3 0.10000000000000001 null");
	ob_buf_release(&b);
}

static void test_writer(void **state)
{
	struct ob_buf b = OB_BUF_INIT(32);
	struct ob_jw j = OB_JW_INIT(&b);

	(void)state;
	ob_jw_c(&j, '{');
	ob_jw_key(&j, "n");
	ob_jw_num(&j, 2);
	ob_jw_c(&j, ',');
	ob_jw_key(&j, "s");
	ob_jw_str(&j, NULL);
	ob_jw_c(&j, ',');
	ob_jw_key(&j, "b");
	ob_jw_bool(&j, true);
	ob_jw_c(&j, '}');
	assert_int_equal(ob_jw_err(&j), OB_OK);
	assert_string_equal(b.ptr, "{\"n\":2,\"s\":null,\"b\":true}");
	/* past the ceiling: the failure is kept, and the '}' after it is not
	 * written (the buffer holds a cut document the caller must not use) */
	ob_jw_str(&j, "a string far too long for what is left");
	ob_jw_c(&j, '}');
	assert_int_equal(ob_jw_err(&j), OB_ETOOBIG);
	assert_int_equal(strncmp(b.ptr, "{\"n\":2,\"s\":null,\"b\":true}", 25), 0);
	assert_true(b.len <= 26);
	ob_buf_release(&b);
}

static void test_load_file(void **state)
{
	char path[] = "/tmp/ob_test_json_XXXXXX";
	const char good[] = "{\"a\": [1, 2]}", bad[] = "{\"a\": [1, 2],\n \"b\": }";
	struct ob_diag d;
	json_t *root;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, good, sizeof(good) - 1), (ssize_t)sizeof(good) - 1);
	root = ob_json_load_file(path, 64, 0, &d);
	assert_non_null(root);
	assert_int_equal(json_array_size(json_object_get(root, "a")), 2);
	json_decref(root);
	assert_null(ob_json_load_file(path, 10, 0, &d)); /* longer than the limit */
	assert_int_equal(d.code, OB_ETOOBIG);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(pwrite(fd, bad, sizeof(bad) - 1, 0), (ssize_t)sizeof(bad) - 1);
	assert_null(ob_json_load_file(path, 64, 0, &d));
	assert_int_equal(d.code, OB_EPARSE);
	assert_int_equal(d.line, 2);
	assert_string_equal(d.file, path);
	close(fd);
	unlink(path);
	assert_null(ob_json_load_file(path, 64, 0, &d));
	assert_int_equal(d.code, OB_ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_writer),
		cmocka_unit_test(test_load_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
