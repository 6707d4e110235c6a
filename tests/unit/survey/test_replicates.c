/*
 * test_replicates.c - replicate-weight designs (BRR, Fay, JK1, JKn, JK1 with
 * mse) against R's svrepdesign: tests/data/survey/replicates.csv, made by
 * make_replicates.R from replicates_sample.csv; the Wilson interval of
 * proportions on BRR weights (wilson.csv, make_wilson.R); and their refusals.
 */
#include "test.h"

#include <math.h>

#include "../stats/refcsv.h"
#include "survey/estimate.h"

#define REL 1e-9

/* The numeric column name of t: NaN where empty. */
static double *column(const struct refcsv *t, const char *name)
{
	double *v = ob_calloc(t->nrows, sizeof(double));
	for (size_t r = 0; r < t->nrows; r++)
		v[r] = *refcsv_str(t, r, name) ? refcsv_num(t, r, name) : NAN;
	return v;
}

/* The replicate weights of columns PREFIX1..PREFIXk: BRR and Fay have
 * 12 replicates (a Hadamard matrix for 8 strata), the jackknives 16. */
static double *replicates(const struct refcsv *t, const char *prefix, size_t *nrep)
{
	size_t k = prefix[0] == 'j' ? 16 : 12;
	double *rw = ob_malloc(k * t->nrows * sizeof(double));
	char name[64];

	for (size_t j = 0; j < k; j++) {
		snprintf(name, sizeof(name), "%s%zu", prefix, j + 1);
		for (size_t r = 0; r < t->nrows; r++)
			rw[j * t->nrows + r] = refcsv_num(t, r, name);
	}
	*nrep = k;
	return rw;
}

static void make(struct ob_svy_design *ds, const struct refcsv *t, const double *w,
                 const char *name, const double *jkn_rscales)
{
	struct ob_diag d;
	size_t nrep;
	double *rw;
	ob_err e;

	ob_diag_clear(&d);
	if (!strcmp(name, "brr")) {
		rw = replicates(t, "brr", &nrep);
		e = ob_svy_design_init_rep(ds, t->nrows, w, nrep, rw, OB_SVY_REP_BRR, NAN, NAN, NULL,
		                           false, NULL, &d);
	} else if (!strcmp(name, "fay")) {
		rw = replicates(t, "fay", &nrep);
		e = ob_svy_design_init_rep(ds, t->nrows, w, nrep, rw, OB_SVY_REP_FAY, 0.3, NAN, NULL,
		                           false, NULL, &d);
	} else if (!strcmp(name, "jkn")) {
		rw = replicates(t, "jn", &nrep);
		e = ob_svy_design_init_rep(ds, t->nrows, w, nrep, rw, OB_SVY_REP_JKN, NAN, NAN,
		                           jkn_rscales, false, NULL, &d);
	} else {
		rw = replicates(t, "jk", &nrep);
		e = ob_svy_design_init_rep(ds, t->nrows, w, nrep, rw, OB_SVY_REP_JK1, NAN, NAN, NULL,
		                           !strcmp(name, "jk1_mse"), NULL, &d);
	}
	free(rw);
	if (e)
		fail_msg("design %s: %s", name, d.message);
}

static void replicates_against_r(void **state)
{
	struct refcsv s, ref, rs;
	double *w, *vars[5], *rscales;
	const char *names[] = { "victim", "income", "incidents", "reported", "region" };
	size_t checked = 0;
	(void)state;

	refcsv_load(&s, "survey/replicates_sample.csv");
	refcsv_load(&ref, "survey/replicates.csv");
	refcsv_load(&rs, "survey/replicates_rscales.csv");
	assert_int_equal(ref.nrows, 75);
	w = column(&s, "weight");
	for (size_t i = 0; i < 4; i++)
		vars[i] = column(&s, names[i]);
	vars[4] = NULL;
	rscales = column(&rs, "rscale");
	for (size_t r = 0; r < ref.nrows; r++) {
		struct ob_svy_design ds;
		struct ob_svy_scratch sc;
		struct ob_svy_opts o;
		struct ob_svy_est e;
		const char *est = refcsv_str(&ref, r, "estimator"), *var = refcsv_str(&ref, r, "variable");
		const char *dom = refcsv_str(&ref, r, "domain");
		enum ob_svy_estimator k = !strcmp(est, "total") ? OB_SVY_TOTAL
		                        : !strcmp(est, "mean") ? OB_SVY_MEAN
		                        : !strcmp(est, "prop") ? OB_SVY_PROP : OB_SVY_RATIO;
		const double *y = NULL, *x = NULL;
		size_t *rows = NULL, m = 0;

		for (size_t i = 0; i < 4; i++) {
			if (!strcmp(var, names[i]))
				y = vars[i];
			if (!strcmp(refcsv_str(&ref, r, "denominator"), names[i]))
				x = vars[i];
		}
		assert_non_null(y);
		assert_true(k != OB_SVY_RATIO || x);
		if (*dom) {
			rows = ob_malloc(s.nrows * sizeof(size_t));
			for (size_t i = 0; i < s.nrows; i++)
				if (!strcmp(refcsv_str(&s, i, "region"), dom))
					rows[m++] = i;
			assert_true(m > 0 && m < s.nrows);
		}
		make(&ds, &s, w, refcsv_str(&ref, r, "design"), rscales);
		ob_svy_opts_init(&o);
		ob_svy_scratch_init(&sc, &ds);
		assert_int_equal(ob_svy_estimate(&ds, &sc, k, y, x, rows, m, &o, &e), OB_OK);
		REF_CHECK(&ref, r, "estimate", e.estimate, REL, 0);
		REF_CHECK(&ref, r, "se", e.se, REL, 0);
		REF_CHECK(&ref, r, "degf", ds.df, 0, 0);
		assert_true(isnan(e.deff));
		assert_true(!(e.flags & OB_SVY_LONELY_PSU));
		checked++;
		ob_svy_scratch_release(&sc);
		ob_svy_design_release(&ds);
		free(rows);
	}
	assert_int_equal(checked, 75);
	for (size_t i = 0; i < 4; i++)
		free(vars[i]);
	free(w);
	free(rscales);
	refcsv_free(&s);
	refcsv_free(&ref);
	refcsv_free(&rs);
}

/* The brr rows of wilson.csv: the Wilson interval of victim (missing in
 * some rows) with the replicates' variance, for everyone and by region. */
static void wilson_against_r(void **state)
{
	struct refcsv s, ref;
	double *w, *victim;
	size_t checked = 0;
	(void)state;

	refcsv_load(&s, "survey/replicates_sample.csv");
	refcsv_load(&ref, "survey/wilson.csv");
	w = column(&s, "weight");
	victim = column(&s, "victim");
	for (size_t r = 0; r < ref.nrows; r++) {
		struct ob_svy_design ds;
		struct ob_svy_scratch sc;
		struct ob_svy_opts o;
		struct ob_svy_est e;
		const char *dom = refcsv_str(&ref, r, "domain");
		size_t *rows = NULL, m = 0;

		if (strcmp(refcsv_str(&ref, r, "design"), "brr"))
			continue;
		if (*dom) {
			rows = ob_malloc(s.nrows * sizeof(size_t));
			for (size_t i = 0; i < s.nrows; i++)
				if (!strcmp(refcsv_str(&s, i, "region"), dom))
					rows[m++] = i;
		}
		make(&ds, &s, w, "brr", NULL);
		ob_svy_opts_init(&o);
		assert_true(ob_svy_ci_parse("wilson", &o.prop_ci));
		o.normal = !strcmp(refcsv_str(&ref, r, "interval"), "normal");
		ob_svy_scratch_init(&sc, &ds);
		assert_int_equal(ob_svy_estimate(&ds, &sc, OB_SVY_PROP, victim, NULL, rows, m, &o, &e),
		                 OB_OK);
		assert_int_equal(e.ci, OB_SVY_CI_WILSON);
		assert_int_equal(e.n, (size_t)refcsv_num(&ref, r, "n"));
		REF_CHECK(&ref, r, "estimate", e.estimate, REL, 0);
		REF_CHECK(&ref, r, "se", e.se, REL, 0);
		REF_CHECK(&ref, r, "ci_lower", e.lower, REL, 0);
		REF_CHECK(&ref, r, "ci_upper", e.upper, REL, 0);
		if (!o.normal)
			REF_CHECK(&ref, r, "degf", ds.df, 0, 0);
		checked++;
		ob_svy_scratch_release(&sc);
		ob_svy_design_release(&ds);
		free(rows);
	}
	assert_int_equal(checked, 6);
	free(victim);
	free(w);
	refcsv_free(&s);
	refcsv_free(&ref);
}

/* Bad replicate designs are refused with a message, never estimated. */
static void refusals(void **state)
{
	const double w[3] = { 1, 2, 3 }, rw[6] = { 2, 0, 4, 0, 4, 2 };
	const double negw[3] = { 1, 0, 3 }, negrw[6] = { 2, -1, 4, 0, 4, 2 };
	struct ob_svy_design ds;
	struct ob_diag d;
	(void)state;

	ob_diag_clear(&d);
	/* a weight that is not positive */
	assert_int_equal(ob_svy_design_init_rep(&ds, 3, negw, 2, rw, OB_SVY_REP_JK1, NAN, NAN, NULL,
	                                        false, NULL, &d), OB_EINVAL);
	assert_int_equal(d.line, 2);
	assert_string_equal(d.value, "0");
	/* a negative replicate weight */
	assert_int_equal(ob_svy_design_init_rep(&ds, 3, w, 2, negrw, OB_SVY_REP_JK1, NAN, NAN, NULL,
	                                        false, NULL, &d), OB_EINVAL);
	assert_int_equal(d.line, 2);
	assert_string_equal(d.value, "-1");
	/* fay without rho; rho with brr; brr with a scale; jkn without rscales; one replicate */
	assert_int_equal(ob_svy_design_init_rep(&ds, 3, w, 2, rw, OB_SVY_REP_FAY, NAN, NAN, NULL,
	                                        false, NULL, &d), OB_EINVAL);
	assert_int_equal(ob_svy_design_init_rep(&ds, 3, w, 2, rw, OB_SVY_REP_BRR, 0.5, NAN, NULL,
	                                        false, NULL, &d), OB_EINVAL);
	assert_int_equal(ob_svy_design_init_rep(&ds, 3, w, 2, rw, OB_SVY_REP_BRR, NAN, 2, NULL,
	                                        false, NULL, &d), OB_EINVAL);
	assert_int_equal(ob_svy_design_init_rep(&ds, 3, w, 2, rw, OB_SVY_REP_JKN, NAN, NAN, NULL,
	                                        false, NULL, &d), OB_EINVAL);
	assert_int_equal(ob_svy_design_init_rep(&ds, 3, w, 1, rw, OB_SVY_REP_JK1, NAN, NAN, NULL,
	                                        false, NULL, &d), OB_EINVAL);
	/* a good one, for contrast: bootstrap's default scale 1/(R - 1) */
	assert_int_equal(ob_svy_design_init_rep(&ds, 3, w, 2, rw, OB_SVY_REP_BOOTSTRAP, NAN, NAN,
	                                        NULL, false, NULL, &d), OB_OK);
	assert_true(ds.scale == 1);
	assert_true(ds.df == 1);
	ob_svy_design_release(&ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replicates_against_r),
		cmocka_unit_test(wilson_against_r),
		cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
