/*
 * counting.h - the counting rules of the catalogue: which institution's
 * records each number counts, per country and scope, and why.
 *
 * File: DIR/catalog/counting.csv (the default one is carried by the binary
 * and written by observa init), UTF-8 CSV with one header row and the
 * columns (found by name; unknown columns are ignored)
 *
 *   country          ISO 3166-1 alpha-3 code of a country of the catalogue,
 *                    or "*" for every country
 *   scope            what the rule is for:
 *                      an indicator id of indicators.csv (the indicators);
 *                      an ICCS code of the catalogue, which covers its
 *                        descendants ("0101" covers 01011...) (the analyser);
 *                      "manner:CODE", a manner of death of tags.csv (the
 *                        analyser, for records with a known manner);
 *                      "*" for everything no other row covers
 *   institution      the institution of record: police, forensic,
 *                    prosecutor, other or validated, or the code of one
 *                    source (sv-iml)
 *   validated_first  yes or no: whether validated deaths (written by
 *                    observa reconcile) are counted instead when a
 *                    reconciliation covers the whole period for the country
 *   reason_es, reason_en  why, in Spanish and English (both required)
 *
 * A share (an indicator whose denominator is another indicator) always
 * follows its denominator's rule, so that its numerator stays a subset of
 * its denominator: a row naming one is refused.
 *
 * Which row applies is decided by engine/counting.h. This module only reads
 * and checks the file: the checks that need the rest of the catalogue
 * (countries, ICCS codes, manners, indicators, sources) are asked of the
 * caller through struct ob_count_check. Errors name the file, line and
 * column (1-based field number) and the value, in Spanish then English.
 *
 * Ownership: ob_count_rules_load*() return rules the caller frees with
 * ob_count_rules_free(). Nothing else is kept.
 */
#ifndef OB_CATALOG_COUNTING_H
#define OB_CATALOG_COUNTING_H

#include "base/common.h"

#define OB_COUNTING_FILE "counting.csv"


enum ob_count_scope {
	OB_COUNT_SCOPE_ALL = 0,   /* "*" */
	OB_COUNT_SCOPE_INDICATOR, /* an indicator id */
	OB_COUNT_SCOPE_ICCS,      /* an ICCS code and its descendants */
	OB_COUNT_SCOPE_MANNER,    /* "manner:CODE" */
};

struct ob_count_rule {
	char country[4];                    /* ISO3, or "*" */
	enum ob_count_scope scope_kind;
	char scope[OB_COUNT_CODE_MAX];      /* as written ("manner:homicide") */
	char code[OB_COUNT_CODE_MAX];       /* the id, ICCS code or manner ("homicide") */
	char institution[OB_COUNT_CODE_MAX]; /* institution name or source code */
	bool is_source;                     /* institution is a source code */
	bool validated_first;
	char *reason_es, *reason_en;        /* owned */
	long line;                          /* where it was written */
};

struct ob_count_rules {
	struct ob_count_rule *v;
	size_t n;
	char file[256]; /* how messages name the file */
};

/*
 * What the rest of the catalogue knows, asked while checking the rows. A
 * NULL function accepts every value.
 *   country      an ISO3 code of the catalogue
 *   indicator    1 for an indicator id, 2 for the id of a share, 0 unknown
 *   iccs         an ICCS code of the catalogue
 *   manner       a manner code of tags.csv
 *   institution  an institution name (police, forensic, ...)
 *   source       a source code (with a profile or deliveries)
 */
struct ob_count_check {
	void *ctx;
	bool (*country)(void *ctx, const char *iso3);
	int (*indicator)(void *ctx, const char *id);
	bool (*iccs)(void *ctx, const char *code);
	bool (*manner)(void *ctx, const char *code);
	bool (*institution)(void *ctx, const char *name);
	bool (*source)(void *ctx, const char *code);
};

/* Parse rules from memory (name names the file in messages) or a file.
 * Errors: OB_EEMPTY, OB_ENOCOL, OB_EDUPCOL, OB_EINVAL (a bad or unknown
 * value, a row repeated), OB_ETOOBIG (more than OB_MAX_COUNT_RULES rows),
 * and those of the CSV reader. */
ob_err ob_count_rules_parse(const char *data, size_t len, const char *name,
                            const struct ob_count_check *chk, struct ob_count_rules **out,
                            struct ob_diag *d);
ob_err ob_count_rules_load(const char *path, const struct ob_count_check *chk,
                           struct ob_count_rules **out, struct ob_diag *d);

/* DIR/catalog/counting.csv, or the default rules carried by the binary when
 * the observatory has none (*from_default set; may be NULL). */
ob_err ob_count_rules_load_dir(const char *dir, const struct ob_count_check *chk,
                               struct ob_count_rules **out, bool *from_default,
                               struct ob_diag *d);

void ob_count_rules_free(struct ob_count_rules *r);

#endif
