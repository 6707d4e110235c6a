/*
 * estimate.h - design-based estimates of a survey: totals, means,
 * proportions and ratios, each with its Taylor-linearised standard error,
 * confidence interval, design effect, coefficient of variation and flags,
 * for the whole population or for a domain (subpopulation).
 *
 * The formulas are those of R's survey package (Lumley 2004, 2010), with
 * which tests/unit/survey/ checks every figure to 1e-9 relative:
 *   total     Y = sum w y                       z = w y
 *   mean      ybar = Y / W, W = sum w            z = w (y - ybar) / W
 *   ratio     R = Y / X                          z = w (y - R x) / X
 *   proportion of a 0/1 variable: its mean
 * and V = ob_svy_variance(z) (design.h). Domains are estimated on the
 * whole design, not by cutting the file: respondents outside the domain
 * count with y = 0 and weight 0 in their PSUs, which stay in the variance
 * (Cochran 1977 §2.13; survey's subset() and svyby()). A respondent with
 * no value (y or x NaN) is left out of the domain, as survey does with
 * na.rm = TRUE.
 *
 * With replicate weights (design.h) V is the replicate variance of the
 * same estimator computed with each replicate's weights over the domain.
 *
 * Design effect (Kish), linearised designs only (NaN with replicates): V over the variance under simple random sampling
 * without replacement of the same n from a population of W, as survey's
 * deff = TRUE: for a mean s2 / n (1 - n / W), for a total W^2 s2 / n (1 -
 * n / W), s2 = n / (n - 1) sum w (y - ybar)^2 / W. None for ratios.
 *
 * Intervals at level 1 - a, with q the 1 - a/2 quantile of Student's t
 * with the design's degrees of freedom (or of the normal):
 *   wald    estimate +- q se (survey's confint; svyciprop "mean")
 *   logit   expit(logit p +- q se / (p (1 - p))) (svyciprop "logit" and
 *           "xlogit": the two agree for a proportion), the default for
 *           proportions: it stays inside (0, 1)
 *   beta    Korn and Graubard (1998): Clopper-Pearson with the effective
 *           sample size n* = p (1 - p) / V (t_{n-1} / t_df)^2, svyciprop "beta"
 *   asin    sin^2(asin sqrt p +- q se / (2 sqrt(p (1 - p)))), svyciprop
 *           "asin", its limits kept inside [0, 1]
 *   likelihood  svyciprop "likelihood": the proportions pi whose binomial
 *           deviance, scaled by the dispersion and the design effect as a
 *           Rao-Scott chi-squared, stays within q^2 (the 1 - a quantile of
 *           F(1, df), or of chi-squared(1) with the normal):
 *             D(pi) = 2 n [p log(p / pi) + (1 - p) log((1 - p) / (1 - pi))]
 *             D(pi) / (phi d) <= q^2,  phi = n / (n - 1),
 *             d = V n / (p (1 - p))
 *           with n the respondents (svyglm's weights, scaled to a mean of
 *           1 over them), phi the quasi-binomial dispersion and d the
 *           design effect of the log-odds (V / (p (1 - p))^2 over the
 *           binomial 1 / (n p (1 - p))). survey finds the two limits by
 *           profiling the deviance on a grid and interpolating a spline;
 *           here they are the exact roots (bisection), which differ from
 *           survey's by that interpolation error (tests/data/survey).
 *           With replicate weights V is the replicates' variance (survey
 *           4.1-1 gives no likelihood interval there: NA).
 *   wilson  Wilson's score interval with the effective sample size
 *           n* = p (1 - p) / V, as survey practice uses it (Kott and Carr
 *           1997; Franco et al. 2019; svyciprop has none):
 *             centre = (p + q^2 / (2 n*)) / (1 + q^2 / n*)
 *             half   = q / (1 + q^2 / n*) sqrt(p (1 - p) / n* + q^2 / (4 n*^2))
 *           with the normal quantile it is R's prop.test(x = p n*, n = n*,
 *           correct = FALSE). Where n* is undefined (p of 0 or 1, or
 *           V = 0) the respondents n stand for it, the binomial interval of
 *           n: a proportion of 0 gets [0, q^2 / (n + q^2)], not nothing.
 *           n* is not capped at n (as svyciprop's beta does not cap it).
 * logit, beta, asin, likelihood and wilson apply to proportions; totals,
 * means and ratios always take wald.
 *
 * Undefined values are NaN, and a flag says why; nothing undefined is
 * ever written as a number.
 */
#ifndef OB_SURVEY_ESTIMATE_H
#define OB_SURVEY_ESTIMATE_H

#include "survey/design.h"

enum ob_svy_estimator {
	OB_SVY_TOTAL,
	OB_SVY_MEAN,
	OB_SVY_PROP,
	OB_SVY_RATIO,
	OB_SVY_QUANTILE,  /* ob_svy_quantile() */
};

enum ob_svy_ci {
	OB_SVY_CI_WALD,
	OB_SVY_CI_LOGIT,
	OB_SVY_CI_BETA,
	OB_SVY_CI_ASIN,
	OB_SVY_CI_LIKELIHOOD,
	OB_SVY_CI_WILSON,
	OB_SVY_CI_WOODRUFF,  /* of quantiles only; not a --prop-ci */
};

const char *ob_svy_estimator_name(enum ob_svy_estimator k); /* total, mean, prop, ratio, quantile */
const char *ob_svy_ci_name(enum ob_svy_ci m);               /* wald, logit, beta, asin, likelihood, wilson, woodruff */
bool ob_svy_ci_parse(const char *s, enum ob_svy_ci *m);

enum ob_svy_flag {
	OB_SVY_NO_CASES = 1u << 0,    /* no respondent of the domain has a value: no estimate */
	OB_SVY_HIGH_CV = 1u << 1,     /* CV above opts.max_cv (or undefined) */
	OB_SVY_FEW_CASES = 1u << 2,   /* fewer than opts.min_n respondents */
	OB_SVY_LONELY_PSU = 1u << 3,  /* the variance used the lonely-PSU rule */
	OB_SVY_NO_INTERVAL = 1u << 4, /* the interval is undefined: no degrees of
	                                 freedom, no variance, or a proportion of 0 or 1
	                                 on the logit, beta, asin or likelihood scale */
	OB_SVY_MISSING = 1u << 5,     /* respondents of the domain without a value were left out */
	OB_SVY_ZERO_DENOMINATOR = 1u << 6, /* a ratio whose denominator totals 0 */
};

/* Default flag thresholds (ob_svy_opts_init): a CV above 30 % and fewer
 * than 30 respondents, the thresholds most national statistics offices
 * publish with (e.g. NCHS, INEC Costa Rica). */
#define OB_SURVEY_DEFAULT_MAX_CV 0.30
#define OB_SURVEY_DEFAULT_MIN_N 30

struct ob_svy_opts {
	double level;          /* of the intervals, in (0, 1): 0.95 */
	bool normal;           /* normal quantile instead of t(df) */
	enum ob_svy_ci prop_ci;/* interval of proportions */
	enum ob_svy_ci quantile_ci; /* interval of F(q) for quantiles: wald (Woodruff's,
	                             * the default), logit, beta or asin */
	double max_cv;         /* flag above this CV (0.3) */
	size_t min_n;          /* flag below this many respondents (30) */
};

void ob_svy_opts_init(struct ob_svy_opts *o);

struct ob_svy_est {
	double estimate, se;
	double lower, upper;
	enum ob_svy_ci ci;     /* the method of the interval */
	double deff;           /* NaN for ratios, or n < 2, or W <= n */
	double cv;             /* se / |estimate|; NaN when the estimate is 0 */
	double df;             /* degrees of freedom of the interval (Inf: normal) */
	size_t n;              /* respondents used */
	size_t n_missing;      /* respondents of the domain without a value */
	double wsum;           /* their weights: the domain's estimated size */
	unsigned flags;        /* enum ob_svy_flag */
};

struct ob_svy_qpoint;

/* Scratch space, for one thread at a time. */
struct ob_svy_scratch {
	struct ob_svy_work wk;
	double *z;
	size_t *idx;
	double *theta;  /* [nrep]: the replicates' estimates */
	double *u;      /* [n]: the indicator of a quantile's interval */
	struct ob_svy_qpoint *q; /* [n]: a quantile's values in order */
};

void ob_svy_scratch_init(struct ob_svy_scratch *s, const struct ob_svy_design *ds);
void ob_svy_scratch_release(struct ob_svy_scratch *s);

/*
 * Estimate k of y[n] (x[n], the denominator, for OB_SVY_RATIO; else NULL)
 * over the domain rows[0..m) (respondent numbers, ascending or not; NULL:
 * everyone). y and x hold NaN where a respondent has no value; for
 * OB_SVY_PROP y must hold 0 or 1 (else OB_EINVAL). Fills *e; never fails
 * for lack of data (flags say what is undefined).
 */
ob_err ob_svy_estimate(const struct ob_svy_design *ds, struct ob_svy_scratch *s,
                       enum ob_svy_estimator k, const double *y, const double *x,
                       const size_t *rows, size_t m, const struct ob_svy_opts *o,
                       struct ob_svy_est *e);

/*
 * Quantile p of y over the domain rows[0..m) (NULL: everyone), as survey's
 * svyquantile (4.1) with its defaults, qrule "math" and interval.type
 * "mean":
 *   estimate  the smallest value y_(j) of the domain, in order, whose
 *             cumulated weight reaches p W: F(y_(j)) >= p, with F the
 *             weighted distribution function of the domain (its inverse,
 *             Hyndman and Fan's type 1 with weights);
 *   interval  Woodruff (1952): the proportion F(q) of the domain at or
 *             below the estimate q, its standard error se_F (linearised
 *             or from the replicates, as any proportion) and its Wald
 *             interval F(q) +- t se_F, taken back through the same
 *             inverse: [Q(F(q) - t se_F), Q(F(q) + t se_F)], where Q(a)
 *             is the smallest value whose F reaches a; a limit of F below
 *             0 or above 1 leaves that end undefined (OB_SVY_NO_INTERVAL,
 *             and no se), and for an a (or a p) below the smallest
 *             value's F, survey's rule gives the second smallest value,
 *             kept here;
 *             With o->quantile_ci other than wald, F(q)'s interval is
 *             that method's (svyquantile's interval.type "xlogit", "beta"
 *             or "asin", as svyciprop's; asin's limits are sin^2 of its
 *             own, unclamped, as svyquantile takes them), taken back the
 *             same way; e->ci is then that method (else woodruff);
 *   se        the interval's width over 2 t, as survey reports it.
 * t is the quantile of the interval (o->level, o->normal); its degrees of
 * freedom are the whole design's, as for every other domain estimate
 * (survey's default for a subset would be the domain's own). The cv is
 * se / |q|; there is no design effect. A respondent whose y is NaN is
 * left out (OB_SVY_MISSING). p must be in (0, 1), else OB_EINVAL; a
 * domain without values is OB_SVY_NO_CASES, with no number. A quantile_ci
 * other than wald, logit, beta or asin is OB_EINVAL.
 */
/* A value of a quantile's domain with its weight and respondent, sorted
 * by value and then by respondent (s->q). */
struct ob_svy_qpoint {
	double y, w;
	size_t i;
};

ob_err ob_svy_quantile(const struct ob_svy_design *ds, struct ob_svy_scratch *s, const double *y,
                       double p, const size_t *rows, size_t m, const struct ob_svy_opts *o,
                       struct ob_svy_est *e);

#endif
