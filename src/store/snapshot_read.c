/* snapshot_read.c - what the snapshot build reads from the store (see
 * snapshot_read.h). */
#include "store/snapshot_read.h"

#include "store/store_int.h"

/* PostgreSQL: one snapshot of the database for the whole read (REPEATABLE
 * READ), as SQLite's read transaction gives; the peers of a parallel
 * build check that they read the same state by its stamp. */
ob_err ob_store_read_begin(struct ob_store *s, struct ob_diag *d)
{
	return ob_store_exec(s, ob_store_dialect_sql(s, "BEGIN",
	                                             "BEGIN ISOLATION LEVEL REPEATABLE READ"), d);
}

void ob_store_read_end(struct ob_store *s)
{
	struct ob_diag ignored;

	ob_store_exec(s, "COMMIT", &ignored);
}

/* The integer of a one-row query, 0 when it cannot be read. */
static long long int_of(struct ob_store *s, const char *sql)
{
	struct ob_db_stmt *st;
	struct ob_diag ignored;
	long long v = 0;

	if (ob_store_sql(s, sql, &st, &ignored))
		return 0;
	if (ob_db_step(st) == OB_DB_ROW)
		v = ob_db_column_int64(st, 0);
	ob_db_finalize(st);
	return v;
}

static bool on_pg(struct ob_store *s)
{
	return ob_db_dialect(ob_store_conn(s)) == OB_DB_POSTGRES;
}

/* SQLite's memory map of the file; PostgreSQL has none (0, and setting it
 * does nothing). */
long long ob_store_mmap_size(struct ob_store *s)
{
	return on_pg(s) ? 0 : int_of(s, "PRAGMA mmap_size");
}

ob_err ob_store_set_mmap_size(struct ob_store *s, long long bytes, struct ob_diag *d)
{
	char sql[64];

	if (on_pg(s))
		return OB_OK;

	snprintf(sql, sizeof(sql), "PRAGMA mmap_size=%lld", bytes < 0 ? 0 : bytes);
	return ob_store_exec(s, sql, d);
}

/* Every column's text (ncols columns) of every row of sql, to text. */
static ob_err texts(struct ob_store *s, const char *sql, int ncols,
                    void (*text)(void *arg, const char *t, size_t n), void *arg,
                    struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc;

	if (ob_store_sql(s, sql, &st, d))
		return OB_ESTORE;
	while ((rc = ob_db_step(st)) == OB_DB_ROW) {
		for (int i = 0; i < ncols; i++) {
			const char *t = ob_db_column_text(st, i);
			text(arg, t, t ? ob_db_column_bytes(st, i) : 0);
		}
	}
	if (rc != OB_DB_DONE) {
		ob_store_fail(s, d, NULL);
		ob_db_finalize(st);
		return OB_ESTORE;
	}
	ob_db_finalize(st);
	return OB_OK;
}

ob_err ob_store_snapshot_inputs(struct ob_store *s, long long *max_submission,
                                long long *current,
                                void (*text)(void *arg, const char *t, size_t n), void *arg,
                                struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	*max_submission = *current = 0;
	if (ob_store_sql(s, "SELECT coalesce(max(id), 0), coalesce(sum(CASE WHEN superseded_by"
	                    " IS NULL THEN 1 ELSE 0 END), 0) FROM submission", &st, d))
		return OB_ESTORE;
	if (ob_db_step(st) == OB_DB_ROW) {
		*max_submission = ob_db_column_int64(st, 0);
		*current = ob_db_column_int64(st, 1);
	}
	ob_db_finalize(st);
	if ((e = texts(s, "SELECT code, level, country, parent, name, valid_from, valid_to "
	                  "FROM territory ORDER BY code", 7, text, arg, d)) ||
	    (e = texts(s, "SELECT code, level, parent FROM iccs ORDER BY code", 3, text, arg, d)) ||
	    (e = texts(s, "SELECT kind, code FROM tag ORDER BY kind, code", 2, text, arg, d)) ||
	    (e = texts(s, "SELECT id, superseded_by FROM submission "
	                  "WHERE superseded_by IS NOT NULL ORDER BY id", 2, text, arg, d)))
		return e;
	return OB_OK;
}

static ob_err cursor_of(struct ob_store *s, const char *sql, int ncols, const char *kinds,
                        const char *what, struct ob_store_cursor **out, struct ob_diag *d)
{
	struct ob_db_stmt *st;

	*out = NULL;
	if (ob_store_sql(s, sql, &st, d))
		return OB_ESTORE;
	return ob_store_cursor_new(s, st, ncols, kinds, what, out, d);
}

ob_err ob_store_snap_units(struct ob_store *s, struct ob_store_cursor **out, struct ob_diag *d)
{
	return cursor_of(s, "SELECT code, level, country, parent, name, valid_from, valid_to"
	                    " FROM territory ORDER BY level, code", OB_STORE_SU_COLUMNS,
	                 "TITTTTT", "territorios (territories)", out, d);
}

ob_err ob_store_snap_categories(struct ob_store *s, struct ob_store_cursor **out,
                                struct ob_diag *d)
{
	return cursor_of(s, "SELECT code, level, parent FROM iccs ORDER BY level, code",
	                 OB_STORE_SC_COLUMNS, "TIT", "iccs", out, d);
}

ob_err ob_store_snap_tags(struct ob_store *s, struct ob_store_cursor **out, struct ob_diag *d)
{
	return cursor_of(s, "SELECT kind, code FROM tag ORDER BY kind, code", OB_STORE_ST_COLUMNS,
	                 "TT", "tag", out, d);
}

ob_err ob_store_submission_max_id(struct ob_store *s, long long *id, struct ob_diag *d)
{
	struct ob_db_stmt *st;

	*id = 0;
	if (ob_store_sql(s, "SELECT coalesce(max(id), 0) FROM submission", &st, d))
		return OB_ESTORE;
	if (ob_db_step(st) == OB_DB_ROW)
		*id = ob_db_column_int64(st, 0);
	ob_db_finalize(st);
	return OB_OK;
}

ob_err ob_store_snap_submissions(struct ob_store *s, struct ob_store_cursor **out,
                                 struct ob_diag *d)
{
	return cursor_of(s, "SELECT id, source, institution, country, period_from, period_to,"
	                    " fields FROM submission WHERE superseded_by IS NULL ORDER BY id",
	                 OB_STORE_SS_COLUMNS, "NTTTTTI", "submission", out, d);
}

ob_err ob_store_records_bounds(struct ob_store *s, long long *lo, long long *hi, bool *found,
                               struct ob_diag *d)
{
	struct ob_db_stmt *st;

	*lo = *hi = 0;
	*found = false;
	/* two subqueries: min() and max() in one select would scan the table */
	if (ob_store_sql(s, "SELECT (SELECT min(id) FROM record), (SELECT max(id) FROM record)",
	                 &st, d))
		return OB_ESTORE;
	if (ob_db_step(st) == OB_DB_ROW && ob_db_column_type(st, 0) == OB_STORE_INT) {
		*lo = ob_db_column_int64(st, 0);
		*hi = ob_db_column_int64(st, 1);
		*found = true;
	}
	ob_db_finalize(st);
	return OB_OK;
}

static inline void text_at(struct ob_db_stmt *st, int i, struct ob_store_value *x)
{
	x->text = ob_db_column_text(st, i);
	x->len = x->text ? ob_db_column_bytes(st, i) : 0;
	x->type = x->text ? OB_STORE_TEXT : OB_STORE_NULL;
}

/* A record's row as its kinds below declare it, column by column. */
static void record_fill(struct ob_db_stmt *st, struct ob_store_value *v)
{
	text_at(st, OB_STORE_REC_TERRITORY, &v[OB_STORE_REC_TERRITORY]);
	text_at(st, OB_STORE_REC_OCCURRED_ON, &v[OB_STORE_REC_OCCURRED_ON]);
	v[OB_STORE_REC_PRECISION].type = OB_STORE_NULL;   /* on demand */
	text_at(st, OB_STORE_REC_OCCURRED_AT, &v[OB_STORE_REC_OCCURRED_AT]);
	text_at(st, OB_STORE_REC_SEX, &v[OB_STORE_REC_SEX]);
	if (ob_db_column_type(st, OB_STORE_REC_AGE) == OB_STORE_INT) {
		v[OB_STORE_REC_AGE].i = ob_db_column_int64(st, OB_STORE_REC_AGE);
		v[OB_STORE_REC_AGE].type = OB_STORE_INT;
	} else {
		v[OB_STORE_REC_AGE].i = 0;
		v[OB_STORE_REC_AGE].type = OB_STORE_NULL;
	}
	text_at(st, OB_STORE_REC_CATEGORY, &v[OB_STORE_REC_CATEGORY]);
	for (int k = 0; k < OB_STORE_REC_DIMS; k++)
		text_at(st, OB_STORE_REC_DIM0 + k, &v[OB_STORE_REC_DIM0 + k]);
	v[OB_STORE_REC_SUBMISSION].i = ob_db_column_int64(st, OB_STORE_REC_SUBMISSION);
	v[OB_STORE_REC_SUBMISSION].type = OB_STORE_INT;
	v[OB_STORE_REC_VICTIMS].i = ob_db_column_int64(st, OB_STORE_REC_VICTIMS);
	v[OB_STORE_REC_VICTIMS].type = OB_STORE_INT;
	text_at(st, OB_STORE_REC_SOURCE_ID, &v[OB_STORE_REC_SOURCE_ID]);
	v[OB_STORE_REC_AGE_MIN].type = OB_STORE_NULL;     /* on demand */
	v[OB_STORE_REC_AGE_MAX].type = OB_STORE_NULL;
}

ob_err ob_store_records_scan(struct ob_store *s, long long from, long long to,
                             struct ob_store_cursor **out, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	*out = NULL;
	if (ob_store_sql(s, "SELECT territory, occurred_on, precision, occurred_at, victim_sex,"
	                    " victim_age, category, manner, mechanism, place, relationship,"
	                    " context, submission, victims, source_id, victim_age_min,"
	                    " victim_age_max FROM record"
	                    " WHERE id BETWEEN ?1 AND ?2 ORDER BY id", &st, d))
		return OB_ESTORE;
	ob_db_bind_int64(st, 1, from);
	ob_db_bind_int64(st, 2, to);
	/* declared kinds: as many calls to the database per row as reading the
	 * statement directly; precision and the age group on demand */
	if ((e = ob_store_cursor_new(s, st, OB_STORE_REC_COLUMNS, "TTtTTIT" "TTTTT" "NNTii",
	                             "registros (records)", out, d)))
		return e;
	ob_store_cursor_fill(*out, record_fill);
	return OB_OK;
}

ob_err ob_store_records_first_after(struct ob_store *s, long long sub, long long *id,
                                    struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc;

	*id = 0;
	/* SQLite: through the index on (submission, source_id), since min(id)
	 * alone would walk the table in id order from its first record;
	 * PostgreSQL's planner chooses for itself */
	if (ob_store_sql(s, ob_store_dialect_sql(s, "SELECT id FROM record INDEXED BY"
	                                            " record_source_id WHERE submission > ?1",
	                                         "SELECT min(id) FROM record WHERE submission > ?1"),
	                 &st, d))
		return OB_ESTORE;
	ob_db_bind_int64(st, 1, sub);
	while ((rc = ob_db_step(st)) == OB_DB_ROW)
		if (ob_db_column_type(st, 0) == OB_STORE_INT &&
		    (!*id || ob_db_column_int64(st, 0) < *id))
			*id = ob_db_column_int64(st, 0);
	if (rc != OB_DB_DONE) {
		ob_store_fail(s, d, "record");
		ob_db_finalize(st);
		return OB_ESTORE;
	}
	ob_db_finalize(st);
	if (*id)
		return OB_OK;
	/* no record: a delivery without rows still changes coverage */
	if (ob_store_sql(s, "SELECT coalesce(max(id), 0) + 1 FROM record", &st, d))
		return OB_ESTORE;
	if (ob_db_step(st) == OB_DB_ROW)
		*id = ob_db_column_int64(st, 0);
	ob_db_finalize(st);
	return OB_OK;
}
