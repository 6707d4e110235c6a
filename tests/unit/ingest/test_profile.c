/* test_profile.c - source profiles parse, and bad ones say where and why. */
#include "test.h"

#include "ingest/profile.h"
#include "io/date.h"

static void parses_all_sections(void **state)
{
	static const char text[] =
		"[source]\ncode = sv-pnc\ncountry = SV\nperiod = month\n"
		"categories = 0101,  02 ,X01   # what it records\n"
		"manners = homicide , undetermined\n"
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
	assert_false(p.required[OB_F_SOURCE_ID]); /* require does not list it */
	assert_false(p.required[OB_F_TERRITORY]);
	assert_string_equal(p.categories, "0101 02 X01");
	assert_string_equal(p.manners, "homicide undetermined");
	ob_profile_release(&p);
	assert_null(p.categories);
	assert_null(p.manners);
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
	/* source_id is optional, unless require lists it */
	{ "[source]\ncode = x\ncountry = SV\n[rules]\nrequire = source_id\n", OB_EINVAL, 0 },
	/* [territory] */
	{ "[source]\ncode = x\ncountry = SV\n[territory]\ncode_width = 0\n", OB_EINVAL, 5 },
	{ "[source]\ncode = x\ncountry = SV\n[territory]\ncode_width = 4x\n", OB_EINVAL, 5 },
	{ "[source]\ncode = x\ncountry = SV\n[territory]\ncode_prefix = S V\n", OB_EINVAL, 5 },
	{ "[source]\ncode = x\ncountry = SV\n[territory]\nname_ignore = a|b|c|d|e|f|g|h|i|j|"
	  "k|l|m|n|o|p|q\n", OB_ETOOBIG, 5 },
	{ "[source]\ncode = x\ncountry = SV\n[territory]\nwidth = 4\n", OB_EINVAL, 5 },
	{ "[source]\ncountry = SV\n[columns]\nsource_id = a\n", OB_EINVAL, 0 },
	{ "[source]\ncode = x\ncountry = SV\nperiod = week\n", OB_EINVAL, 4 },
	{ "[source]\ncode = x\xff\n", OB_EENCODING, 2 },
	/* counts */
	{ "[source]\ncode = x\ncountry = SV\n[columns]\nsource_id = a\n[values]\ncount = 3\n",
	  OB_EINVAL, 7 },                                               /* a constant count */
	{ "[source]\ncode = x\ncountry = SV\naggregate = maybe\n", OB_EINVAL, 4 },
	/* aggregate: a count, a period and a territory, nothing of a person */
	{ "[source]\ncode = x\ncountry = SV\naggregate = true\n[columns]\n"
	  "occurred_on = Mes\nterritory = Municipio\n", OB_EINVAL, 0 },      /* no count */
	{ "[source]\ncode = x\ncountry = SV\naggregate = true\n[columns]\n"
	  "count = N\noccurred_on = Mes\n", OB_EINVAL, 0 },                 /* no territory */
	{ "[source]\ncode = x\ncountry = SV\naggregate = true\n[columns]\n"
	  "count = N\noccurred_on = Mes\nterritory = M\nsource_id = Id\n", OB_EINVAL, 0 },
	{ "[source]\ncode = x\ncountry = SV\naggregate = true\n[columns]\n"
	  "count = N\noccurred_on = Mes\nterritory = M\nvictim_age = Edad\n", OB_EINVAL, 0 },
	{ "[source]\ncode = x\ncountry = SV\naggregate = true\n[columns]\n"
	  "count = N\noccurred_on = Mes\nterritory = M\nnames = Nombre\n", OB_EINVAL, 0 },
	{ "[source]\ncode = x\ncountry = SV\naggregate = true\n[columns]\n"
	  "count = N\noccurred_on = Mes\nterritory = M\n[values]\noccurred_at = 12:00\n",
	  OB_EINVAL, 0 },
	/* categories: ICCS codes without dots, at least one */
	{ "[source]\ncode = x\ncountry = SV\ncategories = 01.01\n", OB_EINVAL, 4 },
	{ "[source]\ncode = x\ncountry = SV\ncategories = 01 02\n", OB_EINVAL, 4 },
	{ "[source]\ncode = x\ncountry = SV\ncategories = ,\n", OB_EINVAL, 4 },
	/* manners: the canonical codes, at least one */
	{ "[source]\ncode = x\ncountry = SV\nmanners = Homicidio\n", OB_EINVAL, 4 },
	{ "[source]\ncode = x\ncountry = SV\nmanners = homicide undetermined\n", OB_EINVAL, 4 },
	{ "[source]\ncode = x\ncountry = SV\nmanners = ,\n", OB_EINVAL, 4 },
};

/* A count column; an aggregate source (no source_id, a period that may be
 * a month or a year). */
static void counts_and_aggregates(void **state)
{
	static const char counted[] =
		"[source]\ncode = co-pn\ncountry = SV\n"
		"[columns]\nsource_id = Id\noccurred_on = Fecha\ncount = CANTIDAD | Víctimas\n";
	static const char agg[] =
		"[source]\ncode = gt-ine\ncountry = GT\naggregate = yes\n[file]\ndates = iso\n"
		"[columns]\ncount = Total\noccurred_on = Mes\nterritory_code = Código\n"
		"category = Delito\nvictim_sex = Sexo\n"
		"[rules]\nrequire = category\n";
	static const char depts[] =
		"[source]\ncode = hn\ncountry = HN\naggregate = true\n"
		"[columns]\ncount = homicidios\nterritory_parent = departamento\n";
	struct ob_profile p;
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_profile_parse(counted, sizeof(counted) - 1, "c.ini", &p, &d), OB_OK);
	assert_false(p.aggregate);
	assert_int_equal(p.columns[OB_F_VICTIMS].nalt, 2);
	assert_string_equal(p.columns[OB_F_VICTIMS].alt_key[0], "cantidad");
	assert_string_equal(p.columns[OB_F_VICTIMS].alt_key[1], "victimas");
	assert_true(p.required[OB_F_VICTIMS]);
	assert_false(p.required[OB_F_SOURCE_ID]); /* optional unless required */
	assert_string_equal(ob_field_key(OB_F_VICTIMS), "count");
	assert_int_equal(ob_field_from_key("count", 5), OB_F_VICTIMS);
	ob_profile_release(&p);

	assert_int_equal(ob_profile_parse(agg, sizeof(agg) - 1, "a.ini", &p, &d), OB_OK);
	assert_true(p.aggregate);
	assert_false(p.required[OB_F_SOURCE_ID]);
	assert_true(p.required[OB_F_VICTIMS]);
	assert_true(p.required[OB_F_OCCURRED_ON]);
	assert_true(p.required[OB_F_TERRITORY_CODE]);
	assert_true(p.required[OB_F_CATEGORY]);
	assert_int_equal(p.date_forms, OB_DATE_ISO | OB_DATE_PARTIAL);
	ob_profile_release(&p);

	/* departments only, no date column: the department is required, the
	 * date comes from the delivery's period */
	assert_int_equal(ob_profile_parse(depts, sizeof(depts) - 1, "h.ini", &p, &d), OB_OK);
	assert_true(p.aggregate);
	assert_true(p.required[OB_F_TERRITORY_PARENT]);
	assert_false(p.required[OB_F_TERRITORY]);
	assert_false(p.required[OB_F_OCCURRED_ON]);
	ob_profile_release(&p);

	/* which fields are a person's */
	for (unsigned f = 0; f < OB_F_COUNT; f++) {
		bool person = f == OB_F_SOURCE_ID || f == OB_F_OCCURRED_AT || f == OB_F_VICTIM_AGE ||
		              f == OB_F_LAT || f == OB_F_LON || f == OB_F_NAMES ||
		              f == OB_F_DOCUMENT || f == OB_F_ADDRESS;
		assert_int_equal(ob_field_person_level((enum ob_field)f), person);
	}
}

/* No source_id: ids come from each row's content; [territory] rules. */
static void optional_ids_and_territory(void **state)
{
	static const char text[] =
		"[source]\ncode = x\ncountry = SV\n[columns]\noccurred_on = Fecha\n"
		"[territory]\ncode_strip_suffix = 000\ncode_width = 4\ncode_prefix = SV\n"
		"name_ignore = (CT) | Cabecera | Municipio de\n";
	struct ob_profile p;
	struct ob_diag d;

	(void)state;
	assert_int_equal(ob_profile_parse(text, strlen(text), "p.ini", &p, &d), OB_OK);
	assert_false(p.required[OB_F_SOURCE_ID]);
	assert_string_equal(p.territory.code_strip_suffix, "000");
	assert_int_equal(p.territory.code_width, 4);
	assert_string_equal(p.territory.code_prefix, "SV");
	assert_int_equal(p.territory.nignore, 3);
	assert_string_equal(p.territory.ignore[0], "ct");
	assert_string_equal(p.territory.ignore[1], "cabecera");
	assert_string_equal(p.territory.ignore[2], "municipio de");
	ob_profile_release(&p);
}

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
		cmocka_unit_test(counts_and_aggregates),
		cmocka_unit_test(optional_ids_and_territory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
