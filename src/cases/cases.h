/*
 * cases.h - the case engine: cases of the catalogue's case types
 * (cases/casetype.h) opened and moved through their states with the rules
 * checked, every change in the case's append-only history and in the
 * audit log in the same transaction (store/cases.h, store/audit.h); the
 * deadlines of a case computed on its country's calendar
 * (cases/calendar.h); and the alerts of a type at a given time: due soon,
 * due today, overdue, repeated reports and severe cases (docs/cases.md).
 *
 * A change is all or nothing: a refused value, transition or role, or a
 * failure of the store, leaves the case (and the audit log) as it was.
 * Its notifications (cases/notify.h: the change, and a severity rule the
 * values it sets meet) go into the outbox in the same transaction.
 *
 * Ownership: struct ob_cases owns its types and calendars
 * (ob_cases_release); struct ob_case_set lives for ob_case_load's result
 * (ob_case_set_free). Alerts handed to a callback live during the call.
 */
#ifndef OB_CASES_CASES_H
#define OB_CASES_CASES_H

#include "accounts/accounts.h"
#include "cases/calendar.h"
#include "cases/casetype.h"
#include "store/store.h"

/* The observatory's case types, each with its country's calendar. */
struct ob_cases {
	struct ob_case_type *types;
	struct ob_calendar *calendars; /* calendars[i] is types[i]'s */
	size_t n;
};

/* Read dir/catalog/cases/ and the calendar of each type's country. */
ob_err ob_cases_load(const char *dir, struct ob_cases *c, struct ob_diag *d);
/* Only the type code of dir/catalog/cases/ (ob_case_type_load) and its
 * country's calendar: c holds that one type, or none when there is no
 * such type (ob_cases_find says -1). For a command that acts on one type:
 * the other types' files, and the schools catalogue they may use, are not
 * read. */
ob_err ob_cases_load_one(const char *dir, const char *code, struct ob_cases *c,
                        struct ob_diag *d);
void ob_cases_release(struct ob_cases *c);
/* The index of type code; -1 when there is none. */
int ob_cases_find(const struct ob_cases *c, const char *code);

/* Who acts: the audit log's actor and the role the rules are checked
 * against. */
struct ob_case_actor {
	const char *name;
	enum ob_role role;
	const char *account;  /* the account (--user), NULL for the local administrator */
};

/*
 * The units (store/cases.h: a case type's unit field, a school or a court)
 * an actor acts in for a type: every unit (limited false) for the local
 * administrator, an admin account and an account of the observatory
 * (analyst, steward) given none of the type; else only those granted, and
 * none at all for an account below analyst (an institution's submitter,
 * the public) given none. A limited actor may open, move and see only the
 * cases of its units; listings and alerts leave the others out.
 */
struct ob_case_units {
	bool limited;
	char (*units)[OB_MAX_NAME];
	size_t n;
};
ob_err ob_case_units_load(struct ob_store *s, const struct ob_case_type *t,
                          const struct ob_case_actor *a, struct ob_case_units *u,
                          struct ob_diag *d);
void ob_case_units_release(struct ob_case_units *u);
bool ob_case_unit_allowed(const struct ob_case_units *u, const char *unit);
/* OB_OK when a acts in unit (NULL or "": a case without a unit), else
 * OB_EINVAL with d naming the account, the unit and its units. */
ob_err ob_case_unit_check(const struct ob_case_type *t, const struct ob_case_actor *a,
                          const struct ob_case_units *u, const char *unit, struct ob_diag *d);

/* Let account act in unit of type t, by a (an admin): the grant and its
 * audit entry ("case.grant", object "account:NAME") in one transaction.
 * OB_EINVAL when a is not an admin; OB_EEXISTS when granted already. */
ob_err ob_case_grant(struct ob_store *s, const struct ob_case_type *t,
                     const struct ob_case_actor *a, const char *account, const char *unit,
                     long long at, struct ob_diag *d);

/* A refusal of the engine about type t as said outside the server (the
 * API, the portal): d's place becomes the type's code instead of its
 * file's path and line on the server. */
void ob_case_diag_outside(struct ob_diag *d, const struct ob_case_type *t);

/* A value given for a field (--set FIELD=VALUE), as typed. */
struct ob_case_input {
	const char *field;
	const char *value;
};

/*
 * Open a case of type t (calendar cal) at time `at` (seconds since the
 * epoch) in its initial state, with the values given (each checked; a
 * territory must be in the catalogue; the initial state's required fields
 * must be among them; a must act in its unit; a's role must allow the
 * type's open_role, or a is the public, for no account, and the type has
 * public_form = yes). Its id in *id. OB_EINVAL
 * with d saying why when refused; OB_ESTORE.
 */
ob_err ob_case_open(struct ob_store *s, const struct ob_case_type *t,
                    const struct ob_calendar *cal, const struct ob_case_actor *a, long long at,
                    const struct ob_case_input *in, size_t n, long long *id, struct ob_diag *d);

/*
 * Move case id of type t to state, at time `at` (not before the case's
 * last change), setting the values given: refused (OB_EINVAL) when no
 * transition leads there from the case's state, when a's role is below the
 * transition's, when a does not act in the case's unit (or in the one the
 * move gives it), or when the new state's required fields would be missing;
 * OB_ENOENT when there is no such case; OB_EEXISTS when another change
 * came first.
 */
ob_err ob_case_move(struct ob_store *s, const struct ob_case_type *t,
                    const struct ob_calendar *cal, const struct ob_case_actor *a, long long id,
                    const char *state, long long at, const struct ob_case_input *in, size_t n,
                    struct ob_diag *d);
/* The same, with also(also_arg, s, d) called inside the move's transaction
 * after the move is written (what the move decides elsewhere: a match's
 * decision, cases/missing_match.h); its failure undoes the move. */
ob_err ob_case_move_also(struct ob_store *s, const struct ob_case_type *t,
                         const struct ob_calendar *cal, const struct ob_case_actor *a,
                         long long id, const char *state, long long at,
                         const struct ob_case_input *in, size_t n,
                         ob_err (*also)(void *arg, struct ob_store *s, struct ob_diag *d),
                         void *also_arg, struct ob_diag *d);

/*
 * Change values of case id of type t at time `at` without moving it: the
 * values given (checked as a move's; a must act in the case's unit) are
 * written with an event from its state to the same state, in one
 * transaction with the audit entry "case.set" (the fields' names, never
 * their values); no notification (cases/notify.h: moves only). Made by the type's protected_role (who reads the
 * protected fields may correct them), whatever the transitions say; no
 * value given is OB_EINVAL. Errors as ob_case_move's.
 */
ob_err ob_case_set_values(struct ob_store *s, const struct ob_case_type *t,
                          const struct ob_calendar *cal, const struct ob_case_actor *a,
                          long long id, long long at, const struct ob_case_input *in, size_t n,
                          struct ob_diag *d);

/* ---- deadlines and alerts ---- */

/* A case as the alerts read it: its current values (NULL where none,
 * one per field of the type) and every state it entered, in order. */
struct ob_case_entry {
	int state;
	long long at;
};
struct ob_case_rec {
	long long id;
	const char *unit;              /* "" when none */
	char **values;
	struct ob_case_entry *entries;
	size_t n_entries, cap_entries;
};
struct ob_case_text;
struct ob_case_set {
	const struct ob_case_type *type;
	struct ob_case_rec *cases;     /* by id */
	size_t n;
	/* what the cases point into: the texts of their units and values;
	 * from ob_case_load, also every case's values (n times the type's
	 * fields) and entries in one block each (NULL: each case holds its
	 * own) */
	struct ob_case_text *text;
	char **values;
	struct ob_case_entry *entries;
};

/* Every case of type t from the store. */
ob_err ob_case_load(struct ob_store *s, const struct ob_case_type *t, struct ob_case_set *set,
                    struct ob_diag *d);
/* Case id of type t alone (set->n 0 when there is no such case). */
ob_err ob_case_load_one(struct ob_store *s, const struct ob_case_type *t, long long id,
                        struct ob_case_set *set, struct ob_diag *d);
/* The cases ids[0..n) (ascending) that are of type t, with their current
 * values of the fields fields[0..n_fields) (at most
 * OB_STORE_CASE_FIELDS_READ; NULL: every field); their entries hold only
 * the state they are in (since their last change), not their history: what
 * a registry's search reads of its candidates (cases/registry.h). */
ob_err ob_case_load_ids(struct ob_store *s, const struct ob_case_type *t, const long long *ids,
                        size_t n, const char *const *fields, size_t n_fields,
                        struct ob_case_set *set, struct ob_diag *d);
void ob_case_set_free(struct ob_case_set *set);
/* Move the cases of from, with what they point into, to the end of set
 * (both sets whose cases hold their own values and entries: of
 * ob_case_load_one or ob_case_load_ids); from is left empty. */
void ob_case_set_take(struct ob_case_set *set, struct ob_case_set *from);

/* A deadline of a case at a time: whether it runs (the clock started and
 * no `until` state, nor a final one, was reached by then) and when it
 * falls due. Rules in days fall due at the end of their last local day. */
struct ob_case_due {
	bool active;
	long long due;        /* seconds since the epoch */
	long due_day;         /* its local day (days since 1970-01-01) */
	bool day_based;
};
ob_err ob_case_deadline_due(const struct ob_case_type *t, const struct ob_calendar *cal,
                            const struct ob_case_deadline *r, const struct ob_case_rec *c,
                            long long now, struct ob_case_due *out, struct ob_diag *d);

/* The instant a date field's value (YYYY-MM-DD) begins on calendar
 * cal's local day; -1 when v is NULL or not such a date. */
long long ob_case_date_start(const struct ob_calendar *cal, const char *v);

/* When deadline r (of a type on calendar cal) falls due if its clock
 * started at `start`; out->active true. OB_EINVAL (d) when business days
 * would be counted outside the calendar's years. */
ob_err ob_case_due_from(const struct ob_calendar *cal, const struct ob_case_deadline *r,
                        long long start, struct ob_case_due *out, struct ob_diag *d);

/* The state of c at time now (-1: not opened yet). */
int ob_case_state_at(const struct ob_case_rec *c, long long now);

enum ob_case_alert_kind {
	OB_CASE_SEVERE,     /* a severity rule matches an open case: escalate now */
	OB_CASE_OVERDUE,
	OB_CASE_DUE_TODAY,
	OB_CASE_DUE_SOON,
	OB_CASE_REPEAT,     /* count cases or more with one value of a field within the window */
};
const char *ob_case_alert_name(enum ob_case_alert_kind k); /* "overdue"... */

struct ob_case_alert {
	enum ob_case_alert_kind kind;
	long long case_id;          /* repeats: the latest of the cases */
	const char *unit;           /* that case's unit ("" when none) */
	int state;                  /* that case's state at now (-1: none) */
	const char *rule;           /* the rule's name */
	const char *label, *label_en;
	const struct ob_case_due *due;  /* deadlines only */
	const char *field;          /* severity and repeat: the field */
	const char *value;          /* its value; NULL when the field is protected */
	const long long *ids;       /* repeat: the cases, n_ids of them */
	size_t n_ids;
};

/* Call fn for every alert of set at time now: severe, overdue, due today,
 * due soon, repeats, in that order, each by case. Cases opened after now
 * are left out and a case's state is the one it had at now; its values are
 * its current ones. fn's non-zero return stops. */
ob_err ob_case_alerts(const struct ob_case_set *set, const struct ob_calendar *cal,
                      long long now, int (*fn)(void *arg, const struct ob_case_alert *a),
                      void *arg, struct ob_diag *d);

/*
 * The same alerts of cases given one by one, in order of id, without
 * holding them: a run (ob_case_alerts_start) keeps of each case added only
 * what its alerts need, and ob_case_alerts_finish gives them as
 * ob_case_alerts would for a set of those cases, then frees the run
 * (ob_case_alerts_drop frees one unfinished). A case added is read during
 * the call only.
 */
struct ob_case_alerts_run;
struct ob_case_alerts_run *ob_case_alerts_start(const struct ob_case_type *t,
                                                const struct ob_calendar *cal, long long now);
void ob_case_alerts_add(struct ob_case_alerts_run *run, const struct ob_case_rec *c);
ob_err ob_case_alerts_finish(struct ob_case_alerts_run *run,
                             int (*fn)(void *arg, const struct ob_case_alert *a), void *arg,
                             struct ob_diag *d);
void ob_case_alerts_drop(struct ob_case_alerts_run *run);

/*
 * The alerts of the cases of t at time now, as ob_case_alerts() gives them
 * from ob_case_load()'s set: when no case of the type changed after now,
 * the open cases come from their table (store/cases.h's case_open) with the
 * last time they entered each state and the values the rules read, and the
 * closed cases a repeat rule counts from their rows, read as a stream into
 * a run, never all the cases at once; else every case with its history.
 * *read is set true once the cases were read: an error after it is the
 * alerts' (a deadline that cannot be computed, d), before it the store's or
 * OB_ETOOBIG's. fn is called after every statement on s has ended.
 */
ob_err ob_case_alerts_read(struct ob_store *s, const struct ob_case_type *t,
                           const struct ob_calendar *cal, long long now,
                           int (*fn)(void *arg, const struct ob_case_alert *a), void *arg,
                           bool *read, struct ob_diag *d);

#endif
