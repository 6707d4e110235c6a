/*
 * run.h - one index run from start to finish, and its CSV and JSON forms:
 * what "observa index" and GET /api/v1/index share.
 *
 * ob_index_run_finish() takes a run whose definition and input are filled
 * (ob_index_load + ob_index_input_read, or ob_index_preset_build) and
 * computes the index, its Monte Carlo uncertainty (when runs > 0; the
 * interval of each unit is widened to hold its own rank) and the order of
 * the units (by rank, then input order). ob_index_run_preset() does the
 * whole of the --preset form on an observatory's data already open.
 *
 * The writers print the same bytes as "observa index --format csv|json".
 *
 * Ownership: a run owns everything in it; ob_index_run_release() frees it
 * (def and in included). Nothing here keeps state between calls, so runs
 * on different threads do not interfere.
 */
#ifndef OB_INDEX_RUN_H
#define OB_INDEX_RUN_H

#include "base/common.h"
#include "index/index.h"
#include "index/preset.h"
#include "index/uncertainty.h"

struct ob_index_run {
	struct ob_index_def def;
	struct ob_index_input in;
	struct ob_index_result r;
	struct ob_index_mc mc;
	bool has_mc;
	size_t *order;  /* units by rank, then input order */
	uint64_t seed;  /* of the Monte Carlo analysis */
	size_t runs;    /* its runs (0: none) */
};

struct ob_index_run_options {
	long long seed, runs, top; /* -1: the definition's */
	unsigned threads;          /* workers of the Monte Carlo analysis */
	double deadline;           /* of the Monte Carlo analysis (ob_now()); 0: none */
	const _Atomic int *cancel; /* stops it when set; NULL: none */
};

/* Workers "observa index" uses. */
#define OB_INDEX_RUN_THREADS 2

void ob_index_run_options_default(struct ob_index_run_options *o);

/* Compute the filled run (see above); warnings about imputed or dropped
 * values go to the log. */
ob_err ob_index_run_finish(struct ob_index_run *x, const struct ob_index_run_options *o,
                           struct ob_diag *d);

/* The preset form: definition named preset (ob_index_preset_text, from dir),
 * values from data for po, then ob_index_run_finish. */
ob_err ob_index_run_preset(struct ob_index_run *x, const char *dir, const char *preset,
                           const struct ob_index_preset_data *data,
                           const struct ob_index_preset_options *po,
                           const struct ob_index_run_options *o, struct ob_diag *d);

void ob_index_run_release(struct ob_index_run *x);

/* "refuse", "reweight", "impute-mean" / "quantile", "fisher", "equal", "fixed" */
const char *ob_index_missing_name(enum ob_ix_missing m);
const char *ob_index_classify_name(enum ob_ix_classify c);

/* The run as CSV or JSON (stages: normalised values and dimensions too). */
void ob_index_run_csv(const struct ob_index_run *x, bool stages, FILE *out);
ob_err ob_index_run_json(const struct ob_index_run *x, bool stages, FILE *out);

/*
 * The run as the public index route publishes it (GET /api/v1/index, whose
 * catalogue values come from protected counts: index/preset.h): per unit
 * only its rank, rank interval, level (and level name), whether it is in the
 * top, and the status of each input: "perturbed" (a value from protected
 * counts), "imputed" or "dropped" (missing, under the definition's policy)
 * or "external" (a column of the --input file). Nothing that is a function
 * of the values themselves is written (scores, normalised values,
 * dimensions, drivers, references, breaks, the mean score, the rank
 * median, the probabilities of each level): a straight line of those
 * against the raw rates gives the rates, and with the populations, the
 * counts back. protection (JSON only): an object written as the member
 * "protection", or NULL.
 */
void ob_index_run_public_csv(const struct ob_index_run *x, FILE *out);
ob_err ob_index_run_public_json(const struct ob_index_run *x, const char *protection,
                                FILE *out);

#endif
