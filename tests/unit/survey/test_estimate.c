/*
 * test_estimate.c - survey designs and estimates against R's survey package
 * (tests/data/survey/: estimates.csv, domains.csv, svyciprop.csv made by
 * make_survey.R, designs.csv by make_designs.R, quantiles.csv and
 * svyciprop_likelihood.csv by make_quantiles.R, quantile_ci.csv by
 * make_quantile_ci.R, wilson.csv by make_wilson.R; see the README there).
 */
#include "test.h"

#include <math.h>

#include "../stats/refcsv.h"
#include "survey/estimate.h"

#define REL 1e-9
/* survey's likelihood limits are interpolated on a profile: they differ
 * from the exact ones (make_quantiles.R) by up to 1.3e-4 relative here */
#define REL_PROFILE 2e-4

/* A sample read from a reference CSV, with its design columns as codes. */
struct sample {
	struct refcsv t;
	size_t n;
	double *w, *fpc;
	size_t *stratum, *psu, nstrata, npsu;
	char *stratum_name[64];
};

/* The code of s among names[0..*count), added when new. */
static size_t code(char **names, size_t *count, size_t max, const char *s)
{
	for (size_t i = 0; i < *count; i++)
		if (!strcmp(names[i], s))
			return i;
	assert_true(*count < max);
	names[*count] = ob_strdup(s);
	return (*count)++;
}

static void sample_load(struct sample *s, const char *path, const char *stratum_col,
                        const char *psu_col)
{
	static char *psu_names[4096];
	size_t npsu = 0;

	memset(s, 0, sizeof(*s));
	refcsv_load(&s->t, path);
	s->n = s->t.nrows;
	s->w = ob_calloc(s->n, sizeof(double));
	s->fpc = ob_calloc(s->n, sizeof(double));
	s->stratum = ob_calloc(s->n, sizeof(size_t));
	s->psu = ob_calloc(s->n, sizeof(size_t));
	for (size_t r = 0; r < s->n; r++) {
		char key[512];
		s->w[r] = refcsv_num(&s->t, r, "weight");
		s->stratum[r] = code(s->stratum_name, &s->nstrata, 64,
		                     refcsv_str(&s->t, r, stratum_col));
		snprintf(key, sizeof(key), "%s/%s", refcsv_str(&s->t, r, stratum_col),
		         refcsv_str(&s->t, r, psu_col));
		s->psu[r] = code(psu_names, &npsu, OB_ARRAY_SIZE(psu_names), key);
	}
	s->npsu = npsu;
	for (size_t i = 0; i < npsu; i++)
		free(psu_names[i]);
}

static void sample_free(struct sample *s)
{
	for (size_t h = 0; h < s->nstrata; h++)
		free(s->stratum_name[h]);
	free(s->w);
	free(s->fpc);
	free(s->stratum);
	free(s->psu);
	refcsv_free(&s->t);
}

/* A numeric column of the sample: NaN where empty. */
static double *column(struct sample *s, const char *name)
{
	double *v = ob_calloc(s->n, sizeof(double));
	for (size_t r = 0; r < s->n; r++)
		v[r] = *refcsv_str(&s->t, r, name) ? refcsv_num(&s->t, r, name) : NAN;
	return v;
}

/* The design called name in make_survey.R. */
static void design(struct ob_svy_design *ds, struct sample *s, const char *name,
                   enum ob_svy_lonely rule)
{
	struct ob_diag d;
	const size_t *st = NULL, *psu = NULL;
	const double *fpc = NULL;
	size_t nst = 0, npsu = 0;

	if (!strcmp(name, "strat_clus") || !strcmp(name, "strat_clus_fpc")) {
		st = s->stratum, nst = s->nstrata, psu = s->psu, npsu = s->npsu;
	} else if (!strcmp(name, "strat_only")) {
		st = s->stratum, nst = s->nstrata;
	} else {
		assert_string_equal(name, "weights_only");
	}
	if (!strcmp(name, "strat_clus_fpc")) {
		for (size_t r = 0; r < s->n; r++)
			s->fpc[r] = refcsv_num(&s->t, r, "fpc_psus_in_stratum");
		fpc = s->fpc;
	}
	ob_diag_clear(&d);
	if (ob_svy_design_init(ds, s->n, s->w, st, nst, psu, npsu, fpc, rule, NULL, &d))
		fail_msg("design %s: %s", name, d.message);
}

/* na_is_none: an NA design effect in the reference means there is none
 * (ratios); otherwise it was not asked of R (svyby without deff). */
static void check_est(const struct refcsv *t, size_t r, const struct ob_svy_est *e,
                      const char *lo, const char *hi, bool na_is_none)
{
	REF_CHECK(t, r, "estimate", e->estimate, REL, 0);
	REF_CHECK(t, r, "se", e->se, REL, 0);
	if (!refcsv_is_na(t, r, "deff"))
		REF_CHECK(t, r, "deff", e->deff, REL, 0);
	else if (na_is_none)
		assert_true(isnan(e->deff));
	else
		assert_true(e->deff > 0);
	REF_CHECK(t, r, lo, e->lower, REL, 0);
	REF_CHECK(t, r, hi, e->upper, REL, 0);
}

/* Every row of estimates.csv, with the t(degf) and the normal intervals. */
static void estimates_against_r(void **state)
{
	struct sample s;
	struct refcsv t;
	double *victim, *ninc, *age, *reported;
	size_t checked = 0;
	(void)state;

	sample_load(&s, "survey/survey_sample.csv", "stratum", "psu");
	victim = column(&s, "victim");
	ninc = column(&s, "n_incidents");
	age = column(&s, "age");
	reported = column(&s, "reported");
	refcsv_load(&t, "survey/estimates.csv");
	assert_int_equal(t.nrows, 28);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *est = refcsv_str(&t, r, "estimator"), *var = refcsv_str(&t, r, "variable");
		enum ob_svy_estimator k = OB_SVY_MEAN;
		const double *y = NULL, *x = NULL;
		const size_t *rows = NULL;
		size_t m = 0, vrows[64];
		struct ob_svy_design ds;
		struct ob_svy_scratch sc;
		struct ob_svy_opts o;
		struct ob_svy_est e;

		if (!strcmp(var, "victim"))
			y = victim;
		else if (!strcmp(var, "n_incidents") || !strcmp(var, "n_incidents/victim"))
			y = ninc;
		else if (!strcmp(var, "age"))
			y = age;
		else if (!strcmp(var, "reported"))
			y = reported;
		else
			fail_msg("row %zu: variable %s", r + 2, var);
		if (!strcmp(est, "svymean")) {
			k = OB_SVY_MEAN;
		} else if (!strcmp(est, "svytotal")) {
			k = OB_SVY_TOTAL;
		} else if (!strcmp(est, "svyratio")) {
			k = OB_SVY_RATIO;
			x = victim;
		} else {
			assert_string_equal(est, "svymean_subset_victims");
			k = OB_SVY_MEAN;
			for (size_t i = 0; i < s.n; i++)
				if (victim[i] == 1)
					vrows[m++] = i;
			rows = vrows;
		}
		design(&ds, &s, refcsv_str(&t, r, "design"), OB_SVY_LONELY_FAIL);
		assert_true(ds.df == refcsv_num(&t, r, "degf"));
		ob_svy_scratch_init(&sc, &ds);
		ob_svy_opts_init(&o);
		assert_int_equal(ob_svy_estimate(&ds, &sc, k, y, x, rows, m, &o, &e), OB_OK);
		check_est(&t, r, &e, "ci_lower_t_degf", "ci_upper_t_degf", true);
		assert_false(e.flags & (OB_SVY_NO_INTERVAL | OB_SVY_NO_CASES | OB_SVY_LONELY_PSU));
		o.normal = true;
		assert_int_equal(ob_svy_estimate(&ds, &sc, k, y, x, rows, m, &o, &e), OB_OK);
		check_est(&t, r, &e, "ci_lower_normal", "ci_upper_normal", true);
		checked++;
		ob_svy_scratch_release(&sc);
		ob_svy_design_release(&ds);
	}
	assert_int_equal(checked, 28);
	refcsv_free(&t);
	free(victim);
	free(ninc);
	free(age);
	free(reported);
	sample_free(&s);
}

/* Every row of domains.csv: svyby means by sex and by stratum on the whole design. */
static void domains_against_r(void **state)
{
	struct sample s;
	struct refcsv t;
	double *victim;
	(void)state;

	sample_load(&s, "survey/survey_sample.csv", "stratum", "psu");
	victim = column(&s, "victim");
	refcsv_load(&t, "survey/domains.csv");
	assert_int_equal(t.nrows, 20);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *dv = refcsv_str(&t, r, "domain_var"), *dom = refcsv_str(&t, r, "domain");
		size_t rows[64], m = 0;
		struct ob_svy_design ds;
		struct ob_svy_scratch sc;
		struct ob_svy_opts o;
		struct ob_svy_est e;

		assert_string_equal(refcsv_str(&t, r, "variable"), "victim");
		for (size_t i = 0; i < s.n; i++)
			if (!strcmp(refcsv_str(&s.t, i, dv), dom))
				rows[m++] = i;
		assert_true(m > 0 && m < s.n);
		design(&ds, &s, refcsv_str(&t, r, "design"), OB_SVY_LONELY_FAIL);
		ob_svy_scratch_init(&sc, &ds);
		ob_svy_opts_init(&o);
		o.prop_ci = OB_SVY_CI_WALD;
		assert_int_equal(ob_svy_estimate(&ds, &sc, OB_SVY_PROP, victim, NULL, rows, m, &o, &e),
		                 OB_OK);
		check_est(&t, r, &e, "ci_lower_t_degf", "ci_upper_t_degf", false);
		assert_int_equal(e.n, m);
		o.normal = true;
		assert_int_equal(ob_svy_estimate(&ds, &sc, OB_SVY_MEAN, victim, NULL, rows, m, &o, &e),
		                 OB_OK);
		check_est(&t, r, &e, "ci_lower_normal", "ci_upper_normal", false);
		ob_svy_scratch_release(&sc);
		ob_svy_design_release(&ds);
	}
	refcsv_free(&t);
	free(victim);
	sample_free(&s);
}

/* svyciprop.csv: every method; "likelihood" to survey's interpolation
 * (svyciprop_likelihood.csv checks it to 1e-9 against the exact limits). */
static void svyciprop_against_r(void **state)
{
	struct sample s;
	struct refcsv t;
	double *victim;
	size_t checked = 0, profiled = 0;
	(void)state;

	sample_load(&s, "survey/survey_sample.csv", "stratum", "psu");
	victim = column(&s, "victim");
	refcsv_load(&t, "survey/svyciprop.csv");
	for (size_t r = 0; r < t.nrows; r++) {
		const char *meth = refcsv_str(&t, r, "method");
		enum ob_svy_ci m;
		struct ob_svy_design ds;
		struct ob_svy_scratch sc;
		struct ob_svy_opts o;
		struct ob_svy_est e;
		double rel = REL;

		if (!strcmp(meth, "likelihood")) {
			rel = REL_PROFILE;
			profiled++;
		}
		assert_true(ob_svy_ci_parse(meth, &m));
		design(&ds, &s, refcsv_str(&t, r, "design"), OB_SVY_LONELY_FAIL);
		ob_svy_scratch_init(&sc, &ds);
		ob_svy_opts_init(&o);
		o.prop_ci = m;
		assert_int_equal(ob_svy_estimate(&ds, &sc, OB_SVY_PROP, victim, NULL, NULL, 0, &o, &e),
		                 OB_OK);
		assert_int_equal(e.ci, m);
		REF_CHECK(&t, r, "estimate", e.estimate, REL, 0);
		REF_CHECK(&t, r, "se", e.se, REL, 0);
		REF_CHECK(&t, r, "ci_lower", e.lower, rel, 0);
		REF_CHECK(&t, r, "ci_upper", e.upper, rel, 0);
		checked++;
		ob_svy_scratch_release(&sc);
		ob_svy_design_release(&ds);
	}
	assert_int_equal(checked, 24);
	assert_int_equal(profiled, 4);
	refcsv_free(&t);
	free(victim);
	sample_free(&s);
}

/* Every row of designs.csv (make_designs.R): a lonely PSU under "adjust" and
 * "remove", fpc as fractions, domains of every estimator and interval. */
static void designs_against_r(void **state)
{
	struct sample s;
	struct refcsv t;
	double *victim, *reported, *incidents, *income;
	size_t lonely_flagged = 0;
	(void)state;

	sample_load(&s, "survey/designs_sample.csv", "stratum", "psu");
	victim = column(&s, "victim");
	reported = column(&s, "reported");
	incidents = column(&s, "incidents");
	income = column(&s, "income");
	for (size_t r = 0; r < s.n; r++)
		s.fpc[r] = refcsv_num(&s.t, r, "fpc_frac");
	refcsv_load(&t, "survey/designs.csv");
	assert_int_equal(t.nrows, 108);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *dn = refcsv_str(&t, r, "design"), *var = refcsv_str(&t, r, "variable");
		const char *est = refcsv_str(&t, r, "estimator"), *dom = refcsv_str(&t, r, "domain");
		const double *y = NULL, *x = NULL;
		enum ob_svy_estimator k = OB_SVY_MEAN;
		enum ob_svy_lonely rule = strncmp(dn, "adjust", 6) ? OB_SVY_LONELY_REMOVE
		                                                   : OB_SVY_LONELY_ADJUST;
		size_t rows[64], m = 0;
		struct ob_svy_design ds;
		struct ob_svy_scratch sc;
		struct ob_svy_opts o;
		struct ob_svy_est e;
		struct ob_diag d;

		if (!strcmp(var, "victim"))
			y = victim;
		else if (!strcmp(var, "reported"))
			y = reported;
		else if (!strcmp(var, "incidents"))
			y = incidents;
		else if (!strcmp(var, "income"))
			y = income;
		else
			fail_msg("row %zu: variable %s", r + 2, var);
		if (!strcmp(est, "prop"))
			k = OB_SVY_PROP;
		else if (!strcmp(est, "mean"))
			k = OB_SVY_MEAN;
		else if (!strcmp(est, "total"))
			k = OB_SVY_TOTAL;
		else if (!strcmp(est, "ratio"))
			k = OB_SVY_RATIO, x = victim;
		else
			fail_msg("row %zu: estimator %s", r + 2, est);
		if (*dom)
			for (size_t i = 0; i < s.n; i++)
				if (!strcmp(refcsv_str(&s.t, i, "region"), dom))
					rows[m++] = i;
		ob_diag_clear(&d);
		assert_int_equal(ob_svy_design_init(&ds, s.n, s.w, s.stratum, s.nstrata, s.psu, s.npsu,
		                                    strstr(dn, "_fpc") ? s.fpc : NULL, rule, NULL, &d),
		                 OB_OK);
		assert_int_equal(ds.nlonely, 1);
		assert_true(ds.df == refcsv_num(&t, r, "degf"));
		ob_svy_scratch_init(&sc, &ds);
		ob_svy_opts_init(&o);
		assert_true(ob_svy_ci_parse(refcsv_str(&t, r, "ci_method"), &o.prop_ci));
		assert_int_equal(ob_svy_estimate(&ds, &sc, k, y, x, *dom ? rows : NULL, m, &o, &e),
		                 OB_OK);
		REF_CHECK(&t, r, "estimate", e.estimate, REL, 0);
		REF_CHECK(&t, r, "se", e.se, REL, 0);
		REF_CHECK(&t, r, "ci_lower", e.lower, REL, 0);
		REF_CHECK(&t, r, "ci_upper", e.upper, REL, 0);
		if (!refcsv_is_na(&t, r, "deff"))
			REF_CHECK(&t, r, "deff", e.deff, REL, 0);
		else if (k == OB_SVY_RATIO)
			assert_true(isnan(e.deff));
		assert_int_equal(!!(e.flags & OB_SVY_MISSING), y == reported);
		lonely_flagged += !!(e.flags & OB_SVY_LONELY_PSU);
		ob_svy_scratch_release(&sc);
		ob_svy_design_release(&ds);
	}
	/* the lonely stratum C has respondents in every domain */
	assert_int_equal(lonely_flagged, 108);
	refcsv_free(&t);
	free(victim);
	free(reported);
	free(incidents);
	free(income);
	sample_free(&s);
}

/* Bad designs are refused with where and why; empty domains are flagged. */
static void refusals_and_flags(void **state)
{
	double w[4] = { 1, 2, 3, 4 }, y[4] = { 1, 0, 1, NAN }, fpc[4] = { 10, 10, 10, 12 };
	size_t st[4] = { 0, 0, 1, 1 }, psu[4] = { 0, 1, 2, 2 }, rows[1] = { 3 };
	long line[4] = { 2, 3, 4, 5 };
	const char *names[2] = { "uno", "dos" };
	struct ob_svy_source src = { "x.csv", line, 7, 8, names };
	struct ob_svy_design ds;
	struct ob_svy_scratch sc;
	struct ob_svy_opts o;
	struct ob_svy_est e;
	struct ob_diag d;
	(void)state;

	ob_diag_clear(&d);
	/* a lonely PSU under "fail": names the stratum */
	assert_int_equal(ob_svy_design_init(&ds, 4, w, st, 2, psu, 3, NULL, OB_SVY_LONELY_FAIL,
	                                    &src, &d), OB_EINVAL);
	assert_non_null(strstr(d.message, "dos"));
	/* a weight of 0: file, line, column, value */
	w[1] = 0;
	assert_int_equal(ob_svy_design_init(&ds, 4, w, st, 2, psu, 3, NULL, OB_SVY_LONELY_ADJUST,
	                                    &src, &d), OB_EINVAL);
	assert_string_equal(d.file, "x.csv");
	assert_int_equal(d.line, 3);
	assert_int_equal(d.column, 7);
	assert_string_equal(d.value, "0");
	w[1] = 2;
	/* an fpc that changes within a stratum */
	assert_int_equal(ob_svy_design_init(&ds, 4, w, st, 2, psu, 3, fpc, OB_SVY_LONELY_ADJUST,
	                                    &src, &d), OB_EINVAL);
	assert_int_equal(d.line, 5);
	assert_int_equal(d.column, 8);
	/* a PSU in two strata */
	psu[2] = 1;
	assert_int_equal(ob_svy_design_init(&ds, 4, w, st, 2, psu, 3, NULL, OB_SVY_LONELY_ADJUST,
	                                    &src, &d), OB_EINVAL);
	assert_int_equal(d.line, 4);
	psu[2] = 2;

	assert_int_equal(ob_svy_design_init(&ds, 4, w, st, 2, psu, 3, NULL, OB_SVY_LONELY_ADJUST,
	                                    &src, &d), OB_OK);
	ob_svy_scratch_init(&sc, &ds);
	ob_svy_opts_init(&o);
	/* a domain whose only respondent has no value: no estimate, flagged */
	assert_int_equal(ob_svy_estimate(&ds, &sc, OB_SVY_PROP, y, NULL, rows, 1, &o, &e), OB_OK);
	assert_true(isnan(e.estimate) && isnan(e.se) && isnan(e.lower));
	assert_true(e.flags & OB_SVY_NO_CASES);
	assert_true(e.flags & OB_SVY_MISSING);
	assert_int_equal(e.n, 0);
	/* a domain with no respondents at all */
	assert_int_equal(ob_svy_estimate(&ds, &sc, OB_SVY_MEAN, y, NULL, rows, 0, &o, &e), OB_OK);
	assert_true((e.flags & OB_SVY_NO_CASES) && isnan(e.estimate));
	/* a domain of one respondent of the lonely stratum: its linearised
	 * value is 0, yet its variance rests on the lonely-PSU rule */
	rows[0] = 2;
	assert_int_equal(ob_svy_estimate(&ds, &sc, OB_SVY_MEAN, y, NULL, rows, 1, &o, &e), OB_OK);
	assert_true(e.estimate == 1 && e.se == 0);
	assert_true(e.flags & OB_SVY_LONELY_PSU);
	rows[0] = 0;
	assert_int_equal(ob_svy_estimate(&ds, &sc, OB_SVY_MEAN, y, NULL, rows, 1, &o, &e), OB_OK);
	assert_false(e.flags & OB_SVY_LONELY_PSU);
	/* a proportion of a variable that is not 0/1 */
	y[0] = 2;
	assert_int_equal(ob_svy_estimate(&ds, &sc, OB_SVY_PROP, y, NULL, NULL, 0, &o, &e),
	                 OB_EINVAL);
	/* a proportion of 1: no logit interval, flagged, never a number */
	y[0] = 1;
	y[1] = 1;
	assert_int_equal(ob_svy_estimate(&ds, &sc, OB_SVY_PROP, y, NULL, NULL, 0, &o, &e), OB_OK);
	assert_true(e.estimate == 1 && isnan(e.lower) && (e.flags & OB_SVY_NO_INTERVAL));
	assert_true(e.flags & OB_SVY_FEW_CASES);
	ob_svy_scratch_release(&sc);
	ob_svy_design_release(&ds);
}

/* svyciprop_likelihood.csv: the likelihood interval of victim on every
 * design, for everyone and by sex, t(degf) and normal: the exact limits to
 * 1e-9, survey's to its interpolation. */
static void likelihood_against_r(void **state)
{
	struct sample s;
	struct refcsv t;
	double *victim;
	(void)state;

	sample_load(&s, "survey/survey_sample.csv", "stratum", "psu");
	victim = column(&s, "victim");
	refcsv_load(&t, "survey/svyciprop_likelihood.csv");
	assert_int_equal(t.nrows, 24);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *dom = refcsv_str(&t, r, "domain");
		size_t rows[64], m = 0;
		struct ob_svy_design ds;
		struct ob_svy_scratch sc;
		struct ob_svy_opts o;
		struct ob_svy_est e;

		for (size_t i = 0; *dom && i < s.n; i++)
			if (!strcmp(refcsv_str(&s.t, i, "sex"), dom))
				rows[m++] = i;
		design(&ds, &s, refcsv_str(&t, r, "design"), OB_SVY_LONELY_FAIL);
		ob_svy_scratch_init(&sc, &ds);
		ob_svy_opts_init(&o);
		assert_true(ob_svy_ci_parse("likelihood", &o.prop_ci));
		o.normal = !strcmp(refcsv_str(&t, r, "interval"), "normal");
		assert_int_equal(ob_svy_estimate(&ds, &sc, OB_SVY_PROP, victim, NULL, *dom ? rows : NULL,
		                                 m, &o, &e), OB_OK);
		assert_int_equal(e.ci, OB_SVY_CI_LIKELIHOOD);
		assert_string_equal(ob_svy_ci_name(e.ci), "likelihood");
		assert_false(e.flags & OB_SVY_NO_INTERVAL);
		REF_CHECK(&t, r, "estimate", e.estimate, REL, 0);
		REF_CHECK(&t, r, "se", e.se, REL, 0);
		REF_CHECK(&t, r, "exact_lower", e.lower, REL, 0);
		REF_CHECK(&t, r, "exact_upper", e.upper, REL, 0);
		REF_CHECK(&t, r, "ci_lower", e.lower, REL_PROFILE, 0);
		REF_CHECK(&t, r, "ci_upper", e.upper, REL_PROFILE, 0);
		ob_svy_scratch_release(&sc);
		ob_svy_design_release(&ds);
	}
	refcsv_free(&t);
	free(victim);
	sample_free(&s);
}

/* One sample of quantiles.csv: its rows of design dn are checked. */
static size_t quantiles_of(struct refcsv *t, const char *path, const char *dn_prefix,
                           enum ob_svy_lonely rule)
{
	struct sample s;
	size_t checked = 0;

	sample_load(&s, path, "stratum", "psu");
	for (size_t r = 0; r < t->nrows; r++) {
		const char *dn = refcsv_str(t, r, "design"), *dv = refcsv_str(t, r, "domain_var");
		const char *dom = refcsv_str(t, r, "domain");
		size_t rows[64], m = 0;
		struct ob_svy_design ds;
		struct ob_svy_scratch sc;
		struct ob_svy_opts o;
		struct ob_svy_est e;
		struct ob_diag d;
		double *y;

		if (strncmp(dn, dn_prefix, strlen(dn_prefix)))
			continue;
		y = column(&s, refcsv_str(t, r, "variable"));
		for (size_t i = 0; *dom && i < s.n; i++)
			if (!strcmp(refcsv_str(&s.t, i, dv), dom))
				rows[m++] = i;
		if (rule == OB_SVY_LONELY_ADJUST) {
			ob_diag_clear(&d);
			assert_int_equal(ob_svy_design_init(&ds, s.n, s.w, s.stratum, s.nstrata, s.psu,
			                                    s.npsu, NULL, rule, NULL, &d), OB_OK);
		} else {
			design(&ds, &s, dn, rule);
		}
		ob_svy_scratch_init(&sc, &ds);
		ob_svy_opts_init(&o);
		o.normal = !strcmp(refcsv_str(t, r, "interval"), "normal");
		if (!o.normal)
			assert_true(ds.df == refcsv_num(t, r, "degf"));
		assert_int_equal(ob_svy_quantile(&ds, &sc, y, refcsv_num(t, r, "quantile"),
		                                 *dom ? rows : NULL, m, &o, &e), OB_OK);
		assert_int_equal(e.ci, OB_SVY_CI_WOODRUFF);
		REF_CHECK(t, r, "estimate", e.estimate, REL, 0);
		REF_CHECK(t, r, "ci_lower", e.lower, REL, 0);
		REF_CHECK(t, r, "ci_upper", e.upper, REL, 0);
		REF_CHECK(t, r, "se", e.se, REL, 0);
		/* an undefined limit is flagged, never a number */
		assert_int_equal(!!(e.flags & OB_SVY_NO_INTERVAL), isnan(e.lower) || isnan(e.upper));
		assert_true(isnan(e.deff));
		assert_int_equal(e.n, *dom ? m : s.n);
		checked++;
		ob_svy_scratch_release(&sc);
		ob_svy_design_release(&ds);
		free(y);
	}
	sample_free(&s);
	return checked;
}

/* Every row of quantiles.csv: svyquantile at 0.25, 0.5, 0.75 for everyone
 * and by domain, on the four designs and with a lonely PSU (the rows of the
 * replicate designs, brr and jk1, are tests/e2e/survey_replicates.sh's). */
static void quantiles_against_r(void **state)
{
	struct refcsv t;
	size_t checked = 0, undefined = 0, replicates = 0;
	(void)state;

	refcsv_load(&t, "survey/quantiles.csv");
	assert_int_equal(t.nrows, 198);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *dn = refcsv_str(&t, r, "design");
		undefined += isnan(refcsv_num(&t, r, "se"));
		replicates += !strcmp(dn, "brr") || !strcmp(dn, "jk1");
	}
	/* the reference holds limits survey leaves undefined */
	assert_true(undefined > 0 && undefined < t.nrows);
	checked += quantiles_of(&t, "survey/survey_sample.csv", "strat_", OB_SVY_LONELY_FAIL);
	checked += quantiles_of(&t, "survey/survey_sample.csv", "weights_only", OB_SVY_LONELY_FAIL);
	checked += quantiles_of(&t, "survey/designs_sample.csv", "adjust", OB_SVY_LONELY_ADJUST);
	assert_int_equal(replicates, 36);
	assert_int_equal(checked + replicates, t.nrows);
	refcsv_free(&t);
}

/* quantile_ci.csv (make_quantile_ci.R): svyquantile's interval.type
 * "beta", "xlogit" and "asin" on the designs of one sample (dn_prefix);
 * the number of rows checked. */
static size_t quantile_ci_of(struct refcsv *t, const char *path, const char *dn_prefix,
                             enum ob_svy_lonely rule)
{
	struct sample s;
	size_t checked = 0;

	sample_load(&s, path, "stratum", "psu");
	for (size_t r = 0; r < t->nrows; r++) {
		const char *dn = refcsv_str(t, r, "design"), *dv = refcsv_str(t, r, "domain_var");
		const char *dom = refcsv_str(t, r, "domain");
		size_t rows[64], m = 0;
		struct ob_svy_design ds;
		struct ob_svy_scratch sc;
		struct ob_svy_opts o;
		struct ob_svy_est e;
		struct ob_diag d;
		double *y;

		if (strncmp(dn, dn_prefix, strlen(dn_prefix)))
			continue;
		y = column(&s, refcsv_str(t, r, "variable"));
		for (size_t i = 0; *dom && i < s.n; i++)
			if (!strcmp(refcsv_str(&s.t, i, dv), dom))
				rows[m++] = i;
		if (rule == OB_SVY_LONELY_ADJUST) {
			ob_diag_clear(&d);
			assert_int_equal(ob_svy_design_init(&ds, s.n, s.w, s.stratum, s.nstrata, s.psu,
			                                    s.npsu, NULL, rule, NULL, &d), OB_OK);
		} else {
			design(&ds, &s, dn, rule);
		}
		ob_svy_scratch_init(&sc, &ds);
		ob_svy_opts_init(&o);
		o.normal = !strcmp(refcsv_str(t, r, "interval"), "normal");
		assert_true(ob_svy_ci_parse(refcsv_str(t, r, "interval_type"), &o.quantile_ci));
		assert_int_equal(ob_svy_quantile(&ds, &sc, y, refcsv_num(t, r, "quantile"),
		                                 *dom ? rows : NULL, m, &o, &e), OB_OK);
		assert_int_equal(e.ci, o.quantile_ci);
		REF_CHECK(t, r, "estimate", e.estimate, REL, 0);
		REF_CHECK(t, r, "ci_lower", e.lower, REL, 0);
		REF_CHECK(t, r, "ci_upper", e.upper, REL, 0);
		REF_CHECK(t, r, "se", e.se, REL, 0);
		assert_int_equal(!!(e.flags & OB_SVY_NO_INTERVAL), isnan(e.lower) || isnan(e.upper));
		checked++;
		ob_svy_scratch_release(&sc);
		ob_svy_design_release(&ds);
		free(y);
	}
	sample_free(&s);
	return checked;
}

/* Every row of quantile_ci.csv but the replicate designs' (e2e) and the
 * two-stage one's (test_stages.c). */
static void quantile_ci_against_r(void **state)
{
	struct refcsv t;
	size_t checked = 0, others = 0;
	struct ob_svy_opts o;
	(void)state;

	refcsv_load(&t, "survey/quantile_ci.csv");
	assert_int_equal(t.nrows, 135);
	for (size_t r = 0; r < t.nrows; r++)
		others += !strcmp(refcsv_str(&t, r, "design"), "brr") ||
		          !strcmp(refcsv_str(&t, r, "design"), "two");
	checked += quantile_ci_of(&t, "survey/survey_sample.csv", "strat_", OB_SVY_LONELY_FAIL);
	checked += quantile_ci_of(&t, "survey/designs_sample.csv", "adjust", OB_SVY_LONELY_ADJUST);
	assert_int_equal(others, 36);
	assert_int_equal(checked + others, t.nrows);
	refcsv_free(&t);
	/* the likelihood interval is not one of svyquantile's */
	ob_svy_opts_init(&o);
	o.quantile_ci = OB_SVY_CI_LIKELIHOOD;
	{
		double w[2] = { 1, 1 }, y[2] = { 1, 2 };
		struct ob_svy_design ds;
		struct ob_svy_scratch sc;
		struct ob_svy_est e;
		struct ob_diag d;

		ob_diag_clear(&d);
		assert_int_equal(ob_svy_design_init(&ds, 2, w, NULL, 0, NULL, 0, NULL,
		                                    OB_SVY_LONELY_FAIL, NULL, &d), OB_OK);
		ob_svy_scratch_init(&sc, &ds);
		assert_int_equal(ob_svy_quantile(&ds, &sc, y, 0.5, NULL, 0, &o, &e), OB_EINVAL);
		/* nor is Wilson's */
		o.quantile_ci = OB_SVY_CI_WILSON;
		assert_int_equal(ob_svy_quantile(&ds, &sc, y, 0.5, NULL, 0, &o, &e), OB_EINVAL);
		ob_svy_scratch_release(&sc);
		ob_svy_design_release(&ds);
	}
}

/* One sample of wilson.csv: its rows of designs dn_prefix; "none" and
 * "all" are proportions of 0 and 1 (every respondent 0, or 1). The number
 * of rows checked. */
static size_t wilson_of(struct refcsv *t, const char *path, const char *dn_prefix,
                        enum ob_svy_lonely rule)
{
	struct sample s;
	size_t checked = 0;

	sample_load(&s, path, "stratum", "psu");
	for (size_t r = 0; r < t->nrows; r++) {
		const char *dn = refcsv_str(t, r, "design"), *dv = refcsv_str(t, r, "domain_var");
		const char *dom = refcsv_str(t, r, "domain"), *var = refcsv_str(t, r, "variable");
		size_t rows[64], m = 0;
		struct ob_svy_design ds;
		struct ob_svy_scratch sc;
		struct ob_svy_opts o;
		struct ob_svy_est e;
		struct ob_diag d;
		double *y;

		if (strncmp(dn, dn_prefix, strlen(dn_prefix)))
			continue;
		if (!strcmp(var, "none") || !strcmp(var, "all")) {
			y = ob_calloc(s.n, sizeof(double));
			for (size_t i = 0; i < s.n; i++)
				y[i] = !strcmp(var, "all");
		} else {
			y = column(&s, var);
		}
		for (size_t i = 0; *dom && i < s.n; i++)
			if (!strcmp(refcsv_str(&s.t, i, dv), dom))
				rows[m++] = i;
		if (rule == OB_SVY_LONELY_ADJUST) {
			ob_diag_clear(&d);
			assert_int_equal(ob_svy_design_init(&ds, s.n, s.w, s.stratum, s.nstrata, s.psu,
			                                    s.npsu, NULL, rule, NULL, &d), OB_OK);
		} else {
			design(&ds, &s, dn, rule);
		}
		ob_svy_scratch_init(&sc, &ds);
		ob_svy_opts_init(&o);
		assert_true(ob_svy_ci_parse("wilson", &o.prop_ci));
		o.normal = !strcmp(refcsv_str(t, r, "interval"), "normal");
		if (!o.normal)
			assert_true(ds.df == refcsv_num(t, r, "degf"));
		assert_int_equal(ob_svy_estimate(&ds, &sc, OB_SVY_PROP, y, NULL, *dom ? rows : NULL, m,
		                                 &o, &e), OB_OK);
		assert_int_equal(e.ci, OB_SVY_CI_WILSON);
		assert_string_equal(ob_svy_ci_name(e.ci), "wilson");
		assert_int_equal(e.n, (size_t)refcsv_num(t, r, "n"));
		REF_CHECK(t, r, "estimate", e.estimate, REL, 0);
		REF_CHECK(t, r, "se", e.se, REL, 0);
		REF_CHECK(t, r, "ci_lower", e.lower, REL, 0);
		REF_CHECK(t, r, "ci_upper", e.upper, REL, 0);
		/* a proportion of 0 or 1 still has its interval, from n */
		assert_false(e.flags & OB_SVY_NO_INTERVAL);
		checked++;
		ob_svy_scratch_release(&sc);
		ob_svy_design_release(&ds);
		free(y);
	}
	sample_free(&s);
	return checked;
}

/* Every row of wilson.csv but the replicate design's (test_replicates.c). */
static void wilson_against_r(void **state)
{
	struct refcsv t;
	size_t checked = 0, brr = 0, undefined = 0;
	(void)state;

	refcsv_load(&t, "survey/wilson.csv");
	assert_int_equal(t.nrows, 32);
	for (size_t r = 0; r < t.nrows; r++) {
		brr += !strcmp(refcsv_str(&t, r, "design"), "brr");
		undefined += refcsv_num(&t, r, "neff") == refcsv_num(&t, r, "n");
	}
	/* the rule for an undefined effective size is in the reference */
	assert_true(undefined > 0 && undefined < t.nrows);
	checked += wilson_of(&t, "survey/survey_sample.csv", "strat_", OB_SVY_LONELY_FAIL);
	checked += wilson_of(&t, "survey/designs_sample.csv", "adjust", OB_SVY_LONELY_ADJUST);
	assert_int_equal(brr, 6);
	assert_int_equal(checked + brr, t.nrows);
	refcsv_free(&t);
}

/* Quantiles of bad input: refused or flagged, never a number made up. */
static void quantile_refusals(void **state)
{
	double w[4] = { 1, 2, 3, 4 }, y[4] = { 5, NAN, 7, 8 };
	size_t rows[1] = { 1 };
	struct ob_svy_design ds;
	struct ob_svy_scratch sc;
	struct ob_svy_opts o;
	struct ob_svy_est e;
	struct ob_diag d;
	(void)state;

	ob_diag_clear(&d);
	assert_int_equal(ob_svy_design_init(&ds, 4, w, NULL, 0, NULL, 0, NULL, OB_SVY_LONELY_FAIL,
	                                    NULL, &d), OB_OK);
	ob_svy_scratch_init(&sc, &ds);
	ob_svy_opts_init(&o);
	/* p outside (0, 1) */
	assert_int_equal(ob_svy_quantile(&ds, &sc, y, 0, NULL, 0, &o, &e), OB_EINVAL);
	assert_int_equal(ob_svy_quantile(&ds, &sc, y, 1, NULL, 0, &o, &e), OB_EINVAL);
	assert_int_equal(ob_svy_quantile(&ds, &sc, y, NAN, NULL, 0, &o, &e), OB_EINVAL);
	assert_int_equal(ob_svy_quantile(&ds, &sc, y, -0.5, NULL, 0, &o, &e), OB_EINVAL);
	/* a domain with no respondents, and one whose only value is missing */
	assert_int_equal(ob_svy_quantile(&ds, &sc, y, 0.5, rows, 0, &o, &e), OB_OK);
	assert_true(isnan(e.estimate) && isnan(e.se) && (e.flags & OB_SVY_NO_CASES));
	assert_int_equal(ob_svy_quantile(&ds, &sc, y, 0.5, rows, 1, &o, &e), OB_OK);
	assert_true(isnan(e.estimate) && (e.flags & OB_SVY_NO_CASES) && (e.flags & OB_SVY_MISSING));
	/* the missing value is left out: the median of 5, 7, 8 weighted 1, 3, 4
	 * (W = 8, F(7) = 0.5) is 7 */
	assert_int_equal(ob_svy_quantile(&ds, &sc, y, 0.5, NULL, 0, &o, &e), OB_OK);
	assert_true(e.estimate == 7 && e.n == 3 && e.n_missing == 1 && (e.flags & OB_SVY_MISSING));
	/* no estimator takes a quantile without its p */
	assert_int_equal(ob_svy_estimate(&ds, &sc, OB_SVY_QUANTILE, y, NULL, NULL, 0, &o, &e),
	                 OB_EINVAL);
	/* the likelihood interval of a proportion of 1 is undefined and flagged */
	{
		double one[4] = { 1, 1, 1, 1 };
		assert_true(ob_svy_ci_parse("likelihood", &o.prop_ci));
		assert_int_equal(ob_svy_estimate(&ds, &sc, OB_SVY_PROP, one, NULL, NULL, 0, &o, &e),
		                 OB_OK);
		assert_true(e.estimate == 1 && isnan(e.lower) && (e.flags & OB_SVY_NO_INTERVAL));
	}
	ob_svy_scratch_release(&sc);
	ob_svy_design_release(&ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(estimates_against_r),
		cmocka_unit_test(domains_against_r),
		cmocka_unit_test(svyciprop_against_r),
		cmocka_unit_test(designs_against_r),
		cmocka_unit_test(refusals_and_flags),
		cmocka_unit_test(likelihood_against_r),
		cmocka_unit_test(quantiles_against_r),
		cmocka_unit_test(quantile_refusals),
		cmocka_unit_test(quantile_ci_against_r),
		cmocka_unit_test(wilson_against_r),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
