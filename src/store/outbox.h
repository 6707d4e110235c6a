/*
 * outbox.h - the notifications outbox of case workflows (migration 14,
 * docs/cases.md): what is to be told (case_outbox), one delivery of it per
 * e-mail address or webhook (case_delivery) and every attempt of each
 * (case_delivery_attempt), on SQLite and PostgreSQL.
 *
 * A row of the outbox is written in the transaction of the change it tells
 * (cases/cases.h) or by the alert scan (cases/notify.h), at most once per
 * key: adding a key that is there already adds nothing. Its deliveries
 * are written once the catalogue's routes are applied to it (routed), and
 * each stays pending until an attempt succeeds (sent) or the last allowed
 * one fails (failed). Nothing is deleted.
 *
 * Times are the audit log's UTC text "YYYY-MM-DDTHH:MM:SSZ".
 *
 * Ownership: strings passed in are read during the call only; strings a
 * callback receives belong to the statement and live during the call.
 * Errors: OB_ESTORE with d holding the database's message, unless said
 * otherwise. Listings return as store.h's do.
 */
#ifndef OB_STORE_OUTBOX_H
#define OB_STORE_OUTBOX_H

#include "store/store.h"

/* A row of the outbox. kind: "open", "move" or an alert's name (cases/
 * cases.h: "severe", "overdue"...); rule: the alert's rule (NULL for a
 * change); state: the case's state (after the move); state_from: before a
 * move; due: a deadline's due time; field, value: the unprotected field a
 * severity or repeat rule names and its value; at: when it happened. Any
 * of unit, rule, state_from, due, field, value may be NULL. */
struct ob_store_outbox {
	long long id;
	const char *key;
	long long case_id;
	const char *type, *unit, *kind, *rule, *state, *state_from, *due, *field, *value;
	const char *at, *created_at;
};

/* Add o (its id is not read) unless its key is there; *added says which. */
ob_err ob_store_outbox_add(struct ob_store *s, const struct ob_store_outbox *o, bool *added,
                           struct ob_diag *d);

/* The rows whose deliveries are not written yet, by id. */
int ob_store_outbox_unrouted_each(struct ob_store *s,
                                  int (*each)(void *arg, const struct ob_store_outbox *o),
                                  void *arg, struct ob_diag *d);

/* A delivery of row `outbox` by channel ("email" or "webhook") to target,
 * pending from next_at (nothing when that one is there already); and the
 * row marked routed. Inside the caller's transaction. */
ob_err ob_store_delivery_add(struct ob_store *s, long long outbox, const char *channel,
                             const char *target, const char *next_at, struct ob_diag *d);
ob_err ob_store_outbox_routed(struct ob_store *s, long long outbox, struct ob_diag *d);

/* A delivery with its row. */
struct ob_store_delivery {
	long long id;
	const char *channel, *target, *status;
	long long attempts;
	const char *next_at, *done_at, *error;
	struct ob_store_outbox o;
};

/* The deliveries in status (NULL: any) due by due_by (NULL: whenever), by
 * id. */
int ob_store_deliveries_each(struct ob_store *s, const char *status, const char *due_by,
                             int (*each)(void *arg, const struct ob_store_delivery *dl),
                             void *arg, struct ob_diag *d);

/* Record attempt number attempts + 1 of delivery id at `at` (error NULL:
 * it succeeded) and leave the delivery in status, next due at next_at, in
 * one transaction. OB_EEXISTS (d saying so) when another process recorded
 * an attempt meanwhile (the delivery no longer has `attempts`). */
ob_err ob_store_delivery_attempt(struct ob_store *s, long long id, long long attempts,
                                 const char *at, const char *error, const char *status,
                                 const char *next_at, struct ob_diag *d);

/* Every attempt of every delivery, by delivery and attempt:
 * each(arg, delivery, seq, at, ok, error). */
int ob_store_delivery_attempts_each(struct ob_store *s,
                                    int (*each)(void *arg, long long delivery, long long seq,
                                                const char *at, bool ok, const char *error),
                                    void *arg, struct ob_diag *d);

#endif
