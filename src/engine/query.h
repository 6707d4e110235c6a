/*
 * query.h - the analyser: counts, rates and shares of the snapshot's
 * records, filtered and grouped by up to four dimensions, with margins,
 * sorting and top-N. One C API that the CLI (observa analyze) and the HTTP
 * API (GET /api/v1/analyze) both call.
 *
 * Dimensions (ob_query_dim_parse): country, admin1, admin2 (the record's
 * territory at that level; a record counted in its country has no admin1
 * or admin2: "unknown"), year, month (1..12), iccs_section, iccs_division,
 * iccs_group, iccs_class (the record's ICCS code at that level), iccs (the
 * code as recorded), sex, age_group, minor (0-17, 18+, U), age, hour,
 * manner, mechanism (alias weapon), place, relationship, context, source,
 * institution. Every dimension has the value "unknown" for a missing field.
 * age_group and minor place a record without an exact age by its age band
 * when the band lies in one group, else in U (engine/indicators.h); age
 * gives such a record as unknown.
 *
 * Filters ("where"): clauses separated by blanks or "&", each FIELD=VALUES,
 * VALUES separated by "," or "|"; a record passes when every clause holds
 * (clauses on the same field must all hold). Fields:
 *   country     ISO 3166 alpha-3 or alpha-2 codes (HND or HN)
 *   admin1, admin2, territory
 *               territory codes (a code matches the units under it; admin1
 *               and admin2 check the code's level)
 *   year        years and ranges: 2020, 2015..2024
 *   month       months 1..12 and ranges: 6..8
 *   date        date ranges FROM..TO (YYYY-MM-DD): a record passes when its
 *               date, at its precision, lies wholly inside (a record known
 *               to the month passes when the whole month is inside)
 *   iccs (also iccs_section, iccs_division, iccs_group, iccs_class,
 *               category)  ICCS codes at any level: a code matches its
 *               descendants ("0101" matches 01011, 010111...)
 *   sex         F, M, U
 *   age         ages and ranges: 15..29, 60+, 17 (unknown matches none; a
 *               record with an age band only when all of the band does)
 *   age_group   labels 0-14, 15-17, 18-29, 30-44, 45-59, 60+, U
 *   hour        hours and ranges 0..23 (18..5 wraps past midnight)
 *   manner, mechanism (weapon), place, relationship, context
 *               codes of docs/profiles.md ("unknown": a missing field)
 *   source      source codes (sv-iml); institution: police, forensic,
 *               prosecutor, validated, other
 * Codes are matched through the filter tables of engine/indicators.h
 * (ob_ind_filter_accept), so numerators and queries read codes alike.
 *
 * Counts: a cell counts victims, the sum of its records' count column
 * (engine/snapshot.h: a row with a count column or of an aggregate source
 * stands for several); with ob_query.records, records instead (rows, to be
 * labelled so in outputs). With ob_query.keys the result also sums each
 * cell's record keys (rkey), which the cell-key disclosure method perturbs
 * the cell by; the table API carries them to the margins.
 *
 * What is counted (engine/counting.h, docs/counting.md): with
 * ob_query.rules and no source or institution in the filter or the
 * dimensions, each record counts only under its country's counting rule for
 * its manner, ICCS code and year (the institution of record, or the
 * validated deaths where a reconciliation covers the year): sources are
 * never summed. The rule is a narrow step before counting: per country, the
 * categories and manners that choose alike and the years covered or not
 * make blocks, each counted as a query of its own with the filters of its
 * categories, manners, years and sources. With a source or institution
 * asked, what was asked; with ob_query.records (or no rules), every record
 * of every source. ob_query_result.counting says which, each table cell too
 * (ob_query_table_rule), and the notes list per country the rules that
 * counted.
 *
 * Measures: count; rate per 100,000 inhabitants, with the population of the
 * cell from the catalogue's population table (ob_population_load): only
 * when every dimension has a population (country, admin1, admin2, year,
 * sex) and no filter cuts the population in a way the table cannot follow
 * (age, age_group, month, date, hour); without year as a dimension, year
 * must be filtered and the rate is per 100,000 person-years over the years
 * filtered; share: percentage of the query's total.
 *
 * Speed: an analyser (ob_analyzer_new, once per snapshot) precomputes, for
 * every dimension, a map from the column's value to the dimension's value,
 * and the range of records of each territory (the snapshot is ordered by
 * territory). A query compiles its filters to accept tables, skips the
 * territories the filter rejects, and makes one pass over the columns it
 * needs into a flat counter array (one per thread). Within a territory the
 * records are ordered by year, then source: a year filter narrows each
 * territory to the range of its years (and is then read no more when it
 * takes every year in between); the analyser keeps the runs of records of
 * one territory, year and source, so that a source or institution filter or
 * dimension takes whole runs without reading the records. Work without a
 * per-record column, or under half a million records, runs in one thread.
 * Counting victims keeps the speed of counting records: blocks of records
 * that all count 1 (every block, when the snapshot has no count above 1)
 * increment as before, and a range counted whole is summed from the
 * victims before each block.
 *
 * A snapshot that keeps its deltas apart (engine/snapshot.h, its tail:
 * ob_snapshot_open_lazy) is counted as the base's records and then the
 * tail's into the same cells, the tail through an analyser of its own with
 * the same dimensions (its years those of both), so that a delivery is
 * answered for without merging it into the observatory's columns.
 *
 * Cost and budget: ob_query_cost() says, before any work, how many cells
 * the grouping can reach and how many records the count would read, from
 * the filter and the ranges of records per territory and year; a server
 * refuses a question above its limits with it. A query may carry a
 * deadline and a cancel flag, which the counting threads check between
 * blocks of records: past the deadline the query stops with OB_ETIMEDOUT,
 * once the flag is set with OB_ECANCELED, and gives no result.
 *
 * Errors: OB_EUSAGE with a message in Spanish then English naming the
 * unknown dimension, field or value and listing the valid ones (the nearest
 * ones when there are many); OB_ETOOBIG past OB_MAX_QUERY_CELLS;
 * OB_ETIMEDOUT and OB_ECANCELED as above.
 *
 * Ownership: an analyser borrows its snapshot and population (free it
 * before them; engine/snaphold.h keeps them together); a result borrows the
 * analyser (free it first); a table borrows its result.
 */
#ifndef OB_ENGINE_QUERY_H
#define OB_ENGINE_QUERY_H

#include "base/buf.h"
#include "base/common.h"
#include "engine/counting.h"
#include "engine/indicators.h"
#include "engine/snapshot.h"


enum ob_query_dim {
	OB_QD_COUNTRY = 0,
	OB_QD_ADMIN1,
	OB_QD_ADMIN2,
	OB_QD_YEAR,
	OB_QD_MONTH,
	OB_QD_ICCS_SECTION,
	OB_QD_ICCS_DIVISION,
	OB_QD_ICCS_GROUP,
	OB_QD_ICCS_CLASS,
	OB_QD_ICCS,
	OB_QD_SEX,
	OB_QD_AGE_GROUP,
	OB_QD_AGE,
	OB_QD_HOUR,
	OB_QD_MANNER,       /* = OB_QD_MANNER + enum ob_snap_dim for the tags */
	OB_QD_MECHANISM,
	OB_QD_PLACE,
	OB_QD_RELATIONSHIP,
	OB_QD_CONTEXT,
	OB_QD_SOURCE,
	OB_QD_INSTITUTION,
	OB_QD_MINOR,        /* 0-17, 18+, U */
	OB_QD_COUNT
};

enum ob_query_measure {
	OB_QM_COUNT = 0,
	OB_QM_RATE,
	OB_QM_SHARE,
};

/* Row order of a table. */
enum ob_query_sort {
	OB_QS_LABEL = 0,  /* the dimensions' order (codes, years ascending) */
	OB_QS_COUNT_DESC, /* row total, largest first (ties: label order) */
	OB_QS_COUNT_ASC,
};

struct ob_analyzer;

/* Maps of a snapshot (and population, may be NULL) for queries; both are
 * borrowed. Never fails (aborts on memory exhaustion). */
struct ob_analyzer *ob_analyzer_new(const struct ob_snapshot *snap,
                                    const struct ob_population *pop);
void ob_analyzer_free(struct ob_analyzer *an);

/* The number of values of a dimension (its "unknown" included). */
size_t ob_analyzer_values(const struct ob_analyzer *an, enum ob_query_dim d);

/* The name of a dimension, and back (-1 when unknown; "weapon" is
 * mechanism). */
const char *ob_query_dim_name(enum ob_query_dim d);
int ob_query_dim_parse(const char *s, size_t n);
/* "count", "rate", "share" and back (-1). */
const char *ob_query_measure_name(enum ob_query_measure m);
int ob_query_measure_parse(const char *s);

/*
 * Parse a comma-separated list of dimension names into dims (appended at
 * *n, at most OB_QUERY_MAX_DIMS in all). what names the option in
 * messages ("--rows"). Errors: OB_EUSAGE (an unknown name: the message
 * lists the valid ones; too many dimensions; a dimension twice).
 */
ob_err ob_query_dims_parse(const char *list, const char *what, enum ob_query_dim *dims,
                           size_t *n, struct ob_diag *d);

struct ob_query {
	enum ob_query_dim dims[OB_QUERY_MAX_DIMS];
	size_t n_dims;      /* 0..OB_QUERY_MAX_DIMS */
	size_t n_row_dims;  /* the first n_row_dims are rows, the rest columns */
	const char *where;  /* NULL or "" for every record */
	int threads;        /* 0: up to two, fewer for few records; N: N */
	const struct ob_counting *rules; /* the counting rules (see "What is
	                       counted" above); NULL: the victims of every source,
	                       summed ("victims:all_sources") */
	bool records;       /* count records: the rows of every source, not victims
	                       and without the counting rules ("records") */
	bool keys;          /* also sum the record keys of each cell (keysums) */
	double deadline;    /* ob_now() past which the count stops; 0: none */
	const _Atomic int *cancel; /* set non-zero (by any thread) to stop; NULL: none */
};

/* Private: the values of each dimension a block of one rule can count in. */
struct ob_query_block {
	uint32_t bit;                            /* its rule name */
	uint8_t *compat[OB_QUERY_MAX_DIMS];
};

/* One rule that counted in a query (ob_query_result.notes): in country,
 * the records of years counted under rule, by the row `row` of the
 * counting rules (NULL: no row applied). */
struct ob_query_note {
	const char *country;            /* ISO3 */
	const char *rule;               /* "validated_deaths", "victims:forensic", ... */
	const struct ob_count_rule *row;
	char years[160];                /* "2015..2021, 2023" */
	uint64_t count;                 /* what it counted in the query */
	/* private */
	uint8_t *year_mask;
};

struct ob_query_result {
	size_t n_dims, n_row_dims;
	enum ob_query_dim dims[OB_QUERY_MAX_DIMS];
	uint32_t extent[OB_QUERY_MAX_DIMS]; /* values of each dimension */
	size_t n_cells;                     /* product of the extents */
	uint64_t *counts;                   /* [d0][d1]...: last dimension fastest:
	                                       victims, or records when records */
	uint64_t *keysums;                  /* same layout: the sum of the rkeys of
	                                       the records counted; NULL unless keys */
	uint64_t total;                     /* victims (records) that pass the filter */
	bool records;                       /* counts are of records */
	uint64_t scanned;                   /* records read */
	double seconds;                     /* time of the count */
	int threads;                        /* threads that counted */
	bool rate_ok;                       /* a population exists for the cells */
	char rate_why[256];                 /* why not, in Spanish */
	char rate_why_en[256];              /* why not, in English */
	/* what the counts count: a rule name of engine/counting.h
	 * ("validated_deaths", "victims:forensic", "records"), "victims:" and
	 * the sources or institutions filtered, "by_source" (a source or
	 * institution dimension) or "mixed" (several rules: see the cells'
	 * ob_query_table_rule() and the notes) */
	const char *counting;
	bool counts_victims;                /* false: records, as asked */
	const char **rule_names;            /* the rules that counted (mixed) */
	size_t n_rule_names;
	uint64_t *rule_mask;                /* [cell]: bit i for rule_names[i]; NULL
	                                       unless mixed */
	struct ob_query_note *notes;        /* per country, the rules that counted */
	size_t n_notes;
	/* private */
	const struct ob_analyzer *an;
	struct ob_query_popsel *popsel;
	size_t counts_len;
	char label[160];
	struct ob_query_block *blocks; /* where each rule can count */
	size_t n_blocks;
};

/* What a query would cost, known before it runs. */
struct ob_query_cost {
	uint64_t cells;   /* product over the dimensions of the values the filter leaves */
	uint64_t records; /* records of the territories and years the filter leaves,
	                     or the entries read when from_level */
	bool from_level;  /* counted from a level of pre-aggregates by country */
};

/*
 * The cost of q: cheap (the filter is compiled, no record is read).
 * cells counts, for each dimension, the values some record passing the
 * filter could have (all of them when the filter does not touch the
 * dimension's column); records is what ob_query_run would read: the records
 * of the territories the filter keeps, narrowed to its years, or, when a
 * level of pre-aggregates by country counts q (snapshot.h, struct
 * ob_snap_cube; from_level), the entries of that level in the runs of one
 * country, year, source and category the filter keeps: a broad question
 * so counted costs thousands, not millions. Both are upper bounds
 * (saturated at UINT64_MAX). Errors: those of the filter, as ob_query_run.
 */
ob_err ob_query_cost(const struct ob_analyzer *an, const struct ob_query *q,
                     struct ob_query_cost *cost, struct ob_diag *d);

/* Run a query. Errors: see above. */
ob_err ob_query_run(const struct ob_analyzer *an, const struct ob_query *q,
                    struct ob_query_result **out, struct ob_diag *d);
void ob_query_result_free(struct ob_query_result *r);

/* The count of the cell whose value indices are v[0..n_dims). */
uint64_t ob_query_count(const struct ob_query_result *r, const uint32_t *v);

/*
 * Whether the cell v (value indices; UINT32_MAX for a margin) is "no data"
 * rather than 0: it is 0, and for one of its dimensions that is a field a
 * source may not supply (sex, age, age group, hour, the tags), every
 * record with the cell's other values has that field unknown, so that 0
 * says nothing was recorded, not that nothing happened (an age never
 * delivered is not 0 victims under 15). A slice without any record stays 0
 * (whether it was delivered is the completeness table's question), and a
 * margin is never no data.
 */
bool ob_query_no_data(const struct ob_query_result *r, const uint32_t *v);
/* Its sum of record keys (0 when the query did not ask for keys). */
uint64_t ob_query_keysum(const struct ob_query_result *r, const uint32_t *v);

/* Label of value v of dimension j ("HND", "2020", "F", "0101", "firearm",
 * "unknown"). */
const char *ob_query_label(const struct ob_query_result *r, size_t j, uint32_t v);

/*
 * The population of a cell (v[j] = UINT32_MAX for a dimension summed over,
 * as in a margin). False when the query has no rate (r->rate_ok false) or
 * the catalogue lacks a population the cell needs.
 */
bool ob_query_population(const struct ob_query_result *r, const uint32_t *v, double *pop);

/*
 * A two-way table of a result: rows are the combinations of the row
 * dimensions that have records, columns those of the column dimensions
 * (one column "total" when there are none), with row, column and grand
 * totals. Rows sorted by sort; top > 0 keeps the first top rows after
 * sorting (margins still count every row). The table owns its arrays and
 * borrows r.
 */
struct ob_query_table {
	const struct ob_query_result *r;
	size_t nrows, ncols;
	uint32_t *row_key;    /* nrows x n_row_dims value indices */
	uint32_t *col_key;    /* ncols x (n_dims - n_row_dims) */
	uint64_t *cell;       /* nrows x ncols */
	uint64_t *row_total;  /* nrows */
	uint64_t *col_total;  /* ncols, over every row (also those cut by top) */
	uint64_t total;
	size_t rows_before_top;
	/* sums of record keys, laid out as the counts; NULL (0) unless the
	 * query asked for keys */
	uint64_t *cell_keys, *row_keys, *col_keys;
	uint64_t total_keys;
	/* private: the rules that counted (result's rule_mask), or NULL */
	uint64_t *cell_mask, *row_mask, *col_mask;
	uint64_t total_mask;
};

ob_err ob_query_table_make(const struct ob_query_result *r, enum ob_query_sort sort,
                           size_t top, struct ob_query_table **out, struct ob_diag *d);
void ob_query_table_free(struct ob_query_table *t);

/*
 * What a result counts, as JSON members (no braces) appended to b:
 *   "counts": "victims" or "records",
 *   "counting_rule": r->counting,
 *   "rules": the rule names that apply somewhere in the query,
 *   "counting_rules": [{"country", "rule", "years", "count", "row_country",
 *                       "scope", "reason_es", "reason_en"}, ...] (the notes)
 * The CLI and the API write the same. OB_ETOOBIG when b would pass its
 * maximum.
 */
ob_err ob_query_counting_json(const struct ob_query_result *r, struct ob_buf *b);

/* What table cell (i, j) counts (SIZE_MAX for a margin): the result's
 * counting, or, when it is "mixed", the one rule that counted in the cell,
 * or "mixed" when several did. */
const char *ob_query_table_rule(const struct ob_query_table *t, size_t i, size_t j);

/* The full coordinates (r->n_dims value indices) of table cell (i, j);
 * i = SIZE_MAX or j = SIZE_MAX for a margin (those dimensions UINT32_MAX). */
void ob_query_table_coords(const struct ob_query_table *t, size_t i, size_t j, uint32_t *v);

/*
 * The measure of count with population pop (ob_query_population) or of
 * the query total: false when it cannot be given (a rate without
 * population, a share of an empty total).
 */
bool ob_query_measure_value(const struct ob_query_result *r, enum ob_query_measure m,
                            uint64_t count, bool have_pop, double pop, double *out);

#endif
