/* test_indicators.c - indicators against direct SQL counts on the test
 * observatory: every default definition, flags, periods, shares, the
 * hierarchy, threads, and the errors of definitions and queries. */
#include "test.h"

#include <math.h>

#include "base/buf.h"
#include "efixture.h"
#include "engine/indicators.h"
#include "stats/prop.h"
#include "stats/rate.h"

static struct efix fx;
static struct ob_snapshot *snap;
static struct ob_population *pop;
static struct ob_indicator_set *set;

static int setup(void **state)
{
	struct ob_diag d;
	bool def = true;
	(void)state;
	efix_open(&fx);
	ob_diag_clear(&d);
	if (ob_snapshot_load(fx.st, fx.dir, &snap, NULL, &d) ||
	    ob_population_load(fx.st, snap, &pop, &d) ||
	    ob_indicators_load_dir(fx.dir, &set, &def, &d))
		fail_msg("%s:%ld:%ld: %s", d.file, d.line, d.column, d.message);
	assert_false(def); /* init wrote catalog/indicators.csv */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ob_indicators_free(set);
	ob_population_free(pop);
	ob_snapshot_close(snap);
	efix_close(&fx);
	return 0;
}

/*
 * The oracle: each default indicator written independently as SQL over the
 * store (institution, and the numerator as a WHERE clause). Category codes
 * are hierarchical by prefix, so "a code and its descendants" is LIKE.
 */
static const struct oracle {
	const char *id, *institution, *where;
} oracles[] = {
	{ "homicide_rate", "forensic", "r.category LIKE '0101%'" },
	{ "homicide_rate_women", "forensic", "r.category LIKE '0101%' AND r.victim_sex = 'F'" },
	{ "homicide_rate_men", "forensic", "r.category LIKE '0101%' AND r.victim_sex = 'M'" },
	{ "homicide_rate_0_17", "forensic", "r.category LIKE '0101%' AND r.victim_age BETWEEN 0 AND 17" },
	{ "homicide_rate_18_29", "forensic", "r.category LIKE '0101%' AND r.victim_age BETWEEN 18 AND 29" },
	{ "homicide_rate_30_59", "forensic", "r.category LIKE '0101%' AND r.victim_age BETWEEN 30 AND 59" },
	{ "homicide_rate_60p", "forensic", "r.category LIKE '0101%' AND r.victim_age >= 60" },
	{ "violent_deaths_women_rate", "forensic",
	  "r.manner IN ('homicide', 'undetermined') AND r.victim_sex = 'F'" },
	{ "femicide_rate", "police",
	  "r.category LIKE '0101%' AND r.victim_sex = 'F' AND r.relationship IN ('intimate_partner', 'family')" },
	{ "homicide_firearm_share", "forensic", "r.category LIKE '0101%' AND r.mechanism = 'firearm'" },
	{ "homicide_under30_share", "forensic", "r.category LIKE '0101%' AND r.victim_age BETWEEN 0 AND 29" },
	{ "homicide_night_share", "forensic",
	  "r.category LIKE '0101%' AND r.occurred_at IS NOT NULL AND (CAST(substr(r.occurred_at, 1, 2) AS INTEGER) >= 18 OR CAST(substr(r.occurred_at, 1, 2) AS INTEGER) < 6)" },
	{ "homicide_dwelling_share", "forensic", "r.category LIKE '0101%' AND r.place = 'dwelling'" },
	{ "robbery_rate", "police", "r.category LIKE '0401%'" },
	{ "theft_rate", "police", "r.category LIKE '0502%'" },
	{ "burglary_rate", "police", "r.category LIKE '0501%'" },
	{ "extortion_rate", "police", "r.category LIKE '02051%'" },
	{ "kidnapping_rate", "police", "r.category LIKE '020221%'" },
	{ "injuries_rate", "police", "r.category LIKE '02011%'" },
	{ "domestic_violence_rate", "police",
	  "r.category LIKE '0201%' AND r.relationship IN ('intimate_partner', 'family')" },
	{ "sexual_violence_rate", "police", "r.category LIKE '0301%'" },
	{ "rape_rate", "police", "r.category LIKE '03011%'" },
	{ "missing_persons_rate", "police", "r.category LIKE 'X01%'" },
	{ "violent_deaths_rate", "forensic",
	  "r.manner IN ('homicide', 'suicide', 'accident', 'undetermined', 'legal_intervention')" },
	{ "violent_deaths_homicide_rate", "forensic", "r.manner = 'homicide'" },
	{ "violent_deaths_suicide_rate", "forensic", "r.manner = 'suicide'" },
	{ "violent_deaths_accident_rate", "forensic", "r.manner = 'accident'" },
	{ "violent_deaths_undetermined_rate", "forensic", "r.manner = 'undetermined'" },
};

static const struct oracle *oracle_of(const char *id)
{
	for (size_t i = 0; i < OB_ARRAY_SIZE(oracles); i++)
		if (!strcmp(oracles[i].id, id))
			return &oracles[i];
	fail_msg("no SQL oracle for the default indicator %s: add one", id);
	return NULL;
}

static long long sql_count(const char *institution, const char *where, const char *terr,
                           const char *time, const char *sex)
{
	char sql[4096];

	snprintf(sql, sizeof(sql),
	         "SELECT coalesce(sum(r.victims), 0) FROM record r JOIN submission s"
	         " ON s.id = r.submission"
	         " WHERE s.superseded_by IS NULL AND s.institution = '%s' AND (%s) AND (%s)"
	         " AND (%s) AND (%s)", institution, where, terr, time, sex ? sex : "1");
	return efix_count(fx.st, sql);
}

static uint32_t unit(const char *code)
{
	for (uint32_t u = 0; u < snap->n_units; u++)
		if (!strcmp(ob_snap_str(snap, snap->units[u].code), code))
			return u;
	fail_msg("no unit %s", code);
	return 0;
}

static struct ob_ind_result *compute(const size_t *ind, size_t nind, const uint32_t *units,
                                     size_t nunits, const char *period, const enum ob_ind_by *by,
                                     size_t nby, int threads)
{
	struct ob_ind_query q;
	struct ob_ind_result *r;
	struct ob_period *p;
	size_t np;
	struct ob_diag d;

	ob_diag_clear(&d);
	assert_int_equal(ob_period_parse(period, &p, &np, &d), OB_OK);
	memset(&q, 0, sizeof(q));
	q.indicators = ind;
	q.n_indicators = nind;
	q.units = units;
	q.n_units = nunits;
	q.periods = p;
	q.n_periods = np;
	q.by = by;
	q.n_by = nby;
	q.level = 0.95;
	q.unreliable_below = 20;
	q.institution = -1;
	q.threads = threads;
	if (ob_indicators_compute(snap, pop, set, &q, &r, &d))
		fail_msg("compute: %s", d.message);
	free(p);
	return r;
}

static const char *const sex_sql[] = {
	"r.victim_sex = 'F'", "r.victim_sex = 'M'", "(r.victim_sex IS NULL OR r.victim_sex NOT IN ('F', 'M'))",
};

/* Every default indicator, by sex, in a country, a department and a
 * municipality, each year: the count is the SQL count. */
static void every_default_against_sql(void **state)
{
	static const struct {
		const char *code, *sql;
	} terrs[] = {
		{ "SLV", "r.territory IN (SELECT code FROM territory WHERE country = 'SLV')"
		         " OR (r.territory IS NULL AND s.country = 'SLV')" },
		{ "SLV06", "r.territory IN (SELECT code FROM territory WHERE parent = 'SLV06')" },
		{ "SLV0614", "r.territory = 'SLV0614'" },
		{ "GTM", "r.territory IN (SELECT code FROM territory WHERE country = 'GTM')"
		         " OR (r.territory IS NULL AND s.country = 'GTM')" },
	};
	enum ob_ind_by by = OB_BY_SEX;
	size_t *all = ob_malloc(set->n * sizeof(size_t));
	uint32_t units[OB_ARRAY_SIZE(terrs)];
	struct ob_ind_result *r;
	long long checked = 0, nonzero = 0;
	(void)state;

	assert_true(set->n >= 22);
	for (size_t i = 0; i < set->n; i++)
		all[i] = i;
	for (size_t t = 0; t < OB_ARRAY_SIZE(terrs); t++)
		units[t] = unit(terrs[t].code);
	r = compute(all, set->n, units, OB_ARRAY_SIZE(units), "2019..2021", &by, 1, 0);
	for (size_t k = 0; k < set->n; k++) {
		const struct ob_indicator *x = &set->v[k];
		const struct oracle *o = oracle_of(x->id);
		bool split = x->by_allowed & (1u << OB_BY_SEX);

		assert_string_equal(ob_institution_name(x->institution), o->institution);
		assert_int_equal(r->cells[k], split ? 3 : 1);
		for (size_t t = 0; t < OB_ARRAY_SIZE(terrs); t++)
			for (size_t p = 0; p < 3; p++) {
				char time[64];
				snprintf(time, sizeof(time), "substr(r.occurred_on, 1, 4) = '%d'", 2019 + (int)p);
				for (size_t c = 0; c < r->cells[k]; c++) {
					const struct ob_ind_value *v = ob_ind_result_at(r, k, t, p, c);
					long long want = sql_count(o->institution, o->where, terrs[t].sql, time,
					                           split ? sex_sql[c] : NULL);
					if (v->flags & OB_IND_NO_DATA) {
						if (want)
							fail_msg("%s %s %d cell %zu: no data, SQL %lld", x->id,
							         terrs[t].code, 2019 + (int)p, c, want);
						assert_int_equal(v->months_covered, 0);
						assert_true(v->count == 0);
						assert_int_equal(want, 0);
						continue;
					}
					if (v->count != (double)want)
						fail_msg("%s %s %d cell %zu: %.0f, SQL %lld", x->id, terrs[t].code,
						         2019 + (int)p, c, v->count, want);
					checked++;
					nonzero += want > 0;
				}
			}
	}
	/* the test data exercises most of them */
	assert_true(checked > 500);
	assert_true(nonzero > 300);
	ob_ind_result_free(r);
	free(all);
}

/* The population figure; *estimate: not official; *equal: an equal split. */
static double sql_pop_ex(const char *code, int year, const char *sex, bool *estimate,
                         bool *equal)
{
	char sql[256];
	double v;

	snprintf(sql, sizeof(sql), "SELECT CAST(population AS INTEGER) FROM population WHERE "
	                           "territory = '%s' AND year = %d AND sex = '%s'", code, year, sex);
	v = (double)efix_count(fx.st, sql);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM population WHERE territory = '%s' AND "
	                           "year = %d AND sex = '%s' AND status = 'official'", code, year, sex);
	*estimate = efix_count(fx.st, sql) == 0;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM population WHERE territory = '%s' AND "
	                           "year = %d AND sex = '%s' AND status = 'equal_split'", code, year,
	         sex);
	*equal = efix_count(fx.st, sql) == 1;
	return v;
}

static double sql_pop(const char *code, int year, const char *sex, bool *estimate)
{
	bool equal;

	return sql_pop_ex(code, year, sex, estimate, &equal);
}

static bool close_to(double a, double b)
{
	return fabs(a - b) <= 1e-13 * fabs(b) + 1e-300;
}

/* Rates are ob_rate_exact's; shares ob_prop_exact's; flags say what the
 * population table and the counts say. */
static void rates_shares_and_flags(void **state)
{
	size_t ind[3];
	uint32_t units[] = { unit("SLV"), unit("SLV06"), unit("SLV0614") };
	const char *codes[] = { "SLV", "SLV06", "SLV0614" };
	enum ob_ind_by by = OB_BY_SEX;
	struct ob_ind_result *r;
	(void)state;

	ind[0] = (size_t)ob_indicators_find(set, "homicide_rate");
	ind[1] = (size_t)ob_indicators_find(set, "homicide_firearm_share");
	ind[2] = (size_t)ob_indicators_find(set, "homicide_rate_women");
	r = compute(ind, 3, units, 3, "2019..2021", &by, 1, 0);
	for (size_t u = 0; u < 3; u++)
		for (size_t p = 0; p < 3; p++)
			for (size_t c = 0; c < 3; c++) {
				const struct ob_ind_value *v = ob_ind_result_at(r, 0, u, p, c);
				const struct ob_ind_value *s = ob_ind_result_at(r, 1, u, p, c);
				bool est, eq = false;
				double pp = c < 2 ? sql_pop_ex(codes[u], 2019 + (int)p, c ? "M" : "F", &est, &eq)
				                  : 0;
				struct ob_rate want;
				struct ob_prop ws;

				assert_int_equal(v->flags & OB_IND_PARTIAL_PERIOD, 0);
				assert_int_equal(!!(v->flags & OB_IND_UNRELIABLE), v->count < 20);
				if (c == 2) {
					/* unknown sex: no population to divide by, the count stays */
					assert_true(v->flags & OB_IND_MISSING_DENOMINATOR);
					assert_true(v->value == 0 && v->denominator == 0);
				} else {
					assert_true(pp > 0);
					assert_true(v->denominator == pp);
					/* an equal split is flagged as such, not as an estimate */
					assert_int_equal(!!(v->flags & OB_IND_ESTIMATED_DENOMINATOR), est && !eq);
					assert_int_equal(!!(v->flags & OB_IND_EQUAL_SPLIT_DENOMINATOR), eq);
					if (u == 2)
						assert_true(eq); /* a municipality of El Salvador */
					assert_int_equal(ob_rate_exact(v->count, pp, 1e5, 0.95, &want), OB_OK);
					assert_true(close_to(v->value, want.rate));
					assert_true(close_to(v->lower, want.lower));
					assert_true(close_to(v->upper, want.upper));
				}
				/* the share's denominator is the homicide count of the same cell */
				assert_true(s->denominator == v->count);
				assert_true(s->count <= s->denominator);
				assert_int_equal(!!(s->flags & OB_IND_UNRELIABLE), s->denominator < 20);
				assert_int_equal(s->flags & OB_IND_PARTIAL_PERIOD, 0);
				if (s->denominator > 0) {
					assert_int_equal(ob_prop_exact(s->count, s->denominator, 100, 0.95, 20, &ws),
					                 OB_OK);
					assert_true(close_to(s->value, ws.value));
					assert_true(close_to(s->lower, ws.lower));
					assert_true(close_to(s->upper, ws.upper));
				} else {
					assert_true(s->flags & OB_IND_MISSING_DENOMINATOR);
				}
			}
	/* women's rate: population:F in the F cell; none in the M cell */
	{
		const struct ob_ind_value *f = ob_ind_result_at(r, 2, 0, 1, 0);
		bool est;
		assert_true(r->cells[2] == 1); /* sex is not among its disaggregations */
		assert_true(f->denominator == sql_pop("SLV", 2020, "F", &est));
		assert_true(est && (f->flags & OB_IND_ESTIMATED_DENOMINATOR));
	}
	ob_ind_result_free(r);

	/* the national total population of 2020 is official (WDI) */
	r = compute(ind, 1, units, 1, "2020", NULL, 0, 0);
	{
		const struct ob_ind_value *v = ob_ind_result_at(r, 0, 0, 0, 0);
		bool est;
		assert_true(v->denominator == sql_pop("SLV", 2020, "T", &est));
		assert_false(est);
		assert_int_equal(v->flags & OB_IND_ESTIMATED_DENOMINATOR, 0);
	}
	ob_ind_result_free(r);
}

/* Age: no population by age in the catalogue, so the denominator is
 * missing and the count is given; a unit without population likewise. */
static void missing_denominators(void **state)
{
	size_t ind[2] = { (size_t)ob_indicators_find(set, "homicide_rate_18_29"),
	                  (size_t)ob_indicators_find(set, "homicide_rate") };
	uint32_t units[] = { unit("SLV"), unit("SLV0614") };
	enum ob_ind_by by = OB_BY_AGE_GROUP;
	struct ob_ind_result *r = compute(ind, 2, units, 2, "2020", NULL, 0, 0);
	struct ob_population *p2;
	struct ob_diag d;
	long long want;
	(void)state;

	want = sql_count("forensic", oracles[4].where,
	                 "r.territory IN (SELECT code FROM territory WHERE country = 'SLV')"
	                 " OR (r.territory IS NULL AND s.country = 'SLV')",
	                 "substr(r.occurred_on, 1, 4) = '2020'", NULL);
	assert_true(want > 0);
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->count == (double)want);
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->flags & OB_IND_MISSING_DENOMINATOR);
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->value == 0);
	assert_false(ob_ind_result_at(r, 1, 0, 0, 0)->flags & OB_IND_MISSING_DENOMINATOR);
	ob_ind_result_free(r);
	/* by age group: counts, no denominator */
	r = compute(&ind[1], 1, units, 1, "2020", &by, 1, 0);
	assert_int_equal(r->cells[0], 7);
	{
		double sum = 0;
		for (size_t c = 0; c < 7; c++) {
			const struct ob_ind_value *v = ob_ind_result_at(r, 0, 0, 0, c);
			assert_true(v->flags & OB_IND_MISSING_DENOMINATOR);
			sum += v->count;
		}
		assert_string_equal(ob_ind_cell_label(r, 2, 0), "18-29");
		assert_true(ob_ind_result_at(r, 0, 0, 0, 2)->count == (double)want);
		want = sql_count("forensic", oracles[0].where,
		                 "r.territory IN (SELECT code FROM territory WHERE country = 'SLV')"
		                 " OR (r.territory IS NULL AND s.country = 'SLV')",
		                 "substr(r.occurred_on, 1, 4) = '2020'", NULL);
		assert_true(sum == (double)want);
	}
	ob_ind_result_free(r);
	/* a municipality without population rows */
	efix_exec(fx.st, "CREATE TEMP TABLE saved AS SELECT * FROM population WHERE territory = 'SLV0614';"
	                 "DELETE FROM population WHERE territory = 'SLV0614'");
	assert_int_equal(ob_population_load(fx.st, snap, &p2, &d), OB_OK);
	{
		struct ob_population *keep = pop;
		pop = p2;
		r = compute(&ind[1], 1, &units[1], 1, "2020", NULL, 0, 0);
		pop = keep;
	}
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->flags & OB_IND_MISSING_DENOMINATOR);
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->count ==
	            (double)sql_count("forensic", oracles[0].where, "r.territory = 'SLV0614'",
	                              "substr(r.occurred_on, 1, 4) = '2020'", NULL));
	ob_ind_result_free(r);
	ob_population_free(p2);
	efix_exec(fx.st, "INSERT INTO population SELECT * FROM saved; DROP TABLE saved");
}

/* A month a source did not deliver is missing, not zero; a year with
 * missing months is flagged; shorter periods are flagged partial. */
static void coverage_and_partial_periods(void **state)
{
	size_t ind[2] = { (size_t)ob_indicators_find(set, "robbery_rate"),
	                  (size_t)ob_indicators_find(set, "homicide_rate") };
	uint32_t units[] = { unit("SLV"), unit("GTM") };
	struct ob_ind_result *r;
	(void)state;

	r = compute(ind, 2, units, 2, "2019..2021", NULL, 0, 0);
	/* police SLV: 2019, 2020 whole; 2021 January to June */
	assert_int_equal(ob_ind_result_at(r, 0, 0, 0, 0)->flags &
	                 (OB_IND_INCOMPLETE_COVERAGE | OB_IND_NO_DATA), 0);
	assert_int_equal(ob_ind_result_at(r, 0, 0, 2, 0)->months_covered, 6);
	assert_int_equal(ob_ind_result_at(r, 0, 0, 2, 0)->months_total, 12);
	assert_true(ob_ind_result_at(r, 0, 0, 2, 0)->flags & OB_IND_INCOMPLETE_COVERAGE);
	assert_false(ob_ind_result_at(r, 0, 0, 2, 0)->flags & OB_IND_NO_DATA);
	assert_true(ob_ind_result_at(r, 0, 0, 2, 0)->count > 0);
	/* police GTM: 2020 only */
	assert_true(ob_ind_result_at(r, 0, 1, 0, 0)->flags & OB_IND_NO_DATA);
	assert_false(ob_ind_result_at(r, 0, 1, 1, 0)->flags & OB_IND_INCOMPLETE_COVERAGE);
	/* no forensic source in Guatemala: every year missing */
	for (size_t p = 0; p < 3; p++) {
		const struct ob_ind_value *v = ob_ind_result_at(r, 1, 1, p, 0);
		assert_true(v->flags & OB_IND_NO_DATA);
		assert_true(v->flags & OB_IND_INCOMPLETE_COVERAGE);
		assert_int_equal(v->months_covered, 0);
	}
	ob_ind_result_free(r);

	r = compute(ind, 1, units, 1, "2021-05..2021-08", NULL, 0, 0);
	for (size_t p = 0; p < 4; p++) {
		const struct ob_ind_value *v = ob_ind_result_at(r, 0, 0, p, 0);
		assert_true(v->flags & OB_IND_PARTIAL_PERIOD);
		assert_int_equal(!!(v->flags & OB_IND_NO_DATA), p >= 2);
		assert_int_equal(v->months_total, 1);
	}
	ob_ind_result_free(r);
	r = compute(ind, 1, units, 1, "2021-Q2..2021-Q3", NULL, 0, 0);
	assert_int_equal(ob_ind_result_at(r, 0, 0, 0, 0)->months_covered, 3);
	assert_false(ob_ind_result_at(r, 0, 0, 0, 0)->flags & OB_IND_INCOMPLETE_COVERAGE);
	assert_true(ob_ind_result_at(r, 0, 0, 1, 0)->flags & OB_IND_NO_DATA);
	assert_true(ob_ind_result_at(r, 0, 0, 1, 0)->flags & OB_IND_PARTIAL_PERIOD);
	ob_ind_result_free(r);
}

/* Quarters, months and year-to-date against SQL; records dated by year or
 * month only fall where they can. */
static void period_logic(void **state)
{
	static const char slv[] = "r.territory IN (SELECT code FROM territory WHERE country = 'SLV')"
	                          " OR (r.territory IS NULL AND s.country = 'SLV')";
	size_t ind[2] = { (size_t)ob_indicators_find(set, "homicide_rate"),
	                  (size_t)ob_indicators_find(set, "theft_rate") };
	const struct oracle *o[2] = { oracle_of("homicide_rate"), oracle_of("theft_rate") };
	uint32_t u = unit("SLV");
	struct ob_ind_result *r;
	char time[256];
	(void)state;

	r = compute(ind, 2, &u, 1, "2019-Q1..2020-Q4", NULL, 0, 0);
	assert_int_equal(r->n_periods, 8);
	for (size_t k = 0; k < 2; k++)
		for (size_t p = 0; p < 8; p++) {
			int y = 2019 + (int)p / 4, q = (int)p % 4;
			snprintf(time, sizeof(time), "r.precision <> 'year' AND substr(r.occurred_on, 1, 7)"
			         " BETWEEN '%d-%02d' AND '%d-%02d'", y, q * 3 + 1, y, q * 3 + 3);
			assert_true(ob_ind_result_at(r, k, 0, p, 0)->count ==
			            (double)sql_count(o[k]->institution, o[k]->where, slv, time, NULL));
		}
	ob_ind_result_free(r);

	r = compute(ind, 2, &u, 1, "2020-01..2020-12", NULL, 0, 3);
	for (size_t k = 0; k < 2; k++)
		for (size_t p = 0; p < 12; p++) {
			snprintf(time, sizeof(time), "r.precision <> 'year' AND substr(r.occurred_on, 1, 7)"
			         " = '2020-%02zu'", p + 1);
			assert_true(ob_ind_result_at(r, k, 0, p, 0)->count ==
			            (double)sql_count(o[k]->institution, o[k]->where, slv, time, NULL));
		}
	ob_ind_result_free(r);

	/* 1 January to 15 June, and the same days a year before: a record
	 * dated only "June" cannot be placed before the 15th; "May" can */
	r = compute(ind, 2, &u, 1, "ytd:2020-06-15", NULL, 0, 0);
	assert_int_equal(r->n_periods, 2);
	for (size_t k = 0; k < 2; k++)
		for (size_t p = 0; p < 2; p++) {
			int y = 2020 - (int)p;
			const struct ob_ind_value *v = ob_ind_result_at(r, k, 0, p, 0);
			snprintf(time, sizeof(time),
			         "(r.precision = 'day' AND r.occurred_on BETWEEN '%d-01-01' AND '%d-06-15')"
			         " OR (r.precision = 'month' AND substr(r.occurred_on, 1, 7) BETWEEN"
			         " '%d-01' AND '%d-05')", y, y, y, y);
			assert_true(v->count == (double)sql_count(o[k]->institution, o[k]->where, slv, time, NULL));
			assert_true(v->count > 0);
			assert_true(v->flags & OB_IND_PARTIAL_PERIOD);
			assert_int_equal(v->months_total, 6);
		}
	ob_ind_result_free(r);
	/* to the end of a month: records known only by month count */
	r = compute(ind, 1, &u, 1, "ytd:2020-06-30", NULL, 0, 0);
	snprintf(time, sizeof(time), "r.precision <> 'year' AND substr(r.occurred_on, 1, 7) BETWEEN"
	         " '2019-01' AND '2019-06'");
	assert_true(ob_ind_result_at(r, 0, 0, 1, 0)->count ==
	            (double)sql_count(o[0]->institution, o[0]->where, slv, time, NULL));
	ob_ind_result_free(r);
}

static void period_parsing(void **state)
{
	static const struct {
		const char *spec;
		size_t n;
		const char *first, *last;
	} ok[] = {
		{ "2020", 1, "2020", "2020" },
		{ "2020-Q3", 1, "2020-Q3", "2020-Q3" },
		{ "2020-t1", 1, "2020-Q1", "2020-Q1" },
		{ "2020-03", 1, "2020-03", "2020-03" },
		{ "2015..2024", 10, "2015", "2024" },
		{ "2019-Q3..2020-Q2", 4, "2019-Q3", "2020-Q2" },
		{ "2019-11..2020-02", 4, "2019-11", "2020-02" },
		{ "ytd:2024-06-30", 2, "2024-01-01..2024-06-30", "2023-01-01..2023-06-30" },
		{ "ytd:2024-02-29", 2, "2024-01-01..2024-02-29", "2023-01-01..2023-02-28" },
	};
	static const char *const bad[] = {
		"", "20", "2020-Q5", "2020-13", "2021..2020", "2020..2021-03", "ytd:2024-02-30",
		"ytd:2024", "2020-Q1..2020-Q1x", "abcd", "2020..", "..2020",
	};
	struct ob_period *p;
	struct ob_diag d;
	size_t n;
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(ok); i++) {
		if (ob_period_parse(ok[i].spec, &p, &n, &d))
			fail_msg("%s: %s", ok[i].spec, d.message);
		assert_int_equal(n, ok[i].n);
		assert_string_equal(p[0].label, ok[i].first);
		assert_string_equal(p[n - 1].label, ok[i].last);
		free(p);
	}
	assert_int_equal(ob_period_parse("ytd:2024-02-29", &p, &n, &d), OB_OK);
	assert_int_equal(p[1].end_day, 29); /* all of February 2023 */
	assert_int_equal(p[0].kind, OB_PERIOD_YTD);
	free(p);
	for (size_t i = 0; i < OB_ARRAY_SIZE(bad); i++) {
		p = NULL;
		assert_int_equal(ob_period_parse(bad[i], &p, &n, &d), OB_EUSAGE);
		assert_null(p);
		assert_non_null(strstr(d.message, "se esperaba"));
	}
}

/* Counts add up the hierarchy: a country is its departments plus the
 * records without a territory; a department is its municipalities. */
static void hierarchy(void **state)
{
	size_t ind[2] = { (size_t)ob_indicators_find(set, "homicide_rate"),
	                  (size_t)ob_indicators_find(set, "robbery_rate") };
	uint32_t *deps, *muns, country = unit("SLV"), sv06 = unit("SLV06");
	size_t nd, nm;
	struct ob_ind_result *rc, *rd, *rm;
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_ind_select_units(snap, NULL, false, 1, "SLV", &deps, &nd, &d), OB_OK);
	assert_int_equal(nd, 14);
	assert_int_equal(ob_ind_select_units(snap, "SLV06", true, -1, NULL, &muns, &nm, &d), OB_OK);
	assert_int_equal((long long)nm,
	                 efix_count(fx.st, "SELECT count(*) FROM territory WHERE parent = 'SLV06'"));
	rc = compute(ind, 2, &country, 1, "2019..2020", NULL, 0, 0);
	rd = compute(ind, 2, deps, nd, "2019..2020", NULL, 0, 0);
	rm = compute(ind, 2, muns, nm, "2019..2020", NULL, 0, 0);
	for (size_t k = 0; k < 2; k++)
		for (size_t p = 0; p < 2; p++) {
			double sd = 0, sm = 0, s06 = -1;
			char sql[512];
			for (size_t i = 0; i < nd; i++) {
				sd += ob_ind_result_at(rd, k, i, p, 0)->count;
				if (deps[i] == sv06)
					s06 = ob_ind_result_at(rd, k, i, p, 0)->count;
			}
			for (size_t i = 0; i < nm; i++)
				sm += ob_ind_result_at(rm, k, i, p, 0)->count;
			snprintf(sql, sizeof(sql), "substr(r.occurred_on, 1, 4) = '%d'", 2019 + (int)p);
			assert_true(ob_ind_result_at(rc, k, 0, p, 0)->count ==
			            sd + (double)sql_count(oracles[k ? 13 : 0].institution,
			                                   oracles[k ? 13 : 0].where,
			                                   "r.territory IS NULL AND s.country = 'SLV'", sql, NULL));
			assert_true(s06 == sm);
			assert_true(sm > 0);
		}
	ob_ind_result_free(rc);
	ob_ind_result_free(rd);
	ob_ind_result_free(rm);
	free(deps);
	free(muns);
}

static void unit_selection(void **state)
{
	uint32_t *v;
	size_t n;
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_ind_select_units(snap, NULL, false, -1, NULL, &v, &n, &d), OB_OK);
	assert_int_equal((long long)n, efix_count(fx.st, "SELECT count(*) FROM territory WHERE level = 0"));
	free(v);
	assert_int_equal(ob_ind_select_units(snap, NULL, false, -1, "GTM", &v, &n, &d), OB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ob_snap_str(snap, snap->units[v[0]].code), "GTM");
	free(v);
	assert_int_equal(ob_ind_select_units(snap, NULL, false, 2, "SLV", &v, &n, &d), OB_OK);
	assert_int_equal((long long)n, efix_count(fx.st, "SELECT count(*) FROM territory WHERE level = 2"
	                                                 " AND country = 'SLV'"));
	free(v);
	assert_int_equal(ob_ind_select_units(snap, "SLV06,SLV04", false, 2, NULL, &v, &n, &d), OB_OK);
	assert_int_equal((long long)n, efix_count(fx.st, "SELECT count(*) FROM territory WHERE level = 2"
	                                                 " AND parent IN ('SLV06', 'SLV04')"));
	free(v);
	assert_int_equal(ob_ind_select_units(snap, "SLV0614,SLV99", false, -1, NULL, &v, &n, &d),
	                 OB_EUSAGE);
	assert_non_null(strstr(d.value, "SLV99"));
	assert_int_equal(ob_ind_select_units(snap, NULL, false, -1, "XXX", &v, &n, &d), OB_EUSAGE);
}

/* More than 64 indicators (several words per record) and any number of
 * threads give the same counts. */
static void words_and_threads(void **state)
{
	struct ob_indicator_set *big, *keep = set;
	struct ob_buf b = OB_BUF_INIT(1 << 20);
	const char *const filters[] = {
		"category=0101", "category=01 & victim_sex=F", "manner=homicide & hour=18-5",
		"category=04|05 & victim_age=15-29", "category=02 & place=dwelling|unknown",
		"mechanism=firearm & relationship=stranger", "category=X01 & victim_sex=U",
	};
	size_t *ind, n;
	uint32_t units[] = { unit("SLV"), unit("SLV0614"), unit("GTM") };
	enum ob_ind_by by[2] = { OB_BY_SEX, OB_BY_MECHANISM };
	struct ob_ind_result *r1, *r3, *rs;
	struct ob_diag d;
	(void)state;

	ob_buf_puts(&b, "id,name_es,name_en,numerator,denominator,multiplier,disaggregations,institution\n");
	for (int i = 0; i < 70; i++)
		ob_buf_putf(&b, "x%d,X %d,X %d,%s,population,100000,sex|mechanism,%s\n", i, i, i,
		            filters[i % 7], i % 2 ? "police" : "");
	assert_int_equal(ob_indicators_load_mem(b.ptr, b.len, "big.csv", &big, &d), OB_OK);
	ob_buf_release(&b);
	assert_int_equal(big->n, 70);
	n = big->n;
	ind = ob_malloc(n * sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		ind[i] = i;
	set = big;
	r1 = compute(ind, n, units, 3, "2019..2021", by, 2, 1);
	r3 = compute(ind, n, units, 3, "2019..2021", by, 2, 3);
	for (size_t i = 0; i < n * 3 * 3 * r1->n_cells; i++)
		assert_true(r1->values[i].count == r3->values[i].count);
	/* each indicator alone (one word) agrees with the 70 together */
	for (size_t k = 0; k < 7; k++) {
		rs = compute(&ind[k], 1, units, 3, "2019..2021", by, 2, 0);
		for (size_t u = 0; u < 3; u++)
			for (size_t p = 0; p < 3; p++)
				for (size_t c = 0; c < r1->n_cells; c++)
					assert_true(ob_ind_result_at(rs, 0, u, p, c)->count ==
					            ob_ind_result_at(r1, k, u, p, c)->count);
		ob_ind_result_free(rs);
	}
	set = keep;
	ob_ind_result_free(r1);
	ob_ind_result_free(r3);
	ob_indicators_free(big);
	free(ind);
}

/* --source and --institution replace the default institution. */
static void source_override(void **state)
{
	size_t ind = (size_t)ob_indicators_find(set, "homicide_rate");
	uint32_t u = unit("SLV");
	struct ob_ind_query q;
	struct ob_ind_result *r;
	struct ob_period *p;
	size_t np;
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_period_parse("2020", &p, &np, &d), OB_OK);
	memset(&q, 0, sizeof(q));
	q.indicators = &ind;
	q.n_indicators = 1;
	q.units = &u;
	q.n_units = 1;
	q.periods = p;
	q.n_periods = np;
	q.level = 0.9;
	q.unreliable_below = 20;
	q.institution = -1;
	q.source = "sv-pnc";
	assert_int_equal(ob_indicators_compute(snap, pop, set, &q, &r, &d), OB_OK);
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->count ==
	            (double)efix_count(fx.st, "SELECT sum(r.victims) FROM record r JOIN submission s ON"
	                                      " s.id = r.submission WHERE s.superseded_by IS NULL AND"
	                                      " r.source = 'sv-pnc' AND r.category LIKE '0101%' AND"
	                                      " substr(r.occurred_on, 1, 4) = '2020'"));
	ob_ind_result_free(r);
	q.source = NULL;
	q.institution = OB_INST_POLICE;
	assert_int_equal(ob_indicators_compute(snap, pop, set, &q, &r, &d), OB_OK);
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->count ==
	            (double)sql_count("police", "r.category LIKE '0101%'",
	                              "r.territory IN (SELECT code FROM territory WHERE country = 'SLV')"
	                              " OR (r.territory IS NULL AND s.country = 'SLV')",
	                              "substr(r.occurred_on, 1, 4) = '2020'", NULL));
	ob_ind_result_free(r);
	q.institution = -1;
	q.source = "xx-none";
	assert_int_equal(ob_indicators_compute(snap, pop, set, &q, &r, &d), OB_EUSAGE);
	free(p);
}

/* Rows that stand for several victims: every count is the victims' (the
 * oracle sums them), in one word of indicators and in several. */
static void victims_counted(void **state)
{
	struct ob_diag d;

	efix_set_victims(fx.st);
	ob_population_free(pop);
	ob_snapshot_close(snap);
	ob_diag_clear(&d);
	if (ob_snapshot_build(fx.st, fx.dir, &d) || ob_snapshot_open(fx.dir, &snap, &d) ||
	    ob_population_load(fx.st, snap, &pop, &d))
		fail_msg("%s", d.message);
	assert_true(snap->victims > snap->n);
	every_default_against_sql(state);
	words_and_threads(state);
	source_override(state);

	efix_reset_victims(fx.st);
	ob_population_free(pop);
	ob_snapshot_close(snap);
	if (ob_snapshot_build(fx.st, fx.dir, &d) || ob_snapshot_open(fx.dir, &snap, &d) ||
	    ob_population_load(fx.st, snap, &pop, &d))
		fail_msg("%s", d.message);
	assert_int_equal(snap->victims, snap->n);
}

/* Bad definitions are refused with the file, line and column. */
static void definition_errors(void **state)
{
	static const char head[] =
		"id,name_es,name_en,numerator,denominator,multiplier,disaggregations,institution\n"
		"a,A,A,category=0101,population,100000,sex,forensic\n";
	static const struct {
		const char *row;
		ob_err code;
		long line, column;
		const char *says;
	} cases[] = {
		{ "b,B,B,categoria=0101,population,100000,,\n", OB_EINVAL, 3, 4, "campo desconocido" },
		{ "b,B,B,category=0101 & victim_sex=X,population,100000,,\n", OB_EINVAL, 3, 4, "F, M o U" },
		{ "b,B,B,victim_age=30-20,population,100000,,\n", OB_EINVAL, 3, 4, "edades" },
		{ "b,B,B,hour=25,population,100000,,\n", OB_EINVAL, 3, 4, "horas" },
		{ "b,B,B,category=0101 &,population,100000,,\n", OB_EINVAL, 3, 4, "&" },
		{ "b,B,B,category 0101,population,100000,,\n", OB_EINVAL, 3, 4, "falta «=»" },
		{ "b,B,B,category=01 & category=02,population,100000,,\n", OB_EINVAL, 3, 4, "dos veces" },
		{ "b,B,B,category=0101,poblacion,100000,,\n", OB_EINVAL, 3, 5, "population" },
		{ "b,B,B,category=0101,indicator:zz,100,,\n", OB_EINVAL, 3, 5, "desconocido" },
		{ "b,B,B,category=0101,population:X,100,,\n", OB_EINVAL, 3, 5, "se esperaba" },
		{ "b,B,B,category=0101,population,-5,,\n", OB_EINVAL, 3, 6, "multiplicador" },
		{ "b,B,B,category=0101,population,100,sexo,\n", OB_EINVAL, 3, 7, "desagregación" },
		{ "b,B,B,category=0101,population,100,,forense\n", OB_EINVAL, 3, 8, "institución" },
		{ "a,B,B,category=0101,population,100,,\n", OB_EINVAL, 3, 1, "repetido" },
		{ "B-1,B,B,category=0101,population,100,,\n", OB_EINVAL, 3, 1, "identificador" },
		{ "b,,B,category=0101,population,100,,\n", OB_EINVAL, 3, 2, "falta" },
		{ "b,B,B,category=0101,indicator:a,100,,\nc,C,C,category=0101,indicator:b,100,,\n",
		  OB_EINVAL, 4, 5, "proporción" },
		{ "b,B,B,\"category=0101\n,population,100,,\n", OB_EPARSE, 3, 4, "comilla" },
	};
	struct ob_indicator_set *s;
	struct ob_diag d;
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		char text[1024];
		ob_err e;

		snprintf(text, sizeof(text), "%s%s", head, cases[i].row);
		ob_diag_clear(&d);
		e = ob_indicators_load_mem(text, strlen(text), "ind.csv", &s, &d);
		if (e != cases[i].code || d.line != cases[i].line || d.column != cases[i].column ||
		    !strstr(d.message, cases[i].says))
			fail_msg("case %zu: got %d at %ld:%ld «%s», want %d at %ld:%ld «%s»", i, e, d.line,
			         d.column, d.message, cases[i].code, cases[i].line, cases[i].column,
			         cases[i].says);
		assert_null(s);
		assert_string_equal(d.file, "ind.csv");
	}
	/* a missing required column */
	assert_int_equal(ob_indicators_load_mem("id,name_es,name_en,numerator,multiplier\n", 40,
	                                        "ind.csv", &s, &d), OB_ENOCOL);
	assert_string_equal(d.value, "denominator");
	/* a commented-out row and a blank line are skipped */
	{
		static const char c[] = "id,name_es,name_en,numerator,denominator,multiplier\n"
		                        "#x,X,X,nonsense,nonsense,0\n\nok,O,O,,population,1\n";
		assert_int_equal(ob_indicators_load_mem(c, strlen(c), "ind.csv", &s, &d), OB_OK);
	}
	assert_int_equal(s->n, 1);
	assert_int_equal(s->v[0].n_clauses, 0);
	ob_indicators_free(s);
}

/* Codes a snapshot does not know, and shares that could pass 100%, are
 * refused when computing. */
static void compile_errors(void **state)
{
	static const char text[] =
		"id,name_es,name_en,numerator,denominator,multiplier\n"
		"h,H,H,category=0101,population,100000\n"
		"s,S,S,category=01,indicator:h,100\n"
		"u,U,U,category=0199,population,100000\n"
		"m,M,M,manner=asesinato,population,100000\n";
	struct ob_indicator_set *s, *keep = set;
	struct ob_ind_query q;
	struct ob_ind_result *r;
	struct ob_period per;
	struct ob_diag d;
	uint32_t u = unit("SLV");
	size_t k;
	(void)state;

	assert_int_equal(ob_indicators_load_mem(text, strlen(text), "c.csv", &s, &d), OB_OK);
	memset(&per, 0, sizeof(per));
	per.kind = OB_PERIOD_YEAR;
	per.year = 2020;
	per.from_month = 2020 * 12;
	per.to_month = per.from_month + 11;
	memset(&q, 0, sizeof(q));
	q.indicators = &k;
	q.n_indicators = 1;
	q.units = &u;
	q.n_units = 1;
	q.periods = &per;
	q.n_periods = 1;
	q.level = 0.95;
	q.institution = -1;
	set = s;
	k = 1;
	assert_int_equal(ob_indicators_compute(snap, pop, s, &q, &r, &d), OB_EINVAL);
	assert_non_null(strstr(d.message, "no cuenta"));
	assert_null(strstr(d.message, "subset"));
	assert_int_equal(d.line, 3);
	k = 2;
	assert_int_equal(ob_indicators_compute(snap, pop, s, &q, &r, &d), OB_EINVAL);
	assert_string_equal(d.value, "0199");
	assert_int_equal(d.line, 4);
	assert_int_equal(d.column, 4);
	k = 3;
	assert_int_equal(ob_indicators_compute(snap, pop, s, &q, &r, &d), OB_EINVAL);
	assert_string_equal(d.value, "asesinato");
	k = 0;
	q.level = 1.5;
	assert_int_equal(ob_indicators_compute(snap, pop, s, &q, &r, &d), OB_EUSAGE);
	set = keep;
	ob_indicators_free(s);
}

static int stop_at_second(void *ctx, const struct ob_ind_result *r, size_t k,
                          const struct ob_ind_value *block)
{
	size_t *calls = ctx;
	(void)r;
	(void)block;
	assert_int_equal(k, *calls);
	return ++*calls == 2;
}

struct agree {
	const struct ob_ind_result *whole;
	size_t calls;
};

static int same_as_whole(void *ctx, const struct ob_ind_result *r, size_t k,
                         const struct ob_ind_value *block)
{
	struct agree *a = ctx;

	assert_null(r->values);
	for (size_t u = 0; u < r->n_units; u++)
		for (size_t p = 0; p < r->n_periods; p++)
			for (size_t c = 0; c < r->cells[k]; c++) {
				const struct ob_ind_value *v = ob_ind_block_at(r, block, u, p, c);
				const struct ob_ind_value *w = ob_ind_result_at(a->whole, k, u, p, c);
				assert_memory_equal(v, w, sizeof(*v));
			}
	a->calls++;
	return 0;
}

/* Streaming hands over each indicator's values in order, the same as the
 * whole result; a sink that fails stops the computation. */
static void streaming(void **state)
{
	size_t ind[3] = { (size_t)ob_indicators_find(set, "homicide_rate"),
	                  (size_t)ob_indicators_find(set, "homicide_firearm_share"),
	                  (size_t)ob_indicators_find(set, "robbery_rate") };
	uint32_t units[] = { unit("SLV"), unit("SLV06"), unit("GTM") };
	enum ob_ind_by by = OB_BY_SEX;
	struct ob_ind_result *whole = compute(ind, 3, units, 3, "2019..2021", &by, 1, 0), *r;
	struct ob_ind_query q;
	struct ob_period *p;
	struct agree a = { whole, 0 };
	size_t np, calls = 0;
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_period_parse("2019..2021", &p, &np, &d), OB_OK);
	memset(&q, 0, sizeof(q));
	q.indicators = ind;
	q.n_indicators = 3;
	q.units = units;
	q.n_units = 3;
	q.periods = p;
	q.n_periods = np;
	q.by = &by;
	q.n_by = 1;
	q.level = 0.95;
	q.unreliable_below = 20;
	q.institution = -1;
	assert_int_equal(ob_indicators_stream(snap, pop, set, &q, same_as_whole, &a, &r, &d), OB_OK);
	assert_int_equal(a.calls, 3);
	ob_ind_result_free(r);
	assert_int_equal(ob_indicators_stream(snap, pop, set, &q, stop_at_second, &calls, &r, &d),
	                 OB_EIO);
	assert_int_equal(calls, 2);
	assert_null(r);
	ob_ind_result_free(whole);
	free(p);
}

/* Where a record falls by age: the group that holds its age, or all of its
 * band; U when the band spans groups or nothing is known. */
static void age_group_placement(void **state)
{
	static const struct {
		int lo, hi;
		const char *group, *minor;
	} cases[] = {
		{ 0, 0, "0-14", "0-17" },       { 14, 14, "0-14", "0-17" },
		{ 15, 15, "15-17", "0-17" },    { 17, 17, "15-17", "0-17" },
		{ 18, 18, "18-29", "18+" },     { 59, 59, "45-59", "18+" },
		{ 60, 60, "60+", "18+" },       { 120, 120, "60+", "18+" },
		/* contained */
		{ 0, 11, "0-14", "0-17" },      { 12, 14, "0-14", "0-17" },
		{ 15, 17, "15-17", "0-17" },    { 18, 29, "18-29", "18+" },
		{ 30, 44, "30-44", "18+" },     { 60, 120, "60+", "18+" },
		{ 65, 120, "60+", "18+" },      { 0, 17, "U", "0-17" },
		/* spanning */
		{ 12, 17, "U", "0-17" },        { 14, 15, "U", "0-17" },
		{ 17, 18, "U", "U" },           { 18, 120, "U", "18+" },
		{ 25, 34, "U", "18+" },         { 55, 64, "U", "18+" },
		{ 0, 120, "U", "U" },
		/* unknown, or not a band */
		{ -1, -1, "U", "U" },           { 20, 10, "U", "U" },
		{ 0, 121, "U", "U" },
	};
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		const char *g = ob_ind_age_group_label(ob_ind_age_group_band(cases[i].lo, cases[i].hi));
		const char *m = ob_ind_minor_group_label(ob_ind_minor_group_band(cases[i].lo, cases[i].hi));
		if (strcmp(g, cases[i].group) || strcmp(m, cases[i].minor))
			fail_msg("%d-%d: %s, %s; expected %s, %s", cases[i].lo, cases[i].hi, g, m,
			         cases[i].group, cases[i].minor);
	}
	/* an exact age as before */
	for (int a = 0; a <= OB_MAX_AGE; a++)
		assert_int_equal(ob_ind_age_group(a), ob_ind_age_group_band(a, a));
	assert_string_equal(ob_ind_age_group_label(ob_ind_age_group(255)), "U");
}

/* The age column of a snapshot: an age, a band of its dictionary, unknown;
 * an age filter's table extended to the bands, each passing when all of it
 * does. */
static void age_band_values(void **state)
{
	static const struct ob_snap_age_band bands[] = { { 12, 17 }, { 60, OB_MAX_AGE }, { 0, 14 } };
	struct ob_snapshot s;
	bool acc[256] = { false };
	(void)state;

	memset(&s, 0, sizeof(s));
	s.age_bands = bands;
	s.n_age_bands = OB_ARRAY_SIZE(bands);
	assert_int_equal(ob_ind_age_group_value(&s, 16), 1);
	assert_int_equal(ob_ind_age_group_value(&s, OB_SNAP_AGE_BAND0), OB_IND_AGE_GROUPS - 1);
	assert_int_equal(ob_ind_minor_group_value(&s, OB_SNAP_AGE_BAND0), 0);
	assert_int_equal(ob_ind_age_group_value(&s, OB_SNAP_AGE_BAND0 + 1), 5);
	assert_int_equal(ob_ind_age_group_value(&s, OB_SNAP_AGE_BAND0 + 2), 0);
	assert_int_equal(ob_ind_age_group_value(&s, OB_SNAP_AGE_BAND0 + 3), OB_IND_AGE_GROUPS - 1);
	assert_int_equal(ob_ind_age_group_value(&s, OB_SNAP_AGE_UNKNOWN), OB_IND_AGE_GROUPS - 1);
	/* age=0..15 */
	for (int a = 0; a <= 15; a++)
		acc[a] = true;
	ob_ind_age_accept_bands(&s, acc);
	assert_false(acc[OB_SNAP_AGE_BAND0]);     /* 12-17: 16 and 17 are out */
	assert_false(acc[OB_SNAP_AGE_BAND0 + 1]); /* 60+ */
	assert_true(acc[OB_SNAP_AGE_BAND0 + 2]);  /* 0-14 */
	assert_false(acc[OB_SNAP_AGE_UNKNOWN]);
	/* age=12..17|60+ */
	memset(acc, 0, sizeof(acc));
	for (int a = 12; a <= 17; a++)
		acc[a] = true;
	for (int a = 60; a <= OB_MAX_AGE; a++)
		acc[a] = true;
	ob_ind_age_accept_bands(&s, acc);
	assert_true(acc[OB_SNAP_AGE_BAND0]);
	assert_true(acc[OB_SNAP_AGE_BAND0 + 1]);
	assert_false(acc[OB_SNAP_AGE_BAND0 + 2]);
}

/* The indicators that count one sex of another: the default catalogue's
 * women's and men's homicides are homicide_rate's; other subsets are not;
 * a clause more or another institution is not a slice. */
static void sex_slices(void **state)
{
	static const char *const text =
		"id,name_es,name_en,numerator,denominator,multiplier,disaggregations,institution\n"
		"all,a,a,iccs=0101,population,100000,sex|age_group,\n"
		"w,w,w,iccs=0101 & sex=F,population:F,100000,age_group,\n"
		"wp,w,w,iccs=0101 & sex=F,population:F,100000,age_group,police\n"
		"wf,w,w,iccs=0101 & sex=F & mechanism=firearm,population:F,100000,,\n"
		"nosex,n,n,iccs=02,population,100000,age_group,\n"
		"nw,n,n,iccs=02 & sex=F,population:F,100000,,\n";
	struct ob_indicator_set *s;
	struct ob_diag d;
	char sx = 0;
	(void)state;

	assert_int_equal(ob_indicators_sex_base(set, (size_t)ob_indicators_find(set,
	                 "homicide_rate_women"), &sx), ob_indicators_find(set, "homicide_rate"));
	assert_int_equal(sx, 'F');
	assert_int_equal(ob_indicators_sex_base(set, (size_t)ob_indicators_find(set,
	                 "homicide_rate_men"), &sx), ob_indicators_find(set, "homicide_rate"));
	assert_int_equal(sx, 'M');
	assert_int_equal(ob_indicators_sex_base(set, (size_t)ob_indicators_find(set,
	                 "femicide_rate"), &sx), -1);
	assert_int_equal(ob_indicators_sex_base(set, (size_t)ob_indicators_find(set,
	                 "homicide_rate"), &sx), -1);
	assert_int_equal(ob_indicators_sex_base(set, (size_t)ob_indicators_find(set,
	                 "homicide_rate_0_17"), &sx), -1);
	assert_int_equal(ob_indicators_load_mem(text, strlen(text), "s.csv", &s, &d), OB_OK);
	assert_int_equal(ob_indicators_sex_base(s, 1, &sx), 0);   /* w of all */
	assert_int_equal(ob_indicators_sex_base(s, 2, &sx), -1);  /* another institution */
	assert_int_equal(ob_indicators_sex_base(s, 3, &sx), -1);  /* a clause more */
	assert_int_equal(ob_indicators_sex_base(s, 5, &sx), -1);  /* its base has no sexes */
	assert_int_equal(ob_indicators_sex_base(s, 99, &sx), -1);
	ob_indicators_free(s);
}

/* The link of total on field whose parts are exactly parts (in catalogue
 * order), or NULL. */
static const struct ob_ind_link *find_link(const struct ob_ind_links *l, const char *total,
                                           const char *const *parts, size_t n)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct ob_ind_link *k = &l->v[i];
		bool same = k->total == (size_t)ob_indicators_find(set, total) && k->n_parts == n;
		for (size_t j = 0; same && j < n; j++)
			same = k->parts[j] == (size_t)ob_indicators_find(set, parts[j]);
		if (same)
			return k;
	}
	return NULL;
}

/* The equations between the catalogue's indicators, found from their
 * definitions. */
static void links_of_the_catalogue(void **state)
{
	static const char *const age[] = { "homicide_rate_30_59", "homicide_rate_60p",
	                                   "homicide_under30_share" };
	static const char *const under30[] = { "homicide_rate_0_17", "homicide_rate_18_29" };
	static const char *const manner[] = { "violent_deaths_homicide_rate",
	                                      "violent_deaths_suicide_rate",
	                                      "violent_deaths_accident_rate",
	                                      "violent_deaths_undetermined_rate" };
	static const char *const women[] = { "violent_deaths_women_rate" };
	static const char *const women_parts[] = { "violent_deaths_homicide_rate",
	                                           "violent_deaths_undetermined_rate" };
	static const char *const firearm[] = { "homicide_firearm_share" };
	static const char *const night[] = { "homicide_night_share" };
	static const char *const dwelling[] = { "homicide_dwelling_share" };
	static const char *const rape[] = { "rape_rate" };
	struct ob_ind_links l;
	const struct ob_ind_link *k;
	(void)state;

	assert_int_equal(ob_indicators_links(set, &l), OB_OK);
	/* the age slices: the broad ones of the base, the narrow ones of
	 * under 30, which they make up exactly */
	assert_non_null(k = find_link(&l, "homicide_rate", age, 3));
	assert_true(k->rest);
	assert_int_equal(k->field, OB_FLD_AGE);
	/* they hold every age: the rest is the victims of unrecorded age */
	assert_true(k->rest_not_recorded);
	assert_non_null(k = find_link(&l, "homicide_under30_share", under30, 2));
	assert_false(k->rest);
	/* subsets of the base: the rest is hidden */
	assert_non_null(k = find_link(&l, "homicide_rate", firearm, 1));
	assert_true(k->rest);
	assert_false(k->rest_not_recorded);
	assert_non_null(k = find_link(&l, "homicide_rate", night, 1));
	assert_true(k->rest);
	assert_non_null(k = find_link(&l, "homicide_rate", dwelling, 1));
	assert_true(k->rest);
	/* the manners: legal intervention has no indicator of its own */
	assert_non_null(k = find_link(&l, "violent_deaths_rate", manner, 4));
	assert_true(k->rest);
	assert_false(k->rest_not_recorded);
	assert_int_equal(k->field, OB_FLD_MANNER);
	/* women's violent deaths: the F column of two manners, exactly */
	assert_non_null(k = find_link(&l, "violent_deaths_women_rate", women_parts, 2));
	assert_false(k->rest);
	assert_non_null(k = find_link(&l, "violent_deaths_rate", women, 1));
	assert_true(k->rest);
	/* ICCS subcategories */
	assert_non_null(k = find_link(&l, "sexual_violence_rate", rape, 1));
	assert_true(k->rest);
	/* nothing else: no link across institutions (femicide from the police,
	 * homicide from forensics), none of a sex slice as a total, none of
	 * the narrow age slices to the base */
	assert_int_equal(l.n, 9);
	for (size_t i = 0; i < l.n; i++) {
		assert_int_not_equal(l.v[i].total, ob_indicators_find(set, "femicide_rate"));
		assert_int_not_equal(l.v[i].total, ob_indicators_find(set, "homicide_rate_women"));
		for (size_t j = 0; j < l.v[i].n_parts; j++)
			assert_int_not_equal(l.v[i].parts[j], ob_indicators_find(set, "femicide_rate"));
	}
	ob_ind_links_free(&l);
}

/* Definitions that look alike but do not add up. */
static void links_refused(void **state)
{
	static const char text[] =
		"id,name_es,name_en,numerator,denominator,multiplier,disaggregations,institution\n"
		"all,a,a,iccs=0101,population,100000,sex,forensic\n"
		"young,y,y,iccs=0101 & age=0-29,population,100000,,forensic\n"
		"young_police,y,y,iccs=0101 & age=0-29,population,100000,,police\n"
		"young_gun,y,y,iccs=0101 & age=0-29 & mechanism=firearm,population,100000,,forensic\n"
		"kids,k,k,iccs=0101 & age=0-17,population,100000,,forensic\n"
		"teens,t,t,iccs=0101 & age=10-19,population,100000,,forensic\n";
	struct ob_indicator_set *s;
	struct ob_ind_links l;
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_indicators_load_mem(text, strlen(text), "l.csv", &s, &d), OB_OK);
	assert_int_equal(ob_indicators_links(s, &l), OB_OK);
	/* all = young + rest (kids and teens are inside young: not direct);
	 * young = young_gun + rest; young = kids + rest and young = teens +
	 * rest (kids and teens overlap: two equations); young_police (another
	 * institution) in none, young_gun (two clauses more) no part of all */
	for (size_t i = 0; i < l.n; i++) {
		assert_int_not_equal(l.v[i].total, 2);
		for (size_t j = 0; j < l.v[i].n_parts; j++)
			assert_int_not_equal(l.v[i].parts[j], 2);
		assert_true(l.v[i].rest);
		/* ages 0-29 of all ages: the rest is older victims too */
		assert_false(l.v[i].rest_not_recorded);
		assert_int_equal(l.v[i].n_parts, 1);
	}
	assert_int_equal(l.n, 4);
	assert_int_equal(l.v[0].total, 0);
	assert_int_equal(l.v[0].parts[0], 1);
	assert_int_equal(l.v[1].total, 1);
	assert_int_equal(l.v[1].parts[0], 3);
	assert_int_equal(l.v[1].field, OB_FLD_MECHANISM);
	assert_int_equal(l.v[2].total, 1);
	assert_int_equal(l.v[2].parts[0], 4);
	assert_int_equal(l.v[3].total, 1);
	assert_int_equal(l.v[3].parts[0], 5);
	ob_ind_links_free(&l);
	ob_indicators_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(age_group_placement),
		cmocka_unit_test(age_band_values),
		cmocka_unit_test(every_default_against_sql),
		cmocka_unit_test(rates_shares_and_flags),
		cmocka_unit_test(missing_denominators),
		cmocka_unit_test(coverage_and_partial_periods),
		cmocka_unit_test(period_logic),
		cmocka_unit_test(period_parsing),
		cmocka_unit_test(hierarchy),
		cmocka_unit_test(unit_selection),
		cmocka_unit_test(words_and_threads),
		cmocka_unit_test(source_override),
		cmocka_unit_test(victims_counted),
		cmocka_unit_test(definition_errors),
		cmocka_unit_test(compile_errors),
		cmocka_unit_test(streaming),
		cmocka_unit_test(sex_slices),
		cmocka_unit_test(links_of_the_catalogue),
		cmocka_unit_test(links_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
