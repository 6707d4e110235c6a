/* db_sqlite.c - the SQLite driver of the store's database layer
 * (store/db.h): each call is the sqlite3 call the store made before the
 * layer existed, so a SQLite store behaves exactly as it did. */
#include "store/store_int.h"

#include <limits.h>

struct sq_db {
	struct ob_db base;
	sqlite3 *h;
};

struct sq_stmt {
	struct ob_db_stmt base;
	sqlite3_stmt *st;
};

static sqlite3 *H(struct ob_db *db)
{
	return ((struct sq_db *)db)->h;
}

static sqlite3_stmt *S(struct ob_db_stmt *st)
{
	return ((struct sq_stmt *)st)->st;
}

static void sq_close(struct ob_db *db)
{
	sqlite3_close(H(db));
	free(db);
}

static int sq_exec(struct ob_db *db, const char *sql)
{
	return sqlite3_exec(H(db), sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : OB_DB_FAIL;
}

static int sq_prepare(struct ob_db *db, const char *sql, struct ob_db_stmt **out)
{
	struct sq_stmt *s;
	sqlite3_stmt *st;

	*out = NULL;
	if (sqlite3_prepare_v2(H(db), sql, -1, &st, NULL) != SQLITE_OK)
		return OB_DB_FAIL;
	s = ob_calloc(1, sizeof(*s));
	s->base.db = db;
	s->st = st;
	*out = &s->base;
	return 0;
}

static const char *sq_errmsg(struct ob_db *db)
{
	return sqlite3_errmsg(H(db));
}

static enum ob_db_failure sq_failure(struct ob_db *db)
{
	switch (sqlite3_errcode(H(db))) {
	case SQLITE_CONSTRAINT:
		return OB_DB_CONSTRAINED;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return OB_DB_BUSY;
	case SQLITE_INTERRUPT:
		return OB_DB_INTERRUPTED;
	default:
		return OB_DB_FAILED;
	}
}

static bool sq_in_transaction(struct ob_db *db)
{
	return sqlite3_get_autocommit(H(db)) == 0;
}

static int rc_of(int rc)
{
	return rc == SQLITE_OK ? 0 : OB_DB_FAIL;
}

static int sq_bind_text(struct ob_db_stmt *st, int i, const char *p, size_t n)
{
	if (n != OB_DB_NTS && n > INT_MAX)
		return OB_DB_FAIL;
	return rc_of(sqlite3_bind_text(S(st), i, p, n == OB_DB_NTS ? -1 : (int)n,
	                               SQLITE_TRANSIENT));
}

static int sq_bind_text_ref(struct ob_db_stmt *st, int i, const char *p, size_t n)
{
	if (n != OB_DB_NTS && n > INT_MAX)
		return OB_DB_FAIL;
	return rc_of(sqlite3_bind_text(S(st), i, p, n == OB_DB_NTS ? -1 : (int)n, SQLITE_STATIC));
}

static int sq_bind_int64(struct ob_db_stmt *st, int i, long long v)
{
	return rc_of(sqlite3_bind_int64(S(st), i, v));
}

static int sq_bind_double(struct ob_db_stmt *st, int i, double v)
{
	return rc_of(sqlite3_bind_double(S(st), i, v));
}

static int sq_bind_null(struct ob_db_stmt *st, int i)
{
	return rc_of(sqlite3_bind_null(S(st), i));
}

static int sq_step(struct ob_db_stmt *st)
{
	switch (sqlite3_step(S(st))) {
	case SQLITE_ROW:
		return OB_DB_ROW;
	case SQLITE_DONE:
		return OB_DB_DONE;
	case SQLITE_CONSTRAINT:
		return OB_DB_CONSTRAINT;
	default:
		return OB_DB_FAIL;
	}
}

static void sq_reset(struct ob_db_stmt *st)
{
	sqlite3_reset(S(st));
}

static void sq_clear_bindings(struct ob_db_stmt *st)
{
	sqlite3_clear_bindings(S(st));
}

static void sq_finalize(struct ob_db_stmt *st)
{
	sqlite3_finalize(S(st));
	free(st);
}

static enum ob_store_type sq_column_type(struct ob_db_stmt *st, int i)
{
	switch (sqlite3_column_type(S(st), i)) {
	case SQLITE_NULL:
		return OB_STORE_NULL;
	case SQLITE_INTEGER:
		return OB_STORE_INT;
	case SQLITE_FLOAT:
		return OB_STORE_REAL;
	default:
		return OB_STORE_TEXT;
	}
}

static const char *sq_column_text(struct ob_db_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(S(st), i);
}

static size_t sq_column_bytes(struct ob_db_stmt *st, int i)
{
	return (size_t)sqlite3_column_bytes(S(st), i);
}

static long long sq_column_int64(struct ob_db_stmt *st, int i)
{
	return sqlite3_column_int64(S(st), i);
}

static double sq_column_double(struct ob_db_stmt *st, int i)
{
	return sqlite3_column_double(S(st), i);
}

static const struct ob_db_driver sqlite_driver = {
	.close = sq_close,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.errmsg = sq_errmsg,
	.failure = sq_failure,
	.in_transaction = sq_in_transaction,
	.bind_text = sq_bind_text,
	.bind_text_ref = sq_bind_text_ref,
	.bind_int64 = sq_bind_int64,
	.bind_double = sq_bind_double,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.reset = sq_reset,
	.clear_bindings = sq_clear_bindings,
	.finalize = sq_finalize,
	.column_type = sq_column_type,
	.column_text = sq_column_text,
	.column_bytes = sq_column_bytes,
	.column_int64 = sq_column_int64,
	.column_double = sq_column_double,
};

struct ob_db *ob_db_sqlite_wrap(sqlite3 *h)
{
	struct sq_db *db = ob_calloc(1, sizeof(*db));

	db->base.drv = &sqlite_driver;
	db->base.dialect = OB_DB_SQLITE;
	db->h = h;
	return &db->base;
}

sqlite3 *ob_db_sqlite_handle(struct ob_db *db)
{
	return db && db->dialect == OB_DB_SQLITE ? H(db) : NULL;
}
