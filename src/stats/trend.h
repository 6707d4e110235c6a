/*
 * trend.h - log-linear Poisson trend of a rate: annual percent change.
 *
 * The model is R's
 *     glm(count ~ t + offset(log(pop)), family = poisson())
 * fitted by iteratively reweighted least squares (IRLS) to machine
 * precision, so that log E[count_i] = log pop_i + b0 + b1 t_i. t is the time
 * of each observation in the unit of the change (t = year - first year for
 * an annual percent change); b0 is then the log rate at t = 0 and
 *     APC = 100 (exp(b1) - 1).
 *
 * Three intervals for the APC, at confidence `level`, a = 1 - level:
 *
 * - apc_lower/apc_upper, the Poisson model's Wald interval:
 *   100 (exp(b1 -+ qnorm(1 - a/2) se_b1) - 1).
 * - quasi_lower/quasi_upper, R's quasi-Poisson interval with the dispersion
 *   estimated from the Pearson statistic, phi = chi2 / (n - 2):
 *   100 (exp(b1 -+ qt(1 - a/2, n - 2) se_b1 sqrt(phi)) - 1).
 * - lower/upper, the DEFAULT, which is the quasi-Poisson interval with the
 *   dispersion never taken below 1: phi_used = max(1, phi) in place of phi.
 *   With phi >= 1 it is the quasi-Poisson interval; with phi < 1
 *   (under-dispersion, common in short series of small counts) it is
 *   100 (exp(b1 -+ qt(1 - a/2, n - 2) se_b1) - 1): the Poisson standard
 *   error with the t quantile. So the default is never narrower than either
 *   of the other two: an observatory does not claim more precision than the
 *   Poisson model gives because a few years happen to lie close to the line,
 *   and the t quantile keeps the small-sample caution of the quasi model.
 *   OB_TREND_UNDERDISPERSED says phi < 1 was raised to 1.
 *
 * Pure computation on caller-owned arrays; nothing is allocated.
 */
#ifndef OB_STATS_TREND_H
#define OB_STATS_TREND_H

#include "base/common.h"

enum ob_trend_flag {
	/* Pearson dispersion below 1: the default interval used phi = 1 */
	OB_TREND_UNDERDISPERSED = 1u << 0,
};

struct ob_trend {
	size_t n;           /* observations */
	double df;          /* residual degrees of freedom, n - 2 */
	double level;
	double b0, se_b0;   /* log rate at t = 0 */
	double b1, se_b1;   /* log rate ratio per unit of t */
	double z_b1, p_b1;  /* Wald z = b1/se_b1 and its two-sided normal p */
	double apc;         /* 100 (exp(b1) - 1) */
	double apc_lower, apc_upper;     /* Poisson Wald interval */
	double deviance;    /* residual deviance */
	double pearson_chi2;
	double phi;         /* Pearson dispersion chi2 / df, as estimated */
	double quasi_se_b1; /* se_b1 sqrt(phi) */
	double quasi_lower, quasi_upper; /* quasi-Poisson interval, raw phi */
	double phi_used;    /* max(1, phi) */
	double lower, upper;             /* default interval (see above) */
	int iterations;     /* IRLS iterations */
	unsigned flags;     /* enum ob_trend_flag */
};

/*
 * Fit the trend to n observations: t[i] (finite, not all equal), count[i]
 * (finite, >= 0, need not be whole), pop[i] (finite, > 0). n >= 3 so that
 * the dispersion has a degree of freedom; 0 < level < 1.
 *
 * fitted, when not NULL, receives the n fitted counts (the fitted rate per
 * P people is P * fitted[i] / pop[i]).
 *
 * Returns OB_EINVAL for invalid input and OB_ENOFIT when the maximum
 * likelihood estimate is not finite (no events at all, or every event at
 * the first time point or every event at the last one) or IRLS does not
 * converge; *out is then zeroed and fitted left untouched.
 */
ob_err ob_trend_poisson(const double *t, const double *count, const double *pop,
                        size_t n, double level, struct ob_trend *out, double *fitted);

#endif
