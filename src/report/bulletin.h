/*
 * bulletin.h - a bulletin of one territory (a country or an admin-1 unit)
 * and one period as a self-contained HTML page: inline CSS and SVG charts
 * (report/chart.h), no script, no external request; or as a PDF.
 *
 * A quarter, a month or a year to date (struct ob_bl_sub) has the public
 * situational analysis's numbers, as GET /api/v1/situation answers them:
 * the headline comparison of each crime, the first crime's comparisons,
 * its trend over 24 months (or 12 quarters) with the period shaded, the
 * map of its annualised rate in the period over the units below, their
 * small multiples over the same months, the units that changed most as it
 * ranks them, the victims by sex and by age group of the first crime (its
 * headline rows), the year's violent deaths by institution and the
 * period's deliveries, and a methods box saying where they come from.
 * What follows is the bulletin of a year.
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
 * sex, by age group and by weapon (from the indicators that break the
 * first one down: struct ob_bl_indicator); a choropleth map of the first
 * indicator's value over the units below the territory (its admin-1
 * units, or an admin-1 unit's admin-2 units: report/choropleth.h, from the
 * same rows as the tables; a suppressed unit or one without data is in the
 * hatched no-data class; without boundaries the bulletin says so and draws
 * none); small multiples of the units below the territory; the units
 * that changed most; the violent deaths each institution counted against
 * the validated count (struct ob_bl_deaths); the deliveries of the period
 * (struct ob_bl_delivery); a methods box (counting rules, populations and
 * whether estimated, suppression); the source line and the date.
 *
 * Ownership: every string and array is the caller's; nothing is kept.
 * The same content goes to HTML or to PDF through a sink (struct
 * ob_bl_sink), so the two never differ in what they say.
 */
#ifndef OB_REPORT_BULLETIN_H
#define OB_REPORT_BULLETIN_H

#include "base/common.h"
#include "base/lang.h"
#include "base/limits.h"

/* One row of a release's indicators table; NaN for an empty cell. */
struct ob_bl_row {
	const char *indicator, *country, *territory, *territory_name, *parent;
	const char *sex, *counting_rule, *flags, *status, *unit;
	int level, year;
	double count, den, value, lower, upper;
};

/* What the bulletin says of an indicator (from the catalogue). The
 * numerator (engine/indicators.h; NULL: unknown) finds the breakdowns of
 * the first indicator: an indicator whose numerator is the first's and one
 * more clause "age=..." or "mechanism=..." counts an age group or a
 * weapon of its victims. */
struct ob_bl_indicator {
	const char *id, *name_es, *name_en;
	double multiplier;
	const char *numerator;
};

/* The boundary of a unit below the territory, for the map: a GeoJSON
 * Polygon or MultiPolygon in longitude and latitude (report/choropleth.h),
 * as the release's maps have it. */
struct ob_bl_shape {
	const char *code, *geojson;
};

/* One row of the public situational analysis as GET /api/v1/situation
 * writes it (engine/situation.h's columns; NaN where it writes null),
 * for the bulletin of a quarter, a month or a year to date. */
struct ob_bl_sit {
	const char *section;    /* "territory", "unit", "crime" */
	const char *territory, *territory_name, *indicator, *comparison;
	const char *period, *baseline, *change, *status, *counting;
	double count, baseline_count, rate, baseline_rate, ratio;
	long rank;              /* 0: not ranked */
};

/* An early-warning alarm (alerts/alerts.h) of a unit in or under the
 * territory in the period's last month, as the public alerts route shows
 * it: observed hidden below the disclosure threshold, expected and upper
 * hidden when a month the methods read is (ob_alert_shown). */
struct ob_bl_alarm {
	const char *territory_name, *category_name, *method;
	double observed, expected, upper;
	bool observed_shown, model_shown;
	int above; /* months in a row */
};

/* The violent deaths of the territory in a year as each institution
 * counted them, and as reconciliation validated them (a release's
 * violent_deaths table, publish/release.h: count_of "deaths" is the
 * validated count, "police", "forensic", "prosecutor" each institution's
 * own); status as the release has it ("C" suppressed: count NaN; "M" no
 * data). */
struct ob_bl_deaths {
	int year;
	const char *count_of, *status;
	double count;
};

/* One month of one source's deliveries for the bulletin's country
 * (engine/completeness.h): month is year * 12 + month - 1. */
struct ob_bl_delivery {
	const char *source, *institution;
	const char *source_name; /* its profile's name; NULL: unknown (the code is shown) */
	int month;
	bool delivered;
};

/* A bulletin of less than a year: its figures are the public situational
 * analysis's (src/http/situation.h, the function and disclosure settings
 * of GET /api/v1/situation), computed once per crime of the catalogue
 * (indicator "crime" rows of each territory section); never the release's
 * nor a recomputation. */
struct ob_bl_sub {
	const char *period;       /* as asked: "2024-09", "2024-Q3", "ytd:2024-09-30" */
	bool ytd;                 /* the headline comparison is year_to_date */
	const char *snapshot;     /* the records' snapshot date, "2026-12-05" */
	const struct ob_bl_sit *rows; /* the period's; "unit" rows: every unit below */
	size_t n_rows;
	/* The first crime's trend: the periods steps[0..n_steps) (24 months
	 * for a month or a year to date, 12 quarters for a quarter), those of
	 * the bulletin steps[hl_from..hl_to); series the public analysis of
	 * each step on its own ("territory" and "unit" rows of comparison
	 * year_earlier, period a step's label), so that a step is shown only
	 * when the API would show it. */
	const char *const *steps;
	size_t n_steps, hl_from, hl_to;
	const struct ob_bl_sit *series;
	size_t n_series;
	/* the units right below the territory in the period (codes and names,
	 * by code): each on the map and in the small multiples, hatched or a
	 * gap where the rule hides it (the analysis's rankings leave it out);
	 * none: the units the rows have */
	const char *const *unit_codes, *const *unit_names;
	size_t n_units;
	/* the alarms of the period's last month (alarm_month, "2024-09";
	 * NULL: not judged, no section) */
	const char *alarm_month;
	const struct ob_bl_alarm *alarms;
	size_t n_alarms;
};

/* A plan of the territory (plan/plan.h) and, for each of its indicators
 * (plan->ind[i]), the value the bulletin's release publishes and where it
 * stands (values[i]: ob_plan_value_offer/judge, as GET /api/v1/plans/{plan}
 * gives them). */
struct ob_plan;
struct ob_plan_value;
struct ob_bl_plan {
	const struct ob_plan *plan;
	const struct ob_plan_value *values;
};

struct ob_bulletin {
	enum ob_lang lang;
	const char *territory; /* its code */
	int year;
	const char *release;   /* "v3"; NULL: none (a bulletin of less than a year) */
	const char *date;      /* of the release, "2026-11-30" */
	const struct ob_bl_row *rows;
	size_t n_rows;
	const struct ob_bl_indicator *ind; /* in the order shown */
	size_t n_ind;
	const struct ob_bl_shape *shapes;  /* of the units below; none: no map */
	size_t n_shapes;
	const struct ob_bl_sub *sub;       /* a quarter, month or year to date: its
	                                    * figures (rows unused); NULL: a year,
	                                    * from the release's rows */
	const struct ob_bl_plan *plans;    /* the plans section (after the figures,
	                                    * before the methods); none: no section */
	size_t n_plans;
	/* the territory's violent deaths by institution, every year the
	 * release has (none: the section says the release has none) */
	const struct ob_bl_deaths *deaths;
	size_t n_deaths;
	/* the deliveries of the country's sources in the months
	 * [from_month, to_month] of the bulletin (as of deliveries_date: the
	 * release's date for a year, the records' for less); none, with
	 * from_month 0: no section */
	const struct ob_bl_delivery *deliveries;
	size_t n_deliveries;
	int from_month, to_month;
	const char *deliveries_date;
	/* the release's table of deaths, or of deliveries, could not be read
	 * (the section says so, rather than that there is nothing) */
	bool deaths_unread, deliveries_unread;
	/* the region: rows of level -1 are the sums of the countries' (the
	 * units below); the methods box says how they are made */
	bool region;
};

/* One cell of a bulletin's table. */
enum ob_bl_kind { OB_BL_TEXT, OB_BL_NUM, OB_BL_NA };
struct ob_bl_cell {
	char text[OB_BULLETIN_CELL_MAX];
	enum ob_bl_kind kind;
	bool star; /* a rate from fewer than 20 events: an asterisk */
};

/* Styles of a paragraph. */
enum ob_bl_para { OB_BL_PLAIN, OB_BL_META, OB_BL_BOX };

/*
 * What a bulletin is written to, block after block: the HTML page or the
 * PDF's pages. Texts are plain UTF-8 (each writer escapes or lays them
 * out; the title and meta given to begin() stay valid until end(), as
 * the PDF repeats meta at each page's foot); svg[0..len) is one <svg>
 * element of report/chart.h. A table is rows * cols cells, row-major, its
 * first row the header. The writer remembers its first error; end()
 * returns it.
 */
struct ob_bl_sink {
	void *ctx;
	void (*begin)(void *ctx, enum ob_lang lang, const char *title, const char *meta);
	void (*heading)(void *ctx, int level, const char *text);
	void (*para)(void *ctx, enum ob_bl_para style, const char *text);
	void (*table)(void *ctx, const struct ob_bl_cell *cells, size_t rows, size_t cols);
	void (*figure)(void *ctx, const char *svg, size_t len);
	ob_err (*end)(void *ctx, struct ob_diag *d);
	/* what follows starts a new page (the PDF; HTML when printed) */
	void (*page)(void *ctx);
	/* a table of contents: entries[i] is the text of the (i+1)-th level-2
	 * heading that follows (the PDF adds the page of each) */
	void (*toc)(void *ctx, const char *title, const char *const *entries, size_t n);
};

/*
 * Write the bulletin to s. OB_ENOENT (d says which) when the release has no
 * row of the territory in that year (nothing is written then); what s->end
 * returns otherwise (OB_EIO after a write error).
 */
ob_err ob_bulletin_write(const struct ob_bulletin *b, const struct ob_bl_sink *s,
                         struct ob_diag *d);

/* The bulletin as one HTML page on out. */
ob_err ob_bulletin_html(FILE *out, const struct ob_bulletin *b, struct ob_diag *d);

/*
 * The bulletin as a PDF on out (report/bulletin_pdf.c): A4 pages, text
 * laid out by Pango in DejaVu Sans (embedded), the same SVG charts drawn by
 * librsvg, "página N de M" at the foot of each page.
 */
ob_err ob_bulletin_pdf(FILE *out, const struct ob_bulletin *b, struct ob_diag *d);

/*
 * The statistical compendium of a country and a year (report/compendium.c):
 * a table of contents; one table per catalogue indicator by admin-1 unit
 * (the country's total first), with names, counts, denominators, values,
 * 95% intervals and flags, suppressed cells and cells without data as the
 * release has them; a page per admin-1 unit with its headline numbers and
 * a small trend; an annex table of the admin-2 units; the methods box.
 * b->rows: every row of the country (levels 0, 1 and 2) in the years the
 * release has; b->sub must be NULL. OB_ENOENT as ob_bulletin_write.
 */
ob_err ob_compendium_write(const struct ob_bulletin *b, const struct ob_bl_sink *s,
                           struct ob_diag *d);
ob_err ob_compendium_html(FILE *out, const struct ob_bulletin *b, struct ob_diag *d);
ob_err ob_compendium_pdf(FILE *out, const struct ob_bulletin *b, struct ob_diag *d);
/* The compendium as a formatted workbook (.xlsx) on out, one sheet per
 * theme (report/compendium_xlsx.c); out need not be seekable. */
ob_err ob_compendium_xlsx(FILE *out, const struct ob_bulletin *b, struct ob_diag *d);

/*
 * The infographic of a territory and a year (report/infographic.c): one
 * 1080 x 1350 SVG with the headline numbers of the first indicators that
 * have a value (at most OB_INFOGRAPHIC_NUMBERS, each with what it counts
 * and its change against the year before, the very cells of the
 * bulletin's headline table), the first indicator's trend, the map of the
 * units below, the source and the date. b as for ob_bulletin_write (a
 * year: b->sub NULL). As SVG on out; as a PNG of that size, or an A4
 * portrait PDF page (report/bulletin_pdf.c).
 */
ob_err ob_infographic_svg(FILE *out, const struct ob_bulletin *b, struct ob_diag *d);
ob_err ob_infographic_png(FILE *out, const struct ob_bulletin *b, struct ob_diag *d);
ob_err ob_infographic_pdf(FILE *out, const struct ob_bulletin *b, struct ob_diag *d);

#endif
