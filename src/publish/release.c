/* release.c - immutable versioned releases of the public tables (see release.h). */
#include "publish/release.h"

#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/sha256.h"
#include "base/strmap.h"
#include "engine/counting.h"
#include "catalog/catalog.h"
#include "engine/completeness.h"
#include "engine/indicators.h"
#include "engine/snapshot.h"
#include "io/csvw.h"
#include "io/json.h"
#include "publish/sdc.h"
#include "reconcile/reconcile.h"
#include "stats/rate.h"
#include "store/audit.h"

#define MAX_DIMS 8

enum { HAS_COUNT = 1, HAS_DEN = 2, HAS_VAL = 4 };

/* What a no-data cell shows in the status column and SDMX's OBS_STATUS. */
#define NO_DATA_FLAG "M"

struct rrow {
	const char *dim[MAX_DIMS];
	long long count;
	double den, val, lo, hi;
	uint32_t flags;
	uint8_t has;
	bool suppressed;
	bool nodata;            /* nothing delivered that records it: no count, "M" */
	uint8_t delivered;      /* completeness: 1 when delivered */
	int superseded;         /* completeness: superseded deliveries */
};

enum rkind {
	RT_RATES,    /* count, denominator, value, interval, flags, status */
	RT_COUNTS,   /* count, status */
	RT_DELIVERY, /* delivered, superseded */
};

struct rtable {
	const char *id, *title_es, *title_en;
	enum rkind kind;
	size_t ndims;
	const char *dims[MAX_DIMS];
	struct rrow *rows;
	size_t n, cap;
};

#define NTABLES 4

struct rel {
	const char *dir;
	const struct ob_release_options *o;
	struct ob_store *st;
	struct ob_snapshot *snap;
	struct ob_completeness comp;
	struct ob_population *pop;
	struct ob_indicator_set *set;
	struct ob_counting *rules;   /* what each count counts (engine/counting.h) */
	struct ob_strmap names;      /* rule names kept for the rows */
	struct ob_sdc_config cfg;
	struct ob_period *periods;
	size_t n_periods;
	char (*yearstr)[8];
	long *day;                 /* per period: the day of its territorial division */
	char (*monthstr)[8];       /* completeness: per month of its range */
	/* territory trees */
	long *node_of, *resid_of;  /* per unit: node in its country's tree */
	size_t *kid_first, *kids;  /* children of each unit */
	struct rtable t[NTABLES];
	size_t *geo_row;           /* indicators: row of (k, u, p, T), or SIZE_MAX */
	char tmp[OB_MAX_PATH];
	char *files[OB_MAX_RELEASE_FILES];
	size_t nfiles;
	struct ob_release_result *res;
	struct ob_diag *d;
};

static const char *const level_str[] = { "0", "1", "2", "3" };
static const char *const sex_str[] = { "T", "F", "M", "U" };

static void progress(const struct rel *r, const char *fmt, ...) OB_PRINTF(2, 3);
static void progress(const struct rel *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->o->progress)
		return;
	va_start(ap, fmt);
	fputs("observa publish: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static struct rrow *add_row(struct rtable *t)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->rows = ob_realloc(t->rows, t->cap * sizeof(*t->rows));
	}
	memset(&t->rows[t->n], 0, sizeof(t->rows[0]));
	return &t->rows[t->n++];
}

/* A rule name kept for the release's lifetime. */
static const char *keep_name(struct rel *r, const char *name)
{
	struct ob_strmap_entry *e = ob_strmap_find(&r->names, name, strlen(name));

	if (!e) {
		ob_strmap_put(&r->names, name, strlen(name), NULL, NULL);
		e = ob_strmap_find(&r->names, name, strlen(name));
	}
	return e ? e->key : "?";
}

/* ---- territory trees ---- */

static void build_trees(struct rel *r)
{
	const struct ob_snapshot *s = r->snap;
	size_t nu = s->n_units, *cnt = ob_calloc(nu + 1, sizeof(size_t));

	r->node_of = ob_malloc((nu + 1) * sizeof(long));
	r->resid_of = ob_malloc((nu + 1) * sizeof(long));
	r->kid_first = ob_calloc(nu + 2, sizeof(size_t));
	r->kids = ob_calloc(nu + 1, sizeof(size_t));
	for (size_t u = 0; u < nu; u++)
		if (s->units[u].parent >= 0 && (size_t)s->units[u].parent < nu)
			r->kid_first[s->units[u].parent + 1]++;
	for (size_t u = 0; u < nu; u++)
		r->kid_first[u + 1] += r->kid_first[u];
	for (size_t u = 0; u < nu; u++) {
		long p = s->units[u].parent;
		if (p >= 0 && (size_t)p < nu)
			r->kids[r->kid_first[p] + cnt[p]++] = u;
	}
	free(cnt);
}

/* The valid ancestor of unit u on day (u itself when valid), or -1. */
static long valid_up(const struct rel *r, long u, long day)
{
	const struct ob_snapshot *s = r->snap;

	while (u >= 0 && (size_t)u < s->n_units && !ob_unit_valid(r->pop, (uint32_t)u, day))
		u = s->units[u].parent;
	return u >= 0 && (size_t)u < s->n_units ? u : -1;
}

/* The rows dimension of one country on one day: nodes for its units valid
 * that day, then one unallocated leaf under each unit with valid children.
 * Returns the node count; *unit_of receives the unit of each node
 * (residual nodes: their owner) and *is_resid whether it is a residual
 * node. */
static size_t country_tree(struct rel *r, uint16_t country, long day, long **parent,
                           size_t **unit_of, bool **is_resid)
{
	const struct ob_snapshot *s = r->snap;
	size_t n = 0, nu = s->n_units;
	bool *has_kids = ob_calloc(nu + 1, sizeof(bool));

	*parent = ob_malloc((2 * nu + 1) * sizeof(long));
	*unit_of = ob_malloc((2 * nu + 1) * sizeof(size_t));
	*is_resid = ob_calloc(2 * nu + 1, sizeof(bool));
	for (size_t u = 0; u < nu; u++) {
		r->resid_of[u] = -1;
		if (s->units[u].country != country || !ob_unit_valid(r->pop, (uint32_t)u, day)) {
			r->node_of[u] = -1;
			continue;
		}
		r->node_of[u] = (long)n;
		(*unit_of)[n++] = u;
	}
	for (size_t i = 0; i < n; i++) {
		long p = valid_up(r, s->units[(*unit_of)[i]].parent, day);
		(*parent)[i] = p >= 0 ? r->node_of[p] : -1;
		if (p >= 0)
			has_kids[p] = true;
	}
	for (size_t i = 0, m = n; i < m; i++) {
		size_t u = (*unit_of)[i];
		if (!has_kids[u])
			continue;
		r->resid_of[u] = (long)n;
		(*parent)[n] = (long)i;
		(*unit_of)[n] = u;
		(*is_resid)[n] = true;
		n++;
	}
	free(has_kids);
	return n;
}

/* ---- indicators ---- */

/* Class of an indicator: sexual violence when its numerator counts ICCS
 * section 03; minors when every victim age it counts is under 18. */
static unsigned indicator_class(const struct ob_indicator *ind)
{
	unsigned cls = 0;

	for (int i = 0; i < ind->n_clauses; i++) {
		const struct ob_ind_clause *c = &ind->clauses[i];
		if (c->field == OB_FLD_CATEGORY) {
			const char *v = c->values;
			while (*v) {
				cls |= ob_sdc_class_of_iccs(v);
				v = strchr(v, '|');
				if (!v)
					break;
				v++;
			}
		} else if (c->field == OB_FLD_AGE) {
			bool minors = true;
			const char *v = c->values;
			while (*v) {
				long long a, b;
				const char *bar = strchr(v, '|'), *dash = strchr(v, '-');
				size_t n = bar ? (size_t)(bar - v) : strlen(v);
				if (dash && dash < v + n) {
					if (!ob_parse_int(dash + 1, (size_t)(v + n - dash - 1), 0, 200, &b))
						minors = false;
					else if (b >= 18)
						minors = false;
				} else if (!ob_parse_int(v, n, 0, 200, &a) || a >= 18) {
					minors = false;
				}
				(void)a;
				if (!bar)
					break;
				v = bar + 1;
			}
			if (minors)
				cls |= OB_SDC_MINORS;
		}
	}
	if (ind->iccs)
		cls |= ob_sdc_class_of_iccs(ind->iccs);
	return cls;
}

static ob_err compute_indicators(struct rel *r)
{
	const struct ob_snapshot *s = r->snap;
	struct ob_ind_result *rt = NULL, *rs = NULL;
	struct ob_ind_query q;
	enum ob_ind_by by_sex = OB_BY_SEX;
	size_t nk = r->set->n, nu = s->n_units, np = r->n_periods;
	size_t *ind = ob_malloc((nk + 1) * sizeof(size_t));
	uint32_t *units = ob_malloc((nu + 1) * sizeof(uint32_t));
	size_t ncell = nk * nu * np * 4;
	long long *cnt = ob_calloc(ncell + 1, sizeof(long long));
	unsigned char *shown = ob_calloc(ncell + 1, 1);
	struct rtable *t = &r->t[0];
	ob_err e;

	for (size_t k = 0; k < nk; k++)
		ind[k] = k;
	for (size_t u = 0; u < nu; u++)
		units[u] = (uint32_t)u;
	memset(&q, 0, sizeof(q));
	q.indicators = ind;
	q.n_indicators = nk;
	q.units = units;
	q.n_units = nu;
	q.periods = r->periods;
	q.n_periods = np;
	q.level = 0.95;
	q.unreliable_below = OB_RATE_UNRELIABLE_BELOW;
	q.institution = -1;
	q.rules = r->rules;
	progress(r, "indicadores: %zu indicadores x %zu territorios x %zu años", nk, nu, np);
	if ((e = ob_indicators_compute(s, r->pop, r->set, &q, &rt, r->d)))
		goto free_arrays;
	q.by = &by_sex;
	q.n_by = 1;
	if ((e = ob_indicators_compute(s, r->pop, r->set, &q, &rs, r->d)))
		goto free_arrays;
	progress(r, "control de divulgación de los indicadores");
#define IX(k, u, p, c) ((((k) * nu + (u)) * np + (p)) * 4 + (c))
	for (size_t k = 0; k < nk; k++) {
		bool by = rs->cells[k] > 1;
		unsigned cls = indicator_class(&r->set->v[k]);
		long colpar[4] = { -1, 0, 0, 0 };
		struct ob_sdc_dim cols = { by ? 4 : 1, colpar };

		for (uint32_t ci = 0; ci < s->n_countries; ci++) {
			for (size_t p = 0; p < np; p++) {
				long *parent;
				size_t *unit_of;
				bool *resid;
				size_t nn = country_tree(r, (uint16_t)ci, r->day[p], &parent, &unit_of,
				                         &resid);
				struct ob_sdc_dim rows = { nn, parent };
				struct ob_sdc_table tb;
				struct ob_sdc_stats stats;

				if (!nn) {
					free(parent);
					free(unit_of);
					free(resid);
					continue;
				}
				if ((e = ob_sdc_table_init(&tb, &rows, &cols, cls, r->d)))
					goto tree_fail;
				for (size_t i = 0; i < nn; i++) {
					size_t u = unit_of[i];
					if (!ob_sdc_row_is_leaf(&tb, i))
						continue;
					for (size_t c = by ? 1 : 0; c < cols.n; c++) {
						const struct ob_ind_result *src = by ? rs : rt;
						size_t cell = by ? c - 1 : 0;
						double v = ob_ind_result_at(src, k, u, p, cell)->count;
						/* units outside the division count 0 here */
						if (resid[i])
							for (size_t j = r->kid_first[u]; j < r->kid_first[u + 1]; j++)
								v -= ob_ind_result_at(src, k, r->kids[j], p, cell)->count;
						if (!(v > 0))
							v = 0;
						if ((e = ob_sdc_set(&tb, i, c, llround(v))))
							break;
					}
				}
				if (!e)
					e = ob_sdc_protect(&tb, &r->cfg, &stats, r->d);
				if (!e) {
					for (size_t i = 0; i < nn; i++) {
						if (resid[i])
							continue;
						for (size_t c = 0; c < cols.n; c++) {
							long long v;
							size_t x = IX(k, unit_of[i], p, c);
							shown[x] = ob_sdc_value(&tb, i, c, &v);
							cnt[x] = shown[x] ? v : 0;
						}
					}
				}
				ob_sdc_table_release(&tb);
tree_fail:
				free(parent);
				free(unit_of);
				free(resid);
				if (e)
					goto free_arrays;
			}
		}
	}
	/* rows */
	r->geo_row = ob_malloc((nk * nu * np + 1) * sizeof(size_t));
	for (size_t k = 0; k < nk; k++) {
		const struct ob_indicator *id = &r->set->v[k];
		bool by = rs->cells[k] > 1;
		long dk = id->denom == OB_DEN_INDICATOR ? id->denom_index : -1;
		bool dby = dk >= 0 && rs->cells[dk] > 1;

		for (size_t u = 0; u < nu; u++) {
			const struct ob_snap_unit *un = &s->units[u];
			for (size_t p = 0; p < np; p++) {
				for (size_t c = 0; c < (by ? 4u : 1u); c++) {
					const struct ob_ind_value *v =
						c ? ob_ind_result_at(rs, k, u, p, c - 1)
						  : ob_ind_result_at(rt, k, u, p, 0);
					struct rrow *w = add_row(t);
					size_t x = IX(k, u, p, c);
					bool value_ok;

					if (c == 0)
						r->geo_row[(k * nu + u) * np + p] = t->n - 1;
					if (v->flags & OB_IND_NOT_IN_VINTAGE) {
						/* not a unit of that year's division: no row */
						t->n--;
						if (c == 0)
							r->geo_row[(k * nu + u) * np + p] = SIZE_MAX;
						continue;
					}
					w->dim[0] = id->id;
					w->dim[1] = ob_snap_str(s, s->countries[un->country]);
					w->dim[2] = ob_snap_str(s, un->code);
					w->dim[3] = ob_snap_str(s, un->name);
					w->dim[4] = level_str[un->level < 3 ? un->level : 3];
					w->dim[5] = r->yearstr[p];
					w->dim[6] = sex_str[c];
					w->dim[7] = keep_name(r, ob_ind_result_rule(rt, k, u, p));
					w->flags = v->flags;
					if (v->flags & OB_IND_NO_DATA) {
						/* nothing delivered records it: no count, whatever
						 * the protection did with its 0; a population is
						 * public all the same */
						w->nodata = true;
						if (dk < 0 && !(v->flags & OB_IND_MISSING_DENOMINATOR)) {
							w->den = v->denominator;
							w->has = HAS_DEN;
						}
						continue;
					}
					if (!shown[x]) {
						w->suppressed = true;
						r->res->cells_suppressed++;
						continue;
					}
					w->count = cnt[x];
					w->has = HAS_COUNT;
					if (!(v->flags & (OB_IND_MISSING_DENOMINATOR | OB_IND_NO_DATA))) {
						w->den = v->denominator;
						w->has |= HAS_DEN;
					}
					value_ok = !(v->flags & (OB_IND_MISSING_DENOMINATOR | OB_IND_NO_DATA));
					if (dk >= 0) {
						/* a share tells its denominator: both counts must be public */
						bool den_shown = (c == 0 || dby) &&
						                 shown[IX((size_t)dk, u, p, c)];
						if (!den_shown) {
							/* the whole cell is withheld: C means no
							 * count and no value */
							w->has = 0;
							w->suppressed = true;
							r->res->cells_suppressed++;
							continue;
						}
					}
					if (value_ok && fabs(v->count - (double)cnt[x]) < 0.5) {
						w->val = v->value;
						w->lo = v->lower;
						w->hi = v->upper;
						w->has |= HAS_VAL;
					}
				}
			}
		}
	}
#undef IX
	e = OB_OK;
free_arrays:
	ob_ind_result_free(rt);
	ob_ind_result_free(rs);
	free(ind);
	free(units);
	free(cnt);
	free(shown);
	return e;
}

/* ---- the counting rules, record by record ---- */

/*
 * Which records the counting rules count, as the analyser does by default:
 * for each source, category and manner, the rule's choice in the years a
 * reconciliation covers (for the source's country) and in the others. A
 * record taken gets the number (1..63) of its rule's name.
 */
struct rules_acc {
	const struct rel *r;
	uint32_t ncat, nman;
	uint8_t *take;        /* [(source * ncat + cat) * nman + manner][covered] */
	uint8_t *covered;     /* [country][period] */
	const char *names[64];
	size_t n_names;
};

static uint8_t name_number(struct rules_acc *a, const char *name)
{
	for (size_t i = 0; i < a->n_names; i++)
		if (!strcmp(a->names[i], name))
			return (uint8_t)(i + 1);
	if (a->n_names >= 63)
		return 63;
	a->names[a->n_names++] = name;
	return (uint8_t)a->n_names;
}

static void rules_accept(struct rel *r, struct rules_acc *a)
{
	const struct ob_snapshot *s = r->snap;
	size_t nco = s->n_countries ? s->n_countries : 1;

	memset(a, 0, sizeof(*a));
	a->r = r;
	a->ncat = s->n_categories ? s->n_categories : 1;
	a->nman = s->n_tags[OB_SNAP_MANNER] ? s->n_tags[OB_SNAP_MANNER] : 1;
	a->take = ob_calloc((size_t)s->n_sources * a->ncat * a->nman * 2 + 1, 1);
	a->covered = ob_calloc(nco * r->n_periods + 1, 1);
	for (uint32_t co = 0; co < s->n_countries; co++)
		for (size_t p = 0; p < r->n_periods; p++)
			a->covered[co * r->n_periods + p] = ob_counting_validated_covers(
				s, co, r->periods[p].from_month, r->periods[p].to_month);
	for (uint32_t co = 0; co < s->n_countries; co++)
		for (uint32_t c = 0; c < a->ncat; c++)
			for (uint32_t m = 0; m < a->nman; m++)
				for (int cov = 0; cov < 2; cov++) {
					struct ob_count_choice ch;
					uint8_t num;
					/* a year covered or not: the choice needs only which */
					int year = 0;
					for (size_t p = 0; p < r->n_periods && !year; p++)
						if (a->covered[co * r->n_periods + p] == cov)
							year = r->periods[p].year;
					if (cov && !year)
						continue;
					ob_counting_for_record(r->rules, s, co, c, m, year, &ch);
					num = name_number(a, ch.name);
					for (uint32_t k = 0; k < s->n_sources; k++)
						if (s->sources[k].country == co &&
						    ob_count_choice_accepts(s, &ch, co, k))
							a->take[(((size_t)k * a->ncat + c) * a->nman + m) * 2 +
							        (size_t)cov] = num;
				}
}

static inline uint8_t rules_take(const struct rules_acc *a, const struct ob_snapshot *s,
                                 uint64_t i, size_t p)
{
	uint32_t k = s->source[i], co = k < s->n_sources ? s->sources[k].country : 0;
	uint32_t c = s->category[i], m = s->tag[OB_SNAP_MANNER][i];

	if (k >= s->n_sources || c >= a->ncat || m >= a->nman)
		return 0;
	return a->take[(((size_t)k * a->ncat + c) * a->nman + m) * 2 +
	               a->covered[co * a->r->n_periods + p]];
}

/* The rule of a cell from the rules of its records; without records, the
 * rule for its category (manner unknown) in that country and year. */
static const char *rules_name(const struct rules_acc *a, uint64_t mask, uint32_t country,
                              long cat, size_t p)
{
	struct ob_count_choice ch;

	if (mask && !(mask & (mask - 1)) && (size_t)__builtin_ctzll(mask) < a->n_names &&
	    __builtin_ctzll(mask) < 62)
		return a->names[__builtin_ctzll(mask)];
	if (mask)
		return "mixed";
	ob_counting_for_record(a->r->rules, a->r->snap, country, cat >= 0 ? (uint32_t)cat : 0, 0,
	                       a->covered[country * a->r->n_periods + p] ? a->r->periods[p].year
	                                                                 : 0, &ch);
	return ch.name;
}

static void rules_acc_release(struct rules_acc *a)
{
	free(a->take);
	free(a->covered);
}

/* ---- counts by ICCS division ---- */

/* Which categories the sources of each country deliver each year:
 * [p][country][category], set when a source of the country delivered a
 * month of the year and records the category (engine/indicators.h). */
static uint8_t *delivered_categories(const struct rel *r)
{
	const struct ob_snapshot *s = r->snap;
	const struct ob_population *pop = r->pop;
	size_t ncat = s->n_categories, nco = s->n_countries ? s->n_countries : 1;
	uint8_t *cov = ob_calloc(r->n_periods * nco * ncat + 1, 1);
	bool known = pop && pop->covers && pop->n_sources == s->n_sources &&
	             pop->n_categories == s->n_categories;

	for (uint32_t i = 0; i < s->n_coverage; i++) {
		const struct ob_snap_coverage *e = &s->coverage[i];
		for (size_t p = 0; p < r->n_periods; p++) {
			uint8_t *row;
			if (e->to_month < r->periods[p].from_month ||
			    e->from_month > r->periods[p].to_month)
				continue;
			row = cov + (p * nco + e->country) * ncat;
			for (size_t c = 0; c < ncat; c++)
				if (!known || pop->covers[(size_t)e->source * ncat + c])
					row[c] = 1;
		}
	}
	return cov;
}

static ob_err compute_counts(struct rel *r)
{
	const struct ob_snapshot *s = r->snap;
	size_t ncat = s->n_categories, nu = s->n_units, np = r->n_periods;
	size_t nco = s->n_countries ? s->n_countries : 1;
	long *sec_of = ob_malloc((ncat + 1) * sizeof(long));
	long *col_of = ob_malloc((ncat + 1) * sizeof(long)); /* 1 unspecified, 2.. divisions */
	long *sec_cat = ob_malloc((ncat + 1) * sizeof(long)); /* section slot -> category */
	long *sec_first = ob_calloc(ncat + 2, sizeof(long));  /* first global slot */
	long *sec_ncols = ob_calloc(ncat + 1, sizeof(long));
	long *div_cat = ob_malloc((ncat + 1) * sizeof(long)); /* global slot -> category */
	long long *sec_total = ob_calloc(ncat + 1, sizeof(long long));
	size_t nsec = 0, nslot = 0, year0 = (size_t)r->periods[0].year;
	long long *cnt = NULL;
	uint64_t *mask = NULL;
	struct rules_acc ra;
	/* per year and unit: set when no unit of the year's division holds the
	 * unit (a later unit) and it has records, counted in a unit above */
	uint8_t *unplaced = ob_calloc(np * nu + 1, 1);
	int32_t *place = ob_malloc((np * nu + 1) * sizeof(int32_t));
	uint8_t *cov = delivered_categories(r);
	struct rtable *t = &r->t[1];
	ob_err e = OB_OK;

	for (size_t c = 0; c < ncat; c++) {
		sec_of[c] = -1;
		col_of[c] = -1;
		if (s->categories[c].level == 1)
			sec_cat[nsec++] = (long)c;
	}
	for (size_t i = 0; i < nsec; i++) {
		long sc = sec_cat[i];
		sec_first[i] = (long)nslot;
		sec_of[sc] = (long)i;
		col_of[sc] = 1;
		div_cat[nslot++] = -1; /* total */
		div_cat[nslot++] = sc; /* unspecified */
		for (size_t c = 0; c < ncat; c++)
			if (s->categories[c].level == 2 && s->categories[c].parent == sc) {
				sec_of[c] = (long)i;
				col_of[c] = (long)(nslot - (size_t)sec_first[i]);
				div_cat[nslot++] = (long)c;
			}
		sec_ncols[i] = (long)nslot - sec_first[i];
	}
	/* deeper codes take their division's column */
	for (size_t c = 0; c < ncat; c++) {
		long a = (long)c;
		while (a >= 0 && s->categories[a].level > 2)
			a = s->categories[a].parent;
		if (a >= 0 && (size_t)a != c && col_of[a] >= 0) {
			sec_of[c] = sec_of[a];
			col_of[c] = col_of[a];
		}
	}
	/* where each unit's records go each year: the unit of the year's
	 * division that holds its territory, or the nearest one above */
	for (size_t p = 0; p < np; p++)
		for (size_t u = 0; u < nu; u++) {
			int32_t t2 = ob_unit_in_vintage(r->pop, (uint32_t)u, r->day[p]);
			if (t2 < 0) {
				t2 = (int32_t)valid_up(r, (long)u, r->day[p]);
				unplaced[p * nu + u] = 1;
			}
			place[p * nu + u] = t2;
		}
	progress(r, "recuentos por división de la ICCS: %llu registros",
	         (unsigned long long)s->n);
	cnt = ob_calloc(np * nu * (nslot + 1) + 1, sizeof(long long));
	rules_accept(r, &ra);
	mask = ob_calloc(np * nco * (nslot + 1) + 1, sizeof(uint64_t));
	for (uint64_t i = 0; i < s->n; i++) {
		size_t y = s->year[i], c = s->category[i], p;
		int32_t u;
		uint8_t bit;
		if (y < year0 || y - year0 >= np || c >= ncat || sec_of[c] < 0)
			continue;
		p = y - year0;
		if ((u = place[p * nu + s->territory[i]]) < 0)
			continue;
		/* only the records the counting rules count: sources are not summed */
		if (!(bit = rules_take(&ra, s, i, p)))
			continue;
		/* victims: a record stands for its count */
		cnt[(p * nu + (size_t)u) * nslot + (size_t)sec_first[sec_of[c]] + (size_t)col_of[c]] +=
			s->count[i];
		mask[(p * nco + s->units[s->territory[i]].country) * nslot +
		     (size_t)sec_first[sec_of[c]] + (size_t)col_of[c]] |= 1ULL << (bit - 1);
		mask[(p * nco + s->units[s->territory[i]].country) * nslot +
		     (size_t)sec_first[sec_of[c]]] |= 1ULL << (bit - 1);
		sec_total[sec_of[c]] += s->count[i];
	}
	/* of the units no unit of the division holds, those with records */
	{
		uint8_t *had = ob_calloc(np * nu + 1, 1);
		for (uint64_t i = 0; i < s->n; i++) {
			size_t y = s->year[i];
			if (y >= year0 && y - year0 < np && unplaced[(y - year0) * nu + s->territory[i]])
				had[(y - year0) * nu + s->territory[i]] = 1;
		}
		memcpy(unplaced, had, np * nu);
		free(had);
	}
	progress(r, "control de divulgación de los recuentos");
	for (uint32_t ci = 0; ci < s->n_countries && !e; ci++) {
		for (size_t p = 0; p < np && !e; p++) {
			long *parent;
			size_t *unit_of;
			bool *resid;
			size_t nn = country_tree(r, (uint16_t)ci, r->day[p], &parent, &unit_of, &resid);
			struct ob_sdc_dim rows = { nn, parent };
			const uint8_t *crow = cov + (p * nco + ci) * ncat;

			for (size_t sc = 0; sc < nsec && nn && !e; sc++) {
				size_t ncol = (size_t)sec_ncols[sc], base = (size_t)sec_first[sc];
				long *colpar = ob_malloc(ncol * sizeof(long));
				struct ob_sdc_dim cols = { ncol, colpar };
				unsigned cls = ob_sdc_class_of_iccs(
					ob_snap_str(s, s->categories[sec_cat[sc]].code));
				struct ob_sdc_table tb;
				struct ob_sdc_stats stats;

				if (!sec_total[sc]) {
					free(colpar);
					continue;
				}
				ob_sdc_dim_with_total(colpar, ncol - 1);
				if ((e = ob_sdc_table_init(&tb, &rows, &cols, cls, r->d))) {
					free(colpar);
					break;
				}
				for (size_t i = 0; i < nn && !e; i++) {
					size_t u = unit_of[i];
					if (!ob_sdc_row_is_leaf(&tb, i))
						continue;
					for (size_t c = 1; c < ncol && !e; c++)
						e = ob_sdc_set(&tb, i, c, cnt[(p * nu + u) * nslot + base + c]);
				}
				if (!e)
					e = ob_sdc_protect(&tb, &r->cfg, &stats, r->d);
				for (size_t i = 0; i < nn && !e; i++) {
					size_t u = unit_of[i];
					const struct ob_snap_unit *un = &s->units[u];
					bool broken = false;
					if (resid[i])
						continue;
					/* a later unit holding this one has records of the year */
					for (int32_t x = (int32_t)u, hops = 0;
					     r->pop && r->pop->span && hops < 8 && x >= 0; hops++) {
						int32_t nx = r->pop->span[x].successor;
						if (nx < 0)
							break;
						if (!ob_unit_valid(r->pop, (uint32_t)nx, r->day[p]) &&
						    unplaced[p * nu + (size_t)nx])
							broken = true;
						x = nx;
					}
					for (size_t c = 0; c < ncol; c++) {
						long cat = c == 0 ? sec_cat[sc] : div_cat[base + c];
						struct rrow *w;
						long long v;

						if (c == 1)
							continue; /* division not stated */
						w = add_row(t);
						w->dim[0] = ob_snap_str(s, s->countries[un->country]);
						w->dim[1] = ob_snap_str(s, un->code);
						w->dim[2] = ob_snap_str(s, un->name);
						w->dim[3] = level_str[un->level < 3 ? un->level : 3];
						w->dim[4] = r->yearstr[p];
						w->dim[5] = ob_snap_str(s, s->categories[cat].code);
						w->dim[6] = rules_name(&ra, mask[(p * nco + un->country) * nslot +
						                                 base + c], un->country, cat, p);
						if (broken || !crow[cat]) {
							/* nobody delivered what records it, or part
							 * of the year is in units it cannot be told
							 * apart from: no count */
							w->nodata = true;
						} else if (ob_sdc_value(&tb, i, c, &v)) {
							w->count = v;
							w->has = HAS_COUNT;
						} else {
							w->suppressed = true;
							r->res->cells_suppressed++;
						}
					}
				}
				ob_sdc_table_release(&tb);
				free(colpar);
			}
			free(parent);
			free(unit_of);
			free(resid);
		}
	}
	free(cnt);
	free(mask);
	rules_acc_release(&ra);
	free(sec_of);
	free(col_of);
	free(sec_cat);
	free(sec_first);
	free(sec_ncols);
	free(div_cat);
	free(sec_total);
	free(unplaced);
	free(place);
	free(cov);
	return e;
}

/* ---- violent deaths: validated, by institution, and the difference ---- */

enum { VD_DEATHS = 0, VD_VALIDATED, VD_POLICE, VD_FORENSIC, VD_PROSECUTOR, VD_SERIES };

static const char *const vd_series[VD_SERIES + 1] = {
	"deaths", "validated_deaths", "police", "forensic", "prosecutor", "difference",
};

/*
 * Violent deaths (observa reconcile's definition: manner homicide,
 * undetermined or legal intervention, or, with no manner, ICCS 0101, 0103,
 * 0107 or 0109) per territory and year: the figure the counting rules give
 * (deaths), the validated deaths where a reconciliation covers the year,
 * the records of each institution, and the difference between the
 * validated deaths and the institution of record. Each series goes through
 * disclosure control as its own table per country and year; the difference
 * is shown only where both its terms are. A series the country has no
 * delivery for in the year has no rows (no data is not zero).
 */
static ob_err compute_violent_deaths(struct rel *r)
{
	const struct ob_snapshot *s = r->snap;
	size_t nu = s->n_units, np = r->n_periods, ns = s->n_sources ? s->n_sources : 1;
	size_t ncat = s->n_categories ? s->n_categories : 1;
	size_t nman = s->n_tags[OB_SNAP_MANNER] ? s->n_tags[OB_SNAP_MANNER] : 1;
	size_t year0 = (size_t)r->periods[0].year;
	uint8_t *death = ob_calloc(ncat * nman, 1);
	long long *per_src = ob_calloc(np * nu * ns + 1, sizeof(long long));
	long long *series = ob_calloc(nu * VD_SERIES + 1, sizeof(long long));
	long long *shown_v = ob_calloc(nu * (VD_SERIES + 1) + 1, sizeof(long long));
	uint8_t *shown = ob_calloc(nu * (VD_SERIES + 1) + 1, 1);
	struct rtable *t = &r->t[2];
	int32_t cat0101 = -1, homicide = -1;
	unsigned cls;
	ob_err e = OB_OK;

	for (size_t c = 0; c < ncat; c++) {
		const char *code = c && c < s->n_categories ? ob_snap_str(s, s->categories[c].code)
		                                            : NULL;
		if (code && !strcmp(code, "0101"))
			cat0101 = (int32_t)c;
		for (size_t m = 0; m < nman; m++)
			death[c * nman + m] = ob_rec_is_death(
				code, m && m < s->n_tags[OB_SNAP_MANNER]
				              ? ob_snap_str(s, s->tags[OB_SNAP_MANNER][m]) : NULL);
	}
	for (size_t m = 1; m < s->n_tags[OB_SNAP_MANNER]; m++)
		if (!strcmp(ob_snap_str(s, s->tags[OB_SNAP_MANNER][m]), "homicide"))
			homicide = (int32_t)m;
	cls = ob_sdc_class_of_iccs("0101");
	progress(r, "muertes violentas: validadas, por institución y diferencia");
	for (uint64_t i = 0; i < s->n; i++) {
		size_t y = s->year[i], k = s->source[i], c = s->category[i];
		size_t m = s->tag[OB_SNAP_MANNER][i];
		int32_t at;
		int inst;
		if (y < year0 || y - year0 >= np || k >= s->n_sources || c >= ncat || m >= nman)
			continue;
		inst = s->sources[k].institution;
		if (inst != OB_INST_VALIDATED && !death[c * nman + m])
			continue;
		/* in the unit of the year's division that holds its territory, or
		 * the nearest one above */
		at = ob_unit_in_vintage(r->pop, s->territory[i], r->day[y - year0]);
		if (at < 0)
			at = (int32_t)valid_up(r, (long)s->territory[i], r->day[y - year0]);
		if (at < 0)
			continue;
		per_src[((y - year0) * nu + (size_t)at) * ns + k] += s->count[i];
	}
	for (uint32_t co = 0; co < s->n_countries && !e; co++) {
		long colpar[1] = { -1 };
		struct ob_sdc_dim cols = { 1, colpar };

		for (size_t p = 0; p < np && !e; p++) {
			long *parent;
			size_t *unit_of;
			bool *resid;
			size_t nn = country_tree(r, (uint16_t)co, r->day[p], &parent, &unit_of, &resid);
			struct ob_sdc_dim rows = { nn, parent };
			struct ob_count_choice ch, base;
			bool has[VD_SERIES] = { false };
			int from = r->periods[p].from_month, to = r->periods[p].to_month;
			size_t base_series;

			/* what the rules count for violent deaths, and the institution
			 * of record without a reconciliation */
			ob_counting_for_record(r->rules, s, co, cat0101 >= 0 ? (uint32_t)cat0101 : 0,
			                       homicide >= 0 ? (uint32_t)homicide : 0, r->periods[p].year,
			                       &ch);
			ob_counting_for_record(r->rules, s, co, cat0101 >= 0 ? (uint32_t)cat0101 : 0,
			                       homicide >= 0 ? (uint32_t)homicide : 0, 0, &base);
			base_series = base.institution == OB_INST_POLICE ? VD_POLICE
			            : base.institution == OB_INST_PROSECUTOR ? VD_PROSECUTOR
			                                                     : VD_FORENSIC;
			/* the series the country has data for in the year */
			has[VD_VALIDATED] = ob_counting_validated_covers(s, co, from, to);
			for (uint32_t i = 0; i < s->n_coverage; i++) {
				const struct ob_snap_coverage *cv = &s->coverage[i];
				int inst;
				if (cv->country != co || cv->source >= s->n_sources || cv->to_month < from ||
				    cv->from_month > to)
					continue;
				inst = s->sources[cv->source].institution;
				has[VD_POLICE] |= inst == OB_INST_POLICE;
				has[VD_FORENSIC] |= inst == OB_INST_FORENSIC;
				has[VD_PROSECUTOR] |= inst == OB_INST_PROSECUTOR;
				has[VD_DEATHS] |= ob_count_choice_accepts(s, &ch, co, cv->source);
			}
			memset(shown, 0, nu * (VD_SERIES + 1));
			for (size_t v = 0; v < VD_SERIES && !e; v++) {
				struct ob_sdc_table tb;
				struct ob_sdc_stats stats;

				if (!has[v])
					continue;
				/* the series' count in each unit (records at that unit only) */
				memset(series, 0, nu * sizeof(long long));
				for (size_t u = 0; u < nu; u++) {
					if (s->units[u].country != co)
						continue;
					for (size_t k = 0; k < s->n_sources; k++) {
						int inst = s->sources[k].institution;
						bool in = v == VD_DEATHS ? ob_count_choice_accepts(s, &ch, co, (uint32_t)k)
						        : v == VD_VALIDATED ? inst == OB_INST_VALIDATED
						        : v == VD_POLICE ? inst == OB_INST_POLICE
						        : v == VD_FORENSIC ? inst == OB_INST_FORENSIC
						                           : inst == OB_INST_PROSECUTOR;
						if (in && s->sources[k].country == co)
							series[u] += per_src[(p * nu + u) * ns + k];
					}
				}
				if ((e = ob_sdc_table_init(&tb, &rows, &cols, cls, r->d)))
					break;
				for (size_t i = 0; i < nn && !e; i++)
					if (ob_sdc_row_is_leaf(&tb, i))
						e = ob_sdc_set(&tb, i, 0, series[unit_of[i]]);
				if (!e)
					e = ob_sdc_protect(&tb, &r->cfg, &stats, r->d);
				for (size_t i = 0; i < nn && !e; i++) {
					long long x;
					if (resid[i])
						continue;
					if (ob_sdc_value(&tb, i, 0, &x)) {
						shown[unit_of[i] * (VD_SERIES + 1) + v] = 1;
						shown_v[unit_of[i] * (VD_SERIES + 1) + v] = x;
					} else {
						shown[unit_of[i] * (VD_SERIES + 1) + v] = 2;
					}
				}
				ob_sdc_table_release(&tb);
			}
			/* rows: every unit of the country, every series it has */
			for (size_t i = 0; i < nn && !e; i++) {
				size_t u = unit_of[i];
				const struct ob_snap_unit *un = &s->units[u];
				if (resid[i])
					continue;
				for (size_t v = 0; v <= VD_SERIES; v++) {
					size_t at = u * (VD_SERIES + 1);
					struct rrow *w;
					if (v < VD_SERIES ? !has[v] : !(has[VD_VALIDATED] && has[base_series]))
						continue;
					w = add_row(t);
					w->dim[0] = ob_snap_str(s, s->countries[un->country]);
					w->dim[1] = ob_snap_str(s, un->code);
					w->dim[2] = ob_snap_str(s, un->name);
					w->dim[3] = level_str[un->level < 3 ? un->level : 3];
					w->dim[4] = r->yearstr[p];
					w->dim[5] = vd_series[v];
					w->dim[6] = keep_name(r, ch.name);
					if (v == VD_SERIES) {
						if (shown[at + VD_VALIDATED] == 1 && shown[at + base_series] == 1) {
							w->count = shown_v[at + VD_VALIDATED] - shown_v[at + base_series];
							w->has = HAS_COUNT;
						} else {
							w->suppressed = true;
							r->res->cells_suppressed++;
						}
					} else if (shown[at + v] == 1) {
						w->count = shown_v[at + v];
						w->has = HAS_COUNT;
					} else {
						w->suppressed = true;
						r->res->cells_suppressed++;
					}
				}
			}
			free(parent);
			free(unit_of);
			free(resid);
		}
	}
	free(death);
	free(per_src);
	free(series);
	free(shown_v);
	free(shown);
	return e;
}

/* ---- completeness ---- */

/* Which months each source delivered in the released years, and whether an
 * earlier delivery was superseded; no record counts (they are public only
 * through the protected tables). */
static ob_err compute_completeness(struct rel *r)
{
	struct ob_completeness_options o = { 0 };
	struct rtable *t = &r->t[3];
	char from[8], to[8];
	ob_err e;

	snprintf(from, sizeof(from), "%d", r->periods[0].year);
	snprintf(to, sizeof(to), "%d", r->periods[r->n_periods - 1].year);
	o.from = from;
	o.to = to;
	progress(r, "completitud de las entregas, %s-%s", from, to);
	if ((e = ob_completeness_build(r->st, r->snap, r->pop, &o, &r->comp, r->d)))
		return e;
	r->monthstr = ob_malloc((size_t)(r->comp.to_month - r->comp.from_month + 1) *
	                        sizeof(*r->monthstr));
	for (int m = r->comp.from_month; m <= r->comp.to_month; m++)
		ob_completeness_month(m, r->monthstr[m - r->comp.from_month],
		                      sizeof(r->monthstr[0]));
	for (size_t i = 0; i < r->comp.n; i++) {
		const struct ob_completeness_row *cr = &r->comp.rows[i];
		const struct ob_completeness_source *src = &r->comp.sources[cr->source];
		struct rrow *w = add_row(t);

		w->dim[0] = src->code;
		w->dim[1] = src->institution;
		w->dim[2] = src->country;
		w->dim[3] = r->monthstr[cr->month - r->comp.from_month];
		w->delivered = cr->delivered;
		w->superseded = cr->superseded;
	}
	return OB_OK;
}

/* ---- cells as text ---- */

static size_t ncols(const struct rtable *t)
{
	return t->ndims + (t->kind == RT_RATES ? 7 : 2);
}

static const char *col_name(const struct rtable *t, size_t i)
{
	static const char *const rate_cols[] = { "count", "denominator", "value", "lower",
		                                 "upper", "flags", "status" };
	static const char *const count_cols[] = { "count", "status" };
	static const char *const delivery_cols[] = { "delivered", "superseded" };

	if (i < t->ndims)
		return t->dims[i];
	i -= t->ndims;
	return t->kind == RT_RATES ? rate_cols[i] : t->kind == RT_COUNTS ? count_cols[i]
	                                                                   : delivery_cols[i];
}

static void flags_text(uint32_t flags, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned b = 0; b < OB_IND_FLAG_COUNT; b++)
		if (flags & (1u << b))
			o += (size_t)snprintf(buf + o, o < size ? size - o : 0, "%s%s", o ? "|" : "",
			                      ob_ind_flag_name(b));
}

/* Cell i of a row as text: NULL for an empty cell; *num says a number. */
static const char *cell(const struct rtable *t, const struct rrow *w, size_t i, char *buf,
                        size_t size, bool *num)
{
	*num = false;
	if (i < t->ndims) {
		*num = !strcmp(t->dims[i], "year") || !strcmp(t->dims[i], "level");
		return w->dim[i];
	}
	i -= t->ndims;
	if (t->kind == RT_DELIVERY) {
		*num = true;
		snprintf(buf, size, "%d", i == 0 ? w->delivered : w->superseded);
		return buf;
	}
	if (t->kind == RT_COUNTS && i == 1)
		i = 6;
	*num = i < 5;
	switch (i) {
	case 0:
		if (!(w->has & HAS_COUNT))
			return NULL;
		snprintf(buf, size, "%lld", w->count);
		return buf;
	case 1:
		if (!(w->has & HAS_DEN))
			return NULL;
		snprintf(buf, size, "%.15g", w->den);
		return buf;
	case 2:
	case 3:
	case 4: {
		double v = i == 2 ? w->val : i == 3 ? w->lo : w->hi;
		if (!(w->has & HAS_VAL) || !isfinite(v))
			return NULL;
		snprintf(buf, size, "%.6f", v);
		return buf;
	}
	case 5:
		/* a suppressed cell tells nothing, not even that it is small */
		if (w->suppressed)
			return NULL;
		flags_text(w->flags, buf, size);
		return buf[0] ? buf : NULL;
	default:
		return w->suppressed ? OB_SDC_FLAG : w->nodata ? NO_DATA_FLAG : NULL;
	}
}

/* ---- files ---- */

static FILE *open_out(struct rel *r, const char *name)
{
	char path[OB_MAX_PATH];
	FILE *f;

	if (r->nfiles == OB_MAX_RELEASE_FILES ||
	    snprintf(path, sizeof(path), "%s/%s", r->tmp, name) >= (int)sizeof(path)) {
		ob_diag_set(r->d, OB_ETOOBIG, name, 0, 0, NULL, 0, "demasiados archivos");
		return NULL;
	}
	if (!(f = fopen(path, "wb"))) {
		ob_diag_set(r->d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo crear: %s",
		            strerror(errno));
		return NULL;
	}
	r->files[r->nfiles++] = ob_strdup(name);
	return f;
}

static ob_err close_out(struct rel *r, FILE *f, const char *name)
{
	if (ferror(f) | (fclose(f) != 0))
		return ob_diag_set(r->d, OB_EIO, name, 0, 0, NULL, 0,
		                   "no se pudo escribir (disco lleno?) / write error");
	return OB_OK;
}

static ob_err write_buf(struct rel *r, const char *name, const struct ob_buf *b)
{
	FILE *f = open_out(r, name);

	if (ob_buf_failed(b))
		return ob_diag_set(r->d, OB_ETOOBIG, name, 0, 0, NULL, 0,
		                   "el archivo excede %zu bytes / the file exceeds its limit", b->max);
	if (!f)
		return r->d->code;
	if (b->len)
		fwrite(b->ptr, 1, b->len, f);
	return close_out(r, f, name);
}

/* A text cell, quoted when needed and never read as a formula; and a
 * number cell, as it is (io/csvw.h). NULL writes an empty cell. */
static void csv_put(FILE *f, const char *s)
{
	if (s)
		ob_csv_fput_text(f, s, strlen(s), ',');
}

static void csv_num(FILE *f, const char *s)
{
	if (s)
		ob_csv_fput_number(f, s, strlen(s), ',');
}

static ob_err write_csv(struct rel *r, const struct rtable *t)
{
	char name[128], buf[256];
	FILE *f;
	bool num;

	snprintf(name, sizeof(name), "%s.csv", t->id);
	if (!(f = open_out(r, name)))
		return r->d->code;
	for (size_t i = 0; i < ncols(t); i++) {
		if (i)
			fputc(',', f);
		csv_put(f, col_name(t, i));
	}
	fputc('\n', f);
	for (size_t k = 0; k < t->n; k++) {
		for (size_t i = 0; i < ncols(t); i++) {
			if (i)
				fputc(',', f);
			const char *v = cell(t, &t->rows[k], i, buf, sizeof(buf), &num);
			(num ? csv_num : csv_put)(f, v);
		}
		fputc('\n', f);
	}
	return close_out(r, f, name);
}

/* A JSON string straight to the stream (escaped as io/json.h does). */
static void fjson_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\r')
			fputs("\\r", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static ob_err write_json(struct rel *r, const struct rtable *t)
{
	char name[128], buf[256];
	FILE *f;
	bool num;

	snprintf(name, sizeof(name), "%s.json", t->id);
	if (!(f = open_out(r, name)))
		return r->d->code;
	fputs("{\"table\":", f);
	fjson_str(f, t->id);
	fputs(",\"release\":", f);
	fjson_str(f, r->res->version);
	fputs(",\"title_es\":", f);
	fjson_str(f, t->title_es);
	fputs(",\"title_en\":", f);
	fjson_str(f, t->title_en);
	fputs(",\"suppressed_flag\":\"" OB_SDC_FLAG "\",\"no_data_flag\":\"" NO_DATA_FLAG
	      "\",\"dimensions\":[", f);
	for (size_t i = 0; i < t->ndims; i++) {
		if (i)
			fputc(',', f);
		fjson_str(f, t->dims[i]);
	}
	fputs("],\"columns\":[", f);
	for (size_t i = 0; i < ncols(t); i++) {
		if (i)
			fputc(',', f);
		fjson_str(f, col_name(t, i));
	}
	fputs("],\"data\":[", f);
	for (size_t k = 0; k < t->n; k++) {
		fputs(k ? ",\n{" : "\n{", f);
		for (size_t i = 0; i < ncols(t); i++) {
			const char *v = cell(t, &t->rows[k], i, buf, sizeof(buf), &num);
			if (i)
				fputc(',', f);
			fjson_str(f, col_name(t, i));
			fputc(':', f);
			if (!v)
				fputs("null", f);
			else if (num)
				fputs(v, f);
			else
				fjson_str(f, v);
		}
		fputc('}', f);
	}
	fputs("]}\n", f);
	return close_out(r, f, name);
}

/* Dimensions of the SDMX files: the name of a territory and the counting
 * rule are labels, not dimensions. */
static bool sdmx_dim(const struct rtable *t, size_t i)
{
	return strcmp(t->dims[i], "territory_name") != 0 && strcmp(t->dims[i], "counting_rule") != 0;
}

static void upper(const char *s, char *out, size_t size)
{
	size_t i = 0;

	for (; s[i] && i + 1 < size; i++)
		out[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
	out[i] = '\0';
}

/* OBS_VALUE: the value of a rate table, the count of a count table. */
static const char *obs_value(const struct rtable *t, const struct rrow *w, char *buf,
                             size_t size)
{
	bool num;

	return cell(t, w, t->ndims + (t->kind == RT_RATES ? 2 : 0), buf, size, &num);
}

static ob_err write_sdmx_csv(struct rel *r, const struct rtable *t)
{
	char name[128], buf[256], up[64];
	FILE *f;

	snprintf(name, sizeof(name), "%s.sdmx.csv", t->id);
	if (!(f = open_out(r, name)))
		return r->d->code;
	fputs("STRUCTURE,STRUCTURE_ID,ACTION", f);
	for (size_t i = 0; i < t->ndims; i++)
		if (sdmx_dim(t, i)) {
			upper(t->dims[i], up, sizeof(up));
			fprintf(f, ",%s", up);
		}
	fputs(",OBS_VALUE,OBS_STATUS,CONF_STATUS\n", f);
	upper(t->id, up, sizeof(up));
	for (size_t k = 0; k < t->n; k++) {
		const struct rrow *w = &t->rows[k];
		const char *v = obs_value(t, w, buf, sizeof(buf));

		fprintf(f, "dataflow,OBSERVA:DF_%s(1.0),I", up);
		for (size_t i = 0; i < t->ndims; i++)
			if (sdmx_dim(t, i)) {
				fputc(',', f);
				csv_put(f, w->dim[i]);
			}
		fputc(',', f);
		csv_num(f, v);
		fprintf(f, ",%s,%s\n", v ? "A" : "M", w->suppressed ? "C" : "F");
	}
	return close_out(r, f, name);
}

static ob_err write_sdmx_json(struct rel *r, const struct rtable *t)
{
	struct ob_strmap idx[MAX_DIMS];
	const char **vals[MAX_DIMS] = { NULL };
	size_t nvals[MAX_DIMS] = { 0 }, *first[MAX_DIMS] = { NULL };
	char name[128], buf[256], up[64], when[32];
	FILE *f;
	ob_err e;

	snprintf(name, sizeof(name), "%s.sdmx.json", t->id);
	for (size_t i = 0; i < t->ndims; i++) {
		ob_strmap_init(&idx[i]);
		vals[i] = ob_malloc((t->n + 1) * sizeof(char *));
		first[i] = ob_malloc((t->n + 1) * sizeof(size_t));
	}
	for (size_t k = 0; k < t->n; k++)
		for (size_t i = 0; i < t->ndims; i++) {
			const char *v = t->rows[k].dim[i];
			if (!ob_strmap_get(&idx[i], v, strlen(v))) {
				first[i][nvals[i]] = k;
				vals[i][nvals[i]++] = v;
				ob_strmap_put(&idx[i], v, strlen(v), (void *)(uintptr_t)nvals[i], NULL);
			}
		}
	if (!(f = open_out(r, name))) {
		e = r->d->code;
		goto release;
	}
	ob_audit_time(r->o->now, when);
	upper(t->id, up, sizeof(up));
	fprintf(f, "{\"meta\":{\"schema\":\"https://raw.githubusercontent.com/sdmx-twg/sdmx-json/"
	           "master/data-message/tools/schemas/2.0.0/sdmx-json-data-schema.json\","
	           "\"id\":\"OBSERVA-%s-%s\",\"prepared\":\"%s\",\"test\":false,"
	           "\"contentLanguages\":[\"es\",\"en\"],\"sender\":{\"id\":\"OBSERVA\"}},"
	           "\"data\":{\"structures\":[{\"structure\":\"urn:sdmx:org.sdmx.infomodel."
	           "datastructure.Dataflow=OBSERVA:DF_%s(1.0)\",\"name\":",
	        r->res->version, up, when, up);
	fjson_str(f, t->title_en);
	fputs(",\"dimensions\":{\"dataset\":[],\"series\":[],\"observation\":[", f);
	for (size_t i = 0, o = 0; i < t->ndims; i++) {
		if (!sdmx_dim(t, i))
			continue;
		upper(t->dims[i], up, sizeof(up));
		fprintf(f, "%s{\"id\":\"%s\",\"name\":", o++ ? "," : "", up);
		fjson_str(f, t->dims[i]);
		fprintf(f, ",\"keyPosition\":%zu,\"values\":[", o - 1);
		for (size_t v = 0; v < nvals[i]; v++) {
			fputs(v ? ",{\"id\":" : "{\"id\":", f);
			fjson_str(f, vals[i][v]);
			if (!strcmp(t->dims[i], "territory")) {
				/* the unit's name, from the label column */
				fputs(",\"name\":", f);
				fjson_str(f, t->rows[first[i][v]].dim[i + 1]);
			}
			fputc('}', f);
		}
		fputs("]}", f);
	}
	fputs("]},\"attributes\":{\"dataSet\":[],\"series\":[],\"observation\":["
	      "{\"id\":\"OBS_STATUS\",\"name\":\"Observation status\",\"values\":"
	      "[{\"id\":\"A\",\"name\":\"Normal value\"},{\"id\":\"M\",\"name\":\"Missing value\"}]},"
	      "{\"id\":\"CONF_STATUS\",\"name\":\"Confidentiality status\",\"values\":"
	      "[{\"id\":\"F\",\"name\":\"Free\"},{\"id\":\"C\",\"name\":\"Confidential "
	      "statistical information\"}]}]},\"measures\":{\"observation\":[{\"id\":\"OBS_VALUE\","
	      "\"name\":\"Observation value\"}]}}],\"dataSets\":[{\"structure\":0,"
	      "\"action\":\"Information\",\"observations\":{", f);
	for (size_t k = 0; k < t->n; k++) {
		const struct rrow *w = &t->rows[k];
		const char *v = obs_value(t, w, buf, sizeof(buf));
		bool lead = true;

		fputs(k ? ",\n\"" : "\n\"", f);
		for (size_t i = 0; i < t->ndims; i++) {
			if (!sdmx_dim(t, i))
				continue;
			fprintf(f, "%s%zu", lead ? "" : ":",
			        (size_t)(uintptr_t)ob_strmap_get(&idx[i], w->dim[i],
			                                         strlen(w->dim[i])) - 1);
			lead = false;
		}
		fprintf(f, "\":[%s,%d,%d]", v ? v : "null", v ? 0 : 1, w->suppressed ? 1 : 0);
	}
	fputs("}}]}}\n", f);
	e = close_out(r, f, name);
release:
	for (size_t i = 0; i < t->ndims; i++) {
		ob_strmap_release(&idx[i]);
		free(vals[i]);
		free(first[i]);
	}
	return e;
}

/* ---- XLSX ---- */

static void xml_text(struct ob_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&': ob_buf_adds(b, "&amp;"); break;
		case '<': ob_buf_adds(b, "&lt;"); break;
		case '>': ob_buf_adds(b, "&gt;"); break;
		case '"': ob_buf_adds(b, "&quot;"); break;
		default:
			if (*p >= 0x20 || *p == '\t' || *p == '\n')
				ob_buf_putc(b, (char)*p);
		}
	}
}

static void col_ref(size_t c, char *out)
{
	char tmp[8];
	size_t n = 0;

	c++;
	while (c && n < sizeof(tmp)) {
		tmp[n++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

static void sheet_cell(struct ob_buf *b, size_t row, size_t c, const char *v, bool num)
{
	char ref[8];

	if (!v)
		return;
	col_ref(c, ref);
	if (num) {
		ob_buf_putf(b, "<c r=\"%s%zu\"><v>%s</v></c>", ref, row, v);
	} else {
		ob_buf_putf(b, "<c r=\"%s%zu\" t=\"inlineStr\"><is><t>", ref, row);
		xml_text(b, v);
		ob_buf_puts(b, "</t></is></c>");
	}
}

static ob_err write_xlsx(struct rel *r)
{
	struct ob_buf sheets[NTABLES], ct = OB_BUF_INIT(1 << 20), wb = OB_BUF_INIT(1 << 20),
	                               rels = OB_BUF_INIT(1 << 20);
	struct ob_zip_entry ent[4 + NTABLES];
	char names[NTABLES][64], path[OB_MAX_PATH], buf[256];
	static const char root_rels[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
		"2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
	size_t ne = 0;
	bool num, big = false;
	ob_err e;

	ob_buf_puts(&ct, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	                 "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	                 "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-"
	                 "package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\""
	                 "application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\""
	                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>");
	ob_buf_puts(&wb, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	                 "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	                 "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	                 "<sheets>");
	ob_buf_puts(&rels, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	                   "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
	                   "relationships\">");
	for (size_t s = 0; s < NTABLES; s++) {
		const struct rtable *t = &r->t[s];
		struct ob_buf *b = &sheets[s];

		ob_buf_init(b, OB_MAX_RELEASE_MEM_FILE);
		if (t->n > OB_XLSX_MAX_ROWS) {
			big = true;
			continue;
		}
		snprintf(names[s], sizeof(names[s]), "xl/worksheets/sheet%zu.xml", s + 1);
		ob_buf_putf(&ct, "<Override PartName=\"/%s\" ContentType=\"application/"
		                 "vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>",
		            names[s]);
		ob_buf_putf(&wb, "<sheet name=\"%s\" sheetId=\"%zu\" r:id=\"rId%zu\"/>", t->id, s + 1,
		            s + 1);
		ob_buf_putf(&rels, "<Relationship Id=\"rId%zu\" Type=\"http://schemas.openxmlformats."
		                   "org/officeDocument/2006/relationships/worksheet\" "
		                   "Target=\"worksheets/sheet%zu.xml\"/>", s + 1, s + 1);
		ob_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		               "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
		               "2006/main\"><sheetData><row r=\"1\">");
		for (size_t i = 0; i < ncols(t); i++)
			sheet_cell(b, 1, i, col_name(t, i), false);
		ob_buf_puts(b, "</row>");
		for (size_t k = 0; k < t->n; k++) {
			ob_buf_putf(b, "<row r=\"%zu\">", k + 2);
			for (size_t i = 0; i < ncols(t); i++) {
				const char *v = cell(t, &t->rows[k], i, buf, sizeof(buf), &num);
				sheet_cell(b, k + 2, i, v, num);
			}
			ob_buf_puts(b, "</row>");
		}
		if (ob_buf_adds(b, "</sheetData></worksheet>"))
			big = true;
	}
	ob_buf_puts(&ct, "</Types>");
	ob_buf_puts(&wb, "</sheets></workbook>");
	ob_buf_puts(&rels, "</Relationships>");
	if (ob_buf_failed(&ct) || ob_buf_failed(&wb) || ob_buf_failed(&rels)) {
		e = ob_diag_set(r->d, OB_ETOOBIG, "tables.xlsx", 0, 0, NULL, 0,
		                "el índice del libro excede su límite / the workbook's index is "
		                "too large");
		goto release;
	}
	if (big) {
		e = ob_diag_set(r->d, OB_ETOOBIG, "tables.xlsx", 0, 0, NULL, 0,
		                "una tabla tiene más de %d filas, el máximo de una hoja; publique "
		                "menos años con --year (a table exceeds a sheet's rows)",
		                OB_XLSX_MAX_ROWS);
		goto release;
	}
	ent[ne++] = (struct ob_zip_entry){ "[Content_Types].xml", ct.ptr, ct.len };
	ent[ne++] = (struct ob_zip_entry){ "_rels/.rels", root_rels, strlen(root_rels) };
	ent[ne++] = (struct ob_zip_entry){ "xl/workbook.xml", wb.ptr, wb.len };
	ent[ne++] = (struct ob_zip_entry){ "xl/_rels/workbook.xml.rels", rels.ptr, rels.len };
	for (size_t s = 0; s < NTABLES; s++)
		ent[ne++] = (struct ob_zip_entry){ names[s], sheets[s].ptr, sheets[s].len };
	if (snprintf(path, sizeof(path), "%s/tables.xlsx", r->tmp) >= (int)sizeof(path))
		e = ob_diag_set(r->d, OB_ETOOBIG, r->tmp, 0, 0, NULL, 0, "ruta demasiado larga");
	else if (!(e = ob_zip_write(path, ent, ne, r->d)))
		r->files[r->nfiles++] = ob_strdup("tables.xlsx");
release:
	for (size_t s = 0; s < NTABLES; s++)
		ob_buf_release(&sheets[s]);
	ob_buf_release(&ct);
	ob_buf_release(&wb);
	ob_buf_release(&rels);
	return e;
}

/* ---- GeoJSON ---- */

/* Keep a unit's geometry (own, or of its districts) in the map arg. */
static ob_err keep_geometry(void *arg, const char *code, const char *geojson)
{
	void *old = NULL;
	char *g = ob_strdup(geojson);
	ob_err e = ob_strmap_put(arg, code, strlen(code), g, &old);

	free(e ? g : old);
	return e;
}

static ob_err write_maps(struct rel *r)
{
	const struct ob_snapshot *s = r->snap;
	struct ob_strmap geo;
	size_t nu = s->n_units, np = r->n_periods;
	char path[OB_MAX_PATH], buf[256];
	ob_err e = OB_OK;

	ob_strmap_init(&geo);
	if ((e = ob_catalog_geometry(r->st, keep_geometry, &geo, r->d)))
		goto release;
	if (!geo.count)
		goto release;
	if (snprintf(path, sizeof(path), "%s/maps", r->tmp) >= (int)sizeof(path) ||
	    mkdir(path, 0755) != 0) {
		e = ob_diag_set(r->d, OB_EIO, path, 0, 0, NULL, 0, "%s", strerror(errno));
		goto release;
	}
	for (size_t k = 0; k < r->set->n && !e; k++) {
		char name[OB_IND_ID_MAX + 32];
		bool first = true, num;
		FILE *f;

		snprintf(name, sizeof(name), "maps/%s.geojson", r->set->v[k].id);
		if (!(f = open_out(r, name))) {
			e = r->d->code;
			break;
		}
		fputs("{\"type\":\"FeatureCollection\",\"name\":", f);
		fjson_str(f, r->set->v[k].id);
		fputs(",\"features\":[", f);
		for (size_t u = 0; u < nu; u++) {
			const char *code = ob_snap_str(s, s->units[u].code);
			const char *g;
			bool any = false, lead = true;

			if (s->units[u].level != 2 || !(g = ob_strmap_get(&geo, code, strlen(code))))
				continue;
			/* only units of some released year's division */
			for (size_t p = 0; p < np && !any; p++)
				any = r->geo_row[(k * nu + u) * np + p] != SIZE_MAX;
			if (!any)
				continue;
			fputs(first ? "\n{\"type\":\"Feature\",\"id\":" : ",\n{\"type\":\"Feature\",\"id\":",
			      f);
			first = false;
			fjson_str(f, code);
			fputs(",\"geometry\":", f);
			fputs(g, f);
			fputs(",\"properties\":{\"code\":", f);
			fjson_str(f, code);
			fputs(",\"name\":", f);
			fjson_str(f, ob_snap_str(s, s->units[u].name));
			fputs(",\"indicator\":", f);
			fjson_str(f, r->set->v[k].id);
			fputs(",\"years\":{", f);
			for (size_t p = 0; p < np; p++) {
				size_t at = r->geo_row[(k * nu + u) * np + p];
				const struct rrow *w;
				const char *v;
				if (at == SIZE_MAX)
					continue; /* not a unit of that year */
				w = &r->t[0].rows[at];
				fprintf(f, "%s\"%s\":{\"count\":", lead ? "" : ",", r->yearstr[p]);
				lead = false;
				v = cell(&r->t[0], w, r->t[0].ndims, buf, sizeof(buf), &num);
				fputs(v ? v : "null", f);
				fputs(",\"value\":", f);
				v = cell(&r->t[0], w, r->t[0].ndims + 2, buf, sizeof(buf), &num);
				fputs(v ? v : "null", f);
				fputs(",\"status\":", f);
				v = cell(&r->t[0], w, r->t[0].ndims + 6, buf, sizeof(buf), &num);
				if (v)
					fjson_str(f, v);
				else
					fputs("null", f);
				fputs(",\"flags\":", f);
				v = cell(&r->t[0], w, r->t[0].ndims + 5, buf, sizeof(buf), &num);
				if (v)
					fjson_str(f, v);
				else
					fputs("null", f);
				fputc('}', f);
			}
			fputs("}}}", f);
		}
		fputs("]}\n", f);
		e = close_out(r, f, name);
	}
release:
	ob_strmap_for_each(&geo, ent) free(ent->value);
	ob_strmap_release(&geo);
	return e;
}

/* ---- diff against the previous release ---- */

/* key -> value of every cell of a release's tables, from its JSON files. */
static ob_err load_cells(const char *reldir, struct ob_strmap *m, struct ob_diag *d)
{
	static const char *const tables[] = { "indicators", "counts_iccs", "violent_deaths",
		                              "completeness" };

	for (size_t ti = 0; ti < OB_ARRAY_SIZE(tables); ti++) {
		char path[OB_MAX_PATH];
		json_error_t jerr;
		json_t *root, *dims, *data, *row;
		size_t i;

		snprintf(path, sizeof(path), "%s/%s.json", reldir, tables[ti]);
		if (access(path, F_OK) != 0)
			continue;
		if (!(root = json_load_file(path, 0, &jerr)))
			return ob_diag_set(d, OB_EPARSE, path, jerr.line, jerr.column, NULL, 0,
			                   "publicación anterior ilegible: %s", jerr.text);
		dims = json_object_get(root, "dimensions");
		data = json_object_get(root, "data");
		json_array_foreach(data, i, row) {
			struct ob_buf k = OB_BUF_INIT(1 << 16), v = OB_BUF_INIT(1 << 16);
			const char *key;
			json_t *val;
			size_t j;
			json_t *dn;

			ob_buf_puts(&k, tables[ti]);
			json_array_foreach(dims, j, dn) {
				json_t *x = json_object_get(row, json_string_value(dn));
				/* a new rule for the same cell is a change of the cell */
				if (!strcmp(json_string_value(dn), "counting_rule"))
					continue;
				ob_buf_putc(&k, '|');
				if (json_is_string(x)) {
					ob_buf_puts(&k, json_string_value(x));
				} else {
					char *s = json_dumps(x, JSON_ENCODE_ANY);
					if (s)
						ob_buf_puts(&k, s);
					free(s);
				}
			}
			json_object_foreach(row, key, val) {
				bool is_dim = false;
				json_array_foreach(dims, j, dn) is_dim |= !strcmp(key, json_string_value(dn));
				if ((is_dim && strcmp(key, "counting_rule")) || !strcmp(key, "territory_name"))
					continue;
				char *s = json_dumps(val, JSON_ENCODE_ANY);
				ob_buf_putf(&v, "%s%s=%s", v.len ? " " : "", key, s ? s : "");
				free(s);
			}
			if (ob_buf_failed(&k) || ob_buf_failed(&v)) {
				ob_buf_release(&k);
				ob_buf_release(&v);
				json_decref(root);
				return ob_diag_set(d, OB_ETOOBIG, path, 0, 0, NULL, 0,
				                   "una celda de la publicación anterior excede %d bytes / "
				                   "a cell of the previous release is too large", 1 << 16);
			}
			if (k.ptr)
				ob_strmap_put(m, k.ptr, k.len, ob_buf_detach(&v, NULL), NULL);
			ob_buf_release(&k);
			ob_buf_release(&v);
		}
		json_decref(root);
	}
	return OB_OK;
}

static void free_cells(struct ob_strmap *m)
{
	ob_strmap_for_each(m, e) free(e->value);
	ob_strmap_release(m);
}

static ob_err write_diff(struct rel *r, const char *prev_dir)
{
	struct ob_strmap cur, old;
	struct ob_buf sum = OB_BUF_INIT(1 << 16);
	FILE *f;
	ob_err e;

	ob_strmap_init(&cur);
	ob_strmap_init(&old);
	progress(r, "diferencias con la publicación anterior (%s)",
	         r->res->previous[0] ? r->res->previous : "ninguna");
	if ((e = load_cells(r->tmp, &cur, r->d)) || (prev_dir && (e = load_cells(prev_dir, &old, r->d))))
		goto release;
	if (!(f = open_out(r, "diff.csv"))) {
		e = r->d->code;
		goto release;
	}
	fputs("key,change,before,after\n", f);
	ob_strmap_for_each(&cur, c) {
		const char *o = ob_strmap_get(&old, c->key, c->len);
		if (!o) {
			r->res->added++;
			if (prev_dir) {
				csv_put(f, c->key);
				fputs(",added,,", f);
				csv_num(f, c->value);
				fputc('\n', f);
			}
		} else if (strcmp(o, c->value)) {
			r->res->changed++;
			csv_put(f, c->key);
			fputs(",changed,", f);
			csv_num(f, o);
			fputc(',', f);
			csv_num(f, c->value);
			fputc('\n', f);
		}
	}
	ob_strmap_for_each(&old, c) {
		if (ob_strmap_get(&cur, c->key, c->len))
			continue;
		r->res->removed++;
		csv_put(f, c->key);
		fputs(",removed,", f);
		csv_num(f, c->value);
		fputs(",\n", f);
	}
	if ((e = close_out(r, f, "diff.csv")))
		goto release;
	ob_buf_puts(&sum, "{\"release\":");
	ob_json_str(&sum, r->res->version, strlen(r->res->version));
	ob_buf_puts(&sum, ",\"previous\":");
	if (r->res->previous[0])
		ob_json_str(&sum, r->res->previous, strlen(r->res->previous));
	else
		ob_buf_puts(&sum, "null");
	ob_buf_putf(&sum, ",\"cells\":%zu,\"added\":%lld,\"removed\":%lld,\"changed\":%lld,"
	                  "\"details\":\"diff.csv\"}\n",
	            cur.count, r->res->added, r->res->removed, r->res->changed);
	e = write_buf(r, "diff.json", &sum);
release:
	free_cells(&cur);
	free_cells(&old);
	ob_buf_release(&sum);
	return e;
}

/* ---- catalogue and manifest ---- */

static ob_err hash_file(const char *path, char hex[65], long long *size)
{
	unsigned char buf[1 << 16], dg[OB_SHA256_LEN];
	struct ob_sha256 c;
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return OB_EIO;
	ob_sha256_init(&c);
	*size = 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		ob_sha256_update(&c, buf, n);
		*size += (long long)n;
	}
	n = (size_t)ferror(f);
	fclose(f);
	ob_sha256_final(&c, dg);
	ob_sha256_hex(dg, hex);
	return n ? OB_EIO : OB_OK;
}

static const char *media_type(const char *name)
{
	size_t n = strlen(name);

	if (n > 9 && !strcmp(name + n - 9, ".sdmx.csv"))
		return "application/vnd.sdmx.data+csv;version=2.0.0";
	if (n > 10 && !strcmp(name + n - 10, ".sdmx.json"))
		return "application/vnd.sdmx.data+json;version=2.0.0";
	if (n > 8 && !strcmp(name + n - 8, ".geojson"))
		return "application/geo+json";
	if (n > 5 && !strcmp(name + n - 5, ".xlsx"))
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	if (n > 7 && !strcmp(name + n - 7, ".jsonld"))
		return "application/ld+json";
	if (n > 4 && !strcmp(name + n - 4, ".csv"))
		return "text/csv";
	return "application/json";
}

static void jkv(struct ob_buf *b, const char *k, const char *v)
{
	ob_json_str(b, k, strlen(k));
	ob_buf_putc(b, ':');
	ob_json_str(b, v, strlen(v));
}

static void distribution(struct rel *r, struct ob_buf *b, const char *file, bool *first)
{
	char path[OB_MAX_PATH], hex[65];
	long long size;

	if (snprintf(path, sizeof(path), "%s/%s", r->tmp, file) >= (int)sizeof(path) ||
	    hash_file(path, hex, &size))
		return;
	ob_buf_puts(b, *first ? "{" : ",{");
	*first = false;
	ob_buf_puts(b, "\"@type\":\"dcat:Distribution\",");
	jkv(b, "dct:title", file);
	ob_buf_putc(b, ',');
	jkv(b, "dcat:downloadURL", file);
	ob_buf_putc(b, ',');
	jkv(b, "dcat:mediaType", media_type(file));
	ob_buf_putf(b, ",\"dcat:byteSize\":%lld,\"spdx:checksum\":{\"@type\":\"spdx:Checksum\","
	               "\"spdx:algorithm\":{\"@id\":\"spdx:checksumAlgorithm_sha256\"},"
	               "\"spdx:checksumValue\":\"%s\"}}", size, hex);
}

static ob_err write_catalog(struct rel *r)
{
	struct ob_buf b = OB_BUF_INIT(64 * 1024 * 1024);
	char when[32], id[64];
	ob_err e;

	ob_audit_time(r->o->now, when);
	ob_buf_puts(&b, "{\"@context\":{\"dcat\":\"http://www.w3.org/ns/dcat#\","
	                "\"dct\":\"http://purl.org/dc/terms/\",\"spdx\":\"http://spdx.org/rdf/terms#\","
	                "\"xsd\":\"http://www.w3.org/2001/XMLSchema#\"},");
	snprintf(id, sizeof(id), "releases/%s/", r->res->version);
	jkv(&b, "@id", id);
	ob_buf_puts(&b, ",\"@type\":\"dcat:Catalog\",\"dct:title\":{\"@language\":\"es\",\"@value\":"
	                "\"Publicación del observatorio\"},");
	jkv(&b, "dct:identifier", r->res->version);
	ob_buf_puts(&b, ",");
	jkv(&b, "dct:issued", when);
	if (r->o->note) {
		ob_buf_puts(&b, ",");
		jkv(&b, "dct:description", r->o->note);
	}
	ob_buf_puts(&b, ",\"dcat:dataset\":[");
	for (size_t t = 0; t < NTABLES; t++) {
		const char *ext[] = { ".csv", ".json", ".sdmx.csv", ".sdmx.json" };
		bool first = true;
		ob_buf_puts(&b, t ? ",{" : "{");
		ob_buf_puts(&b, "\"@type\":\"dcat:Dataset\",");
		jkv(&b, "dct:identifier", r->t[t].id);
		ob_buf_puts(&b, ",\"dct:title\":[{\"@language\":\"es\",\"@value\":");
		ob_json_str(&b, r->t[t].title_es, strlen(r->t[t].title_es));
		ob_buf_puts(&b, "},{\"@language\":\"en\",\"@value\":");
		ob_json_str(&b, r->t[t].title_en, strlen(r->t[t].title_en));
		ob_buf_puts(&b, "}],");
		jkv(&b, "dct:issued", when);
		ob_buf_puts(&b, ",\"dcat:distribution\":[");
		for (size_t x = 0; x < OB_ARRAY_SIZE(ext); x++) {
			char file[128];
			snprintf(file, sizeof(file), "%s%s", r->t[t].id, ext[x]);
			distribution(r, &b, file, &first);
		}
		distribution(r, &b, "tables.xlsx", &first);
		if (t == 0)
			for (size_t i = 0; i < r->nfiles; i++)
				if (!strncmp(r->files[i], "maps/", 5))
					distribution(r, &b, r->files[i], &first);
		ob_buf_puts(&b, "]}");
	}
	ob_buf_puts(&b, "]}\n");
	if (!b.ptr || b.len == b.max)
		return ob_diag_set(r->d, OB_ETOOBIG, "catalog.jsonld", 0, 0, NULL, 0,
		                   "catálogo demasiado grande");
	e = write_buf(r, "catalog.jsonld", &b);
	ob_buf_release(&b);
	return e;
}

static ob_err write_manifest(struct rel *r)
{
	struct ob_buf b = OB_BUF_INIT(64 * 1024 * 1024);
	char when[32], path[OB_MAX_PATH], hex[65], head_hash[65];
	long long head_seq;
	size_t n = r->nfiles;
	ob_err e;

	ob_audit_time(r->o->now, when);
	/* the audit log's head, kept outside the store: "observa audit verify"
	 * checks the chain against it (store/audit.h) */
	if ((e = ob_audit_head(r->st, &head_seq, head_hash, r->d)))
		return e;
	ob_buf_puts(&b, "{");
	jkv(&b, "release", r->res->version);
	ob_buf_puts(&b, ",");
	jkv(&b, "created", when);
	ob_buf_puts(&b, ",");
	jkv(&b, "observa_version", OB_VERSION);
	ob_buf_puts(&b, ",\"previous\":");
	if (r->res->previous[0])
		ob_json_str(&b, r->res->previous, strlen(r->res->previous));
	else
		ob_buf_puts(&b, "null");
	ob_buf_puts(&b, ",\"note\":");
	if (r->o->note)
		ob_json_str(&b, r->o->note, strlen(r->o->note));
	else
		ob_buf_puts(&b, "null");
	ob_buf_putf(&b, ",\"years\":[");
	for (size_t p = 0; p < r->n_periods; p++)
		ob_buf_putf(&b, "%s%s", p ? "," : "", r->yearstr[p]);
	ob_buf_puts(&b, "],\"audit_head\":");
	if (head_seq)
		ob_buf_putf(&b, "{\"seq\":%lld,\"hash\":\"%s\"}", head_seq, head_hash);
	else
		ob_buf_puts(&b, "null");
	ob_buf_putf(&b, ",\"rows\":%lld,\"cells_suppressed\":%lld,\"files\":[", r->res->rows,
	            r->res->cells_suppressed);
	for (size_t i = 0; i < n; i++) {
		long long size;
		if (snprintf(path, sizeof(path), "%s/%s", r->tmp, r->files[i]) >= (int)sizeof(path) ||
		    hash_file(path, hex, &size)) {
			ob_buf_release(&b);
			return ob_diag_set(r->d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo leer");
		}
		ob_buf_puts(&b, i ? ",\n{" : "\n{");
		jkv(&b, "path", r->files[i]);
		ob_buf_putf(&b, ",\"bytes\":%lld,\"sha256\":\"%s\"}", size, hex);
	}
	ob_buf_puts(&b, "]}\n");
	e = write_buf(r, "manifest.json", &b);
	ob_buf_release(&b);
	return e;
}

/* ---- versions ---- */

static long version_number(const char *name)
{
	long long v;

	if (name[0] != 'v' || !ob_parse_int(name + 1, strlen(name + 1), 1, 999999999, &v) ||
	    !(name[1] >= '1' && name[1] <= '9'))
		return 0;
	return (long)v;
}

static long latest_number(const char *dir)
{
	char path[OB_MAX_PATH];
	DIR *d;
	struct dirent *e;
	long best = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, OB_RELEASES_DIR);
	if (!(d = opendir(path)))
		return 0;
	while ((e = readdir(d))) {
		long v = version_number(e->d_name);
		if (v > best)
			best = v;
	}
	closedir(d);
	return best;
}

ob_err ob_release_latest(const char *dir, char *out, size_t size)
{
	long v = latest_number(dir);

	if (!v)
		return OB_ENOENT;
	snprintf(out, size, "v%ld", v);
	return OB_OK;
}

static bool hex64(const char *h)
{
	if (!h || strlen(h) != 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return false;
	return true;
}

/* The anchor of one manifest: 1 when there is one, 0 when the release has
 * none (older, or an empty log), or an error. */
static ob_err manifest_anchor(const char *path, const char *version,
                              struct ob_audit_anchor *a, bool *found, struct ob_diag *d)
{
	json_error_t jerr;
	json_t *root, *h, *seq, *hash;
	struct stat st;
	ob_err e = OB_OK;

	*found = false;
	if (stat(path, &st) != 0)
		return OB_OK; /* a release without manifest is not anchored */
	if (st.st_size > OB_MAX_TEXT_FILE)
		return ob_diag_set(d, OB_ETOOBIG, path, 0, 0, NULL, 0,
		                   "manifiesto demasiado grande (manifest too large)");
	if (!(root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)))
		return ob_diag_set(d, OB_EPARSE, path, jerr.line, jerr.column, NULL, 0,
		                   "manifiesto ilegible: %s (unreadable manifest)", jerr.text);
	h = json_object_get(root, "audit_head");
	if (!h || json_is_null(h))
		goto out;
	seq = json_object_get(h, "seq");
	hash = json_object_get(h, "hash");
	if (!json_is_integer(seq) || json_integer_value(seq) < 1 || !json_is_string(hash) ||
	    !hex64(json_string_value(hash))) {
		e = ob_diag_set(d, OB_EPARSE, path, 0, 0, NULL, 0,
		                "«audit_head» mal formado: se esperaba {\"seq\": N, \"hash\": 64 "
		                "cifras hexadecimales} (malformed audit anchor)");
		goto out;
	}
	a->seq = (long long)json_integer_value(seq);
	ob_strlcpy(a->hash, json_string_value(hash), sizeof(a->hash));
	snprintf(a->from, sizeof(a->from), "la publicación %.40s", version);
	*found = true;
out:
	json_decref(root);
	return e;
}

ob_err ob_release_audit_anchors(const char *dir, struct ob_audit_anchor **out, size_t *n,
                                size_t *unanchored, struct ob_diag *d)
{
	char path[OB_MAX_PATH];
	struct ob_audit_anchor *a = NULL;
	size_t cap = 0;
	struct dirent *de;
	DIR *dd;
	ob_err e = OB_OK;

	*out = NULL;
	*n = *unanchored = 0;
	if (snprintf(path, sizeof(path), "%s/%s", dir, OB_RELEASES_DIR) >= (int)sizeof(path))
		return ob_diag_set(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga");
	if (!(dd = opendir(path)))
		return errno == ENOENT ? OB_OK
		                       : ob_diag_set(d, OB_EIO, path, 0, 0, NULL, 0,
		                                     "no se pudo leer: %s", strerror(errno));
	while ((de = readdir(dd))) {
		char mpath[OB_MAX_PATH];
		bool found;

		if (!version_number(de->d_name))
			continue;
		if (snprintf(mpath, sizeof(mpath), "%s/%s/manifest.json", path, de->d_name) >=
		    (int)sizeof(mpath))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			a = ob_realloc(a, cap * sizeof(*a));
		}
		if ((e = manifest_anchor(mpath, de->d_name, &a[*n], &found, d)))
			break;
		if (found)
			(*n)++;
		else
			(*unanchored)++;
	}
	closedir(dd);
	if (e) {
		free(a);
		*n = 0;
		return e;
	}
	*out = a;
	return OB_OK;
}

static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (d) {
		while ((e = readdir(d))) {
			char sub[OB_MAX_PATH];
			struct stat st;
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
				remove_tree(sub);
			else
				unlink(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

static ob_err default_years(const struct ob_snapshot *s, struct ob_period **p, size_t *n,
                            struct ob_diag *d)
{
	int b = -1;
	char spec[16];

	for (uint32_t i = 0; i < s->n_coverage; i++)
		if (s->coverage[i].to_month > b)
			b = s->coverage[i].to_month;
	if (b < 0)
		return ob_diag_set(d, OB_EUSAGE, "--year", 0, 0, NULL, 0,
		                   "el observatorio no tiene envíos: nada que publicar (no "
		                   "deliveries yet)");
	snprintf(spec, sizeof(spec), "%04d", b / 12);
	return ob_period_parse(spec, p, n, d);
}

ob_err ob_release_publish(struct ob_store *st, const char *dir,
                          const struct ob_release_options *o, struct ob_release_result *res,
                          struct ob_diag *d)
{
	static const char *const ind_dims[] = { "indicator", "country", "territory",
		                                "territory_name", "level", "year", "sex",
		                                "counting_rule" };
	static const char *const cnt_dims[] = { "country", "territory", "territory_name", "level",
		                                "year", "iccs", "counting_rule" };
	static const char *const vd_dims[] = { "country", "territory", "territory_name", "level",
		                               "year", "count_of", "counting_rule" };
	static const char *const comp_dims[] = { "source", "institution", "country", "month" };
	struct rel r;
	char path[OB_MAX_PATH], prev_dir[OB_MAX_PATH];
	bool def;
	long prev;
	ob_err e;

	memset(&r, 0, sizeof(r));
	memset(res, 0, sizeof(*res));
	r.dir = dir;
	r.o = o;
	r.st = st;
	r.res = res;
	r.d = d;
	r.t[0] = (struct rtable){ "indicators", "Indicadores por territorio, año y sexo",
		                  "Indicators by territory, year and sex", RT_RATES,
		                  OB_ARRAY_SIZE(ind_dims), { 0 }, NULL, 0, 0 };
	memcpy(r.t[0].dims, ind_dims, sizeof(ind_dims));
	r.t[1] = (struct rtable){ "counts_iccs",
		                  "Víctimas por sección y división de la ICCS, territorio y año, según "
		                  "las reglas de conteo",
		                  "Victims by ICCS section and division, territory and year, under the "
		                  "counting rules", RT_COUNTS,
		                  OB_ARRAY_SIZE(cnt_dims), { 0 }, NULL, 0, 0 };
	memcpy(r.t[1].dims, cnt_dims, sizeof(cnt_dims));
	r.t[2] = (struct rtable){ "violent_deaths",
		                  "Muertes violentas por territorio y año: validadas, por institución "
		                  "y su diferencia",
		                  "Violent deaths by territory and year: validated, by institution, "
		                  "and the difference", RT_COUNTS,
		                  OB_ARRAY_SIZE(vd_dims), { 0 }, NULL, 0, 0 };
	memcpy(r.t[2].dims, vd_dims, sizeof(vd_dims));
	ob_strmap_init(&r.names);
	r.t[3] = (struct rtable){ "completeness",
		                  "Entregas de cada fuente por mes (completitud)",
		                  "Deliveries of each source by month (completeness)", RT_DELIVERY,
		                  OB_ARRAY_SIZE(comp_dims), { 0 }, NULL, 0, 0 };
	memcpy(r.t[3].dims, comp_dims, sizeof(comp_dims));
	if ((e = ob_sdc_config_load(&r.cfg, dir, d)) ||
	    (e = ob_indicators_load_dir(dir, &r.set, &def, d)))
		goto release;
	progress(&r, "instantánea del motor");
	if ((e = ob_snapshot_load(st, dir, &r.snap, NULL, d)) ||
	    (e = ob_population_load(st, r.snap, &r.pop, d)) ||
	    (e = ob_counting_load(dir, r.snap, r.set, &r.rules, d)))
		goto release;
	if ((e = o->years ? ob_period_parse(o->years, &r.periods, &r.n_periods, d)
	                  : default_years(r.snap, &r.periods, &r.n_periods, d)))
		goto release;
	for (size_t p = 0; p < r.n_periods; p++)
		if (r.periods[p].kind != OB_PERIOD_YEAR ||
		    (p && r.periods[p].year != r.periods[p - 1].year + 1)) {
			e = ob_diag_set(d, OB_EUSAGE, "--year", 0, 0, o->years, strlen(o->years),
			                "se esperaba un año (2024) o un intervalo de años "
			                "(2020..2024) (expected a year or a range of years)");
			goto release;
		}
	r.yearstr = ob_malloc(r.n_periods * sizeof(*r.yearstr));
	r.day = ob_malloc(r.n_periods * sizeof(*r.day));
	for (size_t p = 0; p < r.n_periods; p++) {
		snprintf(r.yearstr[p], sizeof(r.yearstr[p]), "%d", r.periods[p].year);
		r.day[p] = ob_period_refday(&r.periods[p]);
	}
	build_trees(&r);
	if ((e = compute_indicators(&r)) || (e = compute_counts(&r)) ||
	    (e = compute_violent_deaths(&r)) || (e = compute_completeness(&r)))
		goto release;
	res->rows = (long long)(r.t[0].n + r.t[1].n + r.t[2].n + r.t[3].n);
	/* the folder */
	snprintf(path, sizeof(path), "%s/%s", dir, OB_RELEASES_DIR);
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		e = ob_diag_set(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo crear: %s",
		                strerror(errno));
		goto release;
	}
	prev = latest_number(dir);
	if (prev) {
		snprintf(res->previous, sizeof(res->previous), "v%ld", prev);
		snprintf(prev_dir, sizeof(prev_dir), "%s/%s/v%ld", dir, OB_RELEASES_DIR, prev);
	}
	snprintf(res->version, sizeof(res->version), "v%ld", prev + 1);
	snprintf(r.tmp, sizeof(r.tmp), "%s/%s/.tmp-%s-%ld", dir, OB_RELEASES_DIR, res->version,
	         (long)getpid());
	if (mkdir(r.tmp, 0755) != 0) {
		e = ob_diag_set(d, OB_EIO, r.tmp, 0, 0, NULL, 0, "no se pudo crear: %s",
		                strerror(errno));
		goto release;
	}
	for (size_t t = 0; t < NTABLES; t++) {
		progress(&r, "escribiendo %s (%zu filas): CSV, JSON, SDMX-CSV, SDMX-JSON", r.t[t].id,
		         r.t[t].n);
		if ((e = write_csv(&r, &r.t[t])) || (e = write_json(&r, &r.t[t])) ||
		    (e = write_sdmx_csv(&r, &r.t[t])) || (e = write_sdmx_json(&r, &r.t[t])))
			goto remove_tmp;
	}
	progress(&r, "escribiendo tables.xlsx");
	if ((e = write_xlsx(&r)))
		goto remove_tmp;
	progress(&r, "escribiendo mapas GeoJSON");
	if ((e = write_maps(&r)) || (e = write_diff(&r, prev ? prev_dir : NULL)) ||
	    (e = write_catalog(&r)) || (e = write_manifest(&r)))
		goto remove_tmp;
	res->files = (long long)r.nfiles;
	snprintf(res->path, sizeof(res->path), "%s/%s/%s", dir, OB_RELEASES_DIR, res->version);
	/* never over an existing release */
	if (renameat2(AT_FDCWD, r.tmp, AT_FDCWD, res->path, RENAME_NOREPLACE) != 0) {
		e = ob_diag_set(d, errno == EEXIST ? OB_EEXISTS : OB_EIO, res->path, 0, 0, NULL, 0,
		                "no se pudo dejar la publicación en su sitio: %s (could not move "
		                "the release into place)", strerror(errno));
		goto remove_tmp;
	}
	{
		int fd = open(path, O_RDONLY | O_DIRECTORY);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	}
	progress(&r, "publicación %s lista", res->version);
	goto release;
remove_tmp:
	remove_tree(r.tmp);
release:
	for (size_t i = 0; i < r.nfiles; i++)
		free(r.files[i]);
	for (size_t t = 0; t < NTABLES; t++)
		free(r.t[t].rows);
	free(r.geo_row);
	free(r.node_of);
	free(r.resid_of);
	free(r.kid_first);
	free(r.kids);
	free(r.yearstr);
	free(r.day);
	free(r.monthstr);
	ob_completeness_release(&r.comp);
	free(r.periods);
	ob_counting_free(r.rules);
	ob_strmap_release(&r.names);
	ob_population_free(r.pop);
	ob_snapshot_close(r.snap);
	ob_indicators_free(r.set);
	return e;
}
