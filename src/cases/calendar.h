/*
 * calendar.h - a country's working calendar: which days are business days
 * (weekends, national holidays) and which fall in a court recess, and the
 * country's time zone, read from the catalogue (catalog/calendars/CCC.ini,
 * one file per country, docs/cases.md). Deadlines of case workflows
 * (cases/deadline.h) count days on it.
 *
 * The file (io/ini.h):
 *
 *   [calendar]
 *   country = SLV                  ISO 3166 alpha-3, the file's name
 *   time_zone = America/El_Salvador
 *   utc_offset = -06:00            fixed: none of the countries keeps DST
 *   weekend = sat, sun
 *   years = 2024..2026             the years the holidays below are known for
 *
 *   [holidays]                     a holiday every year of `years`:
 *   01-01 = Año Nuevo              MM-DD, fixed date
 *   easter-2 = Viernes Santo       days from Easter Sunday (Gregorian)
 *   2025-06-30 = ...               one year only (must lie within `years`)
 *
 *   [recess]                       courts' recess, every year of `years`:
 *   holy-week = easter-6..easter-1 (days counted for business days only
 *   christmas = 12-24..01-01        where a rule says `courts`); a range
 *                                   whose end comes before its start ends
 *                                   the next year
 *
 * Days are counted as days since 1970-01-01 (io/date.h's ob_date_days) in
 * the country's local time. A day outside `years` has no known holidays:
 * ob_calendar_add_business() refuses to count across it (OB_EINVAL),
 * rather than give a date that may fall on a holiday.
 *
 * Ownership: an ob_calendar owns its arrays; ob_calendar_release() frees
 * them. Nothing is shared between calendars.
 */
#ifndef OB_CASES_CALENDAR_H
#define OB_CASES_CALENDAR_H

#include "base/common.h"

struct ob_calendar {
	char country[4];        /* "SLV" */
	char time_zone[64];     /* "America/El_Salvador" */
	int utc_offset;         /* minutes east of UTC: -360 */
	unsigned weekend;       /* bit 0 Monday ... bit 6 Sunday */
	int first_year, last_year;
	long *holidays;         /* sorted, without repeats */
	size_t n_holidays;
	long *recess;           /* sorted days of every recess period */
	size_t n_recess;
};

/* Easter Sunday of year (Gregorian, the anonymous algorithm of Meeus's
 * Astronomical Algorithms, valid for every year from 1583). */
void ob_easter(int year, int *month, int *day);

/* Parse a calendar file's text (name is its path, for diagnostics) into
 * cal (which the caller releases, also after a failure). Errors:
 * OB_EPARSE / OB_EINVAL with file, line, column, value and what was
 * expected in d; OB_ETOOBIG past OB_MAX_CALENDAR_DAYS or
 * OB_MAX_CALENDAR_YEARS. */
ob_err ob_calendar_parse(const char *text, size_t len, const char *name,
                         struct ob_calendar *cal, struct ob_diag *d);

/* Read dir/catalog/calendars/<country>.ini (country: alpha-3). OB_ENOENT
 * when the observatory has no calendar for it. */
ob_err ob_calendar_load(const char *dir, const char *country, struct ob_calendar *cal,
                        struct ob_diag *d);

void ob_calendar_release(struct ob_calendar *cal);

bool ob_calendar_weekend(const struct ob_calendar *cal, long day);
bool ob_calendar_holiday(const struct ob_calendar *cal, long day);
bool ob_calendar_recess(const struct ob_calendar *cal, long day);
/* Not a weekend day nor a holiday, nor (courts) a day of recess. */
bool ob_calendar_business(const struct ob_calendar *cal, long day, bool courts);

/* The n-th business day after day (day itself does not count; n >= 0: n 0
 * is day itself when it is a business day, else the next one). OB_EINVAL
 * with d saying so when the count leaves the years the calendar covers. */
ob_err ob_calendar_add_business(const struct ob_calendar *cal, long day, int n, bool courts,
                                long *out, struct ob_diag *d);

/* The local day of an instant t (seconds since the epoch, UTC), and the
 * instant local day `day` begins. */
long ob_calendar_local_day(const struct ob_calendar *cal, long long t);
long long ob_calendar_day_start(const struct ob_calendar *cal, long day);

#endif
