/* rng.c - xoshiro256** with splitmix64 seeding and deterministic deviates (see rng.h). */
#include "base/rng.h"

#include <math.h>

/* No fused multiply-add: the same expression must round the same way on every
 * machine. GCC contracts only outside ISO C mode; clang needs the pragma. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__) && !defined(__STRICT_ANSI__)
#error "compile in ISO C mode (-std=c17) so that GCC does not contract floating point"
#endif

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void ob_rng_seed(struct ob_rng *r, uint64_t seed)
{
	uint64_t x = seed;

	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1; /* the one state xoshiro cannot leave */
}

uint64_t ob_hash64(const void *p, size_t n, uint64_t h)
{
	const unsigned char *b = p;
	uint64_t x;

	h ^= UINT64_C(0xcbf29ce484222325);
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= UINT64_C(0x100000001b3);
	}
	x = h;
	return splitmix64(&x);
}

void ob_rng_seed_stream(struct ob_rng *r, uint64_t seed, const char *tag, uint64_t n)
{
	unsigned char le[8];
	uint64_t h = ob_hash64(tag, strlen(tag), seed);

	for (int i = 0; i < 8; i++) /* the same bytes on any endianness */
		le[i] = (unsigned char)(n >> (8 * i));
	ob_rng_seed(r, ob_hash64(le, sizeof(le), h));
}

uint64_t ob_rng_next(struct ob_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t ob_rng_below(struct ob_rng *r, uint64_t n)
{
	/* Reject the lowest (2^64 mod n) values so that every residue is
	 * equally likely. */
	uint64_t threshold, x;

	if (n <= 1)
		return 0;
	threshold = (0 - n) % n;
	do
		x = ob_rng_next(r);
	while (x < threshold);
	return x % n;
}

int64_t ob_rng_range(struct ob_rng *r, int64_t lo, int64_t hi)
{
	uint64_t span;

	if (hi <= lo)
		return lo;
	span = (uint64_t)hi - (uint64_t)lo;
	if (span == UINT64_MAX)
		return (int64_t)ob_rng_next(r);
	return (int64_t)((uint64_t)lo + ob_rng_below(r, span + 1));
}

double ob_rng_uniform(struct ob_rng *r)
{
	return (double)(ob_rng_next(r) >> 11) * 0x1.0p-53;
}

bool ob_rng_chance(struct ob_rng *r, double p)
{
	if (p <= 0)
		return false;
	if (p >= 1)
		return true;
	return ob_rng_uniform(r) < p;
}

/* ln 2 split so that k * LN2_HI is exact for |k| < 2^20. */
static const double LN2_HI = 6.93147180369123816490e-01;
static const double LN2_LO = 1.90821492927058770002e-10;
static const double INV_LN2 = 1.44269504088896338700e+00;
static const double SQRT_HALF = 0.70710678118654752440;

double ob_rng_log(double x)
{
	double m, s, s2, term, sum;
	int e;

	if (!(x > 0))
		return -HUGE_VAL;
	if (isinf(x))
		return x;
	m = frexp(x, &e); /* x = m * 2^e, m in [0.5, 1): exact */
	if (m < SQRT_HALF) {
		m *= 2;
		e--;
	}
	/* log m = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716: the odd series
	 * converges by a factor s^2 < 0.03 a term. */
	s = (m - 1) / (m + 1);
	s2 = s * s;
	term = s;
	sum = 0;
	for (int k = 1; k <= 27; k += 2) {
		sum += term / k;
		term *= s2;
	}
	return 2 * sum + e * LN2_LO + e * LN2_HI;
}

double ob_rng_exp(double x)
{
	double k, rr, p;

	if (isnan(x))
		return x;
	if (x > 709.78)
		return HUGE_VAL;
	if (x < -745.2)
		return 0;
	/* x = k ln2 + rr with |rr| <= ln2/2; exp(rr) by its Taylor series
	 * (20 terms: the remainder is below 1e-25), then scale by 2^k. */
	k = floor(x * INV_LN2 + 0.5);
	rr = (x - k * LN2_HI) - k * LN2_LO;
	p = 1;
	for (int n = 20; n >= 1; n--)
		p = 1 + p * rr / n;
	return ldexp(p, (int)k);
}

double ob_rng_log_factorial(uint64_t k)
{
	double n, n2, f;

	if (k < 18) {
		/* 17! < 2^53: the product is exact. */
		f = 1;
		for (uint64_t i = 2; i <= k; i++)
			f *= (double)i;
		return ob_rng_log(f);
	}
	/* Stirling's series for log Gamma(n), n = k + 1 >= 19: the first
	 * omitted term is below 1e-17. */
	n = (double)k + 1;
	n2 = n * n;
	return (n - 0.5) * ob_rng_log(n) - n + 0.91893853320467274178 +
	       (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - 1.0 / (1680 * n2)) / n2) / n2) / n;
}

double ob_rng_normal(struct ob_rng *r, double mean, double sd)
{
	double u, v, s;

	do {
		u = 2 * ob_rng_uniform(r) - 1;
		v = 2 * ob_rng_uniform(r) - 1;
		s = u * u + v * v;
	} while (s >= 1 || s == 0);
	return mean + sd * u * sqrt(-2 * ob_rng_log(s) / s);
}

/* Hörmann (1993), "The transformed rejection method for generating Poisson
 * random variables", algorithm PTRS; valid for mean >= 10. */
static uint64_t poisson_ptrs(struct ob_rng *r, double lam)
{
	double slam = sqrt(lam), loglam = ob_rng_log(lam);
	double b = 0.931 + 2.53 * slam;
	double a = -0.059 + 0.02483 * b;
	double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
	double v_r = 0.9277 - 3.6224 / (b - 2);
	double log_inv_alpha = ob_rng_log(inv_alpha);

	for (;;) {
		double u = ob_rng_uniform(r) - 0.5;
		double v = ob_rng_uniform(r);
		double us = 0.5 - fabs(u);
		double kd = floor((2 * a / us + b) * u + lam + 0.43);

		if (us >= 0.07 && v <= v_r)
			return (uint64_t)kd;
		if (kd < 0 || (us < 0.013 && v > us))
			continue;
		if (ob_rng_log(v) + log_inv_alpha - ob_rng_log(a / (us * us) + b) <=
		    -lam + kd * loglam - ob_rng_log_factorial((uint64_t)kd))
			return (uint64_t)kd;
	}
}

uint64_t ob_rng_poisson(struct ob_rng *r, double mean)
{
	double limit, p;
	uint64_t k;

	if (!(mean > 0))
		return 0;
	if (mean >= OB_RNG_PTRS_MIN)
		return poisson_ptrs(r, mean);
	/* Count uniforms until their product drops below exp(-mean). */
	limit = ob_rng_exp(-mean);
	p = ob_rng_uniform(r);
	k = 0;
	while (p > limit) {
		p *= ob_rng_uniform(r);
		k++;
	}
	return k;
}

size_t ob_rng_pick(struct ob_rng *r, const double *w, size_t n)
{
	double total = 0, u, acc = 0;
	size_t last = 0;

	for (size_t i = 0; i < n; i++) {
		if (!(w[i] >= 0) || isinf(w[i]))
			return 0;
		total += w[i];
	}
	if (!(total > 0))
		return 0;
	u = ob_rng_uniform(r) * total;
	for (size_t i = 0; i < n; i++) {
		if (w[i] <= 0)
			continue;
		acc += w[i];
		last = i;
		if (u < acc)
			return i;
	}
	return last; /* rounding left u at the very top */
}
