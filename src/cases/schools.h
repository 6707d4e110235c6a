/*
 * schools.h - the schools catalogue (catalog/schools.csv, docs/cases.md):
 * every school a case type's unit may name, with the territory it stands
 * in, its levels and, where known, its students. A case field that says
 * `catalog = schools` (SALVE's school) takes only a code of this list when
 * the list holds any school, and the field its `territory` key names is
 * filled from the school (cases/cases.h).
 *
 * The file: UTF-8 CSV, one header row with the columns code, name,
 * territory, level and students (in any order; students may be absent),
 * one school a row:
 *
 *   code       [A-Za-z0-9._-], at most OB_SCHOOL_CODE - 1 bytes, once
 *   name       not empty, at most OB_SCHOOL_NAME - 1 bytes
 *   territory  the code of a territory of the catalogue (checked against
 *              the store when a case takes it)
 *   level      one or more of inicial, parvularia, basica, media (with or
 *              without the accent: básica), separated by |
 *   students   a whole number, or empty: not known
 *
 * Anything else is refused with the file, line, column, value and what was
 * expected. A missing file is an empty catalogue.
 *
 * Ownership: ob_schools_load() fills a struct ob_schools that
 * ob_schools_release() frees; entries point into it.
 */
#ifndef OB_CASES_SCHOOLS_H
#define OB_CASES_SCHOOLS_H

#include "base/common.h"
#include "base/limits.h"

struct ob_school {
	char code[OB_SCHOOL_CODE];
	char name[OB_SCHOOL_NAME];
	char territory[OB_MAX_NAME];
	char level[64];       /* as normalised: "parvularia|basica" */
	long long students;   /* -1: not known */
	long line;            /* in the file */
};

struct ob_schools {
	char path[OB_MAX_PATH];
	struct ob_school *v;  /* by code */
	size_t n;
};

/* Read dir/catalog/schools.csv into *s (empty when there is no file). */
ob_err ob_schools_load(const char *dir, struct ob_schools *s, struct ob_diag *d);
/* The same from the text of a file (name: its path, for messages). */
ob_err ob_schools_parse(const char *text, size_t len, const char *name, struct ob_schools *s,
                        struct ob_diag *d);
void ob_schools_release(struct ob_schools *s);
/* The school of code, or NULL. */
const struct ob_school *ob_schools_find(const struct ob_schools *s, const char *code);

/* The schools a person looks for by what they know: those whose name holds
 * every word of text once both are folded (upper case, no accents:
 * link/compare.h's ob_name_fold; "escolar ayutuxtepeque" finds "Centro
 * Escolar de Ayutuxtepeque"), or whose code is text in any case; and whose
 * territory is `within` or under it (a department's code takes its
 * municipalities). An empty or NULL text or within does not narrow. The
 * first max of them, in the catalogue's order (by code), into out; returns
 * how many match in all. A text that cannot be folded (not UTF-8, too
 * long) matches none. */
size_t ob_schools_search(const struct ob_schools *s, const char *text, const char *within,
                         const struct ob_school **out, size_t max);

#endif
