/*
 * reconcile.h - what reconciliation reads from and writes to the store: the
 * records of deaths of a period, the clerical decisions on pairs, a run with
 * its ledger (deaths, members, discrepancies, counts, pairs for review), the
 * validated deliveries a run writes per country, and the review queue.
 *
 * src/reconcile decides; this file only moves rows. Its types name
 * columns, not reconciliation's structures, so the store depends on no
 * module above it.
 *
 * Ownership: strings passed in are read during the call only. Strings a
 * callback receives belong to the store and live only during that
 * callback: copy what must outlive it. Errors: OB_ESTORE with d holding
 * the database's message, unless said otherwise.
 */
#ifndef OB_STORE_RECONCILE_H
#define OB_STORE_RECONCILE_H

#include "store/store.h"

/* ---- reading ---------------------------------------------------------------- */

/* A record of a current delivery of the police, forensic medicine or the
 * prosecutor, as reconciliation reads it. Strings may be NULL. */
struct ob_store_rc_record {
	long long id;
	const char *source, *source_id, *country, *institution;
	const char *occurred_on, *territory, *admin1;  /* admin1: the territory's parent */
	const char *victim_sex, *manner, *mechanism, *place, *names, *category;
	const char *relationship, *context, *occurred_at;
	int victim_age;        /* -1 unknown */
	long long victims;     /* people the row stands for */
	bool aggregate;        /* from an aggregate source's delivery */
};

/* Call each for every record of a current delivery of those three
 * institutions dated in months from..to ("yyyy-mm", both included), of
 * country (NULL: every country), ordered by country, source, date and id.
 * Returns as ob_store_submissions_each() (store/submissions.h). */
int ob_store_rc_records_each(struct ob_store *s, const char *from, const char *to,
                             const char *country,
                             int (*each)(void *arg, const struct ob_store_rc_record *r),
                             void *arg, struct ob_diag *d);

/* Call each for every clerical decision, oldest first: the pair
 * (source_a, id_a) - (source_b, id_b) and whether it was accepted.
 * Returns as ob_store_rc_records_each(). */
int ob_store_rc_decisions_each(struct ob_store *s,
                               int (*each)(void *arg, const char *source_a, const char *id_a,
                                           const char *source_b, const char *id_b,
                                           bool accept),
                               void *arg, struct ob_diag *d);

/* The latest run covering year ("yyyy") of country, through *run; 0 when
 * no run has a validated death of that country and year. */
ob_err ob_store_rc_latest_run(struct ob_store *s, const char *country, const char *year,
                              long long *run, struct ob_diag *d);

/* What is asked of each validated death of a run (prioritization
 * indicators of institutional performance). */
enum ob_store_rc_test {
	/* homicides known to the police or forensic medicine: does the
	 * prosecutor have the case? */
	OB_STORE_RC_PROSECUTED,
	/* deaths of two institutions or more: do they agree on manner,
	 * territory, date, sex and age? */
	OB_STORE_RC_AGREED,
};

/* Call each with the territory (or NULL) of every death of run, country
 * and year that the test applies to, and the test's answer. Returns as
 * ob_store_rc_records_each(). */
int ob_store_rc_deaths_test(struct ob_store *s, long long run, const char *country,
                            const char *year, enum ob_store_rc_test test,
                            int (*each)(void *arg, const char *territory, bool yes), void *arg,
                            struct ob_diag *d);

/* ---- a run and its ledger ------------------------------------------------------
 *
 * Inside one ob_store_begin()/ob_store_commit(): ob_store_rc_writer_open()
 * writes the run's row and prepares the ledger's statements; the ledger's
 * rows follow; ob_store_rc_writer_free() (NULL allowed) before commit or
 * rollback.
 */
struct ob_store_rc_writer;

struct ob_store_rc_run {
	const char *started_at, *period;
	const char *country;   /* NULL: every country */
	const char *settings;  /* the settings as text */
	long long records, deaths, candidates, linked_pairs, review_pairs;
};

ob_err ob_store_rc_writer_open(struct ob_store *s, const struct ob_store_rc_run *run,
                               struct ob_store_rc_writer **out, long long *run_id,
                               struct ob_diag *d);
void ob_store_rc_writer_free(struct ob_store_rc_writer *w);

/* Number of attributes a death keeps in the ledger, in the order of
 * enum ob_reconcile_attr: date, territory, sex, age, manner, mechanism,
 * place. */
#define OB_STORE_RC_LEDGER_ATTRS 7

/* A validated death: the value of each attribute and the source it was
 * taken from (NULL when none); the age as text is ignored, age is used. */
struct ob_store_rc_death {
	long long death;       /* its number within the run, from 1 */
	const char *country, *sources;  /* sources: "source:id;..." of its members */
	long long records;
	double probability;    /* NAN: none */
	const char *value[OB_STORE_RC_LEDGER_ATTRS], *from[OB_STORE_RC_LEDGER_ATTRS];
	int age;               /* -1 unknown */
};
ob_err ob_store_rc_death(struct ob_store_rc_writer *w, const struct ob_store_rc_death *x,
                         struct ob_diag *d);

/* A member record of death `death`; probability NAN when none. */
ob_err ob_store_rc_member(struct ob_store_rc_writer *w, long long death, long long record,
                          const char *source, const char *source_id, const char *institution,
                          double probability, struct ob_diag *d);

/* Why death `death` is a discrepancy (reason's key) and its detail (or NULL). */
ob_err ob_store_rc_discrepancy(struct ob_store_rc_writer *w, long long death,
                               const char *reason, const char *detail, struct ob_diag *d);

/* A count of the ledger: level, territory, month, by institution (police,
 * forensic, prosecutor) and reconciled. */
ob_err ob_store_rc_count(struct ob_store_rc_writer *w, int level, const char *territory,
                         const char *month, const long long n[3], long long reconciled,
                         struct ob_diag *d);

/* A pair sent to clerical review. */
ob_err ob_store_rc_review(struct ob_store_rc_writer *w, const char *source_a, const char *id_a,
                          const char *source_b, const char *id_b, double probability,
                          double weight, bool linked, const char *explanation,
                          struct ob_diag *d);

/* ---- validated deliveries ------------------------------------------------------
 *
 * A run writes each country's validated deaths as a delivery of the
 * country's validated source. ob_store_rc_validated_open() finds the
 * current deliveries of that source whose months overlap from..to
 * ("yyyy-mm"), and opens the new one ("pending") spanning them and
 * period_from..period_to; records follow; ob_store_rc_validated_close()
 * carries over the earlier deliveries' records outside the run's months,
 * supersedes those deliveries, and closes the new one with its row count
 * and fingerprint. Inside the run's transaction; the handle is freed by
 * close, or by ob_store_rc_validated_free() on failure (NULL allowed).
 */
struct ob_store_rc_validated;

struct ob_store_rc_validated_new {
	const char *source, *country, *file_name, *ingested_at;
	const char *from, *to;                 /* the run's months, "yyyy-mm" */
	const char *period_from, *period_to;   /* the run's days, "yyyy-mm-dd" */
};
ob_err ob_store_rc_validated_open(struct ob_store *s, const struct ob_store_rc_validated_new *n,
                                  struct ob_store_rc_validated **out, struct ob_diag *d);

/* The earlier deliveries it replaces (ids, oldest first), valid until
 * close or free. */
const long long *ob_store_rc_validated_replaced(const struct ob_store_rc_validated *v, size_t *n);

/* A validated death as a record of the delivery (line numbers follow).
 * value[] and age as in struct ob_store_rc_death; time and category,
 * relationship and context beside them; extra is the record's JSON. */
struct ob_store_rc_validated_record {
	const char *source_id, *occurred_on, *occurred_at, *territory, *category, *manner,
		*victim_sex, *mechanism, *place, *relationship, *context, *extra;
	int age;               /* -1 unknown */
};
ob_err ob_store_rc_validated_record(struct ob_store_rc_validated *v,
                                    const struct ob_store_rc_validated_record *r,
                                    struct ob_diag *d);

/* sha256: the delivery's fingerprint (hex). Frees v, also on failure. */
ob_err ob_store_rc_validated_close(struct ob_store_rc_validated *v, const char *sha256,
                                   struct ob_diag *d);
void ob_store_rc_validated_free(struct ob_store_rc_validated *v);

/* ---- review --------------------------------------------------------------------- */

/* A pair of the latest run's review queue, with the latest decision on
 * it (decision "accept" or "reject", by whom, when; NULL when none). */
struct ob_store_rc_pair {
	long long id, run;
	const char *source_a, *id_a, *source_b, *id_b;
	double probability, weight;
	bool linked;
	const char *explanation;    /* "field\tlevel\tweight" lines */
	const char *decision, *decided_by, *decided_at;
};

/* How many pairs the latest run sent to review: all of them, or only
 * those with no decision yet (all false). */
ob_err ob_store_rc_pairs_count(struct ob_store *s, bool all, long long *n, struct ob_diag *d);

/* Call each for those pairs, most probable first (then by number), at
 * most limit (negative: all) after skipping offset. Returns as
 * ob_store_rc_records_each(). */
int ob_store_rc_pairs_each(struct ob_store *s, bool all, long long limit, long long offset,
                           int (*each)(void *arg, const struct ob_store_rc_pair *p), void *arg,
                           struct ob_diag *d);

/* The pair of review item `item`, ordered (source_a, id_a) <= (source_b,
 * id_b), copied into the caller's buffers of size `size`. OB_ENOENT with
 * d filled when no item has that number. */
ob_err ob_store_rc_review_item(struct ob_store *s, long long item, char *source_a,
                               char *id_a, char *source_b, char *id_b, size_t size,
                               struct ob_diag *d);

/* Record the decision on item's pair (already ordered). note may be NULL. */
ob_err ob_store_rc_decision_add(struct ob_store *s, long long item, const char *source_a,
                                const char *id_a, const char *source_b, const char *id_b,
                                bool accept, const char *actor, const char *at,
                                const char *note, struct ob_diag *d);

/* What a reviewer sees of record (source, id) in its latest delivery:
 * source, source_id, names, occurred_on, territory, victim_sex,
 * victim_age, manner, mechanism, place and category (each NULL when
 * absent), given to got; *found false (got not called) when there is
 * none. */
#define OB_STORE_RC_REVIEW_NFIELDS 11
ob_err ob_store_rc_review_record(struct ob_store *s, const char *source, const char *id,
                                 void (*got)(void *arg,
                                             const char *const v[OB_STORE_RC_REVIEW_NFIELDS]),
                                 void *arg, bool *found, struct ob_diag *d);

#endif
