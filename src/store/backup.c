/* backup.c - an online copy of the store and the check of a copy
 * (store/backup.h): SQLite's online backup, or pg_dump and pg_restore on
 * PostgreSQL. */
#include "store/backup.h"
#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static ob_err sync_file(const char *path, struct ob_diag *d)
{
	int fd = open(path, O_RDONLY);
	ob_err e = OB_OK;

	if (fd < 0 || fsync(fd) != 0)
		e = OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo asegurar en disco: %s",
		            "could not sync to disk: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return e;
}

ob_err ob_store_backup_to(struct ob_store *s, const char *path, ob_backup_progress_fn progress,
                          void *arg, struct ob_diag *d)
{
	char tmp[OB_MAX_PATH];
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	struct stat st;
	bool reading = false;
	int rc;
	ob_err e = OB_OK;

	if (stat(path, &st) == 0)
		return OB_DIAG(d, OB_EEXISTS, path, 0, 0, NULL, 0, "ya existe", "already exists");
	if (snprintf(tmp, sizeof(tmp), "%s.partial", path) >= (int)sizeof(tmp))
		return OB_DIAG(d, OB_ETOOBIG, path, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	unlink(tmp);
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		e = ob_diag_set(d, OB_EIO, tmp, 0, 0, NULL, 0, "%s",
		                dst ? sqlite3_errmsg(dst) : "sqlite3_open");
		goto close_dst;
	}
	/* one read transaction across the steps: every page comes from the
	 * same committed state, whatever writers commit meanwhile (WAL) */
	if ((e = ob_store_exec(s, "BEGIN", d)) ||
	    (reading = true, e = ob_store_exec(s, "SELECT count(*) FROM sqlite_master", d)))
		goto close_dst;
	if (!(b = sqlite3_backup_init(dst, "main", ob_store_db(s), "main"))) {
		e = ob_diag_set(d, OB_ESTORE, tmp, 0, 0, NULL, 0, "%s", sqlite3_errmsg(dst));
		goto close_dst;
	}
	do {
		rc = sqlite3_backup_step(b, OB_BACKUP_STEP_PAGES);
		if (progress)
			progress(arg, sqlite3_backup_pagecount(b) - sqlite3_backup_remaining(b),
			         sqlite3_backup_pagecount(b));
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(OB_BACKUP_BUSY_MS);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	if (sqlite3_backup_finish(b) != SQLITE_OK || rc != SQLITE_DONE) {
		e = ob_diag_set(d, OB_ESTORE, tmp, 0, 0, NULL, 0, "%s", sqlite3_errmsg(dst));
		goto close_dst;
	}
	/* a copy is one file: no WAL beside it */
	if (sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		e = ob_diag_set(d, OB_ESTORE, tmp, 0, 0, NULL, 0, "%s", sqlite3_errmsg(dst));
		goto close_dst;
	}
close_dst:
	if (reading) {
		struct ob_diag ignored;
		ob_store_exec(s, "COMMIT", &ignored);
	}
	if (sqlite3_close(dst) != SQLITE_OK && !e)
		e = ob_diag_set(d, OB_EIO, tmp, 0, 0, NULL, 0, "close");
	if (!e)
		e = sync_file(tmp, d);
	if (!e && rename(tmp, path) != 0)
		e = OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo renombrar: %s",
		            "could not rename: %s", strerror(errno));
	if (e)
		unlink(tmp);
	return e;
}

ob_err ob_store_check_file(const char *path, int *schema, struct ob_diag *d)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char found[256] = "";
	ob_err e = OB_OK;
	int rc;

	*schema = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		e = OB_DIAG(d, OB_ECORRUPT, path, 0, 0, NULL, 0, "no se puede abrir: %s",
		            "cannot be opened: %s", db ? sqlite3_errmsg(db) : "sqlite3_open");
		goto close_db;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		e = OB_DIAG(d, OB_ECORRUPT, path, 0, 0, NULL, 0,
		            "no es una base de datos de observa: %s",
		            "not an observa database: %s", sqlite3_errmsg(db));
		goto finalize;
	}
	*schema = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (*schema <= 0 || *schema > ob_store_schema_version()) {
		e = OB_DIAG(d, *schema > 0 ? OB_ESCHEMA : OB_ECORRUPT, path, 0, 0, NULL, 0,
		            "esquema %d: este observa conoce del 1 al %d",
		            "schema %d: this observa knows 1 to %d", *schema,
		            ob_store_schema_version());
		goto close_db;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check(8)", -1, &st, NULL) != SQLITE_OK) {
		e = OB_DIAG(d, OB_ECORRUPT, path, 0, 0, NULL, 0, "no se puede comprobar: %s",
		            "cannot be checked: %s", sqlite3_errmsg(db));
		goto close_db;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(st, 0);
		if (m && strcmp(m, "ok") && !found[0])
			ob_strlcpy(found, m, sizeof(found));
	}
	if (rc != SQLITE_DONE && !found[0])
		ob_strlcpy(found, sqlite3_errmsg(db), sizeof(found));
	if (found[0])
		e = OB_DIAG(d, OB_ECORRUPT, path, 0, 0, NULL, 0,
		            "la comprobación de integridad falla: %s",
		            "the integrity check fails: %s", found);
finalize:
	sqlite3_finalize(st);
close_db:
	sqlite3_close(db);
	return e;
}

/* ---- PostgreSQL: pg_dump and pg_restore ---- */

bool ob_store_on_pg(struct ob_store *s)
{
	return ob_db_dialect(ob_store_conn(s)) == OB_DB_POSTGRES;
}

/* Append what fd gives to out (size bytes, kept NUL-terminated; what does
 * not fit is dropped); false at its end. */
static bool drain(int fd, char *out, size_t size)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));
	size_t have = strlen(out);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	if (have + 1 < size) {
		size_t k = (size_t)n < size - 1 - have ? (size_t)n : size - 1 - have;
		memcpy(out + have, buf, k);
		out[have + k] = '\0';
	}
	return true;
}

/* Run argv (argv[0] looked up on PATH) with its standard output into out
 * and its standard error into err (each size bytes, NUL-terminated, the
 * start of what it wrote). Returns its exit status, 127 when it could not
 * be started (not installed), 128 + the signal that ended it, or -1 when
 * no process could be made. */
static int run_tool(char *const argv[], char *out, char *err, size_t size)
{
	posix_spawn_file_actions_t fa;
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, ws, status = -1;
	pid_t pid;

	out[0] = err[0] = '\0';
	if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC))
		goto close_pipes;
	if (posix_spawn_file_actions_init(&fa))
		goto close_pipes;
	posix_spawn_file_actions_adddup2(&fa, po[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, pe[1], STDERR_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	errno = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (errno) {
		status = errno == ENOENT ? 127 : -1;
		goto close_pipes;
	}
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	{
		struct pollfd p[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
		int open_fds = 2;

		while (open_fds) {
			if (poll(p, 2, -1) < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			for (int i = 0; i < 2; i++)
				if (p[i].fd >= 0 && (p[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
				    !drain(p[i].fd, i ? err : out, size)) {
					p[i].fd = -1;
					open_fds--;
				}
		}
	}
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			goto close_pipes;
	status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
close_pipes:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	return status;
}

/* The first line of a tool's message, for a diagnostic. */
static const char *first_line(char *msg)
{
	msg[strcspn(msg, "\n")] = '\0';
	return msg[0] ? msg : "?";
}

/* tool (pg_dump or pg_restore) is installed and of the major version of
 * the server conn is connected to. */
static ob_err tool_ok(struct ob_db *conn, const char *tool, struct ob_diag *d)
{
	char out[OB_MAX_MESSAGE], err[OB_MAX_MESSAGE], *end;
	char *argv[] = { (char *)tool, (char *)"--version", NULL };
	struct ob_db_stmt *st;
	const char *v;
	long mine, server = 0;
	int rc = run_tool(argv, out, err, sizeof(out));

	if (rc == 127)
		return OB_DIAG(d, OB_ENOENT, NULL, 0, 0, tool, strlen(tool),
		               "no está instalado (o no está en PATH): una copia de un almacén "
		               "PostgreSQL lo necesita (Debian: postgresql-client)",
		               "is not installed (or not on PATH): a backup of a PostgreSQL store "
		               "needs it (Debian: postgresql-client)");
	/* "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" */
	v = strstr(out, ") ");
	mine = rc == 0 && v ? strtol(v + 2, &end, 10) : 0;
	if (mine <= 0)
		return OB_DIAG(d, OB_ESTORE, NULL, 0, 0, tool, strlen(tool),
		               "«%s --version» no dijo su versión: %s",
		               "«%s --version» did not say its version: %s", tool,
		               first_line(out[0] ? out : err));
	if (ob_db_prepare(conn, "SHOW server_version_num", &st) == 0) {
		if (ob_db_step(st) == OB_DB_ROW)
			server = ob_db_column_int64(st, 0) / 10000;
		ob_db_finalize(st);
	}
	if (server <= 0)
		return OB_DIAG(d, OB_ESTORE, NULL, 0, 0, NULL, 0,
		               "no se pudo leer la versión del servidor PostgreSQL: %s",
		               "cannot read the PostgreSQL server's version: %s",
		               ob_db_errmsg(conn));
	if (mine != server)
		return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, out, strcspn(out, "\n"),
		               "%s es de PostgreSQL %ld y el servidor de PostgreSQL %ld: se "
		               "necesita el %s de la versión del servidor",
		               "%s is PostgreSQL %ld's and the server is PostgreSQL %ld: the "
		               "server's version of %s is needed", tool, mine, server, tool);
	return OB_OK;
}

ob_err ob_store_dump_to(struct ob_store *s, const char *path, struct ob_diag *d)
{
	char url[OB_STORE_URL_MAX], tmp[OB_MAX_PATH], file_arg[OB_MAX_PATH + 8];
	char dbname[OB_STORE_URL_MAX + 16], out[OB_MAX_MESSAGE], err[OB_MAX_MESSAGE];
	char *argv[] = { (char *)"pg_dump", (char *)"--format=custom", (char *)"--no-owner",
	                 (char *)"--no-privileges", file_arg, dbname, NULL };
	struct stat st;
	ob_err e;
	int rc;

	if (stat(path, &st) == 0)
		return OB_DIAG(d, OB_EEXISTS, path, 0, 0, NULL, 0, "ya existe", "already exists");
	if (snprintf(tmp, sizeof(tmp), "%s.partial", path) >= (int)sizeof(tmp))
		return OB_DIAG(d, OB_ETOOBIG, path, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if ((e = ob_store_read_url(ob_store_dir(s), url, sizeof(url), d)) == OB_ENOENT)
		return OB_DIAG(d, OB_ENOENT, ob_store_dir(s), 0, 0, NULL, 0, "falta %s",
		               "%s is missing", OB_STORE_URL_FILE);
	if (e || (e = tool_ok(ob_store_conn(s), "pg_dump", d)))
		return e;
	snprintf(file_arg, sizeof(file_arg), "--file=%s", tmp);
	snprintf(dbname, sizeof(dbname), "--dbname=%s", url);
	unlink(tmp);
	/* one snapshot of the database (pg_dump's own repeatable-read
	 * transaction): the last commit before it began */
	if ((rc = run_tool(argv, out, err, sizeof(out))) != 0) {
		e = OB_DIAG(d, OB_ESTORE, path, 0, 0, NULL, 0, "pg_dump falló (estado %d): %s",
		            "pg_dump failed (status %d): %s", rc, first_line(err));
		goto remove_tmp;
	}
	if ((e = sync_file(tmp, d)))
		goto remove_tmp;
	if (rename(tmp, path) != 0) {
		e = OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo renombrar: %s",
		            "could not rename: %s", strerror(errno));
		goto remove_tmp;
	}
	return OB_OK;
remove_tmp:
	unlink(tmp);
	return e;
}

ob_err ob_store_check_dump(const char *path, struct ob_diag *d)
{
	char file_arg[OB_MAX_PATH + 8], out[OB_MAX_MESSAGE], err[OB_MAX_MESSAGE];
	char *argv[] = { (char *)"pg_restore", (char *)"--list", file_arg, NULL };
	int rc;

	snprintf(file_arg, sizeof(file_arg), "%s", path);
	if ((rc = run_tool(argv, out, err, sizeof(out))) == 127)
		return OB_DIAG(d, OB_ENOENT, path, 0, 0, "pg_restore", 10,
		               "no está instalado (o no está en PATH): comprobar una copia de un "
		               "almacén PostgreSQL lo necesita (Debian: postgresql-client)",
		               "is not installed (or not on PATH): checking a backup of a "
		               "PostgreSQL store needs it (Debian: postgresql-client)");
	if (rc != 0)
		return OB_DIAG(d, OB_ECORRUPT, path, 0, 0, NULL, 0,
		               "pg_restore no puede leer la copia del almacén: %s",
		               "pg_restore cannot read the store's dump: %s", first_line(err));
	return OB_OK;
}

ob_err ob_store_restore_dump(const char *url, const char *path, struct ob_diag *d)
{
	char file_arg[OB_MAX_PATH], dbname[OB_STORE_URL_MAX + 16];
	char out[OB_MAX_MESSAGE], err[OB_MAX_MESSAGE];
	char *argv[] = { (char *)"pg_restore", (char *)"--single-transaction",
	                 (char *)"--exit-on-error", (char *)"--no-owner",
	                 (char *)"--no-privileges", dbname, file_arg, NULL };
	struct ob_db *conn = NULL;
	struct ob_db_stmt *st = NULL;
	long long tables = -1;
	ob_err e;
	int rc;

	if ((e = ob_db_pg_connect(url, false, &conn, d)))
		return e;
	if ((e = tool_ok(conn, "pg_restore", d)))
		goto close_conn;
	/* never over anything: an empty database only */
	if (ob_db_prepare(conn, "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname"
	                        " NOT IN ('pg_catalog', 'information_schema')", &st) == 0 &&
	    ob_db_step(st) == OB_DB_ROW)
		tables = ob_db_column_int64(st, 0);
	if (tables < 0) {
		e = OB_DIAG(d, OB_ESTORE, NULL, 0, 0, NULL, 0, "PostgreSQL: %s", "PostgreSQL: %s",
		            ob_db_errmsg(conn));
		goto close_conn;
	}
	if (tables > 0) {
		e = OB_DIAG(d, OB_EEXISTS, NULL, 0, 0, NULL, 0,
		            "la base PostgreSQL de destino tiene %lld tablas: una copia se "
		            "restaura en una base vacía, nunca sobre otra",
		            "the target PostgreSQL database has %lld tables: a backup is restored "
		            "into an empty database, never over another", tables);
		goto close_conn;
	}
	snprintf(file_arg, sizeof(file_arg), "%s", path);
	snprintf(dbname, sizeof(dbname), "--dbname=%s", url);
	/* one transaction: the whole store or nothing */
	if ((rc = run_tool(argv, out, err, sizeof(out))) != 0)
		e = OB_DIAG(d, OB_ESTORE, path, 0, 0, NULL, 0, "pg_restore falló (estado %d): %s",
		            "pg_restore failed (status %d): %s", rc, first_line(err));
close_conn:
	ob_db_finalize(st);
	ob_db_close(conn);
	return e;
}
