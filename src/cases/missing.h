/*
 * missing.h - the missing-persons configuration (catalog/cases/
 * missing-persons.ini, docs/missing.md) read through the case engine: which
 * reports the public may see and with which fields (the type's [publish]
 * rules, cases/casetype.h), the filters of the public listing, and the
 * statistics without identities (reports by month, territory, sex and age
 * group, the share located and the median time to location). Nothing here
 * touches the store or applies disclosure control: the callers (the API,
 * the portal, "observa missing stats") load the cases (cases/cases.h) and
 * suppress small counts.
 *
 * Ownership: an ob_missing_type points into its case type, which must
 * outlive it; ob_missing_stats' cells are the caller's (free()).
 */
#ifndef OB_CASES_MISSING_H
#define OB_CASES_MISSING_H

#include "base/strmap.h"
#include "cases/cases.h"

/* The case type's code. */
#define OB_MISSING_TYPE "missing-persons"

/* The fields and states the statistics and the public listing read. */
struct ob_missing_type {
	const struct ob_case_type *t;
	int reported_on, missing_since, territory, sex, age, located_on; /* fields */
	int located_alive, located_dead;                                 /* states */
};

/* Bind m to t: OB_EINVAL with d naming the field or state t lacks (or of
 * the wrong type): reported_on and missing_since (date),
 * last_seen_territory (territory), sex (choice), age (integer),
 * located_on (date); states located_alive and located_dead. */
ob_err ob_missing_bind(const struct ob_case_type *t, struct ob_missing_type *m,
                       struct ob_diag *d);

/* The public listing's filters; NULL or -1: none. Every filter reads only
 * what the case publishes: a report whose age is withheld never matches
 * an age range. */
struct ob_missing_filter {
	const char *sex;
	long long age_min, age_max;
	const char *territory; /* the code or any unit under it (a code prefix) */
	const char *from, *to; /* missing_since, YYYY-MM-DD, inclusive */
};
void ob_missing_filter_init(struct ob_missing_filter *f);

/* The public fields of c (ob_case_public_fields at its current state); 0:
 * the report is not public. */
unsigned long long ob_missing_public(const struct ob_missing_type *m,
                                     const struct ob_case_rec *c);
/* Does c (with public fields mask) pass f? */
bool ob_missing_match(const struct ob_missing_type *m, const struct ob_case_rec *c,
                      unsigned long long mask, const struct ob_missing_filter *f);

/*
 * What the filters read of the public reports, as columns, so that a
 * listing filters compact arrays (the server's: http/missing.c) rather than
 * every case's values: the date as the number YYYYMMDD, the sex as its
 * place among the field's choices, the territory as its place among the
 * codes the rows have. A row whose published values do not fit so (a date
 * not YYYY-MM-DD, a sex not among the choices, a territory published
 * empty) is not whole: ask ob_missing_match for it.
 *
 * A filter is compiled once for the rows (ob_missing_plan_of); when it
 * cannot be (a from or to that is not YYYY-MM-DD), plan.exact says to ask
 * ob_missing_match for every row. For a whole row and a plan not exact,
 * ob_missing_plan_match(p, k, i) is ob_missing_match(m, c, mask, f).
 *
 * Ownership: the rows own their arrays and the codes (release with
 * ob_missing_rows_release); a plan owns its territory table and points to
 * its filter, which must outlive it (ob_missing_plan_release).
 */
struct ob_missing_rows {
	size_t n, cap;
	int32_t *since;      /* YYYYMMDD; -1: none published */
	int16_t *age;        /* -1: none published (or not a whole 0..200) */
	uint8_t *sex;        /* 1 + its place among the choices; 0: none published */
	uint8_t *whole;      /* 0: not whole */
	uint32_t *territory; /* 1 + its place in codes; 0: none published */
	const char **codes;  /* the distinct codes, keys of code_of */
	size_t n_codes;
	struct ob_strmap code_of; /* code -> 1 + place */
};
void ob_missing_rows_init(struct ob_missing_rows *k);
/* Append the row of c, a public report (mask not 0). */
void ob_missing_rows_add(struct ob_missing_rows *k, const struct ob_missing_type *m,
                         const struct ob_case_rec *c, unsigned long long mask);
void ob_missing_rows_release(struct ob_missing_rows *k);

struct ob_missing_plan {
	const struct ob_missing_filter *f;
	bool exact;               /* ask ob_missing_match for every row */
	bool none;                /* no whole row can pass (an empty range): sex_ok all 0 */
	uint8_t sex_ok[256];      /* by a row's sex */
	int32_t age_lo;           /* (uint32_t)(age - age_lo) <= age_span */
	uint32_t age_span;
	uint32_t since_lo, since_span; /* (uint32_t)since - since_lo <= since_span */
	uint8_t *territory_ok;    /* by a row's territory (1 + n_codes) */
};
void ob_missing_plan_of(struct ob_missing_plan *p, const struct ob_missing_type *m,
                        const struct ob_missing_rows *k, const struct ob_missing_filter *f);
void ob_missing_plan_release(struct ob_missing_plan *p);

static inline bool ob_missing_plan_match(const struct ob_missing_plan *p,
                                         const struct ob_missing_rows *k, size_t i)
{
	/* & rather than &&: no branch to mispredict */
	return p->sex_ok[k->sex[i]] & p->territory_ok[k->territory[i]] &
	       ((uint32_t)(k->age[i] - p->age_lo) <= p->age_span) &
	       ((uint32_t)k->since[i] - p->since_lo <= p->since_span);
}

/* ---- statistics ---- */

enum ob_missing_by {
	OB_MISSING_BY_MONTH,     /* of missing_since, YYYY-MM */
	OB_MISSING_BY_TERRITORY, /* last_seen_territory as recorded */
	OB_MISSING_BY_SEX,
	OB_MISSING_BY_AGE,       /* age groups (ob_missing_age_group) */
};
/* "month", "territory", "sex", "age"; parse: false when none. */
const char *ob_missing_by_name(enum ob_missing_by by);
bool ob_missing_by_parse(const char *s, enum ob_missing_by *by);

/* The age group of an age in years: "0-11", "12-17", "18-29", "30-44",
 * "45-59", "60+"; "unknown" for a negative age (none given). Groups under
 * 18 are minors'. */
const char *ob_missing_age_group(long long age, bool *minor);

struct ob_missing_cell {
	char key[OB_CASE_NAME];  /* the group; "" for the total */
	bool minors;             /* an age group under 18 */
	long long reported;      /* reports */
	long long located;       /* of them, with a date of location */
	long long alive, dead;   /* of them, located alive and dead */
	double median_days;      /* located_on - missing_since; NAN when none */
	/* ob_missing_suppress: what may not be shown */
	bool reported_hidden;    /* reported, and everything else of the cell */
	bool located_hidden;     /* located, the share and the median */
	bool split_hidden;       /* alive and dead */
};

/* The cells of set (every report, public or not: counts only) by `by`,
 * sorted by key, followed by the total (key ""): *n cells in *cells. A
 * report without the grouping value counts under "unknown". */
ob_err ob_missing_stats(const struct ob_missing_type *m, const struct ob_case_set *set,
                        enum ob_missing_by by, struct ob_missing_cell **cells, size_t *n,
                        struct ob_diag *d);
/* The same for the reports whose missing_since falls in year (0: every
 * report; a report without that date is in no year). */
ob_err ob_missing_stats_year(const struct ob_missing_type *m, const struct ob_case_set *set,
                             int year, enum ob_missing_by by, struct ob_missing_cell **cells,
                             size_t *n, struct ob_diag *d);

/*
 * Disclosure control of the cells (the total last, as ob_missing_stats
 * gives them): a count from 1 to min_count - 1 (min_minors in a minors'
 * age group) is hidden, with what derives from it (the share located and
 * the median need the located count shown; alive and dead are hidden
 * together when either is small). Secondary suppression: in the reported
 * and in the located column, when a single group is hidden beside a shown
 * total, the smallest other non-zero group is hidden too, so that no
 * subtraction from the total gives it back; the total's alive and dead
 * are hidden when a group's are.
 */
void ob_missing_suppress(struct ob_missing_cell *cells, size_t n, long long min_count,
                         long long min_minors);

/*
 * The published statistics of a year (0: every report): the four
 * breakdowns (by[k] for enum ob_missing_by k), each ending in the same
 * total, suppressed together. Each breakdown is suppressed as above; then
 * a cell of the total that is hidden in one breakdown is hidden in all
 * (the year's total is one number shown four times: shown in one
 * breakdown, it would give back, by subtraction, a group hidden in
 * another). This is what "observa missing stats" prints and what a release
 * publishes (publish/release_missing.c): one question, one number.
 * ob_missing_year_free frees the cells.
 */
#define OB_MISSING_NBY 4
struct ob_missing_year {
	int year;
	struct ob_missing_cell *by[OB_MISSING_NBY];
	size_t n[OB_MISSING_NBY];
};
ob_err ob_missing_year_stats(const struct ob_missing_type *m, const struct ob_case_set *set,
                             int year, long long min_count, long long min_minors,
                             struct ob_missing_year *y, struct ob_diag *d);
void ob_missing_year_free(struct ob_missing_year *y);
/* The years of missing_since among set's reports, ascending, distinct:
 * *n in *years (the caller's, free()). */
void ob_missing_years(const struct ob_missing_type *m, const struct ob_case_set *set,
                      int **years, size_t *n);

#endif
