/* store.c - opening, migrating and transactions of the store, on SQLite
 * (observa.db in the observatory) or PostgreSQL (the database store.url
 * names). */
#include "store/store_int.h"

#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"

#include "store/backup.h"
#include "store/schema.sql.h"
#include "store/schema_pg.h"

struct ob_store {
	struct ob_db *conn;   /* the database layer's connection (store/db.h) */
	sqlite3 *db;          /* a SQLite store's handle (owned by conn); NULL on PostgreSQL */
	char dir[OB_MAX_PATH];
	bool in_tx;
	struct ob_store_writer *writer;   /* a delivery's writer, open in the transaction */
	struct ob_catalog_writer *catalog_writer;   /* a catalogue load's, likewise */
	bool unsent;   /* a writer was freed with rows it never sent: no commit */
};

int ob_store_schema_version(void)
{
	return (int)OB_ARRAY_SIZE(ob_migrations);
}

/* The database's last message (SQLite's even before the layer wraps it). */
static const char *errmsg(struct ob_store *s)
{
	return s->db ? sqlite3_errmsg(s->db) : s->conn ? ob_db_errmsg(s->conn) : "";
}

static ob_err sql_error(struct ob_store *s, struct ob_diag *d, const char *what)
{
	return ob_diag_set(d, OB_ESTORE, s->dir, 0, 0, NULL, 0, "%s: %s", what, errmsg(s));
}

/* SQLite's process-wide settings, once, before its first use: no memory
 * statistics (nothing reads them, and keeping them takes a global mutex on
 * every allocation SQLite makes, 8 % of an ingest's time with one thread
 * parsing and another writing). */
static void sqlite_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Open the SQLite file name (a path or a file: URI) with flags, as s's
 * connection; its handle is s->db even when the open failed (closed by
 * drop()). */
static int open_sqlite(struct ob_store *s, const char *name, int flags)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	int rc;

	pthread_once(&configured, sqlite_configure);
	rc = sqlite3_open_v2(name, &s->db, flags, NULL);

	/* wait for other processes from the first statement on: a reader's
	 * first read of a WAL store can meet another process setting up the
	 * shared index, and must wait for it, not fail as locked */
	if (rc == SQLITE_OK)
		sqlite3_busy_timeout(s->db, OB_STORE_BUSY_MS);
	s->conn = ob_db_sqlite_wrap(s->db);
	return rc;
}

/* Close s's connection, if any. */
static void drop(struct ob_store *s)
{
	ob_db_close(s->conn);
	s->conn = NULL;
	s->db = NULL;
}

ob_err ob_store_exec(struct ob_store *s, const char *sql, struct ob_diag *d)
{
	char *msg = NULL;

	if (!s->db) {
		if (ob_db_exec(s->conn, sql))
			return ob_diag_set(d, OB_ESTORE, s->dir, 0, 0, NULL, 0, "%s",
			                   ob_db_errmsg(s->conn));
		return OB_OK;
	}
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		ob_diag_set(d, OB_ESTORE, s->dir, 0, 0, NULL, 0, "%s",
		            msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return OB_ESTORE;
	}
	return OB_OK;
}

/* What a part of the store not yet on the database layer answers on
 * PostgreSQL (docs/store.md lists what is). */
static ob_err not_on_pg(struct ob_store *s, struct ob_diag *d)
{
	return OB_DIAG(d, OB_ESTORE, s->dir, 0, 0, NULL, 0,
	               "esta operación del almacén aún no funciona con PostgreSQL (el "
	               "observatorio usa PostgreSQL; docs/store.md dice qué funciona ya)",
	               "this store operation does not work on PostgreSQL yet (the "
	               "observatory uses PostgreSQL; docs/store.md says what already does)");
}

ob_err ob_store_prepare(struct ob_store *s, const char *sql, sqlite3_stmt **st,
                        struct ob_diag *d)
{
	if (!s->db) {
		*st = NULL;
		return not_on_pg(s, d);
	}
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return sql_error(s, d, "SQL");
	}
	return OB_OK;
}

ob_err ob_store_sql(struct ob_store *s, const char *sql, struct ob_db_stmt **st,
                    struct ob_diag *d)
{
	if (ob_db_prepare(s->conn, sql, st))
		return sql_error(s, d, "SQL");
	return OB_OK;
}

struct ob_db *ob_store_conn(struct ob_store *s)
{
	return s->conn;
}

/* The schema version the store reached: SQLite's user_version, or the one
 * row of observa_schema on PostgreSQL (0 when there is none yet); -1 when
 * it cannot be read. */
static int user_version(struct ob_store *s)
{
	struct ob_db_stmt *st;
	int v = -1;

	if (ob_db_prepare(s->conn, s->db ? "PRAGMA user_version"
	                                 : "SELECT coalesce(max(version), 0) FROM observa_schema",
	                  &st))
		return -1;
	if (ob_db_step(st) == OB_DB_ROW)
		v = ob_db_column_int(st, 0);
	ob_db_finalize(st);
	return v;
}

/* Migration v's text for this store's database; NULL with d filled. */
static char *migration_sql(struct ob_store *s, int v, struct ob_diag *d)
{
	if (s->db)
		return ob_strdup(ob_migrations[v]);
	return ob_schema_pg(v, ob_migrations[v], d);
}

static ob_err migrate(struct ob_store *s, struct ob_diag *d)
{
	int have = user_version(s), want = ob_store_schema_version();
	char pragma[128];

	if (!s->db) {
		/* the version's table, then, under its lock, the version again: two
		 * processes opening a new database migrate it once */
		if (ob_store_exec(s, "CREATE TABLE IF NOT EXISTS observa_schema("
		                     "version INTEGER NOT NULL)", d))
			return OB_ESTORE;
		if (ob_store_begin(s, d))
			return OB_ESTORE;
		if (ob_store_exec(s, "LOCK TABLE observa_schema IN EXCLUSIVE MODE", d))
			goto rollback;
		have = user_version(s);
		if (have < 0) {
			sql_error(s, d, "observa_schema");
			goto rollback;
		}
		ob_store_rollback(s);
	}
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
	if (!s->db) {
		if (ob_store_exec(s, "LOCK TABLE observa_schema IN EXCLUSIVE MODE", d))
			goto rollback;
		if (user_version(s) != have) {
			OB_DIAG(d, OB_ESTORE, s->dir, 0, 0, NULL, 0,
			        "otro proceso migró el almacén a la vez; repita la orden",
			        "another process migrated the store meanwhile; run the command "
			        "again");
			goto rollback;
		}
	}
	for (int v = have; v < want; v++) {
		char *sql = migration_sql(s, v, d);
		ob_err e = sql ? ob_store_exec(s, sql, d) : OB_ESCHEMA;

		free(sql);
		if (e)
			goto rollback;
	}
	if (s->db)
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", want);
	else
		snprintf(pragma, sizeof(pragma), "DELETE FROM observa_schema;"
		         "INSERT INTO observa_schema(version) VALUES(%d)", want);
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
	struct ob_db_stmt *st;
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
	if (ob_store_sql(s, "INSERT INTO meta(key, value) VALUES(?1, ?2)"
	                    " ON CONFLICT(key) DO NOTHING", &st, d))
		return OB_ESTORE;
	ob_db_bind_str(st, 1, OB_STORE_KEY_SECRET);
	ob_db_bind_str(st, 2, hex);
	if (ob_db_step(st) != OB_DB_DONE)
		e = sql_error(s, d, "meta");
	ob_db_finalize(st);
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

	if (open_sqlite(s, path, SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READONLY) != SQLITE_OK)
		return sql_error(s, d, "no se pudo abrir el almacén");
	if (user_version(s) >= 0)
		return OB_OK;
	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (access(s->dir, W_OK) == 0 || stat(wal, &st) == 0)
		return sql_error(s, d, "no se pudo leer el almacén");
	drop(s);
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
	rc = open_sqlite(s, b.ptr, SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
	ob_buf_release(&b);
	if (rc != SQLITE_OK || user_version(s) < 0)
		return sql_error(s, d, "no se pudo leer el almacén");
	return OB_OK;
}

/* The URL in dir's store.url (the first line, without its end): OB_OK,
 * OB_ENOENT when there is no such file, or another error with d filled. */
static ob_err read_url(const char *dir, char *url, size_t size, struct ob_diag *d)
{
	char path[OB_MAX_PATH];
	FILE *f;
	size_t n;

	if (snprintf(path, sizeof(path), "%s/%s", dir, OB_STORE_URL_FILE) >= (int)sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if (!(f = fopen(path, "r")))
		return errno == ENOENT ? OB_ENOENT
		                       : OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0,
		                                 "no se pudo leer: %s", "cannot read: %s",
		                                 strerror(errno));
	if (!fgets(url, (int)size, f))
		url[0] = '\0';
	fclose(f);
	n = strlen(url);
	while (n && (url[n - 1] == '\n' || url[n - 1] == '\r' || url[n - 1] == ' '))
		url[--n] = '\0';
	if (n + 1 >= size)
		return OB_DIAG(d, OB_ETOOBIG, path, 1, 0, NULL, 0,
		               "la dirección del almacén pasa de %d bytes",
		               "the store's address exceeds %d bytes", (int)size - 2);
	if (!ob_db_is_pg_url(url))
		return OB_DIAG(d, OB_EINVAL, path, 1, 1, url, n,
		               "se esperaba la dirección de una base PostgreSQL "
		               "(postgresql://...)",
		               "expected the address of a PostgreSQL database (postgresql://...)");
	return OB_OK;
}

ob_err ob_store_read_url(const char *dir, char *url, size_t size, struct ob_diag *d)
{
	return read_url(dir, url, size, d);
}

/* Open the PostgreSQL store at url for dir's observatory: migrated and
 * with its secret unless read-only, at this program's schema if so. */
static ob_err open_pg(const char *dir, const char *url, enum ob_store_mode mode,
                      struct ob_store **out, struct ob_diag *d)
{
	struct ob_store *s = ob_calloc(1, sizeof(*s));
	int have, want = ob_store_schema_version();
	ob_err e;

	ob_strlcpy(s->dir, dir, sizeof(s->dir));
	if ((e = ob_db_pg_connect(url, mode == OB_STORE_READONLY, &s->conn, d)))
		goto close_db;
	have = user_version(s);
	if (mode == OB_STORE_CREATE && have > 0) {
		e = OB_DIAG(d, OB_EEXISTS, dir, 0, 0, NULL, 0,
		            "la base PostgreSQL ya tiene un observatorio (esquema %d)",
		            "the PostgreSQL database already holds an observatory (schema %d)",
		            have);
		goto close_db;
	}
	if (mode != OB_STORE_CREATE && have <= 0) {
		e = OB_DIAG(d, OB_ENOENT, dir, 0, 0, NULL, 0,
		            "la base PostgreSQL que nombra %s no tiene un observatorio; créelo "
		            "con «observa init --store»",
		            "the PostgreSQL database %s names holds no observatory; create it "
		            "with «observa init --store»", OB_STORE_URL_FILE);
		goto close_db;
	}
	if (mode == OB_STORE_READONLY) {
		if (have != want) {
			e = OB_DIAG(d, OB_ESCHEMA, dir, 0, 0, NULL, 0,
			            "el almacén tiene el esquema %d y este observa usa el %d",
			            "the store has schema %d and this observa uses %d", have, want);
			goto close_db;
		}
	} else if ((e = migrate(s, d)) || (e = ensure_secret(s, d))) {
		goto close_db;
	}
	*out = s;
	return OB_OK;
close_db:
	drop(s);
	free(s);
	return e;
}

bool ob_store_url_valid(const char *url)
{
	return ob_db_is_pg_url(url);
}

ob_err ob_store_create_url(const char *dir, const char *url, struct ob_store **out,
                           struct ob_diag *d)
{
	char path[OB_MAX_PATH], db[OB_MAX_PATH], have[8];
	struct stat stbuf;
	FILE *f;
	int fd;
	ob_err e;

	*out = NULL;
	if (!ob_db_is_pg_url(url))
		return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, url, strlen(url),
		               "se esperaba la dirección de una base PostgreSQL "
		               "(postgresql://...)",
		               "expected the address of a PostgreSQL database (postgresql://...)");
	if (strlen(url) + 2 >= OB_STORE_URL_MAX)
		return OB_DIAG(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0,
		               "la dirección del almacén pasa de %d bytes",
		               "the store's address exceeds %d bytes", OB_STORE_URL_MAX - 2);
	if (snprintf(path, sizeof(path), "%s/%s", dir, OB_STORE_URL_FILE) >= (int)sizeof(path) ||
	    snprintf(db, sizeof(db), "%s/%s", dir, OB_STORE_FILE) >= (int)sizeof(db))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if (stat(db, &stbuf) == 0 || read_url(dir, have, sizeof(have), d) != OB_ENOENT)
		return OB_DIAG(d, OB_EEXISTS, dir, 0, 0, NULL, 0,
		               "ya hay un observatorio en este directorio",
		               "there is already an observatory in this directory");
	if ((e = open_pg(dir, url, OB_STORE_CREATE, out, d)))
		return e;
	/* the address may hold a password: readable by its owner only */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		e = OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo crear: %s",
		            "cannot create: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		goto close_store;
	}
	fprintf(f, "%s\n", url);
	if (fclose(f) != 0) {
		e = OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo escribir: %s",
		            "cannot write: %s", strerror(errno));
		unlink(path);
		goto close_store;
	}
	return OB_OK;
close_store:
	ob_store_close(*out);
	*out = NULL;
	return e;
}

ob_err ob_store_open(const char *dir, enum ob_store_mode mode,
                     struct ob_store **out, struct ob_diag *d)
{
	struct ob_store *s;
	char path[OB_MAX_PATH], url[OB_STORE_URL_MAX];
	struct stat stbuf;
	int have, want = ob_store_schema_version();
	ob_err e;

	*out = NULL;
	if (snprintf(path, sizeof(path), "%s/%s", dir, OB_STORE_FILE) >= (int)sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if (mode == OB_STORE_CREATE &&
	    (stat(path, &stbuf) == 0 || read_url(dir, url, sizeof(url), d) != OB_ENOENT))
		return OB_DIAG(d, OB_EEXISTS, dir, 0, 0, NULL, 0,
		               "ya hay un observatorio en este directorio",
		               "there is already an observatory in this directory");
	if (mode != OB_STORE_CREATE && stat(path, &stbuf) != 0 &&
	    (e = read_url(dir, url, sizeof(url), d)) != OB_ENOENT)
		return e ? e : open_pg(dir, url, mode, out, d);
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
	} else if (open_sqlite(s, path, SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READWRITE |
	                                       SQLITE_OPEN_CREATE) != SQLITE_OK) {
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
	drop(s);
	free(s);
	return e;
}

void ob_store_close(struct ob_store *s)
{
	if (!s)
		return;
	if (s->in_tx)
		ob_store_rollback(s);
	drop(s);
	free(s);
}

void ob_store_keep_log(struct ob_store *s)
{
	if (s && s->db)
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
}

const char *ob_store_dir(const struct ob_store *s)
{
	return s->dir;
}

sqlite3 *ob_store_db(struct ob_store *s)
{
	return s->db;
}

long long ob_store_sqlite_last_id(struct ob_store *s)
{
	return s->db ? sqlite3_last_insert_rowid(s->db) : 0;
}

struct ob_store_writer *ob_store_writer_of(struct ob_store *s)
{
	return s->writer;
}

void ob_store_writer_set(struct ob_store *s, struct ob_store_writer *w)
{
	s->writer = w;
}

struct ob_catalog_writer *ob_store_catalog_writer_of(struct ob_store *s)
{
	return s->catalog_writer;
}

void ob_store_catalog_writer_set(struct ob_store *s, struct ob_catalog_writer *w)
{
	s->catalog_writer = w;
}

void ob_store_unsent_rows(struct ob_store *s)
{
	if (s->in_tx)
		s->unsent = true;
}

/* SQLite: one writer at a time from the start (BEGIN IMMEDIATE), so a
 * transaction never fails half-way for another's lock. PostgreSQL:
 * SERIALIZABLE, so that concurrent writers give the result of some order
 * of them, and one that cannot fails as busy (a serialization failure)
 * rather than losing an update. */
ob_err ob_store_begin(struct ob_store *s, struct ob_diag *d)
{
	if (ob_store_exec(s, s->db ? "BEGIN IMMEDIATE" : "BEGIN ISOLATION LEVEL SERIALIZABLE", d))
		return OB_ESTORE;
	s->in_tx = true;
	s->unsent = false;
	return OB_OK;
}

ob_err ob_store_commit(struct ob_store *s, struct ob_diag *d)
{
	if (s->unsent) {
		ob_store_rollback(s);
		return OB_DIAG(d, OB_ESTORE, s->dir, 0, 0, NULL, 0,
		               "filas de un envío quedaron sin escribir: no se guardó nada",
		               "rows of a delivery were left unwritten: nothing was saved");
	}
	if (ob_store_exec(s, "COMMIT", d)) {
		ob_store_rollback(s);
		return OB_ESTORE;
	}
	s->in_tx = false;
	return OB_OK;
}

void ob_store_rollback(struct ob_store *s)
{
	s->unsent = false;
	if (s->db)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	else
		ob_db_exec(s->conn, "ROLLBACK");
	s->in_tx = false;
}

ob_err ob_store_meta_set(struct ob_store *s, const char *key, const char *value,
                         struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e = OB_OK;

	if (ob_store_sql(s, "INSERT INTO meta(key, value) VALUES(?1, ?2) "
	                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value", &st, d))
		return OB_ESTORE;
	ob_db_bind_str(st, 1, key);
	ob_db_bind_str(st, 2, value);
	if (ob_db_step(st) != OB_DB_DONE)
		e = sql_error(s, d, "meta");
	ob_db_finalize(st);
	return e;
}

ob_err ob_store_meta_get(struct ob_store *s, const char *key, char *out, size_t size)
{
	struct ob_db_stmt *st;
	ob_err e = OB_ENOENT;

	if (ob_db_prepare(s->conn, "SELECT value FROM meta WHERE key = ?1", &st))
		return OB_ESTORE;
	ob_db_bind_str(st, 1, key);
	if (ob_db_step(st) == OB_DB_ROW) {
		const char *v = ob_db_column_text(st, 0);
		ob_strlcpy(out, v ? v : "", size);
		e = OB_OK;
	}
	ob_db_finalize(st);
	return e;
}

/* ------------------------------------------------------------------------
 * Shared by the subject files (store/store_int.h).
 */

ob_err ob_store_fail(struct ob_store *s, struct ob_diag *d, const char *what)
{
	if (what)
		return ob_diag_set(d, OB_ESTORE, ob_store_dir(s), 0, 0, NULL, 0, "%s: %s", what,
		                   errmsg(s));
	return ob_diag_set(d, OB_ESTORE, ob_store_dir(s), 0, 0, NULL, 0, "%s", errmsg(s));
}

int ob_store_sql_end(struct ob_store *s, struct ob_db_stmt *st, int rc, int stop,
                     const char *what, struct ob_diag *d)
{
	if (!stop && rc != OB_DB_DONE) {
		ob_store_fail(s, d, what);   /* the message before finalize clears it */
		stop = -1;
	}
	ob_db_finalize(st);
	return stop;
}

ob_err ob_store_text_one(struct ob_store *s, const char *sql, const char *arg, char *out,
                         size_t size, bool *found, const char *what, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;
	int rc;

	*found = false;
	if (size)
		out[0] = '\0';
	if ((e = ob_store_sql(s, sql, &st, d)))
		return e;
	ob_db_bind_str(st, 1, arg);
	rc = ob_db_step(st);
	if (rc == OB_DB_ROW && ob_db_column_text(st, 0)) {
		*found = true;
		ob_strlcpy(out, ob_db_column_text(st, 0), size);
	} else if (rc != OB_DB_ROW && rc != OB_DB_DONE) {
		e = ob_store_fail(s, d, what);
	}
	ob_db_finalize(st);
	return e;
}

ob_err ob_store_sql_count(struct ob_store *s, struct ob_db_stmt *st, long long *n,
                          const char *what, struct ob_diag *d)
{
	ob_err e = OB_OK;

	*n = 0;
	if (ob_db_step(st) == OB_DB_ROW)
		*n = ob_db_column_int64(st, 0);
	else
		e = ob_store_fail(s, d, what);
	ob_db_finalize(st);
	return e;
}

/* ---- for the readers outside the store (store.h) ---- */

ob_err ob_store_schema_read(struct ob_store *s, int *version, struct ob_diag *d)
{
	int v = user_version(s);

	if (v < 0)
		return ob_store_fail(s, d, NULL);
	*version = v;
	return OB_OK;
}

/* PostgreSQL: a statement's time limit and a lock's wait, in ms (0: none),
 * for the connection's statements from now on (a session's settings, set
 * outside a transaction; a negative one is left as it was). */
static void pg_limits(struct ob_store *s, long long statement_ms, long long lock_ms)
{
	char sql[128];
	int n = 0;

	if (statement_ms >= 0)
		n = snprintf(sql, sizeof(sql), "SET statement_timeout = %lld;", statement_ms);
	if (lock_ms >= 0)
		snprintf(sql + n, sizeof(sql) - (size_t)n, "SET lock_timeout = %lld", lock_ms);
	/* a failure shows in the statements that follow */
	ob_db_exec(s->conn, sql);
}

void ob_store_guard(struct ob_store *s, int (*stop)(void *arg),
                    int (*busy)(void *arg, int tries), void *arg, long long budget_ms)
{
	if (!s->db) {
		/* the lock's wait shorter, or the statement's limit would always
		 * come first and a lock never be reported busy */
		budget_ms = budget_ms < 2 ? 2 : budget_ms;
		pg_limits(s, budget_ms, budget_ms * 9 / 10);
		return;
	}
	sqlite3_progress_handler(s->db, OB_STORE_GUARD_STEPS, stop, arg);
	sqlite3_busy_handler(s->db, busy, arg);
}

void ob_store_guard_untimed(struct ob_store *s)
{
	if (s->db)
		sqlite3_progress_handler(s->db, 0, NULL, NULL);
	else
		pg_limits(s, 0, -1);
}

void ob_store_unguard(struct ob_store *s, int busy_ms)
{
	if (!s->db) {
		pg_limits(s, 0, busy_ms);
		return;
	}
	sqlite3_progress_handler(s->db, 0, NULL, NULL);
	sqlite3_busy_timeout(s->db, busy_ms);
}

enum ob_store_failure ob_store_last_failure(struct ob_store *s)
{
	switch (ob_db_failure(s->conn)) {
	case OB_DB_INTERRUPTED:
		return OB_STORE_INTERRUPTED;
	case OB_DB_BUSY:
	case OB_DB_CONFLICT:
		return OB_STORE_BUSY;
	default:
		return OB_STORE_FAILED;
	}
}

bool ob_store_conflicted(struct ob_store *s)
{
	return ob_db_failure(s->conn) == OB_DB_CONFLICT;
}

const char *ob_store_last_message(struct ob_store *s)
{
	return errmsg(s);
}

void ob_store_sql_values(struct ob_db_stmt *st, int n, struct ob_store_value *v)
{
	for (int i = 0; i < n; i++) {
		struct ob_store_value *x = &v[i];

		x->type = ob_db_column_type(st, i);
		x->i = 0;
		x->text = NULL;
		x->len = 0;
		switch (x->type) {
		case OB_STORE_NULL:
			break;
		case OB_STORE_INT:
			x->i = ob_db_column_int64(st, i);
			break;
		case OB_STORE_REAL:
			x->r = ob_db_column_double(st, i);
			/* its text too */
			__attribute__((fallthrough));
		default:
			x->text = ob_db_column_text(st, i);
			x->len = x->text ? ob_db_column_bytes(st, i) : 0;
		}
	}
}

int ob_store_sql_rows(struct ob_store *s, struct ob_db_stmt *st, int ncols, ob_store_row_fn each,
                      void *arg, const char *what, struct ob_diag *d)
{
	struct ob_store_value v[OB_STORE_MAX_COLUMNS];
	int rc = OB_DB_DONE, stop = 0;

	if (ncols > OB_STORE_MAX_COLUMNS)
		ncols = OB_STORE_MAX_COLUMNS;
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW) {
		ob_store_sql_values(st, ncols, v);
		stop = each(arg, v, (size_t)ncols);
	}
	return ob_store_sql_end(s, st, rc, stop, what, d);
}
