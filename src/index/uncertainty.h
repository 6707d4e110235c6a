/*
 * uncertainty.h - uncertainty and sensitivity analysis of an index, in the
 * practice of the JRC's Competence Centre on Composite Indicators (Saisana,
 * Saltelli and Tarantola 2005; OECD/JRC Handbook 2008, section 7).
 *
 * Three assumptions are uncertain, each one input factor:
 *   weights        "weights = uniform P": every weight (indicators and
 *                  dimensions) is multiplied by an independent U(1 - P, 1 + P)
 *                  draw; since every node divides by the sum of its
 *                  children's weights, that is a perturbation of the shares.
 *                  "dirichlet A": at every node the children's shares are
 *                  drawn from Dirichlet(A x nominal shares): mean the
 *                  nominal shares, larger A less spread. "fixed": not varied.
 *   normalisation  one of the [uncertainty] normalise alternatives, drawn
 *                  with equal probability ("nominal" is the definition's
 *                  own, per indicator); it applies to every indicator.
 *   aggregation    one of the aggregate alternatives (nominal, arithmetic,
 *                  geometric, inform), equal probability.
 * Outlier treatment and missing-data handling stay as defined.
 *
 * Design: two independent samples A and B of `runs` draws each; for every
 * factor f that varies, the sample A_B(f) is A with factor f taken from B
 * (Saltelli et al. 2010). Each draw comes from its own stream,
 * ob_rng_seed_stream(seed, "index-<factor>-<A|B>", draw), so the numbers
 * do not depend on the number of threads or on which factors vary.
 *
 * Outputs per unit, over the runs of A: the median rank (R's median), the
 * 90% rank interval as the 5% and 95% quantiles of type 1 (inverse
 * empirical distribution: integers, and the interval holds at least 90% of
 * the runs), the probability of each level (levels recomputed in every run
 * with the definition's classification) and of a rank <= top.
 *
 * First-order sensitivity share of factor f: the output is each unit's rank
 * Y_u. With Saltelli's (2010) estimator
 *   V_f,u = 1/N sum_i Y_u(B_i) (Y_u(A_B(f)_i) - Y_u(A_i))
 * and V_u the variance of Y_u over A and B together,
 *   share_f = sum_u V_f,u / sum_u V_u,
 * the part of the rank variance (pooled over units) that factor f explains
 * alone. Estimates carry Monte Carlo error: a share can come out slightly
 * below 0 or the shares can add to more than 1; they are reported as
 * estimated. The evaluations are runs x (2 + factors that vary).
 *
 * Threads: the runs are shared among `threads` workers (draw i to worker
 * i mod threads); results do not depend on the count. Each worker checks
 * the deadline and the cancel flag before each run and stops the analysis
 * with OB_ETIMEDOUT or OB_ECANCELED (no result) when either is reached.
 *
 * Ownership: ob_index_uncertainty() fills mc, which the caller ends with
 * ob_index_mc_release() (also after a failure).
 */
#ifndef OB_INDEX_UNCERTAINTY_H
#define OB_INDEX_UNCERTAINTY_H

#include "index/index.h"

enum ob_ix_factor {
	OB_IX_F_WEIGHTS,
	OB_IX_F_NORMALISATION,
	OB_IX_F_AGGREGATION,
	OB_IX_N_FACTORS,
};

struct ob_index_mc_options {
	size_t runs;      /* >= 1 */
	uint64_t seed;
	unsigned threads; /* 0 or 1: one thread */
	double deadline;  /* ob_now() past which the runs stop (OB_ETIMEDOUT); 0: none */
	const _Atomic int *cancel; /* non-zero: stop (OB_ECANCELED); NULL: none */
};

struct ob_index_mc {
	size_t nunits, runs, levels;
	double *rank_median;  /* nunits */
	size_t *rank_low;     /* nunits: 5% */
	size_t *rank_high;    /* nunits: 95% */
	double *p_level;      /* nunits x levels */
	double *p_top;        /* nunits (0 when the index has no top) */
	bool varied[OB_IX_N_FACTORS];
	double share[OB_IX_N_FACTORS]; /* 0 for a factor that does not vary */
	size_t evaluations;
};

/* Name of a factor ("weights", "normalisation", "aggregation"). */
const char *ob_index_factor_name(enum ob_ix_factor f);

/*
 * Run the analysis for in under def, starting from the nominal result
 * (its treated values). OB_EINVAL (with d) for runs out of range or when a
 * run cannot be classified into the levels.
 */
ob_err ob_index_uncertainty(const struct ob_index_def *def, const struct ob_index_input *in,
                            const struct ob_index_result *nominal,
                            const struct ob_index_mc_options *opt, struct ob_index_mc *mc,
                            struct ob_diag *d);

void ob_index_mc_release(struct ob_index_mc *mc);

#endif
