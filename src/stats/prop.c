/* prop.c - proportions with exact (Clopper-Pearson) binomial intervals. */
#include "stats/prop.h"

#include <math.h>

#include "stats/dist.h"

#define MAX_NEWTON 200

/*
 * Binomial tails at k: ge = P(X >= k), lt = P(X < k), and the density at
 * k, for X ~ Bin(n, p), 0 < p < 1, 1 <= k <= n. The tail on the far side
 * of the mode is summed (its terms fall as they move away from the mean,
 * so the sum stops after a few standard deviations) and the other one is
 * its complement.
 */
static void tails(double k, double n, double p, double *ge, double *lt, double *dens_k)
{
	double mode = floor((n + 1) * p), r = p / (1 - p), term, sum;

	if (k > mode) {
		/* P(X >= k): k, k + 1, ... */
		term = ob_dbinom(k, n, p);
		*dens_k = term;
		sum = term;
		for (double j = k; j < n && term > sum * 1e-17; j++) {
			term *= (n - j) / (j + 1) * r;
			sum += term;
		}
		*ge = sum;
		*lt = 1 - sum;
	} else {
		/* P(X <= k - 1): k - 1, k - 2, ... */
		term = ob_dbinom(k - 1, n, p);
		*dens_k = term * (n - k + 1) / k * r;
		sum = term;
		for (double j = k - 1; j > 0 && term > sum * 1e-17; j--) {
			term *= j / (n - j + 1) / r;
			sum += term;
		}
		*lt = sum;
		*ge = 1 - sum;
	}
}

/*
 * The p where a tail of Bin(n, p) equals t: P(X >= x) = t when `lower`
 * (the lower limit; P grows with p), else P(X <= x) = t (the upper limit;
 * P falls as p grows). 1 <= x (lower) or x <= n - 1 (upper).
 */
static double solve(double x, double n, double t, bool lower)
{
	double lo = 0, hi = 1, p, z, ph, den, lt = log(t);

	/* start from the Wilson score limit */
	z = ob_qnorm_upper(t);
	ph = x / n;
	den = 1 + z * z / n;
	p = (ph + z * z / (2 * n) + (lower ? -1 : 1) * z * sqrt(ph * (1 - ph) / n + z * z / (4 * n * n))) / den;
	if (!(p > 0 && p < 1))
		p = lower ? 0.5 * ph : 0.5 * (1 + ph);
	for (int it = 0; it < MAX_NEWTON; it++) {
		double ge, lt_, dens, tail, slope, np;

		tails(lower ? x : x + 1, n, p, &ge, &lt_, &dens);
		if (lower) {
			tail = ge;
			/* d/dp P(X >= x) = x/p dbinom(x) */
			slope = x / p * dens;
			if (tail < t)
				lo = p;
			else
				hi = p;
		} else {
			tail = lt_;
			/* d/dp P(X <= x) = -(n - x)/(1 - p) dbinom(x); dens is at x + 1 */
			slope = -(x + 1) / p * dens;
			if (tail > t)
				lo = p;
			else
				hi = p;
		}
		if (tail == t)
			return p;
		np = NAN;
		if (tail > 0 && slope != 0 && isfinite(slope))
			np = p - (log(tail) - lt) * tail / slope;
		/* converged: the step is down to rounding (it may then fall just
		 * outside the bracket, which must not bring a bisection) */
		if (fabs(np - p) <= 4e-16 * p)
			return np > lo && np < hi ? np : p;
		if (!(np > lo && np < hi)) {
			if (lo > 0 && hi > 4 * lo)
				np = sqrt(lo * hi);
			else if (hi < 1 && 1 - lo > 4 * (1 - hi))
				np = 1 - sqrt((1 - lo) * (1 - hi));
			else
				np = lo + (hi - lo) / 2;
		}
		if (np == lo || np == hi)
			return np;
		p = np;
	}
	return p;
}

void ob_prop_limits(double x, double n, double level, double *lower, double *upper)
{
	double t = (1 - level) / 2;

	if (x == 0) {
		*lower = 0;
		*upper = -expm1(log(t) / n);
	} else if (x == n) {
		*lower = exp(log(t) / n);
		*upper = 1;
	} else if (x <= n - x) {
		/* the lower limit lies below 1/2: solved in p; the upper one, if
		 * near 1, needs precision only relative to itself */
		*lower = solve(x, n, t, true);
		*upper = solve(x, n, t, false);
	} else {
		/* by symmetry, on the failures: limits near 1 come from small ones */
		*lower = 1 - solve(n - x, n, t, false);
		*upper = 1 - solve(n - x, n, t, true);
	}
}

static bool whole(double v)
{
	return isfinite(v) && v >= 0 && v == floor(v) && v <= 9007199254740992.0;
}

ob_err ob_prop_exact(double x, double n, double per, double level, double unreliable_below,
                     struct ob_prop *out)
{
	double lo, hi;

	memset(out, 0, sizeof(*out));
	if (!whole(x) || !whole(n) || x > n || !isfinite(per) || per <= 0 || !isfinite(level) ||
	    level <= 0 || level >= 1 || !isfinite(unreliable_below) || unreliable_below < 0)
		return OB_EINVAL;
	out->count = x;
	out->total = n;
	out->per = per;
	out->level = level;
	if (n < unreliable_below)
		out->flags |= OB_PROP_UNRELIABLE;
	if (n == 0) {
		out->flags |= OB_PROP_NO_TOTAL;
		return OB_OK;
	}
	ob_prop_limits(x, n, level, &lo, &hi);
	out->value = per * x / n;
	out->lower = per * lo;
	out->upper = per * hi;
	return OB_OK;
}
