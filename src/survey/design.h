/*
 * design.h - the sampling design of a survey: strata, clusters at one or
 * more stages (primary sampling units, PSUs, then secondary units, SSUs,
 * ...), weights and finite population corrections at every stage, and the
 * design-based variance of a linearised total.
 *
 * The design is the one R's survey package builds with
 *   svydesign(ids = ~psu + ssu, strata = ~s1 + s2, weights = ~w,
 *             fpc = ~f1 + f2, nest = TRUE)
 * Variance: Taylor linearisation, as survey's svyrecvar (Wolter 2007 §6.3;
 * Lumley 2010 §2.2; Särndal et al. 1992 §4.3). For the weighted,
 * linearised values z_i of an estimator, stage 1 gives
 *   V1 = sum_h (1 - f_h) n_h / (n_h - 1) sum_c (z_hc - zbar_h)^2
 * where z_hc is the total of z over PSU c of stratum h, n_h the PSUs of h
 * and f_h = n_h / N_h its sampling fraction (0 without an fpc: sampled
 * with replacement, the "ultimate cluster" estimator). Each later stage
 * adds the same sum over its units within each unit of the stage before,
 * times the sampling fractions of the strata above it:
 *   V = V1 + sum_c f_h(c) V2(c),  V2(c) = the stage-2 sum within PSU c
 *       (and so on: V2(c) itself adds f V3 within each SSU of c)
 * so a stage without an fpc (f = 0) ends the sum there: its term, with
 * replacement, stands for every stage below it. survey does the same: a
 * stage whose fpc is Inf has f = 0; with no fpc at any stage it takes the
 * first stage only. A stage sampled whole (f = 1) adds nothing of its own
 * and passes the next stage's term on whole.
 *
 * Nesting: a PSU is a (stratum, PSU code) pair, so the same code in two
 * strata names two PSUs (nest = TRUE). A later stage's strata lie within
 * the units of the stage before (without strata of its own, each unit of
 * the stage before is its stratum), and its units within its strata, as
 * survey always nests them: the same SSU code in two PSUs names two SSUs.
 * The caller gives codes already nested so (ob_svy_stage). Without
 * clusters every respondent is its own PSU; without strata there is one
 * stratum.
 *
 * Lonely units (a stratum of some stage with a single unit, whose
 * variance cannot be estimated): the rule is chosen when the design is
 * made, applies at every stage (survey.lonely.psu does the same), and the
 * estimates whose variance used it are flagged (estimate.h):
 *   fail    the design is refused, naming the stratum (first stage) or
 *           the line of the lonely unit (later stages)
 *   adjust  the lonely unit's total is taken as a deviation from 0, as
 *           survey.lonely.psu = "adjust" does (times 1 - f_h and the
 *           fractions above): conservative. observa's default.
 *   remove  the stratum adds nothing to its stage's term
 *           (survey.lonely.psu = "remove" or "certainty")
 * A stratum sampled whole (f_h = 1) adds nothing and is not lonely; nor
 * is one below a stage without an fpc, which adds nothing either (survey
 * would still refuse it under "fail").
 *
 * Degrees of freedom: first-stage PSUs minus first-stage strata (survey's
 * degf).
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

/* One stage of a design as ob_svy_design_init_stages() takes it. */
struct ob_svy_stage {
	const size_t *stratum;  /* [n] stratum codes in 0..nstrata-1, each within
	                         * one unit of the stage before; NULL: one
	                         * stratum (first stage) or each unit of the
	                         * stage before (later stages) */
	size_t nstrata;
	const size_t *unit;     /* [n] unit codes in 0..nunits-1, each within one
	                         * stratum; NULL: every respondent its own unit */
	size_t nunits;
	const double *fpc;      /* [n] the stratum's population size in units
	                         * (> 1, at least the units sampled) or sampling
	                         * fraction (in (0, 1]), the same within a
	                         * stratum; NULL: sampled with replacement */
	long col_fpc;           /* 1-based column of fpc, for messages (0: none) */
	long col_unit;          /* 1-based column of the units, for messages (0: none) */
};

/* A stage of a design as it keeps it. */
struct ob_svy_level {
	size_t nunits, nstrata;
	long col_unit;          /* as ob_svy_stage's */
	size_t *unit;           /* [n] unit of each respondent */
	size_t *unit_stratum;   /* [nunits] stratum of each unit */
	size_t *stratum_n;      /* [nstrata] units sampled in each stratum */
	double *stratum_f;      /* [nstrata] sampling fraction n_h / N_h; 0 without fpc */
	double *stratum_m;      /* [nstrata] what the stage's term of the stratum
	                         * is multiplied by: the product of the sampling
	                         * fractions of the strata above it (1 at stage 1) */
};

struct ob_svy_design {
	size_t n;               /* respondents */
	double *w;              /* [n] weights, > 0 */
	size_t nstages;         /* 0 for replicate designs */
	struct ob_svy_level *stage; /* [nstages]; stage[0] is the first */
	size_t used_stages;     /* stages with a term: those above the first
	                         * stage without an fpc, and it */
	size_t npsu;            /* stage[0].nunits */
	size_t nstrata;         /* stage[0].nstrata */
	size_t nlonely;         /* strata of a used stage with one unit (and f_h < 1) */
	unsigned char *lonely_row; /* [n] the respondent is in one of them (NULL: none) */
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

/*
 * The same with nstages stages (1 to OB_MAX_SURVEY_STAGES), stage[0] the
 * first (src->col_fpc is then unused: each stage names its column). Also
 * OB_EINVAL for a stratum of a later stage in two units of the stage
 * before, for an fpc that varies within a stratum of any stage or is below
 * its units sampled, and for a lonely unit of any stage under "fail".
 */
ob_err ob_svy_design_init_stages(struct ob_svy_design *ds, size_t n, const double *w,
                                 size_t nstages, const struct ob_svy_stage *stage,
                                 enum ob_svy_lonely lonely, const struct ob_svy_source *src,
                                 struct ob_diag *d);
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
	double *psu_total;   /* [most units of a stage] */
	double *stratum_sum; /* [most strata of a stage] */
};

void ob_svy_work_init(struct ob_svy_work *wk, const struct ob_svy_design *ds);
void ob_svy_work_release(struct ob_svy_work *wk);

/*
 * The design variance of sum_i z_i, where z holds the linearised, weighted
 * values of respondents rows[0..m) (z[k] belongs to rows[k]; rows NULL:
 * z[i] is respondent i and m = n). Respondents not listed count as 0, so a
 * domain's variance is taken on the whole design. *lonely_used (may be
 * NULL) is set when a respondent listed is in a lonely stratum of some
 * stage (its variance then rests on the lonely-PSU rule).
 */
double ob_svy_variance(const struct ob_svy_design *ds, struct ob_svy_work *wk,
                       const double *z, const size_t *rows, size_t m, bool *lonely_used);

#endif
