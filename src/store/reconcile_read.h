/*
 * reconcile_read.h - a reconciliation's ledger as the API and the portal
 * show it: the runs, a run's counts by territory and month, and its
 * discrepancies with the records of each death. The rows reconciliation
 * itself reads and writes are in store/reconcile.h.
 *
 * Listings give rows of values (store.h, ob_store_row_fn) in the column
 * order each function names, and return as listings do there. Errors:
 * OB_ESTORE with d holding the database's message.
 */
#ifndef OB_STORE_RECONCILE_READ_H
#define OB_STORE_RECONCILE_READ_H

#include "store/store.h"

/* Is there a run numbered id? */
ob_err ob_store_rc_run_exists(struct ob_store *s, long long id, bool *found,
                              struct ob_diag *d);

/* How many runs there are. */
ob_err ob_store_rc_runs_count(struct ob_store *s, long long *n, struct ob_diag *d);

/* The runs, oldest first (latest first when latest_first), at most limit
 * after skipping offset (limit negative: all, from the first). Columns: id,
 * period, country (NULL: every country), records, deaths, candidates,
 * linked_pairs, review_pairs, started_at, user (who ran it, from the audit
 * log, or NULL), observa_version. */
#define OB_STORE_RC_RUN_COLUMNS 11
int ob_store_rc_runs_each(struct ob_store *s, bool latest_first, long long limit,
                          long long offset, ob_store_row_fn each, void *arg,
                          struct ob_diag *d);

/* Which counts of a run: level negative for every level, territory NULL
 * for every territory (any case); at most limit after skipping offset
 * (limit negative: all, from the first), by level, territory and month. */
struct ob_store_rc_counts_filter {
	long long run, level;
	const char *territory;
	long long limit, offset;
};
ob_err ob_store_rc_counts_count(struct ob_store *s, const struct ob_store_rc_counts_filter *f,
                                long long *n, struct ob_diag *d);
/* Columns: level, territory, month, police, forensic, prosecutor,
 * reconciled. */
#define OB_STORE_RC_COUNT_COLUMNS 7
int ob_store_rc_counts_each(struct ob_store *s, const struct ob_store_rc_counts_filter *f,
                            ob_store_row_fn each, void *arg, struct ob_diag *d);

/* Which discrepancies of a run: reason NULL for every reason; at most limit
 * after skipping offset (limit negative: all, from the first), by death
 * and reason. */
struct ob_store_rc_disc_filter {
	long long run;
	const char *reason;
	long long limit, offset;
};
ob_err ob_store_rc_disc_count(struct ob_store *s, const struct ob_store_rc_disc_filter *f,
                              long long *n, struct ob_diag *d);
/* Columns: death, reason, detail, country, territory, occurred_on, sources,
 * records (its members' "source:id" separated by spaces, in order). */
#define OB_STORE_RC_DISC_COLUMNS 8
int ob_store_rc_disc_each(struct ob_store *s, const struct ob_store_rc_disc_filter *f,
                          ob_store_row_fn each, void *arg, struct ob_diag *d);

#endif
