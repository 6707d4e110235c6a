/*
 * test_plan.c - plans (src/plan): the status of a value against the target
 * path decided with its interval, the linear target path, and a plan's
 * refusals, each case one row of a table.
 */
#include "test.h"

#include <math.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_rule),
		cmocka_unit_test(target_path),
		cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
