/* test_fellegi_sunter.c - Fellegi-Sunter EM (fastLink's and the plain one) against the toy oracle. */
#include "test.h"

#include <math.h>

#include "link/fellegi_sunter.h"
#include "stats/refcsv.h"

#define REL 1e-6

static const char *const fields[] = { "nombre1", "apellido1", "apellido2",
                                      "anio_nac", "sexo", "municipio" };
static const int nlevels[] = { 3, 3, 3, 2, 2, 2 };
#define NF 6

/* fastLink codes exact fields 0/2; ours are 0/1 (the top level). */
static int our_level(size_t k, long ref)
{
	return nlevels[k] == 2 && ref == 2 ? 1 : (int)ref;
}

static void pair_levels(const struct refcsv *t, size_t r, int8_t *lev)
{
	char col[32];
	for (size_t k = 0; k < NF; k++) {
		snprintf(col, sizeof(col), "g_%s", fields[k]);
		lev[k] = refcsv_is_na(t, r, col) ? OB_LEVEL_MISSING
		                                  : (int8_t)our_level(k, refcsv_int(t, r, col));
	}
}

/* The pattern table of the 780 pairs of fs_pairs.csv. */
static void load_patterns(struct ob_fs_patterns *p, struct refcsv *pairs)
{
	struct ob_fs_layout l;
	assert_int_equal(ob_fs_layout_init(&l, NF, nlevels), OB_OK);
	ob_fs_patterns_init(p, &l);
	refcsv_load(pairs, "reference/linkage/fs_pairs.csv");
	assert_int_equal(pairs->nrows, 780);
	for (size_t r = 0; r < pairs->nrows; r++) {
		int8_t lev[NF];
		pair_levels(pairs, r, lev);
		assert_int_equal(ob_fs_patterns_add(p, ob_fs_encode(&l, lev), 1), OB_OK);
	}
	ob_fs_patterns_sort(p);
}

/* The fixed starts of make_fellegi_sunter.R. */
static void start_model(struct ob_fs_model *m, const struct ob_fs_layout *l)
{
	static const double m3[] = { 0.05, 0.15, 0.80 }, u3[] = { 0.80, 0.15, 0.05 };
	static const double m2[] = { 0.10, 0.90 }, u2[] = { 0.90, 0.10 };
	ob_fs_model_init(m, l, 0.1);
	for (size_t k = 0; k < NF; k++) {
		for (int i = 0; i < nlevels[k]; i++) {
			m->m[k][i] = nlevels[k] == 3 ? m3[i] : m2[i];
			m->u[k][i] = nlevels[k] == 3 ? u3[i] : u2[i];
		}
	}
}

static size_t field_index(const char *name)
{
	for (size_t k = 0; k < NF; k++)
		if (!strcmp(fields[k], name))
			return k;
	fail_msg("unknown field %s", name);
	return 0;
}

static void layout_roundtrip(void **state)
{
	struct ob_fs_layout l;
	static const int big[16] = { 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8 };
	int8_t lev[NF] = { 2, -1, 0, 1, -1, 0 }, back[NF];
	(void)state;
	assert_int_equal(ob_fs_layout_init(&l, NF, nlevels), OB_OK);
	assert_int_equal(l.ncodes, 4 * 4 * 4 * 3 * 3 * 3);
	ob_fs_decode(&l, ob_fs_encode(&l, lev), back);
	assert_memory_equal(lev, back, NF);
	assert_int_equal(ob_fs_layout_init(&l, 16, big), OB_ETOOBIG);
	assert_int_equal(ob_fs_layout_init(&l, 0, big), OB_EINVAL);
}

/* Every row of fs_em_patterns.csv, fs_em_m_u.csv and fs_em_global.csv. */
static void fastlink_em(void **state)
{
	struct refcsv pairs, pat, mu, glob;
	struct ob_fs_patterns p;
	struct ob_fs_model m;
	struct ob_fs_em_result res;
	struct ob_fs_em_options o = { .flavour = OB_FS_EM_FASTLINK, .estimate_u = true,
	                              .tol = 1e-4, .max_iter = 5000 };
	long double spm = 0, spu = 0;
	(void)state;

	load_patterns(&p, &pairs);
	start_model(&m, &p.layout);
	assert_int_equal(ob_fs_em(&p, &m, &o, &res), OB_OK);
	assert_true(res.converged);

	refcsv_load(&glob, "reference/linkage/fs_em_global.csv");
	for (size_t r = 0; r < glob.nrows; r++) {
		const char *name = refcsv_str(&glob, r, "parameter");
		double v = refcsv_num(&glob, r, "value");
		if (!strcmp(name, "p_m_lambda"))
			REF_CHECK(&glob, r, "value", m.lambda, REL, 0);
		else if (!strcmp(name, "p_u"))
			REF_CHECK(&glob, r, "value", 1 - m.lambda, REL, 0);
		else if (!strcmp(name, "iterations"))
			assert_int_equal(res.iterations + 1, (int)v); /* fastLink counts from 1 */
		else if (!strcmp(name, "nobs_a") || !strcmp(name, "nobs_b"))
			assert_true(v == 30 || v == 26);
	}
	assert_true(ob_fs_patterns_total(&p) == 30 * 26);

	refcsv_load(&mu, "reference/linkage/fs_em_m_u.csv");
	assert_int_equal(mu.nrows, 15);
	for (size_t r = 0; r < mu.nrows; r++) {
		size_t k = field_index(refcsv_str(&mu, r, "field"));
		int l = our_level(k, refcsv_int(&mu, r, "level_in_em_order"));
		REF_CHECK(&mu, r, "m", m.m[k][l], REL, 0);
		REF_CHECK(&mu, r, "u", m.u[k][l], REL, 0);
		REF_CHECK(&mu, r, "weight_ln_m_over_u", log(m.m[k][l] / m.u[k][l]), REL, 0);
		REF_CHECK(&mu, r, "weight_log2_m_over_u", log2(m.m[k][l] / m.u[k][l]), REL, 0);
	}

	/* patterns: fastLink reports P(pattern | M) and P(pattern | U)
	 * normalised over the observed patterns, and as weight the log ratio of
	 * the unnormalised ones */
	for (size_t j = 0; j < p.n; j++) {
		spm += res.pm[j];
		spu += res.pu[j];
	}
	refcsv_load(&pat, "reference/linkage/fs_em_patterns.csv");
	assert_int_equal(pat.nrows, p.n);
	for (size_t r = 0; r < pat.nrows; r++) {
		int8_t lev[NF];
		long j;
		pair_levels(&pat, r, lev);
		j = ob_fs_patterns_find(&p, ob_fs_encode(&p.layout, lev));
		assert_true(j >= 0);
		REF_CHECK_INT(&pat, r, "counts", (long)p.count[j]);
		REF_CHECK(&pat, r, "p.gamma.j.m", res.pm[j] / (double)spm, REL, 0);
		REF_CHECK(&pat, r, "p.gamma.j.u", res.pu[j] / (double)spu, REL, 0);
		REF_CHECK(&pat, r, "weights", log(res.pm[j]) - log(res.pu[j]), REL, 0);
		REF_CHECK(&pat, r, "zeta_posterior", res.zeta[j], REL, 0);
	}

	/* every pair: weight, posterior, match at 0.85; and the summary */
	{
		struct refcsv sum;
		long tp = 0, fp = 0, fn = 0, truth = 0;
		for (size_t r = 0; r < pairs.nrows; r++) {
			int8_t lev[NF];
			long j;
			bool match, is_true = refcsv_int(&pairs, r, "true_match") == 1;
			pair_levels(&pairs, r, lev);
			j = ob_fs_patterns_find(&p, ob_fs_encode(&p.layout, lev));
			REF_CHECK(&pairs, r, "weight_ln", log(res.pm[j]) - log(res.pu[j]), REL, 0);
			REF_CHECK(&pairs, r, "posterior", res.zeta[j], REL, 0);
			match = res.zeta[j] >= 0.85;
			REF_CHECK_INT(&pairs, r, "match_085", match);
			tp += match && is_true;
			fp += match && !is_true;
			fn += !match && is_true;
			truth += is_true;
		}
		refcsv_load(&sum, "reference/linkage/fs_summary.csv");
		for (size_t r = 0; r < sum.nrows; r++) {
			const char *name = refcsv_str(&sum, r, "metric");
			if (!strcmp(name, "true_pairs"))
				REF_CHECK_INT(&sum, r, "value", truth);
			else if (!strcmp(name, "tp_085"))
				REF_CHECK_INT(&sum, r, "value", tp);
			else if (!strcmp(name, "fp_085"))
				REF_CHECK_INT(&sum, r, "value", fp);
			else if (!strcmp(name, "fn_085"))
				REF_CHECK_INT(&sum, r, "value", fn);
			else if (!strcmp(name, "precision_085"))
				REF_CHECK(&sum, r, "value", (double)tp / (double)(tp + fp), 1e-12, 0);
			else if (!strcmp(name, "recall_085"))
				REF_CHECK(&sum, r, "value", (double)tp / (double)(tp + fn), 1e-12, 0);
		}
		refcsv_free(&sum);
	}

	ob_fs_em_result_release(&res);
	ob_fs_patterns_release(&p);
	refcsv_free(&pairs);
	refcsv_free(&pat);
	refcsv_free(&mu);
	refcsv_free(&glob);
}

/* Every row of fs_plain_em_m_u.csv and fs_plain_em_global.csv, and the
 * plain posterior of every pair. */
static void plain_em(void **state)
{
	struct refcsv pairs, mu, glob;
	struct ob_fs_patterns p;
	struct ob_fs_model m;
	struct ob_fs_em_result res;
	struct ob_fs_em_options o = { .flavour = OB_FS_EM_PLAIN, .estimate_u = true,
	                              .tol = 1e-10, .max_iter = 10000 };
	(void)state;

	load_patterns(&p, &pairs);
	start_model(&m, &p.layout);
	assert_int_equal(ob_fs_em(&p, &m, &o, &res), OB_OK);
	assert_true(res.converged);

	refcsv_load(&glob, "reference/linkage/fs_plain_em_global.csv");
	for (size_t r = 0; r < glob.nrows; r++) {
		const char *name = refcsv_str(&glob, r, "parameter");
		if (!strcmp(name, "p_m_lambda"))
			REF_CHECK(&glob, r, "value", m.lambda, REL, 0);
		else if (!strcmp(name, "iterations"))
			REF_CHECK_INT(&glob, r, "value", res.iterations);
	}
	refcsv_load(&mu, "reference/linkage/fs_plain_em_m_u.csv");
	assert_int_equal(mu.nrows, 15);
	for (size_t r = 0; r < mu.nrows; r++) {
		size_t k = field_index(refcsv_str(&mu, r, "field"));
		int l = our_level(k, refcsv_int(&mu, r, "level"));
		REF_CHECK(&mu, r, "m", m.m[k][l], REL, 0);
		REF_CHECK(&mu, r, "u", m.u[k][l], REL, 0);
		REF_CHECK(&mu, r, "weight_log2_m_over_u", log2(m.m[k][l] / m.u[k][l]), REL, 0);
	}
	for (size_t r = 0; r < pairs.nrows; r++) {
		int8_t lev[NF];
		long j;
		pair_levels(&pairs, r, lev);
		j = ob_fs_patterns_find(&p, ob_fs_encode(&p.layout, lev));
		REF_CHECK(&pairs, r, "posterior_plain_em", res.zeta[j], REL, 1e-300);
	}
	ob_fs_em_result_release(&res);
	ob_fs_patterns_release(&p);
	refcsv_free(&pairs);
	refcsv_free(&mu);
	refcsv_free(&glob);
}

/*
 * With u fixed (as when it comes from random pairs) and counts that are
 * exactly the expected counts of a known model, the EM's fixed point is
 * that model: m and lambda are recovered, also when the patterns are only
 * part of the pairs lambda refers to.
 */
static void fixed_u_recovers_truth(void **state)
{
	static const int lev3[3] = { 3, 2, 4 };
	static const double tm[3][4] = { { 0.05, 0.15, 0.80 }, { 0.1, 0.9 }, { 0.02, 0.08, 0.2, 0.7 } };
	static const double tu[3][4] = { { 0.85, 0.1, 0.05 }, { 0.7, 0.3 }, { 0.6, 0.3, 0.07, 0.03 } };
	const double lambda = 0.002, total = 1e6;
	struct ob_fs_layout l;
	struct ob_fs_patterns p;
	struct ob_fs_model m;
	struct ob_fs_em_result res;
	struct ob_fs_em_options o = { .flavour = OB_FS_EM_PLAIN, .estimate_u = false,
	                              .tol = 1e-13, .max_iter = 100000 };
	(void)state;

	assert_int_equal(ob_fs_layout_init(&l, 3, lev3), OB_OK);
	ob_fs_patterns_init(&p, &l);
	for (int a = 0; a < 3; a++) {
		for (int b = -1; b < 2; b++) { /* the second field is sometimes missing */
			for (int c = 0; c < 4; c++) {
				int8_t g[3] = { (int8_t)a, (int8_t)b, (int8_t)c };
				double pmiss = 0.2, pb_m = b < 0 ? pmiss : (1 - pmiss) * tm[1][b];
				double pb_u = b < 0 ? pmiss : (1 - pmiss) * tu[1][b];
				double n = total * (lambda * tm[0][a] * pb_m * tm[2][c] +
				                    (1 - lambda) * tu[0][a] * pb_u * tu[2][c]);
				assert_int_equal(ob_fs_patterns_add(&p, ob_fs_encode(&l, g), n), OB_OK);
			}
		}
	}
	ob_fs_model_init(&m, &l, 0.01);
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < lev3[k]; i++)
			m.u[k][i] = tu[k][i];
	assert_int_equal(ob_fs_em(&p, &m, &o, &res), OB_OK);
	assert_true(res.converged);
	assert_true(fabs(m.lambda - lambda) < 1e-7);
	for (int k = 0; k < 3; k++) {
		for (int i = 0; i < lev3[k]; i++) {
			if (fabs(m.m[k][i] - tm[k][i]) > 1e-6)
				fail_msg("field %d level %d: m %.9g, truth %.9g", k, i, m.m[k][i], tm[k][i]);
			assert_true(m.u[k][i] == tu[k][i]);
		}
	}
	ob_fs_em_result_release(&res);

	/* the same pairs seen as candidates among 10 times as many pairs */
	ob_fs_model_init(&m, &l, 0.001);
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < lev3[k]; i++)
			m.u[k][i] = tu[k][i];
	o.total_pairs = 10 * total;
	assert_int_equal(ob_fs_em(&p, &m, &o, &res), OB_OK);
	assert_true(res.converged);
	assert_true(m.lambda < lambda / 5); /* lambda now speaks of ten times the pairs */
	ob_fs_em_result_release(&res);
	ob_fs_patterns_release(&p);
}

static void weights_and_scores(void **state)
{
	static const int lev2[2] = { 3, 2 };
	struct ob_fs_layout l;
	struct ob_fs_model m;
	struct ob_fs_weights w;
	struct ob_fs_score s;
	int8_t g[2] = { 2, OB_LEVEL_MISSING };
	double tf[2] = { 0, 0 };
	(void)state;

	assert_int_equal(ob_fs_layout_init(&l, 2, lev2), OB_OK);
	ob_fs_model_init(&m, &l, 0.5);
	m.m[0][0] = 0.1; m.m[0][1] = 0.1; m.m[0][2] = 0.8;
	m.u[0][0] = 0.9; m.u[0][1] = 0.08; m.u[0][2] = 0.02;
	m.m[1][0] = 0; m.m[1][1] = 1;
	m.u[1][0] = 0.5; m.u[1][1] = 0.5;
	ob_fs_weights_init(&w, &m);
	assert_true(w.prior == 0);
	assert_true(fabs(w.w[0][2] - log2(40)) < 1e-12);
	assert_true(fabs(w.w[1][0] - log2(OB_FS_FLOOR / 0.5)) < 1e-9); /* floored, finite */
	ob_fs_score_levels(&w, g, NULL, &s);
	assert_true(s.contrib[1] == 0);              /* missing is neutral */
	assert_true(fabs(s.weight - log2(40)) < 1e-12);
	assert_true(fabs(s.probability - 40.0 / 41.0) < 1e-12);
	/* a value twice as common as agreement in general costs one bit */
	tf[0] = ob_fs_tf_adjust(&w, 0, 0.04, 1000);
	assert_true(fabs(tf[0] + 1) < 1e-12);
	ob_fs_score_levels(&w, g, tf, &s);
	assert_true(fabs(s.weight - (log2(40) - 1)) < 1e-12);
	/* a value seen once among 1000 records: floored at 1/1000 */
	assert_true(fabs(ob_fs_tf_adjust(&w, 0, 0, 1000) - log2(0.02 * 1000)) < 1e-12);
	/* extreme weights give probabilities in [0, 1] */
	assert_true(ob_fs_probability(&w, 5000) == 1.0);
	assert_true(ob_fs_probability(&w, -5000) == 0.0);
}

static void em_refuses(void **state)
{
	static const int lev1[1] = { 2 };
	struct ob_fs_layout l;
	struct ob_fs_patterns p;
	struct ob_fs_model m;
	struct ob_fs_em_result res;
	struct ob_fs_em_options o = { 0 };
	int8_t g[1] = { 1 };
	(void)state;
	assert_int_equal(ob_fs_layout_init(&l, 1, lev1), OB_OK);
	ob_fs_patterns_init(&p, &l);
	ob_fs_model_init(&m, &l, 0.1);
	assert_int_equal(ob_fs_em(&p, &m, &o, &res), OB_EINVAL); /* no pairs */
	assert_int_equal(ob_fs_patterns_add(&p, ob_fs_encode(&l, g), 3), OB_OK);
	m.lambda = 1.5;
	assert_int_equal(ob_fs_em(&p, &m, &o, &res), OB_EINVAL);
	ob_fs_patterns_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_roundtrip),
		cmocka_unit_test(fastlink_em),
		cmocka_unit_test(plain_em),
		cmocka_unit_test(fixed_u_recovers_truth),
		cmocka_unit_test(weights_and_scores),
		cmocka_unit_test(em_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
