/* test_counting.c - the counting rules file: the default one reads whole; bad
 * lines are refused naming file, line, column and value. */
#include "test.h"

#include "catalog/counting.h"
#include "catalog/embedded.h"

/* A small catalogue for the checks. */
static bool country(void *ctx, const char *iso3)
{
	(void)ctx;
	return !strcmp(iso3, "SLV") || !strcmp(iso3, "HND");
}

static int indicator(void *ctx, const char *id)
{
	(void)ctx;
	if (!strcmp(id, "homicide_rate") || !strcmp(id, "robbery_rate"))
		return 1;
	if (!strcmp(id, "homicide_firearm_share"))
		return 2;
	if (!strcmp(id, "0201")) /* an indicator named like an ICCS code */
		return 1;
	return 0;
}

static bool iccs(void *ctx, const char *code)
{
	(void)ctx;
	return !strcmp(code, "01") || !strcmp(code, "0101") || !strcmp(code, "0201");
}

static bool manner(void *ctx, const char *code)
{
	(void)ctx;
	return !strcmp(code, "homicide") || !strcmp(code, "suicide");
}

static bool institution(void *ctx, const char *name)
{
	(void)ctx;
	return !strcmp(name, "police") || !strcmp(name, "forensic") || !strcmp(name, "validated");
}

static bool source(void *ctx, const char *code)
{
	(void)ctx;
	return !strcmp(code, "sv-iml");
}

static const struct ob_count_check chk = { NULL, country, indicator, iccs, manner, institution,
	                                   source };

#define HEAD "country,scope,institution,validated_first,reason_es,reason_en\n"

static void good(void **state)
{
	const char *text = HEAD "*,*,police,no,la policía,the police\n"
	                        "\n"
	                        "# a comment,,,,,\n"
	                        "SLV,homicide_rate,sv-iml,yes,\"el IML, forense\",\"IML\"\n"
	                        "*,0101,forensic,sí,a,b\n"
	                        "HND,manner:suicide,forensic,0,a,b\n";
	struct ob_count_rules *r;
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_count_rules_parse(text, strlen(text), "c.csv", &chk, &r, &d), OB_OK);
	assert_int_equal(r->n, 4);
	assert_int_equal(r->v[0].scope_kind, OB_COUNT_SCOPE_ALL);
	assert_string_equal(r->v[0].country, "*");
	assert_false(r->v[0].validated_first);
	assert_int_equal(r->v[1].scope_kind, OB_COUNT_SCOPE_INDICATOR);
	assert_true(r->v[1].is_source);
	assert_true(r->v[1].validated_first);
	assert_string_equal(r->v[1].reason_es, "el IML, forense");
	assert_int_equal(r->v[1].line, 5);
	assert_int_equal(r->v[2].scope_kind, OB_COUNT_SCOPE_ICCS);
	assert_true(r->v[2].validated_first);
	assert_int_equal(r->v[3].scope_kind, OB_COUNT_SCOPE_MANNER);
	assert_string_equal(r->v[3].code, "suicide");
	assert_false(r->v[3].is_source);
	ob_count_rules_free(r);
}

/* The default file carried by the binary reads, every row with its reasons,
 * and covers every case with a catch-all row. */
static void default_file(void **state)
{
	struct ob_count_rules *r = NULL;
	struct ob_diag d;
	bool all = false;
	(void)state;

	for (size_t i = 0; i < ob_catalog_files_count; i++)
		if (!strcmp(ob_catalog_files[i].path, OB_COUNTING_FILE))
			assert_int_equal(ob_count_rules_parse((const char *)ob_catalog_files[i].data,
			                                      ob_catalog_files[i].len, "default", NULL,
			                                      &r, &d), OB_OK);
	assert_non_null(r);
	assert_true(r->n > 20);
	for (size_t i = 0; i < r->n; i++) {
		assert_true(strlen(r->v[i].reason_es) > 10 && strlen(r->v[i].reason_en) > 10);
		all |= !strcmp(r->v[i].country, "*") && r->v[i].scope_kind == OB_COUNT_SCOPE_ALL;
	}
	assert_true(all);
	ob_count_rules_free(r);
}

static void bad(void **state)
{
	static const struct {
		const char *text;
		ob_err code;
		long line, column;
		const char *value; /* NULL: not checked */
	} t[] = {
		/* unknown country, indicator, code or institution */
		{ HEAD "GTM,*,police,no,a,b\n", OB_EINVAL, 2, 1, "GTM" },
		{ HEAD "slv,*,police,no,a,b\n", OB_EINVAL, 2, 1, "slv" },
		{ HEAD "*,homocide_rate,police,no,a,b\n", OB_EINVAL, 2, 2, "homocide_rate" },
		{ HEAD "*,0199,police,no,a,b\n", OB_EINVAL, 2, 2, "0199" },
		{ HEAD "*,manner:murder,police,no,a,b\n", OB_EINVAL, 2, 2, "manner:murder" },
		{ HEAD "*,manner:,police,no,a,b\n", OB_EINVAL, 2, 2, "manner:" },
		{ HEAD "*,*,coroner,no,a,b\n", OB_EINVAL, 2, 3, "coroner" },
		{ HEAD "*,*,gt-inacif,no,a,b\n", OB_EINVAL, 2, 3, "gt-inacif" },
		/* a share follows its denominator; an ambiguous scope */
		{ HEAD "*,homicide_firearm_share,police,no,a,b\n", OB_EINVAL, 2, 2, NULL },
		{ HEAD "*,0201,police,no,a,b\n", OB_EINVAL, 2, 2, "0201" },
		/* values */
		{ HEAD "*,*,police,maybe,a,b\n", OB_EINVAL, 2, 4, "maybe" },
		{ HEAD "*,*,police,no,,b\n", OB_EINVAL, 2, 5, NULL },
		{ HEAD "*,*,police,no,a,\n", OB_EINVAL, 2, 6, NULL },
		{ HEAD "*,,police,no,a,b\n", OB_EINVAL, 2, 2, NULL },
		{ HEAD "*,*,pol ice,no,a,b\n", OB_EINVAL, 2, 3, "pol ice" },
		/* a row twice, on a later line */
		{ HEAD "*,*,police,no,a,b\n*,0101,forensic,yes,a,b\n*,*,forensic,no,a,b\n", OB_EINVAL,
		  4, 2, "*" },
		/* columns, and an empty file */
		{ "country,scope,institution,reason_es,reason_en\n*,*,police,a,b\n", OB_ENOCOL, 1, 0,
		  "validated_first" },
		{ "country,scope,scope,institution,validated_first,reason_es,reason_en\n", OB_EDUPCOL,
		  1, 3, "scope" },
		{ "", OB_EEMPTY, 0, 0, NULL },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(t); i++) {
		struct ob_count_rules *r = (struct ob_count_rules *)1;
		struct ob_diag d;
		ob_err e;

		ob_diag_clear(&d);
		e = ob_count_rules_parse(t[i].text, strlen(t[i].text), "counting.csv", &chk, &r, &d);
		if (e != t[i].code || (t[i].code != OB_EEMPTY && d.line != t[i].line) ||
		    d.column != t[i].column || (t[i].value && strcmp(d.value, t[i].value)))
			fail_msg("case %zu: %s (%d) line %ld column %ld value «%s»: %s", i,
			         ob_err_name(e), (int)e, d.line, d.column, d.value, d.message);
		assert_null(r);
		if (t[i].code != OB_EEMPTY)
			assert_string_equal(d.file, "counting.csv");
		assert_true(strlen(d.message) > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good),
		cmocka_unit_test(default_file),
		cmocka_unit_test(bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
