/*
 * records.h - a case type's cases as the records of a source of the store
 * (docs/cases.md, "Registros"): what turns SALVE reports into records the
 * snapshot holds, so that the analyser and the indicators count them under
 * the counting rules like any institution's delivery.
 *
 * The type's [records] section (cases/casetype.h) names the source, whose
 * profile (catalog/sources/SOURCE.ini) maps the columns written here to the
 * record's fields (its crosswalk gives a category its ICCS code). A year's
 * cases are one delivery of the source for that year (cli/cmd_case.c:
 * observa case records), written as a CSV of one row per case:
 *
 *   case,date,FIELD,...
 *
 * case is the case's number (the record's source_id), date the value of
 * the type's date field or, without one, the local day the case was opened
 * (YYYY-MM-DD), then the fields of `fields`, in the type's order, empty
 * where the case has none. Counting rule: one case, one record, whatever
 * became of it (a report closed as a duplicate or unfounded is still a
 * report). Never a protected field: the section cannot name one.
 *
 * Pure: the caller loads the cases (cases/cases.h) and ingests the text.
 * Ownership: out is the caller's buffer.
 */
#ifndef OB_CASES_RECORDS_H
#define OB_CASES_RECORDS_H

#include "base/buf.h"
#include "cases/calendar.h"
#include "cases/cases.h"

/* The date of case c as a record (YYYY-MM-DD into out, 11 bytes); false
 * when it has none (a case never opened). */
bool ob_case_record_date(const struct ob_case_set *set, const struct ob_calendar *cal,
                         const struct ob_case_rec *c, char *out);

/* The years (ascending, distinct) the cases of set are dated in, into
 * years[] (at most max); their number. */
size_t ob_case_record_years(const struct ob_case_set *set, const struct ob_calendar *cal,
                            int *years, size_t max);

/* The CSV of the cases of set dated in year into out; *rows receives how
 * many. OB_ETOOBIG when out's ceiling is reached. */
ob_err ob_case_records_csv(const struct ob_case_set *set, const struct ob_calendar *cal,
                           int year, struct ob_buf *out, size_t *rows, struct ob_diag *d);

/* The sources the case types of the observatory dir deliver their cases
 * as (their [records] source), into out[0..max); their number in *n. These
 * are records of persons the public view of the analyser does not count
 * (http/analyze.c). The types are read without the schools catalogue. */
ob_err ob_case_record_sources(const char *dir, char (*out)[OB_CASE_NAME], size_t max, size_t *n,
                              struct ob_diag *d);

#endif
