/*
 * rate.h - crude rates with exact Poisson intervals, and the comparison of
 * two rates (rate ratio with its exact conditional interval).
 *
 * Pure functions on numbers: no I/O, no allocation. Results are written to
 * a caller-owned struct. Outputs never hold NaN; where a quantity is not
 * defined the field holds 0 and a flag says so (the one exception, an
 * unbounded upper limit, holds +Inf and is flagged too). Callers that print
 * or publish a result must look at the flags first.
 *
 * Conventions (each checked in tests/unit/stats/test_rate.c against values
 * computed with R, tests/data/reference/rates/):
 *
 * - ob_rate_exact: the exact (Garwood 1936) interval for a Poisson count x,
 *   lower = qgamma(a/2, x) (0 when x = 0), upper = qgamma(1 - a/2, x + 1),
 *   a = 1 - level, divided by the population and multiplied by `per`.
 *   Identical to R's poisson.test(x, pop, conf.level = level)$conf.int and
 *   to qchisq(a/2, 2x)/2, qchisq(1 - a/2, 2x + 2)/2.
 *
 * - ob_rate_check: the rule that keeps a rate that cannot be right from being
 *   reported reliable, in one place for every caller (stats rate, the
 *   indicators): a population of 0, a count above its population, or a
 *   population above 0 but below a floor (OB_RATE_POPULATION_FLOOR by
 *   default). ob_rate_exact and ob_rate_exact_ex apply it, and set
 *   OB_RATE_UNRELIABLE whenever it flags anything.
 *
 * - ob_rate_compare: R's poisson.test(c(x1, x0), c(T1, T0)), i.e. the
 *   binomial test of x1 successes in x0 + x1 trials against T1/(T0 + T1)
 *   (binom.test): Clopper-Pearson limits p_L, p_U turned into limits for
 *   the rate ratio r1/r0 as p/(1 - p) * T0/T1, and the two-sided exact
 *   p-value as binom.test computes it (outcomes no more likely than the one
 *   observed).
 */
#ifndef OB_STATS_RATE_H
#define OB_STATS_RATE_H

#include "base/common.h"

/* A count below this is flagged unreliable by default (the 20-event rule). */
#define OB_RATE_UNRELIABLE_BELOW 20.0

/*
 * A population above 0 but below this is flagged OB_RATE_SMALL_POPULATION
 * by default: each event then moves a rate per 100,000 by more than 100, and
 * 20 events (the count that makes a rate reliable) in fewer than 1,000
 * people are 2,000 per 100,000, which in practice is a population written in
 * thousands or a count put in the wrong row.
 */
#define OB_RATE_POPULATION_FLOOR 1000.0

/* Rates are usually given per 100,000 people. */
#define OB_RATE_PER_100K 1e5

enum ob_rate_flag {
	/* count < the unreliability threshold, or any flag of ob_rate_check */
	OB_RATE_UNRELIABLE = 1u << 0,
	/* population 0: rate, lower and upper are 0 and must not be shown;
	 * count_lower and count_upper are still the interval of the count */
	OB_RATE_NO_POPULATION = 1u << 1,
	/* count > population: more events than people, a data error */
	OB_RATE_IMPLAUSIBLE = 1u << 2,
	/* 0 < population < the floor */
	OB_RATE_SMALL_POPULATION = 1u << 3,
};

/* The flags of ob_rate_check; any of them makes a rate unreliable. */
#define OB_RATE_CHECK_FLAGS \
	(OB_RATE_NO_POPULATION | OB_RATE_IMPLAUSIBLE | OB_RATE_SMALL_POPULATION)

/*
 * What is wrong with a rate of count events in pop people, whatever the
 * count's size: OB_RATE_NO_POPULATION (pop = 0), OB_RATE_IMPLAUSIBLE
 * (count > pop, with pop = 0 too), OB_RATE_SMALL_POPULATION (0 < pop <
 * pop_floor; 0 turns it off), or'ed; 0 when nothing is. A rate with any of
 * them must never be reported reliable. NaN or negative inputs count as
 * nothing wrong here: the functions that compute the rate refuse them.
 */
unsigned ob_rate_check(double count, double pop, double pop_floor);

struct ob_rate {
	double count, population, per, level; /* the inputs */
	double rate;                          /* per * count / population */
	double lower, upper;                  /* exact interval of the rate */
	double count_lower, count_upper;      /* exact interval of the count */
	unsigned flags;                       /* enum ob_rate_flag */
};

/*
 * Rate of `count` events in `pop` people, per `per` people (e.g.
 * OB_RATE_PER_100K), with its exact interval at confidence `level` (e.g.
 * 0.95), flagged unreliable below OB_RATE_UNRELIABLE_BELOW events and by
 * ob_rate_check(count, pop, OB_RATE_POPULATION_FLOOR).
 *
 * count >= 0 need not be whole: counts apportioned between territorial
 * vintages are fractional, and the gamma form of the interval extends to
 * them continuously. pop >= 0, per > 0, 0 < level < 1, all finite; anything
 * else returns OB_EINVAL with *out zeroed. A population of 0 is not an
 * error: it returns OB_OK with OB_RATE_NO_POPULATION set.
 */
ob_err ob_rate_exact(double count, double pop, double per, double level,
                     struct ob_rate *out);

/* The same with the count threshold given (>= 0; 0 turns the count rule
 * off, not ob_rate_check). */
ob_err ob_rate_exact_ex(double count, double pop, double per, double level,
                        double unreliable_below, struct ob_rate *out);

/* The same with the population floor of ob_rate_check given too (>= 0). */
ob_err ob_rate_exact_floor(double count, double pop, double per, double level,
                           double unreliable_below, double population_floor,
                           struct ob_rate *out);

/* What a comparison of two periods says. */
enum ob_change {
	OB_CHANGE_UNDEFINED = 0, /* no events at all, or a population of 0 */
	OB_CHANGE_NONE,          /* the interval of the ratio contains 1 */
	OB_CHANGE_INCREASE,      /* the interval lies above 1 */
	OB_CHANGE_DECREASE,      /* the interval lies below 1 */
};

enum ob_cmp_flag {
	/* count0 = 0: the ratio and the percent change are undefined (fields
	 * hold 0) and the upper limit is unbounded */
	OB_CMP_NO_BASELINE = 1u << 0,
	/* upper = +Inf (count0 = 0) */
	OB_CMP_UPPER_UNBOUNDED = 1u << 1,
	/* count0 = count1 = 0: ratio, limits hold 0, p_value holds 1 */
	OB_CMP_NO_EVENTS = 1u << 2,
	/* pop0 or pop1 is 0: nothing is defined; every field holds 0 */
	OB_CMP_NO_POPULATION = 1u << 3,
};

struct ob_rate_cmp {
	double rate0, rate1;  /* per `per` people */
	double ratio;         /* rate1 / rate0 */
	double pct_change;    /* 100 (ratio - 1) */
	double lower, upper;  /* exact conditional interval of the ratio */
	double p_value;       /* exact two-sided, H0: ratio = 1 */
	double level;
	enum ob_change verdict; /* increase or decrease only when the interval
	                         * excludes 1 */
	unsigned flags;         /* enum ob_cmp_flag */
};

/*
 * Compare the rate of period 1 (count1 events in pop1) with that of period
 * 0, the baseline. Counts must be whole numbers >= 0 (the exact conditional
 * test is discrete); populations > 0 for a defined result; per > 0;
 * 0 < level < 1. Invalid input returns OB_EINVAL with *out zeroed.
 */
ob_err ob_rate_compare(double count0, double pop0, double count1, double pop1,
                       double per, double level, struct ob_rate_cmp *out);

/* "aumento", "disminución", "sin cambio significativo", "indefinido". */
const char *ob_change_name(enum ob_change c);

#endif
