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

#endif
