/* trend.c - Poisson log-linear trend (annual percent change) by IRLS. */
#include "stats/trend.h"

#include <math.h>

#include "stats/dist.h"

#define MAX_ITER 100

/*
 * IRLS has converged when a step moves both the slope and the intercept at
 * the weighted mean of t by less than this many standard errors. The
 * iteration converges quadratically, so the next step would be far below
 * rounding; a test on the deviance instead (R's) can stall on rounding
 * noise when t is large, as with calendar years.
 */
#define STEP_EPS 1e-10

static bool check_input(const double *t, const double *count, const double *pop,
                        size_t n, double level)
{
	bool varies = false;

	if (!t || !count || !pop || n < 3 || !isfinite(level) || level <= 0 || level >= 1)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(t[i]) || !isfinite(count[i]) || count[i] < 0 ||
		    !isfinite(pop[i]) || pop[i] <= 0)
			return false;
		if (t[i] != t[0])
			varies = true;
	}
	return varies;
}

/* A finite MLE needs events, and not all of them at one end of the time range. */
static bool has_finite_fit(const double *t, const double *count, size_t n)
{
	double tmin = t[0], tmax = t[0], total = 0, at_min = 0, at_max = 0;

	for (size_t i = 1; i < n; i++) {
		if (t[i] < tmin)
			tmin = t[i];
		if (t[i] > tmax)
			tmax = t[i];
	}
	for (size_t i = 0; i < n; i++) {
		total += count[i];
		if (t[i] == tmin)
			at_min += count[i];
		if (t[i] == tmax)
			at_max += count[i];
	}
	return total > 0 && at_min < total && at_max < total;
}

/* The mean count at observation i: the start mu = y + 0.1 (as R's poisson
 * family), or pop e^(b0 + b1 t) once there are coefficients. */
struct state {
	const double *t, *count, *pop;
	size_t n;
	bool start;
	double b0, b1;
};

static double mean_at(const struct state *s, size_t i)
{
	if (s->start)
		return s->count[i] + 0.1;
	return s->pop[i] * exp(s->b0 + s->b1 * s->t[i]);
}

static double deviance(const struct state *s)
{
	double dev = 0;

	for (size_t i = 0; i < s->n; i++) {
		double y = s->count[i], mu = mean_at(s, i);
		dev += (y > 0 ? y * log(y / mu) : 0) - (y - mu);
	}
	return 2 * dev;
}

/*
 * One IRLS step: weighted least squares of the working response
 * z = log(mu/pop) + (y - mu)/mu on t with weights mu, centred on the
 * weighted mean of t so that nothing cancels when t is large (calendar
 * years). Also leaves the sums the covariance needs: sum w, the weighted
 * mean tw of t and sum w (t - tw)^2.
 */
struct wls {
	double sw, tw, stt;
	double b0, b1;
};

static void irls_step(const struct state *s, struct wls *r)
{
	double sw = 0, swt = 0, swz = 0, tw, zw, stt = 0, stz = 0;

	for (size_t i = 0; i < s->n; i++) {
		double mu = mean_at(s, i);
		double z = log(mu / s->pop[i]) + (s->count[i] - mu) / mu;
		sw += mu;
		swt += mu * s->t[i];
		swz += mu * z;
	}
	tw = swt / sw;
	zw = swz / sw;
	for (size_t i = 0; i < s->n; i++) {
		double mu = mean_at(s, i);
		double z = log(mu / s->pop[i]) + (s->count[i] - mu) / mu;
		double dt = s->t[i] - tw;
		stt += mu * dt * dt;
		stz += mu * dt * (z - zw);
	}
	r->sw = sw;
	r->tw = tw;
	r->stt = stt;
	r->b1 = stz / stt;
	r->b0 = zw - r->b1 * tw;
}

ob_err ob_trend_poisson(const double *t, const double *count, const double *pop,
                        size_t n, double level, struct ob_trend *out, double *fitted)
{
	struct state s = { t, count, pop, n, true, 0, 0 };
	struct wls w;
	double dev, chi2 = 0, zq, tq, alpha, se_used;
	int it;

	memset(out, 0, sizeof(*out));
	if (!check_input(t, count, pop, n, level))
		return OB_EINVAL;
	if (!has_finite_fit(t, count, n))
		return OB_ENOFIT;

	for (it = 1; it <= MAX_ITER; it++) {
		bool first = s.start;
		double d1, dc;
		irls_step(&s, &w);
		d1 = w.b1 - s.b1;
		dc = (w.b0 + w.b1 * w.tw) - (s.b0 + s.b1 * w.tw);
		s.start = false;
		s.b0 = w.b0;
		s.b1 = w.b1;
		if (!isfinite(s.b0) || !isfinite(s.b1) || !(w.stt > 0))
			return OB_ENOFIT;
		if (!first && fabs(d1) * sqrt(w.stt) <= STEP_EPS &&
		    fabs(dc) * sqrt(w.sw) <= STEP_EPS)
			break;
	}
	dev = deviance(&s);
	if (it > MAX_ITER || !isfinite(dev))
		return OB_ENOFIT;

	/* The information matrix at the fitted means (one more pass of the
	 * sums; the step it would take is below rounding). */
	irls_step(&s, &w);
	for (size_t i = 0; i < n; i++) {
		double mu = mean_at(&s, i), r = count[i] - mu;
		chi2 += r * r / mu;
	}
	out->n = n;
	out->df = (double)n - 2;
	out->level = level;
	out->iterations = it;
	out->b0 = s.b0;
	out->b1 = s.b1;
	out->se_b1 = sqrt(1 / w.stt);
	out->se_b0 = sqrt(1 / w.sw + w.tw * w.tw / w.stt);
	out->z_b1 = out->b1 / out->se_b1;
	out->p_b1 = 2 * ob_pnorm_upper(fabs(out->z_b1));
	out->deviance = dev;
	out->pearson_chi2 = chi2;
	out->phi = chi2 / out->df;
	out->quasi_se_b1 = out->se_b1 * sqrt(out->phi);

	alpha = 1 - level;
	zq = ob_qnorm_upper(alpha / 2);
	tq = -ob_qt(alpha / 2, out->df);
	out->apc = 100 * expm1(out->b1);
	out->apc_lower = 100 * expm1(out->b1 - zq * out->se_b1);
	out->apc_upper = 100 * expm1(out->b1 + zq * out->se_b1);
	out->quasi_lower = 100 * expm1(out->b1 - tq * out->quasi_se_b1);
	out->quasi_upper = 100 * expm1(out->b1 + tq * out->quasi_se_b1);
	out->phi_used = out->phi < 1 ? 1 : out->phi;
	if (out->phi < 1)
		out->flags |= OB_TREND_UNDERDISPERSED;
	/* the quasi-Poisson formula with phi_used (same operations, so that
	 * phi >= 1 gives the quasi interval to the bit) */
	se_used = out->se_b1 * sqrt(out->phi_used);
	out->lower = 100 * expm1(out->b1 - tq * se_used);
	out->upper = 100 * expm1(out->b1 + tq * se_used);
	if (fitted)
		for (size_t i = 0; i < n; i++)
			fitted[i] = mean_at(&s, i);
	return OB_OK;
}
