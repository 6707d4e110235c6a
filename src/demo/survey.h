/*
 * survey.h - the demo's victimization surveys and its plan.
 *
 * ob_demo_surveys_write() writes, for each demo country with first-level
 * units in the store (or the one of o->country), a synthetic victimization
 * survey for two survey years (OB_DEMO_SURVEY_YEARS, within the demo's
 * years) with a real design: strata = the first-level units, PSUs drawn
 * within each stratum, respondents within each PSU, unequal weights (the
 * stratum's population over its sample, times a PSU and a non-response
 * factor), prevalences that vary by stratum and PSU (so the design effect
 * is above 1), "don't know" codes, a partner-violence module asked of
 * women who ever had a partner, a question on sexual violence by
 * non-partners asked of women (5.2.2) and two on trust in the police and
 * the courts (these three drawn from a stream of their own, so that the
 * other answers keep their bytes). Files go to outdir/surveys/<cc>-evic-<year>.csv,
 * each country's survey profile to DIR/catalog/surveys/<cc>-evic.ini and,
 * when El Salvador is generated, the plan modelled on Plan El Salvador
 * Seguro to DIR/catalog/plans/sv-seguro.ini (docs/demo.md).
 *
 * The same store, options and seed give the same bytes. Ownership: the
 * list is the caller's, plain data.
 */
#ifndef OB_DEMO_SURVEY_H
#define OB_DEMO_SURVEY_H

#include "demo/demo.h"

#define OB_DEMO_SURVEY_YEARS 2
#define OB_DEMO_MAX_SURVEYS 16

struct ob_demo_survey_file {
	char profile[32];       /* the survey profile's code, e.g. "sv-evic" */
	char path[OB_MAX_PATH];
	char country[4];        /* ISO 3166 alpha-3 */
	int year;
	long respondents;
};

struct ob_demo_surveys {
	struct ob_demo_survey_file f[OB_DEMO_MAX_SURVEYS];
	size_t n;
	char plan[OB_MAX_PATH];  /* the plan written, or "" */
};

ob_err ob_demo_surveys_write(struct ob_store *s, const char *outdir,
                             const struct ob_demo_options *o, struct ob_demo_surveys *out,
                             struct ob_diag *d);

#endif
