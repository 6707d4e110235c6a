/*
 * cases.h - the rows of case workflows (src/cases): cases (case_file),
 * their current field values (case_value) and their history (case_event,
 * case_event_value), on SQLite and PostgreSQL.
 *
 * The history is append-only (triggers refuse UPDATE and DELETE): a case
 * is opened by an 'open' event and every move adds a 'move' event with the
 * values it set; the case's row and its current values are changed in the
 * same transaction as the event, so they always agree with the history.
 * What a case type allows is decided by src/cases, not here.
 *
 * Times are the audit log's UTC text "YYYY-MM-DDTHH:MM:SSZ".
 *
 * Ownership: strings passed in are read during the call only; strings a
 * callback receives belong to the statement and live during the call.
 * Writes happen inside the caller's ob_store_begin()/ob_store_commit().
 * Errors: OB_ESTORE with d holding the database's message, unless said
 * otherwise.
 */
#ifndef OB_STORE_CASES_H
#define OB_STORE_CASES_H

#include "store/store.h"

/* A case's row. */
struct ob_store_case {
	long long id;
	char type[64];
	char state[64];
	char unit[OB_MAX_NAME];      /* "" when none */
	char opened_at[32], updated_at[32];
	long long events;            /* events in its history */
};

/* A new case of type in state, belonging to unit (may be NULL), opened at
 * `at` by actor acting as role: its row and its 'open' event (seq 1). The
 * case's id in *id and the event's in *event. */
ob_err ob_store_case_open(struct ob_store *s, const char *type, const char *state,
                          const char *unit, const char *at, const char *actor, const char *role,
                          long long *id, long long *event, struct ob_diag *d);

/* The id of the last event of every case's history (0: none): since the
 * history is append-only and every change of a case or its values adds
 * an event, an unchanged id says no case changed (on PostgreSQL, as far
 * as transactions commit in the order of their ids). */
ob_err ob_store_case_last_event(struct ob_store *s, long long *id, struct ob_diag *d);

/* A 'move' event of case c (as read by ob_store_case_get) to state at
 * `at`: refused (OB_EEXISTS, d saying that the case changed meanwhile)
 * when the case is no longer in c->state with c->events events. unit, when
 * not NULL, becomes the case's unit. The event's id in *event. */
ob_err ob_store_case_move(struct ob_store *s, const struct ob_store_case *c, const char *state,
                          const char *unit, const char *at, const char *actor, const char *role,
                          long long *event, struct ob_diag *d);

/* Record that event set field to value, and make it the case's current
 * value of field. */
ob_err ob_store_case_set(struct ob_store *s, long long case_id, long long event,
                         const char *field, const char *value, struct ob_diag *d);

/* Case id into *c; *found false when there is none. */
ob_err ob_store_case_get(struct ob_store *s, long long id, struct ob_store_case *c, bool *found,
                         struct ob_diag *d);

/* The current values of case id, by field: each(arg, field, value).
 * Returns as a listing (store.h). */
int ob_store_case_values_each(struct ob_store *s, long long id,
                              int (*each)(void *arg, const char *field, const char *value),
                              void *arg, struct ob_diag *d);

/* The history of case id, in order: one call per event and value set
 * (field and value NULL for an event that set none). */
struct ob_store_case_event {
	long long seq;
	const char *at, *actor, *role, *kind, *state_from, *state_to;
	const char *field, *value;
};
int ob_store_case_events_each(struct ob_store *s, long long id,
                              int (*each)(void *arg, const struct ob_store_case_event *e),
                              void *arg, struct ob_diag *d);

/* The cases whose type, state and unit are those given (NULL: any), by
 * id. */
int ob_store_cases_each(struct ob_store *s, const char *type, const char *state,
                        const char *unit,
                        int (*each)(void *arg, const struct ob_store_case *c), void *arg,
                        struct ob_diag *d);

/* The cases ids[0..n) that are of type, with their current values of the
 * fields fields[0..n_fields) (at most OB_STORE_CASE_FIELDS_READ; NULL: of
 * every field): one call per case and value (field and value NULL for a
 * case that holds none), in the order of ids; an id of another type or of
 * none is left out. What a registry's search reads of its candidates
 * (cases/registry.h). Returns as a listing (store.h). */
#define OB_STORE_CASE_FIELDS_READ 6
int ob_store_cases_of_each(struct ob_store *s, const char *type, const long long *ids,
                           size_t n, const char *const *fields, size_t n_fields,
                           int (*each)(void *arg, const struct ob_store_case *c,
                                       const char *field, const char *value),
                           void *arg, struct ob_diag *d);

/* Every current value of the cases of type (case id, field, value), by
 * case id and field. */
int ob_store_case_type_values_each(struct ob_store *s, const char *type,
                                   int (*each)(void *arg, long long id, const char *field,
                                               const char *value),
                                   void *arg, struct ob_diag *d);

/*
 * For loading every case of a type at once (cases/cases.h's ob_case_load),
 * each a single pass over its table in no given order, which the caller
 * sorts (a whole table read as it lies is several times faster than the
 * same rows by case through an index and a sort): the cases of type (id,
 * unit: NULL when none); the current values of the cases of every type
 * (case id, field, value), only of the fields fields[0..n_fields) (at most
 * OB_STORE_CASE_FIELDS_READ; NULL, or more: of every field); and the events
 * of the cases of every type (case id, seq, state reached, at). Rows of
 * other types are the caller's to skip. Each returns as a listing
 * (store.h).
 */
int ob_store_case_type_units_each(struct ob_store *s, const char *type,
                                  int (*each)(void *arg, long long id, const char *unit),
                                  void *arg, struct ob_diag *d);
int ob_store_case_values_scan(struct ob_store *s, const char *const *fields, size_t n_fields,
                              int (*each)(void *arg, long long id, const char *field,
                                          const char *value),
                              void *arg, struct ob_diag *d);
int ob_store_case_events_scan(struct ob_store *s,
                              int (*each)(void *arg, long long id, long long seq,
                                          const char *state, const char *at),
                              void *arg, struct ob_diag *d);

/*
 * The open cases as the alerts read them (case_open, migration 19: its
 * columns in store/case_open.sql.h), kept by the engine (cases/cases.h):
 * ob_store_case_open_sync() writes case id's row again from its row,
 * values and history when open is true, and drops it when false (a final
 * state); in the transaction of the change. ob_store_case_open_each()
 * gives the rows of type by case id (unit NULL when none; entered and vals
 * as case_open.sql.h writes them). ob_store_case_changed() puts the time
 * of the last change of a case of type in changed ("" when there is no
 * case of the type). ob_store_cases_final_each() gives the cases of type
 * in one of the states states[0..n_states) opened after `after`, with
 * their current values of the fields fields[0..n_fields) (each at most
 * OB_STORE_CASE_FIELDS_READ), one call per case and value, by case id:
 * the closed cases a repeat rule counts, which case_open lacks.
 */
ob_err ob_store_case_open_sync(struct ob_store *s, long long id, bool open, struct ob_diag *d);
int ob_store_case_open_each(struct ob_store *s, const char *type,
                            int (*each)(void *arg, long long id, const char *state,
                                        long long opened, const char *unit,
                                        const char *entered, const char *vals),
                            void *arg, struct ob_diag *d);
/* The rows of case_open, of every type, into *n (a bound on a type's). */
ob_err ob_store_case_open_count(struct ob_store *s, long long *n, struct ob_diag *d);
ob_err ob_store_case_changed(struct ob_store *s, const char *type, char changed[32],
                             struct ob_diag *d);
int ob_store_cases_final_each(struct ob_store *s, const char *type,
                              const char *const *states, size_t n_states, const char *after,
                              const char *const *fields, size_t n_fields,
                              int (*each)(void *arg, long long id, const char *state,
                                          const char *unit, const char *opened_at,
                                          const char *field, const char *value),
                              void *arg, struct ob_diag *d);

/* For the statistics of a type (cases/stats.h): the whole history of its
 * cases, by case id and event, one call per event and value it set (field
 * and value NULL for an event that set none), as ob_store_case_events_each
 * gives one case's. */
int ob_store_case_type_history_each(struct ob_store *s, const char *type,
                                    int (*each)(void *arg, long long id,
                                                const struct ob_store_case_event *e),
                                    void *arg, struct ob_diag *d);

/* The units of case type `type` account acts in: ob_store_case_grant()
 * adds one (OB_EEXISTS with d untouched when it is there already);
 * ob_store_case_units_each() gives them by unit (none: the account is not
 * limited to units of that type). */
ob_err ob_store_case_grant(struct ob_store *s, const char *account, const char *type,
                           const char *unit, const char *at, const char *by,
                           struct ob_diag *d);
int ob_store_case_units_each(struct ob_store *s, const char *account, const char *type,
                             int (*each)(void *arg, const char *unit), void *arg,
                             struct ob_diag *d);

#endif
