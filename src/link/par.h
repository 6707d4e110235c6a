/*
 * par.h - a small parallel for-loop over work items, for linkage's heavy
 * passes (counting and scoring candidate pairs).
 *
 * Items are handed out in increasing order, one at a time, to whichever
 * thread is free; each call gets the index of its worker (0..nthreads-1) so
 * it can use per-worker scratch space. Nothing is shared between calls but
 * what the caller shares. Results must not depend on which worker ran an
 * item: callers write each item's results to the item's own place.
 */
#ifndef OB_LINK_PAR_H
#define OB_LINK_PAR_H

#include "base/common.h"

typedef int (*ob_par_fn)(void *ctx, size_t item, int worker);

/*
 * Run fn for every item in [0, n) on nthreads threads (<= 1: in this
 * thread). Stops handing out items after a nonzero return and returns the
 * first nonzero value (0 when all returned 0). When a thread cannot be
 * started the work is done by the threads that could.
 */
int ob_parallel_for(size_t n, int nthreads, ob_par_fn fn, void *ctx);

/* Processors available to this process (at least 1). */
int ob_cpu_count(void);

#endif
