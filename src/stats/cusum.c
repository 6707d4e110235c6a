/*
 * cusum.c - the Poisson CUSUM (see the CUSUM section of outbreak.h): Lucas'
 * reference value, the average run length by Brook & Evans' Markov chain,
 * the decision interval for a stated in-control run length, and the
 * statistic with its restart after an alarm.
 */
#include "stats/outbreak.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * (I - P) of the chain of m states into a (m by m, row-major, zeroed by the
 * caller): states i = 0 .. m - 1 (the CUSUM at i / den); from i a count x
 * leads to i + x den - kn, to 0 when that is not above 0, and out of the
 * chain (an alarm) from m on. A state's transitions do not depend on m, so
 * the matrix of fewer states is this one's leading block.
 */
static ob_err chain_matrix(long kn, int den, double theta, size_t m, double *a)
{
	/* P(X = x) for the x of a step within the chain: x den <= kn + m */
	size_t nx = (size_t)((kn + (long)m) / den) + 1;
	/* and P(X <= x) for x den <= kn */
	size_t nq = (size_t)(kn / den) + 1;
	double *px = malloc((nx + nq) * sizeof(*px));

	if (!px)
		return OB_ENOMEM;
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
		/* j = i + x den - kn for x >= 0: the first j of i's residue */
		long j0 = li - kn;
		if (j0 < 1)
			j0 += ((1 - j0 + den - 1) / den) * den;
		for (long j = j0; j < (long)m; j += den)
			a[i * m + (size_t)j] = -px[(j - li + kn) / den];
		a[i * m + i] += 1;
	}
	free(px);
	return OB_OK;
}

static ob_err grid(double h, double k, int den, long *hn, long *kn)
{
	*hn = lround(h * den);
	*kn = lround(k * den);
	if (fabs((double)*hn - h * den) > 1e-6 || fabs((double)*kn - k * den) > 1e-6)
		return OB_EINVAL;
	return OB_OK;
}

ob_err ob_cusum_arl(double h, double k, int den, double theta, double *arl)
{
	long hn, kn;
	size_t m;
	double *a, *b;
	ob_err err;

	if (den < 1 || !(h > 0) || !(k > 0) || !(theta > 0) || !isfinite(theta) || !isfinite(h) ||
	    !isfinite(k))
		return OB_EINVAL;
	if ((err = grid(h, k, den, &hn, &kn)))
		return err;
	if (hn > OB_MAX_CUSUM_STATES)
		return OB_ETOOBIG;
	m = (size_t)hn;
	a = calloc(m * m, sizeof(*a));
	b = malloc(m * sizeof(*b));
	if (!a || !b) {
		err = OB_ENOMEM;
		goto free_matrix;
	}
	if ((err = chain_matrix(kn, den, theta, m, a)))
		goto free_matrix;
	for (size_t i = 0; i < m; i++)
		b[i] = 1;
	if (!solve(a, b, m)) {
		err = OB_ENOFIT;
		goto free_matrix;
	}
	*arl = b[0];
free_matrix:
	free(b);
	free(a);
	return err;
}

/*
 * The run lengths from 0 of the chains of 1 .. m states at once. With
 * A = I - P of m states factored A = L U (no pivoting: A is a nonsingular
 * M-matrix, whose pivots are positive), the chain of hn states is A's
 * leading block, L_hn U_hn; so with y = L^-1 1 and w = e0' U^-1 (both
 * computed front to back, the first hn entries those of the smaller chain)
 * its run length e0' U_hn^-1 L_hn^-1 1 is the sum of w_j y_j over j < hn.
 *
 * struct chain is that factorisation so far, grown on demand (h_scan): the
 * chain of `have` states factored in place (row-major, stride have), y, w
 * and their running sum. Growing it to m states factors only the new rows
 * and columns: each entry receives the same updates in the same order as
 * the factorisation of m states at once would give it, so the run lengths
 * are the same numbers whatever the steps, and a search that grows past
 * its first guess costs about one factorisation of the final size.
 */
struct chain {
	size_t have;
	double *a, *y, *w, sum;
};

static ob_err chain_grow(struct chain *ch, long kn, int den, double theta, size_t m,
                         double *arl)
{
	size_t have = ch->have;
	double *a = calloc(m * m, sizeof(*a)), *y = realloc(ch->y, m * sizeof(*y)), *w;
	ob_err err;

	if (y)
		ch->y = y;
	w = y ? realloc(ch->w, m * sizeof(*w)) : NULL;
	if (w)
		ch->w = w;
	if (!a || !y || !w) {
		free(a);
		return OB_ENOMEM;
	}
	if ((err = chain_matrix(kn, den, theta, m, a))) {
		free(a);
		return err;
	}
	for (size_t i = 0; i < have; i++)
		memcpy(&a[i * m], &ch->a[i * have], have * sizeof(*a));
	free(ch->a);
	ch->a = a;
	/* the columns already eliminated, on the new rows and columns */
	for (size_t c = 0; c < have; c++) {
		double piv = a[c * m + c];
		for (size_t r = c + 1; r < m; r++) {
			double f;
			size_t j0;
			if (r < have) {
				f = a[r * m + c];
				j0 = have;
			} else {
				f = a[r * m + c] / piv;
				a[r * m + c] = f;
				j0 = c + 1;
			}
			if (f == 0)
				continue;
			for (size_t j = j0; j < m; j++)
				a[r * m + j] -= f * a[c * m + j];
		}
	}
	for (size_t c = have; c < m; c++) {
		double piv = a[c * m + c];
		if (!(piv > 0) || !isfinite(piv))
			return OB_ENOFIT;
		for (size_t r = c + 1; r < m; r++) {
			double f = a[r * m + c] / piv;
			a[r * m + c] = f;
			if (f == 0)
				continue;
			for (size_t j = c + 1; j < m; j++)
				a[r * m + j] -= f * a[c * m + j];
		}
	}
	for (size_t i = have; i < m; i++) {
		double t = 1;
		for (size_t j = 0; j < i; j++)
			t -= a[i * m + j] * y[j];
		y[i] = t;
	}
	for (size_t j = have; j < m; j++) {
		double t = j == 0 ? 1 : 0;
		for (size_t i = 0; i < j; i++)
			t -= w[i] * a[i * m + j];
		w[j] = t / a[j * m + j];
		ch->sum += w[j] * y[j];
		arl[j] = ch->sum;
	}
	ch->have = m;
	return OB_OK;
}

/*
 * The run lengths of a long chain from its residues (h_scan past
 * CYC_FROM states). A step from state i leads to i + x den - kn (or to 0),
 * so the states of residue c modulo den lead only to those of residue
 * c - kn, and as kn and den share no factor, following that map from 0
 * visits every residue once before coming back: with the steps to state 0
 * set apart (their weight on x_0 a right-hand side of its own), I - P is
 * block-cyclic. Its solve reduces to the residue-0 block, the product of
 * the den blocks around the cycle: den - 1 products of (m / den)^3 instead
 * of a factorisation of m^3 / 3.
 *
 * One solve gives the run lengths of the chains of m - CYC_WINDOW .. m
 * states: each smaller chain is the larger one's leading block, whose
 * solution is read from the larger's (Schur complement) with the columns
 * of its inverse at the states left out. A chain of hn states is read from
 * the solve of m = hn rounded up to a multiple of CYC_WINDOW, always the
 * same one, so its run length is a function of hn alone whatever the order
 * of the search.
 */
#define CYC_WINDOW 16
#define CYC_FROM 128 /* a multiple of CYC_WINDOW: chains of at most this
                        many states are factored densely */
#define CYC_RHS (CYC_WINDOW + 2)

/* LU with partial pivoting of the n by n a (row-major), solving for nr
 * right-hand sides b (n by nr, row-major) in place; false when singular. */
static bool solve_multi(double *a, double *b, size_t n, size_t nr)
{
	for (size_t c = 0; c < n; c++) {
		size_t piv = c;
		for (size_t r = c + 1; r < n; r++)
			if (fabs(a[r * n + c]) > fabs(a[piv * n + c]))
				piv = r;
		if (!(fabs(a[piv * n + c]) > 0) || !isfinite(a[piv * n + c]))
			return false;
		if (piv != c) {
			for (size_t j = 0; j < n; j++) {
				double t = a[c * n + j];
				a[c * n + j] = a[piv * n + j];
				a[piv * n + j] = t;
			}
			for (size_t j = 0; j < nr; j++) {
				double t = b[c * nr + j];
				b[c * nr + j] = b[piv * nr + j];
				b[piv * nr + j] = t;
			}
		}
		for (size_t r = c + 1; r < n; r++) {
			double f = a[r * n + c] / a[c * n + c];
			if (f == 0)
				continue;
			for (size_t j = c + 1; j < n; j++)
				a[r * n + j] -= f * a[c * n + j];
			for (size_t j = 0; j < nr; j++)
				b[r * nr + j] -= f * b[c * nr + j];
		}
	}
	for (size_t c = n; c-- > 0;) {
		for (size_t j = 0; j < nr; j++) {
			double s = b[c * nr + j];
			for (size_t i = c + 1; i < n; i++)
				s -= a[c * n + i] * b[i * nr + j];
			b[c * nr + j] = s / a[c * n + c];
		}
	}
	return true;
}

/* Scratch of cyc_window, sized for OB_MAX_CUSUM_STATES states. */
struct cyc_work {
	double *px;  /* P(X = x) for x den <= kn + m, then P(X <= x) for x den <= kn */
	double *t;   /* a block of the cycle */
	double *mp, *mq; /* the product so far, and the next */
	double *y;   /* [state][rhs] the right-hand sides, then the solutions */
	double *z, *zn; /* a block's share of y_0, carried around */
};

static void cyc_work_release(struct cyc_work *w)
{
	free(w->px);
	free(w->t);
	free(w->mp);
	free(w->mq);
	free(w->y);
	free(w->z);
	free(w->zn);
}

static ob_err cyc_work_init(struct cyc_work *w, long kn, int den)
{
	size_t m = OB_MAX_CUSUM_STATES, n = m / (size_t)den + 1;
	size_t npx = (size_t)((kn + (long)m) / den) + 1 + (size_t)(kn / den) + 1;

	memset(w, 0, sizeof(*w));
	w->px = malloc(npx * sizeof(double));
	w->t = malloc(n * n * sizeof(double));
	w->mp = malloc(n * n * sizeof(double));
	w->mq = malloc(n * n * sizeof(double));
	w->y = malloc(m * CYC_RHS * sizeof(double));
	w->z = malloc(n * CYC_RHS * sizeof(double));
	w->zn = malloc(n * CYC_RHS * sizeof(double));
	if (!w->px || !w->t || !w->mp || !w->mq || !w->y || !w->z || !w->zn) {
		cyc_work_release(w);
		return OB_ENOMEM;
	}
	return OB_OK;
}

/* States of residue c among 0 .. m - 1. */
static size_t cyc_count(size_t m, int den, int c)
{
	return m > (size_t)c ? (m - (size_t)c - 1) / (size_t)den + 1 : 0;
}

/* The block of residue c to residue s = c - kn mod den into t (nc by ns):
 * the step from state den a + c to den b + s, none to state 0. */
static void cyc_block(const double *px, long kn, int den, int c, int s, size_t nc, size_t ns,
                      double *t)
{
	for (size_t a = 0; a < nc; a++) {
		long i = (long)a * den + c;
		for (size_t b = 0; b < ns; b++) {
			long j = (long)b * den + s, d = j - i + kn;
			t[a * ns + b] = j >= 1 && d >= 0 ? px[d / den] : 0;
		}
	}
}

/*
 * The run lengths from 0 of the chains of m - CYC_WINDOW .. m states
 * (CYC_WINDOW < m <= OB_MAX_CUSUM_STATES, 1 < den <= OB_MAX_CUSUM_DEN): arl[j] for the chain
 * of m - j states.
 */
static ob_err cyc_window(struct cyc_work *w, long kn, int den, double theta, size_t m,
                         double *arl)
{
	size_t nx = (size_t)((kn + (long)m) / den) + 1, nq = (size_t)(kn / den) + 1;
	const size_t nr = CYC_RHS;
	double *q = w->px + nx, *y = w->y, x0[CYC_RHS];
	size_t base[OB_MAX_CUSUM_DEN], cnt[OB_MAX_CUSUM_DEN];
	int cyc[OB_MAX_CUSUM_DEN], nres = den;

	if (den < 2 || den > OB_MAX_CUSUM_DEN || m <= CYC_WINDOW || m > OB_MAX_CUSUM_STATES)
		return OB_EINVAL;
	for (size_t x = 0; x < nx; x++)
		w->px[x] = dpois((double)x, theta);
	for (size_t x = 0; x < nq; x++)
		q[x] = ppois((double)x, theta);
	/* the cycle of residues from 0, and where each residue's states sit
	 * in y (by residue, in the order of the cycle) */
	cyc[0] = 0;
	for (int t = 1; t < nres; t++)
		cyc[t] = (int)(((cyc[t - 1] - kn) % den + den) % den);
	for (int t = 0, at = 0; t < nres; t++) {
		base[t] = (size_t)at;
		cnt[t] = cyc_count(m, den, cyc[t]);
		at += (int)cnt[t];
	}
	/* right-hand sides: 1; e at states m - 1 .. m - CYC_WINDOW; the
	 * steps to 0 */
	for (int t = 0; t < nres; t++)
		for (size_t a = 0; a < cnt[t]; a++) {
			long i = (long)a * den + cyc[t];
			double *r = &y[(base[t] + a) * nr];
			r[0] = 1;
			for (size_t s = 1; s <= CYC_WINDOW; s++)
				r[s] = i == (long)(m - s);
			r[nr - 1] = i <= kn ? q[(kn - i) / den] : 0;
		}
	/* around the cycle backwards: mp = T_t .. T_(den-1), y_t = r_t + T_t
	 * y_(t+1) with y_den = y_0 left out (the W of the reduction) */
	{
		int t = nres - 1;
		size_t n0 = cnt[0];
		cyc_block(w->px, kn, den, cyc[t], cyc[0], cnt[t], n0, w->mp);
		for (t = nres - 2; t >= 0; t--) {
			size_t nc = cnt[t], ns = cnt[t + 1];
			double *r = &y[base[t] * nr], *rs = &y[base[t + 1] * nr];
			cyc_block(w->px, kn, den, cyc[t], cyc[t + 1], nc, ns, w->t);
			memset(w->mq, 0, nc * n0 * sizeof(double));
			for (size_t a = 0; a < nc; a++) {
				double *out = &w->mq[a * n0];
				for (size_t b = 0; b < ns; b++) {
					double f = w->t[a * ns + b];
					const double *in = &w->mp[b * n0];
					if (f == 0)
						continue;
					for (size_t j = 0; j < n0; j++)
						out[j] += f * in[j];
					for (size_t j = 0; j < nr; j++)
						r[a * nr + j] += f * rs[b * nr + j];
				}
			}
			double *sw = w->mp;
			w->mp = w->mq;
			w->mq = sw;
		}
		/* (I - mp) y_0 = W_0 */
		for (size_t a = 0; a < n0; a++)
			for (size_t b = 0; b < n0; b++)
				w->mp[a * n0 + b] = (a == b) - w->mp[a * n0 + b];
		if (!solve_multi(w->mp, y, n0, nr))
			return OB_ENOFIT;
	}
	/* the other residues: y_t = W_t + T_t .. T_(den-1) y_0, with z =
	 * T_t .. T_(den-1) y_0 carried backwards from z_den = y_0 */
	memcpy(w->z, y, cnt[0] * nr * sizeof(double));
	for (int t = nres - 1; t >= 1; t--) {
		size_t nc = cnt[t], ns = cnt[(t + 1) % nres];
		double *r = &y[base[t] * nr];
		cyc_block(w->px, kn, den, cyc[t], cyc[(t + 1) % nres], nc, ns, w->t);
		memset(w->zn, 0, nc * nr * sizeof(double));
		for (size_t a = 0; a < nc; a++)
			for (size_t b = 0; b < ns; b++) {
				double f = w->t[a * ns + b];
				if (f == 0)
					continue;
				for (size_t j = 0; j < nr; j++)
					w->zn[a * nr + j] += f * w->z[b * nr + j];
			}
		for (size_t a = 0; a < nc * nr; a++)
			r[a] += w->zn[a];
		double *sw = w->z;
		w->z = w->zn;
		w->zn = sw;
	}
	/* with x_0 in: x = u + v x_0, x_0 = u_0 / (1 - v_0) */
	{
		double v0 = y[nr - 1], *xs = w->z; /* [s - 1][rhs]: x at state m - s */
		int at[OB_MAX_CUSUM_DEN];
		if (!(1 - v0 > 0))
			return OB_ENOFIT;
		for (size_t b = 0; b + 1 < nr; b++)
			x0[b] = y[b] / (1 - v0);
		for (int t = 0; t < nres; t++)
			at[cyc[t]] = t;
		for (size_t s = 1; s <= CYC_WINDOW; s++) {
			size_t i = m - s, row = base[at[i % (size_t)den]] + i / (size_t)den;
			for (size_t b = 0; b + 1 < nr; b++)
				xs[(s - 1) * nr + b] = y[row * nr + b] + y[row * nr + nr - 1] * x0[b];
		}
		arl[0] = x0[0];
		/* the chain of m - j states: x_0 - Z_0S Z_SS^-1 x_S over the
		 * states S = m - 1 .. m - j left out (column s of Z: the
		 * solution for e at m - s) */
		for (size_t j = 1; j <= CYC_WINDOW; j++) {
			double zs[CYC_WINDOW * CYC_WINDOW], rs[CYC_WINDOW], sum = 0;
			for (size_t u = 0; u < j; u++) {
				for (size_t v = 0; v < j; v++)
					zs[u * j + v] = xs[u * nr + 1 + v];
				rs[u] = xs[u * nr];
			}
			if (!solve_multi(zs, rs, j, 1))
				return OB_ENOFIT;
			for (size_t v = 0; v < j; v++)
				sum += x0[1 + v] * rs[v];
			arl[j] = x0[0] - sum;
		}
	}
	return OB_OK;
}

/* The smallest hn <= cap with a run length of at least arl0 by the dense
 * factorisation, from a chain of m states first, grown by an eighth until
 * one reaches it; OB_ETOOBIG when none up to cap does. */
static ob_err h_dense(long kn, int den, double theta, double arl0, size_t m, size_t cap,
                      long *hn, double *arl)
{
	struct chain ch = { 0 };
	double *v = NULL;
	ob_err err;

	if (m > cap)
		m = cap;
	if (!(v = malloc(cap * sizeof(*v))))
		return OB_ENOMEM;
	for (;;) {
		size_t from = ch.have;
		if ((err = chain_grow(&ch, kn, den, theta, m, v)))
			goto free_chain;
		for (size_t i = from; i < m; i++)
			if (v[i] >= arl0) {
				*hn = (long)i + 1;
				*arl = v[i];
				goto free_chain;
			}
		if (m == cap) {
			err = OB_ETOOBIG;
			goto free_chain;
		}
		m += m / 8 + 8;
		if (m > cap)
			m = cap;
	}
free_chain:
	free(ch.w);
	free(ch.y);
	free(ch.a);
	free(v);
	return err;
}

static size_t round_window(double x)
{
	size_t g;

	if (!(x > CYC_WINDOW))
		return CYC_WINDOW;
	if (x > OB_MAX_CUSUM_STATES)
		return OB_MAX_CUSUM_STATES;
	g = (size_t)ceil(x);
	return (g + CYC_WINDOW - 1) / CYC_WINDOW * CYC_WINDOW;
}

/*
 * The smallest hn with a run length of at least arl0: chains of up to
 * CYC_FROM states by the dense factorisation, longer ones by the residues
 * (cyc_window), a window of CYC_WINDOW at a time. guess: where the answer
 * is expected; lo: an hn known to be too short (0: none). The windows' tops are multiples of CYC_WINDOW, the
 * next one placed by the run length's growth over the last (its logarithm
 * about linear in h).
 */
static ob_err h_scan(long kn, int den, double theta, double arl0, size_t guess, long lo,
                     long *hn, double *arl)
{
	/* a decision on a chain read from the window above its own: by this
	 * much clear of arl0, else its own window is solved */
	const double margin = 1e-9;
	struct cyc_work w;
	double a[CYC_WINDOW + 1];
	size_t fail = lo > 0 ? (size_t)lo : 0, ok = OB_MAX_CUSUM_STATES + 1, g;
	bool dense_done = false;
	ob_err err;

	/* a chain a sixteenth longer than the guess: the dense search finds
	 * every shorter chain's run length on the way */
	if (den < 2 || den > OB_MAX_CUSUM_DEN)
		return h_dense(kn, den, theta, arl0, guess + guess / 16 + 1, OB_MAX_CUSUM_STATES, hn,
		               arl);
	if (guess <= CYC_FROM && fail < CYC_FROM) {
		err = h_dense(kn, den, theta, arl0, guess + guess / 16 + 1, CYC_FROM, hn, arl);
		if (err != OB_ETOOBIG)
			return err;
		dense_done = true;
		fail = CYC_FROM;
	}
	if ((err = cyc_work_init(&w, kn, den)))
		return err;
	g = round_window((double)(guess > fail + 1 ? guess : fail + 1));
	for (int round = 0;; round++) {
		if (round == OB_MAX_CUSUM_STATES / CYC_WINDOW) {
			err = OB_ENOFIT; /* no answer in as many windows as there are */
			goto release_work;
		}
		if (g <= CYC_FROM) {
			/* below the windows: the dense factorisation decides */
			if (!dense_done) {
				err = h_dense(kn, den, theta, arl0, CYC_FROM / 2, CYC_FROM, hn, arl);
				dense_done = true;
				if (err != OB_ETOOBIG)
					goto release_work;
			}
			fail = CYC_FROM;
			g = CYC_FROM + CYC_WINDOW;
		}
		if ((err = cyc_window(&w, kn, den, theta, g, a)))
			goto release_work;
		if (!(a[0] >= arl0)) {
			double slope, need;
			fail = g;
			if (g == OB_MAX_CUSUM_STATES) {
				err = OB_ETOOBIG;
				goto release_work;
			}
			slope = (log(a[0]) - log(a[CYC_WINDOW])) / CYC_WINDOW;
			need = slope > 0 ? (log(arl0) - log(a[0])) / slope : 0;
			g = round_window((double)g + need * 1.02 + 1);
		} else {
			size_t first = g;
			double slope, need;
			ok = g;
			/* the smallest of the window that reaches arl0 */
			while (first > g - CYC_WINDOW + 1 && first - 1 > fail &&
			       a[g - (first - 1)] >= arl0)
				first--;
			if (first - 1 <= fail || first > g - CYC_WINDOW + 1 ||
			    a[CYC_WINDOW] < arl0 * (1 - margin)) {
				*hn = (long)first;
				*arl = a[g - first];
				err = OB_OK;
				goto release_work;
			}
			ok = first;
			if (a[CYC_WINDOW] < arl0 * (1 + margin)) {
				g -= CYC_WINDOW; /* too close to call: its own window */
				continue;
			}
			slope = (log(a[0]) - log(a[CYC_WINDOW])) / CYC_WINDOW;
			need = slope > 0 ? (log(a[CYC_WINDOW]) - log(arl0)) / slope : 0;
			g = round_window((double)(g - CYC_WINDOW) - need * 0.98);
		}
		/* within what is known: above fail, below ok */
		if (g <= fail)
			g = round_window((double)fail + 1);
		if (g >= ok + CYC_WINDOW)
			g = round_window((double)ok);
	}
release_work:
	cyc_work_release(&w);
	return err;
}

static long h_lower(long kn, int den, double theta, double arl0);

static ob_err h_args(double k, int den, double theta, double arl0, long *kn)
{
	long hn;

	if (!(arl0 >= 1) || !isfinite(arl0) || den < 1 || !(k > 0) || !isfinite(k) ||
	    !(theta > 0) || !isfinite(theta))
		return OB_EINVAL;
	return grid(1, k, den, &hn, kn);
}

ob_err ob_cusum_h(double k, int den, double theta, double arl0, double *h, double *arl)
{
	long kn, hn;
	ob_err err;

	if ((err = h_args(k, den, theta, arl0, &kn)) ||
	    (err = h_scan(kn, den, theta, arl0, 16, 0, &hn, arl)))
		return err;
	*h = (double)hn / den;
	return OB_OK;
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

/* -1, 0, 1 as reference x sorts before, with or after (kn, den, arl0, theta). */
static int known_cmp(const struct ob_cusum_known *x, long kn, int den, double arl0,
                     double theta)
{
	if (x->kn != kn)
		return x->kn < kn ? -1 : 1;
	if (x->den != den)
		return x->den < den ? -1 : 1;
	if (x->arl0 != arl0)
		return x->arl0 < arl0 ? -1 : 1;
	if (x->theta != theta)
		return x->theta < theta ? -1 : 1;
	return 0;
}

/* The first reference not before the key. */
static size_t known_find(const struct ob_cusum_cache *c, long kn, int den, double arl0,
                         double theta)
{
	size_t lo = 0, hi = c->n_known;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (known_cmp(&c->known[mid], kn, den, arl0, theta) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool same_ref(const struct ob_cusum_known *x, long kn, int den, double arl0)
{
	return x->kn == kn && x->den == den && x->arl0 == arl0;
}

/* h from two references of the same k that bracket theta with one h. */
static bool bracketed(const struct ob_cusum_cache *c, long kn, int den, double arl0,
                      double theta, long *hn)
{
	size_t at = known_find(c, kn, den, arl0, theta);
	const struct ob_cusum_known *below, *above;

	if (at >= c->n_known || !same_ref(above = &c->known[at], kn, den, arl0))
		return false;
	if (above->theta == theta) {
		*hn = above->hn;
		return true;
	}
	if (at == 0 || !same_ref(below = &c->known[at - 1], kn, den, arl0) ||
	    below->hn != above->hn)
		return false;
	*hn = above->hn;
	return true;
}

static void known_add(struct ob_cusum_cache *c, long kn, int den, double arl0, double theta,
                      long hn)
{
	size_t at;

	if (c->n_known == OB_CUSUM_CACHE_SLOTS)
		return; /* full: later references are solved */
	at = known_find(c, kn, den, arl0, theta);
	if (at < c->n_known && !known_cmp(&c->known[at], kn, den, arl0, theta))
		return;
	memmove(&c->known[at + 1], &c->known[at], (c->n_known - at) * sizeof(c->known[0]));
	c->known[at] = (struct ob_cusum_known){ kn, hn, den, arl0, theta };
	c->n_known++;
}

/* A first guess of hn for a k never seen: that of the reference of the
 * nearest k (same den and arl0) among those kept, whose h is close (h
 * changes smoothly with k); 16 without one. A guess too low costs a
 * chain grown or a window more (h_scan), one too high the cube of its
 * excess. */
static size_t near_hint(const struct ob_cusum_cache *c, long kn, int den, double arl0,
                        double theta)
{
	size_t at = known_find(c, kn, den, arl0, theta), lo = at > 8 ? at - 8 : 0,
	       hi = at + 8 < c->n_known ? at + 8 : c->n_known;
	long best = -1, dist = 0;

	for (size_t i = lo; i < hi; i++) {
		const struct ob_cusum_known *x = &c->known[i];
		long dk = labs(x->kn - kn);
		if (x->den == den && x->arl0 == arl0 && (best < 0 || dk < dist)) {
			best = x->hn;
			dist = dk;
		}
	}
	return best > 0 ? (size_t)best : 16;
}

ob_err ob_cusum_h_cached(double k, int den, double theta, double arl0,
                         struct ob_cusum_cache *cache, double *h, double *arl)
{
	struct ob_cusum_memo *mo;
	struct ob_cusum_hint *hint;
	long kn, hn, lo;
	size_t guess;
	ob_err err;

	if (!cache)
		return ob_cusum_h(k, den, theta, arl0, h, arl);
	if ((err = h_args(k, den, theta, arl0, &kn)))
		return err;
	mo = &cache->memo[memo_hash(kn, den, theta, arl0) % OB_CUSUM_CACHE_SLOTS];
	if (mo->used && mo->kn == kn && mo->den == den && mo->theta == theta && mo->arl0 == arl0) {
		cache->hits++;
		*h = (double)mo->hn / den;
		*arl = mo->arl;
		return OB_OK;
	}
	cache->misses++;
	if (cache->bracket && bracketed(cache, kn, den, arl0, theta, &hn)) {
		cache->bracketed++;
		*h = (double)hn / den;
		*arl = NAN;
		return OB_OK;
	}
	/* the search starts at the last h of this k: a close reference has
	 * a close h, and is found in one go */
	hint = &cache->hint[((uint64_t)kn * 31u + (uint64_t)den) % OB_CUSUM_CACHE_SLOTS];
	if (hint->kn == kn && hint->den == den && hint->hn > 0)
		guess = (size_t)hint->hn;
	else
		guess = near_hint(cache, kn, den, arl0, theta);
	/* never below a lower bound of h (lo itself too short) */
	lo = h_lower(kn, den, theta, arl0);
	if (guess < (size_t)lo + 1)
		guess = (size_t)lo + 1;
	if ((err = h_scan(kn, den, theta, arl0, guess, lo, &hn, arl)))
		return err;
	known_add(cache, kn, den, arl0, theta, hn);
	hint->kn = kn;
	hint->den = den;
	hint->hn = hn;
	mo->used = true;
	mo->kn = kn;
	mo->den = den;
	mo->theta = theta;
	mo->arl0 = arl0;
	mo->hn = hn;
	mo->arl = *arl;
	*h = (double)hn / den;
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

/* A lower bound of h (in steps of 1/den) for k = kn / den and counts
 * Poisson(theta): the smallest hn with P(X >= (hn + kn) / den) <= 1 / arl0,
 * less one step for rounding. */
static long h_lower(long kn, int den, double theta, double arl0)
{
	double x = floor(theta);
	long hn;

	/* q: the smallest x with P(X <= x - 1) >= 1 - 1 / arl0 */
	while (x > 0 && ppois(x - 1, theta) >= 1 - 1 / arl0)
		x--;
	while (ppois(x - 1, theta) < 1 - 1 / arl0 && x < theta + 1e6)
		x++;
	hn = (long)(x - 1) * den - kn + 1 - 1;
	return hn > 0 ? hn : 0;
}

bool ob_cusum_may_alarm(const double *y, size_t n, size_t start, size_t end,
                        const struct ob_cusum_options *o)
{
	double sum = 0, s = 0, k, m0;
	size_t nb = 0;
	int den;
	long kn, lo;

	if (o->baseline < 1 || start < (size_t)o->baseline || start > end || end >= n ||
	    o->limit_periods < 1 || !(o->shift > 0) || !(o->arl0 >= 1) || !isfinite(o->arl0))
		return true;
	if (isnan(y[end]) || !enough_cases(y, end, o))
		return false;
	for (size_t i = start - (size_t)o->baseline; i < start; i++) {
		if (isnan(y[i]))
			continue;
		sum += y[i];
		nb++;
	}
	if (nb < 3 || !(sum > 0))
		return false; /* not computed: no alarm */
	m0 = sum / (double)nb;
	if (ob_cusum_k(m0, o->shift, &k, &den) || grid(1, k, den, &lo, &kn))
		return true;
	for (size_t t = start; t <= end; t++) {
		if (isnan(y[t]))
			continue;
		s = s + y[t] - k;
		if (s < 0)
			s = 0;
	}
	lo = h_lower(kn, den, m0, o->arl0);
	return s >= (double)lo / den - 1e-6;
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
