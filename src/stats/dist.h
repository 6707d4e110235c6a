/*
 * dist.h - special functions and the distribution quantiles observa's
 * statistics need: log-gamma, regularized incomplete gamma and beta with
 * their inverses, normal, Student t, chi-square, gamma, beta and binomial.
 *
 * Written for observa (no numeric library is linked) and tested against
 * values computed with R 4.2.2 (tests/data/reference/) and against closed
 * forms. Pure functions: no state, no allocation, safe from any thread.
 *
 * Accuracy (checked against closed forms, the C library and R): log-gamma
 * to a few units in 1e-16 (absolutely near its zeros at 1 and 2); the
 * incomplete functions and quantiles to about 1e-14 relative in the body of
 * the distributions. Two limits are inherent to double precision: a
 * probability e^-L (deep in a tail) carries about L units in the last place,
 * and a beta quantile within 1e-14 of 1 is resolved only to the spacing of
 * doubles there. The incomplete beta with one shape parameter above ~1e4
 * and x beyond its mean loses about max(a, b) * 1e-16 (the rounding of
 * 1 - x); the t quantile avoids this by using its Cornish-Fisher expansion
 * above 1e5 degrees of freedom.
 *
 * Domain: arguments outside a function's domain (a negative shape, a
 * probability outside [0, 1], NaN) return NaN. The boundaries give the
 * mathematical limits: a quantile at p = 0 is the lower end of the support,
 * at p = 1 the upper end (+Inf for unbounded supports). Callers in observa
 * validate their inputs first, so NaN never reaches an output field (and
 * an infinite bound only with a flag saying it is unbounded).
 *
 * Naming follows R: p* is a distribution function (lower tail, P[X <= x]),
 * q* its inverse. Functions ending in _upper take or give the upper tail
 * P[X > x]: ask for the tail you want instead of writing 1 - p, which loses
 * every digit when p is close to 1.
 */
#ifndef OB_STATS_DIST_H
#define OB_STATS_DIST_H

#include "base/common.h"

/*
 * log Γ(x) for x > 0 (R's lgamma restricted to positive arguments, where
 * Γ is positive): Stirling's series at x >= 15, below that its error term
 * climbed up one unit at a time. Absolute error of a few 1e-16 near the
 * zeros at 1 and 2, relative error below 1e-15 elsewhere. x <= 0 or NaN
 * gives NaN.
 */
double ob_lgamma(double x);

/*
 * Regularized incomplete gamma functions, a > 0, x >= 0:
 * P(a, x) = γ(a, x) / Γ(a) (R: pgamma(x, a)) and Q = 1 - P computed
 * directly (R: pgamma(x, a, lower.tail = FALSE)).
 */
double ob_gamma_p(double a, double x);
double ob_gamma_q(double a, double x);

/*
 * Inverses: the x >= 0 with P(a, x) = p, or with Q(a, x) = q. Found from a
 * Wilson-Hilferty start by Newton steps on log P (or log Q) far from the
 * root and Halley steps near it, safeguarded by bisection inside a bracket,
 * so they converge for every a > 0 and p in [0, 1]. P^-1(a, 0) = 0,
 * P^-1(a, 1) = +Inf; a root below the smallest normal double gives 0.
 */
double ob_gamma_p_inv(double a, double p);
double ob_gamma_q_inv(double a, double q);

/* log B(a, b) = log Γ(a) + log Γ(b) - log Γ(a + b), a, b > 0. */
double ob_lbeta(double a, double b);

/*
 * Regularized incomplete beta I_x(a, b) (R: pbeta(x, a, b)), a, b > 0,
 * 0 <= x <= 1, and its complement 1 - I_x(a, b) computed directly
 * (R: pbeta(x, a, b, lower.tail = FALSE)).
 */
double ob_beta_i(double a, double b, double x);
double ob_beta_ic(double a, double b, double x);

/*
 * Inverses: the x in [0, 1] with I_x(a, b) = p, or with 1 - I_x(a, b) = q,
 * found as for the gamma (normal or tail power-law start).
 */
double ob_beta_i_inv(double a, double b, double p);
double ob_beta_ic_inv(double a, double b, double q);

/* Standard normal: Φ(x), 1 - Φ(x), and the quantiles Φ^-1(p), Φ^-1(1 - q). */
double ob_pnorm(double x);
double ob_pnorm_upper(double x);
double ob_qnorm(double p);
double ob_qnorm_upper(double q);

/* Student t with df > 0 degrees of freedom (R: pt, qt). */
double ob_pt(double t, double df);
double ob_qt(double p, double df);

/* Chi-square with df > 0 (R: pchisq, qchisq, qchisq(lower.tail = FALSE)). */
double ob_pchisq(double x, double df);
double ob_qchisq(double p, double df);
double ob_qchisq_upper(double q, double df);

/* Gamma with shape > 0 and scale > 0 (R: qgamma(p, shape, scale = scale)). */
double ob_qgamma(double p, double shape, double scale);
double ob_qgamma_upper(double q, double shape, double scale);

/* Beta (R: qbeta(p, a, b) and qbeta(q, a, b, lower.tail = FALSE)). */
double ob_qbeta(double p, double a, double b);
double ob_qbeta_upper(double q, double a, double b);

/*
 * Binomial with n trials (a whole number >= 0) and success probability
 * 0 <= prob <= 1 (R: dbinom, pbinom, pbinom(lower.tail = FALSE)). k is a
 * whole number; outside 0..n the probabilities are 0 or 1 as R gives them.
 */
double ob_dbinom(double k, double n, double prob);
double ob_pbinom(double k, double n, double prob);
double ob_pbinom_upper(double k, double n, double prob);

/*
 * Two-sided p-value of the exact binomial test of k successes in n trials
 * against prob, as R's binom.test computes it: the probability of the
 * outcomes no more likely than the one observed (with R's relative slack
 * of 1e-7 when comparing probabilities), capped at 1.
 */
double ob_binom_test_two_sided(double k, double n, double prob);

#endif
