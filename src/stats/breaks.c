/* breaks.c - Fisher/Jenks optimal, quantile and equal-interval class breaks; fit. */
#include "stats/breaks.h"

#include <math.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static bool values_ok(const double *x, size_t n)
{
	if (!x || n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return false;
	return true;
}

static double *sorted_copy(const double *x, size_t n)
{
	double *v = ob_malloc(n * sizeof(*v));

	memcpy(v, x, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_double);
	return v;
}

/* ---------------------------------------------------------------------- */
/* The optimal partition (Fisher 1958) by dynamic programming              */

/*
 * Distinct sorted values u[0..m-1] with their multiplicities; prefix sums
 * of the weights and of the first two powers of the values, centred on
 * the mean so that the sums of squares do not cancel.
 */
struct distinct {
	size_t m;
	double *u;
	double *cw, *c1, *c2; /* m + 1 prefix sums */
	size_t *first;        /* index in the sorted data of u[j]'s first copy */
};

static void distinct_release(struct distinct *d)
{
	free(d->u);
	free(d->cw);
	free(d->c1);
	free(d->c2);
	free(d->first);
}

static void distinct_build(const double *v, size_t n, struct distinct *d)
{
	double mean = 0;
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		mean += v[i];
	mean /= (double)n;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || v[i] != v[i - 1])
			m++;
	d->m = m;
	d->u = ob_malloc(m * sizeof(*d->u));
	d->first = ob_malloc((m + 1) * sizeof(*d->first));
	d->cw = ob_calloc(m + 1, sizeof(*d->cw));
	d->c1 = ob_calloc(m + 1, sizeof(*d->c1));
	d->c2 = ob_calloc(m + 1, sizeof(*d->c2));
	m = 0;
	for (size_t i = 0; i < n; i++) {
		double c = v[i] - mean;
		if (i == 0 || v[i] != v[i - 1]) {
			d->u[m] = v[i];
			d->first[m] = i;
			d->cw[m + 1] = d->cw[m];
			d->c1[m + 1] = d->c1[m];
			d->c2[m + 1] = d->c2[m];
			m++;
		}
		d->cw[m] += 1;
		d->c1[m] += c;
		d->c2[m] += c * c;
	}
	d->first[m] = n;
}

/* Within-class sum of squares of distinct values i..j. */
static double sse(const struct distinct *d, size_t i, size_t j)
{
	double w = d->cw[j + 1] - d->cw[i];
	double s1 = d->c1[j + 1] - d->c1[i];
	double s2 = d->c2[j + 1] - d->c2[i];
	double r = s2 - s1 * s1 / w;

	return r > 0 ? r : 0;
}

/*
 * start[c] receives the first distinct index of class c (0-based, c < k).
 * Among equal costs the smallest start of the last class wins, so that
 * upper classes are as large as possible.
 */
static void optimal_starts(const struct distinct *d, size_t k, size_t *start)
{
	size_t m = d->m;
	double *prev = ob_malloc(m * sizeof(*prev)), *cur = ob_malloc(m * sizeof(*cur));
	size_t *from = ob_malloc(k * m * sizeof(*from)); /* from[c*m + j] */

	for (size_t j = 0; j < m; j++) {
		prev[j] = sse(d, 0, j);
		from[j] = 0;
	}
	for (size_t c = 1; c < k; c++) {
		for (size_t j = c; j < m; j++) {
			double best = INFINITY;
			size_t arg = c;
			for (size_t i = c; i <= j; i++) {
				double v = prev[i - 1] + sse(d, i, j);
				if (v < best) {
					best = v;
					arg = i;
				}
			}
			cur[j] = best;
			from[c * m + j] = arg;
		}
		for (size_t j = c; j < m; j++)
			prev[j] = cur[j];
	}
	{
		size_t j = m - 1;
		for (size_t c = k; c-- > 0;) {
			start[c] = from[c * m + j];
			if (c)
				j = start[c] - 1;
		}
	}
	free(from);
	free(cur);
	free(prev);
}

static ob_err check_args(const double *x, size_t n, size_t k)
{
	if (n > OB_MAX_AREAS)
		return OB_ETOOBIG;
	if (!values_ok(x, n) || k < 1 || k > OB_MAX_CLASSES)
		return OB_EINVAL;
	return OB_OK;
}

/* Summaries of the classes of the sorted values v given their starts. */
static void summarise(const double *v, size_t n, const struct distinct *d,
                      const size_t *start, size_t k, struct ob_class_summary *cl,
                      double *sdcm)
{
	double total = 0;

	for (size_t c = 0; c < k; c++) {
		size_t lo = d->first[start[c]];
		size_t hi = c + 1 < k ? d->first[start[c + 1]] : n;
		double mean = 0, ss = 0;
		for (size_t i = lo; i < hi; i++)
			mean += v[i];
		mean /= (double)(hi - lo);
		for (size_t i = lo; i < hi; i++)
			ss += (v[i] - mean) * (v[i] - mean);
		cl[c].min = v[lo];
		cl[c].max = v[hi - 1];
		cl[c].mean = mean;
		cl[c].sd = sqrt(ss / (double)(hi - lo));
		cl[c].count = hi - lo;
		total += ss;
	}
	if (sdcm)
		*sdcm = total;
}

/* The optimal partition of x: class summaries in ascending order. */
static ob_err optimal(const double *x, size_t n, size_t k, struct ob_class_summary *cl,
                      double *sdcm)
{
	struct distinct d = { 0 };
	size_t start[OB_MAX_CLASSES];
	double *v;
	ob_err err = check_args(x, n, k);

	if (err)
		return err;
	v = sorted_copy(x, n);
	distinct_build(v, n, &d);
	if (d.m > OB_MAX_OPTIMAL_CLASSIFY)
		err = OB_ETOOBIG;
	else if (k > d.m)
		err = OB_EINVAL;
	if (!err) {
		optimal_starts(&d, k, start);
		summarise(v, n, &d, start, k, cl, sdcm);
	}
	distinct_release(&d);
	free(v);
	return err;
}

ob_err ob_breaks_optimal(const double *x, size_t n, size_t k,
                         struct ob_class_summary *classes, double *sdcm)
{
	if (!classes)
		return OB_EINVAL;
	return optimal(x, n, k, classes, sdcm);
}

/* ---------------------------------------------------------------------- */
/* Breaks                                                                  */

/* R's quantile(x, p, type = 7) of the sorted values v. */
static double quantile7(const double *v, size_t n, double p)
{
	double index = 1 + (double)(n - 1) * p, lo = floor(index), hi = ceil(index);
	double q = v[(size_t)lo - 1], h;

	if (index > lo && v[(size_t)hi - 1] != q) {
		h = index - lo;
		q = (1 - h) * q + h * v[(size_t)hi - 1];
	}
	return q;
}

ob_err ob_breaks(const double *x, size_t n, size_t k, enum ob_breaks_style style,
                 double *brks, enum ob_closure *closure)
{
	struct ob_class_summary cl[OB_MAX_CLASSES];
	enum ob_closure cls = OB_CLOSURE_LEFT;
	ob_err err = check_args(x, n, k);
	double *v;

	if (err)
		return err;
	if (!brks)
		return OB_EINVAL;
	switch (style) {
	case OB_BREAKS_FISHER:
	case OB_BREAKS_JENKS:
		err = optimal(x, n, k, cl, NULL);
		if (err)
			return err;
		brks[0] = cl[0].min;
		for (size_t c = 1; c < k; c++)
			brks[c] = style == OB_BREAKS_FISHER ? (cl[c - 1].max + cl[c].min) / 2
			                                    : cl[c - 1].max;
		brks[k] = cl[k - 1].max;
		if (style == OB_BREAKS_JENKS)
			cls = OB_CLOSURE_RIGHT;
		break;
	case OB_BREAKS_QUANTILE:
		v = sorted_copy(x, n);
		for (size_t i = 0; i <= k; i++) {
			/* seq(0, 1, 1/k): i * (1/k), capped at 1 */
			double p = (double)i * (1.0 / (double)k);
			brks[i] = quantile7(v, n, p < 1 ? p : 1);
		}
		free(v);
		break;
	case OB_BREAKS_EQUAL: {
		double lo = x[0], hi = x[0], step;
		for (size_t i = 1; i < n; i++) {
			if (x[i] < lo)
				lo = x[i];
			if (x[i] > hi)
				hi = x[i];
		}
		step = (hi - lo) / (double)k;
		brks[0] = lo;
		for (size_t i = 1; i < k; i++)
			brks[i] = lo + (double)i * step;
		brks[k] = hi;
		break;
	}
	default:
		return OB_EINVAL;
	}
	if (closure)
		*closure = cls;
	return OB_OK;
}

size_t ob_breaks_class(const double *brks, size_t k, enum ob_closure closure, double v)
{
	size_t count = 0;

	/* findInterval: how many breaks lie below v (at or below it when the
	 * intervals are closed on the left); then all.inside */
	for (size_t j = 0; j <= k; j++)
		if (closure == OB_CLOSURE_RIGHT ? brks[j] < v : brks[j] <= v)
			count++;
	if (count < 1)
		count = 1;
	if (count > k)
		count = k;
	return count;
}

/* ---------------------------------------------------------------------- */
/* Goodness of fit                                                         */

ob_err ob_breaks_fit(const double *x, const size_t *cls, size_t n, size_t k,
                     struct ob_breaks_fit *out)
{
	double *sum, *mean, gmean = 0, sdam = 0, sdcm = 0, sadam = 0, sadcm = 0;
	size_t *cnt;

	memset(out, 0, sizeof(*out));
	if (n > OB_MAX_AREAS)
		return OB_ETOOBIG;
	if (!values_ok(x, n) || !cls || k < 1 || k > OB_MAX_CLASSES)
		return OB_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (cls[i] < 1 || cls[i] > k)
			return OB_EINVAL;
	sum = ob_calloc(k, sizeof(*sum));
	mean = ob_calloc(k, sizeof(*mean));
	cnt = ob_calloc(k, sizeof(*cnt));
	for (size_t i = 0; i < n; i++) {
		sum[cls[i] - 1] += x[i];
		cnt[cls[i] - 1]++;
		gmean += x[i];
	}
	gmean /= (double)n;
	for (size_t c = 0; c < k; c++)
		if (cnt[c]) {
			mean[c] = sum[c] / (double)cnt[c];
			out->classes_used++;
		}
	for (size_t i = 0; i < n; i++) {
		double dm = x[i] - gmean, dc = x[i] - mean[cls[i] - 1];
		sdam += dm * dm;
		sdcm += dc * dc;
		sadam += fabs(dm);
		sadcm += fabs(dc);
	}
	out->sdam = sdam;
	out->sdcm = sdcm;
	if (sdam > 0 && sadam > 0) {
		out->gvf = 1 - sdcm / sdam;
		out->tai = 1 - sadcm / sadam;
	} else {
		out->flags |= OB_FIT_NO_VARIATION;
	}
	free(cnt);
	free(mean);
	free(sum);
	return OB_OK;
}
