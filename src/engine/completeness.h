/*
 * completeness.h - what was delivered: per source x territory x month,
 * whether a current delivery covers the month, how many records of the
 * source are dated in it there, and whether an earlier delivery of the
 * month was superseded; per source, the fields and ICCS sections it can
 * give (docs/completeness.md).
 *
 * The sources are those of the logbook (current or superseded
 * submissions) and those with a profile in DIR/catalog/sources that never
 * delivered (every month of those is "no delivery"). A source's delivery
 * covers its country: at level 0 a source has one row per month, its
 * country; at level 1 or 2 one per unit of that level of its country valid
 * on the first day of the month, with the records counted in the unit of
 * that month's division that holds their territory (engine/indicators.h);
 * records placed above that level count in no unit's row.
 *
 * Rows are ordered by source (country, then code), territory code and
 * month. Records dated by year only belong to no month.
 *
 * Ownership: ob_completeness_build() fills a table the caller releases
 * with ob_completeness_release(); it keeps no pointer into the snapshot,
 * the population or the store.
 */
#ifndef OB_ENGINE_COMPLETENESS_H
#define OB_ENGINE_COMPLETENESS_H

#include "base/common.h"
#include "engine/indicators.h"
#include "engine/snapshot.h"
#include "store/store.h"

struct ob_completeness_options {
	const char *source;   /* one source code, or NULL */
	const char *country;  /* ISO 3166 alpha-3 (or alpha-2), or NULL */
	const char *from, *to; /* periods (2020, 2020-03, 2020-Q1): the first month of
	                          from and the last of to; NULL: the first and the last
	                          month any source delivered */
	int level;            /* 0 (country), 1 or 2 */
};

struct ob_completeness_source {
	char *code, *institution, *country; /* country: ISO3 */
	bool profile;      /* has a profile in DIR/catalog/sources */
	bool categories_stated; /* the profile states [source] categories */
	uint32_t fields;   /* bit (1 << enum ob_ind_field) of the fields it gives */
	char *sections;    /* ICCS sections it covers, "01 02 04" ("" for none) */
	long months, delivered; /* months of the range, months delivered */
};

struct ob_completeness_unit {
	char *code, *name;
	int level;
};

struct ob_completeness_row {
	uint32_t source;   /* index into sources[] */
	uint32_t unit;     /* index into units[] */
	int month;         /* year * 12 + month - 1 */
	bool delivered;
	int superseded;    /* superseded submissions of the source covering the month */
	long long rows;    /* current records dated in the month, in the territory */
	uint32_t fields;   /* fields the current delivery of the month supplied (bit
	                      1 << enum ob_ind_field; for a delivery taken before they
	                      were kept, the source's) */
};

struct ob_completeness {
	int from_month, to_month, level;
	size_t n_sources, n_units, n;
	struct ob_completeness_source *sources;
	struct ob_completeness_unit *units;
	struct ob_completeness_row *rows;
};

/*
 * Build the table from the store's logbook, the snapshot's records and the
 * population's divisions and view of the sources (pop may be NULL: then no
 * division changes and nothing known of fields and categories). Errors:
 * OB_EUSAGE (an unknown source or country, a bad period, level), OB_ETOOBIG
 * (more than OB_MAX_COMPLETENESS_ROWS rows: narrow the query), OB_ESTORE.
 */
ob_err ob_completeness_build(struct ob_store *st, const struct ob_snapshot *snap,
                             const struct ob_population *pop,
                             const struct ob_completeness_options *o,
                             struct ob_completeness *out, struct ob_diag *d);
void ob_completeness_release(struct ob_completeness *c);

/* "2020-03" of a month index into out (at least 8 bytes). */
void ob_completeness_month(int month, char *out, size_t size);

/*
 * Writers. with_rows: include the record counts (analysts; small counts by
 * territory and month can disclose). CSV: source, institution, country,
 * territory, territory_name, level, month, delivered (1/0), superseded,
 * fields ("victim_sex|victim_age|..."), [rows]. JSON: {"from", "to",
 * "level", "sources": [...], "data": [...]}.
 * Text: a grid per source (and territory) of the months, a mark each:
 *   # delivered   + delivered, an earlier version superseded
 *   0 delivered, no record dated in the month   . no delivery
 */
void ob_completeness_csv(const struct ob_completeness *c, bool with_rows, FILE *out);
void ob_completeness_json(const struct ob_completeness *c, bool with_rows, FILE *out);
void ob_completeness_text(const struct ob_completeness *c, bool english, FILE *out);

#endif
