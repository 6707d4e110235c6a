/*
 * country.h - add a country to an observatory's catalogue in one step, and
 * say what a country has and what it still lacks.
 *
 * A country needs its territories (required: the country, its admin-1 and
 * admin-2 units with their parents); it is better with populations
 * (required for rates), boundaries (for maps), aliases (for names as
 * sources spell them) and the crosswalks its sources need (optional).
 *
 * Codes follow one convention: the country's ISO 3166-1 alpha-3 code, then
 * the national code of the unit (DANE 05001 in Colombia is COL05001;
 * El Salvador's 0614 is SLV0614). Files that already carry codes in this
 * form are taken as they are; a flat list of national codes is turned into
 * this form.
 *
 * ob_country_add() is all or nothing: the catalogue files it changes are
 * kept aside, and if any step fails (a file with an error, a reload that
 * fails, a unit whose parent is missing) they are put back and the
 * catalogue reloaded as it was; the diagnostic names the user's file, line
 * and column.
 */
#ifndef OB_COUNTRY_H
#define OB_COUNTRY_H

#include "base/error.h"
#include "store/store.h"

#include <stdbool.h>

struct ob_country_files {
	const char *name;          /* the country's name, for a new level-0 unit
	                              (NULL: keep the catalogue's, else the code) */
	const char *territories;   /* required: territories.csv columns, or a flat
	                              list admin1_code,admin1_name,admin2_code,
	                              admin2_name[,valid_from,valid_to] */
	const char *geometry;      /* GeoJSON FeatureCollection, or NULL */
	const char *geometry_code; /* the features' property with the unit's code
	                              (NULL: "code") */
	const char *aliases;       /* territory_aliases.csv columns (code,alias) */
	const char *population;    /* population.csv columns */
	const char *crosswalks;    /* crosswalks.csv columns */
};

struct ob_country_added {
	long territories;          /* rows read from the territories file */
	long geometry, geometry_skipped; /* features imported; not of a unit */
	long aliases, population, crosswalks;
	char first_skipped[64];    /* the first skipped feature's code */
};

/*
 * Add or update the country iso3 ("COL") from the files in f, in the
 * observatory dir whose store is s. Returns OB_OK or the first failure with
 * d filled; on failure nothing has changed.
 */
ob_err ob_country_add(struct ob_store *s, const char *dir, const char *iso3,
                      const struct ob_country_files *f, struct ob_country_added *res,
                      struct ob_diag *d);

/* What one country has in the store. */
struct ob_country_status {
	char iso3[4];
	char name[128];
	long admin1, admin2;           /* units in force today */
	int level;                     /* the deepest level with units (1 or 2) */
	long units;                    /* units of that level in force today */
	long geometry;                 /* of them, with boundaries (their own, or
	                                  all their districts') */
	int pop_first, pop_last;       /* years with a national figure (0: none) */
	long units_pop_last;           /* units of that level with a figure in pop_last */
	long aliases;                  /* aliases of the country's units */
};

/* Fill st for the country iso3 (OB_ENOENT when the catalogue lacks it). */
ob_err ob_country_status(struct ob_store *s, const char *iso3, struct ob_country_status *st,
                         struct ob_diag *d);

/* Rows of the crosswalk name in the store (0: none). */
long ob_country_crosswalk_rows(struct ob_store *s, const char *name);

/* Each country of the catalogue, in code order: fn(arg, iso3). */
ob_err ob_country_each(struct ob_store *s, ob_err (*fn)(void *arg, const char *iso3),
                       void *arg, struct ob_diag *d);

#endif
