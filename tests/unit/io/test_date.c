/* test_date.c - dates as institutions write them; day arithmetic. */
#include "test.h"

#include "io/date.h"

#define ANY OB_DATE_ANY
#define DMY OB_DATE_DMY
#define ISO OB_DATE_ISO
#define XLS OB_DATE_EXCEL
#define PART OB_DATE_PARTIAL
#define MDY OB_DATE_MDY

static const struct {
	const char *in;
	unsigned forms;
	const char *want;  /* formatted result, or NULL when refused */
	const char *why;   /* part of the reason when refused */
} cases[] = {
	/* dd/mm/yyyy and its variants */
	{ "15/03/2020", DMY, "2020-03-15", NULL },
	{ "5/3/2020", DMY, "2020-03-05", NULL },
	{ "15-03-2020", DMY, "2020-03-15", NULL },
	{ "15.03.2020", DMY, "2020-03-15", NULL },
	{ "  15/03/2020 ", DMY, "2020-03-15", NULL },
	{ "\xC2\xA0" "15/03/2020\r\n", DMY, "2020-03-15", NULL },
	{ "15/03/2020 00:00:00", DMY, "2020-03-15", NULL },
	{ "15/03/2020 12:00:00 a. m.", DMY, "2020-03-15", NULL },
	{ "29/02/2020", DMY, "2020-02-29", NULL },
	{ "29/02/2000", DMY, "2000-02-29", NULL },
	{ "29/02/2019", DMY, NULL, "29 de febrero no existe en 2019" },
	{ "29/02/1900", DMY, NULL, "no es bisiesto" },
	{ "31/04/2020", DMY, NULL, "día 31 no existe en abril" },
	{ "0/04/2020", DMY, NULL, "día 0 no existe" },
	{ "15/13/2020", DMY, NULL, "mes 13 no existe" },
	{ "03/15/2020", DMY, NULL, "mm/dd/aaaa" },
	{ "15/03/20", DMY, NULL, "año de 2 cifras" },
	{ "15/03/1850", DMY, NULL, "año 1850 fuera del rango 1900-2100" },
	{ "15/03/2020x", DMY, NULL, "«x» no reconocida" },
	{ "15/03/2020 ;", DMY, NULL, "formato de fecha no reconocido" },
	{ "15/03-2020", DMY, NULL, "no reconocido" },
	{ "15//03/2020", DMY, NULL, "no reconocido" },
	{ "/15/03/2020", DMY, NULL, "no reconocido" },
	{ "15/03/2020/", DMY, NULL, "no reconocido" },
	{ "115/03/2020", DMY, NULL, "no reconocido" },
	{ "15/03/02020", DMY, NULL, "no reconocido" },
	{ "15/03/2020 25", DMY, NULL, "no reconocido" },
	{ "15/03/2020 10:3", DMY, NULL, "no reconocido" },
	{ "10:30", ANY, NULL, "no reconocido" },
	{ "", ANY, NULL, "fecha vacía" },
	{ "   ", ANY, NULL, "fecha vacía" },
	{ "15/03/2020", ISO, NULL, "no está admitida" },
	/* mm/dd/yyyy */
	{ "03/15/2020", MDY, "2020-03-15", NULL },
	{ "15/03/2020", MDY, NULL, "mes 15 no existe" },
	/* ISO */
	{ "2020-03-15", ISO, "2020-03-15", NULL },
	{ "2020-3-5", ISO, "2020-03-05", NULL },
	{ "2020/03/15", ISO, "2020-03-15", NULL },
	{ "2020-03-15T10:30:00Z", ISO, "2020-03-15", NULL },
	{ "2020-03-15T10:30:00-06:00", ISO, "2020-03-15", NULL },
	{ "2020-03-15 10:30", ISO, "2020-03-15", NULL },
	{ "20200315", ISO, "2020-03-15", NULL },
	{ "20200230", ISO, NULL, "día 30 no existe en febrero" },
	{ "2020-02-30", ISO, NULL, "día 30 no existe en febrero" },
	{ "2020-03-15", DMY, NULL, "aaaa-mm-dd no está admitida" },
	/* Excel serial days */
	{ "43831", XLS, "2020-01-01", NULL },
	{ "43905.5", XLS, "2020-03-15", NULL },
	{ "43905,75", XLS, "2020-03-15", NULL },
	{ "1", XLS, "1900-01-01", NULL },
	{ "59", XLS, "1900-02-28", NULL },
	{ "60", XLS, NULL, "29/02/1900" },
	{ "61", XLS, "1900-03-01", NULL },
	{ "73050", XLS, "2099-12-31", NULL },
	{ "73051", XLS, NULL, "fuera del rango 1-73050" },
	{ "0", XLS, NULL, "fuera del rango 1-73050" },
	{ "43831", DMY | ISO, NULL, "número de serie de Excel no está admitida" },
	{ "123456", XLS, NULL, "no reconocido" },
	{ "43831", DMY | PART, NULL, "número de serie de Excel no está admitida" },
	/* partial dates */
	{ "2020", PART, "2020", NULL },
	{ "2020", ANY, "2020", NULL },
	{ "1850", ANY, NULL, "año 1850 fuera del rango" },
	{ "03/2020", PART, "2020-03", NULL },
	{ "3-2020", PART, "2020-03", NULL },
	{ "2020-03", PART, "2020-03", NULL },
	{ "2020-13", PART, NULL, "mes 13 no existe" },
	{ "03/20", PART, NULL, "año de 2 cifras" },
	{ "03/2020", DMY, NULL, "sin día" },
	{ "2020", DMY | ISO, NULL, "solo el año" },
	/* Spanish month names */
	{ "15 de marzo de 2020", DMY, "2020-03-15", NULL },
	{ "15 de Marzo del 2020", DMY, "2020-03-15", NULL },
	{ "15-mar-2020", DMY, "2020-03-15", NULL },
	{ "15/MAR/2020", DMY, "2020-03-15", NULL },
	{ "1 setiembre 2019", DMY, "2019-09-01", NULL },
	{ "31 de junio de 2020", DMY, NULL, "día 31 no existe en junio" },
	{ "marzo 2020", PART, "2020-03", NULL },
	{ "Marzo de 2020", ANY, "2020-03", NULL },
	{ "mar-2020", PART, "2020-03", NULL },
	{ "Dic 2019", PART, "2019-12", NULL },
	{ "Apr-2020", PART, "2020-04", NULL },
	{ "marzo 2020", DMY, NULL, "sin día" },
	{ "mar-20", PART, NULL, "año de 2 cifras" },
	{ "15 de marzo", DMY, NULL, "falta el año" },
	{ "15 de marzu de 2020", DMY, NULL, "«marzu» no reconocida" },
	{ "marzo abril 2020", PART, NULL, "no reconocido" },
	{ "15 de marzo de 2020 10:30", DMY, "2020-03-15", NULL },
};

static void parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		struct ob_date d;
		char why[256], got[16];
		ob_err e = ob_date_parse(cases[i].in, strlen(cases[i].in), cases[i].forms,
		                         &d, why, sizeof(why));
		if (cases[i].want) {
			if (e != OB_OK)
				fail_msg("«%s»: refused (%s)", cases[i].in, why);
			ob_date_format(&d, got, sizeof(got));
			if (strcmp(got, cases[i].want))
				fail_msg("«%s»: got %s, want %s", cases[i].in, got,
				         cases[i].want);
			assert_string_equal(why, "");
		} else {
			if (e != OB_EPARSE)
				fail_msg("«%s»: accepted or %s", cases[i].in, ob_err_name(e));
			if (!strstr(why, cases[i].why))
				fail_msg("«%s»: reason «%s» lacks «%s»", cases[i].in, why,
				         cases[i].why);
			assert_int_equal(d.precision, OB_PREC_NONE);
		}
	}
}

static void precision_and_bad_forms(void **state)
{
	struct ob_date d;
	char why[128];
	(void)state;

	assert_int_equal(ob_date_parse("2020-03", 7, ANY, &d, why, sizeof(why)), OB_OK);
	assert_int_equal(d.precision, OB_PREC_MONTH);
	assert_int_equal(d.day, 0);
	assert_int_equal(ob_date_parse("2020", 4, ANY, &d, NULL, 0), OB_OK);
	assert_int_equal(d.precision, OB_PREC_YEAR);
	assert_int_equal(d.month, 0);
	/* not NUL-terminated: only n bytes are read */
	assert_int_equal(ob_date_parse("2020-03-15XYZ", 10, ISO, &d, why, sizeof(why)), OB_OK);
	assert_int_equal(d.day, 15);
	assert_int_equal(ob_date_parse("01/02/2020", 10, DMY | MDY, &d, why, sizeof(why)),
	                 OB_EINVAL);
}

static void days_known_values(void **state)
{
	static const struct {
		int y, m, d;
		long days;
	} known[] = {
		{ 1970, 1, 1, 0 },
		{ 2000, 1, 1, 10957 },
		{ 2000, 3, 1, 11017 },
		{ 1900, 1, 1, -25567 },
		{ 1969, 12, 31, -1 },
		{ 2024, 2, 29, 19782 },
		{ 2100, 12, 31, 47846 },
	};
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(known); i++) {
		struct ob_date d = { known[i].y, known[i].m, known[i].d, OB_PREC_DAY }, back;
		assert_int_equal(ob_date_days(&d), known[i].days);
		ob_date_from_days(known[i].days, &back);
		assert_int_equal(back.year, known[i].y);
		assert_int_equal(back.month, known[i].m);
		assert_int_equal(back.day, known[i].d);
	}
}

/* Every day from 1900 to 2100 follows the one before it. */
static void days_walk(void **state)
{
	struct ob_date d = { 1900, 1, 1, OB_PREC_DAY };
	long days = ob_date_days(&d);
	(void)state;

	for (;;) {
		struct ob_date back;
		assert_true(ob_date_valid(d.year, d.month, d.day));
		assert_int_equal(ob_date_days(&d), days);
		ob_date_from_days(days, &back);
		assert_int_equal(back.year, d.year);
		assert_int_equal(back.month, d.month);
		assert_int_equal(back.day, d.day);
		if (d.year == 2100 && d.month == 12 && d.day == 31)
			break;
		days++;
		if (ob_date_valid(d.year, d.month, d.day + 1)) {
			d.day++;
		} else if (d.month < 12) {
			d.month++;
			d.day = 1;
		} else {
			d.year++;
			d.month = 1;
			d.day = 1;
		}
	}
}

static void compare_and_format(void **state)
{
	struct ob_date a = { 2020, 3, 15, OB_PREC_DAY }, b = { 2020, 3, 0, OB_PREC_MONTH };
	struct ob_date c = { 2020, 3, 1, OB_PREC_DAY }, y = { 2020, 0, 0, OB_PREC_YEAR };
	struct ob_date none = { 0, 0, 0, OB_PREC_NONE };
	char out[16];
	(void)state;

	assert_true(ob_date_cmp(&a, &b) > 0);
	assert_true(ob_date_cmp(&b, &a) < 0);
	assert_int_equal(ob_date_cmp(&b, &c), 0);
	assert_true(ob_date_cmp(&y, &b) < 0);
	ob_date_format(&a, out, sizeof(out));
	assert_string_equal(out, "2020-03-15");
	ob_date_format(&b, out, sizeof(out));
	assert_string_equal(out, "2020-03");
	ob_date_format(&y, out, sizeof(out));
	assert_string_equal(out, "2020");
	ob_date_format(&none, out, sizeof(out));
	assert_string_equal(out, "");
	/* written by hand as printf writes it: every day, month and year of
	 * the years a record may have, a year of fewer than four digits, and
	 * into a buffer too small for the whole date */
	for (int yr = OB_MIN_YEAR - 1; yr <= OB_MAX_YEAR + 1; yr++)
		for (int m = 1; m <= 12; m++)
			for (int dd = 1; dd <= 31; dd++) {
				struct ob_date x = { yr, m, dd, OB_PREC_DAY };
				char want[16];

				snprintf(want, sizeof(want), "%04d-%02d-%02d", yr, m, dd);
				ob_date_format(&x, out, sizeof(out));
				assert_string_equal(out, want);
				x.precision = OB_PREC_MONTH;
				x.day = 0;
				snprintf(want, sizeof(want), "%04d-%02d", yr, m);
				ob_date_format(&x, out, sizeof(out));
				assert_string_equal(out, want);
			}
	y.year = 987;
	ob_date_format(&y, out, sizeof(out));
	assert_string_equal(out, "0987");
	ob_date_format(&a, out, 8);
	assert_string_equal(out, "2020-03");
	assert_false(ob_date_valid(2021, 2, 29));
	assert_true(ob_date_valid(2024, 2, 29));
	assert_false(ob_date_valid(2020, 0, 1));
	assert_false(ob_date_valid(2020, 12, 32));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_table),
		cmocka_unit_test(precision_and_bad_forms),
		cmocka_unit_test(days_known_values),
		cmocka_unit_test(days_walk),
		cmocka_unit_test(compare_and_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
