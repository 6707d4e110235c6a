/*
 * prop.h - proportions (shares) with exact binomial intervals.
 *
 * A share such as "homicides by firearm among all homicides" is x events
 * out of n: its interval is the exact (Clopper-Pearson 1934) interval of a
 * binomial proportion, as R's binom.test(x, n, conf.level = level) gives
 * it: lower = qbeta(a/2, x, n - x + 1) (0 when x = 0), upper = qbeta(1 -
 * a/2, x + 1, n - x) (1 when x = n), a = 1 - level. Checked against values
 * computed with R in tests/unit/stats/test_prop.c
 * (tests/data/reference/proportions/).
 *
 * The limits are found on the binomial tails themselves (sums of the
 * probabilities away from the mean, started from the density computed as
 * ob_dbinom does), by Newton steps on the logarithm of the tail inside a
 * bracket, each limit solved on the side of 1/2 where it has full
 * precision. That is an order of magnitude faster than inverting the
 * incomplete beta function, which matters when a table holds hundreds of
 * thousands of shares; results agree with qbeta to about 1e-13.
 *
 * Pure functions: no I/O, no allocation, safe from any thread. Outputs
 * never hold NaN: where a quantity is undefined the field holds 0 and a
 * flag says so.
 */
#ifndef OB_STATS_PROP_H
#define OB_STATS_PROP_H

#include "base/common.h"

enum ob_prop_flag {
	/* n < the unreliability threshold */
	OB_PROP_UNRELIABLE = 1u << 0,
	/* n = 0: the share and its limits are undefined (fields hold 0) */
	OB_PROP_NO_TOTAL = 1u << 1,
};

struct ob_prop {
	double count, total, per, level; /* the inputs */
	double value;                    /* per * count / total */
	double lower, upper;             /* exact interval, times per */
	unsigned flags;                  /* enum ob_prop_flag */
};

/*
 * The share of x events out of n, times per (100 for a percentage, 1 for
 * a proportion), with its exact interval at confidence level, flagged
 * unreliable when n < unreliable_below (0 flags nothing). x and n are whole
 * numbers with 0 <= x <= n <= 2^53; per > 0; 0 < level < 1. Anything else
 * returns OB_EINVAL with *out zeroed. n = 0 returns OB_OK with
 * OB_PROP_NO_TOTAL set.
 */
ob_err ob_prop_exact(double x, double n, double per, double level, double unreliable_below,
                     struct ob_prop *out);

/*
 * Only the limits of the proportion (not scaled), as above; x, n, level
 * must be valid and n > 0 (not checked).
 */
void ob_prop_limits(double x, double n, double level, double *lower, double *upper);

#endif
