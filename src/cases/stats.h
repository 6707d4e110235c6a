/*
 * stats.h - the statistics of a case type (docs/cases.md, "Estadísticas"),
 * computed from the cases' immutable history (store/cases.h, case_event and
 * case_event_value) as of a moment: what happened after it does not count,
 * and every value is the one the history gave by then.
 *
 * Per group (a unit, a month, quarter or year, a state, or a field's
 * value) and period [from, to] (local days of the type's country):
 *   opened         cases opened in the period;
 *   closed         cases that entered a final state in the period;
 *   open_at_end    cases open at the end of the period (or at the moment,
 *                  when earlier); by month, quarter or year, at the end of
 *                  each;
 *   time_in_state  stays in each state that ended in the period: their
 *                  number, median and 90th percentile (nearest rank) in
 *                  days, business days when a deadline of the type counts
 *                  business days (court recesses too when it says courts);
 *   deadline       each deadline rule's clocks started in the period, by
 *                  outcome at the moment: on_time, late (stopped after it
 *                  fell due), missed (fell due and still runs), pending
 *                  (still running, not yet due); a recurring one (every =
 *                  ...) is one clock per review (the date the review gives),
 *                  and the one running when the case reached a state that
 *                  stops it is missed if it had fallen due, else not
 *                  counted;
 *   protection_measure  the cases a measure applies to ([stats]
 *                  measure_states: those that entered one of them in the
 *                  period), with and without the measure field;
 *   count          cases opened in the period by the value of each field
 *                  of [stats] counts ("none" without one);
 *   severity       cases opened in the period that meet each severity rule.
 * Every statistic has its total over the groups (group "").
 *
 * Disclosure control (ob_case_stats_suppress) is publish/sdc.h's, the one
 * every release passes through: each statistic is a table of groups by
 * its values with their totals, and the tables are one system with the
 * equations that link them (the cases opened in a group are its count of
 * each field, and those open at the end plus those closed, less the ones
 * opened before), protected under the general rule and the type's class
 * ([stats] disclosure); a median and a percentile are shown only with
 * their stays' count.
 *
 * Ownership: struct ob_case_stats owns its cells (ob_case_stats_release).
 */
#ifndef OB_CASES_STATS_H
#define OB_CASES_STATS_H

#include "cases/cases.h"
#include "publish/sdc.h"

enum ob_case_stats_by {
	OB_CASE_STATS_BY_UNIT,
	OB_CASE_STATS_BY_MONTH,
	OB_CASE_STATS_BY_QUARTER,
	OB_CASE_STATS_BY_YEAR,
	OB_CASE_STATS_BY_STATE,
	OB_CASE_STATS_BY_FIELD,
};

/* "unit", "month", "quarter", "year", "state" or a field of t that is not
 * protected (*field its index); false when it is none of them. */
bool ob_case_stats_by_parse(const struct ob_case_type *t, const char *s,
                            enum ob_case_stats_by *by, int *field);

/* A period's first (end false) or last day: YYYY, YYYY-Qn, YYYY-MM or
 * YYYY-MM-DD, as days since 1970-01-01; false when it is none of them. */
bool ob_case_stats_period(const char *s, bool end, long *day);

struct ob_case_stats_query {
	enum ob_case_stats_by by;
	int field;                 /* OB_CASE_STATS_BY_FIELD: the field */
	long from_day, to_day;     /* local days, inclusive; LONG_MIN, LONG_MAX: open */
	long long now;             /* the moment (seconds since the epoch) */
	const struct ob_case_units *units; /* NULL: every unit; else its units only */
};
void ob_case_stats_query_init(struct ob_case_stats_query *q, long long now);

/*
 * The public grain. Answers at free moments and periods could be
 * subtracted from one another: the figures as of one day and of the next,
 * or of January to June and of January to May, give a difference that each
 * of them suppresses. So the public (and an account that gets what the
 * public gets) is answered one whole calendar year of the type's country
 * at a time, as it stood at the last second of that year: an answer that
 * never changes once the year is over, and no two answers overlap in part.
 * year: "YYYY", or NULL for the last year over at clock (local time).
 * Sets q's period and moment and *year_out; OB_EINVAL (d, in both
 * languages) for a year that is not YYYY or not over yet.
 */
ob_err ob_case_stats_public_query(const struct ob_calendar *cal, long long clock,
                                  const char *year, struct ob_case_stats_query *q, long *year_out,
                                  struct ob_diag *d);
/* Whether a public answer may be grouped so: not by month, whose sums
 * would be quarters that a public answer by quarter shows, so that one
 * table's suppressed month could be worked out from the other's quarter. */
bool ob_case_stats_public_by(enum ob_case_stats_by by);

enum ob_case_stat {
	OB_CASE_STAT_OPENED,
	OB_CASE_STAT_CLOSED,
	OB_CASE_STAT_OPEN_AT_END,
	OB_CASE_STAT_TIME_IN_STATE,
	OB_CASE_STAT_DEADLINE,
	OB_CASE_STAT_MEASURE,
	OB_CASE_STAT_COUNT,
	OB_CASE_STAT_SEVERITY,
};
/* "opened", "closed", "open_at_end", "time_in_state", "deadline",
 * "protection_measure", "count", "severity". */
const char *ob_case_stat_name(enum ob_case_stat s);
/* What the statistic's n counts: "casos", "plazos" or "estancias" (en:
 * "cases", "deadlines", "stays"). */
const char *ob_case_stat_counts(enum ob_case_stat s, bool en);

struct ob_case_stats_cell {
	enum ob_case_stat stat;
	char item[OB_CASE_NAME];   /* the state, deadline, field or severity rule; "" */
	char value[OB_CASE_NAME];  /* deadline: on_time, late, missed, pending, all;
	                              measure: with, without, applies; count: the
	                              field's value, none or all; "" */
	char group[OB_CASE_NAME];  /* "" for the total */
	long long n;
	double median, p90;        /* time in state, in days; NAN otherwise */
	bool hidden;               /* ob_case_stats_suppress: not to be shown */
};

struct ob_case_stats {
	struct ob_case_stats_cell *cells; /* by statistic, item, value, then group
	                                     (the total last) */
	size_t n;
	bool business_days;        /* time in state counted in business days */
	bool time_groups;          /* by month, quarter or year */
	bool opened_before;        /* a case was opened before from_day */
	long from_day, to_day;     /* the period as computed (the first opening
	                              and the moment's day when open) */
};

/* The statistics of type t (its calendar cal) from the store. OB_ETOOBIG
 * past OB_MAX_CASE_STATS_CELLS cells; OB_EINVAL (d) when a business-day
 * deadline falls outside the calendar's years; OB_ESTORE. */
ob_err ob_case_stats_compute(struct ob_store *s, const struct ob_case_type *t,
                             const struct ob_calendar *cal, const struct ob_case_stats_query *q,
                             struct ob_case_stats *out, struct ob_diag *d);
void ob_case_stats_release(struct ob_case_stats *st);

/* Suppress as a release does (publish/sdc.h, cfg), with the type's class
 * ([stats] disclosure). */
ob_err ob_case_stats_suppress(struct ob_case_stats *st, const struct ob_case_type *t,
                              const struct ob_sdc_config *cfg, struct ob_diag *d);

#endif
