/* test_util.c - integer and number parsing, bounded copies, diagnostics. */
#include "test.h"

#include "base/common.h"

static const struct {
	const char *in;
	long long min, max;
	bool ok;
	long long want;
} int_cases[] = {
	{ "35", 0, 120, true, 35 },
	{ " 7 ", 0, 120, true, 7 },
	{ "-3", -10, 10, true, -3 },
	{ "121", 0, 120, false, 0 },
	{ "", 0, 10, false, 0 },
	{ "12a", 0, 100, false, 0 },
	{ "-", -5, 5, false, 0 },
	{ "9223372036854775807", 0, INT64_MAX, true, INT64_MAX },
	{ "9223372036854775808", 0, INT64_MAX, false, 0 },
	{ "-9223372036854775808", INT64_MIN, 0, true, INT64_MIN },
	{ "-1", 0, 10, false, 0 },
	{ "9", 0, 3, false, 0 },
	{ "-9", -3, 3, false, 0 },
};

static void parse_int_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(int_cases); i++) {
		long long v = 0;
		bool ok = ob_parse_int(int_cases[i].in, strlen(int_cases[i].in),
		                       int_cases[i].min, int_cases[i].max, &v);
		assert_int_equal(ok, int_cases[i].ok);
		if (ok)
			assert_true(v == int_cases[i].want);
	}
}

static void parse_double_comma(void **state)
{
	double v;
	(void)state;
	assert_true(ob_parse_double("13,5", 4, &v));
	assert_true(v == 13.5);
	assert_true(ob_parse_double(" 1e3 ", 5, &v));
	assert_true(v == 1000);
	assert_false(ob_parse_double("abc", 3, &v));
	/* separators: never a guess */
	static const struct {
		const char *in;
		bool ok;
		double want;
	} cases[] = {
		{ "52.000", false, 0 },    /* 52 or 52000? refused */
		{ "1,500", false, 0 },
		{ "0.125", true, 0.125 },
		{ "0,125", true, 0.125 },
		{ "52.0", true, 52 },
		{ "52.0001", true, 52.0001 },
		{ "1.234.567", true, 1234567 },
		{ "1,234,567", true, 1234567 },
		{ "1.234,5", true, 1234.5 },
		{ "1,234.5", true, 1234.5 },
		{ "1.23.4", false, 0 },
		{ "12,5", true, 12.5 },
		{ "-3.5e2", true, -350 },
		{ "1e-3", true, 0.001 },
	};
	assert_true(ob_parse_double("52.000", 6, &v) && v == 52);
	assert_true(ob_parse_double("27.583", 6, &v) && v == 27.583);
	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		bool ok = ob_parse_quantity(cases[i].in, strlen(cases[i].in), &v);
		if (ok != cases[i].ok)
			print_error("«%s»: %d\n", cases[i].in, ok);
		assert_int_equal(ok, cases[i].ok);
		if (ok)
			assert_true(v == cases[i].want);
	}
	assert_false(ob_parse_double("", 0, &v));
}

static void strlcpy_truncates(void **state)
{
	char small[4];
	(void)state;
	assert_int_equal(ob_strlcpy(small, "abcdef", sizeof(small)), 6);
	assert_string_equal(small, "abc");
}

static void diag_formats_position(void **state)
{
	struct ob_diag d;
	char out[256];
	(void)state;
	ob_diag_set(&d, OB_EPARSE, "f.csv", 3, 7, "32/13/2020", 10, "fecha no válida");
	ob_diag_format(&d, out, sizeof(out));
	assert_string_equal(out, "f.csv:3:7: fecha no válida (valor «32/13/2020»)");
	assert_string_equal(ob_err_name(OB_EPARSE), "OB_EPARSE");
	assert_string_equal(ob_err_msg_en(OB_ETOOBIG), "exceeds a limit");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_int_table),
		cmocka_unit_test(parse_double_comma),
		cmocka_unit_test(strlcpy_truncates),
		cmocka_unit_test(diag_formats_position),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
