/*
 * rng.h - a small deterministic pseudo-random generator: the synthetic demo
 * draws its records with it, the indices their Monte Carlo runs.
 *
 * The stream is xoshiro256** (Blackman and Vigna), its state filled by
 * splitmix64 from a 64-bit seed. The same seed gives the same sequence on
 * every machine: the stream is integer arithmetic only, and the
 * floating-point helpers use nothing but IEEE 754 basic operations (+ - * /
 * and sqrt, all correctly rounded) plus ob_rng_log/ob_rng_exp below, which
 * are written here from those operations instead of coming from the C
 * library, so a different libm cannot change a draw. Floating-point
 * contraction (fused multiply-add) is switched off in rng.c.
 *
 * A struct ob_rng is a plain value: copy it to fork a stream, no cleanup.
 * Independent streams for independent parts of a computation come from
 * ob_rng_seed_stream(seed, tag, n), so that changing how many numbers one
 * part draws does not shift the numbers of another.
 */
#ifndef OB_RNG_H
#define OB_RNG_H

#include "base/common.h"

struct ob_rng {
	uint64_t s[4];
};

/* Poisson means at or above this use PTRS (Hörmann's transformed rejection
 * with squeeze); below it, multiplication of uniforms (exact). */
#define OB_RNG_PTRS_MIN 10.0

void ob_rng_seed(struct ob_rng *r, uint64_t seed);

/* A stream determined by (seed, tag, n): e.g. ("deaths", country*10000+year). */
void ob_rng_seed_stream(struct ob_rng *r, uint64_t seed, const char *tag, uint64_t n);

/* The next 64 random bits. */
uint64_t ob_rng_next(struct ob_rng *r);

/* Uniform integer in [0, n); n must be > 0. Unbiased (rejection). */
uint64_t ob_rng_below(struct ob_rng *r, uint64_t n);

/* Uniform integer in [lo, hi], lo <= hi. */
int64_t ob_rng_range(struct ob_rng *r, int64_t lo, int64_t hi);

/* Uniform double in [0, 1), 53 random bits. */
double ob_rng_uniform(struct ob_rng *r);

/* True with probability p (p <= 0 never, p >= 1 always). */
bool ob_rng_chance(struct ob_rng *r, double p);

/* Normal deviate (Marsaglia's polar method). */
double ob_rng_normal(struct ob_rng *r, double mean, double sd);

/* Poisson deviate with the given mean (<= 0 gives 0). */
uint64_t ob_rng_poisson(struct ob_rng *r, double mean);

/*
 * Index i in [0, n) drawn with probability w[i] / sum(w). Weights must be
 * finite and >= 0 with a positive sum; otherwise returns 0.
 */
size_t ob_rng_pick(struct ob_rng *r, const double *w, size_t n);

/* Natural logarithm and exponential from basic operations only
 * (relative error about 1e-16). log of x <= 0 gives -HUGE_VAL. */
double ob_rng_log(double x);
double ob_rng_exp(double x);

/* log(k!) exactly enough for the Poisson sampler. */
double ob_rng_log_factorial(uint64_t k);

/* 64-bit hash of bytes (FNV-1a, then a splitmix64 finaliser), seeded by h. */
uint64_t ob_hash64(const void *p, size_t n, uint64_t h);

#endif
