/* test_dist.c - special functions and quantiles: closed forms, round trips, R values. */
#include "test.h"

#include <float.h>
#include <math.h>

#include "refcsv.h"
#include "stats/dist.h"

#define CHECK_CLOSE(got, want, rel, abs)                                          \
	do {                                                                      \
		double g_ = (got), w_ = (want);                                   \
		if (!refcsv_close(g_, w_, (rel), (abs)))                          \
			fail_msg("%s = %.17g, want %.17g (%s)", #got, g_, w_, #want); \
	} while (0)

static const double shapes[] = { 1e-3, 0.1, 0.5, 1, 1.5, 2, 3.7, 10, 17.5,
	                         100, 1001, 25000, 1e6 };
static const double probs[] = { 1e-300, 1e-100, 1e-20, 1e-8, 0.005, 0.025, 0.05,
	                        0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.975, 0.995 };

static double log_factorial(int n)
{
	double s = 0;
	for (int i = 2; i <= n; i++)
		s += log((double)i);
	return s;
}

static void lgamma_closed_forms(void **state)
{
	(void)state;
	/* log Γ(n) = log (n-1)!; log Γ(1/2) = log sqrt(pi). */
	for (int n = 1; n <= 170; n++)
		CHECK_CLOSE(ob_lgamma(n), log_factorial(n - 1), 1e-14, 1e-14);
	CHECK_CLOSE(ob_lgamma(0.5), 0.5 * log(M_PI), 1e-15, 0);
	/* Γ(k + 1/2) = (2k)! sqrt(pi) / (4^k k!) */
	for (int k = 1; k <= 60; k++)
		CHECK_CLOSE(ob_lgamma(k + 0.5),
		            log_factorial(2 * k) + 0.5 * log(M_PI) - k * log(4.0) -
		                    log_factorial(k),
		            1e-13, 1e-14);
	/* Γ(x + 1) = x Γ(x) */
	for (double x = 1e-6; x < 40; x *= 1.7)
		CHECK_CLOSE(ob_lgamma(x + 1), ob_lgamma(x) + log(x), 1e-13, 2e-14);
	assert_true(isnan(ob_lgamma(0)));
	assert_true(isnan(ob_lgamma(-1.5)));
	assert_true(isnan(ob_lgamma(NAN)));
}

static void lgamma_against_libm(void **state)
{
	(void)state;
	/* The C library's lgamma is an independent implementation. */
	for (double x = 1e-8; x < 1e7; x *= 1.13)
		CHECK_CLOSE(ob_lgamma(x), lgamma(x), 1e-14, 1e-14);
}

/* Q(n, x) for whole n is the Poisson probability of fewer than n events. */
static double poisson_cdf_below(int n, double x)
{
	double term = exp(-x), s = 0;
	for (int k = 0; k < n; k++) {
		s += term;
		term *= x / (k + 1);
	}
	return s;
}

static void incomplete_gamma_closed_forms(void **state)
{
	(void)state;
	for (double x = 1e-6; x < 700; x *= 1.5) {
		CHECK_CLOSE(ob_gamma_p(1, x), -expm1(-x), 1e-14, 0);
		CHECK_CLOSE(ob_gamma_q(1, x), exp(-x), 1e-13, 0);
		/* P(1/2, x) = erf(sqrt x), Q(1/2, x) = erfc(sqrt x) */
		CHECK_CLOSE(ob_gamma_p(0.5, x), erf(sqrt(x)), 1e-14, 0);
		CHECK_CLOSE(ob_gamma_q(0.5, x), erfc(sqrt(x)), 1e-13, 0);
	}
	for (int n = 2; n <= 40; n += 3)
		for (double x = 0.25; x < 80; x *= 1.9) {
			double q = poisson_cdf_below(n, x);
			CHECK_CLOSE(ob_gamma_q(n, x), q, 1e-12, 1e-300);
			CHECK_CLOSE(ob_gamma_p(n, x) + ob_gamma_q(n, x), 1, 1e-15, 0);
		}
	assert_true(ob_gamma_p(3, 0) == 0);
	assert_true(ob_gamma_q(3, 0) == 1);
	assert_true(ob_gamma_p(3, INFINITY) == 1);
	assert_true(isnan(ob_gamma_p(0, 1)));
	assert_true(isnan(ob_gamma_p(1, -1)));
	assert_true(isnan(ob_gamma_q(NAN, 1)));
}

static void incomplete_gamma_inverse(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(shapes); i++)
		for (size_t j = 0; j < OB_ARRAY_SIZE(probs); j++) {
			double a = shapes[i], p = probs[j];
			double x = ob_gamma_p_inv(a, p), y = ob_gamma_q_inv(a, p);
			assert_true(x >= 0 && isfinite(x));
			assert_true(y >= 0 && isfinite(y));
			/* 0 only when the root underflows: below DBL_MIN */
			if (x > 0)
				CHECK_CLOSE(ob_gamma_p(a, x), p, 1e-11, 0);
			else
				assert_true(ob_gamma_p(a, DBL_MIN) >= p);
			if (y > 0)
				CHECK_CLOSE(ob_gamma_q(a, y), p, 1e-11, 0);
			else
				assert_true(ob_gamma_q(a, DBL_MIN) <= p);
		}
	/* Exponential: P^-1(1, p) = -log(1 - p) */
	for (size_t j = 0; j < OB_ARRAY_SIZE(probs); j++) {
		CHECK_CLOSE(ob_gamma_p_inv(1, probs[j]), -log1p(-probs[j]), 1e-13, 0);
		CHECK_CLOSE(ob_gamma_q_inv(1, probs[j]), -log(probs[j]), 1e-13, 0);
		CHECK_CLOSE(ob_qchisq(probs[j], 2), -2 * log1p(-probs[j]), 1e-13, 0);
	}
	assert_true(ob_gamma_p_inv(2, 0) == 0);
	assert_true(isinf(ob_gamma_p_inv(2, 1)));
	assert_true(isinf(ob_gamma_q_inv(2, 0)));
	assert_true(isnan(ob_gamma_p_inv(2, 1.5)));
	assert_true(isnan(ob_gamma_p_inv(-2, 0.5)));
}

/* The Garwood limits in poisson_exact_ci.csv are qchisq values from R. */
static void qchisq_against_r(void **state)
{
	struct refcsv t;
	(void)state;
	refcsv_load(&t, "reference/rates/poisson_exact_ci.csv");
	assert_int_equal(t.nrows, 42);
	for (size_t r = 0; r < t.nrows; r++) {
		double x = refcsv_num(&t, r, "count");
		double alpha = 1 - refcsv_num(&t, r, "conf_level");
		if (x > 0)
			REF_CHECK(&t, r, "count_lower_exact", ob_qchisq(alpha / 2, 2 * x) / 2,
			          1e-9, 0);
		else
			REF_CHECK(&t, r, "count_lower_exact", 0, 0, 0);
		REF_CHECK(&t, r, "count_upper_exact", ob_qchisq(1 - alpha / 2, 2 * x + 2) / 2,
		          1e-9, 0);
		REF_CHECK(&t, r, "count_upper_exact",
		          ob_qchisq_upper(alpha / 2, 2 * x + 2) / 2, 1e-9, 0);
		/* gamma form, as poisson.test writes it */
		REF_CHECK(&t, r, "count_upper_exact", ob_qgamma(1 - alpha / 2, x + 1, 1), 1e-9,
		          0);
		if (x > 0)
			REF_CHECK(&t, r, "count_lower_exact", ob_qgamma(alpha / 2, x, 1), 1e-9,
			          0);
	}
	refcsv_free(&t);
}

/*
 * Relative tolerance for a probability w = e^-L: any method carries an
 * error of about L units in the last place there.
 */
static double tail_tol(double w)
{
	return w > 0 && w < 1 ? 1e-13 * (1 - log(w) / 50) : 1e-13;
}

/* I_p(k, n - k + 1) = P(Bin(n, p) >= k), summed term by term. */
static double binom_tail_sum(int n, int k, double p)
{
	double s = 0;
	for (int i = k; i <= n; i++) {
		double c = 1;
		for (int j = 0; j < i; j++)
			c = c * (n - j) / (j + 1);
		s += c * pow(p, i) * pow(1 - p, n - i);
	}
	return s;
}

static void incomplete_beta_closed_forms(void **state)
{
	static const double ab[] = { 0.01, 0.5, 1, 2.5, 7, 30, 250, 5000 };
	(void)state;
	for (double x = 1e-6; x < 1; x = x < 0.5 ? x * 2 : 1 - (1 - x) / 2) {
		for (size_t i = 0; i < OB_ARRAY_SIZE(ab); i++) {
			double a = ab[i];
			/* a result e^-L carries an error of about L units in the
			 * last place whatever the method: scale the tolerance. */
			double w1 = pow(x, a), w2 = exp(a * log1p(-x));
			CHECK_CLOSE(ob_beta_i(a, 1, x), w1, tail_tol(w1), 1e-300);
			CHECK_CLOSE(ob_beta_i(1, a, x), -expm1(a * log1p(-x)), 1e-13, 1e-300);
			CHECK_CLOSE(ob_beta_ic(1, a, x), w2, tail_tol(w2), 1e-300);
		}
		CHECK_CLOSE(ob_beta_i(0.5, 0.5, x), 2 / M_PI * asin(sqrt(x)), 1e-13, 0);
		if (x < 1e-3)
			continue;
		for (int n = 1; n <= 20; n += 3)
			for (int k = 1; k <= n; k++) {
				double want = binom_tail_sum(n, k, x);
				CHECK_CLOSE(ob_beta_i(k, n - k + 1, x), want, 1e-12, 1e-300);
				CHECK_CLOSE(ob_pbinom_upper(k - 1, n, x), want, 1e-12, 1e-300);
				CHECK_CLOSE(ob_beta_i(k, n - k + 1, x) + ob_beta_ic(k, n - k + 1, x),
				            1, 1e-15, 0);
			}
		if (x > 0.9999)
			break;
	}
	assert_true(ob_beta_i(2, 3, 0) == 0);
	assert_true(ob_beta_i(2, 3, 1) == 1);
	assert_true(isnan(ob_beta_i(2, 3, 1.01)));
	assert_true(isnan(ob_beta_i(0, 3, 0.5)));
	/* log B(a, b) against log Γ, and with large a and b its Stirling form. */
	CHECK_CLOSE(ob_lbeta(3, 4), log(1.0 / 60), 1e-14, 0);
	CHECK_CLOSE(ob_lbeta(450, 521), ob_lgamma(450) + ob_lgamma(521) - ob_lgamma(971),
	            1e-12, 0);
}

static void incomplete_beta_inverse(void **state)
{
	static const double ab[] = { 0.05, 0.5, 1, 3, 10.5, 97, 521, 40000 };
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(ab); i++)
		for (size_t k = 0; k < OB_ARRAY_SIZE(ab); k++)
			for (size_t j = 0; j < OB_ARRAY_SIZE(probs); j++) {
				double a = ab[i], b = ab[k], p = probs[j];
				double x = ob_beta_i_inv(a, b, p), y = ob_beta_ic_inv(a, b, p);
				assert_true(x >= 0 && x <= 1);
				assert_true(y >= 0 && y <= 1);
				/* The answer is exact to the last bit of x: check that
				 * p lies between I at its neighbours. */
				if (x > 0 && x < 1) {
					double lo = ob_beta_i(a, b, nextafter(x, 0));
					double hi = ob_beta_i(a, b, nextafter(x, 1));
					if (!(lo <= p * (1 + 1e-12) && p <= hi * (1 + 1e-12)))
						fail_msg("I^-1(%g, %g, %g) = %.17g: I there %.17g..%.17g",
						         a, b, p, x, lo, hi);
				}
				if (y > 0 && y < 1) {
					double lo = ob_beta_ic(a, b, nextafter(y, 1));
					double hi = ob_beta_ic(a, b, nextafter(y, 0));
					if (!(lo <= p * (1 + 1e-12) && p <= hi * (1 + 1e-12)))
						fail_msg("Ic^-1(%g, %g, %g) = %.17g: Ic there %.17g..%.17g",
						         a, b, p, y, lo, hi);
				}
			}
	for (size_t j = 0; j < OB_ARRAY_SIZE(probs); j++) {
		double p = probs[j];
		CHECK_CLOSE(ob_qbeta(p, 4, 1), pow(p, 0.25), 1e-13, 0);
		CHECK_CLOSE(ob_qbeta(p, 1, 4), -expm1(log1p(-p) / 4), tail_tol(p), 0);
		CHECK_CLOSE(ob_qbeta_upper(p, 1, 4), -expm1(log(p) / 4), 1e-14, 0);
	}
	assert_true(ob_qbeta(0, 2, 3) == 0);
	assert_true(ob_qbeta(1, 2, 3) == 1);
	assert_true(isnan(ob_qbeta(-0.1, 2, 3)));
}

static void normal(void **state)
{
	(void)state;
	/* erfc's own error grows with x^2 in the far tail (the argument
	 * x / sqrt 2 is rounded), hence the tolerance. */
	for (double x = -37; x <= 9; x += 0.173) {
		CHECK_CLOSE(ob_pnorm(x), 0.5 * erfc(-x / M_SQRT2), 1e-14 * (10 + x * x), 0);
		CHECK_CLOSE(ob_pnorm_upper(x), 0.5 * erfc(x / M_SQRT2), 1e-14 * (10 + x * x), 0);
	}
	/* qnorm against published values */
	CHECK_CLOSE(ob_qnorm(0.975), 1.959963984540054, 1e-15, 0);
	CHECK_CLOSE(ob_qnorm(0.95), 1.6448536269514722, 1e-15, 0);
	CHECK_CLOSE(ob_qnorm(0.995), 2.5758293035489004, 1e-15, 0);
	CHECK_CLOSE(ob_qnorm(0.025), -1.959963984540054, 1e-15, 0);
	assert_true(ob_qnorm(0.5) == 0);
	for (size_t j = 0; j < OB_ARRAY_SIZE(probs); j++) {
		double p = probs[j];
		CHECK_CLOSE(ob_pnorm(ob_qnorm(p)), p, 1e-13, 0);
		CHECK_CLOSE(ob_pnorm_upper(ob_qnorm_upper(p)), p, 1e-13, 0);
		CHECK_CLOSE(ob_qnorm(p), -ob_qnorm_upper(p), 1e-15, 0);
	}
	assert_true(isinf(ob_qnorm(0)) && ob_qnorm(0) < 0);
	assert_true(isinf(ob_qnorm(1)) && ob_qnorm(1) > 0);
	assert_true(isnan(ob_qnorm(2)));
}

static void student_t(void **state)
{
	static const double dfs[] = { 0.7, 1, 2, 3, 4, 6, 30, 1000, 99999, 1e7 };
	(void)state;
	for (double t = -50; t <= 50; t += 0.37) {
		CHECK_CLOSE(ob_pt(t, 1), 0.5 + atan(t) / M_PI, 1e-13, 1e-16);
		CHECK_CLOSE(ob_pt(t, 2), 0.5 + t / (2 * sqrt(2 + t * t)), 1e-13, 1e-16);
	}
	for (size_t j = 0; j < OB_ARRAY_SIZE(probs); j++) {
		double p = probs[j];
		if (p < 1e-20)
			continue;
		/* closed forms for 1, 2 and 4 degrees of freedom */
		CHECK_CLOSE(ob_qt(p, 1), -1 / tan(M_PI * p), 1e-12, 1e-15);
		CHECK_CLOSE(ob_qt(p, 2), (2 * p - 1) / sqrt(2 * p * (1 - p)), 1e-12, 1e-15);
		{
			double al = 4 * p * (1 - p), q = cos(acos(sqrt(al)) / 3) / sqrt(al);
			CHECK_CLOSE(ob_qt(p, 4), (p < 0.5 ? -2 : 2) * sqrt(q - 1), 1e-10, 0);
		}
		for (size_t i = 0; i < OB_ARRAY_SIZE(dfs); i++) {
			/* pt loses about df * 1e-16 to the rounding of 1 - x in
			 * the incomplete beta, times the steepness of the tail */
			double t = ob_qt(p, dfs[i]);
			CHECK_CLOSE(ob_pt(t, dfs[i]), p, 1e-12 + 1e-16 * dfs[i] * (1 - log(p)), 0);
			if (p > 1e-15) /* 1 - p still differs from 1 */
				CHECK_CLOSE(ob_qt(1 - p, dfs[i]), -t, 1e-6, 0);
		}
	}
	/* both sides of the switch to the expansion in 1/df agree */
	for (size_t j = 0; j < OB_ARRAY_SIZE(probs); j++)
		if (probs[j] > 1e-20)
			CHECK_CLOSE(ob_qt(probs[j], 1e5), ob_qt(probs[j], 1e5 * (1 + 1e-15)),
			            1e-11, 0);
	/* a huge df tends to the normal */
	CHECK_CLOSE(ob_qt(0.975, 1e12), ob_qnorm(0.975), 1e-11, 0);
	CHECK_CLOSE(ob_qt(0.975, INFINITY), ob_qnorm(0.975), 1e-15, 0);
	assert_true(ob_qt(0.5, 6) == 0);
	assert_true(isnan(ob_qt(0.5, 0)));
}

static double choose(int n, int k)
{
	double c = 1;
	for (int j = 0; j < k; j++)
		c = c * (n - j) / (j + 1);
	return c;
}

static void binomial(void **state)
{
	(void)state;
	for (int n = 0; n <= 30; n += 5)
		for (int k = 0; k <= n; k++) {
			double p = 0.37, cdf = 0;
			for (int i = 0; i <= k; i++)
				cdf += choose(n, i) * pow(p, i) * pow(1 - p, n - i);
			CHECK_CLOSE(ob_dbinom(k, n, p), choose(n, k) * pow(p, k) * pow(1 - p, n - k),
			            1e-13, 0);
			CHECK_CLOSE(ob_pbinom(k, n, p), cdf, 1e-12, 1e-16);
		}
	assert_true(ob_dbinom(11, 10, 0.5) == 0);
	assert_true(ob_dbinom(2.5, 10, 0.5) == 0);
	assert_true(ob_dbinom(0, 10, 0) == 1);
	assert_true(ob_pbinom(-1, 10, 0.5) == 0);
	assert_true(ob_pbinom(10, 10, 0.5) == 1);
	/* binom.test with p = 1/2: the two tails are mirror images. */
	CHECK_CLOSE(ob_binom_test_two_sided(2, 10, 0.5), 2 * (1 + 10 + 45) / 1024.0, 1e-13, 0);
	CHECK_CLOSE(ob_binom_test_two_sided(8, 10, 0.5), 2 * (1 + 10 + 45) / 1024.0, 1e-13, 0);
	assert_true(ob_binom_test_two_sided(5, 10, 0.5) == 1);
	CHECK_CLOSE(ob_binom_test_two_sided(0, 10, 0.5), 2 / 1024.0, 1e-13, 0);
	/* p = 0.3, n = 10, k = 6: outcomes as unlikely as 6 are 6..10 and 0. */
	{
		double want = ob_dbinom(0, 10, 0.3);
		for (int i = 6; i <= 10; i++)
			want += ob_dbinom(i, 10, 0.3);
		CHECK_CLOSE(ob_binom_test_two_sided(6, 10, 0.3), want, 1e-13, 0);
	}
	assert_true(isnan(ob_binom_test_two_sided(11, 10, 0.5)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lgamma_closed_forms),
		cmocka_unit_test(lgamma_against_libm),
		cmocka_unit_test(incomplete_gamma_closed_forms),
		cmocka_unit_test(incomplete_gamma_inverse),
		cmocka_unit_test(qchisq_against_r),
		cmocka_unit_test(incomplete_beta_closed_forms),
		cmocka_unit_test(incomplete_beta_inverse),
		cmocka_unit_test(normal),
		cmocka_unit_test(student_t),
		cmocka_unit_test(binomial),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
