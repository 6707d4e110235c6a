/*
 * backup.h - a whole observatory copied to a directory and back (`observa
 * backup`, `observa restore`).
 *
 * A backup is a directory that did not exist before:
 *   observa.db        the store, copied online (store/backup.h): the state
 *                     of its last commit when the copy began, while
 *                     ingests and the portal go on; on PostgreSQL,
 *   observa.dump      instead, pg_dump's of the database (custom format);
 *   everything else   of the observatory, file by file (catalog/,
 *                     releases/, reports/, the rest), except what is
 *                     derived or temporary: observa.db-wal/-shm/-journal,
 *                     snapshot/ (rebuilt on restore), .upload-* files;
 *   MANIFEST.sha256   every file above with its SHA-256, in the format of
 *                     `sha256sum` (so `sha256sum -c MANIFEST.sha256` checks
 *                     it without observa);
 *   backup.json       the program version, the store's schema, the time,
 *                     and the counts of files and bytes.
 * It is written as DEST.partial and renamed to DEST only when whole and
 * synced: a backup that exists is complete.
 *
 * A restore checks the whole backup first (every file of the manifest
 * present with its hash, nothing unlisted beside it, the database's
 * integrity), then copies it into DIR.partial, opens the store (applying
 * the migrations when the backup is of an older version), rebuilds the
 * snapshot, and renames DIR.partial to DIR, which must not exist (or be an
 * empty directory): a restore never writes over an observatory.
 *
 * The backup holds the protected data of the store: `observa backup`
 * records it in the audit log (cli/disclose.h) before copying.
 */
#ifndef OB_CLI_BACKUP_H
#define OB_CLI_BACKUP_H

#include <stdint.h>

#include "base/common.h"
#include "store/store.h"

#define OB_BACKUP_MANIFEST "MANIFEST.sha256"
#define OB_BACKUP_INFO "backup.json"

struct ob_backup_result {
	size_t files;         /* files in the manifest, observa.db included */
	uint64_t bytes;       /* their bytes */
	size_t skipped;       /* links and special files left out */
	int schema;           /* the store's schema version in the backup */
	char version[32];     /* the observa that made it */
	char created[32];     /* when, UTC, ISO 8601 */
};

/* Can dest take a backup of dir: it does not exist, nor does a partial
 * backup beside it, and it is not inside dir (OB_EEXISTS, OB_EINVAL)? */
ob_err ob_backup_dest_ok(const char *dir, const char *dest, struct ob_diag *d);

/* Back up the observatory dir, whose store s is open, into dest (checked
 * again with ob_backup_dest_ok). */
ob_err ob_backup_make(struct ob_store *s, const char *dir, const char *dest,
                      struct ob_backup_result *r, struct ob_diag *d);

/* Check the backup at src (OB_ECORRUPT naming the first file that is
 * missing, unlisted or differs). */
ob_err ob_backup_verify(const char *src, struct ob_backup_result *r, struct ob_diag *d);

/* Check the backup at src, then restore it as the new observatory dir.
 * A backup of a PostgreSQL store is restored into the database at url
 * (NULL: the one the backup's store.url names), which must be empty; a
 * url with a SQLite backup is a usage error. */
ob_err ob_backup_restore(const char *src, const char *dir, const char *url,
                         struct ob_backup_result *r, struct ob_diag *d);

#endif
