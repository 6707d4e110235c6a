/*
 * bulletin.h - a bulletin of one territory (a country or an admin-1 unit)
 * and one year as a self-contained HTML page: inline CSS and SVG charts
 * (report/chart.h), no script, no external request.
 *
 * Its numbers are a release's (publish/release.h: the "indicators" table,
 * read by the caller from <release>/indicators.json): the same counts,
 * rates, intervals and flags, after the same counting rules and disclosure
 * control, so a bulletin never shows what its release withholds. A
 * suppressed cell (status C) is written "suprimido" / "suppressed", a cell
 * without data (status M) "sin datos" / "no data", never 0.
 *
 * Content: the headline table (each indicator's value and count for the
 * year, the change against the year before, and whether it is beyond
 * chance: ob_rate_compare at 95% on counts and populations, for rates per
 * 100 000); the trend of the first indicators over ten years; the count by
 * sex; small multiples of the admin-1 units below the territory; the units
 * that changed most; a methods box (counting rules, populations and
 * whether estimated, suppression); the source line and the date.
 *
 * Ownership: every string and array is the caller's; nothing is kept.
 */
#ifndef OB_REPORT_BULLETIN_H
#define OB_REPORT_BULLETIN_H

#include "base/common.h"
#include "base/lang.h"

/* One row of a release's indicators table; NaN for an empty cell. */
struct ob_bl_row {
	const char *indicator, *country, *territory, *territory_name, *parent;
	const char *sex, *counting_rule, *flags, *status, *unit;
	int level, year;
	double count, den, value, lower, upper;
};

/* What the bulletin says of an indicator (from the catalogue). */
struct ob_bl_indicator {
	const char *id, *name_es, *name_en;
	double multiplier;
};

struct ob_bulletin {
	enum ob_lang lang;
	const char *territory; /* its code */
	int year;
	const char *release;   /* "v3" */
	const char *date;      /* of the release, "2026-11-30" */
	const struct ob_bl_row *rows;
	size_t n_rows;
	const struct ob_bl_indicator *ind; /* in the order shown */
	size_t n_ind;
};

/*
 * Write the bulletin. OB_ENOENT (d says which) when the release has no row
 * of the territory in that year; OB_EIO after a write error.
 */
ob_err ob_bulletin_html(FILE *out, const struct ob_bulletin *b, struct ob_diag *d);

#endif
