/* test_composite.c - normalisation, aggregation, ranks and classes of an index. */
#include "test.h"

#include <math.h>

#include "refcsv.h"
#include "stats/breaks.h"
#include "stats/composite.h"

#define REL 1e-9
#define MAX_UNITS 16
#define MAX_IND 8

enum method { MM01, MM0100, MM1100, MM010, ZSCORE, N_METHODS };
static const char *const method_name[] = { "minmax_0_1", "minmax_0_100", "minmax_1_100",
	                                   "minmax_0_10", "zscore_mean0_sd1" };

struct index_data {
	size_t nu, ni;
	char unit[MAX_UNITS][8];
	char ind[MAX_IND][32], dim[MAX_IND][32];
	int dir[MAX_IND];
	double w[MAX_IND];
	double raw[MAX_IND][MAX_UNITS];
	double norm[N_METHODS][MAX_IND][MAX_UNITS];
};

static void load(struct index_data *d)
{
	struct refcsv meta, x;

	memset(d, 0, sizeof(*d));
	refcsv_load(&meta, "reference/composite/indicator_meta.csv");
	refcsv_load(&x, "reference/composite/indicators.csv");
	assert_true(meta.nrows <= MAX_IND && x.nrows <= MAX_UNITS);
	d->ni = meta.nrows;
	d->nu = x.nrows;
	for (size_t j = 0; j < d->ni; j++) {
		ob_strlcpy(d->ind[j], refcsv_str(&meta, j, "indicator"), sizeof(d->ind[j]));
		ob_strlcpy(d->dim[j], refcsv_str(&meta, j, "dimension"), sizeof(d->dim[j]));
		d->dir[j] = (int)refcsv_int(&meta, j, "direction");
		d->w[j] = refcsv_num(&meta, j, "weight");
		for (size_t u = 0; u < d->nu; u++)
			d->raw[j][u] = refcsv_num(&x, u, d->ind[j]);
	}
	for (size_t u = 0; u < d->nu; u++)
		ob_strlcpy(d->unit[u], refcsv_str(&x, u, "unit_id"), sizeof(d->unit[u]));
	for (size_t j = 0; j < d->ni; j++) {
		assert_int_equal(ob_norm_minmax(d->raw[j], d->nu, d->dir[j], 0, 1, d->norm[MM01][j]),
		                 OB_OK);
		assert_int_equal(ob_norm_minmax(d->raw[j], d->nu, d->dir[j], 0, 100,
		                                d->norm[MM0100][j]),
		                 OB_OK);
		assert_int_equal(ob_norm_minmax(d->raw[j], d->nu, d->dir[j], 1, 100,
		                                d->norm[MM1100][j]),
		                 OB_OK);
		assert_int_equal(ob_norm_minmax(d->raw[j], d->nu, d->dir[j], 0, 10,
		                                d->norm[MM010][j]),
		                 OB_OK);
		assert_int_equal(ob_norm_zscore(d->raw[j], d->nu, d->dir[j], 0, 1,
		                                d->norm[ZSCORE][j]),
		                 OB_OK);
	}
	refcsv_free(&x);
	refcsv_free(&meta);
}

static size_t find(const char (*names)[32], size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	fail_msg("unknown name %s", s);
	return 0;
}

static void normalisation(void **state)
{
	static struct index_data d;
	struct refcsv t;
	(void)state;
	load(&d);
	refcsv_load(&t, "reference/composite/normalised_long.csv");
	assert_int_equal(t.nrows, N_METHODS * d.ni * d.nu);
	for (size_t r = 0; r < t.nrows; r++) {
		size_t j = find(d.ind, d.ni, refcsv_str(&t, r, "indicator")), u, m;
		const char *unit = refcsv_str(&t, r, "unit_id"), *meth = refcsv_str(&t, r, "method");
		for (u = 0; u < d.nu && strcmp(d.unit[u], unit) != 0; u++)
			;
		assert_true(u < d.nu);
		for (m = 0; m < N_METHODS && strcmp(method_name[m], meth) != 0; m++)
			;
		assert_true(m < N_METHODS);
		REF_CHECK(&t, r, "value", d.norm[m][j][u], REL, 0);
	}
	refcsv_free(&t);
}

/* One unit's values of every indicator under method m (and only those of
 * dimension dim when not NULL), with their weights. */
static size_t unit_values(const struct index_data *d, enum method m, size_t u,
                          const char *dim, double *v, double *w)
{
	size_t k = 0;
	for (size_t j = 0; j < d->ni; j++)
		if (!dim || strcmp(d->dim[j], dim) == 0) {
			v[k] = d->norm[m][j][u];
			w[k++] = d->w[j];
		}
	return k;
}

static void scores(void **state)
{
	static struct index_data d;
	struct refcsv t, b;
	double arith100[MAX_UNITS], geom[MAX_UNITS], qb[6], fb[6];
	size_t rank_a[MAX_UNITS], rank_g[MAX_UNITS];
	enum ob_closure qc, fc;
	(void)state;
	load(&d);
	refcsv_load(&t, "reference/composite/composite_scores.csv");
	assert_int_equal(t.nrows, d.nu);
	for (size_t u = 0; u < d.nu; u++) {
		double v[MAX_IND], w[MAX_IND], s, crime, vul, dims[2];
		size_t k;
		assert_string_equal(refcsv_str(&t, u, "unit_id"), d.unit[u]);
		k = unit_values(&d, MM01, u, NULL, v, w);
		assert_int_equal(ob_agg_arith(v, w, k, &s), OB_OK);
		REF_CHECK(&t, u, "ci_arith_minmax01", s, REL, 0);
		k = unit_values(&d, MM0100, u, NULL, v, w);
		assert_int_equal(ob_agg_arith(v, w, k, &arith100[u]), OB_OK);
		REF_CHECK(&t, u, "ci_arith_minmax100", arith100[u], REL, 0);
		assert_int_equal(ob_agg_arith(v, NULL, k, &s), OB_OK);
		REF_CHECK(&t, u, "ci_arith_equalw_minmax100", s, REL, 0);
		k = unit_values(&d, ZSCORE, u, NULL, v, w);
		assert_int_equal(ob_agg_arith(v, w, k, &s), OB_OK);
		REF_CHECK(&t, u, "ci_arith_zscore", s, REL, 0);
		k = unit_values(&d, MM1100, u, NULL, v, w);
		assert_int_equal(ob_agg_geom(v, w, k, &geom[u]), OB_OK);
		REF_CHECK(&t, u, "ci_geom_minmax1_100", geom[u], REL, 0);
		/* INFORM style: arithmetic within dimensions, geometric across */
		k = unit_values(&d, MM010, u, "crime", v, w);
		assert_int_equal(ob_agg_arith(v, w, k, &crime), OB_OK);
		REF_CHECK(&t, u, "dim_crime_0_10", crime, REL, 0);
		k = unit_values(&d, MM010, u, "vulnerability", v, w);
		assert_int_equal(ob_agg_arith(v, w, k, &vul), OB_OK);
		/* a dimension that is exactly 0 (a unit at the minimum of every
		 * indicator in it) must come out exactly 0 */
		REF_CHECK(&t, u, "dim_vulnerability_0_10", vul, REL, 0);
		dims[0] = crime;
		dims[1] = vul;
		assert_int_equal(ob_agg_geom(dims, NULL, 2, &s), OB_OK);
		REF_CHECK(&t, u, "inform_style_geom_of_dims", s, REL, 0);
	}
	assert_int_equal(ob_rank_desc(arith100, d.nu, rank_a), OB_OK);
	assert_int_equal(ob_rank_desc(geom, d.nu, rank_g), OB_OK);
	assert_int_equal(ob_breaks(arith100, d.nu, 5, OB_BREAKS_QUANTILE, qb, &qc), OB_OK);
	assert_int_equal(ob_breaks(arith100, d.nu, 5, OB_BREAKS_FISHER, fb, &fc), OB_OK);
	for (size_t u = 0; u < d.nu; u++) {
		REF_CHECK_INT(&t, u, "rank_arith_minmax100", (long)rank_a[u]);
		REF_CHECK_INT(&t, u, "rank_geom_minmax1_100", (long)rank_g[u]);
		REF_CHECK_INT(&t, u, "class5_quantile_arith",
		              (long)ob_breaks_class(qb, 5, qc, arith100[u]));
		REF_CHECK_INT(&t, u, "class5_fisher_arith",
		              (long)ob_breaks_class(fb, 5, fc, arith100[u]));
	}
	refcsv_free(&t);
	refcsv_load(&b, "reference/composite/composite_class_breaks.csv");
	assert_int_equal(b.nrows, 12);
	for (size_t r = 0; r < b.nrows; r++) {
		const char *scheme = refcsv_str(&b, r, "scheme");
		size_t i = (size_t)refcsv_int(&b, r, "break_index");
		assert_true(i <= 5);
		if (strcmp(scheme, "quantile_type7") == 0)
			REF_CHECK(&b, r, "break_value", qb[i], REL, 0);
		else if (strcmp(scheme, "fisher") == 0)
			REF_CHECK(&b, r, "break_value", fb[i], REL, 0);
		else
			fail_msg("unknown scheme %s", scheme);
	}
	refcsv_free(&b);
}

static void ranks_and_edges(void **state)
{
	static const double v[] = { 3, 7, 7, 1, 7, 3 };
	static const double flat[] = { 2, 2, 2 };
	static const double x[] = { 4, 1, 9 };
	size_t r[6];
	double out[6], g, w0[] = { 1, 0 }, two[] = { 0, 5 }, wneg[] = { 1, -1 };
	(void)state;
	assert_int_equal(ob_rank_desc(v, 6, r), OB_OK);
	assert_int_equal(r[1], 1);
	assert_int_equal(r[2], 1);
	assert_int_equal(r[4], 1);
	assert_int_equal(r[0], 4);
	assert_int_equal(r[5], 4);
	assert_int_equal(r[3], 6);
	/* direction -1 reverses the scale */
	assert_int_equal(ob_norm_minmax(x, 3, -1, 0, 1, out), OB_OK);
	assert_true(out[0] == 5.0 / 8 && out[1] == 1 && out[2] == 0);
	/* a constant indicator cannot be normalised */
	assert_int_equal(ob_norm_minmax(flat, 3, 1, 0, 1, out), OB_EINVAL);
	assert_int_equal(ob_norm_zscore(flat, 3, 1, 0, 1, out), OB_EINVAL);
	assert_int_equal(ob_norm_minmax(x, 3, 2, 0, 1, out), OB_EINVAL);
	assert_int_equal(ob_norm_minmax(x, 3, 1, 1, 1, out), OB_EINVAL);
	/* a zero with weight 0 does not count; with weight > 0 it gives 0 */
	assert_int_equal(ob_agg_geom(two, w0, 2, &g), OB_OK);
	assert_true(g == 0);
	{
		double vz[] = { 0, 5 };
		assert_int_equal(ob_agg_geom(vz, (double[]){ 0, 1 }, 2, &g), OB_OK);
		assert_true(refcsv_close(g, 5, 1e-15, 0));
	}
	assert_int_equal(ob_agg_arith(x, wneg, 2, &g), OB_EINVAL);
	assert_int_equal(ob_agg_arith(x, (double[]){ 0, 0, 0 }, 3, &g), OB_EINVAL);
	{
		double neg[] = { -1, 2 };
		assert_int_equal(ob_agg_geom(neg, NULL, 2, &g), OB_EINVAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normalisation),
		cmocka_unit_test(scores),
		cmocka_unit_test(ranks_and_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
