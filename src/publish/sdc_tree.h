/*
 * sdc_tree.h - the territorial dimension of a disclosure-control table
 * (publish/sdc.h): one country's units valid on one day, as a tree whose
 * equations are the ones a reader can write from the published counts
 * (a unit's count is the sum of its children's and of what it holds
 * itself: records that stop at the unit).
 *
 * Nodes: the country's units valid on day (ob_unit_valid), each under its
 * nearest valid ancestor; then, under every unit with valid children, one
 * residual leaf for the unit's own records, which no table publishes. The
 * release's tables (release_tables.c) and the public situational analysis
 * (http/situation.c) build their tables on it, so that both hide the same
 * way.
 *
 * Ownership: ob_sdc_tree_build() fills a caller's struct whose arrays it
 * owns; ob_sdc_tree_release() frees them. Nothing is borrowed.
 */
#ifndef OB_SDC_TREE_H
#define OB_SDC_TREE_H

#include "base/common.h"
#include "engine/indicators.h"
#include "engine/snapshot.h"

struct ob_sdc_tree {
	size_t n;         /* nodes */
	long *parent;     /* n: the parent node, -1 for the country */
	size_t *unit_of;  /* n: the snapshot unit (a residual node: its owner's) */
	bool *is_resid;   /* n: a residual node */
	long *node_of;    /* per snapshot unit: its node, -1 when not in the tree */
	long *resid_of;   /* per snapshot unit: its residual node or -1 */
};

/* Build the tree of country on day (days since 1970-01-01). pop NULL:
 * every unit is valid. n is 0 when the country has no unit valid then. */
void ob_sdc_tree_build(struct ob_sdc_tree *t, const struct ob_snapshot *s,
                       const struct ob_population *pop, uint16_t country, long day);
void ob_sdc_tree_release(struct ob_sdc_tree *t);

/* The valid ancestor of unit u on day (u itself when valid), or -1. */
long ob_sdc_valid_up(const struct ob_snapshot *s, const struct ob_population *pop, long u,
                     long day);

#endif
