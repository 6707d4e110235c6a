/*
 * alerts.h - early warning over the observatory: every series of territory
 * (admin-2 and admin-1) x ICCS division (level 2) x month that the counting
 * rules count, judged at a month by the detectors of stats/outbreak.h.
 *
 * The counts are those of engine/query.h with the counting rules (the same
 * as "observa analyze --rows admin2,iccs_division,year,month"); admin-1 is
 * counted as its own series, so that a rise spread over a department is
 * seen when no municipality alarms. Records dated by year only belong to no
 * month and are left out.
 *
 * What is tested: a month of a country is covered when every source of the
 * country that delivered at all has a current delivery covering it
 * (engine/completeness.h, level 0); a month not covered has no data (NAN in
 * the series): it is never tested and never read as a zero.
 *
 * Methods, per series and month judged k:
 *   - Farrington, improved (no_periods 10, alpha 0.01 as bench/alerts
 *     backtest supports, the defaults of ob_farrington_defaults otherwise:
 *     b 5 years, w 3, 5 cases in 4 months) when the series has the 63
 *     months it needs before k;
 *   - else EARS C3 (baseline 7, alpha 0.025) when it has 11; the output
 *     says which;
 *   - and the Poisson CUSUM (ob_cusum_defaults: a shift of 1 sd, in-control
 *     ARL 120 months, reference the 36 months before a monitoring window
 *     of the 12 months up to k) when it has 47 months.
 * An alarm of each method is one ob_alert. "above" is the months in a row
 * up to k the method alarms (Farrington, EARS: judged again month by month
 * backwards, at most 12) or the CUSUM statistic has been above 0.
 *
 * The catalogue's indicators (engine/indicators.h) are categories too, when
 * ob_alerts_options.indicators is given: category "ind:ID" (ID the
 * indicator's id, its names the indicator's), the series of each admin-2
 * and admin-1 unit the indicator's count (its numerator, counted by the
 * counting rules as "observa indicators" counts it: validated deaths for
 * homicide where a reconciliation covers the year) month by month, every
 * month in the division valid at the last month any country covers (as
 * "observa indicators --vintage" with that month's last day). Same
 * coverage, same detectors, same minimum count; a month the indicator's
 * sources did not deliver (OB_IND_NO_DATA) is a month without data, and a
 * unit not in that division has no series.
 *
 * Territorial reforms: a series of an ICCS division is the code of a unit
 * in the analyser's admin-2 (admin-1) dimension, with no data in the months
 * before the unit's valid_from or after its valid_to; a unit created by a
 * reform starts a new, short series (not tested until it has the months a
 * method needs). An indicator's series is counted in the division of the
 * last month, a unit that absorbed others holding their records from the
 * start. Either way a reform is never read as a jump.
 *
 * Speed: with ob_alerts_options.country, or when unit x division x year x
 * month would pass OB_MAX_QUERY_CELLS (an observatory of many years: an
 * archive of 1985 in the demo's), a level is counted unit x ICCS
 * division first, then each unit's division x year x month by a query of
 * its own when a judging thread takes the unit (only a unit and division
 * that counted anything), not as one count of every unit of the analyser
 * x division x year x month, whose cells (11 million at the demo's scale
 * 10) cost more to zero than to count one country. The series are
 * judged in threads, by chunks of units, and the
 * alarms kept in the order of the units, so the answers do not depend on
 * the threads; the CUSUM's h is found once per (k, reference) and its search
 * starts at the last h of the same k (struct ob_cusum_cache: one per judging
 * thread, kept across the levels and indicators of a run), and only for a
 * month that could alarm (ob_cusum_may_alarm). Farrington's models are not
 * fitted for a month that could not alarm (a zero, or fewer than its
 * minimum cases in its last months).
 *
 * Ownership: ob_alerts_run() fills a result the caller releases with
 * ob_alerts_release(); names are copied.
 */
#ifndef OB_ALERTS_ALERTS_H
#define OB_ALERTS_ALERTS_H

#include "base/common.h"
#include "engine/completeness.h"
#include "engine/counting.h"
#include "engine/query.h"
#include "engine/snapshot.h"
#include "io/rows.h"
#include "store/store.h"

#include <stdatomic.h>

enum ob_alert_method {
	OB_ALERT_FARRINGTON = 0, /* improved Farrington */
	OB_ALERT_EARS_C3,
	OB_ALERT_CUSUM,
};

/* "farrington", "ears_c3", "cusum" */
const char *ob_alert_method_name(enum ob_alert_method m);

struct ob_alerts_options {
	const struct ob_counting *rules; /* the counting rules (NULL: every source summed) */
	int from_month, to_month; /* year * 12 + month - 1; -1: each country's
	                             latest covered month */
	int threads;              /* of the counting and of the judging (0: the
	                             analyser's choice; one a core to judge) */
	void (*progress)(void *arg, size_t done, size_t total); /* NULL: none */
	void *progress_arg;
	const struct ob_indicator_set *indicators; /* NULL: ICCS divisions only */
	const struct ob_population *pop; /* the divisions and what the sources
	                             give (the analyser's); with indicators */
	const char *country;      /* ISO3: count only its records (the series
	                             of its units; a report of one country);
	                             NULL: every country */
	const atomic_bool *stop;  /* NULL, or set by another thread to stop the
	                             run soon (between units): ob_alerts_run then
	                             returns OB_ECANCELED with nothing kept */
};

struct ob_alert {
	char *territory, *territory_name;
	int level;              /* 1 or 2 */
	char *category, *category_name_es, *category_name_en;
	unsigned classes;       /* its disclosure classes (publish/sdc.h), whose
	                           rule the public view applies: of the ICCS
	                           division, or of the indicator */
	int month;              /* year * 12 + month - 1 */
	double observed, expected, upper;
	enum ob_alert_method method;
	int above;              /* months in a row */
	double past_min;        /* the smallest count >= 1 of the months before
	                           (INFINITY: none), which the methods read */
	bool past_zero;         /* and one of them counted 0 */
	bool masked;            /* the public rule over the month's territorial
	                           tree hides the observed count (set by the
	                           public routes: http/situation.h,
	                           ob_http_alerts_mask) */
};

struct ob_alerts {
	struct ob_alert *v;
	size_t n, cap;
	size_t series;          /* series judged (territory x category) */
	size_t tested[3];       /* judgements per method */
	size_t untested;        /* series x months judged without data */
	int first_month, last_month; /* the months any country covers */
};

/*
 * Count and judge. st: the store (the ICCS names); an: the analyser of
 * snap; cov: the level-0 completeness table of the whole range. Errors:
 * those of ob_query_run (OB_ETOOBIG past OB_MAX_QUERY_CELLS), OB_ESTORE,
 * OB_ETOOBIG past OB_MAX_OUTBREAK_SERIES months.
 */
ob_err ob_alerts_run(struct ob_store *st, const struct ob_analyzer *an,
                     const struct ob_snapshot *snap, const struct ob_completeness *cov,
                     const struct ob_alerts_options *o, struct ob_alerts *out,
                     struct ob_diag *d);
void ob_alerts_release(struct ob_alerts *a);

/*
 * The alarms as rows (CLI and API write the same): territory,
 * territory_name, level, category, category_name (in English when en),
 * month (YYYY-MM), observed, expected, upper, method, above, suppressed.
 * cfg (the public view; NULL: everything shown) gives each alarm the rule
 * of its classes as releases do (ob_sdc_rule_of: sexual violence, minors):
 * an observed count the rule suppresses (1 .. min_count - 1, and 0 when
 * zero_sensitive) is written null and suppressed true; the expected count
 * and its bound are written null when any month before (those the methods
 * read) is suppressed, since the model values of consecutive months could
 * be subtracted to read that month (docs/disclosure.md). Start w with
 * ob_alerts_cols.
 */
extern const struct ob_rows_col ob_alerts_cols[12];
/* What the public view (cfg; NULL: everything) shows of alarm x, as above:
 * its observed count (*observed) and its expected count and bound (*model). */
struct ob_sdc_config;
void ob_alert_shown(const struct ob_alert *x, const struct ob_sdc_config *cfg, bool *observed,
                    bool *model);
void ob_alerts_write(const struct ob_alerts *a, struct ob_rows *w, bool en, bool text,
                     const struct ob_sdc_config *cfg);

#endif
