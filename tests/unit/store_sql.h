/*
 * store_sql.h - raw SQL on a store, for tests only. The project's code
 * reaches the database only through src/store's typed functions
 * (store/store.h); a test includes this header when it must do what no
 * typed function does and should not: plant rows of a shape the store
 * would refuse or that an older version wrote, bypass the ingest to lay
 * out thousands of records fast, or ask the database directly as the
 * oracle a differential test compares the engine against. Each including
 * test says which of these it needs.
 *
 * These are the store's own internal functions (src/store/store_int.h,
 * which no file outside src/store includes); the handle and statements
 * belong to the store as there.
 */
#ifndef OB_TEST_STORE_SQL_H
#define OB_TEST_STORE_SQL_H

#include "store/store.h"

#include <sqlite3.h>

sqlite3 *ob_store_db(struct ob_store *s);
ob_err ob_store_exec(struct ob_store *s, const char *sql, struct ob_diag *d);
ob_err ob_store_prepare(struct ob_store *s, const char *sql, sqlite3_stmt **st,
                        struct ob_diag *d);
int ob_bind_text(sqlite3_stmt *st, int i, const char *p, size_t n);

#endif
