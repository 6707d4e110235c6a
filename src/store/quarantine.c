/* quarantine.c - the SQL of the quarantine and warning listings
 * (store/quarantine.h): one count and one listing for every reader. */
#include "store/quarantine.h"
#include "store/store_int.h"

#include <string.h>

/* The rows of one table (quarantine or warning) with their delivery,
 * filtered by ?1 source (NULL: any), ?2 submission (0: any), ?3 reason key
 * (NULL: any) and ?4 current deliveries only (0 or 1; a named submission
 * is shown whether current or not). */
#define FROM_WHERE(table)                                                                  \
	" FROM " table " q JOIN submission b ON b.id = q.submission"                      \
	" WHERE (b.source = ?1 OR ?1 IS NULL) AND (?2 = 0 OR q.submission = ?2)"          \
	" AND (q.kind = ?3 OR ?3 IS NULL)"                                                 \
	" AND (?4 = 0 OR ?2 <> 0 OR b.superseded_by IS NULL)"
#define COLUMNS(raw)                                                                       \
	"SELECT q.id, q.submission, b.source, b.file_name,"                               \
	" CASE WHEN b.superseded_by IS NULL THEN 1 ELSE 0 END, q.line, q.\"column\", q.field," \
	" q.value, q.reason, " raw ", q.kind"
#define BY_ID " ORDER BY q.id"
#define BY_FILE " ORDER BY b.source, q.submission, q.line, q.id"
/* ?5 rows after skipping ?6; no limit is -1 on SQLite and NULL on
 * PostgreSQL (LIMIT ALL), bound so by bind_page() */
#define PAGE " LIMIT ?5 OFFSET ?6"

static const char *const count_sql[2] = {
	"SELECT count(*)" FROM_WHERE("quarantine"),
	"SELECT count(*)" FROM_WHERE("warning"),
};

/* [warnings][order] */
static const char *const list_sql[2][2] = {
	{ COLUMNS("q.raw") FROM_WHERE("quarantine") BY_ID PAGE,
	  COLUMNS("q.raw") FROM_WHERE("quarantine") BY_FILE PAGE },
	{ COLUMNS("NULL") FROM_WHERE("warning") BY_ID PAGE,
	  COLUMNS("NULL") FROM_WHERE("warning") BY_FILE PAGE },
};

void ob_quarantine_filter_init(struct ob_quarantine_filter *f, bool warnings)
{
	memset(f, 0, sizeof(*f));
	f->warnings = warnings;
	f->current_only = true;
	f->order = OB_QUARANTINE_BY_ID;
	f->limit = -1;
}

static ob_err fail(struct ob_store *s, struct ob_diag *d)
{
	return ob_store_fail(s, d, "cuarentena (quarantine)");
}

static void bind_filter(struct ob_db_stmt *st, const struct ob_quarantine_filter *f)
{
	ob_db_bind_str(st, 1, f->source);
	ob_db_bind_int64(st, 2, f->submission > 0 ? f->submission : 0);
	ob_db_bind_str(st, 3, f->kind);
	ob_db_bind_int64(st, 4, f->current_only ? 1 : 0);
}

ob_err ob_store_quarantine_count(struct ob_store *s, const struct ob_quarantine_filter *f,
                                 long long *n, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	*n = 0;
	if ((e = ob_store_sql(s, count_sql[f->warnings], &st, d)))
		return e;
	bind_filter(st, f);
	return ob_store_sql_count(s, st, n, "cuarentena (quarantine)", d);
}

int ob_store_quarantine_each(struct ob_store *s, const struct ob_quarantine_filter *f,
                             int (*each)(void *arg, const struct ob_quarantine_row *row),
                             void *arg, struct ob_diag *d)
{
	struct ob_quarantine_row r;
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, list_sql[f->warnings][f->order == OB_QUARANTINE_BY_FILE], &st, d))
		return -1;
	bind_filter(st, f);
	ob_store_bind_page(s, st, 5, f->limit, f->offset);
	while ((rc = ob_db_step(st)) == OB_DB_ROW) {
		r.id = ob_db_column_int64(st, 0);
		r.submission = ob_db_column_int64(st, 1);
		r.source = ob_db_column_text(st, 2);
		r.file_name = ob_db_column_text(st, 3);
		r.current = ob_db_column_int(st, 4) != 0;
		r.line = ob_db_column_int64(st, 5);
		r.column = ob_db_column_int64(st, 6);
		r.field = ob_db_column_text(st, 7);
		r.value = ob_db_column_text(st, 8);
		r.reason = ob_db_column_text(st, 9);
		r.raw = ob_db_column_text(st, 10);
		r.kind = ob_db_column_text(st, 11);
		if ((stop = each(arg, &r)))
			break;
	}
	if (!stop && rc != OB_DB_DONE) {
		fail(s, d);
		stop = -1;
	}
	ob_db_finalize(st);
	return stop;
}
