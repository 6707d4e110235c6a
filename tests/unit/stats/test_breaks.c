/* test_breaks.c - class breaks, assignment and fit against R's classInt. */
#include "test.h"

#include <math.h>

#include "refcsv.h"
#include "stats/breaks.h"

#define REL 1e-9
#define MAX_VALUES 64

struct vec {
	char id[32];
	size_t n;
	double x[MAX_VALUES];
};

static size_t load_vectors(struct vec *v, size_t max)
{
	struct refcsv t;
	size_t nv = 0;

	refcsv_load(&t, "reference/classification/vectors.csv");
	for (size_t r = 0; r < t.nrows; r++) {
		const char *id = refcsv_str(&t, r, "vector_id");
		struct vec *cur = nv ? &v[nv - 1] : NULL;
		if (!cur || strcmp(cur->id, id) != 0) {
			assert_true(nv < max);
			cur = &v[nv++];
			memset(cur, 0, sizeof(*cur));
			ob_strlcpy(cur->id, id, sizeof(cur->id));
		}
		assert_true(cur->n < MAX_VALUES);
		cur->x[cur->n++] = refcsv_num(&t, r, "value");
	}
	refcsv_free(&t);
	return nv;
}

static const struct vec *find_vec(const struct vec *v, size_t nv, const char *id)
{
	for (size_t i = 0; i < nv; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	fail_msg("unknown vector %s", id);
	return NULL;
}

static enum ob_breaks_style style_of(const char *s)
{
	if (strcmp(s, "fisher") == 0)
		return OB_BREAKS_FISHER;
	if (strcmp(s, "jenks") == 0)
		return OB_BREAKS_JENKS;
	if (strcmp(s, "quantile") == 0)
		return OB_BREAKS_QUANTILE;
	if (strcmp(s, "equal") == 0)
		return OB_BREAKS_EQUAL;
	fail_msg("unknown style %s", s);
	return OB_BREAKS_EQUAL;
}

/* Breaks for the vector, style and k named in row r of t. */
static void breaks_for_row(const struct vec *v, size_t nv, const struct refcsv *t, size_t r,
                           const struct vec **vp, double *brks, enum ob_closure *cl,
                           size_t *k)
{
	*vp = find_vec(v, nv, refcsv_str(t, r, "vector_id"));
	*k = (size_t)refcsv_int(t, r, "k");
	assert_int_equal(ob_breaks((*vp)->x, (*vp)->n, *k, style_of(refcsv_str(t, r, "style")),
	                           brks, cl),
	                 OB_OK);
}

static void breaks_against_classint(void **state)
{
	struct vec v[4];
	struct refcsv t;
	size_t nv;
	(void)state;
	nv = load_vectors(v, OB_ARRAY_SIZE(v));
	assert_int_equal(nv, 3);
	refcsv_load(&t, "reference/classification/breaks.csv");
	assert_int_equal(t.nrows, 180);
	for (size_t r = 0; r < t.nrows; r++) {
		const struct vec *vp;
		double brks[OB_MAX_CLASSES + 1];
		enum ob_closure cl;
		size_t k, bi;
		const char *closure = refcsv_str(&t, r, "interval_closure");

		breaks_for_row(v, nv, &t, r, &vp, brks, &cl, &k);
		bi = (size_t)refcsv_int(&t, r, "break_index");
		assert_true(bi <= k);
		REF_CHECK(&t, r, "break_value", brks[bi], REL, 0);
		assert_string_equal(closure, cl == OB_CLOSURE_LEFT ? "left" : "right");
	}
	refcsv_free(&t);
}

static void classes_against_classint(void **state)
{
	struct vec v[4];
	struct refcsv t;
	size_t nv;
	(void)state;
	nv = load_vectors(v, OB_ARRAY_SIZE(v));
	refcsv_load(&t, "reference/classification/class_assignments.csv");
	assert_int_equal(t.nrows, 3 * 4 * (30 + 12 + 50));
	for (size_t r = 0; r < t.nrows; r++) {
		const struct vec *vp;
		double brks[OB_MAX_CLASSES + 1];
		enum ob_closure cl;
		size_t k, i;

		breaks_for_row(v, nv, &t, r, &vp, brks, &cl, &k);
		i = (size_t)refcsv_int(&t, r, "obs_index");
		assert_true(i >= 1 && i <= vp->n);
		REF_CHECK(&t, r, "value", vp->x[i - 1], 0, 0);
		REF_CHECK_INT(&t, r, "class", (long)ob_breaks_class(brks, k, cl, vp->x[i - 1]));
	}
	refcsv_free(&t);
}

static void fit_against_classint(void **state)
{
	struct vec v[4];
	struct refcsv t;
	size_t nv;
	(void)state;
	nv = load_vectors(v, OB_ARRAY_SIZE(v));
	refcsv_load(&t, "reference/classification/goodness_of_fit.csv");
	assert_int_equal(t.nrows, 36);
	for (size_t r = 0; r < t.nrows; r++) {
		const struct vec *vp;
		double brks[OB_MAX_CLASSES + 1];
		enum ob_closure cl;
		size_t k, cls[MAX_VALUES];
		struct ob_breaks_fit fit;

		breaks_for_row(v, nv, &t, r, &vp, brks, &cl, &k);
		for (size_t i = 0; i < vp->n; i++)
			cls[i] = ob_breaks_class(brks, k, cl, vp->x[i]);
		assert_int_equal(ob_breaks_fit(vp->x, cls, vp->n, k, &fit), OB_OK);
		REF_CHECK_INT(&t, r, "n_classes_used", (long)fit.classes_used);
		REF_CHECK(&t, r, "sdam", fit.sdam, REL, 0);
		REF_CHECK(&t, r, "sdcm", fit.sdcm, REL, 0);
		REF_CHECK(&t, r, "gvf", fit.gvf, REL, 0);
		REF_CHECK(&t, r, "tai", fit.tai, REL, 0);
		assert_int_equal(fit.flags, 0);
		if (refcsv_is_na(&t, r, "sdcm_optimal_dp")) {
			assert_true(strcmp(refcsv_str(&t, r, "style"), "quantile") == 0 ||
			            strcmp(refcsv_str(&t, r, "style"), "equal") == 0);
		} else {
			struct ob_class_summary s[OB_MAX_CLASSES];
			double opt;
			assert_int_equal(ob_breaks_optimal(vp->x, vp->n, k, s, &opt), OB_OK);
			REF_CHECK(&t, r, "sdcm_optimal_dp", opt, REL, 0);
			/* the optimal breaks classify into the optimal partition */
			assert_true(refcsv_close(fit.sdcm, opt, 1e-12, 0));
		}
	}
	refcsv_free(&t);
}

static void fisher_summaries(void **state)
{
	struct vec v[4];
	struct refcsv t;
	size_t nv;
	(void)state;
	nv = load_vectors(v, OB_ARRAY_SIZE(v));
	refcsv_load(&t, "reference/classification/fisher_class_summaries.csv");
	assert_int_equal(t.nrows, 3 * (3 + 4 + 5));
	for (size_t r = 0; r < t.nrows; r++) {
		const struct vec *vp = find_vec(v, nv, refcsv_str(&t, r, "vector_id"));
		size_t k = (size_t)refcsv_int(&t, r, "k"), c = (size_t)refcsv_int(&t, r, "class");
		struct ob_class_summary s[OB_MAX_CLASSES];
		const struct ob_class_summary *sc;

		assert_int_equal(ob_breaks_optimal(vp->x, vp->n, k, s, NULL), OB_OK);
		/* classInt's Fortran routine lists the highest class first */
		assert_true(c >= 1 && c <= k);
		sc = &s[k - c];
		REF_CHECK(&t, r, "class_min", sc->min, REL, 0);
		REF_CHECK(&t, r, "class_max", sc->max, REL, 0);
		REF_CHECK(&t, r, "class_mean", sc->mean, REL, 0);
		/* a one-value class has sd exactly 0 here and in R */
		REF_CHECK(&t, r, "class_sd", sc->sd, REL, 0);
	}
	refcsv_free(&t);
}

/* Optimality on small inputs: exhaustive search over every partition. */
static double best_by_search(const double *v, size_t n, size_t k, size_t from)
{
	double best = INFINITY;

	if (k == 1) {
		double m = 0, ss = 0;
		for (size_t i = from; i < n; i++)
			m += v[i];
		m /= (double)(n - from);
		for (size_t i = from; i < n; i++)
			ss += (v[i] - m) * (v[i] - m);
		return ss;
	}
	for (size_t end = from + 1; end + k - 1 <= n; end++) {
		double m = 0, ss = 0, rest;
		if (v[end - 1] == v[end])
			continue; /* equal values share a class */
		for (size_t i = from; i < end; i++)
			m += v[i];
		m /= (double)(end - from);
		for (size_t i = from; i < end; i++)
			ss += (v[i] - m) * (v[i] - m);
		rest = best_by_search(v, n, k - 1, end);
		if (ss + rest < best)
			best = ss + rest;
	}
	return best;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void optimal_is_optimal(void **state)
{
	double x[14];
	uint32_t seed = 12345;
	(void)state;
	for (int trial = 0; trial < 20; trial++) {
		double sorted[14], opt;
		struct ob_class_summary s[OB_MAX_CLASSES];
		for (size_t i = 0; i < 14; i++) {
			seed = seed * 1103515245u + 12345u;
			x[i] = (double)((seed >> 16) % 40); /* ties on purpose */
		}
		memcpy(sorted, x, sizeof(x));
		qsort(sorted, 14, sizeof(double), cmp_d);
		for (size_t k = 1; k <= 5; k++) {
			double want = best_by_search(sorted, 14, k, 0);
			if (isinf(want))
				continue; /* fewer distinct values than k */
			assert_int_equal(ob_breaks_optimal(x, 14, k, s, &opt), OB_OK);
			assert_true(refcsv_close(opt, want, 1e-12, 1e-12));
			for (size_t c = 1; c < k; c++)
				assert_true(s[c - 1].max < s[c].min);
		}
	}
}

static void edge_cases(void **state)
{
	static const double x[] = { 3, 1, 2, 2, 5 };
	static const double same[] = { 4, 4, 4 };
	double brks[OB_MAX_CLASSES + 1], bad[] = { 1, NAN, 2 };
	struct ob_class_summary s[OB_MAX_CLASSES];
	struct ob_breaks_fit fit;
	size_t cls[3] = { 1, 1, 1 };
	enum ob_closure cl;
	(void)state;
	/* k = number of distinct values: one value per class */
	assert_int_equal(ob_breaks(x, 5, 4, OB_BREAKS_JENKS, brks, &cl), OB_OK);
	assert_true(brks[0] == 1 && brks[1] == 1 && brks[2] == 2 && brks[3] == 3 && brks[4] == 5);
	assert_int_equal(cl, OB_CLOSURE_RIGHT);
	assert_int_equal(ob_breaks_class(brks, 4, cl, 1), 1);
	assert_int_equal(ob_breaks_class(brks, 4, cl, 2), 2);
	assert_int_equal(ob_breaks_class(brks, 4, cl, 5), 4);
	assert_int_equal(ob_breaks(x, 5, 5, OB_BREAKS_FISHER, brks, &cl), OB_EINVAL);
	assert_int_equal(ob_breaks_optimal(x, 5, 5, s, NULL), OB_EINVAL);
	/* out-of-range values go to the end classes */
	assert_int_equal(ob_breaks(x, 5, 2, OB_BREAKS_EQUAL, brks, &cl), OB_OK);
	assert_int_equal(ob_breaks_class(brks, 2, cl, -10), 1);
	assert_int_equal(ob_breaks_class(brks, 2, cl, 3), 2); /* [3, 5] */
	assert_int_equal(ob_breaks_class(brks, 2, cl, 99), 2);
	/* one class */
	assert_int_equal(ob_breaks(x, 5, 1, OB_BREAKS_FISHER, brks, &cl), OB_OK);
	assert_true(brks[0] == 1 && brks[1] == 5);
	/* constant data: quantile and equal breaks collapse; GVF and TAI are
	 * 0/0 (jenks.tests gives NaN): flagged and 0, not a perfect 1 */
	assert_int_equal(ob_breaks(same, 3, 3, OB_BREAKS_QUANTILE, brks, &cl), OB_OK);
	assert_true(brks[0] == 4 && brks[3] == 4);
	assert_int_equal(ob_breaks_fit(same, cls, 3, 3, &fit), OB_OK);
	assert_int_equal(fit.flags, OB_FIT_NO_VARIATION);
	assert_true(fit.gvf == 0 && fit.tai == 0 && fit.classes_used == 1);
	assert_true(fit.sdam == 0 && fit.sdcm == 0);
	/* one value apart from the rest is variation: defined again */
	{
		static const double near[] = { 4, 4, 5 };
		static const size_t two[] = { 1, 1, 2 };
		assert_int_equal(ob_breaks_fit(near, two, 3, 2, &fit), OB_OK);
		assert_int_equal(fit.flags, 0);
		assert_true(fit.gvf == 1 && fit.tai == 1);
	}
	/* refused */
	assert_int_equal(ob_breaks(bad, 3, 2, OB_BREAKS_QUANTILE, brks, &cl), OB_EINVAL);
	assert_int_equal(ob_breaks(x, 5, 0, OB_BREAKS_QUANTILE, brks, &cl), OB_EINVAL);
	assert_int_equal(ob_breaks(x, 5, OB_MAX_CLASSES + 1, OB_BREAKS_EQUAL, brks, &cl),
	                 OB_EINVAL);
	assert_int_equal(ob_breaks(x, 0, 2, OB_BREAKS_EQUAL, brks, &cl), OB_EINVAL);
	cls[1] = 4;
	assert_int_equal(ob_breaks_fit(same, cls, 3, 3, &fit), OB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(breaks_against_classint),
		cmocka_unit_test(classes_against_classint),
		cmocka_unit_test(fit_against_classint),
		cmocka_unit_test(fisher_summaries),
		cmocka_unit_test(optimal_is_optimal),
		cmocka_unit_test(edge_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
