/* snap_open.c - opening a snapshot: mapping the file, checking its header,
 * and verifying every section's checksum and values over threads. */
#include "engine/snap_impl.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/sha256.h"
#include "base/strmap.h"
#include "engine/indicators.h"
#include "ingest/profile.h"

/* ------------------------------------------------------------------------
 * Opening and checking.
 */
static ob_err corrupt(struct ob_diag *d, const char *path, const char *why)
{
	return OB_DIAG(d, OB_ECORRUPT, path, 0, 0, NULL, 0,
	               "instantánea dañada: %s; se reconstruye con «observa snapshot»",
	               "damaged snapshot: %s; it is rebuilt with «observa snapshot»", why);
}

static bool u16_below(const uint16_t *v, uint64_t n, uint32_t limit)
{
	uint16_t max = 0;

	if (!n)
		return true;
	for (uint64_t i = 0; i < n; i++)
		max = v[i] > max ? v[i] : max;
	return max < limit;
}

static bool u8_below(const uint8_t *v, uint64_t n, uint32_t limit, bool unknown255)
{
	uint8_t bad = 0;

	for (uint64_t i = 0; i < n; i++)
		bad |= (uint8_t)((v[i] >= limit) & !(unknown255 && v[i] == 255));
	return !bad;
}

static bool years_ok(const uint16_t *v, uint64_t n)
{
	uint16_t bad = 0;

	for (uint64_t i = 0; i < n; i++)
		bad |= (uint16_t)((v[i] != 0) & ((v[i] < OB_MIN_YEAR) | (v[i] > OB_MAX_YEAR)));
	return !bad;
}

static bool offsets_ok(const uint32_t *v, uint64_t n, uint64_t len)
{
	for (uint64_t i = 0; i < n; i++)
		if (v[i] >= len)
			return false;
	return true;
}

static ob_err check_snapshot(const struct ob_snapshot *s, const char *path, struct ob_diag *d)
{
	uint64_t n = s->n;

	if (!s->strings_len || s->strings[s->strings_len - 1] != '\0')
		return corrupt(d, path, "textos sin terminar");
	for (uint32_t i = 0; i < s->n_units; i++) {
		const struct ob_snap_unit *u = &s->units[i];
		if (u->code >= s->strings_len || u->name >= s->strings_len ||
		    u->country >= s->n_countries || u->parent >= (int32_t)i || u->parent < -1)
			return corrupt(d, path, "tabla de territorios");
	}
	for (uint32_t i = 0; i < s->n_categories; i++) {
		const struct ob_snap_category *c = &s->categories[i];
		if (c->code >= s->strings_len || c->parent >= (int32_t)i || c->parent < -1)
			return corrupt(d, path, "tabla de categorías");
	}
	for (uint32_t i = 0; i < s->n_sources; i++)
		if (s->sources[i].code >= s->strings_len || s->sources[i].country >= s->n_countries ||
		    s->sources[i].institution >= OB_INST_COUNT)
			return corrupt(d, path, "tabla de fuentes");
	for (uint32_t i = 0; i < s->n_coverage; i++)
		if (s->coverage[i].source >= s->n_sources || s->coverage[i].country >= s->n_countries ||
		    s->coverage[i].from_month > s->coverage[i].to_month)
			return corrupt(d, path, "tabla de periodos entregados");
	for (uint32_t i = 0; i < s->n_age_bands; i++)
		if (s->age_bands[i].lo >= s->age_bands[i].hi || s->age_bands[i].hi > OB_MAX_AGE)
			return corrupt(d, path, "tabla de grupos de edad");
	if (!offsets_ok(s->countries, s->n_countries, s->strings_len))
		return corrupt(d, path, "tabla de países");
	for (int dim = 0; dim < OB_SNAP_DIMS; dim++)
		if (!s->n_tags[dim] || !offsets_ok(s->tags[dim], s->n_tags[dim], s->strings_len))
			return corrupt(d, path, "códigos fuera de su diccionario");
	if (n && (!s->n_units || !s->n_categories || !s->n_sources))
		return corrupt(d, path, "diccionarios vacíos");
	return OB_OK;
}

/* ------------------------------------------------------------------------
 * Verifying every section: checksums and, for the columns, that every value
 * lies inside its dictionary. Blocks are spread over threads.
 */
enum range_kind { RANGE_NONE, RANGE_U16, RANGE_U8, RANGE_U8_OR_255, RANGE_YEAR };

struct vjob {
	const unsigned char *p;
	size_t len;
	int section;
	enum range_kind kind;
	uint32_t limit;
	uint64_t sum;
	bool in_range;
	bool ones; /* the count column's block: every value is 1 */
};

struct verifier {
	struct vjob *jobs;
	size_t n;
	atomic_size_t next;
};

static bool block_in_range(const struct vjob *j)
{
	switch (j->kind) {
	case RANGE_U16:
		return u16_below((const uint16_t *)j->p, j->len / 2, j->limit);
	case RANGE_YEAR:
		return years_ok((const uint16_t *)j->p, j->len / 2);
	case RANGE_U8:
		return u8_below(j->p, j->len, j->limit, false);
	case RANGE_U8_OR_255:
		return u8_below(j->p, j->len, j->limit, true);
	default:
		return true;
	}
}

static void *verify_run(void *arg)
{
	struct verifier *v = arg;
	size_t i;

	while ((i = atomic_fetch_add(&v->next, 1)) < v->n) {
		struct vjob *j = &v->jobs[i];
		j->sum = ob_si_checksum(j->p, j->len);
		j->in_range = block_in_range(j);
		if (j->section == SEC_COL_COUNT) {
			const uint16_t *c = (const uint16_t *)j->p;
			uint16_t diff = 0;
			for (size_t k = 0; k < j->len / 2; k++)
				diff |= (uint16_t)(c[k] ^ 1);
			j->ones = !diff;
		}
	}
	return NULL;
}

/* The range rule of a section given the dictionaries' sizes. */
static enum range_kind range_of(const struct ob_snapshot *s, int id, uint32_t *limit)
{
	if (id >= SEC_COL_TAG && id < SEC_COL_TAG + OB_SNAP_DIMS) {
		*limit = s->n_tags[id - SEC_COL_TAG];
		return RANGE_U8;
	}
	switch (id) {
	case SEC_COL_TERRITORY: *limit = s->n_units; return RANGE_U16;
	case SEC_COL_CATEGORY: *limit = s->n_categories; return RANGE_U16;
	case SEC_COL_SOURCE: *limit = s->n_sources; return RANGE_U16;
	case SEC_COL_YEAR: *limit = 0; return RANGE_YEAR;
	case SEC_COL_MONTH: *limit = 13; return RANGE_U8;
	case SEC_COL_DAY: *limit = 32; return RANGE_U8;
	case SEC_COL_SEX: *limit = OB_SNAP_SEX_COUNT; return RANGE_U8;
	case SEC_COL_HOUR: *limit = 24; return RANGE_U8_OR_255;
	case SEC_COL_AGE: *limit = OB_SNAP_AGE_BAND0 + s->n_age_bands; return RANGE_U8_OR_255;
	default: *limit = 0; return RANGE_NONE;
	}
}

static ob_err verify_sections(const struct ob_snapshot *s, const unsigned char *base,
                              const struct snap_header *h, const char *path, bool *ones,
                              struct ob_diag *d)
{
	struct verifier v;
	size_t cap = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int T = ncpu < 1 ? 1 : ncpu > 8 ? 8 : (int)ncpu;
	pthread_t th[8];
	bool started[8] = { false };
	ob_err e = OB_OK;

	for (int i = 0; i < SEC_COUNT; i++)
		cap += (size_t)(h->sections[i].count * h->sections[i].elem_size / SNAP_BLOCK) + 1;
	v.jobs = ob_calloc(cap, sizeof(*v.jobs));
	v.n = 0;
	atomic_init(&v.next, 0);
	for (int i = 0; i < SEC_COUNT; i++) {
		size_t len = (size_t)(h->sections[i].count * h->sections[i].elem_size);
		uint32_t limit;
		enum range_kind kind = range_of(s, i, &limit);

		for (size_t off = 0; off < len || (off == 0 && len == 0); off += SNAP_BLOCK) {
			struct vjob *j = &v.jobs[v.n++];
			j->p = base + h->sections[i].offset + off;
			j->len = len - off < SNAP_BLOCK ? len - off : SNAP_BLOCK;
			j->section = i;
			j->kind = kind;
			j->limit = limit;
			if (!len)
				break;
		}
	}
	if ((uint64_t)T > v.n / 8 + 1)
		T = (int)(v.n / 8 + 1);
	for (int t = 1; t < T; t++)
		started[t] = pthread_create(&th[t], NULL, verify_run, &v) == 0;
	verify_run(&v);
	for (int t = 1; t < T; t++)
		if (started[t])
			pthread_join(th[t], NULL);
	for (size_t k = 0; k < v.n && !e;) {
		int sec = v.jobs[k].section;
		uint64_t acc = ob_si_fold_start();
		bool in_range = true;
		size_t len = 0;

		for (; k < v.n && v.jobs[k].section == sec; k++) {
			if (v.jobs[k].len)
				acc = ob_si_fold_block(acc, v.jobs[k].sum);
			len += v.jobs[k].len;
			in_range = in_range && v.jobs[k].in_range;
			if (sec == SEC_COL_COUNT && v.jobs[k].len)
				*ones = *ones && v.jobs[k].ones;
		}
		if (ob_si_fold_end(acc, len) != h->sections[sec].checksum)
			e = corrupt(d, path, "suma de control errónea");
		else if (!in_range)
			e = corrupt(d, path, "valores fuera de su diccionario");
	}
	free(v.jobs);
	return e;
}

const void *ob_si_section(const unsigned char *base, const struct snap_header *h, int id,
                           uint32_t elem, uint64_t *count)
{
	const struct snap_section *s = &h->sections[id];

	if (s->id != (uint32_t)id || s->elem_size != elem || s->offset < SNAP_HEADER_SIZE ||
	    s->offset % SNAP_ALIGN || s->offset > h->file_size ||
	    (elem && s->count > (h->file_size - s->offset) / elem))
		return NULL;
	*count = s->count;
	return base + s->offset;
}

/* ------------------------------------------------------------------------
 * The derived structures (format 5), checked so that no index they hold
 * leads a reader outside the columns or the dictionaries.
 */
static bool nondecreasing64(const uint64_t *v, uint64_t n, uint64_t max)
{
	for (uint64_t i = 0; i < n; i++)
		if ((i && v[i] < v[i - 1]) || v[i] > max)
			return false;
	return true;
}

static bool nondecreasing32(const uint32_t *v, uint64_t n, uint64_t max)
{
	for (uint64_t i = 0; i < n; i++)
		if ((i && v[i] < v[i - 1]) || v[i] > max)
			return false;
	return true;
}

/* The order of the pre-aggregates within a category run. */
static inline uint32_t agg_key(const struct ob_snap_agg *a)
{
	return (uint32_t)a->sex << 16 | (uint32_t)a->manner << 8 | a->age_group;
}

/* Pre-aggregates (n, run i's from first[i]) that name a sex, a manner and
 * (by_age) an age group of the dictionaries, strictly ordered by them
 * within each run, whose offsets are ordered and whose records add up to
 * each category run's length. */

static bool aggs_ok(const struct ob_snapshot *s, const struct ob_snap_derived *dv,
                    const uint32_t *first, const struct ob_snap_agg *agg, uint64_t n,
                    bool by_age)
{
	if (first[0] || !nondecreasing32(first, dv->n_cat_runs + 1, n) ||
	    first[dv->n_cat_runs] != n)
		return false;
	for (uint64_t i = 0; i < dv->n_cat_runs; i++) {
		uint64_t rec = 0;
		for (uint32_t k = first[i]; k < first[i + 1]; k++) {
			const struct ob_snap_agg *a = &agg[k];
			if (a->sex >= OB_SNAP_SEX_COUNT || a->manner >= s->n_tags[0] ||
			    a->victims > s->victims || a->reserved ||
			    (by_age ? a->age_group >= OB_IND_AGE_GROUPS
			            : a->age_group != OB_SNAP_AGG_ANY))
				return false;
			/* strictly ordered by sex, manner and age group (the
			 * analyser stops at the first sex past a filter's) */
			if (k > first[i] && agg_key(&agg[k - 1]) >= agg_key(a))
				return false;
			rec += a->records;
		}
		if (rec != (uint64_t)dv->cat_start[i + 1] - dv->cat_start[i])
			return false;
	}
	return true;
}

/* The runs of one country, year, source and category: strictly ordered,
 * each naming a country, a source and a category of the dictionaries. */
static bool cruns_ok(const struct ob_snapshot *s, const struct ob_snap_crun *c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		uint64_t k = (uint64_t)c[i].country << 48 | (uint64_t)c[i].year << 32 |
		             (uint64_t)c[i].source << 16 | c[i].category;
		if (c[i].country >= s->n_units || s->units[c[i].country].level != 0 ||
		    c[i].source >= s->n_sources || c[i].category >= s->n_categories ||
		    c[i].year > OB_MAX_YEAR)
			return false;
		if (i && k <= ((uint64_t)c[i - 1].country << 48 | (uint64_t)c[i - 1].year << 32 |
		               (uint64_t)c[i - 1].source << 16 | c[i - 1].category))
			return false;
	}
	return true;
}

/* Level L of the pre-aggregates by country (n entries): offsets ordered
 * and ending at n, values of the dictionaries strictly ordered within a
 * crun, and each crun's records those of the first level made (ref, or
 * NULL when L is it), every record once. */
static bool cube_ok(const struct ob_snapshot *s, const struct ob_snap_derived *dv, int L,
                    uint64_t n, int ref)
{
	const uint32_t *first = dv->cube_first[L];
	const struct ob_snap_cube *e = dv->cube[L];
	const uint8_t *cols = ob_snap_cube_cols[L];
	uint64_t all = 0;

	if (first[0] || !nondecreasing32(first, dv->n_cruns + 1, n) || first[dv->n_cruns] != n)
		return false;
	for (uint64_t i = 0; i < dv->n_cruns; i++) {
		uint64_t rec = 0, rec_ref = 0;
		for (uint32_t k = first[i]; k < first[i + 1]; k++) {
			uint32_t key = 0, prev = 0;
			for (int j = 0; j < OB_SNAP_CUBE_COLS; j++) {
				uint32_t v = e[k].v[j], lim;
				switch (cols[j]) {
				case OB_CUBE_SEX: lim = OB_SNAP_SEX_COUNT; break;
				case OB_CUBE_MANNER: lim = s->n_tags[0]; break;
				case OB_CUBE_AGE_GROUP: lim = OB_IND_AGE_GROUPS; break;
				case OB_CUBE_MONTH: lim = 13; break;
				case OB_CUBE_MECHANISM: lim = s->n_tags[1]; break;
				case OB_CUBE_PLACE: lim = s->n_tags[2]; break;
				default: lim = v == OB_SNAP_AGG_ANY ? v + 1 : 0; break;
				}
				if (v >= lim)
					return false;
				key = key << 8 | v;
				prev = prev << 8 | e[k - (k > first[i])].v[j];
			}
			if ((k > first[i] && prev >= key) || e[k].victims > s->victims)
				return false;
			rec += e[k].records;
		}
		if (ref >= 0)
			for (uint32_t k = dv->cube_first[ref][i]; k < dv->cube_first[ref][i + 1]; k++)
				rec_ref += dv->cube[ref][k].records;
		if (ref >= 0 && rec != rec_ref)
			return false;
		all += rec;
	}
	return all == s->n;
}

/* A section of the pre-aggregates, which a lazy open checks when a
 * reader first asks for them (ob_snapshot_check_derived). */
static bool deferred_section(int i)
{
	return (i >= SEC_DER_AGG_FIRST && i <= SEC_DER_AGE_AGG) ||
	       (i >= SEC_DER_CUBE_FIRST && i < SEC_DER_CUBE + OB_SNAP_CUBES);
}

/* The derived structures into s->derived, checked for their consistency;
 * lazily (lazy), the pre-aggregates' consistency is left to
 * ob_snapshot_check_derived, as their checksums are. */
static ob_err load_derived(struct ob_snapshot *s, const unsigned char *base,
                           const struct snap_header *h, bool lazy, const char *path,
                           struct ob_diag *d)
{
	struct ob_snap_derived *dv = &s->derived_store;
	const struct snap_derived_meta *meta;
	uint64_t cnt, nu = s->n_units, nz = (s->n + OB_SNAP_ZONE - 1) / OB_SNAP_ZONE, c2, c3;
	const char *why = NULL;

#define DER(ptr, id, elem, want)                                                        \
	do {                                                                            \
		if (!((ptr) = ob_si_section(base, h, (id), (elem), &cnt)) || cnt != (want)) {   \
			why = "estructuras derivadas de tamaño inesperado";             \
			goto bad;                                                       \
		}                                                                       \
	} while (0)
	memset(dv, 0, sizeof(*dv));
	DER(meta, SEC_DER_META, sizeof(*meta), 1);
	if (meta->zone_records != OB_SNAP_ZONE) {
		why = "mapa de zonas de otro tamaño";
		goto bad;
	}
	dv->sorted = meta->sorted;
	dv->year_sorted = meta->year_sorted;
	dv->src_sorted = meta->src_sorted;
	dv->cat_sorted = meta->cat_sorted;
	dv->counts_one = meta->counts_one;
	dv->year_min = meta->year_min;
	dv->year_max = meta->year_max;
	if ((dv->year_min || dv->year_max != -1) &&
	    (dv->year_min < OB_MIN_YEAR || dv->year_max > OB_MAX_YEAR ||
	     dv->year_min > dv->year_max)) {
		why = "años fuera de rango";
		goto bad;
	}
	DER(dv->unit_first, SEC_DER_UNIT_FIRST, 8, nu + 2);
	if (dv->unit_first[0] || !nondecreasing64(dv->unit_first, nu + 1, s->n) ||
	    dv->unit_first[nu] != s->n) {
		why = "índice de territorios";
		goto bad;
	}
	if (meta->has_runs) {
		if (!(dv->runs = ob_si_section(base, h, SEC_DER_RUNS, sizeof(struct ob_snap_run),
		                               &cnt)) || !cnt) {
			why = "tramos";
			goto bad;
		}
		dv->n_runs = cnt - 1;
		for (uint64_t r = 0; r <= dv->n_runs; r++)
			if ((r && dv->runs[r].start < dv->runs[r - 1].start) ||
			    dv->runs[r].start > s->n || (r < dv->n_runs &&
			                                 dv->runs[r].source >= s->n_sources))
				why = "tramos";
		if (why || dv->runs[0].start || dv->runs[dv->n_runs].start != s->n)
			goto bad_runs;
		DER(dv->run_first, SEC_DER_RUN_FIRST, 4, nu + 1);
		if (!nondecreasing32(dv->run_first, nu + 1, dv->n_runs))
			goto bad_runs;
	}
	if (meta->has_cat_runs) {
		if (!meta->has_runs ||
		    !(dv->cat_start = ob_si_section(base, h, SEC_DER_CAT_START, 4, &cnt)) || !cnt)
			goto bad_runs;
		dv->n_cat_runs = cnt - 1;
		DER(dv->cat_value, SEC_DER_CAT_VALUE, 2, dv->n_cat_runs + 1);
		DER(dv->run_cat, SEC_DER_RUN_CAT, 4, dv->n_runs + 1);
		if (!nondecreasing32(dv->cat_start, dv->n_cat_runs + 1, s->n) ||
		    dv->cat_start[dv->n_cat_runs] != s->n ||
		    !nondecreasing32(dv->run_cat, dv->n_runs + 1, dv->n_cat_runs) ||
		    dv->run_cat[dv->n_runs] != dv->n_cat_runs)
			goto bad_runs;
		for (uint64_t i = 0; i < dv->n_cat_runs; i++)
			if (dv->cat_value[i] >= s->n_categories)
				goto bad_runs;
	}
	if (meta->has_agg & ~3 || (meta->has_agg && !meta->has_cat_runs))
		goto bad_agg;
	if (meta->has_agg & 1) {
		DER(dv->agg_first, SEC_DER_AGG_FIRST, 4, dv->n_cat_runs + 1);
		if (!(dv->agg = ob_si_section(base, h, SEC_DER_AGG, sizeof(struct ob_snap_agg),
		                              &cnt)) ||
		    (!lazy && !aggs_ok(s, dv, dv->agg_first, dv->agg, cnt, false)))
			goto bad_agg;
		dv->n_agg = cnt;
	}
	if (meta->has_agg & 2) {
		DER(dv->age_first, SEC_DER_AGE_FIRST, 4, dv->n_cat_runs + 1);
		if (!(dv->age_agg = ob_si_section(base, h, SEC_DER_AGE_AGG,
		                                  sizeof(struct ob_snap_agg), &cnt)) ||
		    (!lazy && !aggs_ok(s, dv, dv->age_first, dv->age_agg, cnt, true)))
			goto bad_agg;
		dv->n_age_agg = cnt;
	}
	if (meta->has_cube >> OB_SNAP_CUBES || (meta->has_cube && !meta->has_cat_runs))
		goto bad_cube;
	if (meta->has_cube) {
		int ref = -1;
		if (!(dv->cruns = ob_si_section(base, h, SEC_DER_CRUNS, sizeof(struct ob_snap_crun),
		                                &cnt)) ||
		    !cnt || !cruns_ok(s, dv->cruns, cnt))
			goto bad_cube;
		dv->n_cruns = cnt;
		for (int L = 0; L < OB_SNAP_CUBES; L++) {
			if (!(meta->has_cube & 1u << L))
				continue;
			DER(dv->cube_first[L], SEC_DER_CUBE_FIRST + L, 4, dv->n_cruns + 1);
			if (!(dv->cube[L] = ob_si_section(base, h, SEC_DER_CUBE + L,
			                                  sizeof(struct ob_snap_cube), &cnt)) ||
			    (!lazy && !cube_ok(s, dv, L, cnt, ref)))
				goto bad_cube;
			dv->n_cube[L] = cnt;
			ref = ref < 0 ? L : ref;
		}
	}
	dv->n_zones = nz;
	DER(dv->zone, SEC_DER_ZONE, 2, nz * 4);
	for (uint64_t z = 0; z < nz; z++)
		if (dv->zone[z * 4 + 2] > dv->zone[z * 4 + 3] || dv->zone[z * 4 + 3] >= s->n_sources ||
		    dv->zone[z * 4] > dv->zone[z * 4 + 1]) {
			why = "mapa de zonas";
			goto bad;
		}
	c2 = dv->counts_one ? 0 : nz;
	c3 = dv->counts_one ? 0 : nz + 1;
	DER(dv->zone_ones, SEC_DER_ZONE_ONES, 1, c2);
	DER(dv->zone_victims, SEC_DER_ZONE_VICTIMS, 8, c3);
	DER(dv->zone_keys, SEC_DER_ZONE_KEYS, 8, nz + 1);
	if (dv->counts_one) {
		dv->zone_ones = NULL;
		dv->zone_victims = NULL;
	}
#undef DER
	s->derived = dv;
	if (dv->sorted)
		s->unit_first = dv->unit_first;
	return OB_OK;
bad_agg:
	why = "agregados de los tramos de categoría";
	goto bad;
bad_cube:
	why = "agregados por país";
	goto bad;
bad_runs:
	why = "tramos de territorio, año y fuente";
bad:
	memset(dv, 0, sizeof(*dv));
	return corrupt(d, path, why);
}

/* ------------------------------------------------------------------------
 * Lazy checking: a column's blocks checked when a reader first asks.
 */
struct lazy_state {
	const unsigned char *base;
	struct snap_header h;
	const uint64_t *sums;      /* every column block's sum */
	uint64_t first[SEC_COUNT]; /* index in sums of a column's first block */
	_Atomic uint8_t *checked;  /* per block: 1 once checked */
	size_t n_blocks;
	/* per part of the pre-aggregates (bits of ob_snapshot_check_derived):
	 * 1 once checked */
	_Atomic uint8_t der_checked[OB_SNAP_DER_PARTS];
	char path[OB_MAX_PATH];
};

static const char *const col_names[OB_SNAP_COLS] = {
	"territory", "year", "month", "day", "hour", "sex", "age", "category", "source",
	"manner", "mechanism", "place", "relationship", "context", "count", "rkey",
};

int ob_si_col_section(int col)
{
	static const int sec[OB_SNAP_COLS] = {
		SEC_COL_TERRITORY, SEC_COL_YEAR, SEC_COL_MONTH, SEC_COL_DAY, SEC_COL_HOUR,
		SEC_COL_SEX, SEC_COL_AGE, SEC_COL_CATEGORY, SEC_COL_SOURCE, SEC_COL_TAG,
		SEC_COL_TAG + 1, SEC_COL_TAG + 2, SEC_COL_TAG + 3, SEC_COL_TAG + 4, SEC_COL_COUNT,
		SEC_COL_RKEY,
	};
	return col >= 0 && col < OB_SNAP_COLS ? sec[col] : -1;
}

static void lazy_free(void *p)
{
	struct lazy_state *z = p;

	if (!z)
		return;
	free((void *)z->checked);
	free(z);
}

/* The table of block sums, and each column's checksum folded from it. */
static ob_err lazy_init(struct ob_snapshot *s, const unsigned char *base,
                        const struct snap_header *h, const char *path, struct ob_diag *d)
{
	struct lazy_state *z = ob_calloc(1, sizeof(*z));
	uint64_t cnt, k = 0;

	z->base = base;
	z->h = *h;
	ob_strlcpy(z->path, path, sizeof(z->path));
	if (!(z->sums = ob_si_section(base, h, SEC_BLOCK_SUMS, 8, &cnt)))
		goto bad;
	for (int i = SEC_COL_FIRST; i <= SEC_COL_LAST; i++) {
		uint64_t len = h->sections[i].count * h->sections[i].elem_size, acc;

		z->first[i] = k;
		acc = ob_si_fold_start();
		for (uint64_t o = 0; o < len; o += SNAP_BLOCK, k++) {
			if (k >= cnt)
				goto bad;
			acc = ob_si_fold_block(acc, z->sums[k]);
		}
		if (ob_si_fold_end(acc, len) != h->sections[i].checksum)
			goto bad;
	}
	if (k != cnt)
		goto bad;
	z->n_blocks = (size_t)cnt;
	z->checked = ob_calloc(z->n_blocks + 1, 1);
	s->lazy_state = z;
	return OB_OK;
bad:
	free(z);
	return corrupt(d, path, "tabla de sumas de control de los bloques");
}

ob_err ob_snapshot_check(const struct ob_snapshot *s, uint32_t cols, uint64_t from, uint64_t to,
                         struct ob_diag *d)
{
	struct lazy_state *z = s->lazy_state;
	struct verifier v;
	size_t cap = 0, done;
	long ncpu;
	int T;
	pthread_t th[8];
	bool started[8] = { false };
	ob_err e = OB_OK;

	if (!s->lazy || !z || from >= to)
		return OB_OK;
	if (to > s->n)
		to = s->n;
	/* the blocks not checked yet */
	for (int c = 0; c < OB_SNAP_COLS; c++) {
		int sec = ob_si_col_section(c);
		uint64_t w = z->h.sections[sec].elem_size;
		if (cols & (1u << c))
			cap += (size_t)((to * w - 1) / SNAP_BLOCK - from * w / SNAP_BLOCK + 1);
	}
	v.jobs = ob_calloc(cap + 1, sizeof(*v.jobs));
	v.n = 0;
	atomic_init(&v.next, 0);
	for (int c = 0; c < OB_SNAP_COLS; c++) {
		int sec = ob_si_col_section(c);
		uint64_t w = z->h.sections[sec].elem_size, len = z->h.sections[sec].count * w;
		uint32_t limit;
		enum range_kind kind = range_of(s, sec, &limit);

		if (!(cols & (1u << c)))
			continue;
		for (uint64_t b = from * w / SNAP_BLOCK; b <= (to * w - 1) / SNAP_BLOCK; b++) {
			struct vjob *j;
			if (atomic_load_explicit(&z->checked[z->first[sec] + b], memory_order_acquire))
				continue;
			j = &v.jobs[v.n++];
			j->p = z->base + z->h.sections[sec].offset + b * SNAP_BLOCK;
			j->len = (size_t)(len - b * SNAP_BLOCK < SNAP_BLOCK ? len - b * SNAP_BLOCK
			                                                    : SNAP_BLOCK);
			j->section = sec;
			j->kind = kind;
			j->limit = limit;
			j->sum = b; /* the block's number until checked */
		}
	}
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	T = ncpu < 1 ? 1 : ncpu > 8 ? 8 : (int)ncpu;
	if ((uint64_t)T > v.n / 16 + 1)
		T = (int)(v.n / 16 + 1);
	{
		/* the numbers of the blocks, kept apart from the sums the run makes */
		uint64_t *bno = ob_malloc((v.n + 1) * sizeof(uint64_t));
		for (size_t k = 0; k < v.n; k++)
			bno[k] = v.jobs[k].sum;
		for (int t = 1; t < T; t++)
			started[t] = pthread_create(&th[t], NULL, verify_run, &v) == 0;
		verify_run(&v);
		for (int t = 1; t < T; t++)
			if (started[t])
				pthread_join(th[t], NULL);
		for (done = 0; done < v.n && !e; done++) {
			const struct vjob *j = &v.jobs[done];
			size_t at = (size_t)(z->first[j->section] + bno[done]);
			const char *col = "?";
			char why[160];

			for (int c = 0; c < OB_SNAP_COLS; c++)
				if (ob_si_col_section(c) == j->section)
					col = col_names[c];
			if (j->sum != z->sums[at] || !j->in_range) {
				snprintf(why, sizeof(why), "columna «%s», bloque %llu: %s", col,
				         (unsigned long long)bno[done],
				         j->sum != z->sums[at] ? "suma de control errónea"
				                               : "valores fuera de su diccionario");
				e = corrupt(d, z->path, why);
				break;
			}
			atomic_store_explicit(&z->checked[at], 1, memory_order_release);
		}
		free(bno);
	}
	free(v.jobs);
	return e;
}

/* Section i's checksum, as the header has it. */
static bool section_sum_ok(const struct lazy_state *z, int i)
{
	const struct snap_section *sec = &z->h.sections[i];

	return ob_si_section_checksum(z->base + sec->offset,
	                              (size_t)(sec->count * sec->elem_size)) == sec->checksum;
}

/* Part p of the pre-aggregates (bit p of ob_snapshot_check_derived's
 * parts): its sections' checksums and its consistency, as a whole open
 * checks them; true when it is not made. */
static bool derived_part_ok(const struct ob_snapshot *s, const struct lazy_state *z, int p)
{
	const struct ob_snap_derived *dv = s->derived;
	int L = p - 2, ref = -1;

	if (p == 0)
		return !dv->agg || (section_sum_ok(z, SEC_DER_AGG_FIRST) &&
		                    section_sum_ok(z, SEC_DER_AGG) &&
		                    aggs_ok(s, dv, dv->agg_first, dv->agg, dv->n_agg, false));
	if (p == 1)
		return !dv->age_agg || (section_sum_ok(z, SEC_DER_AGE_FIRST) &&
		                        section_sum_ok(z, SEC_DER_AGE_AGG) &&
		                        aggs_ok(s, dv, dv->age_first, dv->age_agg, dv->n_age_agg,
		                                true));
	if (!dv->cube[L])
		return true;
	/* each level's records per crun are checked against the first level
	 * made (itself checked first, by the caller) */
	for (int k = 0; k < L && ref < 0; k++)
		if (dv->cube[k])
			ref = k;
	return section_sum_ok(z, SEC_DER_CUBE_FIRST + L) && section_sum_ok(z, SEC_DER_CUBE + L) &&
	       cube_ok(s, dv, L, dv->n_cube[L], ref);
}

ob_err ob_snapshot_check_derived(const struct ob_snapshot *s, uint32_t parts, struct ob_diag *d)
{
	struct lazy_state *z = s->lazy_state;

	if (!s->lazy || !z || !s->derived)
		return OB_OK;
	/* a level of the pre-aggregates by country is checked against the
	 * first level made: that one first */
	for (int L = 0; L < OB_SNAP_CUBES; L++)
		if (s->derived->cube[L]) {
			if (parts & OB_SNAP_DER_CUBES)
				parts |= OB_SNAP_DER_CUBE << L;
			break;
		}
	for (int p = 0; p < OB_SNAP_DER_PARTS; p++) {
		if (!(parts & 1u << p) ||
		    atomic_load_explicit(&z->der_checked[p], memory_order_acquire))
			continue;
		if (!derived_part_ok(s, z, p))
			return corrupt(d, z->path, p < 2 ? "agregados de los tramos de categoría"
			                                 : "agregados por país");
		atomic_store_explicit(&z->der_checked[p], 1, memory_order_release);
	}
	return OB_OK;
}

/* unit_first, when the territory column is ordered: one pass over it. */
void ob_si_index_units(struct ob_snapshot *s)
{
	uint64_t *first = ob_calloc((size_t)s->n_units + 2, sizeof(*first));

	for (uint64_t i = 0; i < s->n; i++) {
		if (i && s->territory[i] < s->territory[i - 1]) {
			free(first);
			return;
		}
		first[s->territory[i] + 1]++;
	}
	for (uint32_t u = 0; u <= s->n_units; u++)
		first[u + 1] += first[u];
	s->unit_index = first;
	s->unit_first = first;
}

static ob_err open_dir(const char *dir, enum snap_open_mode mode, struct ob_snapshot **out,
                       struct ob_diag *d)
{
	char path[OB_MAX_PATH];
	ob_err e;

	*out = NULL;
	if (ob_snapshot_path(dir, path, sizeof(path)))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	/* a delta listed but gone: a full build replaced base and deltas
	 * meanwhile; the new base is then read */
	for (int tries = 0; tries < 3; tries++) {
		if ((e = ob_si_open_file(path, mode, out, d)))
			return e;
		if (!(e = ob_si_apply_deltas(dir, out, mode == SNAP_OPEN_LAZY, d))) {
			if (!(*out)->unit_first)
				ob_si_index_units(*out);
			return OB_OK;
		}
		ob_snapshot_close(*out);
		*out = NULL;
		if (e != OB_ENOENT)
			break;
	}
	return e == OB_ENOENT ? OB_ECORRUPT : e;
}

ob_err ob_snapshot_open(const char *dir, struct ob_snapshot **out, struct ob_diag *d)
{
	return open_dir(dir, SNAP_OPEN_FULL, out, d);
}

ob_err ob_snapshot_open_lazy(const char *dir, struct ob_snapshot **out, struct ob_diag *d)
{
	return open_dir(dir, SNAP_OPEN_LAZY, out, d);
}

ob_err ob_si_open_file(const char *path, enum snap_open_mode mode, struct ob_snapshot **out,
                       struct ob_diag *d)
{
	struct ob_snapshot *s;
	struct snap_header h;
	struct stat sb;
	unsigned char *base;
	uint64_t cnt, ck;
	ob_err e;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return OB_DIAG(d, errno == ENOENT ? OB_ENOENT : OB_EIO, path, 0, 0, NULL, 0,
		               "no hay instantánea: %s; créela con «observa snapshot»",
		               "no snapshot: %s; create it with «observa snapshot»",
		               strerror(errno));
	if (fstat(fd, &sb) != 0) {
		e = ob_diag_set(d, OB_EIO, path, 0, 0, NULL, 0, "fstat: %s", strerror(errno));
		close(fd);
		return e;
	}
	if ((uint64_t)sb.st_size < sizeof(h.magic) + 8) {
		close(fd);
		return corrupt(d, path, "archivo truncado");
	}
	memset(&h, 0, sizeof(h));
	if (pread(fd, &h, sizeof(h) < (size_t)sb.st_size ? sizeof(h) : (size_t)sb.st_size, 0) <
	    (ssize_t)(sizeof(h.magic) + 8)) {
		close(fd);
		return corrupt(d, path, "no se pudo leer el encabezado");
	}
	if (memcmp(h.magic, ob_si_snap_magic, sizeof(ob_si_snap_magic))) {
		close(fd);
		return corrupt(d, path, "no es una instantánea de observa");
	}
	if (h.endian != SNAP_ENDIAN) {
		close(fd);
		return corrupt(d, path, "orden de bytes de otra máquina");
	}
	if (h.version != OB_SNAPSHOT_VERSION) {
		close(fd);
		return OB_DIAG(d, OB_ESCHEMA, path, 0, 0, NULL, 0,
		               "instantánea en formato %u; este observa usa el %d: se "
		               "reconstruye",
		               "snapshot in format %u; this observa uses %d: it is rebuilt",
		               h.version, OB_SNAPSHOT_VERSION);
	}
	if ((uint64_t)sb.st_size < SNAP_HEADER_SIZE || h.file_size != (uint64_t)sb.st_size) {
		close(fd);
		return corrupt(d, path, "archivo truncado o de tamaño inesperado");
	}
	ck = h.header_checksum;
	base = mmap(NULL, (size_t)sb.st_size, PROT_READ,
	            MAP_PRIVATE | (mode == SNAP_OPEN_FULL ? MAP_POPULATE : 0),
	            fd, 0);
	close(fd);
	if (base == MAP_FAILED)
		return ob_diag_set(d, OB_EIO, path, 0, 0, NULL, 0, "mmap: %s", strerror(errno));
	{
		struct snap_header hz = h;
		unsigned char hdr[SNAP_HEADER_SIZE];

		memcpy(hdr, base, SNAP_HEADER_SIZE);
		hz.header_checksum = 0;
		memcpy(hdr, &hz, sizeof(hz));
		if (ob_si_checksum(hdr, SNAP_HEADER_SIZE) != ck || h.n_sections != SEC_COUNT) {
			munmap(base, (size_t)sb.st_size);
			return corrupt(d, path, "encabezado con suma de control errónea");
		}
	}
	s = ob_calloc(1, sizeof(*s));
	s->map = base;
	s->map_len = (size_t)sb.st_size;
	s->n = h.n_records;
	s->victims = h.n_victims;
	s->built_at = h.built_at;
	memcpy(s->stamp, h.stamp, sizeof(s->stamp));
	s->stamp[sizeof(s->stamp) - 1] = '\0';

#define SECT(ptr, id, elem, cntvar)                                                     \
	do {                                                                            \
		if (!((ptr) = ob_si_section(base, &h, (id), (elem), &cnt))) {                 \
			e = corrupt(d, path, "sección fuera del archivo");              \
			goto fail;                                                      \
		}                                                                       \
		cntvar;                                                                 \
	} while (0)
#define COLUMN(ptr, id, elem)                                                           \
	SECT(ptr, id, elem, if (cnt != s->n) {                                          \
		e = corrupt(d, path, "columna de longitud distinta");                   \
		goto fail;                                                              \
	})
	if (s->n > OB_MAX_SNAPSHOT_RECORDS) {
		e = corrupt(d, path, "demasiados registros");
		goto fail;
	}
	SECT(s->strings, SEC_STRINGS, 1, s->strings_len = cnt);
	SECT(s->units, SEC_UNITS, sizeof(struct ob_snap_unit), s->n_units = (uint32_t)cnt);
	SECT(s->categories, SEC_CATEGORIES, sizeof(struct ob_snap_category),
	     s->n_categories = (uint32_t)cnt);
	SECT(s->sources, SEC_SOURCES, sizeof(struct ob_snap_source), s->n_sources = (uint32_t)cnt);
	SECT(s->countries, SEC_COUNTRIES, 4, s->n_countries = (uint32_t)cnt);
	SECT(s->coverage, SEC_COVERAGE, sizeof(struct ob_snap_coverage),
	     s->n_coverage = (uint32_t)cnt);
	SECT(s->age_bands, SEC_AGE_BANDS, sizeof(struct ob_snap_age_band),
	     s->n_age_bands = (uint32_t)cnt);
	for (int dim = 0; dim < OB_SNAP_DIMS; dim++) {
		SECT(s->tags[dim], SEC_TAGS + dim, 4, s->n_tags[dim] = (uint32_t)cnt);
		COLUMN(s->tag[dim], SEC_COL_TAG + dim, 1);
	}
	COLUMN(s->territory, SEC_COL_TERRITORY, 2);
	COLUMN(s->year, SEC_COL_YEAR, 2);
	COLUMN(s->category, SEC_COL_CATEGORY, 2);
	COLUMN(s->source, SEC_COL_SOURCE, 2);
	COLUMN(s->month, SEC_COL_MONTH, 1);
	COLUMN(s->day, SEC_COL_DAY, 1);
	COLUMN(s->hour, SEC_COL_HOUR, 1);
	COLUMN(s->sex, SEC_COL_SEX, 1);
	COLUMN(s->age, SEC_COL_AGE, 1);
	COLUMN(s->count, SEC_COL_COUNT, 2);
	COLUMN(s->rkey, SEC_COL_RKEY, 1);
#undef COLUMN
#undef SECT
	if (s->n_units > OB_MAX_SNAPSHOT_UNITS || s->n_categories > OB_MAX_SNAPSHOT_UNITS ||
	    s->n_sources > OB_MAX_SNAPSHOT_UNITS || s->n_countries > OB_MAX_SNAPSHOT_UNITS ||
	    s->n_age_bands > OB_MAX_SNAPSHOT_AGE_BANDS) {
		e = corrupt(d, path, "diccionario demasiado grande");
		goto fail;
	}
	s->counts_one = true;
	if (mode == SNAP_OPEN_LAZY) {
		/* all but the columns, checked whole; the columns' blocks when read */
		for (int i = 0; i < SEC_COUNT; i++) {
			if ((i >= SEC_COL_FIRST && i <= SEC_COL_LAST) || deferred_section(i))
				continue;
			if (ob_si_section_checksum(base + h.sections[i].offset,
			                           (size_t)(h.sections[i].count *
			                                    h.sections[i].elem_size)) !=
			    h.sections[i].checksum) {
				e = corrupt(d, path, "suma de control errónea");
				goto fail;
			}
		}
		if ((e = check_snapshot(s, path, d)) ||
		    (e = load_derived(s, base, &h, true, path, d)) ||
		    (e = lazy_init(s, base, &h, path, d)))
			goto fail;
		s->counts_one = s->derived->counts_one;
		s->lazy = true;
	} else if (mode == SNAP_OPEN_LIGHT) {
		/* the dictionaries only: the columns are left unread */
		for (int i = SEC_STRINGS; i <= SEC_AGE_BANDS; i++)
			if (ob_si_section_checksum(base + h.sections[i].offset,
			                           (size_t)(h.sections[i].count *
			                                    h.sections[i].elem_size)) !=
			    h.sections[i].checksum) {
				e = corrupt(d, path, "suma de control errónea");
				goto fail;
			}
		s->counts_one = false; /* not known */
		if ((e = check_snapshot(s, path, d)))
			goto fail;
	} else if ((e = verify_sections(s, base, &h, path, &s->counts_one, d)) ||
	           (e = check_snapshot(s, path, d)) ||
	           (e = load_derived(s, base, &h, false, path, d))) {
		goto fail;
	} else if (s->derived->counts_one != s->counts_one) {
		e = corrupt(d, path, "estructuras derivadas que no concuerdan con las columnas");
		goto fail;
	}
	*out = s;
	return OB_OK;
fail:
	ob_snapshot_close(s);
	return e;
}

void ob_snapshot_close(struct ob_snapshot *s)
{
	if (!s)
		return;
	if (s->map)
		munmap(s->map, s->map_len);
	if (s->merged)
		ob_si_big_free(s->merged, s->merged_len);
	free(s->unit_index);
	free(s->split_index);
	lazy_free(s->lazy_state);
	ob_snapshot_close(s->parts);
	free(s);
}

static ob_err load(struct ob_store *st, const char *dir, enum snap_open_mode mode,
                   struct ob_snapshot **out, bool *rebuilt, struct ob_diag *d)
{
	char stamp[OB_SNAPSHOT_STAMP], msg[OB_MAX_MESSAGE];
	ob_err e;

	*out = NULL;
	if (rebuilt)
		*rebuilt = false;
	if ((e = ob_snapshot_stamp(st, stamp, d)))
		return e;
	e = open_dir(dir, mode, out, d);
	if (!e && !strcmp((*out)->stamp, stamp))
		return OB_OK;
	if (!e) {
		OB_INFO("la instantánea es anterior a los últimos cambios del almacén: se actualiza",
		        "the snapshot is older than the store's last changes: updating it");
		/* under the writers' lock, from the state found there (another
		 * writer may have moved it since this one was opened) */
		ob_snapshot_close(*out);
		*out = NULL;
		e = ob_snapshot_update(st, dir, NULL, d);
		if (e)
			return e;
		if (rebuilt)
			*rebuilt = true;
		return open_dir(dir, mode, out, d);
	} else if (e == OB_ECORRUPT || e == OB_ESCHEMA) {
		ob_diag_format(d, msg, sizeof(msg));
		ob_warn("%s", msg);
	} else if (e != OB_ENOENT) {
		return e;
	}
	/* missing or refused: built whole (a delta would extend a damaged one) */
	ob_diag_clear(d);
	if ((e = ob_snapshot_build(st, dir, d)))
		return e;
	if (rebuilt)
		*rebuilt = true;
	return open_dir(dir, mode, out, d);
}

ob_err ob_snapshot_load(struct ob_store *st, const char *dir, struct ob_snapshot **out,
                        bool *rebuilt, struct ob_diag *d)
{
	return load(st, dir, SNAP_OPEN_FULL, out, rebuilt, d);
}

ob_err ob_snapshot_load_lazy(struct ob_store *st, const char *dir, struct ob_snapshot **out,
                             bool *rebuilt, struct ob_diag *d)
{
	return load(st, dir, SNAP_OPEN_LAZY, out, rebuilt, d);
}
