/*
 * test_plan.c - plans (src/plan): the status of a value against the target
 * path decided with its interval, the linear target path, and a plan's
 * refusals, each case one row of a table.
 */
#include "test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "plan/plan.h"

static void status_rule(void **state)
{
	static const struct {
		int direction;
		double path, lower, upper;
		enum ob_plan_status want;
	} cases[] = {
		/* down: less is better */
		{ -1, 50, 40, 45, OB_PLAN_ON_TRACK },   /* whole interval below */
		{ -1, 50, 40, 50, OB_PLAN_ON_TRACK },   /* upper touches the path */
		{ -1, 50, 45, 55, OB_PLAN_AT_RISK },    /* path inside */
		{ -1, 50, 50, 55, OB_PLAN_AT_RISK },    /* lower touches the path */
		{ -1, 50, 51, 60, OB_PLAN_OFF_TRACK },  /* whole interval above */
		{ -1, 50, 20, 90, OB_PLAN_AT_RISK },    /* a point far below, a wide interval */
		/* up: more is better */
		{ 1, 50, 55, 60, OB_PLAN_ON_TRACK },
		{ 1, 50, 50, 60, OB_PLAN_ON_TRACK },
		{ 1, 50, 45, 55, OB_PLAN_AT_RISK },
		{ 1, 50, 40, 50, OB_PLAN_AT_RISK },
		{ 1, 50, 40, 49.9, OB_PLAN_OFF_TRACK },
		/* no interval, no path, no direction: no status */
		{ -1, 50, NAN, NAN, OB_PLAN_NO_DATA },
		{ 1, 50, 40, NAN, OB_PLAN_NO_DATA },
		{ 1, NAN, 40, 45, OB_PLAN_NO_DATA },
		{ 0, 50, 40, 45, OB_PLAN_NO_DATA },
	};
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		enum ob_plan_status got = ob_plan_status(cases[i].direction, cases[i].path,
		                                         cases[i].lower, cases[i].upper);
		if (got != cases[i].want)
			fail_msg("case %zu: %s, expected %s", i, ob_plan_status_name(got, true),
			         ob_plan_status_name(cases[i].want, true));
	}
	assert_string_equal(ob_plan_status_name(OB_PLAN_OFF_TRACK, false), "desviado");
	assert_string_equal(ob_plan_status_name(OB_PLAN_AT_RISK, true), "at_risk");
}

static const char plan_text[] =
	"[plan]\n"
	"code = p\n"
	"country = SLV\n"
	"[goal g]\n"
	"name_es = Meta\n"
	"[indicator h]\n"
	"goal = g\n"
	"indicator = homicide_rate\n"
	"baseline = 100\n"
	"baseline_year = 2015\n"
	"target 2023 = 20\n"
	"target 2019 = 60\n"
	"direction = down\n";

static void target_path(void **state)
{
	static const struct {
		int year;
		double want;
	} cases[] = {
		{ 2014, 100 }, { 2015, 100 }, { 2016, 90 }, { 2017, 80 }, { 2019, 60 },
		{ 2020, 50 }, { 2023, 20 }, { 2030, 20 },
	};
	struct ob_plan p;
	struct ob_diag d;

	(void)state;
	ob_diag_clear(&d);
	assert_int_equal(ob_plan_parse(plan_text, sizeof(plan_text) - 1, "p.ini", &p, &d), OB_OK);
	assert_int_equal(p.nind, 1);
	/* targets sorted by year whatever their order in the file */
	assert_int_equal(p.ind[0].target[0].year, 2019);
	assert_string_equal(p.ind[0].territory, "SLV");
	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		double got = ob_plan_path(&p.ind[0], cases[i].year);
		if (fabs(got - cases[i].want) > 1e-12)
			fail_msg("year %d: path %g, expected %g", cases[i].year, got, cases[i].want);
	}
	ob_plan_release(&p);
}

static void refusals(void **state)
{
	static const struct {
		const char *text;
		long line;
		const char *value;   /* in the message, or NULL */
	} cases[] = {
		{ "[plan]\ncode = p\ncountry = SLV\n[indicator h]\nindicator = x\nbaseline = 1\n"
		  "baseline_year = 2015\ntarget 2020 = 1\ndirection = sideways\n", 9, "sideways" },
		{ "[plan]\ncode = p\ncountry = SLV\n[indicator h]\nindicator = x\nbaseline = uno\n", 6,
		  "uno" },
		{ "[plan]\ncode = p\ncountry = SLV\n[indicator h]\nindicator = x\nbaseline = 1\n"
		  "baseline_year = 2015\ntarget 2014 = 1\ndirection = down\n", 4, NULL },
		{ "[plan]\ncode = p\ncountry = SLV\n[indicator h]\nindicator = x\nbaseline = 1\n"
		  "baseline_year = 2015\ntarget 2020 = 1\ntarget 2020 = 2\n", 9, NULL },
		{ "[plan]\ncode = p\ncountry = SLV\n[indicator h]\ngoal = nope\nindicator = x\n"
		  "baseline = 1\nbaseline_year = 2015\ntarget 2020 = 1\ndirection = up\n", 4, "nope" },
		{ "[plan]\ncode = p\n[indicator h]\n", 0, NULL },
		{ "[plan]\ncode = p\ncountry = SLV\n[indicator h]\nindicator = x\n", 4, NULL },
		{ "[plan]\ncode = p\ncountry = SLV\n[objective o]\n", 4, "objective o" },
	};
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		struct ob_plan p;
		struct ob_diag d;
		ob_err e;
		ob_diag_clear(&d);
		e = ob_plan_parse(cases[i].text, strlen(cases[i].text), "bad.ini", &p, &d);
		if (e == OB_OK)
			fail_msg("case %zu: accepted", i);
		if (d.line != cases[i].line)
			fail_msg("case %zu: line %ld, expected %ld (%s)", i, d.line, cases[i].line,
			         d.message);
		if (cases[i].value && !strstr(d.value, cases[i].value))
			fail_msg("case %zu: value «%s», expected «%s»", i, d.value, cases[i].value);
	}
}

/* A release's two files in a temporary directory; the values of a plan
 * with two catalogue indicators and two survey ones, at several years. */
static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void release_values(void **state)
{
	static const char plan[] =
		"[plan]\ncode = p\ncountry = SLV\n"
		"[indicator a]\nindicator = homicide_rate\nbaseline = 50\nbaseline_year = 2015\n"
		"target 2025 = 10\ndirection = down\n"
		"[indicator b]\nindicator = homicide_rate\nterritory = SLV01\nbaseline = 50\n"
		"baseline_year = 2015\ntarget 2025 = 10\ndirection = down\n"
		"[indicator c]\nindicator = feel_safe\nsource = survey\nbaseline = 30\n"
		"baseline_year = 2015\ntarget 2025 = 60\ndirection = up\n"
		"[indicator d]\nindicator = victims\nsource = survey\nbaseline = 30\n"
		"baseline_year = 2015\ntarget 2025 = 10\ndirection = down\n";
	/* a: 2022 suppressed (no value), 2023 beyond max_year; the women's row
	 * (sex F) and another indicator do not count; b: only in slv01, written
	 * in lower case in the release */
	static const char table[] =
		"indicator,country,territory,sex,year,value,lower,upper,flags\n"
		"homicide_rate,SLV,SLV,T,2020,30.5,28,33,\n"
		"homicide_rate,SLV,SLV,T,2021,26,24,28,provisional\n"
		"homicide_rate,SLV,SLV,F,2021,5,4,6,\n"
		"homicide_rate,SLV,SLV,T,2022,,,,\n"
		"homicide_rate,SLV,SLV,T,2023,12,10,14,\n"
		"robbery_rate,SLV,SLV,T,2021,99,98,100,\n"
		"homicide_rate,SLV,slv01,T,2019,40,39,41,\n";
	/* c: its latest row up to 2022 is suppressed (no value, no status);
	 * d: 2019 only */
	static const char survey[] =
		"indicator,territory,year,estimate,lower,upper,se,flag\n"
		"feel_safe,SLV,2019,40,35,45,2,\n"
		"feel_safe,SLV,2021,,,,,suppressed\n"
		"victims,SLV,2019,20,18,22,1,\n";
	char dir[] = "/tmp/observa-plan-XXXXXX", ind[64], svy[64], none[80];
	struct ob_plan p;
	struct ob_plan_value v[4];
	struct ob_diag d;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(ind, sizeof ind, "%s/indicators.csv", dir);
	snprintf(svy, sizeof svy, "%s/survey.csv", dir);
	snprintf(none, sizeof none, "%s/none.csv", dir);
	write_file(ind, table);
	write_file(svy, survey);
	ob_diag_clear(&d);
	assert_int_equal(ob_plan_parse(plan, strlen(plan), "p.ini", &p, &d), OB_OK);
	assert_int_equal(p.nind, 4);
	assert_int_equal(ob_plan_release_values(ind, svy, &p, 2022, v, &d), OB_OK);
	/* a: 2021, the latest with a value at or before 2022 */
	assert_int_equal(v[0].year, 2021);
	assert_true(v[0].value == 26 && v[0].lower == 24 && v[0].upper == 28);
	assert_string_equal(v[0].flags, "provisional");
	/* path in 2021: 50 - 40 * 6/10 = 26; the interval 24..28 holds it */
	assert_true(fabs(v[0].path - 26) < 1e-12);
	assert_int_equal(v[0].status, OB_PLAN_AT_RISK);
	assert_int_equal(v[1].year, 2019);
	assert_true(v[1].value == 40);
	assert_int_equal(v[1].status, OB_PLAN_OFF_TRACK); /* 39..41 above 34 */
	assert_int_equal(v[2].year, 2021);
	assert_true(isnan(v[2].value));
	assert_int_equal(v[2].status, OB_PLAN_NO_DATA);
	assert_string_equal(v[2].flags, "suppressed");
	assert_int_equal(v[3].year, 2019);
	assert_int_equal(v[3].status, OB_PLAN_ON_TRACK); /* 18..22 under 22 */
	/* any year: a's 2023 */
	assert_int_equal(ob_plan_release_values(ind, svy, &p, -1, v, &d), OB_OK);
	assert_int_equal(v[0].year, 2023);
	/* a release without survey estimates: none, not an error */
	assert_int_equal(ob_plan_release_values(ind, none, &p, -1, v, &d), OB_OK);
	assert_int_equal(v[2].year, 0);
	assert_int_equal(v[2].status, OB_PLAN_NO_DATA);
	assert_int_equal(v[0].year, 2023);
	/* an indicators table without a column it needs: the file and what */
	write_file(ind, "indicator,territory,year,value\nhomicide_rate,SLV,2020,1\n");
	assert_int_not_equal(ob_plan_release_values(ind, svy, &p, -1, v, &d), OB_OK);
	assert_non_null(strstr(d.file, "indicators.csv"));
	ob_plan_release(&p);
	remove(ind);
	remove(svy);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_rule),
		cmocka_unit_test(target_path),
		cmocka_unit_test(refusals),
		cmocka_unit_test(release_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
