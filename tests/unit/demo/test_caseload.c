/*
 * test_caseload.c - the demo's caseload (demo/caseload.h) on El Salvador's
 * calendar of the catalogue: the same seed gives the same caseload and
 * another seed another; reports only on school days, more at the start of
 * the school year; every change after the one before it and within the
 * year; the shares of the categories and of late triage near what
 * docs/demo.md says; court cases through their stages, some hearings late.
 */
#include "test.h"

#include <limits.h>
#include <math.h>

#include "base/file.h"
#include "demo/caseload.h"
#include "io/date.h"

static struct ob_calendar cal;

static const struct ob_demo_unit units[] = {
	{ "SLV0614", LONG_MIN, 19843 }, /* until 2024-04-30 */
	{ "SLV0511", LONG_MIN, 19843 },
	{ "SLV0601", 19844, LONG_MAX }, /* from 2024-05-01 */
	{ "SLV0502", 19844, LONG_MAX },
};

static long ymd(int y, int m, int d)
{
	struct ob_date dt = { y, m, d, OB_PREC_DAY };
	return ob_date_days(&dt);
}

static void make(double scale, uint64_t seed, struct ob_demo_caseload *c)
{
	struct ob_demo_options o;
	struct ob_diag d;

	ob_demo_options_init(&o);
	o.scale = scale;
	o.seed = seed;
	ob_diag_clear(&d);
	assert_int_equal(ob_demo_caseload_generate(&o, &cal, units, OB_ARRAY_SIZE(units), c, &d),
	                 OB_OK);
}

static bool same(const struct ob_demo_caseload *a, const struct ob_demo_caseload *b)
{
	return a->n_schools == b->n_schools && a->n_salve == b->n_salve &&
	       a->n_court == b->n_court &&
	       !memcmp(a->schools, b->schools, a->n_schools * sizeof(*a->schools)) &&
	       !memcmp(a->salve, b->salve, a->n_salve * sizeof(*a->salve)) &&
	       !memcmp(a->court, b->court, a->n_court * sizeof(*a->court));
}

static void deterministic(void **state)
{
	struct ob_demo_caseload a, b, c;
	(void)state;

	make(0.01, OB_DEMO_SEED, &a);
	make(0.01, OB_DEMO_SEED, &b);
	make(0.01, OB_DEMO_SEED + 1, &c);
	assert_true(same(&a, &b));
	assert_false(same(&a, &c));
	/* the minimums at a small scale */
	assert_int_equal(a.year, 2024);
	assert_int_equal(a.n_schools, OB_DEMO_SCHOOLS_MIN);
	assert_int_equal(a.n_salve, OB_DEMO_SALVE_MIN);
	assert_int_equal(a.n_court, OB_DEMO_COURT_MIN);
	ob_demo_caseload_release(&a);
	ob_demo_caseload_release(&b);
	ob_demo_caseload_release(&c);
}

/* School days: weekdays of 15 January to 31 October that are not holidays,
 * Holy Week nor 1-6 August. */
static void school_days(void **state)
{
	(void)state;
	assert_false(ob_demo_school_day(&cal, ymd(2024, 1, 12)));  /* Friday, before the year */
	assert_true(ob_demo_school_day(&cal, ymd(2024, 1, 15)));   /* Monday */
	assert_false(ob_demo_school_day(&cal, ymd(2024, 1, 20)));  /* Saturday */
	assert_false(ob_demo_school_day(&cal, ymd(2024, 3, 25)));  /* Monday of Holy Week */
	assert_true(ob_demo_school_day(&cal, ymd(2024, 4, 1)));    /* the Monday after Easter */
	assert_false(ob_demo_school_day(&cal, ymd(2024, 5, 1)));   /* a holiday (Wednesday) */
	assert_false(ob_demo_school_day(&cal, ymd(2024, 8, 5)));   /* the festivities */
	assert_true(ob_demo_school_day(&cal, ymd(2024, 8, 7)));
	assert_true(ob_demo_school_day(&cal, ymd(2024, 10, 31)));  /* Thursday */
	assert_false(ob_demo_school_day(&cal, ymd(2024, 11, 4)));  /* the long vacation */
}

static void salve_reports(void **state)
{
	struct ob_demo_caseload c;
	long long end = ob_calendar_day_start(&cal, ymd(2025, 1, 1));
	size_t bullying = 0, late = 0, triaged = 0, first_weeks = 0, days_first = 0, days = 0;
	(void)state;

	make(1, OB_DEMO_SEED, &c);
	assert_int_equal(c.n_salve, OB_DEMO_SALVE_PER_YEAR);
	for (size_t i = 0; i < c.n_salve; i++) {
		const struct ob_demo_salve *v = &c.salve[i];
		long day = ob_calendar_local_day(&cal, v->reported_at);
		long long prev = v->reported_at;

		assert_true(ob_demo_school_day(&cal, day));
		assert_true(i == 0 || v->reported_at >= c.salve[i - 1].reported_at);
		assert_true(v->school < c.n_schools);
		assert_non_null(v->category);
		assert_non_null(v->weapon);
		const long long later[] = { v->triaged_at, v->referred_at, v->closed_at };
		for (size_t k = 0; k < OB_ARRAY_SIZE(later); k++) {
			if (!later[k])
				continue;
			assert_true(later[k] > prev && later[k] < end);
			prev = later[k];
		}
		assert_true(!v->triaged_at == !v->priority);
		assert_true(!v->referred_at == !v->referred_to);
		assert_true(!v->closed_at == !v->closure);
		assert_true(!v->referred_at || v->triaged_at);
		bullying += !strcmp(v->category, "bullying");
		if (v->triaged_at) {
			triaged++;
			late += v->triaged_at - v->reported_at > 86400;
		}
		first_weeks += day < ymd(2024, 2, 5);
	}
	/* shares near what docs/demo.md says */
	assert_true(fabs((double)bullying / (double)c.n_salve - 0.30) < 0.04);
	assert_true(fabs((double)late / (double)triaged - 0.12) < 0.04);
	/* more reports a school day in the first three weeks of the year */
	for (long day = ymd(2024, 1, 1); day <= ymd(2024, 12, 31); day++)
		if (ob_demo_school_day(&cal, day)) {
			days++;
			days_first += day < ymd(2024, 2, 5);
		}
	assert_true((double)first_weeks / (double)days_first >
	            1.3 * (double)(c.n_salve - first_weeks) / (double)(days - days_first));
	ob_demo_caseload_release(&c);
}

static void court_cases(void **state)
{
	struct ob_demo_caseload c;
	long long end = ob_calendar_day_start(&cal, ymd(2025, 1, 1));
	size_t late = 0, heard = 0, archived = 0, sentenced = 0;
	(void)state;

	make(1, OB_DEMO_SEED, &c);
	assert_int_equal(c.n_court, OB_DEMO_COURT_PER_YEAR);
	for (size_t i = 0; i < c.n_court; i++) {
		const struct ob_demo_court *v = &c.court[i];
		long day = ob_calendar_local_day(&cal, v->filed_at);

		assert_true(ob_calendar_business(&cal, day, true));
		assert_true(!v->admitted_at || (v->admitted_at > v->filed_at && v->case_number[0]));
		assert_true(!v->measures_on[0] || v->admitted_at);
		assert_true(!v->hearing_at || (v->admitted_at && v->hearing_at > v->admitted_at &&
		                               v->hearing_on[0] && v->hearing_at < end));
		assert_true(!v->reviewed_on[0] || (v->measures_on[0] && v->hearing_at));
		assert_true(!v->sentenced_at || (v->hearing_at && v->outcome &&
		                                 v->sentenced_at > v->hearing_at && v->sentenced_at < end));
		assert_true(!v->archived_at || (!v->hearing_at && v->archive_reason));
		if (v->hearing_at) {
			long from = ob_calendar_local_day(&cal, v->admitted_at), due;
			struct ob_diag d;
			ob_diag_clear(&d);
			assert_int_equal(ob_calendar_add_business(&cal, from, 10, true, &due, &d), OB_OK);
			heard++;
			late += ob_calendar_local_day(&cal, v->hearing_at) > due;
		}
		archived += v->archived_at != 0;
		sentenced += v->sentenced_at != 0;
	}
	assert_true(heard > c.n_court / 2 && late > heard / 10 && late < heard / 2);
	assert_true(archived > 0 && sentenced > 0);
	ob_demo_caseload_release(&c);
}

static int setup(void **state)
{
	const char *data = getenv("OBSERVA_DATA");
	char path[OB_MAX_PATH], *text = NULL;
	size_t len = 0;
	struct ob_diag d;
	(void)state;

	if (!data) {
		fprintf(stderr, "OBSERVA_DATA is not set\n");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/catalog/calendars/SLV.ini", data);
	ob_diag_clear(&d);
	if (ob_read_file(path, 1 << 20, &text, &len, &d) ||
	    ob_calendar_parse(text, len, path, &cal, &d)) {
		fprintf(stderr, "%s: %s\n", path, d.message);
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ob_calendar_release(&cal);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deterministic),
		cmocka_unit_test(school_days),
		cmocka_unit_test(salve_reports),
		cmocka_unit_test(court_cases),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
