/*
 * store.h - the observatory's store: one database per observatory, SQLite
 * (the default) or PostgreSQL (store/db.h, docs/store.md).
 *
 * An observatory is a directory holding observa.db (the store; or
 * store.url, the address of its PostgreSQL database), catalog/ (editable
 * catalogue files) and releases/. The store is opened in WAL
 * mode; ob_store_open() applies pending schema migrations in one
 * transaction, so a store is always at a known version.
 *
 * Threads: a handle is used by one thread at a time (SQLite's multi-thread
 * mode, without per-call locking).
 *
 * Ownership: ob_store_open() returns a handle the caller must release with
 * ob_store_close(), after closing every cursor and reader opened on it.
 *
 * The boundary: this header names no database. Other modules read and
 * write through the subject headers beside it (store/submissions.h,
 * store/catalog.h, ...); the database handle, statements and their binding
 * are in store/store_int.h, which only src/store's own files include
 * (tests/lint/store_boundary.sh).
 *
 * Writes: every change happens inside ob_store_begin()/ob_store_commit();
 * ob_store_rollback() undoes all of it. A process killed between begin and
 * commit leaves the store as it was before begin.
 */
#ifndef OB_STORE_H
#define OB_STORE_H

#include "base/common.h"

#define OB_VERSION "0.1.0"
#define OB_STORE_FILE "observa.db"
/* An observatory whose store is a PostgreSQL database has, instead of
 * observa.db, this file: the database's address (a libpq connection URI,
 * postgresql://...) on its first line, readable by its owner only. */
#define OB_STORE_URL_FILE "store.url"

struct ob_store;

enum ob_store_mode {
	OB_STORE_CREATE,   /* the directory must not hold a store yet */
	OB_STORE_EXISTING, /* the store must exist */
	OB_STORE_READONLY, /* existing store, opened read-only */
};

/* Schema version this program writes. */
int ob_store_schema_version(void);

ob_err ob_store_open(const char *dir, enum ob_store_mode mode,
                     struct ob_store **out, struct ob_diag *d);

/*
 * A new observatory in dir whose store is the PostgreSQL database at url
 * (postgresql://...; the database must exist, and hold no observatory
 * yet): the schema is created there and url written to dir/store.url, so
 * that ob_store_open(dir) opens it from then on. OB_EEXISTS when dir
 * already has a store or the database an observatory; OB_ENOENT when
 * libpq is not installed; OB_ESTORE when the server refuses. Only part of
 * the store works on PostgreSQL yet (docs/store.md); the rest answers
 * OB_ESTORE saying so.
 */
ob_err ob_store_create_url(const char *dir, const char *url, struct ob_store **out,
                           struct ob_diag *d);
/* Whether url is a PostgreSQL address ob_store_create_url() takes. */
bool ob_store_url_valid(const char *url);
void ob_store_close(struct ob_store *s);
/* Leave the write-ahead log for a later writer to copy into the database
 * file, rather than doing it when s closes (SQLite; nothing on
 * PostgreSQL). For a command that commits a few pages and ends, whose close
 * would otherwise sync the log and the database file again and, next
 * time, make the log anew (two more syncs and the folder's): what was
 * committed is in the synced log either way, and SQLite copies the log in
 * once it passes its size (wal_autocheckpoint) or when another command
 * closes. */
void ob_store_keep_log(struct ob_store *s);

/* Path of the observatory directory (owned by the store). */
const char *ob_store_dir(const struct ob_store *s);

ob_err ob_store_begin(struct ob_store *s, struct ob_diag *d);
ob_err ob_store_commit(struct ob_store *s, struct ob_diag *d);
void ob_store_rollback(struct ob_store *s);

/* Read and write rows of the meta table (key/value settings). */
ob_err ob_store_meta_set(struct ob_store *s, const char *key, const char *value,
                         struct ob_diag *d);
/* Copies the value into out; OB_ENOENT when the key is absent. */
ob_err ob_store_meta_get(struct ob_store *s, const char *key, char *out,
                         size_t size);

/*
 * The observatory's record-key secret: 32 random bytes made once (on the
 * first opening for writing) and kept in the meta table under
 * OB_STORE_KEY_SECRET, from which the snapshot derives each record's key
 * for the cell-key disclosure method (engine/snapshot.h). It is never
 * printed, logged or published. Errors: OB_ENOENT (a store never opened
 * for writing since it was made), OB_ECORRUPT (not 64 hex digits).
 */
#define OB_STORE_KEY_SECRET "record_key_secret"
#define OB_STORE_SECRET_LEN 32
ob_err ob_store_key_secret(struct ob_store *s, unsigned char out[OB_STORE_SECRET_LEN],
                           struct ob_diag *d);

/* ---- what the store's readers outside src/store see ---- */

/* A column's value as a listing read it: its type, and by type the
 * integer (i), the number (r) or the text (text, len bytes without the
 * terminating NUL; NULL and 0 for OB_STORE_NULL and OB_STORE_INT). For
 * OB_STORE_REAL, text is the store's own rendering of the number too.
 * Values belong to the store and live only during the callback that
 * receives them (or until the next step of a cursor, store/cursor.h). */
enum ob_store_type { OB_STORE_NULL, OB_STORE_INT, OB_STORE_REAL, OB_STORE_TEXT };
struct ob_store_value {
	enum ob_store_type type;
	long long i;
	double r;
	const char *text;
	size_t len;
};

/* A listing's callback: one row of n values; non-zero stops the listing.
 * Listings that take one return 0 when every row was given, each's
 * non-zero return when it stopped, or -1 with d filled (OB_ESTORE). */
typedef int (*ob_store_row_fn)(void *arg, const struct ob_store_value *v, size_t n);

/* The schema version of the open store (what its migrations reached). */
ob_err ob_store_schema_read(struct ob_store *s, int *version, struct ob_diag *d);

/*
 * A guard over a request's statements (the HTTP server): while it is set,
 * stop(arg) is asked every OB_STORE_GUARD_STEPS steps of the database's
 * machine and a non-zero answer interrupts the statement; a lock held by
 * another writer calls busy(arg, tries) instead of waiting, and a zero
 * answer gives up (the statement fails as busy). ob_store_guard_untimed()
 * drops the stop check and keeps busy (a task that may run longer than a
 * query, an ingest). ob_store_unguard() removes both and waits busy_ms for
 * a lock again. arg is borrowed until ob_store_unguard().
 *
 * PostgreSQL cannot call back during a statement: there the guard is the
 * request's time left, budget_ms, as the connection's statement_timeout
 * (a statement still running then is cancelled and fails as interrupted)
 * and nine tenths of it as lock_timeout (a lock not granted by then fails
 * as busy); stop and busy are not called. ob_store_guard_untimed() lifts the statement's
 * limit and keeps the lock's; ob_store_unguard() lifts the first and sets
 * the second to busy_ms. Set outside a transaction.
 */
void ob_store_guard(struct ob_store *s, int (*stop)(void *arg),
                    int (*busy)(void *arg, int tries), void *arg, long long budget_ms);
void ob_store_guard_untimed(struct ob_store *s);
void ob_store_unguard(struct ob_store *s, int busy_ms);

/* Why the last statement on s failed: interrupted (a guard's stop), busy
 * (another writer held the lock), or anything else; and the database's
 * message (owned by the store, valid until its next statement). */
enum ob_store_failure { OB_STORE_FAILED, OB_STORE_INTERRUPTED, OB_STORE_BUSY };
enum ob_store_failure ob_store_last_failure(struct ob_store *s);
const char *ob_store_last_message(struct ob_store *s);
/* Whether the last failure on s was a conflict with a concurrent writer
 * that the same transaction, run again as a whole, may not meet
 * (PostgreSQL's serialization failure or deadlock: busy above; never on
 * SQLite, whose writers take turns). A caller retries at most
 * OB_STORE_TX_TRIES times in all (base/limits.h). */
bool ob_store_conflicted(struct ob_store *s);

#endif
