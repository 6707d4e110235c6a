/*
 * index_impl.h - the pieces of the index computation that index.c and
 * uncertainty.c share. Not a public interface: include index.h instead.
 *
 * All functions work on caller-owned arrays laid out as in index.h
 * (nunits x nind, nunits x nnode, row-major) and allocate nothing that
 * outlives the call.
 */
#ifndef OB_INDEX_IMPL_H
#define OB_INDEX_IMPL_H

#include "index/index.h"
#include "io/csv.h"

/* The column of keys (folded column names, NULL where a name does not
 * fold) whose name folds to name's; (size_t)-1 if none or name is NULL. */
size_t ob_ix_find_col(char **keys, size_t ncols, const char *name);

/* An empty cell, "NA" or "ND" (any case, blanks around). */
bool ob_ix_missing_cell(const char *s, size_t n);

/* Indicator values of one units-CSV row into row (def->nind): column
 * icol[j] ((size_t)-1: none) for indicator j; a missing column, a short row
 * or a missing cell is NaN. OB_EPARSE naming path, line, column and value
 * for a cell that is not a finite number. */
ob_err ob_ix_read_values(const struct ob_index_def *def, const char *path,
                         const struct ob_csv_record *rec, const size_t *icol, double *row,
                         struct ob_diag *d);

/*
 * Open the units CSV at path and read its header, the first record that is
 * not blank: *keys receives *ncols folded names (the caller frees each and
 * the array), *ucol the column of def->unit_column. Errors: those of the
 * CSV reader, OB_ENOHEADER, OB_ENOCOL (naming the definition's file). On
 * any return *r, *keys and *ncols hold what was set up so far, for the
 * caller's cleanup to release.
 */
ob_err ob_ix_csv_header(const struct ob_index_def *def, const char *path,
                        struct ob_csv_reader **r, const struct ob_csv_record **rec,
                        char ***keys, size_t *ncols, size_t *ucol, struct ob_diag *d);

/* Normalise indicator j of treated into the column j of norm, with n (NULL:
 * the indicator's own or the index's). NaN cells stay NaN. */
ob_err ob_ix_normalise(const struct ob_index_def *def, const struct ob_index_input *in,
                       size_t j, const struct ob_ix_norm *n, const double *treated,
                       double *norm, struct ob_diag *d);

/* Every indicator, with override (NULL: each its own). With imputed (may
 * be NULL; nunits x nind), an imputed cell takes no part in the
 * normalisation of its indicator and receives the mean of the normalised
 * values observed. */
ob_err ob_ix_normalise_all(const struct ob_index_def *def, const struct ob_index_input *in,
                           const struct ob_ix_norm *override, const double *treated,
                           const unsigned char *imputed, double *norm, struct ob_diag *d);

/* The aggregation of every node under mode. */
void ob_ix_node_aggs(const struct ob_index_def *def, enum ob_ix_agg_mode mode,
                     enum ob_ix_agg *aggs);

/* Scores of one unit's nodes from its normalised values v (nind, NaN
 * dropped) with indicator weights wi (nind), node weights wn (nnode) and
 * aggregations aggs (nnode): node (nnode) receives NaN for a node with no
 * present child. OB_EINVAL for a negative value under a geometric node. */
ob_err ob_ix_aggregate_unit(const struct ob_index_def *def, const double *v,
                            const double *wi, const double *wn, const enum ob_ix_agg *aggs,
                            double *node);

/* Levels of n scores under def's classification; breaks receives
 * levels + 1 values. */
ob_err ob_ix_classify(const struct ob_index_def *def, const double *score, size_t n,
                      double *breaks, size_t *level, struct ob_diag *d);

/* Nominal weights: wi (nind) and wn (nnode, the root's 1). */
void ob_ix_nominal_weights(const struct ob_index_def *def, double *wi, double *wn);

/* Does a normalisation give values < 0 (then no geometric mean)? */
bool ob_ix_norm_can_be_negative(const struct ob_ix_norm *n);

#endif
