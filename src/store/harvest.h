/*
 * harvest.h - a regional observatory's copy of national releases
 * (observa harvest): where each country's figures came from, and the
 * cells themselves.
 *
 * A source is a country as last harvested: the URL of its releases, the
 * release version taken (v3), the SHA-256 of that release's manifest.json,
 * when, and how many cells it gave. A country has one current source: a
 * release of the same country from another URL replaces it.
 *
 * A cell is one row of a national release's public table (indicators,
 * counts_iccs, violent_deaths), keyed by (country, table, series,
 * territory, year, sex): series is the indicator, the ICCS code or the
 * violent-death series (count_of); sex is "" for tables without sex. It
 * keeps the release's count, value and interval exactly as published
 * (NULL where the release leaves them empty) and its status: "" for a
 * figure, "C" withheld, "M" no data; never a 0 in their place. Each cell
 * says which release version and URL it came from.
 *
 * Loading: ob_store_harvest_begin() opens one transaction for one release;
 * the first cell of each country removes that country's current cells, so
 * that a new release replaces what an older one gave (cells the new one no
 * longer has go too); ob_store_harvest_commit() records the sources and
 * commits; ob_store_harvest_abort() undoes everything since begin. Nothing
 * of a refused release is ever kept.
 *
 * Ownership: a load belongs to its caller until commit or abort frees it;
 * strings given to the functions are copied. Errors: OB_ESTORE with d
 * holding the database's message; OB_ETOOBIG past OB_HARVEST_MAX_SOURCES
 * countries in one release.
 */
#ifndef OB_STORE_HARVEST_H
#define OB_STORE_HARVEST_H

#include "store/store.h"

/* The tables a harvest copies. */
#define OB_HARVEST_TABLES "indicators", "counts_iccs", "violent_deaths"

/* The version and manifest hash last harvested from url (for country, or
 * any country when country is NULL); *found false when never. version has
 * room for 32 bytes, sha256 for 65. */
ob_err ob_store_harvest_last(struct ob_store *s, const char *url, const char *country,
                             char version[32], char sha256[65], bool *found,
                             struct ob_diag *d);

struct ob_harvest_cell {
	const char *table, *series, *country, *territory, *name, *sex;
	const char *counting_rule; /* NULL when the table has none */
	long long level, year;
	const char *count, *value, *lower, *upper; /* as published; NULL or "": none */
	const char *status;                        /* "", "C" or "M" */
};

struct ob_store_harvest_load;

/* Begin loading release version (manifest hash sha256) from url. */
ob_err ob_store_harvest_begin(struct ob_store *s, const char *url, const char *version,
                              const char *sha256, struct ob_store_harvest_load **out,
                              struct ob_diag *d);

/* Add one cell (its country's earlier cells are removed the first time). */
ob_err ob_store_harvest_add(struct ob_store_harvest_load *l, const struct ob_harvest_cell *c,
                            struct ob_diag *d);

/* Cells added so far in the load. */
long long ob_store_harvest_added(const struct ob_store_harvest_load *l);

/* Record each country's source and commit; frees l whatever happens (on
 * failure everything is rolled back). */
ob_err ob_store_harvest_commit(struct ob_store_harvest_load *l, struct ob_diag *d);

/* Roll back and free l (NULL: nothing). */
void ob_store_harvest_abort(struct ob_store_harvest_load *l);

/* The sources, by country. Columns: country, url, version, manifest_sha256,
 * harvested_at, cells. */
#define OB_STORE_HARVEST_SOURCE_COLUMNS 6
int ob_store_harvest_sources_each(struct ob_store *s, ob_store_row_fn each, void *arg,
                                  struct ob_diag *d);

/* The cells of one series of a table in one year, level and sex (sex NULL:
 * any), by country and territory. Columns: country, territory, name,
 * level, year, sex, count, value, lower, upper, status, release, url,
 * counting_rule (NULL where the table has none). */
struct ob_harvest_query {
	const char *table, *series, *sex;
	long long year, level;
};
#define OB_STORE_HARVEST_CELL_COLUMNS 14
int ob_store_harvest_cells_each(struct ob_store *s, const struct ob_harvest_query *q,
                                ob_store_row_fn each, void *arg, struct ob_diag *d);

/* The latest year of any cell of table at level (*found false: none). */
ob_err ob_store_harvest_latest_year(struct ob_store *s, const char *table, long long level,
                                   long long *year, bool *found, struct ob_diag *d);

/* What the harvested sources are now, as a short text into out (size
 * bytes, at least 20): it changes with every harvest that changes a
 * source (country, version, manifest or time), so that what is shown of
 * the cells can be kept until then. "" when nothing was ever harvested. */
ob_err ob_store_harvest_stamp(struct ob_store *s, char *out, size_t size, struct ob_diag *d);

#endif
