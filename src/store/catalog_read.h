/*
 * catalog_read.h - the catalogue's tables as the API shows them, row by
 * row: the territories (GET /api/v1/territories), one territory with its
 * aliases, children, changes and population (GET /api/v1/territories/{code}),
 * and the ICCS (GET /api/v1/iccs). The readers with typed rows (the CLI,
 * maps, population checks) are in store/catalog.h.
 *
 * Listings give rows of values (store.h, ob_store_row_fn) in the column
 * order each function names, and return as listings do there. The
 * filters' strings are borrowed for the call. Errors: OB_ESTORE with d
 * holding the database's message.
 */
#ifndef OB_STORE_CATALOG_READ_H
#define OB_STORE_CATALOG_READ_H

#include "store/store.h"

/* Which territories: country (ISO3) and parent in any case, NULL for any;
 * level negative for any; at most limit (negative: all) after skipping
 * offset, by country, level and code. */
struct ob_store_territory_filter {
	const char *country, *parent;
	long long level, limit, offset;
};
ob_err ob_store_territory_rows_count(struct ob_store *s,
                                     const struct ob_store_territory_filter *f, long long *n,
                                     struct ob_diag *d);
/* Columns: code, level, country, parent, name, valid_from, valid_to,
 * status, note. */
#define OB_STORE_TERRITORY_COLUMNS 9
int ob_store_territory_rows_each(struct ob_store *s, const struct ob_store_territory_filter *f,
                                 ob_store_row_fn each, void *arg, struct ob_diag *d);

/* The territory of code (any case), given to each as one row: code, level,
 * country, parent, name, valid_from, valid_to, status, source, note,
 * has_geometry (1 or 0). *found false (each not called) when there is
 * none. */
#define OB_STORE_TERRITORY_FULL_COLUMNS 11
ob_err ob_store_territory_row(struct ob_store *s, const char *code, ob_store_row_fn each,
                              void *arg, bool *found, struct ob_diag *d);

/* What is listed beside a territory (its code exactly as stored). */
enum ob_store_territory_part {
	OB_STORE_T_ALIASES,     /* alias; by alias */
	OB_STORE_T_CHILDREN,    /* code, name, level; by code */
	OB_STORE_T_CHANGES,     /* old_code, new_code, date, kind (as old or new code);
	                         * by date and old code */
	OB_STORE_T_POPULATION,  /* year, sex, population, status, source; by year, sex */
};
int ob_store_territory_part_each(struct ob_store *s, enum ob_store_territory_part part,
                                 const char *code, ob_store_row_fn each, void *arg,
                                 struct ob_diag *d);

/* Which ICCS categories: level negative and parent NULL for any; at most
 * limit (negative: all) after skipping offset, by code. */
struct ob_store_iccs_filter {
	long long level;
	const char *parent;
	long long limit, offset;
};
ob_err ob_store_iccs_rows_count(struct ob_store *s, const struct ob_store_iccs_filter *f,
                                long long *n, struct ob_diag *d);
/* Columns: code, level, parent, name_es, name_en. */
#define OB_STORE_ICCS_COLUMNS 5
int ob_store_iccs_rows_each(struct ob_store *s, const struct ob_store_iccs_filter *f,
                            ob_store_row_fn each, void *arg, struct ob_diag *d);

#endif
