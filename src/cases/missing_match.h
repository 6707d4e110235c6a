/*
 * missing_match.h - unidentified bodies matched to open missing-person
 * reports (docs/missing.md, "Coincidencias"): which forensic records are
 * unidentified bodies, how a body and a report are compared and scored
 * (the comparators of src/link), the run that puts the candidates above a
 * threshold in the review queue (store/missing_match.h), and the decision
 * of a reviewer: confirm (the report moves to located_dead through the
 * case engine) or reject, each in the audit log.
 *
 * The score. Each comparison ends in a level (link/compare.h) and the
 * level weighs log2(m/u) bits, where m is the chance of that level when
 * the body is the missing person and u when it is not (the table in
 * missing_match.c, the configuration's choice, not estimated); a missing
 * value on either side weighs 0. The comparisons:
 *   sex       agree / disagree (f, m; anything else is missing);
 *   age       the age when missing plus the years elapsed to the finding,
 *             against the body's age band: within 2 years, 5, 10, beyond;
 *   place     the distance between the last-seen point and the body's
 *             point when both have one (5, 25, 100 km, beyond), else the
 *             territories: same unit, same admin-1, other;
 *   elapsed   days from missing_since to the finding: 30, 365, 1825, more;
 *   description  Jaro-Winkler of the folded texts when both have one:
 *             0.9, 0.8, below.
 * A body found before the person went missing is never a candidate.
 *
 * Ownership: nothing here keeps memory between calls; the caller owns the
 * store, the case type and the strings it passes.
 */
#ifndef OB_CASES_MISSING_MATCH_H
#define OB_CASES_MISSING_MATCH_H

#include "cases/cases.h"

/* The default threshold of a candidate, in bits. */
#define OB_MISSING_MATCH_THRESHOLD 8.0

enum ob_mm_cmp {
	OB_MM_SEX,
	OB_MM_AGE,
	OB_MM_PLACE,
	OB_MM_ELAPSED,
	OB_MM_DESCRIPTION,
	OB_MM_NCMP,
};

/* One side of a comparison. Strings NULL (or "") when unknown; ages -1;
 * points NAN. A report's age is its age when missing (age_min = age_max);
 * a body's, the band its record gives. date: missing_since of a report,
 * the date of finding of a body (YYYY-MM-DD). */
struct ob_mm_person {
	const char *date, *sex, *territory, *admin1, *description;
	int age_min, age_max;
	double lat, lon;
};

struct ob_mm_score {
	bool possible;              /* false: found before missing (or no dates) */
	double score;               /* bits, the sum of the weights */
	int level[OB_MM_NCMP];      /* OB_LEVEL_MISSING when not compared */
	double weight[OB_MM_NCMP];
	bool by_distance;           /* place compared by points */
	long days;                  /* missing_since to the finding */
	double expected_age;        /* at the finding; < 0 unknown */
	double km;                  /* NAN when not by distance */
};

/* Score report r against body b. */
void ob_mm_score(const struct ob_mm_person *r, const struct ob_mm_person *b,
                 struct ob_mm_score *out);

/* The comparisons of a score as one line for the review queue (no
 * identity: levels, values of sex, ages, days and weights) into out. */
void ob_mm_explain(const struct ob_mm_score *sc, char *out, size_t size);

/* Is a forensic record an unidentified body: no document and no name, or
 * a name that says nothing (link/compare.h's ob_is_missing_word:
 * DESCONOCIDO, NN, SIN NOMBRE...)? */
bool ob_mm_unidentified(const char *names, const char *document);
/* The same for a record whose delivery supplied the canonical fields
 * `fields` (store/missing_match.h; -1: not known, all): a delivery without
 * a names column says nothing of who its dead were, so none of its
 * records is an unidentified body. */
bool ob_mm_body_unidentified(const char *names, const char *document, long long fields);

/* What a run did. */
struct ob_mm_run {
	size_t bodies;       /* forensic records read */
	size_t unidentified; /* of them, unidentified bodies */
	size_t reports;      /* open reports (state missing) */
	size_t pairs;        /* pairs scored (found after missing) */
	size_t candidates;   /* at or above the threshold */
	size_t added;        /* of them, new in the queue */
};

/*
 * Compare the unidentified bodies (ob_mm_body_unidentified) of t's
 * country found on or after since
 * (YYYY-MM-DD, NULL: any) with the reports of t (the missing-persons type)
 * in its initial state, and add the pairs scoring threshold bits or more
 * to the queue, at time now (seconds since the epoch), in one
 * transaction; a pair already there (pending or decided) is not added
 * again. The run's counts in *res; an audit entry "missing.match" with
 * them.
 */
ob_err ob_missing_match_run(struct ob_store *s, const struct ob_case_type *t, const char *since,
                            double threshold, const struct ob_case_actor *a, long long now,
                            struct ob_mm_run *res, struct ob_diag *d);

/*
 * Decide candidate id at time now, for an actor of the type's protected
 * role or above: confirm moves its report to located_dead (located_on
 * the body's date, located_territory its territory) through the case
 * engine, with a's role checked by the transition, and records the
 * decision in the move's transaction (ob_case_move_also: both or
 * neither); reject records it. Each decision is an audit entry
 * ("missing.match.confirm" or ".reject", object "missing_match:ID") in
 * the decision's transaction. OB_ENOENT when there
 * is no such candidate; OB_EEXISTS when it is decided already; OB_EINVAL
 * (d saying why) when refused.
 */
ob_err ob_missing_match_decide(struct ob_store *s, const struct ob_case_type *t,
                               const struct ob_calendar *cal, const struct ob_case_actor *a,
                               long long id, bool confirm, long long now, struct ob_diag *d);

#endif
