/*
 * eb.h - empirical-Bayes smoothed rates for small areas (Marshall 1991),
 * global and local, following spdep's EBest and EBlocal.
 *
 * Rates are cases per person (multiply by 1e5 for a rate per 100,000).
 * For area i with count y_i and population x_i, the raw rate is
 * p_i = y_i / x_i. All outputs go to caller-owned arrays of n elements; an
 * output pointer documented as optional may be NULL.
 *
 * Global (ob_eb_global, spdep::EBest, method of moments), over the areas
 * with x_i > 0, m of them:
 *     b  = sum y / sum x                        prior mean
 *     s2 = sum x_i (p_i - b)^2 / sum x          weighted variance of the rates
 *   Poisson family (Marshall's Poisson-gamma model):
 *     a  = max(0, s2 - b / (sum x / m))         prior variance
 *     est_i = b + (p_i - b) a / (a + b / x_i)
 *   Binomial family (Martuzzi & Elliott 1996, beta-binomial):
 *     rho = max(0, (s2 / (b (1 - b)) - 1/nbar) / (1 - 1/nbar)), nbar = sum x / m
 *     est_i = b + (p_i - b) x_i rho / (x_i rho + 1 - rho)
 *   (spdep reports s2 as the binomial family's "a".)
 *
 * Local (ob_eb_local, spdep::EBlocal): the same shrinkage towards a local
 * mean, over the neighbourhood N_i = i and its neighbours (binary weights):
 *     m_i    = sum_{N_i} y_j / sum_{N_i} x_j     local prior mean
 *     nbar_i = sum_{N_i} x_j / |N_i|
 *     C_i    = sum_{N_i} x_j (p_j - m_j)^2       OB_EB_LOCAL_SPDEP (default:
 *              each neighbour's own local mean, spdep's geoda = FALSE)
 *            = sum_{N_i} x_j (p_j - m_i)^2       OB_EB_LOCAL_GEODA (GeoDa,
 *              spdep's geoda = TRUE)
 *     a_i    = max(0, C_i / sum_{N_i} x_j - m_i / nbar_i)
 *     est_i  = m_i + (p_i - m_i) a_i / (a_i + m_i / x_i)
 *
 * observa gives spdep's value wherever spdep gives a number, and a flagged
 * substitute only where it does not:
 * - A population of 0 makes p_i undefined (EBest and EBlocal stop with
 *   an error). Such areas take no part in any sum, mean or count above
 *   (they have no count either: a count > 0 with no population is
 *   refused), so every other area gets what spdep gives on the areas with
 *   population and the neighbour list restricted to them. Their own
 *   estimate is the limit of est_i as x_i -> 0: the prior mean (b globally,
 *   m_i locally: the neighbours' mean), flagged OB_EB_NO_POPULATION.
 * - est_i is 0/0 in spdep when m_i = 0 and a_i = 0: a neighbourhood without
 *   a single case whose variation term is 0 too (always with the GeoDa
 *   variant; with spdep's when the neighbours' own local means are 0; an
 *   island without cases). observa gives the area the global Poisson
 *   estimate, flagged OB_EB_GLOBAL_FALLBACK; so does an area whose whole
 *   neighbourhood has population 0. With m_i = 0 < a_i spdep's estimate is
 *   0 (the area's own rate), and so is observa's: no flag.
 * - An island (no neighbour with population: no neighbours at all, or only
 *   neighbours of population 0) is flagged OB_EB_ISLAND. Its neighbourhood
 *   is itself, so a_i = 0 and spdep, and observa, give its raw rate: it is
 *   not smoothed. Without cases it is 0/0 and takes the global estimate
 *   (OB_EB_GLOBAL_FALLBACK too).
 * - a = 0 (or a_i = 0) with m_i > 0 means no extra variation: the estimate
 *   is the prior mean, exactly as in spdep.
 * a_i and m_i are reported as computed (0 when the neighbourhood has no
 * population), whatever estimate was used.
 */
#ifndef OB_STATS_EB_H
#define OB_STATS_EB_H

#include "base/common.h"
#include "stats/nb.h"

enum ob_eb_family {
	OB_EB_POISSON,  /* spdep EBest(family = "poisson"), the default */
	OB_EB_BINOMIAL, /* spdep EBest(family = "binomial"); counts <= populations */
};

enum ob_eb_local_variant {
	OB_EB_LOCAL_SPDEP, /* spdep EBlocal(geoda = FALSE), the default */
	OB_EB_LOCAL_GEODA, /* spdep EBlocal(geoda = TRUE) */
};

enum ob_eb_flag {
	OB_EB_NO_POPULATION = 1u << 0,   /* x_i = 0: estimate is the prior mean */
	OB_EB_ISLAND = 1u << 1,          /* no neighbour with population: not
	                                  * smoothed (raw rate) */
	OB_EB_GLOBAL_FALLBACK = 1u << 2, /* spdep's 0/0: the global estimate */
};

struct ob_eb_global {
	double b;    /* prior mean */
	double s2;   /* population-weighted variance of the raw rates */
	double a;    /* Poisson prior variance (0 for the binomial family) */
	double rho;  /* binomial intra-area correlation (0 for Poisson) */
	size_t used; /* areas with population > 0 */
};

/*
 * Global EB estimates of n areas. count[i] and pop[i] finite and >= 0, a
 * count > 0 needs a population > 0 (and count <= pop for the binomial
 * family), at least one population > 0, n <= OB_MAX_AREAS. est receives
 * the n estimates; flags (optional) the enum ob_eb_flag of each area; par
 * (optional) the parameters. Invalid input: OB_EINVAL (OB_ETOOBIG for n),
 * outputs untouched.
 */
ob_err ob_eb_global(const double *count, const double *pop, size_t n,
                    enum ob_eb_family family, double *est, unsigned *flags,
                    struct ob_eb_global *par);

/*
 * Local EB estimates of the nb->n areas of neighbour list nb, with the
 * same input rules. est receives the estimates; a, m and flags (each
 * optional) the a_i, m_i and flags of each area. Fallbacks use the global
 * Poisson estimate. Allocates scratch memory, freed before returning.
 */
ob_err ob_eb_local(const double *count, const double *pop, const struct ob_nb *nb,
                   enum ob_eb_local_variant variant, double *est, double *a, double *m,
                   unsigned *flags);

#endif
