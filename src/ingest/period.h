/*
 * period.h - the period one delivery covers.
 *
 * A delivery covers a period that its sender declares (observa ingest
 * --period, the API's period), or that its file name states
 * ("homicidios_2023.csv", "pnc-2023-Q1.csv"), or that holds most of its
 * rows; never the span from its earliest to its latest date, which a single
 * mistyped or late-reported row would stretch. Rows dated outside the period
 * are quarantined or warned about (the profile's outside_period rule), and
 * a new delivery of the same source and period supersedes the earlier one.
 *
 * Periods are written as the indicators write theirs: 2023, 2023-Q1 (or
 * 2023-T1), 2023-05, and ranges of those with "..": 2015..2024,
 * 2023-01..2023-06; also days: 2023-01-01..2023-06-30. A period is a span of
 * whole days, its ends inclusive, counted as ob_date_days() does.
 *
 * struct ob_date_counts tallies the rows' dates (per month; year-precision
 * dates per year) in fixed arrays for OB_MIN_YEAR..OB_MAX_YEAR; the caller
 * owns it. Nothing else allocates.
 */
#ifndef OB_PERIOD_H
#define OB_PERIOD_H

#include "base/common.h"
#include "io/date.h"

struct ob_span {
	long from, to; /* days since 1970-01-01, inclusive */
};

enum ob_span_unit { OB_SPAN_MONTH, OB_SPAN_QUARTER, OB_SPAN_YEAR };

/* Parse s[0..n) in the grammar above. false when it is not a period. */
bool ob_span_parse(const char *s, size_t n, struct ob_span *p);

/* The shortest way to write p: "2023", "2023-Q1", "2023-05",
 * "2023-01..2023-06", "2022..2023" or "2023-01-05..2023-02-03". out holds
 * at least 32 bytes. */
void ob_span_label(const struct ob_span *p, char *out, size_t size);

/* Last day of the period a date of any precision stands for. */
long ob_date_last_day(const struct ob_date *d);

/* Is the whole of d inside p? */
bool ob_span_holds(const struct ob_span *p, const struct ob_date *d);

/*
 * The period a file name states: a year (1900-2100) standing apart from
 * other digits, optionally followed by a month or quarter ("2023",
 * "2023-05", "2023_05", "202305", "2023-Q1", "2023T1"); two such periods make
 * a range ("2023-01_2023-06"). Only the last component of the path is read,
 * without its extension. false when it states none, or more than two.
 */
bool ob_span_from_name(const char *path, struct ob_span *p);

struct ob_date_counts {
	long long month[(OB_MAX_YEAR - OB_MIN_YEAR + 1) * 12];
	long long year_only[OB_MAX_YEAR - OB_MIN_YEAR + 1]; /* dates of year precision */
	long long total;
};

void ob_date_counts_add(struct ob_date_counts *c, const struct ob_date *d);

/* How many of the counted dates lie wholly inside p. */
long long ob_date_counts_in(const struct ob_date_counts *c, const struct ob_span *p);

/*
 * The period that holds more than half of the counted dates: the month,
 * quarter or year (from unit upwards, the first that does) holding most of
 * them, the latest on a tie. Returns false when not even a year does (or
 * nothing was counted); *unit_used and *held say which and how many.
 */
bool ob_date_counts_choose(const struct ob_date_counts *c, enum ob_span_unit unit,
                           struct ob_span *out, enum ob_span_unit *unit_used,
                           long long *held);

/* "el año", "el trimestre", "el mes" for messages. */
const char *ob_span_unit_es(enum ob_span_unit u);

#endif
