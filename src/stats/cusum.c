/*
 * cusum.c - the Poisson CUSUM (see the CUSUM section of outbreak.h): Lucas'
 * reference value, the average run length by Brook & Evans' Markov chain,
 * the decision interval for a stated in-control run length, and the
 * statistic with its restart after an alarm.
 */
#include "stats/outbreak.h"

#include <math.h>
#include <stdlib.h>

#include "base/limits.h"
#include "stats/dist.h"

void ob_cusum_defaults(struct ob_cusum_options *o)
{
	o->shift = 1;
	o->arl0 = 120;
	o->baseline = 36;
	o->limit_cases = 5;
	o->limit_periods = 4;
}

ob_err ob_cusum_k(double m0, double shift, double *k, int *den)
{
	double m1, raw, r;
	long tenths;

	if (!(m0 > 0) || !(shift > 0) || !isfinite(m0) || !isfinite(shift))
		return OB_EINVAL;
	m1 = m0 + shift * sqrt(m0);
	raw = (m1 - m0) / (log(m1) - log(m0));
	/* surveillance::findK(roundK = TRUE, digits = 1): a k whose first
	 * decimal would be .0 or .5 is moved half a tenth towards its
	 * fractional side first, so the grid stays fine */
	r = round(raw * 10) / 10;
	tenths = lround(r * 10) % 10;
	if (tenths == 0 || tenths == 5) {
		double frac = fmod((raw - floor(raw)) * 10, 1);
		raw += frac < 0.5 ? 0.05 : -0.05;
	}
	tenths = lround(raw * 10);
	*k = (double)tenths / 10;
	/* the smallest d with k d whole */
	*den = tenths % 2 ? 10 : 5;
	if (tenths % 10 == 0)
		*den = 1;
	else if (tenths % 5 == 0)
		*den = 2;
	return OB_OK;
}

/* P(X <= x) and P(X = x) for X ~ Poisson(theta), x >= 0 whole. */
static double ppois(double x, double theta)
{
	return x < 0 ? 0 : ob_gamma_q(x + 1, theta);
}

static double dpois(double x, double theta)
{
	return x < 0 ? 0 : exp(x * log(theta) - theta - ob_lgamma(x + 1));
}

/* Solves a x = b in place (a is m by m, row-major; b becomes x) by Gaussian
 * elimination with partial pivoting; false when singular. */
static bool solve(double *a, double *b, size_t m)
{
	for (size_t c = 0; c < m; c++) {
		size_t piv = c;
		for (size_t r = c + 1; r < m; r++)
			if (fabs(a[r * m + c]) > fabs(a[piv * m + c]))
				piv = r;
		if (!(fabs(a[piv * m + c]) > 0))
			return false;
		if (piv != c) {
			for (size_t j = 0; j < m; j++) {
				double t = a[c * m + j];
				a[c * m + j] = a[piv * m + j];
				a[piv * m + j] = t;
			}
			double t = b[c];
			b[c] = b[piv];
			b[piv] = t;
		}
		for (size_t r = c + 1; r < m; r++) {
			double f = a[r * m + c] / a[c * m + c];
			if (f == 0)
				continue;
			for (size_t j = c; j < m; j++)
				a[r * m + j] -= f * a[c * m + j];
			b[r] -= f * b[c];
		}
	}
	for (size_t c = m; c-- > 0;) {
		double s = b[c];
		for (size_t j = c + 1; j < m; j++)
			s -= a[c * m + j] * b[j];
		b[c] = s / a[c * m + c];
	}
	return true;
}

ob_err ob_cusum_arl(double h, double k, int den, double theta, double *arl)
{
	long hn, kn;
	size_t m, nx, nq;
	double *a, *b, *px = NULL;
	ob_err err = OB_OK;

	if (den < 1 || !(h > 0) || !(k > 0) || !(theta > 0) || !isfinite(theta) || !isfinite(h) ||
	    !isfinite(k))
		return OB_EINVAL;
	hn = lround(h * den);
	kn = lround(k * den);
	if (fabs((double)hn - h * den) > 1e-6 || fabs((double)kn - k * den) > 1e-6)
		return OB_EINVAL;
	if (hn > OB_MAX_CUSUM_STATES)
		return OB_ETOOBIG;
	/* states i = 0 .. hn - 1 (the CUSUM at i / den); from i a count x
	 * leads to i + x den - kn, to 0 when that is not above 0 and out of
	 * the chain (an alarm) from hn on */
	m = (size_t)hn;
	a = calloc(m * m, sizeof(*a));
	b = malloc(m * sizeof(*b));
	/* P(X = x) for the x of a step within the chain: x den <= kn + m */
	nx = (size_t)((kn + hn) / den) + 1;
	/* and P(X <= x) for x den <= kn */
	nq = (size_t)(kn / den) + 1;
	px = malloc((nx + nq) * sizeof(*px));
	if (!a || !b || !px) {
		err = OB_ENOMEM;
		goto free_matrix;
	}
	for (size_t x = 0; x < nx; x++)
		px[x] = dpois((double)x, theta);
	for (size_t x = 0; x < nq; x++)
		px[nx + x] = -1; /* computed when first needed */
	for (size_t i = 0; i < m; i++) {
		long li = (long)i;
		/* to 0: x den <= kn - i */
		double to0 = 0;
		if (kn - li >= 0) {
			double *q = &px[nx + (size_t)((kn - li) / den)];
			if (*q < 0)
				*q = ppois(floor((double)(kn - li) / den), theta);
			to0 = *q;
		}
		a[i * m] = -to0;
		for (size_t j = 1; j < m; j++) {
			long step = (long)j - li + kn;
			if (step >= 0 && step % den == 0)
				a[i * m + j] = -px[step / den];
		}
		a[i * m + i] += 1;
		b[i] = 1;
	}
	if (!solve(a, b, m)) {
		err = OB_ENOFIT;
		goto free_matrix;
	}
	*arl = b[0];
free_matrix:
	free(px);
	free(b);
	free(a);
	return err;
}

ob_err ob_cusum_h(double k, int den, double theta, double arl0, double *h, double *arl)
{
	long lo = 0, hi = 1;
	double arl_hi = 0;
	ob_err err;

	if (!(arl0 >= 1) || !isfinite(arl0) || den < 1)
		return OB_EINVAL;
	/* the run length grows with h: double, then halve the interval
	 * (lo below arl0, hi at or above it) */
	for (;;) {
		if ((err = ob_cusum_arl((double)hi / den, k, den, theta, &arl_hi)))
			return err;
		if (arl_hi >= arl0)
			break;
		lo = hi;
		if (hi >= OB_MAX_CUSUM_STATES)
			return OB_ETOOBIG;
		hi = hi * 2 > OB_MAX_CUSUM_STATES ? OB_MAX_CUSUM_STATES : hi * 2;
	}
	while (hi - lo > 1) {
		long mid = lo + (hi - lo) / 2;
		double a;
		if ((err = ob_cusum_arl((double)mid / den, k, den, theta, &a)))
			return err;
		if (a >= arl0) {
			hi = mid;
			arl_hi = a;
		} else {
			lo = mid;
		}
	}
	*h = (double)hi / den;
	*arl = arl_hi;
	return OB_OK;
}

/* The run length at hn states, below (false) or at least (true) arl0. */
static ob_err at_least(long hn, double k, int den, double theta, double arl0, bool *yes,
                       double *arl)
{
	ob_err err = ob_cusum_arl((double)hn / den, k, den, theta, arl);

	*yes = !err && *arl >= arl0;
	return err;
}

static uint64_t memo_hash(long kn, int den, double theta, double arl0)
{
	uint64_t a, b, x;

	memcpy(&a, &theta, sizeof(a));
	memcpy(&b, &arl0, sizeof(b));
	x = a ^ (b * 0x9e3779b97f4a7c15u) ^ ((uint64_t)kn << 8) ^ (uint64_t)den;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdu;
	x ^= x >> 33;
	return x;
}

ob_err ob_cusum_h_cached(double k, int den, double theta, double arl0,
                         struct ob_cusum_cache *cache, double *h, double *arl)
{
	struct ob_cusum_memo *mo;
	struct ob_cusum_hint *hi_slot;
	long kn, lo, hi, g, step;
	double arl_hi = 0, a;
	bool yes;
	ob_err err;

	if (!cache)
		return ob_cusum_h(k, den, theta, arl0, h, arl);
	if (!(arl0 >= 1) || !isfinite(arl0) || den < 1 || !(k > 0) || !isfinite(k))
		return OB_EINVAL;
	kn = lround(k * den);
	mo = &cache->memo[memo_hash(kn, den, theta, arl0) % OB_CUSUM_CACHE_SLOTS];
	if (mo->used && mo->kn == kn && mo->den == den && mo->theta == theta && mo->arl0 == arl0) {
		cache->hits++;
		*h = (double)mo->hn / den;
		*arl = mo->arl;
		return OB_OK;
	}
	cache->misses++;
	hi_slot = &cache->hint[((uint64_t)kn * 31u + (uint64_t)den) % OB_CUSUM_CACHE_SLOTS];
	g = hi_slot->kn == kn && hi_slot->den == den && hi_slot->hn > 0 ? hi_slot->hn : 1;
	/* lo: 0 or below arl0; hi: at or above it. From the guess, gallop
	 * down or up to bracket, then halve as ob_cusum_h does */
	if ((err = at_least(g, k, den, theta, arl0, &yes, &a)))
		return err;
	if (yes) {
		hi = g;
		arl_hi = a;
		lo = 0;
		for (step = 1; g - step >= 1; step *= 2) {
			if ((err = at_least(g - step, k, den, theta, arl0, &yes, &a)))
				return err;
			if (!yes) {
				lo = g - step;
				break;
			}
			hi = g - step;
			arl_hi = a;
		}
	} else {
		lo = g;
		for (step = 1;; step *= 2) {
			if (lo >= OB_MAX_CUSUM_STATES)
				return OB_ETOOBIG;
			hi = g + step > OB_MAX_CUSUM_STATES ? OB_MAX_CUSUM_STATES : g + step;
			if ((err = at_least(hi, k, den, theta, arl0, &yes, &a)))
				return err;
			if (yes) {
				arl_hi = a;
				break;
			}
			lo = hi;
		}
	}
	while (hi - lo > 1) {
		long mid = lo + (hi - lo) / 2;
		if ((err = at_least(mid, k, den, theta, arl0, &yes, &a)))
			return err;
		if (yes) {
			hi = mid;
			arl_hi = a;
		} else {
			lo = mid;
		}
	}
	hi_slot->kn = kn;
	hi_slot->den = den;
	hi_slot->hn = hi;
	mo->used = true;
	mo->kn = kn;
	mo->den = den;
	mo->theta = theta;
	mo->arl0 = arl0;
	mo->hn = hi;
	mo->arl = arl_hi;
	*h = (double)hi / den;
	*arl = arl_hi;
	return OB_OK;
}

/* limit_cases cases in the limit_periods periods up to t, all with data. */
static bool enough_cases(const double *y, size_t t, const struct ob_cusum_options *o)
{
	size_t span = o->limit_periods <= (int)t + 1 ? (size_t)o->limit_periods : t + 1;
	double cases = 0;

	for (size_t i = t + 1 - span; i <= t; i++) {
		if (isnan(y[i]))
			return false;
		cases += y[i];
	}
	return cases >= o->limit_cases;
}

ob_err ob_cusum(const double *y, size_t n, size_t start, size_t end,
                const struct ob_cusum_options *o, struct ob_cusum_plan *plan,
                struct ob_cusum_result *r)
{
	return ob_cusum_cached(y, n, start, end, o, NULL, plan, r);
}

ob_err ob_cusum_cached(const double *y, size_t n, size_t start, size_t end,
                       const struct ob_cusum_options *o, struct ob_cusum_cache *cache,
                       struct ob_cusum_plan *plan, struct ob_cusum_result *r)
{
	double sum = 0, s = 0;
	int den, run = 0;
	ob_err err;

	memset(plan, 0, sizeof(*plan));
	if (o->baseline < 1 || o->baseline > OB_MAX_OUTBREAK_BASELINE || start < (size_t)o->baseline ||
	    start > end || end >= n || o->limit_cases < 0 || o->limit_periods < 1 ||
	    !(o->shift > 0) || !(o->arl0 >= 1))
		return OB_EINVAL;
	memset(r, 0, (end - start + 1) * sizeof(*r));
	for (size_t i = 0; i < n; i++)
		if (y[i] < 0)
			return OB_EINVAL;
	for (size_t i = start - (size_t)o->baseline; i < start; i++) {
		if (isnan(y[i]))
			continue;
		sum += y[i];
		plan->n_baseline++;
	}
	if (plan->n_baseline < 3 || !(sum > 0))
		return OB_OK;
	plan->m0 = sum / (double)plan->n_baseline;
	if ((err = ob_cusum_k(plan->m0, o->shift, &plan->k, &den)) ||
	    (err = ob_cusum_h_cached(plan->k, den, plan->m0, o->arl0, cache, &plan->h,
	                             &plan->arl)))
		return err;
	plan->computed = true;
	for (size_t t = start; t <= end; t++) {
		struct ob_cusum_result *x = &r[t - start];
		double up = ceil(plan->h + plan->k - s - 1e-9);
		x->upper = up > 0 ? up : 0;
		if (isnan(y[t])) {
			x->stat = s;
			x->run = run;
			continue;
		}
		x->tested = true;
		s = s + y[t] - plan->k;
		if (s < 0)
			s = 0;
		/* whole counts keep the sum on the grid of 1/den: hold it
		 * there exactly */
		if (fabs(s * den - round(s * den)) < 1e-6)
			s = round(s * den) / den;
		run = s > 0 ? run + 1 : 0;
		x->stat = s;
		x->run = run;
		if (s >= plan->h && enough_cases(y, t, o)) {
			x->alarm = true;
			s = 0;
			run = 0;
		}
	}
	return OB_OK;
}
