/*
 * indicators.c - computing indicators on a snapshot: compiled filters, one
 * pass over the columns, counts up the hierarchy, denominators, intervals.
 */
#include "engine/indicators.h"

#include <math.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/log.h"
#include "base/strmap.h"
#include "stats/prop.h"
#include "stats/rate.h"

static const char *const flag_names[OB_IND_FLAG_COUNT] = {
	"unreliable", "estimated_denominator", "missing_denominator",
	"incomplete_coverage", "partial_period", "no_data",
};

const char *ob_ind_flag_name(unsigned bit)
{
	return bit < OB_IND_FLAG_COUNT ? flag_names[bit] : "?";
}

static const char *const age_groups[] = { "0-14", "15-17", "18-29", "30-44", "45-59", "60+", "U" };
static const char *const sex_labels[] = { "F", "M", "U" };

static int age_group_of(int age)
{
	if (age > OB_MAX_AGE)
		return 6;
	return age < 15 ? 0 : age < 18 ? 1 : age < 30 ? 2 : age < 45 ? 3 : age < 60 ? 4 : 5;
}

/*
 * Large zeroed arrays (counters, values) come straight from the kernel,
 * asking for huge pages: touching tens of megabytes page by page costs more
 * than filling them.
 */
#define BIG_ALIGN ((size_t)2 << 20)

static void *big_calloc(size_t n, size_t *len)
{
	void *p;

	*len = (n + BIG_ALIGN - 1) & ~(BIG_ALIGN - 1);
	if (!*len)
		*len = BIG_ALIGN;
	p = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "observa: memoria agotada (%zu bytes) / out of memory\n", *len);
		abort();
	}
#ifdef MADV_HUGEPAGE
	madvise(p, *len, MADV_HUGEPAGE);
#endif
	return p;
}

static void big_free(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

/* ------------------------------------------------------------------------
 * Population.
 */
static struct ob_strmap *unit_map_new(const struct ob_snapshot *snap)
{
	struct ob_strmap *m = ob_malloc(sizeof(*m));

	ob_strmap_init(m);
	for (uint32_t i = 0; i < snap->n_units; i++) {
		const char *c = ob_snap_str(snap, snap->units[i].code);
		if (!ob_strmap_get(m, c, strlen(c)))
			ob_strmap_put(m, c, strlen(c), (void *)(uintptr_t)(i + 1), NULL);
	}
	return m;
}

static void unit_map_free(struct ob_strmap *m)
{
	if (!m)
		return;
	ob_strmap_release(m);
	free(m);
}

static long unit_find(const struct ob_strmap *m, const char *code, size_t n)
{
	uintptr_t v = (uintptr_t)ob_strmap_get(m, code, n);
	return v ? (long)v - 1 : -1;
}

void ob_population_free(struct ob_population *p)
{
	if (!p)
		return;
	free(p->value);
	free(p->estimate);
	free(p);
}

ob_err ob_population_load(struct ob_store *st, const struct ob_snapshot *snap,
                          struct ob_population **out, struct ob_diag *d)
{
	struct ob_population *p = ob_calloc(1, sizeof(*p));
	struct ob_strmap *units = NULL;
	sqlite3_stmt *q;
	int y0 = 0, y1 = -1, rc;
	size_t cells;
	ob_err e = OB_OK;

	*out = NULL;
	if (ob_store_prepare(st, "SELECT min(year), max(year) FROM population", &q, d)) {
		free(p);
		return OB_ESTORE;
	}
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) == SQLITE_INTEGER) {
		y0 = sqlite3_column_int(q, 0);
		y1 = sqlite3_column_int(q, 1);
	}
	sqlite3_finalize(q);
	if (y0 < OB_MIN_YEAR)
		y0 = OB_MIN_YEAR;
	if (y1 > OB_MAX_YEAR)
		y1 = OB_MAX_YEAR;
	p->year0 = y0;
	p->n_years = y1 >= y0 ? y1 - y0 + 1 : 0;
	p->n_units = snap->n_units;
	cells = (size_t)p->n_units * (size_t)p->n_years * 3;
	p->value = ob_malloc((cells ? cells : 1) * sizeof(double));
	p->estimate = ob_calloc(cells ? cells : 1, 1);
	for (size_t i = 0; i < cells; i++)
		p->value[i] = -1;
	if (!cells) {
		*out = p;
		return OB_OK;
	}
	units = unit_map_new(snap);
	if (ob_store_prepare(st, "SELECT territory, year, sex, population, status FROM population",
	                     &q, d)) {
		e = OB_ESTORE;
		goto fail;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(q, 0);
		const char *sex = (const char *)sqlite3_column_text(q, 2);
		const char *status = (const char *)sqlite3_column_text(q, 4);
		int year = sqlite3_column_int(q, 1), s;
		double v = sqlite3_column_double(q, 3);
		long u;
		size_t at;

		if (!code || !sex || year < y0 || year > y1 || !(v >= 0) || !isfinite(v))
			continue;
		s = !strcmp(sex, "T") ? 0 : !strcmp(sex, "F") ? 1 : !strcmp(sex, "M") ? 2 : -1;
		if (s < 0 || (u = unit_find(units, code, strlen(code))) < 0)
			continue;
		at = ((size_t)u * (size_t)p->n_years + (size_t)(year - y0)) * 3 + (size_t)s;
		p->value[at] = v;
		p->estimate[at] = !status || strcmp(status, "official");
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		e = ob_diag_set(d, OB_ESTORE, ob_store_dir(st), 0, 0, NULL, 0, "population: %s",
		                sqlite3_errmsg(ob_store_db(st)));
		goto fail;
	}
	unit_map_free(units);
	*out = p;
	return OB_OK;
fail:
	unit_map_free(units);
	ob_population_free(p);
	return e;
}

/* Population of unit u in year for sex (0 T, 1 F, 2 M); -1 when absent. */
static double pop_get(const struct ob_population *p, uint32_t u, int year, int sex, bool *est)
{
	size_t at;

	*est = false;
	if (!p || u >= p->n_units || year < p->year0 || year >= p->year0 + p->n_years)
		return -1;
	at = ((size_t)u * (size_t)p->n_years + (size_t)(year - p->year0)) * 3 + (size_t)sex;
	*est = p->estimate[at];
	return p->value[at];
}

/* ------------------------------------------------------------------------
 * Territories.
 */
static bool under(const struct ob_snapshot *snap, uint32_t u, uint32_t ancestor)
{
	for (int32_t x = (int32_t)u; x >= 0; x = snap->units[x].parent)
		if ((uint32_t)x == ancestor)
			return true;
	return false;
}

ob_err ob_ind_select_units(const struct ob_snapshot *snap, const char *codes, bool children,
                           int level, const char *country, uint32_t **out, size_t *n,
                           struct ob_diag *d)
{
	struct ob_strmap *m = unit_map_new(snap);
	uint32_t *given = NULL, *v = ob_malloc(((size_t)snap->n_units + 1) * sizeof(uint32_t));
	size_t ngiven = 0, nv = 0;
	long cu = -1;
	ob_err e = OB_OK;

	*out = NULL;
	*n = 0;
	if (codes) {
		const char *p = codes;
		given = ob_malloc((strlen(codes) / 2 + 2) * sizeof(uint32_t));
		while (*p) {
			const char *c = strchr(p, ',');
			size_t len = c ? (size_t)(c - p) : strlen(p);
			long u;

			if (len) {
				if ((u = unit_find(m, p, len)) < 0) {
					e = ob_diag_set(d, OB_EUSAGE, "--territory", 0, 0, p, len,
					                "territorio desconocido; vea «observa territories» "
					                "(unknown territory)");
					goto done;
				}
				given[ngiven++] = (uint32_t)u;
			}
			if (!c)
				break;
			p = c + 1;
		}
	}
	if (country) {
		if ((cu = unit_find(m, country, strlen(country))) < 0 || snap->units[cu].level != 0) {
			e = ob_diag_set(d, OB_EUSAGE, "--country", 0, 0, country, strlen(country),
			                "país desconocido; se esperaba un código ISO3 como SLV "
			                "(unknown country)");
			goto done;
		}
	}
	if (level >= 0) {
		for (uint32_t u = 0; u < snap->n_units; u++) {
			bool in = true;
			if (snap->units[u].level != level)
				continue;
			if (cu >= 0)
				in = under(snap, u, (uint32_t)cu);
			if (in && ngiven) {
				in = false;
				for (size_t i = 0; i < ngiven && !in; i++)
					in = under(snap, u, given[i]);
			}
			if (in)
				v[nv++] = u;
		}
	} else if (ngiven) {
		for (size_t i = 0; i < ngiven; i++) {
			if (!children) {
				v[nv++] = given[i];
				continue;
			}
			for (uint32_t u = 0; u < snap->n_units; u++)
				if (snap->units[u].parent == (int32_t)given[i])
					v[nv++] = u;
			if (nv > snap->n_units)
				break;
		}
	} else if (cu >= 0) {
		if (children) {
			for (uint32_t u = 0; u < snap->n_units; u++)
				if (snap->units[u].parent == (int32_t)cu)
					v[nv++] = u;
		} else {
			v[nv++] = (uint32_t)cu;
		}
	} else {
		for (uint32_t u = 0; u < snap->n_units; u++)
			if (snap->units[u].level == 0 && snap->units[u].parent < 0)
				v[nv++] = u;
	}
	if (!nv) {
		e = ob_diag_set(d, OB_EUSAGE, "--territory", 0, 0, NULL, 0,
		                "ningún territorio cumple la selección (no territory selected)");
		goto done;
	}
done:
	unit_map_free(m);
	free(given);
	if (e) {
		free(v);
		return e;
	}
	*out = v;
	*n = nv;
	return OB_OK;
}

/* ------------------------------------------------------------------------
 * Compiled filters: for every filter field, a table from the column's
 * value to a bit set of the computed indicators that accept it.
 */
struct compiled {
	size_t K, W;          /* computed indicators, 64-bit words per bit set */
	size_t *ind;          /* set index of each computed indicator */
	long *denom;          /* computed index of its denominator, or -1 */
	uint64_t *cat, *sex, *age, *hour, *src, *tag[OB_SNAP_DIMS];
	unsigned active;      /* fields some indicator restricts (1 << field) */
};

static void compiled_free(struct compiled *c)
{
	free(c->ind);
	free(c->denom);
	free(c->cat);
	free(c->sex);
	free(c->age);
	free(c->hour);
	free(c->src);
	for (int i = 0; i < OB_SNAP_DIMS; i++)
		free(c->tag[i]);
}

static uint64_t *table_new(size_t n, size_t W, size_t K)
{
	uint64_t *t = ob_malloc((n ? n : 1) * W * sizeof(uint64_t));

	for (size_t v = 0; v < n; v++)
		for (size_t w = 0; w < W; w++) {
			size_t bits = K > w * 64 ? K - w * 64 : 0;
			t[v * W + w] = bits >= 64 ? ~0ULL : ((1ULL << bits) - 1);
		}
	return t;
}

/* Clear bit k for every value v with accept[v] false. */
static void table_restrict(uint64_t *t, size_t n, size_t W, size_t k, const bool *accept)
{
	for (size_t v = 0; v < n; v++)
		if (!accept[v])
			t[v * W + k / 64] &= ~(1ULL << (k % 64));
}

static inline bool table_has(const uint64_t *t, size_t W, size_t v, size_t k)
{
	return t[v * W + k / 64] >> (k % 64) & 1;
}

static ob_err clause_err(struct ob_diag *d, const struct ob_indicator_set *set,
                         const struct ob_indicator *x, const struct ob_ind_clause *c,
                         const char *v, size_t n, const char *what)
{
	return ob_diag_set(d, OB_EINVAL, set->file, x->line, c->column, v, n,
	                   "%s «%s» desconocido en el numerador de %s; revise el catálogo "
	                   "(unknown %s code)", what, ob_ind_field_name(c->field), x->id,
	                   ob_ind_field_name(c->field));
}

static void range_accept(bool *acc, const char *s, size_t n, int max, bool wrap)
{
	const char *dash = memchr(s, '-', n);
	long long a, b;

	if (n && s[n - 1] == '+') {
		if (ob_parse_int(s, n - 1, 0, max, &a))
			for (int v = (int)a; v <= max; v++)
				acc[v] = true;
		return;
	}
	if (!dash) {
		if (ob_parse_int(s, n, 0, max, &a))
			acc[a] = true;
		return;
	}
	if (!ob_parse_int(s, (size_t)(dash - s), 0, max, &a) ||
	    !ob_parse_int(dash + 1, n - (size_t)(dash + 1 - s), 0, max, &b))
		return;
	if (a <= b) {
		for (long long v = a; v <= b; v++)
			acc[v] = true;
	} else if (wrap) {
		for (long long v = a; v <= max; v++)
			acc[v] = true;
		for (long long v = 0; v <= b; v++)
			acc[v] = true;
	}
}

/* The accept table of one clause; OB_EINVAL for an unknown code. */
static ob_err clause_accept(const struct ob_snapshot *snap, const struct ob_indicator_set *set,
                            const struct ob_indicator *x, const struct ob_ind_clause *c,
                            bool *acc, size_t nacc, struct ob_diag *d)
{
	const char *p = c->values;

	memset(acc, 0, nacc);
	for (;;) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		const char *v = p;
		bool found = false;

		while (n && (*v == ' ' || *v == '\t'))
			v++, n--;
		while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		switch (c->field) {
		case OB_FLD_CATEGORY:
			for (uint32_t k = 1; k < snap->n_categories; k++) {
				const char *code = ob_snap_str(snap, snap->categories[k].code);
				if (strlen(code) == n && !memcmp(code, v, n)) {
					found = true;
					/* the code and every category under it */
					for (uint32_t j = 0; j < snap->n_categories; j++)
						for (int32_t a = (int32_t)j; a >= 0; a = snap->categories[a].parent)
							if ((uint32_t)a == k) {
								acc[j] = true;
								break;
							}
				}
			}
			if (!found)
				return clause_err(d, set, x, c, v, n, "código");
			break;
		case OB_FLD_MANNER:
		case OB_FLD_MECHANISM:
		case OB_FLD_PLACE:
		case OB_FLD_RELATIONSHIP:
		case OB_FLD_CONTEXT: {
			int dim = c->field - OB_FLD_MANNER;
			for (uint32_t k = 0; k < snap->n_tags[dim]; k++) {
				const char *code = ob_snap_str(snap, snap->tags[dim][k]);
				if (strlen(code) == n && !memcmp(code, v, n)) {
					acc[k] = true;
					found = true;
				}
			}
			if (!found)
				return clause_err(d, set, x, c, v, n, "código");
			break;
		}
		case OB_FLD_SEX:
			acc[n && *v == 'F' ? OB_SNAP_SEX_F : n && *v == 'M' ? OB_SNAP_SEX_M
			                                                    : OB_SNAP_SEX_U] = true;
			break;
		case OB_FLD_AGE:
			range_accept(acc, v, n, OB_MAX_AGE, false);
			break;
		case OB_FLD_HOUR:
			range_accept(acc, v, n, 23, true);
			break;
		case OB_FLD_INSTITUTION: {
			int in = ob_institution_parse(v, n);
			for (uint32_t s = 0; s < snap->n_sources; s++)
				if (snap->sources[s].institution == in)
					acc[s] = true;
			break;
		}
		case OB_FLD_SOURCE:
			/* a source without deliveries yet matches nothing: not an error */
			for (uint32_t s = 0; s < snap->n_sources; s++) {
				const char *code = ob_snap_str(snap, snap->sources[s].code);
				if (strlen(code) == n && !memcmp(code, v, n))
					acc[s] = true;
			}
			break;
		default:
			break;
		}
		if (!bar)
			break;
		p = bar + 1;
	}
	return OB_OK;
}

ob_err ob_ind_filter_accept(const struct ob_snapshot *snap, enum ob_ind_field field,
                            const char *values, const char *where, bool *acc, size_t nacc,
                            struct ob_diag *d)
{
	struct ob_indicator_set set;
	struct ob_indicator *x = ob_calloc(1, sizeof(*x));
	struct ob_ind_clause c = { field, (char *)(uintptr_t)values, 0 };
	ob_err e;

	memset(&set, 0, sizeof(set));
	ob_strlcpy(set.file, where ? where : "--where", sizeof(set.file));
	ob_strlcpy(x->id, where ? where : "--where", sizeof(x->id));
	e = clause_accept(snap, &set, x, &c, acc, nacc, d);
	free(x);
	return e;
}

int ob_ind_age_group(int age)
{
	return age_group_of(age);
}

const char *ob_ind_age_group_label(int group)
{
	return group >= 0 && group < OB_IND_AGE_GROUPS ? age_groups[group] : "?";
}

static ob_err compile(const struct ob_snapshot *snap, const struct ob_indicator_set *set,
                      const struct ob_ind_query *q, struct compiled *c, struct ob_diag *d)
{
	size_t cap = q->n_indicators * 2 + 1, nacc = 256;
	bool *acc;
	long qsource = -1;
	ob_err e = OB_OK;

	memset(c, 0, sizeof(*c));
	c->ind = ob_malloc(cap * sizeof(size_t));
	c->denom = ob_malloc(cap * sizeof(long));
	/* the requested indicators, then the denominators of shares */
	for (size_t i = 0; i < q->n_indicators; i++) {
		c->ind[c->K] = q->indicators[i];
		c->denom[c->K++] = -1;
	}
	for (size_t i = 0; i < q->n_indicators; i++) {
		const struct ob_indicator *x = &set->v[q->indicators[i]];
		size_t j;

		if (x->denom != OB_DEN_INDICATOR || x->denom_index < 0)
			continue;
		for (j = 0; j < c->K && c->ind[j] != (size_t)x->denom_index; j++)
			;
		if (j == c->K) {
			c->ind[c->K] = (size_t)x->denom_index;
			c->denom[c->K++] = -1;
		}
		c->denom[i] = (long)j;
	}
	c->W = (c->K + 63) / 64;
	if (q->source) {
		for (uint32_t s = 0; s < snap->n_sources; s++)
			if (!strcmp(ob_snap_str(snap, snap->sources[s].code), q->source))
				qsource = s;
		if (qsource < 0)
			return ob_diag_set(d, OB_EUSAGE, "--source", 0, 0, q->source, strlen(q->source),
			                   "fuente sin envíos vigentes; vea «observa log» (unknown source)");
	}
	if (snap->n_categories > nacc)
		nacc = snap->n_categories;
	if (snap->n_sources > nacc)
		nacc = snap->n_sources;
	acc = ob_malloc(nacc);
	c->cat = table_new(snap->n_categories, c->W, c->K);
	c->sex = table_new(OB_SNAP_SEX_COUNT, c->W, c->K);
	c->age = table_new(256, c->W, c->K);
	c->hour = table_new(256, c->W, c->K);
	c->src = table_new(snap->n_sources, c->W, c->K);
	for (int i = 0; i < OB_SNAP_DIMS; i++)
		c->tag[i] = table_new(256, c->W, c->K);
	for (size_t k = 0; k < c->K && !e; k++) {
		const struct ob_indicator *x = &set->v[c->ind[k]];
		bool chooses_source = false;

		for (int ci = 0; ci < x->n_clauses; ci++) {
			const struct ob_ind_clause *cl = &x->clauses[ci];
			uint64_t *t;
			size_t n;

			if ((e = clause_accept(snap, set, x, cl, acc, nacc, d)))
				break;
			switch (cl->field) {
			case OB_FLD_CATEGORY: t = c->cat; n = snap->n_categories; break;
			case OB_FLD_SEX: t = c->sex; n = OB_SNAP_SEX_COUNT; break;
			case OB_FLD_AGE: t = c->age; n = 256; break;
			case OB_FLD_HOUR: t = c->hour; n = 256; break;
			case OB_FLD_INSTITUTION:
			case OB_FLD_SOURCE:
				t = c->src;
				n = snap->n_sources;
				chooses_source = true;
				break;
			default:
				t = c->tag[cl->field - OB_FLD_MANNER];
				n = 256;
			}
			table_restrict(t, n, c->W, k, acc);
			c->active |= 1u << (cl->field == OB_FLD_INSTITUTION ? OB_FLD_SOURCE : cl->field);
		}
		if (e || chooses_source)
			continue;
		/* the sources counted by default: --source, --institution, or the
		 * indicator's own institution */
		if (qsource >= 0 || q->institution >= 0 || x->institution >= 0) {
			for (uint32_t s = 0; s < snap->n_sources; s++)
				acc[s] = qsource >= 0 ? (long)s == qsource
				       : snap->sources[s].institution ==
				                 (q->institution >= 0 ? q->institution : x->institution);
			table_restrict(c->src, snap->n_sources, c->W, k, acc);
			c->active |= 1u << OB_FLD_SOURCE;
		}
	}
	free(acc);
	if (e)
		return e;
	/* a share counts a subset of its denominator, or it could pass 100% */
	for (size_t k = 0; k < q->n_indicators; k++) {
		long j = c->denom[k];
		const struct {
			const uint64_t *t;
			size_t n;
		} tabs[] = {
			{ c->cat, snap->n_categories }, { c->sex, OB_SNAP_SEX_COUNT }, { c->age, 256 },
			{ c->hour, 256 }, { c->src, snap->n_sources }, { c->tag[0], 256 },
			{ c->tag[1], 256 }, { c->tag[2], 256 }, { c->tag[3], 256 }, { c->tag[4], 256 },
		};
		if (j < 0)
			continue;
		for (size_t t = 0; t < OB_ARRAY_SIZE(tabs); t++)
			for (size_t v = 0; v < tabs[t].n; v++)
				if (table_has(tabs[t].t, c->W, v, k) && !table_has(tabs[t].t, c->W, v, (size_t)j)) {
					const struct ob_indicator *x = &set->v[c->ind[k]];
					return ob_diag_set(d, OB_EINVAL, set->file, x->line, 0, x->id,
					                   strlen(x->id),
					                   "el numerador de la proporción %s cuenta registros que "
					                   "su denominador %s no cuenta (también por fuente o "
					                   "institución) (a share's numerator must be a subset "
					                   "of its denominator's)", x->id, x->denom_id);
				}
	}
	return OB_OK;
}

/* ------------------------------------------------------------------------
 * The pass over the columns.
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

/*
 * The counters: [unit][period][cell][computed indicator], so that the
 * indicators a record counts for sit side by side in memory. A record adds
 * the victims it stands for (its count). No counter can overflow: a
 * snapshot holds at most OB_MAX_SNAPSHOT_VICTIMS (2^32 - 1) victims, and
 * each counts at most once in a counter, even summed up the hierarchy.
 */
struct worker {
	const struct plan *pl;
	uint64_t from, to;
	uint32_t *counts;
	size_t counts_len;
};

static inline size_t cell_of(const struct plan *pl, uint64_t i)
{
	size_t cell = 0;

	for (size_t j = 0; j < pl->n_by; j++) {
		switch (pl->by_kind[j]) {
		case 0: cell += pl->by_tab[j][pl->snap->sex[i]]; break;
		case 1: cell += pl->by_tab[j][pl->snap->age[i]]; break;
		case 2: cell += pl->by_tab[j][pl->by_col8[j][i]]; break;
		default: cell += pl->by_tab[j][pl->snap->source[i]]; break;
		}
	}
	return cell;
}

static inline bool day_ok(const struct plan *pl, int slot, uint8_t day)
{
	return day ? day <= pl->day_limit[slot] : pl->unknown_day[slot];
}

/* One 64-bit word of indicators: the common case, kept tight. weighted
 * (a constant where it is called): a record adds its count, not 1. */
static inline __attribute__((always_inline)) void count_one_word_as(struct worker *w,
                                                                    bool weighted)
{
	const struct plan *pl = w->pl;
	const struct ob_snapshot *s = pl->snap;
	const struct compiled *c = pl->c;
	const unsigned act = c->active;
	const uint16_t *terr = s->territory, *year = s->year, *cat = s->category, *src = s->source;
	const uint16_t *count = s->count;
	const uint8_t *month = s->month, *sex = s->sex, *age = s->age, *hour = s->hour;
	const uint8_t *t0 = s->tag[0], *t1 = s->tag[1], *t2 = s->tag[2], *t3 = s->tag[3],
		      *t4 = s->tag[4];
	const uint64_t *wcat = c->cat, *wsex = c->sex, *wage = c->age, *whour = c->hour,
		       *wsrc = c->src, *w0 = c->tag[0], *w1 = c->tag[1], *w2 = c->tag[2],
		       *w3 = c->tag[3], *w4 = c->tag[4];
	const int16_t *slot = pl->slot;
	uint32_t *counts = w->counts, *cnt;
	const size_t K = pl->K, NP = pl->NP, NC = pl->NC;

	for (uint64_t i = w->from; i < w->to; i++) {
		int sl = slot[year[i] * 13u + month[i]];
		uint64_t m;

		if (sl == SLOT_NONE)
			continue;
		m = wcat[cat[i]];
		if (act & (1u << OB_FLD_SOURCE))
			m &= wsrc[src[i]];
		if (act & (1u << OB_FLD_SEX))
			m &= wsex[sex[i]];
		if (act & (1u << OB_FLD_AGE))
			m &= wage[age[i]];
		if (act & (1u << OB_FLD_HOUR))
			m &= whour[hour[i]];
		if (act & (1u << OB_FLD_MANNER))
			m &= w0[t0[i]];
		if (act & (1u << OB_FLD_MECHANISM))
			m &= w1[t1[i]];
		if (act & (1u << OB_FLD_PLACE))
			m &= w2[t2[i]];
		if (act & (1u << OB_FLD_RELATIONSHIP))
			m &= w3[t3[i]];
		if (act & (1u << OB_FLD_CONTEXT))
			m &= w4[t4[i]];
		if (!m)
			continue;
		if (sl < SLOT_NONE) {
			sl = -(sl + 2);
			if (!day_ok(pl, sl, s->day[i]))
				continue;
		}
		cnt = counts + (((size_t)terr[i] * NP + (size_t)sl) * NC + cell_of(pl, i)) * K;
		if (weighted) {
			uint32_t add = count[i];
			do {
				cnt[__builtin_ctzll(m)] += add;
				m &= m - 1;
			} while (m);
		} else {
			do {
				cnt[__builtin_ctzll(m)]++;
				m &= m - 1;
			} while (m);
		}
	}
}

/* Any number of words. */
static inline __attribute__((always_inline)) void count_words_as(struct worker *w,
                                                                 bool weighted)
{
	const struct plan *pl = w->pl;
	const struct ob_snapshot *s = pl->snap;
	const struct compiled *c = pl->c;
	const size_t W = c->W;

	for (uint64_t i = w->from; i < w->to; i++) {
		int sl = pl->slot[s->year[i] * 13u + s->month[i]];
		size_t base = 0;
		bool placed = false;

		if (sl == SLOT_NONE)
			continue;
		for (size_t k = 0; k < W; k++) {
			uint64_t m = c->cat[s->category[i] * W + k] & c->src[s->source[i] * W + k] &
			             c->sex[s->sex[i] * W + k] & c->age[s->age[i] * W + k] &
			             c->hour[s->hour[i] * W + k];
			for (int t = 0; t < OB_SNAP_DIMS; t++)
				m &= c->tag[t][s->tag[t][i] * W + k];
			if (!m)
				continue;
			if (!placed) {
				if (sl < SLOT_NONE) {
					sl = -(sl + 2);
					if (!day_ok(pl, sl, s->day[i]))
						break;
				}
				base = (((size_t)s->territory[i] * pl->NP + (size_t)sl) * pl->NC +
				        cell_of(pl, i)) * pl->K;
				placed = true;
			}
			do {
				w->counts[base + k * 64 + (size_t)__builtin_ctzll(m)] +=
					weighted ? s->count[i] : 1u;
				m &= m - 1;
			} while (m);
		}
	}
}

/* Each kernel in two builds: a snapshot whose records all count 1 keeps
 * the plain increments. */
static void count_one_word(struct worker *w)
{
	count_one_word_as(w, false);
}

static void count_one_word_weighted(struct worker *w)
{
	count_one_word_as(w, true);
}

static void count_words(struct worker *w)
{
	count_words_as(w, false);
}

static void count_words_weighted(struct worker *w)
{
	count_words_as(w, true);
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	bool weighted = w->pl->snap->victims != w->pl->snap->n;

	if (w->pl->c->W == 1)
		weighted ? count_one_word_weighted(w) : count_one_word(w);
	else
		weighted ? count_words_weighted(w) : count_words(w);
	return NULL;
}

static int thread_count(const struct ob_ind_query *q, uint64_t n)
{
	long t = q->threads > 0 ? q->threads : sysconf(_SC_NPROCESSORS_ONLN);

	if (t < 1)
		t = 1;
	if (t > 16)
		t = 16;
	/* unless told: a thread for at least a quarter of a million records */
	if (q->threads <= 0 && (uint64_t)t > n / 262144 + 1)
		t = (long)(n / 262144 + 1);
	return (int)t;
}

/* Count every record into counts (cells x K counters). */
static void count_all(const struct plan *pl, const struct ob_ind_query *q, uint32_t *counts)
{
	uint64_t n = pl->snap->n;
	int T = thread_count(q, n);
	size_t cells = pl->NT * pl->NP * pl->NC * pl->K;
	struct worker *w = ob_calloc((size_t)T, sizeof(*w));
	pthread_t *th = ob_calloc((size_t)T, sizeof(*th));
	bool *started = ob_calloc((size_t)T, sizeof(bool));

	for (int t = 0; t < T; t++) {
		w[t].pl = pl;
		w[t].from = n * (uint64_t)t / (uint64_t)T;
		w[t].to = n * (uint64_t)(t + 1) / (uint64_t)T;
		w[t].counts = t == 0 ? counts : big_calloc(cells * sizeof(uint32_t), &w[t].counts_len);
	}
	for (int t = 1; t < T; t++)
		started[t] = pthread_create(&th[t], NULL, worker_run, &w[t]) == 0;
	worker_run(&w[0]);
	for (int t = 1; t < T; t++) {
		if (started[t])
			pthread_join(th[t], NULL);
		else
			worker_run(&w[t]); /* no thread: its share is done here */
		for (size_t i = 0; i < cells; i++)
			counts[i] += w[t].counts[i];
		big_free(w[t].counts, w[t].counts_len);
	}
	free(started);
	free(w);
	free(th);
}

/* Add every unit's counters into its parent's, leaves first (a parent has
 * a lower index than its children). */
static void aggregate(const struct plan *pl, uint32_t *counts)
{
	const struct ob_snapshot *s = pl->snap;
	size_t block = pl->NP * pl->NC * pl->K;

	for (uint32_t u = s->n_units; u-- > 0;) {
		int32_t p = s->units[u].parent;
		const uint32_t *from = counts + (size_t)u * block;
		uint32_t *to;

		if (p < 0)
			continue;
		to = counts + (size_t)p * block;
		for (size_t i = 0; i < block; i++)
			to[i] += from[i];
	}
}

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

static void itable_init(struct itable *t, size_t expect)
{
	t->cap = 1024;
	while (t->cap < expect * 2)
		t->cap *= 2;
	t->e = ob_calloc(t->cap, sizeof(*t->e));
	t->n = 0;
}

static inline uint64_t imix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

static struct ientry *itable_get(struct itable *t, uint64_t key, bool add)
{
	size_t i;

	if (add && (t->n + 1) * 2 > t->cap) {
		struct itable g;
		g.cap = t->cap * 2;
		g.e = ob_calloc(g.cap, sizeof(*g.e));
		g.n = 0;
		for (size_t j = 0; j < t->cap; j++)
			if (t->e[j].key)
				*itable_get(&g, t->e[j].key, true) = t->e[j];
		free(t->e);
		*t = g;
	}
	for (i = imix(key) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		if (t->e[i].key == key)
			return &t->e[i];
		if (!t->e[i].key) {
			if (!add)
				return NULL;
			t->e[i].key = key;
			t->n++;
			return &t->e[i];
		}
	}
}

#define KEY_SHARE (1ULL << 63)

/* Solve every key of the table, the lot spread over threads. */
struct ijob {
	struct itable *t;
	size_t from, to;
	double level;
};

static void solve_entry(struct ientry *e, double level)
{
	if (e->key & KEY_SHARE) {
		uint64_t k = e->key & ~KEY_SHARE;
		ob_prop_limits((double)(k >> 31), (double)(k & 0x7fffffffULL), level, &e->lo, &e->hi);
	} else {
		struct ob_rate r;
		ob_rate_exact_ex((double)(e->key - 1), 1, 1, level, 0, &r);
		e->lo = r.count_lower;
		e->hi = r.count_upper;
	}
}

static void *ijob_run(void *arg)
{
	struct ijob *j = arg;

	for (size_t i = j->from; i < j->to; i++)
		if (j->t->e[i].key)
			solve_entry(&j->t->e[i], j->level);
	return NULL;
}

static void itable_solve(struct itable *t, double level, int T)
{
	struct ijob *j = ob_calloc((size_t)T, sizeof(*j));
	pthread_t *th = ob_calloc((size_t)T, sizeof(*th));
	bool *started = ob_calloc((size_t)T, sizeof(bool));

	/* slices of the hash table: large and small counts are scattered
	 * evenly over it */
	for (int k = 0; k < T; k++) {
		j[k].t = t;
		j[k].from = t->cap * (size_t)k / (size_t)T;
		j[k].to = t->cap * (size_t)(k + 1) / (size_t)T;
		j[k].level = level;
	}
	for (int k = 1; k < T; k++)
		started[k] = pthread_create(&th[k], NULL, ijob_run, &j[k]) == 0;
	ijob_run(&j[0]);
	for (int k = 1; k < T; k++) {
		if (started[k])
			pthread_join(th[k], NULL);
		else
			ijob_run(&j[k]);
	}
	free(started);
	free(j);
	free(th);
}

/* The limits for a key, solved the first time it is asked for. */
static const struct ientry *interval_of(struct itable *t, uint64_t key, double level)
{
	struct ientry *e = itable_get(t, key, true);

	if (e->lo == 0 && e->hi == 0)
		solve_entry(e, level);
	return e;
}

/* ------------------------------------------------------------------------
 * The query.
 */
void ob_ind_result_free(struct ob_ind_result *r)
{
	if (!r)
		return;
	big_free(r->values, r->values_len);
	free(r->cells);
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
		return age_groups[v];
	case OB_BY_SOURCE:
		return ob_snap_str(r->snap, r->snap->sources[v].code);
	default:
		return ob_snap_str(r->snap, r->snap->tags[r->by[j] - OB_BY_MANNER][v]);
	}
}

static int days_in(int year, int month)
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
				pl->unknown_day[p] = per->end_day >= days_in(y, mo);
			}
			if (pl->slot[y * 13 + mo] != SLOT_NONE)
				return ob_diag_set(d, OB_EUSAGE, "--period", 0, 0, per->label,
				                   strlen(per->label),
				                   "periodos superpuestos (overlapping periods)");
			pl->slot[y * 13 + mo] = v;
		}
		/* records dated by year only belong to whole years */
		if (per->kind == OB_PERIOD_YEAR)
			pl->slot[per->year * 13] = (int16_t)p;
	}
	pl->NC = 1;
	pl->n_by = q->n_by;
	for (size_t j = 0; j < q->n_by; j++) {
		size_t nv;
		switch (q->by[j]) {
		case OB_BY_SEX: nv = 3; pl->by_kind[j] = 0; break;
		case OB_BY_AGE_GROUP: nv = 7; pl->by_kind[j] = 1; break;
		case OB_BY_SOURCE: nv = snap->n_sources ? snap->n_sources : 1; pl->by_kind[j] = 3; break;
		default:
			nv = snap->n_tags[q->by[j] - OB_BY_MANNER];
			pl->by_kind[j] = 2;
			pl->by_col8[j] = snap->tag[q->by[j] - OB_BY_MANNER];
		}
		if (pl->NC * nv > OB_MAX_INDICATOR_CELLS)
			return ob_diag_set(d, OB_ETOOBIG, "--by", 0, 0, NULL, 0,
			                   "demasiadas combinaciones de desagregación (too many cells)");
		pl->NC *= nv;
	}
	/* strides, last dimension fastest */
	{
		size_t stride = 1;
		for (size_t j = q->n_by; j-- > 0;) {
			size_t nv = pl->by_kind[j] == 0 ? 3 : pl->by_kind[j] == 1 ? 7
			          : pl->by_kind[j] == 3 ? (snap->n_sources ? snap->n_sources : 1)
			                                : snap->n_tags[q->by[j] - OB_BY_MANNER];
			size_t tabn = pl->by_kind[j] == 3 ? (snap->n_sources ? snap->n_sources : 1) : 256;
			pl->by_tab[j] = ob_calloc(tabn, sizeof(uint32_t));
			for (size_t v = 0; v < tabn; v++) {
				size_t idx;
				if (pl->by_kind[j] == 0)
					idx = v == OB_SNAP_SEX_F ? 0 : v == OB_SNAP_SEX_M ? 1 : 2;
				else if (pl->by_kind[j] == 1)
					idx = (size_t)age_group_of((int)v);
				else
					idx = v < nv ? v : 0;
				pl->by_tab[j][v] = (uint32_t)(idx * stride);
			}
			stride *= nv;
		}
	}
	if ((double)c->K * (double)pl->NT * (double)pl->NP * (double)pl->NC > OB_MAX_INDICATOR_CELLS)
		return ob_diag_set(d, OB_ETOOBIG, "indicators", 0, 0, NULL, 0,
		                   "la consulta tiene más de %ld celdas; pida menos indicadores, "
		                   "periodos o desagregaciones (too many cells)",
		                   (long)OB_MAX_INDICATOR_CELLS);
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

/* Months delivered, per computed indicator and country: [k][country][month - m0]. */
static uint8_t *coverage_map(const struct ob_snapshot *snap, const struct compiled *c,
                             int m0, int m1)
{
	size_t span = (size_t)(m1 - m0 + 1), nc = snap->n_countries ? snap->n_countries : 1;
	uint8_t *cov = ob_calloc(c->K * nc * span, 1);

	for (uint32_t i = 0; i < snap->n_coverage; i++) {
		const struct ob_snap_coverage *e = &snap->coverage[i];
		int a = e->from_month > m0 ? e->from_month : m0;
		int b = e->to_month < m1 ? e->to_month : m1;
		if (a > b)
			continue;
		for (size_t k = 0; k < c->K; k++) {
			uint8_t *row;
			if (!table_has(c->src, c->W, e->source, k))
				continue;
			row = cov + (k * nc + e->country) * span;
			for (int m = a; m <= b; m++)
				row[m - m0] = 1;
		}
	}
	return cov;
}

/* What one cell's value needs besides its counters. */
struct cellinfo {
	int sex; /* -1: no sex split; else 0 F, 1 M, 2 U */
	bool age; /* split by age group */
};

static void fill_value(const struct ob_indicator *x, const struct ob_ind_query *q,
                       const struct ob_population *pop, uint32_t u, const struct ob_period *per,
                       const struct cellinfo *ci, double count, double den, unsigned covered,
                       unsigned total, struct ob_ind_value *v)
{
	bool share = x->denom == OB_DEN_INDICATOR, est = false, den_ok = false;
	unsigned flags = 0;

	v->months_covered = (uint16_t)covered;
	v->months_total = (uint16_t)total;
	if (covered < total)
		flags |= OB_IND_INCOMPLETE_COVERAGE;
	if (!covered) {
		flags |= OB_IND_NO_DATA;
		count = 0;
		if (share)
			den = 0;
	}
	if (share) {
		den_ok = den > 0;
		if (den < q->unreliable_below)
			flags |= OB_IND_UNRELIABLE;
	} else {
		/* the population of the cell's sex, if the indicator's
		 * denominator and the cell agree on one */
		int sex = x->denom_sex == 'F' ? 1 : x->denom_sex == 'M' ? 2 : 0;

		if (ci->sex == 2)
			sex = -1;
		else if (ci->sex >= 0 && sex == 0)
			sex = ci->sex + 1;
		else if (ci->sex >= 0 && sex != ci->sex + 1)
			sex = -1;
		/* no population by age in the catalogue */
		if (sex >= 0 && x->denom_age_lo < 0 && !ci->age) {
			den = pop_get(pop, u, per->year, sex, &est);
			den_ok = den > 0;
		}
		if (!den_ok)
			den = 0;
		if (count < q->unreliable_below)
			flags |= OB_IND_UNRELIABLE;
		if (est && den_ok)
			flags |= OB_IND_ESTIMATED_DENOMINATOR;
		if (per->kind != OB_PERIOD_YEAR)
			flags |= OB_IND_PARTIAL_PERIOD;
	}
	if (!den_ok)
		flags |= OB_IND_MISSING_DENOMINATOR;
	/* an unknown count is not a small one */
	if (flags & OB_IND_NO_DATA)
		flags &= ~(unsigned)OB_IND_UNRELIABLE;
	v->count = count;
	v->denominator = den;
	v->flags = flags;
	if (den_ok && !(flags & OB_IND_NO_DATA))
		v->value = x->multiplier * count / den;
}

static inline uint64_t interval_key(bool share, double x, double n)
{
	return share ? KEY_SHARE | ((uint64_t)x << 31) | (uint64_t)n : (uint64_t)x + 1;
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
	uint32_t *counts = NULL;
	uint8_t *cov = NULL;
	size_t counts_len = 0, span, nco, nblock;
	double t0 = ob_now(), t1;
	int m0 = INT32_MAX, m1 = INT32_MIN, by_sex = -1, by_age = -1;
	ob_err e;

	*out = NULL;
	memset(&pl, 0, sizeof(pl));
	memset(&c, 0, sizeof(c));
	memset(&it, 0, sizeof(it));
	if (!q->n_indicators || !q->n_units || !q->n_periods)
		return ob_diag_set(d, OB_EUSAGE, "indicators", 0, 0, NULL, 0,
		                   "consulta vacía: faltan indicadores, territorios o periodos "
		                   "(empty query)");
	if (!(q->level > 0 && q->level < 1) || !(q->unreliable_below >= 0))
		return ob_diag_set(d, OB_EUSAGE, "--level-conf", 0, 0, NULL, 0,
		                   "nivel de confianza fuera de (0, 1) (confidence level out of range)");
	for (size_t j = 0; j < q->n_by; j++) {
		if (q->by[j] >= OB_BY_COUNT)
			return ob_diag_set(d, OB_EUSAGE, "--by", 0, 0, NULL, 0, "desagregación no válida");
		for (size_t i = 0; i < j; i++)
			if (q->by[i] == q->by[j])
				return ob_diag_set(d, OB_EUSAGE, "--by", 0, 0, ob_ind_by_name(q->by[j]),
				                   strlen(ob_ind_by_name(q->by[j])),
				                   "desagregación repetida (repeated disaggregation)");
		if (q->by[j] == OB_BY_SEX)
			by_sex = (int)j;
		if (q->by[j] == OB_BY_AGE_GROUP)
			by_age = (int)j;
	}
	for (size_t i = 0; i < q->n_units; i++)
		if (q->units[i] >= snap->n_units)
			return ob_diag_set(d, OB_EUSAGE, "--territory", 0, 0, NULL, 0, "territorio no válido");
	for (size_t i = 0; i < q->n_indicators; i++)
		if (q->indicators[i] >= set->n)
			return ob_diag_set(d, OB_EUSAGE, "--indicator", 0, 0, NULL, 0, "indicador no válido");
	for (size_t p = 0; p < q->n_periods; p++) {
		if (q->periods[p].from_month < m0)
			m0 = q->periods[p].from_month;
		if (q->periods[p].to_month > m1)
			m1 = q->periods[p].to_month;
	}
	if ((e = compile(snap, set, q, &c, d)))
		goto fail;
	if ((e = build_plan(snap, q, &c, &pl, d)))
		goto fail;
	counts = big_calloc(pl.NT * pl.NP * pl.NC * pl.K * sizeof(uint32_t), &counts_len);
	count_all(&pl, q, counts);
	aggregate(&pl, counts);
	t1 = ob_now();
	span = (size_t)(m1 - m0 + 1);
	nco = snap->n_countries ? snap->n_countries : 1;
	cov = coverage_map(snap, &c, m0, m1);

	r = ob_calloc(1, sizeof(*r));
	r->snap = snap;
	r->n_indicators = q->n_indicators;
	r->n_units = q->n_units;
	r->n_periods = q->n_periods;
	r->n_cells = pl.NC;
	r->n_by = q->n_by;
	for (size_t j = 0; j < q->n_by; j++) {
		r->by[j] = q->by[j];
		r->by_values[j] = q->by[j] == OB_BY_SEX ? 3 : q->by[j] == OB_BY_AGE_GROUP ? 7
		                : q->by[j] == OB_BY_SOURCE ? (snap->n_sources ? snap->n_sources : 1)
		                : snap->n_tags[q->by[j] - OB_BY_MANNER];
	}
	r->records = snap->n;
	r->cells = ob_malloc(q->n_indicators * sizeof(size_t));
	for (size_t k = 0; k < q->n_indicators; k++) {
		const struct ob_indicator *x = &set->v[q->indicators[k]];
		bool split = true;
		for (size_t j = 0; j < q->n_by; j++)
			split = split && (x->by_allowed >> q->by[j] & 1);
		r->cells[k] = split ? pl.NC : 1;
	}
	/* the sex and age of each cell, for its denominator */
	ci = ob_calloc(pl.NC, sizeof(*ci));
	for (size_t cell = 0; cell < pl.NC; cell++) {
		size_t stride_s = 1;
		ci[cell].sex = -1;
		ci[cell].age = by_age >= 0;
		if (by_sex < 0)
			continue;
		for (size_t j = q->n_by; j-- > (size_t)by_sex + 1;)
			stride_s *= r->by_values[j];
		ci[cell].sex = (int)(cell / stride_s % 3);
	}
	itable_init(&it, 4096);
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
							itable_get(&it, interval_key(share, cnt[cell * pl.K + k],
							                             cnt[cell * pl.K + dk]), true);
						continue;
					}
					xs += cnt[cell * pl.K + k];
					ds += share ? cnt[cell * pl.K + dk] : 0;
				}
				if (!split && (!share || ds > 0))
					itable_get(&it, interval_key(share, xs, ds), true);
			}
	}
	itable_solve(&it, q->level, thread_count(q, (uint64_t)it.n * 262144 / 64));
	/* one indicator's values at a time, in a block that stays in cache */
	nblock = q->n_units * q->n_periods * pl.NC;
	block = ob_malloc(nblock * sizeof(*block));
	for (size_t k = 0; k < q->n_indicators; k++) {
		const struct ob_indicator *x = &set->v[q->indicators[k]];
		bool split = r->cells[k] > 1, share = x->denom == OB_DEN_INDICATOR;
		size_t dk = share ? (size_t)c.denom[k] : 0;
		const struct cellinfo total_cell = { -1, false };

		memset(block, 0, nblock * sizeof(*block));
		for (size_t ui = 0; ui < q->n_units; ui++) {
			uint32_t u = q->units[ui];
			const uint8_t *crow = cov + (k * nco + snap->units[u].country) * span;

			for (size_t p = 0; p < q->n_periods; p++) {
				const struct ob_period *per = &q->periods[p];
				const uint32_t *cnt = counts + ((size_t)u * pl.NP + p) * pl.NC * pl.K;
				struct ob_ind_value *v = &block[(ui * q->n_periods + p) * pl.NC];
				unsigned covered = 0, total = (unsigned)(per->to_month - per->from_month + 1);
				size_t ncell = split ? pl.NC : 1;

				for (int m = per->from_month; m <= per->to_month; m++)
					covered += crow[m - m0];
				if (split) {
					for (size_t cell = 0; cell < pl.NC; cell++)
						fill_value(x, q, pop, u, per, &ci[cell], cnt[cell * pl.K + k],
						           share ? cnt[cell * pl.K + dk] : 0, covered, total, &v[cell]);
				} else {
					double xs = 0, ds = 0;
					for (size_t cell = 0; cell < pl.NC; cell++) {
						xs += cnt[cell * pl.K + k];
						if (share)
							ds += cnt[cell * pl.K + dk];
					}
					fill_value(x, q, pop, u, per, &total_cell, xs, ds, covered, total, v);
				}
				for (size_t cell = 0; cell < ncell; cell++, v++) {
					const struct ientry *en;
					if (!(v->denominator > 0) || (v->flags & OB_IND_NO_DATA))
						continue;
					en = interval_of(&it, interval_key(share, v->count, v->denominator),
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
			e = ob_diag_set(d, OB_EIO, "indicators", 0, 0, NULL, 0,
			                "no se pudo escribir la salida (write error)");
			goto fail;
		}
	}
	r->seconds_count = t1 - t0;
	r->seconds_total = ob_now() - t0;
	free(it.e);
	free(block);
	free(ci);
	free(cov);
	big_free(counts, counts_len);
	plan_free(&pl);
	compiled_free(&c);
	*out = r;
	return OB_OK;
fail:
	free(it.e);
	free(block);
	free(ci);
	free(cov);
	big_free(counts, counts_len);
	plan_free(&pl);
	compiled_free(&c);
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
		kp->values = big_calloc(r->n_indicators * kp->per_indicator * sizeof(*block), &kp->len);
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
		big_free(kp.values, kp.len);
		return e;
	}
	(*out)->values = kp.values;
	(*out)->values_len = kp.len;
	return OB_OK;
}
