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

/* The units of code's country and level (other than code) whose validity
 * overlaps its own; with any_parent false, only those of its parent. Each
 * gets code and name (name may be NULL), by name. */
int ob_store_territory_peers_each(struct ob_store *s, const char *code, bool any_parent,
                                  int (*each)(void *arg, const char *code, const char *name),
                                  void *arg, struct ob_diag *d);

/*
 * A reader of names for many lookups (the labels of a table): its
 * statements are prepared once by ob_store_names_open() (NULL when they
 * cannot be) and released by ob_store_names_close(); it borrows the store
 * until then. A lookup copies the name into out and returns out, or NULL
 * when there is none or it does not fit whole in size bytes. An ICCS
 * category's name is in English (english) or Spanish, else in the other.
 */
struct ob_store_names;
struct ob_store_names *ob_store_names_open(struct ob_store *s);
const char *ob_store_names_territory(struct ob_store_names *n, const char *code, char *out,
                                     size_t size);
const char *ob_store_names_iccs(struct ob_store_names *n, const char *code, bool english,
                                char *out, size_t size);
void ob_store_names_close(struct ob_store_names *n);

/* The choices of the analyser's filters: the territories of levels 0 and
 * 1 (depth: the level) by country, level and name; or the ICCS sections
 * and divisions (depth 0 and 1) by code, named in English (english) or
 * Spanish, else in the other. each gets code, name (may be NULL), depth. */
enum ob_store_choice { OB_STORE_CHOICE_TERRITORY, OB_STORE_CHOICE_ICCS };
int ob_store_choices_each(struct ob_store *s, enum ob_store_choice what, bool english,
                          int (*each)(void *arg, const char *code, const char *name, int depth),
                          void *arg, struct ob_diag *d);

/* Every alias of every territory (code, alias; alias may be NULL), by
 * code and alias. */
int ob_store_aliases_each(struct ob_store *s,
                          int (*each)(void *arg, const char *code, const char *alias),
                          void *arg, struct ob_diag *d);

/* A population figure. */
struct ob_store_population {
	const char *territory, *sex;  /* sex "T", "F" or "M" */
	const char *status;           /* official, equal_split, estimate...; or NULL (official) */
	int year;
	double population;
};

/* Every population figure of sex T, F or M, by territory and year. */
int ob_store_population_each(struct ob_store *s,
                             int (*each)(void *arg, const struct ob_store_population *p),
                             void *arg, struct ob_diag *d);

/* The first and last year of any population figure; *found false (and
 * both 0) when the catalogue has none. */
ob_err ob_store_population_years(struct ob_store *s, int *first, int *last, bool *found,
                                 struct ob_diag *d);

/* Every change between territorial divisions of kind ("district_of",
 * "merged_into"...; NULL: every kind): old_code taken over by new_code on
 * date (ISO, or NULL), by date and old code. */
int ob_store_territory_changes_each(struct ob_store *s, const char *kind,
                                    int (*each)(void *arg, const char *old_code,
                                                const char *new_code, const char *date),
                                    void *arg, struct ob_diag *d);

/* Every ICCS code, by code, with its level (1 section ... 4), parent (""
 * for a section) and names. */
struct ob_store_iccs {
	const char *code, *parent, *name_es, *name_en;  /* never NULL */
	int level;
};
int ob_store_iccs_each(struct ob_store *s, int (*each)(void *arg, const struct ob_store_iccs *c),
                       void *arg, struct ob_diag *d);

/* The distinct ICCS codes that crosswalk name maps to (each target's
 * first code), in no fixed order. */
int ob_store_crosswalk_codes_each(struct ob_store *s, const char *name,
                                     int (*each)(void *arg, const char *code), void *arg,
                                     struct ob_diag *d);

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

/* --- a country and the catalogue at a glance (`observa country`,
 * `observa catalog`) ------------------------------------------------- */

/* Whether territory code is in the catalogue (as a unit of country iso3
 * when iso3 is not NULL). */
ob_err ob_store_territory_known(struct ob_store *s, const char *code, const char *iso3,
                                bool *known, struct ob_diag *d);

/* Whether territory code has its own boundary. */
ob_err ob_store_territory_has_geometry(struct ob_store *s, const char *code, bool *has,
                                       struct ob_diag *d);

/* Every boundary the catalogue holds: code and its GeoJSON geometry text. */
int ob_store_geometry_each(struct ob_store *s,
                           int (*each)(void *arg, const char *code, const char *geojson),
                           void *arg, struct ob_diag *d);

/* For every unit without a boundary of its own that took over districts
 * ("district_of" changes), each district's boundary: (unit, geojson), by
 * unit and district. */
int ob_store_district_geometry_each(struct ob_store *s,
                                    int (*each)(void *arg, const char *code,
                                                const char *geojson),
                                    void *arg, struct ob_diag *d);

/* What a country has, counted on its units in force today. */
struct ob_store_country_summary {
	char name[OB_MAX_NAME];
	long admin1, admin2;       /* units of levels 1 and 2 in force today */
	int level;                 /* the deepest level with units (1 or 2) */
	long geometry;             /* units of that level with a boundary (their own, or
	                              all their districts') */
	int pop_first, pop_last;   /* years with a national figure of sex T (0: none) */
	long units_pop_last;       /* units of that level with a figure in pop_last */
	long aliases;              /* aliases of its units that are names, not numbers */
};

/* Fill c for country iso3; *found false (c zeroed) when the catalogue has
 * no such country. */
ob_err ob_store_country_summary(struct ob_store *s, const char *iso3,
                                struct ob_store_country_summary *c, bool *found,
                                struct ob_diag *d);

/* Every country (level 0) with its counts, by code. */
struct ob_store_country_overview {
	const char *code, *name;
	long admin1, admin2, geometry;        /* all units, in force or not */
	long pop_official, pop_estimate, pop_equal_split;  /* population rows */
	int year_first, year_last;            /* of its population rows; 0 when none */
};
int ob_store_countries_overview_each(struct ob_store *s,
                                     int (*each)(void *arg,
                                                 const struct ob_store_country_overview *c),
                                     void *arg, struct ob_diag *d);

/* The size of the catalogue's other tables. */
struct ob_store_catalog_counts {
	long iccs, tags, crosswalk_rows, crosswalks, aliases, changes;
};
ob_err ob_store_catalog_counts(struct ob_store *s, struct ob_store_catalog_counts *n,
                               struct ob_diag *d);

/* The entries of crosswalk name (0: none). */
ob_err ob_store_crosswalk_rows(struct ob_store *s, const char *name, long *n,
                               struct ob_diag *d);

#endif
