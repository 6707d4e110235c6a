/*
 * ind_impl.h - the pieces of the indicators' computation that its files
 * share. Not a public interface: include engine/indicators.h instead.
 *
 *   ind_pop.c     population, territorial divisions, territories
 *   ind_filter.c  compiled filters of the numerators
 *   ind_count.c   the pass over the columns, and the intervals
 *   ind_cover.c   coverage and the value of a cell
 *   indicators.c  the query's plan, the rule's groups, the stream
 *
 * Ownership: a struct compiled owns its tables (ob_ii_compiled_free), a
 * struct coverage its keys and map (ob_ii_cov_free).
 */
#ifndef OB_ENGINE_IND_IMPL_H
#define OB_ENGINE_IND_IMPL_H

#include "engine/indicators.h"
#include "engine/counting.h"
#include "ingest/profile.h"

/* ------------------------------------------------------------------------
 * Shared helpers.
 */
/* Labels of the age groups (OB_IND_AGE_GROUPS), and a record's group. */
extern const char *const ob_ii_age_groups[];
extern const char *const ob_ii_minor_groups[];

int ob_ii_age_group_of(int age);

/* Large zeroed arrays straight from the kernel, in huge pages where the
 * system has them; *len is what ob_ii_big_free() gives back. */
void *ob_ii_big_calloc(size_t n, size_t *len);

void ob_ii_big_free(void *p, size_t len);

/* Bits of enum ob_ind_field a profile field gives, or 0. */
uint32_t ob_ii_field_bit(enum ob_field f);

/* The snapshot category of code, or -1. */
long ob_ii_category_find(const struct ob_snapshot *snap, const char *code, size_t n);

/* Population of unit u in year for sex (0 T, 1 F, 2 M); -1 when absent. */
double ob_ii_pop_get(const struct ob_population *p, uint32_t u, int year, int sex,
                      uint8_t *status);

/* Is unit u under ancestor (or ancestor itself)? */
bool ob_ii_under(const struct ob_snapshot *snap, uint32_t u, uint32_t ancestor);

struct compiled {
	size_t K, W;          /* computed indicators, 64-bit words per bit set */
	size_t *ind;          /* set index of each computed indicator */
	long *denom;          /* computed index of its denominator, or -1 */
	uint64_t *cat, *sex, *age, *hour, *src, *tag[OB_SNAP_DIMS];
	unsigned active;      /* fields some indicator restricts (1 << field) */
	uint32_t *req;        /* per computed indicator: fields a source must supply
	                         (1 << enum ob_ind_field) */
	uint8_t *cat_ok;      /* [computed indicator][source]: the source covers every
	                         category and records every manner the indicator counts */
};

/* ------------------------------------------------------------------------
 * Compiled filters (ind_filter.c).
 */
void ob_ii_compiled_free(struct compiled *c);

/* Does the population's view of the sources fit this snapshot? */
bool ob_ii_has_sources(const struct ob_snapshot *snap, const struct ob_population *pop);

static inline bool table_has(const uint64_t *t, size_t W, size_t v, size_t k)
{
	return t[v * W + k / 64] >> (k % 64) & 1;
}

/*
 * Compile the query's filters. ch, when not NULL, holds the counting rule's
 * choices of the indicators (ch[set index], NULL for one not computed: one
 * choice per country): they decide the sources an indicator counts unless
 * the query names a source or an institution, or the numerator does.
 */
ob_err ob_ii_compile(const struct ob_snapshot *snap, const struct ob_population *pop,
                      const struct ob_indicator_set *set, const struct ob_ind_query *q,
                      const struct ob_count_choice *const *ch,
                      struct compiled *c, struct ob_diag *d);

/* ------------------------------------------------------------------------
 * The pass over the columns (ind_count.c).
 */
#define SLOT_NONE (-1)

struct plan {
	const struct ob_snapshot *snap;
	const struct compiled *c;
	int16_t *slot;          /* [year * 13 + month] -> period, -1, or -(2 + period) */
	uint8_t *day_limit;     /* per period: last day counted of a split month */
	uint8_t *unknown_day;   /* per period: a record without a day counts */
	size_t NP, NC, NT;
	size_t K;               /* counters per cell: one per computed indicator */
	size_t n_by;
	int by_kind[OB_BY_COUNT];      /* 0 sex, 1 age, 2 tag u8 column, 3 source */
	const uint8_t *by_col8[OB_BY_COUNT];
	uint32_t *by_tab[OB_BY_COUNT]; /* value -> value index * stride of the dimension */
};

/* Threads for a pass over n records. */
int ob_ii_thread_count(const struct ob_ind_query *q, uint64_t n);

/* Count every record into counts (cells x K counters). */
void ob_ii_count_all(const struct plan *pl, const struct ob_ind_query *q, uint32_t *counts);

/* Add every unit's counters into its parent's, leaves first (a parent has
 * a lower index than its children). */
void ob_ii_aggregate(const struct plan *pl, uint32_t *counts);

/* ------------------------------------------------------------------------
 * Intervals: each distinct count (rates) or (count, total) pair (shares)
 * is solved once, the lot spread over threads.
 */
struct ientry {
	uint64_t key; /* 0: empty */
	double lo, hi;
};

struct itable {
	struct ientry *e;
	size_t cap, n;
};

/* A table of intervals for about expect keys; an entry of key (added when
 * add), NULL when absent. */
void ob_ii_itable_init(struct itable *t, size_t expect);

struct ientry *ob_ii_itable_get(struct itable *t, uint64_t key, bool add);

#define KEY_SHARE (1ULL << 63)

/* Solve every entry at level, over T threads. */
void ob_ii_itable_solve(struct itable *t, double level, int T);

/* The limits for a key, solved the first time it is asked for. */
const struct ientry *ob_ii_interval_of(struct itable *t, uint64_t key, double level);

/* Days of month (1-12) of year. */
int ob_ii_days_in(int year, int month);

struct covkey {
	uint32_t need; /* fields besides the indicator's own */
	int32_t src;   /* the cell's source, or -1 */
	int32_t manner; /* the cell's manner code (a --by manner cell), or -1 */
};

/* ------------------------------------------------------------------------
 * Coverage and the value of a cell (ind_cover.c).
 */
struct coverage {
	size_t nkeys, cap;
	struct covkey *keys;
	size_t *cell_key;  /* per cell */
	size_t *cell_key_muni; /* per cell, for a cell of an admin-2 unit: its
	                          key with the municipality needed too */
	size_t total_muni; /* the key of an unsplit admin-2 cell */
	size_t nco, span;
	int m0;
	uint8_t *map;      /* [key][country][month - m0], for one indicator */
	bool *used;        /* keys the indicator's cells use */
};

/* The key of (fields needed, source; -1 any), added when new. */
size_t ob_ii_cov_key(struct coverage *cv, uint32_t need, int32_t src, int32_t manner);

void ob_ii_cov_free(struct coverage *cv);

/* Fill cv->map for computed indicator k, for the keys cells of k use. */
void ob_ii_cov_fill(const struct ob_snapshot *snap, const struct ob_population *pop,
                     const struct compiled *c, size_t k, bool split, struct coverage *cv);

/* What one cell's value needs besides its counters. */
struct cellinfo {
	int sex; /* -1: no sex split; else 0 F, 1 M, 2 U */
	bool age; /* split by age group */
};

/* The value, interval and flags of one cell of indicator x. */
void ob_ii_fill_value(const struct ob_indicator *x, const struct ob_ind_query *q,
                       const struct ob_population *pop, uint32_t u, const struct ob_period *per,
                       long day, bool vint, const struct cellinfo *ci, double count, double den,
                       unsigned covered, unsigned total, bool broken, struct ob_ind_value *v);

#endif
