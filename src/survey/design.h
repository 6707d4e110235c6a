/*
 * design.h - the sampling design of a survey: strata, primary sampling
 * units (PSUs), weights and first-stage finite population corrections, and
 * the design-based variance of a linearised total.
 *
 * The design is the one R's survey package builds with
 *   svydesign(ids = ~psu, strata = ~stratum, weights = ~w, fpc = ~f, nest = TRUE)
 * Variance: Taylor linearisation with the first stage sampled with
 * replacement (the "ultimate cluster" estimator, Wolter 2007 §6.3; Lumley
 * 2010 §2.2; survey's svyrecvar with one stage): for the weighted,
 * linearised values z_i of an estimator,
 *   V = sum_h (1 - f_h) n_h / (n_h - 1) sum_c (z_hc - zbar_h)^2
 * where z_hc is the total of z over PSU c of stratum h, n_h the PSUs of h
 * and f_h = n_h / N_h its sampling fraction (0 without --fpc).
 *
 * PSUs are nested in strata: a PSU is a (stratum, PSU code) pair, so the
 * same code in two strata names two PSUs. Without clusters every
 * respondent is its own PSU; without strata there is one stratum.
 *
 * Lonely PSUs (a stratum with a single PSU, whose variance cannot be
 * estimated): the rule is chosen when the design is made, and the
 * estimates whose variance used it are flagged (estimate.h):
 *   fail    the design is refused, naming the stratum
 *   adjust  the lonely PSU's total is taken as a deviation from the
 *           population mean of PSU totals (0 for linearised means,
 *           ratios and proportions), as survey.lonely.psu = "adjust"
 *           does (times 1 - f_h): conservative. observa's default.
 *   remove  the stratum adds nothing to the variance
 *           (survey.lonely.psu = "remove" or "certainty")
 * A stratum sampled whole (f_h = 1) adds nothing and is not lonely.
 *
 * Degrees of freedom: PSUs minus strata (survey's degf).
 *
 * Replicate weights (ob_svy_design_init_rep): instead of strata and PSUs,
 * R columns of replicate weights w_ri (combined: they include the sampling
 * weight), as R's svrepdesign(combined.weights = TRUE). An estimator is
 * computed once with the weights w (theta) and once with each replicate
 * (theta_r); its variance is
 *   V = scale sum_r rscale_r (theta_r - c)^2
 * with c the mean of the theta_r (mse false, survey's default) or theta
 * (mse true). scale and rscale by type, as svrepdesign:
 *   brr        scale 1/R, rscale 1
 *   fay        scale 1/(R (1 - rho)^2), rscale 1 (rho in (0, 1) required)
 *   jk1        scale (R - 1)/R unless given, rscale 1 unless given
 *   jkn        scale 1 unless given; rscales required ((n_h - 1)/n_h of the
 *              stratum each replicate drops a PSU from)
 *   bootstrap  scale 1/(R - 1) unless given, rscale 1 unless given
 * Domains: theta_r is the domain's estimate with the replicate's weights
 * over the whole file (respondents outside count with weight 0), as
 * svyby and subset() do. Degrees of freedom: the rank of the n x R matrix
 * of replicate weights minus 1 (survey's degf). No lonely PSUs.
 *
 * Ownership: a design owns its arrays (ob_svy_design_release frees them);
 * it keeps no pointer to the caller's.
 */
#ifndef OB_SURVEY_DESIGN_H
#define OB_SURVEY_DESIGN_H

#include "base/common.h"

enum ob_svy_lonely {
	OB_SVY_LONELY_ADJUST,
	OB_SVY_LONELY_REMOVE,
	OB_SVY_LONELY_FAIL,
};

/* Name of a rule ("adjust", "remove", "fail"), and the rule of a name
 * (false when it is none of them). */
const char *ob_svy_lonely_name(enum ob_svy_lonely rule);
bool ob_svy_lonely_parse(const char *s, enum ob_svy_lonely *rule);

/* Where the design's values came from, for messages; every field may be
 * NULL or 0. line[i] is the line of respondent i. */
struct ob_svy_source {
	const char *file;
	const long *line;
	long col_weight, col_fpc; /* 1-based columns */
	const char *const *stratum_name; /* [nstrata]: how messages call a stratum */
	const long *col_rep;    /* [nrep]: 1-based column of each replicate, or NULL */
};

/* How replicate weights were made (svrepdesign's type); NONE: no replicates. */
enum ob_svy_rep {
	OB_SVY_REP_NONE,
	OB_SVY_REP_BRR,
	OB_SVY_REP_FAY,
	OB_SVY_REP_JK1,
	OB_SVY_REP_JKN,
	OB_SVY_REP_BOOTSTRAP,
};

/* Name of a type ("brr", "fay", "jk1", "jkn", "bootstrap"), and the type
 * of a name, case-insensitive (false when it is none of them). */
const char *ob_svy_rep_name(enum ob_svy_rep t);
bool ob_svy_rep_parse(const char *s, enum ob_svy_rep *t);

struct ob_svy_design {
	size_t n;               /* respondents */
	double *w;              /* [n] weights, > 0 */
	size_t *psu;            /* [n] PSU of each respondent */
	size_t npsu;
	size_t *psu_stratum;    /* [npsu] stratum of each PSU */
	size_t nstrata;
	size_t *stratum_npsu;   /* [nstrata] PSUs sampled in each stratum */
	double *stratum_f;      /* [nstrata] sampling fraction n_h / N_h; 0 without fpc */
	size_t nlonely;         /* strata with one PSU (and f_h < 1) */
	enum ob_svy_lonely lonely;
	bool clustered, stratified, has_fpc;
	double wsum;            /* sum of the weights */
	double df;              /* degrees of freedom: PSUs - strata (replicates: rank - 1) */
	/* replicate weights (rep != OB_SVY_REP_NONE); strata and PSUs then unused */
	enum ob_svy_rep rep;
	size_t nrep;            /* R */
	double *rw;             /* [nrep * n]: replicate r of respondent i is rw[r * n + i] */
	double scale;
	double *rscales;        /* [nrep] */
	double rho;             /* fay: the perturbation; else 0 */
	bool mse;               /* centre on theta instead of the mean of the theta_r */
};

/*
 * Make a design of n respondents (n >= 1) from their weights w[n] (each
 * finite and > 0), their stratum codes stratum[n] in 0..nstrata-1 (NULL:
 * one stratum), their PSU codes psu[n] in 0..npsu-1, each code in one
 * stratum only (NULL: every respondent its own PSU), and fpc[n] (NULL:
 * none): the population size of the stratum in PSUs (a value > 1, at least
 * the PSUs sampled) or its sampling fraction (a value in (0, 1]), the same
 * for every respondent of a stratum.
 *
 * Errors (d filled with file, line, column and value when src gives
 * them): OB_EINVAL for a weight or fpc out of range, an fpc that varies
 * within a stratum, a PSU in two strata, or a lonely PSU under the rule
 * "fail". On error *ds is left released.
 */
ob_err ob_svy_design_init(struct ob_svy_design *ds, size_t n, const double *w,
                          const size_t *stratum, size_t nstrata, const size_t *psu,
                          size_t npsu, const double *fpc, enum ob_svy_lonely lonely,
                          const struct ob_svy_source *src, struct ob_diag *d);
void ob_svy_design_release(struct ob_svy_design *ds);

/*
 * Make a design of n respondents (n >= 1) from their weights w[n] (each
 * finite and > 0) and nrep >= 2 replicate weights rw[nrep * n] (replicate r
 * of respondent i at rw[r * n + i], each finite and >= 0) of type t (not
 * NONE). rho: fay's, in (0, 1); NaN for the other types (else OB_EINVAL).
 * scale: > 0, or NaN for the type's default; brr and fay take none.
 * rscales: NULL for the default, or [nrep] values > 0; required by jkn.
 * mse: see above. Errors as ob_svy_design_init; on error *ds is released.
 */
ob_err ob_svy_design_init_rep(struct ob_svy_design *ds, size_t n, const double *w,
                              size_t nrep, const double *rw, enum ob_svy_rep t, double rho,
                              double scale, const double *rscales, bool mse,
                              const struct ob_svy_source *src, struct ob_diag *d);

/*
 * The replicate variance scale sum_r rscale_r (theta_r - c)^2 of an
 * estimate theta from its replicates theta[0..nrep) (NaN when one is).
 */
double ob_svy_rep_variance(const struct ob_svy_design *ds, double theta, const double *theta_r);

/* Scratch space for the variance: one per thread. */
struct ob_svy_work {
	double *psu_total;   /* [npsu] */
	double *stratum_sum; /* [nstrata] */
};

void ob_svy_work_init(struct ob_svy_work *wk, const struct ob_svy_design *ds);
void ob_svy_work_release(struct ob_svy_work *wk);

/*
 * The design variance of sum_i z_i, where z holds the linearised, weighted
 * values of respondents rows[0..m) (z[k] belongs to rows[k]; rows NULL:
 * z[i] is respondent i and m = n). Respondents not listed count as 0, so a
 * domain's variance is taken on the whole design. *lonely_used (may be
 * NULL) is set when a respondent listed is in a lonely stratum (its
 * variance then rests on the lonely-PSU rule).
 */
double ob_svy_variance(const struct ob_svy_design *ds, struct ob_svy_work *wk,
                       const double *z, const size_t *rows, size_t m, bool *lonely_used);

#endif
