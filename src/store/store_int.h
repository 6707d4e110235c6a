/*
 * store_int.h - what the subject files of src/store (submissions.c,
 * quarantine.c, codes.c, ...) share: the failure message of a statement and
 * the small steps every listing repeats. Only files under src/store include
 * it: it names SQLite, which nothing outside the store may.
 */
#ifndef OB_STORE_INT_H
#define OB_STORE_INT_H

#include "store/store.h"

/* Fill d with the database's last message, after "what: " when what is not
 * NULL (a subject in both languages, e.g. "bitácora (logbook)"), and return
 * OB_ESTORE. */
ob_err ob_store_fail(struct ob_store *s, struct ob_diag *d, const char *what);

/* Step st (a "SELECT count(*) ..." already bound), put its first column in
 * *n (0 on failure), finalize st. Errors as ob_store_fail(s, d, what). */
ob_err ob_store_count_rows(struct ob_store *s, sqlite3_stmt *st, long long *n,
                           const char *what, struct ob_diag *d);

/* Column i of the current row as text, NULL for SQL NULL; valid until the
 * next step or finalize of st. */
static inline const char *ob_store_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

#endif
