/* test_vintage.c - territorial divisions: units valid in each period, records
 * of former units counted in the units they became part of, breaks, a
 * chosen division for every period, populations of later units. */
#include "test.h"

#include <limits.h>

#include "cfixture.h"
#include "engine/indicators.h"
#include "io/date.h"
#include "stats/rate.h"

/* El Salvador's 2024 reform: SLV0614 (San Salvador) and SLV0603 became
 * districts of SLV0623 (San Salvador Centro) on 2024-05-01; SLV0601
 * (Aguilares) of another new municipality. */
static struct cfix fx;
static struct ob_snapshot *snap;
static struct ob_population *pop;
static struct ob_indicator_set *set;
static long robbery;

static long day(const char *s)
{
	struct ob_date d;

	assert_int_equal(ob_date_parse(s, strlen(s), OB_DATE_ISO, &d, NULL, 0), OB_OK);
	return ob_date_days(&d);
}

static uint32_t unit(const char *code)
{
	for (uint32_t u = 0; u < snap->n_units; u++)
		if (!strcmp(ob_snap_str(snap, snap->units[u].code), code))
			return u;
	fail_msg("no unit %s", code);
	return 0;
}

static int setup(void **state)
{
	struct ob_diag d;
	bool def;
	long long s;
	(void)state;

	cfix_open(&fx);
	s = cfix_submission(&fx, "sv-pnc-delitos", "police", "SLV", "2023-01-01", "2025-12-31", -1);
	/* 2023: the old municipalities */
	cfix_records(&fx, s, 7, "2023-03-10", "SLV0614", "0401", "M", 30);
	cfix_records(&fx, s, 5, "2023-08-10", "SLV0603", "0401", "F", 40);
	cfix_records(&fx, s, 3, "2023-09-10", "SLV0601", "0401", "M", 20);
	/* 2024 before the reform: old; after it: new */
	cfix_records(&fx, s, 4, "2024-02-10", "SLV0614", "0401", "M", 30);
	cfix_records(&fx, s, 2, "2024-04-30", "SLV0603", "0401", "M", 30);
	cfix_records(&fx, s, 6, "2024-06-10", "SLV0623", "0401", "F", 25);
	/* 2025: new */
	cfix_records(&fx, s, 9, "2025-03-10", "SLV0623", "0401", "M", 33);
	ob_diag_clear(&d);
	if (ob_snapshot_load(fx.st, fx.dir, &snap, NULL, &d) ||
	    ob_population_load(fx.st, snap, &pop, &d) ||
	    ob_indicators_load_dir(fx.dir, &set, &def, &d))
		fail_msg("%s:%ld: %s", d.file, d.line, d.message);
	robbery = ob_indicators_find(set, "robbery_rate");
	assert_true(robbery >= 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ob_indicators_free(set);
	ob_population_free(pop);
	ob_snapshot_close(snap);
	cfix_close(&fx);
	return 0;
}

static struct ob_ind_result *compute(const uint32_t *units, size_t n, const char *period,
                                     const char *vintage, const struct ob_population *p)
{
	struct ob_ind_query q;
	struct ob_ind_result *r = NULL;
	struct ob_period *per = NULL;
	size_t np = 0, ind = (size_t)robbery;
	struct ob_diag d;

	memset(&q, 0, sizeof(q));
	assert_int_equal(ob_period_parse(period, &per, &np, &d), OB_OK);
	q.indicators = &ind;
	q.n_indicators = 1;
	q.units = units;
	q.n_units = n;
	q.periods = per;
	q.n_periods = np;
	q.level = 0.95;
	q.unreliable_below = OB_RATE_UNRELIABLE_BELOW;
	q.institution = -1;
	q.threads = 1;
	if (vintage) {
		assert_int_equal(ob_vintage_parse(vintage, &q.vintage, &d), OB_OK);
		q.has_vintage = true;
	}
	if (ob_indicators_compute(snap, p, set, &q, &r, &d))
		fail_msg("%s", d.message);
	free(per);
	return r;
}

/* Reference days, --vintage values, validity and the unit that holds another. */
static void days_and_units(void **state)
{
	struct ob_period *p = NULL;
	size_t n;
	struct ob_diag d;
	long v;
	(void)state;

	assert_int_equal(ob_period_parse("2024..2024", &p, &n, &d), OB_OK);
	assert_int_equal(ob_period_refday(&p[0]), day("2024-07-01"));
	assert_int_equal(ob_period_lastday(&p[0]), day("2024-12-31"));
	free(p);
	assert_int_equal(ob_period_parse("2024-Q2", &p, &n, &d), OB_OK);
	assert_int_equal(ob_period_refday(&p[0]), day("2024-05-01"));
	free(p);
	assert_int_equal(ob_period_parse("2024-04", &p, &n, &d), OB_OK);
	assert_int_equal(ob_period_refday(&p[0]), day("2024-04-01"));
	assert_int_equal(ob_period_lastday(&p[0]), day("2024-04-30"));
	free(p);
	assert_int_equal(ob_vintage_parse("2024-05-01", &v, &d), OB_OK);
	assert_int_equal(v, day("2024-05-01"));
	assert_int_equal(ob_vintage_parse("2016", &v, &d), OB_OK);
	assert_int_equal(v, day("2016-07-01"));
	assert_int_equal(ob_vintage_parse("2024-13-01", &v, &d), OB_EUSAGE);
	assert_non_null(strstr(d.value, "2024-13-01"));
	assert_int_equal(ob_vintage_parse("old", &v, &d), OB_EUSAGE);

	assert_true(ob_unit_valid(pop, unit("SLV0614"), day("2024-04-30")));
	assert_false(ob_unit_valid(pop, unit("SLV0614"), day("2024-05-01")));
	assert_false(ob_unit_valid(pop, unit("SLV0623"), day("2024-04-30")));
	assert_true(ob_unit_valid(pop, unit("SLV0623"), day("2024-05-01")));
	assert_true(ob_unit_valid(pop, unit("SLV06"), day("1999-01-01")));
	assert_int_equal(ob_unit_in_vintage(pop, unit("SLV0614"), day("2024-07-01")),
	                 (int32_t)unit("SLV0623"));
	assert_int_equal(ob_unit_in_vintage(pop, unit("SLV0614"), day("2023-07-01")),
	                 (int32_t)unit("SLV0614"));
	assert_int_equal(ob_unit_in_vintage(pop, unit("SLV0623"), day("2023-07-01")), -1);
	/* without a population every unit is valid */
	assert_true(ob_unit_valid(NULL, unit("SLV0623"), day("2000-01-01")));
}

/* Each year in its own division: the old municipalities until 2023, the
 * new ones from 2024, where San Salvador Centro holds its districts'
 * records of January to April; the department adds up either way. */
static void each_year_its_own_division(void **state)
{
	uint32_t *kids, dep = unit("SLV06"), sc = unit("SLV0623"), ss = unit("SLV0614");
	size_t n, valid[3] = { 0 };
	struct ob_ind_result *r, *rd;
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_ind_select_units(snap, "SLV06", true, -1, NULL, &kids, &n, &d), OB_OK);
	assert_int_equal(n, 24); /* 19 municipalities until 2024, 5 after */
	r = compute(kids, n, "2023..2025", NULL, pop);
	rd = compute(&dep, 1, "2023..2025", NULL, pop);
	for (size_t p = 0; p < 3; p++) {
		double sum = 0;
		for (size_t i = 0; i < n; i++) {
			const struct ob_ind_value *v = ob_ind_result_at(r, 0, i, p, 0);
			bool old = pop->span[kids[i]].to != LONG_MAX;
			/* old municipalities in 2023 only, new ones from 2024 */
			if (v->flags & OB_IND_NOT_IN_VINTAGE) {
				assert_true(old == (p > 0));
				continue;
			}
			assert_true(old == (p == 0));
			valid[p]++;
			sum += v->count;
			if (kids[i] == sc)
				assert_true(v->count == (p == 1 ? 4 + 2 + 6 : 9));
			if (kids[i] == ss)
				assert_true(v->count == 7);
			assert_false(v->flags & OB_IND_VINTAGE_BREAK);
		}
		assert_true(sum == ob_ind_result_at(rd, 0, 0, p, 0)->count);
	}
	assert_int_equal(valid[0], 19);
	assert_int_equal(valid[1], 5);
	assert_int_equal(valid[2], 5);
	assert_true(ob_ind_result_at(rd, 0, 0, 0, 0)->count == 7 + 5 + 3);
	ob_ind_result_free(r);
	ob_ind_result_free(rd);

	/* months: April 2024 in the old units, May in the new */
	r = compute(kids, n, "2024-04..2024-05", NULL, pop);
	for (size_t i = 0; i < n; i++) {
		bool old = pop->span[kids[i]].to != LONG_MAX;
		assert_int_equal(!!(ob_ind_result_at(r, 0, i, 0, 0)->flags & OB_IND_NOT_IN_VINTAGE),
		                 !old);
		assert_int_equal(!!(ob_ind_result_at(r, 0, i, 1, 0)->flags & OB_IND_NOT_IN_VINTAGE),
		                 old);
		if (kids[i] == unit("SLV0603"))
			assert_true(ob_ind_result_at(r, 0, i, 0, 0)->count == 2);
	}
	ob_ind_result_free(r);
	free(kids);
}

/* One division for every period: the new municipalities for 2023 add up
 * their districts, and their population is their own figure or, without
 * one, their districts'; the old ones for 2024 and 2025 cannot be told
 * apart from their new municipality's records: no data, with the break. */
static void one_division_for_every_period(void **state)
{
	uint32_t u[] = { unit("SLV0623"), unit("SLV0614"), unit("SLV0601") };
	struct ob_population *p2;
	struct ob_ind_result *r;
	struct ob_diag d;
	double want;
	(void)state;

	r = compute(u, 3, "2023", "2024-05-01", pop);
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->count == 7 + 5);
	assert_true(ob_ind_result_at(r, 0, 1, 0, 0)->flags & OB_IND_NOT_IN_VINTAGE);
	assert_true(ob_ind_result_at(r, 0, 2, 0, 0)->flags & OB_IND_NOT_IN_VINTAGE);
	want = (double)cfix_count(&fx, "SELECT CAST(population AS INT) FROM population WHERE"
	                               " territory = 'SLV0623' AND year = 2023 AND sex = 'T'");
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->denominator == want);
	ob_ind_result_free(r);

	/* without its own figure, the sum of its districts' */
	cfix_exec(&fx, "DELETE FROM population WHERE territory = 'SLV0623' AND year = 2023");
	assert_int_equal(ob_population_load(fx.st, snap, &p2, &d), OB_OK);
	r = compute(u, 1, "2023", "2024-05-01", p2);
	want = (double)cfix_count(&fx, "SELECT sum(CAST(p.population AS INT)) FROM population p"
	                               " JOIN territory_change c ON c.old_code = p.territory"
	                               " WHERE c.new_code = 'SLV0623' AND p.year = 2023"
	                               " AND p.sex = 'T'");
	assert_true(want > 0);
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->denominator == want);
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->flags & OB_IND_EQUAL_SPLIT_DENOMINATOR);
	ob_ind_result_free(r);
	ob_population_free(p2);

	/* the old division for 2024 and 2025 */
	r = compute(u, 3, "2024..2025", "2023-07-01", pop);
	for (size_t p = 0; p < 2; p++) {
		const struct ob_ind_value *ss = ob_ind_result_at(r, 0, 1, p, 0);
		const struct ob_ind_value *ag = ob_ind_result_at(r, 0, 2, p, 0);
		assert_true(ob_ind_result_at(r, 0, 0, p, 0)->flags & OB_IND_NOT_IN_VINTAGE);
		/* San Salvador's new municipality has records: not a count */
		assert_true(ss->flags & OB_IND_NO_DATA);
		assert_true(ss->flags & OB_IND_VINTAGE_BREAK);
		assert_true(ss->count == 0);
		/* Aguilares' has none: its count stands */
		assert_false(ag->flags & (OB_IND_NO_DATA | OB_IND_VINTAGE_BREAK));
		assert_true(ag->count == 0);
	}
	ob_ind_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(days_and_units),
		cmocka_unit_test(each_year_its_own_division),
		cmocka_unit_test(one_division_for_every_period),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
