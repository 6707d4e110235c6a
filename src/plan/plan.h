/*
 * plan.h - a security plan as data (DIR/catalog/plans/<code>.ini), its
 * target paths, and whether each indicator is on track (docs/commands/plan.md).
 *
 * A plan has goals and indicators. Each indicator names an indicator of
 * the catalogue (indicators.csv: a rate or share computed from records) or
 * a survey indicator (survey_indicators.csv: a share estimated from a
 * survey, in percent), a territory, a baseline value and year, targets per
 * year, a direction (down: less is better; up: more is better), a
 * periodicity and the institution responsible:
 *
 *   [plan]               code, name, country (ISO alpha-3)
 *   [goal ID]            name_es, name_en
 *   [indicator ID]       goal, indicator, source (catalog | survey),
 *                        territory (default: the plan's country), baseline,
 *                        baseline_year, target YEAR = VALUE (one key a
 *                        year), direction, periodicity (annual, biennial,
 *                        ...), responsible, unit
 *
 * The target path of a year is linear between the baseline and the first
 * target, between consecutive targets, and the last target after it
 * (the baseline before the baseline year).
 *
 * The status of a value against the path is decided with its interval,
 * not its point (ob_plan_status): with direction down, on track when the
 * whole interval is at or below the path, off track when the whole
 * interval is above it, at risk when the path lies inside it; direction up
 * mirrors it. A value without an interval (none published, or suppressed)
 * has no status: no_data.
 *
 * Ownership: a plan owns its strings (ob_plan_release).
 */
#ifndef OB_PLAN_H
#define OB_PLAN_H

#include "base/common.h"

enum ob_plan_source { OB_PLAN_CATALOG, OB_PLAN_SURVEY };

enum ob_plan_status {
	OB_PLAN_ON_TRACK,
	OB_PLAN_AT_RISK,
	OB_PLAN_OFF_TRACK,
	OB_PLAN_NO_DATA,
};

struct ob_plan_target {
	int year;
	double value;
};

struct ob_plan_goal {
	char *id, *name_es, *name_en;
};

struct ob_plan_indicator {
	char *id, *goal, *indicator, *territory, *periodicity, *responsible, *unit;
	enum ob_plan_source source;
	double baseline;
	int baseline_year;
	struct ob_plan_target target[OB_MAX_PLAN_TARGETS]; /* by year, ascending */
	size_t ntargets;
	int direction;         /* -1 down is better, +1 up is better */
	long line;             /* of its [indicator ...] header */
};

struct ob_plan {
	char *path, *code, *name, *country;
	struct ob_plan_goal goal[OB_MAX_PLAN_INDICATORS];
	size_t ngoals;
	struct ob_plan_indicator ind[OB_MAX_PLAN_INDICATORS];
	size_t nind;
};

/* Parse a plan's text (name: the file, for messages). Errors: OB_EPARSE or
 * OB_EINVAL with the file, line, column, value and what was expected; on
 * error *p is left released. */
ob_err ob_plan_parse(const char *text, size_t len, const char *name, struct ob_plan *p,
                     struct ob_diag *d);

/* Read DIR/catalog/plans/<spec>.ini, or the file spec when it names one (a
 * '/' or .ini at the end); spec NULL: the one plan of DIR/catalog/plans
 * (OB_EINVAL when there are several, OB_ENOENT when none). */
ob_err ob_plan_load(const char *dir, const char *spec, struct ob_plan *p, struct ob_diag *d);

void ob_plan_release(struct ob_plan *p);

/* The target path of x in year (NaN when x has no target). */
double ob_plan_path(const struct ob_plan_indicator *x, int year);

/* The status of a value with interval [lower, upper] against path, for
 * direction (-1 or +1); NaN anywhere gives OB_PLAN_NO_DATA. */
enum ob_plan_status ob_plan_status(int direction, double path, double lower, double upper);

/* "on_track", "at_risk", "off_track", "no_data" (en) or "en_curso", "en_riesgo",
 * "desviado", "sin_datos" (es). */
const char *ob_plan_status_name(enum ob_plan_status s, bool en);

/*
 * The value of a plan indicator that a release publishes, and where it
 * stands: the latest year at or before a given year with a value. The
 * bulletins (report/bulletin.h), GET /api/v1/plans/{plan} and the portal's
 * plan page read the same release through these, so they show the same
 * figure. A catalogue indicator's value is a row of the release's
 * indicators table (its total: sex T) with a value; a survey indicator's
 * is the latest row of the release's survey_indicators.csv, whose
 * estimate may be suppressed (no value: no_data).
 */
struct ob_plan_value {
	long long year;             /* 0: none */
	double value, lower, upper; /* NaN where none */
	double path;                /* the target path of year; NaN: none */
	enum ob_plan_status status;
	char flags[OB_PLAN_FLAGS_MAX];
};

void ob_plan_value_init(struct ob_plan_value *v);

/* A published value of year (NaN where empty): kept when it has a value,
 * is at or before max_year (-1: any) and not older than the one kept. */
void ob_plan_value_offer(struct ob_plan_value *v, long long max_year, long long year,
                         double value, double lower, double upper, const char *flags);

/* The latest row of survey indicator x (its territory) at or before
 * max_year (-1: any) in path, a release's survey_indicators.csv (percent;
 * its whole universe, sex T, where the file has the column sex):
 * OB_OK (v->year 0 when there is none), OB_ENOENT when path does not
 * exist, or an error reading it in d. */
ob_err ob_plan_survey_value(const char *path, const struct ob_plan_indicator *x,
                            long long max_year, struct ob_plan_value *v, struct ob_diag *d);

/* The values of every indicator of p (v[i] for p->ind[i], judged) in a
 * release, read from its files: indicators_csv (indicators.csv, for the
 * catalogue's) and survey_csv (survey_indicators.csv, for the survey's; a
 * release without one has none), up to max_year (-1: any). OB_OK, or an
 * error reading a file in d (the values found before it are kept). */
ob_err ob_plan_release_values(const char *indicators_csv, const char *survey_csv,
                              const struct ob_plan *p, long long max_year,
                              struct ob_plan_value *v, struct ob_diag *d);

/* The same in steps, for a caller that holds some rows of the indicators
 * table already: ob_plan_values_begin() empties v; ob_plan_offer_row()
 * gives one row (every catalogue indicator of p whose indicator and
 * territory it has, when its sex is T, takes it as ob_plan_value_offer
 * does); ob_plan_values_end() reads indicators_csv (NULL: the rows offered
 * are all there is) and survey_csv, and judges each value. */
void ob_plan_values_begin(const struct ob_plan *p, struct ob_plan_value *v);
void ob_plan_offer_row(const struct ob_plan *p, long long max_year, const char *indicator,
                       const char *territory, const char *sex, long long year, double value,
                       double lower, double upper, const char *flags, struct ob_plan_value *v);
ob_err ob_plan_values_end(const char *indicators_csv, const char *survey_csv,
                          const struct ob_plan *p, long long max_year, struct ob_plan_value *v,
                          struct ob_diag *d);

/* v's path (x's target path in v->year) and status. */
void ob_plan_value_judge(const struct ob_plan_indicator *x, struct ob_plan_value *v);

/* The .ini files of DIR/catalog/plans (paths, sorted, at most max; the
 * caller frees each): how many. */
size_t ob_plan_files(const char *dir, char **paths, size_t max);

#endif
