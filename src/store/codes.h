/*
 * codes.h - the catalogue's codes as an ingest looks them up: the
 * territories of a country (with their aliases and the changes between
 * territorial vintages), the crosswalks, the ICCS codes and the tags. The
 * ingest loads them once into hash maps (ingest/lookup.h).
 *
 * Every function calls each for every row, in the order it states, with a
 * row whose strings belong to the store and live only during the call.
 * Returns 0 when every row was given, each's non-zero return when it
 * stopped (callbacks stop with a positive value), or -1 with d filled
 * (OB_ESTORE, d's message SQLite's own) when the store failed.
 */
#ifndef OB_STORE_CODES_H
#define OB_STORE_CODES_H

#include "store/store.h"

struct ob_code_territory {
	const char *code, *name;
	const char *parent;                 /* or NULL (a country) */
	int level;                          /* 0 country, 1 first-level unit... */
	const char *valid_from, *valid_to;  /* ISO dates, or NULL when open */
};

/* The territories of country (ISO3), by code. */
int ob_store_codes_territories(struct ob_store *s, const char *country,
                               int (*each)(void *arg, const struct ob_code_territory *t),
                               void *arg, struct ob_diag *d);

/* The aliases of the territories of country: (code, alias; alias may be
 * NULL). */
int ob_store_codes_aliases(struct ob_store *s, const char *country,
                           int (*each)(void *arg, const char *code, const char *alias),
                           void *arg, struct ob_diag *d);

/* The changes of country's territories: old_code taken over by new_code
 * on date (ISO, or NULL). */
int ob_store_codes_changes(struct ob_store *s, const char *country,
                           int (*each)(void *arg, const char *old_code, const char *new_code,
                                       const char *date),
                           void *arg, struct ob_diag *d);

struct ob_code_crosswalk {
	const char *name, *label, *target;
	const char *valid_from, *valid_to;  /* ISO dates, or NULL when open */
};

/* Every crosswalk entry, in the order they were loaded. */
int ob_store_codes_crosswalks(struct ob_store *s,
                              int (*each)(void *arg, const struct ob_code_crosswalk *x),
                              void *arg, struct ob_diag *d);

/* Every ICCS code; every tag as (kind, code). */
int ob_store_codes_iccs(struct ob_store *s, int (*each)(void *arg, const char *code),
                        void *arg, struct ob_diag *d);
int ob_store_codes_tags(struct ob_store *s,
                        int (*each)(void *arg, const char *kind, const char *code), void *arg,
                        struct ob_diag *d);

#endif
