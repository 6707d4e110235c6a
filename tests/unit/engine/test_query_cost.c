/* test_query_cost.c - the analyser's cost before work (ob_query_cost)
 * against what a run reads and finds, and its deadline and cancel flag. */
#include "test.h"

#include <pthread.h>
#include <stdatomic.h>

#include "base/log.h"
#include "efixture.h"
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
		fail_msg("load: %s", d.message);
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

static void query(struct ob_query *q, const char *rows, const char *cols, const char *where)
{
	struct ob_diag d;

	memset(q, 0, sizeof(*q));
	ob_diag_clear(&d);
	if (rows && ob_query_dims_parse(rows, "--rows", q->dims, &q->n_dims, &d))
		fail_msg("rows: %s", d.message);
	q->n_row_dims = q->n_dims;
	if (cols && ob_query_dims_parse(cols, "--cols", q->dims, &q->n_dims, &d))
		fail_msg("cols: %s", d.message);
	q->where = where;
}

static struct ob_query_cost cost_of(const char *rows, const char *cols, const char *where)
{
	struct ob_query q;
	struct ob_query_cost c;
	struct ob_diag d;

	query(&q, rows, cols, where);
	ob_diag_clear(&d);
	if (ob_query_cost(an, &q, &c, &d))
		fail_msg("cost %s / %s / %s: %s", rows ? rows : "-", cols ? cols : "-", where ? where : "-",
		         d.message);
	return c;
}

/* The cost's records are what the run reads (or, for a question a level
 * of pre-aggregates by country counts, fewer: its entries); its cells bound the cells
 * the run finds non-empty, and are the product of the dimensions' values
 * when nothing filters them. */
static void test_cost_matches_run(void **state)
{
	static const char *const cases[][3] = {
		{ NULL, NULL, NULL },
		{ "admin1", "year", NULL },
		{ "admin2", "sex", "country=SLV" },
		{ "admin2", NULL, "country=SLV year=2020" },
		{ "year", "month", "year=2019..2021 iccs=0101" },
		{ "iccs", "sex", "admin1=SLV06 sex=F" },
		{ "source", "institution", "source=sv-pnc" },
		{ "age_group", "year", "age=15..29" },
		{ "country", NULL, "year=1950" },
		{ "place", "admin1,admin2", NULL },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		struct ob_query q;
		struct ob_query_result *r = NULL;
		struct ob_query_cost c = cost_of(cases[i][0], cases[i][1], cases[i][2]);
		struct ob_diag d;
		uint64_t product = 1, nonzero = 0;

		query(&q, cases[i][0], cases[i][1], cases[i][2]);
		ob_diag_clear(&d);
		if (ob_query_run(an, &q, &r, &d))
			fail_msg("run %zu: %s", i, d.message);
		for (size_t j = 0; j < r->n_dims; j++)
			product *= r->extent[j];
		for (size_t k = 0; k < r->n_cells; k++)
			nonzero += r->counts[k] != 0;
		if (c.from_level) {
			/* counted from a level of pre-aggregates by country: its
			 * entries, fewer than the records it stands for */
			if (c.records > r->scanned || (r->scanned && c.records == r->scanned))
				fail_msg("case %zu: cost says %llu entries for %llu records", i,
				         (unsigned long long)c.records, (unsigned long long)r->scanned);
		} else {
			if (c.records != r->scanned)
				fail_msg("case %zu: cost says %llu records, the run read %llu", i,
				         (unsigned long long)c.records, (unsigned long long)r->scanned);
			assert_true(c.records >= r->total);
		}
		assert_true(c.cells >= nonzero);
		assert_true(c.cells <= product);
		if (!cases[i][2])
			assert_true(c.cells == product);
		ob_query_result_free(r);
	}
	/* no dimension: one cell, counted from the smallest level of
	 * pre-aggregates by country (its entries); by admin1: every record */
	assert_true(cost_of(NULL, NULL, NULL).cells == 1);
	assert_true(cost_of(NULL, NULL, NULL).from_level);
	assert_true(cost_of(NULL, NULL, NULL).records < snap->n);
	assert_false(cost_of("admin1", NULL, NULL).from_level);
	assert_true(cost_of("admin1", NULL, NULL).records == snap->n);
}

/* A filter narrows the cells to the values it lets through. */
static void test_cost_narrowed(void **state)
{
	uint64_t admin2_slv = 0, years = 0;
	(void)state;

	/* admin2 under SLV, and "unknown" for the records of SLV's country and
	 * departments */
	for (uint32_t u = 0; u < snap->n_units; u++) {
		int32_t x = (int32_t)u;
		if (snap->units[u].level != 2)
			continue;
		while (x >= 0 && snap->units[x].level > 0)
			x = snap->units[x].parent;
		admin2_slv += x >= 0 && !strcmp(ob_snap_str(snap, snap->units[x].code), "SLV");
	}
	assert_true(admin2_slv > 10);
	assert_true(cost_of("admin2", NULL, "country=SLV").cells == admin2_slv + 1);
	assert_true(cost_of("admin2", NULL, NULL).cells ==
	            ob_analyzer_values(an, OB_QD_ADMIN2));
	assert_true(cost_of("sex", NULL, "sex=F").cells == 1);
	assert_true(cost_of("sex", NULL, "sex=F,M").cells == 2);
	assert_true(cost_of("year", NULL, "year=2019..2021").cells == 3);
	years = cost_of("year", NULL, NULL).cells;
	assert_true(years == ob_analyzer_values(an, OB_QD_YEAR));
	/* a year no record holds: nothing to read */
	assert_true(cost_of(NULL, NULL, "year=1950").records == 0);
	/* a territory filter reads that territory only */
	assert_true(cost_of(NULL, NULL, "country=SLV").records <
	            cost_of(NULL, NULL, NULL).records);
	/* saturation, not overflow: four large dimensions */
	assert_true(cost_of("admin2,iccs", "age,hour", NULL).cells ==
	            ob_analyzer_values(an, OB_QD_ADMIN2) * ob_analyzer_values(an, OB_QD_ICCS) *
	                    ob_analyzer_values(an, OB_QD_AGE) * ob_analyzer_values(an, OB_QD_HOUR));
}

/* A bad filter is the same error as the run's. */
static void test_cost_errors(void **state)
{
	struct ob_query q;
	struct ob_query_cost c;
	struct ob_diag d;
	(void)state;

	query(&q, "admin1", NULL, "colour=red");
	ob_diag_clear(&d);
	assert_int_equal(ob_query_cost(an, &q, &c, &d), OB_EUSAGE);
	assert_string_equal(d.value, "colour"); /* the unknown field, as the run says */
	query(&q, "admin1", NULL, "country=ZZZ");
	assert_int_equal(ob_query_cost(an, &q, &c, &d), OB_EUSAGE);
}

/* A deadline already past or a cancel flag set: no result, the error says
 * which; a deadline ahead changes nothing. */
static void test_deadline_and_cancel(void **state)
{
	struct ob_query q;
	struct ob_query_result *r = NULL, *ref = NULL;
	struct ob_diag d;
	_Atomic int cancel;
	(void)state;

	atomic_init(&cancel, 0);
	query(&q, "admin1", "year", NULL);
	q.threads = 2;
	ob_diag_clear(&d);
	assert_int_equal(ob_query_run(an, &q, &ref, &d), OB_OK);

	q.deadline = ob_now() - 1;
	assert_int_equal(ob_query_run(an, &q, &r, &d), OB_ETIMEDOUT);
	assert_null(r);
	assert_non_null(strstr(d.message, "tiempo"));

	q.deadline = 0;
	q.cancel = &cancel;
	atomic_store(&cancel, 1);
	assert_int_equal(ob_query_run(an, &q, &r, &d), OB_ECANCELED);
	assert_null(r);

	atomic_store(&cancel, 0);
	q.deadline = ob_now() + 3600;
	assert_int_equal(ob_query_run(an, &q, &r, &d), OB_OK);
	assert_non_null(r);
	assert_int_equal(r->n_cells, ref->n_cells);
	assert_memory_equal(r->counts, ref->counts, r->n_cells * sizeof(uint64_t));
	ob_query_result_free(r);
	ob_query_result_free(ref);
}

/* The flag set by another thread while counts run on two threads: the run
 * ends with the error or, when it finished first, with the whole result;
 * never a partial one. */
struct racer {
	_Atomic int *flag;
	_Atomic int *go;
};

static void *set_later(void *arg)
{
	struct racer *x = arg;

	while (!atomic_load(x->go))
		;
	atomic_store(x->flag, 1);
	return NULL;
}

static void test_cancel_while_running(void **state)
{
	struct ob_query q;
	struct ob_query_result *ref = NULL;
	struct ob_diag d;
	_Atomic int cancel, go;
	int stopped = 0;
	(void)state;

	query(&q, "admin2", "sex,year", NULL);
	q.threads = 2;
	ob_diag_clear(&d);
	assert_int_equal(ob_query_run(an, &q, &ref, &d), OB_OK);
	for (int round = 0; round < 20; round++) {
		struct ob_query_result *r = NULL;
		struct racer x = { &cancel, &go };
		pthread_t t;
		ob_err e;

		atomic_init(&cancel, 0);
		atomic_init(&go, 0);
		q.cancel = &cancel;
		assert_int_equal(pthread_create(&t, NULL, set_later, &x), 0);
		atomic_store(&go, 1);
		e = ob_query_run(an, &q, &r, &d);
		pthread_join(t, NULL);
		if (e) {
			assert_int_equal(e, OB_ECANCELED);
			assert_null(r);
			stopped++;
		} else {
			assert_memory_equal(r->counts, ref->counts, r->n_cells * sizeof(uint64_t));
			ob_query_result_free(r);
		}
	}
	(void)stopped; /* how many stopped depends on the scheduler */
	ob_query_result_free(ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cost_matches_run),
		cmocka_unit_test(test_cost_narrowed),
		cmocka_unit_test(test_cost_errors),
		cmocka_unit_test(test_deadline_and_cancel),
		cmocka_unit_test(test_cancel_while_running),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
