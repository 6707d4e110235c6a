/*
 * profile.h - survey profiles and the catalogue's survey indicators.
 *
 * The catalogue's survey indicators (DIR/catalog/survey_indicators.csv:
 * id, names, descriptions, SDG, universe, direction) are shares of a
 * population estimated from a sample survey, not counts of records: SDG
 * 16.1.3, 16.1.4, 5.2.1, 16.3.1; and, for those whose victims the police
 * also record, which police indicators count the same crime (police,
 * police_sex, reporting: the dark figure, survey/darkfig.h). A survey profile (DIR/catalog/surveys/<code>.ini,
 * docs/commands/survey.md) says how one survey's microdata answer them:
 *
 *   [survey]     code, name, country (ISO alpha-3), institution
 *   [design]     weight (required), strata, cluster, fpc (comma-separated
 *                lists, one column per stage, as cli/survey_design.h), lonely_psu,
 *                period (a column holding the survey year), territory (a
 *                column holding each respondent's admin-1 code: estimates
 *                for each unit besides the country's), sex (a column
 *                holding each respondent's sex) with sex_female and
 *                sex_male (its codes, comma-separated; both required with
 *                it) and sex_missing (codes of an unknown sex: in neither
 *                domain): estimates for women and for men besides the
 *                total, each a domain of the whole design
 *   [precision]  level (0.95), interval (logit), max_cv (0.3: flagged
 *                above), min_n (30: suppressed below, never a number)
 *   [indicator ID]  one per indicator of the catalogue the survey answers:
 *                column; yes, no and missing (comma-separated codes: yes
 *                counts 1, no 0, missing leaves the respondent out and
 *                flags the estimate; any other code is an error); universe
 *                (the respondents the share is of: COL=V1|V2 & COL=V ...,
 *                estimated as a domain of the whole design)
 *
 * Ownership: a profile owns its strings (ob_svy_profile_release); a
 * catalogue owns its rows (ob_svy_catalog_release).
 */
#ifndef OB_SURVEY_PROFILE_H
#define OB_SURVEY_PROFILE_H

#include "base/common.h"
#include "survey/estimate.h"

/* A list of codes as written in the profile. */
struct ob_svy_codes {
	char *text;                            /* owned: the values point into it */
	const char *v[OB_MAX_SURVEY_CODES];
	size_t n;
};

/* Whether s (n bytes, blanks around it ignored) is one of the codes. */
bool ob_svy_codes_has(const struct ob_svy_codes *c, const char *s, size_t n);

/* One condition of a universe: COLUMN=V1|V2. */
struct ob_svy_cond {
	char *column;
	struct ob_svy_codes values;
};

struct ob_svy_pind {
	char *id;              /* a survey indicator of the catalogue */
	char *column;
	struct ob_svy_codes yes, no, missing;
	struct ob_svy_cond universe[OB_MAX_SURVEY_UNIVERSE];
	size_t nuniverse;
	long line;             /* of its [indicator ...] header */
};

struct ob_svy_profile {
	char *path;            /* the file read, for messages */
	char *code, *name, *country, *institution;
	char *weight, *strata, *cluster, *fpc, *period, *territory;
	char *sex;             /* the sex column, NULL when none */
	struct ob_svy_codes sex_female, sex_male, sex_missing;
	long sex_line;         /* of [design] sex */
	enum ob_svy_lonely lonely;
	struct ob_svy_opts opts;  /* level, prop_ci, max_cv, min_n */
	struct ob_svy_pind ind[OB_MAX_SURVEY_PROFILE_INDICATORS];
	size_t nind;
};

/* Parse a profile's text (name: the file, for messages). Errors: OB_EPARSE
 * or OB_EINVAL with the file, line, column, value and what was expected. On
 * error *p is left released. */
ob_err ob_svy_profile_parse(const char *text, size_t len, const char *name,
                            struct ob_svy_profile *p, struct ob_diag *d);

/* Whether the universe of x names p's sex column (5.2.1: women): its
 * estimates are not split by sex. */
bool ob_svy_pind_one_sex(const struct ob_svy_profile *p, const struct ob_svy_pind *x);

/* Read DIR/catalog/surveys/<code>.ini, or the file spec when it names one
 * (it holds a '/' or ends in .ini). OB_ENOENT when there is none. */
ob_err ob_svy_profile_load(const char *dir, const char *spec, struct ob_svy_profile *p,
                           struct ob_diag *d);

void ob_svy_profile_release(struct ob_svy_profile *p);

/* The catalogue's survey indicators. */
struct ob_svy_indicator {
	char *id, *name_es, *name_en, *description_es, *description_en, *sdg;
	char *universe_es, *universe_en;
	int direction;         /* +1 up is better, -1 down is better */
	/* The dark figure (survey/darkfig.h): the police indicators of
	 * indicators.csv that record the same crime ("|"-separated, disjoint,
	 * their victims summed; "" when none), the sex their victims are
	 * counted of ('T', 'F' or 'M') and the survey indicator of the share
	 * of victims who reported it ("" when none). Optional columns police,
	 * police_sex and reporting. */
	char *police, *reporting;
	char police_sex;
};

struct ob_svy_catalog {
	struct ob_svy_indicator ind[OB_MAX_SURVEY_INDICATORS];
	size_t n;
};

/* Read DIR/catalog/survey_indicators.csv. A missing file is an empty
 * catalogue (an observatory made before it existed); a bad row is
 * OB_EINVAL naming the file, line and column. */
ob_err ob_svy_catalog_load(const char *dir, struct ob_svy_catalog *c, struct ob_diag *d);
void ob_svy_catalog_release(struct ob_svy_catalog *c);

/* The indicator id of c, or NULL. */
const struct ob_svy_indicator *ob_svy_catalog_find(const struct ob_svy_catalog *c,
                                                   const char *id);

/* Whether every indicator of p is in c (OB_EINVAL naming the profile's line
 * otherwise). */
ob_err ob_svy_profile_check(const struct ob_svy_profile *p, const struct ob_svy_catalog *c,
                            struct ob_diag *d);

#endif
