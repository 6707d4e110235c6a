/*
 * store_int.h - what the subject files of src/store (submissions.c,
 * quarantine.c, codes.c, ...) share: the failure message of a statement and
 * the small steps every listing repeats. Only files under src/store include
 * it: it names SQLite, which nothing outside the store may, and the
 * database layer (store/db.h) that runs the store on SQLite or PostgreSQL.
 */
#ifndef OB_STORE_INT_H
#define OB_STORE_INT_H

#include "store/db.h"
#include "store/store.h"

#include <sqlite3.h>

/* The underlying SQLite database (owned by the store); NULL when the
 * store is on PostgreSQL. */
sqlite3 *ob_store_db(struct ob_store *s);

/* The id SQLite gave the last row inserted on s's connection (SQLite's
 * rowid; 0 on PostgreSQL, where an insert says RETURNING id). */
long long ob_store_sqlite_last_id(struct ob_store *s);

/* The writer of a delivery open on s (store/submissions.h), which
 * ob_store_submission_close() has send its last rows; NULL when none. Set
 * by the writer's opening and cleared by its free. */
struct ob_store_writer;
struct ob_store_writer *ob_store_writer_of(struct ob_store *s);
void ob_store_writer_set(struct ob_store *s, struct ob_store_writer *w);
/* The catalogue writer open on s (store/catalog_write.h), whose rows
 * waiting for COPY the store's catalogue queries send first; NULL when
 * none. Set by the writer's creation and cleared by its free. */
struct ob_catalog_writer;
struct ob_catalog_writer *ob_store_catalog_writer_of(struct ob_store *s);
void ob_store_catalog_writer_set(struct ob_store *s, struct ob_catalog_writer *w);
/* A writer was freed holding rows it never sent: the open transaction's
 * commit is refused (rolled back, OB_ESTORE), never half a delivery. */
void ob_store_unsent_rows(struct ob_store *s);

/* The store's connection through the database layer (store/db.h), on
 * either database (owned by the store). Every subject file uses it and
 * the ob_store_sql*() calls below; SQLite's own calls remain for its
 * online backup (backup.c) and the tests' raw SQL (ob_store_prepare(),
 * tests/unit/store_sql.h). */
struct ob_db *ob_store_conn(struct ob_store *s);

/* The database layer's SQLite driver over h, which it owns from then on
 * (closed by ob_db_close()); the handle of a SQLite connection, NULL for
 * another. */
struct ob_db *ob_db_sqlite_wrap(sqlite3 *h);
sqlite3 *ob_db_sqlite_handle(struct ob_db *db);

/* ob_store_prepare() on the database layer: a statement of either
 * database, finalized by the caller (ob_db_finalize()). */
ob_err ob_store_sql(struct ob_store *s, const char *sql, struct ob_db_stmt **st,
                    struct ob_diag *d);

/* Of two texts of one statement, SQLite's or PostgreSQL's, the one for
 * s's database (where the two differ: a function one lacks, a rowid). */
static inline const char *ob_store_dialect_sql(struct ob_store *s, const char *sqlite,
                                               const char *pg)
{
	return ob_db_dialect(ob_store_conn(s)) == OB_DB_POSTGRES ? pg : sqlite;
}

/* Bind a page of a listing, "LIMIT ?i OFFSET ?i+1": limit rows (negative:
 * all) after skipping offset (negative: none, and none without a limit).
 * No limit is -1 on SQLite and NULL (LIMIT ALL) on PostgreSQL, which
 * refuses a negative one. */
static inline void ob_store_bind_page(struct ob_store *s, struct ob_db_stmt *st, int i,
                                      long long limit, long long offset)
{
	if (limit >= 0)
		ob_db_bind_int64(st, i, limit);
	else if (ob_db_dialect(ob_store_conn(s)) == OB_DB_POSTGRES)
		ob_db_bind_null(st, i);
	else
		ob_db_bind_int64(st, i, -1);
	ob_db_bind_int64(st, i + 1, limit < 0 || offset < 0 ? 0 : offset);
}

/* For a statement of the database layer: the end of a listing (rc the last
 * step's result, stop what the callback last returned; finalizes st and
 * returns stop, or -1 with d filled as ob_store_fail(s, d, what) when the
 * listing ended on a failed step); the count of a "SELECT count(*) ..."
 * already bound into *n (0 on failure; finalizes st); a row's first n
 * columns as values (their text valid until the next step or finalize of
 * st); every row's first ncols columns (at most OB_STORE_MAX_COLUMNS) given
 * to each, as a listing (store.h), finalizing st. */
int ob_store_sql_end(struct ob_store *s, struct ob_db_stmt *st, int rc, int stop,
                     const char *what, struct ob_diag *d);
ob_err ob_store_sql_count(struct ob_store *s, struct ob_db_stmt *st, long long *n,
                          const char *what, struct ob_diag *d);
void ob_store_sql_values(struct ob_db_stmt *st, int n, struct ob_store_value *v);
int ob_store_sql_rows(struct ob_store *s, struct ob_db_stmt *st, int ncols,
                      ob_store_row_fn each, void *arg, const char *what, struct ob_diag *d);

/* Run SQL without results. On error fills d with SQLite's message. */
ob_err ob_store_exec(struct ob_store *s, const char *sql, struct ob_diag *d);

/* Prepare a SQLite statement (the tests' raw SQL, tests/unit/store_sql.h);
 * on error fills d. The statement belongs to the caller, who finalizes it
 * before the store is closed. SQLite only: on PostgreSQL, OB_ESTORE saying
 * the operation does not work there. */
ob_err ob_store_prepare(struct ob_store *s, const char *sql, sqlite3_stmt **st,
                        struct ob_diag *d);

/* Fill d with the database's last message, after "what: " when what is not
 * NULL (a subject in both languages, e.g. "bitácora (logbook)"), and return
 * OB_ESTORE. */
ob_err ob_store_fail(struct ob_store *s, struct ob_diag *d, const char *what);

/* The text of the first column of sql's first row, ?1 bound to arg, into
 * out (at most size bytes, truncated); *found false and out "" when there
 * is no row or the value is NULL. what names the subject of an error. */
ob_err ob_store_text_one(struct ob_store *s, const char *sql, const char *arg, char *out,
                         size_t size, bool *found, const char *what, struct ob_diag *d);

struct ob_store_cursor;

/* A cursor (store/cursor.h) over st (a statement of the database layer,
 * prepared and bound; on PostgreSQL read in batches, ob_db_stream()),
 * whose rows have ncols columns; what names the subject in failures (as ob_store_fail()).
 * kinds, when not NULL, declares each column (ncols characters, a static
 * string): 'T' text (OB_STORE_TEXT, or OB_STORE_NULL), 'I' an integer or
 * NULL (OB_STORE_INT or OB_STORE_NULL), 'N' an integer never NULL (read as
 * OB_STORE_INT, 0 for NULL); a text column holding a number reads as its
 * text; a kind in lower case is read only when asked for
 * (ob_store_cursor_get(); the step leaves it OB_STORE_NULL). NULL: each
 * value by its type (ob_store_values()). Takes st:
 * finalized by the cursor's close, or here on failure. */
ob_err ob_store_cursor_new(struct ob_store *s, struct ob_db_stmt *st, int ncols,
                           const char *kinds,
                           const char *what, struct ob_store_cursor **out,
                           struct ob_diag *d);

/* A cursor's own reading of a row, for the longest scans: fill sets the
 * columns read at every step exactly as kinds declares them (kinds still
 * serves ob_store_cursor_get()), in straight-line code rather than a
 * loop over kinds. */
void ob_store_cursor_fill(struct ob_store_cursor *c,
                          void (*fill)(struct ob_db_stmt *st, struct ob_store_value *row));

#endif
