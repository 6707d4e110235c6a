/* query_count.c - counting: the records a compiled filter passes, added
 * into the cells of a query, over threads whose counters are then merged. */
#include "engine/query_impl.h"

#include <pthread.h>
#include <unistd.h>

#include "base/log.h"
#include "engine/query_kernel.h"

/* The values of the sex and manner columns (one byte each). */
#define AGG_DOM 256

struct filt {
	const void *col;
	int w;
	const uint8_t *acc;
};

struct gdim {
	const void *col;
	int w;
	uint32_t *map; /* premultiplied by the dimension's stride (owned) */
};

struct plan {
	const struct ob_snapshot *s;
	const struct ob_analyzer *an;
	uint32_t *units;   /* accepted units, in order */
	uint32_t *base;    /* their cell offset from the territory dimensions */
	uint64_t *ra, *rb; /* their records [ra, rb) (narrowed to the years) */
	uint32_t *ur;      /* with the analyser's runs: unit k's runs within
	                      [ra, rb) are [ur[2k], ur[2k + 1]) */
	/* runs of one source: the source filter and dimensions are taken per run
	 * of records of one year and source instead of per record */
	bool src_runs;
	const uint8_t *src_acc; /* the source filter, NULL none */
	uint32_t *src_off;      /* cell offset of each source (owned) */
	const struct ob_snap_run *runs; /* the analyser's runs, or NULL */
	const uint32_t *run_first;
	uint16_t *src_list;     /* the accepted sources in order, when few (owned) */
	size_t n_src_list;
	/* with the analyser's runs: the year taken per run (its filter, NULL
	 * none; its cell offset, NULL when no dimension reads it), and the
	 * category per run of one category within a run (records ordered so)
	 * instead of per record */
	const uint8_t *year_acc;
	uint32_t *year_off;     /* (owned) */
	size_t n_year_off;
	bool cat_runs;
	const uint8_t *cat_acc; /* the category filter, NULL none */
	uint32_t *cat_off;      /* cell offset of each category (owned) */
	/* with the category runs counted record by record and a filter on
	 * the manner or the sex (the counting rule's blocks filter the
	 * manner): a run holding no manner or no sex they take (the
	 * analyser's cat_mask) is skipped whole (run_check); the bits of
	 * cat_mask they take */
	bool run_check;
	uint64_t run_man_bits, run_sex_bits;
	/* with the category runs, their pre-aggregates (struct ob_snap_agg)
	 * counted instead of their records, when no column but the sex, the
	 * manner and the age group is read per record: the level (agg_first,
	 * aggs: the analyser's by sex and manner, or by age group too), the
	 * three filters (NULL none; the age group's by group) and cell offsets
	 * (AGG_DOM values each, owned; the age group's 0 for OB_SNAP_AGG_ANY) */
	bool agg;
	const uint32_t *agg_first;
	const struct ob_snap_agg *aggs;
	const uint8_t *sex_acc, *man_acc;
	uint8_t *age_acc;
	uint32_t *sex_off, *man_off, *age_off;
	uint8_t sex_hi; /* the highest sex sex_acc takes (the entries of a run
	                   are ordered by sex) */
	/* with the category runs and a category filter taking few categories
	 * of many runs: the accepted categories (cat_list, n_cat_list), whose
	 * runs are found through the analyser's index by category
	 * (ob_qi_cat_index) rather than by walking every category run of the
	 * units and years kept */
	uint16_t *cat_list;
	size_t n_cat_list;
	/* and when the pre-aggregates are counted for the sex alone (no
	 * manner, no age group read): each run's sums by sex instead
	 * (ob_qi_cat_sums), per category of cat_list (owned array) */
	const struct cat_sums **cat_sums;
	/* the pre-aggregates by country counted instead of any run or record
	 * (plan_cube): the level + 1 (0: not taken); the filters of the
	 * territory (by country unit), year, source and category (NULL none)
	 * and their cell offsets (by unit, year, source, category: owned);
	 * per column of the level its filter (NULL none) and cell offsets
	 * (AGG_DOM values each, owned) */
	int cube;
	const uint8_t *cube_terr_acc, *cube_year_acc, *cube_src_acc, *cube_cat_acc;
	uint32_t *cube_terr_off, *cube_year_off, *cube_src_off, *cube_cat_off;
	size_t cube_n_year;
	const uint8_t *cube_acc[OB_SNAP_CUBE_COLS];
	uint32_t *cube_off[OB_SNAP_CUBE_COLS];
	size_t n_units;
	struct filt f[C_COUNT];
	int nf;
	struct gdim g[OB_QUERY_MAX_DIMS];
	int ng;
	uint32_t reads; /* the columns of f and g (bits of enum col) */
	/* the filters and dimensions above read in one fused pass
	 * (engine/query_kernel.h) rather than through a selection vector:
	 * taken when a loop fits their shape, no date is asked, the records
	 * are ordered and the filters take most of them (few_pass: a sample
	 * of the records says they take under a quarter) */
	bool fused, few_pass;
	struct ob_qk qk;
	bool date;
	long date_from, date_to;
	size_t n_cells;
	unsigned lanes;             /* interleaved copies of each counter: 1, 2 or 4 */
	const uint16_t *zone;       /* the analyser's zone map */
	uint32_t *year_pre, *src_pre; /* accepted values below v: [v]; NULL: no filter */
	const uint64_t *unit_first; /* the analyser's */
	/* one pass without the order by territory */
	bool unsorted;
	uint32_t *terr_map; /* territory -> base + 1, 0 rejected (unsorted) */
	/* the cells the count can add to: n_iv intervals [iv[2i], iv[2i + 1])
	 * in order, from the accepted units' offsets (cell_base, n_cell_base)
	 * and the other dimensions' whole extent; [cell_lo, cell_hi) their
	 * hull */
	uint32_t *cell_base;
	size_t n_cell_base;
	size_t *iv, n_iv;
	size_t cell_lo, cell_hi;
	/* the threads' counters and key sums hold cells [shift, cell_end)
	 * only: the units' offsets (base, terr_map) are less shift, so that
	 * a narrow question sizes and clears the cells it can reach, not the
	 * whole table (cell_lo and cell_hi; 0 and every cell for the
	 * pre-aggregates by country, which add at offsets of their own) */
	size_t shift, cell_end;
	/* what a record adds: its count, unless zone_ones is NULL (every
	 * record counts 1, or records are counted) or says its block's
	 * records all count 1; and its key into keysums, when asked */
	const uint8_t *zone_ones;
	const uint64_t *zone_victims, *zone_keys;
	bool keys;
	/* the caller's deadline and cancel flag (watch: either is given), and
	 * why the threads stopped (0, OB_ETIMEDOUT or OB_ECANCELED) */
	bool watch;
	double deadline;
	const _Atomic int *cancel;
	_Atomic int *stop;
};

/* Checks of the clock per thread: one in STOP_CLOCK calls of must_stop()
 * reads it (a block of records costs about as much as reading it). */
#define STOP_CLOCK 32
static _Thread_local unsigned stop_tick;

/* Whether the count must stop now, checked between blocks of records. */
static bool must_stop(const struct plan *pl)
{
	if (!pl->watch)
		return false;
	if (atomic_load_explicit(pl->stop, memory_order_relaxed))
		return true;
	if (pl->cancel && atomic_load_explicit(pl->cancel, memory_order_relaxed)) {
		atomic_store(pl->stop, OB_ECANCELED);
		return true;
	}
	if (pl->deadline > 0 && ++stop_tick % STOP_CLOCK == 0 && ob_now() > pl->deadline) {
		atomic_store(pl->stop, OB_ETIMEDOUT);
		return true;
	}
	return false;
}

struct worker {
	const struct plan *pl;
	size_t ua, ub;        /* units [ua, ub) of the plan */
	uint64_t ra, rb;      /* or records [ra, rb) (unsorted) */
	uint32_t *counts;
	uint64_t *keys;       /* n_cells sums of rkeys, or NULL */
	uint64_t since;       /* records counted since the deadline was checked */
	pthread_t tid;
};

static int days_in(long y, long m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static inline bool date_ok(const struct plan *pl, uint16_t y, uint8_t m, uint8_t dd)
{
	long lo, hi;

	if (!y)
		return false;
	if (!m || m > 12) {
		lo = y * 10000L + 101;
		hi = y * 10000L + 1231;
	} else if (!dd) {
		lo = y * 10000L + m * 100L + 1;
		hi = y * 10000L + m * 100L + days_in(y, m);
	} else {
		lo = hi = y * 10000L + m * 100L + dd;
	}
	return lo >= pl->date_from && hi <= pl->date_to;
}

static uint64_t sum_u16(const uint16_t *c, uint64_t a, uint64_t b)
{
	uint64_t sum = 0;

	for (uint64_t i = a; i < b; i++)
		sum += c[i];
	return sum;
}

static uint64_t sum_u8(const uint8_t *c, uint64_t a, uint64_t b)
{
	uint64_t sum = 0;

	for (uint64_t i = a; i < b; i++)
		sum += c[i];
	return sum;
}

/* What records [a, b) add up to: the whole blocks between them from the
 * sums before each block, the ends record by record. */
static uint64_t range_victims(const struct plan *pl, uint64_t a, uint64_t b)
{
	uint64_t za = (a + CHUNK - 1) / CHUNK, zb = b / CHUNK;

	if (!pl->zone_ones)
		return b - a;
	if (za >= zb)
		return sum_u16(pl->s->count, a, b);
	return sum_u16(pl->s->count, a, za * CHUNK) + pl->zone_victims[zb] -
	       pl->zone_victims[za] + sum_u16(pl->s->count, zb * CHUNK, b);
}

static uint64_t range_keys(const struct plan *pl, uint64_t a, uint64_t b)
{
	uint64_t za = (a + CHUNK - 1) / CHUNK, zb = b / CHUNK;

	if (za >= zb)
		return sum_u8(pl->s->rkey, a, b);
	return sum_u8(pl->s->rkey, a, za * CHUNK) + pl->zone_keys[zb] - pl->zone_keys[za] +
	       sum_u8(pl->s->rkey, zb * CHUNK, b);
}

/*
 * Count records [a, b) whose cell offset starts at base (base per record
 * from terr_map when the plan is unsorted), a chunk at a time: the filters
 * narrow a selection vector (so that a selective filter spares the later
 * columns), the dimensions add their premultiplied codes, and the counts go
 * to pl->lanes interleaved copies of each counter (a run of records in the
 * same cell would otherwise wait on its own increments). A record adds its
 * count, except in blocks whose records all count 1, where the kernel
 * increments as it would for records.
 */
static void count_range(const struct plan *pl, uint64_t a, uint64_t b, uint32_t base,
                        struct worker *w)
{
	const struct ob_snapshot *s = pl->s;
	uint32_t idx[CHUNK];
	uint16_t sel[CHUNK];
	const unsigned lanes = pl->lanes, lmask = lanes - 1;
	uint32_t *counts = w->counts;
	uint64_t *keys = w->keys;

	if (!pl->nf && !pl->ng && !pl->date && !pl->unsorted) {
		counts[(size_t)base * lanes] += (uint32_t)range_victims(pl, a, b);
		if (keys)
			keys[base] += range_keys(pl, a, b);
		return;
	}
	for (uint64_t i = a, next; i < b; i = next) {
		uint64_t z = i / CHUNK;
		size_t m, k;
		bool all = true; /* sel is the identity */
		bool weighted;
		const uint16_t *cn;
		const uint8_t *rk;

		if (must_stop(pl))
			return;
		next = (z + 1) * CHUNK < b ? (z + 1) * CHUNK : b;
		m = k = (size_t)(next - i);
		/* a block whose years or sources the filter rejects */
		if (pl->year_pre &&
		    pl->year_pre[pl->zone[z * 4 + 1] + 1] == pl->year_pre[pl->zone[z * 4]])
			continue;
		if (pl->src_pre &&
		    pl->src_pre[pl->zone[z * 4 + 3] + 1] == pl->src_pre[pl->zone[z * 4 + 2]])
			continue;
		if (pl->fused) {
			ob_qk_count(&pl->qk, i, next, base, pl->zone_ones && !pl->zone_ones[z],
			            counts, keys);
			continue;
		}

		if (pl->unsorted) {
			const uint16_t *t = s->territory + i;
			k = 0;
			for (size_t j = 0; j < m; j++) {
				uint32_t x = pl->terr_map[t[j]];
				sel[k] = (uint16_t)j;
				idx[j] = x ? x - 1 : 0;
				k += x != 0;
			}
			all = false;
		} else {
			for (size_t j = 0; j < m; j++)
				idx[j] = base;
		}
		for (int f = 0; f < pl->nf && k; f++) {
			const uint8_t *acc = pl->f[f].acc;
			size_t k2 = 0;
			if (pl->f[f].w == 1) {
				const uint8_t *c = (const uint8_t *)pl->f[f].col + i;
				if (all) {
					for (size_t j = 0; j < m; j++) {
						sel[k2] = (uint16_t)j;
						k2 += acc[c[j]];
					}
				} else {
					for (size_t t = 0; t < k; t++) {
						uint16_t j = sel[t];
						sel[k2] = j;
						k2 += acc[c[j]];
					}
				}
			} else {
				const uint16_t *c = (const uint16_t *)pl->f[f].col + i;
				if (all) {
					for (size_t j = 0; j < m; j++) {
						sel[k2] = (uint16_t)j;
						k2 += acc[c[j]];
					}
				} else {
					for (size_t t = 0; t < k; t++) {
						uint16_t j = sel[t];
						sel[k2] = j;
						k2 += acc[c[j]];
					}
				}
			}
			k = k2;
			all = false;
		}
		if (pl->date && k) {
			size_t k2 = 0;
			if (all)
				for (size_t j = 0; j < m; j++)
					sel[j] = (uint16_t)j;
			for (size_t t = 0; t < k; t++) {
				uint16_t j = sel[t];
				sel[k2] = j;
				k2 += date_ok(pl, s->year[i + j], s->month[i + j], s->day[i + j]);
			}
			k = k2;
			all = false;
		}
		if (!k)
			continue;
		weighted = pl->zone_ones && !pl->zone_ones[z];
		cn = s->count + i;
		rk = s->rkey + i;
		if (all) {
			for (int g = 0; g < pl->ng; g++) {
				const uint32_t *map = pl->g[g].map;
				if (pl->g[g].w == 1) {
					const uint8_t *c = (const uint8_t *)pl->g[g].col + i;
					for (size_t j = 0; j < m; j++)
						idx[j] += map[c[j]];
				} else {
					const uint16_t *c = (const uint16_t *)pl->g[g].col + i;
					for (size_t j = 0; j < m; j++)
						idx[j] += map[c[j]];
				}
			}
			if (weighted)
				for (size_t j = 0; j < m; j++)
					counts[(size_t)idx[j] * lanes + (j & lmask)] += cn[j];
			else
				for (size_t j = 0; j < m; j++)
					counts[(size_t)idx[j] * lanes + (j & lmask)]++;
			if (keys)
				for (size_t j = 0; j < m; j++)
					keys[idx[j]] += rk[j];
		} else {
			for (int g = 0; g < pl->ng; g++) {
				const uint32_t *map = pl->g[g].map;
				if (pl->g[g].w == 1) {
					const uint8_t *c = (const uint8_t *)pl->g[g].col + i;
					for (size_t t = 0; t < k; t++)
						idx[sel[t]] += map[c[sel[t]]];
				} else {
					const uint16_t *c = (const uint16_t *)pl->g[g].col + i;
					for (size_t t = 0; t < k; t++)
						idx[sel[t]] += map[c[sel[t]]];
				}
			}
			if (weighted)
				for (size_t t = 0; t < k; t++)
					counts[(size_t)idx[sel[t]] * lanes + (t & lmask)] += cn[sel[t]];
			else
				for (size_t t = 0; t < k; t++)
					counts[(size_t)idx[sel[t]] * lanes + (t & lmask)]++;
			if (keys)
				for (size_t t = 0; t < k; t++)
					keys[idx[sel[t]]] += rk[sel[t]];
		}
	}
}

/* The first record of [a, b) whose source is v or more (sources ordered). */
static uint64_t src_bound(const uint16_t *c, uint64_t a, uint64_t b, uint32_t v)
{
	while (a < b) {
		uint64_t m = a + (b - a) / 2;
		if (c[m] < v)
			a = m + 1;
		else
			b = m;
	}
	return a;
}

/* The end of the run of records equal to c[a] in [a, b), c ordered there:
 * by doubling steps, then by halving. */
static uint64_t run_end(const uint16_t *c, uint64_t a, uint64_t b)
{
	uint16_t v = c[a];
	uint64_t lo = a + 1, step = 1, hi;

	while (lo < b && c[lo] == v) {
		lo += step;
		step *= 2;
	}
	/* c[lo - step / 2 ... ] : the last step's start was equal */
	hi = lo < b ? lo : b;
	lo = step > 1 ? lo - step / 2 : a + 1;
	while (lo < hi) {
		uint64_t m = lo + (hi - lo) / 2;
		if (c[m] == v)
			lo = m + 1;
		else
			hi = m;
	}
	return lo;
}

/*
 * Records gathered from runs of one category (short ranges, a few records
 * each), counted CHUNK at a time: pos[] the records, idx[] their cells.
 */
struct gather {
	uint32_t pos[CHUNK];
	uint32_t idx[CHUNK];
	size_t k;
};

/* Ranges this long are counted in place rather than gathered. */
#define GATHER_MIN 64

/* The gathered records through the filters and dimensions, counted. */
static void gather_flush(const struct plan *pl, struct gather *ga, struct worker *w)
{
	const struct ob_snapshot *s = pl->s;
	uint32_t *pos = ga->pos, *idx = ga->idx, *counts = w->counts;
	const unsigned lanes = pl->lanes, lmask = lanes - 1;
	size_t k = ga->k;

	ga->k = 0;
	if (must_stop(pl))
		return;
	for (int f = 0; f < pl->nf && k; f++) {
		const uint8_t *acc = pl->f[f].acc;
		size_t k2 = 0;
		if (pl->f[f].w == 1) {
			const uint8_t *c = pl->f[f].col;
			for (size_t t = 0; t < k; t++) {
				uint32_t j = pos[t];
				pos[k2] = j;
				idx[k2] = idx[t];
				k2 += acc[c[j]];
			}
		} else {
			const uint16_t *c = pl->f[f].col;
			for (size_t t = 0; t < k; t++) {
				uint32_t j = pos[t];
				pos[k2] = j;
				idx[k2] = idx[t];
				k2 += acc[c[j]];
			}
		}
		k = k2;
	}
	if (pl->date && k) {
		size_t k2 = 0;
		for (size_t t = 0; t < k; t++) {
			uint32_t j = pos[t];
			pos[k2] = j;
			idx[k2] = idx[t];
			k2 += date_ok(pl, s->year[j], s->month[j], s->day[j]);
		}
		k = k2;
	}
	for (int g = 0; g < pl->ng; g++) {
		const uint32_t *map = pl->g[g].map;
		if (pl->g[g].w == 1) {
			const uint8_t *c = pl->g[g].col;
			for (size_t t = 0; t < k; t++)
				idx[t] += map[c[pos[t]]];
		} else {
			const uint16_t *c = pl->g[g].col;
			for (size_t t = 0; t < k; t++)
				idx[t] += map[c[pos[t]]];
		}
	}
	if (pl->zone_ones)
		for (size_t t = 0; t < k; t++)
			counts[(size_t)idx[t] * lanes + (t & lmask)] += s->count[pos[t]];
	else
		for (size_t t = 0; t < k; t++)
			counts[(size_t)idx[t] * lanes + (t & lmask)]++;
	if (w->keys)
		for (size_t t = 0; t < k; t++)
			w->keys[idx[t]] += s->rkey[pos[t]];
}

/* Records [a, b) at cell offset base: counted by length when nothing is
 * read per record, in one fused pass when the plan is (whatever their
 * number: the deadline checked once about every CHUNK records), else
 * gathered. */
static void gather_range(const struct plan *pl, struct gather *ga, uint64_t a, uint64_t b,
                         uint32_t base, struct worker *w)
{
	if (pl->fused && b - a < CHUNK) {
		/* the counts are taken unless every block the records are in
		 * holds only records counting 1 (a range this short spans two
		 * blocks at most) */
		bool weighted = pl->zone_ones && (!pl->zone_ones[a / CHUNK] ||
		                                  !pl->zone_ones[(b - 1) / CHUNK]);
		if (a >= b)
			return;
		if ((w->since += b - a) >= CHUNK) {
			w->since = 0;
			if (must_stop(pl))
				return;
		}
		ob_qk_count(&pl->qk, a, b, base, weighted, w->counts, w->keys);
		return;
	}
	if ((!pl->nf && !pl->ng && !pl->date) || b - a >= GATHER_MIN) {
		count_range(pl, a, b, base, w);
		return;
	}
	while (a < b) {
		size_t room = CHUNK - ga->k;
		uint64_t e = b - a < room ? b : a + room;
		for (uint64_t i = a; i < e; i++) {
			ga->pos[ga->k] = (uint32_t)i;
			ga->idx[ga->k++] = base;
		}
		if (ga->k == CHUNK)
			gather_flush(pl, ga, w);
		a = e;
	}
}


/*
 * Category run i at cell offset off (its category's included), from its
 * pre-aggregates: each adds its records (or victims, unless every record
 * counts 1 or records are counted) and its keys to the cell of its sex,
 * manner and age group, as its records would one by one.
 */
static inline void count_agg_run(const struct plan *pl, uint32_t i, uint32_t off,
                                 struct worker *w)
{
	const struct ob_snap_agg *agg = pl->aggs;
	const uint32_t *first = pl->agg_first;
	const unsigned lanes = pl->lanes;
	const bool weighted = pl->zone_ones != NULL;
	uint32_t *counts = w->counts;
	uint64_t *keys = w->keys;

	for (uint32_t k = first[i], k1 = first[i + 1]; k < k1; k++) {
		const struct ob_snap_agg *a = &agg[k];
		uint32_t cell;
		if (pl->sex_acc) {
			/* ordered by sex: past the filter's last, none passes */
			if (a->sex > pl->sex_hi)
				break;
			if (!pl->sex_acc[a->sex])
				continue;
		}
		if ((pl->man_acc && !pl->man_acc[a->manner]) ||
		    (pl->age_acc && !pl->age_acc[a->age_group]))
			continue;
		cell = off + pl->sex_off[a->sex] + pl->man_off[a->manner] + pl->age_off[a->age_group];
		counts[(size_t)cell * lanes] += weighted ? a->victims : a->records;
		if (keys)
			keys[cell] += a->keys;
	}
}

/* The category runs [i, i1) of one run, at cell offset base, from their
 * pre-aggregates (count_agg_run), those of the categories the filter
 * takes. */
static void count_aggs(const struct plan *pl, uint32_t i, uint32_t i1, uint32_t base,
                       struct worker *w)
{
	const struct ob_analyzer *an = pl->an;

	if (must_stop(pl))
		return;
	for (; i < i1; i++) {
		uint16_t v = an->cat_value[i];
		if (pl->cat_acc && !pl->cat_acc[v])
			continue;
		count_agg_run(pl, i, base + pl->cat_off[v], w);
	}
}

/*
 * The question from the pre-aggregates by country (plan_cube): each crun
 * the filters keep adds, entry by entry, its records (or victims, unless
 * every record counts 1 or records are counted) and its keys to the cell
 * its country, year, source, category and the entry's values give, as its
 * records would one by one.
 */
static void count_cube(const struct plan *pl, struct worker *w)
{
	const struct ob_analyzer *an = pl->an;
	const int L = pl->cube - 1;
	const uint32_t *first = an->cube_first[L];
	const struct ob_snap_cube *e = an->cube[L];
	const uint8_t *a0 = pl->cube_acc[0], *a1 = pl->cube_acc[1], *a2 = pl->cube_acc[2],
	              *a3 = pl->cube_acc[3];
	const uint32_t *o0 = pl->cube_off[0], *o1 = pl->cube_off[1], *o2 = pl->cube_off[2],
	               *o3 = pl->cube_off[3];
	const unsigned lanes = pl->lanes;
	const bool weighted = pl->zone_ones != NULL;
	uint32_t *counts = w->counts;
	uint64_t *keys = w->keys;

	for (uint64_t i = 0; i < an->n_cruns; i++) {
		const struct ob_snap_crun *cr = &an->cruns[i];
		uint32_t off;
		if (i % 256 == 0 && must_stop(pl))
			return;
		if ((pl->cube_terr_acc && !pl->cube_terr_acc[cr->country]) ||
		    (pl->cube_year_acc && !pl->cube_year_acc[cr->year]) ||
		    (pl->cube_src_acc && !pl->cube_src_acc[cr->source]) ||
		    (pl->cube_cat_acc && !pl->cube_cat_acc[cr->category]))
			continue;
		off = pl->cube_terr_off[cr->country] + pl->cube_src_off[cr->source] +
		      pl->cube_cat_off[cr->category] +
		      (cr->year < pl->cube_n_year ? pl->cube_year_off[cr->year] : 0);
		for (uint32_t k = first[i], k1 = first[i + 1]; k < k1; k++) {
			uint32_t cell;
			if ((a0 && !a0[e[k].v[0]]) || (a1 && !a1[e[k].v[1]]) || (a2 && !a2[e[k].v[2]]) ||
			    (a3 && !a3[e[k].v[3]]))
				continue;
			cell = off + o0[e[k].v[0]] + o1[e[k].v[1]] + o2[e[k].v[2]] + o3[e[k].v[3]];
			counts[(size_t)cell * lanes] += weighted ? e[k].victims : e[k].records;
			if (keys)
				keys[cell] += e[k].keys;
		}
	}
}

/* Whether a record of category run i can pass the filters on the sex and
 * the manner: the run holds a manner and a sex they take (run_check). */
static inline bool run_may_pass(const struct plan *pl, uint32_t i)
{
	uint64_t m = pl->an->cat_mask[i];

	return (m & pl->run_man_bits) && (m & pl->run_sex_bits);
}

/*
 * The records of the analyser's run r, at cell offset base: run by run of
 * one category when the plan takes categories so (adjacent runs that go to
 * the same cells counted as one range, short ones gathered; runs no record
 * of which the sex and manner filters take left out, run_check), else
 * whole.
 */
static void count_cats(const struct plan *pl, uint32_t r, uint32_t base, struct gather *ga,
                       struct worker *w)
{
	const struct ob_analyzer *an = pl->an;
	uint64_t from = 0; /* the range being gathered: [from, the current run) */
	uint32_t off = 0;
	bool open = false;

	if (pl->agg) {
		count_aggs(pl, an->run_cat[r], an->run_cat[r + 1], base, w);
		return;
	}
	if (!pl->cat_runs) {
		gather_range(pl, ga, an->runs[r].start, an->runs[r + 1].start, base, w);
		return;
	}
	for (uint32_t i = an->run_cat[r], i1 = an->run_cat[r + 1]; i < i1; i++) {
		uint16_t v = an->cat_value[i];
		bool take = (!pl->cat_acc || pl->cat_acc[v]) &&
		            (!pl->run_check || run_may_pass(pl, i));

		if (open && (!take || pl->cat_off[v] != off)) {
			gather_range(pl, ga, from, an->cat_start[i], base + off, w);
			open = false;
		}
		if (take && !open) {
			from = an->cat_start[i];
			off = pl->cat_off[v];
			open = true;
		}
	}
	if (open)
		gather_range(pl, ga, from, an->runs[r + 1].start, base + off, w);
}

/* Category runs found through the index by category: how far ahead
 * their offsets and entries are asked for. */
#define PREFETCH_AHEAD 8

/* The runs [*r0, *r1) of the plan's unit k within its records [ra, rb). */
static void unit_runs(const struct plan *pl, size_t k, uint32_t *r0, uint32_t *r1)
{
	*r0 = pl->ur[2 * k];
	*r1 = pl->ur[2 * k + 1];
}

/* The first of list[0..n) that is v or more (list ordered). */
static size_t u32_lower(const uint32_t *list, size_t n, uint32_t v)
{
	size_t a = 0, b = n;

	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (list[m] < v)
			a = m + 1;
		else
			b = m;
	}
	return a;
}

/*
 * Category run i of run *r or after (advanced to its own) at cell offset
 * base (its category's included), from its sums by sex cs: what each sex
 * the filter takes adds, at the cell of its run's year and source.
 */
static inline void count_sums(const struct plan *pl, const struct ob_analyzer *an,
                              const struct cat_sums *cs, uint32_t i, uint32_t *r, uint32_t base,
                              struct worker *w)
{
	const uint8_t *sa = pl->sex_acc;
	uint16_t src, y;
	uint32_t off;

	while (an->run_cat[*r + 1] <= i)
		(*r)++;
	src = pl->runs[*r].source;
	y = pl->runs[*r].year;
	if ((pl->src_acc && !pl->src_acc[src]) || (pl->year_acc && !pl->year_acc[y]))
		return;
	off = base + pl->src_off[src];
	if (pl->year_off)
		off += y < pl->n_year_off ? pl->year_off[y] : 0;
	for (int x = 0; x < OB_SNAP_SEX_COUNT; x++) {
		uint32_t cell = off + pl->sex_off[x];
		if (sa && !sa[x])
			continue;
		w->counts[cell] += pl->zone_ones ? cs->victims[x] : cs->records[x];
		if (w->keys)
			w->keys[cell] += cs->keys[x];
	}
}

/*
 * The plan's unit k at cell offset base, category by category of
 * cat_list: the runs of each within the unit's runs, found in the
 * analyser's index by category, each counted at the cell of its year,
 * source and category (from its pre-aggregates, or its records).
 */
static void count_unit_cats(const struct plan *pl, size_t k, uint32_t base, struct gather *ga,
                            struct worker *w)
{
	const struct ob_analyzer *an = pl->an;
	uint32_t r0, r1;

	unit_runs(pl, k, &r0, &r1);
	if (r0 >= r1 || must_stop(pl))
		return;
	for (size_t c = 0; c < pl->n_cat_list; c++) {
		uint16_t v = pl->cat_list[c];
		const uint32_t *list = an->cat_index + an->cat_index_first[v];
		size_t n = an->cat_index_first[v + 1] - an->cat_index_first[v];
		uint32_t ia = an->run_cat[r0], ib = an->run_cat[r1], r = r0;
		size_t j = u32_lower(list, n, ia), end = j;
		while (end < n && list[end] < ib)
			end++;
		for (; j < end; j++) {
			uint32_t i = list[j], off;
			uint16_t src, y;
			if (pl->cat_sums) {
				count_sums(pl, an, pl->cat_sums[c] + j, i, &r, base + pl->cat_off[v], w);
				continue;
			}
			/* the runs are apart in the file: what the next ones
			 * read is asked for ahead, their offsets first, then
			 * their entries (or their first records) */
			if (j + 2 * PREFETCH_AHEAD < end) {
				uint32_t i2 = list[j + 2 * PREFETCH_AHEAD];
				__builtin_prefetch(pl->agg ? &pl->agg_first[i2] : &an->cat_start[i2]);
			}
			if (j + PREFETCH_AHEAD < end) {
				uint32_t i1 = list[j + PREFETCH_AHEAD];
				if (pl->agg)
					__builtin_prefetch(&pl->aggs[pl->agg_first[i1]]);
				else if (pl->nf)
					__builtin_prefetch((const char *)pl->f[0].col +
					                   (size_t)an->cat_start[i1] * (size_t)pl->f[0].w);
			}
			while (an->run_cat[r + 1] <= i)
				r++;
			src = pl->runs[r].source;
			y = pl->runs[r].year;
			if ((pl->src_acc && !pl->src_acc[src]) || (pl->year_acc && !pl->year_acc[y]))
				continue;
			off = base + pl->src_off[src] + pl->cat_off[v];
			if (pl->year_off)
				off += y < pl->n_year_off ? pl->year_off[y] : 0;
			if (pl->agg)
				count_agg_run(pl, i, off, w);
			else if (!pl->run_check || run_may_pass(pl, i))
				gather_range(pl, ga, an->cat_start[i], an->cat_start[i + 1], off, w);
		}
	}
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	const struct plan *pl = w->pl;
	struct gather ga;

	ga.k = 0;
	if (pl->cube) {
		count_cube(pl, w);
		return NULL;
	}
	if (pl->unsorted) {
		count_range(pl, w->ra, w->rb, 0, w);
		return NULL;
	}
	for (size_t k = w->ua; k < w->ub && !must_stop(pl); k++) {
		if (!pl->src_runs) {
			count_range(pl, pl->ra[k], pl->rb[k], pl->base[k], w);
			continue;
		}
		if (pl->cat_list) {
			count_unit_cats(pl, k, pl->base[k], &ga, w);
			continue;
		}
		if (pl->runs) {
			/* the unit's runs within [ra, rb), whole */
			uint32_t r = pl->run_first[pl->units[k]], r1 = pl->run_first[pl->units[k] + 1];
			while (r < r1 && pl->runs[r].start < pl->ra[k])
				r++;
			for (; r < r1 && pl->runs[r].start < pl->rb[k]; r++) {
				uint16_t v = pl->runs[r].source, y = pl->runs[r].year;
				uint32_t off = pl->base[k] + pl->src_off[v];
				if ((pl->src_acc && !pl->src_acc[v]) || (pl->year_acc && !pl->year_acc[y]))
					continue;
				if (pl->year_off)
					off += y < pl->n_year_off ? pl->year_off[y] : 0;
				count_cats(pl, r, off, &ga, w);
			}
			continue;
		}
		for (uint64_t a = pl->ra[k], b = pl->rb[k]; a < b;) {
			uint64_t e = run_end(pl->s->year, a, b); /* one year */
			/* a few sources accepted: found by binary search */
			for (size_t i = 0; pl->src_list && i < pl->n_src_list && a < e; i++) {
				uint16_t v = pl->src_list[i];
				uint64_t sa = src_bound(pl->s->source, a, e, v);
				uint64_t sb = src_bound(pl->s->source, sa, e, (uint32_t)v + 1);
				if (sb > sa)
					count_range(pl, sa, sb, pl->base[k] + pl->src_off[v], w);
				a = sb;
			}
			if (pl->src_list)
				a = e;
			while (a < e) {
				uint64_t f = run_end(pl->s->source, a, e); /* one source */
				uint16_t v = pl->s->source[a];
				if (!pl->src_acc || pl->src_acc[v])
					count_range(pl, a, f, pl->base[k] + pl->src_off[v], w);
				a = f;
			}
		}
	}
	if (ga.k)
		gather_flush(pl, &ga, w);
	return NULL;
}

/*
 * The filters, the most selective first (so that the later ones read only
 * the records the first let through), as a sample of the records to count
 * says: up to FILTER_SAMPLE records spread evenly over the plan's ranges.
 */
#define FILTER_SAMPLE 512

static void order_filters(struct plan *pl, uint64_t records)
{
	uint32_t hits[C_COUNT] = { 0 };
	uint64_t cum = 0, samples = records < FILTER_SAMPLE ? records : FILTER_SAMPLE;
	size_t k = 0;

	if (!pl->nf || !samples)
		return;
	for (uint64_t j = 0; j < samples; j++) {
		uint64_t t = j * records / samples, i;

		while (k < pl->n_units && cum + (pl->rb[k] - pl->ra[k]) <= t)
			cum += pl->rb[k] - pl->ra[k], k++;
		if (k >= pl->n_units)
			break;
		i = pl->ra[k] + (t - cum);
		for (int f = 0; f < pl->nf; f++) {
			uint32_t v = pl->f[f].w == 1 ? ((const uint8_t *)pl->f[f].col)[i]
			                             : ((const uint16_t *)pl->f[f].col)[i];
			hits[f] += pl->f[f].acc[v] != 0;
		}
	}
	/* insertion sort by hits, stable */
	for (int f = 1; f < pl->nf; f++) {
		struct filt x = pl->f[f];
		uint32_t h = hits[f];
		int g = f;

		for (; g > 0 && hits[g - 1] > h; g--) {
			pl->f[g] = pl->f[g - 1];
			hits[g] = hits[g - 1];
		}
		pl->f[g] = x;
		hits[g] = h;
	}
	/* the most selective filter alone passes hits[0]: at most that many
	 * pass them all */
	pl->few_pass = (uint64_t)hits[0] * 4 < samples;
}

/* The fused pass (engine/query_kernel.h) when it fits: the plan's
 * filters and dimensions, as order_filters left them. */
static void plan_fused(struct plan *pl)
{
	struct ob_qk *k = &pl->qk;
	bool few = pl->few_pass;
	int w;

	/* filters on the sex and manner alone, with the runs none of whose
	 * records they take left out (run_check): the sample, taken over
	 * every run, says nothing of what is left */
	if (few && pl->run_check) {
		const void *sex = ob_qi_col_ptr(pl->s, C_SEX, &w),
		           *man = ob_qi_col_ptr(pl->s, C_TAG0, &w);
		few = false;
		for (int f = 0; f < pl->nf; f++)
			few |= pl->f[f].col != sex && pl->f[f].col != man;
	}
	if (pl->unsorted || pl->date || few || (!pl->nf && !pl->ng) ||
	    pl->nf > OB_QK_MAX_FILTERS || pl->ng > OB_QK_MAX_DIMS)
		return;
	memset(k, 0, sizeof(*k));
	for (int f = 0; f < pl->nf; f++) {
		k->f[f].col = pl->f[f].col;
		k->f[f].w = pl->f[f].w;
		k->f[f].acc = pl->f[f].acc;
	}
	k->nf = pl->nf;
	for (int g = 0; g < pl->ng; g++) {
		k->g[g].col = pl->g[g].col;
		k->g[g].w = pl->g[g].w;
		k->g[g].map = pl->g[g].map;
	}
	k->ng = pl->ng;
	k->count = pl->s->count;
	k->rkey = pl->s->rkey;
	k->lanes = pl->lanes;
	pl->fused = ob_qk_prepare(k, pl->keys);
}

uint64_t ob_qi_year_bound(const uint16_t *year, uint64_t a, uint64_t b, uint32_t y)
{
	while (a < b) {
		uint64_t m = a + (b - a) / 2;
		if (year[m] < y)
			a = m + 1;
		else
			b = m;
	}
	return a;
}

/* The processors online, asked once: sysconf reads /sys on every call
 * (an open, a read and a close), which a small count would pay each time. */
static long processors(void)
{
	static _Atomic long np;
	long n = atomic_load_explicit(&np, memory_order_relaxed);

	if (!n) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		if (n < 1)
			n = 1;
		atomic_store_explicit(&np, n, memory_order_relaxed);
	}
	return n;
}

static int default_threads(uint64_t records)
{
	long np;

	if (records < 500000)
		return 1;
	np = processors();
	if (np < 2)
		return 1;
	return 2;
}


/* Thread t's n counters, zero (kept ones are: merge clears what it
 * reads). */
static uint32_t *scratch_get(struct scratch *sc, int t, size_t n)
{
	if (!sc)
		return ob_calloc(n ? n : 1, sizeof(uint32_t));
	if (sc->len[t] < n) {
		free(sc->buf[t]);
		sc->buf[t] = ob_calloc(n, sizeof(uint32_t));
		sc->len[t] = n;
	}
	return sc->buf[t];
}

void ob_qi_scratch_release(struct scratch *sc)
{
	for (int t = 0; t < QI_MAX_THREADS; t++)
		free(sc->buf[t]);
}

/* ------------------------------------------------------------------------
 * The plan of a count, step by step.
 */

/* Interleaved copies of each of n counters. */
static unsigned lanes_for(size_t n)
{
	return n <= 4096 ? 4 : n <= 65536 ? 2 : 1;
}

/* The plan's settings from the query, the analyser and the result. */
static void plan_init(struct plan *pl, const struct ob_analyzer *an, const struct ob_query *q,
                      const struct compiled *c, const struct ob_query_result *r, _Atomic int *stop)
{
	memset(pl, 0, sizeof(*pl));
	pl->stop = stop;
	pl->deadline = q->deadline;
	pl->cancel = q->cancel;
	pl->watch = q->deadline > 0 || q->cancel;
	/* the plan: filters on columns other than the territory, dimensions */
	pl->s = an->snap;
	pl->an = an;
	pl->n_cells = r->n_cells;
	pl->lanes = lanes_for(r->n_cells);
	pl->unit_first = an->unit_first;
	pl->unsorted = !an->sorted;
	pl->date = c->date;
	pl->date_from = c->date_from;
	pl->date_to = c->date_to;
	pl->zone = an->zone;
	pl->zone_ones = q->records ? NULL : an->zone_ones;
	pl->zone_victims = an->zone_victims;
	pl->zone_keys = an->zone_keys;
	pl->keys = q->keys;
}

/* The years accepted, when records are ordered by year within each unit:
 * a year filter narrows each unit to the range of its lowest to its
 * highest year [*y_lo, *y_hi] (*narrow), and is then needed no more when
 * it takes every year in between (true returned). Otherwise the zone map
 * skips the blocks without an accepted year (pl->year_pre). */
static bool plan_years(struct plan *pl, const struct ob_analyzer *an, const struct compiled *c,
                       bool *narrow, uint32_t *y_lo, uint32_t *y_hi)
{
	bool year_exact = false;

	*narrow = false;
	*y_lo = 1;
	*y_hi = 0;
	if (c->acc[C_YEAR] && an->sorted && an->year_sorted) {
		/* the years records hold: 0 (unknown) and year_min..year_max */
		uint32_t n_acc = 0, present = 0;
		for (int v = an->year_max >= an->year_min ? an->year_max : 0; v >= 0;) {
			if (c->acc[C_YEAR][v]) {
				if (!n_acc++)
					*y_hi = (uint32_t)v;
				*y_lo = (uint32_t)v;
			}
			v = v > an->year_min ? v - 1 : v > 0 ? 0 : -1;
		}
		if (n_acc) {
			int a = (int)*y_lo > an->year_min ? (int)*y_lo : an->year_min;
			int b = (int)*y_hi < an->year_max ? (int)*y_hi : an->year_max;
			present = (*y_lo == 0) + (uint32_t)(b >= a && a > 0 ? b - a + 1 : 0);
		}
		*narrow = true;
		year_exact = n_acc == present;
	}
	if (c->acc[C_YEAR] && !year_exact) {
		/* the zone map holds the years records have: 0..year_max */
		size_t ny = an->year_max > 0 ? (size_t)an->year_max + 1 : 1;
		pl->year_pre = ob_malloc((ny + 1) * sizeof(uint32_t));
		pl->year_pre[0] = 0;
		for (size_t v = 0; v < ny; v++)
			pl->year_pre[v + 1] = pl->year_pre[v] + c->acc[C_YEAR][v];
	}
	return year_exact;
}

/*
 * The age filter by age group (acc of the age column): a table of
 * AGG_DOM entries, [g] whether group g passes, into *out (owned); false
 * when the filter splits a group (it cannot be taken by group then).
 */
static bool age_by_group(const struct ob_analyzer *an, const uint8_t *acc, uint8_t **out)
{
	const uint32_t *grp = an->dim[OB_QD_AGE_GROUP].map;
	uint8_t seen[AGG_DOM] = { 0 }, *by = ob_calloc(AGG_DOM, 1);

	for (size_t v = 0; v < AGG_DOM; v++) {
		uint32_t g = grp[v];
		if (g >= AGG_DOM || (seen[g] && by[g] != (acc[v] != 0))) {
			free(by);
			return false;
		}
		seen[g] = 1;
		by[g] = acc[v] != 0;
	}
	*out = by;
	return true;
}

/*
 * Whether the category runs' pre-aggregates count the query: they exist,
 * no column but the territory, year, source, category, sex, manner and
 * age is filtered or a dimension (the age only as age groups: the age
 * group dimension, a filter that takes or leaves whole groups; then the
 * level by age group is taken), no date is asked, and the sex, the manner
 * or the age group is (else the runs' lengths count it without them).
 * Then their level, filters and cell offsets are set.
 */
static bool plan_agg(struct plan *pl, const struct ob_analyzer *an, const struct ob_query *q,
                     const struct compiled *c, const size_t *stride)
{
	bool reads = false, by_age = false;

	if (!an->agg || !an->runs || !an->cat_start || c->date)
		return false;
	for (size_t j = 0; j < q->n_dims; j++) {
		enum col col = ob_qi_dim_col[q->dims[j]];
		if (col == C_SEX || col == C_TAG0)
			reads = true;
		else if (q->dims[j] == OB_QD_AGE_GROUP)
			reads = by_age = true;
		else if (col != C_SRC && col != C_CAT && col != C_YEAR &&
		         !ob_qi_is_terr_dim(q->dims[j]))
			return false;
	}
	for (int k = 0; k < C_COUNT; k++) {
		if (!c->acc[k])
			continue;
		if (k == C_SEX || k == C_TAG0)
			reads = true;
		else if (k == C_AGE)
			reads = by_age = true;
		else if (k != C_TERR && k != C_YEAR && k != C_SRC && k != C_CAT)
			return false;
	}
	if (!reads || (by_age && !an->age_agg))
		return false;
	if (c->acc[C_AGE] && !age_by_group(an, c->acc[C_AGE], &pl->age_acc))
		return false;
	pl->agg_first = by_age ? an->age_first : an->agg_first;
	pl->aggs = by_age ? an->age_agg : an->agg;
	pl->sex_acc = c->acc[C_SEX];
	pl->man_acc = c->acc[C_TAG0];
	pl->sex_hi = 0;
	for (int v = 0; pl->sex_acc && v < AGG_DOM; v++)
		if (pl->sex_acc[v])
			pl->sex_hi = (uint8_t)v;
	pl->sex_off = ob_calloc(AGG_DOM, sizeof(uint32_t));
	pl->man_off = ob_calloc(AGG_DOM, sizeof(uint32_t));
	pl->age_off = ob_calloc(AGG_DOM, sizeof(uint32_t));
	for (size_t j = 0; j < q->n_dims; j++) {
		enum col col = ob_qi_dim_col[q->dims[j]];
		uint32_t *off = col == C_SEX ? pl->sex_off : col == C_TAG0 ? pl->man_off : NULL;
		if (q->dims[j] == OB_QD_AGE_GROUP) /* value index = the group */
			for (size_t g = 0; g < an->dim[OB_QD_AGE_GROUP].n && g < AGG_DOM; g++)
				pl->age_off[g] += (uint32_t)g * (uint32_t)stride[j];
		else if (off)
			for (size_t v = 0; v < AGG_DOM; v++)
				off[v] += an->dim[q->dims[j]].map[v] * (uint32_t)stride[j];
	}
	return true;
}

/* The column of the snapshot a column of the pre-aggregates by country
 * holds (the age group: the age's). */
static enum col cube_col(uint8_t k)
{
	switch (k) {
	case OB_CUBE_SEX: return C_SEX;
	case OB_CUBE_MANNER: return C_TAG0;
	case OB_CUBE_AGE_GROUP: return C_AGE;
	case OB_CUBE_MONTH: return C_MONTH;
	case OB_CUBE_MECHANISM: return (enum col)(C_TAG0 + OB_SNAP_MECHANISM);
	default: return (enum col)(C_TAG0 + OB_SNAP_PLACE);
	}
}

/* A cell offset table of n values for the dimensions reading column col
 * (their map times their stride), owned. */
static uint32_t *col_offsets(const struct ob_analyzer *an, const struct ob_query *q,
                             const size_t *stride, enum col col, size_t n)
{
	uint32_t *off = ob_calloc(n ? n : 1, sizeof(uint32_t));

	for (size_t j = 0; j < q->n_dims; j++)
		if (ob_qi_dim_col[q->dims[j]] == col && !ob_qi_is_terr_dim(q->dims[j]) &&
		    q->dims[j] != OB_QD_AGE_GROUP)
			for (size_t v = 0; v < n; v++)
				off[v] += an->dim[q->dims[j]].map[v] * (uint32_t)stride[j];
	return off;
}

/*
 * The level of pre-aggregates by country that counts the question, or -1:
 * a level holds every column read besides the territory, year, source and
 * category (the sex, manner, age group, month, mechanism, place; the
 * manner too when with_manner, for the counting rule's blocks); the
 * territory is read by whole countries (the country dimension, a filter
 * that takes or leaves every unit of a country alike); the age only as
 * age groups (the age group dimension, a filter that takes or leaves
 * whole groups); no date is asked; the records are ordered. Of the levels
 * holding those columns, the one with the fewest entries.
 */
int ob_qi_cube_level(const struct ob_analyzer *an, const struct ob_query *q,
                     const struct compiled *c, bool with_manner)
{
	const struct ob_snapshot *s = an->snap;
	unsigned need = with_manner ? 1u << OB_CUBE_MANNER : 0;
	int best = -1;

	if (!an->cruns || c->date || !an->sorted)
		return -1;
	for (size_t j = 0; j < q->n_dims; j++) {
		enum ob_query_dim k = q->dims[j];
		enum col col = ob_qi_dim_col[k];
		if (k == OB_QD_AGE_GROUP)
			need |= 1u << OB_CUBE_AGE_GROUP;
		else if (k == OB_QD_COUNTRY || col == C_YEAR || col == C_SRC || col == C_CAT)
			continue;
		else if (ob_qi_is_terr_dim(k) || col == C_AGE)
			return -1;
		else if (col == C_SEX)
			need |= 1u << OB_CUBE_SEX;
		else if (col == C_TAG0)
			need |= 1u << OB_CUBE_MANNER;
		else if (col == C_TAG0 + OB_SNAP_MECHANISM)
			need |= 1u << OB_CUBE_MECHANISM;
		else if (col == C_TAG0 + OB_SNAP_PLACE)
			need |= 1u << OB_CUBE_PLACE;
		else if (col == C_MONTH)
			need |= 1u << OB_CUBE_MONTH;
		else
			return -1;
	}
	for (int k = 0; k < C_COUNT; k++) {
		if (!c->acc[k] || k == C_TERR || k == C_YEAR || k == C_SRC || k == C_CAT)
			continue;
		if (k == C_SEX) {
			need |= 1u << OB_CUBE_SEX;
		} else if (k == C_TAG0) {
			need |= 1u << OB_CUBE_MANNER;
		} else if (k == C_TAG0 + OB_SNAP_MECHANISM) {
			need |= 1u << OB_CUBE_MECHANISM;
		} else if (k == C_TAG0 + OB_SNAP_PLACE) {
			need |= 1u << OB_CUBE_PLACE;
		} else if (k == C_MONTH) {
			need |= 1u << OB_CUBE_MONTH;
		} else if (k == C_AGE) {
			need |= 1u << OB_CUBE_AGE_GROUP;
		} else {
			return -1;
		}
	}
	/* a question that reads no column of the levels (by country, year,
	 * source and category alone) is counted as fast from the runs'
	 * lengths, which a snapshot opened lazily has checked at open: its
	 * one question of the process then checks no level */
	if (!need && s->lazy && an->runs && an->cat_start)
		return -1;
	for (int L = 0; L < OB_SNAP_CUBES; L++) {
		unsigned has = 0;
		if (!an->cube[L])
			continue;
		for (int j = 0; j < OB_SNAP_CUBE_COLS; j++)
			if (ob_snap_cube_cols[L][j] != OB_CUBE_NONE)
				has |= 1u << ob_snap_cube_cols[L][j];
		if ((need & ~has) == 0 && (best < 0 || an->n_cube[L] < an->n_cube[best]))
			best = L;
	}
	if (best < 0)
		return -1;
	if (c->acc[C_TERR])
		for (uint32_t u = 0; u < s->n_units; u++) {
			int32_t cu = an->unit_country[u];
			if (cu < 0 || c->acc[C_TERR][u] != c->acc[C_TERR][cu])
				return -1;
		}
	if (c->acc[C_AGE]) {
		uint8_t *by = NULL;
		bool whole = age_by_group(an, c->acc[C_AGE], &by);
		free(by);
		if (!whole)
			return -1;
	}
	return best;
}

/* When a level of pre-aggregates by country counts the question
 * (ob_qi_cube_level), its filters and cell offsets. */
static bool plan_cube(struct plan *pl, const struct ob_analyzer *an, const struct ob_query *q,
                      const struct compiled *c, const size_t *stride)
{
	const struct ob_snapshot *s = pl->s;
	int best = pl->unsorted ? -1 : ob_qi_cube_level(an, q, c, false);

	if (best < 0)
		return false;
	if (c->acc[C_AGE] && !age_by_group(an, c->acc[C_AGE], &pl->age_acc))
		return false;
	pl->cube = best + 1;
	pl->cube_terr_acc = c->acc[C_TERR];
	pl->cube_year_acc = c->acc[C_YEAR];
	pl->cube_src_acc = c->acc[C_SRC];
	pl->cube_cat_acc = c->acc[C_CAT];
	pl->cube_terr_off = ob_calloc((size_t)s->n_units + 1, sizeof(uint32_t));
	for (size_t j = 0; j < q->n_dims; j++)
		if (q->dims[j] == OB_QD_COUNTRY)
			for (uint32_t u = 0; u < s->n_units; u++)
				pl->cube_terr_off[u] += an->dim[OB_QD_COUNTRY].map[u] * (uint32_t)stride[j];
	pl->cube_n_year = an->year_max > 0 ? (size_t)an->year_max + 1 : 1;
	pl->cube_year_off = col_offsets(an, q, stride, C_YEAR, pl->cube_n_year);
	pl->cube_src_off = col_offsets(an, q, stride, C_SRC, ob_qi_col_domain(s, C_SRC));
	pl->cube_cat_off = col_offsets(an, q, stride, C_CAT, ob_qi_col_domain(s, C_CAT));
	for (int j = 0; j < OB_SNAP_CUBE_COLS; j++) {
		uint8_t k = ob_snap_cube_cols[best][j];
		if (k == OB_CUBE_NONE) {
			pl->cube_off[j] = ob_calloc(AGG_DOM, sizeof(uint32_t));
		} else if (k == OB_CUBE_AGE_GROUP) {
			pl->cube_acc[j] = pl->age_acc;
			pl->cube_off[j] = ob_calloc(AGG_DOM, sizeof(uint32_t));
			for (size_t d = 0; d < q->n_dims; d++)
				if (q->dims[d] == OB_QD_AGE_GROUP) /* value index = the group */
					for (size_t g = 0; g < an->dim[OB_QD_AGE_GROUP].n && g < AGG_DOM; g++)
						pl->cube_off[j][g] += (uint32_t)g * (uint32_t)stride[d];
		} else {
			pl->cube_acc[j] = c->acc[cube_col(k)];
			pl->cube_off[j] = col_offsets(an, q, stride, cube_col(k), AGG_DOM);
		}
	}
	return true;
}

/* The sources: taken run by run when the source is filtered or a
 * dimension and the records are so ordered, else by the zone map. */
static void plan_sources(struct plan *pl, const struct ob_analyzer *an, const struct ob_query *q,
                         const struct compiled *c, const size_t *stride, bool year_exact)
{
	size_t dom = ob_qi_col_domain(pl->s, C_SRC);

	if (!pl->unsorted && an->year_sorted && an->src_sorted) {
		bool src_dim = false, cat_dim = false, year_dim = false, year_runs;
		bool per_record = c->date; /* read per record besides the category */
		for (size_t j = 0; j < q->n_dims; j++) {
			enum col col = ob_qi_dim_col[q->dims[j]];
			src_dim |= col == C_SRC;
			cat_dim |= col == C_CAT;
			year_dim |= col == C_YEAR;
			per_record |= col != C_SRC && col != C_CAT && col != C_YEAR &&
			              !ob_qi_is_terr_dim(q->dims[j]);
		}
		for (int k = 0; k < C_COUNT; k++)
			per_record |= c->acc[k] && k != C_TERR && k != C_YEAR && k != C_SRC &&
			              k != C_CAT;
		pl->src_runs = src_dim || c->acc[C_SRC];
		/* the analyser's runs give each record's year and source, and
		 * the runs of one category within them: taken when a category
		 * filter spares the records it rejects, or when nothing else is
		 * read per record (the runs are then counted by their length);
		 * a category dimension with other columns read per record is
		 * read per record (its runs would split the reads) */
		year_runs = an->runs && (year_dim || (c->acc[C_YEAR] && !year_exact));
		pl->agg = plan_agg(pl, an, q, c, stride);
		pl->cat_runs = an->runs && an->cat_start &&
		               (pl->agg || c->acc[C_CAT] || (cat_dim && !per_record));
		/* (cat_mask read last: a lazy analyser makes it for the
		 * queries that filter so, ob_qi_prepare_derived) */
		pl->run_check = pl->cat_runs && !pl->agg && (c->acc[C_SEX] || c->acc[C_TAG0]) &&
		                an->cat_mask;
		pl->run_man_bits = ((uint64_t)1 << CAT_MASK_SEX) - 1;
		pl->run_sex_bits = ~pl->run_man_bits;
		if (pl->run_check && c->acc[C_TAG0]) {
			pl->run_man_bits = 0;
			for (int v = 0; v < CAT_MASK_SEX; v++)
				pl->run_man_bits |= (uint64_t)(c->acc[C_TAG0][v] != 0) << v;
		}
		if (pl->run_check && c->acc[C_SEX]) {
			pl->run_sex_bits = 0;
			for (int v = 0; v < 64 - CAT_MASK_SEX; v++)
				pl->run_sex_bits |= (uint64_t)(c->acc[C_SEX][v] != 0)
				                    << (CAT_MASK_SEX + v);
		}
		pl->src_runs |= year_runs || pl->cat_runs;
		if (year_runs) {
			pl->year_acc = c->acc[C_YEAR];
			pl->n_year_off = an->year_max > 0 ? (size_t)an->year_max + 1 : 1;
			pl->year_off = ob_calloc(pl->n_year_off, sizeof(uint32_t));
			for (size_t j = 0; j < q->n_dims; j++)
				if (ob_qi_dim_col[q->dims[j]] == C_YEAR)
					for (size_t v = 0; v < pl->n_year_off; v++)
						pl->year_off[v] +=
							an->dim[q->dims[j]].map[v] * (uint32_t)stride[j];
		}
		if (pl->cat_runs) {
			size_t nc = ob_qi_col_domain(pl->s, C_CAT);
			pl->cat_acc = c->acc[C_CAT];
			pl->cat_off = ob_calloc(nc, sizeof(uint32_t));
			for (size_t j = 0; j < q->n_dims; j++)
				if (ob_qi_dim_col[q->dims[j]] == C_CAT)
					for (size_t v = 0; v < nc; v++)
						pl->cat_off[v] +=
							an->dim[q->dims[j]].map[v] * (uint32_t)stride[j];
		}
	}
	if (pl->src_runs) {
		pl->runs = an->runs;
		pl->run_first = an->run_first;
		pl->src_acc = c->acc[C_SRC];
		pl->src_off = ob_calloc(dom, sizeof(uint32_t));
		for (size_t j = 0; j < q->n_dims; j++)
			if (ob_qi_dim_col[q->dims[j]] == C_SRC)
				for (size_t v = 0; v < dom; v++)
					pl->src_off[v] += an->dim[q->dims[j]].map[v] * (uint32_t)stride[j];
	}
	if (pl->src_runs && c->acc[C_SRC]) {
		pl->src_list = ob_malloc(dom * sizeof(uint16_t));
		for (size_t v = 0; v < dom; v++)
			if (c->acc[C_SRC][v])
				pl->src_list[pl->n_src_list++] = (uint16_t)v;
		if (pl->n_src_list * 4 > dom) {
			free(pl->src_list); /* many: walked run by run */
			pl->src_list = NULL;
			pl->n_src_list = 0;
		}
	}
	if (c->acc[C_SRC] && !pl->src_runs) {
		pl->src_pre = ob_malloc((dom + 1) * sizeof(uint32_t));
		pl->src_pre[0] = 0;
		for (size_t v = 0; v < dom; v++)
			pl->src_pre[v + 1] = pl->src_pre[v] + c->acc[C_SRC][v];
	}
}

/* The filters read per record, and the dimensions' premultiplied maps
 * (the territory is taken per unit, the source per run). */
static void plan_columns(struct plan *pl, const struct ob_analyzer *an, const struct ob_query *q,
                         const struct compiled *c, const size_t *stride, bool year_exact)
{
	const struct ob_snapshot *s = pl->s;

	for (int k = 0; k < C_COUNT; k++) {
		if (k == C_TERR || !c->acc[k] || (k == C_YEAR && (year_exact || pl->year_off)) ||
		    (k == C_SRC && pl->src_runs) || (k == C_CAT && pl->cat_runs) ||
		    ((k == C_SEX || k == C_TAG0 || k == C_AGE) && pl->agg))
			continue;
		pl->f[pl->nf].col = ob_qi_col_ptr(s, (enum col)k, &pl->f[pl->nf].w);
		pl->f[pl->nf].acc = c->acc[k];
		pl->nf++;
		pl->reads |= 1u << k;
	}
	for (size_t j = 0; j < q->n_dims; j++) {
		enum ob_query_dim k = q->dims[j];
		enum col col = ob_qi_dim_col[k];
		size_t dom = ob_qi_col_domain(s, col);
		if (ob_qi_is_terr_dim(k) || (col == C_SRC && pl->src_runs) ||
		    (col == C_YEAR && pl->year_off) || (col == C_CAT && pl->cat_runs) ||
		    ((col == C_SEX || col == C_TAG0 || col == C_AGE) && pl->agg))
			continue;
		if (col == C_YEAR) /* the years records hold: 0..year_max */
			dom = an->year_max > 0 ? (size_t)an->year_max + 1 : 1;
		pl->g[pl->ng].col = ob_qi_col_ptr(s, col, &pl->g[pl->ng].w);
		pl->reads |= 1u << col;
		pl->g[pl->ng].map = ob_malloc(dom * sizeof(uint32_t));
		for (size_t v = 0; v < dom; v++)
			pl->g[pl->ng].map[v] = an->dim[k].map[v] * (uint32_t)stride[j];
		pl->ng++;
	}
}

/* The units the territory filter keeps, their cell offset and their
 * records (narrowed to the years [y_lo, y_hi] when narrow); the records
 * to read returned. */
static uint64_t plan_units(struct plan *pl, const struct ob_analyzer *an, const struct ob_query *q,
                           const struct compiled *c, const size_t *stride, bool narrow,
                           uint32_t y_lo, uint32_t y_hi)
{
	const struct ob_snapshot *s = pl->s;
	uint64_t records = 0;

	pl->units = ob_malloc(((size_t)s->n_units + 1) * sizeof(uint32_t));
	pl->cell_base = ob_malloc(((size_t)s->n_units + 1) * sizeof(uint32_t));
	pl->base = ob_malloc(((size_t)s->n_units + 1) * sizeof(uint32_t));
	pl->ra = ob_malloc(((size_t)s->n_units + 1) * sizeof(uint64_t));
	pl->rb = ob_malloc(((size_t)s->n_units + 1) * sizeof(uint64_t));
	if (an->runs)
		pl->ur = ob_malloc(((size_t)s->n_units + 1) * 2 * sizeof(uint32_t));
	if (pl->unsorted)
		pl->terr_map = ob_calloc((size_t)s->n_units + 1, sizeof(uint32_t));
	for (uint32_t u = 0; u < s->n_units; u++) {
		uint64_t ra, rb;
		uint32_t base = 0, r0 = 0, r1 = 0;
		if (c->acc[C_TERR] && !c->acc[C_TERR][u])
			continue;
		for (size_t j = 0; j < q->n_dims; j++)
			if (ob_qi_is_terr_dim(q->dims[j]))
				base += an->dim[q->dims[j]].map[u] * (uint32_t)stride[j];
		if (pl->unsorted)
			pl->terr_map[u] = base + 1;
		pl->cell_base[pl->n_cell_base++] = base;
		ra = an->unit_first[u];
		rb = an->unit_first[u + 1];
		if (an->runs) {
			r0 = an->run_first[u];
			r1 = an->run_first[u + 1];
		}
		if (narrow && ra < rb) {
			if (y_lo > y_hi) {
				rb = ra; /* no year accepted */
			} else if (an->runs) {
				uint32_t ri = r0, rn = r1;
				while (ri < rn && an->runs[ri].year < y_lo)
					ri++;
				ra = ri < rn ? an->runs[ri].start : rb;
				r0 = ri;
				while (ri < rn && an->runs[ri].year <= y_hi)
					ri++;
				rb = ri < rn ? an->runs[ri].start : rb;
				r1 = ri;
			} else {
				ra = ob_qi_year_bound(s->year, ra, rb, y_lo);
				rb = ob_qi_year_bound(s->year, ra, rb, y_hi + 1);
			}
		}
		if (ra == rb)
			continue;
		if (pl->ur) {
			pl->ur[2 * pl->n_units] = r0;
			pl->ur[2 * pl->n_units + 1] = r1;
		}
		pl->units[pl->n_units] = u;
		pl->ra[pl->n_units] = ra;
		pl->rb[pl->n_units] = rb;
		pl->base[pl->n_units++] = base;
		records += rb - ra;
	}
	return pl->unsorted ? s->n : records;
}

/*
 * With the category runs walked unit by unit (cat_runs) and a category
 * filter: when the filter takes few categories and the units and years
 * kept hold many category runs, the runs of those categories are found
 * through the analyser's index by category (made on the first such count)
 * rather than walked to (cat_list). Per unit and category the index costs
 * a binary search; taken when these are under a sixteenth of the runs the
 * walk would read, and the walk reads at least the analyser's
 * cat_index_min of them (QI_CAT_INDEX_MIN). A question whose
 * pre-aggregates are read for the sex alone then adds each run's sums by
 * sex (ob_qi_cat_sums) rather than its entries.
 */
static void plan_cat_index(struct plan *pl, const struct ob_analyzer *an,
                           const struct ob_query *q, uint64_t records)
{
	size_t nc = ob_qi_col_domain(pl->s, C_CAT), n_acc = 0;
	uint64_t walk = 0;
	bool by_sex = true; /* no dimension reads the manner or the age group */

	if (!pl->cat_runs || !pl->cat_acc || !pl->runs || pl->unsorted || pl->cube ||
	    !pl->n_units)
		return;
	for (size_t v = 0; v < nc; v++)
		n_acc += pl->cat_acc[v] != 0;
	/* (a unit's category runs are no more than its records) */
	if (an->cat_index_min && (records < an->cat_index_min ||
	                          (uint64_t)n_acc * pl->n_units * 16 > records))
		return;
	for (size_t k = 0; k < pl->n_units; k++) {
		uint32_t r0, r1;
		unit_runs(pl, k, &r0, &r1);
		walk += an->run_cat[r1] - an->run_cat[r0];
	}
	if ((an->cat_index_min &&
	     (walk < an->cat_index_min || (uint64_t)n_acc * pl->n_units * 16 > walk)) ||
	    !ob_qi_cat_index(an))
		return;
	pl->cat_list = ob_malloc((n_acc ? n_acc : 1) * sizeof(uint16_t));
	for (size_t v = 0; v < nc; v++)
		if (pl->cat_acc[v] && an->cat_index_first[v + 1] > an->cat_index_first[v])
			pl->cat_list[pl->n_cat_list++] = (uint16_t)v;
	/* the sums by sex: when the pre-aggregates are counted and read for
	 * the sex alone (the level by sex and manner, or by age group in a
	 * large snapshot; no manner nor age group filtered or a dimension),
	 * and every category has them */
	for (size_t j = 0; j < q->n_dims; j++)
		by_sex &= ob_qi_dim_col[q->dims[j]] != C_TAG0 && q->dims[j] != OB_QD_AGE_GROUP;
	if (!pl->agg || !by_sex || pl->aggs != an->agg || pl->man_acc || pl->age_acc ||
	    pl->lanes != 1)
		return;
	pl->cat_sums = ob_calloc(pl->n_cat_list ? pl->n_cat_list : 1, sizeof(*pl->cat_sums));
	for (size_t c = 0; c < pl->n_cat_list; c++)
		if (!(pl->cat_sums[c] = ob_qi_cat_sums(an, pl->cat_list[c]))) {
			free(pl->cat_sums);
			pl->cat_sums = NULL;
			return;
		}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The cells the count can add to (pl->iv): from each accepted unit's
 * offset, the cells of the other dimensions (their whole extent). */
static void plan_cells(struct plan *pl, const struct ob_query *q,
                       const struct ob_query_result *r, const size_t *stride)
{
	size_t span = 1;

	for (size_t j = 0; j < q->n_dims; j++)
		if (!ob_qi_is_terr_dim(q->dims[j]) && r->extent[j])
			span += (size_t)(r->extent[j] - 1) * stride[j];
	qsort(pl->cell_base, pl->n_cell_base, sizeof(uint32_t), cmp_u32);
	pl->iv = ob_malloc((pl->n_cell_base + 1) * 2 * sizeof(size_t));
	for (size_t i = 0; i < pl->n_cell_base; i++) {
		size_t lo = pl->cell_base[i], hi = lo + span;
		if (hi > r->n_cells)
			hi = r->n_cells;
		if (lo >= hi)
			continue;
		if (pl->n_iv && lo <= pl->iv[2 * pl->n_iv - 1]) {
			if (hi > pl->iv[2 * pl->n_iv - 1])
				pl->iv[2 * pl->n_iv - 1] = hi;
			continue;
		}
		pl->iv[2 * pl->n_iv] = lo;
		pl->iv[2 * pl->n_iv + 1] = hi;
		pl->n_iv++;
	}
	pl->cell_lo = pl->n_iv ? pl->iv[0] : 0;
	pl->cell_hi = pl->n_iv ? pl->iv[2 * pl->n_iv - 1] : 0;
	/* the counters from cell_lo on (the pre-aggregates by country add
	 * at their own offsets: from 0); the pre-aggregates add to the first
	 * copy of each counter only */
	pl->shift = pl->cube ? 0 : pl->cell_lo;
	pl->cell_end = pl->cube ? r->n_cells : pl->cell_hi;
	for (size_t k = 0; k < pl->n_units; k++)
		pl->base[k] -= (uint32_t)pl->shift;
	for (uint32_t u = 0; pl->terr_map && u < pl->s->n_units; u++)
		if (pl->terr_map[u])
			pl->terr_map[u] -= (uint32_t)pl->shift;
	pl->lanes = pl->cube || pl->agg ? 1 : lanes_for(pl->cell_end - pl->shift);
}

static void plan_free(struct plan *pl)
{
	for (int k = 0; k < pl->ng; k++)
		free(pl->g[k].map);
	free(pl->units);
	free(pl->base);
	free(pl->ra);
	free(pl->rb);
	free(pl->ur);
	free(pl->src_off);
	free(pl->src_list);
	free(pl->year_off);
	free(pl->cat_off);
	free(pl->cat_list);
	free(pl->cat_sums);
	free(pl->sex_off);
	free(pl->man_off);
	free(pl->age_off);
	free(pl->age_acc);
	free(pl->cube_terr_off);
	free(pl->cube_year_off);
	free(pl->cube_src_off);
	free(pl->cube_cat_off);
	for (int j = 0; j < OB_SNAP_CUBE_COLS; j++)
		free(pl->cube_off[j]);
	free(pl->terr_map);
	free(pl->cell_base);
	free(pl->iv);
	free(pl->year_pre);
	free(pl->src_pre);
}

/* Cells [lo, hi) of one thread's counters wc (lanes interleaved, from
 * cell shift) into counts, cleared when kept (sc); the sum added. */
static uint64_t merge_cells(uint32_t *wc, uint64_t *counts, size_t lo, size_t hi, size_t shift,
                            size_t lanes, const struct scratch *sc)
{
	uint64_t added = 0;

	if (hi <= lo)
		return 0;
	if (lanes == 1) {
		for (size_t i = lo; i < hi; i++) {
			counts[i] += wc[i - shift];
			added += wc[i - shift];
		}
	} else {
		for (size_t i = lo; i < hi; i++) {
			uint64_t x = 0;
			for (size_t l = 0; l < lanes; l++)
				x += wc[(i - shift) * lanes + l];
			counts[i] += x;
			added += x;
		}
	}
	if (sc)
		memset(wc + (lo - shift) * lanes, 0, (hi - lo) * lanes * sizeof(uint32_t));
	return added;
}

/* The threads' counters (their lanes summed) and key sums into counts and
 * r->keysums, over the cells the count could add to; kept counters (sc)
 * are cleared as they are read, and sc->added is the sum added. */
static void merge(const struct plan *pl, struct worker *wk, int T, struct ob_query_result *r,
                  uint64_t *counts, struct scratch *sc)
{
	const size_t lanes = pl->lanes;
	uint64_t added = 0;

	if (pl->keys && !r->keysums)
		r->keysums = ob_calloc(r->n_cells ? r->n_cells : 1, sizeof(uint64_t));
	for (int t = 0; t < T; t++) {
		uint32_t *wc = wk[t].counts;
		if (t && wk[t].tid)
			pthread_join(wk[t].tid, NULL);
		for (size_t i = pl->shift; pl->keys && i < pl->cell_end; i++)
			r->keysums[i] += wk[t].keys[i - pl->shift];
		free(wk[t].keys);
		for (size_t k = 0; k < pl->n_iv; k++)
			added += merge_cells(wc, counts, pl->iv[2 * k], pl->iv[2 * k + 1], pl->shift,
			                     lanes, sc);
		if (!sc)
			free(wk[t].counts);
	}
	if (sc)
		sc->added = added;
}

/* Count: the units split among T threads by records, then merged. */
static void run_workers(const struct plan *pl, int T, uint64_t records,
                        struct ob_query_result *r, uint64_t *counts, struct scratch *sc)
{
	const struct ob_snapshot *s = pl->s;
	struct worker wk[QI_MAX_THREADS];
	size_t k = 0;
	uint64_t done = 0;

	for (int t = 0; t < T; t++) {
		wk[t].pl = pl;
		wk[t].since = 0;
		/* the cells the count can reach, [shift, cell_end) */
		wk[t].counts = scratch_get(sc, t, (pl->cell_end - pl->shift) * pl->lanes);
		wk[t].keys = pl->keys ? ob_calloc(pl->cell_end - pl->shift + 1, sizeof(uint64_t))
		                      : NULL;
		if (pl->unsorted) {
			wk[t].ra = s->n * (uint64_t)t / (uint64_t)T;
			wk[t].rb = s->n * (uint64_t)(t + 1) / (uint64_t)T;
			continue;
		}
		wk[t].ua = k;
		while (k < pl->n_units &&
		       (t == T - 1 || done < records * (uint64_t)(t + 1) / (uint64_t)T)) {
			done += pl->rb[k] - pl->ra[k];
			k++;
		}
		wk[t].ub = k;
	}
	for (int t = 1; t < T; t++)
		if (pthread_create(&wk[t].tid, NULL, worker_run, &wk[t])) {
			/* run it here instead */
			worker_run(&wk[t]);
			wk[t].tid = 0;
		}
	worker_run(&wk[0]);
	merge(pl, wk, T, r, counts, sc);
}

uint32_t ob_qi_count_reads(const struct ob_analyzer *an, const struct ob_query *q,
                           const struct compiled *c, const size_t *stride,
                           const struct ob_query_result *r, uint32_t *parts, bool *masks)
{
	struct plan pl;
	_Atomic int stop;
	uint32_t y_lo, y_hi, reads;
	bool narrow, year_exact;

	atomic_init(&stop, 0);
	/* the plan ob_qi_count makes, up to its columns */
	plan_init(&pl, an, q, c, r, &stop);
	year_exact = plan_years(&pl, an, c, &narrow, &y_lo, &y_hi);
	if (!plan_cube(&pl, an, q, c, stride)) {
		plan_sources(&pl, an, q, c, stride, year_exact);
		plan_columns(&pl, an, q, c, stride, year_exact);
	}
	reads = pl.reads;
	*parts = 0;
	if (pl.cube)
		*parts |= OB_SNAP_DER_CUBE << (pl.cube - 1);
	if (pl.agg)
		*parts |= pl.aggs == an->age_agg ? OB_SNAP_DER_AGE : OB_SNAP_DER_AGG;
	/* as plan_sources takes run_check, the masks made or not */
	*masks = pl.cat_runs && !pl.agg && an->agg && (c->acc[C_SEX] || c->acc[C_TAG0]);
	if (*masks)
		*parts |= an->agg == an->age_agg ? OB_SNAP_DER_AGE : OB_SNAP_DER_AGG;
	plan_free(&pl);
	return reads;
}

void ob_qi_count(const struct ob_analyzer *an, const struct ob_query *q,
                 const struct compiled *c, const size_t *stride, struct ob_query_result *r,
                 uint64_t *counts, struct scratch *sc, _Atomic int *stop)
{
	struct plan pl;
	uint64_t records;
	uint32_t y_lo, y_hi;
	bool narrow, year_exact;
	int T;

	plan_init(&pl, an, q, c, r, stop);
	r->records = q->records;
	year_exact = plan_years(&pl, an, c, &narrow, &y_lo, &y_hi);
	if (!plan_cube(&pl, an, q, c, stride)) {
		plan_sources(&pl, an, q, c, stride, year_exact);
		plan_columns(&pl, an, q, c, stride, year_exact);
	}
	records = plan_units(&pl, an, q, c, stride, narrow, y_lo, y_hi);
	plan_cells(&pl, q, r, stride);
	plan_cat_index(&pl, an, q, records);
	if (!pl.unsorted)
		order_filters(&pl, records);
	plan_fused(&pl);
	/* without a filter or a dimension to read per record, a unit (or a run
	 * of one source) is counted by its length: little work, one thread;
	 * so are the pre-aggregates by country */
	T = pl.cube ? 1
	    : q->threads > 0
	            ? q->threads
	            : default_threads(pl.nf || pl.ng || pl.date ? records : 0);
	if (T > QI_MAX_THREADS)
		T = QI_MAX_THREADS;
	if (T < 1)
		T = 1;
	run_workers(&pl, T, records, r, counts, sc);
	if (sc) {
		sc->lo = pl.cell_lo;
		sc->hi = pl.cell_hi;
	}
	r->scanned += records;
	if (T > r->threads)
		r->threads = T;
	plan_free(&pl);
	if (an->tail) {
		/* the deltas' records into the same cells: what either added,
		 * and the cells either could add to */
		size_t lo = sc ? sc->lo : 0, hi = sc ? sc->hi : 0;
		uint64_t added = sc ? sc->added : 0;

		ob_qi_count(an->tail, q, c, stride, r, counts, sc, stop);
		if (sc) {
			sc->added += added;
			if (sc->lo >= sc->hi) {
				sc->lo = lo;
				sc->hi = hi;
			} else if (lo < hi) {
				sc->lo = lo < sc->lo ? lo : sc->lo;
				sc->hi = hi > sc->hi ? hi : sc->hi;
			}
		}
	}
}
