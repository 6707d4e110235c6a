/*
 * catalog.h - the catalogue's tables as their readers outside an ingest
 * see them: the list of territories, a territory's name, and the sums of
 * population per country, year and sex (`observa territories`, `observa
 * index --map`, `observa population check`). The ingest's lookups are in
 * codes.h.
 *
 * Listing functions call each for every row with strings that belong to
 * the store and live only during the call; they return 0 when every row
 * was given, each's non-zero return when it stopped, or -1 with d filled
 * (OB_ESTORE) when the store failed.
 */
#ifndef OB_STORE_CATALOG_H
#define OB_STORE_CATALOG_H

#include "store/store.h"

struct ob_store_territory {
	const char *code, *country, *name;
	const char *parent;                 /* or NULL (a country) */
	int level;                          /* 0 country, 1 first-level unit... */
	const char *valid_from, *valid_to;  /* ISO dates, or NULL when open */
};

/* The territories of country (ISO3, any case; NULL: every country) at
 * level (negative: every level), by country, level and code. */
int ob_store_territories_each(struct ob_store *s, const char *country, long long level,
                              int (*each)(void *arg, const struct ob_store_territory *t),
                              void *arg, struct ob_diag *d);

/* The name of territory code into out (size bytes, cut to fit); *found
 * false and out "" when the catalogue has no such code. */
ob_err ob_store_territory_name(struct ob_store *s, const char *code, char *out, size_t size,
                               bool *found, struct ob_diag *d);

/* The Spanish and English names of ICCS code `code` into es and en (size
 * bytes each, cut to fit); *found false and both "" when unknown. */
ob_err ob_store_iccs_names(struct ob_store *s, const char *code, char *es, char *en,
                           size_t size, bool *found, struct ob_diag *d);

/* Every alias of every territory (code, alias; alias may be NULL), by
 * code and alias. */
int ob_store_aliases_each(struct ob_store *s,
                          int (*each)(void *arg, const char *code, const char *alias),
                          void *arg, struct ob_diag *d);

/* Every population figure of sex T, F or M (territory, year, sex, value),
 * by territory and year. */
int ob_store_population_each(struct ob_store *s,
                             int (*each)(void *arg, const char *territory, int year,
                                         const char *sex, double population),
                             void *arg, struct ob_diag *d);

/* A country's population of a year and sex beside the sum of its
 * lowest-level units in force on 1 July of that year. */
struct ob_store_population_sum {
	const char *country, *sex, *status;  /* status: the national figure's */
	int year;
	double national, sum;                /* sum: 0 when no unit has a figure */
	long units, with;                    /* units in force; those with a figure */
};

/* For every country with units below it, year and sex of its population
 * rows, by country, year and sex. */
int ob_store_population_sums_each(struct ob_store *s,
                                  int (*each)(void *arg, const struct ob_store_population_sum *p),
                                  void *arg, struct ob_diag *d);

#endif
