/*
 * survey_design.h - a survey's sampling design (survey/design.h) made from
 * the columns of a loaded table, for "observa survey estimate" (--strata,
 * --cluster, --fpc) and "observa survey ingest" (a profile's [design]
 * strata, cluster and fpc), which name them the same way:
 *
 *   cluster  PSU[,SSU,...]: one column per sampling stage (none: one stage,
 *            every respondent its own PSU)
 *   strata   S1[,S2,...]: the strata of the first stages, at most one per
 *            stage; a stage past the list (or "-") has none of its own
 *   fpc      F1[,F2,...]: one per stage, or none at all; "-" for a stage
 *            sampled with replacement
 *
 * Units are nested as R's svydesign(nest = TRUE) nests them: a PSU is its
 * code within its stratum; a stratum of a later stage is its code within
 * the unit of the stage before; a unit of a later stage, its code within
 * its stratum (or within the unit before, without strata). An empty cell
 * of any of these columns is an error naming file, line and column.
 */
#ifndef OB_CLI_SURVEY_DESIGN_H
#define OB_CLI_SURVEY_DESIGN_H

#include "base/common.h"
#include "cli/stats/stats.h"
#include "survey/design.h"

/* The text of cell (r, col) of the table, through the caller's index. */
typedef const char *(*svy_cell_fn)(const void *ctx, size_t r, size_t col);

struct svy_design_spec {
	const char *strata, *cluster, *fpc;   /* comma-separated lists, or NULL */
	const char *opt_strata, *opt_cluster, *opt_fpc; /* how messages name them */
	enum ob_svy_lonely lonely;
};

/*
 * Make *ds from table t (cells through cell(ctx, r, col)), the weights
 * w[t->nrows] of column wc and spec sp. Errors: a column the file lacks,
 * more strata or fpc columns than stages (or fewer fpc), an empty cell,
 * and those of ob_svy_design_init_stages(); *ds is then left released.
 */
ob_err svy_design_from_table(const struct st_table *t, svy_cell_fn cell, const void *ctx,
                             const struct svy_design_spec *sp, size_t wc, const double *w,
                             struct ob_svy_design *ds, struct ob_diag *d);

#endif
