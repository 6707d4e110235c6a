/*
 * survey.h - the store's estimates of survey indicators (table
 * survey_estimate, migration 13): what "observa survey ingest" writes and
 * what the indicators, the plan, the release and the API read.
 *
 * One row per survey (its profile's code), indicator, territory (the
 * country's code or an admin-1 unit's), sex (T: the indicator's whole
 * universe; F and M: its women and its men, domains of the whole design,
 * when the survey's profile names the sex variable; migration 18) and
 * period (the survey year). A
 * suppressed row has no number: estimate, se, lower, upper, cv and deff
 * are NaN on the way in and out (NULL in the table).
 *
 * For a share whose victims the police also record (survey_indicators.csv,
 * column police) ingest keeps beside it the design-based total of the
 * respondents who said yes, a Wald interval: indicator "ID:total", the
 * estimated number of victims that the dark figure sets against the
 * police's (survey/darkfig.h).
 *
 * Ownership: the strings of a row given to a callback belong to the store
 * and live only during the call.
 */
#ifndef OB_STORE_SURVEY_H
#define OB_STORE_SURVEY_H

#include "store/store.h"

struct ob_survey_row {
	const char *survey, *indicator, *territory, *period;
	const char *sex;       /* "T", "F" or "M" */
	double estimate, se, lower, upper, cv, deff; /* NaN: none */
	double level;          /* of the interval */
	const char *method;    /* logit, beta, asin, likelihood, wilson, wald */
	long long n;           /* respondents of the domain */
	const char *flags;     /* separated by ";": high_cv, few_cases, no_cases,
	                          lonely_psu, no_interval, missing_values */
	bool suppressed;
	const char *file, *sha256, *ingested_at;
};

/*
 * Replace every row of survey for period by rows[0..n), in one transaction
 * of its own (the store must not be in one). Errors: OB_ESTORE with d
 * filled; nothing is changed then.
 */
ob_err ob_store_survey_replace(struct ob_store *s, const char *survey, const char *period,
                               const struct ob_survey_row *rows, size_t n, struct ob_diag *d);

/*
 * Each row, ordered by indicator, territory, period, sex (T, F, M) and
 * survey; indicator, territory and sex (NULL: any) filter. The design-based totals kept beside a
 * share for the dark figure (indicator "ID:total", survey/darkfig.h) are
 * listed only when indicator names one: NULL lists the catalogue's
 * indicators alone. each's non-zero return stops the
 * listing and is returned; -1 with d filled on a store error.
 */
int ob_store_survey_each(struct ob_store *s, const char *indicator, const char *territory,
                         const char *sex, int (*each)(void *arg, const struct ob_survey_row *r), void *arg,
                         struct ob_diag *d);

#endif
