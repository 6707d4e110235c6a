/* composite.c - normalisation, weighted aggregation and ranking of indicators. */
#include "stats/composite.h"

#include <math.h>

static bool finite_all(const double *x, size_t n)
{
	if (!x)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return false;
	return true;
}

ob_err ob_norm_minmax(const double *x, size_t n, int direction, double lo, double hi,
                      double *out)
{
	double mn, mx;

	if (n < 2 || n > OB_MAX_AREAS || !finite_all(x, n) || !out ||
	    (direction != 1 && direction != -1) || !isfinite(lo) || !isfinite(hi) || !(lo < hi))
		return OB_EINVAL;
	mn = mx = direction * x[0];
	for (size_t i = 1; i < n; i++) {
		double v = direction * x[i];
		if (v < mn)
			mn = v;
		if (v > mx)
			mx = v;
	}
	if (!(mx > mn))
		return OB_EINVAL;
	for (size_t i = 0; i < n; i++)
		out[i] = (direction * x[i] - mn) / (mx - mn) * (hi - lo) + lo;
	return OB_OK;
}

ob_err ob_norm_zscore(const double *x, size_t n, int direction, double m, double s,
                      double *out)
{
	double mean = 0, ss = 0, sd;

	if (n < 2 || n > OB_MAX_AREAS || !finite_all(x, n) || !out ||
	    (direction != 1 && direction != -1) || !isfinite(m) || !isfinite(s) || !(s > 0))
		return OB_EINVAL;
	for (size_t i = 0; i < n; i++)
		mean += direction * x[i];
	mean /= (double)n;
	for (size_t i = 0; i < n; i++) {
		double d = direction * x[i] - mean;
		ss += d * d;
	}
	sd = sqrt(ss / (double)(n - 1));
	if (!(sd > 0))
		return OB_EINVAL;
	for (size_t i = 0; i < n; i++)
		out[i] = (direction * x[i] - mean) / sd * s + m;
	return OB_OK;
}

static bool weights_ok(const double *w, size_t k, double *sum)
{
	*sum = 0;
	if (!w) {
		*sum = (double)k;
		return k > 0;
	}
	for (size_t j = 0; j < k; j++) {
		if (!isfinite(w[j]) || w[j] < 0)
			return false;
		*sum += w[j];
	}
	return *sum > 0;
}

ob_err ob_agg_arith(const double *v, const double *w, size_t k, double *out)
{
	double sw, s = 0;

	if (!out || !finite_all(v, k) || !weights_ok(w, k, &sw))
		return OB_EINVAL;
	for (size_t j = 0; j < k; j++)
		s += (w ? w[j] : 1) * v[j];
	*out = s / sw;
	return OB_OK;
}

ob_err ob_agg_geom(const double *v, const double *w, size_t k, double *out)
{
	double sw, s = 0;
	bool zero = false;

	if (!out || !finite_all(v, k) || !weights_ok(w, k, &sw))
		return OB_EINVAL;
	for (size_t j = 0; j < k; j++) {
		double wj = w ? w[j] : 1;
		if (v[j] < 0)
			return OB_EINVAL;
		if (wj == 0)
			continue;
		if (v[j] == 0)
			zero = true;
		else
			s += wj * log(v[j]);
	}
	*out = zero ? 0 : exp(s / sw);
	return OB_OK;
}

struct keyed {
	double v;
	size_t i;
};

static int cmp_desc(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	if (x->v != y->v)
		return x->v < y->v ? 1 : -1;
	return (x->i > y->i) - (x->i < y->i);
}

ob_err ob_rank_desc(const double *v, size_t n, size_t *rank)
{
	struct keyed *k;

	if (n > OB_MAX_AREAS || !rank || !finite_all(v, n))
		return OB_EINVAL;
	k = ob_malloc((n ? n : 1) * sizeof(*k));
	for (size_t i = 0; i < n; i++) {
		k[i].v = v[i];
		k[i].i = i;
	}
	qsort(k, n, sizeof(*k), cmp_desc);
	for (size_t p = 0; p < n; p++)
		rank[k[p].i] = p > 0 && k[p].v == k[p - 1].v ? rank[k[p - 1].i] : p + 1;
	free(k);
	return OB_OK;
}
