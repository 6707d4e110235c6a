/*
 * cases.h - the counts of a case type's reports per unit for an index
 * whose indicator says "cases = TYPE [per N COLUMN]" (index/index.h): the
 * school index's incidents are the SALVE reports of each school.
 *
 * Counting rule: reports, not victims nor incidents. Every case of the
 * type opened in the year (its opening's local day on the type's
 * calendar) counts once, in the unit its unit field names (the school);
 * a report closed later (as a duplicate, unfounded) still counts, as the
 * report it was. Only the unit field is read: no identity and no
 * protected field (a type whose unit field is protected is refused).
 *
 * Ownership: counts is the caller's (n values).
 */
#ifndef OB_INDEX_CASES_H
#define OB_INDEX_CASES_H

#include "base/common.h"
#include "store/store.h"

/*
 * The reports of case type `type` (dir/catalog/cases/TYPE.ini) opened in
 * year, per unit codes[n] into counts[n]; *total the reports of the year
 * (also those of units not among codes), *found whether the observatory
 * has the type. OB_EINVAL when the type's unit field is protected;
 * OB_ESTORE; catalogue errors as cases/cases.h's ob_cases_load.
 */
ob_err ob_ix_case_counts(struct ob_store *s, const char *dir, const char *type, int year,
                         const char *const *codes, size_t n, double *counts, size_t *total,
                         bool *found, struct ob_diag *d);

#endif
