/* dist.c - log-gamma, incomplete gamma and beta, their inverses and quantiles. */
#include "stats/dist.h"

#include <float.h>
#include <math.h>

/* log(sqrt(2 pi)) */
#define LN_SQRT_2PI 0.918938533204672741780329736406
/* sqrt(2 pi) */
#define SQRT_2PI 2.50662827463100050241576528481

#define EPS DBL_EPSILON
#define TINY 1e-300

/* Iteration caps: generous, only there so NaN-free but hostile input ends. */
#define MAX_SERIES 10000000
#define MAX_ROOT 2000

/*
 * Stirling series for the error term of log Γ at z >= 15:
 * sum of B_2k / (2k (2k - 1) z^(2k - 1)), k = 1..8, truncation < 1e-19.
 */
static double stirling_tail(double z)
{
	static const double c[] = {
		1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188,
		-691.0 / 360360, 1.0 / 156, -3617.0 / 122400,
	};
	double z2 = 1 / (z * z), s = 0;

	for (size_t i = OB_ARRAY_SIZE(c); i-- > 0;)
		s = s * z2 + c[i];
	return s / z;
}

#define STIRLING_FROM 15.0

/*
 * s(z) - s(z + 1) = (z + 1/2) log(1 + 1/z) - 1. With u = 1/(2z + 1) this is
 * atanh(u)/u - 1 = u^2/3 + u^4/5 + ..., summed directly when u is small so
 * that nothing cancels.
 */
static double stirlerr_step(double z)
{
	double u = 1 / (2 * z + 1), u2, pw, s = 0;

	if (u > 0.35)
		return (z + 0.5) * log1p(1 / z) - 1;
	u2 = u * u;
	pw = u2;
	for (int k = 3; k < 80; k += 2) {
		double add = pw / k;
		s += add;
		if (add <= 0.25 * EPS * s)
			break;
		pw *= u2;
	}
	return s;
}

/*
 * The Stirling error s(z) = log Γ(z) - ((z - 1/2) log z - z + log sqrt(2 pi)):
 * the series at z >= 15, else climbed to 15 one step at a time.
 */
static double stirlerr(double z)
{
	double s = 0;

	while (z < STIRLING_FROM) {
		s += stirlerr_step(z);
		z += 1;
	}
	return s + stirling_tail(z);
}

double ob_lgamma(double x)
{
	if (isnan(x) || x <= 0)
		return NAN;
	if (isinf(x))
		return INFINITY;
	return (x - 0.5) * log(x) - x + LN_SQRT_2PI + stirlerr(x);
}

/* log(1 + t) - t without cancellation for small t (t > -1). */
static double log1pmx(double t)
{
	if (fabs(t) < 0.125) {
		/* -t^2/2 + t^3/3 - t^4/4 + ... */
		double term = -t * t, s = 0;
		for (int k = 2; k < 60; k++) {
			double add = term / k;
			s += add;
			if (fabs(add) <= EPS * 0.25 * fabs(s))
				break;
			term *= -t;
		}
		return s;
	}
	return log1p(t) - t;
}

double ob_lbeta(double a, double b)
{
	if (isnan(a) || isnan(b) || a <= 0 || b <= 0)
		return NAN;
	if (a >= STIRLING_FROM && b >= STIRLING_FROM) {
		/* Stirling form: no cancellation between three large log Γ. */
		double s = a + b;
		return 0.5 * (log(s) - log(a) - log(b)) + LN_SQRT_2PI +
		       a * log(a / s) + b * log(b / s) + stirlerr(a) + stirlerr(b) -
		       stirlerr(s);
	}
	return ob_lgamma(a) + ob_lgamma(b) - ob_lgamma(a + b);
}

/* ---------------------------------------------------------------------- */
/* Incomplete gamma                                                        */

/* log(x^a e^-x / Γ(a)), x > 0. */
static double gamma_log_front(double a, double x)
{
	double t;

	if (a < 10)
		return a * log(x) - x - ob_lgamma(a);
	/* a log x - x - log Γ(a) = a (log(x/a) - (x/a - 1)) + log(a / 2pi)/2 - s(a) */
	t = (x - a) / a;
	if (fabs(t) < 0.125)
		t = log1pmx(t);
	else
		t = log(x / a) - t;
	return a * t + 0.5 * log(a) - LN_SQRT_2PI - stirlerr(a);
}

/* P(a, x) by its power series; for x < a + 1. */
static double gamma_p_series(double a, double x)
{
	double sum = 1, term = 1;

	for (long n = 1; n < MAX_SERIES; n++) {
		term *= x / (a + n);
		sum += term;
		if (term <= sum * EPS * 0.5)
			break;
	}
	return exp(gamma_log_front(a, x)) * sum / a;
}

/* Q(a, x) by Legendre's continued fraction (modified Lentz); x >= a + 1. */
static double gamma_q_cf(double a, double x)
{
	double b = x + 1 - a, c = 1 / TINY, d = 1 / b, h = d;

	for (long i = 1; i < MAX_SERIES; i++) {
		double an = -i * (i - a), del;
		b += 2;
		d = an * d + b;
		if (fabs(d) < TINY)
			d = TINY;
		c = b + an / c;
		if (fabs(c) < TINY)
			c = TINY;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) <= EPS)
			break;
	}
	return exp(gamma_log_front(a, x)) * h;
}

static bool gamma_args_bad(double a, double x)
{
	return isnan(a) || isnan(x) || a <= 0 || isinf(a) || x < 0;
}

double ob_gamma_p(double a, double x)
{
	if (gamma_args_bad(a, x))
		return NAN;
	if (x == 0)
		return 0;
	if (isinf(x))
		return 1;
	if (x < a + 1)
		return gamma_p_series(a, x);
	return 1 - gamma_q_cf(a, x);
}

double ob_gamma_q(double a, double x)
{
	if (gamma_args_bad(a, x))
		return NAN;
	if (x == 0)
		return 1;
	if (isinf(x))
		return 0;
	if (x < a + 1)
		return 1 - gamma_p_series(a, x);
	return gamma_q_cf(a, x);
}

/* ---------------------------------------------------------------------- */
/* Safeguarded root finding                                                */

/*
 * The root wanted: where a tail probability F(x) of a distribution (the
 * lower tail P, or the upper tail Q when `upper`) equals `target`. eval()
 * gives F, the density f' and the ratio f''/f' of the density, so that
 * f(x) = P(x) - target, or target - Q(x), is increasing.
 */
struct root_fn {
	void (*eval)(const struct root_fn *fn, double x, double *tail, double *dens,
	             double *curv);
	double a, b;   /* shape parameters */
	double target; /* probability sought */
	bool upper;    /* solve on the upper tail */
};

/* Middle of a bracket: geometric when it spans orders of magnitude. */
static double bracket_mid(double lo, double hi, bool near_one)
{
	if (near_one) {
		double ulo = 1 - lo, uhi = 1 - hi;
		if (uhi > 0 && ulo > 4 * uhi)
			return 1 - sqrt(ulo * uhi);
	}
	if (lo > 0 && hi > 4 * lo && isfinite(hi))
		return sqrt(lo * hi);
	return lo + (hi - lo) / 2;
}

/*
 * Newton-type iteration from x inside the bracket [lo, hi] (f(lo) <= 0 <=
 * f(hi)). Far from the root, where F and the target differ by more than a
 * factor of 2, the step is Newton's on log F (tails are close to
 * exponential, so it moves in large strides); near it, Halley's step on F.
 * A step that leaves the bracket, or a bracket that does not halve within
 * four steps, brings a bisection instead, so the iteration always converges.
 * `unit`: x lives in [0, 1] and precision near 1 is measured on 1 - x.
 */
static double solve_root(const struct root_fn *fn, double x, double lo, double hi,
                         bool near_one, bool unit)
{
	double width_then = hi - lo;

	for (int it = 0; it < MAX_ROOT; it++) {
		double tail, dens, curv, f, step, nx, scale;

		fn->eval(fn, x, &tail, &dens, &curv);
		f = fn->upper ? fn->target - tail : tail - fn->target;
		if (f == 0)
			return x;
		if (f < 0)
			lo = x;
		else
			hi = x;
		step = NAN;
		if (dens > 0 && isfinite(dens)) {
			if (tail > 0 && (tail > 2 * fn->target || 2 * tail < fn->target)) {
				double g = log(tail / fn->target);
				step = (fn->upper ? -g : g) * tail / dens;
			} else {
				double r = f / dens, den = 1 - 0.5 * r * curv;
				step = r;
				if (isfinite(curv) && den > 0.5 && den < 2)
					step = r / den;
			}
		}
		nx = x - step;
		if (it % 4 == 3) {
			if (hi - lo > 0.5 * width_then)
				nx = NAN; /* too slow: bisect */
			width_then = hi - lo;
		}
		if (!(nx > lo && nx < hi))
			nx = bracket_mid(lo, hi, near_one);
		/* Converged when the step is below a few units in the last place
		 * of x, or of 1 - x on the unit interval (the upper tail near 1). */
		scale = fabs(nx);
		if (unit && 1 - nx < scale)
			scale = 1 - nx;
		if (nx == lo || nx == hi)
			return x;
		if (fabs(nx - x) <= EPS * scale)
			return nx;
		x = nx;
	}
	return x;
}

/* ---------------------------------------------------------------------- */
/* Inverse incomplete gamma                                                */

static void gamma_eval(const struct root_fn *fn, double x, double *tail, double *dens,
                       double *curv)
{
	double a = fn->a;

	*tail = fn->upper ? ob_gamma_q(a, x) : ob_gamma_p(a, x);
	*dens = exp(gamma_log_front(a, x)) / x;
	*curv = (a - 1) / x - 1;
}

/* The sign of f at x: f = P - target, or target - Q. */
static double root_sign(const struct root_fn *fn, double x)
{
	double tail, dens, curv;

	fn->eval(fn, x, &tail, &dens, &curv);
	return fn->upper ? fn->target - tail : tail - fn->target;
}

static double gamma_inv(double a, double prob, bool upper)
{
	struct root_fn fn = { gamma_eval, a, 0, prob, upper };
	double p = upper ? 1 - prob : prob, q = upper ? prob : 1 - prob;
	double x, z, f, lo, hi;

	if (isnan(a) || isnan(prob) || a <= 0 || isinf(a) || prob < 0 || prob > 1)
		return NAN;
	if (p == 0)
		return 0;
	if (q == 0)
		return INFINITY;
	/* Solve on the smaller tail, where the probability has full precision. */
	if (!upper && p > 0.5) {
		fn.upper = true;
		fn.target = q;
	} else if (upper && q > 0.5) {
		fn.upper = false;
		fn.target = p;
	}
	/* Starting point: Wilson-Hilferty, or the small-x power law. */
	z = fn.upper ? ob_qnorm_upper(fn.target) : ob_qnorm(fn.target);
	x = 1 - 1 / (9 * a) + z / (3 * sqrt(a));
	x = a * x * x * x;
	if (!(x > 0) || a < 1) {
		double small = exp((log(p) + ob_lgamma(a + 1)) / a);
		if (!fn.upper || !(x > 0))
			x = small > 0 ? small : DBL_MIN;
	}
	if (!isfinite(x))
		x = a;
	/* Bracket the root by stepping out from x. */
	f = root_sign(&fn, x);
	lo = hi = x;
	if (f > 0) {
		do {
			hi = lo;
			lo /= 4;
			if (lo < DBL_MIN)
				return 0;
			f = root_sign(&fn, lo);
		} while (f > 0);
	} else if (f < 0) {
		do {
			lo = hi;
			hi *= 4;
			if (!isfinite(hi))
				return INFINITY;
			f = root_sign(&fn, hi);
		} while (f < 0);
	} else {
		return x;
	}
	return solve_root(&fn, x, lo, hi, false, false);
}

double ob_gamma_p_inv(double a, double p)
{
	return gamma_inv(a, p, false);
}

double ob_gamma_q_inv(double a, double q)
{
	return gamma_inv(a, q, true);
}

/* ---------------------------------------------------------------------- */
/* Incomplete beta                                                         */

/* log of u/u0 given d = u - u0, accurate whether u is near u0 or not. */
static double log_ratio(double u, double u0, double d)
{
	double r = d / u0;

	if (r > -0.5)
		return log1p(r);
	return log(u / u0);
}

/* log(x^a (1 - x)^b / B(a, b)) for 0 < x < 1. */
static double beta_log_front(double a, double b, double x)
{
	double s = a + b, x0 = a / s, y0 = b / s, d = x - x0;
	double r1 = d / x0, r2 = -d / y0, core;

	/*
	 * With log Γ in Stirling form the large terms cancel analytically:
	 * a log(x/x0) + b log((1-x)/y0) + log(ab/s)/2 - log sqrt(2pi) - s(a) - s(b) + s(s).
	 */
	if (fabs(r1) < 0.125 && fabs(r2) < 0.125)
		core = a * log1pmx(r1) + b * log1pmx(r2); /* linear terms cancel */
	else
		core = a * log_ratio(x, x0, d) + b * log_ratio(1 - x, y0, -d);
	return core + 0.5 * (log(a) + log(b) - log(s)) - LN_SQRT_2PI - stirlerr(a) -
	       stirlerr(b) + stirlerr(s);
}

/*
 * The continued fraction of I_x(a, b) (DLMF 8.17.22) by modified Lentz:
 * I_x(a, b) = front / a * 1 / (1 + d1 / (1 + d2 / (1 + ...))).
 * Converges quickly for x < (a + 1) / (a + b + 2).
 */
static double beta_cf(double a, double b, double x)
{
	/* After the first term the value is 1; then d_1, d_2, ... */
	double c = 1 / TINY, d = 1, h = 1;

	for (long j = 1; j < MAX_SERIES; j++) {
		double m, num, del;
		if (j % 2) {
			m = (double)(j - 1) / 2;
			num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
		} else {
			m = (double)j / 2;
			num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
		}
		d = 1 + num * d;
		if (fabs(d) < TINY)
			d = TINY;
		d = 1 / d;
		c = 1 + num / c;
		if (fabs(c) < TINY)
			c = TINY;
		del = c * d;
		h *= del;
		if (fabs(del - 1) <= EPS)
			break;
	}
	return h;
}

static bool beta_args_bad(double a, double b, double x)
{
	return isnan(a) || isnan(b) || isnan(x) || a <= 0 || b <= 0 || isinf(a) ||
	       isinf(b) || x < 0 || x > 1;
}

/* I_x(a, b) and 1 - I_x(a, b), both with full relative precision. */
static void beta_both(double a, double b, double x, double *lower, double *upper)
{
	double front = beta_log_front(a, b, x);

	if (x < (a + 1) / (a + b + 2)) {
		*lower = exp(front) / a * beta_cf(a, b, x);
		*upper = 1 - *lower;
	} else {
		*upper = exp(front) / b * beta_cf(b, a, 1 - x);
		*lower = 1 - *upper;
	}
}

double ob_beta_i(double a, double b, double x)
{
	double lo, up;

	if (beta_args_bad(a, b, x))
		return NAN;
	if (x == 0)
		return 0;
	if (x == 1)
		return 1;
	beta_both(a, b, x, &lo, &up);
	return lo;
}

double ob_beta_ic(double a, double b, double x)
{
	double lo, up;

	if (beta_args_bad(a, b, x))
		return NAN;
	if (x == 0)
		return 1;
	if (x == 1)
		return 0;
	beta_both(a, b, x, &lo, &up);
	return up;
}

static void beta_eval(const struct root_fn *fn, double x, double *tail, double *dens,
                      double *curv)
{
	double a = fn->a, b = fn->b, lo, up;

	if (x <= 0) {
		lo = 0;
		up = 1;
	} else if (x >= 1) {
		lo = 1;
		up = 0;
	} else {
		beta_both(a, b, x, &lo, &up);
	}
	*tail = fn->upper ? up : lo;
	if (x > 0 && x < 1) {
		*dens = exp(beta_log_front(a, b, x) - log(x) - log1p(-x));
		*curv = (a - 1) / x - (b - 1) / (1 - x);
	} else {
		*dens = NAN;
		*curv = NAN;
	}
}

static double beta_inv(double a, double b, double prob, bool upper)
{
	struct root_fn fn = { beta_eval, a, b, prob, upper };
	double p = upper ? 1 - prob : prob, q = upper ? prob : 1 - prob;
	double x, f, lo, hi, s, mean, sd, z;

	if (isnan(a) || isnan(b) || isnan(prob) || a <= 0 || b <= 0 || isinf(a) ||
	    isinf(b) || prob < 0 || prob > 1)
		return NAN;
	if (p == 0)
		return 0;
	if (q == 0)
		return 1;
	if (!upper && p > 0.5) {
		fn.upper = true;
		fn.target = q;
	} else if (upper && q > 0.5) {
		fn.upper = false;
		fn.target = p;
	}
	/* Starting point: normal approximation, else the tail power laws. */
	s = a + b;
	mean = a / s;
	sd = sqrt(a * b / (s * s * (s + 1)));
	z = fn.upper ? ob_qnorm_upper(fn.target) : ob_qnorm(fn.target);
	x = mean + z * sd;
	if (!(x > 0.0 && x < 1.0)) {
		double lb = ob_lbeta(a, b);
		if (z < 0)
			x = exp((log(p) + log(a) + lb) / a);
		else
			x = 1 - exp((log(q) + log(b) + lb) / b);
		if (!(x > 0.0))
			x = DBL_MIN;
		if (!(x < 1.0))
			x = 1 - EPS;
	}
	/* Bracket: step towards 0 or 1 geometrically. */
	f = root_sign(&fn, x);
	lo = hi = x;
	if (f > 0) {
		do {
			hi = lo;
			lo /= 4;
			if (lo < DBL_MIN)
				return 0;
			f = root_sign(&fn, lo);
		} while (f > 0);
	} else if (f < 0) {
		do {
			lo = hi;
			hi = 1 - (1 - hi) / 4;
			if (hi >= 1)
				return 1;
			f = root_sign(&fn, hi);
		} while (f < 0);
	} else {
		return x;
	}
	return solve_root(&fn, x, lo, hi, x > 0.5, true);
}

double ob_beta_i_inv(double a, double b, double p)
{
	return beta_inv(a, b, p, false);
}

double ob_beta_ic_inv(double a, double b, double q)
{
	return beta_inv(a, b, q, true);
}

/* ---------------------------------------------------------------------- */
/* Normal                                                                  */

double ob_pnorm(double x)
{
	double h;

	if (isnan(x))
		return NAN;
	if (isinf(x))
		return x > 0 ? 1 : 0;
	h = 0.5 * x * x;
	if (x < 0)
		return 0.5 * ob_gamma_q(0.5, h);
	return 0.5 + 0.5 * ob_gamma_p(0.5, h);
}

double ob_pnorm_upper(double x)
{
	return ob_pnorm(-x);
}

/* z >= 0 with 1 - Φ(z) = q, for 0 < q <= 0.5. */
static double qnorm_tail(double q)
{
	double t, z;

	if (q == 0.5)
		return 0;
	/* Abramowitz & Stegun 26.2.23 (error < 4.5e-4) as the starting point. */
	t = sqrt(-2 * log(q));
	z = t - (2.515517 + t * (0.802853 + t * 0.010328)) /
	            (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
	if (z < 0)
		z = 0;
	/* Halley on f(z) = 1 - Φ(z) - q: f' = -φ(z), f'' = z φ(z). */
	for (int it = 0; it < 50; it++) {
		double f = ob_pnorm_upper(z) - q;
		double phi = exp(-0.5 * z * z) / SQRT_2PI, step;
		if (phi == 0 || f == 0)
			break;
		step = f / (phi - 0.5 * f * z);
		if (!isfinite(step))
			break;
		z += step;
		if (fabs(step) <= 2 * EPS * fabs(z))
			break;
	}
	return z;
}

double ob_qnorm(double p)
{
	if (isnan(p) || p < 0 || p > 1)
		return NAN;
	if (p == 0)
		return -INFINITY;
	if (p == 1)
		return INFINITY;
	if (p < 0.5)
		return -qnorm_tail(p);
	return qnorm_tail(1 - p); /* exact: 1 - p has no rounding for p >= 0.5 */
}

double ob_qnorm_upper(double q)
{
	return -ob_qnorm(q);
}

/* ---------------------------------------------------------------------- */
/* Student t                                                               */

/* P(T > t) for t >= 0. */
static double pt_upper(double t, double df)
{
	double t2 = t * t;

	if (isinf(t2))
		return 0;
	if (t2 < df) /* 1 - x = t^2/(df + t^2) is the small, precise one */
		return 0.5 * ob_beta_ic(0.5, 0.5 * df, t2 / (df + t2));
	return 0.5 * ob_beta_i(0.5 * df, 0.5, df / (df + t2));
}

double ob_pt(double t, double df)
{
	if (isnan(t) || isnan(df) || df <= 0)
		return NAN;
	if (isinf(df))
		return ob_pnorm(t);
	if (t < 0)
		return pt_upper(-t, df);
	return 1 - pt_upper(t, df);
}

/* t >= 0 with P(T > t) = q, 0 < q < 0.5. */
static double qt_tail(double q, double df)
{
	/* P(T > t) = I^c_y(1/2, df/2) / 2 with y = t^2 / (df + t^2). */
	double y = ob_beta_ic_inv(0.5, 0.5 * df, 2 * q), x;

	if (y <= 0.5)
		return sqrt(df * y / (1 - y));
	/* y close to 1: solve for x = 1 - y = df/(df + t^2) instead. */
	x = ob_beta_i_inv(0.5 * df, 0.5, 2 * q);
	if (x <= 0)
		return INFINITY;
	return sqrt(df * (1 - x) / x);
}

/*
 * Above this many degrees of freedom the t quantile comes from its
 * expansion in 1/df around the normal one (Cornish-Fisher, Abramowitz &
 * Stegun 26.7.5): the first neglected term is below 1e-19 there, while the
 * incomplete-beta route loses about df * 1e-16 to the rounding of 1 - x.
 */
#define QT_EXPANSION_DF 1e5

static double qt_expansion(double p, double df)
{
	double z = ob_qnorm(p), z2 = z * z;
	double g1 = z * (z2 + 1) / 4;
	double g2 = z * ((5 * z2 + 16) * z2 + 3) / 96;
	double g3 = z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384;

	return z + (g1 + (g2 + g3 / df) / df) / df;
}

double ob_qt(double p, double df)
{
	if (isnan(p) || isnan(df) || df <= 0 || p < 0 || p > 1)
		return NAN;
	if (isinf(df))
		return ob_qnorm(p);
	if (df > QT_EXPANSION_DF && p > 0 && p < 1)
		return qt_expansion(p, df);
	if (p == 0)
		return -INFINITY;
	if (p == 1)
		return INFINITY;
	if (p == 0.5)
		return 0;
	if (p < 0.5)
		return -qt_tail(p, df);
	return qt_tail(1 - p, df);
}

/* ---------------------------------------------------------------------- */
/* Chi-square, gamma, beta                                                 */

double ob_pchisq(double x, double df)
{
	if (isnan(x) || isnan(df) || df <= 0)
		return NAN;
	if (x <= 0)
		return 0;
	return ob_gamma_p(0.5 * df, 0.5 * x);
}

double ob_qchisq(double p, double df)
{
	if (isnan(df) || df <= 0)
		return NAN;
	return 2 * ob_gamma_p_inv(0.5 * df, p);
}

double ob_qchisq_upper(double q, double df)
{
	if (isnan(df) || df <= 0)
		return NAN;
	return 2 * ob_gamma_q_inv(0.5 * df, q);
}

double ob_qgamma(double p, double shape, double scale)
{
	if (isnan(scale) || scale <= 0 || isinf(scale))
		return NAN;
	return scale * ob_gamma_p_inv(shape, p);
}

double ob_qgamma_upper(double q, double shape, double scale)
{
	if (isnan(scale) || scale <= 0 || isinf(scale))
		return NAN;
	return scale * ob_gamma_q_inv(shape, q);
}

double ob_qbeta(double p, double a, double b)
{
	return ob_beta_i_inv(a, b, p);
}

double ob_qbeta_upper(double q, double a, double b)
{
	return ob_beta_ic_inv(a, b, q);
}

/* ---------------------------------------------------------------------- */
/* Binomial                                                                */

static bool binom_args_bad(double k, double n, double prob)
{
	return isnan(k) || isnan(n) || isnan(prob) || n < 0 || n != floor(n) ||
	       isinf(n) || prob < 0 || prob > 1;
}

double ob_dbinom(double k, double n, double prob)
{
	if (binom_args_bad(k, n, prob))
		return NAN;
	if (k != floor(k) || k < 0 || k > n)
		return 0;
	if (prob == 0)
		return k == 0 ? 1 : 0;
	if (prob == 1)
		return k == n ? 1 : 0;
	/*
	 * With a = k + 1, b = n - k + 1: x^(a-1) (1-x)^(b-1) / B(a, b)
	 * = (n + 1) C(n, k) x^k (1-x)^(n-k).
	 */
	return exp(beta_log_front(k + 1, n - k + 1, prob) - log(prob) - log1p(-prob) -
	           log(n + 1));
}

double ob_pbinom(double k, double n, double prob)
{
	if (binom_args_bad(k, n, prob))
		return NAN;
	k = floor(k + 1e-7);
	if (k < 0)
		return 0;
	if (k >= n)
		return 1;
	/* P(X <= k) = 1 - I_prob(k + 1, n - k) */
	return ob_beta_ic(k + 1, n - k, prob);
}

double ob_pbinom_upper(double k, double n, double prob)
{
	if (binom_args_bad(k, n, prob))
		return NAN;
	k = floor(k + 1e-7);
	if (k < 0)
		return 1;
	if (k >= n)
		return 0;
	return ob_beta_i(k + 1, n - k, prob);
}

double ob_binom_test_two_sided(double k, double n, double prob)
{
	const double rel = 1 + 1e-7;
	double d, m, lo, hi, y, pv;

	if (binom_args_bad(k, n, prob) || k != floor(k) || k < 0 || k > n)
		return NAN;
	if (prob == 0)
		return k == 0 ? 1 : 0;
	if (prob == 1)
		return k == n ? 1 : 0;
	d = ob_dbinom(k, n, prob) * rel;
	m = n * prob;
	if (k == m)
		return 1;
	if (k < m) {
		/* dbinom is non-increasing on [ceil(m), n]: the outcomes at most
		 * as likely as k there form a suffix [lo, n]. */
		lo = ceil(m);
		hi = n;
		if (ob_dbinom(hi, n, prob) > d) {
			y = 0;
		} else {
			while (lo < hi) {
				double mid = floor(lo + (hi - lo) / 2);
				if (ob_dbinom(mid, n, prob) <= d)
					hi = mid;
				else
					lo = mid + 1;
			}
			y = n - lo + 1;
		}
		pv = ob_pbinom(k, n, prob) + ob_pbinom_upper(n - y, n, prob);
	} else {
		/* non-decreasing on [0, floor(m)]: a prefix [0, hi]. */
		lo = 0;
		hi = floor(m);
		if (ob_dbinom(0, n, prob) > d) {
			y = 0;
		} else {
			while (lo < hi) {
				double mid = ceil(lo + (hi - lo) / 2);
				if (ob_dbinom(mid, n, prob) <= d)
					lo = mid;
				else
					hi = mid - 1;
			}
			y = lo + 1;
		}
		pv = ob_pbinom(y - 1, n, prob) + ob_pbinom_upper(k - 1, n, prob);
	}
	return pv < 1 ? pv : 1;
}
