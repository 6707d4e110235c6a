/* reconcile_read.c - a reconciliation's ledger as the API and the portal
 * show it (see reconcile_read.h). */
#include "store/reconcile_read.h"

#include "store/store_int.h"

#define WHAT "conciliación (reconciliation)"

ob_err ob_store_rc_run_exists(struct ob_store *s, long long id, bool *found,
                              struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc;

	*found = false;
	if (ob_store_sql(s, "SELECT 1 FROM reconcile_run WHERE id = ?1", &st, d))
		return OB_ESTORE;
	ob_db_bind_int64(st, 1, id);
	rc = ob_db_step(st);
	if (rc != OB_DB_ROW && rc != OB_DB_DONE) {
		ob_store_fail(s, d, WHAT);
		ob_db_finalize(st);
		return OB_ESTORE;
	}
	*found = rc == OB_DB_ROW;
	ob_db_finalize(st);
	return OB_OK;
}

ob_err ob_store_rc_runs_count(struct ob_store *s, long long *n, struct ob_diag *d)
{
	struct ob_db_stmt *st;

	*n = 0;
	if (ob_store_sql(s, "SELECT count(*) FROM reconcile_run", &st, d))
		return OB_ESTORE;
	return ob_store_sql_count(s, st, n, WHAT, d);
}

int ob_store_rc_runs_each(struct ob_store *s, bool latest_first, long long limit,
                          long long offset, ob_store_row_fn each, void *arg,
                          struct ob_diag *d)
{
#define RUNS_SQL(order)                                                                     \
	"SELECT r.id, r.period, r.country, r.records, r.deaths, r.candidates,"             \
	" r.linked_pairs, r.review_pairs, r.started_at,"                                   \
	" (SELECT a.actor FROM audit a WHERE a.action = 'reconcile'"                       \
	"  AND a.object = 'reconcile_run:' || r.id ORDER BY a.seq LIMIT 1),"               \
	" r.observa_version FROM reconcile_run r ORDER BY r.id " order " LIMIT ?1 OFFSET ?2"
	struct ob_db_stmt *st;

	if (ob_store_sql(s, latest_first ? RUNS_SQL("DESC") : RUNS_SQL("ASC"), &st, d))
		return -1;
#undef RUNS_SQL
	ob_store_bind_page(s, st, 1, limit, offset);
	return ob_store_sql_rows(s, st, OB_STORE_RC_RUN_COLUMNS, each, arg, WHAT, d);
}

#define COUNTS_WHERE                                                                     \
	" FROM reconcile_count WHERE run = ?1 AND (level = ?2 OR ?2 IS NULL)"            \
	" AND (territory = upper(?3) OR ?3 IS NULL)"

static void bind_counts(struct ob_db_stmt *st, const struct ob_store_rc_counts_filter *f)
{
	ob_db_bind_int64(st, 1, f->run);
	if (f->level >= 0)
		ob_db_bind_int64(st, 2, f->level);
	else
		ob_db_bind_null(st, 2);
	ob_db_bind_str(st, 3, f->territory);
}

ob_err ob_store_rc_counts_count(struct ob_store *s, const struct ob_store_rc_counts_filter *f,
                                long long *n, struct ob_diag *d)
{
	struct ob_db_stmt *st;

	*n = 0;
	if (ob_store_sql(s, "SELECT count(*)" COUNTS_WHERE, &st, d))
		return OB_ESTORE;
	bind_counts(st, f);
	return ob_store_sql_count(s, st, n, WHAT, d);
}

int ob_store_rc_counts_each(struct ob_store *s, const struct ob_store_rc_counts_filter *f,
                            ob_store_row_fn each, void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;

	if (ob_store_sql(s, "SELECT level, territory, month, police, forensic, prosecutor,"
	                 " reconciled" COUNTS_WHERE " ORDER BY level, territory, month"
	                 " LIMIT ?4 OFFSET ?5", &st, d))
		return -1;
	bind_counts(st, f);
	ob_store_bind_page(s, st, 4, f->limit, f->offset);
	return ob_store_sql_rows(s, st, OB_STORE_RC_COUNT_COLUMNS, each, arg, WHAT, d);
}

#define DISC_WHERE                                                                       \
	" FROM discrepancy x JOIN reconciled_death m ON m.run = x.run AND m.death = x.death" \
	" WHERE x.run = ?1 AND (x.reason = ?2 OR ?2 IS NULL)"

ob_err ob_store_rc_disc_count(struct ob_store *s, const struct ob_store_rc_disc_filter *f,
                              long long *n, struct ob_diag *d)
{
	struct ob_db_stmt *st;

	*n = 0;
	if (ob_store_sql(s, "SELECT count(*)" DISC_WHERE, &st, d))
		return OB_ESTORE;
	ob_db_bind_int64(st, 1, f->run);
	ob_db_bind_str(st, 2, f->reason);
	return ob_store_sql_count(s, st, n, WHAT, d);
}

int ob_store_rc_disc_each(struct ob_store *s, const struct ob_store_rc_disc_filter *f,
                          ob_store_row_fn each, void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;

#define DISC_SQL(members)                                                                \
	"SELECT x.death, x.reason, x.detail, m.country, m.territory, m.occurred_on,"      \
	" m.sources, " members DISC_WHERE " ORDER BY x.death, x.reason LIMIT ?3 OFFSET ?4"
	/* the death's members, "source:id" apart by spaces in their order */
	if (ob_store_sql(s, ob_store_dialect_sql(s,
	                 DISC_SQL("(SELECT group_concat(source || ':' || source_id, ' ') FROM"
	                          " (SELECT source, source_id FROM reconcile_member b"
	                          " WHERE b.run = x.run AND b.death = x.death"
	                          " ORDER BY source, source_id))"),
	                 DISC_SQL("(SELECT string_agg(b.source || ':' || b.source_id, ' '"
	                          " ORDER BY b.source, b.source_id) FROM reconcile_member b"
	                          " WHERE b.run = x.run AND b.death = x.death)")), &st, d))
		return -1;
#undef DISC_SQL
	ob_db_bind_int64(st, 1, f->run);
	ob_db_bind_str(st, 2, f->reason);
	ob_store_bind_page(s, st, 3, f->limit, f->offset);
	return ob_store_sql_rows(s, st, OB_STORE_RC_DISC_COLUMNS, each, arg, WHAT, d);
}
