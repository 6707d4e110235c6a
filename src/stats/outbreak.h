/*
 * outbreak.h - is this period's count beyond what the series leads one to
 * expect? Detectors for early warning, each matching a trusted
 * implementation (R's surveillance package 1.20.3; reference values in
 * tests/data/reference/outbreak).
 *
 * Series are counts per period (months: freq = 12), oldest first, as
 * doubles; NAN marks a period with no data (not delivered: never a zero).
 * Each detector judges one period k (0-based) from the periods before it.
 *
 * Farrington, flexible (surveillance::farringtonFlexible, the improved
 * method of Noufaily et al. 2013 with no_periods > 1):
 *   - baseline: the periods within w of the same period 1..b years back
 *     (and, with no_periods > 1, every period between those windows, in
 *     no_periods - 1 seasonal blocks plus the windows' own level, blocks
 *     laid out exactly as R's blocks() does); the last past_excluded + 1
 *     periods up to k are left out; periods without data are dropped;
 *   - a quasi-Poisson log-linear model, count ~ 1 + t (+ block), fitted
 *     by iteratively reweighted least squares as R's glm.fit does (start
 *     y + 0.1, stop when the deviance changes by less than 1e-8 of itself,
 *     at most 25 iterations); when it does not converge with the trend it
 *     is fitted without; none converging: no result (computed false);
 *   - dispersion phi = max(1, Pearson chi2 / df); with reweight, past
 *     outbreaks are down-weighted: Anscombe residuals s above
 *     weights_threshold get weight gamma s^-2, the others gamma, gamma
 *     making the weights sum to the number of periods, and the model is
 *     fitted again;
 *   - the trend is kept only when its coefficient's two-sided t-test p is
 *     below p_trend, b >= 3 and the prediction at k does not exceed the
 *     largest baseline count; otherwise the model is fitted again without;
 *   - threshold (R's "delta" method): mu0 the prediction at k, its
 *     standard error se (the estimated dispersion, not phi), tau = phi +
 *     se^2 / mu0; on the power scale 2/3 (or 1/2, or 1):
 *       upper = (mu0^e + z(1 - alpha) sqrt(v))^(1/e),
 *       v = 4/9 mu0^(1/3) tau (e = 2/3), tau / 4 (e = 1/2), mu0 tau (e = 1);
 *     score = (y - mu0) / (upper - mu0); p = P(N(mu0^e, sqrt(v)) > y^e);
 *   - an alarm needs score > 1, y > 0 and at least limit_cases cases in
 *     the last limit_periods periods up to k (a period without data among
 *     them: no alarm, and no upper bound, as R gives NA).
 *
 * EARS C1, C2, C3 (surveillance::earsC), for short series: the mean and
 * standard deviation (n - 1) of the `baseline` periods before k (C1) or
 * before k - 2 (C2); sigma = max(sd, min_sigma); upper = mean + z(1 -
 * alpha) sigma. C3 sums the C2 statistics of k - 2 and k - 1 above 1:
 * upper = y_k + sigma_k (z(1 - alpha) - sum max(0, C2_i - 1)), not below
 * 0. Alarm: y > upper. C3 with a zero sigma has no result (R: NaN).
 *
 * Poisson CUSUM (cusum.c), for persistent small shifts (Lucas 1985;
 * statistic as surveillance::algo.cusum with trans = "none", run length as
 * surveillance::arlCusum):
 *   - reference: m0, the mean of the `baseline` periods with data before
 *     the first monitored period (at least 3 of them with data, m0 > 0);
 *   - k, for a shift of `shift` standard deviations (m1 = m0 + shift
 *     sqrt(m0)): k = (m1 - m0) / (ln m1 - ln m0), rounded to one decimal
 *     and moved off .0 and .5 as surveillance::findK(roundK = TRUE) does,
 *     so that k is a multiple of 1/d, d = 5 or 10;
 *   - h: the smallest multiple of 1/d whose in-control average run length
 *     (the mean number of periods to a false alarm when the counts are
 *     Poisson with mean m0) is at least arl0. The run length is exact for
 *     counts on the grid of 1/d: the CUSUM's values 0, 1/d, ..., h - 1/d
 *     are the states of a Markov chain (Brook & Evans 1972), ARL = the
 *     first element of (I - R)^-1 1, R the transitions between them; the
 *     false-alarm probability per period is about 1 / arl0;
 *   - S_t = max(0, S_{t-1} + y_t - k), S = 0 before the first monitored
 *     period; an alarm when S_t >= h and there are at least limit_cases
 *     cases in the last limit_periods periods, all with data (as
 *     Farrington); after an alarm the statistic restarts at 0. A period
 *     without data is not tested and leaves S as it was;
 *   - upper: the smallest count that would alarm at t, ceil(h + k -
 *     S_{t-1}); run: the periods with data in a row up to t with S > 0.
 *
 * Pure computation on caller-owned memory; nothing is kept between calls.
 * Errors: OB_EINVAL (k too early for the method, a bad option, a negative
 * count), OB_ETOOBIG (a baseline larger than OB_MAX_OUTBREAK_BASELINE, a
 * run-length chain larger than OB_MAX_CUSUM_STATES).
 */
#ifndef OB_STATS_OUTBREAK_H
#define OB_STATS_OUTBREAK_H

#include "base/common.h"
#include "base/limits.h"

enum ob_power {
	OB_POWER_2_3 = 0, /* R's powertrans = "2/3", the default */
	OB_POWER_1_2,
	OB_POWER_NONE,
};

struct ob_farrington_options {
	int freq;              /* periods per year (12) */
	int b;                 /* years back (5) */
	int w;                 /* half-width of the windows (3) */
	bool reweight;         /* down-weight past outbreaks (true) */
	double weights_threshold; /* Anscombe residual above which (2.58) */
	double alpha;          /* one-sided level of the upper bound (0.05) */
	bool trend;            /* try a linear trend (true) */
	double p_trend;        /* keep it when its p is below (0.05) */
	int limit_cases, limit_periods; /* 5 cases in 4 periods */
	enum ob_power power;   /* OB_POWER_2_3 */
	int no_periods;        /* 1: windows only (original); 10: improved */
	int past_excluded;     /* periods before k left out (-1: w) */
};

/* The defaults above (R's farringtonFlexible). */
void ob_farrington_defaults(struct ob_farrington_options *o);

struct ob_farrington_result {
	bool computed;     /* a model converged */
	bool tested;       /* y[k] has data: score and p are set */
	bool enough_cases; /* limit_cases in limit_periods (with data) */
	bool alarm;
	double expected;   /* mu0: the model's prediction at k */
	double upper;      /* the upper bound (enough_cases) */
	double score, p;   /* (tested) */
	double phi;        /* max(1, dispersion) of the final model */
	bool trend;        /* the final model has the trend */
	double trend_coef; /* its coefficient per period (trend) */
	size_t n_baseline; /* periods the model was fitted on */
};

/* The first k a series can be judged at: freq b + w. */
size_t ob_farrington_first(const struct ob_farrington_options *o);

ob_err ob_farrington(const double *y, size_t n, size_t k, const struct ob_farrington_options *o,
                     struct ob_farrington_result *r);

enum ob_ears_method { OB_EARS_C1 = 0, OB_EARS_C2, OB_EARS_C3 };

struct ob_ears_result {
	bool computed;     /* false: C3 with a zero sigma (or no data in the baseline) */
	bool alarm;
	double upper;
	double mean, sigma; /* of the baseline of k */
};

/* The first k: baseline (C1), baseline + 2 (C2), baseline + 4 (C3). */
size_t ob_ears_first(enum ob_ears_method m, int baseline);

/* alpha <= 0: R's default, 0.001 for C1 and C2, 0.025 for C3. A period
 * without data in the baseline: not computed. */
ob_err ob_ears(const double *y, size_t n, size_t k, enum ob_ears_method m, int baseline,
               double min_sigma, double alpha, struct ob_ears_result *r);

struct ob_cusum_options {
	double shift;  /* the shift to detect, in standard deviations (1) */
	double arl0;   /* in-control average run length, periods (120) */
	int baseline;  /* periods before the first monitored one (36) */
	int limit_cases, limit_periods; /* 5 cases in 4 periods */
};

/* The defaults above. */
void ob_cusum_defaults(struct ob_cusum_options *o);

/* Lucas' reference value for m0 > 0 and a shift > 0, on the grid (k = K /
 * *den). */
ob_err ob_cusum_k(double m0, double shift, double *k, int *den);

/* The average run length of the CUSUM with h and k (multiples of 1/den)
 * when the counts are Poisson(theta). */
ob_err ob_cusum_arl(double h, double k, int den, double theta, double *arl);

/* The smallest h (a multiple of 1/den) with an ARL at least arl0, and its
 * ARL. */
ob_err ob_cusum_h(double k, int den, double theta, double arl0, double *h, double *arl);

/*
 * A memory of decision intervals for judging many series: each h found for
 * a (k, den, theta, arl0) is kept, and a search starts at the last h found
 * with the same k and den (the nearest k's without one). Allocate it zeroed
 * (ob_calloc); it holds no pointers. One per thread.
 *
 * bracket (set by the caller, false when zeroed): the run length falls as
 * theta grows (a larger mean makes the statistic stochastically larger),
 * so h grows with theta for a given k, den and arl0; when two references
 * already found, one at or below theta and one at or above it, have the
 * same h, that h is theta's, exactly, without solving a chain. Its ARL is
 * then not computed: *arl (and a plan's arl) is NAN.
 */
struct ob_cusum_cache {
	bool bracket;
	size_t n_known, bracketed; /* references kept; answers from two of them */
	struct ob_cusum_known {
		long kn, hn;
		int den;
		double arl0, theta;
	} known[OB_CUSUM_CACHE_SLOTS]; /* sorted by kn, den, arl0, theta */
	struct ob_cusum_memo {
		bool used;
		long kn, hn;
		int den;
		double theta, arl0, arl;
	} memo[OB_CUSUM_CACHE_SLOTS];
	struct ob_cusum_hint {
		long kn, hn;
		int den;
	} hint[OB_CUSUM_CACHE_SLOTS];
	size_t hits, misses; /* of memo */
};

/* ob_cusum_h through cache (NULL: ob_cusum_h); the same h and ARL (the
 * ARL NAN when the cache's bracket gave h). */
ob_err ob_cusum_h_cached(double k, int den, double theta, double arl0,
                         struct ob_cusum_cache *cache, double *h, double *arl);

struct ob_cusum_plan {
	bool computed;     /* enough baseline with data and m0 > 0 */
	double m0, k, h, arl; /* the reference, k, h and h's ARL */
	size_t n_baseline; /* baseline periods with data */
};

struct ob_cusum_result {
	bool tested;  /* the period has data */
	bool alarm;
	double stat;  /* S_t (before a restart) */
	double upper; /* the smallest count that alarms */
	int run;      /* periods in a row with S > 0 */
};

/* The CUSUM over periods start..end (inclusive) of y[0..n), start >=
 * baseline: plan and r[0..end - start]. Not computed: every r zeroed. */
ob_err ob_cusum(const double *y, size_t n, size_t start, size_t end,
                const struct ob_cusum_options *o, struct ob_cusum_plan *plan,
                struct ob_cusum_result *r);
/*
 * Could the CUSUM over start..end alarm at end? Decided without h, for
 * judging many series: false when end lacks limit_cases cases in its last
 * limit_periods periods, or when the statistic without restarts (never
 * below the one with them) stays under a lower bound of h: from any state
 * one step alarms with probability at least P(X >= h + k), X ~ Poisson(m0),
 * so the run length is at most its inverse, and an h with P(X >= h + k) >
 * 1 / arl0 is too short. When false, ob_cusum's r[end - start].alarm is
 * false; when true it may be either. Invalid arguments: true.
 */
bool ob_cusum_may_alarm(const double *y, size_t n, size_t start, size_t end,
                        const struct ob_cusum_options *o);
/* ob_cusum with h through cache (NULL: none); the same answers. */
ob_err ob_cusum_cached(const double *y, size_t n, size_t start, size_t end,
                       const struct ob_cusum_options *o, struct ob_cusum_cache *cache,
                       struct ob_cusum_plan *plan, struct ob_cusum_result *r);

#endif
