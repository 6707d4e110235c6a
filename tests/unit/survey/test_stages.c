/*
 * test_stages.c - designs with declared later stages (SSUs, a third stage)
 * and finite population corrections at every stage, against R's survey
 * package (tests/data/survey/stages.csv, made by make_stages.R; see the
 * README there), and their refusals.
 */
#include "test.h"

#include <math.h>

#include "../stats/refcsv.h"
#include "survey/estimate.h"

#define REL 1e-9
#define MAXN 256

struct sample {
	struct refcsv t;
	size_t n;
	double *w;
};

/* Codes of column col (NULL: none, code 0) nested in within[] (NULL: in
 * nothing), as R's nest = TRUE: a code is its value within its parent.
 * Returns the number of codes. */
static size_t nested(const struct sample *s, const char *col, const size_t *within, size_t *code)
{
	static size_t parent[MAXN];
	static const char *value[MAXN];
	size_t count = 0;

	assert_true(s->n <= MAXN);
	for (size_t i = 0; i < s->n; i++) {
		const char *v = col ? refcsv_str(&s->t, i, col) : "";
		size_t p = within ? within[i] : 0, c = 0;

		while (c < count && !(parent[c] == p && !strcmp(value[c], v)))
			c++;
		if (c == count) {
			parent[count] = p;
			value[count++] = v;
		}
		code[i] = c;
	}
	return count;
}

static double *column(const struct sample *s, const char *name)
{
	double *v = ob_calloc(s->n, sizeof(double));
	for (size_t i = 0; i < s->n; i++)
		v[i] = *refcsv_str(&s->t, i, name) ? refcsv_num(&s->t, i, name) : NAN;
	return v;
}

/* The stages of design dn of make_stages.R; fpc columns into fpc[]. */
static size_t stages_of(const struct sample *s, const char *dn, struct ob_svy_stage *st,
                        size_t code[][MAXN], double *fpc[3])
{
	const char *fcol[3] = { "N1", "N2", NULL }, *s2 = NULL, *psu = "psu", *stratum = "stratum";
	size_t k = 2;

	memset(st, 0, 3 * sizeof(*st));
	if (!strcmp(dn, "two_wr2"))
		fcol[1] = NULL;
	else if (!strcmp(dn, "two_wr1"))
		fcol[0] = NULL;
	else if (!strcmp(dn, "two_s2"))
		s2 = "s2", fcol[1] = "N2s";
	else if (!strcmp(dn, "two_frac"))
		fcol[0] = "f1", fcol[1] = "f2";
	else if (!strcmp(dn, "unstrat"))
		stratum = NULL, psu = "upsu", fcol[0] = "N1all";
	else if (!strcmp(dn, "three"))
		k = 3, fcol[2] = "N3";
	else
		assert_string_equal(dn, "two");
	if (stratum) {
		st[0].nstrata = nested(s, stratum, NULL, code[0]);
		st[0].stratum = code[0];
	}
	st[0].nunits = nested(s, psu, stratum ? code[0] : NULL, code[1]);
	st[0].unit = code[1];
	if (s2) {
		st[1].nstrata = nested(s, s2, code[1], code[2]);
		st[1].stratum = code[2];
	}
	st[1].nunits = nested(s, "ssu", s2 ? code[2] : code[1], code[3]);
	st[1].unit = code[3];
	if (k == 3) {
		st[2].nunits = nested(s, "id", code[3], code[4]);
		st[2].unit = code[4];
	}
	for (size_t j = 0; j < k; j++)
		if (fcol[j]) {
			fpc[j] = column(s, fcol[j]);
			st[j].fpc = fpc[j];
		}
	return k;
}

/* Every row of stages.csv. */
static void stages_against_r(void **state)
{
	struct sample s;
	struct refcsv t;
	double *income, *victim, *incidents;
	size_t checked = 0, lonely = 0;
	(void)state;

	refcsv_load(&s.t, "survey/stages_sample.csv");
	s.n = s.t.nrows;
	s.w = column(&s, "weight");
	income = column(&s, "income");
	victim = column(&s, "victim");
	incidents = column(&s, "incidents");
	refcsv_load(&t, "survey/stages.csv");
	assert_int_equal(t.nrows, 420);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *dn = refcsv_str(&t, r, "design"), *est = refcsv_str(&t, r, "estimator");
		const char *dom = refcsv_str(&t, r, "domain"), *var = refcsv_str(&t, r, "variable");
		enum ob_svy_lonely rule;
		struct ob_svy_stage st[3];
		static size_t code[5][MAXN];
		double *fpc[3] = { NULL, NULL, NULL };
		const double *y = !strcmp(var, "income") ? income : !strcmp(var, "victim") ? victim
		                                                                           : incidents;
		size_t rows[MAXN], m = 0, k;
		struct ob_svy_design ds;
		struct ob_svy_scratch sc;
		struct ob_svy_opts o;
		struct ob_svy_est e;
		struct ob_diag d;

		assert_true(ob_svy_lonely_parse(refcsv_str(&t, r, "lonely"), &rule));
		k = stages_of(&s, dn, st, code, fpc);
		ob_diag_clear(&d);
		if (ob_svy_design_init_stages(&ds, s.n, s.w, k, st, rule, NULL, &d))
			fail_msg("row %zu: design %s: %s", r + 2, dn, d.message);
		assert_int_equal(ds.nstages, k);
		assert_true(ds.df == refcsv_num(&t, r, "degf"));
		for (size_t i = 0; *dom && i < s.n; i++)
			if (!strcmp(refcsv_str(&s.t, i, "region"), dom))
				rows[m++] = i;
		ob_svy_scratch_init(&sc, &ds);
		ob_svy_opts_init(&o);
		if (!strcmp(est, "quantile")) {
			assert_int_equal(ob_svy_quantile(&ds, &sc, y, refcsv_num(&t, r, "quantile"),
			                                 *dom ? rows : NULL, m, &o, &e), OB_OK);
		} else {
			enum ob_svy_estimator kind = !strcmp(est, "mean") ? OB_SVY_MEAN
			                           : !strcmp(est, "prop") ? OB_SVY_PROP
			                           : !strcmp(est, "total") ? OB_SVY_TOTAL : OB_SVY_RATIO;
			assert_string_equal(ob_svy_estimator_name(kind), est);
			assert_true(ob_svy_ci_parse(refcsv_str(&t, r, "ci_method"), &o.prop_ci));
			assert_int_equal(ob_svy_estimate(&ds, &sc, kind, y,
			                                 kind == OB_SVY_RATIO ? victim : NULL,
			                                 *dom ? rows : NULL, m, &o, &e), OB_OK);
			if (!refcsv_is_na(&t, r, "deff"))
				REF_CHECK(&t, r, "deff", e.deff, REL, 0);
		}
		REF_CHECK(&t, r, "estimate", e.estimate, REL, 0);
		REF_CHECK(&t, r, "se", e.se, REL, 0);
		REF_CHECK(&t, r, "ci_lower", e.lower, REL, 0);
		REF_CHECK(&t, r, "ci_upper", e.upper, REL, 0);
		/* PSU B/Q2 has a single SSU, with respondents of both regions;
		 * with stage 1 sampled with replacement stage 2 adds nothing */
		assert_int_equal(!!(e.flags & OB_SVY_LONELY_PSU), !!strcmp(dn, "two_wr1"));
		assert_int_equal(ds.nlonely, strcmp(dn, "two_wr1") ? 1 : 0);
		lonely += !!(e.flags & OB_SVY_LONELY_PSU);
		checked++;
		ob_svy_scratch_release(&sc);
		ob_svy_design_release(&ds);
		for (size_t j = 0; j < 3; j++)
			free(fpc[j]);
	}
	assert_int_equal(checked, 420);
	assert_int_equal(lonely, 360);
	refcsv_free(&t);
	free(income);
	free(victim);
	free(incidents);
	free(s.w);
	refcsv_free(&s.t);
}

/* The rows of quantile_ci.csv (make_quantile_ci.R) on design "two":
 * svyquantile's "beta", "xlogit" and "asin" intervals by region. */
static void quantile_ci_against_r(void **state)
{
	struct sample s;
	struct refcsv t;
	struct ob_svy_stage st[3];
	static size_t code[5][MAXN];
	double *fpc[3] = { NULL, NULL, NULL }, *income;
	struct ob_svy_design ds;
	struct ob_svy_scratch sc;
	struct ob_diag d;
	size_t checked = 0, k;
	(void)state;

	refcsv_load(&s.t, "survey/stages_sample.csv");
	s.n = s.t.nrows;
	s.w = column(&s, "weight");
	income = column(&s, "income");
	k = stages_of(&s, "two", st, code, fpc);
	ob_diag_clear(&d);
	assert_int_equal(ob_svy_design_init_stages(&ds, s.n, s.w, k, st, OB_SVY_LONELY_ADJUST,
	                                           NULL, &d), OB_OK);
	ob_svy_scratch_init(&sc, &ds);
	refcsv_load(&t, "survey/quantile_ci.csv");
	for (size_t r = 0; r < t.nrows; r++) {
		const char *dom = refcsv_str(&t, r, "domain");
		size_t rows[MAXN], m = 0;
		struct ob_svy_opts o;
		struct ob_svy_est e;

		if (strcmp(refcsv_str(&t, r, "design"), "two"))
			continue;
		for (size_t i = 0; *dom && i < s.n; i++)
			if (!strcmp(refcsv_str(&s.t, i, "region"), dom))
				rows[m++] = i;
		ob_svy_opts_init(&o);
		assert_true(ob_svy_ci_parse(refcsv_str(&t, r, "interval_type"), &o.quantile_ci));
		assert_int_equal(ob_svy_quantile(&ds, &sc, income, refcsv_num(&t, r, "quantile"),
		                                 *dom ? rows : NULL, m, &o, &e), OB_OK);
		REF_CHECK(&t, r, "estimate", e.estimate, REL, 0);
		REF_CHECK(&t, r, "ci_lower", e.lower, REL, 0);
		REF_CHECK(&t, r, "ci_upper", e.upper, REL, 0);
		REF_CHECK(&t, r, "se", e.se, REL, 0);
		assert_true(e.flags & OB_SVY_LONELY_PSU);
		checked++;
	}
	assert_int_equal(checked, 18);
	refcsv_free(&t);
	ob_svy_scratch_release(&sc);
	ob_svy_design_release(&ds);
	for (size_t j = 0; j < 3; j++)
		free(fpc[j]);
	free(income);
	free(s.w);
	refcsv_free(&s.t);
}

/* Bad later stages are refused with file, line, column and value. */
static void stage_refusals(void **state)
{
	/* 2 strata x 2 PSUs x 2 SSUs, one respondent each */
	double w[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	double n1[8] = { 5, 5, 5, 5, 9, 9, 9, 9 }, n2[8] = { 4, 4, 6, 6, 3, 3, 2, 2 };
	size_t st[8] = { 0, 0, 0, 0, 1, 1, 1, 1 }, psu[8] = { 0, 0, 1, 1, 2, 2, 3, 3 };
	size_t ssu[8] = { 0, 1, 2, 3, 4, 5, 6, 7 }, lone[8] = { 0, 0, 1, 2, 3, 4, 5, 6 };
	long line[8] = { 2, 3, 4, 5, 6, 7, 8, 9 };
	const char *names[2] = { "uno", "dos" };
	struct ob_svy_source src = { "x.csv", line, 3, 0, names, NULL };
	struct ob_svy_stage sg[2] = { { st, 2, psu, 4, n1, 4 }, { NULL, 0, ssu, 8, n2, 5 } };
	struct ob_svy_design ds;
	struct ob_diag d;
	(void)state;

	ob_diag_clear(&d);
	assert_int_equal(ob_svy_design_init_stages(&ds, 8, w, 2, sg, OB_SVY_LONELY_FAIL, &src, &d),
	                 OB_OK);
	assert_int_equal(ds.used_stages, 2);
	ob_svy_design_release(&ds);
	/* an SSU fpc that changes within its PSU: the line, column and value */
	n2[1] = 7;
	assert_int_equal(ob_svy_design_init_stages(&ds, 8, w, 2, sg, OB_SVY_LONELY_FAIL, &src, &d),
	                 OB_EINVAL);
	assert_string_equal(d.file, "x.csv");
	assert_int_equal(d.line, 3);
	assert_int_equal(d.column, 5);
	assert_string_equal(d.value, "7");
	assert_non_null(strstr(d.message, "2"));
	n2[1] = 4;
	/* an SSU population below the SSUs sampled in the PSU (2 > 1) */
	n2[6] = n2[7] = 1.5;
	assert_int_equal(ob_svy_design_init_stages(&ds, 8, w, 2, sg, OB_SVY_LONELY_FAIL, &src, &d),
	                 OB_EINVAL);
	assert_int_equal(d.line, 8);
	assert_int_equal(d.column, 5);
	assert_string_equal(d.value, "1.5");
	n2[6] = n2[7] = 2;
	/* a lonely SSU under "fail": the line of the unit; "adjust" flags it */
	sg[1].unit = lone;
	sg[1].nunits = 7;
	assert_int_equal(ob_svy_design_init_stages(&ds, 8, w, 2, sg, OB_SVY_LONELY_FAIL, &src, &d),
	                 OB_EINVAL);
	assert_int_equal(d.line, 2);
	assert_int_equal(ob_svy_design_init_stages(&ds, 8, w, 2, sg, OB_SVY_LONELY_ADJUST, &src, &d),
	                 OB_OK);
	assert_int_equal(ds.nlonely, 1);
	ob_svy_design_release(&ds);
	/* ... but not below a first stage without fpc, which adds nothing */
	sg[0].fpc = NULL;
	assert_int_equal(ob_svy_design_init_stages(&ds, 8, w, 2, sg, OB_SVY_LONELY_FAIL, &src, &d),
	                 OB_OK);
	assert_int_equal(ds.nlonely, 0);
	assert_int_equal(ds.used_stages, 1);
	ob_svy_design_release(&ds);
	sg[0].fpc = n1;
	sg[1].unit = ssu;
	sg[1].nunits = 8;
	/* an SSU code in two PSUs: the caller's codes must nest */
	ssu[2] = 1;
	assert_int_equal(ob_svy_design_init_stages(&ds, 8, w, 2, sg, OB_SVY_LONELY_ADJUST, &src, &d),
	                 OB_EINVAL);
	assert_int_equal(d.line, 4);
	ssu[2] = 2;
	/* too many stages */
	assert_int_equal(ob_svy_design_init_stages(&ds, 8, w, OB_MAX_SURVEY_STAGES + 1, sg,
	                                           OB_SVY_LONELY_ADJUST, &src, &d), OB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stages_against_r),
		cmocka_unit_test(quantile_ci_against_r),
		cmocka_unit_test(stage_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
