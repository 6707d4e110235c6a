/*
 * cursor.h - a listing read a row at a time by the caller (rather than
 * through a callback): the long scans of the snapshot build, where the
 * caller's loop keeps its own state. A cursor is opened by a subject's
 * function (store/snapshot_read.h), which names its columns.
 *
 * Ownership: the cursor belongs to the caller, who closes it with
 * ob_store_cursor_close() (NULL allowed) before closing the store or
 * ending the transaction it reads in. The row a step hands out belongs to
 * the cursor: its values and their text stay valid until the next step or
 * the close, and are never copied by the cursor.
 *
 * Threads: a cursor is used by one thread at a time, the one using its
 * store (store.h).
 */
#ifndef OB_STORE_CURSOR_H
#define OB_STORE_CURSOR_H

#include "store/store.h"

struct ob_store_cursor;

/* The next row: 1 with *row set to its values (as many as the opening
 * function names), 0 at the end, -1 with d filled (OB_ESTORE) when the
 * store failed. After 0 or -1, further steps return the same. */
int ob_store_cursor_step(struct ob_store_cursor *c, const struct ob_store_value **row,
                         struct ob_diag *d);

/* A column the opening function names as read on demand (to save the
 * work of reading it in rows that do not need it), read from the current
 * row: valid as the row's values are. Columns read at every step are
 * returned as they are. Never NULL: after the end, or for a column
 * number out of range, a value of the row as it was last read. */
const struct ob_store_value *ob_store_cursor_get(struct ob_store_cursor *c, int i);

void ob_store_cursor_close(struct ob_store_cursor *c);

#endif
