/* test_filter.c - one filter language (engine/filter.h): the same filter
 * selects the same victims in the analyser and in an indicator's numerator,
 * old spellings select what their canonical names do, and both refuse an
 * unknown field with the same message. */
#include "test.h"

#include "base/buf.h"
#include "efixture.h"
#include "engine/filter.h"
#include "engine/query.h"

static struct efix fx;
static struct ob_snapshot *snap;
static struct ob_population *pop;
static struct ob_analyzer *an;

static int setup(void **state)
{
	struct ob_diag d;
	(void)state;
	efix_open(&fx);
	ob_diag_clear(&d);
	if (ob_snapshot_load(fx.st, fx.dir, &snap, NULL, &d) ||
	    ob_population_load(fx.st, snap, &pop, &d))
		fail_msg("%s:%ld:%ld: %s", d.file, d.line, d.column, d.message);
	an = ob_analyzer_new(snap, pop);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ob_analyzer_free(an);
	ob_population_free(pop);
	ob_snapshot_close(snap);
	efix_close(&fx);
	return 0;
}

/* The analyser's total for filter in year y, every source's victims. */
static uint64_t analyser_total(const char *filter, int y)
{
	struct ob_query q;
	struct ob_query_result *r;
	struct ob_diag d;
	char where[256];
	uint64_t total;

	snprintf(where, sizeof(where), "%s year=%d", filter, y);
	memset(&q, 0, sizeof(q));
	q.where = where;
	ob_diag_clear(&d);
	if (ob_query_run(an, &q, &r, &d))
		fail_msg("analyser: %s: %s", where, d.message);
	total = r->total;
	ob_query_result_free(r);
	return total;
}

/* The indicator whose numerator is filter: its count in every country in
 * year y, every source counted. */
static double indicator_total(const char *filter, int y)
{
	struct ob_indicator_set *set;
	struct ob_ind_query q;
	struct ob_ind_result *r;
	struct ob_period *p;
	struct ob_diag d;
	uint32_t *units;
	size_t nu, np, ind = 0;
	char csv[512], period[16];
	double total = 0;

	snprintf(csv, sizeof(csv),
	         "id,name_es,name_en,numerator,denominator,multiplier\nx,X,X,%s,population,100000\n",
	         filter);
	snprintf(period, sizeof(period), "%d", y);
	ob_diag_clear(&d);
	if (ob_indicators_load_mem(csv, strlen(csv), "f.csv", &set, &d))
		fail_msg("indicators: %s: %s", filter, d.message);
	assert_int_equal(ob_ind_select_units(snap, NULL, false, -1, NULL, &units, &nu, &d), OB_OK);
	assert_int_equal(ob_period_parse(period, &p, &np, &d), OB_OK);
	memset(&q, 0, sizeof(q));
	q.indicators = &ind;
	q.n_indicators = 1;
	q.units = units;
	q.n_units = nu;
	q.periods = p;
	q.n_periods = np;
	q.level = 0.95;
	q.unreliable_below = 20;
	q.institution = -1;
	if (ob_indicators_compute(snap, pop, set, &q, &r, &d))
		fail_msg("compute: %s: %s", filter, d.message);
	for (size_t u = 0; u < nu; u++)
		total += ob_ind_result_at(r, 0, u, 0, 0)->count;
	ob_ind_result_free(r);
	ob_indicators_free(set);
	free(units);
	free(p);
	return total;
}

static void same_records_in_both(void **state)
{
	static const char *const filters[] = {
		"sex=F", "sex=m", "iccs=0101 & age=18-29", "iccs=02|04 & hour=18-5",
		"manner=homicide & sex=F|U", "age=60+", "iccs = 0101 | 0102 & sex = M",
		"institution=police", "source=sv-iml & age=0..17",
	};
	uint64_t any = 0;
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(filters); i++)
		for (int y = 2018; y <= 2021; y++) {
			uint64_t a = analyser_total(filters[i], y);
			double x = indicator_total(filters[i], y);
			if ((double)a != x)
				fail_msg("%s in %d: analyser %llu, indicator %.0f", filters[i], y,
				         (unsigned long long)a, x);
			any += a;
		}
	assert_true(any > 0); /* the filters select something */
}

/* The indicators' old names select what the canonical ones do, in both. */
static void old_spellings(void **state)
{
	static const char *const pairs[][2] = {
		{ "victim_sex=F", "sex=F" },
		{ "category=0101 & victim_age=18-29", "iccs=0101 & age=18-29" },
		{ "weapon=firearm", "mechanism=firearm" },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(pairs); i++) {
		assert_int_equal(analyser_total(pairs[i][0], 2020), analyser_total(pairs[i][1], 2020));
		assert_true(indicator_total(pairs[i][0], 2020) == indicator_total(pairs[i][1], 2020));
	}
	assert_int_equal(ob_filter_field_parse("victim_sex", 10), OB_FF_SEX);
	assert_string_equal(ob_filter_field_name(OB_FF_SEX), "sex");
}

/* The same message for an unknown field, from the analyser and from a
 * definition file; the definition's error names its file, line and column. */
static void unknown_field_same_message(void **state)
{
	static const char csv[] =
		"id,name_es,name_en,numerator,denominator,multiplier\nx,X,X,colour=red,population,1\n";
	static const char year_csv[] =
		"id,name_es,name_en,numerator,denominator,multiplier\nx,X,X,year=2020,population,1\n";
	static const char age_csv[] =
		"id,name_es,name_en,numerator,denominator,multiplier\nx,X,X,age=30-20,population,1\n";
	struct ob_indicator_set *set = NULL;
	struct ob_query_result *r = NULL;
	struct ob_query q;
	struct ob_diag da, di;
	(void)state;

	memset(&q, 0, sizeof(q));
	q.where = "sex=F colour=red";
	ob_diag_clear(&da);
	ob_diag_clear(&di);
	assert_int_equal(ob_query_run(an, &q, &r, &da), OB_EUSAGE);
	assert_int_equal(ob_indicators_load_mem(csv, strlen(csv), "f.csv", &set, &di), OB_EINVAL);
	assert_string_equal(da.message, di.message);
	assert_non_null(strstr(da.message, "sex, age"));
	assert_string_equal(da.value, "colour");
	assert_string_equal(di.value, "colour");
	assert_string_equal(di.file, "f.csv");
	assert_int_equal(di.line, 2);
	assert_int_equal(di.column, 4);
	/* a field the query gives, not a numerator */
	ob_diag_clear(&di);
	assert_int_equal(ob_indicators_load_mem(year_csv, strlen(year_csv), "f.csv", &set, &di),
	                 OB_EINVAL);
	assert_non_null(strstr(di.message, "numerador"));
	/* both read the same values: a range that may not wrap */
	ob_diag_clear(&di);
	q.where = "age=30-20";
	assert_int_equal(ob_query_run(an, &q, &r, &da), OB_EUSAGE);
	assert_int_equal(ob_indicators_load_mem(age_csv, strlen(age_csv), "f.csv", &set, &di),
	                 OB_EINVAL);
	assert_null(r);
	assert_null(set);
}

/* The syntax: blanks, separators, the errors of a clause. */
static ob_err count_clause(void *ctx, const struct ob_filter_clause *c, struct ob_diag *d)
{
	struct ob_buf *b = ctx;
	(void)d;
	ob_buf_putf(b, "[%s=%.*s]", ob_filter_field_name(c->field), (int)c->nv, c->vals);
	return OB_OK;
}

static void syntax(void **state)
{
	static const struct {
		const char *text, *clauses; /* NULL: an error */
	} cases[] = {
		{ "sex=F year=2020", "[sex=F][year=2020]" },
		{ "sex = F | M & iccs=0101", "[sex=F | M][iccs=0101]" },
		{ "  iccs=01,02  &  hour=18-5 ", "[iccs=01,02][hour=18-5]" },
		{ "category=0101&victim_age=60+", "[iccs=0101][age=60+]" },
		{ "", "" },
		{ "sex=F &", NULL },
		{ "sex=F && age=3", NULL },
		{ "sex= year=2020", NULL },
		{ "sex", NULL },
		{ "colour=red", NULL },
	};
	const struct ob_filter_at at = { OB_EUSAGE, "--where", 0, 0 };
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		struct ob_buf b;
		struct ob_diag d;
		ob_err e;

		ob_buf_init(&b, 1024);
		ob_diag_clear(&d);
		e = ob_filter_parse(cases[i].text, strlen(cases[i].text), &at, count_clause, &b, &d);
		if (!cases[i].clauses) {
			if (e != OB_EUSAGE)
				fail_msg("%s: accepted", cases[i].text);
		} else if (e || strcmp(b.ptr ? b.ptr : "", cases[i].clauses)) {
			fail_msg("%s: %s (%s)", cases[i].text, b.ptr ? b.ptr : "", d.message);
		}
		ob_buf_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syntax),
		cmocka_unit_test(same_records_in_both),
		cmocka_unit_test(old_spellings),
		cmocka_unit_test(unknown_field_same_message),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
