/*
 * indicators.c - computing indicators on a snapshot: the query's plan, the
 * counting rule's groups of periods, and the stream of values that joins
 * the pieces listed in engine/ind_impl.h.
 */
#include "engine/ind_impl.h"

#include <math.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>
#include <limits.h>

#include "base/log.h"
#include "base/strmap.h"
#include "engine/counting.h"
#include "ingest/profile.h"
#include "io/date.h"
#include "text/text.h"
#include "stats/prop.h"
#include "stats/rate.h"

static const char *const flag_names[OB_IND_FLAG_COUNT] = {
	"unreliable", "estimated_denominator", "missing_denominator",
	"incomplete_coverage", "partial_period", "no_data", "equal_split_denominator",
	"not_in_vintage", "vintage_break", "age_band",
};

const char *ob_ind_flag_name(unsigned bit)
{
	return bit < OB_IND_FLAG_COUNT ? flag_names[bit] : "?";
}

const char *const ob_ii_age_groups[] = { "0-14", "15-17", "18-29", "30-44", "45-59", "60+", "U" };
const char *const ob_ii_minor_groups[] = { "0-17", "18+", "U" };
static const char *const sex_labels[] = { "F", "M", "U" };

/* The first age of each group but U, the last group open. */
static const int age_starts[OB_IND_AGE_GROUPS - 1] = { 0, 15, 18, 30, 45, 60 };
static const int minor_starts[OB_IND_MINOR_GROUPS - 1] = { 0, 18 };

/* The group among n (and U = n) that holds the whole of lo..hi. */
static int group_of_band(const int *starts, int n, int lo, int hi)
{
	int g = n - 1;

	if (lo < 0 || hi < lo || hi > OB_MAX_AGE)
		return n;
	while (g > 0 && starts[g] > lo)
		g--;
	return g == n - 1 || hi < starts[g + 1] ? g : n;
}

int ob_ii_age_group_of(int age)
{
	return group_of_band(age_starts, OB_IND_AGE_GROUPS - 1, age, age);
}

int ob_ind_age_group_band(int lo, int hi)
{
	return group_of_band(age_starts, OB_IND_AGE_GROUPS - 1, lo, hi);
}

int ob_ind_minor_group_band(int lo, int hi)
{
	return group_of_band(minor_starts, OB_IND_MINOR_GROUPS - 1, lo, hi);
}

int ob_ind_age_group_value(const struct ob_snapshot *s, uint8_t a)
{
	int lo, hi;

	ob_snap_age_range(s, a, &lo, &hi);
	return ob_ind_age_group_band(lo, hi);
}

int ob_ind_minor_group_value(const struct ob_snapshot *s, uint8_t a)
{
	int lo, hi;

	ob_snap_age_range(s, a, &lo, &hi);
	return ob_ind_minor_group_band(lo, hi);
}

void ob_ind_age_accept_bands(const struct ob_snapshot *s, bool *acc)
{
	for (uint32_t i = 0; i < s->n_age_bands && OB_SNAP_AGE_BAND0 + i < OB_SNAP_AGE_UNKNOWN; i++) {
		bool all = true;

		for (int a = s->age_bands[i].lo; a <= s->age_bands[i].hi && all; a++)
			all = acc[a];
		acc[OB_SNAP_AGE_BAND0 + i] = all;
	}
}

/* Values of disaggregation b. */
static size_t by_values(const struct ob_snapshot *snap, enum ob_ind_by b)
{
	switch (b) {
	case OB_BY_SEX: return 3;
	case OB_BY_AGE_GROUP: return OB_IND_AGE_GROUPS;
	case OB_BY_MINOR: return OB_IND_MINOR_GROUPS;
	case OB_BY_SOURCE: return snap->n_sources ? snap->n_sources : 1;
	default: return snap->n_tags[b - OB_BY_MANNER];
	}
}

/* Whether b splits by age. */
static bool by_is_age(enum ob_ind_by b)
{
	return b == OB_BY_AGE_GROUP || b == OB_BY_MINOR;
}

/*
 * Large zeroed arrays (counters, values) come straight from the kernel,
 * asking for huge pages: touching tens of megabytes page by page costs more
 * than filling them.
 */
#define BIG_ALIGN ((size_t)2 << 20)

void *ob_ii_big_calloc(size_t n, size_t *len)
{
	void *p;

	*len = (n + BIG_ALIGN - 1) & ~(BIG_ALIGN - 1);
	if (!*len)
		*len = BIG_ALIGN;
	p = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		ob_out_of_memory(*len); /* does not return */
	}
#ifdef MADV_HUGEPAGE
	madvise(p, *len, MADV_HUGEPAGE);
#endif
	return p;
}

void ob_ii_big_free(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

/* ------------------------------------------------------------------------
 * The query.
 */
void ob_ind_result_free(struct ob_ind_result *r)
{
	if (!r)
		return;
	ob_ii_big_free(r->values, r->values_len);
	free(r->cells);
	free(r->rule);
	free(r->unit_country);
	for (size_t i = 0; i < r->n_own_names; i++)
		free(r->own_names[i]);
	free(r->own_names);
	free(r);
}

const char *ob_ind_cell_label(const struct ob_ind_result *r, size_t c, size_t j)
{
	size_t stride = 1, v;

	if (j >= r->n_by)
		return "";
	for (size_t i = r->n_by; i-- > j + 1;)
		stride *= r->by_values[i];
	v = c / stride % r->by_values[j];
	switch (r->by[j]) {
	case OB_BY_SEX:
		return sex_labels[v];
	case OB_BY_AGE_GROUP:
		return ob_ii_age_groups[v];
	case OB_BY_MINOR:
		return ob_ii_minor_groups[v];
	case OB_BY_SOURCE:
		return ob_snap_str(r->snap, r->snap->sources[v].code);
	default:
		return ob_snap_str(r->snap, r->snap->tags[r->by[j] - OB_BY_MANNER][v]);
	}
}

int ob_ii_days_in(int year, int month)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : dm[month - 1];
}

static ob_err build_plan(const struct ob_snapshot *snap, const struct ob_ind_query *q,
                         const struct compiled *c, struct plan *pl, struct ob_diag *d)
{
	size_t slots = (size_t)(OB_MAX_YEAR + 1) * 13;

	memset(pl, 0, sizeof(*pl));
	pl->snap = snap;
	pl->c = c;
	pl->NP = q->n_periods;
	pl->NT = snap->n_units;
	pl->slot = ob_malloc(slots * sizeof(int16_t));
	pl->day_limit = ob_calloc(q->n_periods, 1);
	pl->unknown_day = ob_calloc(q->n_periods, 1);
	for (size_t i = 0; i < slots; i++)
		pl->slot[i] = SLOT_NONE;
	for (size_t p = 0; p < q->n_periods; p++) {
		const struct ob_period *per = &q->periods[p];
		for (int m = per->from_month; m <= per->to_month; m++) {
			int y = m / 12, mo = m % 12 + 1;
			int16_t v = (int16_t)p;

			if (y < OB_MIN_YEAR || y > OB_MAX_YEAR)
				continue;
			if (per->kind == OB_PERIOD_YTD && m == per->to_month) {
				v = (int16_t)(-2 - (int)p);
				pl->day_limit[p] = (uint8_t)per->end_day;
				pl->unknown_day[p] = per->end_day >= ob_ii_days_in(y, mo);
			}
			if (pl->slot[y * 13 + mo] != SLOT_NONE)
				return OB_DIAG(d, OB_EUSAGE, "--period", 0, 0, per->label,
				               strlen(per->label), "periodos superpuestos",
				               "overlapping periods");
			pl->slot[y * 13 + mo] = v;
		}
		/* records dated by year only belong to whole years */
		if (per->kind == OB_PERIOD_YEAR)
			pl->slot[per->year * 13] = (int16_t)p;
	}
	pl->NC = 1;
	pl->n_by = q->n_by;
	for (size_t j = 0; j < q->n_by; j++) {
		size_t nv = by_values(snap, q->by[j]);
		switch (q->by[j]) {
		case OB_BY_SEX: pl->by_kind[j] = 0; break;
		case OB_BY_AGE_GROUP: case OB_BY_MINOR: pl->by_kind[j] = 1; break;
		case OB_BY_SOURCE: pl->by_kind[j] = 3; break;
		default:
			pl->by_kind[j] = 2;
			pl->by_col8[j] = snap->tag[q->by[j] - OB_BY_MANNER];
		}
		if (pl->NC * nv > OB_MAX_INDICATOR_CELLS)
			return OB_DIAG(d, OB_ETOOBIG, "--by", 0, 0, NULL, 0,
			               "demasiadas combinaciones de desagregación",
			               "too many combinations of disaggregations");
		pl->NC *= nv;
	}
	/* strides, last dimension fastest */
	{
		size_t stride = 1;
		for (size_t j = q->n_by; j-- > 0;) {
			size_t nv = by_values(snap, q->by[j]);
			size_t tabn = pl->by_kind[j] == 3 ? (snap->n_sources ? snap->n_sources : 1) : 256;
			pl->by_tab[j] = ob_calloc(tabn, sizeof(uint32_t));
			for (size_t v = 0; v < tabn; v++) {
				size_t idx;
				if (pl->by_kind[j] == 0)
					idx = v == OB_SNAP_SEX_F ? 0 : v == OB_SNAP_SEX_M ? 1 : 2;
				else if (q->by[j] == OB_BY_AGE_GROUP)
					idx = (size_t)ob_ind_age_group_value(snap, (uint8_t)v);
				else if (q->by[j] == OB_BY_MINOR)
					idx = (size_t)ob_ind_minor_group_value(snap, (uint8_t)v);
				else
					idx = v < nv ? v : 0;
				pl->by_tab[j][v] = (uint32_t)(idx * stride);
			}
			stride *= nv;
		}
	}
	if ((double)c->K * (double)pl->NT * (double)pl->NP * (double)pl->NC > OB_MAX_INDICATOR_CELLS)
		return OB_DIAG(d, OB_ETOOBIG, "indicators", 0, 0, NULL, 0,
		               "la consulta tiene más de %ld celdas; pida menos indicadores, "
		               "periodos o desagregaciones",
		               "the query has more than %ld cells; ask for fewer indicators, "
		               "periods or disaggregations", (long)OB_MAX_INDICATOR_CELLS);
	pl->K = c->K;
	return OB_OK;
}

static void plan_free(struct plan *pl)
{
	free(pl->slot);
	free(pl->day_limit);
	free(pl->unknown_day);
	for (size_t j = 0; j < OB_BY_COUNT; j++)
		free(pl->by_tab[j]);
}

/*
 * The counting rule's choices split the query's periods into groups: the
 * periods of a group choose the same sources for every indicator and
 * country (a reconciliation that covers some years and not others makes
 * two), and each group is counted with its own source tables, in one pass
 * over the records of its periods.
 */
struct cgroup {
	struct ob_count_choice *ch;        /* [slot * nco + country] */
	const struct ob_count_choice **by_set; /* [set index]: its nco choices, or NULL */
	struct compiled c;
	uint8_t *cov;                      /* the coverage map of c (struct coverage) */
	int16_t *slot;                     /* the plan's slots of this group's periods */
};

struct rules_plan {
	size_t M;            /* indicators whose choices are needed */
	size_t *need;        /* their set indices */
	size_t nco;
	struct cgroup *g;
	size_t ng;
	size_t *period_group; /* [period] */
};

static bool choice_same(const struct ob_count_choice *a, const struct ob_count_choice *b)
{
	return a->kind == b->kind && a->institution == b->institution &&
	       (a->source == b->source || (a->source && b->source && !strcmp(a->source, b->source)));
}

static void rules_plan_free(struct rules_plan *rp)
{
	for (size_t g = 0; g < rp->ng; g++) {
		free(rp->g[g].ch);
		free(rp->g[g].by_set);
		ob_ii_compiled_free(&rp->g[g].c);
		free(rp->g[g].cov);
		free(rp->g[g].slot);
	}
	free(rp->g);
	free(rp->need);
	free(rp->period_group);
	memset(rp, 0, sizeof(*rp));
}

/* Group the periods by the choices of the rules (q->rules). */
static void rules_group(const struct ob_snapshot *snap, const struct ob_indicator_set *set,
                        const struct ob_ind_query *q, struct rules_plan *rp)
{
	struct ob_count_choice *tmp;

	memset(rp, 0, sizeof(*rp));
	rp->nco = snap->n_countries ? snap->n_countries : 1;
	rp->need = ob_malloc(2 * q->n_indicators * sizeof(size_t));
	for (size_t i = 0; i < q->n_indicators; i++) {
		const struct ob_indicator *x = &set->v[q->indicators[i]];
		size_t add[2] = { q->indicators[i], SIZE_MAX };
		if (x->denom == OB_DEN_INDICATOR && x->denom_index >= 0)
			add[1] = (size_t)x->denom_index;
		for (int a = 0; a < 2; a++) {
			size_t m;
			if (add[a] == SIZE_MAX)
				continue;
			for (m = 0; m < rp->M && rp->need[m] != add[a]; m++)
				;
			if (m == rp->M)
				rp->need[rp->M++] = add[a];
		}
	}
	rp->period_group = ob_calloc(q->n_periods, sizeof(size_t));
	tmp = ob_calloc(rp->M * rp->nco, sizeof(*tmp));
	for (size_t p = 0; p < q->n_periods; p++) {
		size_t g;
		for (size_t m = 0; m < rp->M; m++)
			for (uint32_t co = 0; co < snap->n_countries; co++)
				ob_counting_for_indicator(q->rules, snap, set, rp->need[m], co,
				                          q->periods[p].from_month, q->periods[p].to_month,
				                          &tmp[m * rp->nco + co]);
		for (g = 0; g < rp->ng; g++) {
			bool same = true;
			for (size_t i = 0; i < rp->M * rp->nco && same; i++)
				same = choice_same(&tmp[i], &rp->g[g].ch[i]);
			if (same)
				break;
		}
		if (g == rp->ng) {
			struct cgroup *x;
			rp->g = ob_realloc(rp->g, (rp->ng + 1) * sizeof(*rp->g));
			x = &rp->g[rp->ng++];
			memset(x, 0, sizeof(*x));
			x->ch = tmp;
			tmp = ob_calloc(rp->M * rp->nco, sizeof(*tmp));
			x->by_set = ob_calloc(set->n ? set->n : 1, sizeof(*x->by_set));
			for (size_t m = 0; m < rp->M; m++)
				x->by_set[rp->need[m]] = &x->ch[m * rp->nco];
		}
		rp->period_group[p] = g;
	}
	free(tmp);
}

/* The choice of a group for set index ind and country co, or NULL. */
static const struct ob_count_choice *group_choice(const struct rules_plan *rp, size_t g,
                                                  size_t ind, uint32_t co)
{
	const struct ob_count_choice *x = rp->ng ? rp->g[g].by_set[ind] : NULL;
	return x ? &x[co] : NULL;
}

/* The name of a result's own making (kept with it). */
static const char *own_name(struct ob_ind_result *r, const char *prefix, const char *v)
{
	size_t n = strlen(prefix) + strlen(v) + 1;
	char *x = ob_malloc(n);

	snprintf(x, n, "%s%s", prefix, v);
	for (char *p = x + strlen(prefix); *p; p++)
		if (*p == '|' || *p == ',')
			*p = '+';
	r->own_names = ob_realloc(r->own_names, (r->n_own_names + 1) * sizeof(char *));
	r->own_names[r->n_own_names++] = x;
	return x;
}

/* What each value of the result counts (ob_ind_result_rule). */
static void name_rules(const struct ob_snapshot *snap, const struct ob_indicator_set *set,
                       const struct ob_ind_query *q, const struct rules_plan *rp, bool ruled,
                       struct ob_ind_result *r)
{
	size_t nco = snap->n_countries ? snap->n_countries : 1;

	r->n_countries = nco;
	r->unit_country = ob_malloc((q->n_units + 1) * sizeof(uint32_t));
	for (size_t ui = 0; ui < q->n_units; ui++)
		r->unit_country[ui] = snap->units[q->units[ui]].country;
	r->rule = ob_malloc((q->n_indicators * nco * q->n_periods + 1) * sizeof(char *));
	for (size_t k = 0; k < q->n_indicators; k++) {
		const struct ob_indicator *x = &set->v[q->indicators[k]];
		const char *fixed = NULL;

		if (q->source) {
			fixed = own_name(r, "victims:", q->source);
		} else if (q->institution >= 0) {
			fixed = ob_counting_institution_name(q->institution);
		} else {
			for (int ci = 0; ci < x->n_clauses && !fixed; ci++)
				if (x->clauses[ci].field == OB_FLD_INSTITUTION ||
				    x->clauses[ci].field == OB_FLD_SOURCE)
					fixed = own_name(r, "victims:", x->clauses[ci].values);
			if (!fixed && !ruled)
				fixed = ob_counting_institution_name(x->institution);
		}
		for (size_t co = 0; co < nco; co++)
			for (size_t p = 0; p < q->n_periods; p++) {
				const struct ob_count_choice *ch =
					fixed ? NULL
					      : group_choice(rp, rp->period_group[p], q->indicators[k],
					                     (uint32_t)co);
				r->rule[(k * nco + co) * q->n_periods + p] =
					fixed ? fixed : ch ? ch->name : OB_COUNT_NAME_RECORDS;
			}
	}
}

const char *ob_ind_result_rule(const struct ob_ind_result *r, size_t k, size_t u, size_t p)
{
	if (!r->rule || k >= r->n_indicators || u >= r->n_units || p >= r->n_periods)
		return OB_COUNT_NAME_RECORDS;
	return r->rule[(k * r->n_countries + r->unit_country[u]) * r->n_periods + p];
}

static inline uint64_t interval_key(bool share, double x, double n)
{
	return share ? KEY_SHARE | ((uint64_t)x << 31) | (uint64_t)n : (uint64_t)x + 1;
}

/* The division day of period p of the query. */
static long division_day(const struct ob_ind_query *q, size_t p)
{
	return q->has_vintage ? q->vintage : ob_period_refday(&q->periods[p]);
}

/*
 * Count the records of units outside each period's division in the unit of
 * the division that holds their territory (a former municipality in the
 * municipality it is now a district of). Their parents already hold them.
 */
static void absorb(const struct ob_snapshot *snap, const struct ob_population *pop,
                   const struct ob_ind_query *q, const struct plan *pl, uint32_t *counts)
{
	size_t block = pl->NC * pl->K;

	for (size_t p = 0; p < q->n_periods; p++) {
		long day = division_day(q, p);

		for (uint32_t w = 0; w < snap->n_units; w++) {
			int32_t t;
			const uint32_t *from;
			uint32_t *to;

			/* (a unit merged into one of its ancestors is already in it) */
			if (ob_unit_valid(pop, w, day) || (t = ob_unit_in_vintage(pop, w, day)) < 0 ||
			    (uint32_t)t == w || ob_ii_under(snap, w, (uint32_t)t))
				continue;
			from = counts + ((size_t)w * pl->NP + p) * block;
			to = counts + ((size_t)t * pl->NP + p) * block;
			for (size_t i = 0; i < block; i++)
				to[i] += from[i];
		}
	}
}

/* The units that took over unit u (valid on day) and are not in that
 * division: records they hold in a period cannot be split into u (a later
 * municipality holds u and its neighbours). At most max; returns how many. */
static size_t takers(const struct ob_population *pop, uint32_t u, long day, uint32_t *out,
                     size_t max)
{
	size_t n = 0;
	int32_t x = (int32_t)u;

	for (uint32_t hops = 0; hops < pop->n_units && n < max; hops++) {
		const struct ob_unit_span *sp = &pop->span[x];
		if (sp->successor < 0)
			break;
		if (!ob_unit_valid(pop, (uint32_t)sp->successor, day))
			out[n++] = (uint32_t)sp->successor;
		x = sp->successor;
	}
	return n;
}

#define MAX_TAKERS 8

/*
 * Count only the records that have an age band and no exact age, as the
 * pass of plan pl counts: the age table of its filters c keeps the band
 * values alone for the pass, then is put back.
 */
static void count_bands(const struct plan *pl, struct compiled *c, const struct ob_ind_query *q,
                        uint32_t *counts)
{
	const struct ob_snapshot *snap = pl->snap;
	uint64_t *keep = c->age, *t = ob_malloc(256 * c->W * sizeof(uint64_t));
	unsigned active = c->active;

	for (size_t v = 0; v < 256; v++)
		for (size_t w = 0; w < c->W; w++)
			t[v * c->W + w] = v >= OB_SNAP_AGE_BAND0 &&
			                  v < OB_SNAP_AGE_BAND0 + snap->n_age_bands ? keep[v * c->W + w] : 0;
	c->age = t;
	c->active |= 1u << OB_FLD_AGE;
	ob_ii_count_all(pl, q, counts);
	c->age = keep;
	c->active = active;
	free(t);
}

ob_err ob_indicators_stream(const struct ob_snapshot *snap, const struct ob_population *pop,
                            const struct ob_indicator_set *set, const struct ob_ind_query *q,
                            ob_ind_sink sink, void *ctx, struct ob_ind_result **out,
                            struct ob_diag *d)
{
	struct compiled c;
	struct plan pl;
	struct ob_ind_result *r = NULL;
	struct cellinfo *ci = NULL;
	struct ob_ind_value *block = NULL;
	struct itable it;
	struct coverage cv;
	uint32_t *counts = NULL, *bands = NULL; /* bands: the victims counted by a band */
	size_t counts_len = 0, bands_len = 0, nblock;
	double t0 = ob_now(), t1;
	int m0 = INT32_MAX, m1 = INT32_MIN, by_age = -1;
	bool vint = pop && pop->span && pop->n_units == snap->n_units;
	struct rules_plan rp;
	bool ruled;
	ob_err e;

	*out = NULL;
	memset(&pl, 0, sizeof(pl));
	memset(&c, 0, sizeof(c));
	memset(&it, 0, sizeof(it));
	memset(&rp, 0, sizeof(rp));
	memset(&cv, 0, sizeof(cv));
	if (!q->n_indicators || !q->n_units || !q->n_periods)
		return OB_DIAG(d, OB_EUSAGE, "indicators", 0, 0, NULL, 0,
		               "consulta vacía: faltan indicadores, territorios o periodos",
		               "empty query: indicators, territories or periods are missing");
	if (!(q->level > 0 && q->level < 1) || !(q->unreliable_below >= 0))
		return OB_DIAG(d, OB_EUSAGE, "--level-conf", 0, 0, NULL, 0,
		               "nivel de confianza fuera de (0, 1)",
		               "confidence level out of (0, 1)");
	for (size_t j = 0; j < q->n_by; j++) {
		if (q->by[j] >= OB_BY_COUNT)
			return OB_DIAG(d, OB_EUSAGE, "--by", 0, 0, NULL, 0,
			               "desagregación no válida", "invalid disaggregation");
		for (size_t i = 0; i < j; i++)
			if (q->by[i] == q->by[j])
				return OB_DIAG(d, OB_EUSAGE, "--by", 0, 0, ob_ind_by_name(q->by[j]),
				               strlen(ob_ind_by_name(q->by[j])),
				               "desagregación repetida", "disaggregation given twice");
		if (by_is_age(q->by[j])) {
			if (by_age >= 0)
				return OB_DIAG(d, OB_EUSAGE, "--by", 0, 0, ob_ind_by_name(q->by[j]),
				               strlen(ob_ind_by_name(q->by[j])),
				               "age_group y minor a la vez: se pide una de las dos",
				               "age_group and minor together: ask for one");
			by_age = (int)j;
		}
	}
	for (size_t i = 0; i < q->n_units; i++)
		if (q->units[i] >= snap->n_units)
			return OB_DIAG(d, OB_EUSAGE, "--territory", 0, 0, NULL, 0,
			               "territorio no válido", "invalid territory");
	for (size_t i = 0; i < q->n_indicators; i++)
		if (q->indicators[i] >= set->n)
			return OB_DIAG(d, OB_EUSAGE, "--indicator", 0, 0, NULL, 0,
			               "indicador no válido", "invalid indicator");
	for (size_t p = 0; p < q->n_periods; p++) {
		if (q->periods[p].from_month < m0)
			m0 = q->periods[p].from_month;
		if (q->periods[p].to_month > m1)
			m1 = q->periods[p].to_month;
	}
	ruled = q->rules && !q->source && q->institution < 0;
	if (ruled)
		rules_group(snap, set, q, &rp);
	if ((e = ob_ii_compile(snap, pop, set, q,
	                 ruled ? (const struct ob_count_choice *const *)rp.g[0].by_set : NULL, &c,
	                 d)))
		goto fail;
	if ((e = build_plan(snap, q, &c, &pl, d)))
		goto fail;
	counts = ob_ii_big_calloc(pl.NT * pl.NP * pl.NC * pl.K * sizeof(uint32_t), &counts_len);
	if (rp.ng > 1) {
		/* one pass per group of periods, each with its own source tables */
		size_t slots = (size_t)(OB_MAX_YEAR + 1) * 13;
		for (size_t g = 0; g < rp.ng; g++) {
			struct cgroup *x = &rp.g[g];
			struct plan pg = pl;
			if ((e = ob_ii_compile(snap, pop, set, q,
			                 (const struct ob_count_choice *const *)x->by_set, &x->c, d)))
				goto fail;
			x->slot = ob_malloc(slots * sizeof(int16_t));
			for (size_t i = 0; i < slots; i++) {
				int sl = pl.slot[i];
				int per = sl < SLOT_NONE ? -(sl + 2) : sl;
				x->slot[i] = sl != SLOT_NONE && rp.period_group[per] == g ? (int16_t)sl
				                                                          : SLOT_NONE;
			}
			pg.c = &x->c;
			pg.slot = x->slot;
			ob_ii_count_all(&pg, q, counts);
		}
	} else {
		ob_ii_count_all(&pl, q, counts);
	}
	ob_ii_aggregate(&pl, counts);
	if (vint)
		absorb(snap, pop, q, &pl, counts);
	if (by_age >= 0 && snap->n_age_bands) {
		/* by age, the victims that a band placed, counted again alone */
		bands = ob_ii_big_calloc(pl.NT * pl.NP * pl.NC * pl.K * sizeof(uint32_t), &bands_len);
		if (rp.ng > 1) {
			for (size_t g = 0; g < rp.ng; g++) {
				struct plan pg = pl;
				pg.c = &rp.g[g].c;
				pg.slot = rp.g[g].slot;
				count_bands(&pg, &rp.g[g].c, q, bands);
			}
		} else {
			count_bands(&pl, &c, q, bands);
		}
		ob_ii_aggregate(&pl, bands);
		if (vint)
			absorb(snap, pop, q, &pl, bands);
	}
	t1 = ob_now();

	r = ob_calloc(1, sizeof(*r));
	r->snap = snap;
	r->n_indicators = q->n_indicators;
	r->n_units = q->n_units;
	r->n_periods = q->n_periods;
	r->n_cells = pl.NC;
	r->n_by = q->n_by;
	for (size_t j = 0; j < q->n_by; j++) {
		r->by[j] = q->by[j];
		r->by_values[j] = by_values(snap, q->by[j]);
	}
	r->records = snap->n;
	name_rules(snap, set, q, &rp, ruled, r);
	r->cells = ob_malloc(q->n_indicators * sizeof(size_t));
	for (size_t k = 0; k < q->n_indicators; k++) {
		const struct ob_indicator *x = &set->v[q->indicators[k]];
		bool split = true;
		for (size_t j = 0; j < q->n_by; j++)
			split = split && (x->by_allowed >> q->by[j] & 1);
		r->cells[k] = split ? pl.NC : 1;
	}
	/* the sex and age of each cell, for its denominator; what its coverage
	 * needs (the field of each known value, the source of a source cell) */
	ci = ob_calloc(pl.NC, sizeof(*ci));
	cv.cell_key = ob_calloc(pl.NC, sizeof(size_t));
	cv.cell_key_muni = ob_calloc(pl.NC, sizeof(size_t));
	ob_ii_cov_key(&cv, 0, -1, -1);
	cv.total_muni = ob_ii_cov_key(&cv, 1u << OB_FLD_MUNICIPALITY, -1, -1);
	for (size_t cell = 0; cell < pl.NC; cell++) {
		size_t stride = 1;
		uint32_t need = 0;
		int32_t src = -1, manner = -1;

		ci[cell].sex = -1;
		ci[cell].age = by_age >= 0;
		for (size_t j = q->n_by; j-- > 0;) {
			size_t v = cell / stride % r->by_values[j];
			switch (q->by[j]) {
			case OB_BY_SEX:
				ci[cell].sex = (int)v;
				if (v != 2)
					need |= 1u << OB_FLD_SEX;
				break;
			case OB_BY_AGE_GROUP:
			case OB_BY_MINOR:
				if (v != r->by_values[j] - 1)
					need |= 1u << OB_FLD_AGE;
				break;
			case OB_BY_SOURCE:
				src = (int32_t)v;
				break;
			default:
				if (v != 0)
					need |= 1u << (OB_FLD_MANNER + (q->by[j] - OB_BY_MANNER));
				if (v != 0 && q->by[j] == OB_BY_MANNER)
					manner = (int32_t)v;
			}
			stride *= r->by_values[j];
		}
		cv.cell_key[cell] = ob_ii_cov_key(&cv, need, src, manner);
		cv.cell_key_muni[cell] =
			ob_ii_cov_key(&cv, need | 1u << OB_FLD_MUNICIPALITY, src, manner);
	}
	cv.m0 = m0;
	cv.span = (size_t)(m1 - m0 + 1);
	cv.nco = snap->n_countries ? snap->n_countries : 1;
	cv.map = ob_malloc(cv.nkeys * cv.nco * cv.span + 1);
	cv.used = ob_calloc(cv.nkeys, sizeof(bool));
	ob_ii_itable_init(&it, 4096);
	/* the intervals the values will need (every count that may get a
	 * denominator), solved beforehand over threads */
	for (size_t k = 0; k < q->n_indicators; k++) {
		const struct ob_indicator *x = &set->v[q->indicators[k]];
		bool split = r->cells[k] > 1, share = x->denom == OB_DEN_INDICATOR;
		size_t dk = share ? (size_t)c.denom[k] : 0;

		if (!share && x->denom_age_lo >= 0)
			continue; /* no population by age: no rate */
		for (size_t ui = 0; ui < q->n_units; ui++)
			for (size_t p = 0; p < q->n_periods; p++) {
				const uint32_t *cnt = counts + ((size_t)q->units[ui] * pl.NP + p) * pl.NC * pl.K;
				double xs = 0, ds = 0;
				for (size_t cell = 0; cell < pl.NC; cell++) {
					if (split) {
						if (!share || cnt[cell * pl.K + dk])
							ob_ii_itable_get(&it, interval_key(share, cnt[cell * pl.K + k],
							                             cnt[cell * pl.K + dk]), true);
						continue;
					}
					xs += cnt[cell * pl.K + k];
					ds += share ? cnt[cell * pl.K + dk] : 0;
				}
				if (!split && (!share || ds > 0))
					ob_ii_itable_get(&it, interval_key(share, xs, ds), true);
			}
	}
	ob_ii_itable_solve(&it, q->level, ob_ii_thread_count(q, (uint64_t)it.n * 262144 / 64));
	/* one indicator's values at a time, in a block that stays in cache */
	nblock = q->n_units * q->n_periods * pl.NC;
	block = ob_malloc(nblock * sizeof(*block));
	for (size_t k = 0; k < q->n_indicators; k++) {
		const struct ob_indicator *x = &set->v[q->indicators[k]];
		bool split = r->cells[k] > 1, share = x->denom == OB_DEN_INDICATOR;
		size_t dk = share ? (size_t)c.denom[k] : 0, plane = cv.nco * cv.span;
		const struct cellinfo total_cell = { -1, false };

		memset(block, 0, nblock * sizeof(*block));
		ob_ii_cov_fill(snap, pop, &c, k, split, &cv);
		for (size_t g = 0; rp.ng > 1 && g < rp.ng; g++) {
			struct coverage gc = cv;
			if (!rp.g[g].cov)
				rp.g[g].cov = ob_malloc(cv.nkeys * plane + 1);
			gc.map = rp.g[g].cov;
			ob_ii_cov_fill(snap, pop, &rp.g[g].c, k, split, &gc);
		}
		for (size_t ui = 0; ui < q->n_units; ui++) {
			uint32_t u = q->units[ui];
			size_t crow = (size_t)snap->units[u].country * cv.span;
			/* an admin-2 cell rests on the deliveries that say the
			 * municipality, not those that stop at the department */
			bool muni = snap->units[u].level >= 2;
			const size_t *ckey = muni ? cv.cell_key_muni : cv.cell_key;

			for (size_t p = 0; p < q->n_periods; p++) {
				const struct ob_period *per = &q->periods[p];
				const uint8_t *map = rp.ng > 1 ? rp.g[rp.period_group[p]].cov : cv.map;
				const uint32_t *cnt = counts + ((size_t)u * pl.NP + p) * pl.NC * pl.K;
				struct ob_ind_value *v = &block[(ui * q->n_periods + p) * pl.NC];
				unsigned total = (unsigned)(per->to_month - per->from_month + 1);
				size_t ncell = split ? pl.NC : 1, nt = 0;
				long day = division_day(q, p);
				uint32_t tk[MAX_TAKERS];

				if (vint && !ob_unit_valid(pop, u, day)) {
					for (size_t cell = 0; cell < ncell; cell++) {
						v[cell].flags = OB_IND_NOT_IN_VINTAGE;
						v[cell].months_total = (uint16_t)total;
					}
					continue;
				}
				if (vint)
					nt = takers(pop, u, day, tk, MAX_TAKERS);
				for (size_t cell = 0; cell < ncell; cell++) {
					const uint8_t *row =
						map + (split ? ckey[cell] : muni ? cv.total_muni : 0) * plane +
						crow;
					unsigned covered = 0;
					double xs = 0, ds = 0, taken = 0, xb = 0;

					for (int m = per->from_month; m <= per->to_month; m++)
						covered += row[m - m0];
					for (size_t cl = split ? cell : 0; cl < (split ? cell + 1 : pl.NC); cl++) {
						xs += cnt[cl * pl.K + k];
						if (bands && split)
							xb += bands[(((size_t)u * pl.NP + p) * pl.NC + cl) * pl.K + k];
						if (share)
							ds += cnt[cl * pl.K + dk];
						for (size_t i = 0; i < nt; i++)
							taken += counts[(((size_t)tk[i] * pl.NP + p) * pl.NC + cl) *
							                pl.K + k];
					}
					ob_ii_fill_value(x, q, pop, u, per, day, vint, split ? &ci[cell] : &total_cell,
					           xs, ds, covered, total, taken > 0, &v[cell]);
					if (xb > 0 && !(v[cell].flags & OB_IND_NO_DATA)) {
						v[cell].from_band = xb;
						v[cell].flags |= OB_IND_AGE_BAND;
					}
				}
				for (size_t cell = 0; cell < ncell; cell++, v++) {
					const struct ientry *en;
					if (!(v->denominator > 0) || (v->flags & OB_IND_NO_DATA))
						continue;
					en = ob_ii_interval_of(&it, interval_key(share, v->count, v->denominator),
					                 q->level);
					if (share) {
						v->lower = x->multiplier * en->lo;
						v->upper = x->multiplier * en->hi;
					} else {
						v->lower = x->multiplier * en->lo / v->denominator;
						v->upper = x->multiplier * en->hi / v->denominator;
					}
				}
			}
		}
		if (sink(ctx, r, k, block)) {
			e = OB_DIAG(d, OB_EIO, "indicators", 0, 0, NULL, 0,
			            "no se pudo escribir la salida",
			            "could not write the output");
			goto fail;
		}
	}
	r->seconds_count = t1 - t0;
	r->seconds_total = ob_now() - t0;
	free(it.e);
	free(block);
	free(ci);
	ob_ii_cov_free(&cv);
	ob_ii_big_free(counts, counts_len);
	ob_ii_big_free(bands, bands_len);
	plan_free(&pl);
	ob_ii_compiled_free(&c);
	rules_plan_free(&rp);
	*out = r;
	return OB_OK;
fail:
	free(it.e);
	free(block);
	free(ci);
	ob_ii_cov_free(&cv);
	ob_ii_big_free(counts, counts_len);
	ob_ii_big_free(bands, bands_len);
	plan_free(&pl);
	ob_ii_compiled_free(&c);
	rules_plan_free(&rp);
	ob_ind_result_free(r);
	return e;
}

/* The materializing sink: every block copied into the result. */
struct keep {
	struct ob_ind_value *values;
	size_t len, per_indicator;
};

static int keep_block(void *ctx, const struct ob_ind_result *r, size_t k,
                      const struct ob_ind_value *block)
{
	struct keep *kp = ctx;

	if (!kp->values) {
		kp->per_indicator = r->n_units * r->n_periods * r->n_cells;
		kp->values = ob_ii_big_calloc(r->n_indicators * kp->per_indicator * sizeof(*block), &kp->len);
	}
	memcpy(kp->values + k * kp->per_indicator, block, kp->per_indicator * sizeof(*block));
	return 0;
}

ob_err ob_indicators_compute(const struct ob_snapshot *snap, const struct ob_population *pop,
                             const struct ob_indicator_set *set, const struct ob_ind_query *q,
                             struct ob_ind_result **out, struct ob_diag *d)
{
	struct keep kp = { NULL, 0, 0 };
	ob_err e = ob_indicators_stream(snap, pop, set, q, keep_block, &kp, out, d);

	if (e) {
		ob_ii_big_free(kp.values, kp.len);
		return e;
	}
	(*out)->values = kp.values;
	(*out)->values_len = kp.len;
	return OB_OK;
}
