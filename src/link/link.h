/*
 * link.h - a whole linkage over records already loaded: blocking, u from
 * random pairs, scoring every candidate pair, the EM, the posterior of each
 * pair and the clusters. The same run serves linkage of files (observa
 * link) and of the store's records (observa reconcile).
 *
 * The steps, in order:
 *   1. Blocking (block.h): candidate pairs counted exactly, per rule, and
 *      handed to the on_candidates callback before any is scored.
 *   2. u from random pairs: u_pairs pairs of allowed records drawn with a
 *      seeded generator (the same seed gives the same pairs, whatever the
 *      number of threads); when there are no more allowed pairs than that,
 *      every pair is used. A level never seen among them gets u = 1/(2K)
 *      for K pairs drawn.
 *   3. Every candidate pair compared once; its pattern code kept (4 bytes).
 *   4. The EM on the candidates' patterns (fellegi_sunter.h). By default u stays as
 *      drawn and m and lambda are estimated; lambda then speaks of all
 *      allowed pairs (the candidates are assumed to hold the matches), so
 *      the posterior of a pair is that of a pair drawn from all of them.
 *      Every level of m gets a pseudo-count of 1 (fellegi_sunter.h m_prior), so that no
 *      single comparison can veto a pair. OB_LINK_EM_PLAIN (same
 *      pseudo-count) and OB_LINK_EM_FASTLINK (none, as fastLink) estimate u
 *      as well, among the candidates; lambda then speaks of the candidates.
 *   5. Each candidate's match weight (bits, with term frequencies) and
 *      probability; those of at least report_min (or threshold, if lower)
 *      are kept.
 *   6. Pairs of at least threshold are clustered (cluster.h).
 * Memory: the records, the blocking indexes, 4 bytes per candidate pair
 * (12 up to 128M candidates, when the pairs themselves are kept so the
 * second pass does not enumerate the blocks again) and the kept pairs. Threads: the counting, the draws and the two passes over
 * the candidates run on `threads` threads; results do not depend on it.
 */
#ifndef OB_LINK_LINK_H
#define OB_LINK_LINK_H

#include "link/block.h"
#include "link/cluster.h"
#include "link/fellegi_sunter.h"
#include "link/record.h"

enum ob_link_em {
	OB_LINK_EM_FIXED_U = 0, /* u from random pairs, m and lambda by EM */
	OB_LINK_EM_PLAIN,       /* m, u and lambda by the plain EM, on the candidates */
	OB_LINK_EM_FASTLINK,    /* the same with fastLink's ordering constraint */
};

struct ob_link_options {
	double threshold;    /* probability from which a pair is a match (0.85) */
	double report_min;   /* pairs kept from this probability (0.05), or from
	                      * the threshold when that is lower */
	bool across;         /* pairs of records of different sources (default) */
	bool within;         /* pairs of records of the same source (default off;
	                      * on for deduplication) */
	enum ob_assign_method assign;
	enum ob_link_em em;
	uint64_t u_pairs;    /* random pairs drawn for u (1,000,000) */
	uint64_t seed;
	int threads;         /* 0: every processor */
	int max_iter;        /* EM (0: 5000) */
	bool progress;       /* a bar on a terminal */
	/* called once the candidates are counted, before scoring; a nonzero
	 * return stops the run with OB_EINTERRUPTED */
	int (*on_candidates)(void *ctx, const struct ob_blocking *b);
	void *ctx;
};

void ob_link_options_defaults(struct ob_link_options *o);

/* A kept pair: i < j, records of the table. */
struct ob_link_pair {
	uint32_t i, j;
	double weight;      /* bits, term frequencies included, prior excluded */
	double probability;
	uint32_t code;      /* its comparison pattern */
	uint32_t cluster_same; /* 1 when both records ended in one cluster */
};

struct ob_link_result {
	struct ob_blocking blocking;     /* counts per rule */
	struct ob_fs_model model;        /* after the EM */
	struct ob_fs_weights weights;
	uint64_t total_pairs;            /* allowed pairs, candidates or not */
	uint64_t u_drawn;                /* random pairs behind u */
	bool u_exhaustive;               /* every allowed pair was used for u */
	int em_iterations;
	bool em_converged;
	double expected_matches;         /* lambda x total pairs (or candidates) */
	struct ob_link_pair *pair;       /* kept pairs, in candidate order */
	size_t npairs;
	uint64_t matches;                /* pairs of at least threshold */
	struct ob_cluster_result clusters;
	double seconds[5];               /* block, u, compare, EM, score+cluster */
};

/*
 * Run the linkage of r (which must outlive res) with the rules. On error d
 * says why: OB_EINVAL (rules, options), OB_ETOOBIG (too many candidate
 * pairs or patterns), OB_ENOFIT (the EM failed), OB_EINTERRUPTED.
 */
ob_err ob_link_run(const struct ob_link_records *r, const struct ob_block_rule *rules,
                   size_t nrules, const struct ob_link_options *o, struct ob_link_result *res,
                   struct ob_diag *d);
void ob_link_result_release(struct ob_link_result *res);

/* The comparison and score of one pair under the result's model, with each
 * field's contribution (what explains a link). */
void ob_link_explain(const struct ob_link_records *r, const struct ob_link_result *res,
                     uint32_t i, uint32_t j, struct ob_link_cmp *cmp, struct ob_fs_score *score);

#endif
