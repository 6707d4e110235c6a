/* store.c - opening, migrating and transactions of the SQLite store. */
#include "store/store_int.h"

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"

#include "store/schema.sql.h"

struct ob_store {
	sqlite3 *db;
	char dir[OB_MAX_PATH];
	bool in_tx;
};

int ob_store_schema_version(void)
{
	return (int)OB_ARRAY_SIZE(ob_migrations);
}

static ob_err sql_error(struct ob_store *s, struct ob_diag *d, const char *what)
{
	return ob_diag_set(d, OB_ESTORE, s->dir, 0, 0, NULL, 0, "%s: %s", what,
	                   sqlite3_errmsg(s->db));
}

ob_err ob_store_exec(struct ob_store *s, const char *sql, struct ob_diag *d)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		ob_diag_set(d, OB_ESTORE, s->dir, 0, 0, NULL, 0, "%s",
		            msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return OB_ESTORE;
	}
	return OB_OK;
}

ob_err ob_store_prepare(struct ob_store *s, const char *sql, sqlite3_stmt **st,
                        struct ob_diag *d)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return sql_error(s, d, "SQL");
	}
	return OB_OK;
}

static int user_version(struct ob_store *s)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static ob_err migrate(struct ob_store *s, struct ob_diag *d)
{
	int have = user_version(s), want = ob_store_schema_version();
	char pragma[64];

	if (have < 0)
		return sql_error(s, d, "PRAGMA user_version");
	if (have > want)
		return OB_DIAG(d, OB_ESCHEMA, s->dir, 0, 0, NULL, 0,
		               "el almacén tiene el esquema %d y este observa conoce hasta "
		               "el %d",
		               "the store has schema %d and this observa knows up to %d", have,
		               want);
	if (have == want)
		return OB_OK;
	if (ob_store_begin(s, d))
		return OB_ESTORE;
	for (int v = have; v < want; v++)
		if (ob_store_exec(s, ob_migrations[v], d))
			goto rollback;
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", want);
	if (ob_store_exec(s, pragma, d))
		goto rollback;
	return ob_store_commit(s, d);
rollback:
	ob_store_rollback(s);
	return OB_ESTORE;
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The record-key secret, made when missing (a new store, or one made
 * before it existed). Another process making it at the same time is
 * harmless: the first insert wins and both read it back. */
static ob_err ensure_secret(struct ob_store *s, struct ob_diag *d)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char raw[OB_STORE_SECRET_LEN];
	char hex[2 * OB_STORE_SECRET_LEN + 1], have[2 * OB_STORE_SECRET_LEN + 8];
	sqlite3_stmt *st;
	ob_err e = OB_OK;

	if (ob_store_meta_get(s, OB_STORE_KEY_SECRET, have, sizeof(have)) == OB_OK)
		return OB_OK;
	if (sodium_init() < 0)
		return OB_DIAG(d, OB_EIO, s->dir, 0, 0, NULL, 0, "no se pudo iniciar libsodium",
		               "libsodium failed to start");
	randombytes_buf(raw, sizeof(raw));
	for (size_t i = 0; i < sizeof(raw); i++) {
		hex[2 * i] = digits[raw[i] >> 4];
		hex[2 * i + 1] = digits[raw[i] & 15];
	}
	hex[2 * OB_STORE_SECRET_LEN] = '\0';
	sodium_memzero(raw, sizeof(raw));
	if (ob_store_prepare(s, "INSERT OR IGNORE INTO meta(key, value) VALUES(?1, ?2)", &st, d))
		return OB_ESTORE;
	sqlite3_bind_text(st, 1, OB_STORE_KEY_SECRET, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hex, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		e = sql_error(s, d, "meta");
	sqlite3_finalize(st);
	sodium_memzero(hex, sizeof(hex));
	return e;
}

ob_err ob_store_key_secret(struct ob_store *s, unsigned char out[OB_STORE_SECRET_LEN],
                           struct ob_diag *d)
{
	char hex[2 * OB_STORE_SECRET_LEN + 8];
	ob_err e = OB_OK;

	if (ob_store_meta_get(s, OB_STORE_KEY_SECRET, hex, sizeof(hex)) != OB_OK)
		return OB_DIAG(d, OB_ENOENT, s->dir, 0, 0, NULL, 0,
		               "el almacén no tiene su secreto de claves de registro; ábralo "
		               "una vez en modo escritura (e.g. «observa ingest»)",
		               "the store has no record-key secret yet; open it once for "
		               "writing (e.g. «observa ingest»)");
	if (strlen(hex) != 2 * OB_STORE_SECRET_LEN)
		e = OB_ECORRUPT;
	for (size_t i = 0; !e && i < OB_STORE_SECRET_LEN; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			e = OB_ECORRUPT;
		else
			out[i] = (unsigned char)(hi << 4 | lo);
	}
	sodium_memzero(hex, sizeof(hex));
	if (e)
		return OB_DIAG(d, OB_ECORRUPT, s->dir, 0, 0, NULL, 0,
		               "el secreto de claves de registro del almacén está dañado",
		               "the store's record-key secret is damaged");
	return OB_OK;
}

/* Can this process write the store? A WAL store needs its file and, to
 * make its -wal and -shm files, its directory (unless both exist and are
 * writable). */
static bool writable(const char *dir, const char *path)
{
	char aux[OB_MAX_PATH + 8];

	if (access(path, W_OK) != 0)
		return false;
	if (access(dir, W_OK) == 0)
		return true;
	for (const char *const *x = (const char *const[]){ "-wal", "-shm", NULL }; *x; x++)
		if (snprintf(aux, sizeof(aux), "%s%s", path, *x) >= (int)sizeof(aux) ||
		    access(aux, W_OK) != 0)
			return false;
	return true;
}

static ob_err read_only_error(const char *dir, const char *path, struct ob_diag *d)
{
	return OB_DIAG(d, OB_ESTORE, dir, 0, 0, NULL, 0,
	               "el almacén es de solo lectura para este usuario (%s o su directorio "
	               "no admiten escritura) y esta orden necesita escribir en él, aunque "
	               "sea solo en la bitácora de auditoría; las órdenes que solo leen "
	               "funcionan. Dé permiso de escritura al archivo y al directorio o use "
	               "otro usuario",
	               "the store is read-only for this user (%s or its directory cannot be "
	               "written) and this command needs to write to it, if only to the "
	               "audit log; commands that only read work. Give write permission to "
	               "the file and the directory or use another user", path);
}

/* A read-only connection; when the directory cannot hold the -shm file a
 * WAL store needs and no writer has one open (no -wal file), the store is
 * opened as immutable: nothing can change it meanwhile. */
static ob_err open_read_only(struct ob_store *s, const char *path, struct ob_diag *d)
{
	struct ob_buf b = OB_BUF_INIT(3 * OB_MAX_PATH + 64);
	char wal[OB_MAX_PATH + 8];
	struct stat st;
	int rc;

	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		return sql_error(s, d, "no se pudo abrir el almacén");
	if (user_version(s) >= 0)
		return OB_OK;
	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (access(s->dir, W_OK) == 0 || stat(wal, &st) == 0)
		return sql_error(s, d, "no se pudo leer el almacén");
	sqlite3_close(s->db);
	s->db = NULL;
	/* file: URI with the path percent-encoded */
	ob_buf_puts(&b, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/-._~", *p))
			ob_buf_putc(&b, (char)*p);
		else
			ob_buf_putf(&b, "%%%02X", *p);
	}
	if (ob_buf_adds(&b, "?immutable=1") || !b.ptr) {
		ob_buf_release(&b);
		return OB_DIAG(d, OB_ETOOBIG, s->dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	}
	rc = sqlite3_open_v2(b.ptr, &s->db,
	                     SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	ob_buf_release(&b);
	if (rc != SQLITE_OK || user_version(s) < 0)
		return sql_error(s, d, "no se pudo leer el almacén");
	return OB_OK;
}

ob_err ob_store_open(const char *dir, enum ob_store_mode mode,
                     struct ob_store **out, struct ob_diag *d)
{
	struct ob_store *s;
	char path[OB_MAX_PATH];
	struct stat stbuf;
	int have, want = ob_store_schema_version();
	ob_err e;

	*out = NULL;
	if (snprintf(path, sizeof(path), "%s/%s", dir, OB_STORE_FILE) >= (int)sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if (mode == OB_STORE_CREATE && stat(path, &stbuf) == 0)
		return OB_DIAG(d, OB_EEXISTS, dir, 0, 0, NULL, 0,
		               "ya hay un observatorio en este directorio",
		               "there is already an observatory in this directory");
	if (mode != OB_STORE_CREATE && stat(path, &stbuf) != 0)
		return OB_DIAG(d, OB_ENOENT, dir, 0, 0, NULL, 0,
		               "no es un observatorio: falta %s; créelo con «observa init»",
		               "not an observatory: %s is missing; create it with «observa "
		               "init»", OB_STORE_FILE);
	if (mode == OB_STORE_EXISTING && !writable(dir, path))
		return read_only_error(dir, path, d);
	s = ob_calloc(1, sizeof(*s));
	ob_strlcpy(s->dir, dir, sizeof(s->dir));
	/* one connection per thread: no per-call mutex */
	if (mode == OB_STORE_READONLY) {
		if ((e = open_read_only(s, path, d)))
			goto close_db;
	} else if (sqlite3_open_v2(path, &s->db,
	                           SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	                           NULL) != SQLITE_OK) {
		e = sql_error(s, d, "no se pudo abrir el almacén");
		goto close_db;
	}
	sqlite3_busy_timeout(s->db, OB_STORE_BUSY_MS);
	if (mode != OB_STORE_READONLY) {
		if (sqlite3_db_readonly(s->db, "main") == 1) {
			e = read_only_error(dir, path, d);
			goto close_db;
		}
		if ((e = ob_store_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
		                          "PRAGMA foreign_keys=ON;", d)))
			goto close_db;
		if ((e = migrate(s, d)) || (e = ensure_secret(s, d)))
			goto close_db;
	} else if ((have = user_version(s)) != want) {
		e = have > want
		            ? OB_DIAG(d, OB_ESCHEMA, dir, 0, 0, NULL, 0,
		                      "el almacén tiene el esquema %d y este observa conoce "
		                      "hasta el %d",
		                      "the store has schema %d and this observa knows up to %d",
		                      have, want)
		            : OB_DIAG(d, OB_ESCHEMA, dir, 0, 0, NULL, 0,
		                      "el almacén tiene el esquema %d y este observa usa el "
		                      "%d: necesita migrarse, y eso lo hace la primera "
		                      "orden que escriba en él ejecutada con permiso de "
		                      "escritura",
		                      "the store has schema %d and this observa uses %d: it "
		                      "needs migrating, which the first command that writes "
		                      "to it, run with write permission, does", have, want);
		goto close_db;
	}
	*out = s;
	return OB_OK;
close_db:
	sqlite3_close(s->db);
	free(s);
	return e;
}

void ob_store_close(struct ob_store *s)
{
	if (!s)
		return;
	if (s->in_tx)
		ob_store_rollback(s);
	sqlite3_close(s->db);
	free(s);
}

const char *ob_store_dir(const struct ob_store *s)
{
	return s->dir;
}

sqlite3 *ob_store_db(struct ob_store *s)
{
	return s->db;
}

ob_err ob_store_begin(struct ob_store *s, struct ob_diag *d)
{
	if (ob_store_exec(s, "BEGIN IMMEDIATE", d))
		return OB_ESTORE;
	s->in_tx = true;
	return OB_OK;
}

ob_err ob_store_commit(struct ob_store *s, struct ob_diag *d)
{
	if (ob_store_exec(s, "COMMIT", d)) {
		ob_store_rollback(s);
		return OB_ESTORE;
	}
	s->in_tx = false;
	return OB_OK;
}

void ob_store_rollback(struct ob_store *s)
{
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = false;
}

ob_err ob_store_meta_set(struct ob_store *s, const char *key, const char *value,
                         struct ob_diag *d)
{
	sqlite3_stmt *st;
	ob_err e = OB_OK;

	if (ob_store_prepare(s, "INSERT INTO meta(key, value) VALUES(?1, ?2) "
	                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value", &st, d))
		return OB_ESTORE;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		e = sql_error(s, d, "meta");
	sqlite3_finalize(st);
	return e;
}

ob_err ob_store_meta_get(struct ob_store *s, const char *key, char *out, size_t size)
{
	sqlite3_stmt *st;
	ob_err e = OB_ENOENT;

	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL))
		return OB_ESTORE;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		ob_strlcpy(out, v ? v : "", size);
		e = OB_OK;
	}
	sqlite3_finalize(st);
	return e;
}

int ob_bind_text(sqlite3_stmt *st, int i, const char *p, size_t n)
{
	if (!p)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, p, (int)n, SQLITE_STATIC);
}

/* ------------------------------------------------------------------------
 * Shared by the subject files (store/store_int.h).
 */

ob_err ob_store_fail(struct ob_store *s, struct ob_diag *d, const char *what)
{
	if (what)
		return ob_diag_set(d, OB_ESTORE, ob_store_dir(s), 0, 0, NULL, 0, "%s: %s", what,
		                   sqlite3_errmsg(ob_store_db(s)));
	return ob_diag_set(d, OB_ESTORE, ob_store_dir(s), 0, 0, NULL, 0, "%s",
	                   sqlite3_errmsg(ob_store_db(s)));
}

int ob_store_each_end(struct ob_store *s, sqlite3_stmt *st, int rc, int stop, const char *what,
                      struct ob_diag *d)
{
	if (!stop && rc != SQLITE_DONE) {
		ob_store_fail(s, d, what);   /* the message before finalize clears it */
		stop = -1;
	}
	sqlite3_finalize(st);
	return stop;
}

ob_err ob_store_text_one(struct ob_store *s, const char *sql, const char *arg, char *out,
                         size_t size, bool *found, const char *what, struct ob_diag *d)
{
	sqlite3_stmt *st;
	ob_err e;
	int rc;

	*found = false;
	if (size)
		out[0] = '\0';
	if ((e = ob_store_prepare(s, sql, &st, d)))
		return e;
	ob_store_bind_text(st, 1, arg);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && ob_store_text(st, 0)) {
		*found = true;
		ob_strlcpy(out, ob_store_text(st, 0), size);
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		e = ob_store_fail(s, d, what);
	}
	sqlite3_finalize(st);
	return e;
}

ob_err ob_store_count_rows(struct ob_store *s, sqlite3_stmt *st, long long *n,
                           const char *what, struct ob_diag *d)
{
	ob_err e = OB_OK;

	*n = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		e = ob_store_fail(s, d, what);
	sqlite3_finalize(st);
	return e;
}

/* ---- for the readers outside the store (store.h) ---- */

ob_err ob_store_schema_read(struct ob_store *s, int *version, struct ob_diag *d)
{
	sqlite3_stmt *st;
	int v = -1;

	if (ob_store_prepare(s, "PRAGMA user_version", &st, d))
		return OB_ESTORE;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	if (v < 0) {
		ob_store_fail(s, d, NULL);
		sqlite3_finalize(st);
		return OB_ESTORE;
	}
	sqlite3_finalize(st);
	*version = v;
	return OB_OK;
}

void ob_store_guard(struct ob_store *s, int (*stop)(void *arg),
                    int (*busy)(void *arg, int tries), void *arg)
{
	sqlite3_progress_handler(s->db, OB_STORE_GUARD_STEPS, stop, arg);
	sqlite3_busy_handler(s->db, busy, arg);
}

void ob_store_guard_untimed(struct ob_store *s)
{
	sqlite3_progress_handler(s->db, 0, NULL, NULL);
}

void ob_store_unguard(struct ob_store *s, int busy_ms)
{
	sqlite3_progress_handler(s->db, 0, NULL, NULL);
	sqlite3_busy_timeout(s->db, busy_ms);
}

enum ob_store_failure ob_store_last_failure(struct ob_store *s)
{
	int code = sqlite3_errcode(s->db);

	if (code == SQLITE_INTERRUPT)
		return OB_STORE_INTERRUPTED;
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return OB_STORE_BUSY;
	return OB_STORE_FAILED;
}

const char *ob_store_last_message(struct ob_store *s)
{
	return sqlite3_errmsg(s->db);
}

void ob_store_values(sqlite3_stmt *st, int n, struct ob_store_value *v)
{
	for (int i = 0; i < n; i++) {
		struct ob_store_value *x = &v[i];

		switch (sqlite3_column_type(st, i)) {
		case SQLITE_NULL:
			x->type = OB_STORE_NULL;
			x->i = 0;
			x->text = NULL;
			x->len = 0;
			break;
		case SQLITE_INTEGER:
			x->type = OB_STORE_INT;
			x->i = sqlite3_column_int64(st, i);
			x->text = NULL;
			x->len = 0;
			break;
		case SQLITE_FLOAT:
			x->type = OB_STORE_REAL;
			x->r = sqlite3_column_double(st, i);
			x->i = 0;
			x->text = (const char *)sqlite3_column_text(st, i);
			x->len = x->text ? (size_t)sqlite3_column_bytes(st, i) : 0;
			break;
		default:
			x->type = OB_STORE_TEXT;
			x->i = 0;
			x->text = (const char *)sqlite3_column_text(st, i);
			x->len = x->text ? (size_t)sqlite3_column_bytes(st, i) : 0;
		}
	}
}

int ob_store_rows(struct ob_store *s, sqlite3_stmt *st, int ncols, ob_store_row_fn each,
                  void *arg, const char *what, struct ob_diag *d)
{
	struct ob_store_value v[OB_STORE_MAX_COLUMNS];
	int rc = SQLITE_DONE, stop = 0;

	if (ncols > OB_STORE_MAX_COLUMNS)
		ncols = OB_STORE_MAX_COLUMNS;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		ob_store_values(st, ncols, v);
		stop = each(arg, v, (size_t)ncols);
	}
	return ob_store_each_end(s, st, rc, stop, what, d);
}
