/* test_refcsv.c - the test-only reader of reference CSV files. */
#include "test.h"

#include <math.h>

#include "refcsv.h"

/* tests/data/stats/refcsv_sample.csv: quoted fields with commas and
 * doubled quotes, NA, NaN, Inf, -Inf, -0, a CRLF line, a blank line and no
 * newline at the end. */
static void reads_every_form(void **state)
{
	struct refcsv t;
	(void)state;
	refcsv_load(&t, "stats/refcsv_sample.csv");
	assert_int_equal(t.ncols, 3);
	assert_int_equal(t.nrows, 7);
	assert_string_equal(refcsv_str(&t, 0, "name"), "Gómez, Ana");
	assert_true(refcsv_num(&t, 0, "value") == 1.5);
	assert_true(refcsv_bool(&t, 0, "flag"));
	assert_string_equal(refcsv_str(&t, 1, "name"), "dice \"hola\"");
	assert_true(refcsv_is_na(&t, 1, "value"));
	assert_true(isnan(refcsv_num(&t, 1, "value")));
	assert_false(refcsv_bool(&t, 1, "flag"));
	assert_false(refcsv_is_na(&t, 2, "value"));
	assert_true(isnan(refcsv_num(&t, 2, "value")));
	assert_true(refcsv_bool(&t, 2, "flag")); /* CRLF stripped */
	assert_true(isinf(refcsv_num(&t, 3, "value")) && refcsv_num(&t, 3, "value") < 0);
	assert_true(isinf(refcsv_num(&t, 4, "value")) && refcsv_num(&t, 4, "value") > 0);
	assert_true(refcsv_num(&t, 5, "value") == 0 && !signbit(refcsv_num(&t, 5, "value")));
	assert_string_equal(refcsv_str(&t, 6, "name"), "last");
	assert_true(refcsv_num(&t, 6, "value") == 2e-3);
	refcsv_free(&t);
}

static void closeness(void **state)
{
	(void)state;
	assert_true(refcsv_close(1.0, 1.0 + 1e-10, 1e-9, 0));
	assert_false(refcsv_close(1.0, 1.0 + 1e-8, 1e-9, 0));
	assert_true(refcsv_close(0, 0, 0, 0));
	assert_false(refcsv_close(1e-300, 0, 1e-9, 0)); /* no silent absolute slack */
	assert_true(refcsv_close(NAN, NAN, 1e-9, 0));
	assert_false(refcsv_close(0, NAN, 1e-9, 0));
	assert_true(refcsv_close(INFINITY, INFINITY, 1e-9, 0));
	assert_false(refcsv_close(1e308, INFINITY, 1e-9, 0));
	assert_false(refcsv_close(-INFINITY, INFINITY, 1e-9, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_every_form),
		cmocka_unit_test(closeness),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
