/*
 * ind_pop.c - what a computation reads beside the snapshot: population,
 * territorial divisions and what each source can give (ob_population_load),
 * and the selection of territories.
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
#include "store/catalog.h"

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
	free(p->status);
	free(p->span);
	free(p->pred_at);
	free(p->pred);
	free(p->covers);
	free(p->supplies);
	free(p->manners);
	free(p);
}

/* yyyy-mm-dd into days; false when it is not a date. */
static bool day_of(const char *s, long *out)
{
	struct ob_date dt;
	long long y, m, dd;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    !ob_parse_int(s, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y) ||
	    !ob_parse_int(s + 5, 2, 1, 12, &m) || !ob_parse_int(s + 8, 2, 1, 31, &dd) ||
	    !ob_date_valid((int)y, (int)m, (int)dd))
		return false;
	dt.year = (int)y;
	dt.month = (int)m;
	dt.day = (int)dd;
	dt.precision = OB_PREC_DAY;
	*out = ob_date_days(&dt);
	return true;
}

static long day_of_month(int year, int month, int day)
{
	struct ob_date dt = { year, month, day, OB_PREC_DAY };

	return ob_date_days(&dt);
}

struct figures {
	struct ob_population *p;
	const struct ob_strmap *units;
	int y0, y1;
};

static int figure_one(void *arg, const struct ob_store_population *row)
{
	struct figures *f = arg;
	struct ob_population *p = f->p;
	long u;
	size_t at;
	int sx;

	if (!row->territory || !row->sex || row->year < f->y0 || row->year > f->y1 ||
	    !(row->population >= 0) || !isfinite(row->population))
		return 0;
	sx = !strcmp(row->sex, "T") ? 0 : !strcmp(row->sex, "F") ? 1 : !strcmp(row->sex, "M") ? 2 : -1;
	if (sx < 0 || (u = unit_find(f->units, row->territory, strlen(row->territory))) < 0)
		return 0;
	at = ((size_t)u * (size_t)p->n_years + (size_t)(row->year - f->y0)) * 3 + (size_t)sx;
	p->value[at] = row->population;
	p->status[at] = !row->status || !strcmp(row->status, "official") ? OB_POP_OFFICIAL
	              : !strcmp(row->status, "equal_split") ? OB_POP_EQUAL_SPLIT
	                                                    : OB_POP_ESTIMATE;
	return 0;
}

static ob_err load_figures(struct ob_store *st, struct ob_population *p,
                           const struct ob_strmap *units, struct ob_diag *d)
{
	struct figures f = { p, units, 0, -1 };
	size_t cells;
	bool found;

	if (ob_store_population_years(st, &f.y0, &f.y1, &found, d))
		return OB_ESTORE;
	if (!found) {
		f.y0 = 0;
		f.y1 = -1;
	}
	if (f.y0 < OB_MIN_YEAR)
		f.y0 = OB_MIN_YEAR;
	if (f.y1 > OB_MAX_YEAR)
		f.y1 = OB_MAX_YEAR;
	p->year0 = f.y0;
	p->n_years = f.y1 >= f.y0 ? f.y1 - f.y0 + 1 : 0;
	cells = (size_t)p->n_units * (size_t)p->n_years * 3;
	p->value = ob_malloc((cells ? cells : 1) * sizeof(double));
	p->status = ob_calloc(cells ? cells : 1, 1);
	for (size_t i = 0; i < cells; i++)
		p->value[i] = -1;
	if (!cells)
		return OB_OK;
	return ob_store_population_each(st, figure_one, &f, d) < 0 ? OB_ESTORE : OB_OK;
}

struct spans {
	struct ob_population *p;
	const struct ob_strmap *units;
};

static int validity_one(void *arg, const struct ob_store_territory *t)
{
	struct spans *sp = arg;
	long u, day;

	if (!t->code || (u = unit_find(sp->units, t->code, strlen(t->code))) < 0)
		return 0;
	if (day_of(t->valid_from, &day))
		sp->p->span[u].from = day;
	if (day_of(t->valid_to, &day))
		sp->p->span[u].to = day;
	return 0;
}

static int change_one(void *arg, const char *o, const char *n, const char *date)
{
	struct spans *sp = arg;
	long uo, un, day;

	if (!o || !n || (uo = unit_find(sp->units, o, strlen(o))) < 0 ||
	    (un = unit_find(sp->units, n, strlen(n))) < 0 || uo == un || !day_of(date, &day) ||
	    sp->p->span[uo].successor >= 0)
		return 0;
	sp->p->span[uo].successor = (int32_t)un;
	sp->p->span[uo].change = day;
	return 0;
}

/* The inverse of the successors, grouped by successor (counting sort). */
static void index_predecessors(struct ob_population *p)
{
	uint32_t n = p->n_units;

	p->pred_at = ob_calloc((size_t)n + 2, sizeof(uint32_t));
	for (uint32_t u = 0; u < n; u++)
		if (p->span[u].successor >= 0 && (uint32_t)p->span[u].successor < n)
			p->pred_at[p->span[u].successor + 2]++;
	for (uint32_t u = 2; u <= n + 1; u++)
		p->pred_at[u] += p->pred_at[u - 1];
	p->pred = ob_malloc(((size_t)p->pred_at[n + 1] + 1) * sizeof(uint32_t));
	for (uint32_t u = 0; u < n; u++)
		if (p->span[u].successor >= 0 && (uint32_t)p->span[u].successor < n)
			p->pred[p->pred_at[p->span[u].successor + 1]++] = u;
}

/* Validity of the units and the changes between divisions. */
static ob_err load_spans(struct ob_store *st, struct ob_population *p,
                         const struct ob_strmap *units, struct ob_diag *d)
{
	struct spans sp = { p, units };

	p->span = ob_malloc(((size_t)p->n_units + 1) * sizeof(*p->span));
	for (uint32_t u = 0; u < p->n_units; u++)
		p->span[u] = (struct ob_unit_span){ LONG_MIN, LONG_MAX, -1, 0 };
	if (ob_store_territories_each(st, NULL, -1, validity_one, &sp, d) < 0 ||
	    ob_store_territory_changes_each(st, "district_of", change_one, &sp, d) < 0)
		return OB_ESTORE;
	index_predecessors(p);
	return OB_OK;
}

/* Bits of enum ob_ind_field a profile field gives, or 0. */
uint32_t ob_ii_field_bit(enum ob_field f)
{
	switch (f) {
	case OB_F_CATEGORY: return 1u << OB_FLD_CATEGORY;
	case OB_F_MANNER: return 1u << OB_FLD_MANNER;
	case OB_F_MECHANISM: return 1u << OB_FLD_MECHANISM;
	case OB_F_PLACE: return 1u << OB_FLD_PLACE;
	case OB_F_RELATIONSHIP: return 1u << OB_FLD_RELATIONSHIP;
	case OB_F_CONTEXT: return 1u << OB_FLD_CONTEXT;
	case OB_F_VICTIM_SEX: return 1u << OB_FLD_SEX;
	case OB_F_VICTIM_AGE:
	case OB_F_VICTIM_AGE_GROUP: return 1u << OB_FLD_AGE;
	case OB_F_OCCURRED_AT: return 1u << OB_FLD_HOUR;
	case OB_F_TERRITORY:
	case OB_F_TERRITORY_CODE: return 1u << OB_FLD_MUNICIPALITY;
	default: return 0;
	}
}

/* The snapshot category of code, or -1. */
long ob_ii_category_find(const struct ob_snapshot *snap, const char *code, size_t n)
{
	for (uint32_t c = 1; c < snap->n_categories; c++) {
		const char *k = ob_snap_str(snap, snap->categories[c].code);
		if (strlen(k) == n && !memcmp(k, code, n))
			return (long)c;
	}
	return -1;
}

/* Mark in row (one source's) every code that reaching category c covers: c
 * and its ancestors (a source that can give c gives something under each of
 * them); with whole, also every code under c (a stated category covers its
 * subdivisions). */
static void cover_code(const struct ob_snapshot *snap, uint8_t *row, uint32_t c, bool whole)
{
	for (int32_t a = (int32_t)c; a >= 0 && (uint32_t)a < snap->n_categories;
	     a = snap->categories[a].parent)
		row[a] = 1;
	if (!whole)
		return;
	for (uint32_t j = 0; j < snap->n_categories; j++)
		for (int32_t a = (int32_t)j; a >= 0 && (uint32_t)a < snap->n_categories;
		     a = snap->categories[a].parent)
			if ((uint32_t)a == c) {
				row[j] = 1;
				break;
			}
}

struct covers {
	const struct ob_snapshot *snap;
	uint8_t *row;
};

static int cover_one(void *arg, const char *section)
{
	struct covers *cv = arg;
	long c = ob_ii_category_find(cv->snap, section, strlen(section));

	if (c >= 0)
		cover_code(cv->snap, cv->row, (uint32_t)c, false);
	return 0;
}

/* Source s records only the manners of list ("homicide undetermined"). */
static void declare_manners(const struct ob_snapshot *snap, struct ob_population *p, uint32_t s,
                            const char *list)
{
	uint8_t *row = p->manners + (size_t)s * p->n_manners;

	memset(row, 0, p->n_manners);
	row[0] = 1; /* the unknown manner */
	while (*list) {
		size_t n = strcspn(list, " ");
		for (uint32_t k = 1; k < p->n_manners; k++) {
			const char *code = ob_snap_str(snap, snap->tags[OB_SNAP_MANNER][k]);
			if (strlen(code) == n && !memcmp(code, list, n))
				row[k] = 1;
		}
		list += n;
		while (*list == ' ')
			list++;
	}
}

/* What each source's profile says it gives. */
static ob_err load_profiles(struct ob_store *st, const struct ob_snapshot *snap,
                            struct ob_population *p, bool *declared, struct ob_diag *d)
{
	size_t nc = snap->n_categories;
	ob_err e = OB_OK;

	for (uint32_t s = 0; s < snap->n_sources && !e; s++) {
		struct ob_profile prof;
		struct ob_diag pd;
		uint8_t *row = p->covers + (size_t)s * nc;
		const char *xname;
		long c;

		if (ob_profile_load(ob_store_dir(st), ob_snap_str(snap, snap->sources[s].code), &prof,
		                    &pd))
			continue; /* no profile: what the source delivered tells */
		for (int f = 0; f < OB_F_COUNT; f++)
			if (prof.columns[f].nalt || prof.value[f])
				p->supplies[s] |= ob_ii_field_bit((enum ob_field)f);
		if (prof.manners)
			declare_manners(snap, p, s, prof.manners);
		if (prof.categories) {
			const char *q = prof.categories;
			declared[s] = true;
			while (*q) {
				size_t n = strcspn(q, " ");
				if ((c = ob_ii_category_find(snap, q, n)) >= 0)
					cover_code(snap, row, (uint32_t)c, true);
				q += n;
				while (*q == ' ')
					q++;
			}
			ob_profile_release(&prof);
			continue;
		}
		if (prof.value[OB_F_CATEGORY] &&
		    (c = ob_ii_category_find(snap, prof.value[OB_F_CATEGORY],
		                       strlen(prof.value[OB_F_CATEGORY]))) >= 0)
			cover_code(snap, row, (uint32_t)c, false);
		xname = prof.crosswalk[OB_F_CATEGORY];
		if (xname[0]) {
			struct covers cv = { snap, row };
			if (ob_store_crosswalk_codes_each(st, xname, cover_one, &cv, d) < 0)
				e = OB_ESTORE;
		}
		/* ingest gives homicides 0101 when a profile maps no category */
		if (!prof.columns[OB_F_CATEGORY].nalt && !prof.value[OB_F_CATEGORY] &&
		    (prof.columns[OB_F_MANNER].nalt || prof.value[OB_F_MANNER]) &&
		    (c = ob_ii_category_find(snap, "0101", 4)) >= 0)
			cover_code(snap, row, (uint32_t)c, false);
		ob_profile_release(&prof);
	}
	return e;
}

/* What the sources delivered: the categories of their records and the
 * fields of which they gave a known value. */
static void scan_delivered(const struct ob_snapshot *snap, struct ob_population *p)
{
	size_t nc = snap->n_categories, ns = snap->n_sources;
	uint8_t *seen = ob_calloc(ns * nc + 1, 1);
	uint32_t *known = ob_calloc(ns + 1, sizeof(uint32_t));

	/* the records of the columns, then those of the deltas kept apart
	 * (a lazily opened snapshot's tail: same dictionaries) */
	for (const struct ob_snapshot *x = snap; x; x = x == snap ? snap->tail : NULL) {
		for (uint64_t i = 0; i < x->n; i++) {
			uint32_t s = x->source[i], k = 0;

			seen[(size_t)s * nc + x->category[i]] = 1;
			k |= (uint32_t)(x->sex[i] != OB_SNAP_SEX_U) << OB_FLD_SEX;
			k |= (uint32_t)(x->age[i] != OB_SNAP_AGE_UNKNOWN) << OB_FLD_AGE;
			k |= (uint32_t)(x->hour[i] != OB_SNAP_HOUR_UNKNOWN) << OB_FLD_HOUR;
			k |= (uint32_t)(x->units[x->territory[i]].level >= 2) << OB_FLD_MUNICIPALITY;
			for (int t = 0; t < OB_SNAP_DIMS; t++)
				k |= (uint32_t)(x->tag[t][i] != 0) << (OB_FLD_MANNER + t);
			known[s] |= k;
			p->manners[(size_t)s * p->n_manners + x->tag[OB_SNAP_MANNER][i]] = 1;
		}
	}
	for (size_t s = 0; s < ns; s++) {
		p->supplies[s] |= known[s];
		for (size_t c = 1; c < nc; c++)
			if (seen[s * nc + c])
				cover_code(snap, p->covers + s * nc, (uint32_t)c, false);
	}
	free(seen);
	free(known);
}

/* A country's validated deaths (observa reconcile) carry the attributes of
 * the records they were linked from: they supply what its police, forensic
 * and prosecutor sources supply, even where no validated death of a
 * delivery happens to have a value of a field. */
static void validated_supplies(const struct ob_snapshot *snap, struct ob_population *p)
{
	for (uint32_t v = 0; v < snap->n_sources; v++) {
		if (snap->sources[v].institution != OB_INST_VALIDATED)
			continue;
		for (uint32_t s = 0; s < snap->n_sources; s++) {
			int in = snap->sources[s].institution;
			if (snap->sources[s].country != snap->sources[v].country ||
			    !(in == OB_INST_POLICE || in == OB_INST_FORENSIC || in == OB_INST_PROSECUTOR))
				continue;
			p->supplies[v] |= p->supplies[s];
		}

	}
}

/* The manners a country's validated deaths record: those its police,
 * forensic and prosecutor profiles state, of the sources whose profile maps
 * a manner (called before the records add what was delivered). */
static void validated_manners(const struct ob_snapshot *snap, struct ob_population *p)
{
	for (uint32_t v = 0; v < snap->n_sources; v++) {
		uint8_t *row = p->manners + (size_t)v * p->n_manners;
		bool any = false;

		if (snap->sources[v].institution != OB_INST_VALIDATED)
			continue;
		for (uint32_t s = 0; s < snap->n_sources; s++) {
			int in = snap->sources[s].institution;
			const uint8_t *from = p->manners + (size_t)s * p->n_manners;
			if (snap->sources[s].country != snap->sources[v].country ||
			    !(in == OB_INST_POLICE || in == OB_INST_FORENSIC || in == OB_INST_PROSECUTOR) ||
			    !(p->supplies[s] & 1u << OB_FLD_MANNER))
				continue;
			if (!any)
				memset(row, 0, p->n_manners);
			any = true;
			for (uint32_t k = 0; k < p->n_manners; k++)
				row[k] |= from[k];
		}
	}
}

ob_err ob_population_load(struct ob_store *st, const struct ob_snapshot *snap,
                          struct ob_population **out, struct ob_diag *d)
{
	struct ob_population *p = ob_calloc(1, sizeof(*p));
	struct ob_strmap *units = unit_map_new(snap);
	bool *declared = ob_calloc((size_t)snap->n_sources + 1, sizeof(bool));
	ob_err e;

	*out = NULL;
	p->n_units = snap->n_units;
	p->n_sources = snap->n_sources;
	p->n_categories = snap->n_categories;
	p->covers = ob_calloc((size_t)p->n_sources * p->n_categories + 1, 1);
	p->supplies = ob_calloc((size_t)p->n_sources + 1, sizeof(uint32_t));
	p->n_manners = snap->n_tags[OB_SNAP_MANNER];
	p->manners = ob_malloc((size_t)p->n_sources * p->n_manners + 1);
	memset(p->manners, 1, (size_t)p->n_sources * p->n_manners + 1);
	if ((e = load_figures(st, p, units, d)) || (e = load_spans(st, p, units, d)) ||
	    (e = load_profiles(st, snap, p, declared, d)))
		goto fail;
	validated_manners(snap, p);
	scan_delivered(snap, p);
	validated_supplies(snap, p);
	unit_map_free(units);
	free(declared);
	*out = p;
	return OB_OK;
fail:
	unit_map_free(units);
	free(declared);
	ob_population_free(p);
	return e;
}

/* Population of unit u in year for sex (0 T, 1 F, 2 M); -1 when absent. */
double ob_ii_pop_get(const struct ob_population *p, uint32_t u, int year, int sex,
                      uint8_t *status)
{
	size_t at;

	*status = OB_POP_OFFICIAL;
	if (!p || u >= p->n_units || year < p->year0 || year >= p->year0 + p->n_years)
		return -1;
	at = ((size_t)u * (size_t)p->n_years + (size_t)(year - p->year0)) * 3 + (size_t)sex;
	*status = p->status[at];
	return p->value[at];
}

/* ------------------------------------------------------------------------
 * Territorial divisions.
 */
long ob_period_refday(const struct ob_period *per)
{
	int m = (per->from_month + per->to_month + 1) / 2;

	return day_of_month(m / 12, m % 12 + 1, 1);
}

long ob_period_lastday(const struct ob_period *per)
{
	int y = per->to_month / 12, m = per->to_month % 12 + 1;

	return day_of_month(y, m, per->end_day ? per->end_day : ob_ii_days_in(y, m));
}

ob_err ob_vintage_parse(const char *s, long *day, struct ob_diag *d)
{
	long long y;

	if (s && strlen(s) == 4 && ob_parse_int(s, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y)) {
		*day = day_of_month((int)y, 7, 1);
		return OB_OK;
	}
	if (day_of(s, day))
		return OB_OK;
	return OB_DIAG(d, OB_EUSAGE, "--vintage", 0, 0, s, s ? strlen(s) : 0,
	               "se esperaba la fecha de la división territorial, aaaa-mm-dd "
	               "(2024-05-01), o un año (su 1 de julio)",
	               "expected the date of the territorial division, yyyy-mm-dd "
	               "(2024-05-01), or a year (its 1 July)");
}

bool ob_unit_valid(const struct ob_population *p, uint32_t u, long day)
{
	if (!p || !p->span || u >= p->n_units)
		return true;
	return p->span[u].from <= day && day <= p->span[u].to;
}

int32_t ob_unit_in_vintage(const struct ob_population *p, uint32_t u, long day)
{
	int32_t x = (int32_t)u;

	for (uint32_t hops = 0; x >= 0 && hops <= p->n_units; hops++) {
		if (ob_unit_valid(p, (uint32_t)x, day))
			return x;
		if (!p || !p->span || p->span[x].change > day)
			return -1;
		x = p->span[x].successor;
	}
	return -1;
}

/* ------------------------------------------------------------------------
 * Territories.
 */
bool ob_ii_under(const struct ob_snapshot *snap, uint32_t u, uint32_t ancestor)
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
					e = OB_DIAG(d, OB_EUSAGE, "--territory", 0, 0, p, len,
					            "territorio desconocido; vea «observa "
					            "territories»",
					            "unknown territory; see «observa "
					            "territories»");
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
			e = OB_DIAG(d, OB_EUSAGE, "--country", 0, 0, country, strlen(country),
			            "país desconocido; se esperaba un código ISO3 como SLV",
			            "unknown country; expected an ISO3 code such as SLV");
			goto done;
		}
	}
	if (level >= 0) {
		for (uint32_t u = 0; u < snap->n_units; u++) {
			bool in = true;
			if (snap->units[u].level != level)
				continue;
			if (cu >= 0)
				in = ob_ii_under(snap, u, (uint32_t)cu);
			if (in && ngiven) {
				in = false;
				for (size_t i = 0; i < ngiven && !in; i++)
					in = ob_ii_under(snap, u, given[i]);
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
		e = OB_DIAG(d, OB_EUSAGE, "--territory", 0, 0, NULL, 0,
		            "ningún territorio cumple la selección",
		            "no territory matches the selection");
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

