/* db_pg.c - the PostgreSQL driver of the store's database layer
 * (store/db.h), through libpq loaded on first use (store/pq_lib.h).
 *
 * A statement keeps its SQL with $N parameters and, bound, a copy of
 * each parameter's text; its first step sends both (PQexecParams, text
 * format) and keeps the whole result, which the following steps walk a
 * row at a time. A reset drops the result; the bindings stay. A
 * statement run a second time (a load's insert, run for every row) is
 * prepared on the server then, and later runs send only its parameters;
 * its finalize deallocates it.
 *
 * A statement marked as a long scan (ob_db_stream()) and stepped inside a
 * transaction is declared as a server-side cursor instead, whose rows are
 * fetched OB_DB_FETCH_ROWS at a time: memory holds one batch, whatever
 * the result's size, and the connection stays free for other statements
 * between fetches (which single-row mode would not allow: the snapshot
 * build reads its catalogue while it walks the submissions). Its reset
 * or finalize closes the cursor.
 *
 * COPY ... FROM STDIN sends an ingest's rows (ob_db_copy()), in text
 * format, in pieces of at most 1 MiB. */
#include "store/db.h"
#include "store/pq_lib.h"

#include <stdlib.h>

#include "base/buf.h"

/* PostgreSQL's type identifiers (pg_type.oid) of the types read as numbers */
enum {
	PG_BOOL = 16, PG_INT8 = 20, PG_TEXT = 25, PG_INT2 = 21, PG_INT4 = 23, PG_OID = 26,
	PG_FLOAT4 = 700, PG_FLOAT8 = 701, PG_NUMERIC = 1700,
};

struct pg_db {
	struct ob_db base;
	PGconn *conn;
	unsigned long long prepared;   /* statements prepared so far: their names */
	enum ob_db_failure failure;
	char msg[OB_DB_MESSAGE_MAX];
};

struct pg_stmt {
	struct ob_db_stmt base;
	char *sql;         /* with $N parameters */
	int nparams;
	char **values;     /* nparams copies, NULL for SQL NULL */
	int *lengths;
	Oid *types;        /* 0 for all: the server infers each parameter's type from
	                      the statement, as forgiving as SQLite of an integer
	                      bound where a text is compared, and the reverse */
	PGresult *res;     /* after the first step, until reset or finalize */
	int row, nrows;    /* the current row of res */
	long long runs;    /* executions so far */
	char name[32];     /* its name on the server once prepared, else "" */
	bool stream;       /* a long scan: through a cursor in a transaction */
	bool more;         /* the cursor may have rows after res's */
	char cursor[32];   /* the open cursor's name, else "" */
};

static struct pg_db *D(struct ob_db *db)
{
	return (struct pg_db *)db;
}

static struct pg_stmt *P(struct ob_db_stmt *st)
{
	return (struct pg_stmt *)st;
}

bool ob_db_is_pg_url(const char *s)
{
	return s && (!strncmp(s, "postgresql://", 13) || !strncmp(s, "postgres://", 11));
}

char *ob_db_pg_sql(const char *sql, int *nparams)
{
	struct ob_buf b = OB_BUF_INIT(OB_DB_SQL_MAX);
	const char *p = sql;
	int next = 0, top = 0;

	while (*p) {
		char c = *p;

		if (c == '\'' || c == '"') {   /* a literal or a quoted name, '' and "" inside */
			const char *q = p + 1;
			for (;;) {
				if (!*q)
					break;
				if (*q == c) {
					if (q[1] == c) {
						q += 2;
						continue;
					}
					q++;
					break;
				}
				q++;
			}
			ob_buf_put(&b, p, (size_t)(q - p));
			p = q;
		} else if (c == '-' && p[1] == '-') {
			const char *q = strchr(p, '\n');
			q = q ? q : p + strlen(p);
			ob_buf_put(&b, p, (size_t)(q - p));
			p = q;
		} else if (c == '?') {
			long n;
			char *end;

			p++;
			if (*p >= '0' && *p <= '9') {
				n = strtol(p, &end, 10);
				p = end;
			} else {
				n = next + 1;
			}
			if (n < 1 || n > OB_DB_MAX_PARAMS) {
				ob_buf_release(&b);
				return NULL;
			}
			next = (int)n;
			if (next > top)
				top = next;
			ob_buf_putf(&b, "$%d", next);
		} else {
			ob_buf_putc(&b, c);
			p++;
		}
	}
	if (ob_buf_failed(&b) || !b.ptr) {   /* too long, or empty */
		ob_buf_release(&b);
		return NULL;
	}
	*nparams = top;
	return b.ptr;
}

/* The failure of r (NULL: of the connection) as db's message and kind. */
static int fail(struct pg_db *db, const PGresult *r)
{
	const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	size_t n;

	if (!m)
		m = r ? PQresultErrorMessage(r) : PQerrorMessage(db->conn);
	ob_strlcpy(db->msg, m && *m ? m : "PostgreSQL", sizeof(db->msg));
	n = strlen(db->msg);
	while (n && (db->msg[n - 1] == '\n' || db->msg[n - 1] == ' '))
		db->msg[--n] = '\0';
	db->failure = OB_DB_FAILED;
	if (state && !strncmp(state, "23", 2))
		db->failure = OB_DB_CONSTRAINED;
	else if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01")))
		db->failure = OB_DB_CONFLICT;
	else if (state && !strcmp(state, "55P03"))
		db->failure = OB_DB_BUSY;
	if (db->failure == OB_DB_CONFLICT || db->failure == OB_DB_BUSY)
		snprintf(db->msg + n, sizeof(db->msg) - n, " (otro proceso escribía a la vez: no se "
		         "guardó nada de la transacción; repita la orden / another process was "
		         "writing at the same time: nothing of the transaction was saved; run the "
		         "command again)");
	else if (state && !strcmp(state, "57014"))
		db->failure = OB_DB_INTERRUPTED;
	return db->failure == OB_DB_CONSTRAINED ? OB_DB_CONSTRAINT : OB_DB_FAIL;
}

static void pg_close(struct ob_db *db)
{
	PQfinish(D(db)->conn);
	free(db);
}

static int pg_exec(struct ob_db *db, const char *sql)
{
	PGresult *r = PQexec(D(db)->conn, sql);
	ExecStatusType s = PQresultStatus(r);
	int rc = 0;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		fail(D(db), r);
		rc = OB_DB_FAIL;
	} else if (!strcmp(sql, "COMMIT") && !strcmp(PQcmdStatus(r), "ROLLBACK")) {
		/* the COMMIT of a transaction that had failed rolls it back,
		 * without an error: that is a failure here, never a success */
		ob_strlcpy(D(db)->msg, "la transacción había fallado y se deshizo entera (the "
		                       "transaction had failed and was rolled back whole)",
		           sizeof(D(db)->msg));
		D(db)->failure = OB_DB_FAILED;
		rc = OB_DB_FAIL;
	}
	PQclear(r);
	return rc;
}

static int pg_prepare(struct ob_db *db, const char *sql, struct ob_db_stmt **out)
{
	struct pg_stmt *st;
	int n = 0;
	char *text = ob_db_pg_sql(sql, &n);

	*out = NULL;
	if (!text) {
		ob_strlcpy(D(db)->msg, "SQL: parámetro o longitud fuera de límite (parameter or "
		                       "length out of bounds)", sizeof(D(db)->msg));
		D(db)->failure = OB_DB_FAILED;
		return OB_DB_FAIL;
	}
	st = ob_calloc(1, sizeof(*st));
	st->base.db = db;
	st->sql = text;
	st->nparams = n;
	st->row = -1;
	if (n) {
		st->values = ob_calloc((size_t)n, sizeof(*st->values));
		st->lengths = ob_calloc((size_t)n, sizeof(*st->lengths));
		st->types = ob_calloc((size_t)n, sizeof(*st->types));
	}
	/* a parameter the text never names (a count sharing a listing's
	 * numbering, without its page) is declared text, which the server
	 * could not infer */
	for (int i = 1; i <= n; i++) {
		char ref[16];
		int k = snprintf(ref, sizeof(ref), "$%d", i);
		const char *p = text;
		bool named = false;

		while (!named && (p = strstr(p, ref))) {
			p += k;
			named = *p < '0' || *p > '9';
		}
		if (!named)
			st->types[i - 1] = PG_TEXT;
	}
	*out = &st->base;
	return 0;
}

static const char *pg_errmsg(struct ob_db *db)
{
	return D(db)->msg;
}

static enum ob_db_failure pg_failure(struct ob_db *db)
{
	return D(db)->failure;
}

static bool pg_in_transaction(struct ob_db *db)
{
	PGTransactionStatusType t = PQtransactionStatus(D(db)->conn);
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

/* Parameter i (from 1) set to a copy of p (n bytes; NULL: SQL NULL). */
static int put(struct ob_db_stmt *s, int i, const char *p, size_t n, Oid type)
{
	struct pg_stmt *st = P(s);

	if (i < 1 || i > st->nparams) {
		snprintf(D(s->db)->msg, sizeof(D(s->db)->msg),
		         "parámetro %d fuera de 1..%d (parameter out of range)", i, st->nparams);
		D(s->db)->failure = OB_DB_FAILED;
		return OB_DB_FAIL;
	}
	free(st->values[i - 1]);
	st->values[i - 1] = NULL;
	st->lengths[i - 1] = 0;
	st->types[i - 1] = type;
	if (p) {
		if (n > INT32_MAX - 1) {
			ob_strlcpy(D(s->db)->msg, "parámetro de más de 2 GiB (parameter over 2 GiB)",
			           sizeof(D(s->db)->msg));
			D(s->db)->failure = OB_DB_FAILED;
			return OB_DB_FAIL;
		}
		st->values[i - 1] = ob_malloc(n + 1);
		memcpy(st->values[i - 1], p, n);
		st->values[i - 1][n] = '\0';
		st->lengths[i - 1] = (int)n;
	}
	return 0;
}

static int pg_bind_text(struct ob_db_stmt *st, int i, const char *p, size_t n)
{
	return put(st, i, p, n == OB_DB_NTS ? strlen(p) : n, 0);
}

static int pg_bind_int64(struct ob_db_stmt *st, int i, long long v)
{
	char num[24];
	int k = snprintf(num, sizeof(num), "%lld", v);
	return put(st, i, num, (size_t)k, 0);
}

static int pg_bind_double(struct ob_db_stmt *st, int i, double v)
{
	char num[40];
	int k = snprintf(num, sizeof(num), "%.17g", v);
	return put(st, i, num, (size_t)k, 0);
}

static int pg_bind_null(struct ob_db_stmt *st, int i)
{
	return put(st, i, NULL, 0, 0);
}

/* The next batch of st's cursor into st->res: 0, or as fail(). */
static int fetch(struct pg_stmt *st)
{
	PGconn *conn = D(st->base.db)->conn;
	char sql[sizeof(st->cursor) + 48];

	PQclear(st->res);
	snprintf(sql, sizeof(sql), "FETCH FORWARD %d FROM %s", OB_DB_FETCH_ROWS, st->cursor);
	st->res = PQexec(conn, sql);
	if (PQresultStatus(st->res) != PGRES_TUPLES_OK) {
		int rc = fail(D(st->base.db), st->res);
		PQclear(st->res);
		st->res = NULL;
		st->more = false;
		return rc;
	}
	st->nrows = PQntuples(st->res);
	st->more = st->nrows == OB_DB_FETCH_ROWS;
	st->row = -1;
	return 0;
}

/* Declare st as a cursor (its parameters bound) and fetch its first batch. */
static int open_cursor(struct pg_stmt *st)
{
	struct pg_db *db = D(st->base.db);
	struct ob_buf q = OB_BUF_INIT(OB_DB_SQL_MAX + 64);
	PGresult *r;
	int rc;

	snprintf(st->cursor, sizeof(st->cursor), "ob_c%llu", ++db->prepared);
	ob_buf_putf(&q, "DECLARE %s NO SCROLL CURSOR FOR ", st->cursor);
	ob_buf_puts(&q, st->sql);
	if (ob_buf_failed(&q) || !q.ptr) {
		ob_buf_release(&q);
		st->cursor[0] = '\0';
		ob_strlcpy(db->msg, "SQL: longitud fuera de límite (length out of bounds)",
		           sizeof(db->msg));
		db->failure = OB_DB_FAILED;
		return OB_DB_FAIL;
	}
	r = PQexecParams(db->conn, q.ptr, st->nparams, st->types,
	                 (const char *const *)st->values, st->lengths, NULL, 0);
	ob_buf_release(&q);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		rc = fail(db, r);
		PQclear(r);
		st->cursor[0] = '\0';
		return rc;
	}
	PQclear(r);
	st->runs++;
	return fetch(st);
}

static void close_cursor(struct pg_stmt *st)
{
	char sql[sizeof(st->cursor) + 8];

	if (!st->cursor[0])
		return;
	/* in a failed transaction the server refuses this, and the
	 * transaction's end closes the cursor anyway */
	if (PQtransactionStatus(D(st->base.db)->conn) == PQTRANS_INTRANS) {
		snprintf(sql, sizeof(sql), "CLOSE %s", st->cursor);
		PQclear(PQexec(D(st->base.db)->conn, sql));
	}
	st->cursor[0] = '\0';
	st->more = false;
}

static int pg_step(struct ob_db_stmt *s)
{
	struct pg_stmt *st = P(s);

	if (!st->res) {
		PGconn *conn = D(s->db)->conn;
		ExecStatusType t;

		if (st->stream && PQtransactionStatus(conn) == PQTRANS_INTRANS) {
			int rc = open_cursor(st);
			if (rc)
				return rc;
		} else {
			if (st->runs == 1 && !st->name[0]) {
				PGresult *r;
				char name[sizeof(st->name)];

				snprintf(name, sizeof(name), "ob_%llu", ++D(s->db)->prepared);
				r = PQprepare(conn, name, st->sql, st->nparams, st->types);
				if (PQresultStatus(r) != PGRES_COMMAND_OK) {
					int rc = fail(D(s->db), r);
					PQclear(r);
					return rc;
				}
				PQclear(r);
				ob_strlcpy(st->name, name, sizeof(st->name));
			}
			st->runs++;
			if (st->name[0])
				st->res = PQexecPrepared(conn, st->name, st->nparams,
				                         (const char *const *)st->values, st->lengths,
				                         NULL, 0);
			else
				st->res = PQexecParams(conn, st->sql, st->nparams, st->types,
				                       (const char *const *)st->values, st->lengths,
				                       NULL, 0);
			t = PQresultStatus(st->res);
			if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
				int rc = fail(D(s->db), st->res);
				PQclear(st->res);
				st->res = NULL;
				return rc;
			}
			st->nrows = t == PGRES_TUPLES_OK ? PQntuples(st->res) : 0;
			st->row = -1;
		}
	}
	if (st->row < st->nrows)
		st->row++;
	if (st->row >= st->nrows && st->more) {
		int rc = fetch(st);
		if (rc)
			return rc;
		st->row = 0;
	}
	return st->row < st->nrows ? OB_DB_ROW : OB_DB_DONE;
}

static void pg_stream(struct ob_db_stmt *s)
{
	P(s)->stream = true;
}

static void pg_reset(struct ob_db_stmt *s)
{
	close_cursor(P(s));
	PQclear(P(s)->res);
	P(s)->res = NULL;
	P(s)->row = -1;
	P(s)->nrows = 0;
}

static void pg_clear_bindings(struct ob_db_stmt *s)
{
	for (int i = 1; i <= P(s)->nparams; i++)
		put(s, i, NULL, 0, 0);
}

static void pg_finalize(struct ob_db_stmt *s)
{
	struct pg_stmt *st = P(s);

	close_cursor(st);
	PQclear(st->res);
	if (st->name[0]) {
		/* in a failed transaction the server refuses this too: the
		 * statement then lasts until the connection ends */
		char sql[sizeof(st->name) + 16];

		snprintf(sql, sizeof(sql), "DEALLOCATE %s", st->name);
		PQclear(PQexec(D(s->db)->conn, sql));
	}
	for (int i = 0; i < st->nparams; i++)
		free(st->values[i]);
	free(st->values);
	free(st->lengths);
	free(st->types);
	free(st->sql);
	free(st);
}

/* Whether column i of the current row can be read. */
static bool cell(struct pg_stmt *st, int i)
{
	return st->res && st->row >= 0 && st->row < st->nrows && i >= 0 &&
	       i < PQnfields(st->res) && !PQgetisnull(st->res, st->row, i);
}

static enum ob_store_type pg_column_type(struct ob_db_stmt *s, int i)
{
	struct pg_stmt *st = P(s);
	const char *v;

	if (!cell(st, i))
		return OB_STORE_NULL;
	switch (PQftype(st->res, i)) {
	case PG_INT2: case PG_INT4: case PG_INT8: case PG_OID: case PG_BOOL:
		return OB_STORE_INT;
	case PG_FLOAT4: case PG_FLOAT8:
		return OB_STORE_REAL;
	case PG_NUMERIC:
		v = PQgetvalue(st->res, st->row, i);
		return strpbrk(v, ".eEN") ? OB_STORE_REAL : OB_STORE_INT;
	default:
		return OB_STORE_TEXT;
	}
}

static const char *pg_column_text(struct ob_db_stmt *s, int i)
{
	struct pg_stmt *st = P(s);
	return cell(st, i) ? PQgetvalue(st->res, st->row, i) : NULL;
}

static size_t pg_column_bytes(struct ob_db_stmt *s, int i)
{
	struct pg_stmt *st = P(s);
	return cell(st, i) ? (size_t)PQgetlength(st->res, st->row, i) : 0;
}

static long long pg_column_int64(struct ob_db_stmt *s, int i)
{
	struct pg_stmt *st = P(s);
	const char *v;
	char *end;
	long long n;

	if (!cell(st, i))
		return 0;
	v = PQgetvalue(st->res, st->row, i);
	if (PQftype(st->res, i) == PG_BOOL)
		return v[0] == 't';
	n = strtoll(v, &end, 10);
	if (*end == '.' || *end == 'e' || *end == 'E')
		return (long long)strtod(v, NULL);
	return n;
}

static double pg_column_double(struct ob_db_stmt *s, int i)
{
	struct pg_stmt *st = P(s);
	return cell(st, i) ? strtod(PQgetvalue(st->res, st->row, i), NULL) : 0.0;
}

void ob_db_copy_field(struct ob_buf *b, const char *p, size_t n, char sep)
{
	if (!p) {
		ob_buf_put(b, "\\N", 2);
	} else {
		const char *run = p, *end = p + n;

		for (const char *q = p; q < end; q++) {
			const char *esc;

			switch (*q) {
			case '\\': esc = "\\\\"; break;
			case '\t': esc = "\\t"; break;
			case '\n': esc = "\\n"; break;
			case '\r': esc = "\\r"; break;
			default: continue;
			}
			ob_buf_put(b, run, (size_t)(q - run));
			ob_buf_put(b, esc, 2);
			run = q + 1;
		}
		ob_buf_put(b, run, (size_t)(end - run));
	}
	ob_buf_putc(b, sep);
}

static int pg_copy(struct ob_db *db, const char *sql, const char *data, size_t n)
{
	PGconn *conn = D(db)->conn;
	PGresult *r = PQexec(conn, sql);
	bool sent = true, failed = false;
	int rc = 0;

	if (PQresultStatus(r) != PGRES_COPY_IN) {
		rc = fail(D(db), r);   /* a COPY not started leaves nothing to drain */
		PQclear(r);
		return rc;
	}
	PQclear(r);
	for (size_t off = 0; off < n;) {
		size_t k = n - off < (size_t)1 << 20 ? n - off : (size_t)1 << 20;
		if (PQputCopyData(conn, data + off, (int)k) != 1) {
			sent = false;
			break;
		}
		off += k;
	}
	if (sent && PQputCopyEnd(conn, NULL) != 1)
		sent = false;
	if (!sent) {
		rc = fail(D(db), NULL);   /* the connection's message, before draining */
		failed = true;
	}
	/* the COPY's result, then nothing */
	while ((r = PQgetResult(conn))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && !failed) {
			rc = fail(D(db), r);
			failed = true;
		}
		PQclear(r);
	}
	return rc;
}

static const struct ob_db_driver pg_driver = {
	.close = pg_close,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.errmsg = pg_errmsg,
	.failure = pg_failure,
	.in_transaction = pg_in_transaction,
	.bind_text = pg_bind_text,
	.bind_int64 = pg_bind_int64,
	.bind_double = pg_bind_double,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.reset = pg_reset,
	.clear_bindings = pg_clear_bindings,
	.finalize = pg_finalize,
	.column_type = pg_column_type,
	.column_text = pg_column_text,
	.column_bytes = pg_column_bytes,
	.column_int64 = pg_column_int64,
	.column_double = pg_column_double,
	.stream = pg_stream,
	.copy = pg_copy,
};

/* libpq prints the server's notices on stderr by default; the store has
 * nothing to show of them */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

ob_err ob_db_pg_connect(const char *url, bool read_only, struct ob_db **out,
                        struct ob_diag *d)
{
	struct pg_db *db;
	char setup[160];
	ob_err e;

	*out = NULL;
	if ((e = ob_pq_load(d)))
		return e;
	/* a lock held by another writer is waited for as SQLite's busy
	 * timeout waits, then reported busy */
	snprintf(setup, sizeof(setup), "%sSET client_min_messages = warning;"
	         "SET lock_timeout = %d", read_only ? "SET default_transaction_read_only = on;" : "",
	         OB_STORE_BUSY_MS);
	db = ob_calloc(1, sizeof(*db));
	db->base.drv = &pg_driver;
	db->base.dialect = OB_DB_POSTGRES;
	db->conn = PQconnectdb(url);
	if (!db->conn || PQstatus(db->conn) != CONNECTION_OK) {
		if (db->conn)
			fail(db, NULL);
		else
			ob_strlcpy(db->msg, "libpq", sizeof(db->msg));
		e = OB_DIAG(d, OB_ESTORE, NULL, 0, 0, NULL, 0,
		            "no se pudo conectar con el almacén PostgreSQL: %s",
		            "cannot connect to the PostgreSQL store: %s", db->msg);
		goto finish;
	}
	PQsetNoticeProcessor(db->conn, quiet, NULL);
	if (PQsetClientEncoding(db->conn, "UTF8") != 0 ||
	    pg_exec(&db->base, setup)) {
		if (!*db->msg)
			fail(db, NULL);
		e = OB_DIAG(d, OB_ESTORE, NULL, 0, 0, NULL, 0,
		            "no se pudo preparar la conexión con PostgreSQL: %s",
		            "cannot set up the PostgreSQL connection: %s", db->msg);
		goto finish;
	}
	*out = &db->base;
	return OB_OK;
finish:
	PQfinish(db->conn);
	free(db);
	return e;
}
