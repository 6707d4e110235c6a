/*
 * cluster.h - from accepted pairs to people: one-to-one assignment between
 * two sources and clustering across three or more.
 *
 * Input: the records' sources and the accepted pairs (edges), each with a
 * score (its log-odds in bits: match weight plus prior; higher is
 * stronger). Output: a cluster number for every record (1, 2, ... in the
 * order of each cluster's first record); a record linked to nothing is a
 * cluster of its own.
 *
 * The rule: one death = one cluster, and a cluster holds at most one record
 * per source unless the source itself duplicated it. Greedy clustering
 * (the default) takes edges from the strongest to the weakest and joins
 * the two clusters of an edge unless they both hold records of some source
 * (other than the edge's own source, when the edge joins two records of one
 * source: that is a duplicate within the source). An edge that would break
 * the rule is dropped: in a component that would hold two records of a
 * source, the weakest links are the ones that go. Between two sources this
 * is the greedy one-to-one assignment by weight. Ties are broken by the
 * records' order, so the result does not depend on the order of the input.
 * With one source (deduplication) nothing is constrained: clusters are the
 * connected components of the accepted pairs.
 *
 * Optimal assignment (OB_ASSIGN_OPTIMAL): in each connected component whose
 * edges all join the same two sources, the one-to-one assignment that
 * maximises the sum of (score - threshold score) over chosen pairs, found
 * by the Hungarian method; every accepted pair adds a positive amount, so
 * among assignments the one with most evidence wins, and a strong pair may
 * give way to two slightly weaker ones. Components of more than
 * OB_MAX_ASSIGN_COMPONENT records, or that involve a third source or a
 * within-source edge, are clustered greedily.
 */
#ifndef OB_LINK_CLUSTER_H
#define OB_LINK_CLUSTER_H

#include "base/common.h"

struct ob_link_edge {
	uint32_t i, j;
	double score;  /* log-odds in bits */
	bool used;     /* set by ob_cluster: the edge joined two clusters */
};

enum ob_assign_method {
	OB_ASSIGN_GREEDY = 0,
	OB_ASSIGN_OPTIMAL,
};

struct ob_cluster_options {
	enum ob_assign_method method;
	bool one_per_source;  /* false: plain connected components */
	double threshold;     /* score of the acceptance threshold (optimal method) */
};

struct ob_cluster_result {
	uint32_t *cluster;    /* per record, from 1 */
	size_t nclusters;
	uint64_t joined;      /* edges that joined two clusters */
	uint64_t redundant;   /* edges within a cluster already */
	uint64_t dropped;     /* edges that would break the rule */
	uint64_t optimal_components; /* components assigned by the Hungarian method */
};

/*
 * Cluster n records of the given sources (source indexes < 64) with the
 * edges (sorted in place by strength; each edge's used flag is set).
 * res owns its array; ob_cluster_result_release frees it. OB_EINVAL for an
 * edge naming a record >= n.
 */
ob_err ob_cluster(size_t n, const uint16_t *source, struct ob_link_edge *edges, size_t nedges,
                  const struct ob_cluster_options *o, struct ob_cluster_result *res);
void ob_cluster_result_release(struct ob_cluster_result *res);

/*
 * The assignment problem on a dense value matrix (rows x cols, row-major,
 * rows <= cols): choose for each row at most one column, each column at
 * most once, maximising the sum of the chosen values; a value <= 0 is never
 * chosen. col_of[r] gets the column of row r or -1. Exposed for tests.
 */
void ob_assign_max(const double *value, size_t rows, size_t cols, long *col_of);

#endif
