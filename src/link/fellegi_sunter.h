/*
 * fellegi_sunter.h - Fellegi-Sunter scoring: comparison patterns, the EM estimate of the
 * m and u probabilities, match weights and posterior probabilities with the
 * contribution of each comparison.
 *
 * A comparison vector gives every field a level (compare.h): 0 is
 * disagreement, nlevels - 1 full agreement, OB_LEVEL_MISSING a value missing
 * on either side. m[k][l] = P(level l on field k | the pair is a match),
 * u[k][l] = the same among non-matches, lambda = P(match) among the pairs
 * the model speaks of. Fields are independent given the match status
 * (conditional independence) and a missing level drops out of the
 * likelihood (missing at random): its weight is 0.
 *
 * Patterns. Each distinct vector is encoded as one number (mixed radix,
 * missing included), so a pair is remembered by 4 bytes. ob_fs_layout_init
 * refuses layouts whose codes do not fit in 32 bits.
 *
 * EM. ob_fs_em() runs on the counts of each pattern, in one of two flavours:
 *   OB_FS_EM_PLAIN     the textbook EM: E-step z = 1 / (1 + exp(lu - lm)),
 *                      M-step lambda = sum(n z) / N, m and u the share of
 *                      each level among the non-missing values, weighted by
 *                      n z and n (1 - z); stops when no parameter moves by
 *                      tol or more. With estimate_u = false, u stays as
 *                      given (the u estimated from random pairs) and only m
 *                      and lambda move; total_pairs then says how many
 *                      pairs lambda refers to when the patterns count only
 *                      the candidate pairs of blocking.
 *   OB_FS_EM_FASTLINK  fastLink 0.6.1's emlinkMARmov, step for step: the same
 *                      EM in its arithmetic (log-sum-exp E-step, products as
 *                      exp of summed logs, n z as exp(log n + log z)), and,
 *                      after every M-step, m sorted ascending and u
 *                      descending within each field, as fastLink does (it
 *                      imposes m(0) <= m(1) <= ... and u(0) >= u(1) >= ...);
 *                      loops while the largest change is >= tol; a log of a
 *                      (rounding-) negative u is NaN and dropped from the
 *                      product, as R's sum(na.rm = TRUE) drops it.
 * Both keep, per pattern, the quantities of their last E-step (which used
 * the parameters before the last M-step): zeta (the posterior), and
 * P(pattern | M), P(pattern | U). The toy linkage of
 * tests/data/reference/linkage is the oracle of both (to 1e-6).
 *
 * Weights. A level's weight is log2(m/u) in bits. In scoring (not in the
 * oracle tests) m and u are floored at OB_FS_FLOOR so that no weight is
 * infinite, and a level never observed (m = u = 0) weighs 0. The match
 * weight of a pair is the sum of its fields' weights; its probability is
 * lambda 2^w / (lambda 2^w + 1 - lambda).
 *
 * Term frequencies. A full agreement on a common value (JOSE, GARCIA) says
 * less than one on a rare value. For a field with term-frequency
 * adjustment, a pair that agrees exactly on a value v whose share among all
 * records is f(v) adds log2(u_top / f(v)) bits to the level's weight, where
 * u_top is the field's u at full agreement (the chance that two random
 * records agree at all): a value as frequent as the average adds nothing,
 * a rarer one adds, a more common one subtracts. f(v) is floored at
 * 1/records. This is the adjustment Splink documents; it applies only to
 * exact equality of the folded values, not to near agreement.
 */
#ifndef OB_LINK_FELLEGI_SUNTER_H
#define OB_LINK_FELLEGI_SUNTER_H

#include "base/common.h"
#include "link/compare.h"

/* Smallest m or u used in a scoring weight (weights stay within +-30 bits). */
#define OB_FS_FLOOR 1e-9

/* How comparison vectors are encoded. */
struct ob_fs_layout {
	size_t nfields;
	int nlevels[OB_MAX_LINK_FIELDS];   /* 1..OB_MAX_LEVELS, missing not counted */
	uint32_t radix[OB_MAX_LINK_FIELDS]; /* place value of each field's digit */
	uint64_t ncodes;                    /* number of possible codes */
};

/* OB_ETOOBIG when the codes would not fit in 32 bits, OB_EINVAL for a field
 * without levels or with more than OB_MAX_LEVELS. */
ob_err ob_fs_layout_init(struct ob_fs_layout *l, size_t nfields, const int *nlevels);
uint32_t ob_fs_encode(const struct ob_fs_layout *l, const int8_t *levels);
void ob_fs_decode(const struct ob_fs_layout *l, uint32_t code, int8_t *levels);

/*
 * Counts of distinct patterns. Owns its arrays; ob_fs_patterns_release frees
 * them. Patterns keep the order in which they were first added until
 * ob_fs_patterns_sort() puts them in increasing code order.
 */
struct ob_fs_patterns {
	struct ob_fs_layout layout;
	size_t n, cap;
	uint32_t *code;
	double *count;
	uint32_t *slot; /* hash index: pattern index + 1, 0 empty */
	size_t nslot;
};

void ob_fs_patterns_init(struct ob_fs_patterns *p, const struct ob_fs_layout *l);
void ob_fs_patterns_release(struct ob_fs_patterns *p);
/* Add count to the pattern of code. OB_ETOOBIG past OB_MAX_LINK_PATTERNS. */
ob_err ob_fs_patterns_add(struct ob_fs_patterns *p, uint32_t code, double count);
/* Index of code, or -1. */
long ob_fs_patterns_find(const struct ob_fs_patterns *p, uint32_t code);
/* Add every pattern of src to dst. */
ob_err ob_fs_patterns_merge(struct ob_fs_patterns *dst, const struct ob_fs_patterns *src);
void ob_fs_patterns_sort(struct ob_fs_patterns *p);
double ob_fs_patterns_total(const struct ob_fs_patterns *p);

struct ob_fs_model {
	struct ob_fs_layout layout;
	double m[OB_MAX_LINK_FIELDS][OB_MAX_LEVELS];
	double u[OB_MAX_LINK_FIELDS][OB_MAX_LEVELS];
	double lambda;
};

/* Starting values: m rises towards full agreement (0.9 of it at the top
 * level, the rest spread over the others in decreasing amounts), u the
 * reverse; lambda as given. */
void ob_fs_model_init(struct ob_fs_model *m, const struct ob_fs_layout *l, double lambda);

enum ob_fs_em_flavour {
	OB_FS_EM_PLAIN = 0,
	OB_FS_EM_FASTLINK,
};

struct ob_fs_em_options {
	enum ob_fs_em_flavour flavour;
	bool estimate_u;    /* false: u is kept as given */
	double total_pairs; /* pairs lambda refers to; 0 = the patterns' total */
	double tol;         /* 0 = 1e-10 (plain) or 1e-4 (fastLink) */
	int max_iter;       /* 0 = 5000 */
	/* plain flavour: a pseudo-count added to every level of m in the M-step
	 * (a symmetric Dirichlet prior), so that a level no match showed in
	 * the data keeps a small m and no comparison vetoes a pair by itself;
	 * 0 (the default) is the maximum-likelihood EM of the oracle */
	double m_prior;
};

struct ob_fs_em_result {
	int iterations;   /* E and M steps done (fastLink's counter says one more) */
	bool converged;
	size_t n;         /* patterns */
	double *zeta;     /* posterior of each pattern at the last E-step */
	double *pm, *pu;  /* P(pattern | M), P(pattern | U) at the last E-step */
};

/*
 * Run the EM on the patterns, starting from and updating *model. Fills res
 * (arrays owned by res, freed by ob_fs_em_result_release). OB_EINVAL when
 * there are no pairs or lambda is not in (0, 1); OB_ENOFIT when the
 * parameters become NaN.
 */
ob_err ob_fs_em(const struct ob_fs_patterns *p, struct ob_fs_model *model,
                const struct ob_fs_em_options *o, struct ob_fs_em_result *res);
void ob_fs_em_result_release(struct ob_fs_em_result *res);

/*
 * The weight in bits of each level of each field, for scoring: log2(m/u)
 * with both floored at OB_FS_FLOOR, 0 for a level with m = u = 0.
 */
struct ob_fs_weights {
	struct ob_fs_layout layout;
	double w[OB_MAX_LINK_FIELDS][OB_MAX_LEVELS];
	double prior;     /* log2(lambda / (1 - lambda)) */
	double u_top[OB_MAX_LINK_FIELDS]; /* u at full agreement, for term frequencies */
};

void ob_fs_weights_init(struct ob_fs_weights *w, const struct ob_fs_model *m);

/* Term-frequency adjustment in bits for a full agreement on a value of
 * share freq (see above). */
double ob_fs_tf_adjust(const struct ob_fs_weights *w, size_t field, double freq,
                       double records);

struct ob_fs_score {
	double weight;      /* sum of the contributions, bits */
	double probability; /* posterior, prior included */
	double contrib[OB_MAX_LINK_FIELDS]; /* bits; 0 for a missing value */
};

/* Score one comparison vector; tf (NULL for none) adds bits per field. */
void ob_fs_score_levels(const struct ob_fs_weights *w, const int8_t *levels,
                        const double *tf, struct ob_fs_score *out);

/* Posterior probability of a weight (bits) under the weights' prior. */
double ob_fs_probability(const struct ob_fs_weights *w, double weight);

#endif
