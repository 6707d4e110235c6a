/*
 * db.h - the store's database layer: one connection to SQLite or to
 * PostgreSQL behind the same few calls, so that the store's subject files
 * (submissions.c, catalog.c, ...) are written once for both. Only files
 * under src/store include it (docs/store.md describes the design and what
 * is ported so far).
 *
 * Two drivers: SQLite (db_sqlite.c, the embedded default: a thin layer over
 * the sqlite3 calls the store made directly) and PostgreSQL (db_pg.c,
 * libpq, loaded on first use by store/pq_lib.h so that observa runs where
 * libpq is not installed).
 *
 * SQL is written once, with numbered parameters ?1, ?2, ...; the
 * PostgreSQL driver rewrites them to $1, $2, ... (outside quotes and
 * comments). Statements whose text must differ between the two (a
 * function SQLite has and PostgreSQL lacks, a PRAGMA) choose it by
 * ob_db_dialect(); the schema's differences are the table in
 * store/schema_pg.h.
 *
 * A parameter's type is left for PostgreSQL to infer from where it first
 * appears: write "col = ?1 OR ?1 IS NULL", not "?1 IS NULL OR col = ?1"
 * (whose ?1 it cannot type).
 *
 * Values: a bound text is copied, so it may change after the bind. A
 * column's text is valid until the next step, reset or finalize of its
 * statement. Integers are 64-bit; a PostgreSQL bigint, integer or
 * integral numeric reads as OB_STORE_INT, a double or fractional numeric
 * as OB_STORE_REAL, anything else as OB_STORE_TEXT.
 *
 * Ownership: ob_db_close() ends a connection after every statement on it
 * was finalized. Threads: one thread at a time per connection.
 *
 * Errors: a call that fails returns OB_DB_FAIL (or OB_DB_CONSTRAINT from a
 * step a constraint refused); ob_db_errmsg() is the database's message and
 * ob_db_failure() what kind of failure it was, both until the next call.
 */
#ifndef OB_STORE_DB_H
#define OB_STORE_DB_H

#include "store/store.h"

enum ob_db_dialect { OB_DB_SQLITE, OB_DB_POSTGRES };

/* What a step returns. */
enum {
	OB_DB_FAIL = -1,       /* an error: ob_db_errmsg() */
	OB_DB_CONSTRAINT = -2, /* a constraint (unique, check, foreign key) refused a change */
	OB_DB_DONE = 0,        /* no (more) rows */
	OB_DB_ROW = 1,         /* a row is ready for the column calls */
};

/* Why the last call failed. */
enum ob_db_failure {
	OB_DB_FAILED,        /* anything else */
	OB_DB_CONSTRAINED,   /* a constraint refused a change */
	OB_DB_BUSY,          /* another writer held a lock too long */
	OB_DB_CONFLICT,      /* a serialization failure or a deadlock with another
	                        writer: the transaction, run again whole, may pass */
	OB_DB_INTERRUPTED,   /* interrupted (a guard's stop, a cancelled query) */
};

/* bind_text's n meaning "up to the terminating NUL" */
#define OB_DB_NTS ((size_t)-1)

struct ob_db;
struct ob_db_stmt;

/* A driver: what each connection and statement call does. */
struct ob_db_driver {
	void (*close)(struct ob_db *db);
	int (*exec)(struct ob_db *db, const char *sql);
	int (*prepare)(struct ob_db *db, const char *sql, struct ob_db_stmt **out);
	const char *(*errmsg)(struct ob_db *db);
	enum ob_db_failure (*failure)(struct ob_db *db);
	bool (*in_transaction)(struct ob_db *db);
	int (*bind_text)(struct ob_db_stmt *st, int i, const char *p, size_t n);
	/* as bind_text, but p is only borrowed (NULL: the driver copies anyway) */
	int (*bind_text_ref)(struct ob_db_stmt *st, int i, const char *p, size_t n);
	int (*bind_int64)(struct ob_db_stmt *st, int i, long long v);
	int (*bind_double)(struct ob_db_stmt *st, int i, double v);
	int (*bind_null)(struct ob_db_stmt *st, int i);
	int (*step)(struct ob_db_stmt *st);
	void (*reset)(struct ob_db_stmt *st);
	void (*clear_bindings)(struct ob_db_stmt *st);
	void (*finalize)(struct ob_db_stmt *st);
	enum ob_store_type (*column_type)(struct ob_db_stmt *st, int i);
	const char *(*column_text)(struct ob_db_stmt *st, int i);
	size_t (*column_bytes)(struct ob_db_stmt *st, int i);
	long long (*column_int64)(struct ob_db_stmt *st, int i);
	double (*column_double)(struct ob_db_stmt *st, int i);
	/* NULL where the driver has nothing to do or cannot (see below) */
	void (*stream)(struct ob_db_stmt *st);
	int (*copy)(struct ob_db *db, const char *sql, const char *data, size_t n);
};

/* What every driver's connection and statement begin with. */
struct ob_db {
	const struct ob_db_driver *drv;
	enum ob_db_dialect dialect;
};
struct ob_db_stmt {
	struct ob_db *db;
};

/* A connection to the PostgreSQL database named by url (a libpq
 * connection URI, postgresql://...); read_only makes every transaction
 * read-only. OB_ENOENT when libpq cannot be loaded, OB_ESTORE when the
 * server refuses; d says which, in both languages. */
ob_err ob_db_pg_connect(const char *url, bool read_only, struct ob_db **out,
                        struct ob_diag *d);

/* Whether s names a PostgreSQL store (postgresql:// or postgres://). */
bool ob_db_is_pg_url(const char *s);

/* The PostgreSQL text of sql: ?N as $N, a bare ? as the next $N, quotes
 * and comments left alone; *nparams the highest parameter number. NULL
 * when out of memory. The caller frees it. */
char *ob_db_pg_sql(const char *sql, int *nparams);

static inline void ob_db_close(struct ob_db *db)
{
	if (db)
		db->drv->close(db);
}
static inline enum ob_db_dialect ob_db_dialect(const struct ob_db *db)
{
	return db->dialect;
}
/* Run sql (one or more statements separated by ';', no parameters, no
 * results): 0 or OB_DB_FAIL. */
static inline int ob_db_exec(struct ob_db *db, const char *sql)
{
	return db->drv->exec(db, sql);
}
/* A statement of sql (one statement): 0 with *out set, or OB_DB_FAIL with
 * *out NULL. */
static inline int ob_db_prepare(struct ob_db *db, const char *sql, struct ob_db_stmt **out)
{
	return db->drv->prepare(db, sql, out);
}
static inline const char *ob_db_errmsg(struct ob_db *db)
{
	return db->drv->errmsg(db);
}
static inline enum ob_db_failure ob_db_failure(struct ob_db *db)
{
	return db->drv->failure(db);
}
/* Whether a transaction is open on db. */
static inline bool ob_db_in_transaction(struct ob_db *db)
{
	return db->drv->in_transaction(db);
}
/* Parameters are numbered from 1. Text is copied; p NULL binds NULL. */
static inline int ob_db_bind_text(struct ob_db_stmt *st, int i, const char *p, size_t n)
{
	return p ? st->db->drv->bind_text(st, i, p, n) : st->db->drv->bind_null(st, i);
}
static inline int ob_db_bind_str(struct ob_db_stmt *st, int i, const char *p)
{
	return ob_db_bind_text(st, i, p, OB_DB_NTS);
}
/* As ob_db_bind_text, without the copy where the driver can: the caller
 * keeps p unchanged until the statement's next step (or its finalize). For
 * a statement run many times whose values are all bound again before each
 * step, as a delivery's inserts. */
static inline int ob_db_bind_text_ref(struct ob_db_stmt *st, int i, const char *p, size_t n)
{
	if (!p)
		return st->db->drv->bind_null(st, i);
	return st->db->drv->bind_text_ref ? st->db->drv->bind_text_ref(st, i, p, n)
	                                  : st->db->drv->bind_text(st, i, p, n);
}
static inline int ob_db_bind_int64(struct ob_db_stmt *st, int i, long long v)
{
	return st->db->drv->bind_int64(st, i, v);
}
static inline int ob_db_bind_double(struct ob_db_stmt *st, int i, double v)
{
	return st->db->drv->bind_double(st, i, v);
}
static inline int ob_db_bind_null(struct ob_db_stmt *st, int i)
{
	return st->db->drv->bind_null(st, i);
}
/* OB_DB_ROW, OB_DB_DONE, OB_DB_CONSTRAINT or OB_DB_FAIL. */
static inline int ob_db_step(struct ob_db_stmt *st)
{
	return st->db->drv->step(st);
}
/* Back to before the first step; the bindings stay. */
static inline void ob_db_reset(struct ob_db_stmt *st)
{
	st->db->drv->reset(st);
}
/* Every parameter back to NULL. */
static inline void ob_db_clear_bindings(struct ob_db_stmt *st)
{
	st->db->drv->clear_bindings(st);
}
/* NULL allowed. */
static inline void ob_db_finalize(struct ob_db_stmt *st)
{
	if (st)
		st->db->drv->finalize(st);
}
/* Columns are numbered from 0. */
static inline enum ob_store_type ob_db_column_type(struct ob_db_stmt *st, int i)
{
	return st->db->drv->column_type(st, i);
}
/* NULL for SQL NULL. */
static inline const char *ob_db_column_text(struct ob_db_stmt *st, int i)
{
	return st->db->drv->column_text(st, i);
}
static inline size_t ob_db_column_bytes(struct ob_db_stmt *st, int i)
{
	return st->db->drv->column_bytes(st, i);
}
/* 0 for NULL; a number with a fraction truncated. */
static inline long long ob_db_column_int64(struct ob_db_stmt *st, int i)
{
	return st->db->drv->column_int64(st, i);
}
static inline int ob_db_column_int(struct ob_db_stmt *st, int i)
{
	return (int)st->db->drv->column_int64(st, i);
}
static inline double ob_db_column_double(struct ob_db_stmt *st, int i)
{
	return st->db->drv->column_double(st, i);
}

/* Mark st, before its first step, as a long scan: on PostgreSQL, inside a
 * transaction, its rows are read through a server-side cursor
 * OB_DB_FETCH_ROWS at a time (base/limits.h) instead of as one whole
 * result, and other statements may run on the connection between its
 * steps; outside a transaction it is read as any other. SQLite reads a row
 * at a time anyway: nothing to do. */
static inline void ob_db_stream(struct ob_db_stmt *st)
{
	if (st->db->drv->stream)
		st->db->drv->stream(st);
}
/* Whether db can load rows with ob_db_copy(). */
static inline bool ob_db_can_copy(const struct ob_db *db)
{
	return db->drv->copy != NULL;
}
/* Run sql, a "COPY table(columns) FROM STDIN" (text format), sending it
 * data (n bytes: rows of tab-separated fields ending in a newline, \N for
 * NULL, backslash, tab, newline and carriage return escaped; see
 * ob_db_copy_field()): 0, OB_DB_CONSTRAINT or OB_DB_FAIL as a step. Only
 * where ob_db_can_copy(); elsewhere OB_DB_FAIL. */
static inline int ob_db_copy(struct ob_db *db, const char *sql, const char *data, size_t n)
{
	return db->drv->copy ? db->drv->copy(db, sql, data, n) : OB_DB_FAIL;
}

struct ob_buf;
/* Append to b one field of a COPY row in text format: p (n bytes) escaped,
 * or \N when p is NULL; then sep (a tab, or the row's newline). Sticky
 * as ob_buf_put(). */
void ob_db_copy_field(struct ob_buf *b, const char *p, size_t n, char sep);

#endif
