/*
 * query_impl.h - the pieces of the analyser that its files share: the
 * snapshot's columns, the analyser's dimensions, a compiled filter and the
 * counting steps. Not a public interface: include engine/query.h instead.
 *
 *   query_dims.c   dimensions: how a record maps to a value of each one
 *   query_where.c  a --where filter compiled to accept tables of the columns
 *   query_count.c  counting the records a compiled filter passes into cells
 *   query_rule.c   the counting rule: the counts made block by block
 *   query_table.c  cells, populations and the answer table
 *   query.c        a query from its text to its result
 *
 * Ownership: a struct compiled owns its tables (ob_qi_compiled_release).
 */
#ifndef OB_ENGINE_QUERY_IMPL_H
#define OB_ENGINE_QUERY_IMPL_H

#include <pthread.h>
#include <stdatomic.h>

#include "base/strmap.h"
#include "engine/query.h"

/* The snapshot columns. */
enum col {
	C_TERR = 0,
	C_YEAR,
	C_MONTH,
	C_DAY,
	C_HOUR,
	C_SEX,
	C_AGE,
	C_CAT,
	C_SRC,
	C_TAG0,
	C_COUNT = C_TAG0 + OB_SNAP_DIMS
};

/* The column each dimension reads. */
extern const enum col ob_qi_dim_col[OB_QD_COUNT];

/* A column of the snapshot, and its width in bytes (*w: 1 or 2). */
const void *ob_qi_col_ptr(const struct ob_snapshot *s, enum col c, int *w);
/* Size of a column's accept table and map: every value its type can hold
 * for the 1-byte columns and the year, the dictionary for the others. */
size_t ob_qi_col_domain(const struct ob_snapshot *s, enum col c);

struct dimmap {
	uint32_t n;          /* values */
	uint32_t *map;       /* column value -> value index */
	const char **label;  /* n labels */
};

struct ob_analyzer {
	const struct ob_snapshot *snap;
	const struct ob_population *pop;
	struct dimmap dim[OB_QD_COUNT];
	/* what is derived from the columns: the snapshot's own (stored in its
	 * file), or made by ob_snap_derive into own when it carries none; the
	 * pointers below point into one of them (struct ob_snap_derived) */
	struct ob_snap_derived own;
	const uint64_t *unit_first; /* records of unit u: [unit_first[u], unit_first[u + 1]) */
	bool sorted;            /* the territory column is ordered */
	bool year_sorted;       /* and within each unit, the year column */
	bool src_sorted;        /* and within each unit and year, the source column */
	bool cat_sorted;        /* and within each unit, year and source, the category */
	const struct ob_snap_run *runs; /* n_runs + 1 (the last one starts at n), or NULL */
	const uint32_t *run_first; /* runs of unit u: [run_first[u], run_first[u + 1]) */
	/* within the runs, when categories are ordered in them (cat_sorted)
	 * and these are few (at most one per four records): the runs of one
	 * category, cat_start[i] to cat_start[i + 1] holding category
	 * cat_value[i]; run r's are [run_cat[r], run_cat[r + 1]); NULL when
	 * not made */
	const uint32_t *cat_start; /* n_cat_runs + 1 */
	const uint16_t *cat_value; /* n_cat_runs */
	const uint32_t *run_cat;   /* n_runs + 1 */
	/* the pre-aggregates of the category runs by sex and manner (struct
	 * ob_snap_agg): run i's are agg[agg_first[i]] to agg[agg_first[i + 1]
	 * - 1], or those by age group too when the snapshot holds only these
	 * (a large one); and by age group (age_first, age_agg); NULL when
	 * the snapshot has none */
	const uint32_t *agg_first; /* n_cat_runs + 1 */
	const struct ob_snap_agg *agg;
	const uint32_t *age_first; /* n_cat_runs + 1 */
	const struct ob_snap_agg *age_agg;
	/* per category run, the manners (bit v for manner v < CAT_MASK_SEX)
	 * and sexes (bit CAT_MASK_SEX + v) of its records, from agg, so that
	 * a run no record of which a filter on them takes is skipped whole;
	 * NULL without agg or with a value past the bits (owned); for a
	 * snapshot opened lazily, made by the first query that needs them
	 * (ob_qi_prepare_derived), under masks_mu */
	uint64_t *cat_mask;
	bool masks_made;
	pthread_mutex_t masks_mu;
	/* the category runs by category: category v's are cat_index[
	 * cat_index_first[v]] to cat_index[cat_index_first[v + 1] - 1], in
	 * order (so by unit, year and source); made by the second count that
	 * would go straight to the runs of a few categories (ob_qi_cat_index;
	 * cat_index_asked: the counts that asked), under cat_index_mu; NULL
	 * until then (owned) */
	uint32_t *cat_index_first, *cat_index;
	unsigned cat_index_asked;
	/* per category, the sums by sex of its runs in the order of
	 * cat_index (made by the second count that asks for them, from the
	 * pre-aggregates, ob_qi_cat_sums; cat_sums_state[v]: 0 not asked, 1
	 * asked once, 2 made, cat_sums[v] then NULL when a sum would not fit
	 * its 32 bits) */
	struct cat_sums **cat_sums;
	uint8_t *cat_sums_state;
	size_t n_cat_sums;
	/* the category runs a count must walk for it to take the index
	 * instead (QI_CAT_INDEX_MIN; 0: whenever a category filter allows,
	 * the index and sums made on the first count that asks, as the
	 * tests ask) */
	uint64_t cat_index_min;
	pthread_mutex_t cat_index_mu;
	/* the pre-aggregates by country (struct ob_snap_cube): the runs of
	 * one country, year, source and category, and per level of
	 * ob_snap_cube_cols their entries (cube[L] NULL: not made) */
	const struct ob_snap_crun *cruns;
	uint64_t n_cruns;
	const uint32_t *cube_first[OB_SNAP_CUBES];
	const struct ob_snap_cube *cube[OB_SNAP_CUBES];
	uint64_t n_cube[OB_SNAP_CUBES];
	int year_min, year_max; /* of the records with a year; 0 when none */
	int32_t *country_unit;  /* unit of each country, -1 */
	int32_t *unit_country;  /* the country (unit) of each unit, -1: none
	                           (ob_snap_unit_at_level 0) */
	struct ob_strmap units; /* unit code -> index + 1 */
	char *pool;             /* labels of numbers */
	const uint16_t *zone;   /* per block of ZONE records: min, max year, min, max source */
	uint64_t n_zones;
	/* counts: NULL when every record counts 1 (then no column is read) */
	const uint8_t *zone_ones;     /* per block: every count in it is 1 */
	const uint64_t *zone_victims; /* victims before each block (n_zones + 1) */
	const uint64_t *zone_keys;    /* rkeys before each block (n_zones + 1) */
	const char *unknown;
	/* the deltas' records of a snapshot that keeps them apart
	 * (ob_snapshot.tail): an analyser of their own, with the same
	 * dimensions, that every count adds (ob_qi_count); NULL otherwise */
	struct ob_analyzer *tail;
};

/* The first bit of the sexes in ob_analyzer.cat_mask (the manners below). */
#define CAT_MASK_SEX 56

/* Records per block of the counting pass and of the zone map (the years
 * and sources of a block, so that a block no filter value can be in is
 * skipped: records arrive by submission, so years and sources cluster). */
#define CHUNK OB_SNAP_ZONE

/* Rule names of mixed cells and of counts made source by source. */
#define RULE_MIXED "mixed"
#define RULE_BY_SOURCE "by_source"

static inline bool ob_qi_is_terr_dim(enum ob_query_dim k)
{
	return k == OB_QD_COUNTRY || k == OB_QD_ADMIN1 || k == OB_QD_ADMIN2;
}

/* Is unit u under anc (or anc itself)? */
bool ob_qi_unit_under(const struct ob_snapshot *s, uint32_t u, uint32_t anc);

/* ------------------------------------------------------------------------
 * A compiled filter (query_where.c).
 */
struct ob_query_popsel {
	uint32_t *cover;   /* territory units the filter keeps (none under another) */
	size_t n_cover;
	int *years;        /* the years a rate sums over */
	size_t n_years;
	int sex;           /* population column: 0 T, 1 F, 2 M; -1 none */
};

struct compiled {
	uint8_t *acc[C_COUNT]; /* NULL: every value passes */
	bool date;
	long date_from, date_to; /* yyyymmdd */
	bool terr_filtered, year_filtered, cuts_population;
	bool sex_seen[OB_SNAP_SEX_COUNT];
	uint32_t *terr_given;    /* units named by the filter */
	size_t n_terr_given;
	char src_label[160];     /* "victims:" and the sources or institutions asked */
};

/* Compile a --where text (NULL: none) into c; c is to be released even
 * on error. Errors: OB_EUSAGE naming the clause, OB_ETOOBIG. */
ob_err ob_qi_compile(const struct ob_analyzer *an, const char *where, struct compiled *c,
                     struct ob_diag *d);
void ob_qi_compiled_release(struct compiled *c);
/* AND a clause's table into the column's. */
void ob_qi_and_into(struct compiled *c, const struct ob_snapshot *s, enum col col,
                    const bool *acc);

/* ------------------------------------------------------------------------
 * Counting (query_count.c, query_rule.c).
 */

/* Threads of one count at most. */
#define QI_MAX_THREADS 16

/* Counter buffers kept from one count to the next (the rule's blocks),
 * zero between counts (each count clears what it read). */
struct scratch {
	uint32_t *buf[QI_MAX_THREADS];
	size_t len[QI_MAX_THREADS];
	/* the cells the last ob_qi_count could add to, [lo, hi): its counts
	 * outside them are left as they were; and the sum of what it added */
	size_t lo, hi;
	uint64_t added;
};
void ob_qi_scratch_release(struct scratch *sc);

/* The first record of [a, b) whose year is y or more (years ordered). */
uint64_t ob_qi_year_bound(const uint16_t *year, uint64_t a, uint64_t b, uint32_t y);

/*
 * The columns ob_qi_count(an, q, c, stride, r, ...) reads record by record
 * for the filters and dimensions of q (bits of enum col): none of those the
 * runs, the territory index or the pre-aggregates give it. The date's
 * columns, the counts and keys, the territory of an unordered snapshot and
 * the year and source without runs are read besides, and not included.
 * *parts: the parts of the pre-aggregates it reads (OB_SNAP_DER_*); *masks:
 * whether it would skip category runs by their manners and sexes.
 */
uint32_t ob_qi_count_reads(const struct ob_analyzer *an, const struct ob_query *q,
                           const struct compiled *c, const size_t *stride,
                           const struct ob_query_result *r, uint32_t *parts, bool *masks);

/*
 * For a snapshot opened lazily, before a count: the parts of the
 * pre-aggregates it reads checked (ob_snapshot_check_derived) and, when it
 * filters the category runs by their manners and sexes (masks), the
 * analyser's cat_mask made, once. Errors: OB_ECORRUPT.
 */
ob_err ob_qi_prepare_derived(const struct ob_analyzer *an, uint32_t parts, bool masks,
                             struct ob_diag *d);

/* The category runs a count walks, at least, before it finds those of
 * its categories through the index by category (ob_qi_cat_index). */
#define QI_CAT_INDEX_MIN 4096

/* What the records of a category run add by sex. */
struct cat_sums {
	uint32_t records[OB_SNAP_SEX_COUNT], victims[OB_SNAP_SEX_COUNT], keys[OB_SNAP_SEX_COUNT];
};

/*
 * The sums by sex of the runs of category v (in the order of the index
 * by category, ob_qi_cat_index, which must have been made), from the
 * analyser's pre-aggregates (agg_first, agg), made on the second call
 * for v (one pass over that category's pre-aggregates: 7 ms of CPU for
 * the 36,728 homicide runs at ten million records, on a loaded machine),
 * once per analyser and category; NULL before, when it has none or when
 * a sum would not fit. A process asking one question (observa analyze)
 * so never pays for what only the next questions would gain.
 */
const struct cat_sums *ob_qi_cat_sums(const struct ob_analyzer *an, uint16_t v);

/*
 * The analyser's category runs by category (cat_index_first, cat_index),
 * made on the second call (one pass over the category runs: 2 ms of CPU
 * for 147,784 at ten million records, on a loaded machine), once per
 * analyser; false before, or when it has no category runs.
 */
bool ob_qi_cat_index(const struct ob_analyzer *an);

/*
 * Count the records that pass the compiled filters c into counts (r's
 * cells, stride[j] apart along dimension j), adding to what is there;
 * r->scanned and r->threads grow. sc (may be NULL) keeps the threads'
 * counters for the next call. The threads stop between blocks once the
 * query's deadline passes or its cancel flag is set, setting *stop
 * (OB_ETIMEDOUT or OB_ECANCELED): the counts are then partial.
 */
void ob_qi_count(const struct ob_analyzer *an, const struct ob_query *q,
                 const struct compiled *c, const size_t *stride, struct ob_query_result *r,
                 uint64_t *counts, struct scratch *sc, _Atomic int *stop);

/* The level of the pre-aggregates by country (struct ob_snap_cube) that
 * counts q filtered by c, or -1 (engine/query_count.c); with_manner: the
 * manner is read besides, as the counting rule's blocks do. */
int ob_qi_cube_level(const struct ob_analyzer *an, const struct ob_query *q,
                     const struct compiled *c, bool with_manner);

/* Count under the counting rule (engine/counting.h), block by block, into
 * r->counts, with r's rule names, masks and notes. */
ob_err ob_qi_count_by_rule(const struct ob_analyzer *an, const struct ob_query *q,
                           const struct compiled *c, const size_t *stride,
                           struct ob_query_result *r, _Atomic int *stop);

/* The rules whose blocks can count in the cell v (UINT32_MAX: summed). */
uint64_t ob_qi_blocks_mask(const struct ob_query_result *r, const uint32_t *v);

#endif
