/*
 * missing_match.h - the bodies that may be missing persons (migration 15,
 * docs/missing.md): the forensic records of a country read for matching,
 * and the candidate matches between a body and an open missing-person
 * report (missing_match) with the reviewer's decision, on SQLite and
 * PostgreSQL.
 *
 * A candidate is kept once per report and body (the body named by its
 * source and its id there): adding one that is there already adds nothing,
 * whatever its status, so a rejected pair is not proposed again. Nothing
 * is deleted; a decision is taken once (pending to confirmed or
 * rejected).
 *
 * Times are the audit log's UTC text "YYYY-MM-DDTHH:MM:SSZ".
 *
 * Ownership: strings passed in are read during the call only; strings a
 * callback receives belong to the statement and live during the call.
 * Errors: OB_ESTORE with d holding the database's message, unless said
 * otherwise. Listings return as store.h's do (the callback's non-zero
 * return, or -1 with d filled).
 */
#ifndef OB_STORE_MISSING_MATCH_H
#define OB_STORE_MISSING_MATCH_H

#include "store/store.h"

/* A forensic record as matching reads it. names and document are the
 * protected ones (NULL when none), read to tell an unidentified body and
 * never shown; fields, the canonical fields its delivery supplied (bit i
 * for enum ob_field i of ingest/profile.h; -1 when not kept: all); admin1
 * is the territory's parent (NULL when unknown); ages -1 when unknown; lat
 * and lon NAN when none. */
struct ob_store_body {
	long long id;
	const char *source, *source_id, *occurred_on, *territory, *admin1, *sex;
	const char *names, *document;
	long long fields;
	int age_min, age_max;
	double lat, lon;
};

/*
 * The records of the current deliveries of the forensic sources of country
 * (institution "forensic", not aggregate) with a date on or after since
 * (YYYY-MM-DD; NULL: any), leaving out the bodies a confirmed match
 * already identified; by source, date and id.
 */
int ob_store_bodies_each(struct ob_store *s, const char *country, const char *since,
                         int (*each)(void *arg, const struct ob_store_body *b), void *arg,
                         struct ob_diag *d);

/* A candidate match. status: "pending", "confirmed" or "rejected";
 * decided_by and decided_at NULL while pending; territory, sex NULL and
 * ages -1 when the body's record had none. */
struct ob_store_match {
	long long id, case_id, record;
	const char *source, *source_id, *found_on, *territory, *sex;
	int age_min, age_max;
	double score;
	const char *explanation;
	const char *status, *created_at, *decided_by, *decided_at;
};

/* Add m (its id, status and decision are not read) unless its report and
 * body are there; *added says which. */
ob_err ob_store_match_add(struct ob_store *s, const struct ob_store_match *m, bool *added,
                          struct ob_diag *d);

/* The candidates in status (NULL: any), the highest score first, then by
 * id. */
int ob_store_matches_each(struct ob_store *s, const char *status,
                          int (*each)(void *arg, const struct ob_store_match *m), void *arg,
                          struct ob_diag *d);

/* Candidate id given to each; *found false (each not called) when there
 * is none. */
ob_err ob_store_match_get(struct ob_store *s, long long id,
                          int (*each)(void *arg, const struct ob_store_match *m), void *arg,
                          bool *found, struct ob_diag *d);

/* Record the decision on a pending candidate: status "confirmed" or
 * "rejected", by whom and when; inside the caller's transaction.
 * OB_EEXISTS when it is no longer pending (another decision came first). */
ob_err ob_store_match_decide(struct ob_store *s, long long id, const char *status,
                             const char *by, const char *at, struct ob_diag *d);

#endif
