/* estimate.c - totals, means, proportions and ratios of a survey with linearised standard errors. */
#include "survey/estimate.h"

#include <math.h>

#include "stats/dist.h"

const char *ob_svy_estimator_name(enum ob_svy_estimator k)
{
	switch (k) {
	case OB_SVY_TOTAL: return "total";
	case OB_SVY_MEAN: return "mean";
	case OB_SVY_PROP: return "prop";
	case OB_SVY_RATIO: return "ratio";
	case OB_SVY_QUANTILE: return "quantile";
	}
	return "?";
}

const char *ob_svy_ci_name(enum ob_svy_ci m)
{
	switch (m) {
	case OB_SVY_CI_WALD: return "wald";
	case OB_SVY_CI_LOGIT: return "logit";
	case OB_SVY_CI_BETA: return "beta";
	case OB_SVY_CI_ASIN: return "asin";
	case OB_SVY_CI_LIKELIHOOD: return "likelihood";
	case OB_SVY_CI_WILSON: return "wilson";
	case OB_SVY_CI_WOODRUFF: return "woodruff";
	}
	return "?";
}

bool ob_svy_ci_parse(const char *s, enum ob_svy_ci *m)
{
	if (!strcmp(s, "wald") || !strcmp(s, "mean"))
		*m = OB_SVY_CI_WALD;
	else if (!strcmp(s, "logit") || !strcmp(s, "xlogit"))
		*m = OB_SVY_CI_LOGIT;
	else if (!strcmp(s, "beta") || !strcmp(s, "korn-graubard"))
		*m = OB_SVY_CI_BETA;
	else if (!strcmp(s, "asin"))
		*m = OB_SVY_CI_ASIN;
	else if (!strcmp(s, "likelihood"))
		*m = OB_SVY_CI_LIKELIHOOD;
	else if (!strcmp(s, "wilson") || !strcmp(s, "score"))
		*m = OB_SVY_CI_WILSON;
	else
		return false;
	return true;
}

void ob_svy_opts_init(struct ob_svy_opts *o)
{
	o->level = 0.95;
	o->normal = false;
	o->prop_ci = OB_SVY_CI_LOGIT;
	o->quantile_ci = OB_SVY_CI_WALD;
	o->max_cv = OB_SURVEY_DEFAULT_MAX_CV;
	o->min_n = OB_SURVEY_DEFAULT_MIN_N;
}

void ob_svy_scratch_init(struct ob_svy_scratch *s, const struct ob_svy_design *ds)
{
	ob_svy_work_init(&s->wk, ds);
	s->z = ob_malloc((ds->n ? ds->n : 1) * sizeof(double));
	s->idx = ob_malloc((ds->n ? ds->n : 1) * sizeof(size_t));
	s->theta = ob_malloc((ds->nrep ? ds->nrep : 1) * sizeof(double));
	s->u = ob_malloc((ds->n ? ds->n : 1) * sizeof(double));
	s->q = ob_malloc((ds->n ? ds->n : 1) * sizeof(struct ob_svy_qpoint));
}

void ob_svy_scratch_release(struct ob_svy_scratch *s)
{
	ob_svy_work_release(&s->wk);
	free(s->z);
	free(s->idx);
	free(s->theta);
	free(s->u);
	free(s->q);
	s->theta = NULL;
	s->u = NULL;
	s->q = NULL;
	s->z = NULL;
	s->idx = NULL;
}

static double expit(double x)
{
	return 1 / (1 + exp(-x));
}

/* K(pi) = p log(p / pi) + (1 - p) log((1 - p) / (1 - pi)), the binomial
 * deviance of pi per unit weight, halved; 0 < p < 1. */
static double half_deviance(double p, double pi)
{
	return p * log(p / pi) + (1 - p) * log((1 - p) / (1 - pi));
}

/* The pi in (lo, hi) where K(pi) = k, K monotone there, by bisection to
 * the last bit: decreasing says which side is above k. */
static double deviance_root(double p, double k, double lo, double hi, bool decreasing)
{
	for (int i = 0; i < 2000; i++) {
		double mid = lo + (hi - lo) / 2;
		if (mid <= lo || mid >= hi)
			break;
		if ((half_deviance(p, mid) > k) == decreasing)
			lo = mid;
		else
			hi = mid;
	}
	return lo + (hi - lo) / 2;
}

/* The likelihood interval of e (estimate.h). */
static void likelihood_interval(struct ob_svy_est *e, double q)
{
	double p = e->estimate, v = e->se * e->se, n = (double)e->n, phi, d, k;

	if (e->n < 2) {
		e->flags |= OB_SVY_NO_INTERVAL;
		return;
	}
	phi = n / (n - 1);
	/* the design effect of the log-odds: its variance V / (p (1 - p))^2
	 * over the binomial one, 1 / (n p (1 - p)) */
	d = v * n / (p * (1 - p));
	/* D(pi) / (phi d) = q^2  <=>  K(pi) = q^2 phi d / (2 n) */
	k = q * q * phi * d / (2 * n);
	e->lower = deviance_root(p, k, 0, p, true);
	e->upper = deviance_root(p, k, p, 1, false);
}

/* The Wilson interval of e (estimate.h); e->n > 0. */
static void wilson_interval(struct ob_svy_est *e, double q)
{
	double p = e->estimate, v = e->se * e->se, n, b, c, h;

	/* the effective sample size, or the respondents where it is undefined */
	n = p > 0 && p < 1 && v > 0 ? p * (1 - p) / v : (double)e->n;
	b = q * q / n;
	c = (p + b / 2) / (1 + b);
	h = q / (1 + b) * sqrt(p * (1 - p) / n + b / (4 * n));
	/* as prop.test: the limit at a proportion of 0 or 1 is that bound */
	e->lower = p <= 0 ? 0 : fmax(0, c - h);
	e->upper = p >= 1 ? 1 : fmin(1, c + h);
}

/* The interval of e at level o->level by method m; q is the quantile. */
static void interval(struct ob_svy_est *e, enum ob_svy_ci m, double q, const struct ob_svy_opts *o,
                     double df)
{
	double p = e->estimate, se = e->se, a = 1 - o->level;

	e->ci = m;
	e->lower = e->upper = NAN;
	if (!isfinite(q) || !isfinite(se)) {
		e->flags |= OB_SVY_NO_INTERVAL;
		return;
	}
	switch (m) {
	case OB_SVY_CI_WOODRUFF:
		e->flags |= OB_SVY_NO_INTERVAL;
		return;
	case OB_SVY_CI_WALD:
		e->lower = p - q * se;
		e->upper = p + q * se;
		return;
	case OB_SVY_CI_WILSON:
		wilson_interval(e, q);
		return;
	case OB_SVY_CI_LOGIT:
	case OB_SVY_CI_ASIN:
	case OB_SVY_CI_BETA:
	case OB_SVY_CI_LIKELIHOOD:
		if (!(p > 0 && p < 1) || !(se > 0)) {
			e->flags |= OB_SVY_NO_INTERVAL;
			return;
		}
		break;
	}
	if (m == OB_SVY_CI_LOGIT) {
		double l = log(p / (1 - p)), s = se / (p * (1 - p));
		e->lower = expit(l - q * s);
		e->upper = expit(l + q * s);
	} else if (m == OB_SVY_CI_ASIN) {
		double c = asin(sqrt(p)), s = se / (2 * sqrt(p * (1 - p)));
		double lo = c - q * s, hi = c + q * s;
		e->lower = lo <= 0 ? 0 : sin(lo) * sin(lo);
		e->upper = hi >= M_PI / 2 ? 1 : sin(hi) * sin(hi);
	} else if (m == OB_SVY_CI_LIKELIHOOD) {
		likelihood_interval(e, q);
	} else {
		/* Korn-Graubard: the effective n, scaled by the ratio of t quantiles
		 * on n - 1 and on the design's degrees of freedom (as svyciprop) */
		double neff = p * (1 - p) / (se * se), r;

		if (e->n < 2 || !(df > 0)) {
			e->flags |= OB_SVY_NO_INTERVAL;
			return;
		}
		r = ob_qt(a / 2, (double)e->n - 1) / ob_qt(a / 2, df);
		neff *= r * r;
		e->lower = ob_qbeta(a / 2, neff * p, neff * (1 - p) + 1);
		e->upper = ob_qbeta_upper(a / 2, neff * p + 1, neff * (1 - p));
	}
}

/* Estimator k of the respondents idx[0..nn) with weights w: NaN when its
 * denominator is 0. */
static double point(enum ob_svy_estimator k, const double *w, const double *y, const double *x,
                    const size_t *idx, size_t nn)
{
	double Y = 0, D = 0;

	for (size_t j = 0; j < nn; j++) {
		size_t i = idx[j];
		Y += w[i] * y[i];
		if (k == OB_SVY_RATIO)
			D += w[i] * x[i];
		else
			D += w[i];
	}
	if (k == OB_SVY_TOTAL)
		return Y;
	return D != 0 ? Y / D : NAN;
}

/* The respondents an estimate rests on (nn of total, weighing W) and the
 * flags they give; false when there are none (no number, no interval). */
static bool respondents(struct ob_svy_est *e, size_t nn, size_t total, double W,
                        const struct ob_svy_opts *o)
{
	e->n = nn;
	e->n_missing = total - nn;
	e->wsum = W;
	if (e->n_missing)
		e->flags |= OB_SVY_MISSING;
	if (nn < o->min_n)
		e->flags |= OB_SVY_FEW_CASES;
	if (!nn) {
		e->flags |= OB_SVY_NO_CASES | OB_SVY_NO_INTERVAL;
		return false;
	}
	return true;
}

ob_err ob_svy_estimate(const struct ob_svy_design *ds, struct ob_svy_scratch *s,
                       enum ob_svy_estimator k, const double *y, const double *x,
                       const size_t *rows, size_t m, const struct ob_svy_opts *o,
                       struct ob_svy_est *e)
{
	size_t nn = 0, total = rows ? m : ds->n;
	double W = 0, Y = 0, X = 0, est, v, q, df;
	bool lonely = false;

	if (k == OB_SVY_QUANTILE)
		return OB_EINVAL;  /* ob_svy_quantile() */
	memset(e, 0, sizeof(*e));
	e->estimate = e->se = e->lower = e->upper = e->deff = e->cv = NAN;
	e->ci = k == OB_SVY_PROP ? o->prop_ci : OB_SVY_CI_WALD;
	df = o->normal ? INFINITY : ds->df;
	e->df = df;
	for (size_t j = 0; j < total; j++) {
		size_t i = rows ? rows[j] : j;
		if (isnan(y[i]) || (k == OB_SVY_RATIO && isnan(x[i])))
			continue;
		if (k == OB_SVY_PROP && y[i] != 0 && y[i] != 1)
			return OB_EINVAL;
		s->idx[nn++] = i;
		W += ds->w[i];
		Y += ds->w[i] * y[i];
		if (k == OB_SVY_RATIO)
			X += ds->w[i] * x[i];
	}
	if (!respondents(e, nn, total, W, o))
		return OB_OK;
	switch (k) {
	case OB_SVY_TOTAL:
		est = Y;
		for (size_t j = 0; j < nn; j++)
			s->z[j] = ds->w[s->idx[j]] * y[s->idx[j]];
		break;
	case OB_SVY_MEAN:
	case OB_SVY_PROP:
		est = Y / W;
		for (size_t j = 0; j < nn; j++) {
			size_t i = s->idx[j];
			s->z[j] = ds->w[i] * (y[i] - est) / W;
		}
		break;
	case OB_SVY_RATIO:
		if (X == 0) {
			e->flags |= OB_SVY_ZERO_DENOMINATOR | OB_SVY_NO_INTERVAL | OB_SVY_HIGH_CV;
			return OB_OK;
		}
		est = Y / X;
		for (size_t j = 0; j < nn; j++) {
			size_t i = s->idx[j];
			s->z[j] = ds->w[i] * (y[i] - est * x[i]) / X;
		}
		break;
	default:
		return OB_EINVAL;
	}
	if (ds->nrep) {
		for (size_t r = 0; r < ds->nrep; r++)
			s->theta[r] = point(k, ds->rw + r * ds->n, y, x, s->idx, nn);
		v = ob_svy_rep_variance(ds, est, s->theta);
	} else {
		v = ob_svy_variance(ds, &s->wk, s->z, s->idx, nn, &lonely);
	}
	if (lonely)
		e->flags |= OB_SVY_LONELY_PSU;
	e->estimate = est;
	e->se = sqrt(v);
	e->cv = est != 0 ? e->se / fabs(est) : NAN;
	if (!(e->cv <= o->max_cv))
		e->flags |= OB_SVY_HIGH_CV;

	/* design effect against simple random sampling without replacement */
	if (k != OB_SVY_RATIO && !ds->nrep && nn >= 2 && W > (double)nn) {
		double ybar = Y / W, ss = 0, s2, dn = (double)nn, vsrs;
		for (size_t j = 0; j < nn; j++) {
			size_t i = s->idx[j];
			ss += ds->w[i] * (y[i] - ybar) * (y[i] - ybar);
		}
		s2 = dn / (dn - 1) * ss / W;
		vsrs = s2 / dn * (W - dn) / W;
		if (k == OB_SVY_TOTAL)
			vsrs *= W * W;
		e->deff = vsrs > 0 ? v / vsrs : NAN;
	}

	if (o->normal)
		q = ob_qnorm_upper((1 - o->level) / 2);
	else
		q = df > 0 ? -ob_qt((1 - o->level) / 2, df) : NAN;
	interval(e, e->ci, q, o, ds->df);
	return OB_OK;
}

/* ---- quantiles ---------------------------------------------------------- */

static int cmp_qpoint(const void *a, const void *b)
{
	const struct ob_svy_qpoint *x = a, *y = b;

	if (x->y != y->y)
		return x->y < y->y ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/*
 * Q(a), 0 <= a <= 1: the smallest of the values q[0..nn) (in order, with
 * their weights cumulated in cw[]: cw[j] = w_0 + ... + w_j) whose share of
 * W reaches a. As survey's qrule "math": the last j with cw[j] <= a W,
 * itself if a is exactly its share (a - cw[j] / W == 0), else the next.
 * When no share is at most a W (a below the first value's), survey's rule
 * takes the first position as that j, and so the second value, not the
 * first: kept, so that the limits are survey's.
 */
static double inverse_cdf(const struct ob_svy_qpoint *q, const double *cw, size_t nn, double W,
                          double a)
{
	double aw = a * W;
	size_t lo = 0, hi = nn;

	/* the number of cw[j] <= aw (cw ascends) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cw[mid] <= aw)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		lo = 1;
	if (a - cw[lo - 1] / W == 0 || lo == nn)
		return q[lo - 1].y;
	return q[lo].y;
}

ob_err ob_svy_quantile(const struct ob_svy_design *ds, struct ob_svy_scratch *s, const double *y,
                       double p, const size_t *rows, size_t m, const struct ob_svy_opts *o,
                       struct ob_svy_est *e)
{
	size_t nn = 0, total = rows ? m : ds->n;
	struct ob_svy_opts fo = *o;
	struct ob_svy_est f;
	long double acc = 0;
	double W, est, q, *cw;
	ob_err err;

	memset(e, 0, sizeof(*e));
	e->estimate = e->se = e->lower = e->upper = e->deff = e->cv = NAN;
	e->ci = o->quantile_ci == OB_SVY_CI_WALD ? OB_SVY_CI_WOODRUFF : o->quantile_ci;
	e->df = o->normal ? INFINITY : ds->df;
	if (!(p > 0 && p < 1))
		return OB_EINVAL;
	switch (o->quantile_ci) {
	case OB_SVY_CI_WALD:
	case OB_SVY_CI_LOGIT:
	case OB_SVY_CI_BETA:
	case OB_SVY_CI_ASIN:
		break;
	default:
		return OB_EINVAL;
	}
	/* the domain's values with their weights, summed in the file's order
	 * and in extended precision (as R's sum and cumsum) */
	for (size_t j = 0; j < total; j++) {
		size_t i = rows ? rows[j] : j;
		if (isnan(y[i]))
			continue;
		s->q[nn].y = y[i];
		s->q[nn].w = ds->w[i];
		s->q[nn].i = i;
		acc += ds->w[i];
		nn++;
	}
	W = (double)acc;
	if (!respondents(e, nn, total, W, o))
		return OB_OK;
	qsort(s->q, nn, sizeof(*s->q), cmp_qpoint);
	cw = s->z;
	acc = 0;
	for (size_t j = 0; j < nn; j++) {
		acc += s->q[j].w;
		cw[j] = (double)acc;
	}
	est = inverse_cdf(s->q, cw, nn, W, p);
	e->estimate = est;

	/* F(est) with its Wald interval, on the same domain */
	for (size_t j = 0; j < total; j++) {
		size_t i = rows ? rows[j] : j;
		s->u[i] = isnan(y[i]) ? NAN : y[i] <= est;
	}
	fo.prop_ci = o->quantile_ci == OB_SVY_CI_ASIN ? OB_SVY_CI_WALD : o->quantile_ci;
	/* ob_svy_estimate() uses s->z and s->idx: the values are kept in s->q */
	if ((err = ob_svy_estimate(ds, s, OB_SVY_PROP, s->u, NULL, rows, m, &fo, &f)))
		return err;
	e->flags |= f.flags & OB_SVY_LONELY_PSU;
	if (o->normal)
		q = ob_qnorm_upper((1 - o->level) / 2);
	else
		q = ds->df > 0 ? -ob_qt((1 - o->level) / 2, ds->df) : NAN;
	if (o->quantile_ci == OB_SVY_CI_ASIN) {
		/* svyquantile's: sin^2 of the limits on the asin scale, as they
		 * fall (svyciprop's asin keeps them inside [0, pi/2]) */
		double pf = f.estimate, c, sa;

		f.lower = f.upper = NAN;
		if (pf > 0 && pf < 1 && isfinite(f.se) && f.se > 0 && isfinite(q)) {
			c = asin(sqrt(pf));
			sa = f.se / (2 * sqrt(pf * (1 - pf)));
			f.lower = sin(c - q * sa) * sin(c - q * sa);
			f.upper = sin(c + q * sa) * sin(c + q * sa);
		}
	}
	/* cw was s->z, which ob_svy_estimate() overwrote */
	acc = 0;
	for (size_t j = 0; j < nn; j++) {
		acc += s->q[j].w;
		cw[j] = (double)acc;
	}
	/* a limit of F outside [0, 1] has no value to go back to (as survey) */
	if (isfinite(q) && f.lower >= 0)
		e->lower = inverse_cdf(s->q, cw, nn, W, f.lower);
	if (isfinite(q) && f.upper <= 1)
		e->upper = inverse_cdf(s->q, cw, nn, W, f.upper);
	e->se = (e->upper - e->lower) / (2 * q);
	if (isnan(e->se))
		e->flags |= OB_SVY_NO_INTERVAL;
	e->cv = est != 0 ? e->se / fabs(est) : NAN;
	if (!(e->cv <= o->max_cv))
		e->flags |= OB_SVY_HIGH_CV;
	return OB_OK;
}
