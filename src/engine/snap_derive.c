/* snap_derive.c - what a reader derives from a snapshot's columns (the
 * order they keep, the records of each unit, runs, zone maps, the
 * pre-aggregates of the category runs and by country), made once
 * when the file is written and stored in it (format 5), or made by the
 * analyser for a snapshot that carries none (deltas merged in). */
#include "engine/snap_impl.h"

#include "engine/indicators.h"

static void derive_aggs(const struct ob_snapshot *s, struct ob_snap_derived *dv);
static void derive_cube(const struct ob_snapshot *s, struct ob_snap_derived *dv);

/* The levels of pre-aggregates by country: the columns of each (the
 * sex, the manner and the age group with the month, the mechanism or the
 * place; the sex, the manner and the month with the mechanism or the
 * place; the manner, the age group and the month with the place or the
 * mechanism). A question reading fewer columns is counted from the
 * smallest level holding them (no level of the sex, manner and age group
 * alone: the level with the mechanism is a few times its size). Part of
 * the file's format: a change is a new version. */
const uint8_t ob_snap_cube_cols[OB_SNAP_CUBES][OB_SNAP_CUBE_COLS] = {
	{ OB_CUBE_SEX, OB_CUBE_MANNER, OB_CUBE_AGE_GROUP, OB_CUBE_MONTH },
	{ OB_CUBE_SEX, OB_CUBE_MANNER, OB_CUBE_AGE_GROUP, OB_CUBE_MECHANISM },
	{ OB_CUBE_SEX, OB_CUBE_MANNER, OB_CUBE_AGE_GROUP, OB_CUBE_PLACE },
	{ OB_CUBE_SEX, OB_CUBE_MANNER, OB_CUBE_MONTH, OB_CUBE_MECHANISM },
	{ OB_CUBE_SEX, OB_CUBE_MANNER, OB_CUBE_MONTH, OB_CUBE_PLACE },
	{ OB_CUBE_MANNER, OB_CUBE_AGE_GROUP, OB_CUBE_MONTH, OB_CUBE_PLACE },
	{ OB_CUBE_MANNER, OB_CUBE_AGE_GROUP, OB_CUBE_MONTH, OB_CUBE_MECHANISM },
};

/*
 * Within the n_runs runs, the runs of one category, when categories are
 * ordered in them and these runs are few (at most one per four records).
 */
static void derive_cat_runs(const struct ob_snapshot *s, struct ob_snap_derived *dv)
{
	const struct ob_snap_run *runs = dv->runs;
	uint64_t n_cat = 0, n_runs = dv->n_runs;
	uint32_t *cat_start, *run_cat;
	uint16_t *cat_value;
	size_t k = 0;

	if (!dv->cat_sorted)
		return;
	for (size_t r = 0; r < n_runs; r++)
		for (uint64_t i = runs[r].start; i < runs[r + 1].start; i++)
			n_cat += i == runs[r].start || s->category[i] != s->category[i - 1];
	if (n_cat > s->n / 4 + 1)
		return;
	cat_start = ob_malloc((size_t)(n_cat + 1) * sizeof(uint32_t));
	cat_value = ob_malloc((size_t)(n_cat + 1) * sizeof(uint16_t));
	run_cat = ob_malloc((n_runs + 1) * sizeof(uint32_t));
	for (size_t r = 0; r < n_runs; r++) {
		run_cat[r] = (uint32_t)k;
		for (uint64_t i = runs[r].start; i < runs[r + 1].start; i++) {
			if (i != runs[r].start && s->category[i] == s->category[i - 1])
				continue;
			cat_start[k] = (uint32_t)i;
			cat_value[k] = s->category[i];
			k++;
		}
	}
	run_cat[n_runs] = (uint32_t)k;
	cat_start[k] = (uint32_t)s->n;
	cat_value[k] = 0;
	dv->cat_start = cat_start;
	dv->cat_value = cat_value;
	dv->run_cat = run_cat;
	dv->n_cat_runs = k;
	derive_aggs(s, dv);
	derive_cube(s, dv);
}

/*
 * The pre-aggregates of the category runs (struct ob_snap_agg): per run,
 * its records by sex and manner, and by age group too when grp (the age
 * group of each age value) is given, with their victims and rkeys summed;
 * at most max of them. false (none made) when they would be more or when
 * a sum would not fit in 32 bits.
 */
static bool derive_agg(const struct ob_snapshot *s, const struct ob_snap_derived *dv,
                       const uint8_t *grp, uint64_t max, uint32_t **first_out,
                       struct ob_snap_agg **agg_out, uint64_t *n_out)
{
	enum { PAIRS = OB_SNAP_SEX_COUNT * 256 * 8 };
	_Static_assert(OB_IND_AGE_GROUPS <= 8, "an age group in 3 bits");
	uint32_t slot[PAIRS]; /* key -> its entry + 1 in the current run, 0 none */
	uint16_t used[PAIRS];
	struct ob_snap_agg *agg = NULL;
	uint32_t *first;
	size_t n = 0, cap = 0;

	memset(slot, 0, sizeof(slot));
	first = ob_malloc((size_t)(dv->n_cat_runs + 1) * sizeof(uint32_t));
	for (uint64_t i = 0; i < dv->n_cat_runs; i++) {
		size_t n_used = 0, at = n;
		first[i] = (uint32_t)n;
		for (uint64_t j = dv->cat_start[i]; j < dv->cat_start[i + 1]; j++) {
			unsigned g = grp ? grp[s->age[j]] : 0;
			unsigned key = ((unsigned)s->sex[j] * 256 + s->tag[0][j]) * 8 + g;
			struct ob_snap_agg *a;
			if (s->sex[j] >= OB_SNAP_SEX_COUNT)
				goto too_big; /* not a sex: left to the columns' check */
			if (!slot[key]) {
				if (n == cap) {
					cap = cap ? cap * 2 : 4096;
					agg = ob_realloc(agg, cap * sizeof(*agg));
				}
				memset(&agg[n], 0, sizeof(*agg));
				agg[n].sex = (uint8_t)s->sex[j];
				agg[n].manner = s->tag[0][j];
				agg[n].age_group = grp ? (uint8_t)g : OB_SNAP_AGG_ANY;
				used[n_used++] = (uint16_t)key;
				slot[key] = (uint32_t)(++n - at);
			}
			a = &agg[at + slot[key] - 1];
			if (a->records == UINT32_MAX ||
			    a->victims > UINT32_MAX - (s->count ? s->count[j] : 1u) ||
			    a->keys > UINT32_MAX - 255u)
				goto too_big;
			a->records++;
			a->victims += s->count ? s->count[j] : 1u;
			a->keys += s->rkey ? s->rkey[j] : 0u;
		}
		for (size_t k = 0; k < n_used; k++)
			slot[used[k]] = 0;
		/* ordered by sex, manner, age group: few entries, sorted in place */
		for (size_t k = at + 1; k < n; k++) {
			struct ob_snap_agg x = agg[k];
			uint32_t kx = ((uint32_t)x.sex << 16) | ((uint32_t)x.manner << 8) | x.age_group;
			size_t m = k;
			while (m > at && (((uint32_t)agg[m - 1].sex << 16) |
			                  ((uint32_t)agg[m - 1].manner << 8) | agg[m - 1].age_group) > kx) {
				agg[m] = agg[m - 1];
				m--;
			}
			agg[m] = x;
		}
		if (n > max)
			goto too_big;
	}
	first[dv->n_cat_runs] = (uint32_t)n;
	*first_out = first;
	*agg_out = agg;
	*n_out = n;
	return true;
too_big:
	free(first);
	free(agg);
	return false;
}

/*
 * The pre-aggregates of the category runs, when these are made: by sex,
 * manner and age group, at most one entry per two records (8 bytes a
 * record) or OB_SNAP_AGG_FREE; by sex and manner only when both levels
 * together hold at most OB_SNAP_AGG_FREE entries (a small snapshot: a
 * question reading no age group is counted from the level by age group
 * alike, and in a large one those bytes go to the levels by country), or
 * alone, within the same bound, when the records have no age column.
 */
static void derive_aggs(const struct ob_snapshot *s, struct ob_snap_derived *dv)
{
	uint8_t grp[256];
	uint32_t *first;
	struct ob_snap_agg *agg;
	uint64_t n;

	if (!dv->cat_start || !s->sex || !s->tag[0])
		return;
	uint64_t max = s->n / 2 > OB_SNAP_AGG_FREE ? s->n / 2 : OB_SNAP_AGG_FREE;

	if (s->age) {
		for (unsigned v = 0; v < 256; v++)
			grp[v] = (uint8_t)ob_ind_age_group_value(s, (uint8_t)v);
		if (derive_agg(s, dv, grp, max, &first, &agg, &n)) {
			dv->age_first = first;
			dv->age_agg = agg;
			dv->n_age_agg = n;
		}
	}
	if (dv->age_agg && dv->n_age_agg >= OB_SNAP_AGG_FREE)
		return;
	if (dv->age_agg)
		max = OB_SNAP_AGG_FREE - dv->n_age_agg;
	if (derive_agg(s, dv, NULL, max, &first, &agg, &n)) {
		dv->agg_first = first;
		dv->agg = agg;
		dv->n_agg = n;
	}
}

/* ------------------------------------------------------------------------
 * The pre-aggregates by country.
 */

/* A record's six values (enum ob_snap_cube_col c at bits 8c), and what
 * the records holding them add up to. */
struct tuple {
	uint64_t key;
	uint32_t records, victims, keys;
};

/* A level's entry while it is made: its values (the first column in the
 * highest byte, so that the order of keys is that of the values). */
struct lvl_entry {
	uint32_t key;
	uint32_t records, victims, keys;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_lvl(const void *a, const void *b)
{
	uint32_t x = ((const struct lvl_entry *)a)->key, y = ((const struct lvl_entry *)b)->key;
	return x < y ? -1 : x > y;
}

static inline size_t slot_of(uint64_t key, size_t mask)
{
	key *= 0x9E3779B97F4A7C15ULL;
	return (size_t)(key >> 32) & mask;
}

/* What the nt tuples of one crun make a level: their values projected
 * onto the level's columns, summed in the hash table slots (mask + 1 of
 * them, at least 2 nt, all 0; left so) through tmp and used (nt each),
 * ordered, appended to *out (n, cap). false when a sum would not fit its
 * 32 bits. */
static bool project(const struct tuple *t, size_t nt, const uint8_t *cols,
                    struct lvl_entry *tmp, uint32_t *slots, uint32_t *used, size_t mask,
                    struct ob_snap_cube **out, size_t *n, size_t *cap)
{
	size_t m = 0;
	bool fits = true;

	for (size_t i = 0; i < nt && fits; i++) {
		uint32_t key = 0;
		size_t h;
		struct lvl_entry *e;
		for (int j = 0; j < OB_SNAP_CUBE_COLS; j++) {
			uint32_t v = cols[j] == OB_CUBE_NONE ? OB_SNAP_AGG_ANY
			                                     : (uint32_t)(t[i].key >> (8 * cols[j])) & 255;
			key |= v << (8 * (OB_SNAP_CUBE_COLS - 1 - j));
		}
		for (h = slot_of(key, mask); slots[h] && tmp[slots[h] - 1].key != key;
		     h = (h + 1) & mask)
			;
		if (!slots[h]) {
			tmp[m] = (struct lvl_entry){ key, 0, 0, 0 };
			used[m] = (uint32_t)h;
			slots[h] = (uint32_t)++m;
		}
		e = &tmp[slots[h] - 1];
		fits = e->records <= UINT32_MAX - t[i].records &&
		       e->victims <= UINT32_MAX - t[i].victims && e->keys <= UINT32_MAX - t[i].keys;
		e->records += t[i].records;
		e->victims += t[i].victims;
		e->keys += t[i].keys;
	}
	for (size_t k = 0; k < m; k++)
		slots[used[k]] = 0;
	if (!fits)
		return false;
	qsort(tmp, m, sizeof(*tmp), cmp_lvl);
	if (*n + m > *cap) {
		*cap = (*n + m) * 2 > 4096 ? (*n + m) * 2 : 4096;
		*out = ob_realloc(*out, *cap * sizeof(**out));
	}
	for (size_t i = 0; i < m; i++) {
		struct ob_snap_cube *c = &(*out)[(*n)++];
		c->records = tmp[i].records;
		c->victims = tmp[i].victims;
		c->keys = tmp[i].keys;
		for (int j = 0; j < OB_SNAP_CUBE_COLS; j++)
			c->v[j] = (uint8_t)(tmp[i].key >> (8 * (OB_SNAP_CUBE_COLS - 1 - j)));
	}
	return true;
}

/* A record's tuple key. */
static uint64_t tuple_key(const struct ob_snapshot *s, const uint8_t *grp, uint64_t j)
{
	return (uint64_t)s->sex[j] << (8 * OB_CUBE_SEX) |
	       (uint64_t)s->tag[0][j] << (8 * OB_CUBE_MANNER) |
	       (uint64_t)grp[s->age[j]] << (8 * OB_CUBE_AGE_GROUP) |
	       (uint64_t)s->month[j] << (8 * OB_CUBE_MONTH) |
	       (uint64_t)s->tag[1][j] << (8 * OB_CUBE_MECHANISM) |
	       (uint64_t)s->tag[2][j] << (8 * OB_CUBE_PLACE);
}

/*
 * The pre-aggregates by country (struct ob_snap_cube), from the category
 * runs: the runs grouped by their country, year, source and category
 * (the cruns), the records of each crun summed by their six values in a
 * small hash table, then each level projected from those sums. The levels
 * are kept in order while together they hold at most one entry per
 * OB_SNAP_CUBE_RECORDS records (or OB_SNAP_AGG_FREE); none when a unit
 * holding records has no country, a sex is outside its range, or a sum
 * would not fit its 32 bits.
 */
static void derive_cube(const struct ob_snapshot *s, struct ob_snap_derived *dv)
{
	uint64_t n_cat = dv->n_cat_runs, max;
	uint64_t *ckey = NULL, *uniq = NULL;
	uint32_t *crun_of = NULL, *order = NULL, *at = NULL, *slots = NULL, *used = NULL;
	int32_t *cty = NULL;
	struct tuple *t = NULL;
	struct lvl_entry *tmp = NULL;
	struct ob_snap_cube *lv[OB_SNAP_CUBES] = { NULL };
	uint32_t *first[OB_SNAP_CUBES] = { NULL };
	size_t nl[OB_SNAP_CUBES] = { 0 }, capl[OB_SNAP_CUBES] = { 0 };
	size_t n_cruns = 0, cap_t = 0, mask = 1023, total = 0;
	uint8_t grp[256];

	if (!dv->cat_start || !n_cat || !s->units || !s->sex || !s->month || !s->age ||
	    !s->tag[0] || !s->tag[1] || !s->tag[2] || n_cat >= UINT32_MAX)
		return;
	for (unsigned v = 0; v < 256; v++)
		grp[v] = (uint8_t)ob_ind_age_group_value(s, (uint8_t)v);
	cty = ob_malloc(((size_t)s->n_units + 1) * sizeof(int32_t));
	for (uint32_t u = 0; u < s->n_units; u++)
		cty[u] = ob_snap_unit_at_level(s, u, 0);
	/* the crun of each category run */
	ckey = ob_malloc((size_t)n_cat * sizeof(uint64_t));
	uniq = ob_malloc((size_t)n_cat * sizeof(uint64_t));
	for (uint64_t i = 0; i < n_cat; i++) {
		uint64_t j = dv->cat_start[i];
		int32_t c = s->territory[j] < s->n_units ? cty[s->territory[j]] : -1;
		if (c < 0 || c > UINT16_MAX)
			goto free_work;
		ckey[i] = (uint64_t)c << 48 | (uint64_t)s->year[j] << 32 |
		          (uint64_t)s->source[j] << 16 | s->category[j];
		uniq[i] = ckey[i];
	}
	qsort(uniq, (size_t)n_cat, sizeof(uint64_t), cmp_u64);
	for (uint64_t i = 0; i < n_cat; i++)
		if (!i || uniq[i] != uniq[n_cruns - 1])
			uniq[n_cruns++] = uniq[i];
	/* the category runs in the order of their cruns */
	crun_of = ob_malloc((size_t)n_cat * sizeof(uint32_t));
	at = ob_calloc(n_cruns + 1, sizeof(uint32_t));
	order = ob_malloc((size_t)n_cat * sizeof(uint32_t));
	for (uint64_t i = 0; i < n_cat; i++) {
		size_t lo = 0, hi = n_cruns;
		while (lo < hi) {
			size_t m = lo + (hi - lo) / 2;
			if (uniq[m] < ckey[i])
				lo = m + 1;
			else
				hi = m;
		}
		crun_of[i] = (uint32_t)lo;
		at[lo + 1]++;
	}
	for (size_t c = 0; c < n_cruns; c++)
		at[c + 1] += at[c];
	for (uint64_t i = 0; i < n_cat; i++)
		order[at[crun_of[i]]++] = (uint32_t)i;
	for (size_t c = n_cruns; c > 0; c--)
		at[c] = at[c - 1];
	at[0] = 0;
	for (int L = 0; L < OB_SNAP_CUBES; L++)
		first[L] = ob_malloc((n_cruns + 1) * sizeof(uint32_t));
	slots = ob_calloc(mask + 1, sizeof(uint32_t));
	used = ob_malloc((mask + 1) * sizeof(uint32_t));
	for (size_t c = 0; c < n_cruns; c++) {
		size_t nt = 0;
		for (uint32_t o = at[c]; o < at[c + 1]; o++) {
			uint32_t i = order[o];
			for (uint64_t j = dv->cat_start[i]; j < dv->cat_start[i + 1]; j++) {
				uint64_t key = tuple_key(s, grp, j);
				uint32_t cnt = s->count ? s->count[j] : 1u;
				size_t h;
				if (s->sex[j] >= OB_SNAP_SEX_COUNT)
					goto free_work; /* not a sex: left to the columns' check */
				for (h = slot_of(key, mask); slots[h] && t[slots[h] - 1].key != key;
				     h = (h + 1) & mask)
					;
				if (!slots[h]) {
					if (nt == cap_t) {
						cap_t = cap_t ? cap_t * 2 : 1024;
						t = ob_realloc(t, cap_t * sizeof(*t));
						tmp = ob_realloc(tmp, cap_t * sizeof(*tmp));
					}
					t[nt] = (struct tuple){ key, 0, 0, 0 };
					used[nt] = (uint32_t)h;
					slots[h] = (uint32_t)++nt;
					if (nt * 2 > mask) { /* the table doubled */
						mask = mask * 2 + 1;
						slots = ob_realloc(slots, (mask + 1) * sizeof(uint32_t));
						used = ob_realloc(used, (mask + 1) * sizeof(uint32_t));
						memset(slots, 0, (mask + 1) * sizeof(uint32_t));
						for (size_t k = 0; k < nt; k++) {
							size_t g = slot_of(t[k].key, mask);
							while (slots[g])
								g = (g + 1) & mask;
							slots[g] = (uint32_t)(k + 1);
							used[k] = (uint32_t)g;
						}
						for (h = slot_of(key, mask); t[slots[h] - 1].key != key;
						     h = (h + 1) & mask)
							;
					}
				}
				{
					struct tuple *x = &t[slots[h] - 1];
					if (x->records == UINT32_MAX || x->victims > UINT32_MAX - cnt ||
					    x->keys > UINT32_MAX - 255u)
						goto free_work;
					x->records++;
					x->victims += cnt;
					x->keys += s->rkey ? s->rkey[j] : 0u;
				}
			}
		}
		for (size_t k = 0; k < nt; k++)
			slots[used[k]] = 0;
		for (int L = 0; L < OB_SNAP_CUBES; L++) {
			first[L][c] = (uint32_t)nl[L];
			if (!project(t, nt, ob_snap_cube_cols[L], tmp, slots, used, mask, &lv[L],
			             &nl[L], &capl[L]))
				goto free_work;
			if (nl[L] >= UINT32_MAX)
				goto free_work;
		}
	}
	/* the levels kept, in order, within the budget */
	max = s->n / OB_SNAP_CUBE_RECORDS > OB_SNAP_AGG_FREE ? s->n / OB_SNAP_CUBE_RECORDS
	                                                      : OB_SNAP_AGG_FREE;
	{
		struct ob_snap_crun *cr = ob_malloc((n_cruns + 1) * sizeof(*cr));
		for (size_t c = 0; c < n_cruns; c++)
			cr[c] = (struct ob_snap_crun){ (uint16_t)(uniq[c] >> 48),
			                               (uint16_t)(uniq[c] >> 32),
			                               (uint16_t)(uniq[c] >> 16), (uint16_t)uniq[c] };
		dv->cruns = cr;
		dv->n_cruns = n_cruns;
	}
	for (int L = 0; L < OB_SNAP_CUBES; L++) {
		if (total + nl[L] > max)
			continue;
		total += nl[L];
		first[L][n_cruns] = (uint32_t)nl[L];
		dv->cube_first[L] = first[L];
		dv->cube[L] = lv[L];
		dv->n_cube[L] = nl[L];
		first[L] = NULL;
		lv[L] = NULL;
	}
free_work:
	for (int L = 0; L < OB_SNAP_CUBES; L++) {
		free(first[L]);
		free(lv[L]);
	}
	free(cty);
	free(ckey);
	free(uniq);
	free(crun_of);
	free(at);
	free(order);
	free(slots);
	free(used);
	free(t);
	free(tmp);
}

/*
 * The runs of records of one unit, year and source, when the records are
 * so ordered and the runs are few (at most one per eight records).
 */
static void derive_runs(const struct ob_snapshot *s, struct ob_snap_derived *dv)
{
	uint64_t n_runs = 0;
	struct ob_snap_run *runs;
	uint32_t *run_first;
	size_t k = 0;

	if (s->n >= UINT32_MAX)
		return;
	for (uint64_t i = 0; i < s->n; i++)
		n_runs += !i || s->territory[i] != s->territory[i - 1] ||
		          s->year[i] != s->year[i - 1] || s->source[i] != s->source[i - 1];
	if (n_runs > s->n / 8 + 1)
		return;
	runs = ob_malloc((size_t)(n_runs + 1) * sizeof(*runs));
	run_first = ob_calloc((size_t)s->n_units + 1, sizeof(uint32_t));
	for (uint64_t i = 0; i < s->n; i++) {
		if (i && s->territory[i] == s->territory[i - 1] && s->year[i] == s->year[i - 1] &&
		    s->source[i] == s->source[i - 1])
			continue;
		runs[k].start = (uint32_t)i;
		runs[k].year = s->year[i];
		runs[k].source = s->source[i];
		run_first[s->territory[i] + 1] = (uint32_t)(k + 1);
		k++;
	}
	runs[k].start = (uint32_t)s->n;
	runs[k].year = 0;
	runs[k].source = 0;
	/* a unit without records: its runs start where the last one's ended */
	for (uint32_t u = 1; u <= s->n_units; u++)
		if (run_first[u] < run_first[u - 1])
			run_first[u] = run_first[u - 1];
	dv->runs = runs;
	dv->run_first = run_first;
	dv->n_runs = k;
	derive_cat_runs(s, dv);
}

/* The zone map, and victims and keys before each zone. */
static void derive_zones(const struct ob_snapshot *s, struct ob_snap_derived *dv)
{
	uint64_t nz = (s->n + OB_SNAP_ZONE - 1) / OB_SNAP_ZONE;
	uint16_t *zone = ob_malloc((nz + 1) * 4 * sizeof(uint16_t));
	uint64_t *keys = ob_malloc((nz + 1) * sizeof(uint64_t)), *victims = NULL;
	uint8_t *ones = NULL;

	for (uint64_t z = 0; z < nz; z++) {
		uint16_t y0 = UINT16_MAX, y1 = 0, s0 = UINT16_MAX, s1 = 0;
		uint64_t end = (z + 1) * OB_SNAP_ZONE < s->n ? (z + 1) * OB_SNAP_ZONE : s->n;
		for (uint64_t i = z * OB_SNAP_ZONE; i < end; i++) {
			uint16_t y = s->year[i], x = s->source[i];
			y0 = y < y0 ? y : y0;
			y1 = y > y1 ? y : y1;
			s0 = x < s0 ? x : s0;
			s1 = x > s1 ? x : s1;
		}
		zone[z * 4] = y0;
		zone[z * 4 + 1] = y1;
		zone[z * 4 + 2] = s0;
		zone[z * 4 + 3] = s1;
	}
	keys[0] = 0;
	if (!dv->counts_one) {
		ones = ob_malloc(nz + 1);
		victims = ob_malloc((nz + 1) * sizeof(uint64_t));
		victims[0] = 0;
	}
	for (uint64_t z = 0; z < nz; z++) {
		uint64_t end = (z + 1) * OB_SNAP_ZONE < s->n ? (z + 1) * OB_SNAP_ZONE : s->n, v = 0,
		         k = 0;
		unsigned one = 1;
		for (uint64_t i = z * OB_SNAP_ZONE; i < end; i++)
			k += s->rkey[i];
		keys[z + 1] = keys[z] + k;
		if (!ones)
			continue;
		for (uint64_t i = z * OB_SNAP_ZONE; i < end; i++) {
			v += s->count[i];
			one &= s->count[i] == 1;
		}
		victims[z + 1] = victims[z] + v;
		ones[z] = (uint8_t)one;
	}
	dv->zone = zone;
	dv->n_zones = nz;
	dv->zone_keys = keys;
	dv->zone_ones = ones;
	dv->zone_victims = victims;
}

void ob_snap_derive(const struct ob_snapshot *s, struct ob_snap_derived *dv)
{
	uint64_t *first = NULL;
	uint16_t ymin = UINT16_MAX, ymax = 0;

	memset(dv, 0, sizeof(*dv));
	dv->sorted = dv->year_sorted = dv->src_sorted = dv->cat_sorted = true;
	dv->counts_one = s->counts_one;
	if (!s->unit_first)
		first = ob_calloc((size_t)s->n_units + 2, sizeof(uint64_t));
	for (uint64_t i = 0; i < s->n; i++) {
		uint16_t y = s->year[i];
		if (first)
			first[s->territory[i] + 1]++;
		if (i && s->territory[i] < s->territory[i - 1])
			dv->sorted = false;
		if (i && s->territory[i] == s->territory[i - 1] && y < s->year[i - 1])
			dv->year_sorted = false;
		if (i && s->territory[i] == s->territory[i - 1] && y == s->year[i - 1] &&
		    s->source[i] < s->source[i - 1])
			dv->src_sorted = false;
		if (i && s->territory[i] == s->territory[i - 1] && y == s->year[i - 1] &&
		    s->source[i] == s->source[i - 1] && s->category[i] < s->category[i - 1])
			dv->cat_sorted = false;
		if (y) {
			ymin = y < ymin ? y : ymin;
			ymax = y > ymax ? y : ymax;
		}
	}
	dv->year_min = ymin <= ymax ? ymin : 0;
	dv->year_max = ymin <= ymax ? ymax : -1;
	if (first) {
		for (uint32_t u = 0; u < s->n_units; u++)
			first[u + 1] += first[u];
		dv->unit_first = first;
	} else {
		/* the snapshot's own index (set only when the territory is ordered) */
		uint64_t *copy = ob_malloc(((size_t)s->n_units + 2) * sizeof(uint64_t));
		memcpy(copy, s->unit_first, ((size_t)s->n_units + 2) * sizeof(uint64_t));
		dv->unit_first = copy;
	}
	if (dv->sorted && dv->year_sorted && dv->src_sorted)
		derive_runs(s, dv);
	derive_zones(s, dv);
}

void ob_snap_derived_release(struct ob_snap_derived *dv)
{
	if (!dv)
		return;
	free((void *)dv->unit_first);
	free((void *)dv->runs);
	free((void *)dv->run_first);
	free((void *)dv->cat_start);
	free((void *)dv->cat_value);
	free((void *)dv->run_cat);
	free((void *)dv->zone);
	free((void *)dv->zone_ones);
	free((void *)dv->zone_victims);
	free((void *)dv->zone_keys);
	free((void *)dv->agg_first);
	free((void *)dv->agg);
	free((void *)dv->age_first);
	free((void *)dv->age_agg);
	free((void *)dv->cruns);
	for (int L = 0; L < OB_SNAP_CUBES; L++) {
		free((void *)dv->cube_first[L]);
		free((void *)dv->cube[L]);
	}
	memset(dv, 0, sizeof(*dv));
}
