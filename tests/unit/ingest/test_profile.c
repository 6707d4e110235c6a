/* test_profile.c - source profiles parse, and bad ones say where and why. */
#include "test.h"

#include "ingest/profile.h"
#include "io/date.h"

static void parses_all_sections(void **state)
{
	static const char text[] =
		"[source]\ncode = sv-pnc\ncountry = SV\nperiod = month\n"
		"categories = 0101,  02 ,X01   # what it records\n"
		"[file]\ndelimiter = ;\nencoding = windows-1252\ndates = dmy, excel\n"
		"footer = total, fuente\n"
		"[columns]\nsource_id = No. Caso | Correlativo  # two names\n"
		"occurred_on = Fecha del Hecho\n"
		"[values]\nmanner = homicide\n"
		"[crosswalks]\ncategory = sv-delito\n"
		"[rules]\nrequire = occurred_on, category\n";
	struct ob_profile p;
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_profile_parse(text, sizeof(text) - 1, "p.ini", &p, &d), OB_OK);
	assert_string_equal(p.code, "sv-pnc");
	assert_string_equal(p.period, "month");
	assert_int_equal(p.delimiter, ';');
	assert_int_equal(p.encoding, OB_ENC_CP1252);
	assert_int_equal(p.date_forms, OB_DATE_DMY | OB_DATE_EXCEL);
	assert_int_equal(p.nfooter, 2);
	assert_int_equal(p.columns[OB_F_SOURCE_ID].nalt, 2);
	assert_string_equal(p.columns[OB_F_SOURCE_ID].alt[1], "Correlativo");
	assert_string_equal(p.columns[OB_F_SOURCE_ID].alt_key[0], "no caso");
	assert_string_equal(p.columns[OB_F_OCCURRED_ON].alt_key[0], "fecha del hecho");
	assert_string_equal(p.value[OB_F_MANNER], "homicide");
	assert_string_equal(p.crosswalk[OB_F_CATEGORY], "sv-delito");
	assert_true(p.required[OB_F_OCCURRED_ON]);
	assert_true(p.required[OB_F_SOURCE_ID]);
	assert_false(p.required[OB_F_TERRITORY]);
	assert_string_equal(p.categories, "0101 02 X01");
	ob_profile_release(&p);
	assert_null(p.categories);
}

static const struct {
	const char *text;
	ob_err err;
	long line;
} bad[] = {
	{ "code = x\n", OB_EPARSE, 1 },
	{ "[source]\ncode = x\ncountry = SV\n[columns]\nnosuchfield = A\n", OB_EINVAL, 5 },
	{ "[source]\ncode = x\ncountry = SV\n[file]\ndelimiter = ::\n", OB_EINVAL, 5 },
	{ "[source]\ncode = x\ncountry = SV\n[file]\ndates = dmy, julian\n", OB_EINVAL, 5 },
	{ "[source]\ncode = x\ncountry = SV\n[nope]\n", OB_EINVAL, 4 },
	{ "[source\n", OB_EPARSE, 1 },
	{ "[source]\ncode = x\ncountry = SV\n", OB_EINVAL, 0 },          /* no source_id column */
	{ "[source]\ncountry = SV\n[columns]\nsource_id = a\n", OB_EINVAL, 0 },
	{ "[source]\ncode = x\ncountry = SV\nperiod = week\n", OB_EINVAL, 4 },
	{ "[source]\ncode = x\xff\n", OB_EENCODING, 0 },
	/* categories: ICCS codes without dots, at least one */
	{ "[source]\ncode = x\ncountry = SV\ncategories = 01.01\n", OB_EINVAL, 4 },
	{ "[source]\ncode = x\ncountry = SV\ncategories = 01 02\n", OB_EINVAL, 4 },
	{ "[source]\ncode = x\ncountry = SV\ncategories = ,\n", OB_EINVAL, 4 },
};

static void bad_profiles(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(bad); i++) {
		struct ob_profile p;
		struct ob_diag d;
		ob_err e = ob_profile_parse(bad[i].text, strlen(bad[i].text), "p.ini", &p, &d);
		if (e != bad[i].err || d.line != bad[i].line)
			print_error("case %zu: got %s line %ld (%s)\n", i, ob_err_name(e), d.line,
			            d.message);
		assert_int_equal(e, bad[i].err);
		assert_int_equal(d.line, bad[i].line);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_all_sections),
		cmocka_unit_test(bad_profiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
