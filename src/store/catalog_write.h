/*
 * catalog_write.h - the catalogue's tables as `observa catalog load` fills
 * them: territories, aliases, territorial changes, ICCS codes, tags,
 * crosswalks, population and boundaries, each row checked by src/catalog
 * before it is written here, and the lookups those checks make against
 * what is already written.
 *
 * A load runs inside one ob_store_begin()/commit(): ob_store_catalog_clear()
 * empties the tables, ob_catalog_writer_new() prepares the statements once,
 * rows go in through ob_catalog_writer_insert() and friends, and
 * ob_catalog_writer_free() releases the writer (before the commit or the
 * rollback). On PostgreSQL the rows wait in the writer and go to the
 * server by COPY in batches, before the writer's statements and the
 * population queries below read them, and at the latest in
 * ob_catalog_writer_free(): rows it cannot send there make the commit
 * fail. The constraints' refusals are checked by the writer as each row
 * comes, so that *conflict still names the row.
 *
 * Ownership: every string passed in is borrowed for the call. Errors:
 * OB_ESTORE with d's message the database's own; a row the tables refuse
 * as a duplicate or inconsistent sets *conflict so that the caller can say
 * which line of which file it was.
 */
#ifndef OB_STORE_CATALOG_WRITE_H
#define OB_STORE_CATALOG_WRITE_H

#include "store/store.h"

enum ob_catalog_table {
	OB_CATALOG_TERRITORY,   /* code, level, country, parent, name, valid_from, valid_to,
	                           status (NULL: official), source, note */
	OB_CATALOG_CHANGE,      /* old_code, new_code, date, kind */
	OB_CATALOG_ICCS,        /* code, level, parent, name_es, name_en */
	OB_CATALOG_TAG,         /* kind, code, name_es, name_en */
	OB_CATALOG_CROSSWALK,   /* name, label, target, valid_from, valid_to, key (the label
	                           folded as the ingest folds what it looks up) */
	OB_CATALOG_POPULATION,  /* territory, year, sex, population, status, source */
	OB_CATALOG_TABLES
};

/* A column's value: NULL, text (of n bytes), an integer or a number. */
struct ob_catalog_value {
	enum { OB_CV_NULL, OB_CV_TEXT, OB_CV_INT, OB_CV_REAL } type;
	const char *text;
	size_t n;
	long long i;
	double x;
};

struct ob_catalog_writer;

/* Empty every catalogue table. */
ob_err ob_store_catalog_clear(struct ob_store *s, struct ob_diag *d);

/* A writer on s; NULL with d filled when a statement cannot be prepared. */
struct ob_catalog_writer *ob_catalog_writer_new(struct ob_store *s, struct ob_diag *d);
void ob_catalog_writer_free(struct ob_catalog_writer *w);

/* A row of table t, its columns in the order the enum lists them (nv of
 * them). */
ob_err ob_catalog_writer_insert(struct ob_catalog_writer *w, enum ob_catalog_table t,
                                const struct ob_catalog_value *v, size_t nv, bool *conflict,
                                struct ob_diag *d);

/* Territory code under the folded key (keylen bytes) of alias; a key the
 * territory already has is kept as it is. */
ob_err ob_catalog_writer_alias(struct ob_catalog_writer *w, const char *key, size_t keylen,
                               const char *code, const char *alias, bool *conflict,
                               struct ob_diag *d);

/* Boundary of territory code (GeoJSON geometry text), replacing any. */
ob_err ob_catalog_writer_geometry(struct ob_catalog_writer *w, const char *code,
                                  const char *geojson, struct ob_diag *d);

/* Lookups in what is written so far (a failed lookup answers "none"). */
bool ob_catalog_writer_has_territory(struct ob_catalog_writer *w, const char *code);
/* Level and country (into country, size bytes) of territory code; false
 * when there is no such territory. */
bool ob_catalog_writer_territory(struct ob_catalog_writer *w, const char *code, int *level,
                                 char *country, size_t size);
/* The level of ICCS code, or -1. */
int ob_catalog_writer_iccs_level(struct ob_catalog_writer *w, const char *code);
/* Whether code is an ICCS code or a tag's code. */
bool ob_catalog_writer_known_target(struct ob_catalog_writer *w, const char *code);
/* Whether kind_code ("relationship=domestic") is a tag. */
bool ob_catalog_writer_has_tag(struct ob_catalog_writer *w, const char *kind_code);

/* --- population figures that do not add up ----------------------------- */

enum ob_population_sum {
	OB_POP_SUM_CHILDREN,   /* a unit's figure and its units valid on 1 July */
	OB_POP_SUM_DISTRICTS,  /* a unit's figure and the districts it absorbed */
};

/* For every unit, year and sex with a figure and parts with figures: the
 * whole, the sum of the parts present, how many are present, how many
 * parts there are, and the parts as "code=figure" separated by blanks,
 * largest first; by unit, year and sex. */
struct ob_population_parts {
	const char *territory, *sex, *labels;
	int year;
	double whole, sum;
	long present, parts;
};
int ob_store_population_parts_each(struct ob_store *s, enum ob_population_sum kind,
                                   int (*each)(void *arg, const struct ob_population_parts *p),
                                   void *arg, struct ob_diag *d);

/* For every unit and year with figures T, F and M: T and F + M; by unit
 * and year. */
int ob_store_population_sexes_each(struct ob_store *s,
                                   int (*each)(void *arg, const char *territory, int year,
                                               double total, double women_and_men),
                                   void *arg, struct ob_diag *d);

#endif
