/* eb.c - global and local empirical-Bayes rates (Marshall 1991, spdep conventions). */
#include "stats/eb.h"

#include <math.h>

static bool check_areas(const double *count, const double *pop, size_t n, bool binomial,
                        ob_err *err)
{
	bool any = false;

	*err = OB_EINVAL;
	if (n > OB_MAX_AREAS) {
		*err = OB_ETOOBIG;
		return false;
	}
	if (!count || !pop || n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(count[i]) || count[i] < 0 || !isfinite(pop[i]) || pop[i] < 0)
			return false;
		if (pop[i] == 0 && count[i] > 0)
			return false;
		if (binomial && count[i] > pop[i])
			return false;
		if (pop[i] > 0)
			any = true;
	}
	if (!any)
		return false;
	*err = OB_OK;
	return true;
}

/* Shrink p towards prior with weight w in [0, 1]. */
static double shrink(double prior, double p, double w)
{
	return prior + (p - prior) * w;
}

static void eb_global_core(const double *count, const double *pop, size_t n,
                           enum ob_eb_family family, double *est, unsigned *flags,
                           struct ob_eb_global *par)
{
	double sy = 0, sx = 0, b, s2 = 0, nbar, a = 0, rho = 0;
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		if (pop[i] > 0) {
			sy += count[i];
			sx += pop[i];
			m++;
		}
	b = sy / sx;
	for (size_t i = 0; i < n; i++)
		if (pop[i] > 0) {
			double d = count[i] / pop[i] - b;
			s2 += pop[i] * d * d;
		}
	s2 /= sx;
	nbar = sx / m;
	if (family == OB_EB_POISSON) {
		a = s2 - b / nbar;
		if (!(a > 0))
			a = 0;
	} else if (b > 0 && b < 1 && nbar > 1) {
		rho = (s2 / (b * (1 - b)) - 1 / nbar) / (1 - 1 / nbar);
		if (!(rho > 0))
			rho = 0;
	}
	for (size_t i = 0; i < n; i++) {
		double w = 0, x = pop[i];
		if (flags)
			flags[i] = 0;
		if (x == 0) {
			est[i] = b;
			if (flags)
				flags[i] = OB_EB_NO_POPULATION;
			continue;
		}
		if (family == OB_EB_POISSON) {
			if (a > 0)
				w = a / (a + b / x);
		} else if (rho > 0) {
			w = x * rho / (x * rho + 1 - rho);
		}
		est[i] = shrink(b, count[i] / x, w);
	}
	if (par) {
		par->b = b;
		par->s2 = s2;
		par->a = a;
		par->rho = rho;
		par->used = m;
	}
}

ob_err ob_eb_global(const double *count, const double *pop, size_t n,
                    enum ob_eb_family family, double *est, unsigned *flags,
                    struct ob_eb_global *par)
{
	ob_err err;

	if (family != OB_EB_POISSON && family != OB_EB_BINOMIAL)
		return OB_EINVAL;
	if (!check_areas(count, pop, n, family == OB_EB_BINOMIAL, &err))
		return err;
	if (!est)
		return OB_EINVAL;
	eb_global_core(count, pop, n, family, est, flags, par);
	return OB_OK;
}

/* Sums over the neighbourhood of i (i itself and its neighbours), skipping
 * areas without population. */
struct hood {
	double sy, sx;
	size_t k;
};

static void hood_sums(const double *count, const double *pop, const struct ob_nb *nb,
                      size_t i, struct hood *h)
{
	h->sy = h->sx = 0;
	h->k = 0;
	for (size_t e = nb->start[i]; e <= nb->start[i + 1]; e++) {
		size_t j = e == nb->start[i + 1] ? i : nb->idx[e];
		if (pop[j] > 0) {
			h->sy += count[j];
			h->sx += pop[j];
			h->k++;
		}
	}
}

ob_err ob_eb_local(const double *count, const double *pop, const struct ob_nb *nb,
                   enum ob_eb_local_variant variant, double *est, double *a_out,
                   double *m_out, unsigned *flags)
{
	double *mloc, *global;
	size_t n;
	ob_err err;

	if (!nb || !est || (variant != OB_EB_LOCAL_SPDEP && variant != OB_EB_LOCAL_GEODA))
		return OB_EINVAL;
	n = nb->n;
	if (!check_areas(count, pop, n, false, &err))
		return err;
	mloc = ob_calloc(n, sizeof(*mloc));
	global = ob_calloc(n, sizeof(*global));
	eb_global_core(count, pop, n, OB_EB_POISSON, global, NULL, NULL);

	/* pass 1: the local means */
	for (size_t i = 0; i < n; i++) {
		struct hood h;
		hood_sums(count, pop, nb, i, &h);
		mloc[i] = h.sx > 0 ? h.sy / h.sx : 0;
	}
	/* pass 2: local variances and estimates */
	for (size_t i = 0; i < n; i++) {
		struct hood h;
		double c = 0, a = 0, mi = mloc[i], nbar;
		unsigned fl = 0;

		hood_sums(count, pop, nb, i, &h);
		if (h.sx > 0) {
			for (size_t e = nb->start[i]; e <= nb->start[i + 1]; e++) {
				size_t j = e == nb->start[i + 1] ? i : nb->idx[e];
				double ref = variant == OB_EB_LOCAL_GEODA ? mi : mloc[j], d;
				if (pop[j] == 0)
					continue;
				d = count[j] / pop[j] - ref;
				c += pop[j] * d * d;
			}
			nbar = h.sx / (double)h.k;
			a = c / h.sx - mi / nbar;
			if (!(a > 0))
				a = 0;
		}
		if (pop[i] == 0)
			fl |= OB_EB_NO_POPULATION;
		if (h.k == (pop[i] > 0 ? 1u : 0u))
			fl |= OB_EB_ISLAND; /* no neighbour with population */
		if (h.sx == 0 || (mi == 0 && a == 0)) {
			/* spdep's 0/0 (m_i + (p_i - m_i) a_i / (a_i + m_i / x_i)),
			 * or nothing to borrow from at all */
			fl |= OB_EB_GLOBAL_FALLBACK;
			est[i] = global[i];
		} else if (pop[i] == 0) {
			/* the limit as x_i -> 0: w -> 0 when m_i > 0; with m_i = 0
			 * the area's own rate, 0 */
			est[i] = mi;
		} else {
			/* spdep exactly, m_i = 0 < a_i included (w = 1: the raw
			 * rate, 0, as every count of the neighbourhood is 0) */
			double w = a > 0 ? a / (a + mi / pop[i]) : 0;
			est[i] = shrink(mi, count[i] / pop[i], w);
		}
		if (a_out)
			a_out[i] = a;
		if (m_out)
			m_out[i] = mi;
		if (flags)
			flags[i] = fl;
	}
	free(global);
	free(mloc);
	return OB_OK;
}
