/*
 * composite.h - composite indicators (indices): normalisation of
 * indicators, weighted aggregation and ranking, following the JRC/OECD
 * Handbook on Constructing Composite Indicators (2008) and the defaults of
 * JRC's COINr (n_minmax, n_zscore, a_amean, a_gmean).
 *
 * Normalisation works on one indicator over n units. Its direction (+1
 * when more is worse, as for a crime rate; -1 when more is better, as for
 * police per 100,000) multiplies the values BEFORE normalising, so that
 * after normalisation a higher value is always a higher priority.
 *   min-max:  (x - min) / (max - min) * (hi - lo) + lo      (COINr n_minmax)
 *   z-score:  (x - mean) / sd * s + m, sd with divisor n - 1 (COINr n_zscore)
 * Aggregation works on one unit's k normalised indicators with weights
 * w_j >= 0 (sum > 0):
 *   arithmetic: sum w x / sum w                              (COINr a_amean)
 *   geometric:  prod x^w ^ (1 / sum w), x >= 0; a zero with a positive
 *               weight gives 0 (the limit), as the INFORM-style sqrt(A B)
 *               of two dimensions does                        (COINr a_gmean)
 * Ranks are descending (1 = highest score) with ties sharing the smallest
 * rank (R's rank(-x, ties.method = "min")).
 * Classes of an index: see stats/breaks.h.
 *
 * Pure computation on caller-owned arrays; nothing is allocated except in
 * ob_rank_desc (scratch, freed).
 */
#ifndef OB_STATS_COMPOSITE_H
#define OB_STATS_COMPOSITE_H

#include "base/common.h"

/*
 * Min-max normalise x[0..n-1] (finite, n >= 2, not all equal) to
 * [lo, hi] (finite, lo < hi) after multiplying by direction (+1 or -1).
 * OB_EINVAL otherwise (an indicator that does not vary cannot be
 * normalised: leave it out).
 */
ob_err ob_norm_minmax(const double *x, size_t n, int direction, double lo, double hi,
                      double *out);

/* z-score normalise to mean m and standard deviation s (> 0). */
ob_err ob_norm_zscore(const double *x, size_t n, int direction, double m, double s,
                      double *out);

/* Weighted arithmetic mean of v[0..k-1] (finite) with weights w (finite, >= 0,
 * sum > 0); w NULL means equal weights. */
ob_err ob_agg_arith(const double *v, const double *w, size_t k, double *out);

/* Weighted geometric mean of v[0..k-1] (finite, >= 0); w as above. */
ob_err ob_agg_geom(const double *v, const double *w, size_t k, double *out);

/* Descending ranks of v[0..n-1] (finite), ties "min", into rank[0..n-1]. */
ob_err ob_rank_desc(const double *v, size_t n, size_t *rank);

#endif
