/*
 * backup.h - a consistent copy of the store while it is in use, and the
 * check of a copy before it is trusted (`observa backup`, `observa
 * restore`, cli/backup.h).
 *
 * ob_store_backup_to() copies the open store page by page into a new
 * database file at path, in steps of OB_BACKUP_STEP_PAGES, inside one read
 * transaction of s: the copy is the store as the last commit before it
 * began left it, and writers go on committing meanwhile (WAL). The store
 * must not be in a transaction of its own. The file is written whole,
 * synced, and only then given its name (written as path + ".partial"
 * first); nothing is left at path on failure.
 *
 * Errors: OB_EEXISTS when path exists, OB_EIO/OB_ESTORE with the
 * database's message otherwise.
 */
#ifndef OB_STORE_BACKUP_H
#define OB_STORE_BACKUP_H

#include "store/store.h"

/* Called after each step with the pages copied and the store's pages. */
typedef void (*ob_backup_progress_fn)(void *arg, long long done, long long total);

ob_err ob_store_backup_to(struct ob_store *s, const char *path, ob_backup_progress_fn progress,
                          void *arg, struct ob_diag *d);

/* Check the database file at path as a copy to restore: it opens as a
 * store of this program's schema or an older one (never a newer one), and
 * SQLite's integrity check finds nothing. *schema is its schema version.
 * OB_ECORRUPT with what was found. */
ob_err ob_store_check_file(const char *path, int *schema, struct ob_diag *d);

/*
 * On PostgreSQL the store is copied with pg_dump, in its custom format,
 * into a file named OB_STORE_DUMP_FILE, and restored with pg_restore into
 * an empty database. pg_dump and pg_restore are found on PATH and must be
 * of the server's major version: another one, or none, is refused before
 * anything is written. pg_dump reads one snapshot of the database (the
 * state of the last commit when it began) while writers go on.
 */
#define OB_STORE_DUMP_FILE "observa.dump"

/* Whether s is a PostgreSQL store (copied by ob_store_dump_to()). */
bool ob_store_on_pg(struct ob_store *s);

/* The PostgreSQL address in dir's store.url (its first line) into url
 * (size bytes): OB_OK, OB_ENOENT when dir has no store.url (a SQLite
 * observatory), or another error with d filled (unreadable, too long, not
 * a PostgreSQL address). */
ob_err ob_store_read_url(const char *dir, char *url, size_t size, struct ob_diag *d);

/* Dump the PostgreSQL store s into the new file path (written as path +
 * ".partial", synced, then renamed; nothing left at path on failure).
 * OB_ENOENT when pg_dump is not installed, OB_EINVAL when it is of
 * another major version than the server, OB_EEXISTS when path exists,
 * OB_ESTORE with pg_dump's message otherwise. */
ob_err ob_store_dump_to(struct ob_store *s, const char *path, struct ob_diag *d);

/* Check the dump at path as pg_restore reads it (its table of contents):
 * OB_ECORRUPT with pg_restore's message when it cannot. */
ob_err ob_store_check_dump(const char *path, struct ob_diag *d);

/* Restore the dump at path into the PostgreSQL database at url, which must
 * exist and hold no table (OB_EEXISTS otherwise), in one transaction: all
 * of it or nothing. Errors as ob_store_dump_to(). */
ob_err ob_store_restore_dump(const char *url, const char *path, struct ob_diag *d);

#endif
