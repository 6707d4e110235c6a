/*
 * outbreak.c - the Farrington (flexible) and EARS outbreak detectors (see
 * outbreak.h): a small quasi-Poisson GLM fitted by IRLS with Householder
 * QR, its dispersion, hat values and prediction, and the thresholds.
 */
#include "stats/outbreak.h"

#include <math.h>

#include "base/limits.h"
#include "stats/dist.h"

#define P_MAX OB_MAX_OUTBREAK_TERMS
#define N_MAX OB_MAX_OUTBREAK_BASELINE

void ob_farrington_defaults(struct ob_farrington_options *o)
{
	o->freq = 12;
	o->b = 5;
	o->w = 3;
	o->reweight = true;
	o->weights_threshold = 2.58;
	o->alpha = 0.05;
	o->trend = true;
	o->p_trend = 0.05;
	o->limit_cases = 5;
	o->limit_periods = 4;
	o->power = OB_POWER_2_3;
	o->no_periods = 1;
	o->past_excluded = -1;
}

size_t ob_farrington_first(const struct ob_farrington_options *o)
{
	return (size_t)o->freq * (size_t)o->b + (size_t)o->w;
}

/* ---- the baseline: which periods, at which time, in which block ---- */

struct baseline {
	size_t n, p;            /* rows, columns of the design */
	bool has_trend, has_blocks;
	int nlev, lev[P_MAX];   /* block levels present, ascending */
	double y[N_MAX], t[N_MAX];
	int blk[N_MAX];
};

/* R's x[a:b] <- v: a:b runs downwards when a > b. Indices are 1-based,
 * f[0] standing for index lo; those outside lo..hi are not in the
 * baseline's span. */
static void assign(int *f, long lo, long hi, long a, long b, int v)
{
	long from = a < b ? a : b, to = a < b ? b : a;

	for (long i = from; i <= to; i++)
		if (i >= lo && i <= hi)
			f[i - lo] = v;
}

/* The baseline of period k (0-based), laid out as surveillance's
 * algo.farrington.data.glm and blocks() do; 0 marks "not in a block". */
static ob_err gather(const double *y, size_t n, size_t k, const struct ob_farrington_options *o,
                     struct baseline *bl, int *f)
{
	long k1 = (long)k + 1, freq = o->freq, w = o->w, pl = o->no_periods;
	long past = o->past_excluded < 0 ? w : o->past_excluded;
	long lo = k1 - o->b * freq - w, hi = k1;

	(void)n;
	if (hi - lo + 1 > N_MAX)
		return OB_ETOOBIG;
	for (long i = 0; i <= hi - lo; i++)
		f[i] = 0;
	assign(f, lo, hi, k1 - w, k1, (int)pl);
	for (long i = 1; i <= o->b; i++) {
		long ref = k1 - i * freq, later = k1 - (i - 1) * freq;

		assign(f, lo, hi, ref - w, ref + w, (int)pl);
		if (pl != 1) {
			long period = later - 2 * w - 1 - ref, len, rest, cum = 0;
			if (period < pl - (2 * w + 1))
				return OB_EINVAL;
			len = period / (pl - 1);
			rest = period % (pl - 1);
			for (long j = 1; j <= pl - 1; j++) {
				long this_len = len + (j <= rest ? 1 : 0);
				assign(f, lo, hi, ref + w + 1 + cum, ref + w + 1 + cum + this_len - 1,
				       (int)j);
				cum += this_len;
			}
		}
	}
	assign(f, lo, hi, k1 - past, k1, 0);
	bl->n = 0;
	bl->nlev = 0;
	for (long i = lo; i <= hi; i++) {
		if (!f[i - lo] || isnan(y[i - 1]))
			continue;
		bl->y[bl->n] = y[i - 1];
		bl->t[bl->n] = (double)i;
		bl->blk[bl->n] = f[i - lo];
		bl->n++;
	}
	/* the levels present, ascending (R's factor levels) */
	for (size_t i = 0; i < bl->n; i++) {
		int v = bl->blk[i], at = 0;
		bool seen = false;
		for (int j = 0; j < bl->nlev; j++)
			seen = seen || bl->lev[j] == v;
		if (seen)
			continue;
		if (bl->nlev >= P_MAX - 2)
			return OB_ETOOBIG;
		while (at < bl->nlev && bl->lev[at] < v)
			at++;
		for (int j = bl->nlev; j > at; j--)
			bl->lev[j] = bl->lev[j - 1];
		bl->lev[at] = v;
		bl->nlev++;
	}
	bl->has_blocks = o->no_periods != 1 && bl->nlev > 1;
	return OB_OK;
}

/* Row of the design for time t in block lev: 1, t, then one indicator per
 * block level but the first. */
static size_t design_row(const struct baseline *bl, bool trend, double t, int lev, double *x)
{
	size_t c = 0;

	x[c++] = 1;
	if (trend)
		x[c++] = t;
	if (bl->has_blocks)
		for (int j = 1; j < bl->nlev; j++)
			x[c++] = lev == bl->lev[j] ? 1 : 0;
	return c;
}

/* ---- a Poisson GLM with log link, as R's glm.fit ---- */

struct fit {
	size_t n, p, df;
	double beta[P_MAX];
	double r[P_MAX * P_MAX];   /* R of the QR of the last weighted design */
	double mu[N_MAX];
	double wt[N_MAX];          /* working weights of the last solve */
	double x[N_MAX * P_MAX];
	double disp;               /* Pearson chi2 / df (summary.glm's) */
	double disp_pred;          /* the dispersion of the prediction and of
	                              the trend's test (see fit_flexible) */
	bool converged;
};

/* The working memory of one ob_farrington call (about 1 MB), allocated by
 * the call rather than kept in each thread's static storage, which every
 * new thread of the process would otherwise zero. */
struct work {
	struct baseline bl;
	struct fit f;
	int blocks[N_MAX];                              /* gather() */
	double a[N_MAX * P_MAX], z[N_MAX], eta[N_MAX];  /* glm_fit() */
	double pw[N_MAX], s[N_MAX];                     /* fit_flexible() */
};

static double deviance(const double *y, const double *mu, const double *pw, size_t n)
{
	double d = 0;

	for (size_t i = 0; i < n; i++) {
		double yl = y[i] > 0 ? y[i] * log(y[i] / mu[i]) : 0;
		d += 2 * pw[i] * (yl - (y[i] - mu[i]));
	}
	return d;
}

/*
 * Least squares of b on the columns of a (n x p, row-major, overwritten)
 * by Householder reflections: beta and the triangle R (p x p). false
 * when a column is (numerically) dependent on those before it.
 */
static bool qr_solve(double *a, double *b, size_t n, size_t p, double *beta, double *r)
{
	double norm0[P_MAX];

	for (size_t j = 0; j < p; j++) {
		double s = 0;
		for (size_t i = 0; i < n; i++)
			s += a[i * p + j] * a[i * p + j];
		norm0[j] = sqrt(s);
	}
	for (size_t j = 0; j < p; j++) {
		double s = 0, alpha, vnorm2 = 0;
		for (size_t i = j; i < n; i++)
			s += a[i * p + j] * a[i * p + j];
		s = sqrt(s);
		if (!(s > 1e-11 * (norm0[j] > 0 ? norm0[j] : 1)) || j >= n)
			return false;
		alpha = a[j * p + j] > 0 ? -s : s;
		/* v = a_j - alpha e_j, kept in place of column j */
		a[j * p + j] -= alpha;
		for (size_t i = j; i < n; i++)
			vnorm2 += a[i * p + j] * a[i * p + j];
		for (size_t c = j + 1; c < p; c++) {
			double dot = 0;
			for (size_t i = j; i < n; i++)
				dot += a[i * p + j] * a[i * p + c];
			dot = 2 * dot / vnorm2;
			for (size_t i = j; i < n; i++)
				a[i * p + c] -= dot * a[i * p + j];
		}
		{
			double dot = 0;
			for (size_t i = j; i < n; i++)
				dot += a[i * p + j] * b[i];
			dot = 2 * dot / vnorm2;
			for (size_t i = j; i < n; i++)
				b[i] -= dot * a[i * p + j];
		}
		for (size_t c = 0; c < p; c++)
			r[j * p + c] = c < j ? 0 : c == j ? alpha : a[j * p + c];
	}
	for (size_t j = p; j-- > 0;) {
		double s = b[j];
		for (size_t c = j + 1; c < p; c++)
			s -= r[j * p + c] * beta[c];
		beta[j] = s / r[j * p + j];
	}
	return true;
}

/* v = R^-T x (forward substitution). */
static void rt_solve(const double *r, size_t p, const double *x, double *v)
{
	for (size_t j = 0; j < p; j++) {
		double s = x[j];
		for (size_t c = 0; c < j; c++)
			s -= r[c * p + j] * v[c];
		v[j] = s / r[j * p + j];
	}
}

static bool glm_fit(const struct baseline *bl, bool trend, const double *pw, struct fit *f,
                    struct work *w)
{
	double *a = w->a, *z = w->z, *eta = w->eta;
	size_t n = bl->n, p = 0, good = 0;
	double devold, dev;

	for (size_t i = 0; i < n; i++)
		p = design_row(bl, trend, bl->t[i], bl->blk[i], f->x + i * P_MAX);
	f->n = n;
	f->p = p;
	f->converged = false;
	if (n <= p)
		return false;
	for (size_t i = 0; i < n; i++) {
		f->mu[i] = bl->y[i] + 0.1;
		eta[i] = log(f->mu[i]);
		good += pw[i] > 0;
	}
	devold = deviance(bl->y, f->mu, pw, n);
	for (int it = 1; it <= 25; it++) {
		for (size_t i = 0; i < n; i++) {
			double sw = sqrt(pw[i] * f->mu[i]);
			z[i] = sw * (eta[i] + (bl->y[i] - f->mu[i]) / f->mu[i]);
			f->wt[i] = pw[i] * f->mu[i];
			for (size_t c = 0; c < p; c++)
				a[i * p + c] = sw * f->x[i * P_MAX + c];
		}
		if (!qr_solve(a, z, n, p, f->beta, f->r))
			return false;
		for (size_t i = 0; i < n; i++) {
			double e = 0;
			for (size_t c = 0; c < p; c++)
				e += f->x[i * P_MAX + c] * f->beta[c];
			eta[i] = e;
			f->mu[i] = exp(e);
		}
		dev = deviance(bl->y, f->mu, pw, n);
		if (!isfinite(dev))
			return false;
		if (fabs(dev - devold) / (fabs(dev) + 0.1) < 1e-8) {
			f->converged = true;
			break;
		}
		devold = dev;
	}
	f->df = good > p ? good - p : 0;
	if (!f->df)
		return false;
	f->disp = 0;
	for (size_t i = 0; i < n; i++) {
		double res = (bl->y[i] - f->mu[i]) / f->mu[i];
		if (pw[i] > 0)
			f->disp += f->wt[i] * res * res;
	}
	f->disp /= (double)f->df;
	f->disp_pred = f->disp;
	return true;
}

/* x0' (X'WX)^-1 x0 */
static double quad(const struct fit *f, const double *x0)
{
	double v[P_MAX], s = 0;

	rt_solve(f->r, f->p, x0, v);
	for (size_t j = 0; j < f->p; j++)
		s += v[j] * v[j];
	return s;
}

/*
 * surveillance's algo.farrington.fitGLM.flexible: the model with or
 * without the trend (without when it does not converge with), phi =
 * max(1, dispersion), and with reweight, a second fit weighted by the
 * Anscombe residuals. *trend says which model it is. false: no model.
 */
static bool fit_flexible(const struct baseline *bl, const struct ob_farrington_options *o,
                         bool *trend, struct fit *f, double *phi, struct work *w)
{
	double *pw = w->pw;
	size_t n = bl->n;

	for (size_t i = 0; i < n; i++)
		pw[i] = 1;
	if (!glm_fit(bl, *trend, pw, f, w) || !f->converged) {
		if (!*trend)
			return false;
		*trend = false;
		if (!glm_fit(bl, false, pw, f, w) || !f->converged)
			return false;
	}
	*phi = f->disp > 1 ? f->disp : 1;
	if (o->reweight) {
		double *s = w->s;
		double sum = 0, gamma;
		for (size_t i = 0; i < n; i++) {
			double xi[P_MAX], h;
			for (size_t c = 0; c < f->p; c++)
				xi[c] = sqrt(f->wt[i]) * f->x[i * P_MAX + c];
			h = quad(f, xi);
			s[i] = 1.5 * (pow(bl->y[i], 2.0 / 3) * pow(f->mu[i], -1.0 / 6) - sqrt(f->mu[i])) /
			       sqrt(*phi * (1 - h));
			sum += s[i] > o->weights_threshold ? 1 / (s[i] * s[i]) : 1;
		}
		gamma = (double)n / sum;
		for (size_t i = 0; i < n; i++)
			pw[i] = s[i] > o->weights_threshold ? gamma / (s[i] * s[i]) : gamma;
		if (!glm_fit(bl, *trend, pw, f, w))
			return false;
		*phi = f->disp > 1 ? f->disp : 1;
		/* R's fitGLM.flexible then stores the weights of the fit in place
		 * of its working weights, so summary.glm and predict.glm estimate
		 * the dispersion of the standard errors as sum(omega ((y - mu) /
		 * mu)^2) / df: the same here, to give R's bound and trend test */
		f->disp_pred = 0;
		for (size_t i = 0; i < n; i++) {
			double res = (bl->y[i] - f->mu[i]) / f->mu[i];
			if (pw[i] > 0)
				f->disp_pred += pw[i] * res * res;
		}
		f->disp_pred /= (double)f->df;
	}
	return true;
}

static ob_err farrington(const double *y, size_t n, size_t k,
                         const struct ob_farrington_options *o, struct ob_farrington_result *r,
                         struct work *w)
{
	struct baseline *const bl = &w->bl;
	struct fit *const f = &w->f;
	double x0[P_MAX], phi, mu0, se, z, e, v, ymax = 0;
	bool trend;
	ob_err err;

	memset(r, 0, sizeof(*r));
	if (o->freq < 1 || o->b < 1 || o->w < 0 || o->no_periods < 1 || !(o->alpha > 0) ||
	    !(o->alpha < 1) || o->limit_periods < 1 || 2 * o->w + 1 > o->freq ||
	    k >= n || k < ob_farrington_first(o))
		return OB_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (y[i] < 0)
			return OB_EINVAL;
	if ((err = gather(y, n, k, o, bl, w->blocks)))
		return err;
	r->n_baseline = bl->n;
	trend = o->trend;
	if (!fit_flexible(bl, o, &trend, f, &phi, w))
		return OB_OK;
	for (size_t i = 0; i < bl->n; i++)
		ymax = bl->y[i] > ymax ? bl->y[i] : ymax;
	design_row(bl, trend, (double)(k + 1), o->no_periods, x0);
	if (trend) {
		double tstat, pval, eta = 0;
		for (size_t c = 0; c < f->p; c++)
			eta += x0[c] * f->beta[c];
		{
			/* the trend coefficient's t-test, with the estimated dispersion */
			double e1[P_MAX] = { 0 }, cov11 = 0;
			double vv[P_MAX];
			/* (X'WX)^-1 [1][1] = || R^-T e_1 ||^2 over the rows below */
			e1[1] = 1;
			rt_solve(f->r, f->p, e1, vv);
			for (size_t j = 0; j < f->p; j++)
				cov11 += vv[j] * vv[j];
			tstat = f->beta[1] / sqrt(f->disp_pred * cov11);
			pval = 2 * ob_pt(-fabs(tstat), (double)f->df);
		}
		if (!(o->b >= 3 && pval < o->p_trend && exp(eta) <= ymax)) {
			trend = false;
			if (!fit_flexible(bl, o, &trend, f, &phi, w))
				return OB_OK;
			design_row(bl, false, (double)(k + 1), o->no_periods, x0);
		} else {
			r->trend = true;
			r->trend_coef = f->beta[1];
		}
	}
	r->computed = true;
	r->phi = phi;
	{
		double eta = 0;
		for (size_t c = 0; c < f->p; c++)
			eta += x0[c] * f->beta[c];
		mu0 = exp(eta);
		se = sqrt(f->disp_pred * quad(f, x0)) * mu0;
	}
	r->expected = mu0;
	z = ob_qnorm(1 - o->alpha);
	{
		double tau = phi + se * se / mu0;
		switch (o->power) {
		case OB_POWER_1_2:
			e = 0.5;
			v = tau / 4;
			break;
		case OB_POWER_NONE:
			e = 1;
			v = mu0 * tau;
			break;
		default:
			e = 2.0 / 3;
			v = 4.0 / 9 * pow(mu0, 1.0 / 3) * tau;
		}
	}
	r->upper = pow(pow(mu0, e) + z * sqrt(v), 1 / e);
	if (!isnan(y[k])) {
		r->tested = true;
		r->score = (y[k] - mu0) / (r->upper - mu0);
		r->p = ob_pnorm_upper((pow(y[k], e) - pow(mu0, e)) / sqrt(v));
	}
	{
		double cases = 0;
		bool all = true;
		for (size_t i = k + 1 - (size_t)(o->limit_periods <= (int)k + 1 ? o->limit_periods
		                                                                : (int)k + 1);
		     i <= k; i++) {
			all = all && !isnan(y[i]);
			cases += isnan(y[i]) ? 0 : y[i];
		}
		r->enough_cases = all && cases >= o->limit_cases;
	}
	if (!r->enough_cases)
		r->upper = 0;
	r->alarm = r->tested && r->enough_cases && r->score > 1 && y[k] != 0;
	return OB_OK;
}

ob_err ob_farrington(const double *y, size_t n, size_t k, const struct ob_farrington_options *o,
                     struct ob_farrington_result *r)
{
	struct work *w = ob_malloc(sizeof(*w));
	ob_err e = farrington(y, n, k, o, r, w);

	free(w);
	return e;
}

/* ---- EARS ---- */

size_t ob_ears_first(enum ob_ears_method m, int baseline)
{
	return (size_t)baseline + (m == OB_EARS_C1 ? 0 : m == OB_EARS_C2 ? 2 : 4);
}

/* Mean and standard deviation of the baseline periods before `end`
 * (exclusive); false when one has no data. */
static bool moments(const double *y, size_t end, int baseline, double *mean, double *sd)
{
	double s = 0, ss = 0;

	for (size_t i = end - (size_t)baseline; i < end; i++) {
		if (isnan(y[i]))
			return false;
		s += y[i];
	}
	*mean = s / baseline;
	for (size_t i = end - (size_t)baseline; i < end; i++)
		ss += (y[i] - *mean) * (y[i] - *mean);
	*sd = sqrt(ss / (baseline - 1));
	return true;
}

ob_err ob_ears(const double *y, size_t n, size_t k, enum ob_ears_method m, int baseline,
               double min_sigma, double alpha, struct ob_ears_result *r)
{
	double z, mean, sd;

	memset(r, 0, sizeof(*r));
	if (baseline < 3 || baseline > N_MAX || !(min_sigma >= 0) || alpha >= 1 || k >= n ||
	    k < ob_ears_first(m, baseline) || (unsigned)m > OB_EARS_C3)
		return OB_EINVAL;
	if (!(alpha > 0))
		alpha = m == OB_EARS_C3 ? 0.025 : 0.001;
	z = ob_qnorm(1 - alpha);
	if (!moments(y, m == OB_EARS_C1 ? k : k - 2, baseline, &mean, &sd) || isnan(y[k]))
		return OB_OK;
	r->mean = mean;
	r->sigma = sd > min_sigma ? sd : min_sigma;
	if (m != OB_EARS_C3) {
		r->upper = mean + z * r->sigma;
	} else {
		double part = 0;
		for (size_t t = k - 2; t < k; t++) {
			double mt, st, c2;
			if (!moments(y, t - 2, baseline, &mt, &st) || isnan(y[t]))
				return OB_OK;
			st = st > min_sigma ? st : min_sigma;
			if (!(st > 0))
				return OB_OK;
			c2 = (y[t] - mt) / st;
			part += c2 - 1 > 0 ? c2 - 1 : 0;
		}
		if (!(r->sigma > 0))
			return OB_OK;
		r->upper = y[k] + r->sigma * (z - part);
		if (r->upper < 0)
			r->upper = 0;
	}
	r->computed = true;
	r->alarm = y[k] > r->upper;
	return OB_OK;
}
