/* backup.c - an online copy of the store and the check of a copy
 * (store/backup.h). */
#include "store/backup.h"
#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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
