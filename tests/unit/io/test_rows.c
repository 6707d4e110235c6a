/* test_rows.c - the row-output layer: the same rows in CSV, JSON and text,
 * nulls as each format says them, the formula guard in CSV, alignment by
 * code points, and a table too big for its buffer refused, never cut. */
#include "test.h"

#include "io/rows.h"

#include <math.h>
#include <string.h>

static const struct ob_rows_col cols[] = {
	{ "municipio", OB_ROWS_TEXT_COL },
	{ "victimas", OB_ROWS_NUMBER_COL },
	{ "tasa", OB_ROWS_NUMBER_COL },
};

/* Three rows: a plain one, one with a formula-like label and no rate, one
 * with an accented label and a NaN rate. */
static ob_err write_table(enum ob_rows_format fmt, struct ob_buf *b)
{
	struct ob_rows w;

	ob_rows_begin(&w, fmt, b, NULL, cols, 3);
	ob_rows_set_null_text(&w, "s/d");
	ob_rows_str(&w, "Mixco");
	ob_rows_int(&w, 41);
	ob_rows_num(&w, 8.25, "%.2f");
	ob_rows_end_row(&w);
	ob_rows_str(&w, "=1+2");
	ob_rows_uint(&w, 7);
	ob_rows_end_row(&w); /* the rate not given: null */
	ob_rows_str(&w, "Sololá, \"centro\"");
	ob_rows_null(&w);
	ob_rows_num(&w, NAN, "%.2f");
	ob_rows_end_row(&w);
	return ob_rows_end(&w);
}

static const struct {
	enum ob_rows_format fmt;
	const char *want;
} formats[] = {
	{ OB_ROWS_CSV, "municipio,victimas,tasa\n"
	               "Mixco,41,8.25\n"
	               "\"'=1+2\",7,\n"
	               "\"Sololá, \"\"centro\"\"\",,\n" },
	{ OB_ROWS_JSON, "[{\"municipio\":\"Mixco\",\"victimas\":41,\"tasa\":8.25},"
	                "{\"municipio\":\"=1+2\",\"victimas\":7,\"tasa\":null},"
	                "{\"municipio\":\"Sololá, \\\"centro\\\"\",\"victimas\":null,\"tasa\":null}]" },
	/* "Sololá, "centro"" is 16 code points (17 bytes) */
	{ OB_ROWS_TEXT, "municipio         victimas  tasa\n"
	                "Mixco                   41  8.25\n"
	                "=1+2                     7   s/d\n"
	                "Sololá, \"centro\"       s/d   s/d\n" },
};

static void test_formats(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(formats); i++) {
		struct ob_buf b = OB_BUF_INIT(4096);

		assert_int_equal(write_table(formats[i].fmt, &b), OB_OK);
		assert_non_null(b.ptr);
		assert_string_equal(b.ptr, formats[i].want);
		ob_buf_release(&b);
	}
}

/* A table with no rows: CSV and text still say their columns. */
static void test_empty(void **state)
{
	struct ob_buf b = OB_BUF_INIT(4096);
	struct ob_rows w;

	(void)state;
	ob_rows_begin(&w, OB_ROWS_CSV, &b, NULL, cols, 3);
	assert_int_equal(ob_rows_end(&w), OB_OK);
	assert_string_equal(b.ptr, "municipio,victimas,tasa\n");
	ob_buf_reset(&b);
	ob_rows_begin(&w, OB_ROWS_JSON, &b, NULL, cols, 3);
	assert_int_equal(ob_rows_end(&w), OB_OK);
	assert_string_equal(b.ptr, "[]");
	ob_buf_release(&b);
}

/* Another delimiter, no header, and a JSON-only member. */
static void test_options(void **state)
{
	struct ob_buf b = OB_BUF_INIT(4096);
	struct ob_rows w;

	(void)state;
	ob_rows_begin(&w, OB_ROWS_CSV, &b, NULL, cols, 3);
	ob_rows_set_delim(&w, ';');
	ob_rows_no_header(&w);
	ob_rows_str(&w, "a;b");
	ob_rows_json_extra_bool(&w, "no_data", true);
	ob_rows_int(&w, -3);
	ob_rows_numtext(&w, "1e-5");
	assert_int_equal(ob_rows_end(&w), OB_OK);
	assert_string_equal(b.ptr, "\"a;b\";-3;1e-5\n");
	ob_buf_reset(&b);
	ob_rows_begin(&w, OB_ROWS_JSON, &b, NULL, cols, 3);
	ob_rows_str(&w, "x");
	ob_rows_json_extra_bool(&w, "no_data", true);
	ob_rows_numtext(&w, "not a number");
	ob_rows_bool(&w, false);
	assert_int_equal(ob_rows_end(&w), OB_OK);
	assert_string_equal(b.ptr, "[{\"municipio\":\"x\",\"no_data\":true,"
	                           "\"victimas\":\"not a number\",\"tasa\":false}]");
	ob_buf_release(&b);
}

/* Text output never passes a control character to the terminal: an
 * escape sequence or a newline in a label is shown as a space, and the
 * columns stay aligned. */
static void test_text_controls(void **state)
{
	static const struct ob_rows_col c2[] = { { "a", OB_ROWS_TEXT_COL },
		                                 { "b", OB_ROWS_NUMBER_COL } };
	struct ob_buf b = OB_BUF_INIT(4096);
	struct ob_rows w;

	(void)state;
	ob_rows_begin(&w, OB_ROWS_TEXT, &b, NULL, c2, 2);
	ob_rows_str(&w, "x\x1b[2Jy\nz");
	ob_rows_int(&w, 1);
	ob_rows_end_row(&w);
	assert_int_equal(ob_rows_end(&w), OB_OK);
	assert_string_equal(b.ptr, "a         b\n"
	                           "x [2Jy z  1\n");
	ob_buf_release(&b);
}

/* Too big for the buffer: an error at the end, in every format. */
static void test_too_big(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(formats); i++) {
		struct ob_buf b = OB_BUF_INIT(40);

		assert_int_equal(write_table(formats[i].fmt, &b), OB_ETOOBIG);
		ob_buf_release(&b);
	}
}

/* A stream gets the same bytes as a buffer, and a large one in pieces. */
static void test_stream(void **state)
{
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	struct ob_rows w;
	long long sum = 0;

	(void)state;
	assert_non_null(f);
	ob_rows_begin(&w, OB_ROWS_CSV, NULL, f, cols, 3);
	for (long long i = 0; i < 20000; i++) {
		ob_rows_str(&w, "municipio de prueba");
		ob_rows_int(&w, i);
		ob_rows_num(&w, (double)i / 4, "%.2f");
		ob_rows_end_row(&w);
	}
	assert_int_equal(ob_rows_end(&w), OB_OK);
	fclose(f);
	assert_true(len > 64 * 1024 * 2);
	for (char *p = strchr(mem, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
		char *c = strchr(p + 1, ',');
		long long v = 0;
		for (c++; *c >= '0' && *c <= '9'; c++)
			v = v * 10 + (*c - '0');
		sum += v;
	}
	assert_int_equal(sum, 20000LL * 19999 / 2);
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats), cmocka_unit_test(test_empty),
		cmocka_unit_test(test_options), cmocka_unit_test(test_text_controls),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
