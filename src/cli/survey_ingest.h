/*
 * survey_ingest.h - a survey's microdata into the store's estimates of the
 * catalogue's survey indicators ("observa survey ingest", and the demo).
 *
 * ob_cli_survey_ingest() reads the survey profile (survey/profile.h), the
 * file (CSV as "observa survey estimate" reads it), makes the design the
 * profile names, estimates each indicator of the profile as a proportion
 * of its universe (survey/estimate.h) for the country and, when the
 * profile names a territory column, for each admin-1 unit, and replaces
 * the survey's rows of that period in the store (store/survey.h): an
 * estimate from fewer respondents than the profile's min_n is stored
 * suppressed, without a number. For an indicator whose victims the police
 * also record (survey_indicators.csv, column police) it keeps beside the
 * share the design-based total of its victims ("ID:total", the dark
 * figure's, survey/darkfig.h).
 *
 * The period is period when given, else the value of the profile's period
 * column, which must be the same on every row.
 */
#ifndef OB_CLI_SURVEY_INGEST_H
#define OB_CLI_SURVEY_INGEST_H

#include "base/common.h"
#include "store/store.h"

struct ob_survey_ingest_result {
	char survey[OB_MAX_NAME];
	char period[OB_MAX_NAME];
	size_t respondents;
	size_t rows;        /* estimates of indicators stored (not the totals kept
	                       beside them for the dark figure, store/survey.h) */
	size_t suppressed;  /* of them, without a number */
	size_t flagged;     /* with a precision flag (high_cv) */
};

ob_err ob_cli_survey_ingest(struct ob_store *s, const char *dir, const char *profile,
                            const char *file, const char *period,
                            struct ob_survey_ingest_result *res, struct ob_diag *d);

/* "observa survey ingest" and "observa survey list" (cmd_survey.c hands
 * them its arguments, argv[0] being the subcommand). */
struct ob_cmd_ctx;
int cmd_survey_ingest(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_survey_list(struct ob_cmd_ctx *ctx, int argc, char **argv);
/* "observa survey compare" (survey_compare.c): the dark figure. */
int cmd_survey_compare(struct ob_cmd_ctx *ctx, int argc, char **argv);

#endif
