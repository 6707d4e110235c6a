/*
 * spatial.h - hot spots and spatial autocorrelation of a variable observed
 * on areas: Getis-Ord local Gi and Gi*, local Moran's I (LISA) and global
 * Moran's I, following spdep 1.2-7 (localG, localmoran, moran.test).
 *
 * x[i] is the value of area i (typically a rate per 100,000), finite. The
 * neighbours come from an ob_nb (stats/nb.h); the spatial weights are
 *   OB_WEIGHTS_B  binary: w_ij = 1 for each neighbour
 *   OB_WEIGHTS_W  row-standardised: w_ij = 1 / (number of neighbours of i)
 * (spdep's nb2listw styles "B" and "W"). Gi* includes each area in its own
 * neighbourhood before the weights are made (spdep's include.self).
 *
 * Formulas, for n areas, W_i = sum_j w_ij, S1_i = sum_j w_ij^2:
 *   Gi*: xbar = mean(x), s^2 = sum (x - xbar)^2 / n,
 *        z_i = (sum_j w_ij x_j - W_i xbar) / sqrt(s^2 (n S1_i - W_i^2)/(n - 1))
 *        G_i = sum_j w_ij x_j / sum x, E(G_i) = W_i / n,
 *        V(G_i) = s^2 (n S1_i - W_i^2) / (n - 1) / (sum x)^2
 *   Gi:  the same with x_i left out: xbar_i and s_i^2 over the other n - 1
 *        values, (n - 1) S1_i and n - 2 in place of n S1_i and n - 1, and
 *        sum x - x_i in place of sum x.
 *   Local Moran (z = x - mean(x), m2 = sum z^2 / n, lz_i = sum_j w_ij z_j):
 *        I_i = z_i lz_i / m2;
 *        conditional (spdep default, Sokal et al. 1998):
 *          E = -z_i^2 W_i / ((n - 1) m2),
 *          Var = (z_i/m2)^2 n/(n - 2) (S1_i - W_i^2/(n - 1)) (m2 - z_i^2/(n - 1))
 *        total randomisation (Anselin 1995), b2 = (sum z^4 / n) / m2^2:
 *          E = -W_i/(n - 1),
 *          Var = (n - b2)/(n - 1) S1_i + (2 b2 - n)/((n - 1)(n - 2)) (W_i^2 - S1_i)
 *                - W_i^2/(n - 1)^2
 *        quadrant by the means: x_i against mean(x) and the spatial lag
 *        sum_j w_ij x_j against the mean of the lags (spdep's "mean").
 *   Global Moran (moran.test, n' = n minus the islands, spdep's adjust.n):
 *        I = n'/S0 sum_i z_i lz_i / sum z^2, E(I) = -1/(n' - 1), variance
 *        under randomisation (with the kurtosis K = n sum z^4 / (sum z^2)^2)
 *        or normality; S0, S1, S2 the usual weight constants.
 * z-values come with normal p-values: two-sided for the local statistics,
 * upper tail ("greater") for global Moran.
 *
 * Where spdep gives NaN (0/0: Gi and local Moran of an island, a variable
 * with no variation), the statistic is flagged undefined, its z is 0 and its
 * p-value 1; G, E(G), V(G), I_i and the moments keep spdep's values (0 for
 * an island). Nothing written is NaN.
 *
 * A variable with no variation (every value equal; mean(x) then equals each
 * value and sum z^2 = 0) makes Moran's I 0/0, global and local: I and I_i
 * hold 0 flagged OB_SPATIAL_CONSTANT and OB_SPATIAL_NO_STATISTIC, with z
 * undefined. E(I) = -1/(n' - 1) does not depend on the values and stays
 * defined, as does the variance under normality; the variance under
 * randomisation (it divides by the kurtosis's sum z^2) and the conditional
 * local moments are 0/0, flagged OB_SPATIAL_NO_VARIANCE and
 * OB_SPATIAL_NO_MEAN. A field so flagged holds 0 and must not be shown.
 */
#ifndef OB_STATS_SPATIAL_H
#define OB_STATS_SPATIAL_H

#include "base/common.h"
#include "stats/nb.h"

enum ob_weights_style {
	OB_WEIGHTS_B, /* binary */
	OB_WEIGHTS_W, /* row-standardised */
};

enum ob_spatial_flag {
	OB_SPATIAL_ISLAND = 1u << 0,       /* no neighbours (Gi*: only itself) */
	OB_SPATIAL_UNDEFINED = 1u << 1,    /* z is 0/0: z = 0, p = 1 */
	OB_SPATIAL_CONSTANT = 1u << 2,     /* the values do not vary */
	OB_SPATIAL_NO_STATISTIC = 1u << 3, /* I (I_i) is undefined: holds 0 */
	OB_SPATIAL_NO_MEAN = 1u << 4,      /* E(I) (E(I_i)) is undefined: holds 0 */
	OB_SPATIAL_NO_VARIANCE = 1u << 5,  /* Var(I) (Var(I_i)) is undefined: holds 0 */
};

struct ob_local_g {
	double g, eg, vg; /* G_i, E(G_i), V(G_i) */
	double z, p;      /* z-value, two-sided normal p */
	unsigned flags;   /* enum ob_spatial_flag */
};

/*
 * Gi (star = false) or Gi* (star = true) of each of the nb->n areas into
 * out[0..n-1]. n >= 3. OB_EINVAL for non-finite x or n < 3.
 */
ob_err ob_local_g(const double *x, const struct ob_nb *nb, bool star,
                  enum ob_weights_style style, struct ob_local_g *out);

enum ob_quadrant {
	OB_QUADRANT_LOW_LOW,   /* "Low-Low": value and lag below their means */
	OB_QUADRANT_HIGH_LOW,  /* "High-Low": value above, lag below */
	OB_QUADRANT_LOW_HIGH,  /* "Low-High" */
	OB_QUADRANT_HIGH_HIGH, /* "High-High" */
};

/* spdep's label: "Low-Low", "High-Low", "Low-High", "High-High". */
const char *ob_quadrant_name(enum ob_quadrant q);

struct ob_local_moran {
	double ii, e_ii, var_ii;
	double z, p;            /* z-value, two-sided normal p */
	enum ob_quadrant quadrant;
	unsigned flags;         /* enum ob_spatial_flag */
};

/*
 * Local Moran's I of each area; conditional selects the conditional
 * (spdep's default) or the total randomisation moments. n >= 3.
 */
ob_err ob_local_moran(const double *x, const struct ob_nb *nb, enum ob_weights_style style,
                      bool conditional, struct ob_local_moran *out);

struct ob_moran {
	double i, e_i, var_i;
	double z, p_greater; /* z-value and upper-tail p */
	size_t n_used;       /* areas with neighbours (n') */
	unsigned flags;      /* enum ob_spatial_flag */
};

/*
 * Global Moran's I under randomisation (true) or normality (false).
 * Undefined, flagged: everything when fewer than 2 areas have neighbours
 * (no links: I = n'/S0 ... is 0/0); I and z with no variation (see above);
 * the variance under randomisation with no variation or n' < 4 (it divides
 * by (n' - 1)(n' - 2)(n' - 3)); z whenever I or the variance is, or the
 * variance is not positive.
 */
ob_err ob_moran(const double *x, const struct ob_nb *nb, enum ob_weights_style style,
                bool randomisation, struct ob_moran *out);

#endif
