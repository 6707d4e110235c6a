/* test_rng.c - the PRNG of the demo and the indices: reference vectors, determinism, deviates and their moments. */
#include "test.h"

#include <math.h>

#include "base/rng.h"

/* splitmix64 from 0 gives these four words (the published sequence), which
 * become the xoshiro state. */
static void seed_is_splitmix64(void **state)
{
	struct ob_rng r;
	(void)state;
	ob_rng_seed(&r, 0);
	assert_true(r.s[0] == UINT64_C(0xe220a8397b1dcdaf));
	assert_true(r.s[1] == UINT64_C(0x6e789e6aa1b965f4));
	assert_true(r.s[2] == UINT64_C(0x06c45d188009454f));
	assert_true(r.s[3] == UINT64_C(0xf88bb8a8724c81ec));
}

/* xoshiro256** from the state {1, 2, 3, 4}: the reference outputs. */
static void xoshiro_reference(void **state)
{
	struct ob_rng r = { { 1, 2, 3, 4 } };
	static const uint64_t want[] = { 11520, 0, 1509978240, UINT64_C(1215971899390074240) };
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(want); i++)
		assert_true(ob_rng_next(&r) == want[i]);
}

static void same_seed_same_stream(void **state)
{
	struct ob_rng a, b, c, s1, s2, s3;
	int differ = 0;
	(void)state;
	ob_rng_seed(&a, 42);
	ob_rng_seed(&b, 42);
	ob_rng_seed(&c, 43);
	ob_rng_seed_stream(&s1, 42, "deaths", 7);
	ob_rng_seed_stream(&s2, 42, "deaths", 8);
	ob_rng_seed_stream(&s3, 42, "crimes", 7);
	for (int i = 0; i < 1000; i++) {
		uint64_t x = ob_rng_next(&a);
		assert_true(x == ob_rng_next(&b));
		differ += x != ob_rng_next(&c);
	}
	assert_true(differ > 990);
	assert_true(ob_rng_next(&s1) != ob_rng_next(&s2));
	ob_rng_seed_stream(&s1, 42, "deaths", 7);
	ob_rng_seed_stream(&s2, 42, "deaths", 7);
	assert_true(ob_rng_next(&s1) == ob_rng_next(&s2));
	ob_rng_seed_stream(&s1, 42, "deaths", 7);
	assert_true(ob_rng_next(&s1) != ob_rng_next(&s3));
}

/* Ten equal cells, 100 000 draws: chi-square with 9 degrees of freedom
 * stays under 27.88 (p = 0.001) for a uniform generator. */
static void below_is_uniform(void **state)
{
	struct ob_rng r;
	long cells[10] = { 0 };
	double chi = 0;
	const int n = 100000;
	(void)state;
	ob_rng_seed(&r, 1);
	for (int i = 0; i < n; i++) {
		uint64_t v = ob_rng_below(&r, 10);
		assert_true(v < 10);
		cells[v]++;
	}
	for (int i = 0; i < 10; i++)
		chi += (cells[i] - n / 10.0) * (cells[i] - n / 10.0) / (n / 10.0);
	assert_true(chi < 27.88);
	assert_true(ob_rng_below(&r, 1) == 0);
	for (int i = 0; i < 1000; i++) {
		int64_t v = ob_rng_range(&r, -3, 3);
		assert_true(v >= -3 && v <= 3);
	}
	assert_true(ob_rng_range(&r, 5, 5) == 5);
}

static void uniform_and_normal_moments(void **state)
{
	struct ob_rng r;
	double sum = 0, sum2 = 0, mean, var;
	const int n = 200000;
	(void)state;
	ob_rng_seed(&r, 2);
	for (int i = 0; i < n; i++) {
		double u = ob_rng_uniform(&r);
		assert_true(u >= 0 && u < 1);
		sum += u;
	}
	/* standard error of the mean: sqrt(1/12/n) = 0.00065 */
	assert_true(fabs(sum / n - 0.5) < 0.004);
	sum = 0;
	for (int i = 0; i < n; i++) {
		double z = ob_rng_normal(&r, 10, 2);
		sum += z;
		sum2 += z * z;
	}
	mean = sum / n;
	var = sum2 / n - mean * mean;
	assert_true(fabs(mean - 10) < 0.03);  /* SE 0.0045 */
	assert_true(fabs(var - 4) < 0.08);    /* SE 0.0126 */
}

/* Poisson: sample mean and variance within 6 standard errors of the mean
 * lambda, on both sides of the PTRS threshold. */
static void poisson_moments(void **state)
{
	static const double lambdas[] = { 0.3, 2.5, 9.99, 10, 15, 137.5, 20000 };
	(void)state;
	for (size_t k = 0; k < OB_ARRAY_SIZE(lambdas); k++) {
		double lam = lambdas[k], sum = 0, sum2 = 0, mean, var;
		const int n = 100000;
		struct ob_rng r;

		ob_rng_seed(&r, 100 + k);
		for (int i = 0; i < n; i++) {
			double x = (double)ob_rng_poisson(&r, lam);
			sum += x;
			sum2 += x * x;
		}
		mean = sum / n;
		var = sum2 / n - mean * mean;
		assert_true(fabs(mean - lam) < 6 * sqrt(lam / n));
		/* Var of the sample variance ~ (2 lam^2 + lam) / n */
		assert_true(fabs(var - lam) < 6 * sqrt((2 * lam * lam + lam) / n));
	}
}

/* The whole distribution for a mean above the threshold: chi-square against
 * the Poisson(15) probabilities (computed here with the C library). Cells:
 * 0..4 pooled, 5..30 one by one, 31 and more pooled: 28 cells, 27 degrees of
 * freedom, p = 0.001 at 55.48. */
static void poisson_ptrs_distribution(void **state)
{
	const double lam = 15;
	const int n = 200000;
	long count[32] = { 0 };
	double p[32], chi = 0, low = 0, high = 1;
	long low_c = 0;
	struct ob_rng r;
	(void)state;
	ob_rng_seed(&r, 77);
	for (int i = 0; i < n; i++) {
		uint64_t x = ob_rng_poisson(&r, lam);
		count[x < 31 ? x : 31]++;
	}
	for (int k = 0; k <= 30; k++) {
		p[k] = exp(-lam + k * log(lam) - lgamma(k + 1.0));
		high -= p[k];
	}
	for (int k = 0; k <= 4; k++) {
		low += p[k];
		low_c += count[k];
	}
	chi += (low_c - n * low) * (low_c - n * low) / (n * low);
	for (int k = 5; k <= 30; k++)
		chi += (count[k] - n * p[k]) * (count[k] - n * p[k]) / (n * p[k]);
	chi += (count[31] - n * high) * (count[31] - n * high) / (n * high);
	assert_true(chi < 55.48);
}

static void poisson_edges(void **state)
{
	struct ob_rng r;
	(void)state;
	ob_rng_seed(&r, 5);
	assert_true(ob_rng_poisson(&r, 0) == 0);
	assert_true(ob_rng_poisson(&r, -3) == 0);
	assert_true(ob_rng_poisson(&r, NAN) == 0);
}

static void log_exp_match_libm(void **state)
{
	static const double xs[] = { 1e-300, 1e-9, 0.001, 0.5, 0.70710678, 0.99, 1, 1.0000001,
	                             2, 2.718281828, 10, 137.5, 1e6, 1e300 };
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(xs); i++) {
		double a = ob_rng_log(xs[i]), b = log(xs[i]);
		assert_true(fabs(a - b) <= 4e-16 * fmax(1, fabs(b)));
	}
	for (double x = -700; x <= 700; x += 13.37) {
		double a = ob_rng_exp(x), b = exp(x);
		assert_true(fabs(a - b) <= 2e-15 * b);
	}
	assert_true(ob_rng_exp(0) == 1);
	assert_true(ob_rng_log(1) == 0);
	assert_true(ob_rng_log(0) < -1e300);
	assert_true(ob_rng_exp(-800) == 0);
	assert_true(isinf(ob_rng_exp(800)));
	for (uint64_t k = 0; k < 200; k += 3) {
		double a = ob_rng_log_factorial(k), b = lgamma((double)k + 1);
		assert_true(fabs(a - b) <= 1e-13 * fmax(1, b));
	}
}

static void pick_follows_weights(void **state)
{
	struct ob_rng r;
	static const double w[] = { 1, 0, 3 };
	static const double bad[] = { 1, -1 };
	static const double zero[] = { 0, 0 };
	long c[3] = { 0 };
	(void)state;
	ob_rng_seed(&r, 9);
	for (int i = 0; i < 40000; i++)
		c[ob_rng_pick(&r, w, 3)]++;
	assert_int_equal(c[1], 0);
	/* expected 10 000 and 30 000; SE 87 */
	assert_true(labs(c[0] - 10000) < 600);
	assert_true(ob_rng_pick(&r, bad, 2) == 0);
	assert_true(ob_rng_pick(&r, zero, 2) == 0);
}

static void hash_depends_on_bytes_and_seed(void **state)
{
	(void)state;
	assert_true(ob_hash64("abc", 3, 0) == ob_hash64("abc", 3, 0));
	assert_true(ob_hash64("abc", 3, 0) != ob_hash64("abd", 3, 0));
	assert_true(ob_hash64("abc", 3, 0) != ob_hash64("abc", 3, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_is_splitmix64),
		cmocka_unit_test(xoshiro_reference),
		cmocka_unit_test(same_seed_same_stream),
		cmocka_unit_test(below_is_uniform),
		cmocka_unit_test(uniform_and_normal_moments),
		cmocka_unit_test(poisson_moments),
		cmocka_unit_test(poisson_ptrs_distribution),
		cmocka_unit_test(poisson_edges),
		cmocka_unit_test(log_exp_match_libm),
		cmocka_unit_test(pick_follows_weights),
		cmocka_unit_test(hash_depends_on_bytes_and_seed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
