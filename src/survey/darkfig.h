/*
 * darkfig.h - the dark figure made visible: a survey's estimated number of
 * victims of a crime set against the victims the police recorded for the
 * same territory, year and population.
 *
 * For each survey indicator of the catalogue with a police mapping
 * (survey_indicators.csv, columns police, police_sex, reporting;
 * survey/profile.h), and each territory and year the store holds its
 * design-based total for ("ID:total", store/survey.h):
 *
 *   victims     the survey's estimated number of victims aged 18 or more
 *               (its respondents), a total with its Wald interval
 *   police      the victims aged 18 or more (by exact age or age band; the
 *               engine's "minor" groups) of the police indicators, summed,
 *               of the sex police_sex, as "observa indicators" counts them
 *               (counting rules, current records); -1 when there is none
 *               (no delivery of the period, an indicator that cannot be
 *               broken down by age, a territory the store does not know):
 *               "sin datos", never 0
 *   recorded    police / victims, with the interval police / upper ..
 *               police / lower (no upper bound when lower <= 0): the share
 *               of the survey's victims that the police count reaches. It
 *               may pass 1: the police count victimizations, a person
 *               twice victimized twice, and the survey persons
 *   unrecorded  victims - police, interval lower - police .. upper - police
 *   reporting   the share of victims who said they reported it (16.3.1),
 *               the reporting indicator's estimate for the same survey,
 *               territory and year, beside; NaN when none
 *
 * Ownership: ob_svy_dark_compute fills a list the caller releases with
 * ob_svy_darks_release; its rows own nothing.
 */
#ifndef OB_SURVEY_DARKFIG_H
#define OB_SURVEY_DARKFIG_H

#include "base/common.h"
#include "engine/indicators.h"
#include "store/survey.h"

struct ob_counting;

struct ob_svy_dark {
	char indicator[OB_MAX_NAME];       /* the survey indicator (a share) */
	char territory[OB_MAX_NAME], period[16], survey[OB_MAX_NAME];
	char police_ids[OB_MAX_NAME * 2];  /* the police indicators, "|"-separated */
	char sex;                          /* of the police count: T, F or M */
	double victims, lower, upper, se;  /* NaN: suppressed (too few respondents) */
	double level;
	long long n;                       /* respondents */
	char flags[160];                   /* the survey total's flags (";") */
	bool suppressed;
	double police;                     /* -1: no count */
	double police_all_ages;            /* the same victims of any age; -1: none */
	char rule[64];                     /* what the police count counts: the counting
	                                      rule ("victims:police"; engine/counting.h),
	                                      "|"-joined when the indicators differ */
	double recorded, rec_lower, rec_upper;       /* NaN: none */
	double unrecorded, unrec_lower, unrec_upper; /* NaN: none */
	double reporting, rep_lower, rep_upper;      /* proportions; NaN: none */
};

struct ob_svy_darks {
	struct ob_svy_dark *v;
	size_t n, cap;
};

/*
 * The dark figure of every mapped indicator of the catalogue in dir, for
 * the survey years first..last (0, 0: every year), from the store s and the
 * snapshot snap (pop, set and rules as "observa indicators" uses them;
 * rules may be NULL). Ordered by indicator, territory, year and survey.
 * Errors: OB_ESTORE, OB_EINVAL (a police indicator that indicators.csv does
 * not define, naming survey_indicators.csv), with d filled; out is left
 * empty then.
 */
ob_err ob_svy_dark_compute(struct ob_store *s, const char *dir, const struct ob_snapshot *snap,
                           const struct ob_population *pop, const struct ob_indicator_set *set,
                           const struct ob_counting *rules, long first, long last,
                           struct ob_svy_darks *out, struct ob_diag *d);

void ob_svy_darks_release(struct ob_svy_darks *l);

/* Whom the police count of sex ('T', 'F', 'M') counts, in words (a static
 * string). */
const char *ob_svy_dark_police_population(char sex, bool en);

#endif
