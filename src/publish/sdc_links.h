/*
 * sdc_links.h - the equations between linked indicators
 * (engine/indicators.h ob_indicators_links()) inside a disclosure-control
 * system (publish/sdc.h), shared by the release (release_tables.c) and the
 * public situational analysis (http/situation.c), so that both hide the
 * same way.
 *
 * The caller has put into the system, for each indicator k with a table
 * of its own, its table over nn territorial nodes (publish/sdc_tree.h) and
 * ncols[k] sex columns (1: its own victims; 4: total, F, M, unknown) from
 * cell first[k] on; first[k] is OB_SDC_NO_TABLE for the others (a sex
 * slice published as its base's column, or an indicator not asked).
 * Nothing is kept: the arrays are borrowed for the call.
 */
#ifndef OB_SDC_LINKS_H
#define OB_SDC_LINKS_H

#include "engine/indicators.h"
#include "publish/sdc.h"

#define OB_SDC_NO_TABLE SIZE_MAX

/* The system cell of indicator k in node i and sex column sx ('T', 'F',
 * 'M', 'U'): its table's, or its sex base's column; OB_SDC_NO_TABLE when
 * no table publishes it. */
size_t ob_sdc_link_cell(const struct ob_indicator_set *set, size_t k, size_t i, char sx,
                        const size_t *first, const size_t *ncols);

/* Add each link's equation in every node and sex column where all its
 * indicators have a cell; a rest is a new hidden cell (the total less the
 * parts, at least 0) of the total's classes. */
ob_err ob_sdc_add_links(struct ob_sdc_system *y, const struct ob_indicator_set *set,
                        const struct ob_ind_links *links, const size_t *first,
                        const size_t *ncols, size_t nn);

/* comp[k] (set->n entries): the same number for indicators joined by
 * links or by a sex slice and its base; they are protected together. */
void ob_sdc_link_components(const struct ob_indicator_set *set, const struct ob_ind_links *links,
                            size_t *comp);

#endif
