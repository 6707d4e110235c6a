/*
 * territory_read.h - the territories as the portal's pages read them: the
 * maps (a country's units of a level by name, the countries for the form)
 * and the territory pages (the searchable list with its aliases, a unit
 * with its parent, the units within it, the units drawn around it). The
 * API's rows are in store/catalog_read.h and the CLI's typed rows in
 * store/catalog.h; these keep the orders the pages print (by name where a
 * person reads the list).
 *
 * Each page runs each of these once, so every call prepares its own
 * statement. Listings call each for every row with a unit whose strings
 * belong to the store and live only during the call; they return 0 when
 * every row was given, each's non-zero return when it stopped, or -1 with
 * d filled (OB_ESTORE) when the store failed. Codes and countries passed
 * in are borrowed for the call.
 */
#ifndef OB_STORE_TERRITORY_READ_H
#define OB_STORE_TERRITORY_READ_H

#include "store/store.h"

/* A unit as a listing gives it; which fields are set is said by each
 * function (the others are NULL, 0 or false). */
struct ob_store_unit {
	const char *code, *name;
	const char *country;
	const char *parent, *parent_name;  /* NULL for a country, or a parent not in the catalogue */
	const char *aliases;               /* its aliases joined by '|', or NULL */
	int level;
	bool focus;                        /* the unit a locator is drawn for */
};
typedef int (*ob_store_unit_fn)(void *arg, const struct ob_store_unit *u);

/* The units of country (ISO3 exactly as stored) at level, by name and
 * code: code, name. */
int ob_store_units_by_name_each(struct ob_store *s, const char *country, int level,
                                ob_store_unit_fn each, void *arg, struct ob_diag *d);

/* The units of level 2 of country (ISO3 as stored) that have a parent:
 * code, parent; in no fixed order. */
int ob_store_unit_parents_each(struct ob_store *s, const char *country, ob_store_unit_fn each,
                               void *arg, struct ob_diag *d);

/* The countries (level 0) by name, or by code when by_code: code, name. */
int ob_store_countries_each(struct ob_store *s, bool by_code, ob_store_unit_fn each, void *arg,
                            struct ob_diag *d);

/* The name of country code (any case) into out (size bytes, cut to fit);
 * *found false and out "" when code is no country of the catalogue. */
ob_err ob_store_country_name(struct ob_store *s, const char *code, char *out, size_t size,
                             bool *found, struct ob_diag *d);

/* The territories' list: every unit when all, else those of levels 0 and
 * 1; by country, level and code: code, name, level, parent_name, aliases. */
int ob_store_territory_list_each(struct ob_store *s, bool all, ob_store_unit_fn each, void *arg,
                                 struct ob_diag *d);

/* The unit of code (any case), given to each once: code, name, level,
 * country, parent, parent_name. *found false (each not called) when the
 * catalogue has no such unit. */
ob_err ob_store_territory_unit(struct ob_store *s, const char *code, ob_store_unit_fn each,
                               void *arg, bool *found, struct ob_diag *d);

/* The units whose parent is code (as stored), by name: code, name. */
int ob_store_territory_within_each(struct ob_store *s, const char *code, ob_store_unit_fn each,
                                   void *arg, struct ob_diag *d);

/* The units a locator draws around unit code (as stored), by code: for
 * level 2, the units of its parent at its level whose validity overlaps
 * its own (itself among them, focus set); for level 1, the current
 * (valid_to unset) units of level 2 of country, focus set on those whose
 * parent is code. code, name, focus. Any other level gives no row. */
int ob_store_locator_units_each(struct ob_store *s, const char *code, int level,
                                const char *country, ob_store_unit_fn each, void *arg,
                                struct ob_diag *d);

#endif
