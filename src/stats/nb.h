/*
 * nb.h - neighbour lists of areas, the input of every spatial statistic
 * (empirical Bayes local rates, Getis-Ord, Moran).
 *
 * Areas are numbered 0..n-1. The neighbours of area i are
 * idx[start[i]] .. idx[start[i+1] - 1], in ascending order, never i itself
 * (statistics that include an area in its own neighbourhood say so). An
 * area with no neighbours is an island. The lists need not be symmetric.
 *
 * An ob_nb owns its two arrays; ob_nb_release() frees them and leaves an
 * empty list. Build one with ob_nb_from_edges().
 */
#ifndef OB_STATS_NB_H
#define OB_STATS_NB_H

#include "base/common.h"

struct ob_nb {
	size_t n;      /* areas */
	size_t *start; /* n + 1 offsets into idx */
	size_t *idx;   /* start[n] neighbour indices */
};

/*
 * Build the lists from m directed links from[k] -> to[k] ("to[k] is a
 * neighbour of from[k]"; list both directions for a symmetric relation).
 * Refused with OB_EINVAL: an index >= n, a link of an area to itself, the
 * same link twice; *bad (when not NULL) then receives the index k of the
 * first offending link. n > OB_MAX_AREAS or m > OB_MAX_NEIGHBOUR_LINKS gives
 * OB_ETOOBIG. On error *nb is left empty.
 */
ob_err ob_nb_from_edges(size_t n, const size_t *from, const size_t *to, size_t m,
                        struct ob_nb *nb, size_t *bad);

void ob_nb_release(struct ob_nb *nb);

/* Number of neighbours of area i. */
static inline size_t ob_nb_count(const struct ob_nb *nb, size_t i)
{
	return nb->start[i + 1] - nb->start[i];
}

/* True when every link i -> j has its reverse j -> i. */
bool ob_nb_symmetric(const struct ob_nb *nb);

#endif
